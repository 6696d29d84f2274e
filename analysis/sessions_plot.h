/* analysis/sessions_plot — `clustersim plot` of balancing runs: sessions
 * per server over time (one panel per results directory, stacked), with
 * the ghost sessions dashed. */
#ifndef CS_SESSIONS_PLOT_H
#define CS_SESSIONS_PLOT_H
#include <stdbool.h>
#include <stddef.h>

/* Whether dir holds a balancing run (its timeseries.csv header). */
bool cs_is_balancing_dir(const char *dir);
/* Draw dirs[0..n) into png; returns an exit code (0, or 2 after a message). */
int cs_plot_sessions(const char *const *dirs, size_t n, const char *png);

#endif
