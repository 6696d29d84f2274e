/* tests/unit/test_live_http — the HTTP server and client on the
 * engine's real-time clock (live/http_server.c, live/http_client.c), on
 * 127.0.0.1 with a port the kernel chose: a request answered at once
 * (method, path, query, header, body echoed), a held one answered later
 * from an event (a long poll), a body over the limit answered 413, many
 * requests at once, a connection refused reported as status 0, and the
 * blocking fetch; the listen-address parser. */
#include "testutil.h"

#include <jansson.h>

#include "live/clock.h"
#include "live/http_client.h"
#include "live/http_server.h"
#include "sim/engine.h"

struct fixture {
	struct cs_engine e;
	struct cs_live_clock *clock;
	struct cs_http_server *srv;
	struct cs_http_client *cli;
	char base[64];
	struct cs_http_exchange *held;
	int done, want;
	long status[64];
	char *body[64];
	int gone;
};

static void reply_held(void *ctx, cs_time now)
{
	struct fixture *f = ctx;
	cs_http_reply(f->held, 200, "{\"late\":true}\n", NULL);
	f->held = NULL;
}

static void handler(void *ctx, struct cs_http_exchange *x)
{
	struct fixture *f = ctx;
	if (strcmp(x->path, "/hold") == 0) {
		f->held = x;
		cs_engine_after(&f->e, 50000, reply_held, f);
		return;
	}
	const char *q = cs_http_query(x, "force"), *auth = cs_http_header(x, "authorization");
	json_t *v = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "method", x->method, "path", x->path, "body", x->body,
			      "force", q, "auth", auth);
	cs_http_reply_json(x, strcmp(x->path, "/missing") == 0 ? 404 : 200, v);
}

static void gone(void *ctx, struct cs_http_exchange *x)
{
	((struct fixture *)ctx)->gone++;
}

static void done(void *ctx, long status, const char *body, size_t len, const char *error)
{
	struct fixture *f = ctx;
	f->status[f->done] = status;
	f->body[f->done] = strdup(status ? body : error);
	if (++f->done == f->want)
		cs_engine_stop(&f->e);
}

static void open_fixture(struct fixture *f, size_t body_limit)
{
	memset(f, 0, sizeof *f);
	cs_engine_init(&f->e);
	f->clock = cs_live_clock_new(&f->e, 1);
	assert_non_null(f->clock);
	struct cs_http_server_opts o = {"127.0.0.1:0", body_limit, 0, 0, handler, gone, f};
	char err[256];
	f->srv = cs_http_server_start(f->clock, &f->e, &o, err, sizeof err);
	if (!f->srv)
		print_error("%s\n", err);
	assert_non_null(f->srv);
	assert_true(cs_http_server_port(f->srv) > 0);
	snprintf(f->base, sizeof f->base, "http://127.0.0.1:%u", cs_http_server_port(f->srv));
	f->cli = cs_http_client_new(f->clock, &f->e);
	assert_non_null(f->cli);
}

static void close_fixture(struct fixture *f)
{
	cs_http_client_free(f->cli);
	cs_http_server_stop(f->srv);
	cs_live_clock_free(f->clock);
	cs_engine_release(&f->e);
	for (int i = 0; i < f->done; i++)
		free(f->body[i]);
}

static void run_until_done(struct fixture *f, int want)
{
	f->want = want;
	cs_engine_run(&f->e, cs_engine_now(&f->e) + 20 * 1000000); /* a bound, never reached */
	assert_int_equal(f->done, want);
}

static void test_request_and_reply(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f, 0);
	char url[128];
	snprintf(url, sizeof url, "%s/v2/apps?force=true", f.base);
	assert_int_equal(cs_http_client_request(f.cli, "PUT", url, "{\"instances\": 5}", "s3cret", 5000, done, &f), 0);
	run_until_done(&f, 1);
	assert_int_equal(f.status[0], 200);
	json_t *v = json_loads(f.body[0], 0, NULL);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "method")), "PUT");
	assert_string_equal(json_string_value(json_object_get(v, "path")), "/v2/apps");
	assert_string_equal(json_string_value(json_object_get(v, "body")), "{\"instances\": 5}");
	assert_string_equal(json_string_value(json_object_get(v, "force")), "true");
	assert_string_equal(json_string_value(json_object_get(v, "auth")), "Bearer s3cret");
	json_decref(v);
	close_fixture(&f);
}

static void test_held_reply_and_limit(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f, 100);
	char url[128], big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	snprintf(url, sizeof url, "%s/hold", f.base);
	assert_int_equal(cs_http_client_request(f.cli, "POST", url, "{}", NULL, 5000, done, &f), 0);
	snprintf(url, sizeof url, "%s/v2/apps", f.base);
	assert_int_equal(cs_http_client_request(f.cli, "POST", url, big, NULL, 5000, done, &f), 0);
	run_until_done(&f, 2);
	/* the 413 comes first: the held one waits 50 ms */
	assert_int_equal(f.status[0], 413);
	assert_non_null(strstr(f.body[0], "larger than 100 bytes"));
	if (f.status[1] != 200)
		print_message("held: %ld %s\n", f.status[1], f.body[1]);
	assert_int_equal(f.status[1], 200);
	assert_string_equal(f.body[1], "{\"late\":true}\n");
	close_fixture(&f);
}

static void test_many_at_once(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f, 0);
	char url[128];
	snprintf(url, sizeof url, "%s/missing", f.base);
	for (int i = 0; i < 64; i++)
		assert_int_equal(cs_http_client_request(f.cli, "GET", url, NULL, NULL, 10000, done, &f), 0);
	run_until_done(&f, 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(f.status[i], 404);
	assert_int_equal(cs_http_client_active(f.cli), 0);
	close_fixture(&f);
}

static void test_held_exchange_at_stop(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f, 0);
	char url[128];
	snprintf(url, sizeof url, "%s/hold", f.base);
	assert_int_equal(cs_http_client_request(f.cli, "GET", url, NULL, NULL, 5000, done, &f), 0);
	/* run until the server holds it, then stop the server under it */
	for (int i = 0; i < 200 && !f.held; i++)
		cs_engine_run(&f.e, cs_engine_now(&f.e) + 10000);
	assert_non_null(f.held);
	f.held = NULL;
	cs_http_server_stop(f.srv);
	f.srv = NULL;
	assert_int_equal(f.gone, 1);
	run_until_done(&f, 1);
	assert_true(f.status[0] == 503 || f.status[0] == 0);
	cs_http_client_free(f.cli);
	f.cli = NULL;
	close_fixture(&f);
}

static void test_refused_and_fetch(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f, 0);
	/* a port that was just free: nobody listens there */
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:1/x");
	assert_int_equal(cs_http_client_request(f.cli, "GET", url, NULL, NULL, 2000, done, &f), 0);
	run_until_done(&f, 1);
	assert_int_equal(f.status[0], 0);
	assert_true(strlen(f.body[0]) > 0);
	close_fixture(&f);
	long status = 0;
	char *resp = NULL, err[256];
	assert_int_equal(cs_http_fetch("GET", "http://127.0.0.1:1/", NULL, NULL, 2000, &status, &resp, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "127.0.0.1:1"));
}

static void test_parse_listen(void **state)
{
	(void)state;
	char host[64];
	unsigned port;
	assert_int_equal(cs_http_parse_listen("127.0.0.2:5051", host, sizeof host, &port), 0);
	assert_string_equal(host, "127.0.0.2");
	assert_int_equal(port, 5051);
	assert_int_equal(cs_http_parse_listen("localhost:8080", host, sizeof host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(cs_http_parse_listen(":8080", host, sizeof host, &port), 0);
	assert_string_equal(host, "0.0.0.0");
	assert_false(cs_http_is_loopback(host));
	assert_true(cs_http_is_loopback("127.9.9.9"));
	const char *bad[] = {"8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "host:80", "1.2.3:80",
			     "127.0.0.1:80x", "127.0.0.1:+80"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(cs_http_parse_listen(bad[i], host, sizeof host, &port), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_and_reply), cmocka_unit_test(test_held_reply_and_limit),
		cmocka_unit_test(test_many_at_once),      cmocka_unit_test(test_held_exchange_at_stop),
		cmocka_unit_test(test_refused_and_fetch), cmocka_unit_test(test_parse_listen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
