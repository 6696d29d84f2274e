/* workloads/synthetic — see synthetic.h. */
#include "workloads/synthetic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/rng.h"
#include "workloads/dist.h"
#include "workloads/rate_profile.h"

const char *const cs_synthetic_keys[] = {
	"name", "kind", "arrival", "tasks", "task_duration", "task_cpu", "task_mem",
	"task_disk", "priority", "max_jobs", "start", "end", "arrival_rate", NULL,
};

struct synthetic {
	gsl_rng *rng;
	struct cs_dist arrival, tasks, duration, cpu, mem, disk;
	bool has_duration;
	enum cs_job_kind kind;
	int priority;
	double t;          /* seconds: the last arrival, in operational time
			    * (real time unless an arrival_rate warps it) */
	struct cs_rate_profile rate;
	cs_time end;
	uint64_t max_jobs, made;
	uint64_t tasks_max;
	struct cs_res max_req;
};

/* Sample d until the value is <= max (a request that no machine could
 * hold would never be placed), then clamp. */
static double bounded(const struct cs_dist *d, gsl_rng *rng, double max)
{
	for (int i = 0; i < 100; i++) {
		double x = cs_dist_sample(d, rng);
		if (x <= max)
			return x;
	}
	return max;
}

static int synthetic_next(void *self, struct cs_job **out, struct cs_error *err)
{
	struct synthetic *s = self;
	if (s->max_jobs && s->made >= s->max_jobs)
		return 0;
	s->t += cs_dist_sample(&s->arrival, s->rng);
	double real = cs_rate_profile_unwarp(&s->rate, s->t);
	if (real > CS_MAX_SECONDS)
		return 0;
	cs_time at = cs_time_from_seconds(real);
	if (at > s->end)
		return 0;
	double ntasks = ceil(bounded(&s->tasks, s->rng, (double)s->tasks_max));
	if (ntasks < 1)
		ntasks = 1;
	struct cs_job *job = cs_job_new((uint32_t)ntasks);
	job->kind = s->kind;
	job->priority = s->priority;
	job->submit = at;
	if (s->has_duration)
		job->duration = cs_dist_sample_time(&s->duration, s->rng);
	job->req.cpu = cs_qty_from_double(bounded(&s->cpu, s->rng, cs_qty_to_double(s->max_req.cpu)));
	job->req.mem = cs_qty_from_double(bounded(&s->mem, s->rng, cs_qty_to_double(s->max_req.mem)));
	job->req.disk = cs_qty_from_double(bounded(&s->disk, s->rng, cs_qty_to_double(s->max_req.disk)));
	s->made++;
	*out = job;
	return 1;
}

static void synthetic_close(void *self)
{
	struct synthetic *s = self;
	if (s->rng)
		gsl_rng_free(s->rng);
	cs_dist_release(&s->arrival);
	cs_dist_release(&s->tasks);
	cs_dist_release(&s->duration);
	cs_dist_release(&s->cpu);
	cs_dist_release(&s->mem);
	cs_dist_release(&s->disk);
	free(s);
}

static const struct cs_source_ops synthetic_ops = {
	.name = "synthetic",
	.next = synthetic_next,
	.close = synthetic_close,
};

static int dist_key(const struct cs_cfg *cfg, json_t *w, const char *path, const char *key,
		    json_t *def, enum cs_dist_unit unit, int sched, struct cs_dist *out)
{
	char p[512];
	json_t *v = json_object_get(w, key);
	if (v)
		json_decref(def); /* the default is not needed */
	if (!v) {
		if (!def)
			return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, key),
					      "missing");
		json_object_set_new(w, key, def);
		v = def;
	}
	return cs_dist_parse(cfg, v, cs_path_key(p, sizeof p, path, key), unit, sched, out);
}

int cs_synthetic_open(const struct cs_cfg *cfg, json_t *w, const char *path, uint64_t seed,
		      struct cs_synthetic_limits *lim, struct cs_source *out)
{
	static const char *const kinds[] = {"batch", "service", NULL};
	const char *name;
	int kind;
	double prio;
	uint64_t max_jobs;
	cs_time start, end;
	if (cs_cfg_str(cfg, w, path, "name", NULL, CS_CFG_REQUIRED, &name) < 0 ||
	    cs_cfg_enum(cfg, w, path, "kind", "batch", kinds, &kind) < 0 ||
	    cs_cfg_num_in(cfg, w, path, "priority", 0, CS_CFG_INTEGER, 0, 11, &prio) < 0 ||
	    cs_cfg_count(cfg, w, path, "max_jobs", 0, 0, 0, UINT64_C(1) << 53, &max_jobs) < 0 ||
	    cs_cfg_time(cfg, w, path, "start", 0, CS_CFG_NONNEG, &start) < 0 ||
	    cs_cfg_time(cfg, w, path, "end", (double)NAN, CS_CFG_NULLABLE | CS_CFG_NONNEG, &end) < 0)
		return -1;
	struct synthetic *s = cs_xcalloc(1, sizeof *s);
	s->kind = kind == 0 ? CS_JOB_BATCH : CS_JOB_SERVICE;
	int sched = kind; /* omega-cmb: 0 batch, 1 service */
	s->priority = (int)prio;
	s->max_jobs = max_jobs;
	s->tasks_max = lim->tasks_per_job;
	if (cs_rate_profile_parse(cfg, w, path, &s->rate) < 0) {
		synthetic_close(s);
		return -1;
	}
	s->t = cs_rate_profile_warp(&s->rate, cs_time_to_seconds(start));
	s->end = end < lim->end ? end : lim->end;
	s->max_req = lim->max_req;
	s->has_duration = json_object_get(w, "task_duration") != NULL;
	char p[512];
	if (dist_key(cfg, w, path, "arrival", NULL, CS_UNIT_SECONDS, sched, &s->arrival) < 0 ||
	    dist_key(cfg, w, path, "tasks", json_integer(1), CS_UNIT_COUNT, sched, &s->tasks) < 0 ||
	    (s->has_duration &&
	     dist_key(cfg, w, path, "task_duration", NULL, CS_UNIT_SECONDS, sched, &s->duration) < 0) ||
	    dist_key(cfg, w, path, "task_cpu", NULL, CS_UNIT_CORES, sched, &s->cpu) < 0 ||
	    dist_key(cfg, w, path, "task_mem", NULL, CS_UNIT_MIB, sched, &s->mem) < 0 ||
	    dist_key(cfg, w, path, "task_disk", json_integer(0), CS_UNIT_MIB, sched, &s->disk) < 0)
		goto fail;
	if (!s->has_duration && s->kind == CS_JOB_BATCH) {
		cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "task_duration"),
			       "missing (a batch workload needs task durations)");
		goto fail;
	}
	double mean = cs_dist_mean(&s->arrival);
	if (!(mean > 0)) {
		cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "arrival"),
			       "the mean interarrival time must be positive (got %g s): arrivals without end at one instant",
			       mean);
		goto fail;
	}
	double tmean = cs_dist_mean(&s->tasks);
	if (!(tmean <= (double)lim->tasks_per_job)) {
		cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "tasks"),
			       "a mean of %.6g tasks per job, more than the limit of %llu (raise it with \"limits\": "
			       "{\"tasks_per_job\": N})", tmean, (unsigned long long)lim->tasks_per_job);
		goto fail;
	}
	/* the arrivals to expect in the window, for the run's size check */
	cs_time window_end = s->end == CS_TIME_NEVER ? start : s->end;
	double expected = window_end > start ? cs_time_to_seconds(window_end - start) / mean : 0;
	if (s->max_jobs && (double)s->max_jobs < expected)
		expected = (double)s->max_jobs;
	lim->expected_jobs = expected;
	char stream[600];
	snprintf(stream, sizeof stream, "workload:%s", name);
	s->rng = cs_rng_stream(seed, stream);
	out->ops = &synthetic_ops;
	out->self = s;
	return 0;
fail:
	s->rng = NULL;
	synthetic_close(s);
	return -1;
}
