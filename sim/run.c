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

#include "sim/alloc.h"
#include "sim/experiment.h"
#include "sim/version.h"
#include "schedulers/balancer/sessions.h"
#include "sim/world.h"

static int mkdir_p(const char *dir)
{
	char *p = cs_xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return r;
}

static bool dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return true;
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

int cs_prepare_outdir(const char *dir, bool force, struct cs_error *err)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return cs_error_input(err, dir, NULL, "exists and is not a directory");
		if (!force && !dir_is_empty(dir))
			return cs_error_input(err, dir, NULL,
					      "results directory exists and is not empty (use --force or another -o)");
	}
	if (mkdir_p(dir) < 0)
		return cs_error_input(err, dir, NULL, "cannot create: %s", strerror(errno));
	return 0;
}

int cs_write_json(const char *path, const json_t *doc, struct cs_error *err)
{
	if (json_dump_file(doc, path, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) < 0)
		return cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write", path);
	FILE *f = fopen(path, "a");
	if (f) {
		fputc('\n', f);
		fclose(f);
	}
	return 0;
}

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
		fprintf(stderr, "clustersim: warning: %s%s%s: workload \"%s\": %lld trace rows skipped (", opts->file,
			opts->label ? " " : "", opts->label ? opts->label : "", name, (long long)n);
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

static char *join(const char *dir, const char *name)
{
	return cs_xasprintf("%s/%s", dir, name);
}

/* A session-balancing experiment (a "balancer" object): its own model. */
static int run_balancing(json_t *exp, const struct cs_cfg *cfg, const struct cs_run_opts *opts, FILE *ts,
			 const char *p_exp, const char *p_sum, const char *p_run)
{
	uint64_t events = 0;
	double simulated = 0, t0 = wall_now();
	json_t *summary = cs_balance_run(exp, cfg, ts, &events, &simulated);
	if (!summary)
		return -1;
	double wall = wall_now() - t0;
	json_object_set_new(exp, "version", json_string(CS_VERSION));
	int rc = cs_write_json(p_exp, exp, cfg->err);
	if (rc == 0)
		rc = cs_write_json(p_sum, summary, cfg->err);
	json_decref(summary);
	json_t *run = json_pack("{s:s, s:I, s:f, s:f, s:f, s:f}", "version", CS_VERSION, "events", (json_int_t)events,
				"wall_seconds", wall, "events_per_second", wall > 0 ? (double)events / wall : 0.0,
				"simulated_seconds", simulated, "peak_rss_mib", cs_peak_rss_mib());
	if (rc == 0)
		rc = cs_write_json(p_run, run, cfg->err);
	json_decref(run);
	(void)opts;
	return rc;
}

int cs_run_experiment(json_t *exp, const struct cs_run_opts *opts, struct cs_error *err)
{
	if (cs_prepare_outdir(opts->outdir, opts->force, err) < 0)
		return -1;
	char *p_jobs = join(opts->outdir, "jobs.csv"), *p_ts = join(opts->outdir, "timeseries.csv");
	char *p_exp = join(opts->outdir, "experiment.json"), *p_sum = join(opts->outdir, "summary.json");
	char *p_run = join(opts->outdir, "run.json");
	char *dir = cs_dirname(opts->file);
	FILE *jobs = fopen(p_jobs, "w"), *ts = fopen(p_ts, "w");
	int rc = -1;
	struct cs_world w;
	bool world_ok = false;
	if (!jobs || !ts) {
		cs_error_set(err, CS_EXIT_INPUT, "%s: cannot write: %s", opts->outdir, strerror(errno));
		goto out;
	}
	struct cs_cfg cfg = {opts->file, dir, err};
	if (json_object_get(exp, "balancer")) {
		rc = run_balancing(exp, &cfg, opts, ts, p_exp, p_sum, p_run);
		goto out;
	}
	world_ok = true;
	if (cs_world_init(&w, exp, &cfg, jobs, ts) < 0)
		goto out;
	json_object_set_new(exp, "version", json_string(CS_VERSION));
	if (cs_write_json(p_exp, exp, err) < 0)
		goto out;

	struct progress prog = {&w, wall_now(), 0, opts->label};
	if (!opts->quiet && isatty(2)) {
		w.engine.progress = progress_fire;
		w.engine.progress_ctx = &prog;
		w.engine.progress_every = 1 << 16;
	}
	double t0 = wall_now();
	if (cs_world_run(&w, err) < 0)
		goto out;
	double wall = wall_now() - t0;
	if (w.engine.progress)
		fprintf(stderr, "\r%80s\r", "");
	json_t *summary = cs_world_summary(&w);
	warn_skips(summary, opts);
	rc = cs_write_json(p_sum, summary, err);
	json_decref(summary);
	uint64_t events = w.engine.events_run;
	json_t *run = json_pack("{s:s, s:I, s:f, s:f, s:f, s:f}", "version", CS_VERSION,
				"events", (json_int_t)events, "wall_seconds", wall,
				"events_per_second", wall > 0 ? (double)events / wall : 0.0,
				"simulated_seconds", cs_time_to_seconds(cs_engine_now(&w.engine)),
				"peak_rss_mib", cs_peak_rss_mib());
	if (rc == 0)
		rc = cs_write_json(p_run, run, err);
	json_decref(run);
out:;
	bool no_jobs_csv = world_ok && !w.jobs_csv; /* "output": {"jobs": false} */
	if (world_ok)
		cs_world_release(&w);
	/* (jobs.csv's rows were written on another thread: its errors show
	 * as the stream's error flag) */
	bool jobs_failed = jobs && ferror(jobs);
	if (jobs && fclose(jobs) != 0)
		jobs_failed = true;
	if (jobs_failed && rc == 0)
		rc = cs_error_set(err, CS_EXIT_INTERNAL, "%s: write error", p_jobs);
	if (ts && fclose(ts) != 0 && rc == 0)
		rc = cs_error_set(err, CS_EXIT_INTERNAL, "%s: write error", p_ts);
	if (no_jobs_csv)
		unlink(p_jobs);
	if (rc < 0 && err->code == CS_EXIT_INPUT) {
		/* bad input: leave nothing behind */
		unlink(p_jobs);
		unlink(p_ts);
		unlink(p_exp);
		unlink(p_sum);
		unlink(p_run);
		rmdir(opts->outdir);
	}
	free(p_jobs);
	free(p_ts);
	free(p_exp);
	free(p_sum);
	free(p_run);
	free(dir);
	return rc;
}
