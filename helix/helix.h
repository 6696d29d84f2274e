/* helix/helix — an Apache Helix cluster manager in simulated time.
 *
 * Helix manages *resources*, each P partitions x R replicas, on
 * *participants* (nodes).  Every replica is in a state of its resource's
 * *state model* (MasterSlave, LeaderStandby, OnlineOffline: a constraint
 * table of states, bounds and allowed transitions, helix/model.c).  A
 * controller computes each resource's *ideal state* with a *rebalancer*
 * (full-auto: Helix's AutoRebalanceStrategy, helix/strategy.c; semi-auto:
 * the user's preference lists; customized: the user's map), derives the
 * best possible state of every replica from it and from the current
 * state, and sends state *transitions* to the participants, one hop of the
 * shortest path at a time, never two top-state replicas of a partition
 * at once (helix/controller.c).  A transition takes a drawn time and runs
 * on one of its participant's threads.  docs/helix.md documents the keys,
 * the algorithms and every metric.
 *
 * Ownership and contracts:
 * - cs_helix_parse reads the experiment's "helix" object and creates the
 *   model; it takes ownership of rng in every case (on failure it frees
 *   it) and copies node_names.  It writes the defaults of missing keys
 *   into the object, as the rest of sim/config does.  The engine is the
 *   caller's and must outlive every run that may fire the model's events.
 * - cs_helix_start at the simulation's start: every node up, the first
 *   rebalance.  cs_helix_node_changed when a node goes down (its replicas
 *   are lost at once, its transitions cancelled) or comes up (empty).
 * - Everything is deterministic: the same input, node names and random
 *   stream give the same run (ties break by partition index, node name,
 *   then node index; nothing depends on hash or pointer order).
 * - cs_helix_free after the last run of the engine (pending events point
 *   into the model). */
#ifndef CS_HELIX_H
#define CS_HELIX_H
#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "sim/config.h"
#include "sim/engine.h"
#include "sim/metrics.h"

struct cs_helix;

/* Parse the experiment's "helix" object (path "helix"): {"resources":
 * [{"name", "partitions", "replicas", "state_model", "rebalancer",
 * "preference_lists", "ideal_state", "transition_seconds"}],
 * "max_transitions_per_node", "max_transitions_cluster",
 * "rebalance_delay", "pipeline_delay", "transition_seconds",
 * "enforce_replica_bound"} (docs/helix.md).  The key "participants"
 * belongs to the caller: accepted and ignored.  nodes: the participants,
 * node_names[i] their names (copied; distinct).  Bad input: -1 with
 * cfg->err set to "FILE: PATH: what (got X)"; never aborts. */
int cs_helix_parse(const struct cs_cfg *cfg, json_t *helix, uint32_t nnodes, const char *const *node_names,
		   struct cs_engine *engine, gsl_rng *rng, struct cs_helix **out);
/* At the engine's current time (the run's start): every node up (unless
 * cs_helix_node_changed said otherwise before), the first rebalance. */
void cs_helix_start(struct cs_helix *h);
/* Node `node` went down (up false) or came up (up true); a repeated
 * report of the state it is in changes nothing. */
void cs_helix_node_changed(struct cs_helix *h, uint32_t node, bool up);
/* The invariants: at most one top-state replica per partition of a
 * single-top model, counting the transitions to it in flight; every
 * numeric state bound (the "R" bounds too with enforce_replica_bound);
 * transitions only on nodes that are up, replicas only on nodes that are
 * up or that the controller does not know are down; a preference list
 * names a node at most once (one replica of a partition per node is the
 * representation's own: one state per partition and node); the counters
 * equal a recount.  False with one line on stderr at the first violation.
 * Debug builds (CS_DEBUG) run it after every transition and abort if it
 * fails. */
bool cs_helix_check(const struct cs_helix *h);
/* {NAME: {seconds_without_master, transitions, partition_moves,
 * max_over_mean_masters, recovery_seconds, ...}} for every resource, at
 * the engine's current time (docs/helix.md, "Metrics"); a new object. */
json_t *cs_helix_summary(struct cs_helix *h);
/* timeseries.csv columns: per resource helix.NAME.partitions_without_master,
 * .transitions_in_flight, .transitions_queued, .replicas,
 * .max_over_mean_masters.  Adds one source. */
void cs_helix_series_add(struct cs_helix *h, struct cs_series *s);
void cs_helix_free(struct cs_helix *h);

/* ---- views, for tests and reports ---- */

/* The current state of resource `resource` in Helix's ExternalView
 * shape: {"NAME_p": {"NODE": "STATE"}}, the replicas on nodes that are
 * up (partitions without one appear as {}); NULL if there is no such
 * resource.  A new object. */
json_t *cs_helix_external_view(const struct cs_helix *h, const char *resource);
/* Its ideal state: {"NAME_p": ["NODE", ...]} (the preference lists of
 * full-auto, as last computed, and of semi-auto) or {"NAME_p": {"NODE":
 * "STATE"}} (customized); NULL if there is no such resource. */
json_t *cs_helix_ideal_state(const struct cs_helix *h, const char *resource);

#endif
