/* tests/unit/test_specs — the spec readers: the source material's
 * Marathon app and Aurora job as they are, Kubernetes manifests (YAML and
 * JSON, several documents), every constraint operator, quantities, the
 * Aurora subset, selectors, and an error naming the place for each kind
 * of bad input. */
#include "testutil.h"

#include "specs/spec.h"
#include "specs/spec_internal.h"

static int parse(struct cs_spec_set *set, const char *file, const char *text, struct cs_error *err)
{
	memset(err, 0, sizeof *err);
	return cs_spec_parse(set, file, text, strlen(text), err);
}

/* text must fail with a message containing want */
static void expect_error(const char *file, const char *text, const char *want)
{
	struct cs_spec_set set;
	struct cs_error err;
	int rc = parse(&set, file, text, &err);
	if (rc == 0 || !strstr(err.msg, want)) {
		fprintf(stderr, "input:\n%s\nwanted an error with: %s\ngot: %s\n", text, want, rc ? err.msg : "(success)");
		if (rc == 0)
			cs_spec_set_release(&set);
		fail();
	}
	assert_int_equal(err.code, CS_EXIT_INPUT);
	assert_null(strchr(err.msg, '\n'));
}

static void test_seed_marathon(void **state)
{
	(void)state;
	struct cs_spec_set set;
	struct cs_error err = {0};
	assert_int_equal(cs_spec_load(&set, "experiments/cluster-managers/apps/ubuntu.json", &err), 0);
	assert_int_equal(set.format, CS_SPEC_MARATHON);
	assert_int_equal(set.n, 1);
	const struct cs_app *a = &set.apps[0];
	assert_int_equal(a->kind, CS_APP_MARATHON);
	assert_string_equal(a->name, "ubuntu");
	assert_int_equal(a->instances, 1);    /* "1" */
	assert_true(a->cpu == 0.5);           /* ".5" */
	assert_true(a->mem == 512 && a->disk == 0);
	assert_string_equal(a->cmd, "while sleep 10; do date -u +%T; done");
	/* Marathon's defaults */
	assert_true(a->marathon.backoff_seconds == 1 && a->marathon.backoff_factor == 1.15 &&
		    a->marathon.max_launch_delay == 300);
	assert_true(a->marathon.min_health_capacity == 1 && a->marathon.max_over_capacity == 1);
	assert_false(a->marathon.kill_oldest_first);
	/* accepted, listed, not modelled */
	assert_int_equal(a->nunmodelled, 2);
	assert_string_equal(a->unmodelled[0], "container");
	assert_string_equal(a->unmodelled[1], "uris");
	cs_spec_set_release(&set);
}

static void test_seed_aurora(void **state)
{
	(void)state;
	setenv("USER", "alice", 1);
	struct cs_spec_set set;
	struct cs_error err = {0};
	assert_int_equal(cs_spec_load(&set, "experiments/cluster-managers/apps/hello_world.aurora", &err), 0);
	assert_int_equal(set.format, CS_SPEC_AURORA);
	assert_int_equal(set.n, 1);
	const struct cs_app *a = &set.apps[0];
	assert_int_equal(a->kind, CS_APP_AURORA_JOB);
	assert_string_equal(a->name, "hello_world"); /* task.name = processes[0].name */
	assert_string_equal(a->cmd, "echo hello world");
	assert_true(a->cpu == 0.1 && a->mem == 16 && a->disk == 16); /* 16 * MB is 16 MiB */
	assert_string_equal(a->aurora.cluster, "cluster1");
	assert_string_equal(a->aurora.role, "alice");   /* os.getenv('USER') */
	assert_null(a->aurora.environment);             /* left to the job key */
	assert_int_equal(a->instances, 1);
	assert_int_equal(a->aurora.max_task_failures, 1);
	assert_false(a->aurora.production);
	cs_spec_set_release(&set);
	/* unset: None, a job whose role the key must supply */
	unsetenv("USER");
	assert_int_equal(cs_spec_load(&set, "experiments/cluster-managers/apps/hello_world.aurora", &err), 0);
	assert_null(set.apps[0].aurora.role);
	cs_spec_set_release(&set);
}

static void test_marathon_fields(void **state)
{
	(void)state;
	const char *text =
		"{\"id\": \"/prod/web\", \"instances\": 4, \"cpus\": 0.25, \"mem\": \"64\", \"disk\": 10,"
		" \"constraints\": [[\"hostname\", \"UNIQUE\"], [\"rack\", \"CLUSTER\", \"r1\"], [\"zone\", \"GROUP_BY\", \"3\"],"
		" [\"os\", \"LIKE\", \"ubuntu-.*\"], [\"os\", \"UNLIKE\", \"centos|rhel\"], [\"hostname\", \"MAX_PER\", \"2\"],"
		" [\"gpu\", \"IS\", \"none\"], [\"zone\", \"GROUP_BY\"], [\"rack\", \"CLUSTER\"]],"
		" \"labels\": {\"team\": \"web\"}, \"backoffSeconds\": 2, \"backoffFactor\": \"2\", \"maxLaunchDelaySeconds\": 60,"
		" \"upgradeStrategy\": {\"minimumHealthCapacity\": 0.5, \"maximumOverCapacity\": 0.2},"
		" \"killSelection\": \"OLDEST_FIRST\", \"env\": {\"A\": \"b\"}, \"healthChecks\": []}";
	struct cs_spec_set set;
	struct cs_error err;
	assert_int_equal(parse(&set, "web.json", text, &err), 0);
	const struct cs_app *a = &set.apps[0];
	assert_string_equal(a->name, "prod/web");
	assert_int_equal(a->instances, 4);
	assert_true(a->cpu == 0.25 && a->mem == 64 && a->disk == 10);
	assert_int_equal(a->nconstraints, 9);
	static const enum cs_constraint_op ops[] = {CS_CON_UNIQUE, CS_CON_CLUSTER, CS_CON_GROUP_BY, CS_CON_LIKE, CS_CON_UNLIKE,
						    CS_CON_MAX_PER, CS_CON_IS, CS_CON_GROUP_BY, CS_CON_CLUSTER};
	for (size_t i = 0; i < 9; i++)
		assert_int_equal(a->constraints[i].op, ops[i]);
	assert_null(a->constraints[0].value);
	assert_string_equal(a->constraints[5].value, "2");
	assert_null(a->constraints[8].value);
	assert_string_equal(cs_labels_get(&a->labels, "team"), "web");
	assert_true(a->marathon.backoff_seconds == 2 && a->marathon.backoff_factor == 2 && a->marathon.max_launch_delay == 60);
	assert_true(a->marathon.min_health_capacity == 0.5 && a->marathon.max_over_capacity == 0.2);
	assert_true(a->marathon.kill_oldest_first);
	assert_int_equal(a->nunmodelled, 2);
	cs_spec_set_release(&set);
	/* a saved GET /v2/apps/ID response */
	assert_int_equal(parse(&set, "get.json", "{\"app\": {\"id\": \"x\", \"tasksRunning\": 1}}", &err), 0);
	assert_string_equal(set.apps[0].name, "x");
	cs_spec_set_release(&set);
}

static void test_marathon_errors(void **state)
{
	(void)state;
	expect_error("a.json", "{\"cpus\": 1}", "a.json: id: missing");
	expect_error("a.json", "{\"id\": \"Web\"}", "a.json: id: not a Marathon app id");
	expect_error("a.json", "{\"id\": \"a//b\"}", "a.json: id: not a Marathon app id");
	expect_error("a.json", "{\"id\": \"a\", \"instanses\": 2}", "a.json: instanses: unknown key (did you mean \"instances\"?)");
	expect_error("a.json", "{\"id\": \"a\", \"instances\": \"2.5\"}", "a.json: instances: expected a whole number");
	expect_error("a.json", "{\"id\": \"a\", \"instances\": -1}", "a.json: instances: out of range");
	expect_error("a.json", "{\"id\": \"a\", \"cpus\": \"lots\"}", "a.json: cpus: expected a number (got \"lots\")");
	expect_error("a.json", "{\"id\": \"a\", \"cpus\": \"nan\"}", "a.json: cpus: expected a number");
	expect_error("a.json", "{\"id\": \"a\", \"mem\": 1e300}", "a.json: mem: beyond the model's range");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"hostname\", \"UNIQ\"]]}",
		     "a.json: constraints[0][1]: unknown operator (did you mean UNIQUE)");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"hostname\", \"UNIQUE\", \"x\"]]}", "UNIQUE takes no value");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"hostname\", \"MAX_PER\"]]}", "MAX_PER needs a whole number");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"hostname\", \"MAX_PER\", \"0\"]]}", "MAX_PER needs a whole number");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"zone\", \"GROUP_BY\", \"x\"]]}", "GROUP_BY's value is a number");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"os\", \"LIKE\"]]}", "needs a value");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"os\", \"LIKE\", \"(\"]]}", "not a valid regular expression");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"os\", \"IS\"]]}", "needs a value");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [\"hostname:UNIQUE\"]}", "a.json: constraints[0]: expected [field");
	expect_error("a.json", "{\"id\": \"a\", \"constraints\": [[\"\", \"UNIQUE\"]]}", "empty field name");
	expect_error("a.json", "{\"id\": \"a\", \"labels\": {\"x\": 1}}", "a.json: labels.x: expected a string");
	expect_error("a.json", "{\"id\": \"a\", \"backoffFactor\": 0.5}", "a.json: backoffFactor: out of range");
	expect_error("a.json", "{\"id\": \"a\", \"upgradeStrategy\": {\"minimumHealthCapacity\": 2}}",
		     "a.json: upgradeStrategy.minimumHealthCapacity: out of range");
	expect_error("a.json", "{\"id\": \"a\", \"killSelection\": \"RANDOM\"}", "expected YOUNGEST_FIRST or OLDEST_FIRST");
	expect_error("a.json", "{\"id\": \"a\",\n \"cpus\": 1,,}", "a.json: 2:12:");
	expect_error("a.json", "{\"id\": \"a\", \"id\": \"b\"}", "duplicate");
	expect_error("a.json", "[1, 2]", "expected a Marathon app");
}

static const char frontend[] =
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\n  labels: {app: guestbook}\n"
	"spec:\n  ports:\n  - port: 80\n  selector: {app: guestbook, tier: frontend}\n"
	"  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}\n"
	"---\n"
	"apiVersion: v1\nkind: ReplicationController\nmetadata: {name: frontend}\n"
	"spec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: guestbook, tier: frontend}\n"
	"    spec:\n      containers:\n      - name: php\n        image: gb-frontend:v4\n"
	"        resources: {requests: {cpu: 100m, memory: 100Mi}}\n        ports: [{containerPort: 80}]\n";

static void test_kubernetes_rc_service(void **state)
{
	(void)state;
	struct cs_spec_set set;
	struct cs_error err;
	assert_int_equal(parse(&set, "f.yaml", frontend, &err), 0);
	assert_int_equal(set.format, CS_SPEC_KUBERNETES);
	assert_int_equal(set.n, 2);
	const struct cs_app *svc = &set.apps[0], *rc = &set.apps[1];
	assert_int_equal(svc->kind, CS_APP_K8S_SERVICE);
	assert_int_equal(svc->instances, 0);
	assert_true(svc->k8s.session_affinity && svc->k8s.affinity_timeout == 600);
	assert_int_equal(svc->k8s.nports, 1);
	assert_int_equal(svc->k8s.ports[0], 80);
	assert_int_equal(rc->kind, CS_APP_K8S_RC);
	assert_int_equal(rc->line, 13);
	assert_int_equal(rc->instances, 3);
	assert_true(fabs(rc->cpu - 0.1) < 1e-12 && rc->mem == 100);
	/* the RC's selector defaults to the template's labels, and the
	 * Service selects the RC's pods */
	assert_true(cs_selector_matches(&rc->k8s.selector, &rc->labels));
	assert_true(cs_selector_matches(&svc->k8s.selector, &rc->labels));
	assert_int_equal(rc->nunmodelled, 2); /* containers.image, containers.ports */
	cs_spec_set_release(&set);
}

static void test_kubernetes_deployment(void **state)
{
	(void)state;
	struct cs_spec_set set;
	struct cs_error err = {0};
	assert_int_equal(cs_spec_load(&set, "tests/specs/web-deployment.yaml", &err), 0);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.nskipped, 1);
	assert_string_equal(set.skipped[0], "ConfigMap/web-config");
	const struct cs_app *a = &set.apps[0];
	assert_int_equal(a->kind, CS_APP_K8S_DEPLOYMENT);
	assert_int_equal(a->instances, 6);
	/* containers 500m + 250m (a limit without a request requests the
	 * limit) = 0.75 cores, but the init container's 2 cores is more;
	 * memory 1Gi + 128Mi = 1152 MiB beats the init's 64 MiB */
	assert_true(a->cpu == 2 && a->mem == 1152 && a->disk == 2048);
	assert_int_equal(a->priority, 1000); /* PriorityClass "high" of the same file */
	assert_false(a->k8s.recreate);
	assert_true(a->k8s.max_surge.value == 1 && !a->k8s.max_surge.percent);
	assert_true(a->k8s.max_unavailable.value == 50 && a->k8s.max_unavailable.percent);
	assert_string_equal(cs_labels_get(&a->k8s.node_selector, "disktype"), "ssd");
	assert_int_equal(a->k8s.nnode_required, 1);
	assert_int_equal(a->k8s.node_required[0].nreq, 2);
	assert_int_equal(a->k8s.node_required[0].req[1].op, CS_SEL_GT);
	assert_int_equal(a->k8s.nnode_preferred, 1);
	assert_int_equal(a->k8s.node_preferred[0].weight, 20);
	assert_int_equal(a->k8s.npod_terms, 1);
	assert_true(a->k8s.pod_terms[0].anti && a->k8s.pod_terms[0].weight == 0);
	assert_string_equal(a->k8s.pod_terms[0].topology_key, "kubernetes.io/hostname");
	assert_int_equal(a->k8s.ntolerations, 2);
	assert_int_equal(a->k8s.tolerations[0].effect, CS_EFFECT_NO_SCHEDULE);
	assert_true(a->k8s.tolerations[1].exists && a->k8s.tolerations[1].seconds == 60);
	assert_int_equal(a->k8s.nspread, 1);
	assert_true(a->k8s.spread[0].hard && a->k8s.spread[0].max_skew == 1);
	assert_string_equal(a->cmd, "nginx -g daemon off;");
	cs_spec_set_release(&set);
}

static void test_kubernetes_json_and_list(void **state)
{
	(void)state;
	const char *text =
		"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": ["
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"labels\": {\"a\": \"b\"}},"
		" \"spec\": {\"containers\": [{\"name\": \"c\", \"resources\": {\"requests\": {\"cpu\": 2, \"memory\": \"1e9\"}}}]}},"
		"{\"apiVersion\": \"apps/v1\", \"kind\": \"ReplicaSet\", \"metadata\": {\"name\": \"rs\"},"
		" \"spec\": {\"replicas\": 0, \"selector\": {\"matchExpressions\": [{\"key\": \"a\", \"operator\": \"Exists\"}]},"
		" \"template\": {\"metadata\": {\"labels\": {\"a\": \"z\"}}, \"spec\": {\"containers\": [{\"name\": \"c\"}]}}}}]}";
	struct cs_spec_set set;
	struct cs_error err;
	assert_int_equal(parse(&set, "l.json", text, &err), 0);
	assert_int_equal(set.format, CS_SPEC_KUBERNETES);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.apps[0].kind, CS_APP_K8S_POD);
	assert_true(set.apps[0].cpu == 2);
	assert_true(fabs(set.apps[0].mem - 1e9 / 1048576.0) < 1e-9); /* "1e9" bytes */
	assert_string_equal(cs_labels_get(&set.apps[0].labels, "a"), "b");
	assert_int_equal(set.apps[1].kind, CS_APP_K8S_RS);
	assert_int_equal(set.apps[1].instances, 0);
	cs_spec_set_release(&set);
}

/* Quantities as the API server reads them, through a one-container pod. */
static void test_kubernetes_quantities(void **state)
{
	(void)state;
	static const struct { const char *cpu, *mem; double cores, mib; } cases[] = {
		{"500m", "128Mi", 0.5, 128},       {"1.5", "1Gi", 1.5, 1024},   {"0.1", "1M", 0.1, 1e6 / 1048576.0},
		{"2", "512Ki", 2, 0.5},            {"250000u", "1k", 0.25, 1000 / 1048576.0},
		{"1e-1", "2e6", 0.1, 2e6 / 1048576.0}, {"+3", "1G", 3, 1e9 / 1048576.0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[512];
		snprintf(text, sizeof text,
			 "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
			 "    resources: {requests: {cpu: \"%s\", memory: \"%s\"}}\n", cases[i].cpu, cases[i].mem);
		struct cs_spec_set set;
		struct cs_error err;
		assert_int_equal(parse(&set, "q.yaml", text, &err), 0);
		assert_true(fabs(set.apps[0].cpu - cases[i].cores) < 1e-12);
		assert_true(fabs(set.apps[0].mem - cases[i].mib) < 1e-9);
		cs_spec_set_release(&set);
	}
}

#define POD(extra) "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n" extra

static void test_kubernetes_errors(void **state)
{
	(void)state;
	expect_error("k.yaml", POD("    resources: {requests: {cpu: 1x}}\n"),
		     "k.yaml: 7:28: spec.containers[0].resources.requests.cpu: expected a quantity");
	expect_error("k.yaml", POD("    resources: {requests: {cpu: -1}}\n"), "cannot be negative");
	expect_error("k.yaml", POD("    resources: {requests: {memroy: 1Gi}}\n"), "unknown resource (did you mean \"memory\"?)");
	expect_error("k.yaml", POD("    imagee: x\n"), "k.yaml: 7:5: spec.containers[0].imagee: unknown field (did you mean \"image\"?)");
	expect_error("k.yaml", POD("   bad: [\n"), "k.yaml: 7:4:");
	expect_error("k.yaml", POD("  nodeSelector: {a: 1}\n"), "spec.nodeSelector.a: expected a string");
	expect_error("k.yaml", POD("  tolerations: [{operator: Equal, value: x}]\n"), "without a key must use operator Exists");
	expect_error("k.yaml", POD("  tolerations: [{key: k, effect: NoSchedule, tolerationSeconds: 5}]\n"),
		     "tolerationSeconds applies only to effect NoExecute");
	expect_error("k.yaml", POD("  tolerations: [{key: k, effect: Sometimes}]\n"), "expected NoSchedule");
	expect_error("k.yaml", POD("  affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {}}]}}\n"),
		     "needs a topologyKey");
	expect_error("k.yaml", POD("  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: In}]}]}}}\n"),
		     "In needs at least one value");
	expect_error("k.yaml", POD("  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Gt, values: [x]}]}]}}}\n"),
		     "Gt compares whole numbers");
	expect_error("k.yaml", POD("  topologySpreadConstraints: [{maxSkew: 0, topologyKey: z, whenUnsatisfiable: DoNotSchedule}]\n"),
		     "maxSkew: out of range");
	expect_error("k.yaml", POD("  restartPolicy: Sometimes\n"), "expected Always, OnFailure or Never");
	expect_error("k.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n", "at least one container");
	expect_error("k.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: P_1}\nspec: {containers: [{name: c}]}\n", "not a valid name");
	expect_error("k.yaml", "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c}]}\n", "needs metadata");
	expect_error("k.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n", "kind StatefulSet is not modelled");
	expect_error("k.yaml", "apiVersion: v1\nkind: Deployment\nmetadata: {name: s}\n", "Deployment is not served as v1");
	expect_error("k.yaml", "kind: Pod\nmetadata: {name: p}\n", "needs apiVersion and kind");
	expect_error("k.yaml",
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: x}}\n"
		     "  template: {metadata: {labels: {app: y}}, spec: {containers: [{name: c}]}}\n",
		     "k.yaml: 5:3: spec.selector: does not select the template's labels");
	expect_error("k.yaml",
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
		     "  template: {metadata: {labels: {app: y}}, spec: {containers: [{name: c}]}}\n",
		     "needs a selector");
	expect_error("k.yaml",
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: x}}\n"
		     "  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}}\n"
		     "  template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c}]}}\n",
		     "maxSurge and maxUnavailable may not both be 0");
	expect_error("k.yaml",
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: x}}\n"
		     "  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n"
		     "  template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c}]}}\n",
		     "may not be given with strategy type Recreate");
	expect_error("k.yaml",
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: x}}\n"
		     "  strategy: {rollingUpdate: {maxSurge: 120%}}\n"
		     "  template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c}]}}\n",
		     "a percentage from 0% to 100%");
	expect_error("k.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 70000}]}\n",
		     "spec.ports[0].port: out of range");
	expect_error("k.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {sessionAffinity: Cookie}\n",
		     "expected None or ClientIP");
	expect_error("k.yaml", "a: &x [*x]\n", "k.yaml");
	expect_error("k.yaml", "apiVersion: v1\napiVersion: v1\n", "duplicate key");
	expect_error("k.yaml", "---\n---\n", "no Kubernetes objects");
	expect_error("k.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "no Pod, ReplicationController");
	expect_error("k.yaml", POD("    resources: {requests: {cpu: .inf}}\n"), "infinite or not-a-number");
}

/* Billion laughs: aliases expanding past the node limit fail, quickly. */
static void test_kubernetes_alias_bomb(void **state)
{
	(void)state;
	char text[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
	for (int i = 1; i < 9; i++) {
		char line[128];
		snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
			 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
		strcat(text, line);
	}
	expect_error("bomb.yaml", text, "more than 1000000 values");
}

static void test_aurora_subset(void **state)
{
	(void)state;
	const char *text =
		"import os\n"
		"# a service of three, with Aurora's constraint forms\n"
		"base = Process(name = 'web', cmdline = 'serve --port {{thermos.ports[http]}}')\n"
		"web = base(cmdline = \"serve\" ' --fast')   # a copy with a field replaced\n"
		"res = Resources(cpu = 0.5 * 3, ram = 1.5 * GB, disk = 512 * MB + 512 * MB)\n"
		"task = Task(processes = [web, Process(name = 'log', cmdline = 'tail')], resources = res)\n"
		"jobs = [\n"
		"  Service(cluster = 'c1', role = os.getenv('CS_TEST_UNSET_VAR', 'www'), environment = 'prod',\n"
		"          name = 'frontend', task = task, instances = 2 ** 3 - 5, priority = -1 + 11 // 2,\n"
		"          production = True, tier = 'preferred', max_task_failures = -1,\n"
		"          constraints = {'host': 'limit:1', 'rack': 'r1,r2', 'zone': '!z9', 'os': 'ubuntu'},\n"
		"          update_config = UpdateConfig(batch_size = 2, watch_secs = 10)).bind(profile = 'x'),\n"
		"  Job(cluster = 'c1', role = 'www', environment = 'devel', task = task(name = 'batch'), service = False),\n"
		"]\n";
	struct cs_spec_set set;
	struct cs_error err;
	unsetenv("CS_TEST_UNSET_VAR");
	if (parse(&set, "s.aurora", text, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(set.n, 2);
	const struct cs_app *a = &set.apps[0];
	assert_int_equal(a->kind, CS_APP_AURORA_SERVICE);
	assert_string_equal(a->name, "frontend");
	assert_string_equal(a->aurora.role, "www"); /* os.getenv's default */
	assert_string_equal(a->cmd, "serve --fast; tail");
	assert_true(a->cpu == 1.5 && a->mem == 1536 && a->disk == 1024);
	assert_int_equal(a->instances, 3);
	assert_int_equal(a->priority, 4);
	assert_true(a->aurora.production);
	assert_string_equal(a->aurora.tier, "preferred");
	assert_int_equal(a->aurora.max_task_failures, -1);
	assert_int_equal(a->aurora.update.batch_size, 2);
	assert_int_equal(a->aurora.update.watch_secs, 10);
	assert_int_equal(a->nconstraints, 4);
	assert_int_equal(a->constraints[0].op, CS_CON_MAX_PER);
	assert_string_equal(a->constraints[0].field, "hostname");
	assert_string_equal(a->constraints[0].value, "1");
	assert_int_equal(a->constraints[1].op, CS_CON_LIKE);
	assert_string_equal(a->constraints[1].value, "r1|r2");
	assert_int_equal(a->constraints[2].op, CS_CON_UNLIKE);
	assert_string_equal(a->constraints[2].value, "z9");
	assert_int_equal(a->constraints[3].op, CS_CON_IS);
	const struct cs_app *b = &set.apps[1];
	assert_int_equal(b->kind, CS_APP_AURORA_JOB);
	assert_string_equal(b->name, "batch"); /* Job name = task.name */
	cs_spec_set_release(&set);
}

static void test_aurora_errors(void **state)
{
	(void)state;
	const char *ok_task = "p = Process(name = 'a', cmdline = 'b')\nt = Task(processes = [p], resources = Resources(cpu = 1, ram = MB, disk = MB))\n";
	char buf[1024];
	expect_error("a.aurora", "import os\ndef f():\n  pass\n", "a.aurora: 2:1: 'def' is outside the Aurora subset");
	expect_error("a.aurora", "class A:\n  x = 1\n", "'class' is outside");
	expect_error("a.aurora", "x = 1\nif x:\n  y = 2\n", "'if' is outside");
	expect_error("a.aurora", "x = [i for i in range(3)]\n", "1:6: comprehensions are outside");
	expect_error("a.aurora", "x = lambda: 1\n", "'lambda' is outside");
	expect_error("a.aurora", "import sys\n", "only `import os`");
	expect_error("a.aurora", "from os import getenv\n", "`from ... import` is outside");
	expect_error("a.aurora", "x = os.getenv('A')\n", "os is used before `import os`");
	expect_error("a.aurora", "import os\nx = os.environ\n", "os.environ is outside");
	expect_error("a.aurora", "x = Process(name = 'a', cmd = 'b')\n", "1:25: Process has no field cmd");
	expect_error("a.aurora", "x = Process('a')\n", "Process takes keyword arguments only");
	expect_error("a.aurora", "x = len([1])\n", "name len is not defined");
	expect_error("a.aurora", "x = 'a' * 2\n", "the operator * on str and int");
	expect_error("a.aurora", "x = 'a' % 2\n", "the operator % on str and int");
	expect_error("a.aurora", "x = 1 / 0\n", "division by zero");
	expect_error("a.aurora", "x = 9223372036854775807 + 1\n", "beyond 64 bits");
	expect_error("a.aurora", "x = 'abc\n", "a string that does not end");
	expect_error("a.aurora", "x = f'{y}'\n", "f- strings are outside");
	expect_error("a.aurora", "x, y = 1, 2\n", "1:2: expected '='");
	expect_error("a.aurora", "x = 1 == 1\n", "the operator == is outside");
	expect_error("a.aurora", "print('x')\n", "a statement that is only a call");
	expect_error("a.aurora", "  x = 1\n", "an indented line");
	expect_error("a.aurora", "x = 1\n", "no `jobs = [...]`");
	expect_error("a.aurora", "jobs = 3\n", "jobs: expected a list of Job (got int)");
	expect_error("a.aurora", "jobs = [1]\n", "jobs[0]: expected a Job or Service (got int)");
	char deep[400] = "x = ";
	for (int i = 0; i < 150; i++)
		strcat(deep, "(");
	strcat(deep, "1\n");
	expect_error("a.aurora", deep, "nested too deeply");
	snprintf(buf, sizeof buf, "%sjobs = [Job(cluster = 'c', role = 'r', environment = 'e')]\n", ok_task);
	expect_error("a.aurora", buf, "Job: task is required");
	snprintf(buf, sizeof buf, "%sjobs = [Job(task = t, instances = 'three')]\n", ok_task);
	expect_error("a.aurora", buf, "Job.instances: expected an integer (got str)");
	snprintf(buf, sizeof buf, "%sjobs = [Job(task = t, tier = 'gold')]\n", ok_task);
	expect_error("a.aurora", buf, "Job.tier: expected preferred, preemptible or revocable");
	snprintf(buf, sizeof buf, "%sjobs = [Job(task = t, constraints = {'host': 'limit:x'})]\n", ok_task);
	expect_error("a.aurora", buf, "limit:N needs a whole number");
	snprintf(buf, sizeof buf, "%sjobs = [Job(task = p)]\n", ok_task);
	expect_error("a.aurora", buf, "Job.task: expected a Task (got Process)");
	expect_error("a.aurora", "p = Process(name = 'a', cmdline = 'b')\nt = Task(processes = [p])\njobs = [Job(task = t)]\n",
		     "Task: resources is required");
	expect_error("a.aurora", "p = Process(name = 'a', cmdline = 'b')\nt = Task(processes = [p], resources = Resources(cpu = 1, ram = -MB, disk = 0))\njobs = [Job(task = t)]\n",
		     "Resources.ram");
}

static void test_detect(void **state)
{
	(void)state;
	static const struct { const char *text; enum cs_spec_format f; } cases[] = {
		{"{\"id\": \"x\"}", CS_SPEC_MARATHON},
		{"  {\"apiVersion\": \"v1\", \"kind\": \"Pod\"}", CS_SPEC_KUBERNETES},
		{"# comment\napiVersion: v1\n", CS_SPEC_KUBERNETES},
		{"---\nkind: Pod\n", CS_SPEC_KUBERNETES},
		{"%YAML 1.1\n---\n", CS_SPEC_KUBERNETES},
		{"import os\n", CS_SPEC_AURORA},
		{"hello = Process(name = 'x')\n", CS_SPEC_AURORA},
		{"# only a comment\n", CS_SPEC_AURORA},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(cs_spec_detect(cases[i].text, strlen(cases[i].text)), cases[i].f);
}

static void test_selector(void **state)
{
	(void)state;
	struct cs_labels l = {0};
	cs_labels_set(&l, "app", "web");
	cs_labels_set(&l, "cores", "8");
	char app[] = "app", tier[] = "tier", cores[] = "cores", web[] = "web", api[] = "api", four[] = "4";
	char *in_vals[] = {web, api}, *bound[] = {four};
	struct cs_sel_req reqs[] = {
		{app, CS_SEL_IN, in_vals, 2}, {tier, CS_SEL_DOES_NOT_EXIST, NULL, 0}, {cores, CS_SEL_GT, bound, 1},
	};
	struct cs_selector s = {.present = true, .expr = reqs, .nexpr = 3};
	assert_true(cs_selector_matches(&s, &l));
	reqs[2].op = CS_SEL_LT;
	assert_false(cs_selector_matches(&s, &l));
	reqs[2].op = CS_SEL_GT;
	reqs[0].op = CS_SEL_NOT_IN;
	assert_false(cs_selector_matches(&s, &l));
	struct cs_selector empty = {.present = true}, absent = {0};
	assert_true(cs_selector_matches(&empty, &l));  /* an empty selector selects everything */
	assert_false(cs_selector_matches(&absent, &l)); /* none selects nothing */
	cs_labels_release(&l);
}

int main(void)
{
	/* the tests read files relative to the source tree */
	if (access("experiments/cluster-managers/apps/ubuntu.json", R_OK) != 0 && chdir("../..") != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_marathon),
		cmocka_unit_test(test_seed_aurora),
		cmocka_unit_test(test_marathon_fields),
		cmocka_unit_test(test_marathon_errors),
		cmocka_unit_test(test_kubernetes_rc_service),
		cmocka_unit_test(test_kubernetes_deployment),
		cmocka_unit_test(test_kubernetes_json_and_list),
		cmocka_unit_test(test_kubernetes_quantities),
		cmocka_unit_test(test_kubernetes_errors),
		cmocka_unit_test(test_kubernetes_alias_bomb),
		cmocka_unit_test(test_aurora_subset),
		cmocka_unit_test(test_aurora_errors),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_selector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
