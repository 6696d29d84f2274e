/* sim/plan — see plan.h. */
#include "sim/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/alloc.h"
#include "sim/interrupt.h"
#include "sim/outdir.h"
#include "sim/replicate.h"
#include "sim/run.h"

struct cs_plan_point *cs_plan_add(struct cs_plan *p, const char *label, const char *target, const char *staging,
				  json_t *given, size_t nreps, bool write_point)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->pts = cs_xrealloc(p->pts, p->cap * sizeof *p->pts);
	}
	struct cs_plan_point *pt = &p->pts[p->n++];
	memset(pt, 0, sizeof *pt);
	pt->label = cs_xstrdup(label);
	pt->target = cs_xstrdup(target);
	pt->staging = nreps < 2 ? NULL : staging ? cs_xstrdup(staging) : cs_replication_staging(target);
	pt->given = given;
	pt->nreps = nreps;
	pt->write_point = write_point;
	return pt;
}

/* What the point's point.json holds: its experiment as given, and with
 * replications their count (so that a point resumed with another count
 * runs again). */
static json_t *point_doc(const struct cs_plan_point *pt)
{
	json_t *d = json_deep_copy(pt->given);
	if (d && pt->nreps > 1)
		json_object_set_new(d, "replications", json_integer((json_int_t)pt->nreps));
	return d;
}

bool cs_plan_point_complete(const struct cs_plan_point *pt)
{
	char *sum = cs_xasprintf("%s/summary.json", pt->target), *pj = cs_xasprintf("%s/point.json", pt->target);
	json_t *given = json_load_file(pj, 0, NULL), *want = point_doc(pt);
	bool ok = access(sum, R_OK) == 0 && given && json_equal(given, want);
	json_decref(want);
	json_decref(given);
	free(sum);
	free(pj);
	return ok;
}

/* The units: unit u is replication rep[u] of point pt[u]. */
struct units_ctx {
	struct cs_plan *plan;
	size_t *pt, *rep;
	char **labels;
	enum cs_unit_status *st; /* each unit's, once it ended */
};

static char *error_file(const struct cs_plan_point *pt, size_t k)
{
	return cs_xasprintf("%s/%zu.error", pt->staging, k + 1);
}

static int write_unit_error(const struct cs_plan_point *pt, size_t k, const char *msg)
{
	struct cs_error e = {0};
	if (cs_mkdir_p(pt->staging, &e) < 0)
		return -1;
	char *path = error_file(pt, k);
	int rc = cs_write_file_atomic(path, msg, strlen(msg), &e);
	free(path);
	return rc;
}

/* The first line of a file (a new string, its newline left out), or
 * NULL if it cannot be read or is empty. */
static char *first_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = f ? getline(&line, &cap, f) : -1;
	if (f)
		fclose(f);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* The message of the first failed replication of pt (a new string); the
 * error files are removed (the replications that succeeded stay staged). */
static char *first_error(const struct cs_plan_point *pt, const enum cs_unit_status *st)
{
	char *first = NULL;
	for (size_t k = 0; k < pt->nreps; k++) {
		if (st[k] != CS_UNIT_FAILED)
			continue;
		char *path = error_file(pt, k), *msg = first ? NULL : first_line(path);
		first = first ? first : msg;
		unlink(path);
		free(path);
	}
	return first ? first : cs_xstrdup("a replication failed (its process ended without a message)");
}

static int run_unit(void *vctx, size_t u)
{
	struct units_ctx *c = vctx;
	struct cs_plan *plan = c->plan;
	struct cs_plan_point *pt = &plan->pts[c->pt[u]];
	struct cs_error err = {0};
	int rc = 0;
	if (pt->nreps == 1) {
		struct cs_run_opts opts = {plan->file, pt->target, true, true, pt->label,
					   pt->write_point ? pt->given : NULL, NULL};
		json_t *run = json_deep_copy(pt->given); /* the run fills in defaults */
		rc = cs_run_experiment(run, &opts, &err);
		json_decref(run);
	} else {
		json_t *rep = cs_replication_experiment(pt->given, c->rep[u], plan->file, &err);
		rc = rep ? cs_replication_run(rep, plan->file, pt->staging, c->rep[u], pt->label, &err) : -1;
		json_decref(rep);
	}
	if (rc < 0) {
		rc = err.code ? err.code : CS_EXIT_INTERNAL;
		/* a replication's error goes to a file of the staging directory:
		 * the point then reports its first failed replication's, once
		 * (a bad experiment fails all N alike) */
		if (!cs_interrupted() && (pt->nreps == 1 || write_unit_error(pt, c->rep[u], err.msg) < 0))
			fprintf(stderr, "clustersim: %s: %s\n", c->labels[u], err.msg);
	}
	return rc;
}

static void unit_done(void *vctx, size_t u, enum cs_unit_status st)
{
	struct units_ctx *c = vctx;
	struct cs_plan_point *pt = &c->plan->pts[c->pt[u]];
	c->st[u] = st;
	pt->ok += st == CS_UNIT_OK;
	pt->failed += st == CS_UNIT_FAILED;
	pt->interrupted += st == CS_UNIT_INTERRUPTED;
}

static const char *unit_label(void *vctx, size_t u)
{
	return ((struct units_ctx *)vctx)->labels[u];
}

/* A point's status once its units ran; assembles its replications. */
static void finish_point(struct cs_plan *plan, struct cs_plan_point *pt, const enum cs_unit_status *st)
{
	if (pt->status == CS_UNIT_OK)
		return; /* complete before */
	if (pt->failed) {
		pt->status = CS_UNIT_FAILED;
		if (pt->nreps > 1 && pt->given)
			pt->error = first_error(pt, st);
	} else if (pt->nreps == 1 && pt->ok) {
		pt->status = CS_UNIT_OK; /* its run is its result */
	} else if (pt->ok < pt->nreps) {
		/* (replications done are kept in staging for --resume) */
		pt->status = (pt->ok || pt->interrupted) && cs_interrupted() ? CS_UNIT_INTERRUPTED : CS_UNIT_NOT_RUN;
	} else {
		/* every replication is there: assembled even when the command
		 * was interrupted meanwhile (a rename and two small files) */
		struct cs_error err = {0};
		json_t *doc = pt->write_point ? point_doc(pt) : NULL;
		int ar = cs_replications_assemble(pt->target, pt->staging, pt->nreps, doc, true, &err);
		json_decref(doc);
		if (ar < 0) {
			pt->error = cs_xstrdup(err.msg);
			pt->status = CS_UNIT_FAILED;
		} else {
			pt->status = CS_UNIT_OK;
		}
	}
}

/* The units of the plan, which of them are still to run (todo), and the
 * points' state before running: complete points (resume) are OK, their
 * complete staged replications counted. */
static size_t plan_units(struct cs_plan *plan, struct units_ctx *c, bool **todo_out)
{
	size_t total = 0;
	for (size_t i = 0; i < plan->n; i++)
		total += plan->pts[i].nreps;
	size_t cap = total ? total : 1;
	*c = (struct units_ctx){plan, cs_xcalloc(cap, sizeof *c->pt), cs_xcalloc(cap, sizeof *c->rep),
				cs_xcalloc(cap, sizeof *c->labels), cs_xcalloc(cap, sizeof *c->st)};
	bool *todo = cs_xcalloc(cap, sizeof *todo);
	size_t u = 0;
	for (size_t i = 0; i < plan->n; i++) {
		struct cs_plan_point *pt = &plan->pts[i];
		pt->ok = pt->failed = pt->interrupted = 0;
		bool done = plan->resume && pt->given && cs_plan_point_complete(pt);
		pt->status = done ? CS_UNIT_OK : CS_UNIT_NOT_RUN;
		if (!pt->given) {
			pt->failed = 1; /* its experiment could not be made (said when added) */
			done = true;
		}
		for (size_t k = 0; k < pt->nreps; k++, u++) {
			c->pt[u] = i;
			c->rep[u] = k;
			c->labels[u] = pt->nreps == 1 ? cs_xstrdup(pt->label)
						      : cs_xasprintf("%s replication %zu/%zu", pt->label, k + 1, pt->nreps);
			todo[u] = !done;
			if (done || pt->nreps == 1 || !plan->resume)
				continue;
			struct cs_error err = {0};
			json_t *rep = cs_replication_experiment(pt->given, k, plan->file, &err);
			if (rep && cs_replication_complete(pt->staging, k, rep)) {
				todo[u] = false;
				pt->ok++;
				c->st[u] = CS_UNIT_OK;
			}
			json_decref(rep);
		}
	}
	*todo_out = todo;
	return total;
}

static void units_release(struct units_ctx *c, size_t total, bool *todo)
{
	for (size_t i = 0; i < total; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->pt);
	free(c->rep);
	free(c->st);
	free(todo);
}

static void finish_points(struct cs_plan *plan, const struct units_ctx *c)
{
	for (size_t i = 0, first = 0; i < plan->n; first += plan->pts[i].nreps, i++)
		finish_point(plan, &plan->pts[i], c->st + first);
}

void cs_plan_run(struct cs_plan *plan)
{
	struct units_ctx c;
	bool *todo;
	size_t total = plan_units(plan, &c, &todo);
	struct cs_units units = {total, todo, plan->jobs, run_unit, unit_done, unit_label, plan->quiet, &c};
	cs_units_run(&units);
	finish_points(plan, &c);
	units_release(&c, total, todo);
}

size_t cs_plan_todo(struct cs_plan *plan, bool **todo)
{
	struct units_ctx c;
	size_t total = plan_units(plan, &c, todo);
	units_release(&c, total, NULL); /* (the caller keeps todo) */
	return total;
}

void cs_plan_collect(struct cs_plan *plan)
{
	bool resume = plan->resume;
	plan->resume = true; /* what is there counts; nothing runs */
	struct units_ctx c;
	bool *todo;
	size_t total = plan_units(plan, &c, &todo);
	finish_points(plan, &c); /* a point with a unit missing stays "not run" */
	for (size_t i = 0; i < plan->n; i++)
		if (plan->pts[i].status == CS_UNIT_OK && plan->pts[i].staging)
			cs_rm_rf(plan->pts[i].staging); /* runs repeated after the point was complete */
	units_release(&c, total, todo);
	plan->resume = resume;
}

int cs_plan_run_unit(struct cs_plan *plan, size_t unit)
{
	struct units_ctx c;
	bool *todo;
	size_t total = plan_units(plan, &c, &todo);
	struct cs_plan_point *pt = unit < total ? &plan->pts[c.pt[unit]] : NULL;
	int rc = CS_EXIT_INPUT;
	if (pt && !pt->given) {
		fprintf(stderr, "clustersim: %s: its experiment cannot be made (the sweep says why)\n", pt->label);
	} else if (pt && cs_plan_point_complete(pt)) {
		rc = 0; /* its point is complete already (a command run twice) */
	} else if (pt) {
		rc = run_unit(&c, unit);
		/* a replication's error went to its file: say it here too (the
		 * array task's log) */
		char *path = rc && pt->nreps > 1 ? error_file(pt, c.rep[unit]) : NULL, *msg = path ? first_line(path) : NULL;
		if (msg)
			fprintf(stderr, "clustersim: %s: %s\n", c.labels[unit], msg);
		free(msg);
		free(path);
	}
	units_release(&c, total, todo);
	return rc;
}

size_t cs_plan_units(const struct cs_plan *plan)
{
	size_t total = 0;
	for (size_t i = 0; i < plan->n; i++)
		total += plan->pts[i].nreps;
	return total;
}

void cs_plan_release(struct cs_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->pts[i].label);
		free(p->pts[i].target);
		free(p->pts[i].staging);
		free(p->pts[i].error);
		json_decref(p->pts[i].given);
	}
	free(p->pts);
	memset(p, 0, sizeof *p);
}
