/* balancer/config — the session-balancing experiment's keys: "balancer"
 * (policy, servers, nginx's max_fails / fail_timeout, hash_key, ...),
 * "clients", "sockjs", and a standalone run's top level and "events"
 * (docs/experiments.md, "Session balancing experiments").  Defaults are
 * filled into the tree (experiment.json shows them). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "balancer/balancer_internal.h"
#include "sim/alloc.h"
#include "sim/error.h"

static int parse_servers(struct cs_balancer *b, const struct cs_cfg *cfg, json_t *bj)
{
	json_t *sv = json_object_get(bj, "servers");
	if (!sv) {
		sv = json_integer(2);
		json_object_set_new(bj, "servers", sv);
	}
	if (json_is_integer(sv)) {
		json_int_t n = json_integer_value(sv);
		if (n < 1 || n > 256)
			return cs_error_input(cfg->err, cfg->file, "balancer.servers", "expected 1 to 256 servers (got %lld)",
					      (long long)n);
		b->nservers = (uint32_t)n;
		b->servers = cs_xcalloc(b->nservers, sizeof *b->servers);
		b->st = cs_xcalloc(b->nservers, sizeof *b->st);
		for (uint32_t s = 0; s < b->nservers; s++) {
			snprintf(b->servers[s].name, sizeof b->servers[s].name, "127.0.0.1:%u", 3000 + s);
			snprintf(b->st[s].name, sizeof b->st[s].name, "s%u", s + 1);
			b->servers[s].weight = 1;
		}
		return 0;
	}
	if (!json_is_array(sv) || json_array_size(sv) < 1 || json_array_size(sv) > 256) {
		char got[128];
		return cs_error_input(cfg->err, cfg->file, "balancer.servers",
				      "expected a count, a list of 1 to 256 {\"name\", \"weight\"}, or the tasks of a "
				      "workload: {\"from\": NAME, \"slots\": N} (got %s)", cs_cfg_got(sv, got, sizeof got));
	}
	b->nservers = (uint32_t)json_array_size(sv);
	b->servers = cs_xcalloc(b->nservers, sizeof *b->servers);
	b->st = cs_xcalloc(b->nservers, sizeof *b->st);
	static const char *const keys[] = {"name", "weight", "address", NULL};
	for (uint32_t s = 0; s < b->nservers; s++) {
		char p[64], dn[16], da[32];
		cs_path_index(p, sizeof p, "balancer.servers", s);
		json_t *o = json_array_get(sv, s);
		const char *name, *addr;
		double w;
		snprintf(dn, sizeof dn, "s%u", s + 1);
		snprintf(da, sizeof da, "127.0.0.1:%u", 3000 + s);
		if (cs_cfg_need_object(cfg, o, p) < 0 || cs_cfg_keys(cfg, o, p, keys) < 0 ||
		    cs_cfg_str(cfg, o, p, "name", dn, 0, &name) < 0 || cs_cfg_str(cfg, o, p, "address", da, 0, &addr) < 0 ||
		    cs_cfg_num_in(cfg, o, p, "weight", 1, CS_CFG_INTEGER, 1, 1000, &w) < 0)
			return -1;
		snprintf(b->servers[s].name, sizeof b->servers[s].name, "%s", addr);
		snprintf(b->st[s].name, sizeof b->st[s].name, "%s", name);
		b->servers[s].weight = (int)w;
		for (uint32_t t = 0; t < s; t++)
			if (strcmp(b->st[t].name, b->st[s].name) == 0)
				return cs_error_input(cfg->err, cfg->file, p, "two servers are named \"%s\"", name);
	}
	return 0;
}

/* Attached: "servers": {"from": NAME, "slots": N} -- N servers s1..sN,
 * each up while a task of NAME holds it (the world reads "from"). */
static int parse_slots(struct cs_balancer *b, const struct cs_cfg *cfg, json_t *bj)
{
	static const char *const keys[] = {"from", "slots", NULL};
	json_t *sv = json_object_get(bj, "servers");
	const char *from;
	uint64_t n;
	if (cs_cfg_keys(cfg, sv, "balancer.servers", keys) < 0 ||
	    cs_cfg_str(cfg, sv, "balancer.servers", "from", NULL, CS_CFG_REQUIRED, &from) < 0 ||
	    cs_cfg_count(cfg, sv, "balancer.servers", "slots", 0, CS_CFG_REQUIRED, 1, 256, &n) < 0)
		return -1;
	b->from = cs_xstrdup(from);
	b->nservers = (uint32_t)n;
	b->servers = cs_xcalloc(b->nservers, sizeof *b->servers);
	b->st = cs_xcalloc(b->nservers, sizeof *b->st);
	for (uint32_t s = 0; s < b->nservers; s++) {
		snprintf(b->servers[s].name, sizeof b->servers[s].name, "slot-%u", s + 1);
		snprintf(b->st[s].name, sizeof b->st[s].name, "s%u", s + 1);
		b->servers[s].weight = 1;
	}
	return 0;
}

/* The server a kill/restart names: "sN" (1-based) or a listed name. */
/* The server a kill/restart names. */
static int server_index(const struct cs_balancer *b, const char *name)
{
	for (uint32_t s = 0; s < b->nservers; s++)
		if (strcmp(name, b->st[s].name) == 0)
			return (int)s;
	return -1;
}

static int parse_events(struct cs_balancer *b, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *evs = json_object_get(exp, "events");
	if (!evs)
		return 0;
	if (!json_is_array(evs))
		return cs_error_input(cfg->err, cfg->file, "events", "expected a list of {\"at\", \"kill\"|\"restart\"}");
	b->nevents = (uint32_t)json_array_size(evs);
	b->events = cs_xcalloc(b->nevents ? b->nevents : 1, sizeof *b->events);
	static const char *const keys[] = {"at", "kill", "restart", NULL};
	for (uint32_t i = 0; i < b->nevents; i++) {
		char p[64];
		cs_path_index(p, sizeof p, "events", i);
		json_t *o = json_array_get(evs, i);
		const char *kill = NULL, *restart = NULL;
		if (cs_cfg_need_object(cfg, o, p) < 0 || cs_cfg_keys(cfg, o, p, keys) < 0 ||
		    cs_cfg_time(cfg, o, p, "at", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, &b->events[i].at) < 0 ||
		    cs_cfg_str(cfg, o, p, "kill", NULL, 0, &kill) < 0 || cs_cfg_str(cfg, o, p, "restart", NULL, 0, &restart) < 0)
			return -1;
		if (!kill == !restart)
			return cs_error_input(cfg->err, cfg->file, p, "give one of \"kill\" and \"restart\"");
		int s = server_index(b, kill ? kill : restart);
		if (s < 0)
			return cs_error_input(cfg->err, cfg->file, p, "no server is named \"%s\"", kill ? kill : restart);
		b->events[i].kill = kill != NULL;
		b->events[i].server = (uint32_t)s;
		b->events[i].b = b;
	}
	return 0;
}

static int parse_clients(struct cs_balancer *b, const struct cs_cfg *cfg, json_t *exp)
{
	static const char *const keys[] = {"count",	"transport", "addresses", "message_interval",
					   "lifetime", "retry",	      "latency",   NULL};
	static const char *const transports[] = {"xhr-polling", "websocket", NULL};
	static const char *const addrs[] = {"distinct", "single", "subnet24", "loopback", NULL};
	json_t *cj = json_object_get(exp, "clients");
	if (!cj) {
		cj = json_object();
		json_object_set_new(exp, "clients", cj);
	}
	uint64_t count;
	int transport;
	if (cs_cfg_need_object(cfg, cj, "clients") < 0 || cs_cfg_keys(cfg, cj, "clients", keys) < 0 ||
	    cs_cfg_count(cfg, cj, "clients", "count", 100, 0, 1, 1000000, &count) < 0 ||
	    cs_cfg_enum(cfg, cj, "clients", "transport", "xhr-polling", transports, &transport) < 0)
		return -1;
	b->nclients = (uint32_t)count;
	b->transport = (enum transport)transport;
	json_t *a = json_object_get(cj, "addresses");
	if (json_is_object(a)) {
		static const char *const akeys[] = {"shared_fraction", NULL};
		if (cs_cfg_keys(cfg, a, "clients.addresses", akeys) < 0 ||
		    cs_cfg_num_in(cfg, a, "clients.addresses", "shared_fraction", 0, CS_CFG_REQUIRED, 0, 1,
				  &b->shared_fraction) < 0)
			return -1;
		b->addresses = 3;
	} else if (cs_cfg_enum(cfg, cj, "clients", "addresses", "distinct", addrs, &b->addresses) < 0) {
		return -1;
	} else if (b->addresses == 3) {
		b->addresses = 4; /* "loopback"; 3 is the shared fraction */
	}
	json_t *mi = json_object_get(cj, "message_interval");
	if (!mi) {
		mi = json_pack("{s:s, s:f}", "dist", "exp", "mean", 10.0);
		json_object_set_new(cj, "message_interval", mi);
	}
	if (cs_dist_parse(cfg, mi, "clients.message_interval", CS_UNIT_SECONDS, 0, &b->message_interval) < 0)
		return -1;
	json_t *lt = json_object_get(cj, "lifetime");
	if (lt && !json_is_null(lt)) {
		if (cs_dist_parse(cfg, lt, "clients.lifetime", CS_UNIT_SECONDS, 0, &b->lifetime) < 0)
			return -1;
		b->has_lifetime = true;
	}
	json_t *lat = json_object_get(cj, "latency");
	if (!lat) {
		lat = json_integer(0);
		json_object_set_new(cj, "latency", lat);
	}
	if (cs_dist_parse(cfg, lat, "clients.latency", CS_UNIT_SECONDS, 0, &b->latency) < 0)
		return -1;
	/* what recurs per client must take time, and its count be in
	 * proportion: a lifetime of 0 made clients leave and come back at
	 * one instant without end */
	double span = cs_time_to_seconds(b->duration), expected = 0;
	struct {
		const char *path;
		const struct cs_dist *d;
		bool on;
	} recurring[] = {{"clients.message_interval", &b->message_interval, true},
			 {"clients.lifetime", &b->lifetime, b->has_lifetime}};
	for (size_t i = 0; i < 2; i++) {
		if (!recurring[i].on)
			continue;
		double mean = cs_dist_mean(recurring[i].d);
		if (!(mean > 0))
			return cs_error_input(cfg->err, cfg->file, recurring[i].path,
					      "the mean must be positive (got %g s): it recurs without end at one instant", mean);
		expected += (double)b->nclients * span / mean;
	}
	if (expected > (double)b->limits.jobs)
		return cs_error_input(cfg->err, cfg->file, "clients",
				      "about %.3g client arrivals and messages to expect (clients x duration / mean "
				      "interval), more than the limit of %llu (raise it with \"limits\": {\"jobs\": N})",
				      expected, (unsigned long long)b->limits.jobs);
	json_t *rj = json_object_get(cj, "retry");
	if (!rj) {
		rj = json_object();
		json_object_set_new(cj, "retry", rj);
	}
	static const char *const rkeys[] = {"min_count", "min_timeout", "base", "exponent", "max", "fuzz", NULL};
	double mc;
	if (cs_cfg_need_object(cfg, rj, "clients.retry") < 0 || cs_cfg_keys(cfg, rj, "clients.retry", rkeys) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "min_count", 2, CS_CFG_INTEGER, 0, 1e6, &mc) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "min_timeout", 0.01, 0, 0, CS_MAX_SECONDS, &b->retry.min_timeout) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "base", 1, CS_CFG_POSITIVE, 0, CS_MAX_SECONDS, &b->retry.base) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "exponent", 2.2, CS_CFG_POSITIVE, 0, 100, &b->retry.exponent) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "max", 300, CS_CFG_POSITIVE, 0, CS_MAX_SECONDS, &b->retry.max) < 0 ||
	    cs_cfg_num_in(cfg, rj, "clients.retry", "fuzz", 0.5, 0, 0, 1, &b->retry.fuzz) < 0)
		return -1;
	b->retry.min_count = (uint32_t)mc;
	return 0;
}

/* The model's parts of the experiment: "balancer", "clients", "sockjs"
 * (b->duration and b->limits set).  Attached: the servers are a
 * workload's tasks ("servers": {"from", "slots"}); all start down. */
int cs_bal_parse_model(struct cs_balancer *b, json_t *exp, const struct cs_cfg *cfg, uint64_t seed)
{
	static const char *const bkeys[] = {"policy", "servers", "max_fails", "fail_timeout", "hash_key",
					    "recovery_window", "tls_handshake_cpu", "session_affinity",
					    "session_affinity_timeout", NULL};
	static const char *const affinities[] = {"None", "ClientIP", NULL};
	static const char *const skeys[] = {"heartbeat", "disconnect_delay", NULL};
	double max_fails;
	int policy, key, affinity;
	cs_time fail_timeout, affinity_timeout;
	json_t *bj = json_object_get(exp, "balancer");
	bool timeout_given = json_is_object(bj) && json_object_get(bj, "session_affinity_timeout");
	if (cs_cfg_need_object(cfg, bj, "balancer") < 0 || cs_cfg_keys(cfg, bj, "balancer", bkeys) < 0 ||
	    cs_cfg_enum(cfg, bj, "balancer", "policy", "round-robin", cs_lb_kind_names, &policy) < 0 ||
	    cs_cfg_enum(cfg, bj, "balancer", "hash_key", "client-address", cs_lb_hash_key_names, &key) < 0 ||
	    /* kube-proxy has no passive health check: max_fails 0 */
	    cs_cfg_num_in(cfg, bj, "balancer", "max_fails", policy >= CS_LB_KUBE_IPTABLES ? 0 : 1, CS_CFG_INTEGER, 0, 1e6,
			  &max_fails) < 0 ||
	    cs_cfg_enum(cfg, bj, "balancer", "session_affinity", "None", affinities, &affinity) < 0 ||
	    cs_cfg_time(cfg, bj, "balancer", "session_affinity_timeout", 10800, CS_CFG_POSITIVE, &affinity_timeout) < 0 ||
	    cs_cfg_time(cfg, bj, "balancer", "fail_timeout", 10, CS_CFG_NONNEG, &fail_timeout) < 0 ||
	    cs_cfg_time(cfg, bj, "balancer", "recovery_window", 60, CS_CFG_NONNEG, &b->recovery_window) < 0 ||
	    cs_cfg_num_in(cfg, bj, "balancer", "tls_handshake_cpu", 0, 0, 0, 3600, &b->tls_seconds) < 0 ||
	    (b->attached ? parse_slots(b, cfg, bj) : parse_servers(b, cfg, bj)) < 0)
		return -1;
	json_t *sj = json_object_get(exp, "sockjs");
	if (!sj) {
		sj = json_object();
		json_object_set_new(exp, "sockjs", sj);
	}
	if (cs_cfg_need_object(cfg, sj, "sockjs") < 0 || cs_cfg_keys(cfg, sj, "sockjs", skeys) < 0 ||
	    cs_cfg_time(cfg, sj, "sockjs", "heartbeat", 25, CS_CFG_POSITIVE, &b->heartbeat) < 0 ||
	    cs_cfg_time(cfg, sj, "sockjs", "disconnect_delay", 5, CS_CFG_POSITIVE, &b->disconnect_delay) < 0)
		return -1;
	if (!b->attached) {
		/* (here, so that experiment.json's defaults keep their order) */
		json_t *out = json_object_get(exp, "output");
		if (!out) {
			out = json_object();
			json_object_set_new(exp, "output", out);
		}
		static const char *const okeys[] = {"sample_interval", NULL};
		if (cs_cfg_keys(cfg, out, "output", okeys) < 0 ||
		    cs_cfg_time(cfg, out, "output", "sample_interval", 10, CS_CFG_POSITIVE, &b->sample) < 0)
			return -1;
	}
	if (parse_clients(b, cfg, exp) < 0)
		return -1;
	for (uint32_t s = 0; s < b->nservers; s++) {
		b->st[s].alive = !b->attached; /* a slot is up while a task holds it */
		b->st[s].restarted = CS_TIME_NEVER;
	}
	cs_lb_init(&b->lb, (enum cs_lb_kind)policy, (enum cs_lb_hash_key)key, b->servers, b->nservers, (int)max_fails,
		   fail_timeout, seed * 0x9E3779B97F4A7C15ull + 1);
	if (affinity == 1)
		cs_lb_set_affinity(&b->lb, affinity_timeout);
	else if (timeout_given)
		return cs_error_input(cfg->err, cfg->file, "balancer.session_affinity_timeout",
				      "only with \"session_affinity\": \"ClientIP\" (got session_affinity None)");
	return 0;
}

/* A standalone balancing experiment: the model's parts, and the top
 * level (name, seed, duration, events, output). */
int cs_bal_parse_standalone(struct cs_balancer *b, json_t *exp, const struct cs_cfg *cfg, uint64_t *seed)
{
	static const char *const top[] = {"name", "description", "seed", "duration", "balancer", "clients", "sockjs",
					  "events", "output", "sweep", "vars", "version", "limits", NULL};
	const char *name;
	static const char *const cell_keys[] = {"cell", "workloads", "controllers", "scheduler", NULL};
	json_t *bj = json_object_get(exp, "balancer");
	char got[128];
	for (size_t i = 0; cell_keys[i]; i++) {
		if (!json_object_get(exp, cell_keys[i]))
			continue;
		if (!json_is_object(bj))
			return cs_error_input(cfg->err, cfg->file, "balancer", "expected an object (got %s)",
					      cs_cfg_got(bj, got, sizeof got));
		json_t *sv = json_object_get(bj, "servers");
		return cs_error_input(cfg->err, cfg->file, "balancer.servers",
				      "a balancer beside a cell takes its servers from a workload: "
				      "{\"from\": NAME, \"slots\": N} (got %s)", sv ? cs_cfg_got(sv, got, sizeof got) : "none");
	}
	if (cs_cfg_keys(cfg, exp, "", top) < 0 || cs_limits_parse(&b->limits, exp, cfg->file, cfg->err) < 0 ||
	    cs_cfg_str(cfg, exp, "", "name", "balancing", 0, &name) < 0 ||
	    cs_cfg_count(cfg, exp, "", "seed", 1, 0, 0, INT64_MAX, seed) < 0 ||
	    cs_cfg_time(cfg, exp, "", "duration", 0, CS_CFG_REQUIRED | CS_CFG_POSITIVE, &b->duration) < 0)
		return -1;
	if (cs_bal_parse_model(b, exp, cfg, *seed) < 0 || parse_events(b, cfg, exp) < 0)
		return -1;
	if (b->duration / b->sample + 2 > (cs_time)b->limits.timeseries_rows)
		return cs_error_input(cfg->err, cfg->file, "output.sample_interval",
				      "%lld rows of timeseries.csv (duration / sample_interval), more than the limit of "
				      "%llu (sample less often, or raise the limit with \"limits\": {\"timeseries_rows\": N})",
				      (long long)(b->duration / b->sample + 2), (unsigned long long)b->limits.timeseries_rows);
	return 0;
}
