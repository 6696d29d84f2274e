/* helix/helix_internal — the model's data, shared by its files (nothing
 * outside helix/ includes it but the unit test).
 *
 *   model.c       the state models' constraint tables, shortest paths
 *   parse.c       cs_helix_parse, cs_helix_free
 *   strategy.c    full-auto placement (Helix's AutoRebalanceStrategy)
 *   controller.c  best possible state, message selection, participants,
 *                 node events, accounting of the metrics
 *   report.c      summary, timeseries, views, invariants
 *
 * Layout: per resource, the per-replica arrays are partition-major,
 * index p * N + n (N = the number of nodes).  A state is an index into
 * the model's state list; CS_HX_ABSENT is "no current state": the node
 * holds no replica (Helix treats it as the initial state, OFFLINE, when
 * it computes transitions, and as DROPPED when it compares). */
#ifndef CS_HELIX_INTERNAL_H
#define CS_HELIX_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include "helix/helix.h"
#include "sim/engine.h"
#include "workloads/dist.h"

enum { CS_HX_MAX_STATES = 4, CS_HX_MAX_TRANS = 6 };
enum { CS_HX_ABSENT = -1 };
/* a state's upper bound per partition: a number >= 0, or one of these */
enum { CS_HX_UNBOUNDED = -1, CS_HX_BOUND_R = -2 };

struct cs_hx_trans {
	uint8_t from, to;
};

/* A state model as Helix defines it (StateModelDefinition): the states in
 * Helix's state priority order, the top state first; the transitions in
 * its transition priority order (the order the controller sends them in
 * when several are due for one partition). */
struct cs_hx_model {
	const char *name;
	uint8_t nstates;
	const char *state[CS_HX_MAX_STATES];
	int16_t bound[CS_HX_MAX_STATES];
	uint8_t initial, dropped;
	uint8_t ntrans;
	struct cs_hx_trans trans[CS_HX_MAX_TRANS];
};

enum cs_hx_mode { CS_HX_FULL_AUTO, CS_HX_SEMI_AUTO, CS_HX_CUSTOMIZED };

/* The model of the given name, or NULL; names[] for messages. */
const struct cs_hx_model *cs_hx_model_find(const char *name);
extern const char *const cs_hx_model_names[];
/* The first transition (its index) of a shortest path of allowed
 * transitions from `from` to `to`, -1 if there is none or from == to.
 * Breadth first, transitions tried in priority order: deterministic. */
int cs_hx_next_hop(const struct cs_hx_model *m, int from, int to);
/* Whether s reaches the top state in one transition (Helix's "second top
 * states"). */
bool cs_hx_second_top(const struct cs_hx_model *m, int s);
/* Helix's getStateCountMap(k candidate nodes, r replicas) laid out as one
 * state per replica: out[i] is the state of replica i (the numerically
 * bounded states first in priority order, then the "R" state); returns
 * how many replicas get a state (<= k, <= r). */
uint32_t cs_hx_replica_states(const struct cs_hx_model *m, uint32_t r, uint32_t k, uint8_t *out);
/* The index of a transition "FROM-TO" of m, -1 if m has none. */
int cs_hx_trans_find(const struct cs_hx_model *m, const char *name);
/* Whether name is a transition of any of the models. */
bool cs_hx_trans_known(const char *name);

struct cs_hx_msg;

struct cs_hx_node {
	struct cs_helix *h;
	char *name;
	uint32_t rank;        /* position in name order */
	bool up;              /* in reality */
	bool live;            /* in the controller's view (lags by rebalance_delay) */
	uint32_t running;     /* transitions executing on its threads */
	uint32_t queued;
	struct cs_hx_msg *qhead, *qtail; /* waiting for a thread, FIFO */
	/* view changes on their way to the controller, FIFO */
	bool *view;
	uint32_t vhead, vcount, vcap;
};

struct cs_hx_resource {
	struct cs_helix *h;
	char *name;
	const struct cs_hx_model *m;
	enum cs_hx_mode mode;
	uint32_t P, R;
	int8_t hop[CS_HX_MAX_STATES][CS_HX_MAX_STATES]; /* next transition, -1 none */
	struct cs_dist dur[CS_HX_MAX_TRANS];
	/* the ideal state: preference lists (full-auto, semi-auto), P x N
	 * node indices with their lengths; or the customized map, P x N
	 * states (CS_HX_ABSENT: not in the map) */
	uint32_t *pref, *npref;
	int8_t *custom;
	bool recompute;       /* full-auto: compute the lists at the next run */
	/* the current state and what is under way */
	int8_t *cur;
	struct cs_hx_msg **msg;
	uint8_t *ever;        /* the partition had a replica on the node (or was placed there first) */
	uint8_t *dirty;       /* per partition: evaluate at the next controller run */
	uint32_t *dirty_list; /* the ndirty partitions marked, in no order (a run
			       * sorts them: it takes them in index order) */
	uint32_t ndirty;
	/* top-state accounting */
	uint32_t *ntop, *node_top;
	cs_time *no_top_since;   /* CS_TIME_NEVER while the partition has a top-state replica */
	double *wo_seconds;      /* closed intervals without one, per partition */
	uint8_t *had_top;
	double startup_wo;       /* the part before each partition's first top state */
	uint32_t without_top;
	/* counters */
	uint64_t replicas, pending, running;
	uint64_t transitions, cancelled, created, moves;
	/* max/mean top-state replicas per up node, integrated over time */
	double bal_integral, bal_time;
	cs_time bal_last;
	/* recovery after node events */
	cs_time *open_events;
	uint32_t nopen, capopen;
	uint64_t events, recovered;
	double last_recovery, max_recovery;
	bool last_ok;
	double startup_seconds;
	bool startup_done;
};

/* A transition message: sent by the controller, queued at its
 * participant until a thread takes it, then running until its event. */
struct cs_hx_msg {
	struct cs_hx_resource *r;
	uint32_t p, node;
	uint8_t trans;
	bool running;
	cs_event_id ev;
	struct cs_hx_msg *next, *prev;
};

struct cs_helix {
	struct cs_engine *engine;
	gsl_rng *rng;
	uint32_t N;
	struct cs_hx_node *nodes;
	uint32_t *by_name;       /* node indices in name order */
	struct cs_hx_resource *res;
	uint32_t nres;
	uint32_t per_node;       /* threads per participant */
	uint64_t cluster_limit;  /* messages outstanding cluster-wide; 0: none */
	uint64_t pending_total;
	cs_time rebalance_delay, pipeline_delay;
	bool enforce_r;
	bool started;
	cs_time start_time;
	cs_time run_at;          /* the earliest pipeline run pending, CS_TIME_NEVER */
	uint32_t view_pending;   /* view changes not yet seen by the controller */
	/* scratch, N entries each */
	int8_t *target;
	uint32_t *cand_node;
	uint8_t *cand_trans, *assigned;
	uint32_t *queue, *prio;
};

/* ---- controller.c ---- */
/* Change the current state of (p, n) to s, keeping every count. */
void cs_hx_set_state(struct cs_hx_resource *r, uint32_t p, uint32_t n, int s);
/* Top-state replicas per up node, max over mean; false if undefined (no
 * node up, or no top-state replica). */
bool cs_hx_balance(const struct cs_hx_resource *r, double *out);
/* The state bound of s in r, -1 if unbounded. */
int64_t cs_hx_bound(const struct cs_hx_resource *r, int s);

/* ---- strategy.c ---- */
/* Full-auto: compute r->pref / r->npref from the current mapping
 * (replicas and transitions under way) and the controller's live nodes. */
void cs_hx_full_auto(struct cs_hx_resource *r);

#endif
