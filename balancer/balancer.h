/* balancer/balancer — the session-balancing model: Meteor clients
 * holding DDP sessions over SockJS, servers holding the sessions, and a
 * load balancer (nginx's policies, or an ELB's) routing every request
 * (xhr-polling) or connection (websocket).  docs/experiments.md,
 * "Session balancing experiments"; the protocol rules are in sessions.c.
 *
 * Two ways to run it:
 *  - standalone: an experiment with a top-level "balancer" whose servers
 *    are a list (or a count): the model runs on an engine of its own; the
 *    servers go down and up only by the experiment's "events"
 *    (cs_balance_run);
 *  - attached: "servers": {"from": NAME, "slots": N}: the servers are the
 *    running tasks of the workload (or controller) NAME of a cell
 *    experiment, placed by whatever scheduler it has.  The world runs the
 *    model on its own engine (cs_balancer_attach) and says when a slot's
 *    task comes up or goes (a machine failure takes its server down; the
 *    replacement comes up where the scheduler puts it).
 *
 * Results go through sim/metrics: the "balancer" object of summary.json
 * (cs_balancer_summary), and the balancer's columns of timeseries.csv. */
#ifndef CS_BALANCER_H
#define CS_BALANCER_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/config.h"
#include "sim/engine.h"
#include "sim/limits.h"
#include "sim/metrics.h"

struct cs_balancer;

/* Whether the experiment's "balancer" takes its servers from a workload
 * (an object "servers" with "from"): then the experiment is a cell's,
 * and the world attaches the balancer.  False without a "balancer". */
bool cs_balancer_is_attached(const json_t *exp);

/* Standalone: build and run the model of the experiment tree `exp` (its
 * defaults filled in).  Writes timeseries rows to ts (may be NULL) and
 * returns the summary (a new object), or NULL with cfg->err set.  *events
 * gets the number of events run, *simulated the seconds simulated. */
json_t *cs_balance_run(json_t *exp, const struct cs_cfg *cfg, FILE *ts, uint64_t *events, double *simulated);

/* Attached: the model of exp's "balancer", "clients" and "sockjs" on
 * engine e, with the run's seed, duration (required) and sample interval
 * (the imbalance figures are sampled on it).  Its slots all start down.
 * NULL with cfg->err set on bad input. */
struct cs_balancer *cs_balancer_attach(json_t *exp, const struct cs_cfg *cfg, struct cs_engine *e, uint64_t seed,
				       cs_time duration, cs_time sample, const struct cs_limits *limits);
const char *cs_balancer_from(const struct cs_balancer *b); /* the workload NAME */
uint32_t cs_balancer_slots(const struct cs_balancer *b);
/* Its columns, added to the run's timeseries (after the world's). */
void cs_balancer_series_add(struct cs_balancer *b, struct cs_series *s);
/* The clients arrive now; sampling starts. */
/* (a run that grows past the model's bounds fills err, sets *failed and
 * stops the engine) */
void cs_balancer_start(struct cs_balancer *b, struct cs_error *err, const char *file, bool *failed);
/* Slot's task is running now (its server is up: after the slot's first
 * task, a restart for nginx's and the recovery metrics), or went away
 * (its sessions go, its polls fail, its websockets drop). */
void cs_balancer_server_up(struct cs_balancer *b, uint32_t slot);
void cs_balancer_server_down(struct cs_balancer *b, uint32_t slot);
/* The "balancer" object of summary.json (a new object), at now. */
json_t *cs_balancer_summary(struct cs_balancer *b);
void cs_balancer_free(struct cs_balancer *b);

#endif
