/* sim/sweep_csv — DIR/sweep.csv: one row per point of a sweep.
 *
 * Columns: "point" (the label), every swept key path (the point's value:
 * numbers as written in summaries, strings as they are, other JSON as
 * its label), "status", then one column per metric: every number, true
 * or false of the points' summary.json files, flattened
 * ("jobs.completed", "schedulers.monolithic.busy"), each metric once, in
 * the order in which the points (in point order) first show it.  A
 * point without a value for a metric (failed, or a metric it does not
 * have) leaves the field empty; a metric whose name is a swept key
 * (seed) is not repeated.  status: "ok", "failed", "interrupted" (the
 * sweep was interrupted while the point ran) or "not run" (the sweep
 * ended before it started).  Every field goes through sim/csv.
 * The file is replaced atomically: readers see the old or the new one.
 * The same points with the same summaries give the same bytes. */
#ifndef CS_SWEEP_CSV_H
#define CS_SWEEP_CSV_H
#include "sim/error.h"
#include "sim/parallel.h"
#include "sim/sweep_grid.h"

const char *cs_unit_status_name(enum cs_unit_status s);
/* Write dir/sweep.csv for the grid's points (status[i] for point i). */
int cs_sweep_csv_write(const struct cs_sweep_grid *g, const enum cs_unit_status *status, const char *dir,
		       struct cs_error *err);

#endif
