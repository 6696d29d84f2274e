/* sim/config — see config.h. */
#include "sim/config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/alloc.h"

const char *cs_path_key(char *buf, size_t n, const char *parent, const char *key)
{
	if (parent && *parent)
		snprintf(buf, n, "%s.%s", parent, key);
	else
		snprintf(buf, n, "%s", key);
	return buf;
}

const char *cs_path_index(char *buf, size_t n, const char *parent, size_t i)
{
	snprintf(buf, n, "%s[%zu]", parent ? parent : "", i);
	return buf;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *cs_did_you_mean(const char *s, const char *const *names)
{
	const char *best = NULL;
	size_t bestd = 99, limit = strlen(s) / 3 + 1;
	if (limit > 3)
		limit = 3;
	for (const char *const *n = names; *n; n++) {
		size_t d = edit_distance(s, *n);
		if (d < bestd) {
			bestd = d;
			best = *n;
		}
	}
	return bestd <= limit ? best : NULL;
}

int cs_cfg_need_object(const struct cs_cfg *cfg, const json_t *v, const char *path)
{
	if (!json_is_object(v))
		return cs_error_input(cfg->err, cfg->file, path, "expected an object");
	return 0;
}

int cs_cfg_keys(const struct cs_cfg *cfg, const json_t *obj, const char *path,
		const char *const *allowed)
{
	if (cs_cfg_need_object(cfg, obj, path) < 0)
		return -1;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (ok)
			continue;
		char p[512];
		const char *hint = cs_did_you_mean(key, allowed);
		if (hint)
			return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, key),
					      "unknown key (did you mean \"%s\"?)", hint);
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, key),
				      "unknown key");
	}
	return 0;
}

/* Look up key; insert def (if given) when missing.  Returns 1 if a value
 * is there, 0 if missing without default, -1 on error. */
static int fetch(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		 unsigned flags, json_t *def, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (flags & CS_CFG_REQUIRED) {
			char p[512];
			json_decref(def);
			return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, key),
					      "missing");
		}
		if (!def)
			return 0;
		json_object_set_new(obj, key, def);
		v = def;
	} else {
		json_decref(def);
	}
	*out = v;
	return 1;
}

const char *cs_cfg_got(const json_t *v, char *buf, size_t n)
{
	if (json_is_real(v)) { /* 1e9, not 1000000000.0 */
		snprintf(buf, n, "%.15g", json_real_value(v));
		return buf;
	}
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	snprintf(buf, n, "%s", s ? s : "?");
	if (s && strlen(s) >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
	free(s);
	return buf;
}

static int check_number(const struct cs_cfg *cfg, const char *p, double x, unsigned flags)
{
	if (!isfinite(x))
		return cs_error_input(cfg->err, cfg->file, p, "not a finite number");
	if ((flags & CS_CFG_NONNEG) && x < 0)
		return cs_error_input(cfg->err, cfg->file, p, "must not be negative (got %.15g)", x);
	if ((flags & CS_CFG_POSITIVE) && x <= 0)
		return cs_error_input(cfg->err, cfg->file, p, "must be positive (got %.15g)", x);
	if ((flags & CS_CFG_INTEGER) && x != floor(x))
		return cs_error_input(cfg->err, cfg->file, p, "must be a whole number (got %.15g)", x);
	if ((flags & CS_CFG_INTEGER) && fabs(x) > 9007199254740992.0)
		return cs_error_input(cfg->err, cfg->file, p, "must be a whole number of at most 2^53 (got %.15g)", x);
	return 0;
}

int cs_check_seconds(const struct cs_cfg *cfg, const char *where, double s, unsigned flags)
{
	if (check_number(cfg, where, s, flags) < 0)
		return -1;
	if (fabs(s) > CS_MAX_SECONDS)
		return cs_error_input(cfg->err, cfg->file, where,
				      "beyond the simulator's clock: at most %g s, about 317 years (got %.15g s)",
				      CS_MAX_SECONDS, s);
	if (s != 0 && fabs(s) < 0.5e-6)
		return cs_error_input(cfg->err, cfg->file, where,
				      "below the clock's resolution of 1 us (got %.15g s)", s);
	return 0;
}

int cs_check_qty(const struct cs_cfg *cfg, const char *where, double x, bool positive, enum cs_qty_kind kind)
{
	const char *unit = kind == CS_QTY_CPU ? "cores" : "MiB";
	double max = kind == CS_QTY_CPU ? CS_MAX_CORES : CS_MAX_MIB;
	if (check_number(cfg, where, x, positive ? CS_CFG_POSITIVE : CS_CFG_NONNEG) < 0)
		return -1;
	if (x > max)
		return cs_error_input(cfg->err, cfg->file, where, "beyond the model's range: at most %.15g %s (got %.15g)",
				      max, unit, x);
	if (x != 0 && x < CS_QTY_MIN / 2)
		return cs_error_input(cfg->err, cfg->file, where,
				      "below the model's resolution of 1e-6 %s: it would be 0 (got %.15g)", unit, x);
	return 0;
}

int cs_cfg_num(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       double def, unsigned flags, double *out)
{
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	json_t *v;
	json_t *dv = (flags & CS_CFG_INTEGER) ? json_integer((json_int_t)def) : json_real(def);
	int r = fetch(cfg, obj, path, key, flags, dv, &v);
	if (r <= 0)
		return r;
	if (!json_is_number(v))
		return cs_error_input(cfg->err, cfg->file, p, "expected a number");
	*out = json_number_value(v);
	return check_number(cfg, p, *out, flags) < 0 ? -1 : 1;
}

int cs_cfg_num_in(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		  double def, unsigned flags, double lo, double hi, double *out)
{
	/* the range first: "from 0 to 11 (got 1e+308)" says more than "a
	 * whole number of at most 2^53" */
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	int r = cs_cfg_num(cfg, obj, path, key, def, flags & ~(unsigned)CS_CFG_INTEGER, out);
	if (r <= 0)
		return r;
	if (*out < lo || *out > hi)
		return cs_error_input(cfg->err, cfg->file, p, "must be %sfrom %.15g to %.15g (got %.15g)",
				      (flags & CS_CFG_INTEGER) ? "a whole number " : "", lo, hi, *out);
	return check_number(cfg, p, *out, flags) < 0 ? -1 : 1;
}

int cs_cfg_count(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		 uint64_t def, unsigned flags, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char p[512], got[64];
	cs_path_key(p, sizeof p, path, key);
	json_t *v;
	int r = fetch(cfg, obj, path, key, flags, json_integer((json_int_t)def), &v);
	if (r <= 0)
		return r;
	uint64_t x = 0;
	bool ok;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		ok = i >= 0;
		x = (uint64_t)i;
	} else {
		double d = json_number_value(v);
		ok = json_is_real(v) && d >= 0 && d == floor(d) && d <= 9007199254740992.0;
		x = ok ? (uint64_t)d : 0;
	}
	if (!ok || x < lo || x > hi)
		return cs_error_input(cfg->err, cfg->file, p, "expected a whole number from %llu to %llu (got %s)",
				      (unsigned long long)lo, (unsigned long long)hi, cs_cfg_got(v, got, sizeof got));
	*out = x;
	return 1;
}

int cs_cfg_qty(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       double def, unsigned flags, enum cs_qty_kind kind, double *out)
{
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	int r = kind == CS_QTY_CPU ? cs_cfg_num(cfg, obj, path, key, def, flags & ~(unsigned)CS_CFG_POSITIVE, out)
				   : cs_cfg_mib(cfg, obj, path, key, def, flags & ~(unsigned)CS_CFG_POSITIVE, out);
	if (r <= 0)
		return r;
	return cs_check_qty(cfg, p, *out, (flags & CS_CFG_POSITIVE) != 0, kind) < 0 ? -1 : 1;
}

int cs_cfg_value_seconds(const struct cs_cfg *cfg, const json_t *v, const char *path, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v) && cs_parse_seconds(json_string_value(v), out))
		return 0;
	return cs_error_input(cfg->err, cfg->file, path,
			      "expected seconds: a number or a string like \"90s\", \"15m\", \"6h\", \"30d\", \"1h30m\"");
}

int cs_cfg_value_mib(const struct cs_cfg *cfg, const json_t *v, const char *path, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v) && cs_parse_mib(json_string_value(v), out))
		return 0;
	return cs_error_input(cfg->err, cfg->file, path,
			      "expected MiB: a number or a string like \"512MiB\", \"16GiB\"");
}

int cs_cfg_time(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		double def_seconds, unsigned flags, cs_time *out)
{
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	json_t *v;
	json_t *def = (flags & CS_CFG_NULLABLE) && isnan(def_seconds) ? json_null() : json_real(def_seconds);
	int r = fetch(cfg, obj, path, key, flags, def, &v);
	if (r <= 0)
		return r;
	if (json_is_null(v) && (flags & CS_CFG_NULLABLE)) {
		*out = CS_TIME_NEVER;
		return 1;
	}
	double s;
	if (cs_cfg_value_seconds(cfg, v, p, &s) < 0 || cs_check_seconds(cfg, p, s, flags) < 0)
		return -1;
	*out = cs_time_from_seconds(s);
	return 1;
}

int cs_cfg_mib(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       double def, unsigned flags, double *out)
{
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	json_t *v;
	int r = fetch(cfg, obj, path, key, flags, json_real(def), &v);
	if (r <= 0)
		return r;
	if (cs_cfg_value_mib(cfg, v, p, out) < 0)
		return -1;
	return check_number(cfg, p, *out, flags) < 0 ? -1 : 1;
}

int cs_cfg_str(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
	       const char *def, unsigned flags, const char **out)
{
	char p[512];
	json_t *v;
	int r = fetch(cfg, obj, path, key, flags, def ? json_string(def) : NULL, &v);
	if (r <= 0) {
		if (r == 0)
			*out = NULL;
		return r;
	}
	if (json_is_null(v) && (flags & CS_CFG_NULLABLE)) {
		*out = NULL;
		return 1;
	}
	if (!json_is_string(v))
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, key),
				      "expected a string");
	*out = json_string_value(v);
	return 1;
}

int cs_cfg_bool(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		bool def, bool *out)
{
	char p[512];
	json_t *v;
	int r = fetch(cfg, obj, path, key, 0, json_boolean(def), &v);
	if (r <= 0)
		return r;
	if (!json_is_boolean(v))
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, key),
				      "expected true or false");
	*out = json_is_true(v);
	return 1;
}

int cs_cfg_enum(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key,
		const char *def, const char *const *names, int *out)
{
	const char *s;
	int r = cs_cfg_str(cfg, obj, path, key, def, def ? 0 : CS_CFG_REQUIRED, &s);
	if (r <= 0)
		return r < 0 ? -1 : 0;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 1;
		}
	}
	char p[512], list[512] = "";
	for (int i = 0; names[i]; i++) {
		strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
		strncat(list, names[i], sizeof list - strlen(list) - 1);
	}
	const char *hint = cs_did_you_mean(s, names);
	cs_path_key(p, sizeof p, path, key);
	if (hint)
		return cs_error_input(cfg->err, cfg->file, p, "unknown value \"%s\" (did you mean \"%s\"?)",
				      s, hint);
	return cs_error_input(cfg->err, cfg->file, p, "unknown value \"%s\" (one of: %s)", s, list);
}

char *cs_cfg_resolve_path(const struct cs_cfg *cfg, const char *path)
{
	if (path[0] != '/' && cfg->dir && *cfg->dir) {
		char *beside = cs_xasprintf("%s/%s", cfg->dir, path);
		if (access(beside, F_OK) == 0)
			return beside;
		free(beside);
	}
	return cs_xstrdup(path);
}

char *cs_cfg_input_file(const struct cs_cfg *cfg, const char *keypath, const char *file)
{
	char *resolved = cs_cfg_resolve_path(cfg, file);
	/* a directory (an empty path names the experiment's) or a device is
	 * refused here, by the key that names it */
	struct stat st;
	if (stat(resolved, &st) == 0 && !S_ISREG(st.st_mode)) {
		free(resolved);
		cs_error_input(cfg->err, cfg->file, keypath, "cannot open \"%s\": not a regular file (%s)", file,
			       S_ISDIR(st.st_mode) ? "a directory" : "a FIFO or a device");
		return NULL;
	}
	if (access(resolved, R_OK) == 0)
		return resolved;
	int e = errno;
	free(resolved);
	cs_error_input(cfg->err, cfg->file, keypath, "cannot open \"%s\": %s", file, strerror(e));
	return NULL;
}
