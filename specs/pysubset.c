/* specs/pysubset — a tokenizer and a recursive-descent evaluator for the
 * Python subset of pysubset.h.  It evaluates as it parses (no syntax
 * tree): a config is a few dozen statements. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/config.h"
#include "specs/pysubset.h"

#define MAX_DEPTH 100 /* expression nesting: a fuzzed file cannot overflow the stack */

enum tok { T_EOF, T_NEWLINE, T_NAME, T_INT, T_FLOAT, T_STR, T_OP };
enum { B_GETENV = 1, B_CONSTRUCT, B_BIND, B_COPY };

struct token {
	enum tok t;
	int line, col;
	char op[4];
	char *text;   /* NAME, STR (owned by the token; moved into values) */
	size_t len;
	int64_t i;
	double f;
};

struct cs_py {
	const char *file;
	const char *src;
	size_t len, pos;
	int line, col;
	int depth;          /* brackets open */
	struct cs_error *err;
	struct token tok;   /* the current token */
	const struct cs_py_type *types;
	size_t ntypes;
	struct cs_pv **all; /* every value made, for cs_py_free */
	size_t nall, capall;
	char **names;       /* globals */
	struct cs_pv **vals;
	size_t nglobals;
	bool os_imported;
	int nest;
};

static int fail(struct cs_py *py, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(struct cs_py *py, int line, int col, const char *fmt, ...)
{
	char what[700], where[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof where, "%d:%d", line, col);
	return cs_error_input(py->err, py->file, where, "%s", what);
}

static struct cs_pv *new_value(struct cs_py *py, enum cs_pv_type t, int line, int col)
{
	struct cs_pv *v = cs_xcalloc(1, sizeof *v);
	v->t = t;
	v->line = line;
	v->col = col;
	CS_GROW(py->all, py->capall, py->nall + 1);
	py->all[py->nall++] = v;
	return v;
}

static void push_item(struct cs_pv *v, const char *key, struct cs_pv *item)
{
	v->items = cs_xrealloc(v->items, (v->n + 1) * sizeof *v->items);
	if (key || v->keys) {
		v->keys = cs_xrealloc(v->keys, (v->n + 1) * sizeof *v->keys);
		v->keys[v->n] = cs_xstrdup(key ? key : "");
	}
	v->items[v->n++] = item;
}

/* ---- tokens ---- */

static int peekc(const struct cs_py *py, size_t ahead)
{
	return py->pos + ahead < py->len ? (unsigned char)py->src[py->pos + ahead] : -1;
}

static void advance(struct cs_py *py)
{
	if (py->src[py->pos] == '\n') {
		py->line++;
		py->col = 1;
	} else {
		py->col++;
	}
	py->pos++;
}

static const char *const keywords[] = {
	"and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
	"except", "finally", "for", "from", "global", "if", "in", "is", "lambda", "nonlocal", "not", "or",
	"pass", "raise", "return", "try", "while", "with", "yield", NULL,
};

static bool is_keyword(const char *s)
{
	for (const char *const *k = keywords; *k; k++)
		if (strcmp(*k, s) == 0)
			return true;
	return false;
}

static int lex_string(struct cs_py *py, struct token *t, bool raw)
{
	int q = peekc(py, 0);
	bool triple = peekc(py, 1) == q && peekc(py, 2) == q;
	for (int i = 0; i < (triple ? 3 : 1); i++)
		advance(py);
	size_t cap = 64, n = 0;
	char *s = cs_xmalloc(cap);
	for (;;) {
		int c = peekc(py, 0);
		if (c < 0 || (c == '\n' && !triple)) {
			free(s);
			return fail(py, t->line, t->col, "a string that does not end");
		}
		if (c == q && (!triple || (peekc(py, 1) == q && peekc(py, 2) == q))) {
			for (int i = 0; i < (triple ? 3 : 1); i++)
				advance(py);
			break;
		}
		if (n + 8 >= cap)
			s = cs_xrealloc(s, cap *= 2);
		if (c == '\\' && !raw) {
			int e = peekc(py, 1);
			advance(py);
			if (e < 0)
				continue;
			advance(py);
			switch (e) {
			case 'n': s[n++] = '\n'; break;
			case 't': s[n++] = '\t'; break;
			case 'r': s[n++] = '\r'; break;
			case '\\': s[n++] = '\\'; break;
			case '\'': s[n++] = '\''; break;
			case '"': s[n++] = '"'; break;
			case '\n': break; /* a continued line */
			case '0':
				free(s);
				return fail(py, t->line, t->col, "a string with a NUL character");
			default: /* Python keeps an unknown escape as written */
				s[n++] = '\\';
				s[n++] = (char)e;
			}
			continue;
		}
		if (c == '\\' && raw && peekc(py, 1) >= 0) {
			s[n++] = '\\';
			advance(py);
			c = peekc(py, 0);
		}
		s[n++] = (char)c;
		advance(py);
	}
	s[n] = '\0';
	t->t = T_STR;
	t->text = s;
	t->len = n;
	return 0;
}

static int lex_number(struct cs_py *py, struct token *t)
{
	char buf[128];
	size_t n = 0;
	bool is_float = false;
	int base = 10;
	if (peekc(py, 0) == '0' && strchr("xXoObB", peekc(py, 1) < 0 ? 0 : peekc(py, 1)) && peekc(py, 1) > 0) {
		int b = tolower(peekc(py, 1));
		base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
		advance(py);
		advance(py);
	}
	for (;;) {
		int c = peekc(py, 0);
		if (c == '_') {
			advance(py);
			continue;
		}
		bool digit = base == 16 ? isxdigit(c) : c >= '0' && c < '0' + (base == 10 ? 10 : base);
		bool fl = base == 10 && (c == '.' || c == 'e' || c == 'E' ||
					 ((c == '+' || c == '-') && n && (buf[n - 1] == 'e' || buf[n - 1] == 'E')));
		if (c < 0 || !(digit || fl))
			break;
		if (fl)
			is_float = true;
		if (n + 1 >= sizeof buf)
			return fail(py, t->line, t->col, "a number too long");
		buf[n++] = (char)c;
		advance(py);
	}
	buf[n] = '\0';
	if (isalpha(peekc(py, 0)) || n == 0)
		return fail(py, t->line, t->col, "not a number the subset reads");
	char *end;
	errno = 0;
	if (is_float) {
		t->t = T_FLOAT;
		t->f = strtod(buf, &end);
		if (*end || !isfinite(t->f))
			return fail(py, t->line, t->col, "not a number (got %s)", buf);
	} else {
		t->t = T_INT;
		unsigned long long u = strtoull(buf, &end, base);
		if (*end || errno || u > INT64_MAX)
			return fail(py, t->line, t->col, "an integer beyond 64 bits (got %s)", buf);
		t->i = (int64_t)u;
	}
	return 0;
}

/* The next token into py->tok (the old one's text freed unless moved). */
static int next(struct cs_py *py)
{
	struct token *t = &py->tok;
	free(t->text);
	memset(t, 0, sizeof *t);
	for (;;) {
		int c = peekc(py, 0);
		if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
			advance(py);
		} else if (c == '#') {
			while (peekc(py, 0) >= 0 && peekc(py, 0) != '\n')
				advance(py);
		} else if (c == '\\' && (peekc(py, 1) == '\n' || (peekc(py, 1) == '\r' && peekc(py, 2) == '\n'))) {
			while (peekc(py, 0) != '\n')
				advance(py);
			advance(py);
		} else if (c == '\n' && py->depth > 0) {
			advance(py);
		} else {
			break;
		}
	}
	t->line = py->line;
	t->col = py->col;
	int c = peekc(py, 0);
	if (c < 0) {
		t->t = T_EOF;
		return 0;
	}
	if (c == '\n') {
		advance(py);
		t->t = T_NEWLINE;
		/* the next logical line must not be indented: blocks are outside */
		size_t p = py->pos;
		while (p < py->len && (py->src[p] == ' ' || py->src[p] == '\t'))
			p++;
		if (p > py->pos && p < py->len && py->src[p] != '\n' && py->src[p] != '#' && py->src[p] != '\r')
			return fail(py, py->line, (int)(p - py->pos) + 1,
				    "an indented line: blocks (if, for, def, class, with) are outside the Aurora subset");
		return 0;
	}
	if (isalpha(c) || c == '_') {
		size_t start = py->pos;
		while (isalnum(peekc(py, 0)) || peekc(py, 0) == '_')
			advance(py);
		size_t n = py->pos - start;
		int q = peekc(py, 0);
		if ((q == '\'' || q == '"') && n <= 2) { /* string prefixes r, u, b, f */
			char p0 = (char)tolower((unsigned char)py->src[start]);
			char p1 = n == 2 ? (char)tolower((unsigned char)py->src[start + 1]) : 0;
			if ((n == 1 && (p0 == 'r' || p0 == 'u')) || (n == 2 && ((p0 == 'r' && p1 == 'u') || (p0 == 'u' && p1 == 'r'))))
				return lex_string(py, t, p0 == 'r' || p1 == 'r');
			if (p0 == 'f' || p1 == 'f' || p0 == 'b' || p1 == 'b')
				return fail(py, t->line, t->col, "%s strings are outside the Aurora subset",
					    p0 == 'f' || p1 == 'f' ? "f-" : "byte ");
		}
		t->t = T_NAME;
		t->text = cs_xmalloc(n + 1);
		memcpy(t->text, py->src + start, n);
		t->text[n] = '\0';
		t->len = n;
		return 0;
	}
	if (isdigit(c) || (c == '.' && isdigit(peekc(py, 1))))
		return lex_number(py, t);
	if (c == '\'' || c == '"')
		return lex_string(py, t, false);
	static const char *const two[] = {"**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "->", ":=", NULL};
	for (const char *const *o = two; *o; o++) {
		if (c == (*o)[0] && peekc(py, 1) == (*o)[1]) {
			memcpy(t->op, *o, 3);
			advance(py);
			advance(py);
			t->t = T_OP;
			return 0;
		}
	}
	if (!strchr("()[]{},:.=+-*/%<>@;|&^~", c))
		return fail(py, t->line, t->col, "a character outside the Aurora subset (got '%s%c')",
			    c < 32 || c > 126 ? "\\x" : "", c < 32 || c > 126 ? '?' : c);
	t->op[0] = (char)c;
	t->t = T_OP;
	if (strchr("([{", c))
		py->depth++;
	else if (strchr(")]}", c) && py->depth > 0)
		py->depth--;
	advance(py);
	return 0;
}

static bool is_op(const struct cs_py *py, const char *op)
{
	return py->tok.t == T_OP && strcmp(py->tok.op, op) == 0;
}

static int expect(struct cs_py *py, const char *op)
{
	if (!is_op(py, op))
		return fail(py, py->tok.line, py->tok.col, "expected '%s'", op);
	return next(py);
}

/* ---- values ---- */

static const char *type_name(const struct cs_pv *v)
{
	static const char *const names[] = {"None", "bool", "int", "float", "str", "list", "dict", "object", "function", "module"};
	if (v->t == CS_PV_OBJ)
		return v->type->name;
	return names[v->t];
}

const char *cs_pv_type_name(const struct cs_pv *v)
{
	return type_name(v);
}

const struct cs_pv *cs_pv_get(const struct cs_pv *v, const char *key)
{
	if (!v || (v->t != CS_PV_OBJ && v->t != CS_PV_DICT))
		return NULL;
	for (size_t i = v->n; i-- > 0;) /* the last given wins */
		if (v->keys && strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

static struct cs_pv *lookup(struct cs_py *py, const char *name)
{
	for (size_t i = py->nglobals; i-- > 0;)
		if (strcmp(py->names[i], name) == 0)
			return py->vals[i];
	return NULL;
}

static void set_global(struct cs_py *py, const char *name, struct cs_pv *v)
{
	for (size_t i = 0; i < py->nglobals; i++) {
		if (strcmp(py->names[i], name) == 0) {
			py->vals[i] = v;
			return;
		}
	}
	py->names = cs_xrealloc(py->names, (py->nglobals + 1) * sizeof *py->names);
	py->vals = cs_xrealloc(py->vals, (py->nglobals + 1) * sizeof *py->vals);
	py->names[py->nglobals] = cs_xstrdup(name);
	py->vals[py->nglobals++] = v;
}

static struct cs_pv *expression(struct cs_py *py);

static bool is_number(const struct cs_pv *v)
{
	return v->t == CS_PV_INT || v->t == CS_PV_FLOAT || v->t == CS_PV_BOOL;
}

static double as_double(const struct cs_pv *v)
{
	return v->t == CS_PV_FLOAT ? v->f : v->t == CS_PV_BOOL ? (double)v->b : (double)v->i;
}

static struct cs_pv *arith(struct cs_py *py, const char *op, struct cs_pv *a, struct cs_pv *b, int line, int col)
{
	if (strcmp(op, "+") == 0 && a->t == CS_PV_STR && b->t == CS_PV_STR) {
		struct cs_pv *r = new_value(py, CS_PV_STR, line, col);
		r->s = cs_xasprintf("%s%s", a->s, b->s);
		return r;
	}
	if (strcmp(op, "+") == 0 && a->t == CS_PV_LIST && b->t == CS_PV_LIST) {
		struct cs_pv *r = new_value(py, CS_PV_LIST, line, col);
		for (size_t i = 0; i < a->n; i++)
			push_item(r, NULL, a->items[i]);
		for (size_t i = 0; i < b->n; i++)
			push_item(r, NULL, b->items[i]);
		return r;
	}
	if (!is_number(a) || !is_number(b)) {
		fail(py, line, col, "the operator %s on %s and %s is outside the Aurora subset", op, type_name(a), type_name(b));
		return NULL;
	}
	bool ints = a->t != CS_PV_FLOAT && b->t != CS_PV_FLOAT;
	if (ints && strcmp(op, "/") != 0) {
		int64_t x = a->t == CS_PV_BOOL ? a->b : a->i, y = b->t == CS_PV_BOOL ? b->b : b->i, r = 0;
		bool over = false;
		if (strcmp(op, "+") == 0)
			over = __builtin_add_overflow(x, y, &r);
		else if (strcmp(op, "-") == 0)
			over = __builtin_sub_overflow(x, y, &r);
		else if (strcmp(op, "*") == 0)
			over = __builtin_mul_overflow(x, y, &r);
		else if (strcmp(op, "**") == 0) {
			if (y < 0)
				goto floats;
			r = 1;
			for (int64_t e = 0; e < y && !over; e++)
				over = __builtin_mul_overflow(r, x, &r) || e > 64;
			if (x == 0 || x == 1)
				over = false, r = y == 0 ? 1 : x;
		} else { /* // and %: Python floors */
			if (y == 0) {
				fail(py, line, col, "division by zero");
				return NULL;
			}
			if (x == INT64_MIN && y == -1) {
				over = true;
			} else {
				int64_t q = x / y, m = x % y;
				if (m && ((m < 0) != (y < 0)))
					q--, m += y;
				r = strcmp(op, "//") == 0 ? q : m;
			}
		}
		if (over) {
			fail(py, line, col, "an integer beyond 64 bits");
			return NULL;
		}
		struct cs_pv *v = new_value(py, CS_PV_INT, line, col);
		v->i = r;
		return v;
	}
floats:;
	double x = as_double(a), y = as_double(b), r;
	if ((strcmp(op, "/") == 0 || strcmp(op, "//") == 0 || strcmp(op, "%") == 0) && y == 0) {
		fail(py, line, col, "division by zero");
		return NULL;
	}
	if (strcmp(op, "+") == 0)
		r = x + y;
	else if (strcmp(op, "-") == 0)
		r = x - y;
	else if (strcmp(op, "*") == 0)
		r = x * y;
	else if (strcmp(op, "/") == 0)
		r = x / y;
	else if (strcmp(op, "//") == 0)
		r = floor(x / y);
	else if (strcmp(op, "%") == 0)
		r = x - y * floor(x / y);
	else
		r = pow(x, y);
	if (!isfinite(r)) {
		fail(py, line, col, "a number out of range");
		return NULL;
	}
	struct cs_pv *v = new_value(py, CS_PV_FLOAT, line, col);
	v->f = r;
	return v;
}

/* ---- calls ---- */

struct args {
	struct cs_pv **pos;
	size_t npos;
	char **kw;
	struct cs_pv **kwv;
	int *kwline, *kwcol; /* where each keyword was written */
	size_t nkw;
	int line, col;
};

static void args_release(struct args *a)
{
	free(a->pos);
	for (size_t i = 0; i < a->nkw; i++)
		free(a->kw[i]);
	free(a->kw);
	free(a->kwv);
	free(a->kwline);
	free(a->kwcol);
}

static int read_args(struct cs_py *py, struct args *a)
{
	memset(a, 0, sizeof *a);
	while (!is_op(py, ")")) {
		if (is_op(py, "*") || is_op(py, "**"))
			return fail(py, py->tok.line, py->tok.col, "*args and **kwargs are outside the Aurora subset");
		int line = py->tok.line, col = py->tok.col;
		if (py->tok.t == T_NAME && !is_keyword(py->tok.text)) {
			/* NAME '=' is a keyword argument; look ahead for the '=' */
			size_t save_pos = py->pos;
			int sl = py->line, sc = py->col, sd = py->depth;
			char *name = cs_xstrdup(py->tok.text);
			struct token saved = py->tok;
			saved.text = cs_xstrdup(py->tok.text);
			if (next(py) < 0) {
				free(name);
				free(saved.text);
				return -1;
			}
			if (is_op(py, "=")) {
				free(saved.text);
				if (next(py) < 0) {
					free(name);
					return -1;
				}
				struct cs_pv *v = expression(py);
				if (!v) {
					free(name);
					return -1;
				}
				for (size_t i = 0; i < a->nkw; i++) {
					if (strcmp(a->kw[i], name) == 0) {
						int rc = fail(py, line, col, "keyword argument repeated (got %s)", name);
						free(name);
						return rc;
					}
				}
				a->kw = cs_xrealloc(a->kw, (a->nkw + 1) * sizeof *a->kw);
				a->kwv = cs_xrealloc(a->kwv, (a->nkw + 1) * sizeof *a->kwv);
				a->kwline = cs_xrealloc(a->kwline, (a->nkw + 1) * sizeof *a->kwline);
				a->kwcol = cs_xrealloc(a->kwcol, (a->nkw + 1) * sizeof *a->kwcol);
				a->kwline[a->nkw] = line;
				a->kwcol[a->nkw] = col;
				a->kw[a->nkw] = name;
				a->kwv[a->nkw++] = v;
				goto sep;
			}
			/* not a keyword: rewind to the name */
			free(name);
			free(py->tok.text);
			py->tok = saved;
			py->pos = save_pos;
			py->line = sl;
			py->col = sc;
			py->depth = sd;
		}
		if (a->nkw)
			return fail(py, line, col, "a positional argument after keyword arguments");
		struct cs_pv *v = expression(py);
		if (!v)
			return -1;
		a->pos = cs_xrealloc(a->pos, (a->npos + 1) * sizeof *a->pos);
		a->pos[a->npos++] = v;
	sep:
		if (is_op(py, ","))
			next(py);
		else if (!is_op(py, ")"))
			return fail(py, py->tok.line, py->tok.col, "expected ',' or ')' in the arguments");
	}
	return next(py);
}

static struct cs_pv *construct(struct cs_py *py, const struct cs_py_type *type, const struct cs_pv *base,
			       struct args *a)
{
	if (a->npos)
		return fail(py, a->line, a->col, "%s takes keyword arguments only (got %zu positional)", type->name, a->npos), NULL;
	struct cs_pv *v = new_value(py, CS_PV_OBJ, a->line, a->col);
	v->type = type;
	v->keys = NULL;
	if (base) {
		for (size_t i = 0; i < base->n; i++)
			push_item(v, base->keys[i], base->items[i]);
		v->bound = base->bound;
	}
	for (size_t i = 0; i < a->nkw; i++) {
		bool ok = false;
		for (const char *const *f = type->fields; *f && !ok; f++)
			ok = strcmp(*f, a->kw[i]) == 0;
		if (!ok) {
			const char *hint = cs_did_you_mean(a->kw[i], type->fields);
			fail(py, a->kwline[i], a->kwcol[i], "%s has no field %s%s%s%s", type->name, a->kw[i],
			     hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
			return NULL;
		}
		push_item(v, a->kw[i], a->kwv[i]);
	}
	if (!v->keys) /* an object without fields still has a key array */
		v->keys = cs_xcalloc(1, sizeof *v->keys);
	return v;
}

static struct cs_pv *call(struct cs_py *py, struct cs_pv *f, struct args *a)
{
	switch (f->t == CS_PV_CALLABLE ? f->builtin : f->t == CS_PV_OBJ ? B_COPY : 0) {
	case B_GETENV: {
		if (a->nkw || a->npos < 1 || a->npos > 2 || a->pos[0]->t != CS_PV_STR)
			return fail(py, a->line, a->col, "os.getenv takes a variable name and an optional default"), NULL;
		const char *s = getenv(a->pos[0]->s);
		if (s) {
			struct cs_pv *v = new_value(py, CS_PV_STR, a->line, a->col);
			v->s = cs_xstrdup(s);
			return v;
		}
		return a->npos == 2 ? a->pos[1] : new_value(py, CS_PV_NONE, a->line, a->col);
	}
	case B_CONSTRUCT:
		return construct(py, f->type, NULL, a);
	case B_COPY:
		return construct(py, f->type, f, a);
	case B_BIND: {
		struct cs_pv *v = construct(py, f->self->type, f->self, &(struct args){.line = a->line, .col = a->col});
		if (v)
			v->bound = true;
		return v;
	}
	default:
		return fail(py, a->line, a->col, "a %s cannot be called", type_name(f)), NULL;
	}
}

/* ---- expressions ---- */

static struct cs_pv *atom_name(struct cs_py *py)
{
	struct token *t = &py->tok;
	int line = t->line, col = t->col;
	char *name = t->text;
	if (strcmp(name, "None") == 0 || strcmp(name, "True") == 0 || strcmp(name, "False") == 0) {
		struct cs_pv *v = new_value(py, name[0] == 'N' ? CS_PV_NONE : CS_PV_BOOL, line, col);
		v->b = name[0] == 'T';
		return next(py) < 0 ? NULL : v;
	}
	if (is_keyword(name))
		return fail(py, line, col, "'%s' is outside the Aurora subset", name), NULL;
	struct cs_pv *v = lookup(py, name);
	if (!v) {
		static const struct { const char *name; int64_t bytes; } units[] = {
			{"B", 1}, {"KB", 1024}, {"MB", 1024 * 1024}, {"GB", 1024LL * 1024 * 1024},
			{"TB", 1024LL * 1024 * 1024 * 1024}, {"PB", 1024LL * 1024 * 1024 * 1024 * 1024},
		};
		for (size_t i = 0; i < sizeof units / sizeof *units && !v; i++) {
			if (strcmp(units[i].name, name) == 0) {
				v = new_value(py, CS_PV_INT, line, col);
				v->i = units[i].bytes;
			}
		}
		for (size_t i = 0; i < py->ntypes && !v; i++) {
			if (strcmp(py->types[i].name, name) == 0) {
				v = new_value(py, CS_PV_CALLABLE, line, col);
				v->builtin = B_CONSTRUCT;
				v->type = &py->types[i];
			}
		}
		if (!v && strcmp(name, "os") == 0 && py->os_imported)
			v = new_value(py, CS_PV_MODULE, line, col);
	}
	if (!v) {
		/* [x for x in ...]: say so rather than "x is not defined" */
		size_t a = 0;
		while (peekc(py, a) == ' ' || peekc(py, a) == '\t')
			a++;
		if (peekc(py, a) == 'f' && peekc(py, a + 1) == 'o' && peekc(py, a + 2) == 'r' &&
		    (peekc(py, a + 3) == ' ' || peekc(py, a + 3) == '\t'))
			return fail(py, line, col, "comprehensions are outside the Aurora subset"), NULL;
		if (strcmp(name, "os") == 0)
			return fail(py, line, col, "os is used before `import os`"), NULL;
		return fail(py, line, col, "name %s is not defined (the Aurora subset knows Process, Task, Resources, Job, "
			    "Service, UpdateConfig, MB, GB, os.getenv and the names assigned above)", name), NULL;
	}
	return next(py) < 0 ? NULL : v;
}

static struct cs_pv *atom_list(struct cs_py *py, const char *close, enum cs_pv_type t)
{
	int line = py->tok.line, col = py->tok.col;
	if (next(py) < 0)
		return NULL;
	struct cs_pv *v = new_value(py, t, line, col);
	bool tuple_comma = false;
	while (!is_op(py, close)) {
		struct cs_pv *item = expression(py);
		if (!item)
			return NULL;
		if (t == CS_PV_DICT) {
			if (item->t != CS_PV_STR)
				return fail(py, item->line, item->col, "dict keys must be strings in the Aurora subset (got %s)",
					    type_name(item)), NULL;
			if (expect(py, ":") < 0)
				return NULL;
			struct cs_pv *val = expression(py);
			if (!val)
				return NULL;
			push_item(v, item->s, val);
		} else {
			push_item(v, NULL, item);
		}
		if (py->tok.t == T_NAME && strcmp(py->tok.text, "for") == 0)
			return fail(py, py->tok.line, py->tok.col, "comprehensions are outside the Aurora subset"), NULL;
		if (is_op(py, ",")) {
			tuple_comma = true;
			if (next(py) < 0)
				return NULL;
		} else if (!is_op(py, close)) {
			return fail(py, py->tok.line, py->tok.col, "expected ',' or '%s'", close), NULL;
		}
	}
	if (next(py) < 0)
		return NULL;
	/* (x) is x; (x,) and (x, y) are tuples, read as lists */
	if (close[0] == ')' && v->n == 1 && !tuple_comma)
		return v->items[0];
	if (t == CS_PV_DICT && !v->keys)
		v->keys = cs_xcalloc(1, sizeof *v->keys);
	return v;
}

static struct cs_pv *atom(struct cs_py *py)
{
	struct token *t = &py->tok;
	int line = t->line, col = t->col;
	switch (t->t) {
	case T_NAME:
		return atom_name(py);
	case T_INT:
	case T_FLOAT: {
		struct cs_pv *v = new_value(py, t->t == T_INT ? CS_PV_INT : CS_PV_FLOAT, line, col);
		v->i = t->i;
		v->f = t->f;
		return next(py) < 0 ? NULL : v;
	}
	case T_STR: {
		struct cs_pv *v = new_value(py, CS_PV_STR, line, col);
		v->s = t->text;
		t->text = NULL;
		if (next(py) < 0)
			return NULL;
		while (py->tok.t == T_STR) { /* 'a' 'b' is 'ab' */
			char *s = cs_xasprintf("%s%s", v->s, py->tok.text);
			free(v->s);
			v->s = s;
			if (next(py) < 0)
				return NULL;
		}
		return v;
	}
	case T_OP:
		if (is_op(py, "["))
			return atom_list(py, "]", CS_PV_LIST);
		if (is_op(py, "("))
			return atom_list(py, ")", CS_PV_LIST);
		if (is_op(py, "{"))
			return atom_list(py, "}", CS_PV_DICT);
		return fail(py, line, col, "expected a value (got '%s')", t->op), NULL;
	case T_NEWLINE:
	case T_EOF:
		return fail(py, line, col, "expected a value at the end of the line"), NULL;
	}
	return NULL;
}

static struct cs_pv *subscript(struct cs_py *py, struct cs_pv *v)
{
	int line = py->tok.line, col = py->tok.col;
	if (next(py) < 0)
		return NULL;
	struct cs_pv *k = expression(py);
	if (!k || expect(py, "]") < 0)
		return NULL;
	if (v->t == CS_PV_LIST && k->t == CS_PV_INT) {
		int64_t i = k->i < 0 ? k->i + (int64_t)v->n : k->i;
		if (i < 0 || (size_t)i >= v->n)
			return fail(py, line, col, "list index out of range (got %lld)", (long long)k->i), NULL;
		return v->items[i];
	}
	if (v->t == CS_PV_DICT && k->t == CS_PV_STR) {
		const struct cs_pv *r = cs_pv_get(v, k->s);
		if (!r)
			return fail(py, line, col, "no key %s in the dict", k->s), NULL;
		return (struct cs_pv *)(uintptr_t)r;
	}
	return fail(py, line, col, "subscripting a %s with a %s is outside the Aurora subset", type_name(v), type_name(k)), NULL;
}

static struct cs_pv *attribute(struct cs_py *py, struct cs_pv *v)
{
	if (next(py) < 0)
		return NULL;
	if (py->tok.t != T_NAME)
		return fail(py, py->tok.line, py->tok.col, "expected a name after '.'"), NULL;
	int line = py->tok.line, col = py->tok.col;
	const char *name = py->tok.text;
	struct cs_pv *r = NULL;
	if (v->t == CS_PV_MODULE && strcmp(name, "getenv") == 0) {
		r = new_value(py, CS_PV_CALLABLE, line, col);
		r->builtin = B_GETENV;
	} else if (v->t == CS_PV_OBJ && strcmp(name, "bind") == 0) {
		r = new_value(py, CS_PV_CALLABLE, line, col);
		r->builtin = B_BIND;
		r->self = v;
	} else if (v->t == CS_PV_OBJ && cs_pv_get(v, name)) {
		r = (struct cs_pv *)(uintptr_t)cs_pv_get(v, name);
	} else {
		return fail(py, line, col, "%s.%s is outside the Aurora subset", v->t == CS_PV_MODULE ? "os" : type_name(v), name),
		       NULL;
	}
	return next(py) < 0 ? NULL : r;
}

static struct cs_pv *primary(struct cs_py *py)
{
	struct cs_pv *v = atom(py);
	while (v) {
		if (is_op(py, "(")) {
			struct args a;
			int line = py->tok.line, col = py->tok.col;
			if (next(py) < 0)
				return NULL;
			if (read_args(py, &a) < 0) {
				args_release(&a);
				return NULL;
			}
			a.line = line;
			a.col = col;
			v = call(py, v, &a);
			args_release(&a);
		} else if (is_op(py, ".")) {
			v = attribute(py, v);
		} else if (is_op(py, "[")) {
			v = subscript(py, v);
		} else {
			break;
		}
	}
	return v;
}

static struct cs_pv *unary(struct cs_py *py);

static struct cs_pv *power(struct cs_py *py)
{
	struct cs_pv *v = primary(py);
	if (v && is_op(py, "**")) {
		int line = py->tok.line, col = py->tok.col;
		if (next(py) < 0)
			return NULL;
		struct cs_pv *e = unary(py);
		return e ? arith(py, "**", v, e, line, col) : NULL;
	}
	return v;
}

static struct cs_pv *unary(struct cs_py *py)
{
	if (is_op(py, "-") || is_op(py, "+")) {
		bool neg = is_op(py, "-");
		int line = py->tok.line, col = py->tok.col;
		if (++py->nest > MAX_DEPTH)
			return fail(py, line, col, "an expression nested too deeply"), NULL;
		if (next(py) < 0)
			return NULL;
		struct cs_pv *v = unary(py);
		py->nest--;
		if (!v)
			return NULL;
		struct cs_pv zero = {.t = CS_PV_INT};
		return neg ? arith(py, "-", &zero, v, line, col) : is_number(v) ? v : arith(py, "+", &zero, v, line, col);
	}
	return power(py);
}

static bool is_any_op(const struct cs_py *py, const char *const *ops)
{
	for (; *ops; ops++)
		if (is_op(py, *ops))
			return true;
	return false;
}

/* operand (OP operand)*, left to right: one precedence level */
static struct cs_pv *binary(struct cs_py *py, const char *const *ops, struct cs_pv *(*operand)(struct cs_py *))
{
	struct cs_pv *v = operand(py);
	while (v && is_any_op(py, ops)) {
		char op[4];
		memcpy(op, py->tok.op, sizeof op);
		int line = py->tok.line, col = py->tok.col;
		if (next(py) < 0)
			return NULL;
		struct cs_pv *r = operand(py);
		v = r ? arith(py, op, v, r, line, col) : NULL;
	}
	return v;
}

static struct cs_pv *term(struct cs_py *py)
{
	static const char *const ops[] = {"*", "/", "//", "%", NULL};
	return binary(py, ops, unary);
}

static struct cs_pv *expression(struct cs_py *py)
{
	if (++py->nest > MAX_DEPTH)
		return fail(py, py->tok.line, py->tok.col, "an expression nested too deeply"), NULL;
	static const char *const ops[] = {"+", "-", NULL};
	struct cs_pv *v = binary(py, ops, term);
	if (v && py->tok.t == T_NAME && is_keyword(py->tok.text))
		return fail(py, py->tok.line, py->tok.col, "'%s' is outside the Aurora subset", py->tok.text), NULL;
	if (v && py->tok.t == T_OP && strchr("<>=!|&^~@", py->tok.op[0]) && !is_op(py, "="))
		return fail(py, py->tok.line, py->tok.col, "the operator %s is outside the Aurora subset", py->tok.op), NULL;
	py->nest--;
	return v;
}

/* ---- statements ---- */

static int statement(struct cs_py *py)
{
	struct token *t = &py->tok;
	int line = t->line, col = t->col;
	if (t->t != T_NAME)
		return fail(py, line, col, "expected a statement: `import os` or NAME = VALUE");
	if (strcmp(t->text, "import") == 0) {
		if (next(py) < 0)
			return -1;
		if (t->t != T_NAME || strcmp(t->text, "os") != 0)
			return fail(py, t->line, t->col, "only `import os` is in the Aurora subset");
		py->os_imported = true;
		return next(py);
	}
	if (strcmp(t->text, "from") == 0)
		return fail(py, line, col, "`from ... import` is outside the Aurora subset (only `import os` is in it)");
	if (is_keyword(t->text))
		return fail(py, line, col, "'%s' is outside the Aurora subset", t->text);
	char *name = cs_xstrdup(t->text);
	if (next(py) < 0) {
		free(name);
		return -1;
	}
	if (!is_op(py, "=")) {
		free(name);
		if (is_op(py, "(") || is_op(py, "."))
			return fail(py, line, col, "a statement that is only a call is outside the Aurora subset (assign it: NAME = ...)");
		return fail(py, t->line, t->col, "expected '=' (statements are NAME = VALUE)");
	}
	if (next(py) < 0) {
		free(name);
		return -1;
	}
	py->nest = 0;
	struct cs_pv *v = expression(py);
	if (!v) {
		free(name);
		return -1;
	}
	if (is_op(py, ","))
		v = NULL, fail(py, t->line, t->col, "tuple assignment is outside the Aurora subset");
	if (v)
		set_global(py, name, v);
	free(name);
	return v ? 0 : -1;
}

int cs_py_run(struct cs_py **out, const char *file, const char *text, size_t len,
	      const struct cs_py_type *types, size_t ntypes, struct cs_error *err)
{
	struct cs_py *py = cs_xcalloc(1, sizeof *py);
	*out = py;
	py->file = file;
	py->src = text;
	py->len = len;
	py->line = py->col = 1;
	py->err = err;
	py->types = types;
	py->ntypes = ntypes;
	/* the first line may be indented no more than the rest */
	size_t p = 0;
	while (p < len && (text[p] == ' ' || text[p] == '\t'))
		p++;
	if (p && p < len && text[p] != '\n' && text[p] != '#')
		return fail(py, 1, (int)p + 1, "an indented line: statements start at column 1");
	if (next(py) < 0)
		return -1;
	for (;;) {
		while (py->tok.t == T_NEWLINE || is_op(py, ";"))
			if (next(py) < 0)
				return -1;
		if (py->tok.t == T_EOF)
			return 0;
		if (statement(py) < 0)
			return -1;
		if (py->tok.t != T_NEWLINE && py->tok.t != T_EOF && !is_op(py, ";"))
			return fail(py, py->tok.line, py->tok.col, "expected the end of the statement");
	}
}

const struct cs_pv *cs_py_global(const struct cs_py *py, const char *name)
{
	return lookup((struct cs_py *)(uintptr_t)py, name);
}

void cs_py_free(struct cs_py *py)
{
	if (!py)
		return;
	free(py->tok.text);
	for (size_t i = 0; i < py->nall; i++) {
		struct cs_pv *v = py->all[i];
		free(v->s);
		if (v->keys)
			for (size_t k = 0; k < v->n; k++)
				free(v->keys[k]);
		free(v->keys);
		free(v->items);
		free(v);
	}
	free(py->all);
	for (size_t i = 0; i < py->nglobals; i++)
		free(py->names[i]);
	free(py->names);
	free(py->vals);
	free(py);
}
