/* tests/unit/test_helix — the Helix model (helix/) on its own engine,
 * every case worked out by hand in its comments:
 *  - full-auto MasterSlave, 6 partitions x 2 replicas on 3 nodes: the
 *    ideal state, a node failure (new masters, moved replicas), its
 *    return; the metrics of the whole run;
 *  - semi-auto: a failure promotes the next node of the list, nothing
 *    moves; customized: nothing changes on a failure;
 *  - shortest transition paths, per-node and cluster-wide throttling
 *    (finish times by hand), seconds without master for tiny cases;
 *  - the one-master constraint through random failures, the invariants
 *    checked after every event, and determinism;
 *  - bad input, with the project's "FILE: WHERE: what (got X)" messages. */
#include "testutil.h"

#include "helix/helix.h"
#include "helix/helix_internal.h"
#include "sim/engine.h"

static const char *const NAMES[] = {"n0", "n1", "n2", "n3", "n4"};

struct fx {
	struct cs_engine e;
	struct cs_error err;
	struct cs_cfg cfg;
	json_t *j;
	struct cs_helix *h;
};

/* parse `text` for nnodes nodes; returns 0 or -1 (f->err set) */
static int fx_parse(struct fx *f, const char *text, uint32_t nnodes)
{
	memset(f, 0, sizeof *f);
	cs_engine_init(&f->e);
	f->cfg = (struct cs_cfg){"test.json", ".", &f->err};
	json_error_t jerr;
	f->j = json_loads(text, 0, &jerr);
	if (!f->j) {
		print_error("not JSON: %s: %s\n", jerr.text, text);
		fail();
	}
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 7);
	return cs_helix_parse(&f->cfg, f->j, nnodes, NAMES, &f->e, rng, &f->h);
}

static void fx_open(struct fx *f, const char *text, uint32_t nnodes)
{
	if (fx_parse(f, text, nnodes) < 0) {
		print_error("%s\n", f->err.msg);
		fail();
	}
	cs_helix_start(f->h);
}

static void fx_close(struct fx *f)
{
	cs_helix_free(f->h);
	json_decref(f->j);
	cs_engine_release(&f->e);
}

static void run_to(struct fx *f, double seconds)
{
	cs_engine_run(&f->e, cs_time_from_seconds(seconds));
}

struct node_ev {
	struct cs_helix *h;
	uint32_t node;
	bool up;
};

static void node_fire(void *ctx, cs_time now)
{
	struct node_ev *ev = ctx;
	cs_helix_node_changed(ev->h, ev->node, ev->up);
}

static void at(struct fx *f, double seconds, struct node_ev *ev)
{
	cs_engine_at(&f->e, cs_time_from_seconds(seconds), node_fire, ev);
}

/* the resource's external view (or ideal state) as compact sorted JSON */
static void expect_json(json_t *v, const char *want)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	if (strcmp(s, want) != 0) {
		print_error("got      %s\nexpected %s\n", s, want);
		free(s);
		fail();
	}
	free(s);
}

static double num(struct fx *f, const char *res, const char *key)
{
	json_t *s = cs_helix_summary(f->h);
	json_t *v = json_object_get(json_object_get(s, res), key);
	if (!json_is_number(v)) {
		print_error("%s.%s is not a number\n", res, key);
		json_decref(s);
		fail();
	}
	double x = json_number_value(v);
	json_decref(s);
	return x;
}

static bool is_null(struct fx *f, const char *res, const char *key)
{
	json_t *s = cs_helix_summary(f->h);
	bool n = json_is_null(json_object_get(json_object_get(s, res), key));
	json_decref(s);
	return n;
}

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* ---- full-auto ---- */

/* 3 nodes n0 n1 n2, resource db: 6 partitions x 2 replicas, MasterSlave,
 * every transition 1 s.
 *
 * Start (AutoRebalanceStrategy, empty mapping).  Replicas per partition
 * min(2, 3) = 2, 12 in all, 4 per live node.  Preferred nodes (3 nodes <
 * 6 partitions: node (p + r) mod 3):
 *   p0: n0 n1   p1: n1 n2   p2: n2 n0   p3: n0 n1   p4: n1 n2   p5: n2 n0
 * Every replica is an orphan with room on its preferred node, so the
 * lists are those, each new.  Normalisation gives position 0 (MASTER) to
 * the list's node with the fewest masters so far, the first on a tie:
 *   p0 n0 (0,0) | p1 n1 (0,0) | p2 [n0 1, n2 0] -> n2 | p3 [n0 1, n1 1]
 *   -> n0 | p4 [n1 1, n2 1] -> n1 | p5 [n0 2, n2 1] -> n2
 * Ideal: p0 [n0 n1], p1 [n1 n2], p2 [n2 n0], p3 [n0 n1], p4 [n1 n2],
 * p5 [n2 n0]: 2 masters per node.  The second round (the mapping grown
 * by these lists) gives the same lists.
 * Transitions: 0-1 s OFFLINE-SLAVE x 12, 1-2 s SLAVE-MASTER x 6: 18;
 * every partition is 2 s without master: 12 partition-seconds.
 *
 * n0 fails at 10 s: p0 and p3 lose their master, p2 and p5 a slave.
 * Mapping p0 {n1} p1 {n1 n2} p2 {n2} p3 {n1} p4 {n1 n2} p5 {n2}; live n1
 * n2 (4 partitions each; by name), capacity 6 each.  Existing preferred:
 * n1 p0r1 p1r0 p3r1 p4r0, n2 p1r1 p2r0 p4r1 p5r0.  Orphans (n0's): p0r0:
 * start (0+0) mod 2 = n1, holds p0 -> n2; p2r1: start 1 = n2 holds p2
 * -> n1; p3r0: start 1 -> n2; p5r1: start 0 -> n1.  Lists (existing
 * first, normalised; then the new ones): p1 [n1 1 master, n2 0] -> [n2
 * n1]; p4 [n1 2, n2 2] -> [n1 n2]; so
 *   p0 [n1 n2] p1 [n2 n1] p2 [n2 n1] p3 [n1 n2] p4 [n1 n2] p5 [n2 n1]
 * (3 masters each; the second round agrees).  10-11 s: n1 SLAVE-MASTER
 * for p0 and p3, OFFLINE-SLAVE on n2 (p0, p3) and n1 (p2, p5), n1
 * MASTER-SLAVE for p1 (n2's SLAVE-MASTER waits: MASTER is still held);
 * 11-12 s: n2 SLAVE-MASTER for p1.  8 transitions, recovered at 12 s (2 s
 * after the failure); without master p0 10-11, p3 10-11, p1 11-12: 3; 4
 * moves (p0 and p3 to n2, p2 and p5 to n1: nodes they never had).
 *
 * n0 returns at 20 s: mapping every partition on n1 and n2; live by
 * count n1 n2 n0, capacity 4 each.  The non-preferred replicas p0r0 (on
 * n2), p2r1 (n1), p3r0 (n2), p5r1 (n1) move to their preferred node n0
 * (their nodes are over capacity); first round: p0 [n1 n0] p1 [n2 n1]
 * p2 [n2 n0] p3 [n1 n0] p4 [n1 n2] p5 [n2 n0], no master on n0.  The
 * second round counts n0's new replicas as existing, and normalises:
 * p0 [n1 0, n0 0] -> n1; p1 [n1 1, n2 0] -> n2; p2 [n2 1, n0 0] -> n0;
 * p3 [n1 1, n0 1] -> n1; p4 [n1 2, n2 1] -> n2; p5 [n2 2, n0 1] -> n0:
 *   p0 [n1 n0] p1 [n2 n1] p2 [n0 n2] p3 [n1 n0] p4 [n2 n1] p5 [n0 n2]
 * 20-21 s: OFFLINE-SLAVE on n0 x 4, SLAVE-OFFLINE on n2 (p0, p3) and n1
 * (p2, p5), n1 MASTER-SLAVE for p4.  n0 gets no master yet for p2 and
 * p5: it is two hops away while n2 is MASTER (the handoff rule).  21-22
 * s: OFFLINE-DROPPED x 4, n2 SLAVE-MASTER for p4, n2 MASTER-SLAVE for p2
 * and p5; 22-23 s: n0 SLAVE-MASTER for p2 and p5.  18 transitions,
 * recovered at 23 s (3 s); without master p4 21-22, p2 and p5 22-23: 3.
 * n0 had p0 p2 p3 p5 at the start: no move.
 *
 * Masters per node over time (max over mean): 2-10 s 1; 10-11 s (n1 p1
 * p4, n2 p2 p5) 1; 11-12 s (n1 3, n2 2) 1.2; 12-20 s 1; 20-21 s (n0 0,
 * n1 3, n2 3) 1.5; 21-22 s (0, 2, 3) 1.8; 22-23 s (0, 2, 2) 1.5; 23-30 s
 * 1.  Integral 8 + 1 + 1.2 + 8 + 1.5 + 1.8 + 1.5 + 7 = 30 over 28 s. */
static void test_full_auto_by_hand(void **state)
{
	struct fx f;
	fx_open(&f,
		"{\"resources\": [{\"name\": \"db\", \"partitions\": 6, \"replicas\": 2, \"state_model\": \"MasterSlave\","
		" \"rebalancer\": \"full-auto\"}]}",
		3);
	struct node_ev down = {f.h, 0, false}, up = {f.h, 0, true};
	at(&f, 10, &down);
	at(&f, 20, &up);
	expect_json(cs_helix_ideal_state(f.h, "db"),
		    "{\"db_0\":[\"n0\",\"n1\"],\"db_1\":[\"n1\",\"n2\"],\"db_2\":[\"n2\",\"n0\"],\"db_3\":[\"n0\",\"n1\"],"
		    "\"db_4\":[\"n1\",\"n2\"],\"db_5\":[\"n2\",\"n0\"]}");
	run_to(&f, 1.5);
	expect_json(cs_helix_external_view(f.h, "db"),
		    "{\"db_0\":{\"n0\":\"SLAVE\",\"n1\":\"SLAVE\"},\"db_1\":{\"n1\":\"SLAVE\",\"n2\":\"SLAVE\"},"
		    "\"db_2\":{\"n0\":\"SLAVE\",\"n2\":\"SLAVE\"},\"db_3\":{\"n0\":\"SLAVE\",\"n1\":\"SLAVE\"},"
		    "\"db_4\":{\"n1\":\"SLAVE\",\"n2\":\"SLAVE\"},\"db_5\":{\"n0\":\"SLAVE\",\"n2\":\"SLAVE\"}}");
	run_to(&f, 9);
	expect_json(cs_helix_external_view(f.h, "db"),
		    "{\"db_0\":{\"n0\":\"MASTER\",\"n1\":\"SLAVE\"},\"db_1\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},"
		    "\"db_2\":{\"n0\":\"SLAVE\",\"n2\":\"MASTER\"},\"db_3\":{\"n0\":\"MASTER\",\"n1\":\"SLAVE\"},"
		    "\"db_4\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},\"db_5\":{\"n0\":\"SLAVE\",\"n2\":\"MASTER\"}}");
	near(num(&f, "db", "transitions"), 18);
	near(num(&f, "db", "startup_seconds"), 2);
	near(num(&f, "db", "seconds_without_master"), 12);
	near(num(&f, "db", "max_over_mean_masters"), 1);
	assert_true(is_null(&f, "db", "recovery_seconds"));
	/* the failure */
	run_to(&f, 10.5);
	near(num(&f, "db", "partitions_without_master"), 2); /* p0 p3 promoting; p1 not yet */
	run_to(&f, 15);
	expect_json(cs_helix_ideal_state(f.h, "db"),
		    "{\"db_0\":[\"n1\",\"n2\"],\"db_1\":[\"n2\",\"n1\"],\"db_2\":[\"n2\",\"n1\"],\"db_3\":[\"n1\",\"n2\"],"
		    "\"db_4\":[\"n1\",\"n2\"],\"db_5\":[\"n2\",\"n1\"]}");
	expect_json(cs_helix_external_view(f.h, "db"),
		    "{\"db_0\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},\"db_1\":{\"n1\":\"SLAVE\",\"n2\":\"MASTER\"},"
		    "\"db_2\":{\"n1\":\"SLAVE\",\"n2\":\"MASTER\"},\"db_3\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},"
		    "\"db_4\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},\"db_5\":{\"n1\":\"SLAVE\",\"n2\":\"MASTER\"}}");
	near(num(&f, "db", "transitions"), 26);
	near(num(&f, "db", "recovery_seconds"), 2);
	near(num(&f, "db", "partition_moves"), 4);
	near(num(&f, "db", "seconds_without_master"), 15);
	near(num(&f, "db", "max_over_mean_masters"), 1);
	/* the return */
	run_to(&f, 30);
	expect_json(cs_helix_ideal_state(f.h, "db"),
		    "{\"db_0\":[\"n1\",\"n0\"],\"db_1\":[\"n2\",\"n1\"],\"db_2\":[\"n0\",\"n2\"],\"db_3\":[\"n1\",\"n0\"],"
		    "\"db_4\":[\"n2\",\"n1\"],\"db_5\":[\"n0\",\"n2\"]}");
	expect_json(cs_helix_external_view(f.h, "db"),
		    "{\"db_0\":{\"n0\":\"SLAVE\",\"n1\":\"MASTER\"},\"db_1\":{\"n1\":\"SLAVE\",\"n2\":\"MASTER\"},"
		    "\"db_2\":{\"n0\":\"MASTER\",\"n2\":\"SLAVE\"},\"db_3\":{\"n0\":\"SLAVE\",\"n1\":\"MASTER\"},"
		    "\"db_4\":{\"n1\":\"SLAVE\",\"n2\":\"MASTER\"},\"db_5\":{\"n0\":\"MASTER\",\"n2\":\"SLAVE\"}}");
	near(num(&f, "db", "transitions"), 44);
	near(num(&f, "db", "recovery_seconds"), 3);
	near(num(&f, "db", "max_recovery_seconds"), 3);
	near(num(&f, "db", "node_events"), 2);
	near(num(&f, "db", "unrecovered_events"), 0);
	near(num(&f, "db", "partition_moves"), 4);
	near(num(&f, "db", "replicas_created"), 20);
	near(num(&f, "db", "seconds_without_master"), 18);
	near(num(&f, "db", "max_seconds_without_master"), 3);
	near(num(&f, "db", "startup_seconds_without_master"), 12);
	near(num(&f, "db", "max_over_mean_masters"), 1);
	near(num(&f, "db", "time_mean_max_over_mean_masters"), 30.0 / 28);
	near(num(&f, "db", "transitions_cancelled"), 0);
	assert_true(cs_helix_check(f.h));
	fx_close(&f);
}

/* More replicas than nodes: replicas 3 on 2 nodes places 2 per partition
 * (Helix's state count map caps the states at the candidate nodes: 1
 * MASTER, min(3 - 1, 2 - 1) = 1 SLAVE); the partition is still mastered. */
static void test_more_replicas_than_nodes(void **state)
{
	struct fx f;
	fx_open(&f, "{\"resources\": [{\"name\": \"r\", \"partitions\": 2, \"replicas\": 3}]}", 2);
	run_to(&f, 10);
	/* 2 nodes = 2 partitions: preferred node ((p + 2r) mod 2 + r) mod 2:
	 * p0 r0 n0, r1 n1; p1 r0 n1, r1 n0, all new: lists p0 [n0 n1], p1
	 * [n0 n1]; normalised: p0 MASTER n0 (0, 0), p1 [n0 1, n1 0] -> n1 */
	expect_json(cs_helix_external_view(f.h, "r"),
		    "{\"r_0\":{\"n0\":\"MASTER\",\"n1\":\"SLAVE\"},\"r_1\":{\"n0\":\"SLAVE\",\"n1\":\"MASTER\"}}");
	near(num(&f, "r", "replicas"), 4);
	fx_close(&f);
}

/* ---- semi-auto and customized ---- */

/* 3 partitions x 2 on n0 n1 n2 with lists p0 [n0 n1], p1 [n1 n2], p2 [n2
 * n0] (the same as the default: nodes p, p + 1 mod 3).  Up at 2 s (6
 * partition-seconds without master).  n0 fails at 10 s: p0's list has
 * n1 left, SLAVE-MASTER 10-11 s (1 s without master); p2 keeps n2 as
 * MASTER and has no second replica: nothing is placed elsewhere.
 * Recovered at 11 s.  n0 returns at 20 s: p0 [n0 n1]: n0 is two hops
 * from MASTER while n1 holds it, so n1 stays MASTER and n0 becomes SLAVE
 * (20-21), then n1 MASTER-SLAVE (21-22), n0 SLAVE-MASTER (22-23: 1 s
 * without master); p2 gets its SLAVE back on n0 (20-21).  Recovered at 23
 * s (3 s); 8 s without master; no move (only listed nodes). */
static void test_semi_auto_by_hand(void **state)
{
	struct fx f;
	fx_open(&f,
		"{\"resources\": [{\"name\": \"s\", \"partitions\": 3, \"replicas\": 2, \"rebalancer\": \"semi-auto\","
		" \"preference_lists\": {\"0\": [\"n0\", \"n1\"], \"1\": [\"n1\", \"n2\"], \"2\": [\"n2\", \"n0\"]}},"
		" {\"name\": \"d\", \"partitions\": 3, \"replicas\": 2, \"rebalancer\": \"semi-auto\"}]}",
		3);
	/* the default lists are the given ones */
	expect_json(cs_helix_ideal_state(f.h, "d"), "{\"d_0\":[\"n0\",\"n1\"],\"d_1\":[\"n1\",\"n2\"],\"d_2\":[\"n2\",\"n0\"]}");
	expect_json(cs_helix_ideal_state(f.h, "s"), "{\"s_0\":[\"n0\",\"n1\"],\"s_1\":[\"n1\",\"n2\"],\"s_2\":[\"n2\",\"n0\"]}");
	struct node_ev down = {f.h, 0, false}, up = {f.h, 0, true};
	at(&f, 10, &down);
	at(&f, 20, &up);
	run_to(&f, 15);
	expect_json(cs_helix_external_view(f.h, "s"),
		    "{\"s_0\":{\"n1\":\"MASTER\"},\"s_1\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},\"s_2\":{\"n2\":\"MASTER\"}}");
	near(num(&f, "s", "recovery_seconds"), 1);
	near(num(&f, "s", "seconds_without_master"), 7);
	near(num(&f, "s", "partition_moves"), 0);
	near(num(&f, "s", "transitions"), 10); /* 6 + 3 at the start, 1 promotion */
	run_to(&f, 21.5); /* n0 SLAVE, n1 MASTER-SLAVE under way: still MASTER */
	expect_json(cs_helix_external_view(f.h, "s"),
		    "{\"s_0\":{\"n0\":\"SLAVE\",\"n1\":\"MASTER\"},\"s_1\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},"
		    "\"s_2\":{\"n0\":\"SLAVE\",\"n2\":\"MASTER\"}}");
	run_to(&f, 22.5); /* n0 SLAVE-MASTER under way: no master */
	near(num(&f, "s", "partitions_without_master"), 1);
	run_to(&f, 30);
	expect_json(cs_helix_external_view(f.h, "s"),
		    "{\"s_0\":{\"n0\":\"MASTER\",\"n1\":\"SLAVE\"},\"s_1\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"},"
		    "\"s_2\":{\"n0\":\"SLAVE\",\"n2\":\"MASTER\"}}");
	near(num(&f, "s", "recovery_seconds"), 3);
	near(num(&f, "s", "seconds_without_master"), 8);
	near(num(&f, "s", "partition_moves"), 0);
	near(num(&f, "s", "transitions"), 14);
	/* the other resource saw the same */
	near(num(&f, "d", "seconds_without_master"), 8);
	fx_close(&f);
}

/* Customized, 2 partitions x 2: p0 {n0 MASTER, n1 SLAVE}, p1 {n1 MASTER,
 * n2 SLAVE}.  Up at 2 s (6 transitions, 4 partition-seconds without
 * master).  n0 fails at 10 s: Helix promotes nobody and moves nothing:
 * the current state is the ideal state on the live nodes at once
 * (recovery 0 s); p0 is without master until n0 is MASTER again: n0 back
 * at 20 s, OFFLINE-SLAVE 20-21, SLAVE-MASTER 21-22: 12 s, 16 in all;
 * recovery 2 s. */
static void test_customized_by_hand(void **state)
{
	struct fx f;
	fx_open(&f,
		"{\"resources\": [{\"name\": \"c\", \"partitions\": 2, \"replicas\": 2, \"rebalancer\": \"customized\","
		" \"ideal_state\": {\"0\": {\"n0\": \"MASTER\", \"n1\": \"SLAVE\"}, \"1\": {\"n1\": \"MASTER\", \"n2\": \"SLAVE\"}}}]}",
		3);
	struct node_ev down = {f.h, 0, false}, up = {f.h, 0, true};
	at(&f, 10, &down);
	at(&f, 20, &up);
	run_to(&f, 15);
	expect_json(cs_helix_external_view(f.h, "c"), "{\"c_0\":{\"n1\":\"SLAVE\"},\"c_1\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"}}");
	near(num(&f, "c", "transitions"), 6);
	near(num(&f, "c", "recovery_seconds"), 0);
	near(num(&f, "c", "partitions_without_master"), 1);
	near(num(&f, "c", "seconds_without_master"), 4 + 5);
	run_to(&f, 30);
	expect_json(cs_helix_external_view(f.h, "c"),
		    "{\"c_0\":{\"n0\":\"MASTER\",\"n1\":\"SLAVE\"},\"c_1\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"}}");
	expect_json(cs_helix_ideal_state(f.h, "c"),
		    "{\"c_0\":{\"n0\":\"MASTER\",\"n1\":\"SLAVE\"},\"c_1\":{\"n1\":\"MASTER\",\"n2\":\"SLAVE\"}}");
	near(num(&f, "c", "transitions"), 8);
	near(num(&f, "c", "seconds_without_master"), 16);
	near(num(&f, "c", "max_seconds_without_master"), 14);
	near(num(&f, "c", "recovery_seconds"), 2);
	near(num(&f, "c", "partition_moves"), 0);
	fx_close(&f);
}

/* ---- paths, durations, throttling ---- */

static void test_shortest_paths(void **state)
{
	const struct cs_hx_model *ms = cs_hx_model_find("MasterSlave"), *oo = cs_hx_model_find("OnlineOffline");
	assert_non_null(ms);
	assert_non_null(oo);
	/* MasterSlave: 0 MASTER 1 SLAVE 2 OFFLINE 3 DROPPED; transitions 0
	 * MASTER-SLAVE 1 SLAVE-MASTER 2 OFFLINE-SLAVE 3 SLAVE-OFFLINE 4
	 * OFFLINE-DROPPED.  OFFLINE to MASTER goes through SLAVE; MASTER to
	 * DROPPED through SLAVE and OFFLINE. */
	assert_int_equal(cs_hx_next_hop(ms, 2, 0), 2);
	assert_int_equal(cs_hx_next_hop(ms, 1, 0), 1);
	assert_int_equal(cs_hx_next_hop(ms, 0, 3), 0);
	assert_int_equal(cs_hx_next_hop(ms, 1, 3), 3);
	assert_int_equal(cs_hx_next_hop(ms, 2, 3), 4);
	assert_int_equal(cs_hx_next_hop(ms, 3, 0), -1); /* nothing leaves DROPPED */
	assert_int_equal(cs_hx_next_hop(ms, 1, 1), -1);
	/* OnlineOffline: 0 ONLINE 1 OFFLINE 2 DROPPED */
	assert_int_equal(cs_hx_next_hop(oo, 0, 2), 0);
	assert_int_equal(cs_hx_next_hop(oo, 1, 0), 1);
	assert_int_equal(cs_hx_trans_find(ms, "OFFLINE-SLAVE"), 2);
	assert_int_equal(cs_hx_trans_find(ms, "OFFLINE-MASTER"), -1);
	/* state counts: MasterSlave R 3 on 2 nodes: MASTER SLAVE */
	uint8_t st[4];
	assert_int_equal(cs_hx_replica_states(ms, 3, 2, st), 2);
	assert_true(st[0] == 0 && st[1] == 1);
	assert_int_equal(cs_hx_replica_states(ms, 1, 5, st), 1);
	assert_int_equal(cs_hx_replica_states(oo, 3, 5, st), 3);
	assert_true(st[0] == 0 && st[2] == 0);
}

/* One node, one partition, one replica: OFFLINE-SLAVE takes 3 s,
 * SLAVE-MASTER 5 s: the master is there at 8 s, after 2 transitions, and
 * the partition was 8 s without master. */
static void test_path_durations(void **state)
{
	struct fx f;
	fx_open(&f,
		"{\"resources\": [{\"name\": \"x\", \"partitions\": 1, \"replicas\": 1,"
		" \"transition_seconds\": {\"OFFLINE-SLAVE\": 3}}], \"transition_seconds\": {\"SLAVE-MASTER\": \"5s\", \"default\": 9}}",
		1);
	run_to(&f, 7.9);
	expect_json(cs_helix_external_view(f.h, "x"), "{\"x_0\":{\"n0\":\"SLAVE\"}}");
	run_to(&f, 20);
	expect_json(cs_helix_external_view(f.h, "x"), "{\"x_0\":{\"n0\":\"MASTER\"}}");
	near(num(&f, "x", "transitions"), 2);
	near(num(&f, "x", "seconds_without_master"), 8);
	near(num(&f, "x", "startup_seconds"), 8);
	fx_close(&f);
}

/* One node with one thread, 3 partitions x 1 OnlineOffline, 2 s each:
 * OFFLINE-ONLINE runs 0-2, 2-4, 4-6 s; without ONLINE 2 + 4 + 6 = 12 s.
 * MasterSlave, 2 partitions x 1, 1 s each, one thread: p0 OFFLINE-SLAVE
 * 0-1, p1 OFFLINE-SLAVE 1-2 (queued at 0), p0 SLAVE-MASTER (sent at 1,
 * queued) 2-3, p1 SLAVE-MASTER (sent at 2) 3-4: masters at 3 and 4 s. */
static void test_node_throttle_by_hand(void **state)
{
	struct fx f;
	fx_open(&f,
		"{\"resources\": [{\"name\": \"t\", \"partitions\": 3, \"replicas\": 1, \"state_model\": \"OnlineOffline\","
		" \"transition_seconds\": {\"default\": 2}}], \"max_transitions_per_node\": 1}",
		1);
	run_to(&f, 1);
	near(num(&f, "t", "transitions_running"), 1);
	near(num(&f, "t", "transitions_queued"), 2);
	run_to(&f, 2.5);
	expect_json(cs_helix_external_view(f.h, "t"), "{\"t_0\":{\"n0\":\"ONLINE\"},\"t_1\":{},\"t_2\":{}}");
	run_to(&f, 4.5);
	expect_json(cs_helix_external_view(f.h, "t"), "{\"t_0\":{\"n0\":\"ONLINE\"},\"t_1\":{\"n0\":\"ONLINE\"},\"t_2\":{}}");
	run_to(&f, 10);
	near(num(&f, "t", "startup_seconds"), 6);
	near(num(&f, "t", "seconds_without_master"), 12);
	fx_close(&f);

	fx_open(&f, "{\"resources\": [{\"name\": \"m\", \"partitions\": 2, \"replicas\": 1}], \"max_transitions_per_node\": 1}", 1);
	run_to(&f, 2.5);
	expect_json(cs_helix_external_view(f.h, "m"), "{\"m_0\":{\"n0\":\"SLAVE\"},\"m_1\":{\"n0\":\"SLAVE\"}}");
	run_to(&f, 3.5);
	expect_json(cs_helix_external_view(f.h, "m"), "{\"m_0\":{\"n0\":\"MASTER\"},\"m_1\":{\"n0\":\"SLAVE\"}}");
	run_to(&f, 10);
	near(num(&f, "m", "startup_seconds"), 4);
	near(num(&f, "m", "seconds_without_master"), 3 + 4);
	fx_close(&f);
}

/* Cluster-wide limit 1: 3 partitions x 1 OnlineOffline on 3 nodes (one
 * each: 3 nodes = 3 partitions, node ((p mod 3) + 0) mod 3 = p), 1 s
 * each: one transition at a time in the cluster, done at 1, 2, 3 s;
 * without ONLINE 1 + 2 + 3 = 6 s. */
static void test_cluster_throttle_by_hand(void **state)
{
	struct fx f;
	fx_open(&f,
		"{\"resources\": [{\"name\": \"t\", \"partitions\": 3, \"replicas\": 1, \"state_model\": \"OnlineOffline\"}],"
		" \"max_transitions_cluster\": 1}",
		3);
	run_to(&f, 1.5);
	expect_json(cs_helix_external_view(f.h, "t"), "{\"t_0\":{\"n0\":\"ONLINE\"},\"t_1\":{},\"t_2\":{}}");
	run_to(&f, 10);
	expect_json(cs_helix_external_view(f.h, "t"),
		    "{\"t_0\":{\"n0\":\"ONLINE\"},\"t_1\":{\"n1\":\"ONLINE\"},\"t_2\":{\"n2\":\"ONLINE\"}}");
	near(num(&f, "t", "startup_seconds"), 3);
	near(num(&f, "t", "seconds_without_master"), 6);
	fx_close(&f);
}

/* LeaderStandby, 1 partition x 2 on 2 nodes (2 nodes > 1 partition:
 * node (p + r x 1) mod 2: LEADER n0, STANDBY n1).  Up at 2 s.  n0 fails
 * at 10 s: n1 STANDBY-LEADER 10-11 s.  At 20 s: 2 + 1 = 3 s without
 * leader, of which 2 at the start; max over partitions 3. */
static void test_seconds_without_master_tiny(void **state)
{
	struct fx f;
	fx_open(&f, "{\"resources\": [{\"name\": \"l\", \"partitions\": 1, \"replicas\": 2, \"state_model\": \"LeaderStandby\"}]}", 2);
	struct node_ev down = {f.h, 0, false};
	at(&f, 10, &down);
	run_to(&f, 10.5);
	near(num(&f, "l", "partitions_without_master"), 1);
	run_to(&f, 20);
	expect_json(cs_helix_external_view(f.h, "l"), "{\"l_0\":{\"n1\":\"LEADER\"}}");
	near(num(&f, "l", "seconds_without_master"), 3);
	near(num(&f, "l", "startup_seconds_without_master"), 2);
	near(num(&f, "l", "max_seconds_without_master"), 3);
	/* one node up with the leader: max over mean is 1 */
	near(num(&f, "l", "max_over_mean_masters"), 1);
	fx_close(&f);
}

/* rebalance_delay 5: the controller learns of n0's failure at 15 s and
 * until then still sees its LEADER (it promotes nobody): STANDBY-LEADER
 * 15-16 s, 6 s without leader, recovered 6 s after the failure.  A bounce
 * shorter than the delay: n1 (the leader, alone) down at 30 s, up at 31
 * s, empty; the controller never saw it go but sees its empty current
 * state: its list [n1] gives it LEADER again, OFFLINE-STANDBY 31-32,
 * STANDBY-LEADER 32-33 (3 s without leader); the two view changes (35,
 * 36 s) change nothing, and the controller's view is current at 36 s:
 * events at 30 and 31 s recover then (6 and 5 s). */
static void test_rebalance_delay(void **state)
{
	struct fx f;
	fx_open(&f,
		"{\"resources\": [{\"name\": \"l\", \"partitions\": 1, \"replicas\": 2, \"state_model\": \"LeaderStandby\"}],"
		" \"rebalance_delay\": 5}",
		2);
	struct node_ev down = {f.h, 0, false}, down1 = {f.h, 1, false}, up1 = {f.h, 1, true};
	at(&f, 10, &down);
	at(&f, 30, &down1);
	at(&f, 31, &up1);
	run_to(&f, 14.9);
	expect_json(cs_helix_external_view(f.h, "l"), "{\"l_0\":{\"n1\":\"STANDBY\"}}");
	assert_true(is_null(&f, "l", "recovery_seconds"));
	run_to(&f, 20);
	expect_json(cs_helix_external_view(f.h, "l"), "{\"l_0\":{\"n1\":\"LEADER\"}}");
	near(num(&f, "l", "seconds_without_master"), 2 + 6);
	near(num(&f, "l", "recovery_seconds"), 6);
	run_to(&f, 34);
	expect_json(cs_helix_external_view(f.h, "l"), "{\"l_0\":{\"n1\":\"LEADER\"}}");
	near(num(&f, "l", "seconds_without_master"), 2 + 6 + 3);
	near(num(&f, "l", "unrecovered_events"), 2);
	run_to(&f, 40);
	expect_json(cs_helix_external_view(f.h, "l"), "{\"l_0\":{\"n1\":\"LEADER\"}}");
	near(num(&f, "l", "transitions"), 3 + 1 + 2);
	near(num(&f, "l", "recovery_seconds"), 5);
	near(num(&f, "l", "max_recovery_seconds"), 6);
	near(num(&f, "l", "unrecovered_events"), 0);
	assert_true(cs_helix_check(f.h));
	fx_close(&f);
}

/* A node that fails with transitions under way loses them: 1 node, 1
 * partition, OFFLINE-SLAVE 5 s; down at 2 s (1 cancelled): with no live
 * node the ideal state is empty and the current state equals it at once
 * (recovery 0 s); back at 3 s: a new OFFLINE-SLAVE 3-8 and SLAVE-MASTER
 * 8-13 (recovery 10 s); 13 s without master. */
static void test_cancelled_on_failure(void **state)
{
	struct fx f;
	fx_open(&f, "{\"resources\": [{\"name\": \"x\", \"partitions\": 1, \"replicas\": 1, \"transition_seconds\": {\"default\": 5}}]}", 1);
	struct node_ev down = {f.h, 0, false}, up = {f.h, 0, true};
	at(&f, 2, &down);
	at(&f, 3, &up);
	run_to(&f, 20);
	near(num(&f, "x", "transitions_cancelled"), 1);
	near(num(&f, "x", "transitions"), 2);
	near(num(&f, "x", "seconds_without_master"), 13);
	near(num(&f, "x", "recovery_seconds"), 10);
	near(num(&f, "x", "max_recovery_seconds"), 10);
	fx_close(&f);
}

/* OnlineOffline, 2 partitions x 1 on n0 n1 (2 nodes = 2 partitions:
 * p0 on n0, p1 on n1); ONLINE at 1 s (2 s without ONLINE).  n1 fails at
 * 10 s: p1 goes to n0 (a move), ONLINE 10-11 (1 s).  n1 returns at 20 s:
 * capacity 1 each, n0 over it, so p1 moves back to its preferred n1:
 * n0 ONLINE-OFFLINE (priority 0) and n1 OFFLINE-ONLINE, then n0
 * OFFLINE-DROPPED.  Helix leaves the "R" bound of ONLINE unenforced, so
 * both run 20-21 and p1 is never without ONLINE (n0's completes first, at
 * the same instant: 0 s); with enforce_replica_bound n1's waits until n0's
 * is done, ONLINE 21-22 (beside n0's OFFLINE-DROPPED): 1 s more.  6
 * transitions and recovered at 22 s either way. */
static void test_replica_bound(void **state)
{
	for (int enforce = 0; enforce < 2; enforce++) {
		struct fx f;
		char text[512];
		snprintf(text, sizeof text,
			 "{\"resources\": [{\"name\": \"o\", \"partitions\": 2, \"replicas\": 1, \"state_model\": \"OnlineOffline\"}],"
			 " \"enforce_replica_bound\": %s}",
			 enforce ? "true" : "false");
		fx_open(&f, text, 2);
		struct node_ev down = {f.h, 1, false}, up = {f.h, 1, true};
		at(&f, 10, &down);
		at(&f, 20, &up);
		run_to(&f, 15);
		expect_json(cs_helix_external_view(f.h, "o"), "{\"o_0\":{\"n0\":\"ONLINE\"},\"o_1\":{\"n0\":\"ONLINE\"}}");
		run_to(&f, 30);
		expect_json(cs_helix_external_view(f.h, "o"), "{\"o_0\":{\"n0\":\"ONLINE\"},\"o_1\":{\"n1\":\"ONLINE\"}}");
		near(num(&f, "o", "seconds_without_master"), enforce ? 4 : 3);
		near(num(&f, "o", "recovery_seconds"), 2); /* OFFLINE-DROPPED ends at 22 s either way */
		near(num(&f, "o", "transitions"), 6);
		near(num(&f, "o", "partition_moves"), 1);
		assert_true(cs_helix_check(f.h));
		fx_close(&f);
	}
}

/* ---- invariants through random failures ---- */

struct watch {
	struct cs_helix *h;
	uint64_t checks;
	bool ok;
};

static void after_event(void *ctx, const struct cs_engine *e, uint64_t n)
{
	struct watch *w = ctx;
	w->checks++;
	if (w->ok && !cs_helix_check(w->h))
		w->ok = false;
}

#define RANDOM_RESOURCES                                                                                                   \
	"{\"resources\": [{\"name\": \"ms\", \"partitions\": 10, \"replicas\": 3},"                                         \
	" {\"name\": \"ls\", \"partitions\": 8, \"replicas\": 2, \"state_model\": \"LeaderStandby\", \"rebalancer\": \"semi-auto\"}," \
	" {\"name\": \"oo\", \"partitions\": 4, \"replicas\": 2, \"state_model\": \"OnlineOffline\"}],"                     \
	" \"max_transitions_per_node\": 2, \"transition_seconds\": {\"default\": {\"dist\": \"exp\", \"mean\": 1}},"     \
	" \"rebalance_delay\": %g, \"max_transitions_cluster\": %s}"

/* 5 nodes flip at random for 200 s (exponential gaps of mean 3 s, the
 * test's own stream), then all come back; the invariants hold after every
 * event, everything recovers, and the same seeds give the same run.  With
 * a rebalance delay the controller acts on stale views (replicas it
 * believes on nodes that are gone). */
static char *random_run(uint64_t seed, double delay, const char *limit, uint64_t *checks)
{
	struct fx f;
	char text[1024];
	snprintf(text, sizeof text, RANDOM_RESOURCES, delay, limit);
	fx_open(&f, text, 5);
	struct watch w = {f.h, 0, true};
	f.e.progress = after_event;
	f.e.progress_ctx = &w;
	f.e.progress_every = 1;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	struct node_ev ev[400];
	bool up[5] = {true, true, true, true, true};
	double t = 0;
	size_t n = 0;
	while (n < 390) {
		t += -3 * log(1 - gsl_rng_uniform(rng));
		if (t > 200)
			break;
		uint32_t node = (uint32_t)gsl_rng_uniform_int(rng, 5);
		up[node] = !up[node];
		ev[n] = (struct node_ev){f.h, node, up[node]};
		at(&f, t, &ev[n++]);
	}
	for (uint32_t k = 0; k < 5; k++) {
		ev[n] = (struct node_ev){f.h, k, true};
		at(&f, 201, &ev[n++]);
	}
	gsl_rng_free(rng);
	run_to(&f, 400);
	assert_true(w.ok);
	assert_true(w.checks > 100);
	const char *res[] = {"ms", "ls", "oo"};
	for (int k = 0; k < 3; k++) {
		near(num(&f, res[k], "unrecovered_events"), 0);
		near(num(&f, res[k], "partitions_without_master"), 0);
		near(num(&f, res[k], "transitions_running") + num(&f, res[k], "transitions_queued"), 0);
	}
	near(num(&f, "ms", "replicas"), 30);
	near(num(&f, "ls", "replicas"), 16);
	print_message("  seed %llu delay %g limit %s: %llu checks; ms %.0f transitions, %.0f cancelled, %.0f moves, %.0f node "
		      "events, %.1f s without master\n",
		      (unsigned long long)seed, delay, limit, (unsigned long long)w.checks, num(&f, "ms", "transitions"),
		      num(&f, "ms", "transitions_cancelled"), num(&f, "ms", "partition_moves"), num(&f, "ms", "node_events"),
		      num(&f, "ms", "seconds_without_master"));
	assert_true(num(&f, "ms", "transitions_cancelled") > 0);
	*checks = w.checks;
	json_t *s = cs_helix_summary(f.h);
	char *dump = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	json_decref(s);
	fx_close(&f);
	return dump;
}

static void test_one_master_through_failures(void **state)
{
	uint64_t c1, c2;
	for (uint64_t seed = 1; seed <= 6; seed++) {
		double delay = seed > 2 ? 2 : 0;
		const char *limit = seed > 4 ? "3" : "null";
		char *a = random_run(seed, delay, limit, &c1), *b = random_run(seed, delay, limit, &c2);
		assert_string_equal(a, b);
		assert_true(c1 == c2);
		free(a);
		free(b);
	}
}

/* ---- the timeseries ---- */

static void test_series(void **state)
{
	struct fx f;
	fx_open(&f, "{\"resources\": [{\"name\": \"a\", \"partitions\": 2, \"replicas\": 1}]}", 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct cs_series s;
	cs_series_init(&s, out, 100);
	cs_helix_series_add(f.h, &s);
	cs_series_header(&s);
	run_to(&f, 1.5);
	cs_series_row(&s, cs_engine_now(&f.e));
	run_to(&f, 5);
	cs_series_row(&s, cs_engine_now(&f.e));
	fclose(out);
	/* at 1.5 s both replicas are SLAVE, both SLAVE-MASTER running */
	assert_string_equal(buf, "time,helix.a.partitions_without_master,helix.a.transitions_in_flight,helix.a.transitions_queued,"
				 "helix.a.replicas,helix.a.max_over_mean_masters\n"
				 "1.500000,2,2,0,2,\n"
				 "5.000000,0,0,0,2,1.000000\n");
	free(buf);
	fx_close(&f);
}

/* ---- bad input ---- */

struct bad {
	const char *json;
	uint32_t nodes;
	const char *msg; /* the whole message, or its start when it ends in '*' */
};

static void test_bad_input(void **state)
{
	static const struct bad cases[] = {
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 0, \"replicas\": 2}]}", 3,
		 "test.json: helix.resources[0].partitions: expected a whole number from 1 to 1000000 (got 0)"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 2, \"replicas\": 0}]}", 3,
		 "test.json: helix.resources[0].replicas: expected a whole number from 1 to 100000 (got 0)"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 2.5, \"replicas\": 1}]}", 3,
		 "test.json: helix.resources[0].partitions: expected a whole number from 1 to 1000000 (got 2.5)"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replica\": 2}]}", 3,
		 "test.json: helix.resources[0].replica: unknown key (did you mean \"replicas\"?)"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1}]}", 3, "test.json: helix.resources[0].replicas: missing"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1, \"state_model\": \"MasterSlav\"}]}", 3,
		 "test.json: helix.resources[0].state_model: unknown value \"MasterSlav\" (did you mean \"MasterSlave\"?)"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1, \"rebalancer\": \"AUTO\"}]}", 3,
		 "test.json: helix.resources[0].rebalancer: unknown value \"AUTO\"*"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1, \"preference_lists\": {}}]}", 3,
		 "test.json: helix.resources[0].preference_lists: only a semi-auto resource takes preference lists (got rebalancer "
		 "\"full-auto\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1, \"ideal_state\": {}}]}", 3,
		 "test.json: helix.resources[0].ideal_state: only a customized resource takes an ideal state (got rebalancer "
		 "\"full-auto\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 2, \"rebalancer\": \"semi-auto\","
		 " \"preference_lists\": {\"0\": [\"n0\", \"zz\"]}}]}",
		 3, "test.json: helix.resources[0].preference_lists.0[1]: no participant of that name (got \"zz\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1, \"rebalancer\": \"semi-auto\","
		 " \"preference_lists\": {\"0\": [\"n0\", \"n1\"]}}]}",
		 3, "test.json: helix.resources[0].preference_lists.0: expected a list of 1 to 1 participants (got [\"n0\",\"n1\"])"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 2, \"rebalancer\": \"semi-auto\","
		 " \"preference_lists\": {\"0\": [\"n0\", \"n0\"]}}]}",
		 3, "test.json: helix.resources[0].preference_lists.0[1]: the participant is in the list already: one replica per node "
		    "(got \"n0\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 2, \"replicas\": 1, \"rebalancer\": \"semi-auto\","
		 " \"preference_lists\": {\"7\": [\"n0\"]}}]}",
		 3, "test.json: helix.resources[0].preference_lists.7: expected a partition index from 0 to 1 as the key (got \"7\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 2, \"rebalancer\": \"customized\","
		 " \"ideal_state\": {\"0\": {\"n0\": \"MASTER\", \"n1\": \"MASTER\"}}}]}",
		 3, "test.json: helix.resources[0].ideal_state.0: 2 replicas in MASTER, more than its bound of 1 per partition (got *"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 2, \"rebalancer\": \"customized\","
		 " \"ideal_state\": {\"0\": {\"n0\": \"LEADER\"}}}]}",
		 3, "test.json: helix.resources[0].ideal_state.0.n0: expected a state of MasterSlave other than DROPPED (got \"LEADER\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1, \"transition_seconds\": {\"OFFLINE-MASTER\": 2}}]}",
		 3, "test.json: helix.resources[0].transition_seconds.OFFLINE-MASTER: not a transition of MasterSlave (its transitions: "
		    "MASTER-SLAVE, SLAVE-MASTER, OFFLINE-SLAVE, SLAVE-OFFLINE, OFFLINE-DROPPED, or \"default\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1, \"transition_seconds\": {\"default\": -1}}]}", 3,
		 "test.json: helix.resources[0].transition_seconds.default: *"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1}], \"transition_seconds\": {\"UP-DOWN\": 1}}", 3,
		 "test.json: helix.transition_seconds.UP-DOWN: not a transition of any state model (FROM-TO, e.g. OFFLINE-SLAVE, or "
		 "\"default\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1}], \"max_transitions_per_node\": 0}", 3,
		 "test.json: helix.max_transitions_per_node: expected a whole number from 1 to 1000000 (got 0)"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1}], \"max_transitions_cluster\": \"many\"}", 3,
		 "test.json: helix.max_transitions_cluster: expected a whole number from 1 to 1000000000000 (got \"many\")"},
		{"{\"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 1}], \"rebalance_delay\": -1}", 3,
		 "test.json: helix.rebalance_delay: *"},
		{"{\"resource\": []}", 3, "test.json: helix.resource: unknown key (did you mean \"resources\"?)"},
		{"{}", 3, "test.json: helix.resources: missing (a list of resources)"},
		{"{\"resources\": []}", 3, "test.json: helix.resources: expected a list of one or more resources (got [])"},
		{"{\"resources\": [{\"name\": \"a\", \"partitions\": 1, \"replicas\": 1}, {\"name\": \"a\", \"partitions\": 1, "
		 "\"replicas\": 1}]}",
		 3, "test.json: helix.resources[1].name: resources[0] has that name already (got \"a\")"},
		{"{\"resources\": [{\"name\": \"a\", \"partitions\": 1, \"replicas\": 1}]}", 0,
		 "test.json: helix.participants: no participants (a Helix cluster needs at least one node)"},
		{"[1]", 3, "test.json: helix: expected an object*"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fx f;
		int r = fx_parse(&f, cases[i].json, cases[i].nodes);
		size_t n = strlen(cases[i].msg);
		bool prefix = cases[i].msg[n - 1] == '*';
		bool ok = r < 0 && f.h == NULL && f.err.code == CS_EXIT_INPUT &&
			  (prefix ? strncmp(f.err.msg, cases[i].msg, n - 1) == 0 : strcmp(f.err.msg, cases[i].msg) == 0);
		if (!ok) {
			print_error("case %zu: %s\n  expected %s\n", i, r < 0 ? f.err.msg : "parsed", cases[i].msg);
			fx_close(&f);
			fail();
		}
		fx_close(&f);
	}
}

/* two participants of one name; "participants" is the caller's key */
static void test_names_and_participants(void **state)
{
	struct fx f;
	memset(&f, 0, sizeof f);
	cs_engine_init(&f.e);
	f.cfg = (struct cs_cfg){"test.json", ".", &f.err};
	f.j = json_loads("{\"participants\": {\"class\": \"x\"}, \"resources\": [{\"name\": \"a\", \"partitions\": 1, \"replicas\": 1}]}",
			 0, NULL);
	const char *const twice[] = {"b", "a", "b"};
	assert_int_equal(cs_helix_parse(&f.cfg, f.j, 3, twice, &f.e, gsl_rng_alloc(gsl_rng_mt19937), &f.h), -1);
	assert_string_equal(f.err.msg, "test.json: helix.participants: two participants are named \"b\"");
	f.err = (struct cs_error){0};
	const char *const names[] = {"b", "a", "c"};
	assert_int_equal(cs_helix_parse(&f.cfg, f.j, 3, names, &f.e, gsl_rng_alloc(gsl_rng_mt19937), &f.h), 0);
	/* the defaults are written into the object */
	assert_int_equal(json_integer_value(json_object_get(f.j, "max_transitions_per_node")), 40);
	assert_true(json_is_null(json_object_get(f.j, "max_transitions_cluster")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(f.j, "resources"), 0), "rebalancer")),
			    "full-auto");
	/* names sort as strings: a b c; 3 nodes > 1 partition: node (0 + 0)
	 * mod 3 of the sorted names, "a" (index 1) */
	cs_helix_start(f.h);
	run_to(&f, 5);
	expect_json(cs_helix_external_view(f.h, "a"), "{\"a_0\":{\"a\":\"MASTER\"}}");
	assert_null(cs_helix_external_view(f.h, "nope"));
	fx_close(&f);
}

/* ---- in a world (sim/world_helix.c) ---- */

/* The shipped 64 x 3 experiment's start, worked out: every partition
 * needs OFFLINE-SLAVE (5 s) then SLAVE-MASTER (1 s) before it has a
 * master; 192 replicas on 6 nodes are 32 per node, within a node's 40
 * threads, so all start at once and every partition has its master at
 * 6 s: 64 x 6 = 384 partition-seconds without one.  node-6 is down at 0 (machine_events)
 * and joins at 2 h; node-2 fails at 1 h: 2 node events, both recovered.
 * Semi-auto moves nothing; full-auto moves replicas onto node-6 and ends
 * with the masters spread (1.03: 64 over 6 live nodes is 10.67, max 11). */
static void test_world_64x3(void **state)
{
	(void)state;
	char *text = tu_read_file("experiments/helix/masterslave-64x3.json");
	assert_non_null(text);
	json_t *exp = json_loads(text, 0, NULL);
	free(text);
	json_object_del(exp, "sweep");
	for (int semi = 0; semi < 2; semi++) {
		json_object_set_new(json_array_get(json_object_get(json_object_get(exp, "helix"), "resources"), 0), "rebalancer",
				    json_string(semi ? "semi-auto" : "full-auto"));
		char *t = json_dumps(exp, 0);
		json_t *s = tu_run_ok(t, NULL);
		free(t);
		assert_true(tu_num(s, "helix.db.startup_seconds_without_master") == 384);
		assert_true(tu_num(s, "helix.db.node_events") == 2);
		assert_true(tu_num(s, "helix.db.unrecovered_events") == 0);
		assert_true(tu_num(s, "helix.db.partitions_without_master") == 0);
		if (semi) {
			assert_true(tu_num(s, "helix.db.partition_moves") == 0);
		} else {
			assert_true(tu_num(s, "helix.db.partition_moves") > 0);
			assert_true(fabs(tu_num(s, "helix.db.max_over_mean_masters") - 11 / (64.0 / 6)) < 1e-9);
		}
		json_decref(s);
	}
	json_decref(exp);
}

/* Participants chosen by class; an autoscaling group's instances are
 * nodes that come and go: 2 of its 4 machines in service at the start
 * (nodes down: the other 2), a fixed group, so no node event; failing
 * one instance's machine at 100 s is a node event, and its replacement
 * (booting 100 s) another when it comes into service at 200 s. */
static void test_world_participants(void **state)
{
	(void)state;
	const char *exp =
		"{\"name\": \"hp\", \"duration\": 600, \"cell\": {\"machines\": [{\"name\": \"app\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]},"
		" \"autoscaling\": {\"groups\": [{\"name\": \"db\", \"instance\": {\"cpu\": 4, \"mem\": 4096}, \"min\": 2, \"max\": 4,"
		"  \"boot_delay\": 100}]},"
		" \"helix\": {\"participants\": {\"class\": \"db\"}, \"resources\": [{\"name\": \"r\", \"partitions\": 4, \"replicas\": 2}]},"
		" \"events\": [{\"at\": 100, \"fail_machine\": 2}], \"scheduler\": {\"type\": \"monolithic\"}}";
	json_t *s = tu_run_ok(exp, NULL);
	assert_true(tu_num(s, "helix.r.node_events") == 2);
	assert_true(tu_num(s, "helix.r.unrecovered_events") == 0);
	assert_true(tu_num(s, "autoscaling.groups.db.unhealthy_replaced") == 1);
	json_decref(s);
	tu_run_fails("{\"name\": \"hp\", \"duration\": 60, \"cell\": {\"machines\": [{\"name\": \"app\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]},"
		     " \"helix\": {\"participants\": {\"class\": \"db\"}, \"resources\": [{\"name\": \"r\", \"partitions\": 4, \"replicas\": 2}]},"
		     " \"scheduler\": {\"type\": \"monolithic\"}}",
		     "helix.participants: no machine of the cell is a participant", 1);
	tu_run_fails("{\"name\": \"hp\", \"cell\": {\"machines\": [{\"name\": \"app\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]},"
		     " \"helix\": {\"resources\": [{\"name\": \"r\", \"partitions\": 4, \"replicas\": 2}]}, \"scheduler\": {\"type\": \"monolithic\"}}",
		     "duration: missing", 2);
	tu_run_fails("{\"name\": \"hp\", \"duration\": 60, \"cell\": {\"machines\": [{\"name\": \"app\", \"count\": 2, \"cpu\": 4, \"mem\": 4096}]},"
		     " \"helix\": {\"participants\": [], \"resources\": [{\"name\": \"r\", \"partitions\": 4, \"replicas\": 2}]},"
		     " \"scheduler\": {\"type\": \"monolithic\"}}",
		     "helix.participants: expected an object", 3);
}

/* What an adversarial probe found, each fixed.  (1) node-0 (the master
 * of the one partition) fails at 100 s and is back at 110 s, within the
 * controller's 30 s delay: the controller never sees it go (live as
 * before, its new session empty), so it makes it master again (OFFLINE-
 * SLAVE, SLAVE-MASTER: 1 s each); the stale "down" delivered at 130 s
 * used to take it out of the view and promote node-1 beside it -- two
 * masters, 1 of each on 2 up nodes: a balance of 1.0 where one master
 * gives 2.0.  (2) Every node down at the start, up at 600 s: the start
 * ends when the partitions are placed (602 s), and that first placement
 * is no move.  (3) An ideal state of more replicas than the resource
 * has, and resources whose partitions x participants add up past the
 * model's limit, are bad input. */
static void test_probe_regressions(void **state)
{
	(void)state;
	char *dir;
	json_t *s = tu_run_ok(
		"{\"name\": \"bounce\", \"duration\": 300, \"cell\": {\"machines\": [{\"name\": \"n\", \"count\": 2, \"cpu\": 1, \"mem\": 1024}]},"
		" \"scheduler\": {\"type\": \"monolithic\"},"
		" \"helix\": {\"rebalance_delay\": 30, \"resources\": [{\"name\": \"db\", \"partitions\": 1, \"replicas\": 2}]},"
		" \"events\": [{\"at\": 100, \"fail_machine\": 0}, {\"at\": 110, \"recover_machine\": 0}],"
		" \"output\": {\"sample_interval\": 1}}", &dir);
	for (int t = 120; t <= 150; t += 5) {
		char at[32];
		snprintf(at, sizeof at, "%d.000000", t);
		char *row = tu_ts_row(dir, at);
		const char *last = strrchr(row, ',');
		assert_non_null(last);
		assert_true(strcmp(last + 1, "2.000000") == 0);
		free(row);
	}
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);

	s = tu_run_ok("{\"name\": \"late\", \"duration\": 900, \"cell\": {\"machines\": [{\"name\": \"n\", \"count\": 4, \"cpu\": 1, \"mem\": 1024}]},"
		      " \"scheduler\": {\"type\": \"monolithic\"},"
		      " \"helix\": {\"resources\": [{\"name\": \"db\", \"partitions\": 8, \"replicas\": 2}]},"
		      " \"machine_events\": [{\"at\": 0, \"action\": \"down\", \"first\": 0, \"count\": 4},"
		      "  {\"at\": 600, \"action\": \"up\", \"first\": 0, \"count\": 4}]}", NULL);
	assert_true(tu_num(s, "helix.db.startup_seconds") == 602);
	assert_true(tu_num(s, "helix.db.partition_moves") == 0);
	json_decref(s);

	tu_run_fails("{\"name\": \"x\", \"duration\": 60, \"cell\": {\"machines\": [{\"name\": \"n\", \"count\": 3, \"cpu\": 1, \"mem\": 1024}]},"
		     " \"scheduler\": {\"type\": \"monolithic\"}, \"helix\": {\"resources\": [{\"name\": \"db\", \"partitions\": 1,"
		     " \"replicas\": 2, \"rebalancer\": \"customized\", \"ideal_state\": {\"0\": {\"n-0\": \"SLAVE\", \"n-1\": \"SLAVE\","
		     " \"n-2\": \"SLAVE\"}}}]}}", "helix.resources[0].ideal_state.0: 3 replicas, more than the resource's 2", 1);
	tu_run_fails("{\"name\": \"x\", \"duration\": 60, \"cell\": {\"machines\": [{\"name\": \"n\", \"count\": 100, \"cpu\": 1, \"mem\": 1024}]},"
		     " \"scheduler\": {\"type\": \"monolithic\"}, \"helix\": {\"resources\": [{\"name\": \"a\", \"partitions\": 60000,"
		     " \"replicas\": 3}, {\"name\": \"b\", \"partitions\": 60000, \"replicas\": 3}]}}",
		     "helix.resources[1]: partitions x participants over the resources so far is 12000000", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_auto_by_hand),
		cmocka_unit_test(test_more_replicas_than_nodes),
		cmocka_unit_test(test_semi_auto_by_hand),
		cmocka_unit_test(test_customized_by_hand),
		cmocka_unit_test(test_shortest_paths),
		cmocka_unit_test(test_path_durations),
		cmocka_unit_test(test_node_throttle_by_hand),
		cmocka_unit_test(test_cluster_throttle_by_hand),
		cmocka_unit_test(test_seconds_without_master_tiny),
		cmocka_unit_test(test_rebalance_delay),
		cmocka_unit_test(test_replica_bound),
		cmocka_unit_test(test_cancelled_on_failure),
		cmocka_unit_test(test_one_master_through_failures),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_names_and_participants),
		cmocka_unit_test(test_world_64x3),
		cmocka_unit_test(test_world_participants),
		cmocka_unit_test(test_probe_regressions),
	};
	return cmocka_run_group_tests_name("helix", tests, NULL, NULL);
}
