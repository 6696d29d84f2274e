/* specs/spec_internal — what the spec readers share (not for other
 * modules): building a struct cs_app, numbers that may come as strings,
 * and the label and selector helpers. */
#ifndef CS_SPEC_INTERNAL_H
#define CS_SPEC_INTERNAL_H
#include <jansson.h>

#include "specs/spec.h"

/* An app with every field at the model's default for kind (Marathon's
 * and Aurora's documented defaults; see specs/marathon.c, specs/aurora.c,
 * specs/kubernetes.c). */
void cs_app_init(struct cs_app *a, enum cs_app_kind kind);
void cs_app_release(struct cs_app *a);
/* A new app at the end of the set (initialized for kind). */
struct cs_app *cs_spec_add(struct cs_spec_set *set, enum cs_app_kind kind);

void cs_app_unmodelled(struct cs_app *a, const char *path);
struct cs_constraint *cs_app_add_constraint(struct cs_app *a, const char *field,
					    enum cs_constraint_op op, const char *value);
void cs_selector_release(struct cs_selector *s);
void cs_sel_req_release(struct cs_sel_req *r);

/* A number given as a JSON number or as a string of one ("1", ".5"):
 * 1 and *out on success, 0 if v is neither. */
int cs_spec_number(const json_t *v, double *out);

/* Check a Marathon constraint's value for its operator (shared with the
 * Aurora reader's constraints): NULL if fine, else what is wrong. */
const char *cs_constraint_check(enum cs_constraint_op op, const char *value);

#endif
