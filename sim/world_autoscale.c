/* sim/world_autoscale — autoscaling groups in the running world (EC2 Auto
 * Scaling): instances launched, booted, warmed up, drained and
 * terminated on the group's machines (sim/autoscale_group.h), the metric
 * sampled and turned into datapoints, the policies evaluated on every
 * datapoint (the arithmetic in sim/autoscale_policy), spot interruptions,
 * failed instances replaced; cost and machine-hours accounted.
 *
 * Conventions (docs/autoscaling.md states them for users):
 *  - The metric is sampled samples_per_period times per period (the last
 *    sample at the period's end); a datapoint is the ratio of the sums
 *    over its samples.  cpu and mem: allocation over capacity of the
 *    instances in service and past their warm-up (Auto Scaling leaves
 *    warming instances out of the group's metric); a period without such
 *    an instance has no datapoint.  demand: the cpu allocated on every
 *    in-service instance plus the cpu of every task waiting to be placed,
 *    over the cpu of the instances in service (capacity zero: infinite if
 *    anything waits).
 *  - Target tracking asks for ceil(load / target), load = the datapoint's
 *    allocation in instances' worth; it scales out after datapoints_out
 *    datapoints above the target to at least that, and in after
 *    datapoints_in below it, never while an instance boots or warms up.
 *  - Step scaling, scaling out, adds to the instances in service past
 *    warm-up (warming ones are not current capacity, so a repeated breach
 *    of the same step launches nothing more); scaling in, it takes from the
 *    desired capacity.  Simple scaling waits for its activity to complete
 *    (every launched instance in service, every drained one gone) and then
 *    for its cooldown.
 *  - Several policies: the largest capacity asked for wins a scale-out; a
 *    scale-in happens only if no target tracking policy holds it back, to
 *    the largest capacity any scale-in asks for.
 *  - Launches take the lowest-numbered machine of the group that is out
 *    of service and not failed; scale-in picks victims by the termination
 *    policies among booting and in-service instances.
 *  - A failed machine's instance is terminated (its tasks were lost with
 *    it) and the group launches a replacement at once, as Auto Scaling's
 *    health checks do.
 *  - Billing: from launch to termination (booting included), per second
 *    with a minimum or by the started hour; instances still up at the end
 *    of the run are billed to the end. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/autoscale_group.h"
#include "sim/world_internal.h"

struct cs_world_autoscale {
	struct as_group *groups;
	uint32_t n;
};

static cs_time now_of(const struct as_group *g)
{
	return cs_engine_now(&g->world->engine);
}

/* ---- accounting ---- */

static void account(struct as_group *g)
{
	cs_time now = now_of(g);
	uint32_t live = g->nbooting + g->nin_service + g->ndraining;
	g->capacity_area += (double)live * cs_time_to_seconds(now - g->area_since);
	g->area_since = now;
	if (live > g->peak)
		g->peak = live;
}

static uint32_t *count_of(struct as_group *g, enum as_state s)
{
	static uint32_t none;
	return s == AS_BOOTING ? &g->nbooting : s == AS_IN_SERVICE ? &g->nin_service : s == AS_DRAINING ? &g->ndraining : &none;
}

static void set_state(struct as_instance *in, enum as_state s)
{
	struct as_group *g = in->group;
	account(g);
	(*count_of(g, in->state))--;
	in->state = s;
	(*count_of(g, s))++;
	account(g); /* (the peak) */
}

static bool warming(const struct as_group *g, const struct as_instance *in, cs_time now)
{
	return in->state == AS_IN_SERVICE && now < in->in_service + g->warmup;
}

/* ---- life of an instance ---- */

static void reconcile(struct as_group *g);

static void cancel(struct as_group *g, cs_event_id *ev)
{
	if (*ev)
		cs_engine_cancel(&g->world->engine, *ev);
	*ev = 0;
}

static void terminate(struct as_instance *in)
{
	struct as_group *g = in->group;
	struct cs_world *w = g->world;
	double up = cs_time_to_seconds(now_of(g) - in->launched);
	g->up_seconds += up;
	g->billed_seconds += cs_as_billed_seconds(up, g->billing, g->min_billed);
	cancel(g, &in->event);
	cancel(g, &in->spot_event);
	if (in->state == AS_IN_SERVICE || in->state == AS_DRAINING) {
		uint64_t lost = w->tasks_lost;
		cs_cell_set_closed(&w->cell, in->machine, false);
		cs_world_take_offline(w, in->machine, false);
		g->tasks_killed += w->tasks_lost - lost;
	}
	set_state(in, AS_OUT);
	in->launched = in->in_service = in->interruption = CS_TIME_NEVER;
	g->terminated++;
}

static void boot_done(void *ctx, cs_time now)
{
	struct as_instance *in = ctx;
	in->event = 0;
	in->in_service = now;
	set_state(in, AS_IN_SERVICE);
	cs_world_bring_online(in->group->world, in->machine);
}

static void interrupted(void *ctx, cs_time now)
{
	struct as_instance *in = ctx;
	in->spot_event = 0;
	terminate(in);
	reconcile(in->group);
}

/* The two-minute notice: the instance takes no more tasks, and (replace)
 * the group launches its replacement now. */
static void spot_notice(void *ctx, cs_time now)
{
	struct as_instance *in = ctx;
	struct as_group *g = in->group;
	g->spot_interruptions++;
	in->spot_event = cs_engine_at(&g->world->engine, in->interruption, interrupted, in);
	if (!g->spot_replace && g->desired > g->min)
		g->desired--;
	if (in->state == AS_BOOTING) {
		/* it would come into service only to be taken back: gone now,
		 * and its replacement launched */
		terminate(in);
	} else if (in->state == AS_IN_SERVICE) {
		set_state(in, AS_DRAINING);
		cs_cell_set_closed(&g->world->cell, in->machine, true);
	}
	reconcile(g);
}

/* A spot instance's interruption: a draw after its launch, but at least
 * its notice and a second after it (AWS gives the notice before it
 * interrupts; a group whose instances were noticed the instant they were
 * launched would relaunch for ever at one instant). */
static void schedule_interruption(struct as_group *g, struct as_instance *in, cs_time launched)
{
	cs_time life = cs_dist_sample_time(&g->interruption, g->rng), least = g->notice + 1000000;
	in->interruption = launched + (life > least ? life : least);
	in->spot_event = cs_engine_at(&g->world->engine, in->interruption - g->notice, spot_notice, in);
}

static void launch(struct as_group *g, struct as_instance *in)
{
	struct cs_engine *e = &g->world->engine;
	cs_time now = now_of(g);
	in->launched = now;
	set_state(in, AS_BOOTING);
	g->launched++;
	in->event = cs_engine_after(e, cs_dist_sample_time(&g->boot, g->rng), boot_done, in);
	if (g->spot)
		schedule_interruption(g, in, now);
}

static void drain_timeout(void *ctx, cs_time now)
{
	struct as_instance *in = ctx;
	in->event = 0;
	terminate(in);
}

/* Scale-in of one instance: kill it, or (drain) close it and terminate it
 * once empty or at the drain timeout. */
static void scale_in_one(struct as_group *g, struct as_instance *in)
{
	if (in->state == AS_BOOTING || g->scale_in == AS_SCALE_IN_KILL) {
		terminate(in);
		return;
	}
	cancel(g, &in->spot_event); /* (it goes anyway) */
	set_state(in, AS_DRAINING);
	cs_cell_set_closed(&g->world->cell, in->machine, true);
	in->event = cs_engine_after(&g->world->engine, g->drain_timeout, drain_timeout, in);
}

/* The victims in one pass: the termination policies' order (their keys
 * do not change while a scale-in picks them, so picking one at a time
 * and sorting once agree; a group of 200,000 shrinks in O(n log n)). */
static void shrink(struct as_group *g, int64_t excess)
{
	struct cs_as_candidate *c = cs_xmalloc(g->count * sizeof *c);
	size_t n = 0;
	for (uint32_t i = 0; i < g->count; i++)
		if (g->inst[i].state == AS_BOOTING || g->inst[i].state == AS_IN_SERVICE)
			c[n++] = (struct cs_as_candidate){i, g->inst[i].launched};
	if (excess > 1)
		cs_as_victim_order(c, n, g->term, g->nterm, now_of(g));
	else if (n > 0)
		c[0] = c[cs_as_victim(c, n, g->term, g->nterm, now_of(g))];
	for (size_t k = 0; k < n && (int64_t)k < excess; k++)
		scale_in_one(g, &g->inst[c[k].machine]);
	free(c);
}

/* Launch or terminate until the group's capacity is its desired. */
static void reconcile(struct as_group *g)
{
	int64_t have = (int64_t)g->nbooting + g->nin_service;
	if (have > g->desired) {
		shrink(g, have - g->desired);
		return;
	}
	for (uint32_t i = 0; i < g->count && have < g->desired; i++) {
		struct as_instance *in = &g->inst[i];
		if (in->state != AS_OUT || cs_world_machine_failed(g->world, in->machine))
			continue;
		launch(g, in);
		have++;
	}
}

/* ---- the metric ---- */

/* cpu of the tasks waiting to be placed, in cores */
static double pending_cpu(const struct cs_world *w)
{
	double cpu = 0;
	for (const struct cs_job *job = w->live_head; job; job = job->live_next) {
		if (!job->with_scheduler || job->prefill)
			continue;
		uint32_t waiting = job->ntasks;
		if (job->tasks) {
			waiting = 0;
			for (uint32_t i = 0; i < job->ntasks; i++)
				waiting += job->tasks[i].state == CS_TASK_PENDING;
		}
		cpu += waiting * cs_qty_to_double(job->req.cpu);
	}
	return cpu;
}

static void take_sample(struct as_group *g, bool need_pending)
{
	const struct cs_cell *cell = &g->world->cell;
	cs_time now = now_of(g);
	struct as_sample *a = &g->acc;
	for (uint32_t i = 0; i < g->count; i++) {
		const struct as_instance *in = &g->inst[i];
		if (in->state != AS_IN_SERVICE && in->state != AS_DRAINING)
			continue;
		const struct cs_machine *mc = &cell->mach[in->machine];
		double cpu = cs_qty_to_double(mc->used.cpu), mem = cs_qty_to_double(mc->used.mem);
		a->used[AS_METRIC_DEMAND] += cpu;
		if (in->state != AS_IN_SERVICE)
			continue;
		a->cap[AS_METRIC_DEMAND] += g->inst_cpu;
		if (warming(g, in, now))
			continue;
		a->used[AS_METRIC_CPU] += cpu;
		a->cap[AS_METRIC_CPU] += g->inst_cpu;
		a->used[AS_METRIC_MEM] += mem;
		a->cap[AS_METRIC_MEM] += g->inst_mem;
	}
	if (need_pending)
		a->used[AS_METRIC_DEMAND] += pending_cpu(g->world);
	a->n++;
}

/* The period's datapoint into the history (newest last). */
static void push_datapoint(struct as_group *g)
{
	if (g->hist_n == g->hist_cap) {
		memmove(g->history, g->history + AS_NMETRICS, (g->hist_cap - 1) * AS_NMETRICS * sizeof *g->history);
		g->hist_n--;
	}
	double *row = g->history + (size_t)g->hist_n * AS_NMETRICS;
	const double res[AS_NMETRICS] = {g->inst_cpu, g->inst_mem, g->inst_cpu};
	for (int k = 0; k < AS_NMETRICS; k++) {
		double used = g->acc.used[k], cap = g->acc.cap[k];
		if (k == AS_METRIC_DEMAND)
			row[k] = cap > 0 ? used / cap : used > 0 ? (double)INFINITY : 0;
		else
			row[k] = cap > 0 ? used / cap : (double)NAN; /* no instance to measure */
		g->load[k] = used / g->acc.n / res[k];
	}
	g->hist_n++;
	memset(&g->acc, 0, sizeof g->acc);
}

/* Whether the last n datapoints of metric k all compare to x as asked
 * (above: >, else <); a missing datapoint never breaches. */
static bool last_breach(const struct as_group *g, enum as_metric k, uint32_t n, double x, bool above)
{
	if (g->hist_n < n)
		return false;
	for (uint32_t i = g->hist_n - n; i < g->hist_n; i++) {
		double v = g->history[(size_t)i * AS_NMETRICS + k];
		if (isnan(v) || (above ? !(v > x) : !(v < x)))
			return false;
	}
	return true;
}

static double latest(const struct as_group *g, enum as_metric k)
{
	return g->history[(size_t)(g->hist_n - 1) * AS_NMETRICS + k];
}

/* ---- the policies ---- */

struct proposal {
	int64_t out, in;     /* the largest scale-out / scale-in asked for, or -1 */
	bool in_blocked;     /* a target tracking policy holds scale-in back */
};

static void propose(struct proposal *p, int64_t desired, int64_t want)
{
	if (want > desired && want > p->out)
		p->out = want;
	else if (want < desired && want > p->in)
		p->in = want;
}

static uint32_t ready_count(const struct as_group *g, bool *any_warming)
{
	cs_time now = now_of(g);
	uint32_t n = 0;
	*any_warming = g->nbooting > 0;
	for (uint32_t i = 0; i < g->count; i++) {
		if (g->inst[i].state != AS_IN_SERVICE)
			continue;
		if (warming(g, &g->inst[i], now))
			*any_warming = true;
		else
			n++;
	}
	return n;
}

static void eval_target(struct as_group *g, const struct as_policy *pol, bool any_warming, struct proposal *p)
{
	int64_t want = cs_as_target_capacity(g->load[pol->metric], pol->target);
	bool in = !pol->disable_scale_in && !any_warming &&
		  last_breach(g, pol->metric, pol->datapoints_in, pol->target, false) && want < g->desired;
	if (last_breach(g, pol->metric, pol->datapoints_out, pol->target, true))
		propose(p, g->desired, want > g->desired ? want : g->desired);
	else if (in)
		propose(p, g->desired, want);
	if (!in)
		p->in_blocked = true;
}

static void eval_alarm(struct as_group *g, struct as_policy *pol, uint32_t ready, struct proposal *p)
{
	if (!last_breach(g, pol->metric, pol->datapoints, pol->threshold, pol->above))
		return;
	double adj = pol->adjustment;
	if (pol->type == AS_STEP) {
		int k = cs_as_step_index(pol->steps, pol->nsteps, pol->threshold, latest(g, pol->metric));
		if (k < 0)
			return;
		adj = pol->steps[k].adjustment;
		if (pol->adjust != CS_AS_EXACT_CAPACITY && adj > 0) {
			int64_t want = cs_as_adjusted(ready, pol->adjust, adj, pol->min_magnitude);
			propose(p, g->desired, want > g->desired ? want : g->desired);
			return;
		}
	} else {
		cs_time now = now_of(g);
		if (pol->awaiting || now < pol->quiet_until)
			return;
		pol->awaiting = true;
	}
	propose(p, g->desired, cs_as_adjusted(g->desired, pol->adjust, adj, pol->min_magnitude));
}

static void evaluate(struct as_group *g)
{
	bool any_warming;
	uint32_t ready = ready_count(g, &any_warming);
	struct proposal p = {-1, -1, false};
	for (uint32_t i = 0; i < g->npolicies; i++) {
		struct as_policy *pol = &g->policies[i];
		if (pol->type == AS_TARGET_TRACKING)
			eval_target(g, pol, any_warming, &p);
		else
			eval_alarm(g, pol, ready, &p);
	}
	int64_t want = p.out >= 0 ? p.out : p.in >= 0 && !p.in_blocked ? p.in : g->desired;
	want = cs_as_clamp(want, g->min, g->max);
	if (want > g->desired)
		g->scale_outs++;
	else if (want < g->desired)
		g->scale_ins++;
	g->desired = want;
}

/* A simple policy's cooldown starts when its activity has completed. */
static void simple_cooldowns(struct as_group *g)
{
	if (g->nbooting || g->ndraining)
		return;
	for (uint32_t i = 0; i < g->npolicies; i++) {
		struct as_policy *pol = &g->policies[i];
		if (pol->awaiting) {
			pol->awaiting = false;
			pol->quiet_until = now_of(g) + pol->cooldown;
		}
	}
}

static bool needs_pending(const struct as_group *g)
{
	for (uint32_t i = 0; i < g->npolicies; i++)
		if (g->policies[i].metric == AS_METRIC_DEMAND)
			return true;
	return false;
}

static void tick(void *ctx, cs_time now);

/* In the completion phase: before the other events of its instant, so
 * that a timeseries row at that time (and the summary at the end of the
 * run) shows the group after its evaluation. */
static void schedule_tick(struct as_group *g, cs_time at)
{
	cs_engine_at_phase(&g->world->engine, at, CS_PHASE_COMPLETION, tick, g);
}

static void tick(void *ctx, cs_time now)
{
	struct as_group *g = ctx;
	/* drained instances that emptied go now */
	for (uint32_t i = 0; i < g->count && g->ndraining; i++) {
		struct as_instance *in = &g->inst[i];
		if (in->state == AS_DRAINING && g->world->cell.mach[in->machine].ntasks == 0)
			terminate(in);
	}
	simple_cooldowns(g);
	if (g->npolicies) {
		take_sample(g, needs_pending(g));
		if (++g->samples_taken == g->samples_per_period) {
			g->samples_taken = 0;
			push_datapoint(g);
			evaluate(g);
		}
	}
	reconcile(g);
	schedule_tick(g, now + g->sample_every);
}

/* ---- the world's calls ---- */

static void group_init(struct cs_world *w, struct as_group *g)
{
	g->world = w;
	char name[300];
	snprintf(name, sizeof name, "autoscaling.%s", g->name);
	g->rng = cs_world_rng(w, name);
	g->inst = cs_xcalloc(g->count, sizeof *g->inst);
	uint32_t dp = 1;
	for (uint32_t i = 0; i < g->npolicies; i++) {
		const struct as_policy *pol = &g->policies[i];
		uint32_t need = pol->type == AS_TARGET_TRACKING
			? (pol->datapoints_out > pol->datapoints_in ? pol->datapoints_out : pol->datapoints_in)
			: pol->datapoints;
		dp = need > dp ? need : dp;
	}
	g->hist_cap = dp;
	g->history = cs_xcalloc((size_t)dp * AS_NMETRICS, sizeof *g->history);
	/* the desired instances are in service (and warm) at the start; the
	 * rest of the group's machines are out of service */
	for (uint32_t i = 0; i < g->count; i++) {
		struct as_instance *in = &g->inst[i];
		*in = (struct as_instance){g, g->first + i, AS_OUT, CS_TIME_NEVER, CS_TIME_NEVER, 0, 0, CS_TIME_NEVER};
		if ((int64_t)i < g->desired) {
			in->state = AS_IN_SERVICE;
			in->launched = 0;
			in->in_service = -g->warmup;
			g->nin_service++;
			g->launched++;
		} else {
			cs_world_take_offline(w, in->machine, true);
		}
	}
	g->peak = g->nin_service;
}

int cs_world_parse_autoscaling(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	if (!json_object_get(exp, "autoscaling"))
		return 0;
	struct cs_world_autoscale *a = cs_xcalloc(1, sizeof *a);
	w->autoscale = a;
	if (cs_autoscale_parse(w, cfg, exp, &a->groups, &a->n) < 0)
		return -1;
	if (w->duration == CS_TIME_NEVER)
		return cs_error_input(cfg->err, cfg->file, "duration",
				      "missing (autoscaling groups evaluate their policies for ever: a run with them needs "
				      "a duration)");
	for (uint32_t i = 0; i < a->n; i++)
		group_init(w, &a->groups[i]);
	return 0;
}

void cs_world_start_autoscaling(struct cs_world *w)
{
	struct cs_world_autoscale *a = w->autoscale;
	for (uint32_t i = 0; a && i < a->n; i++) {
		struct as_group *g = &a->groups[i];
		schedule_tick(g, g->sample_every);
		for (uint32_t k = 0; g->spot && k < g->count; k++)
			if (g->inst[k].state != AS_OUT)
				schedule_interruption(g, &g->inst[k], 0);
	}
}

void cs_world_autoscale_emptied(struct cs_world *w, uint32_t m)
{
	struct cs_world_autoscale *a = w->autoscale;
	for (uint32_t i = 0; a && i < a->n; i++) {
		struct as_group *g = &a->groups[i];
		if (m >= g->first && m < g->first + g->count && g->inst[m - g->first].state == AS_DRAINING)
			terminate(&g->inst[m - g->first]);
	}
}

void cs_world_autoscale_failed(struct cs_world *w, uint32_t m)
{
	struct cs_world_autoscale *a = w->autoscale;
	for (uint32_t i = 0; a && i < a->n; i++) {
		struct as_group *g = &a->groups[i];
		if (m < g->first || m >= g->first + g->count || g->inst[m - g->first].state == AS_OUT)
			continue;
		g->unhealthy_replaced++;
		terminate(&g->inst[m - g->first]);
		reconcile(g);
	}
}

/* ---- results ---- */

static void series_columns(void *ctx, struct cs_series *s)
{
	const struct cs_world_autoscale *a = ctx;
	static const char *const cols[] = {"desired", "booting", "in_service", "draining", "cpu_util"};
	for (uint32_t i = 0; i < a->n; i++)
		for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) {
			char name[320];
			snprintf(name, sizeof name, "autoscaling.%s.%s", a->groups[i].name, cols[k]);
			cs_series_column(s, name);
		}
}

static void series_row(void *ctx, struct cs_series *s, cs_time now)
{
	const struct cs_world_autoscale *a = ctx;
	for (uint32_t i = 0; i < a->n; i++) {
		const struct as_group *g = &a->groups[i];
		const struct cs_cell *cell = &g->world->cell;
		cs_series_count(s, (uint64_t)g->desired);
		cs_series_count(s, g->nbooting);
		cs_series_count(s, g->nin_service);
		cs_series_count(s, g->ndraining);
		double used = 0, cap = 0;
		for (uint32_t k = 0; k < g->count; k++) {
			const struct as_instance *in = &g->inst[k];
			if (in->state != AS_IN_SERVICE && in->state != AS_DRAINING)
				continue;
			used += cs_qty_to_double(cell->mach[in->machine].used.cpu);
			cap += g->inst_cpu;
		}
		if (cap > 0)
			cs_series_real(s, used / cap);
		else
			cs_series_blank(s);
	}
}

void cs_world_autoscaling_series_add(struct cs_world *w)
{
	if (w->autoscale && w->autoscale->n)
		cs_series_add(&w->series, &(struct cs_series_source){series_columns, series_row, w->autoscale});
}

/* One group's figures at the end of the run (instances still up billed
 * to now). */
static json_t *group_summary(struct as_group *g, double *hours, double *cost)
{
	account(g);
	cs_time now = now_of(g);
	double billed = g->billed_seconds, up = g->up_seconds;
	for (uint32_t i = 0; i < g->count; i++) {
		const struct as_instance *in = &g->inst[i];
		if (in->state == AS_OUT)
			continue;
		double s = cs_time_to_seconds(now - in->launched);
		up += s;
		billed += cs_as_billed_seconds(s, g->billing, g->min_billed);
	}
	double span = cs_time_to_seconds(now);
	*hours = up / 3600;
	*cost = billed / 3600 * g->price_per_hour;
	return json_pack("{s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:f}", "machine_hours", *hours,
			 "cost", *cost, "scale_outs", (json_int_t)g->scale_outs, "scale_ins", (json_int_t)g->scale_ins,
			 "instances_launched", (json_int_t)g->launched, "instances_terminated", (json_int_t)g->terminated,
			 "spot_interruptions", (json_int_t)g->spot_interruptions, "unhealthy_replaced",
			 (json_int_t)g->unhealthy_replaced, "tasks_killed", (json_int_t)g->tasks_killed, "mean_instances",
			 span > 0 ? g->capacity_area / span : (double)g->nin_service, "peak_instances", (json_int_t)g->peak,
			 "final_desired", (json_int_t)g->desired, "price_per_hour", g->price_per_hour);
}

json_t *cs_world_autoscaling_summary(struct cs_world *w)
{
	struct cs_world_autoscale *a = w->autoscale;
	if (!a || !a->n)
		return NULL;
	json_t *groups = json_object();
	double hours = 0, cost = 0;
	uint64_t outs = 0, ins = 0, killed = 0, spot = 0;
	for (uint32_t i = 0; i < a->n; i++) {
		double h, c;
		struct as_group *g = &a->groups[i];
		json_object_set_new(groups, g->name, group_summary(g, &h, &c));
		hours += h;
		cost += c;
		outs += g->scale_outs;
		ins += g->scale_ins;
		killed += g->tasks_killed;
		spot += g->spot_interruptions;
	}
	return json_pack("{s:f, s:f, s:I, s:I, s:I, s:I, s:o}", "machine_hours", hours, "cost", cost, "scale_outs",
			 (json_int_t)outs, "scale_ins", (json_int_t)ins, "tasks_killed", (json_int_t)killed,
			 "spot_interruptions", (json_int_t)spot, "groups", groups);
}

void cs_world_release_autoscaling(struct cs_world *w)
{
	struct cs_world_autoscale *a = w->autoscale;
	if (!a)
		return;
	for (uint32_t i = 0; i < a->n; i++)
		cs_autoscale_group_release(&a->groups[i]);
	free(a->groups);
	free(a);
	w->autoscale = NULL;
}
