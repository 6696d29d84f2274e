/* specs/spec — the app model's helpers, format detection and the readers'
 * registry (one line per format). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/alloc.h"
#include "specs/readers.h"
#include "specs/spec_internal.h"

static const struct {
	const char *name;
	int (*read)(struct cs_spec_set *set, const char *file, const char *text, size_t len,
		    struct cs_error *err);
} readers[] = {
	[CS_SPEC_MARATHON] = {"marathon", cs_spec_read_marathon},
	[CS_SPEC_AURORA] = {"aurora", cs_spec_read_aurora},
	[CS_SPEC_KUBERNETES] = {"kubernetes", cs_spec_read_kubernetes},
};

const char *cs_spec_format_name(enum cs_spec_format f)
{
	return readers[f].name;
}

const char *cs_app_kind_name(enum cs_app_kind k)
{
	static const char *const names[] = {
		[CS_APP_MARATHON] = "marathon app",
		[CS_APP_AURORA_JOB] = "aurora job",
		[CS_APP_AURORA_SERVICE] = "aurora service",
		[CS_APP_K8S_POD] = "Pod",
		[CS_APP_K8S_RC] = "ReplicationController",
		[CS_APP_K8S_RS] = "ReplicaSet",
		[CS_APP_K8S_DEPLOYMENT] = "Deployment",
		[CS_APP_K8S_SERVICE] = "Service",
	};
	return names[k];
}

const char *cs_constraint_op_name(enum cs_constraint_op op)
{
	static const char *const names[] = {"UNIQUE", "CLUSTER", "GROUP_BY", "LIKE", "UNLIKE", "MAX_PER", "IS"};
	return names[op];
}

const char *cs_sel_op_name(enum cs_sel_op op)
{
	static const char *const names[] = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"};
	return names[op];
}

/* The first significant character and line decide (spec.h). */
enum cs_spec_format cs_spec_detect(const char *text, size_t len)
{
	size_t i = 0;
	for (;;) {
		while (i < len && isspace((unsigned char)text[i]))
			i++;
		if (i < len && text[i] == '#') { /* a comment line, in YAML or Python */
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	if (i >= len)
		return CS_SPEC_AURORA; /* empty: the Aurora reader says "no jobs" */
	if (text[i] == '{' || text[i] == '[') {
		/* JSON: Kubernetes if the object has a top-level "kind" (a v1
		 * List too); otherwise the Marathon reader checks it */
		json_t *root = json_loadb(text, len, 0, NULL);
		bool k8s = json_is_object(root) && json_object_get(root, "kind");
		json_decref(root);
		return k8s ? CS_SPEC_KUBERNETES : CS_SPEC_MARATHON;
	}
	if ((len - i >= 3 && memcmp(text + i, "---", 3) == 0) || (len - i >= 5 && memcmp(text + i, "%YAML", 5) == 0))
		return CS_SPEC_KUBERNETES;
	/* "key:" at the start of the first line: a YAML mapping (a Python
	 * statement has "=", "(" or a space before any colon) */
	size_t j = i;
	while (j < len && (isalnum((unsigned char)text[j]) || text[j] == '_' || text[j] == '-'))
		j++;
	if (j > i && j < len && text[j] == ':')
		return CS_SPEC_KUBERNETES;
	return CS_SPEC_AURORA;
}

int cs_spec_parse(struct cs_spec_set *set, const char *file, const char *text, size_t len,
		  struct cs_error *err)
{
	memset(set, 0, sizeof *set);
	set->file = cs_xstrdup(file);
	set->format = cs_spec_detect(text, len);
	if (memchr(text, '\0', len)) {
		cs_spec_set_release(set);
		return cs_error_input(err, file, NULL, "not a text file (it has a NUL byte)");
	}
	if (readers[set->format].read(set, file, text, len, err) < 0) {
		cs_spec_set_release(set);
		return -1;
	}
	return 0;
}

char *cs_spec_read_file(const char *file, size_t *len_out, struct cs_error *err)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		cs_error_input(err, file, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 14, len = 0;
	char *buf = cs_xmalloc(cap + 1);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len > CS_SPEC_MAX_BYTES)
			break;
		if (len == cap)
			buf = cs_xrealloc(buf, (cap *= 2) + 1);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad || len > CS_SPEC_MAX_BYTES) {
		free(buf);
		if (bad)
			cs_error_input(err, file, NULL, "cannot read");
		else
			cs_error_input(err, file, NULL, "larger than %u MiB", CS_SPEC_MAX_BYTES >> 20);
		return NULL;
	}
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

int cs_spec_load(struct cs_spec_set *set, const char *file, struct cs_error *err)
{
	memset(set, 0, sizeof *set);
	size_t len;
	char *buf = cs_spec_read_file(file, &len, err);
	if (!buf)
		return -1;
	int rc = cs_spec_parse(set, file, buf, len, err);
	free(buf);
	return rc;
}

void cs_app_init(struct cs_app *a, enum cs_app_kind kind)
{
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->instances = 1;
	/* Marathon's defaults (REST API AppDefinition) */
	a->marathon.backoff_seconds = 1;
	a->marathon.backoff_factor = 1.15;
	a->marathon.max_launch_delay = 300;
	a->marathon.min_health_capacity = 1;
	a->marathon.max_over_capacity = 1;
	/* Aurora's (config schema: MesosJob, UpdateConfig) */
	a->aurora.max_task_failures = 1;
	a->aurora.update.batch_size = 1;
	a->aurora.update.watch_secs = 45;
	a->aurora.update.max_per_shard_failures = 0;
	a->aurora.update.max_total_failures = 0;
	a->aurora.update.rollback_on_failure = true;
	/* Kubernetes': RollingUpdate 25% / 25%, Service affinity 3 h */
	a->k8s.max_surge = (struct cs_intpct){25, true};
	a->k8s.max_unavailable = (struct cs_intpct){25, true};
	a->k8s.affinity_timeout = 10800;
}

void cs_labels_release(struct cs_labels *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

void cs_sel_req_release(struct cs_sel_req *r)
{
	free(r->key);
	for (size_t i = 0; i < r->nvalues; i++)
		free(r->values[i]);
	free(r->values);
}

void cs_selector_release(struct cs_selector *s)
{
	cs_labels_release(&s->match);
	for (size_t i = 0; i < s->nexpr; i++)
		cs_sel_req_release(&s->expr[i]);
	free(s->expr);
	memset(s, 0, sizeof *s);
}

static void release_terms(struct cs_node_term *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < t[i].nreq; j++)
			cs_sel_req_release(&t[i].req[j]);
		free(t[i].req);
	}
	free(t);
}

void cs_app_release(struct cs_app *a)
{
	free(a->name);
	free(a->cmd);
	for (size_t i = 0; i < a->nconstraints; i++) {
		free(a->constraints[i].field);
		free(a->constraints[i].value);
	}
	free(a->constraints);
	cs_labels_release(&a->labels);
	free(a->aurora.cluster);
	free(a->aurora.role);
	free(a->aurora.environment);
	free(a->aurora.tier);
	free(a->k8s.namespace);
	cs_labels_release(&a->k8s.object_labels);
	cs_selector_release(&a->k8s.selector);
	cs_labels_release(&a->k8s.node_selector);
	release_terms(a->k8s.node_required, a->k8s.nnode_required);
	release_terms(a->k8s.node_preferred, a->k8s.nnode_preferred);
	for (size_t i = 0; i < a->k8s.ntolerations; i++) {
		free(a->k8s.tolerations[i].key);
		free(a->k8s.tolerations[i].value);
	}
	free(a->k8s.tolerations);
	for (size_t i = 0; i < a->k8s.npod_terms; i++) {
		cs_selector_release(&a->k8s.pod_terms[i].selector);
		free(a->k8s.pod_terms[i].topology_key);
	}
	free(a->k8s.pod_terms);
	for (size_t i = 0; i < a->k8s.nspread; i++) {
		cs_selector_release(&a->k8s.spread[i].selector);
		free(a->k8s.spread[i].topology_key);
	}
	free(a->k8s.spread);
	free(a->k8s.restart_policy);
	free(a->k8s.priority_class);
	free(a->k8s.ports);
	for (size_t i = 0; i < a->nunmodelled; i++)
		free(a->unmodelled[i]);
	free(a->unmodelled);
	memset(a, 0, sizeof *a);
}

void cs_spec_set_release(struct cs_spec_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		cs_app_release(&set->apps[i]);
	free(set->apps);
	for (size_t i = 0; i < set->nskipped; i++)
		free(set->skipped[i]);
	free(set->skipped);
	free(set->file);
	memset(set, 0, sizeof *set);
}

struct cs_app *cs_spec_add(struct cs_spec_set *set, enum cs_app_kind kind)
{
	set->apps = cs_xrealloc(set->apps, (set->n + 1) * sizeof *set->apps);
	struct cs_app *a = &set->apps[set->n++];
	cs_app_init(a, kind);
	return a;
}

void cs_app_unmodelled(struct cs_app *a, const char *path)
{
	for (size_t i = 0; i < a->nunmodelled; i++)
		if (strcmp(a->unmodelled[i], path) == 0)
			return;
	a->unmodelled = cs_xrealloc(a->unmodelled, (a->nunmodelled + 1) * sizeof *a->unmodelled);
	a->unmodelled[a->nunmodelled++] = cs_xstrdup(path);
}

struct cs_constraint *cs_app_add_constraint(struct cs_app *a, const char *field,
					    enum cs_constraint_op op, const char *value)
{
	a->constraints = cs_xrealloc(a->constraints, (a->nconstraints + 1) * sizeof *a->constraints);
	struct cs_constraint *c = &a->constraints[a->nconstraints++];
	c->field = cs_xstrdup(field);
	c->op = op;
	c->value = value ? cs_xstrdup(value) : NULL;
	return c;
}

void cs_labels_set(struct cs_labels *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			free(l->v[i].value);
			l->v[i].value = cs_xstrdup(value);
			return;
		}
	}
	l->v = cs_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n].key = cs_xstrdup(key);
	l->v[l->n].value = cs_xstrdup(value);
	l->n++;
}

const char *cs_labels_get(const struct cs_labels *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

static bool parse_long(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*out = v;
	return true;
}

static bool req_holds(const struct cs_sel_req *r, const struct cs_labels *labels)
{
	const char *v = cs_labels_get(labels, r->key);
	switch (r->op) {
	case CS_SEL_EXISTS:
		return v != NULL;
	case CS_SEL_DOES_NOT_EXIST:
		return v == NULL;
	case CS_SEL_IN:
	case CS_SEL_NOT_IN: {
		bool in = false;
		for (size_t i = 0; v && i < r->nvalues && !in; i++)
			in = strcmp(r->values[i], v) == 0;
		return r->op == CS_SEL_IN ? in : !in;
	}
	case CS_SEL_GT:
	case CS_SEL_LT: {
		long long have, bound;
		if (!v || r->nvalues != 1 || !parse_long(v, &have) || !parse_long(r->values[0], &bound))
			return false;
		return r->op == CS_SEL_GT ? have > bound : have < bound;
	}
	}
	return false;
}

bool cs_selector_matches(const struct cs_selector *s, const struct cs_labels *labels)
{
	if (!s->present)
		return false;
	for (size_t i = 0; i < s->match.n; i++) {
		const char *v = cs_labels_get(labels, s->match.v[i].key);
		if (!v || strcmp(v, s->match.v[i].value) != 0)
			return false;
	}
	for (size_t i = 0; i < s->nexpr; i++)
		if (!req_holds(&s->expr[i], labels))
			return false;
	return true;
}

int cs_spec_number(const json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if (!json_is_string(v))
		return 0;
	const char *s = json_string_value(v);
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	/* the whole string, a finite decimal (no "inf", "nan" or hex) */
	if (end == s || *end || errno == ERANGE || !isfinite(x) || strpbrk(s, "xXnNiI"))
		return 0;
	*out = x;
	return 1;
}

const char *cs_constraint_check(enum cs_constraint_op op, const char *value)
{
	long long n;
	switch (op) {
	case CS_CON_UNIQUE:
		return value ? "UNIQUE takes no value" : NULL;
	case CS_CON_CLUSTER:
		return NULL; /* a value pins the app to it; none: all on one value */
	case CS_CON_GROUP_BY:
		if (value && (!parse_long(value, &n) || n < 1 || n > 1000000))
			return "GROUP_BY's value is a number of groups, a whole number from 1";
		return NULL;
	case CS_CON_MAX_PER:
		if (!value || !parse_long(value, &n) || n < 1 || n > 1000000)
			return "MAX_PER needs a whole number from 1 as its value";
		return NULL;
	case CS_CON_LIKE:
	case CS_CON_UNLIKE: {
		if (!value)
			return "this operator needs a value";
		/* Marathon matches the whole attribute value against a Java
		 * regular expression; the model uses a POSIX extended one,
		 * anchored at both ends */
		char *anchored = cs_xasprintf("^(%s)$", value);
		regex_t re;
		int bad = regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB);
		free(anchored);
		if (bad)
			return "not a valid regular expression (POSIX extended)";
		regfree(&re);
		return NULL;
	}
	case CS_CON_IS:
		return value ? NULL : "this operator needs a value";
	}
	return NULL;
}

/* An Aurora job key: cluster/role/env/name, four non-empty parts. */
static int split_key(const char *key, char parts[4][256])
{
	const char *s = key;
	for (int i = 0; i < 4; i++) {
		size_t n = strcspn(s, "/");
		if (n == 0 || n >= 256 || (i < 3 && s[n] != '/') || (i == 3 && s[n]))
			return -1;
		memcpy(parts[i], s, n);
		parts[i][n] = '\0';
		s += n + (i < 3);
	}
	return 0;
}

int cs_spec_bind_job_key(struct cs_spec_set *set, const char *key, bool *runs)
{
	char parts[4][256];
	if (split_key(key, parts) < 0)
		return -1;
	int found = 0;
	for (size_t i = 0; i < set->n; i++) {
		struct cs_app *a = &set->apps[i];
		runs[i] = false;
		if (strcmp(a->name, parts[3]) != 0)
			continue;
		char **have[3] = {&a->aurora.cluster, &a->aurora.role, &a->aurora.environment};
		bool match = true;
		for (int k = 0; k < 3; k++)
			match = match && (!*have[k] || strcmp(*have[k], parts[k]) == 0);
		if (!match)
			continue;
		for (int k = 0; k < 3; k++)
			if (!*have[k])
				*have[k] = cs_xstrdup(parts[k]);
		runs[i] = true;
		found++;
	}
	return found;
}
