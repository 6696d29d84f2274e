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

int cs_cfg_num(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       double def, unsigned flags, double *out);
/* Seconds: a number or a string with a unit ("15m").  Null with
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
