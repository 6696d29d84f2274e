/* live/controller — `clustersim live`: the simulator's world on the
 * real-time clock, its cell's machines the agents', its apps the API's.
 *
 * The experiment (optional: without one, a cell of 16 agent slots under
 * the monolithic scheduler with no modelled decision time: a live
 * controller's decisions take the time they take) is run as `clustersim run` runs it, through
 * sim/run's live hooks: once the world is built, attach() installs the
 * real-time clock (live/clock.h; "--time-scale" for replaying the
 * experiment's workloads faster), the agents as the cell's backend
 * (live/agents.h) and the API (live/api.h) on --listen; SIGINT or SIGTERM
 * ends the run, and its results (summary.json, timeseries.csv, jobs.csv,
 * with the simulator's definitions) go to -o DIR (default STATE/results,
 * replaced at every stop).  Defaults the experiment may leave out:
 * "live": {"apps": 100}, "duration": "365d" (the longest the controller
 * runs), output.sample_interval 10 s.
 *
 * The controller listens on 127.0.0.1 by default; an address outside
 * 127.0.0.0/8 needs --token-file (it runs commands on the agents' hosts
 * for whoever can reach it).  It writes its URL to STATE/url once it
 * listens (for scripts and tests that pass port 0). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "live/agents.h"
#include "live/api.h"
#include "live/auth.h"
#include "live/clock.h"
#include "live/http_server.h"
#include "live/lb_sync.h"
#include "live/state_db.h"
#include "sim/cli.h"
#include "sim/error.h"
#include "sim/experiment.h"
#include "sim/interrupt.h"
#include "sim/replicate.h"
#include "sim/run.h"
#include "sim/units.h"
#include "sim/world.h"

static const char usage[] =
	"usage: clustersim live [EXPERIMENT.json] --state DIR [--listen HOST:PORT] [-o RESULTS]\n"
	"                       [--token-file FILE] [--agent-timeout DURATION] [--time-scale X] [--body-limit BYTES]\n"
	"\n"
	"Run the experiment's scheduler and controllers on the agents' hosts (clustersim agent),\n"
	"with a Marathon-compatible API on --listen (default 127.0.0.1:8080).  SIGINT or SIGTERM\n"
	"stops it and writes its results.\n"
	"\n"
	"  --state DIR          the controller's directory (its URL in DIR/url; results in\n"
	"                       DIR/results unless -o)\n"
	"  -o RESULTS           results directory, replaced at every stop\n"
	"  --token-file FILE    the shared secret of the API and the agents; required off 127.0.0.0/8\n"
	"  --agent-timeout D    an agent silent for this long is lost (default 15s)\n"
	"  --time-scale X       the experiment's time runs X times faster than real time (default 1)\n"
	"  --body-limit BYTES   the largest request body (default 1048576; larger: 413)\n"
	"\n"
	"See docs/live.md.\n";

static const char default_experiment[] =
	"{\"name\": \"live\", \"seed\": 1,"
	" \"cell\": {\"machines\": [{\"name\": \"agent\", \"count\": 16, \"cpu\": 1, \"mem\": \"1GiB\"}]},"
	" \"scheduler\": {\"type\": \"monolithic\", \"paths\": [{\"name\": \"all\", \"t_job\": 0, \"t_task\": 0}]}}";

struct live {
	const char *listen, *state, *token;
	double scale;
	cs_time agent_timeout;
	size_t body_limit;
	struct cs_live_clock *clock;
	struct cs_live_agents *agents;
	struct cs_live_api *api;
	struct cs_http_server *srv;
	struct cs_state_db *db;
	struct cs_lb_sync *lb;
};

static void recovery_over(void *ctx, cs_time now)
{
	struct live *l = ctx;
	if (cs_live_api_recovering(l->api)) {
		fprintf(stderr, "clustersim live: recovery window over (%gs): controllers start\n",
			cs_time_to_seconds(l->agent_timeout));
		cs_live_api_end_recovery(l->api);
	}
}

static int write_url(const struct live *l, char *err, size_t errn)
{
	char host[64], path[600], tmp[700];
	unsigned port;
	cs_http_parse_listen(l->listen, host, sizeof host, &port);
	snprintf(path, sizeof path, "%s/url", l->state);
	snprintf(tmp, sizeof tmp, "%s/.url.tmp", l->state);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "http://%s:%u\n", host, cs_http_server_port(l->srv)) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		snprintf(err, errn, "%.500s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int attach(struct cs_world *w, void *ctx, struct cs_error *err)
{
	struct live *l = ctx;
	w->host.losses_noticed = true;
	l->clock = cs_live_clock_new(&w->engine, l->scale);
	if (!l->clock)
		return cs_error_set(err, CS_EXIT_INTERNAL, "cannot start the real-time clock: %s", strerror(errno));
	l->api = cs_live_api_new(w, l->token, l->listen);
	l->agents = cs_live_agents_new(w, l->agent_timeout, cs_live_api_launch, l->api);
	cs_live_api_set_agents(l->api, l->agents);
	cs_live_agents_attach(l->agents);
	char msg[600];
	l->db = cs_state_open(l->state, msg, sizeof msg);
	if (!l->db)
		return cs_error_input(err, l->state, NULL, "%s", msg);
	if (cs_live_api_recover(l->api, l->db) < 0)
		return cs_error_input(err, l->state, NULL, "cannot read the state back");
	/* the agents have one agent timeout to report what still runs; the
	 * controllers start then, or as soon as every agent has */
	if (cs_live_api_recovering(l->api))
		cs_engine_after(&w->engine, l->agent_timeout, recovery_over, l);
	struct cs_http_server_opts o = {l->listen, l->body_limit, 4096, 60, cs_live_api_handle, cs_live_api_gone, l->api};
	l->srv = cs_http_server_start(l->clock, &w->engine, &o, msg, sizeof msg);
	if (!l->srv)
		return cs_error_input(err, "--listen", NULL, "%s", msg);
	if (write_url(l, msg, sizeof msg) < 0)
		return cs_error_input(err, l->state, NULL, "%s", msg);
	char host[64], address[96];
	unsigned port;
	cs_http_parse_listen(l->listen, host, sizeof host, &port);
	snprintf(address, sizeof address, "%s:%u", host, cs_http_server_port(l->srv));
	cs_live_api_set_address(l->api, address);
	cs_live_api_set_lb(l->api, l->lb);
	cs_lb_sync_start(l->lb, &w->engine, l->scale, l->api, l->agents);
	fprintf(stderr, "clustersim live: listening on http://%s:%u (%u machine slots, state %s)\n", host,
		cs_http_server_port(l->srv), w->cell.n, l->state);
	return 0;
}

static void detach(struct cs_world *w, void *ctx)
{
	struct live *l = ctx;
	cs_http_server_stop(l->srv);
	l->srv = NULL;
	cs_live_clock_free(l->clock);
	l->clock = NULL;
	cs_state_close(l->db); /* (flushed: every write was, before its answer) */
	l->db = NULL;
}

/* The keys a live run needs, where the experiment leaves them out. */
static void live_defaults(json_t *exp)
{
	if (!json_object_get(exp, "live"))
		json_object_set_new(exp, "live", json_pack("{s:i}", "apps", 100));
	if (!json_object_get(exp, "duration"))
		json_object_set_new(exp, "duration", json_string("365d"));
	json_t *out = json_object_get(exp, "output");
	if (!json_is_object(out)) {
		out = json_object();
		json_object_set_new(exp, "output", out);
	}
	if (!json_object_get(out, "sample_interval"))
		json_object_set_new(out, "sample_interval", json_integer(10));
}

static int parse_args(int argc, char **argv, struct live *l, const char **file, const char **outdir,
		      const char **token_file)
{
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (cs_is_help(k)) {
			fputs(usage, stdout);
			return 1;
		}
		if (k[0] != '-') {
			if (*file)
				return cs_usage_error(usage, "unexpected argument: %s", k);
			*file = k;
			continue;
		}
		if (!v || strncmp(v, "--", 2) == 0)
			return cs_usage_error(usage, "unknown option or missing value: %s", k);
		i++;
		double x;
		char *end;
		if (strcmp(k, "--listen") == 0)
			l->listen = v;
		else if (strcmp(k, "--state") == 0)
			l->state = v;
		else if (strcmp(k, "-o") == 0)
			*outdir = v;
		else if (strcmp(k, "--token-file") == 0)
			*token_file = v;
		else if (strcmp(k, "--agent-timeout") == 0) {
			if (!cs_parse_seconds(v, &x) || !(x >= 0.1) || x > 86400)
				return cs_usage_error(usage, "--agent-timeout: expected a duration from 100ms to 1d (got \"%s\")",
						      v);
			l->agent_timeout = cs_time_from_seconds(x);
		} else if (strcmp(k, "--time-scale") == 0) {
			x = strtod(v, &end);
			if (*end || !(x >= 1) || x > 1e6)
				return cs_usage_error(usage, "--time-scale: expected a number from 1 to 1e6 (got \"%s\")", v);
			l->scale = x;
		} else if (strcmp(k, "--body-limit") == 0) {
			x = strtod(v, &end);
			if (*end || !(x >= 1024) || x > (1 << 30))
				return cs_usage_error(usage, "--body-limit: expected bytes from 1024 to 2^30 (got \"%s\")", v);
			l->body_limit = (size_t)x;
		} else
			return cs_usage_error(usage, "unknown option: %s", k);
	}
	if (!l->state)
		return cs_usage_error(usage, "missing --state DIR");
	return 0;
}

int cs_cmd_live(int argc, char **argv)
{
	struct live l = {"127.0.0.1:8080", NULL, NULL, 1, 15 * CS_SEC, 1 << 20, NULL, NULL, NULL, NULL, NULL, NULL};
	const char *file = NULL, *outdir = NULL, *token_file = NULL;
	int rc = parse_args(argc, argv, &l, &file, &outdir, &token_file);
	if (rc)
		return rc == 1 ? 0 : rc;
	char host[64];
	unsigned port;
	if (cs_http_parse_listen(l.listen, host, sizeof host, &port) != 0)
		return cs_usage_error(usage, "--listen: expected an IPv4 HOST:PORT (got \"%s\")", l.listen);
	char *token = NULL, msg[800];
	if (token_file && !(token = cs_auth_read_token(token_file, msg, sizeof msg))) {
		fprintf(stderr, "clustersim: %s\n", msg);
		return CS_EXIT_INPUT;
	}
	if (!token && !cs_http_is_loopback(host))
		return cs_usage_error(usage, "--listen %s is reachable from other hosts and the API runs commands on "
				      "the agents: give --token-file", l.listen);
	l.token = token;
	if (mkdir(l.state, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "clustersim: %s: cannot make the state directory: %s\n", l.state, strerror(errno));
		free(token);
		return CS_EXIT_INPUT;
	}
	struct cs_error err = {0};
	json_t *exp = file ? cs_experiment_load(file, NULL, 0, &err) : json_loads(default_experiment, 0, NULL);
	char results[700];
	snprintf(results, sizeof results, "%s/results", l.state);
	rc = -1;
	size_t nreps = 1;
	if (exp && json_object_get(exp, "replications") &&
	    (cs_replications_take(exp, file ? file : "live", UINT64_MAX, &nreps, &err) < 0 ||
	     (nreps > 1 && cs_error_input(&err, file, "replications",
					  "live mode runs one replication: the cluster is real (got %zu)", nreps) < 0))) {
		json_decref(exp);
		exp = NULL;
	}
	if (exp) {
		json_object_del(exp, "sweep");
		live_defaults(exp);
		char *dir = file ? cs_dirname(file) : NULL;
		struct cs_cfg cfg = {file ? file : "live", dir, &err};
		rc = cs_lb_sync_parse(&cfg, exp, &l.lb);
		free(dir);
	}
	if (exp && rc == 0) {
		struct cs_run_live hooks = {attach, detach, &l};
		struct cs_run_opts opts = {file ? file : "live", outdir ? outdir : results, true, true, NULL, NULL, &hooks};
		rc = cs_run_experiment(exp, &opts, &err);
	}
	cs_live_agents_free(l.agents);
	cs_lb_sync_free(l.lb);
	cs_live_api_free(l.api);
	json_decref(exp);
	free(token);
	if (rc < 0)
		return cs_report_error(&err);
	fprintf(stderr, "clustersim live: stopped; results in %s\n", outdir ? outdir : results);
	cs_interrupt_forget();
	return 0;
}
