/* sim/timeseries — the world's columns of timeseries.csv (written by
 * sim/metrics' series writer), one row every output.sample_interval.
 *
 * Columns: time (s); cpu_util, mem_util: the time-average over the window
 * that ends at `time` (the row at 0 gives the state at 0); tasks_running,
 * jobs_pending, jobs_running: the state at `time`; then busy_<scheduler>
 * per reported scheduler: the fraction of the window spent deciding, with a
 * decision counted in the window where it ends.  When the run's end falls
 * between two samples, a last, shorter window ends there.  Other sources
 * (an attached session balancer) add their columns after these. */
#include <stdlib.h>

#include "sim/alloc.h"

#include "sim/world_internal.h"

static void report_now(struct cs_world *w, struct cs_report *rep)
{
	rep->n = 0;
	rep->counters_only = true;
	if (w->sched_ops->report)
		w->sched_ops->report(w->sched, rep);
}

static void world_columns(void *ctx, struct cs_series *s)
{
	struct cs_world *w = ctx;
	static const char *const cols[] = {"cpu_util", "mem_util", "tasks_running", "jobs_pending", "jobs_running"};
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		cs_series_column(s, cols[i]);
	struct cs_report rep = {0};
	report_now(w, &rep);
	for (uint32_t i = 0; i < rep.n; i++) {
		char *col = cs_xasprintf("busy_%s", rep.stats[i].name);
		cs_series_column(s, col);
		free(col);
	}
	cs_report_release(&rep);
}

static void world_row(void *ctx, struct cs_series *s, cs_time now)
{
	struct cs_world *w = ctx;
	struct cs_cell *c = &w->cell;
	cs_cell_account(c);
	double cpu, mem;
	double dcap_cpu = c->cap_cpu_area - w->ts_cap_cpu, dcap_mem = c->cap_mem_area - w->ts_cap_mem;
	if (dcap_cpu > 0) {
		cpu = (c->used_cpu_area - w->ts_cpu_area) / dcap_cpu;
		mem = dcap_mem > 0 ? (c->used_mem_area - w->ts_mem_area) / dcap_mem : 0;
	} else {
		cpu = c->total_cap.cpu ? (double)c->total_used.cpu / (double)c->total_cap.cpu : 0;
		mem = c->total_cap.mem ? (double)c->total_used.mem / (double)c->total_cap.mem : 0;
	}
	cs_series_real(s, cpu);
	cs_series_real(s, mem);
	cs_series_count(s, c->running);
	cs_series_count(s, w->jobs_pending);
	cs_series_count(s, w->jobs_running);
	struct cs_report rep = {0};
	report_now(w, &rep);
	cs_time last = s->last == CS_TIME_NEVER ? 0 : s->last;
	for (uint32_t i = 0; i < rep.n; i++) {
		cs_time prev = i < w->ts_prev.n ? w->ts_prev.stats[i].busy : 0;
		double window = cs_time_to_seconds(now - last);
		cs_series_real(s, window > 0 ? cs_time_to_seconds(rep.stats[i].busy - prev) / window : 0);
	}
	cs_report_release(&w->ts_prev);
	w->ts_prev = rep;
	w->ts_cpu_area = c->used_cpu_area;
	w->ts_mem_area = c->used_mem_area;
	w->ts_cap_cpu = c->cap_cpu_area;
	w->ts_cap_mem = c->cap_mem_area;
}

/* The row at now, or the run fails: a run without a duration learns its
 * length as it goes (a trace with a job a century away), and stops
 * before the file fills the disk. */
static int row(struct cs_world *w, cs_time now)
{
	if (cs_series_row(&w->series, now) == 0)
		return 0;
	cs_error_input(w->err, w->file, "output.sample_interval",
		       "timeseries.csv passed the limit of %llu rows at %.0f s simulated (sample less often, "
		       "give a duration, or raise the limit with \"limits\": {\"timeseries_rows\": N})",
		       (unsigned long long)w->limits.timeseries_rows, cs_time_to_seconds(now));
	w->failed = true;
	return -1;
}

static void sample_fire(void *ctx, cs_time now)
{
	struct cs_world *w = ctx;
	if (row(w, now) < 0) {
		cs_engine_stop(&w->engine);
		return;
	}
	cs_time next = now + w->sample_interval;
	/* Without a fixed duration, sample while the run goes on: in a
	 * simulation, while anything else is pending; under a real clock,
	 * until the run is stopped. */
	if (w->duration == CS_TIME_NEVER ? cs_engine_continues(&w->engine) : next <= w->duration)
		cs_engine_at(&w->engine, next, sample_fire, w);
}

void cs_world_series_add(struct cs_world *w)
{
	cs_series_add(&w->series, &(struct cs_series_source){world_columns, world_row, w});
}

void cs_world_timeseries_start(struct cs_world *w)
{
	if (!w->series.f)
		return;
	cs_series_header(&w->series);
	if (row(w, cs_engine_now(&w->engine)) < 0)
		return;
	if (w->sample_interval > 0)
		cs_engine_after(&w->engine, w->sample_interval, sample_fire, w);
}

int cs_world_timeseries_finish(struct cs_world *w)
{
	/* a last row at the end when it falls between two samples */
	cs_time now = cs_engine_now(&w->engine);
	int rc = w->series.f && now > w->series.last ? row(w, now) : 0;
	cs_report_release(&w->ts_prev);
	return rc;
}
