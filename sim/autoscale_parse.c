/* sim/autoscale_parse — the experiment's "autoscaling": its groups and
 * their policies, checked and written back with their defaults (see
 * sim/autoscale_group.h for what a group is, docs/autoscaling.md for the
 * keys).  Each group becomes a machine class of the cell named after it,
 * of `max` machines.
 *
 * Defaults and their sources (Amazon EC2 Auto Scaling User Guide):
 *  - cooldown 300 s: the group's default cooldown ("Scaling cooldowns"),
 *    which only simple scaling policies observe;
 *  - warmup 300 s: with no instance warm-up set, policies use the default
 *    cooldown's value ("Set the default instance warmup");
 *  - period 60 s: CloudWatch's detailed monitoring of EC2 (1-minute
 *    datapoints), which Auto Scaling alarms evaluate;
 *  - target tracking alarms: scale out after 3 datapoints above the target,
 *    in after 15 below it (the alarms target tracking creates);
 *  - termination policy Default; billing per second with a 60 s minimum
 *    (EC2 Linux since 2017; "hourly" for the 2014 model);
 *  - drain timeout 3600 s: a lifecycle hook's default heartbeat timeout;
 *  - spot notice 120 s: the two-minute Spot Instance interruption notice;
 *  - boot delay 97 s: the mean EC2 Linux VM start-up time measured by Mao
 *    and Humphrey, "A Performance Study on the VM Startup Time in the
 *    Cloud", IEEE CLOUD 2012. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/autoscale_group.h"
#include "sim/world_internal.h"

static const char *const metric_names[] = {"cpu", "mem", "demand", NULL};
static const char *const policy_types[] = {"target-tracking", "step", "simple", NULL};
static const char *const comparisons[] = {"above", "below", NULL};

/* An adjustment (at path): a whole number of instances, or a percentage
 * for PercentChangeInCapacity, of a magnitude the model can apply. */
static int check_adjustment(const struct cs_cfg *cfg, const char *path, enum cs_as_adjust type, double adj)
{
	double lim = type == CS_AS_PERCENT_CHANGE_IN_CAPACITY ? 1e6 : 1e7;
	if (type != CS_AS_PERCENT_CHANGE_IN_CAPACITY && adj != floor(adj))
		return cs_error_input(cfg->err, cfg->file, path, "expected a whole number of instances (got %g)", adj);
	if (!(fabs(adj) <= lim))
		return cs_error_input(cfg->err, cfg->file, path, "expected %s from %g to %g (got %g)",
				      type == CS_AS_PERCENT_CHANGE_IN_CAPACITY ? "a percentage" : "a number of instances", -lim, lim,
				      adj);
	if (type == CS_AS_EXACT_CAPACITY && adj < 0)
		return cs_error_input(cfg->err, cfg->file, path, "an exact capacity cannot be negative (got %g)", adj);
	return 0;
}

static int parse_steps(const struct cs_cfg *cfg, json_t *pj, const char *p, struct as_policy *pol)
{
	char q[256], got[128];
	json_t *steps = json_object_get(pj, "steps");
	if (!json_is_array(steps) || json_array_size(steps) == 0 || json_array_size(steps) > 64)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "steps"),
				      "expected a list of 1 to 64 steps {\"lower\": L, \"upper\": U, \"adjustment\": N} "
				      "(got %s)", cs_cfg_got(steps, got, sizeof got));
	pol->nsteps = json_array_size(steps);
	pol->steps = cs_xcalloc(pol->nsteps, sizeof *pol->steps);
	static const char *const keys[] = {"lower", "upper", "adjustment", NULL};
	for (size_t i = 0; i < pol->nsteps; i++) {
		char sp[300];
		cs_path_index(sp, sizeof sp, cs_path_key(q, sizeof q, p, "steps"), i);
		json_t *s = json_array_get(steps, i);
		struct cs_as_step *st = &pol->steps[i];
		if (cs_cfg_need_object(cfg, s, sp) < 0 || cs_cfg_keys(cfg, s, sp, keys) < 0 ||
		    cs_cfg_num(cfg, s, sp, "adjustment", 0, CS_CFG_REQUIRED, &st->adjustment) < 0)
			return -1;
		char ap[320];
		if (check_adjustment(cfg, cs_path_key(ap, sizeof ap, sp, "adjustment"), pol->adjust, st->adjustment) < 0)
			return -1;
		st->lower = st->upper = (double)NAN;
		if ((json_object_get(s, "lower") && cs_cfg_num(cfg, s, sp, "lower", 0, 0, &st->lower) < 0) ||
		    (json_object_get(s, "upper") && cs_cfg_num(cfg, s, sp, "upper", 0, 0, &st->upper) < 0))
			return -1;
	}
	int bad = cs_as_steps_check(pol->steps, pol->nsteps);
	if (bad >= 0) {
		char sp[300];
		cs_path_index(sp, sizeof sp, cs_path_key(q, sizeof q, p, "steps"), (size_t)bad);
		return cs_error_input(cfg->err, cfg->file, sp,
				      "steps must not overlap or leave a gap, at most one may lack a lower bound and "
				      "one an upper bound, never both in one step (got %s)",
				      cs_cfg_got(json_array_get(steps, (size_t)bad), got, sizeof got));
	}
	return 0;
}

/* The alarm of a step or simple policy, and its adjustment type. */
static int parse_alarm(const struct cs_cfg *cfg, json_t *pj, const char *p, struct as_policy *pol)
{
	int cmp, adj;
	uint64_t dp, mag;
	if (cs_cfg_num(cfg, pj, p, "threshold", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, &pol->threshold) < 0 ||
	    cs_cfg_enum(cfg, pj, p, "comparison", "above", comparisons, &cmp) < 0 ||
	    cs_cfg_count(cfg, pj, p, "datapoints", 1, 0, 1, 1440, &dp) < 0 ||
	    cs_cfg_enum(cfg, pj, p, "adjustment_type", "ChangeInCapacity", cs_as_adjust_names, &adj) < 0 ||
	    cs_cfg_count(cfg, pj, p, "min_adjustment_magnitude", 0, 0, 0, 1000000, &mag) < 0)
		return -1;
	pol->above = cmp == 0;
	pol->datapoints = (uint32_t)dp;
	pol->adjust = (enum cs_as_adjust)adj;
	pol->min_magnitude = (int64_t)mag;
	return 0;
}

static int parse_policy(const struct cs_cfg *cfg, json_t *pj, const char *p, const struct as_group *g,
			cs_time cooldown, struct as_policy *pol)
{
	static const char *const tt_keys[] = {"type", "metric", "target", "disable_scale_in", "datapoints_out",
					      "datapoints_in", NULL};
	static const char *const step_keys[] = {"type", "metric", "threshold", "comparison", "datapoints",
						"adjustment_type", "min_adjustment_magnitude", "steps", NULL};
	static const char *const simple_keys[] = {"type", "metric", "threshold", "comparison", "datapoints",
						  "adjustment_type", "min_adjustment_magnitude", "adjustment",
						  "cooldown", NULL};
	int type, metric;
	if (cs_cfg_need_object(cfg, pj, p) < 0 ||
	    cs_cfg_enum(cfg, pj, p, "type", NULL, policy_types, &type) < 0)
		return -1;
	const char *const *keys[] = {tt_keys, step_keys, simple_keys};
	if (cs_cfg_keys(cfg, pj, p, keys[type]) < 0 || cs_cfg_enum(cfg, pj, p, "metric", "cpu", metric_names, &metric) < 0)
		return -1;
	pol->type = (enum as_policy_type)type;
	pol->metric = (enum as_metric)metric;
	if (pol->type == AS_TARGET_TRACKING) {
		uint64_t out, in;
		/* cpu and mem are fractions of capacity; demand may ask for
		 * more than there is (a backlog), but a target above 1 never
		 * scales out before the queue grows */
		if (cs_cfg_num_in(cfg, pj, p, "target", 0, CS_CFG_REQUIRED | CS_CFG_POSITIVE, 0, metric == AS_METRIC_DEMAND ? 100 : 1,
				  &pol->target) < 0 ||
		    cs_cfg_bool(cfg, pj, p, "disable_scale_in", false, &pol->disable_scale_in) < 0 ||
		    cs_cfg_count(cfg, pj, p, "datapoints_out", 3, 0, 1, 1440, &out) < 0 ||
		    cs_cfg_count(cfg, pj, p, "datapoints_in", 15, 0, 1, 1440, &in) < 0)
			return -1;
		pol->datapoints_out = (uint32_t)out;
		pol->datapoints_in = (uint32_t)in;
		return 0;
	}
	if (parse_alarm(cfg, pj, p, pol) < 0)
		return -1;
	if (pol->type == AS_STEP)
		return parse_steps(cfg, pj, p, pol);
	if (cs_cfg_num(cfg, pj, p, "adjustment", 0, CS_CFG_REQUIRED, &pol->adjustment) < 0 ||
	    cs_cfg_time(cfg, pj, p, "cooldown", cs_time_to_seconds(cooldown), CS_CFG_NONNEG, &pol->cooldown) < 0)
		return -1;
	char q[256];
	if (check_adjustment(cfg, cs_path_key(q, sizeof q, p, "adjustment"), pol->adjust, pol->adjustment) < 0)
		return -1;
	if (pol->adjust == CS_AS_EXACT_CAPACITY && (pol->adjustment < (double)g->min || pol->adjustment > (double)g->max))
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "adjustment"),
				      "an exact capacity between the group's min and max, %lld to %lld (got %g)",
				      (long long)g->min, (long long)g->max, pol->adjustment);
	return 0;
}

static int parse_policies(const struct cs_cfg *cfg, json_t *gj, const char *p, struct as_group *g, cs_time cooldown)
{
	json_t *pv = json_object_get(gj, "policy");
	if (!pv || json_is_null(pv))
		return 0; /* a fixed group: desired stays where it is */
	char q[256], got[128];
	cs_path_key(q, sizeof q, p, "policy");
	size_t n = json_is_array(pv) ? json_array_size(pv) : 1;
	if (!json_is_object(pv) && !(json_is_array(pv) && n >= 1 && n <= 16))
		return cs_error_input(cfg->err, cfg->file, q, "expected a scaling policy or a list of 1 to 16 (got %s)",
				      cs_cfg_got(pv, got, sizeof got));
	g->policies = cs_xcalloc(n, sizeof *g->policies);
	for (size_t i = 0; i < n; i++) {
		char pp[300];
		json_t *pj = json_is_array(pv) ? json_array_get(pv, i) : pv;
		if (json_is_array(pv))
			cs_path_index(pp, sizeof pp, q, i);
		else
			snprintf(pp, sizeof pp, "%s", q);
		g->npolicies++;
		if (parse_policy(cfg, pj, pp, g, cooldown, &g->policies[i]) < 0)
			return -1;
	}
	return 0;
}

static int parse_termination(const struct cs_cfg *cfg, json_t *gj, const char *p, struct as_group *g)
{
	char q[256], got[128];
	json_t *t = json_object_get(gj, "termination_policies");
	cs_path_key(q, sizeof q, p, "termination_policies");
	if (!t) {
		json_object_set_new(gj, "termination_policies", json_pack("[s]", "Default"));
		t = json_object_get(gj, "termination_policies");
	}
	if (!json_is_array(t) || json_array_size(t) == 0 || json_array_size(t) > 4)
		return cs_error_input(cfg->err, cfg->file, q, "expected a list of 1 to 4 of %s, %s, %s, %s (got %s)",
				      cs_as_termination_names[0], cs_as_termination_names[1], cs_as_termination_names[2],
				      cs_as_termination_names[3], cs_cfg_got(t, got, sizeof got));
	for (size_t i = 0; i < json_array_size(t); i++) {
		const char *s = json_string_value(json_array_get(t, i));
		int k = 0;
		while (s && cs_as_termination_names[k] && strcmp(cs_as_termination_names[k], s) != 0)
			k++;
		if (!s || !cs_as_termination_names[k]) {
			char ip[300];
			return cs_error_input(cfg->err, cfg->file, cs_path_index(ip, sizeof ip, q, i),
					      "expected %s, %s, %s or %s (got %s)", cs_as_termination_names[0],
					      cs_as_termination_names[1], cs_as_termination_names[2],
					      cs_as_termination_names[3], cs_cfg_got(json_array_get(t, i), got, sizeof got));
		}
		g->term[g->nterm++] = (enum cs_as_termination)k;
	}
	return 0;
}

static int parse_spot(const struct cs_cfg *cfg, json_t *gj, const char *p, struct as_group *g)
{
	json_t *sj = json_object_get(gj, "spot");
	if (!sj || json_is_null(sj) || json_is_false(sj))
		return 0;
	static const char *const keys[] = {"interruption", "notice", "replace", NULL};
	char q[256], r[300];
	cs_path_key(q, sizeof q, p, "spot");
	if (cs_cfg_need_object(cfg, sj, q) < 0 || cs_cfg_keys(cfg, sj, q, keys) < 0 ||
	    cs_cfg_time(cfg, sj, q, "notice", 120, CS_CFG_NONNEG, &g->notice) < 0 ||
	    cs_cfg_bool(cfg, sj, q, "replace", true, &g->spot_replace) < 0)
		return -1;
	json_t *iv = json_object_get(sj, "interruption");
	if (!iv)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(r, sizeof r, q, "interruption"),
				      "missing (the time from a spot instance's launch to its interruption, a distribution in seconds)");
	if (cs_dist_parse(cfg, iv, cs_path_key(r, sizeof r, q, "interruption"), CS_UNIT_SECONDS, 0, &g->interruption) < 0)
		return -1;
	double mean = cs_dist_mean(&g->interruption);
	if (!(mean > cs_time_to_seconds(g->notice)))
		return cs_error_input(cfg->err, cfg->file, r,
				      "a mean time to interruption no longer than the notice: instances would be "
				      "interrupted as they boot (got a mean of %g s, notice %g s)", mean,
				      cs_time_to_seconds(g->notice));
	g->spot = true;
	return 0;
}

/* The instance type: cpu, mem, disk, price, attributes. */
static int parse_instance(const struct cs_cfg *cfg, json_t *gj, const char *p, struct as_group *g,
			  struct cs_res *cap, json_t **attrs)
{
	static const char *const keys[] = {"cpu", "mem", "disk", "price_per_hour", "attributes", NULL};
	char q[256];
	cs_path_key(q, sizeof q, p, "instance");
	json_t *ij = json_object_get(gj, "instance");
	if (!ij)
		return cs_error_input(cfg->err, cfg->file, q, "missing (the group's instance type: cpu, mem, price_per_hour)");
	double cpu, mem, disk;
	if (cs_cfg_need_object(cfg, ij, q) < 0 || cs_cfg_keys(cfg, ij, q, keys) < 0 ||
	    cs_cfg_qty(cfg, ij, q, "cpu", 0, CS_CFG_REQUIRED | CS_CFG_POSITIVE, CS_QTY_CPU, &cpu) < 0 ||
	    cs_cfg_qty(cfg, ij, q, "mem", 0, CS_CFG_REQUIRED | CS_CFG_POSITIVE, CS_QTY_MEM, &mem) < 0 ||
	    cs_cfg_qty(cfg, ij, q, "disk", 1048576, CS_CFG_NONNEG, CS_QTY_DISK, &disk) < 0 ||
	    cs_cfg_num_in(cfg, ij, q, "price_per_hour", 0, CS_CFG_NONNEG, 0, 1e6, &g->price_per_hour) < 0)
		return -1;
	*attrs = json_object_get(ij, "attributes");
	if (*attrs && cs_cfg_need_object(cfg, *attrs, q) < 0)
		return -1;
	g->inst_cpu = cpu;
	g->inst_mem = mem;
	*cap = (struct cs_res){cs_qty_from_double(cpu), cs_qty_from_double(mem), cs_qty_from_double(disk)};
	return 0;
}

/* min, max, desired: 0 <= min <= desired <= max, max >= 1. */
static int parse_sizes(struct cs_world *w, const struct cs_cfg *cfg, json_t *gj, const char *p, struct as_group *g)
{
	uint64_t min, max, desired;
	char q[256];
	if (cs_cfg_count(cfg, gj, p, "max", 0, CS_CFG_REQUIRED, 1, w->limits.machines, &max) < 0 ||
	    cs_cfg_count(cfg, gj, p, "min", 0, 0, 0, max, &min) < 0 ||
	    cs_cfg_count(cfg, gj, p, "desired", min, 0, min, max, &desired) < 0)
		return -1;
	if (w->cell.n + max > w->limits.machines)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "max"),
				      "more than %llu machines in the cell and its groups (raise the limit with "
				      "\"limits\": {\"machines\": N}) (got %llu)", (unsigned long long)w->limits.machines,
				      (unsigned long long)max);
	g->min = (int64_t)min;
	g->max = (int64_t)max;
	g->desired = (int64_t)desired;
	return 0;
}

/* The group's timing: boot delay, cooldown, warm-up, metric period. */
static int parse_timing(const struct cs_cfg *cfg, json_t *gj, const char *p, struct as_group *g, cs_time *cooldown)
{
	static const char *const billings[] = {"per-second", "hourly", NULL};
	static const char *const modes[] = {"kill", "drain", NULL};
	int billing, mode;
	uint64_t samples;
	char q[256];
	if (!json_object_get(gj, "boot_delay"))
		json_object_set_new(gj, "boot_delay", json_real(97));
	if (cs_dist_parse(cfg, json_object_get(gj, "boot_delay"), cs_path_key(q, sizeof q, p, "boot_delay"),
			  CS_UNIT_SECONDS, 0, &g->boot) < 0 ||
	    cs_cfg_time(cfg, gj, p, "cooldown", 300, CS_CFG_NONNEG, cooldown) < 0 ||
	    cs_cfg_time(cfg, gj, p, "warmup", 300, CS_CFG_NONNEG, &g->warmup) < 0 ||
	    cs_cfg_time(cfg, gj, p, "period", 60, CS_CFG_POSITIVE, &g->period) < 0 ||
	    cs_cfg_count(cfg, gj, p, "samples_per_period", 6, 0, 1, 3600, &samples) < 0 ||
	    cs_cfg_enum(cfg, gj, p, "billing", "per-second", billings, &billing) < 0 ||
	    cs_cfg_num_in(cfg, gj, p, "min_billed_seconds", 60, CS_CFG_NONNEG, 0, 86400, &g->min_billed) < 0 ||
	    cs_cfg_enum(cfg, gj, p, "scale_in", "kill", modes, &mode) < 0 ||
	    cs_cfg_time(cfg, gj, p, "drain_timeout", 3600, CS_CFG_NONNEG, &g->drain_timeout) < 0)
		return -1;
	g->samples_per_period = (uint32_t)samples;
	g->sample_every = g->period / (cs_time)samples;
	if (g->sample_every < 1000000)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "samples_per_period"),
				      "samples less than a second apart (period / samples_per_period; got %llu samples "
				      "per %g s)", (unsigned long long)samples, cs_time_to_seconds(g->period));
	g->billing = (enum cs_as_billing)billing;
	g->scale_in = (enum as_scale_in)mode;
	return 0;
}

/* The cell's total of each resource with the group's max instances stays
 * in the model's range, as for the cell's own classes. */
static int check_totals(struct cs_world *w, const struct cs_cfg *cfg, const char *p, int64_t max, const struct cs_res *cap)
{
	static const char *const what[3] = {"cpu (cores)", "memory (MiB)", "disk (MiB)"};
	double sum[3] = {0, 0, 0};
	for (uint32_t c = 0; c < w->cell.nclasses; c++) {
		const struct cs_machine_class *mc = &w->cell.classes[c];
		sum[0] += mc->count * cs_qty_to_double(mc->cap.cpu);
		sum[1] += mc->count * cs_qty_to_double(mc->cap.mem);
		sum[2] += mc->count * cs_qty_to_double(mc->cap.disk);
	}
	const double each[3] = {cs_qty_to_double(cap->cpu), cs_qty_to_double(cap->mem), cs_qty_to_double(cap->disk)};
	for (int k = 0; k < 3; k++)
		if (sum[k] + (double)max * each[k] > CS_MAX_TOTAL)
			return cs_error_input(cfg->err, cfg->file, p,
					      "the cell's total %s with the group's max instances, %.6g, is beyond the model's "
					      "range (at most %g in all)", what[k], sum[k] + (double)max * each[k], CS_MAX_TOTAL);
	return 0;
}

static int parse_group(struct cs_world *w, const struct cs_cfg *cfg, json_t *gj, const char *p, struct as_group *g)
{
	static const char *const keys[] = {"name", "instance", "min", "max", "desired", "boot_delay", "policy",
					   "cooldown", "warmup", "period", "samples_per_period", "termination_policies",
					   "billing", "min_billed_seconds", "scale_in", "drain_timeout", "spot", NULL};
	const char *name;
	struct cs_res cap;
	json_t *attrs = NULL;
	cs_time cooldown;
	char q[256];
	if (cs_cfg_need_object(cfg, gj, p) < 0 || cs_cfg_keys(cfg, gj, p, keys) < 0 ||
	    cs_cfg_str(cfg, gj, p, "name", NULL, CS_CFG_REQUIRED, &name) < 0)
		return -1;
	if (strlen(name) == 0 || strlen(name) > 128)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "name"),
				      "expected a name of 1 to 128 bytes (got \"%.40s\"%s)", name, strlen(name) > 40 ? "..." : "");
	for (uint32_t c = 0; c < w->cell.nclasses; c++)
		if (strcmp(w->cell.classes[c].name, name) == 0)
			return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "name"),
					      "a machine class or group of that name exists already (got \"%s\")", name);
	g->name = cs_xstrdup(name);
	if (parse_instance(cfg, gj, p, g, &cap, &attrs) < 0 || parse_sizes(w, cfg, gj, p, g) < 0 ||
	    parse_timing(cfg, gj, p, g, &cooldown) < 0 || parse_policies(cfg, gj, p, g, cooldown) < 0 ||
	    parse_termination(cfg, gj, p, g) < 0 || parse_spot(cfg, gj, p, g) < 0)
		return -1;
	if (check_totals(w, cfg, p, g->max, &cap) < 0)
		return -1;
	g->first = w->cell.n;
	g->count = (uint32_t)g->max;
	cs_cell_add_class(&w->cell, name, g->count, cap, attrs);
	return 0;
}

int cs_autoscale_parse(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp, struct as_group **groups,
		       uint32_t *n)
{
	json_t *a = json_object_get(exp, "autoscaling");
	*groups = NULL;
	*n = 0;
	if (!a)
		return 0;
	static const char *const keys[] = {"groups", "label", NULL};
	char got[128];
	if (cs_cfg_need_object(cfg, a, "autoscaling") < 0 || cs_cfg_keys(cfg, a, "autoscaling", keys) < 0)
		return -1;
	json_t *gl = json_object_get(a, "groups");
	if (!json_is_array(gl) || json_array_size(gl) == 0 ||
	    json_array_size(gl) + w->cell.nclasses > w->limits.machine_classes)
		return cs_error_input(cfg->err, cfg->file, "autoscaling.groups",
				      "expected a list of 1 to %llu groups, fewer than the machine class limit with the "
				      "cell's classes (got %s)", (unsigned long long)w->limits.machine_classes,
				      cs_cfg_got(gl, got, sizeof got));
	*groups = cs_xcalloc(json_array_size(gl), sizeof **groups);
	for (size_t i = 0; i < json_array_size(gl); i++) {
		char p[64];
		cs_path_index(p, sizeof p, "autoscaling.groups", i);
		(*n)++;
		if (parse_group(w, cfg, json_array_get(gl, i), p, &(*groups)[i]) < 0)
			return -1;
	}
	return 0;
}

void cs_autoscale_group_release(struct as_group *g)
{
	free(g->name);
	for (uint32_t i = 0; i < g->npolicies; i++)
		free(g->policies[i].steps);
	free(g->policies);
	cs_dist_release(&g->boot);
	cs_dist_release(&g->interruption);
	if (g->rng)
		gsl_rng_free(g->rng);
	free(g->inst);
	free(g->history);
}
