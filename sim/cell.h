/* sim/cell — the modelled cell: machines, their capacity and allocation,
 * per-machine sequence numbers, up/down state, and how many tasks run on
 * each (the tasks themselves are the jobs': see struct cs_machine).
 *
 * Schedulers change the world only through this API.  cs_cell_claim puts
 * a task on a machine and hands it to the backend (simulation: schedule
 * its end; live mode: ask an agent to start it); cs_cell_release takes it
 * off.  Every claim on a machine bumps that machine's sequence number
 * (Omega's coarse conflict detection reads it), and so does every release
 * unless the cell was told otherwise (cs_cell_set_release_bump: the
 * public Omega simulator bumps on claims only).
 *
 * cs_cell_adjust changes allocation without tasks; cs_cell_tentative does
 * so without counting it as a change (no sequence number, no version):
 * a scheduler places a job's tasks on the shared cell tentatively and
 * takes them back (Omega's "snapshot" costs nothing to take).
 *
 * The cell keeps the time integral of allocated and up capacity, so that
 * utilization is exact (not sampled): pass the current time to every
 * mutating call through the engine pointer given at init (NULL: a replica
 * that keeps no integral).
 *
 * Contracts: claim only where cs_cell_fits says yes on an up machine;
 * release only running tasks (both asserted in debug builds, CS_DEBUG). */
#ifndef CS_CELL_H
#define CS_CELL_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/capindex.h"
#include "sim/engine.h"
#include "sim/job.h"

struct cs_machine_class {
	char *name;
	uint32_t first, count; /* machines [first, first+count) */
	struct cs_res cap;
	json_t *attributes;    /* owned reference, object of strings */
	json_t *taints;        /* owned reference: list of "key[=value]:Effect", or NULL */
};

/* A backend runs the tasks the cell hands it (the simulation: their end
 * events; live mode: processes on agents) and reports back through
 * sim/task.h's cs_task_started / start_failed / exited / lost, at once or
 * later. */
struct cs_cell_backend_ops {
	/* The task was claimed (STAGING): start it, and report. */
	void (*start)(void *backend, struct cs_task *task);
	/* The task is being taken off its machine before its end: stop it
	 * (no report: the caller releases it). */
	void (*kill)(void *backend, struct cs_task *task);
};

/* What the cell knows of one machine, in one cache line: a placement
 * probe, a claim and a release each read or write all of it, for a
 * machine drawn at random among thousands. */
struct cs_machine {
	struct cs_res cap, used;
	uint64_t seq;     /* bumped by every claim, up/down change and (by
			   * default) release: see cs_cell_set_release_bump */
	/* Tasks on it, counted.  The cell keeps no list of them: a claim or
	 * release then touches only the task and the machine (linking tasks
	 * per machine cost a cache miss on another task at every claim and
	 * two at every release -- a third of an Omega-study run).  Who needs
	 * a machine's tasks (a failure, the invariant check) walks the jobs:
	 * see cs_cell_check. */
	uint32_t ntasks;
	uint8_t up;
	/* Up but closed to new tasks (cordoned: an autoscaled instance being
	 * drained or given its spot interruption notice): its tasks run on
	 * and its capacity counts, but nothing is placed on it. */
	uint8_t closed;
} __attribute__((aligned(64)));

struct cs_cell {
	uint32_t n;
	struct cs_machine *mach;   /* n, 64-byte aligned */
	uint16_t *cls;
	uint64_t claims;           /* claims so far: tasks' claim_seq */
	bool overcommit;           /* machines may hold more than their capacity
				    * (as-recorded replay puts tasks where the
				    * trace did): cs_cell_check allows it */
	uint64_t release_bump;     /* what a release adds to its machine's
				    * sequence number: 1 (the default) or 0 */
	struct cs_machine_class *classes;
	uint32_t nclasses;
	struct cs_res total_cap;   /* of up machines */
	struct cs_res total_used;
	struct cs_res max_cap;     /* the largest machine, per resource */
	uint64_t running;          /* tasks on machines */
	uint64_t version;          /* bumped by every change of allocation or
				    * up/down (not by tentative changes) */
	/* The free-capacity index is brought up to date lazily: a change marks
	 * its machine dirty, and cs_cell_index() refreshes the dirty machines
	 * before a query.  Changes that cancel out (tentative claims taken
	 * back) then cost nothing, and the many changes between two queries
	 * are paid for once. */
	struct cs_capindex index;
	uint32_t *dirty;
	uint32_t ndirty;
	uint8_t *is_dirty;

	struct cs_engine *engine;  /* time source for the integrals */
	cs_time area_since;
	double used_cpu_area, used_mem_area, cap_cpu_area, cap_mem_area; /* x seconds */

	const struct cs_cell_backend_ops *backend;
	void *backend_ctx;
	char **hostnames;          /* per machine, or NULL: names given (live mode:
				    * the agents' hosts) instead of CLASS-k */
};

/* Start an empty cell (no classes yet). */
void cs_cell_init(struct cs_cell *cell, struct cs_engine *engine);
/* Append a class of `count` identical machines, all up. attributes may be
 * NULL; the cell takes a new reference. Call before any claim. */
void cs_cell_add_class(struct cs_cell *cell, const char *name, uint32_t count,
		       struct cs_res cap, json_t *attributes);
void cs_cell_release_all(struct cs_cell *cell);
/* Machine m's name, "CLASS-k" (the class's k-th machine, from 0) unless
 * one was given: its hostname for constraints and Kubernetes node
 * labels. */
void cs_cell_machine_name(const struct cs_cell *cell, uint32_t m, char *buf, size_t n);
/* An attribute value as text, into buf: a string as it is, a number or
 * a boolean as JSON writes it (so "rack": 2 and "rack": "2" compare
 * equal).  Returns buf. */
const char *cs_attribute_text(const json_t *v, char *buf, size_t n);
void cs_cell_set_backend(struct cs_cell *cell, const struct cs_cell_backend_ops *ops, void *ctx);
/* Give machine m a hostname of its own (copied; NULL: CLASS-k again). */
void cs_cell_set_hostname(struct cs_cell *cell, uint32_t m, const char *name);
/* Give down, empty machine m a capacity of its own (live mode: what its
 * agent offers).  max_cap only grows. */
void cs_cell_set_capacity(struct cs_cell *cell, uint32_t m, struct cs_res cap);

static inline bool cs_cell_fits(const struct cs_cell *cell, uint32_t m, const struct cs_res *r)
{
	const struct cs_res *c = &cell->mach[m].cap, *u = &cell->mach[m].used;
	return cell->mach[m].up && !cell->mach[m].closed && u->cpu + r->cpu <= c->cpu && u->mem + r->mem <= c->mem &&
	       u->disk + r->disk <= c->disk;
}
static inline struct cs_res cs_cell_free(const struct cs_cell *cell, uint32_t m)
{
	struct cs_res f = {cell->mach[m].cap.cpu - cell->mach[m].used.cpu,
			   cell->mach[m].cap.mem - cell->mach[m].used.mem,
			   cell->mach[m].cap.disk - cell->mach[m].used.disk};
	return f;
}

/* Put a pending task on machine m; the backend starts it.  The caller
 * has checked that the task fits (asserted in debug builds). */
void cs_cell_claim(struct cs_cell *cell, struct cs_task *task, uint32_t m);
/* cs_cell_claim for a task that may not fit: as-recorded replay may
 * over-commit. */
void cs_cell_claim_unchecked(struct cs_cell *cell, struct cs_task *task, uint32_t m);
/* Stop a running task early: the backend kills it, then it is released. */
void cs_cell_kill(struct cs_cell *cell, struct cs_task *task, enum cs_task_state end_state);
/* Mark a machine up or down.  Taking a machine down does not touch its
 * tasks: the caller (the world) kills them first and tells schedulers. */
void cs_cell_set_up(struct cs_cell *cell, uint32_t m, bool up);
/* Close an up machine to new tasks, or open it again (see struct
 * cs_machine's closed); schedulers see it as full while closed. */
void cs_cell_set_closed(struct cs_cell *cell, uint32_t m, bool closed);
/* Change machine m's allocation by sign*r without a task (replicas);
 * bumps the sequence number like a claim (sign +1) or a release (-1). */
void cs_cell_adjust(struct cs_cell *cell, uint32_t m, const struct cs_res *r, int sign);
/* A running task's request changes from `from` to `to` (its job's
 * request is changing: the caller resizes every running task of the job,
 * then sets job->req to `to`).  Its machine's allocation changes by the
 * difference, counted; the sequence number is bumped as by a claim if
 * anything grows, else as by a release.  The caller has checked that it
 * fits (cs_cell_fits of the difference), or accepts over-commit
 * (as-recorded replay). */
void cs_cell_resize(struct cs_cell *cell, struct cs_task *task, const struct cs_res *from, const struct cs_res *to);

/* Whether a release bumps its machine's sequence number (true, the
 * default: the machine changed) or only claims do (false, as in the
 * public Omega simulator).  Omega's "sequence_bump" key; call before the
 * run.  Claims and machines going up or down always bump. */
static inline void cs_cell_set_release_bump(struct cs_cell *cell, bool bump)
{
	cell->release_bump = bump;
}

/* Change machine m's allocation by sign*r for a moment, without bumping
 * its sequence number or the cell totals: a scheduler trying placements
 * "on its private copy" applies them here, then takes every one back
 * before anything else happens.  Between the two, only the per-machine
 * allocation and the capacity index are to be trusted. */
static inline void cs_cell_mark_dirty(struct cs_cell *cell, uint32_t m)
{
	if (!cell->is_dirty[m]) {
		cell->is_dirty[m] = 1;
		cell->dirty[cell->ndirty++] = m;
	}
}
/* inline: Omega calls it several times per task, with a constant sign */
static inline void cs_cell_tentative(struct cs_cell *cell, uint32_t m, const struct cs_res *r, int sign)
{
	struct cs_res *u = &cell->mach[m].used;
	u->cpu += sign * r->cpu;
	u->mem += sign * r->mem;
	u->disk += sign * r->disk;
	cs_cell_mark_dirty(cell, m);
}

/* The checks of every claim and release: debug builds only (make asan
 * builds with CS_DEBUG), since they run for every task -- a few per cent
 * of a run.  The invariant check (cs_cell_check) covers the same ground
 * in any build. */
#ifdef CS_DEBUG
#include <assert.h>
#define CS_TASK_ASSERT(x) assert(x)
#else
#define CS_TASK_ASSERT(x) ((void)0)
#endif

/* Bring the time integrals up to now. */
void cs_cell_account(struct cs_cell *cell);

/* Change machine m's allocation by sign*r, counted, adding seq_bump to
 * its sequence number (the body of claim, release and cs_cell_adjust;
 * inline, with a constant sign, in the simulator's innermost loop). */
static inline void cs_cell_apply_(struct cs_cell *cell, uint32_t m, const struct cs_res *r, int sign,
				  uint64_t seq_bump)
{
	if (cell->engine && cell->engine->now != cell->area_since)
		cs_cell_account(cell);
	struct cs_res *u = &cell->mach[m].used;
	u->cpu += sign * r->cpu;
	u->mem += sign * r->mem;
	u->disk += sign * r->disk;
	cell->total_used.cpu += sign * r->cpu;
	cell->total_used.mem += sign * r->mem;
	cell->total_used.disk += sign * r->disk;
	cell->mach[m].seq += seq_bump;
	cell->version++;
	cs_cell_mark_dirty(cell, m);
}

/* cs_cell_release with the cell's release_bump passed in: a loop that
 * releases many tasks reads it once (as a load in every release, it was
 * an instruction per task). */
static inline void cs_cell_release_bumping(struct cs_cell *cell, struct cs_task *task, enum cs_task_state end_state,
					   uint64_t release_bump)
{
	CS_TASK_ASSERT(cs_task_on_machine(task));
	CS_TASK_ASSERT(end_state >= CS_TASK_FINISHED && end_state <= CS_TASK_LOST);
	CS_TASK_ASSERT(release_bump == cell->release_bump);
	uint32_t m = task->machine;
	cs_cell_apply_(cell, m, &task->job->req, -1, release_bump);
	cell->mach[m].ntasks--;
	cell->running--;
	task->state = end_state;
	task->job->ended++;
}

/* Take a running task off its machine, leaving it in state `end_state`
 * (DONE, KILLED or LOST).  The backend is not told: this is for ends the
 * backend reported or caused.  Inline: every task's end comes here. */
static inline void cs_cell_release(struct cs_cell *cell, struct cs_task *task, enum cs_task_state end_state)
{
	cs_cell_release_bumping(cell, task, end_state, cell->release_bump);
}

/* How many tasks of req the cell could take now (machines filled one
 * after another), counting up to limit: O(machines with room x log n). */
uint64_t cs_cell_fit_count(const struct cs_cell *cell, const struct cs_res *req, uint64_t limit);

/* Check the invariants: no machine over capacity, totals equal the sums
 * over machines, and each machine's allocation and task count equal the
 * sums over the running tasks on it.  jobs: the first of a list linked by
 * live_next that holds every job with a task on the cell (the world's
 * live jobs).  Returns false (and says why on stderr). */
bool cs_cell_check(const struct cs_cell *cell, const struct cs_job *jobs);
/* The capacity index, up to date (logically const: it refreshes a cache). */
const struct cs_capindex *cs_cell_index(const struct cs_cell *cell);

/* The class a machine belongs to. */
static inline const struct cs_machine_class *cs_cell_class_of(const struct cs_cell *cell, uint32_t m)
{
	return &cell->classes[cell->cls[m]];
}

#endif
