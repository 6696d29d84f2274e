/* specs/kubernetes — Kubernetes v1 objects (YAML or JSON, several
 * documents, or a v1 List) as apps.
 *
 * Modelled kinds: Pod (one instance), ReplicationController (selector a
 * map, defaulting to the template's labels), ReplicaSet and Deployment
 * (apps/v1: selector {matchLabels, matchExpressions}, required), with
 * spec.replicas (default 1) and the pod template (specs/k8s_pod.c); a
 * Deployment's strategy RollingUpdate (maxSurge and maxUnavailable, each
 * an integer or a percentage, default 25%, not both 0) or Recreate;
 * Service (spec.selector, ports, sessionAffinity None or ClientIP with
 * sessionAffinityConfig.clientIP.timeoutSeconds, default 10800 s).  As the
 * API server does, a workload whose selector does not select its own
 * template's labels is an error.  PriorityClass objects in the same file
 * give priorityClassName its value (and the two built-in classes theirs).
 * Objects of configuration kinds (ConfigMap, Secret, Namespace, ...) are
 * skipped and listed; other workload kinds (StatefulSet, DaemonSet, Job,
 * ...) are errors: the model does not have their controllers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/config.h"
#include "specs/k8s_internal.h"
#include "specs/readers.h"

static const char *const skipped_kinds[] = {
	"ConfigMap", "Secret", "Namespace", "ServiceAccount", "PersistentVolumeClaim", "PersistentVolume",
	"Ingress", "IngressClass", "NetworkPolicy", "Role", "RoleBinding", "ClusterRole",
	"ClusterRoleBinding", "PodDisruptionBudget", "HorizontalPodAutoscaler", "LimitRange",
	"ResourceQuota", "StorageClass", "Endpoints", "EndpointSlice", NULL,
};

struct reader {
	struct k8s_ctx k;
	struct cs_spec_set *set;
	struct { char *name; int64_t value; } *classes;
	size_t nclasses;
};

static bool in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static int read_intpct(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
		       struct cs_intpct *out)
{
	json_t *v = json_object_get(obj, key);
	char g[128];
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= INT32_MAX) {
		*out = (struct cs_intpct){(double)json_integer_value(v), false};
		return 1;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long n = strtol(s, &end, 10);
		if (end != s && strcmp(end, "%") == 0 && n >= 0 && n <= 100 && s[0] != '-' && s[0] != '+') {
			*out = (struct cs_intpct){(double)n, true};
			return 1;
		}
	}
	return cs_k8s_fail(k, obj, key, path, "expected a whole number or a percentage from 0%% to 100%% (got %s)",
			   cs_cfg_got(v, g, sizeof g));
}

static int read_strategy(const struct k8s_ctx *k, const json_t *spec, const char *path)
{
	static const char *const keys[] = {"type", "rollingUpdate", NULL};
	static const char *const rkeys[] = {"maxSurge", "maxUnavailable", NULL};
	json_t *st = NULL, *ru = NULL;
	if (cs_k8s_object(k, spec, "strategy", path, &st) < 0)
		return -1;
	if (!st)
		return 0;
	char p[512], q[512];
	cs_path_key(p, sizeof p, path, "strategy");
	const char *type = NULL;
	if (cs_k8s_keys(k, st, p, keys, NULL) < 0 || cs_k8s_str(k, st, "type", p, &type) < 0 ||
	    cs_k8s_object(k, st, "rollingUpdate", p, &ru) < 0)
		return -1;
	if (type && strcmp(type, "RollingUpdate") != 0 && strcmp(type, "Recreate") != 0)
		return cs_k8s_fail(k, st, "type", p, "expected RollingUpdate or Recreate (got \"%s\")", type);
	struct cs_app *a = k->app;
	a->k8s.recreate = type && strcmp(type, "Recreate") == 0;
	if (ru && a->k8s.recreate)
		return cs_k8s_fail(k, st, "rollingUpdate", p, "may not be given with strategy type Recreate");
	if (ru) {
		cs_path_key(q, sizeof q, p, "rollingUpdate");
		if (cs_k8s_keys(k, ru, q, rkeys, NULL) < 0 || read_intpct(k, ru, "maxSurge", q, &a->k8s.max_surge) < 0 ||
		    read_intpct(k, ru, "maxUnavailable", q, &a->k8s.max_unavailable) < 0)
			return -1;
		if (a->k8s.max_surge.value == 0 && a->k8s.max_unavailable.value == 0)
			return cs_k8s_fail(k, ru, NULL, q, "maxSurge and maxUnavailable may not both be 0");
	}
	return 0;
}

/* The pod template: its labels are the app's, its spec the pod's. */
static int read_template(const struct k8s_ctx *k, const json_t *spec, const char *path)
{
	static const char *const keys[] = {"metadata", "spec", NULL};
	json_t *t = NULL, *meta = NULL, *pod = NULL;
	if (cs_k8s_object(k, spec, "template", path, &t) < 0)
		return -1;
	if (!t)
		return cs_k8s_fail(k, spec, NULL, path, "a workload needs a pod template (spec.template)");
	char p[512], q[512];
	cs_path_key(p, sizeof p, path, "template");
	if (cs_k8s_keys(k, t, p, keys, NULL) < 0 || cs_k8s_object(k, t, "metadata", p, &meta) < 0 ||
	    cs_k8s_object(k, t, "spec", p, &pod) < 0)
		return -1;
	if (meta && cs_k8s_metadata(k, meta, cs_path_key(q, sizeof q, p, "metadata"), false, &k->app->labels) < 0)
		return -1;
	if (!pod)
		return cs_k8s_fail(k, t, NULL, p, "a pod template needs a spec");
	return cs_k8s_pod_spec(k, pod, cs_path_key(q, sizeof q, p, "spec"));
}

static int read_workload(struct reader *r, const json_t *spec, enum cs_app_kind kind)
{
	const struct k8s_ctx *k = &r->k;
	static const char *const modelled[] = {"replicas", "selector", "template", "minReadySeconds", "strategy", NULL};
	static const char *const unmod_deploy[] = {"revisionHistoryLimit", "progressDeadlineSeconds", "paused", NULL};
	static const char *const none[] = {NULL};
	const char *const *mod = modelled;
	static const char *const rs_keys[] = {"replicas", "selector", "template", "minReadySeconds", NULL};
	if (kind != CS_APP_K8S_DEPLOYMENT)
		mod = rs_keys;
	if (cs_k8s_keys(k, spec, "spec", mod, kind == CS_APP_K8S_DEPLOYMENT ? unmod_deploy : none) < 0)
		return -1;
	struct cs_app *a = k->app;
	int64_t replicas = 1, ready = 0;
	if (cs_k8s_int(k, spec, "replicas", "spec", 0, 1000000, &replicas) < 0 ||
	    cs_k8s_int(k, spec, "minReadySeconds", "spec", 0, INT32_MAX, &ready) < 0 || read_template(k, spec, "spec") < 0)
		return -1;
	a->instances = (uint64_t)replicas;
	a->k8s.min_ready_seconds = (int32_t)ready;
	if (kind == CS_APP_K8S_RC) {
		if (cs_k8s_string_map(k, spec, "selector", "spec", &a->k8s.selector.match) < 0)
			return -1;
		if (a->k8s.selector.match.n == 0) /* defaulted from the template */
			for (size_t i = 0; i < a->labels.n; i++)
				cs_labels_set(&a->k8s.selector.match, a->labels.v[i].key, a->labels.v[i].value);
		a->k8s.selector.present = true;
	} else {
		if (cs_k8s_label_selector(k, spec, "selector", "spec", &a->k8s.selector) < 0)
			return -1;
		if (!a->k8s.selector.present)
			return cs_k8s_fail(k, spec, NULL, "spec", "a %s needs a selector (spec.selector)", cs_app_kind_name(kind));
	}
	if (a->k8s.selector.match.n + a->k8s.selector.nexpr == 0)
		return cs_k8s_fail(k, spec, "selector", "spec", "an empty selector would select every pod");
	if (!cs_selector_matches(&a->k8s.selector, &a->labels))
		return cs_k8s_fail(k, spec, "selector", "spec", "does not select the template's labels (spec.template.metadata.labels)");
	return kind == CS_APP_K8S_DEPLOYMENT ? read_strategy(k, spec, "spec") : 0;
}

static int read_service(struct reader *r, const json_t *spec)
{
	const struct k8s_ctx *k = &r->k;
	static const char *const modelled[] = {"selector", "ports", "type", "sessionAffinity", "sessionAffinityConfig", NULL};
	static const char *const unmod[] = {
		"allocateLoadBalancerNodePorts", "clusterIP", "clusterIPs", "externalIPs", "externalName",
		"externalTrafficPolicy", "healthCheckNodePort", "internalTrafficPolicy", "ipFamilies",
		"ipFamilyPolicy", "loadBalancerClass", "loadBalancerIP", "loadBalancerSourceRanges",
		"publishNotReadyAddresses", "trafficDistribution", NULL,
	};
	struct cs_app *a = k->app;
	a->instances = 0;
	const char *type = NULL, *aff = NULL;
	json_t *ports = NULL, *cfg = NULL;
	if (cs_k8s_keys(k, spec, "spec", modelled, unmod) < 0 ||
	    cs_k8s_string_map(k, spec, "selector", "spec", &a->k8s.selector.match) < 0 ||
	    cs_k8s_str(k, spec, "type", "spec", &type) < 0 || cs_k8s_str(k, spec, "sessionAffinity", "spec", &aff) < 0 ||
	    cs_k8s_array(k, spec, "ports", "spec", &ports) < 0 ||
	    cs_k8s_object(k, spec, "sessionAffinityConfig", "spec", &cfg) < 0)
		return -1;
	/* a Service without a selector has no endpoints the model makes */
	a->k8s.selector.present = a->k8s.selector.match.n > 0;
	static const char *const types[] = {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName", NULL};
	if (type && !in(type, types))
		return cs_k8s_fail(k, spec, "type", "spec", "expected ClusterIP, NodePort, LoadBalancer or ExternalName (got \"%s\")", type);
	if (aff && strcmp(aff, "None") != 0 && strcmp(aff, "ClientIP") != 0)
		return cs_k8s_fail(k, spec, "sessionAffinity", "spec", "expected None or ClientIP (got \"%s\")", aff);
	a->k8s.session_affinity = aff && strcmp(aff, "ClientIP") == 0;
	if (cfg) {
		static const char *const ckeys[] = {"clientIP", NULL};
		static const char *const ikeys[] = {"timeoutSeconds", NULL};
		json_t *ip = NULL;
		int64_t t = 10800;
		if (cs_k8s_keys(k, cfg, "spec.sessionAffinityConfig", ckeys, NULL) < 0 ||
		    cs_k8s_object(k, cfg, "clientIP", "spec.sessionAffinityConfig", &ip) < 0 ||
		    (ip && (cs_k8s_keys(k, ip, "spec.sessionAffinityConfig.clientIP", ikeys, NULL) < 0 ||
			    cs_k8s_int(k, ip, "timeoutSeconds", "spec.sessionAffinityConfig.clientIP", 1, 86400, &t) < 0)))
			return -1;
		a->k8s.affinity_timeout = (double)t;
	}
	char q[64];
	a->k8s.ports = json_array_size(ports) ? cs_xcalloc(json_array_size(ports), sizeof *a->k8s.ports) : NULL;
	for (size_t i = 0; i < json_array_size(ports); i++) {
		static const char *const pkeys[] = {"port", NULL};
		static const char *const punmod[] = {"name", "protocol", "targetPort", "nodePort", "appProtocol", NULL};
		json_t *pt = json_array_get(ports, i);
		int64_t port = 0;
		cs_path_index(q, sizeof q, "spec.ports", i);
		if (cs_k8s_keys(k, pt, q, pkeys, punmod) < 0 || cs_k8s_int(k, pt, "port", q, 1, 65535, &port) < 0)
			return -1;
		if (!port)
			return cs_k8s_fail(k, pt, NULL, q, "a service port needs a port (1 to 65535)");
		a->k8s.ports[a->k8s.nports++] = (uint32_t)port;
	}
	return 0;
}

static const struct kind {
	const char *name;
	enum cs_app_kind kind;
	const char *const versions[5];
} kinds[] = {
	{"Pod", CS_APP_K8S_POD, {"v1"}},
	{"ReplicationController", CS_APP_K8S_RC, {"v1"}},
	{"ReplicaSet", CS_APP_K8S_RS, {"apps/v1", "apps/v1beta2", "extensions/v1beta1"}},
	{"Deployment", CS_APP_K8S_DEPLOYMENT, {"apps/v1", "apps/v1beta2", "apps/v1beta1", "extensions/v1beta1"}},
	{"Service", CS_APP_K8S_SERVICE, {"v1"}},
};

static int read_object(struct reader *r, const json_t *obj, const char *path, int line);

static int read_list(struct reader *r, const json_t *obj, const char *path)
{
	json_t *items = NULL;
	if (cs_k8s_array(&r->k, obj, "items", path, &items) < 0)
		return -1;
	char p[64];
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		int line = 0, col;
		cs_yaml_where(r->k.docs, it, NULL, &line, &col);
		if (read_object(r, it, cs_path_index(p, sizeof p, "items", i), line) < 0)
			return -1;
	}
	return 0;
}

static int read_object(struct reader *r, const json_t *obj, const char *path, int line)
{
	struct k8s_ctx *k = &r->k;
	char g[128];
	if (!json_is_object(obj))
		return cs_k8s_fail(k, obj, NULL, path, "expected a Kubernetes object, a mapping with apiVersion and kind (got %s)",
				   cs_cfg_got(obj, g, sizeof g));
	const char *api = NULL, *kind = NULL;
	if (cs_k8s_str(k, obj, "apiVersion", path, &api) < 0 || cs_k8s_str(k, obj, "kind", path, &kind) < 0)
		return -1;
	if (!api || !kind)
		return cs_k8s_fail(k, obj, NULL, path, "a Kubernetes object needs apiVersion and kind");
	if (strcmp(kind, "List") == 0)
		return read_list(r, obj, path);
	if (in(kind, skipped_kinds) || strcmp(kind, "PriorityClass") == 0)
		return 0; /* listed by the first pass (collect_side_objects) */
	const struct kind *kd = NULL;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kinds[i].name, kind) == 0)
			kd = &kinds[i];
	if (!kd)
		return cs_k8s_fail(k, obj, "kind", path, "kind %s is not modelled: Pod, ReplicationController, ReplicaSet, "
				   "Deployment and Service are", kind);
	bool ok = false;
	for (size_t i = 0; kd->versions[i]; i++)
		ok |= strcmp(kd->versions[i], api) == 0;
	if (!ok)
		return cs_k8s_fail(k, obj, "apiVersion", path, "%s is not served as %s (use %s)", kind, api, kd->versions[0]);
	static const char *const top[] = {"apiVersion", "kind", "metadata", "spec", NULL};
	static const char *const top_unmod[] = {"status", NULL};
	k->app = cs_spec_add(r->set, kd->kind);
	k->app->line = line;
	json_t *meta = NULL, *spec = NULL;
	char p[512], q[512];
	if (cs_k8s_keys(k, obj, path, top, top_unmod) < 0 || cs_k8s_object(k, obj, "metadata", path, &meta) < 0 ||
	    cs_k8s_object(k, obj, "spec", path, &spec) < 0)
		return -1;
	if (!meta)
		return cs_k8s_fail(k, obj, NULL, path, "an object needs metadata with a name");
	struct cs_labels *labels = kd->kind == CS_APP_K8S_POD ? &k->app->labels : &k->app->k8s.object_labels;
	if (cs_k8s_metadata(k, meta, cs_path_key(p, sizeof p, path, "metadata"), true, labels) < 0)
		return -1;
	if (kd->kind == CS_APP_K8S_POD)
		for (size_t i = 0; i < labels->n; i++)
			cs_labels_set(&k->app->k8s.object_labels, labels->v[i].key, labels->v[i].value);
	if (!spec)
		return cs_k8s_fail(k, obj, NULL, path, "an object of kind %s needs a spec", kind);
	cs_path_key(q, sizeof q, path, "spec");
	(void)q;
	switch (kd->kind) {
	case CS_APP_K8S_POD:
		return cs_k8s_pod_spec(k, spec, "spec");
	case CS_APP_K8S_SERVICE:
		return read_service(r, spec);
	default:
		return read_workload(r, spec, kd->kind);
	}
}

/* First pass: PriorityClass values and the kinds that are skipped. */
static int collect_side_objects(struct reader *r, const json_t *obj, const char *path)
{
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (!kind)
		return 0;
	if (strcmp(kind, "List") == 0) {
		json_t *items = json_object_get(obj, "items");
		char p[64];
		for (size_t i = 0; i < json_array_size(items); i++)
			if (collect_side_objects(r, json_array_get(items, i), cs_path_index(p, sizeof p, "items", i)) < 0)
				return -1;
		return 0;
	}
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	if (in(kind, skipped_kinds)) {
		char *s = cs_xasprintf("%s/%s", kind, name ? name : "?");
		r->set->skipped = cs_xrealloc(r->set->skipped, (r->set->nskipped + 1) * sizeof *r->set->skipped);
		r->set->skipped[r->set->nskipped++] = s;
		return 0;
	}
	if (strcmp(kind, "PriorityClass") != 0)
		return 0;
	int64_t value = 0;
	if (!name)
		return cs_k8s_fail(&r->k, obj, NULL, path, "a PriorityClass needs metadata.name");
	if (cs_k8s_int(&r->k, obj, "value", path, INT32_MIN, 1000000000, &value) < 0)
		return -1;
	r->classes = cs_xrealloc(r->classes, (r->nclasses + 1) * sizeof *r->classes);
	r->classes[r->nclasses].name = cs_xstrdup(name);
	r->classes[r->nclasses++].value = value;
	return 0;
}

/* priorityClassName: a class of this file, or a built-in one */
static void resolve_priorities(struct reader *r, const struct cs_yaml_docs *docs)
{
	(void)docs;
	for (size_t i = 0; i < r->set->n; i++) {
		struct cs_app *a = &r->set->apps[i];
		if (!a->k8s.priority_class)
			continue;
		int64_t v = 0;
		bool found = false;
		if (strcmp(a->k8s.priority_class, "system-cluster-critical") == 0)
			v = 2000000000, found = true;
		else if (strcmp(a->k8s.priority_class, "system-node-critical") == 0)
			v = 2000001000, found = true;
		for (size_t c = 0; c < r->nclasses && !found; c++)
			if (strcmp(r->classes[c].name, a->k8s.priority_class) == 0)
				v = r->classes[c].value, found = true;
		if (found)
			a->priority = (int32_t)v;
		else
			cs_app_unmodelled(a, "priorityClassName (no PriorityClass of that name in the file: priority 0)");
	}
}

int cs_spec_read_kubernetes(struct cs_spec_set *set, const char *file, const char *text, size_t len,
			    struct cs_error *err)
{
	struct cs_yaml_docs docs;
	if (cs_yaml_load(&docs, file, text, len, err) < 0)
		return -1;
	struct reader r = {.k = {.file = file, .err = err, .docs = &docs}, .set = set};
	int rc = 0;
	if (docs.n == 0)
		rc = cs_error_input(err, file, NULL, "no Kubernetes objects in the file");
	for (size_t i = 0; i < docs.n && rc == 0; i++)
		rc = collect_side_objects(&r, docs.docs[i], "");
	for (size_t i = 0; i < docs.n && rc == 0; i++)
		rc = read_object(&r, docs.docs[i], "", docs.doc_line[i]);
	if (rc == 0)
		resolve_priorities(&r, &docs);
	if (rc == 0 && set->n == 0)
		rc = cs_error_input(err, file, NULL, "no Pod, ReplicationController, ReplicaSet, Deployment or Service in the file");
	for (size_t c = 0; c < r.nclasses; c++)
		free(r.classes[c].name);
	free(r.classes);
	cs_yaml_release(&docs);
	return rc;
}
