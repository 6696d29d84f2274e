/* analysis/gnuplot — running gnuplot as an external program, and what
 * every figure shares: its format, its data files.
 *
 * A figure's format is its file name's extension: .png (pngcairo), .svg
 * (svg) or .pdf (pdfcairo); anything else is refused before any work.
 * gnuplot is looked up on PATH first ("gnuplot not found" if it is not
 * there), then run on a script written to a temporary file: no pipe, so
 * a missing or failing gnuplot can never kill clustersim with SIGPIPE.
 * gnuplot never reads a results CSV itself: cs_csv_to_dat turns one into
 * a whitespace-separated data file through sim/csv's reader, so quoted
 * names in a header cannot shift its columns. */
#ifndef CS_GNUPLOT_H
#define CS_GNUPLOT_H
#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

/* Append printf-formatted text to *buf (a malloc'd string or NULL). */
void cs_str_append(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as the inside of a gnuplot single-quoted string (a new string). */
char *cs_gnuplot_quote(const char *s);

/* Fail (exit 2) unless path ends in a known figure format. */
int cs_figure_format_check(const char *path, struct cs_error *err);
/* Append "set terminal ... size W,H" and "set output 'path'" for path's
 * format (width and height in pixels; a PDF gets them at 100 per inch). */
int cs_gnuplot_output(char **script, const char *path, int width, int height, struct cs_error *err);
/* path with suffix before its extension: ("a/b.svg", "-wait-cdf") gives
 * "a/b-wait-cdf.svg" (a new string). */
char *cs_figure_variant(const char *path, const char *suffix);

/* Run gnuplot on script; an error if it is missing or fails. */
int cs_gnuplot_run(const char *script, struct cs_error *err);

/* Copy the CSV file csv (with a header row) to dat as whitespace-separated
 * numbers, an empty field as NaN; *head gets the header's fields (a new
 * array of new strings, *ncols of them; cs_free_strings frees it). */
int cs_csv_to_dat(const char *csv, const char *dat, char ***head, size_t *ncols, struct cs_error *err);
void cs_free_strings(char **v, size_t n);
/* The same for DIR/timeseries.csv. */
/* A figure of stacked panels, one per results directory that has what
 * it shows: panel(script, dir, dat, &has, err) appends dir's panel (its
 * data converted to dat, tmp/PREFIX-i.dat) or sets has false.  The
 * figure goes to out, 1100 wide and panel_height per panel, preamble
 * before the panels; *drawn false (and nothing appended) when no
 * directory has a panel.  -1 with err set as panel sets it. */
typedef int cs_panel_fn(char **script, const char *dir, const char *dat, bool *has, struct cs_error *err);
int cs_panels_script(char **script, const char *const *dirs, size_t n, const char *tmp, const char *prefix,
		     cs_panel_fn *panel, int panel_height, const char *preamble, const char *out, bool *drawn,
		     struct cs_error *err);
int cs_timeseries_to_dat(const char *dir, const char *dat, char ***head, size_t *ncols, struct cs_error *err);
/* 1-based index of name among the n fields, or 0. */
size_t cs_column_index(char *const *head, size_t n, const char *name);

/* The unit a time axis of span seconds is drawn in: seconds up to 2
 * minutes, minutes up to 2 hours, hours up to 2 days, days beyond; its
 * name ("hours") and how many seconds it holds. */
struct cs_time_unit {
	const char *name;
	double seconds;
};
struct cs_time_unit cs_time_unit_for(double span);
/* The largest first field of a .dat file's rows (the time axis's span),
 * 0 if none. */
double cs_dat_max_x(const char *dat);

#endif
