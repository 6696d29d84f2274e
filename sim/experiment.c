/* sim/experiment — see experiment.h. */
#include "sim/experiment.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/config.h"

char *cs_dirname(const char *file)
{
	const char *slash = strrchr(file, '/');
	if (!slash)
		return cs_xstrdup(".");
	if (slash == file)
		return cs_xstrdup("/");
	char *d = cs_xmalloc((size_t)(slash - file) + 1);
	memcpy(d, file, (size_t)(slash - file));
	d[slash - file] = '\0';
	return d;
}

/* One step of a path: a key (ends at '.', '[' or the end) or an index. */
struct step {
	bool is_index;
	size_t index;
	char key[128];
};

static const char *next_step(const char *p, struct step *st, bool *ok)
{
	*ok = true;
	if (*p == '[') {
		char *end;
		st->is_index = true;
		if (!isdigit((unsigned char)p[1])) {
			*ok = false;
			return p;
		}
		st->index = strtoul(p + 1, &end, 10);
		if (*end != ']') {
			*ok = false;
			return p;
		}
		p = end + 1;
	} else {
		size_t n = strcspn(p, ".[");
		if (n == 0 || n >= sizeof st->key) {
			*ok = false;
			return p;
		}
		st->is_index = false;
		memcpy(st->key, p, n);
		st->key[n] = '\0';
		p += n;
	}
	if (*p == '.')
		p++;
	return p;
}

json_t *cs_json_get_path(json_t *root, const char *path)
{
	json_t *cur = root;
	const char *p = path;
	while (*p && cur) {
		struct step st;
		bool ok;
		p = next_step(p, &st, &ok);
		if (!ok)
			return NULL;
		cur = st.is_index ? json_array_get(cur, st.index) : json_object_get(cur, st.key);
	}
	return cur;
}

/* json_object_set_new, with why set when jansson refuses the key (it
 * takes UTF-8 only, and a --set path is any bytes); value is consumed
 * either way. */
static int set_key(json_t *obj, const char *key, json_t *value, char *why, size_t whylen)
{
	if (json_object_set_new(obj, key, value) == 0)
		return 0;
	snprintf(why, whylen, "the key \"%s\" is not valid UTF-8", key);
	return -1;
}

int cs_json_set_path(json_t *root, const char *path, json_t *value, char *why, size_t whylen)
{
	json_t *cur = root;
	const char *p = path;
	while (*p) {
		struct step st;
		bool ok;
		p = next_step(p, &st, &ok);
		if (!ok) {
			snprintf(why, whylen, "malformed key path");
			goto fail;
		}
		bool last = *p == '\0';
		if (st.is_index) {
			if (!json_is_array(cur) || st.index >= json_array_size(cur)) {
				snprintf(why, whylen, "no list item [%zu] there", st.index);
				goto fail;
			}
			if (last)
				return json_array_set_new(cur, st.index, value) == 0 ? 0 : -1;
			cur = json_array_get(cur, st.index);
		} else {
			if (!json_is_object(cur)) {
				snprintf(why, whylen, "\"%s\" is not inside an object", st.key);
				goto fail;
			}
			if (last)
				return set_key(cur, st.key, value, why, whylen);
			json_t *next = json_object_get(cur, st.key);
			if (!next) {
				next = json_object();
				if (set_key(cur, st.key, next, why, whylen) < 0)
					goto fail; /* (next is freed) */
			}
			cur = next;
		}
	}
	snprintf(why, whylen, "empty key path");
fail:
	json_decref(value);
	return -1;
}

int cs_experiment_set(json_t *root, const char *file, const char *assignment, struct cs_error *err)
{
	const char *eq = strchr(assignment, '=');
	if (!eq || eq == assignment)
		return cs_error_input(err, "--set", assignment, "expected KEY.PATH=VALUE");
	char *path = cs_xmalloc((size_t)(eq - assignment) + 1);
	memcpy(path, assignment, (size_t)(eq - assignment));
	path[eq - assignment] = '\0';
	const char *text = eq + 1;
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	if (!v)
		v = json_string(text);
	if (!v) { /* neither JSON nor a string jansson takes */
		cs_error_input(err, file, path, "--set: the value is not valid UTF-8");
		free(path);
		return -1;
	}
	char why[200];
	int r = cs_json_set_path(root, path, v, why, sizeof why);
	if (r < 0)
		cs_error_input(err, file, path, "--set: %s", why);
	free(path);
	return r;
}

static bool is_var_ref(const json_t *v, const char **name)
{
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	if (s[0] != '$' || !(isalpha((unsigned char)s[1]) || s[1] == '_'))
		return false;
	for (const char *c = s + 1; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return false;
	*name = s + 1;
	return true;
}

static int substitute(json_t *node, const json_t *vars, const char *path, const char *file,
		      struct cs_error *err);

/* v at path: a "$name" (1, *out = a copy of its value), anything else (0,
 * substituted inside), or an unknown variable (-1). */
static int resolve_one(json_t *v, const json_t *vars, const char *path, const char *file,
		       struct cs_error *err, json_t **out)
{
	const char *name;
	if (!is_var_ref(v, &name))
		return substitute(v, vars, path, file, err) < 0 ? -1 : 0;
	/* a variable may name another ("a": "$b"): follow the chain, which
	 * must end within as many steps as there are variables */
	json_t *val = NULL;
	for (size_t hops = 0;; hops++) {
		val = vars ? json_object_get(vars, name) : NULL;
		if (!val)
			return cs_error_input(err, file, path, "unknown variable \"$%s\"", name);
		if (!is_var_ref(val, &name))
			break;
		if (hops > json_object_size(vars))
			return cs_error_input(err, file, path, "variables that refer to each other in a cycle (through "
					      "\"$%s\")", name);
	}
	*out = json_deep_copy(val);
	/* inside a copied object or list, further "$name" uses */
	if (substitute(*out, vars, path, file, err) < 0) {
		json_decref(*out);
		return -1;
	}
	return 1;
}

static int substitute(json_t *node, const json_t *vars, const char *path, const char *file,
		      struct cs_error *err)
{
	char p[512];
	if (json_is_object(node)) {
		const char *key;
		json_t *v;
		json_object_foreach(node, key, v) {
			if (!*path && (strcmp(key, "vars") == 0 || strcmp(key, "sweep") == 0))
				continue;
			cs_path_key(p, sizeof p, path, key);
			json_t *val;
			int r = resolve_one(v, vars, p, file, err, &val);
			if (r < 0)
				return -1;
			if (r > 0)
				json_object_set_new(node, key, val);
		}
	} else if (json_is_array(node)) {
		for (size_t i = 0; i < json_array_size(node); i++) {
			json_t *v = json_array_get(node, i);
			cs_path_index(p, sizeof p, path, i);
			json_t *val;
			int r = resolve_one(v, vars, p, file, err, &val);
			if (r < 0)
				return -1;
			if (r > 0)
				json_array_set_new(node, i, val);
		}
	}
	return 0;
}

int cs_experiment_resolve_vars(json_t *root, const char *file, struct cs_error *err)
{
	json_t *vars = json_object_get(root, "vars");
	if (vars && !json_is_object(vars))
		return cs_error_input(err, file, "vars", "expected an object");
	return substitute(root, vars, "", file, err);
}

json_t *cs_experiment_load(const char *file, char *const *sets, size_t nsets, struct cs_error *err)
{
	json_t *root = cs_experiment_load_raw(file, sets, nsets, err);
	if (root && cs_experiment_resolve_vars(root, file, err) < 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* An experiment file's text: at most CS_EXPERIMENT_MAX bytes (a device or
 * a huge file is refused, not read until memory runs out). */
#define CS_EXPERIMENT_MAX (64u << 20)

static char *read_text(const char *file, size_t *len, struct cs_error *err)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		cs_error_input(err, file, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = cs_xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap > CS_EXPERIMENT_MAX) {
				fclose(f);
				free(buf);
				cs_error_input(err, file, NULL, "larger than %u MiB: not an experiment file",
					       CS_EXPERIMENT_MAX >> 20);
				return NULL;
			}
			cap *= 2;
			buf = cs_xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	int e = errno;
	fclose(f);
	if (bad) {
		free(buf);
		cs_error_input(err, file, NULL, "cannot read: %s", strerror(e));
		return NULL;
	}
	*len = n;
	return buf;
}

json_t *cs_experiment_load_raw(const char *file, char *const *sets, size_t nsets, struct cs_error *err)
{
	json_error_t jerr;
	size_t len;
	char *text = read_text(file, &len, err);
	if (!text)
		return NULL;
	/* a UTF-8 byte-order mark, as some editors write, is not JSON */
	size_t skip = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	json_t *root = json_loadb(text + skip, len - skip, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!root) {
		if (jerr.line <= 0)
			cs_error_input(err, file, NULL, "%s", jerr.text);
		else {
			char where[64];
			snprintf(where, sizeof where, "line %d column %d", jerr.line, jerr.column);
			cs_error_input(err, file, where, "%s", jerr.text);
		}
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		cs_error_input(err, file, NULL, "an experiment is a JSON object");
		return NULL;
	}
	for (size_t i = 0; i < nsets; i++) {
		if (cs_experiment_set(root, file, sets[i], err) < 0) {
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

const char *cs_base_name(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *b = path + n;
	while (b > path && b[-1] != '/')
		b--;
	return b;
}
