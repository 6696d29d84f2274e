/* balancer/sessions — the session-balancing model: Meteor
 * clients holding DDP sessions over SockJS, servers holding the sessions,
 * and a load balancer routing every request (xhr-polling) or connection
 * (websocket).  An experiment with a top-level "balancer" object runs this
 * model instead of a cell (docs/experiments.md, "Session balancing experiments").
 *
 * The backends are a list of servers, each up or down, changed only by
 * the failure events (server_event_fire): the seam where a later issue
 * makes them the tasks of a replicated service placed by any scheduler
 * (a server is up while its task runs; placement gives its address).
 *
 * Results: summary.json with a "balancer" object (cs_balance_run writes
 * it), timeseries.csv with the sessions per server, run.json.  The exact
 * protocol rules are in sessions.c's header comment. */
#ifndef CS_SESSIONS_H
#define CS_SESSIONS_H
#include <stdio.h>

#include <jansson.h>

#include "sim/config.h"

/* Build and run the balancing model of the experiment tree `exp` (its
 * defaults filled in).  Writes timeseries rows to ts (may be NULL) and
 * returns the summary (a new object), or NULL with cfg->err set.  *events
 * gets the number of events run. */
json_t *cs_balance_run(json_t *exp, const struct cs_cfg *cfg, FILE *ts, uint64_t *events, double *simulated);

#endif
