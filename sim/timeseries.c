/* sim/timeseries — timeseries.csv: one row every output.sample_interval.
 *
 * Columns: time (s); cpu_util, mem_util: the time-average over the window
 * that ends at `time` (the row at 0 gives the state at 0); tasks_running,
 * jobs_pending, jobs_running: the state at `time`; then busy_<scheduler>
 * per reported scheduler: the fraction of the window spent deciding, with a
 * decision counted in the window where it ends.  When the run's end falls
 * between two samples, a last, shorter window ends there. */
#include <stdlib.h>

#include "sim/alloc.h"
#include "sim/csv.h"

#include "sim/world_internal.h"

static void report_now(struct cs_world *w, struct cs_report *rep)
{
	rep->n = 0;
	rep->counters_only = true;
	if (w->sched_ops->report)
		w->sched_ops->report(w->sched, rep);
}

static void write_row(struct cs_world *w)
{
	struct cs_cell *c = &w->cell;
	cs_time now = cs_engine_now(&w->engine);
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
	cs_put_seconds(w->timeseries, now);
	fprintf(w->timeseries, ",%.6f,%.6f,%llu,%llu,%llu", cpu, mem,
		(unsigned long long)c->running, (unsigned long long)w->jobs_pending,
		(unsigned long long)w->jobs_running);
	struct cs_report rep = {0};
	report_now(w, &rep);
	for (uint32_t i = 0; i < rep.n; i++) {
		cs_time prev = i < w->ts_prev.n ? w->ts_prev.stats[i].busy : 0;
		double window = cs_time_to_seconds(now - w->ts_last);
		double b = window > 0 ? cs_time_to_seconds(rep.stats[i].busy - prev) / window : 0;
		fprintf(w->timeseries, ",%.6f", b);
	}
	fputc('\n', w->timeseries);
	cs_report_release(&w->ts_prev);
	w->ts_prev = rep;
	w->ts_last = now;
	w->ts_cpu_area = c->used_cpu_area;
	w->ts_mem_area = c->used_mem_area;
	w->ts_cap_cpu = c->cap_cpu_area;
	w->ts_cap_mem = c->cap_mem_area;
}

static void sample_fire(void *ctx, cs_time now)
{
	struct cs_world *w = ctx;
	/* a run without a duration learns its length as it goes (a trace
	 * with a job a century away): stop before the file fills the disk */
	if (++w->ts_rows > w->limits.timeseries_rows) {
		cs_error_input(w->err, w->file, "output.sample_interval",
			       "timeseries.csv passed the limit of %llu rows at %.0f s simulated (sample less often, "
			       "give a duration, or raise the limit with \"limits\": {\"timeseries_rows\": N})",
			       (unsigned long long)w->limits.timeseries_rows, cs_time_to_seconds(now));
		w->failed = true;
		cs_engine_stop(&w->engine);
		return;
	}
	write_row(w);
	cs_time next = now + w->sample_interval;
	/* Without a fixed duration, sample while the run goes on: in a
	 * simulation, while anything else is pending; under a real clock,
	 * until the run is stopped. */
	if (w->duration == CS_TIME_NEVER ? cs_engine_continues(&w->engine) : next <= w->duration)
		cs_engine_at(&w->engine, next, sample_fire, w);
}

void cs_world_timeseries_start(struct cs_world *w)
{
	if (!w->timeseries)
		return;
	fputs("time,cpu_util,mem_util,tasks_running,jobs_pending,jobs_running", w->timeseries);
	struct cs_report rep = {0};
	report_now(w, &rep);
	for (uint32_t i = 0; i < rep.n; i++) {
		char *col = cs_xasprintf("busy_%s", rep.stats[i].name);
		fputc(',', w->timeseries);
		cs_csv_put(w->timeseries, col);
		free(col);
	}
	fputc('\n', w->timeseries);
	cs_report_release(&rep);
	write_row(w);
	if (w->sample_interval > 0)
		cs_engine_after(&w->engine, w->sample_interval, sample_fire, w);
}

void cs_world_timeseries_finish(struct cs_world *w)
{
	/* a last row at the end when it falls between two samples */
	if (w->timeseries && cs_engine_now(&w->engine) > w->ts_last)
		write_row(w);
	cs_report_release(&w->ts_prev);
}
