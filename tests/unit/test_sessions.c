/* The session-balancing model on cases worked out by hand:
 *  - round-robin over xhr-polling with one client never connects: its
 *    requests are the only ones that move the rotation, so after /info
 *    (server k) and the open's poll (k+1, which makes the session), the
 *    connect's send and the next poll take k+2 and k+3 in some order; with
 *    two servers k+2 is the other one, with three neither is k+1; this
 *    holds whatever the latency;
 *  - with many clients and a latency, other clients' requests fall between
 *    one client's: the send and the poll each reach the session's server
 *    about a third of the time (three servers), so about 1/9 of the opens
 *    connect; with no latency nothing falls between and none does;
 *  - a sticky cookie keeps every request of a session on its server:
 *    no 404, no lost session, one open per client;
 *  - websockets under a kill: the killed server's sessions move, and each
 *    client is back after Meteor's first retry (10 ms);
 *  - consistent hashing on the client address sends the moved clients
 *    back to the restarted server: each of them breaks once;
 *  - ip_hash with every client in one /24 puts them all on one server;
 *  - determinism. */
#include "testutil.h"

#define BASE \
	"{\"name\":\"t\",\"seed\":3,\"duration\":\"%s\"," \
	"\"balancer\":{\"policy\":\"%s\",\"servers\":%d}," \
	"\"clients\":{\"count\":%d,\"transport\":\"%s\",\"addresses\":\"%s\",\"message_interval\":{\"dist\":\"exp\",\"mean\":2}}%s}"

static json_t *run(const char *duration, const char *policy, int servers, int clients, const char *transport,
		   const char *addresses, const char *extra)
{
	char text[4096];
	snprintf(text, sizeof text, BASE, duration, policy, servers, clients, transport, addresses, extra);
	return tu_run_ok(text, NULL);
}

static void test_round_robin_polling_never_connects(void **state)
{
	json_t *s = run("60s", "round-robin", 2, 1, "xhr-polling", "distinct", "");
	assert_true(tu_num(s, "balancer.connect_success_per_open") == 0);
	/* two servers: info s1, open s2, the send s1 (404), the poll s2 (held):
	 * the 404 closes every open */
	assert_true(tu_num(s, "balancer.send_404_rate") == 1);
	/* every open is /info, a poll, then the connect's send and a second
	 * poll made at once: 4 requests */
	assert_true(tu_num(s, "balancer.requests") == 4 * tu_num(s, "balancer.opens"));
	json_decref(s);
}

#define RR_LATENCY \
	"{\"name\":\"t\",\"seed\":3,\"duration\":\"60s\",\"balancer\":{\"policy\":\"round-robin\",\"servers\":3}," \
	"\"clients\":{\"count\":%d,\"latency\":%s,\"message_interval\":{\"dist\":\"exp\",\"mean\":2}}}"

static json_t *run_rr(int clients, const char *latency)
{
	char text[1024];
	snprintf(text, sizeof text, RR_LATENCY, clients, latency);
	return tu_run_ok(text, NULL);
}

/* Requests that take time: the interleaving of many clients' requests at
 * the balancer's rotation (the header's reasoning). */
static void test_round_robin_interleaving(void **state)
{
	json_t *s = run_rr(1, "{\"dist\":\"exp\",\"mean\":0.01}");
	assert_true(tu_num(s, "balancer.opens") > 100);
	assert_true(tu_num(s, "balancer.connect_success_per_open") == 0);
	json_decref(s);
	s = run_rr(30, "0");
	assert_true(tu_num(s, "balancer.connect_success_per_open") == 0);
	json_decref(s);
	s = run_rr(30, "{\"dist\":\"exp\",\"mean\":0.01}");
	double p = tu_num(s, "balancer.connect_success_per_open"), n = tu_num(s, "balancer.opens");
	assert_true(n > 10000);
	/* 1/9 within 5 binomial standard errors of the run's opens */
	assert_true(fabs(p - 1.0 / 9) < 5 * sqrt(1.0 / 9 * 8 / 9 / n) + 0.01);
	/* the servers hold more sessions than the clients think they have:
	 * every failed open leaves a ghost or two for disconnect_delay */
	assert_true(tu_num(s, "balancer.server_sessions_mean") > tu_num(s, "balancer.client_sessions_mean"));
	assert_true(tu_num(s, "balancer.server_sessions_peak") >= tu_num(s, "balancer.server_sessions_mean"));
	json_decref(s);
}

static void test_sticky_keeps_sessions(void **state)
{
	json_t *s = run("10m", "sticky-cookie", 3, 30, "xhr-polling", "distinct", "");
	assert_true(tu_num(s, "balancer.send_404_rate") == 0);
	assert_true(tu_num(s, "balancer.lost_session_rate") == 0);
	assert_true(tu_num(s, "balancer.opens") == 30);
	assert_true(tu_num(s, "balancer.connect_success_per_open") == 1);
	assert_true(tu_num(s, "balancer.ghost_sessions_peak") == 0);
	/* the rotation spreads the first requests evenly: 10 per server */
	assert_true(tu_num(s, "balancer.sessions_per_server.s1") == 10);
	assert_true(tu_num(s, "balancer.imbalance.cv") == 0);
	json_decref(s);
}

static void test_websocket_failure(void **state)
{
	json_t *s = run("5m", "round-robin", 3, 30, "websocket", "distinct",
			",\"events\":[{\"at\":\"1m\",\"kill\":\"s2\"},{\"at\":\"3m\",\"restart\":\"s2\"}]");
	assert_true(tu_num(s, "balancer.moved_by_failure") == 10);
	assert_near(tu_num(s, "balancer.rehome_seconds.median"), 0.01, 1e-9);
	assert_near(tu_num(s, "balancer.rehome_seconds.max"), 0.01, 1e-9);
	assert_true(tu_num(s, "balancer.opens") == 40);
	/* pinned connections do not come back to the restarted server */
	assert_true(tu_num(s, "balancer.sessions_per_server.s2") == 0);
	assert_true(tu_num(s, "balancer.broken_on_recovery") == 0);
	json_decref(s);
}

static void test_consistent_hash_recovery(void **state)
{
	json_t *s = run("5m", "hash-consistent", 3, 60, "xhr-polling", "distinct",
			",\"events\":[{\"at\":\"1m\",\"kill\":\"s2\"},{\"at\":\"3m\",\"restart\":\"s2\"}]");
	double moved = tu_num(s, "balancer.moved_by_failure");
	assert_true(moved > 0);
	assert_true(tu_num(s, "balancer.broken_on_recovery") == moved);
	assert_true(tu_num(s, "balancer.send_404_rate") > 0 || tu_num(s, "balancer.lost_session_rate") > 0);
	json_decref(s);
}

static void test_ip_hash_one_subnet(void **state)
{
	json_t *s = run("2m", "ip-hash", 4, 40, "xhr-polling", "subnet24", "");
	assert_near(tu_num(s, "balancer.imbalance.max_over_mean"), 4, 1e-12);
	assert_true(tu_num(s, "balancer.send_404_rate") == 0);
	json_decref(s);
}

/* Churn: every client leaves after a minute and a new one arrives with a
 * new address and no cookie: sticky sessions still never fail, and every
 * arrival opens once. */
static void test_churn(void **state)
{
	json_t *s = tu_run_ok("{\"name\":\"t\",\"duration\":\"10m\",\"balancer\":{\"policy\":\"sticky-cookie\",\"servers\":3},"
			      "\"clients\":{\"count\":20,\"lifetime\":60,\"message_interval\":5}}", NULL);
	/* 20 at the start, then 20 more at 60, 120, ..., 600 s (the run
	 * includes events at its end) */
	assert_true(tu_num(s, "balancer.opens") == 220);
	assert_true(tu_num(s, "balancer.connect_success_per_open") == 1);
	assert_true(tu_num(s, "balancer.send_404_rate") == 0);
	/* a departure leaves its session to expire: a ghost for 5 s */
	assert_true(tu_num(s, "balancer.ghost_sessions_peak") >= 1);
	json_decref(s);
}

/* Half the clients behind one NAT address under ip_hash: those 50 share a
 * server; the other 50 spread. */
static void test_shared_address(void **state)
{
	json_t *s = tu_run_ok("{\"name\":\"t\",\"duration\":\"2m\",\"balancer\":{\"policy\":\"ip-hash\",\"servers\":4},"
			      "\"clients\":{\"count\":100,\"addresses\":{\"shared_fraction\":0.5}}}", NULL);
	double mx = 0;
	for (int k = 1; k <= 4; k++) {
		char key[64];
		snprintf(key, sizeof key, "balancer.sessions_per_server.s%d", k);
		double v = tu_num(s, key);
		if (v > mx)
			mx = v;
	}
	assert_true(mx >= 50);
	json_decref(s);
}

/* An ELB TCP listener: TLS on the instances costs each of them a
 * handshake per connection: 10 websockets and 10 /info requests each (the
 * rotation alternates them over the 30 clients' 60 connections), 5 ms
 * apiece. */
static void test_tls_cost(void **state)
{
	json_t *s = tu_run_ok("{\"name\":\"t\",\"duration\":\"2m\",\"balancer\":{\"policy\":\"elb-tcp\",\"servers\":3,"
			      "\"tls_handshake_cpu\":0.005},\"clients\":{\"count\":30,\"transport\":\"websocket\"}}", NULL);
	for (int k = 1; k <= 3; k++) {
		char key[64];
		snprintf(key, sizeof key, "balancer.tls_cpu_seconds.s%d", k);
		assert_near(tu_num(s, key), 0.1, 1e-9);
	}
	json_decref(s);
}

static void test_deterministic(void **state)
{
	char *d1, *d2;
	char text[4096];
	snprintf(text, sizeof text, BASE, "3m", "random", 3, 20, "xhr-polling", "distinct", "");
	json_t *a = tu_run_ok(text, &d1), *b = tu_run_ok(text, &d2);
	char p1[600], p2[600];
	snprintf(p1, sizeof p1, "%s/summary.json", d1);
	snprintf(p2, sizeof p2, "%s/summary.json", d2);
	char *t1 = tu_read_file(p1), *t2 = tu_read_file(p2);
	assert_string_equal(t1, t2);
	snprintf(p1, sizeof p1, "%s/timeseries.csv", d1);
	snprintf(p2, sizeof p2, "%s/timeseries.csv", d2);
	free(t1);
	free(t2);
	t1 = tu_read_file(p1);
	t2 = tu_read_file(p2);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	tu_rm_rf(d1);
	tu_rm_rf(d2);
	free(d1);
	free(d2);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_polling_never_connects),
		cmocka_unit_test(test_round_robin_interleaving),
		cmocka_unit_test(test_sticky_keeps_sessions),
		cmocka_unit_test(test_websocket_failure),
		cmocka_unit_test(test_consistent_hash_recovery),
		cmocka_unit_test(test_ip_hash_one_subnet),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_shared_address),
		cmocka_unit_test(test_tls_cost),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests_name("sessions", tests, NULL, NULL);
}
