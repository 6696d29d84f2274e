/* tests/unit/test_kube_scheduler — the kubernetes scheduler kind: each
 * filter and score plugin on a small cell, with the scores worked out in
 * the comments; node sampling; the queue's priority order. */
#include "testutil.h"

#include "schedulers/kube_nodes.h"
#include "sim/cell.h"
#include "sim/engine.h"
#include "specs/spec.h"

struct fixture {
	struct cs_engine engine;
	struct cs_cell cell;
	struct kube_nodes k;
	struct cs_spec_set set;
};

/* classes: name, count, cpu, attributes JSON, taints JSON */
static void build(struct fixture *f, const char *const classes[][4], size_t n)
{
	memset(f, 0, sizeof *f);
	cs_engine_init(&f->engine);
	cs_cell_init(&f->cell, &f->engine);
	for (size_t i = 0; i < n; i++) {
		json_t *attrs = json_loads(classes[i][2], 0, NULL);
		struct cs_res cap = {cs_qty_from_double(atof(classes[i][1])), cs_qty_from_double(8192), cs_qty_from_double(1024)};
		cs_cell_add_class(&f->cell, classes[i][0], 1, cap, attrs);
		json_decref(attrs);
		if (classes[i][3])
			f->cell.classes[f->cell.nclasses - 1].taints = json_loads(classes[i][3], 0, NULL);
	}
	kube_nodes_init(&f->k, &f->cell);
}

static void release(struct fixture *f)
{
	kube_nodes_release(&f->k);
	cs_spec_set_release(&f->set);
	cs_cell_release_all(&f->cell);
	cs_engine_release(&f->engine);
}

static const struct cs_app *pod(struct fixture *f, const char *spec_lines)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: web}}\nspec:\n"
		 "  containers: [{name: c, resources: {requests: {cpu: 1, memory: 1Gi}}}]\n%s", spec_lines);
	struct cs_error err = {0};
	cs_spec_set_release(&f->set);
	if (cs_spec_parse(&f->set, "p.yaml", text, strlen(text), &err) < 0)
		fail_msg("%s", err.msg);
	return &f->set.apps[0];
}

static struct cs_job job_of(const struct cs_app *spec)
{
	struct cs_job j = {0};
	j.ntasks = 1;
	j.req = (struct cs_res){cs_qty_from_double(spec->cpu), cs_qty_from_double(spec->mem), 0};
	j.spec = spec;
	return j;
}

/* Two 4-core, 8 GiB nodes: A has 1 core and 2 GiB in use, B 3 cores and
 * 1 GiB.  A pod asking 1 core and 1 GiB:
 *   A after: cpu 2/4 = 0.5, mem 3/8 = 0.375
 *     LeastAllocated ((1 - 0.5) + (1 - 0.375)) / 2 x 100 = 56.25
 *     Balanced (1 - |0.5 - 0.375| / 2) x 100 = 93.75
 *   B after: cpu 4/4 = 1, mem 2/8 = 0.25
 *     LeastAllocated (0 + 0.75) / 2 x 100 = 37.5
 *     Balanced (1 - 0.75 / 2) x 100 = 62.5
 * The other plugins are alike on both: NodeAffinity 0 (no preferred
 * terms), InterPodAffinity 0, PodTopologySpread 100 (x 2), TaintToleration
 * 100 (x 3).  Totals: A 56.25 + 93.75 + 200 + 300 = 650, B 600.
 * MostAllocated instead: A (0.5 + 0.375) / 2 x 100 = 43.75, B 62.5. */
static void test_resource_scores(void **state)
{
	(void)state;
	static const char *const classes[][4] = {{"a", "4", "{}", NULL}, {"b", "4", "{}", NULL}};
	struct fixture f;
	build(&f, classes, 2);
	cs_cell_adjust(&f.cell, 0, &(struct cs_res){cs_qty_from_double(1), cs_qty_from_double(2048), 0}, 1);
	cs_cell_adjust(&f.cell, 1, &(struct cs_res){cs_qty_from_double(3), cs_qty_from_double(1024), 0}, 1);
	struct cs_job j = job_of(pod(&f, ""));
	struct kube_cycle *c = kube_cycle_begin(&f.k, &j);
	double raw[2][KUBE_NSCORES], total[2];
	assert_true(kube_filter(&f.k, c, &j, 0) && kube_filter(&f.k, c, &j, 1));
	kube_score(&f.k, c, &j, 0, raw[0]);
	kube_score(&f.k, c, &j, 1, raw[1]);
	assert_true(fabs(raw[0][KUBE_FIT] - 56.25) < 1e-9 && fabs(raw[0][KUBE_BALANCED] - 93.75) < 1e-9);
	assert_true(fabs(raw[1][KUBE_FIT] - 37.5) < 1e-9 && fabs(raw[1][KUBE_BALANCED] - 62.5) < 1e-9);
	kube_normalize(&f.k, raw, 2, total);
	assert_true(fabs(total[0] - 650) < 1e-9 && fabs(total[1] - 600) < 1e-9);
	f.k.strategy = KUBE_MOST_ALLOCATED;
	kube_score(&f.k, c, &j, 0, raw[0]);
	kube_score(&f.k, c, &j, 1, raw[1]);
	assert_true(fabs(raw[0][KUBE_FIT] - 43.75) < 1e-9 && fabs(raw[1][KUBE_FIT] - 62.5) < 1e-9);
	/* a node without the room is filtered out */
	cs_cell_adjust(&f.cell, 1, &(struct cs_res){cs_qty_from_double(0.5), 0, 0}, 1);
	assert_false(kube_filter(&f.k, c, &j, 1));
	kube_cycle_end(c);
	release(&f);
}

/* Node ssd (disktype=ssd, zone=a), hdd (disktype=hdd, zone=b), tainted
 * (disktype=ssd, zone=a, dedicated=web:NoSchedule).  nodeSelector
 * disktype=ssd: ssd only (tainted is not tolerated); with the toleration,
 * ssd and tainted; required affinity zone In [b]: hdd only;
 * metadata.name In [ssd-0] (matchFields): ssd only. */
static void test_node_filters(void **state)
{
	(void)state;
	static const char *const classes[][4] = {
		{"ssd", "4", "{\"disktype\": \"ssd\", \"zone\": \"a\"}", NULL},
		{"hdd", "4", "{\"disktype\": \"hdd\", \"zone\": \"b\"}", NULL},
		{"tainted", "4", "{\"disktype\": \"ssd\", \"zone\": \"a\"}", "[\"dedicated=web:NoSchedule\"]"},
	};
	static const struct { const char *spec; bool feasible[3]; } cases[] = {
		{"  nodeSelector: {disktype: ssd}\n", {true, false, false}},
		{"  nodeSelector: {disktype: ssd}\n  tolerations: [{key: dedicated, operator: Equal, value: web, effect: NoSchedule}]\n",
		 {true, false, true}},
		{"  tolerations: [{key: dedicated, operator: Exists}]\n", {true, true, true}},
		{"  tolerations: [{key: dedicated, operator: Equal, value: db}]\n", {true, true, false}},
		{"  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: "
		 "[{matchExpressions: [{key: zone, operator: In, values: [b]}]}]}}}\n", {false, true, false}},
		{"  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: "
		 "[{matchFields: [{key: metadata.name, operator: In, values: [ssd-0]}]}]}}}\n", {true, false, false}},
		{"  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: "
		 "[{matchExpressions: [{key: gpu, operator: DoesNotExist}]}, {matchExpressions: [{key: zone, operator: NotIn, values: [a]}]}]}}}\n",
		 {true, true, false}},
	};
	struct fixture f;
	build(&f, classes, 3);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct cs_job j = job_of(pod(&f, cases[i].spec));
		struct kube_cycle *c = kube_cycle_begin(&f.k, &j);
		for (uint32_t m = 0; m < 3; m++)
			if (kube_filter(&f.k, c, &j, m) != cases[i].feasible[m])
				fail_msg("case %zu, node %u", i, m);
		kube_cycle_end(c);
	}
	release(&f);
}

/* Pod anti-affinity on the hostname: one pod of the spec on node 0 keeps
 * the next off node 0; by zone (nodes 0 and 1 in zone a, 2 in b): off 0
 * and 1.  Symmetric: a pod without rules is kept off a node whose pod's
 * required anti-affinity selects it. */
static void test_inter_pod(void **state)
{
	(void)state;
	static const char *const classes[][4] = {
		{"n", "8", "{\"zone\": \"a\"}", NULL}, {"m", "8", "{\"zone\": \"a\"}", NULL}, {"o", "8", "{\"zone\": \"b\"}", NULL}};
	struct fixture f;
	build(&f, classes, 3);
	const struct cs_app *spec = pod(&f, "  affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
					    "[{labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}]}}\n");
	kube_nodes_count(&f.k, 0, spec, +1);
	struct cs_job j = job_of(spec);
	struct kube_cycle *c = kube_cycle_begin(&f.k, &j);
	assert_false(kube_filter(&f.k, c, &j, 0));
	assert_true(kube_filter(&f.k, c, &j, 1) && kube_filter(&f.k, c, &j, 2));
	kube_cycle_end(c);
	/* a rule-less pod with the label app=web is kept off node 0 by the
	 * placed pod's anti-affinity (the count still holds that pod's spec,
	 * whose storage the next parse replaces: copy the counts first) */
	struct cs_spec_set keep = f.set;
	memset(&f.set, 0, sizeof f.set);
	struct cs_job plain = job_of(pod(&f, ""));
	c = kube_cycle_begin(&f.k, &plain);
	assert_false(kube_filter(&f.k, c, &plain, 0));
	assert_true(kube_filter(&f.k, c, &plain, 1));
	kube_cycle_end(c);
	kube_nodes_count(&f.k, 0, spec, -1);
	cs_spec_set_release(&keep);
	/* by zone */
	spec = pod(&f, "  affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
		       "[{labelSelector: {matchLabels: {app: web}}, topologyKey: zone}]}}\n");
	kube_nodes_count(&f.k, 1, spec, +1);
	j = job_of(spec);
	c = kube_cycle_begin(&f.k, &j);
	assert_false(kube_filter(&f.k, c, &j, 0) || kube_filter(&f.k, c, &j, 1));
	assert_true(kube_filter(&f.k, c, &j, 2));
	kube_cycle_end(c);
	kube_nodes_count(&f.k, 1, spec, -1);
	release(&f);
}

/* Topology spread over zones a (nodes 0, 1) and b (node 2), maxSkew 1,
 * matching pods: 2 in a, 1 in b: the fewest is 1; in a the skew would be
 * 2 + 1 - 1 = 2 > 1 (filtered), in b 1 + 1 - 1 = 1 (fine).  As
 * ScheduleAnyway it is a score instead: raw 2 (a) and 1 (b); normalized
 * 100 x (max + min - s) / max: a 100 x (2 + 1 - 2) / 2 = 50, b 100. */
static void test_topology_spread(void **state)
{
	(void)state;
	static const char *const classes[][4] = {
		{"n", "8", "{\"zone\": \"a\"}", NULL}, {"m", "8", "{\"zone\": \"a\"}", NULL}, {"o", "8", "{\"zone\": \"b\"}", NULL}};
	struct fixture f;
	build(&f, classes, 3);
	const struct cs_app *spec = pod(&f, "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, "
					    "whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n");
	kube_nodes_count(&f.k, 0, spec, +1);
	kube_nodes_count(&f.k, 1, spec, +1);
	kube_nodes_count(&f.k, 2, spec, +1);
	struct cs_job j = job_of(spec);
	struct kube_cycle *c = kube_cycle_begin(&f.k, &j);
	assert_false(kube_filter(&f.k, c, &j, 0) || kube_filter(&f.k, c, &j, 1));
	assert_true(kube_filter(&f.k, c, &j, 2));
	kube_cycle_end(c);
	kube_nodes_release(&f.k);
	kube_nodes_init(&f.k, &f.cell);
	spec = pod(&f, "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, "
		       "whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]\n");
	kube_nodes_count(&f.k, 0, spec, +1);
	kube_nodes_count(&f.k, 1, spec, +1);
	kube_nodes_count(&f.k, 2, spec, +1);
	j = job_of(spec);
	c = kube_cycle_begin(&f.k, &j);
	double raw[3][KUBE_NSCORES], total[3];
	for (uint32_t m = 0; m < 3; m++) {
		assert_true(kube_filter(&f.k, c, &j, m));
		kube_score(&f.k, c, &j, m, raw[m]);
	}
	assert_true(raw[0][KUBE_SPREAD] == 2 && raw[1][KUBE_SPREAD] == 2 && raw[2][KUBE_SPREAD] == 1);
	kube_normalize(&f.k, raw, 3, total);
	/* same resource scores on all three: the difference is spread's,
	 * 2 x (100 - 50) */
	assert_true(fabs((total[2] - total[0]) - 100) < 1e-9);
	kube_cycle_end(c);
	release(&f);
}

/* Preferred node affinity (weight 20 on zone a) and a PreferNoSchedule
 * taint on node a: NodeAffinity a 20 -> 100 (x 2 = 200), b 0;
 * TaintToleration a 1 untolerated -> 0, b 0 -> 100 (x 3 = 300).  Resource
 * scores equal: b - a = 300 - 200 = 100. */
static void test_preferences(void **state)
{
	(void)state;
	static const char *const classes[][4] = {{"a", "4", "{\"zone\": \"a\"}", "[\"spot:PreferNoSchedule\"]"},
						 {"b", "4", "{\"zone\": \"b\"}", NULL}};
	struct fixture f;
	build(&f, classes, 2);
	struct cs_job j = job_of(pod(&f, "  affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: "
					 "[{weight: 20, preference: {matchExpressions: [{key: zone, operator: In, values: [a]}]}}]}}\n"));
	struct kube_cycle *c = kube_cycle_begin(&f.k, &j);
	double raw[2][KUBE_NSCORES], total[2];
	kube_score(&f.k, c, &j, 0, raw[0]);
	kube_score(&f.k, c, &j, 1, raw[1]);
	assert_true(raw[0][KUBE_NODE_AFFINITY] == 20 && raw[1][KUBE_NODE_AFFINITY] == 0);
	assert_true(raw[0][KUBE_TAINT] == 1 && raw[1][KUBE_TAINT] == 0);
	kube_normalize(&f.k, raw, 2, total);
	assert_true(fabs((total[1] - total[0]) - 100) < 1e-9);
	kube_cycle_end(c);
	release(&f);
}

/* percentageOfNodesToScore: 1000 identical nodes, adaptive: 50 - 1000 /
 * 125 = 42%, so each pod's search stops at 420 feasible nodes; two pods:
 * 840 nodes filtered, 840 scored.  With 10%: 100 each (the floor of 100). */
static void test_node_sampling(void **state)
{
	(void)state;
	char exp[1024];
	snprintf(exp, sizeof exp, "{\"name\": \"s\", \"duration\": 100, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 1000, \"cpu\": 4, \"mem\": 8192}]},"
			  " \"workloads\": [{\"name\": \"b\", \"kind\": \"batch\", \"arrival\": {\"dist\": \"exp\", \"mean\": 1e6}, \"tasks\": 1,"
			  " \"task_duration\": 10, \"task_cpu\": 1, \"task_mem\": 1}],"
			  " \"controllers\": [{\"name\": \"r\", \"kind\": \"replicas\", \"replicas\": 2, \"task_cpu\": 1, \"task_mem\": 1}],"
			  " \"scheduler\": {\"type\": \"kubernetes\", \"profile\": {\"percentage_of_nodes_to_score\": %s}}}", "0");
	json_t *s = tu_run_ok(exp, NULL);
	/* the batch workload's first job (if it came) adds its own search */
	double filtered = tu_num(s, "scheduler_metrics.nodes_filtered"), jobs = tu_num(s, "jobs.scheduled");
	assert_true(filtered == 840 + 420 * (jobs - 1));
	assert_true(tu_num(s, "scheduler_metrics.nodes_scored") == filtered);
	json_decref(s);
	snprintf(exp, sizeof exp, "{\"name\": \"s\", \"duration\": 100, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 1000, \"cpu\": 4, \"mem\": 8192}]},"
			  " \"workloads\": [{\"name\": \"b\", \"kind\": \"batch\", \"arrival\": {\"dist\": \"exp\", \"mean\": 1e6}, \"tasks\": 1,"
			  " \"task_duration\": 10, \"task_cpu\": 1, \"task_mem\": 1}],"
			  " \"controllers\": [{\"name\": \"r\", \"kind\": \"replicas\", \"replicas\": 2, \"task_cpu\": 1, \"task_mem\": 1}],"
			  " \"scheduler\": {\"type\": \"kubernetes\", \"profile\": {\"percentage_of_nodes_to_score\": %s}}}", "10");
	s = tu_run_ok(exp, NULL);
	jobs = tu_num(s, "jobs.scheduled");
	assert_true(tu_num(s, "scheduler_metrics.nodes_filtered") == 200 + 100 * (jobs - 1));
	json_decref(s);
}

static void test_bad_profiles(void **state)
{
	(void)state;
	static const struct { const char *sched, *expect; } cases[] = {
		{"{\"type\": \"kubernetes\", \"profile\": {\"scoring_strategy\": \"Least\"}}", "scheduler.profile.scoring_strategy"},
		{"{\"type\": \"kubernetes\", \"profile\": {\"weights\": {\"NodeAffinty\": 1}}}",
		 "scheduler.profile.weights.NodeAffinty: unknown key (did you mean \"NodeAffinity\"?)"},
		{"{\"type\": \"kubernetes\", \"profile\": {\"weights\": {\"TaintToleration\": 1.5}}}", "scheduler.profile.weights.TaintToleration"},
		{"{\"type\": \"kubernetes\", \"profile\": {\"percentage_of_nodes_to_score\": 101}}", "percentage_of_nodes_to_score"},
		{"{\"type\": \"kubernetes\", \"paths\": []}", "scheduler.paths: unknown key"},
		{"{\"type\": \"kubernetes\", \"profile\": 3}", "scheduler.profile"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char exp[1024];
		snprintf(exp, sizeof exp,
			 "{\"name\": \"b\", \"duration\": 100, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]},"
			 " \"workloads\": [{\"name\": \"b\", \"kind\": \"batch\", \"arrival\": {\"dist\": \"exp\", \"mean\": 10}, \"tasks\": 1,"
			 " \"task_duration\": 10, \"task_cpu\": 1, \"task_mem\": 1}], \"scheduler\": %s}", cases[i].sched);
		tu_run_fails(exp, cases[i].expect, i);
	}
	tu_run_fails("{\"name\": \"b\", \"duration\": 100, \"cell\": {\"machines\": [{\"name\": \"m\", \"count\": 2, \"cpu\": 4, \"mem\": 4096,"
		     " \"taints\": [\"gpu\"]}]}, \"workloads\": [{\"name\": \"b\", \"kind\": \"batch\", \"arrival\": {\"dist\": \"exp\", \"mean\": 10},"
		     " \"tasks\": 1, \"task_duration\": 10, \"task_cpu\": 1, \"task_mem\": 1}], \"scheduler\": {\"type\": \"kubernetes\"}}",
		     "cell.machines[0].taints[0]: expected \"key=value:Effect\"", 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resource_scores),
		cmocka_unit_test(test_node_filters),
		cmocka_unit_test(test_inter_pod),
		cmocka_unit_test(test_topology_spread),
		cmocka_unit_test(test_preferences),
		cmocka_unit_test(test_node_sampling),
		cmocka_unit_test(test_bad_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
