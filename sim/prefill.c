/* sim/prefill — the cell's state at t = 0.
 *
 * "prefill": {
 *   "omega_init": PATH,        Omega init-cluster-state file (optional)
 *   "omega_jobs": "all"|"batch"|"service",   which of its jobs (CMB_PBB rule)
 *   "utilization": U,          then top the cell up to U of its cpu and mem
 *   "task_cpu": C, "task_mem": M,   size of the top-up tasks
 *   "task_duration": DIST|null      their duration (null: the whole run)
 * }
 * Tasks are placed by random first fit on a stream of their own
 * ("prefill"); a task that fits nowhere is skipped and counted
 * (summary.json prefill.tasks_skipped).  The top-up adds tasks while both
 * the cpu and the memory fraction in use stay within U: with the default
 * task_mem (task_cpu times the cell's memory per core) both reach U
 * together.  Prefill jobs are not workload jobs: they appear in
 * utilization, never in job metrics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/placement.h"
#include "sim/alloc.h"
#include "sim/world_internal.h"
#include "workloads/dist.h"
#include "workloads/omega_init.h"

static int prefill_omega(struct cs_world *w, const struct cs_cfg *cfg, json_t *pf,
			 struct cs_placer *pl)
{
	static const char *const which_names[] = {"all", "batch", "service", NULL};
	const char *file;
	int which;
	if (cs_cfg_str(cfg, pf, "prefill", "omega_init", NULL, 0, &file) < 0)
		return -1;
	if (!file)
		return 0;
	if (cs_cfg_enum(cfg, pf, "prefill", "omega_jobs", "all", which_names, &which) < 0)
		return -1;
	char *path = cs_cfg_input_file(cfg, "prefill.omega_init", file);
	if (!path)
		return -1;
	struct cs_omega_init_job *jobs;
	size_t n;
	int r = cs_omega_init_read(path, file, &jobs, &n, cfg->err);
	free(path);
	if (r < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct cs_omega_init_job *oj = &jobs[i];
		if ((which == 1 && oj->service) || (which == 2 && !oj->service))
			continue;
		cs_world_place_prefill(w, pl, cs_omega_init_job_new(oj));
	}
	free(jobs);
	return 0;
}

static int prefill_utilization(struct cs_world *w, const struct cs_cfg *cfg, json_t *pf,
			       struct cs_placer *pl)
{
	double u, cpu, mem;
	struct cs_cell *c = &w->cell;
	if (cs_cfg_num_in(cfg, pf, "prefill", "utilization", 0, 0, 0, 1, &u) < 0)
		return -1;
	double mem_per_core = (double)c->total_cap.mem / (double)c->total_cap.cpu;
	if (cs_cfg_qty(cfg, pf, "prefill", "task_cpu", cs_qty_to_double(c->max_cap.cpu) / 8, CS_CFG_POSITIVE,
		       CS_QTY_CPU, &cpu) < 0 ||
	    cs_cfg_qty(cfg, pf, "prefill", "task_mem", cpu * mem_per_core, CS_CFG_NONNEG, CS_QTY_MEM, &mem) < 0)
		return -1;
	/* a prefill task that fits no machine would fill nothing */
	if (u > 0 && (cs_qty_from_double(cpu) > c->max_cap.cpu || cs_qty_from_double(mem) > c->max_cap.mem))
		return cs_error_input(cfg->err, cfg->file, cpu > cs_qty_to_double(c->max_cap.cpu) ? "prefill.task_cpu"
												  : "prefill.task_mem",
				      "larger than the largest machine (%g cores, %g MiB): no prefill task would fit "
				      "(got %g cores, %g MiB)", cs_qty_to_double(c->max_cap.cpu),
				      cs_qty_to_double(c->max_cap.mem), cpu, mem);
	json_t *dj = json_object_get(pf, "task_duration");
	if (!dj) {
		dj = json_null();
		json_object_set_new(pf, "task_duration", dj);
	}
	if (u == 0)
		return 0;
	struct cs_res req = {cs_qty_from_double(cpu), cs_qty_from_double(mem), 0};
	/* how many more tasks keep both fractions within u */
	double room_cpu = u * (double)c->total_cap.cpu - (double)c->total_used.cpu;
	double room_mem = u * (double)c->total_cap.mem - (double)c->total_used.mem;
	double k = floor(room_cpu / (double)req.cpu);
	if (req.mem > 0 && floor(room_mem / (double)req.mem) < k)
		k = floor(room_mem / (double)req.mem);
	if (k < 1)
		return 0;
	if (k > 1e8)
		return cs_error_input(cfg->err, cfg->file, "prefill.task_cpu", "too small: over 10^8 tasks");
	struct cs_job *job = cs_job_new((uint32_t)k);
	job->kind = CS_JOB_SERVICE;
	job->req = req;
	if (!json_is_null(dj)) {
		struct cs_dist d;
		if (cs_dist_parse(cfg, dj, "prefill.task_duration", CS_UNIT_SECONDS, 1, &d) < 0) {
			cs_job_free(job);
			return -1;
		}
		gsl_rng *rng = cs_world_rng(w, "prefill:durations");
		job->task_durations = cs_xmalloc(job->ntasks * sizeof *job->task_durations);
		for (uint32_t i = 0; i < job->ntasks; i++)
			job->task_durations[i] = cs_dist_sample_time(&d, rng);
		gsl_rng_free(rng);
		cs_dist_release(&d);
	}
	cs_world_place_prefill(w, pl, job);
	return 0;
}

int cs_world_prefill(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	static const char *const keys[] = {"omega_init", "omega_jobs", "utilization", "task_cpu",
					   "task_mem", "task_duration", NULL};
	json_t *pf = json_object_get(exp, "prefill");
	if (!pf)
		return 0;
	if (cs_cfg_keys(cfg, pf, "prefill", keys) < 0)
		return -1;
	struct cs_placer pl;
	cs_placer_init(&pl, CS_PLACE_RANDOM_FIRST_FIT, w->cell.n, cs_world_rng(w, "prefill"));
	int r = prefill_omega(w, cfg, pf, &pl);
	if (r == 0)
		r = prefill_utilization(w, cfg, pf, &pl);
	cs_placer_release(&pl);
	return r;
}
