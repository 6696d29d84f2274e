/* sim/world_failures — machines that break and come back: the
 * experiment's failure processes ("failures") and scripted failures
 * ("events": fail_machine, recover_machine, fail_attribute,
 * recover_attribute), and the down count every source shares.
 *
 * A failure process is {"mtbf": DIST, "mttr": DIST} (seconds), optionally
 * for the machines of one "class" only, and optionally "group_by" a
 * machine attribute: then the unit that fails is every machine sharing a
 * value of it (a rack, a power domain: correlated failures), else one
 * machine.  Each unit alternates up (a draw of mtbf) and down (a draw of
 * mttr), from time 0, on the entry's own random stream
 * ("failures[i]"), so adding an entry changes no other's draws.
 *
 * Down count: a machine is down while any failure that took it down is
 * unrepaired (a process's, a scripted event's, machine_events'); a
 * recovery without a matching failure does nothing.  Only the transitions
 * reach the cell and the scheduler: the tasks on a machine that goes down
 * are lost (their jobs, or their controllers, place them again), and a
 * machine that comes back is empty.
 *
 * Reported in summary.json "failures": failures and repairs (of units),
 * machine_failures (machines taken down), machine_down_seconds (over the
 * run), machine_availability (1 - down machine-seconds / machine-seconds).
 * With exponential up and down times the long-run fraction up is
 * mtbf / (mtbf + mttr): docs/validation.md checks it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/world_internal.h"
#include "workloads/dist.h"

/* at most this many failure cycles expected per process and run */
#define CS_MAX_FAILURES 1e8

struct unit {
	struct failure_process *proc;
	uint32_t *machines;
	uint32_t n;
	bool down;
};

struct failure_process {
	struct cs_world_failures *f;
	struct cs_dist mtbf, mttr;
	gsl_rng *rng;
	struct unit *units;
	uint32_t nunits;
};

enum ev_kind { EV_FAIL, EV_RECOVER };
struct scripted {
	struct cs_world_failures *f;
	cs_time at;
	enum ev_kind kind;
	uint32_t *machines;
	uint32_t n;
};

struct cs_world_failures {
	struct cs_world *w;
	uint16_t *down;              /* per machine: failures holding it down */
	uint8_t *offline;            /* per machine: out of service (an
				      * autoscaling group's instance not
				      * launched): down whatever its failures */
	cs_time *down_since;
	struct failure_process *procs;
	uint32_t nprocs;
	struct scripted *events;
	uint32_t nevents;
	uint64_t failures, repairs, machine_failures;
	uint32_t ndown;              /* machines down now */
	double down_seconds;
	bool reported;               /* "failures" or "events" given: in summary.json */
};

static struct cs_world_failures *failures_of(struct cs_world *w)
{
	if (!w->failures) {
		struct cs_world_failures *f = cs_xcalloc(1, sizeof *f);
		f->w = w;
		f->down = cs_xcalloc(w->cell.n ? w->cell.n : 1, sizeof *f->down);
		f->down_since = cs_xcalloc(w->cell.n ? w->cell.n : 1, sizeof *f->down_since);
		f->offline = cs_xcalloc(w->cell.n ? w->cell.n : 1, sizeof *f->offline);
		w->failures = f;
	}
	return w->failures;
}

void cs_world_fail_machine(struct cs_world *w, uint32_t m)
{
	struct cs_world_failures *f = failures_of(w);
	if (f->down[m]++ > 0)
		return;
	f->machine_failures++;
	f->ndown++;
	f->down_since[m] = cs_engine_now(&w->engine);
	if (!f->offline[m]) /* (a booting instance's machine is offline: down already) */
		cs_world_machine_down(w, m);
	cs_world_autoscale_failed(w, m); /* a group replaces its failed instance */
}

void cs_world_repair_machine(struct cs_world *w, uint32_t m)
{
	struct cs_world_failures *f = failures_of(w);
	if (f->down[m] == 0 || --f->down[m] > 0)
		return;
	f->ndown--;
	f->down_seconds += cs_time_to_seconds(cs_engine_now(&w->engine) - f->down_since[m]);
	if (!f->offline[m])
		cs_world_machine_up(w, m);
}

void cs_world_take_offline(struct cs_world *w, uint32_t m, bool at_start)
{
	struct cs_world_failures *f = failures_of(w);
	if (f->offline[m])
		return;
	f->offline[m] = 1;
	if (f->down[m])
		return; /* down already */
	if (at_start)
		cs_cell_set_up(&w->cell, m, false); /* (no scheduler yet to tell) */
	else
		cs_world_machine_down(w, m);
}

void cs_world_bring_online(struct cs_world *w, uint32_t m)
{
	struct cs_world_failures *f = failures_of(w);
	if (!f->offline[m])
		return;
	f->offline[m] = 0;
	if (!f->down[m])
		cs_world_machine_up(w, m);
}

bool cs_world_machine_failed(struct cs_world *w, uint32_t m)
{
	return w->failures && w->failures->down[m] > 0;
}

/* ---- failure processes ---- */

/* A unit's failure or repair, and the draw of how long until the next
 * (mttr after a failure, mtbf after a repair). */
static void unit_flip(void *ctx, cs_time now)
{
	struct unit *u = ctx;
	struct failure_process *p = u->proc;
	u->down = !u->down;
	if (u->down)
		p->f->failures++;
	else
		p->f->repairs++;
	for (uint32_t i = 0; i < u->n; i++) {
		if (u->down)
			cs_world_fail_machine(p->f->w, u->machines[i]);
		else
			cs_world_repair_machine(p->f->w, u->machines[i]);
	}
	cs_engine_after(&p->f->w->engine, cs_dist_sample_time(u->down ? &p->mttr : &p->mtbf, p->rng), unit_flip, u);
}

static const json_t *class_attr(const struct cs_machine_class *c, const char *attr)
{
	return json_object_get(c->attributes, attr);
}

static void unit_add(struct unit *u, uint32_t first, uint32_t count)
{
	u->machines = cs_xrealloc(u->machines, (u->n + count) * sizeof *u->machines);
	for (uint32_t m = first; m < first + count; m++)
		u->machines[u->n++] = m;
}

/* the units of one process: machines of the class (all if NULL), one
 * per machine or one per value of group_by */
static void make_units(struct cs_world *w, struct failure_process *p, const char *cls, const char *group_by)
{
	const struct cs_cell *cell = &w->cell;
	char (*values)[256] = NULL;
	for (uint32_t c = 0; c < cell->nclasses; c++) {
		const struct cs_machine_class *mc = &cell->classes[c];
		if (cls && strcmp(mc->name, cls) != 0)
			continue;
		if (!group_by) {
			p->units = cs_xrealloc(p->units, (p->nunits + mc->count) * sizeof *p->units);
			for (uint32_t m = mc->first; m < mc->first + mc->count; m++) {
				p->units[p->nunits] = (struct unit){p, NULL, 0, false};
				unit_add(&p->units[p->nunits++], m, 1);
			}
			continue;
		}
		const json_t *v = class_attr(mc, group_by);
		if (!v)
			continue; /* not in any unit of this process */
		char text[256];
		cs_attribute_text(v, text, sizeof text);
		uint32_t u = 0;
		while (u < p->nunits && strcmp(values[u], text) != 0)
			u++;
		if (u == p->nunits) {
			p->units = cs_xrealloc(p->units, (p->nunits + 1) * sizeof *p->units);
			values = cs_xrealloc(values, (p->nunits + 1) * sizeof *values);
			memcpy(values[u], text, sizeof text);
			p->units[p->nunits++] = (struct unit){p, NULL, 0, false};
		}
		unit_add(&p->units[u], mc->first, mc->count);
	}
	free(values);
}

static int parse_process(struct cs_world *w, const struct cs_cfg *cfg, json_t *e, const char *p, size_t index)
{
	static const char *const keys[] = {"mtbf", "mttr", "class", "group_by", NULL};
	struct cs_world_failures *f = failures_of(w);
	struct failure_process *fp = &f->procs[f->nprocs++];
	fp->f = f;
	char q[96];
	const char *cls = NULL, *group_by = NULL;
	if (cs_cfg_keys(cfg, e, p, keys) < 0 || cs_cfg_str(cfg, e, p, "class", NULL, 0, &cls) < 0 ||
	    cs_cfg_str(cfg, e, p, "group_by", NULL, 0, &group_by) < 0)
		return -1;
	json_t *mtbf = json_object_get(e, "mtbf"), *mttr = json_object_get(e, "mttr");
	if (!mtbf || !mttr)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, mtbf ? "mttr" : "mtbf"),
				      "missing (a failure process needs mtbf and mttr, in seconds)");
	if (cs_dist_parse(cfg, mtbf, cs_path_key(q, sizeof q, p, "mtbf"), CS_UNIT_SECONDS, 0, &fp->mtbf) < 0 ||
	    cs_dist_parse(cfg, mttr, cs_path_key(q, sizeof q, p, "mttr"), CS_UNIT_SECONDS, 0, &fp->mttr) < 0)
		return -1;
	if (cls) {
		bool found = false;
		for (uint32_t c = 0; c < w->cell.nclasses && !found; c++)
			found = strcmp(w->cell.classes[c].name, cls) == 0;
		if (!found)
			return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "class"),
					      "no machine class of that name in the cell (got \"%s\")", cls);
	}
	/* the run must end, and not after billions of failures: the expected
	 * number of cycles is units x duration / (mean up + mean down) */
	if (w->duration == CS_TIME_NEVER)
		return cs_error_input(cfg->err, cfg->file, "duration",
				      "missing (failure processes go on for ever: a run with them needs a duration)");
	make_units(w, fp, cls, group_by);
	double cycle = cs_dist_mean(&fp->mtbf) + cs_dist_mean(&fp->mttr);
	double expected = (double)fp->nunits * cs_time_to_seconds(w->duration) / cycle;
	if (expected > CS_MAX_FAILURES)
		return cs_error_input(cfg->err, cfg->file, p,
				      "about %.3g failures and repairs in the run, more than the model's %.0e: mtbf and mttr "
				      "are too short for the duration (got a mean cycle of %g s)", 2 * expected, (double)CS_MAX_FAILURES,
				      cycle);
	if (fp->nunits == 0)
		return cs_error_input(cfg->err, cfg->file, group_by ? cs_path_key(q, sizeof q, p, "group_by") : p,
				      "no machine of the cell is in this failure process%s%s%s", group_by ? " (no class has the attribute \"" : "",
				      group_by ? group_by : "", group_by ? "\")" : "");
	snprintf(q, sizeof q, "failures[%zu]", index);
	fp->rng = cs_world_rng(w, q);
	return 0;
}

/* ---- scripted failures ---- */

static void scripted_fire(void *ctx, cs_time now)
{
	struct scripted *s = ctx;
	if (s->kind == EV_FAIL)
		s->f->failures++;
	else
		s->f->repairs++;
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->kind == EV_FAIL)
			cs_world_fail_machine(s->f->w, s->machines[i]);
		else
			cs_world_repair_machine(s->f->w, s->machines[i]);
	}
}

bool cs_world_class_matches(const struct cs_machine_class *mc, json_t *selector)
{
	const char *k;
	json_t *want;
	json_object_foreach(selector, k, want) {
		char a[256], b[256];
		const json_t *have = strcmp(k, "class") == 0 ? NULL : class_attr(mc, k);
		cs_attribute_text(want, a, sizeof a);
		if (strcmp(k, "class") == 0)
			snprintf(b, sizeof b, "%s", mc->name);
		else if (have)
			cs_attribute_text(have, b, sizeof b);
		if (!((strcmp(k, "class") == 0 || have) && strcmp(a, b) == 0))
			return false;
	}
	return true;
}

/* the machines an event names: an index, or every machine whose class
 * matches each attribute given ("class" matches the class's name) */
static int event_machines(struct cs_world *w, const struct cs_cfg *cfg, json_t *v, const char *p, bool by_attr,
			  struct scripted *s)
{
	char got[128];
	if (!by_attr) {
		json_int_t m = json_integer_value(v);
		if (!json_is_integer(v) || m < 0 || (uint64_t)m >= w->cell.n)
			return cs_error_input(cfg->err, cfg->file, p, "expected a machine's index, 0 to %u (got %s)",
					      w->cell.n ? w->cell.n - 1 : 0, cs_cfg_got(v, got, sizeof got));
		s->machines = cs_xmalloc(sizeof *s->machines);
		s->machines[s->n++] = (uint32_t)m;
		return 0;
	}
	if (!json_is_object(v) || json_object_size(v) == 0)
		return cs_error_input(cfg->err, cfg->file, p, "expected an object of attribute values, e.g. {\"rack\": \"r2\"} (got %s)",
				      cs_cfg_got(v, got, sizeof got));
	for (uint32_t c = 0; c < w->cell.nclasses; c++) {
		const struct cs_machine_class *mc = &w->cell.classes[c];
		if (!cs_world_class_matches(mc, v))
			continue;
		s->machines = cs_xrealloc(s->machines, (s->n + mc->count) * sizeof *s->machines);
		for (uint32_t m = mc->first; m < mc->first + mc->count; m++)
			s->machines[s->n++] = m;
	}
	if (s->n == 0)
		return cs_error_input(cfg->err, cfg->file, p, "no machine of the cell has these attributes (got %s)",
				      cs_cfg_got(v, got, sizeof got));
	return 0;
}

static int parse_event(struct cs_world *w, const struct cs_cfg *cfg, json_t *e, const char *p)
{
	static const char *const actions[] = {"fail_machine", "recover_machine", "fail_attribute", "recover_attribute", NULL};
	static const char *const keys[] = {"at", "fail_machine", "recover_machine", "fail_attribute", "recover_attribute", NULL};
	if (cs_world_is_app_event(e))
		return cs_world_parse_app_event(w, cfg, e, p);
	if (json_object_get(e, "kill") || json_object_get(e, "restart"))
		return cs_error_input(cfg->err, cfg->file, p,
				      "kill and restart are for a balancer's listed servers; in a cell, servers from a "
				      "workload go and come with its tasks (fail their machines instead)");
	if (cs_cfg_keys(cfg, e, p, keys) < 0)
		return -1;
	struct cs_world_failures *f = failures_of(w);
	f->reported = true;
	struct scripted *s = &f->events[f->nevents];
	memset(s, 0, sizeof *s);
	s->f = f;
	int which = -1;
	for (int i = 0; actions[i]; i++) {
		if (!json_object_get(e, actions[i]))
			continue;
		if (which >= 0)
			return cs_error_input(cfg->err, cfg->file, p, "one action per event (got %s and %s)", actions[which], actions[i]);
		which = i;
	}
	if (which < 0)
		return cs_error_input(cfg->err, cfg->file, p,
				      "an event needs an action: fail_machine, recover_machine, fail_attribute, "
				      "recover_attribute, or scale, update or delete (an app)");
	char q[96];
	if (cs_cfg_time(cfg, e, p, "at", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, &s->at) < 0)
		return -1;
	s->kind = which % 2 == 0 ? EV_FAIL : EV_RECOVER;
	f->nevents++; /* counted now: released on error too */
	return event_machines(w, cfg, json_object_get(e, actions[which]), cs_path_key(q, sizeof q, p, actions[which]),
			      which >= 2, s);
}

int cs_world_parse_failures(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *procs = json_object_get(exp, "failures"), *events = json_object_get(exp, "events");
	if (procs)
		failures_of(w)->reported = true;
	if (procs) {
		if (!json_is_object(procs) && !json_is_array(procs))
			return cs_error_input(cfg->err, cfg->file, "failures",
					      "expected a failure process {\"mtbf\": ..., \"mttr\": ...} or a list of them");
		size_t n = json_is_array(procs) ? json_array_size(procs) : 1;
		struct cs_world_failures *f = failures_of(w);
		f->procs = cs_xcalloc(n ? n : 1, sizeof *f->procs);
		for (size_t i = 0; i < n; i++) {
			char p[64];
			json_t *e = json_is_array(procs) ? json_array_get(procs, i) : procs;
			if (json_is_array(procs))
				cs_path_index(p, sizeof p, "failures", i);
			else
				snprintf(p, sizeof p, "failures");
			if (cs_cfg_need_object(cfg, e, p) < 0 || parse_process(w, cfg, e, p, i) < 0)
				return -1;
		}
	}
	if (events) {
		if (!json_is_array(events))
			return cs_error_input(cfg->err, cfg->file, "events", "expected a list of events");
		struct cs_world_failures *f = failures_of(w);
		f->events = cs_xcalloc(json_array_size(events) ? json_array_size(events) : 1, sizeof *f->events);
		for (size_t i = 0; i < json_array_size(events); i++) {
			char p[64];
			cs_path_index(p, sizeof p, "events", i);
			json_t *e = json_array_get(events, i);
			if (cs_cfg_need_object(cfg, e, p) < 0 || parse_event(w, cfg, e, p) < 0)
				return -1;
		}
	}
	return 0;
}

void cs_world_start_failures(struct cs_world *w)
{
	struct cs_world_failures *f = w->failures;
	if (!f)
		return;
	for (uint32_t i = 0; i < f->nprocs; i++) {
		struct failure_process *p = &f->procs[i];
		for (uint32_t u = 0; u < p->nunits; u++)
			cs_engine_at(&w->engine, cs_dist_sample_time(&p->mtbf, p->rng), unit_flip, &p->units[u]);
	}
	for (uint32_t i = 0; i < f->nevents; i++)
		cs_engine_at(&w->engine, f->events[i].at, scripted_fire, &f->events[i]);
}

static void down_columns(void *ctx, struct cs_series *s)
{
	cs_series_column(s, "machines_down");
}

static void down_row(void *ctx, struct cs_series *s, cs_time now)
{
	const struct cs_world_failures *f = ctx;
	cs_series_count(s, f->ndown);
}

void cs_world_failures_series_add(struct cs_world *w)
{
	if (w->failures && w->failures->reported)
		cs_series_add(&w->series, &(struct cs_series_source){down_columns, down_row, w->failures});
}

json_t *cs_world_failures_summary(struct cs_world *w)
{
	struct cs_world_failures *f = w->failures;
	if (!f || !f->reported)
		return NULL;
	cs_time now = cs_engine_now(&w->engine);
	double down = f->down_seconds;
	for (uint32_t m = 0; m < w->cell.n; m++)
		if (f->down[m])
			down += cs_time_to_seconds(now - f->down_since[m]);
	double span = cs_time_to_seconds(now) * w->cell.n;
	return json_pack("{s:I, s:I, s:I, s:f, s:f}", "failures", (json_int_t)f->failures, "repairs", (json_int_t)f->repairs,
			 "machine_failures", (json_int_t)f->machine_failures, "machine_down_seconds", down,
			 "machine_availability", span > 0 ? 1 - down / span : 1.0);
}

void cs_world_release_failures(struct cs_world *w)
{
	struct cs_world_failures *f = w->failures;
	if (!f)
		return;
	for (uint32_t i = 0; i < f->nprocs; i++) {
		struct failure_process *p = &f->procs[i];
		for (uint32_t u = 0; u < p->nunits; u++)
			free(p->units[u].machines);
		free(p->units);
		cs_dist_release(&p->mtbf);
		cs_dist_release(&p->mttr);
		if (p->rng)
			gsl_rng_free(p->rng);
	}
	free(f->procs);
	for (uint32_t i = 0; i < f->nevents; i++)
		free(f->events[i].machines);
	free(f->events);
	free(f->down);
	free(f->down_since);
	free(f->offline);
	free(f);
	w->failures = NULL;
}
