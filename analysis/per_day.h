/* analysis/per_day — daily values of a run, and their median and MAD, as
 * the Omega paper reports its results ("medians of daily values, with
 * MAD error bars, over 7 simulated days"; Schwarzkopf et al., EuroSys
 * 2013): with "output": {"per_day": true}, summary.json gains
 *   "per_day": {"days": N, "metrics": {KEY: {"values": [v_1 ... v_N],
 *                                            "median": m, "mad": d}}}
 * computed from the run's own timeseries.csv and jobs.csv after the run
 * (docs/results.md#per-day-values).  Day d is [d, d + 1) x 86,400 s of
 * simulated time; only whole days count (a run of 36 h has one).  KEYs:
 *   utilization.cpu, utilization.mem, schedulers.NAME.busy — the
 *     time-weighted mean over the day of timeseries.csv's cpu_util,
 *     mem_util and busy_NAME (a sample window that straddles midnight
 *     counts on each side by its overlap);
 *   jobs.submitted — jobs submitted that day;
 *   wait_first_attempt.mean, wait_scheduled.mean, and the same under
 *     workloads.NAME — the mean over the jobs submitted that day that
 *     reached that point (from jobs.csv; absent with output.jobs false);
 *     a day without such a job has null, left out of the median.
 * median of an even count: the mean of the middle two; mad = median of
 * |v - median|, unscaled. */
#ifndef CS_PER_DAY_H
#define CS_PER_DAY_H
#include <jansson.h>

#include "sim/error.h"

/* jobs_csv may be NULL (no jobs.csv).  NULL with err set on a file that
 * cannot be read. */
json_t *cs_per_day(const char *timeseries_csv, const char *jobs_csv, struct cs_error *err);

#endif
