/* analysis/sweep_plot — sweep curves from a sweep's sweep.csv (see the
 * .c file for the options); called by `clustersim plot` when its one
 * argument is a sweep directory. */
#ifndef CS_SWEEP_PLOT_H
#define CS_SWEEP_PLOT_H

int cs_plot_sweep(const char *dir, int argc, char **argv, const char *usage);

#endif
