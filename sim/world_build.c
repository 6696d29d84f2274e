/* sim/world_build — building a world from the experiment tree.
 *
 * Each part is parsed by the module that owns it (cells here, workloads by
 * their source, the scheduler by its plug-in); every default is written
 * back into the tree, which becomes results/experiment.json. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/placement.h"
#include "sim/alloc.h"
#include "sim/limits.h"
#include "controllers/controller.h"
#include "sim/world_internal.h"
#include "workloads/prefetch.h"
#include "workloads/synthetic.h"
#include "workloads/trace.h"

static const char *const top_keys[] = {
	"name", "description", "seed", "duration", "cell", "prefill", "workloads", "scheduler",
	"sweep", "vars", "output", "machine_events", "check_invariants", "strict", "version", "limits", "controllers",
	"balancer", "clients", "sockjs", "failures", "events", "apps", "live", "autoscaling", "helix", NULL,
};

/* A class's attributes: an object of strings, numbers and booleans. */
static int check_attributes(const struct cs_cfg *cfg, json_t *attrs, const char *p)
{
	char ap[300];
	cs_path_key(ap, sizeof ap, p, "attributes");
	if (cs_cfg_need_object(cfg, attrs, ap) < 0)
		return -1;
	const char *k;
	json_t *v;
	json_object_foreach(attrs, k, v) {
		if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v)) {
			char kp[400];
			return cs_error_input(cfg->err, cfg->file, cs_path_key(kp, sizeof kp, ap, k),
					      "an attribute is a string, number or boolean");
		}
	}
	return 0;
}

/* A class's Kubernetes taints: a list of "key[=value]:Effect" (kubectl
 * taint's form), Effect NoSchedule, PreferNoSchedule or NoExecute. */
static int check_taints(const struct cs_cfg *cfg, json_t *taints, const char *p)
{
	char tp[300], got[128];
	cs_path_key(tp, sizeof tp, p, "taints");
	if (!json_is_array(taints))
		return cs_error_input(cfg->err, cfg->file, tp, "expected a list of \"key=value:Effect\" (got %s)",
				      cs_cfg_got(taints, got, sizeof got));
	for (size_t i = 0; i < json_array_size(taints); i++) {
		const char *s = json_string_value(json_array_get(taints, i));
		const char *colon = s ? strrchr(s, ':') : NULL;
		char ip[320];
		cs_path_index(ip, sizeof ip, tp, i);
		if (!s || !colon || colon == s || *s == '=' ||
		    (strcmp(colon, ":NoSchedule") != 0 && strcmp(colon, ":PreferNoSchedule") != 0 &&
		     strcmp(colon, ":NoExecute") != 0))
			return cs_error_input(cfg->err, cfg->file, ip,
					      "expected \"key=value:Effect\" or \"key:Effect\" with Effect NoSchedule, "
					      "PreferNoSchedule or NoExecute (got %s)", cs_cfg_got(json_array_get(taints, i), got, sizeof got));
	}
	return 0;
}

static int parse_cell(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	static const char *const class_keys[] = {"name", "count", "cpu", "mem", "disk",
						 "attributes", "taints", NULL};
	json_t *cell = json_object_get(exp, "cell");
	if (!cell && json_object_get(exp, "autoscaling"))
		return 0; /* the groups are the cell (cs_world_parse_autoscaling) */
	if (!cell)
		return cs_error_input(cfg->err, cfg->file, "cell", "missing");
	static const char *const cell_keys[] = {"machines", NULL};
	if (cs_cfg_keys(cfg, cell, "cell", cell_keys) < 0)
		return -1;
	json_t *machines = json_object_get(cell, "machines");
	if (!json_is_array(machines) || json_array_size(machines) == 0)
		return cs_error_input(cfg->err, cfg->file, "cell.machines",
				      "expected a non-empty list of machine classes");
	if (json_array_size(machines) > w->limits.machine_classes)
		return cs_error_input(cfg->err, cfg->file, "cell.machines",
				      "%zu machine classes, more than the limit of %llu (raise it with \"limits\": "
				      "{\"machine_classes\": N})", json_array_size(machines),
				      (unsigned long long)w->limits.machine_classes);
	uint64_t total = 0;
	double sum[3] = {0, 0, 0};
	for (size_t i = 0; i < json_array_size(machines); i++) {
		char p[256];
		cs_path_index(p, sizeof p, "cell.machines", i);
		json_t *mc = json_array_get(machines, i);
		double cpu, mem, disk;
		uint64_t count;
		const char *name;
		char defname[32];
		snprintf(defname, sizeof defname, "class%zu", i);
		if (cs_cfg_keys(cfg, mc, p, class_keys) < 0 ||
		    cs_cfg_str(cfg, mc, p, "name", defname, 0, &name) < 0 ||
		    cs_cfg_count(cfg, mc, p, "count", 1, CS_CFG_REQUIRED, 1, w->limits.machines, &count) < 0 ||
		    cs_cfg_qty(cfg, mc, p, "cpu", 0, CS_CFG_REQUIRED | CS_CFG_POSITIVE, CS_QTY_CPU, &cpu) < 0 ||
		    cs_cfg_qty(cfg, mc, p, "mem", 0, CS_CFG_REQUIRED | CS_CFG_POSITIVE, CS_QTY_MEM, &mem) < 0 ||
		    cs_cfg_qty(cfg, mc, p, "disk", 1048576, CS_CFG_NONNEG, CS_QTY_DISK, &disk) < 0)
			return -1;
		json_t *attrs = json_object_get(mc, "attributes");
		if (attrs && check_attributes(cfg, attrs, p) < 0)
			return -1;
		total += count;
		if (total > w->limits.machines)
			return cs_error_input(cfg->err, cfg->file, p,
					      "more than %llu machines in all (raise the limit with \"limits\": "
					      "{\"machines\": N})", (unsigned long long)w->limits.machines);
		double each[3] = {cpu, mem, disk};
		const char *what[3] = {"cpu (cores)", "memory (MiB)", "disk (MiB)"};
		for (int k = 0; k < 3; k++) {
			sum[k] += (double)count * each[k];
			if (sum[k] > CS_MAX_TOTAL)
				return cs_error_input(cfg->err, cfg->file, p,
						      "the cell's total %s, %.6g, is beyond the model's range (at most "
						      "%g in all)", what[k], sum[k], CS_MAX_TOTAL);
		}
		struct cs_res cap = {cs_qty_from_double(cpu), cs_qty_from_double(mem),
				     cs_qty_from_double(disk)};
		cs_cell_add_class(&w->cell, name, (uint32_t)count, cap, attrs);
		json_t *taints = json_object_get(mc, "taints");
		if (taints && check_taints(cfg, taints, p) < 0)
			return -1;
		if (taints)
			w->cell.classes[w->cell.nclasses - 1].taints = json_incref(taints);
	}
	return 0;
}

/* The cell of the world as a trace reader needs to know it. */
static struct cs_trace_cell trace_cell(const struct cs_cell *cell)
{
	struct cs_trace_cell tc = {cell->max_cap, cs_qty_to_double(cell->total_cap.cpu), cell->n == 1};
	return tc;
}

static int open_trace(struct cs_world *w, const struct cs_cfg *cfg, json_t *wj, const char *p,
		      struct cs_workload *wl)
{
	if (cs_cfg_keys(cfg, wj, p, cs_trace_workload_keys) < 0)
		return -1;
	const char *name;
	static const char *const kinds[] = {"batch", "service", NULL};
	int k;
	char dn[32];
	snprintf(dn, sizeof dn, "trace%u", wl->index);
	if (cs_cfg_str(cfg, wj, p, "name", dn, 0, &name) < 0 || cs_cfg_enum(cfg, wj, p, "kind", "batch", kinds, &k) < 0)
		return -1;
	struct cs_trace_spec spec;
	if (cs_trace_parse(cfg, wj, p, w->strict, &spec) < 0)
		return -1;
	struct cs_trace_cell tc = trace_cell(&w->cell);
	int rc = cs_trace_open(&spec, &tc, &wl->src, cfg->err);
	wl->as_recorded = spec.as_recorded;
	cs_trace_spec_release(&spec);
	if (rc < 0)
		return rc;
	/* inflate and parse on a second thread, ahead of the simulation */
	if (cs_prefetch_wrap(&wl->src, w->duration, cfg->err) < 0) {
		wl->src.ops->close(wl->src.self);
		wl->src.ops = NULL;
		return -1;
	}
	return 0;
}

/* Without a "cell", the first trace workload says what the cell is. */
static int default_cell(const struct cs_cfg *cfg, json_t *exp)
{
	if (json_object_get(exp, "cell"))
		return 0;
	json_t *wls = json_object_get(exp, "workloads");
	for (size_t i = 0; json_is_array(wls) && i < json_array_size(wls); i++) {
		json_t *wj = json_array_get(wls, i);
		if (!json_is_object(wj) || !json_object_get(wj, "trace"))
			continue;
		char p[64];
		cs_path_index(p, sizeof p, "workloads", i);
		struct cs_trace_spec spec;
		if (cs_trace_parse(cfg, wj, p, false, &spec) < 0)
			return -1;
		json_t *cell = cs_trace_default_cell(cfg, p, &spec);
		cs_trace_spec_release(&spec);
		if (!cell)
			return -1;
		json_object_set_new(exp, "cell", cell);
		return 0;
	}
	return 0; /* parse_cell reports the missing cell */
}

static int parse_workloads(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *wls = json_object_get(exp, "workloads");
	size_t nc = cs_world_count_controllers(exp) + cs_world_count_app_controllers(w) + w->live_slots;
	/* (an experiment of controllers alone has no workloads list) */
	/* (nor need an experiment of a Helix cluster have one) */
	bool alone = nc > 0 || json_object_get(exp, "helix");
	if (!(alone && !wls) && (!json_is_array(wls) || json_array_size(wls) == 0))
		return cs_error_input(cfg->err, cfg->file, "workloads", "expected a non-empty list of workloads");
	size_t n = json_array_size(wls);
	/* room for the controllers' workloads after the experiment's */
	w->workloads = cs_xcalloc(n + nc + 1, sizeof *w->workloads);
	w->controllers = cs_xcalloc(nc ? nc : 1, sizeof *w->controllers);
	struct cs_synthetic_limits lim = {w->duration, w->cell.max_cap, w->limits.tasks_per_job, 0};
	double expected = 0;
	for (size_t i = 0; i < n; i++) {
		char p[64];
		cs_path_index(p, sizeof p, "workloads", i);
		json_t *wj = json_array_get(wls, i);
		if (cs_cfg_need_object(cfg, wj, p) < 0)
			return -1;
		struct cs_workload *wl = &w->workloads[i];
		wl->world = w;
		wl->index = (uint32_t)i;
		if (json_object_get(wj, "trace")) {
			if (open_trace(w, cfg, wj, p, wl) < 0)
				return -1;
		} else {
			if (cs_cfg_keys(cfg, wj, p, cs_synthetic_keys) < 0)
				return -1;
			if (w->duration == CS_TIME_NEVER)
				return cs_error_input(cfg->err, cfg->file, "duration",
						      "missing (synthetic workloads need a duration)");
			if (cs_synthetic_open(cfg, wj, p, w->seed, &lim, &wl->src) < 0)
				return -1;
			expected += lim.expected_jobs;
		}
		/* counted as soon as its source is open, so that the release
		 * closes it whatever fails next */
		w->nworkloads++;
		wl->name = cs_xstrdup(json_string_value(json_object_get(wj, "name")));
		wl->kind = strcmp(json_string_value(json_object_get(wj, "kind")), "service") == 0
			? CS_JOB_SERVICE : CS_JOB_BATCH;
		if (expected > (double)w->limits.jobs) {
			char ap[128];
			return cs_error_input(cfg->err, cfg->file, cs_path_key(ap, sizeof ap, p, "arrival"),
					      "about %.3g jobs to expect (duration / mean interarrival time), more "
					      "than the limit of %llu (shorten the run, or raise the limit with "
					      "\"limits\": {\"jobs\": N})", expected, (unsigned long long)w->limits.jobs);
		}
		if (cs_world_workload(w, wl->name) != (int)i) {
			char np[128];
			return cs_error_input(cfg->err, cfg->file, cs_path_key(np, sizeof np, p, "name"),
					      "duplicate workload name \"%s\"", wl->name);
		}
	}
	return 0;
}

/* "machine_events": [{"at": T, "action": "down"|"up", "first": M, "count": N}] */
static int parse_machine_events(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	static const char *const keys[] = {"at", "action", "first", "count", NULL};
	static const char *const actions[] = {"down", "up", NULL};
	json_t *evs = json_object_get(exp, "machine_events");
	if (!evs)
		return 0;
	if (!json_is_array(evs))
		return cs_error_input(cfg->err, cfg->file, "machine_events", "expected a list");
	size_t n = json_array_size(evs);
	w->machine_events = cs_xcalloc(n ? n : 1, sizeof *w->machine_events);
	for (size_t i = 0; i < n; i++) {
		char p[64];
		cs_path_index(p, sizeof p, "machine_events", i);
		json_t *e = json_array_get(evs, i);
		struct cs_machine_event *me = &w->machine_events[i];
		int action;
		uint64_t first, count;
		if (cs_cfg_keys(cfg, e, p, keys) < 0 ||
		    cs_cfg_time(cfg, e, p, "at", 0, CS_CFG_REQUIRED | CS_CFG_NONNEG, &me->at) < 0 ||
		    cs_cfg_enum(cfg, e, p, "action", NULL, actions, &action) < 0 ||
		    cs_cfg_count(cfg, e, p, "first", 0, 0, 0, w->cell.n - 1, &first) < 0 ||
		    cs_cfg_count(cfg, e, p, "count", 1, 0, 1, w->cell.n, &count) < 0)
			return -1;
		if (first + count > w->cell.n)
			return cs_error_input(cfg->err, cfg->file, p, "machines %llu..%llu are not in the cell (%u machines)",
					      (unsigned long long)first, (unsigned long long)(first + count - 1), w->cell.n);
		me->up = action == 1;
		me->first = (uint32_t)first;
		me->count = (uint32_t)count;
		me->world = w;
		w->nmachine_events++;
	}
	return 0;
}

static int parse_scheduler(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *s = json_object_get(exp, "scheduler");
	if (!s)
		return cs_error_input(cfg->err, cfg->file, "scheduler", "missing");
	if (cs_cfg_need_object(cfg, s, "scheduler") < 0)
		return -1;
	const char *type;
	if (cs_cfg_str(cfg, s, "scheduler", "type", NULL, CS_CFG_REQUIRED, &type) < 0)
		return -1;
	w->sched_ops = cs_scheduler_find(type);
	if (!w->sched_ops) {
		const char *const *names = cs_scheduler_names();
		const char *hint = cs_did_you_mean(type, names);
		if (hint)
			return cs_error_input(cfg->err, cfg->file, "scheduler.type",
					      "unknown scheduler \"%s\" (did you mean \"%s\"?)", type, hint);
		char list[256] = "";
		for (size_t i = 0; names[i]; i++) {
			strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
			strncat(list, names[i], sizeof list - strlen(list) - 1);
		}
		return cs_error_input(cfg->err, cfg->file, "scheduler.type",
				      "unknown scheduler \"%s\" (known: %s)", type, list);
	}
	w->sched_type = w->sched_ops->name; /* the name asked for, even for a variant */
	if (w->sched_ops->variant) {
		const struct cs_scheduler_ops *v = w->sched_ops->variant(s);
		if (v)
			w->sched_ops = v;
	}
	if (w->sched_ops->create(&w->host, cfg, s, &w->sched) < 0)
		return -1;
	if (!w->sched_ops->task_started)
		w->host.notify_started = false;
	if (w->host.notify_started || w->balancer || w->controllers_notify)
		cs_cell_set_backend(&w->cell, &cs_world_sim_backend_notify, w);
	return 0;
}

int cs_world_init(struct cs_world *w, json_t *exp, const struct cs_cfg *cfg, FILE *jobs_csv,
		  FILE *timeseries)
{
	memset(w, 0, sizeof *w);
	w->file = cfg->file;
	cs_engine_init(&w->engine);
	cs_cell_init(&w->cell, &w->engine);
	cs_cell_set_backend(&w->cell, &cs_world_sim_backend, w);
	if (cs_cfg_keys(cfg, exp, "", top_keys) < 0)
		return -1;
	const char *name;
	uint64_t seed;
	bool check, strict;
	if (cs_limits_parse(&w->limits, exp, cfg->file, cfg->err) < 0 ||
	    cs_cfg_str(cfg, exp, "", "name", "experiment", 0, &name) < 0 ||
	    cs_cfg_count(cfg, exp, "", "seed", 1, 0, 0, INT64_MAX, &seed) < 0 ||
	    cs_cfg_time(cfg, exp, "", "duration", (double)NAN, CS_CFG_NULLABLE | CS_CFG_POSITIVE, &w->duration) < 0 ||
	    cs_cfg_bool(cfg, exp, "", "check_invariants", false, &check) < 0 ||
	    cs_cfg_bool(cfg, exp, "", "strict", false, &strict) < 0)
		return -1;
	w->strict = strict;
	w->name = cs_xstrdup(name);
	w->seed = seed;
	w->check_invariants = check;
	json_t *out = json_object_get(exp, "output");
	if (!out) {
		out = json_object();
		json_object_set_new(exp, "output", out);
	}
	static const char *const out_keys[] = {"sample_interval", "jobs", "per_day", NULL};
	if (cs_cfg_keys(cfg, out, "output", out_keys) < 0 ||
	    cs_cfg_time(cfg, out, "output", "sample_interval", w->duration == CS_TIME_NEVER ? 3600 : 60,
			CS_CFG_POSITIVE, &w->sample_interval) < 0 ||
	    cs_cfg_bool(cfg, out, "output", "jobs", true, &w->jobs_csv) < 0 ||
	    cs_cfg_bool(cfg, out, "output", "per_day", false, &w->per_day) < 0)
		return -1;
	if (w->duration != CS_TIME_NEVER && w->duration / w->sample_interval + 2 > (cs_time)w->limits.timeseries_rows)
		return cs_error_input(cfg->err, cfg->file, "output.sample_interval",
				      "%lld rows of timeseries.csv (duration / sample_interval), more than the limit of "
				      "%llu (sample less often, or raise the limit with \"limits\": {\"timeseries_rows\": N})",
				      (long long)(w->duration / w->sample_interval + 2),
				      (unsigned long long)w->limits.timeseries_rows);
	if (!w->jobs_csv)
		jobs_csv = NULL; /* the caller removes the file */
	cs_series_init(&w->series, timeseries, w->limits.timeseries_rows);
	cs_world_series_add(w);

	if (default_cell(cfg, exp) < 0 || parse_cell(w, cfg, exp) < 0 || cs_world_parse_autoscaling(w, cfg, exp) < 0 ||
	    (w->cell.n == 0 && cs_error_input(cfg->err, cfg->file, "cell", "missing") < 0) ||
	    cs_world_load_apps(w, cfg, exp) < 0 ||
	    cs_world_parse_live(w, cfg, exp) < 0 || parse_workloads(w, cfg, exp) < 0 ||
	    cs_world_parse_controllers(w, cfg, exp) < 0 || cs_world_parse_apps(w, cfg, exp) < 0)
		return -1;
	for (uint32_t i = 0; i < w->nworkloads; i++)
		w->cell.overcommit = w->cell.overcommit || w->workloads[i].as_recorded;
	for (uint32_t i = 0; w->autoscale && i < w->nworkloads; i++)
		if (w->workloads[i].as_recorded) {
			char p[64];
			cs_path_index(p, sizeof p, "workloads", i);
			char q[80];
			return cs_error_input(cfg->err, cfg->file, cs_path_key(q, sizeof q, p, "replay"),
					      "an as-recorded replay puts tasks on machines whatever their state; with "
					      "autoscaling groups, replay with a scheduler (got \"as-recorded\")");
		}
	cs_world_add_live_workload(w);
	cs_world_apps_series_add(w); /* (before a balancer's columns) */
	if (parse_machine_events(w, cfg, exp) < 0 || cs_world_parse_failures(w, cfg, exp) < 0)
		return -1;
	cs_world_failures_series_add(w);
	cs_world_autoscaling_series_add(w);
	if (cs_world_parse_helix(w, cfg, exp) < 0)
		return -1;
	cs_world_helix_series_add(w);
	if (cs_world_parse_balancer(w, cfg, exp) < 0)
		return -1;
	char **names = cs_xcalloc(w->nworkloads, sizeof *names);
	w->workload_apps = cs_xcalloc(w->nworkloads, sizeof *w->workload_apps);
	w->workload_frameworks = cs_xcalloc(w->nworkloads, sizeof *w->workload_frameworks);
	w->workload_on_mesos = cs_xcalloc(w->nworkloads, sizeof *w->workload_on_mesos);
	for (uint32_t i = 0; i < w->nworkloads; i++) {
		names[i] = w->workloads[i].name;
		w->workload_apps[i] = w->workloads[i].app;
		w->workload_frameworks[i] = w->workloads[i].framework;
	}
	cs_metrics_init(&w->metrics, w->nworkloads, names, jobs_csv);
	/* what the plug-ins see of the world (sim/host.h) */
	w->host = (struct cs_host){&w->engine, &w->cell, w->nworkloads, (const char *const *)names,
				   w->workload_apps, w->workload_frameworks, w->workload_on_mesos, w->duration, false, w, false};
	if (parse_scheduler(w, cfg, exp) < 0)
		return -1;
	return cs_world_prefill(w, cfg, exp);
}

void cs_world_release(struct cs_world *w)
{
	/* Jobs still live (running services, queued jobs) are freed here;
	 * the scheduler drops its pointers first. */
	if (w->sched_ops && w->sched)
		w->sched_ops->destroy(w->sched);
	cs_world_release_controllers(w);
	cs_world_release_apps(w);
	cs_world_release_balancer(w);
	for (struct cs_job *job = w->live_head, *next; job; job = next) {
		next = job->live_next;
		cs_job_free(job);
	}
	for (uint32_t i = 0; i < w->nworkloads; i++) {
		cs_job_free(w->workloads[i].next);
		for (size_t k = w->workloads[i].held_next; k < w->workloads[i].nheld; k++)
			cs_job_free(w->workloads[i].held[k]);
		free(w->workloads[i].held);
		w->workloads[i].src.ops->close(w->workloads[i].src.self);
		free(w->workloads[i].name);
	}
	free(w->workloads);
	free(w->workload_apps);
	free(w->workload_frameworks);
	free(w->workload_on_mesos);
	free(w->metrics.names);
	cs_metrics_release(&w->metrics);
	free(w->machine_events);
	cs_world_release_failures(w);
	cs_world_release_autoscaling(w);
	cs_world_release_helix(w);
	cs_world_pool_release(w);
	while (w->spare_groups) {
		struct cs_end_group *g = w->spare_groups;
		w->spare_groups = g->next;
		free(g);
	}
	cs_report_release(&w->ts_prev);
	if (w->initial_placer) {
		cs_placer_release(w->initial_placer);
		free(w->initial_placer);
	}
	free(w->name);
	cs_cell_release_all(&w->cell);
	cs_engine_release(&w->engine);
	memset(w, 0, sizeof *w);
}
