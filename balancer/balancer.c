/* balancer/balancer — the two ways to run the session-balancing model
 * (see balancer.h): standalone, on an engine of its own with its own
 * timeseries and summary; attached, on the world's engine, its servers
 * the slots the world fills with a workload's running tasks. */
#include <stdlib.h>
#include <string.h>

#include "balancer/balancer_internal.h"
#include "sim/alloc.h"
#include "sim/interrupt.h"
#include "sim/rng.h"

bool cs_balancer_is_attached(const json_t *exp)
{
	const json_t *sv = json_object_get(json_object_get(exp, "balancer"), "servers");
	return json_is_object(sv) && json_object_get(sv, "from");
}

static struct cs_balancer *balancer_new(struct cs_engine *e)
{
	struct cs_balancer *b = cs_xcalloc(1, sizeof *b);
	b->sessions = (struct pool){.elem = sizeof(struct session), .free = -1};
	b->reqs = (struct pool){.elem = sizeof(struct req), .free = -1};
	b->latency = cs_dist_const(0);
	if (e) {
		b->e = e;
		b->attached = true;
	} else {
		b->e = &b->own;
		cs_engine_init(b->e);
	}
	return b;
}

/* Its random streams (after the parse: the seed is the experiment's). */
static void balancer_streams(struct cs_balancer *b, uint64_t seed)
{
	b->rng = cs_rng_stream(seed, "clients");
	b->lat_rng = cs_rng_stream(seed, "latency");
}

void cs_balancer_free(struct cs_balancer *b)
{
	if (!b)
		return;
	if (b->rng)
		gsl_rng_free(b->rng);
	if (b->lat_rng)
		gsl_rng_free(b->lat_rng);
	cs_dist_release(&b->message_interval);
	cs_dist_release(&b->latency);
	if (b->has_lifetime)
		cs_dist_release(&b->lifetime);
	cs_lb_release(&b->lb);
	if (!b->attached)
		cs_engine_release(&b->own);
	cs_bal_release_model(b);
	free(b->servers);
	free(b->st);
	free(b->events);
	free(b->from);
	free(b);
}

/* ---- standalone ---- */

static void server_event_fire(void *ctx, cs_time now)
{
	struct event_spec *ev = ctx;
	if (ev->kill)
		cs_bal_server_kill(ev->b, ev->server, now);
	else
		cs_bal_server_restart(ev->b, ev->server, now);
}

json_t *cs_balance_run(json_t *exp, const struct cs_cfg *cfg, FILE *ts, uint64_t *events, double *simulated)
{
	struct cs_balancer *b = balancer_new(NULL);
	uint64_t seed = 1;
	json_t *out = NULL;
	b->err = cfg->err;
	b->file = cfg->file;
	if (cs_bal_parse_standalone(b, exp, cfg, &seed) < 0)
		goto done;
	balancer_streams(b, seed);
	cs_series_init(&b->own_series, ts, b->limits.timeseries_rows);
	cs_bal_series_add(b, &b->own_series);
	cs_series_header(&b->own_series);
	cs_bal_start_clients(b);
	for (uint32_t i = 0; i < b->nevents; i++)
		cs_engine_at(b->e, b->events[i].at, server_event_fire, &b->events[i]);
	cs_bal_sampling_start(b);
	cs_interrupt_engine(b->e);
	cs_engine_run(b->e, b->duration);
	cs_interrupt_engine(NULL);
	if (b->overflowed)
		goto done;
	const char *name = json_string_value(json_object_get(exp, "name"));
	out = cs_summary_new(name ? name : "balancing", seed, "balancer", cs_engine_now(b->e));
	json_object_set_new(out, "balancer", cs_bal_summary(b));
	*events = b->e->events_run;
	*simulated = cs_time_to_seconds(cs_engine_now(b->e));
done:
	cs_balancer_free(b);
	return out;
}

/* ---- attached ---- */

struct cs_balancer *cs_balancer_attach(json_t *exp, const struct cs_cfg *cfg, struct cs_engine *e, uint64_t seed,
				       cs_time duration, cs_time sample, const struct cs_limits *limits)
{
	struct cs_balancer *b = balancer_new(e);
	b->duration = duration;
	b->sample = sample;
	b->limits = *limits;
	if (cs_bal_parse_model(b, exp, cfg, seed) < 0) {
		cs_balancer_free(b);
		return NULL;
	}
	balancer_streams(b, seed);
	return b;
}

const char *cs_balancer_from(const struct cs_balancer *b)
{
	return b->from;
}

uint32_t cs_balancer_slots(const struct cs_balancer *b)
{
	return b->nservers;
}

void cs_balancer_series_add(struct cs_balancer *b, struct cs_series *s)
{
	cs_bal_series_add(b, s);
}

void cs_balancer_start(struct cs_balancer *b, struct cs_error *err, const char *file, bool *failed)
{
	b->err = err;
	b->file = file;
	b->failed = failed;
	cs_bal_start_clients(b);
	cs_bal_sampling_start(b);
}

void cs_balancer_server_up(struct cs_balancer *b, uint32_t slot)
{
	struct server_state *st = &b->st[slot];
	if (st->alive)
		return;
	cs_bal_server_restart(b, slot, cs_engine_now(b->e));
	if (!st->ever_up) /* its first task: a start, not a recovery */
		st->restarted = CS_TIME_NEVER;
	st->ever_up = true;
}

void cs_balancer_server_down(struct cs_balancer *b, uint32_t slot)
{
	cs_bal_server_kill(b, slot, cs_engine_now(b->e));
}

json_t *cs_balancer_summary(struct cs_balancer *b)
{
	return cs_bal_summary(b);
}
