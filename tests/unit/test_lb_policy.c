/* Load-balancer routing on hand-checked cases: nginx's smooth weighted
 * rotation, ip_hash of the first three octets (worked out below), ketama
 * ring positions (the expected values come from an independent Python
 * build of the same ring with zlib.crc32), sticky fallback, least_conn
 * ties, and max_fails / fail_timeout. */
#include "testutil.h"

#include "balancer/lb_policy.h"

static struct cs_lb_server servers3[3];

static void setup3(struct cs_lb *lb, enum cs_lb_kind kind, enum cs_lb_hash_key key, const int *weights)
{
	for (int i = 0; i < 3; i++) {
		memset(&servers3[i], 0, sizeof servers3[i]);
		snprintf(servers3[i].name, sizeof servers3[i].name, "127.0.0.1:%d", 3000 + i);
		servers3[i].weight = weights ? weights[i] : 1;
	}
	cs_lb_init(lb, kind, key, servers3, 3, 1, 10000000, 7);
}

static void test_smooth_round_robin(void **state)
{
	/* nginx's documented example: weights 5, 1, 1 give a a b a c a a */
	static const int w[] = {5, 1, 1};
	struct cs_lb lb;
	setup3(&lb, CS_LB_ROUND_ROBIN, 0, w);
	struct cs_lb_request r = {0, -1, 0};
	int32_t want[] = {0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		assert_int_equal(cs_lb_pick(&lb, &r, 0), want[i]);
	/* one rotation shared by all requests; a down server drops out */
	servers3[0].down = true;
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 1);
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 2);
	cs_lb_release(&lb);
}

static void test_ip_hash(void **state)
{
	/* 10.0.0.x: h = 89 -> (89*113+10)%6271 = 3796 -> (3796*113+0)%6271 =
	 * 2520 -> (2520*113+0)%6271 = 2565; 2565 % 3 = 0 */
	assert_int_equal(cs_lb_ip_hash_step(89, 0x0a000007), 2565);
	/* 192.168.1.x: 3978 -> 4441 -> 154; 154 % 3 = 1; the retry from 154:
	 * 5052 -> 383 -> 5654; 5654 % 3 = 2 */
	assert_int_equal(cs_lb_ip_hash_step(89, 0xc0a80114), 154);
	assert_int_equal(cs_lb_ip_hash_step(154, 0xc0a80114), 5654);
	struct cs_lb lb;
	setup3(&lb, CS_LB_IP_HASH, 0, NULL);
	struct cs_lb_request a = {0x0a000007, -1, 0}, a2 = {0x0a0000fe, -1, 0}, b = {0xc0a80114, -1, 0};
	assert_int_equal(cs_lb_pick(&lb, &a, 0), 0);
	assert_int_equal(cs_lb_pick(&lb, &a2, 0), 0); /* the last octet does not count */
	assert_int_equal(cs_lb_pick(&lb, &b, 0), 1);
	servers3[1].down = true;
	assert_int_equal(cs_lb_pick(&lb, &b, 0), 2);
	cs_lb_release(&lb);
}

static void test_ketama(void **state)
{
	struct cs_lb lb;
	setup3(&lb, CS_LB_HASH_CONSISTENT, CS_LB_KEY_CLIENT_ADDRESS, NULL);
	assert_int_equal(lb.npoints, 480);
	/* the lowest points of the ring and the highest */
	assert_int_equal(lb.points[0].hash, 19045257u);
	assert_int_equal(lb.points[0].server, 2);
	assert_int_equal(lb.points[2].hash, 26452867u);
	assert_int_equal(lb.points[2].server, 1);
	assert_int_equal(lb.points[479].hash, 4293622212u);
	assert_int_equal(cs_lb_crc32("10.0.0.7", 8), 3483198630u);
	struct cs_lb_request a = {0x0a000007, -1, 0}, b = {0xc0a80114, -1, 0};
	assert_int_equal(cs_lb_pick(&lb, &a, 0), 2);
	assert_int_equal(cs_lb_pick(&lb, &b, 0), 2);
	servers3[2].down = true; /* the next point on the ring */
	assert_int_equal(cs_lb_pick(&lb, &a, 0), 0);
	cs_lb_release(&lb);
	setup3(&lb, CS_LB_HASH_CONSISTENT, CS_LB_KEY_SOCKJS_SERVER_ID, NULL);
	struct cs_lb_request s42 = {0, -1, 42}, s999 = {0, -1, 999};
	assert_int_equal(cs_lb_pick(&lb, &s42, 0), 1);  /* key "042" */
	assert_int_equal(cs_lb_pick(&lb, &s999, 0), 2); /* key "999" */
	cs_lb_release(&lb);
}

static void test_sticky_and_failures(void **state)
{
	struct cs_lb lb;
	setup3(&lb, CS_LB_STICKY_COOKIE, 0, NULL);
	struct cs_lb_request r = {0, 2, 0};
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 2);
	/* its server fails once (max_fails 1): round-robin for fail_timeout */
	cs_lb_outcome(&lb, 2, false, 1000000);
	assert_false(cs_lb_usable(&lb, 2, 5000000));
	assert_int_equal(cs_lb_pick(&lb, &r, 5000000), 0);
	assert_int_equal(cs_lb_pick(&lb, &r, 5000000), 1);
	assert_true(cs_lb_usable(&lb, 2, 11000000)); /* 10 s after the failure */
	assert_int_equal(cs_lb_pick(&lb, &r, 11000000), 2);
	cs_lb_release(&lb);
}

static void test_least_conn(void **state)
{
	struct cs_lb lb;
	setup3(&lb, CS_LB_LEAST_CONN, 0, NULL);
	struct cs_lb_request r = {0, -1, 0};
	servers3[0].conns = 2;
	servers3[1].conns = 1;
	servers3[2].conns = 1;
	/* 1 and 2 tie: the rotation among them */
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 1);
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 2);
	servers3[2].conns = 0;
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 2);
	cs_lb_release(&lb);
}

/* kube-proxy's modes over the endpoints (servers not down). */
static void test_kube_proxy(void **state)
{
	struct cs_lb lb;
	struct cs_lb_request r = {0x0a000001, -1, 0};
	/* IPVS rr: the next endpoint after the last; a down one is skipped */
	setup3(&lb, CS_LB_KUBE_IPVS_RR, 0, NULL);
	int32_t want[] = {0, 1, 2, 0, 1};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(cs_lb_pick(&lb, &r, 0), want[i]);
	servers3[2].down = true; /* last was 1: the next is 2, down: 0 */
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 0);
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 1);
	cs_lb_release(&lb);
	/* IPVS lc: fewest active connections, ties to the first listed */
	setup3(&lb, CS_LB_KUBE_IPVS_LC, 0, NULL);
	servers3[0].conns = 3, servers3[1].conns = 1, servers3[2].conns = 1;
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 1);
	servers3[1].down = true;
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 2);
	cs_lb_release(&lb);
	/* IPVS sh: 10.0.0.1 x 2654435761 mod 2^32 >> 24 = 136 (Python's
	 * ((0x0a000001 * 2654435761) % 2**32) >> 24); 136 mod 3 endpoints =
	 * 1; with server 1 down the table is rebuilt over 0 and 2: 136 mod 2
	 * = 0, server 0 */
	assert_int_equal(cs_ipvs_sh_bucket(0x0a000001), 136);
	setup3(&lb, CS_LB_KUBE_IPVS_SH, 0, NULL);
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 1);
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 1);
	servers3[1].down = true;
	assert_int_equal(cs_lb_pick(&lb, &r, 0), 0);
	cs_lb_release(&lb);
	/* iptables: uniform over the endpoints, never a down one: 30,000
	 * draws over 2 endpoints, each within 3% of 15,000 */
	setup3(&lb, CS_LB_KUBE_IPTABLES, 0, NULL);
	servers3[1].down = true;
	int count[3] = {0};
	for (int i = 0; i < 30000; i++)
		count[cs_lb_pick(&lb, &r, 0)]++;
	assert_int_equal(count[1], 0);
	assert_true(abs(count[0] - 15000) < 450 && abs(count[2] - 15000) < 450);
	servers3[0].down = servers3[2].down = true;
	assert_int_equal(cs_lb_pick(&lb, &r, 0), -1);
	cs_lb_release(&lb);
}

/* sessionAffinity ClientIP: a client stays on its endpoint while it
 * comes back within the timeout (each use renews it) and the endpoint is
 * up; then the mode picks again. */
static void test_client_ip_affinity(void **state)
{
	struct cs_lb lb;
	struct cs_lb_request a = {0x0a000001, -1, 0}, b = {0x0a000002, -1, 0};
	setup3(&lb, CS_LB_KUBE_IPVS_RR, 0, NULL);
	cs_lb_set_affinity(&lb, 100);
	assert_int_equal(cs_lb_pick(&lb, &a, 0), 0);
	assert_int_equal(cs_lb_pick(&lb, &b, 0), 1);
	assert_int_equal(cs_lb_pick(&lb, &a, 50), 0);  /* kept, renewed at 50 */
	assert_int_equal(cs_lb_pick(&lb, &a, 150), 0); /* 100 after 50: kept */
	assert_int_equal(cs_lb_pick(&lb, &a, 251), 2); /* expired: rr goes on */
	servers3[2].down = true;
	assert_int_equal(cs_lb_pick(&lb, &a, 252), 0); /* its endpoint is gone */
	assert_int_equal(cs_lb_pick(&lb, &b, 252), 1);
	/* many clients: the table grows and keeps them all */
	for (uint32_t c = 0; c < 5000; c++) {
		struct cs_lb_request r = {0x0b000000 + c, -1, 0};
		cs_lb_pick(&lb, &r, 300);
	}
	assert_int_equal(cs_lb_pick(&lb, &a, 300), 0);
	cs_lb_release(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smooth_round_robin),
		cmocka_unit_test(test_ip_hash),
		cmocka_unit_test(test_ketama),
		cmocka_unit_test(test_sticky_and_failures),
		cmocka_unit_test(test_least_conn),
		cmocka_unit_test(test_kube_proxy),
		cmocka_unit_test(test_client_ip_affinity),
	};
	return cmocka_run_group_tests_name("lb_policy", tests, NULL, NULL);
}
