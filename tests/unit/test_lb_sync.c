/* tests/unit/test_lb_sync — the load balancers' configurations
 * (live/lb_nginx.c, live/lb_haproxy.c) for a view built by hand, compared
 * with the text each should be, line by line as written out below; and
 * the experiment's live.load_balancers read with its errors (one line
 * naming the key, exit code 2). */
#include "testutil.h"

#include "live/lb_sync.h"

/* one app, /shop/web, service port 10000, two tasks; one app without tasks */
static void make_view(struct cs_lb_view *v)
{
	v->n = 2;
	v->s = calloc(2, sizeof *v->s);
	snprintf(v->s[0].app, sizeof v->s[0].app, "shop/web");
	snprintf(v->s[0].name, sizeof v->s[0].name, "lb0_shop_web_10000");
	v->s[0].service_port = 10000;
	cs_lb_service_add(&v->s[0], "shop_web.a1", "127.0.0.2", 31001);
	cs_lb_service_add(&v->s[0], "shop_web.b2", "127.0.0.3", 31002);
	snprintf(v->s[1].app, sizeof v->s[1].app, "idle");
	snprintf(v->s[1].name, sizeof v->s[1].name, "lb0_idle_10001");
	v->s[1].service_port = 10001;
}

/* The configuration kind writes for the view, with options from JSON. */
static char *render(const struct cs_lb_kind *kind, const char *opts_json, const char *bind)
{
	json_t *o = json_loads(opts_json, 0, NULL);
	assert_non_null(o);
	struct cs_error err = {0};
	struct cs_cfg cfg = {"x.json", NULL, &err};
	void *opts = NULL;
	assert_int_equal(kind->parse(&cfg, o, "lb", &opts), 0);
	struct cs_lb_view v = {0};
	make_view(&v);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	kind->render(f, opts, bind, &v);
	fclose(f);
	kind->free_opts(opts);
	cs_lb_view_release(&v);
	json_decref(o);
	return text;
}

static void test_nginx_websocket(void **state)
{
	(void)state;
	char *t = render(&cs_lb_nginx, "{\"setup\": \"websocket\"}", "127.0.0.1");
	assert_string_equal(t, "\n# app /shop/web, service port 10000: 2 tasks\n"
			       "upstream lb0_shop_web_10000 {\n"
			       "    server 127.0.0.2:31001 max_fails=1 fail_timeout=1s; # shop_web.a1\n"
			       "    server 127.0.0.3:31002 max_fails=1 fail_timeout=1s; # shop_web.b2\n"
			       "}\n"
			       "server {\n    listen 127.0.0.1:10000;\n"
			       "    location / {\n        proxy_pass http://lb0_shop_web_10000;\n"
			       "        proxy_http_version 1.1;\n"
			       "        proxy_set_header Upgrade $http_upgrade;\n"
			       "        proxy_set_header Connection \"upgrade\";\n    }\n}\n"
			       "\n# app /idle, service port 10001: 0 tasks\n"
			       "server {\n    listen 127.0.0.1:10001;\n    location / {\n        return 503;\n    }\n}\n");
	free(t);
}

static void test_nginx_sticky(void **state)
{
	(void)state;
	/* the seed's own directive, for an nginx with the sticky module */
	char *t = render(&cs_lb_nginx, "{\"setup\": \"longpoll-sticky\", \"sticky\": \"module\", \"server_options\": \"\"}",
			 "*");
	assert_non_null(strstr(t, "upstream lb0_shop_web_10000 {\n    sticky;\n    server 127.0.0.2:31001; # shop_web.a1\n"));
	assert_non_null(strstr(t, "server {\n    listen 10000;\n    location / {\n        proxy_pass http://lb0_shop_web_10000;\n"));
	free(t);
	/* stock nginx: one upstream per task, a cookie naming the task */
	t = render(&cs_lb_nginx, "{\"setup\": \"longpoll-sticky\"}", "127.0.0.5");
	assert_null(strstr(t, "sticky;"));
	assert_non_null(strstr(t, "upstream lb0_shop_web_10000_t1 {\n    server 127.0.0.3:31002 max_fails=1 fail_timeout=1s; # shop_web.b2\n}\n"));
	assert_non_null(strstr(t, "map $cookie_lb0_shop_web_10000 $lb0_shop_web_10000_pick {\n    default lb0_shop_web_10000;\n"
				  "    \"shop_web.a1\" lb0_shop_web_10000_t0;\n    \"shop_web.b2\" lb0_shop_web_10000_t1;\n}\n"));
	assert_non_null(strstr(t, "map $upstream_addr $lb0_shop_web_10000_route {\n    default \"\";\n"
				  "    \"~(^|, )127.0.0.2:31001$\" \"shop_web.a1\";\n"));
	assert_non_null(strstr(t, "        proxy_pass http://$lb0_shop_web_10000_pick;\n"
				  "        add_header Set-Cookie \"lb0_shop_web_10000=$lb0_shop_web_10000_route; Path=/\" always;\n"
				  "        error_page 502 504 = @lb0_shop_web_10000_any;\n"));
	free(t);
}

static void test_haproxy(void **state)
{
	(void)state;
	char *t = render(&cs_lb_haproxy, "{\"sticky\": true}", "127.0.0.6");
	assert_string_equal(t, "\n# app /shop/web, service port 10000: 2 tasks\n"
			       "frontend lb0_shop_web_10000\n    mode http\n    bind 127.0.0.6:10000\n"
			       "    default_backend lb0_shop_web_10000\n"
			       "backend lb0_shop_web_10000\n    mode http\n    balance roundrobin\n"
			       "    option redispatch 1\n    retries 3\n"
			       "    default-server check observe layer4 error-limit 1 on-error mark-down\n"
			       "    retry-on conn-failure empty-response response-timeout\n"
			       "    cookie lb0_shop_web_10000 insert indirect nocache\n"
			       "    server shop_web.a1 127.0.0.2:31001 cookie shop_web.a1\n"
			       "    server shop_web.b2 127.0.0.3:31002 cookie shop_web.b2\n"
			       "\n# app /idle, service port 10001: 0 tasks\n"
			       "frontend lb0_idle_10001\n    mode http\n    bind 127.0.0.6:10001\n"
			       "    default_backend lb0_idle_10001\n"
			       "backend lb0_idle_10001\n    mode http\n    balance roundrobin\n"
			       "    option redispatch 1\n    retries 3\n"
			       "    default-server check observe layer4 error-limit 1 on-error mark-down\n"
			       "    retry-on conn-failure empty-response response-timeout\n"
			       "    cookie lb0_idle_10001 insert indirect nocache\n");
	free(t);
	/* tcp mode: no HTTP retries or cookies, no checks when asked */
	t = render(&cs_lb_haproxy, "{\"mode\": \"tcp\", \"balance\": \"leastconn\", \"health_check\": false}", "*");
	assert_non_null(strstr(t, "frontend lb0_shop_web_10000\n    mode tcp\n    bind :10000\n"));
	assert_non_null(strstr(t, "    balance leastconn\n    option redispatch 1\n    retries 3\n"
				  "    server shop_web.a1 127.0.0.2:31001\n"));
	assert_null(strstr(t, "retry-on"));
	assert_null(strstr(t, "check"));
	free(t);
}

/* live.load_balancers as given: 0, or -1 with the message */
static int parse(const char *live_json, char *msg, size_t n)
{
	char text[4096];
	snprintf(text, sizeof text, "{\"live\": {\"load_balancers\": %s}}", live_json);
	json_t *exp = json_loads(text, 0, NULL);
	assert_non_null(exp);
	struct cs_error err = {0};
	struct cs_cfg cfg = {"x.json", NULL, &err};
	struct cs_lb_sync *s = NULL;
	int rc = cs_lb_sync_parse(&cfg, exp, &s);
	snprintf(msg, n, "%s", err.msg);
	if (rc < 0) {
		assert_null(s);
		assert_int_equal(err.code, CS_EXIT_INPUT);
	}
	cs_lb_sync_free(s);
	json_decref(exp);
	return rc;
}

static void test_parse(void **state)
{
	(void)state;
	char m[1100];
	assert_int_equal(parse("[{\"kind\": \"nginx\", \"config\": \"/tmp/a.conf\", \"pid_file\": \"/run/nginx.pid\"},"
			       " {\"kind\": \"haproxy\", \"config\": \"/tmp/b.cfg\", \"pid_file\": \"/run/h.pid\", \"sticky\": true}]",
			       m, sizeof m),
			 0);
	static const struct {
		const char *json, *want;
	} bad[] = {
		{"{}", "live.load_balancers: expected a list"},
		{"[{\"kind\": \"envoy\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\"}]", "live.load_balancers[0].kind"},
		{"[{\"kind\": \"nginx\", \"pid_file\": \"/tmp/p\"}]", "live.load_balancers[0].config"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"setup\": \"sticky\"}]",
		 "live.load_balancers[0].setup"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"sticky\": true}]",
		 "live.load_balancers[0].sticky"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"server_options\": \"x; }\"}]",
		 "live.load_balancers[0].server_options"},
		{"[{\"kind\": \"haproxy\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"mode\": \"tcp\", \"sticky\": true}]",
		 "live.load_balancers[0].sticky"},
		{"[{\"kind\": \"haproxy\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"setup\": \"websocket\"}]",
		 "live.load_balancers[0].setup: unknown key"},
		{"[{\"kind\": \"nginx\", \"config\": \"/no/such/dir/a.conf\", \"pid_file\": \"/tmp/p\"}]",
		 "live.load_balancers[0].config: cannot write in its directory"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"bind\": \"0.0.0.0; x\"}]",
		 "live.load_balancers[0].bind"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"name\": \"a-b\"}]",
		 "live.load_balancers[0].name"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"min_interval\": -1}]",
		 "live.load_balancers[0].min_interval"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"check\": [\"nginx\", 1]}]",
		 "live.load_balancers[0].check[1]"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"apps\": []}]",
		 "live.load_balancers[0].apps"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\"},"
		 " {\"kind\": \"haproxy\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/q\", \"name\": \"h\"}]",
		 "live.load_balancers[1]: config: the same file"},
		{"[{\"kind\": \"nginx\", \"config\": \"/tmp/a\", \"pid_file\": \"/tmp/p\", \"name\": \"x\"},"
		 " {\"kind\": \"nginx\", \"config\": \"/tmp/b\", \"pid_file\": \"/tmp/p\", \"name\": \"x\"}]",
		 "live.load_balancers[1]: name: the same"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(parse(bad[i].json, m, sizeof m), -1);
		if (!strstr(m, bad[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, m, bad[i].want);
		assert_null(strchr(m, '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nginx_websocket),
		cmocka_unit_test(test_nginx_sticky),
		cmocka_unit_test(test_haproxy),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
