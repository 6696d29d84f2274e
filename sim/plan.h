/* sim/plan — the runs of a command: points, each with its replications
 * (sim/replicate), run up to `jobs` at a time (sim/parallel).
 *
 * A point with one replication is one run straight into its target (as
 * a sweep point always was); a point with N > 1 is N units, each a
 * replication run into the point's staging directory, assembled into
 * the target once all N are complete (after the units have run, in
 * point order, unless the command was interrupted).  With resume, a
 * point whose target has a complete result of the same experiment
 * (summary.json, point.json) is not run, nor is a replication whose
 * staging directory has one.  Ownership: the plan owns its points'
 * strings and trees (cs_plan_release). */
#ifndef CS_PLAN_H
#define CS_PLAN_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sim/parallel.h"

struct cs_plan_point {
	char *label;   /* for messages */
	char *target;  /* the point's results directory */
	char *staging; /* its replications' staging directory (N > 1) */
	json_t *given; /* the point's experiment as given, "replications" taken out */
	size_t nreps;
	bool write_point; /* point.json in the target (sweeps) */
	enum cs_unit_status status; /* the point's, once run */
	size_t ok, failed, interrupted; /* its replications' */
	char *error; /* a failed point with replications: the first failed
		      * replication's message (or the assembly's), for the
		      * caller to report once; NULL otherwise */
};

struct cs_plan {
	struct cs_plan_point *pts;
	size_t n, cap;
	const char *file;
	bool force, resume, quiet;
	int jobs;
};

/* Add a point (steals given; NULL: a point whose experiment could not
 * be made, reported by the caller: it fails without running).  staging:
 * its replications' directory, or NULL for the default beside the target
 * (sim/replicate). */
struct cs_plan_point *cs_plan_add(struct cs_plan *p, const char *label, const char *target, const char *staging,
				  json_t *given, size_t nreps, bool write_point);
/* Run what needs running; each point's status is set (CS_UNIT_OK when
 * its results are complete, also when resume found them so). */
void cs_plan_run(struct cs_plan *p);
/* The plan's units (point by point, each point's replications in
 * order: unit u of a sweep is the same u on every machine), and in
 * *todo (the caller frees) which still need running (with resume: not
 * those complete already).  Nothing runs. */
size_t cs_plan_todo(struct cs_plan *p, bool **todo);
/* How many units the plan has. */
size_t cs_plan_units(const struct cs_plan *p);
/* Run one unit in this process (an array task, a line of
 * --emit-commands); its exit code. */
int cs_plan_run_unit(struct cs_plan *p, size_t unit);
/* Run nothing: take what the units left (complete points, staged
 * replications), assemble the points whose replications are all there
 * and set each point's status (not run where something is missing). */
void cs_plan_collect(struct cs_plan *p);
/* Whether point i has a complete result of its experiment in its target. */
bool cs_plan_point_complete(const struct cs_plan_point *pt);
void cs_plan_release(struct cs_plan *p);

#endif
