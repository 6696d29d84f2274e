/* specs/k8s_fields — typed reads of Kubernetes object fields, with errors
 * that name the line, column and key path (k8s_internal.h), and the
 * LabelSelector and metadata shapes every kind uses. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/config.h"
#include "specs/k8s_internal.h"

int cs_k8s_fail(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
		const char *fmt, ...)
{
	char what[768], where[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	int line = 0, col = 0;
	bool found = false;
	if (key) {
		found = cs_yaml_where(k->docs, obj, key, &line, &col);
		const json_t *v = json_object_get(obj, key);
		if (!found && v)
			found = cs_yaml_where(k->docs, v, NULL, &line, &col);
	}
	if (!found)
		found = cs_yaml_where(k->docs, obj, NULL, &line, &col);
	char full[512];
	const char *p = key ? cs_path_key(full, sizeof full, path, key) : path;
	if (found && p && *p)
		snprintf(where, sizeof where, "%d:%d: %s", line, col, p);
	else if (found)
		snprintf(where, sizeof where, "%d:%d", line, col);
	else
		snprintf(where, sizeof where, "%s", p ? p : "");
	return cs_error_input(k->err, k->file, where, "%s", what);
}

static const char *got(const json_t *v, char *buf, size_t n)
{
	return cs_cfg_got(v, buf, n);
}

static bool listed(const char *key, const char *const *list)
{
	for (; list && *list; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

/* path without its [i] indices, for the unmodelled list */
static void record_unmodelled(const struct k8s_ctx *k, const char *path, const char *key)
{
	char full[512], flat[512];
	cs_path_key(full, sizeof full, path, key);
	size_t j = 0;
	for (const char *s = full; *s && j + 1 < sizeof flat; s++) {
		if (*s == '[') {
			s = strchr(s, ']');
			if (!s)
				break;
			continue;
		}
		flat[j++] = *s;
	}
	flat[j] = '\0';
	cs_app_unmodelled(k->app, flat);
}

int cs_k8s_keys(const struct k8s_ctx *k, const json_t *obj, const char *path,
		const char *const *modelled, const char *const *unmodelled)
{
	char g[64];
	if (!json_is_object(obj))
		return cs_k8s_fail(k, obj, NULL, path, "expected a mapping (got %s)", got(obj, g, sizeof g));
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		if (listed(key, modelled))
			continue;
		if (listed(key, unmodelled)) {
			record_unmodelled(k, path, key);
			continue;
		}
		const char *all[160];
		size_t n = 0;
		for (const char *const *p = modelled; p && *p && n < 150; p++)
			all[n++] = *p;
		for (const char *const *p = unmodelled; p && *p && n < 150; p++)
			all[n++] = *p;
		all[n] = NULL;
		const char *hint = cs_did_you_mean(key, all);
		if (hint)
			return cs_k8s_fail(k, obj, key, path, "unknown field (did you mean \"%s\"?)", hint);
		return cs_k8s_fail(k, obj, key, path, "unknown field");
	}
	return 0;
}

int cs_k8s_str(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char g[128];
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return cs_k8s_fail(k, obj, key, path, "expected a string (got %s)", got(v, g, sizeof g));
	*out = json_string_value(v);
	return 1;
}

int cs_k8s_int(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
	       int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char g[128];
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return cs_k8s_fail(k, obj, key, path, "expected a whole number (got %s)", got(v, g, sizeof g));
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi)
		return cs_k8s_fail(k, obj, key, path, "out of range: from %lld to %lld (got %lld)", (long long)lo,
				   (long long)hi, (long long)x);
	*out = x;
	return 1;
}

int cs_k8s_bool(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, bool *out)
{
	json_t *v = json_object_get(obj, key);
	char g[128];
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return cs_k8s_fail(k, obj, key, path, "expected true or false (got %s)", got(v, g, sizeof g));
	*out = json_is_true(v);
	return 1;
}

int cs_k8s_object(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	char g[128];
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return cs_k8s_fail(k, obj, key, path, "expected a mapping (got %s)", got(v, g, sizeof g));
	*out = v;
	return 1;
}

int cs_k8s_array(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	char g[128];
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return cs_k8s_fail(k, obj, key, path, "expected a list (got %s)", got(v, g, sizeof g));
	*out = v;
	return 1;
}

int cs_k8s_string_map(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
		      struct cs_labels *out)
{
	json_t *m;
	int r = cs_k8s_object(k, obj, key, path, &m);
	if (r <= 0)
		return r;
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	const char *lk;
	json_t *v;
	json_object_foreach(m, lk, v) {
		const char *s;
		if (cs_k8s_str(k, m, lk, p, &s) < 0)
			return -1;
		if (!json_is_string(v))
			return cs_k8s_fail(k, m, lk, p, "expected a string (got null)");
		cs_labels_set(out, lk, s);
	}
	return 1;
}

static int read_requirement(const struct k8s_ctx *k, const json_t *e, const char *p, bool node_ops,
			    struct cs_sel_req *r)
{
	static const char *const keys[] = {"key", "operator", "values", NULL};
	static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", NULL};
	if (cs_k8s_keys(k, e, p, keys, NULL) < 0)
		return -1;
	const char *key = NULL, *op = NULL;
	if (cs_k8s_str(k, e, "key", p, &key) < 0 || cs_k8s_str(k, e, "operator", p, &op) < 0)
		return -1;
	if (!key || !*key)
		return cs_k8s_fail(k, e, NULL, p, "a requirement needs a key");
	if (!op)
		return cs_k8s_fail(k, e, NULL, p, "a requirement needs an operator");
	int o = -1;
	for (int i = 0; ops[i]; i++)
		if (strcmp(ops[i], op) == 0)
			o = i;
	if (o < 0 || (!node_ops && o >= CS_SEL_GT))
		return cs_k8s_fail(k, e, "operator", p, "expected %s (got \"%s\")",
				   node_ops ? "In, NotIn, Exists, DoesNotExist, Gt or Lt" : "In, NotIn, Exists or DoesNotExist", op);
	json_t *vals = NULL;
	if (cs_k8s_array(k, e, "values", p, &vals) < 0)
		return -1;
	size_t nv = json_array_size(vals);
	/* the API server's rules: In/NotIn need values, Exists/DoesNotExist
	 * none, Gt/Lt exactly one integer */
	if ((o == CS_SEL_IN || o == CS_SEL_NOT_IN) && nv == 0)
		return cs_k8s_fail(k, e, "values", p, "%s needs at least one value", op);
	if ((o == CS_SEL_EXISTS || o == CS_SEL_DOES_NOT_EXIST) && nv)
		return cs_k8s_fail(k, e, "values", p, "%s takes no values", op);
	if ((o == CS_SEL_GT || o == CS_SEL_LT) && nv != 1)
		return cs_k8s_fail(k, e, "values", p, "%s takes exactly one value", op);
	r->key = cs_xstrdup(key);
	r->op = (enum cs_sel_op)o;
	r->values = nv ? cs_xcalloc(nv, sizeof *r->values) : NULL;
	char vp[512];
	cs_path_key(vp, sizeof vp, p, "values");
	for (size_t i = 0; i < nv; i++) {
		json_t *v = json_array_get(vals, i);
		char g[128], q[512];
		if (!json_is_string(v)) {
			cs_path_index(q, sizeof q, vp, i);
			return cs_k8s_fail(k, v, NULL, q, "expected a string (got %s)", got(v, g, sizeof g));
		}
		r->values[r->nvalues++] = cs_xstrdup(json_string_value(v));
		if (o >= CS_SEL_GT) {
			char *end;
			strtoll(r->values[0], &end, 10);
			if (end == r->values[0] || *end)
				return cs_k8s_fail(k, v, NULL, cs_path_index(q, sizeof q, vp, i),
						   "%s compares whole numbers (got \"%s\")", op, r->values[0]);
		}
	}
	return 0;
}

int cs_k8s_requirements(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
			bool node_ops, struct cs_sel_req **reqs, size_t *n)
{
	json_t *list;
	int r = cs_k8s_array(k, obj, key, path, &list);
	if (r <= 0)
		return r;
	char p[512], q[512];
	cs_path_key(p, sizeof p, path, key);
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		*reqs = cs_xrealloc(*reqs, (*n + 1) * sizeof **reqs);
		struct cs_sel_req *req = &(*reqs)[*n];
		memset(req, 0, sizeof *req);
		(*n)++;
		if (read_requirement(k, e, cs_path_index(q, sizeof q, p, i), node_ops, req) < 0)
			return -1;
	}
	return 1;
}

int cs_k8s_label_selector(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
			  struct cs_selector *out)
{
	static const char *const keys[] = {"matchLabels", "matchExpressions", NULL};
	json_t *sel;
	int r = cs_k8s_object(k, obj, key, path, &sel);
	if (r <= 0)
		return r;
	char p[512];
	cs_path_key(p, sizeof p, path, key);
	if (cs_k8s_keys(k, sel, p, keys, NULL) < 0 || cs_k8s_string_map(k, sel, "matchLabels", p, &out->match) < 0 ||
	    cs_k8s_requirements(k, sel, "matchExpressions", p, false, &out->expr, &out->nexpr) < 0)
		return -1;
	out->present = true;
	return 1;
}

/* DNS-1123 subdomain: lowercase alphanumerics, '-' and '.', starting and
 * ending alphanumeric, at most 253 characters (object names). */
static bool dns_subdomain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

int cs_k8s_metadata(const struct k8s_ctx *k, const json_t *meta, const char *path, bool need_name,
		    struct cs_labels *labels)
{
	static const char *const modelled[] = {"name", "namespace", "labels", NULL};
	static const char *const unmodelled[] = {
		"annotations", "clusterName", "creationTimestamp", "deletionGracePeriodSeconds",
		"deletionTimestamp", "finalizers", "generateName", "generation", "managedFields",
		"ownerReferences", "resourceVersion", "selfLink", "uid", NULL,
	};
	if (cs_k8s_keys(k, meta, path, modelled, unmodelled) < 0)
		return -1;
	const char *name = NULL, *ns = NULL;
	if (cs_k8s_str(k, meta, "name", path, &name) < 0 || cs_k8s_str(k, meta, "namespace", path, &ns) < 0 ||
	    cs_k8s_string_map(k, meta, "labels", path, labels) < 0)
		return -1;
	if (need_name) {
		if (!name)
			return cs_k8s_fail(k, meta, NULL, path, "an object needs a name (metadata.name)");
		if (!dns_subdomain(name))
			return cs_k8s_fail(k, meta, "name", path,
					   "not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a "
					   "letter or digit, at most 253 characters (got \"%s\")", name);
		k->app->name = cs_xstrdup(name);
	}
	if (ns && need_name)
		k->app->k8s.namespace = cs_xstrdup(ns);
	return 0;
}
