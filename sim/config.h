/* sim/config — reading experiment JSON with errors that name the place.
 *
 * Every getter takes the object, its key path (for messages, e.g.
 * "workloads[1].arrival") and the key.  A missing optional key gets its
 * default *written into the object*, so that after parsing, the JSON tree
 * is the fully resolved experiment that results/experiment.json records.
 * Errors: "FILE: PATH.KEY: what is wrong", code CS_EXIT_INPUT.
 *
 * Ownership: the cfg borrows file names; json values belong to the tree. */
#ifndef CS_CONFIG_H
#define CS_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/error.h"
#include "sim/units.h"

struct cs_cfg {
	const char *file;   /* for messages */
	const char *dir;    /* the experiment file's directory, for relative paths */
	struct cs_error *err;
};

/* Getters return 1 when a value (given or default) was read, 0 when an
 * optional key without default is absent, -1 on error. */
enum {
	CS_CFG_REQUIRED = 1 << 0,
	CS_CFG_NONNEG = 1 << 1,   /* >= 0 */
	CS_CFG_POSITIVE = 1 << 2, /* > 0 */
	CS_CFG_INTEGER = 1 << 3,
	CS_CFG_NULLABLE = 1 << 4, /* null is allowed and means "none" */
};

/* Format "parent.key" / "parent[i]" into buf (parent may be ""). */
const char *cs_path_key(char *buf, size_t n, const char *parent, const char *key);
const char *cs_path_index(char *buf, size_t n, const char *parent, size_t i);

/* Reject keys of obj not in the NULL-terminated list (with "did you
 * mean"). */
int cs_cfg_keys(const struct cs_cfg *cfg, const json_t *obj, const char *path,
		const char *const *allowed);
/* Fail unless v is an object. */
int cs_cfg_need_object(const struct cs_cfg *cfg, const json_t *v, const char *path);

/* A number (with CS_CFG_INTEGER: a whole number of magnitude at most
 * 2^53, exact in a double). */
int cs_cfg_num(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       double def, unsigned flags, double *out);
/* A number from lo to hi (the flags as for cs_cfg_num). */
int cs_cfg_num_in(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		  double def, unsigned flags, double lo, double hi, double *out);
/* A whole number from lo to hi, read exactly (a JSON integer is not
 * rounded through a double: seeds up to 2^63 - 1 stay what they are). */
int cs_cfg_count(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		 uint64_t def, unsigned flags, uint64_t lo, uint64_t hi, uint64_t *out);
/* A quantity of a machine or task: cpu (cores), or memory or disk (MiB,
 * unit strings accepted), in the model's range (sim/units.h): 0 allowed
 * only with CS_CFG_NONNEG, a positive value at least 1e-6. */
enum cs_qty_kind { CS_QTY_CPU, CS_QTY_MEM, CS_QTY_DISK };
int cs_cfg_qty(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       double def, unsigned flags, enum cs_qty_kind kind, double *out);
/* Check a value already read against the quantity ranges (for values
 * that come from elsewhere: distributions, files); msg-less -1 on error
 * with err set for `where`. */
int cs_check_qty(const struct cs_cfg *cfg, const char *where, double x, bool positive, enum cs_qty_kind kind);
/* Check seconds already read against the clock's range. */
int cs_check_seconds(const struct cs_cfg *cfg, const char *where, double s, unsigned flags);
/* A JSON value as it was given, for "(got X)" (at most n - 1 bytes). */
const char *cs_cfg_got(const json_t *v, char *buf, size_t n);
/* Seconds: a number or a string with a unit ("15m"), at most
 * CS_MAX_SECONDS, a positive one at least 1 µs.  Null with
 * CS_CFG_NULLABLE gives CS_TIME_NEVER. */
int cs_cfg_time(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		double def_seconds, unsigned flags, cs_time *out);
/* MiB: a number or a string with a unit ("16GiB"). */
int cs_cfg_mib(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       double def, unsigned flags, double *out);
int cs_cfg_str(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       const char *def, unsigned flags, const char **out);
int cs_cfg_bool(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		bool def, bool *out);
/* One of names[] (NULL-terminated); *out is its index. */
int cs_cfg_enum(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		const char *def, const char *const *names, int *out);

/* A value that is a number (seconds) or a unit string, parsed alone. */
int cs_cfg_value_seconds(const struct cs_cfg *cfg, const json_t *v, const char *path, double *out);
int cs_cfg_value_mib(const struct cs_cfg *cfg, const json_t *v, const char *path, double *out);

/* Resolve a path from the experiment: next to the experiment file if it
 * exists there, else as given (relative to the working directory).
 * Returns a new string. */
char *cs_cfg_resolve_path(const struct cs_cfg *cfg, const char *path);

/* Resolve `file` (the value at keypath) like cs_cfg_resolve_path and
 * check that it can be read; NULL with "FILE: KEYPATH: cannot open" if
 * not. */
char *cs_cfg_input_file(const struct cs_cfg *cfg, const char *keypath, const char *file);

/* The closest of names[] to s by edit distance, or NULL if none is close. */
const char *cs_did_you_mean(const char *s, const char *const *names);

#endif
