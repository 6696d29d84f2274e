/* specs/k8s_pod — a Kubernetes PodSpec as what one instance of an app
 * needs and where it may run.
 *
 * Resources: the pod's request is what kube-scheduler counts (its
 * NodeResourcesFit computePodResourceRequest): the sum over containers
 * of each resource's request, at least the largest init container's; a
 * container with a limit and no request requests its limit (the API
 * server's defaulting).  cpu is in cores ("500m" = 0.5), memory and
 * ephemeral-storage in bytes with the quantity suffixes (Ki Mi Gi Ti Pi
 * Ei, n u m k M G T P E, e<exp>), converted to MiB.  Other resource
 * names with a domain ("nvidia.com/gpu") or hugepages-* are recorded as
 * unmodelled.
 * Placement: nodeSelector, affinity.nodeAffinity (required terms ORed,
 * preferred terms weighted 1..100), affinity.pod(Anti)Affinity (required
 * and preferred, topologyKey required), tolerations,
 * topologySpreadConstraints; spec.priority (an integer). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/config.h"
#include "specs/k8s_internal.h"

/* A resource.Quantity in its base unit (cores or bytes); false if v is
 * not one. */
static bool quantity(const json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return true;
	}
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	const char *p = s + (*s == '+' || *s == '-');
	size_t d = strspn(p, "0123456789"), f = 0;
	const char *q = p + d;
	if (*q == '.') {
		f = strspn(q + 1, "0123456789");
		q += 1 + f;
	}
	if (d + f == 0)
		return false;
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (end != q && !(end > q && (*q == 'e' || *q == 'E'))) /* strtod read an exponent itself: fine */
		return false;
	q = end;
	static const struct { const char *sfx; double mult; } sfx[] = {
		{"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
		{"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}, {"n", 1e-9}, {"u", 1e-6},
		{"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18},
		{"", 1},
	};
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		if (strcmp(q, sfx[i].sfx) == 0) {
			x *= sfx[i].mult;
			if (!isfinite(x) || errno == ERANGE)
				return false;
			*out = x;
			return true;
		}
	}
	return false;
}

struct res {
	double cpu, mem, disk; /* cores, MiB, MiB */
};

/* requests or limits of one container into r (only the names given) */
static int read_resource_list(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
			      struct res *r, bool *has_cpu, bool *has_mem, bool *has_disk)
{
	json_t *m;
	int rc = cs_k8s_object(k, obj, key, path, &m);
	if (rc <= 0)
		return rc;
	char p[512], g[128];
	cs_path_key(p, sizeof p, path, key);
	const char *name;
	json_t *v;
	json_object_foreach(m, name, v) {
		bool *has = NULL;
		double *slot = NULL, scale = 1;
		if (strcmp(name, "cpu") == 0) {
			has = has_cpu, slot = &r->cpu;
		} else if (strcmp(name, "memory") == 0) {
			has = has_mem, slot = &r->mem, scale = 1.0 / 1048576.0;
		} else if (strcmp(name, "ephemeral-storage") == 0) {
			has = has_disk, slot = &r->disk, scale = 1.0 / 1048576.0;
		} else if (strchr(name, '/') || strncmp(name, "hugepages-", 10) == 0) {
			cs_app_unmodelled(k->app, "resources (extended resources)");
			continue;
		} else {
			static const char *const names[] = {"cpu", "memory", "ephemeral-storage", NULL};
			const char *hint = cs_did_you_mean(name, names);
			return cs_k8s_fail(k, m, name, p, "unknown resource%s%s%s: cpu, memory, ephemeral-storage or a "
					   "domain-qualified extended resource",
					   hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
		}
		double x;
		if (!quantity(v, &x))
			return cs_k8s_fail(k, m, name, p, "expected a quantity such as \"500m\", \"1.5\", \"128Mi\" or \"1G\" (got %s)",
					   cs_cfg_got(v, g, sizeof g));
		if (x < 0)
			return cs_k8s_fail(k, m, name, p, "a resource quantity cannot be negative (got %s)",
					   cs_cfg_got(v, g, sizeof g));
		*slot = x * scale;
		*has = true;
	}
	return 1;
}

static int read_container(const struct k8s_ctx *k, const json_t *c, const char *path, struct res *out,
			  bool first)
{
	static const char *const modelled[] = {"name", "command", "args", "resources", NULL};
	static const char *const unmodelled[] = {
		"env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "ports",
		"readinessProbe", "resizePolicy", "restartPolicy", "securityContext", "startupProbe", "stdin",
		"stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices",
		"volumeMounts", "workingDir", NULL,
	};
	if (cs_k8s_keys(k, c, path, modelled, unmodelled) < 0)
		return -1;
	const char *name = NULL;
	if (cs_k8s_str(k, c, "name", path, &name) < 0)
		return -1;
	if (!name || !*name)
		return cs_k8s_fail(k, c, NULL, path, "a container needs a name");
	json_t *res = NULL;
	if (cs_k8s_object(k, c, "resources", path, &res) < 0)
		return -1;
	struct res req = {0}, lim = {0};
	bool rc = false, rm = false, rd = false, lc = false, lm = false, ld = false;
	if (res) {
		static const char *const rkeys[] = {"requests", "limits", NULL};
		static const char *const runmod[] = {"claims", NULL};
		char p[512];
		cs_path_key(p, sizeof p, path, "resources");
		if (cs_k8s_keys(k, res, p, rkeys, runmod) < 0 ||
		    read_resource_list(k, res, "requests", p, &req, &rc, &rm, &rd) < 0 ||
		    read_resource_list(k, res, "limits", p, &lim, &lc, &lm, &ld) < 0)
			return -1;
	}
	out->cpu = rc ? req.cpu : lc ? lim.cpu : 0;
	out->mem = rm ? req.mem : lm ? lim.mem : 0;
	out->disk = rd ? req.disk : ld ? lim.disk : 0;
	/* the command shown: the first container's command and args */
	json_t *cmd = NULL, *args = NULL;
	if (cs_k8s_array(k, c, "command", path, &cmd) < 0 || cs_k8s_array(k, c, "args", path, &args) < 0)
		return -1;
	if (first && (cmd || args)) {
		size_t cap = 1;
		json_t *lists[2] = {cmd, args};
		for (int l = 0; l < 2; l++)
			for (size_t i = 0; i < json_array_size(lists[l]); i++)
				if (json_is_string(json_array_get(lists[l], i)))
					cap += strlen(json_string_value(json_array_get(lists[l], i))) + 1;
		char *s = cs_xcalloc(cap, 1);
		for (int l = 0; l < 2; l++) {
			for (size_t i = 0; i < json_array_size(lists[l]); i++) {
				json_t *w = json_array_get(lists[l], i);
				if (!json_is_string(w)) {
					char p[512], q[512], g[128];
					cs_path_key(p, sizeof p, path, l ? "args" : "command");
					free(s);
					return cs_k8s_fail(k, w, NULL, cs_path_index(q, sizeof q, p, i),
							   "expected a string (got %s)", cs_cfg_got(w, g, sizeof g));
				}
				if (*s)
					strcat(s, " ");
				strcat(s, json_string_value(w));
			}
		}
		free(k->app->cmd);
		k->app->cmd = s;
	}
	return 0;
}

static int read_containers(const struct k8s_ctx *k, const json_t *spec, const char *path)
{
	json_t *cs = NULL, *init = NULL;
	if (cs_k8s_array(k, spec, "containers", path, &cs) < 0 || cs_k8s_array(k, spec, "initContainers", path, &init) < 0)
		return -1;
	if (json_array_size(cs) == 0)
		return cs_k8s_fail(k, spec, cs ? "containers" : NULL, path, "a pod needs at least one container");
	struct res sum = {0}, init_max = {0};
	char p[512], q[512];
	cs_path_key(p, sizeof p, path, "containers");
	for (size_t i = 0; i < json_array_size(cs); i++) {
		struct res r;
		if (read_container(k, json_array_get(cs, i), cs_path_index(q, sizeof q, p, i), &r, i == 0) < 0)
			return -1;
		sum.cpu += r.cpu, sum.mem += r.mem, sum.disk += r.disk;
	}
	cs_path_key(p, sizeof p, path, "initContainers");
	for (size_t i = 0; i < json_array_size(init); i++) {
		struct res r;
		if (read_container(k, json_array_get(init, i), cs_path_index(q, sizeof q, p, i), &r, false) < 0)
			return -1;
		init_max.cpu = fmax(init_max.cpu, r.cpu);
		init_max.mem = fmax(init_max.mem, r.mem);
		init_max.disk = fmax(init_max.disk, r.disk);
	}
	struct cs_cfg cfg = {.file = k->file, .err = k->err};
	k->app->cpu = fmax(sum.cpu, init_max.cpu);
	k->app->mem = fmax(sum.mem, init_max.mem);
	k->app->disk = fmax(sum.disk, init_max.disk);
	if (cs_check_qty(&cfg, path, k->app->cpu, false, CS_QTY_CPU) < 0 ||
	    cs_check_qty(&cfg, path, k->app->mem, false, CS_QTY_MEM) < 0 ||
	    cs_check_qty(&cfg, path, k->app->disk, false, CS_QTY_DISK) < 0)
		return -1;
	return 0;
}

/* nodeSelectorTerms or a preference: matchExpressions and matchFields
 * (metadata.name, the machine's name) into one term */
static int read_node_term(const struct k8s_ctx *k, const json_t *t, const char *path, struct cs_node_term *term)
{
	static const char *const keys[] = {"matchExpressions", "matchFields", NULL};
	if (cs_k8s_keys(k, t, path, keys, NULL) < 0 ||
	    cs_k8s_requirements(k, t, "matchExpressions", path, true, &term->req, &term->nreq) < 0 ||
	    cs_k8s_requirements(k, t, "matchFields", path, true, &term->req, &term->nreq) < 0)
		return -1;
	return 0;
}

static int read_node_affinity(const struct k8s_ctx *k, const json_t *na, const char *path)
{
	static const char *const keys[] = {"requiredDuringSchedulingIgnoredDuringExecution",
					   "preferredDuringSchedulingIgnoredDuringExecution", NULL};
	if (cs_k8s_keys(k, na, path, keys, NULL) < 0)
		return -1;
	char p[512], q[512], r[512];
	json_t *req = NULL, *terms = NULL, *pref = NULL;
	if (cs_k8s_object(k, na, keys[0], path, &req) < 0)
		return -1;
	if (req) {
		static const char *const rkeys[] = {"nodeSelectorTerms", NULL};
		cs_path_key(p, sizeof p, path, keys[0]);
		if (cs_k8s_keys(k, req, p, rkeys, NULL) < 0 || cs_k8s_array(k, req, "nodeSelectorTerms", p, &terms) < 0)
			return -1;
		if (json_array_size(terms) == 0)
			return cs_k8s_fail(k, req, NULL, p, "required node affinity needs at least one nodeSelectorTerm");
		cs_path_key(q, sizeof q, p, "nodeSelectorTerms");
		k->app->k8s.node_required = cs_xcalloc(json_array_size(terms), sizeof *k->app->k8s.node_required);
		for (size_t i = 0; i < json_array_size(terms); i++) {
			struct cs_node_term *t = &k->app->k8s.node_required[k->app->k8s.nnode_required++];
			if (read_node_term(k, json_array_get(terms, i), cs_path_index(r, sizeof r, q, i), t) < 0)
				return -1;
		}
	}
	if (cs_k8s_array(k, na, keys[1], path, &pref) < 0)
		return -1;
	cs_path_key(p, sizeof p, path, keys[1]);
	k->app->k8s.node_preferred = json_array_size(pref) ? cs_xcalloc(json_array_size(pref), sizeof *k->app->k8s.node_preferred) : NULL;
	for (size_t i = 0; i < json_array_size(pref); i++) {
		static const char *const pkeys[] = {"weight", "preference", NULL};
		json_t *e = json_array_get(pref, i), *term = NULL;
		cs_path_index(q, sizeof q, p, i);
		struct cs_node_term *t = &k->app->k8s.node_preferred[k->app->k8s.nnode_preferred++];
		int64_t w = 0;
		if (cs_k8s_keys(k, e, q, pkeys, NULL) < 0 || cs_k8s_int(k, e, "weight", q, 1, 100, &w) < 0 ||
		    cs_k8s_object(k, e, "preference", q, &term) < 0)
			return -1;
		if (!w || !term)
			return cs_k8s_fail(k, e, NULL, q, "a preferred term needs a weight (1 to 100) and a preference");
		t->weight = (int32_t)w;
		if (read_node_term(k, term, cs_path_key(r, sizeof r, q, "preference"), t) < 0)
			return -1;
	}
	return 0;
}

static int read_pod_term(const struct k8s_ctx *k, const json_t *t, const char *path, bool anti, int32_t weight)
{
	static const char *const keys[] = {"labelSelector", "topologyKey", NULL};
	static const char *const unmod[] = {"namespaces", "namespaceSelector", "matchLabelKeys", "mismatchLabelKeys", NULL};
	struct cs_app *a = k->app;
	a->k8s.pod_terms = cs_xrealloc(a->k8s.pod_terms, (a->k8s.npod_terms + 1) * sizeof *a->k8s.pod_terms);
	struct cs_pod_term *pt = &a->k8s.pod_terms[a->k8s.npod_terms++];
	memset(pt, 0, sizeof *pt);
	pt->anti = anti;
	pt->weight = weight;
	const char *topo = NULL;
	if (cs_k8s_keys(k, t, path, keys, unmod) < 0 || cs_k8s_label_selector(k, t, "labelSelector", path, &pt->selector) < 0 ||
	    cs_k8s_str(k, t, "topologyKey", path, &topo) < 0)
		return -1;
	if (!topo || !*topo)
		return cs_k8s_fail(k, t, NULL, path, "a pod affinity term needs a topologyKey");
	pt->topology_key = cs_xstrdup(topo);
	return 0;
}

static int read_pod_affinity(const struct k8s_ctx *k, const json_t *pa, const char *path, bool anti)
{
	static const char *const keys[] = {"requiredDuringSchedulingIgnoredDuringExecution",
					   "preferredDuringSchedulingIgnoredDuringExecution", NULL};
	if (cs_k8s_keys(k, pa, path, keys, NULL) < 0)
		return -1;
	json_t *req = NULL, *pref = NULL;
	char p[512], q[512], r[512];
	if (cs_k8s_array(k, pa, keys[0], path, &req) < 0 || cs_k8s_array(k, pa, keys[1], path, &pref) < 0)
		return -1;
	cs_path_key(p, sizeof p, path, keys[0]);
	for (size_t i = 0; i < json_array_size(req); i++)
		if (read_pod_term(k, json_array_get(req, i), cs_path_index(q, sizeof q, p, i), anti, 0) < 0)
			return -1;
	cs_path_key(p, sizeof p, path, keys[1]);
	for (size_t i = 0; i < json_array_size(pref); i++) {
		static const char *const pkeys[] = {"weight", "podAffinityTerm", NULL};
		json_t *e = json_array_get(pref, i), *term = NULL;
		cs_path_index(q, sizeof q, p, i);
		int64_t w = 0;
		if (cs_k8s_keys(k, e, q, pkeys, NULL) < 0 || cs_k8s_int(k, e, "weight", q, 1, 100, &w) < 0 ||
		    cs_k8s_object(k, e, "podAffinityTerm", q, &term) < 0)
			return -1;
		if (!w || !term)
			return cs_k8s_fail(k, e, NULL, q, "a preferred term needs a weight (1 to 100) and a podAffinityTerm");
		if (read_pod_term(k, term, cs_path_key(r, sizeof r, q, "podAffinityTerm"), anti, (int32_t)w) < 0)
			return -1;
	}
	return 0;
}

static int read_affinity(const struct k8s_ctx *k, const json_t *spec, const char *path)
{
	static const char *const keys[] = {"nodeAffinity", "podAffinity", "podAntiAffinity", NULL};
	json_t *aff = NULL, *na = NULL, *pa = NULL, *paa = NULL;
	char p[512], q[512];
	if (cs_k8s_object(k, spec, "affinity", path, &aff) < 0)
		return -1;
	if (!aff)
		return 0;
	cs_path_key(p, sizeof p, path, "affinity");
	if (cs_k8s_keys(k, aff, p, keys, NULL) < 0 || cs_k8s_object(k, aff, "nodeAffinity", p, &na) < 0 ||
	    cs_k8s_object(k, aff, "podAffinity", p, &pa) < 0 || cs_k8s_object(k, aff, "podAntiAffinity", p, &paa) < 0)
		return -1;
	if ((na && read_node_affinity(k, na, cs_path_key(q, sizeof q, p, "nodeAffinity")) < 0) ||
	    (pa && read_pod_affinity(k, pa, cs_path_key(q, sizeof q, p, "podAffinity"), false) < 0) ||
	    (paa && read_pod_affinity(k, paa, cs_path_key(q, sizeof q, p, "podAntiAffinity"), true) < 0))
		return -1;
	return 0;
}

static int read_toleration(const struct k8s_ctx *k, const json_t *t, const char *path, struct cs_toleration *out)
{
	static const char *const keys[] = {"key", "operator", "value", "effect", "tolerationSeconds", NULL};
	static const char *const effects[] = {"", "NoSchedule", "PreferNoSchedule", "NoExecute", NULL};
	const char *key = NULL, *op = NULL, *value = NULL, *effect = NULL;
	int64_t secs = -1;
	if (cs_k8s_keys(k, t, path, keys, NULL) < 0 || cs_k8s_str(k, t, "key", path, &key) < 0 ||
	    cs_k8s_str(k, t, "operator", path, &op) < 0 || cs_k8s_str(k, t, "value", path, &value) < 0 ||
	    cs_k8s_str(k, t, "effect", path, &effect) < 0 ||
	    cs_k8s_int(k, t, "tolerationSeconds", path, INT64_MIN / 2, INT64_MAX / 2, &secs) < 0)
		return -1;
	if (op && strcmp(op, "Equal") != 0 && strcmp(op, "Exists") != 0)
		return cs_k8s_fail(k, t, "operator", path, "expected Equal or Exists (got \"%s\")", op);
	out->exists = op && strcmp(op, "Exists") == 0;
	/* the API server's rules: Exists takes no value; an empty key needs Exists */
	if (out->exists && value && *value)
		return cs_k8s_fail(k, t, "value", path, "a toleration with operator Exists takes no value");
	if ((!key || !*key) && !out->exists)
		return cs_k8s_fail(k, t, NULL, path, "a toleration without a key must use operator Exists");
	int e = 0;
	for (int i = 0; effects[i]; i++)
		if (effect && strcmp(effect, effects[i]) == 0)
			e = i;
	if (effect && *effect && e == 0)
		return cs_k8s_fail(k, t, "effect", path, "expected NoSchedule, PreferNoSchedule or NoExecute (got \"%s\")", effect);
	if (json_object_get(t, "tolerationSeconds") && e != CS_EFFECT_NO_EXECUTE)
		return cs_k8s_fail(k, t, "tolerationSeconds", path, "tolerationSeconds applies only to effect NoExecute");
	out->key = key && *key ? cs_xstrdup(key) : NULL;
	out->value = value ? cs_xstrdup(value) : NULL;
	out->effect = (enum cs_taint_effect)e;
	/* zero or negative: evicted at once, as the taint manager does */
	out->seconds = secs < 0 && json_object_get(t, "tolerationSeconds") ? 0 : (double)secs;
	return 0;
}

static int read_tolerations(const struct k8s_ctx *k, const json_t *spec, const char *path)
{
	json_t *ts = NULL;
	if (cs_k8s_array(k, spec, "tolerations", path, &ts) < 0)
		return -1;
	char p[512], q[512];
	cs_path_key(p, sizeof p, path, "tolerations");
	struct cs_app *a = k->app;
	a->k8s.tolerations = json_array_size(ts) ? cs_xcalloc(json_array_size(ts), sizeof *a->k8s.tolerations) : NULL;
	for (size_t i = 0; i < json_array_size(ts); i++)
		if (read_toleration(k, json_array_get(ts, i), cs_path_index(q, sizeof q, p, i),
				    &a->k8s.tolerations[a->k8s.ntolerations++]) < 0)
			return -1;
	return 0;
}

static int read_spread(const struct k8s_ctx *k, const json_t *spec, const char *path)
{
	static const char *const keys[] = {"maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector", NULL};
	static const char *const unmod[] = {"minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy", "matchLabelKeys", NULL};
	json_t *list = NULL;
	if (cs_k8s_array(k, spec, "topologySpreadConstraints", path, &list) < 0)
		return -1;
	char p[512], q[512];
	cs_path_key(p, sizeof p, path, "topologySpreadConstraints");
	struct cs_app *a = k->app;
	a->k8s.spread = json_array_size(list) ? cs_xcalloc(json_array_size(list), sizeof *a->k8s.spread) : NULL;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *c = json_array_get(list, i);
		cs_path_index(q, sizeof q, p, i);
		struct cs_spread *s = &a->k8s.spread[a->k8s.nspread++];
		int64_t skew = 0;
		const char *topo = NULL, *when = NULL;
		if (cs_k8s_keys(k, c, q, keys, unmod) < 0 || cs_k8s_int(k, c, "maxSkew", q, 1, INT32_MAX, &skew) < 0 ||
		    cs_k8s_str(k, c, "topologyKey", q, &topo) < 0 || cs_k8s_str(k, c, "whenUnsatisfiable", q, &when) < 0 ||
		    cs_k8s_label_selector(k, c, "labelSelector", q, &s->selector) < 0)
			return -1;
		if (!skew || !topo || !*topo || !when)
			return cs_k8s_fail(k, c, NULL, q, "a topology spread constraint needs maxSkew, topologyKey and whenUnsatisfiable");
		if (strcmp(when, "DoNotSchedule") != 0 && strcmp(when, "ScheduleAnyway") != 0)
			return cs_k8s_fail(k, c, "whenUnsatisfiable", q, "expected DoNotSchedule or ScheduleAnyway (got \"%s\")", when);
		s->max_skew = (int32_t)skew;
		s->topology_key = cs_xstrdup(topo);
		s->hard = strcmp(when, "DoNotSchedule") == 0;
	}
	return 0;
}

int cs_k8s_pod_spec(const struct k8s_ctx *k, const json_t *spec, const char *path)
{
	static const char *const modelled[] = {
		"containers", "initContainers", "nodeSelector", "affinity", "tolerations",
		"topologySpreadConstraints", "priority", "priorityClassName", "restartPolicy", NULL,
	};
	static const char *const unmodelled[] = {
		"activeDeadlineSeconds", "automountServiceAccountToken", "dnsConfig", "dnsPolicy",
		"enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork", "hostPID",
		"hostUsers", "hostname", "imagePullSecrets", "nodeName", "os", "overhead", "preemptionPolicy",
		"readinessGates", "resourceClaims", "runtimeClassName", "schedulerName",
		"schedulingGates", "securityContext", "serviceAccount", "serviceAccountName", "setHostnameAsFQDN",
		"shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "volumes", NULL,
	};
	if (cs_k8s_keys(k, spec, path, modelled, unmodelled) < 0 || read_containers(k, spec, path) < 0 ||
	    cs_k8s_string_map(k, spec, "nodeSelector", path, &k->app->k8s.node_selector) < 0 ||
	    read_affinity(k, spec, path) < 0 || read_tolerations(k, spec, path) < 0 || read_spread(k, spec, path) < 0)
		return -1;
	int64_t prio = 0;
	const char *restart = NULL, *pclass = NULL;
	if (cs_k8s_int(k, spec, "priority", path, INT32_MIN, INT32_MAX, &prio) < 0 ||
	    cs_k8s_str(k, spec, "priorityClassName", path, &pclass) < 0 ||
	    cs_k8s_str(k, spec, "restartPolicy", path, &restart) < 0)
		return -1;
	/* an explicit spec.priority wins (the admission plugin sets it from
	 * the class, and a client may not contradict it) */
	if (pclass && !json_object_get(spec, "priority")) {
		free(k->app->k8s.priority_class);
		k->app->k8s.priority_class = cs_xstrdup(pclass);
	}
	if (restart && strcmp(restart, "Always") != 0 && strcmp(restart, "OnFailure") != 0 && strcmp(restart, "Never") != 0)
		return cs_k8s_fail(k, spec, "restartPolicy", path, "expected Always, OnFailure or Never (got \"%s\")", restart);
	k->app->priority = (int32_t)prio;
	free(k->app->k8s.restart_policy);
	k->app->k8s.restart_policy = cs_xstrdup(restart ? restart : "Always");
	return 0;
}
