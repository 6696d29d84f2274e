/* controllers/app_rule — an app's placement constraints (Marathon's seven
 * operators; Aurora's constraints become them, specs/aurora.c) as the
 * placement rule of its jobs (sim/job.h), kept by any scheduler kind.
 *
 * A constraint's field is "hostname" (the machine's name, CLASS-k) or an
 * attribute of the machine's class (as text).  For a machine m with value
 * v of the field, and the app's instances on machines (running or staging,
 * plus the picks of the attempt under way):
 *   UNIQUE        no instance has v
 *   CLUSTER x     v = x; CLUSTER without a value: v = the value of the
 *                 instances there are (any, when there is none)
 *   GROUP_BY      the instances on v are the fewest of any value the up
 *                 machines have (so they spread evenly; Marathon's value,
 *                 the number of values to expect, is read but the model
 *                 knows the cell's values)
 *   LIKE re       v matches re as a whole (POSIX extended)
 *   UNLIKE re     v does not match re
 *   MAX_PER n     fewer than n instances have v
 *   IS x          v = x
 * A machine without the attribute meets only UNLIKE (Marathon's rule).
 * Every started instance is checked again against the others:
 * summary.json's constraint_violations counts those that break one (0 is
 * the invariant; debug builds abort on one). */
#include <assert.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/app_track.h"
#include "sim/alloc.h"
#include "specs/spec.h"

struct cs_app_rule {
	struct cs_placement_rule rule;
	const struct cs_app_track *t;
	const struct cs_app *app;
	regex_t *re;            /* per constraint: compiled for LIKE and UNLIKE */
	bool *compiled;
};

/* the field's value on m, or NULL */
static const char *value_of(const struct cs_cell *cell, uint32_t m, const char *field, char *buf, size_t n)
{
	if (strcmp(field, "hostname") == 0) {
		cs_cell_machine_name(cell, m, buf, n);
		return buf;
	}
	const json_t *v = json_object_get(cell->classes[cell->cls[m]].attributes, field);
	return v ? cs_attribute_text(v, buf, n) : NULL;
}

/* Call fn(ctx, machine) for every instance's machine but `skip`'s, and the
 * chosen ones. */
static void for_instances(const struct cs_app_rule *r, const struct cs_task *skip, const uint32_t *chosen,
			  uint32_t nchosen, void (*fn)(void *ctx, uint32_t m), void *ctx)
{
	for (size_t j = 0; j < r->t->nlive; j++) {
		const struct cs_job *job = r->t->live[j];
		for (uint32_t i = 0; job->tasks && i < job->ntasks; i++)
			if (&job->tasks[i] != skip && cs_task_on_machine(&job->tasks[i]))
				fn(ctx, job->tasks[i].machine);
	}
	for (uint32_t i = 0; i < nchosen; i++)
		fn(ctx, chosen[i]);
}

struct count_ctx {
	const struct cs_cell *cell;
	const char *field, *value; /* count the instances with this value */
	uint32_t n;
	char first[256];          /* CLUSTER: an instance's value */
	bool any;
};

static void count_one(void *ctx, uint32_t m)
{
	struct count_ctx *c = ctx;
	char buf[256];
	const char *v = value_of(c->cell, m, c->field, buf, sizeof buf);
	if (v && !c->any) {
		snprintf(c->first, sizeof c->first, "%s", v);
		c->any = true;
	}
	if (v && c->value && strcmp(v, c->value) == 0)
		c->n++;
}

static uint32_t count(const struct cs_app_rule *r, const struct cs_cell *cell, const char *field, const char *value,
		      const struct cs_task *skip, const uint32_t *chosen, uint32_t nchosen, struct count_ctx *out)
{
	*out = (struct count_ctx){cell, field, value, 0, "", false};
	for_instances(r, skip, chosen, nchosen, count_one, out);
	return out->n;
}

/* GROUP_BY: whether v has the fewest instances of the up machines' values */
static bool fewest(const struct cs_app_rule *r, const struct cs_cell *cell, const char *field, uint32_t here,
		   const struct cs_task *skip, const uint32_t *chosen, uint32_t nchosen)
{
	for (uint32_t c = 0; c < cell->nclasses; c++) {
		const struct cs_machine_class *mc = &cell->classes[c];
		for (uint32_t m = mc->first; m < mc->first + mc->count; m++) {
			if (!cell->mach[m].up)
				continue;
			char buf[256];
			const char *v = value_of(cell, m, field, buf, sizeof buf);
			struct count_ctx cc;
			if (v && count(r, cell, field, v, skip, chosen, nchosen, &cc) < here)
				return false;
			if (strcmp(field, "hostname") != 0)
				break; /* a class's machines share its attributes */
		}
	}
	return true;
}

static bool holds(const struct cs_app_rule *r, const struct cs_cell *cell, uint32_t m, const struct cs_task *skip,
		  const uint32_t *chosen, uint32_t nchosen)
{
	for (size_t i = 0; i < r->app->nconstraints; i++) {
		const struct cs_constraint *c = &r->app->constraints[i];
		char buf[256];
		const char *v = value_of(cell, m, c->field, buf, sizeof buf);
		if (!v) {
			if (c->op == CS_CON_UNLIKE)
				continue;
			return false;
		}
		struct count_ctx cc;
		uint32_t here = count(r, cell, c->field, v, skip, chosen, nchosen, &cc);
		bool ok = true;
		switch (c->op) {
		case CS_CON_UNIQUE:
			ok = here == 0;
			break;
		case CS_CON_CLUSTER:
			ok = c->value ? strcmp(v, c->value) == 0 : !cc.any || strcmp(v, cc.first) == 0;
			break;
		case CS_CON_GROUP_BY:
			ok = fewest(r, cell, c->field, here, skip, chosen, nchosen);
			break;
		case CS_CON_LIKE:
		case CS_CON_UNLIKE: {
			bool match = regexec(&r->re[i], v, 0, NULL, 0) == 0;
			ok = c->op == CS_CON_LIKE ? match : !match;
			break;
		}
		case CS_CON_MAX_PER:
			ok = here < (uint32_t)strtoul(c->value, NULL, 10);
			break;
		case CS_CON_IS:
			ok = strcmp(v, c->value) == 0;
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool rule_allows(void *ctx, const struct cs_cell *cell, uint32_t m, const uint32_t *chosen, uint32_t nchosen)
{
	return holds(ctx, cell, m, NULL, chosen, nchosen);
}

struct cs_app_rule *cs_app_rule_new(const struct cs_app_track *t, const struct cs_app *app)
{
	if (!app || app->nconstraints == 0)
		return NULL;
	struct cs_app_rule *r = cs_xcalloc(1, sizeof *r);
	r->rule = (struct cs_placement_rule){rule_allows, r};
	r->t = t;
	r->app = app;
	r->re = cs_xcalloc(app->nconstraints, sizeof *r->re);
	r->compiled = cs_xcalloc(app->nconstraints, sizeof *r->compiled);
	for (size_t i = 0; i < app->nconstraints; i++) {
		const struct cs_constraint *c = &app->constraints[i];
		if (c->op != CS_CON_LIKE && c->op != CS_CON_UNLIKE)
			continue;
		char *anchored = cs_xasprintf("^(%s)$", c->value);
		/* the spec reader compiled it already: it is valid */
		r->compiled[i] = regcomp(&r->re[i], anchored, REG_EXTENDED | REG_NOSUB) == 0;
		free(anchored);
	}
	return r;
}

const struct cs_placement_rule *cs_app_rule_of(const struct cs_app_rule *r)
{
	return r ? &r->rule : NULL;
}

bool cs_app_rule_kept(const struct cs_app_rule *r, const struct cs_cell *cell, const struct cs_task *task)
{
	return !r || holds(r, cell, task->machine, task, NULL, 0);
}

void cs_app_rule_free(struct cs_app_rule *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->app->nconstraints; i++)
		if (r->compiled[i])
			regfree(&r->re[i]);
	free(r->re);
	free(r->compiled);
	free(r);
}
