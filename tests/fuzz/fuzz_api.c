/* libFuzzer target: the live controller's API (live/api*.c, live/agents.c)
 * on a world of 4 machine slots, with exchanges made without a server
 * (live/http_server.h).  An input is a flags byte (bit 0: send the
 * token), a request line "METHOD PATH[?QUERY]\n" and the body.  Every
 * request is answered (or held: an agent's long poll) with one of the
 * statuses the API documents, never 500, and a JSON answer parses; after
 * each request the engine runs for a simulated second (schedulers place,
 * launches are queued, agent timeouts fire).  The world is rebuilt every
 * 300 inputs.  No sockets, no processes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "live/agents.h"
#include "live/api.h"
#include "live/http_server.h"
#include "sim/world.h"

static const char experiment[] =
	"{\"name\": \"fuzz\", \"seed\": 1, \"duration\": \"30d\","
	" \"cell\": {\"machines\": [{\"name\": \"a\", \"count\": 4, \"cpu\": 2, \"mem\": \"2GiB\"}]},"
	" \"scheduler\": {\"type\": \"monolithic\"}, \"live\": {\"apps\": 40},"
	" \"output\": {\"sample_interval\": 3600}}";

static struct cs_world w;
static struct cs_live_agents *agents;
static struct cs_live_api *api;
static json_t *exp;
static int uses;

static void teardown(void)
{
	if (!api)
		return;
	cs_world_release(&w);
	cs_live_agents_free(agents);
	cs_live_api_free(api);
	json_decref(exp);
	api = NULL;
}

static void setup(void)
{
	exp = json_loads(experiment, 0, NULL);
	struct cs_error err = {0};
	struct cs_cfg cfg = {"fuzz.json", NULL, &err};
	if (cs_world_init(&w, exp, &cfg, NULL, NULL) < 0) {
		fprintf(stderr, "fuzz_api: %s\n", err.msg);
		abort();
	}
	w.host.losses_noticed = true;
	api = cs_live_api_new(&w, "t0ken", "127.0.0.1:8080");
	agents = cs_live_agents_new(&w, 2 * CS_SEC, cs_live_api_launch, api);
	cs_live_api_set_agents(api, agents);
	cs_live_agents_attach(agents);
	uses = 0;
}

static bool documented(int s)
{
	return s == 200 || s == 201 || s == 400 || s == 401 || s == 404 || s == 405 || s == 409 || s == 413;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (!api || ++uses > 300) {
		teardown();
		setup();
		atexit(teardown);
	}
	char *in = malloc(size);
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	char *nl = strchr(in, '\n');
	char *body = nl ? nl + 1 : in + strlen(in);
	if (nl)
		*nl = '\0';
	char *sp = strchr(in, ' ');
	char method[16] = "GET", path[512] = "/";
	if (sp) {
		*sp = '\0';
		snprintf(method, sizeof method, "%s", in);
		snprintf(path, sizeof path, "%s", sp + 1);
	} else {
		snprintf(path, sizeof path, "%s", in);
	}
	char *q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	const char *auth[] = {"Authorization: Bearer t0ken", NULL};
	struct cs_http_exchange x;
	memset(&x, 0, sizeof x);
	x.method = method;
	x.path = path;
	x.body = body;
	x.body_len = strlen(body);
	x.fake_headers = (data[0] & 1) ? auth : NULL;
	x.fake_query = q;
	cs_live_api_handle(api, &x);
	if (!x.replied) {
		cs_live_api_gone(api, &x); /* a held sync: its client goes away */
	} else {
		if (!documented(x.status)) {
			fprintf(stderr, "fuzz_api: %s %s: status %d: %s\n", method, path, x.status, x.reply);
			abort();
		}
		if (!x.reply_type && x.reply) {
			json_t *v = json_loads(x.reply, 0, NULL);
			if (!v) {
				fprintf(stderr, "fuzz_api: %s %s: not JSON: %s\n", method, path, x.reply);
				abort();
			}
			json_decref(v);
		}
	}
	cs_http_fake_release(&x);
	cs_engine_run(&w.engine, cs_engine_now(&w.engine) + CS_SEC);
	free(in);
	return 0;
}
