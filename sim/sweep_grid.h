/* sim/sweep_grid — the points of an experiment's "sweep" and their labels.
 *
 * "sweep" is an object mapping key paths to non-empty lists of values
 * (their cartesian product) or a list of such objects (their union).
 * Labels name the points' directories (DIR/points/LABEL):
 *  - a value that is an object with a "label" key is named by it, a
 *    string by itself, a number by its shortest form (0.1), anything
 *    else by its compact JSON; several swept keys give
 *    "key=value,key=value" with the last component of each key path;
 *  - characters outside [A-Za-z0-9._=,-] become '_'; leading dots become
 *    '_' (so "." and ".." are never a label, and no label is hidden); an
 *    empty label is "_"; a label over 200 bytes is cut to 200 and gets
 *    "~" and 8 hex digits of a hash of the whole label (so it stays under
 *    the file system's 255 and distinct labels stay distinct);
 *  - a repeated label gets "-2", "-3", ...
 * The number of points is limited (CS_SWEEP_MAX_POINTS, raised with
 * the experiment's "limits": {"sweep_points": N}, sim/limits).
 * Ownership: the grid owns its points (cs_sweep_grid_release). */
#ifndef CS_SWEEP_GRID_H
#define CS_SWEEP_GRID_H
#include <stddef.h>

#include <jansson.h>

#include "sim/error.h"

#define CS_SWEEP_MAX_POINTS 10000

struct cs_sweep_point {
	json_t *values; /* object: key path -> value */
	char *label;
};

struct cs_sweep_grid {
	struct cs_sweep_point *pts;
	size_t n, cap;
	json_t *keys;   /* array of every swept key path, in order */
};

/* Expand the "sweep" value of `file` (max_points: the limit). */
int cs_sweep_grid_parse(struct cs_sweep_grid *g, json_t *sweep, const char *file, size_t max_points,
			struct cs_error *err);
void cs_sweep_grid_release(struct cs_sweep_grid *g);
/* The label a value gets (as above, before the character rules; new). */
char *cs_sweep_value_label(const json_t *v);
/* The experiment of one point: a copy of base with the point's values
 * set and variables substituted (a new tree), or NULL with err set. */
json_t *cs_sweep_point_experiment(const json_t *base, const struct cs_sweep_point *p, const char *file,
				  struct cs_error *err);

#endif
