/* sim/experiment — loading an experiment file into a JSON tree.
 *
 * cs_experiment_load reads FILE, applies --set overrides (KEY.PATH=VALUE;
 * VALUE is JSON if it parses as JSON, else a string), then substitutes
 * variables: with "vars": {"x": 1}, any string value "$x" elsewhere becomes
 * a copy of vars.x.  Overrides come first, so --set vars.x=2 changes every
 * use of $x.  The "sweep" key is left alone (its values are substituted
 * per point by the sweep command before loading a point).
 *
 * Key paths: dot-separated keys and [i] indexes: scheduler.paths[0].t_job.
 * Setting a path creates missing objects along the way (not list items).
 * Ownership: the returned tree is the caller's (json_decref). */
#ifndef CS_EXPERIMENT_H
#define CS_EXPERIMENT_H
#include <stddef.h>

#include <jansson.h>

#include "sim/error.h"

json_t *cs_experiment_load(const char *file, char *const *sets, size_t nsets, struct cs_error *err);
/* The same without the variable substitution (sweep points substitute
 * after applying their values). */
json_t *cs_experiment_load_raw(const char *file, char *const *sets, size_t nsets, struct cs_error *err);
/* Apply one KEY.PATH=VALUE override to root. */
int cs_experiment_set(json_t *root, const char *file, const char *assignment, struct cs_error *err);
/* Set the value at path (stealing the reference to value). */
int cs_json_set_path(json_t *root, const char *path, json_t *value, char *why, size_t whylen);
json_t *cs_json_get_path(json_t *root, const char *path);
/* Replace "$name" strings by vars; errors name the path of the use. */
int cs_experiment_resolve_vars(json_t *root, const char *file, struct cs_error *err);
/* The directory part of a file name (a new string; "." if none). */
char *cs_dirname(const char *file);
/* The last component of a path, trailing slashes left out of the search
 * (it still ends where the path does: "a/b/" gives "b/"). */
const char *cs_base_name(const char *path);

#endif
