/* sim/run — see run.h. */
#include "sim/run.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/per_day.h"
#include "sim/alloc.h"
#include "sim/experiment.h"
#include "sim/interrupt.h"
#include "sim/outdir.h"
#include "sim/version.h"
#include "balancer/balancer.h"
#include "sim/world.h"

double cs_peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	struct cs_world *w;
	double start, last;
	const char *label;
};

static void progress_fire(void *ctx, const struct cs_engine *e, uint64_t events)
{
	struct progress *p = ctx;
	double now = wall_now();
	if (now - p->last < 0.25)
		return;
	p->last = now;
	double sim = cs_time_to_seconds(e->now);
	double pct = p->w->duration != CS_TIME_NEVER ? 100.0 * sim / cs_time_to_seconds(p->w->duration) : 0;
	fprintf(stderr, "\r%s%s%.0f s simulated, %5.1f%%, %.2fM events/s   ", p->label ? p->label : "",
		p->label ? ": " : "", sim, pct, (double)events / (now - p->start) / 1e6);
	fflush(stderr);
}

/* A counted warning for trace rows a format's convention skipped. */
static void warn_skips(json_t *summary, const struct cs_run_opts *opts)
{
	const char *name;
	json_t *t;
	json_object_foreach(json_object_get(summary, "traces"), name, t) {
		json_int_t n = json_integer_value(json_object_get(t, "skipped"));
		if (n <= 0)
			continue;
		char *file = cs_escaped(opts->file), *shown = cs_escaped(name); /* one line whatever the names */
		fprintf(stderr, "clustersim: warning: %s%s%s: workload \"%s\": %lld trace rows skipped (", file,
			opts->label ? " " : "", opts->label ? opts->label : "", shown, (long long)n);
		free(file);
		free(shown);
		const char *reason;
		json_t *c;
		bool first = true;
		json_object_foreach(json_object_get(t, "skipped_by_reason"), reason, c) {
			fprintf(stderr, "%s%s: %lld", first ? "" : ", ", reason, (long long)json_integer_value(c));
			first = false;
		}
		fprintf(stderr, "); --strict makes them errors\n");
	}
}

/* run.json: how the run went (machine-dependent figures, never compared) */
static int write_run_json(const char *path, uint64_t events, double wall, double simulated, struct cs_error *err)
{
	json_t *run = json_pack("{s:s, s:I, s:f, s:f, s:f, s:f}", "version", CS_VERSION, "events", (json_int_t)events,
				"wall_seconds", wall, "events_per_second", wall > 0 ? (double)events / wall : 0.0,
				"simulated_seconds", simulated, "peak_rss_mib", cs_peak_rss_mib());
	int rc = cs_write_json(path, run, err);
	json_decref(run);
	return rc;
}

/* The paths of the result files in the temporary directory. */
struct paths {
	char *jobs, *ts, *exp, *sum, *run;
};

/* A session-balancing experiment (a "balancer" object): its own model. */
static int run_balancing(json_t *exp, const struct cs_cfg *cfg, FILE *ts, const struct paths *p)
{
	uint64_t events = 0;
	double simulated = 0, t0 = wall_now();
	json_t *summary = cs_balance_run(exp, cfg, ts, &events, &simulated);
	if (!summary)
		return -1;
	double wall = wall_now() - t0;
	json_object_set_new(exp, "version", json_string(CS_VERSION));
	int rc = cs_write_json(p->exp, exp, cfg->err);
	if (rc == 0)
		rc = cs_write_json(p->sum, summary, cfg->err);
	json_decref(summary);
	if (rc == 0)
		rc = write_run_json(p->run, events, wall, simulated, cfg->err);
	return rc;
}

static int run_world(json_t *exp, const struct cs_cfg *cfg, const struct cs_run_opts *opts, FILE *jobs, FILE *ts,
		     const struct paths *p, bool *no_jobs_csv, bool *per_day)
{
	struct cs_error *err = cfg->err;
	struct cs_world w;
	int rc = -1;
	if (cs_world_init(&w, exp, cfg, jobs, ts) < 0)
		goto out;
	*no_jobs_csv = !w.jobs_csv; /* "output": {"jobs": false} */
	*per_day = w.per_day;
	json_object_set_new(exp, "version", json_string(CS_VERSION));
	if (cs_write_json(p->exp, exp, err) < 0)
		goto out;
	struct progress prog = {&w, wall_now(), 0, opts->label};
	if (!opts->quiet && isatty(2)) {
		w.engine.progress = progress_fire;
		w.engine.progress_ctx = &prog;
		w.engine.progress_every = 1 << 16;
	}
	if (opts->live && opts->live->attach(&w, opts->live->ctx, err) < 0)
		goto out;
	cs_interrupt_engine(&w.engine);
	double t0 = wall_now();
	int r = cs_world_run(&w, err);
	cs_interrupt_engine(NULL);
	double wall = wall_now() - t0;
	if (opts->live)
		opts->live->detach(&w, opts->live->ctx);
	if (w.engine.progress)
		fprintf(stderr, "\r%80s\r", "");
	if (r < 0 || (cs_interrupted() && !opts->live))
		goto out;
	json_t *summary = cs_world_summary(&w);
	warn_skips(summary, opts);
	rc = cs_write_json(p->sum, summary, err);
	json_decref(summary);
	if (rc == 0)
		rc = write_run_json(p->run, w.engine.events_run, wall, cs_time_to_seconds(cs_engine_now(&w.engine)),
				    err);
out:
	cs_world_release(&w);
	return rc;
}

/* "output": {"per_day": true}: the daily values, from the files just
 * written, into summary.json (analysis/per_day). */
static int add_per_day(const struct paths *p, bool no_jobs_csv, struct cs_error *err)
{
	json_t *days = cs_per_day(p->ts, no_jobs_csv ? NULL : p->jobs, err);
	json_t *sum = days ? json_load_file(p->sum, 0, NULL) : NULL;
	int rc = -1;
	if (sum) {
		json_object_set(sum, "per_day", days);
		rc = cs_write_json(p->sum, sum, err);
	} else if (days) {
		cs_error_input(err, p->sum, NULL, "cannot read back to add the per-day values");
	}
	json_decref(sum);
	json_decref(days);
	return rc;
}

int cs_run_experiment(json_t *exp, const struct cs_run_opts *opts, struct cs_error *err)
{
	struct cs_outdir od;
	if (cs_outdir_begin(&od, opts->outdir, opts->force, err) < 0)
		return -1;
	struct paths p = {cs_outdir_file(&od, "jobs.csv"), cs_outdir_file(&od, "timeseries.csv"),
			  cs_outdir_file(&od, "experiment.json"), cs_outdir_file(&od, "summary.json"),
			  cs_outdir_file(&od, "run.json")};
	char *dir = cs_dirname(opts->file);
	struct cs_cfg cfg = {opts->file, dir, err};
	FILE *jobs = fopen(p.jobs, "w"), *ts = fopen(p.ts, "w");
	int rc = -1;
	bool no_jobs_csv = false, per_day = false;
	if (!jobs || !ts)
		cs_error_input(err, od.tmp, NULL, "cannot write: %s", strerror(errno));
	else if (json_object_get(exp, "balancer") && !cs_balancer_is_attached(exp))
		rc = run_balancing(exp, &cfg, ts, &p);
	else
		rc = run_world(exp, &cfg, opts, jobs, ts, &p, &no_jobs_csv, &per_day);
	if (rc == 0 && opts->point) {
		char *pp = cs_outdir_file(&od, "point.json");
		rc = cs_write_json(pp, opts->point, err);
		free(pp);
	}
	/* (jobs.csv's rows were written on another thread: its errors show
	 * on the stream, which the world no longer uses) */
	if (jobs && cs_close_checked(jobs, p.jobs, err) < 0)
		rc = -1;
	if (ts && cs_close_checked(ts, p.ts, err) < 0)
		rc = -1;
	if (rc == 0 && per_day)
		rc = add_per_day(&p, no_jobs_csv, err);
	if (rc == 0 && no_jobs_csv)
		unlink(p.jobs);
	bool interrupted = cs_interrupted() && !opts->live; /* live: a signal is its end */
	if (rc == 0 && interrupted)
		rc = -1;
	if (interrupted)
		cs_error_set(err, CS_EXIT_INTERNAL, "%s: interrupted by signal %d; nothing was written there",
			     opts->outdir, cs_interrupted());
	if (rc == 0)
		rc = cs_outdir_commit(&od, err);
	else
		cs_outdir_abort(&od, err);
	free(p.jobs);
	free(p.ts);
	free(p.exp);
	free(p.sum);
	free(p.run);
	free(dir);
	return rc;
}
