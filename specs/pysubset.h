/* specs/pysubset — the Python subset Aurora configs are written in,
 * evaluated without a Python interpreter.
 *
 * The subset (docs/specs.md states it for users):
 *   statements   `import os`, `NAME = EXPRESSION`, one per line (or
 *                continued inside brackets or after a backslash), at
 *                column 1; comments and blank lines
 *   expressions  None, True, False; integers (decimal, 0x, 0o, 0b, with
 *                '_'), floats; strings ('', "", triple-quoted, r-prefixed,
 *                adjacent ones joined); lists, tuples, dicts; names; the
 *                operators + - * / // % ** and unary - +; calls with
 *                positional and keyword arguments; subscripts; attribute
 *                access
 *   builtins     os.getenv(NAME[, DEFAULT]); the constructors the caller
 *                names (keyword arguments only, each checked against the
 *                constructor's fields); calling a constructed object
 *                copies it with fields replaced (pystachio's rule);
 *                OBJECT.bind(...) returns the object (mustache templates
 *                stay text)
 * Anything else (def, class, if, for, lambda, comprehensions, other
 * modules, ...) is an error naming the construct, at its line:column.
 * Integers are 64-bit; overflow is an error.
 *
 * Ownership: a cs_py owns every value it made; values are valid until
 * cs_py_free. */
#ifndef CS_PYSUBSET_H
#define CS_PYSUBSET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

enum cs_pv_type {
	CS_PV_NONE, CS_PV_BOOL, CS_PV_INT, CS_PV_FLOAT, CS_PV_STR, CS_PV_LIST, CS_PV_DICT,
	CS_PV_OBJ,      /* made by a constructor: type and fields */
	CS_PV_CALLABLE, /* a constructor, os.getenv, a bound method */
	CS_PV_MODULE,   /* os */
};

struct cs_pv {
	enum cs_pv_type t;
	int line, col;          /* where it was written */
	bool b;
	int64_t i;
	double f;
	char *s;                /* CS_PV_STR (NUL-terminated; may not hold NUL) */
	struct cs_pv **items;   /* list, dict values, obj field values */
	char **keys;            /* dict keys (strings only), obj field names */
	size_t n;
	const struct cs_py_type *type; /* CS_PV_OBJ, or the constructor of a CS_PV_CALLABLE */
	int builtin;            /* CS_PV_CALLABLE: which (pysubset.c) */
	struct cs_pv *self;     /* a bound method's object */
	bool bound;             /* .bind() was called on it */
};

/* A constructor: its name and the keyword arguments it takes. */
struct cs_py_type {
	const char *name;
	const char *const *fields;
};

struct cs_py;

/* Run the program; types is an array of ntypes constructors. */
int cs_py_run(struct cs_py **out, const char *file, const char *text, size_t len,
	      const struct cs_py_type *types, size_t ntypes, struct cs_error *err);
/* A top-level name's value, or NULL. */
const struct cs_pv *cs_py_global(const struct cs_py *py, const char *name);
/* An object's or dict's field, or NULL. */
const struct cs_pv *cs_pv_get(const struct cs_pv *v, const char *key);
/* A value's Python type, for messages ("str", "Process", ...). */
const char *cs_pv_type_name(const struct cs_pv *v);
void cs_py_free(struct cs_py *py);

#endif
