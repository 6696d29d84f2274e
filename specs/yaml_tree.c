/* specs/yaml_tree — libyaml's document loader, then a walk that builds the
 * jansson tree and records marks (yaml_tree.h states the scalar rules). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sim/alloc.h"
#include "specs/yaml_tree.h"

struct walk {
	struct cs_yaml_docs *d;
	yaml_document_t *doc;
	const char *file;
	struct cs_error *err;
	size_t nodes;
};

static void add_mark(struct cs_yaml_docs *d, const json_t *node, const char *key, yaml_mark_t m)
{
	CS_GROW(d->marks, d->cap, d->nmarks + 1);
	d->marks[d->nmarks++] = (struct cs_yaml_mark){node, key ? cs_xstrdup(key) : NULL, (int)m.line + 1, (int)m.column + 1};
}

static int fail_at(struct walk *w, yaml_mark_t m, const char *what, const char *got)
{
	char where[32];
	snprintf(where, sizeof where, "%d:%d", (int)m.line + 1, (int)m.column + 1);
	if (got) {
		char *shown = cs_escaped(got);
		size_t n = strlen(shown);
		if (n > 60)
			memcpy(shown + 57, "...", 4);
		int rc = cs_error_input(w->err, w->file, where, "%s (got \"%s\")", what, shown);
		free(shown);
		return rc;
	}
	return cs_error_input(w->err, w->file, where, "%s", what);
}

static bool word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

/* A plain scalar's value under the core schema; NULL for "a string". */
static json_t *resolve_plain(const char *s, size_t n, bool *bad_float)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"true", "True", "TRUE", NULL};
	static const char *const falses[] = {"false", "False", "FALSE", NULL};
	*bad_float = false;
	if (strlen(s) != n)
		return NULL;
	if (word_in(s, nulls))
		return json_null();
	if (word_in(s, trues))
		return json_true();
	if (word_in(s, falses))
		return json_false();
	const char *p = s + (*s == '-' || *s == '+');
	if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF") || !strcmp(s, ".nan") ||
	    !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
		*bad_float = true;
		return NULL;
	}
	char *end;
	errno = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o') && p == s) {
		long long v = strtoll(p + 2, &end, p[1] == 'x' ? 16 : 8);
		if (*end == '\0' && end != p + 2 && errno == 0)
			return json_integer(v);
		return NULL;
	}
	if (!*p || !(isdigit((unsigned char)*p) || *p == '.'))
		return NULL;
	size_t digits = strspn(p, "0123456789");
	if (p[digits] == '\0') {
		long long v = strtoll(s, &end, 10);
		if (errno == 0)
			return json_integer(v);
		errno = 0; /* beyond 64 bits: a float */
	}
	/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
	const char *q = p + digits;
	size_t frac = 0;
	if (*q == '.') {
		frac = strspn(q + 1, "0123456789");
		q += 1 + frac;
	}
	if (digits == 0 && frac == 0)
		return NULL;
	if (*q == 'e' || *q == 'E') {
		q++;
		q += (*q == '-' || *q == '+');
		size_t e = strspn(q, "0123456789");
		if (!e)
			return NULL;
		q += e;
	}
	if (*q)
		return NULL;
	double x = strtod(s, &end);
	if (!isfinite(x)) {
		*bad_float = true;
		return NULL;
	}
	return json_real(x);
}

static json_t *convert(struct walk *w, yaml_node_t *node, int depth);

static json_t *convert_scalar(struct walk *w, yaml_node_t *node)
{
	const char *s = (const char *)node->data.scalar.value;
	size_t n = node->data.scalar.length;
	/* libyaml's loader gives every untagged scalar the str tag, so a
	 * plain scalar's type comes from its text alone (yaml_tree.h) */
	if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		bool bad_float;
		json_t *v = resolve_plain(s, n, &bad_float);
		if (bad_float) {
			fail_at(w, node->start_mark, "infinite or not-a-number values are not allowed", s);
			return NULL;
		}
		if (v)
			return v;
	}
	if (strlen(s) != n) {
		fail_at(w, node->start_mark, "a string with a NUL character", NULL);
		return NULL;
	}
	return json_stringn(s, n);
}

static json_t *convert_mapping(struct walk *w, yaml_node_t *node, int depth)
{
	json_t *obj = json_object();
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE) {
			fail_at(w, k ? k->start_mark : node->start_mark, "a mapping key must be a plain string", NULL);
			goto fail;
		}
		const char *key = (const char *)k->data.scalar.value;
		if (strlen(key) != k->data.scalar.length) {
			fail_at(w, k->start_mark, "a key with a NUL character", NULL);
			goto fail;
		}
		if (json_object_get(obj, key)) {
			fail_at(w, k->start_mark, "duplicate key", key);
			goto fail;
		}
		json_t *jv = convert(w, v, depth + 1);
		if (!jv)
			goto fail;
		json_object_set_new(obj, key, jv);
		add_mark(w->d, obj, key, k->start_mark);
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static json_t *convert(struct walk *w, yaml_node_t *node, int depth)
{
	if (++w->nodes > CS_YAML_MAX_NODES) {
		fail_at(w, node->start_mark, "more than 1000000 values (aliases expanding without end?)", NULL);
		return NULL;
	}
	if (depth > CS_YAML_MAX_DEPTH) {
		fail_at(w, node->start_mark, "nested more than 200 levels deep", NULL);
		return NULL;
	}
	json_t *v = NULL;
	switch (node->type) {
	case YAML_SCALAR_NODE:
		v = convert_scalar(w, node);
		break;
	case YAML_SEQUENCE_NODE:
		v = json_array();
		for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
			yaml_node_t *item = yaml_document_get_node(w->doc, *it);
			json_t *jv = item ? convert(w, item, depth + 1) : NULL;
			if (!jv) {
				json_decref(v);
				return NULL;
			}
			json_array_append_new(v, jv);
		}
		break;
	case YAML_MAPPING_NODE:
		v = convert_mapping(w, node, depth);
		break;
	default:
		fail_at(w, node->start_mark, "an empty node", NULL);
		return NULL;
	}
	/* null, true and false are jansson singletons: their marks would be
	 * ambiguous, so those are found by their key's mark */
	if (v && !json_is_null(v) && !json_is_boolean(v))
		add_mark(w->d, v, NULL, node->start_mark);
	return v;
}

static int parser_error(const yaml_parser_t *p, const char *file, struct cs_error *err)
{
	char where[32];
	yaml_mark_t m = p->problem ? p->problem_mark : p->context_mark;
	snprintf(where, sizeof where, "%d:%d", (int)m.line + 1, (int)m.column + 1);
	if (p->context)
		return cs_error_input(err, file, where, "%s %s", p->problem ? p->problem : "YAML error", p->context);
	return cs_error_input(err, file, where, "%s", p->problem ? p->problem : "not valid YAML");
}

int cs_yaml_load(struct cs_yaml_docs *d, const char *file, const char *text, size_t len,
		 struct cs_error *err)
{
	memset(d, 0, sizeof *d);
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return cs_error_input(err, file, NULL, "cannot start the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int rc = 0;
	for (;;) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			rc = parser_error(&parser, file, err);
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) { /* the end of the stream */
			yaml_document_delete(&doc);
			break;
		}
		struct walk w = {d, &doc, file, err, 0};
		json_t *tree = NULL;
		bool empty = root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
			     root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (!empty) {
			tree = convert(&w, root, 0);
			if (!tree) {
				yaml_document_delete(&doc);
				rc = -1;
				break;
			}
			d->docs = cs_xrealloc(d->docs, (d->n + 1) * sizeof *d->docs);
			d->doc_line = cs_xrealloc(d->doc_line, (d->n + 1) * sizeof *d->doc_line);
			d->docs[d->n] = tree;
			d->doc_line[d->n++] = (int)root->start_mark.line + 1;
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	if (rc < 0)
		cs_yaml_release(d);
	return rc;
}

bool cs_yaml_where(const struct cs_yaml_docs *d, const json_t *v, const char *key, int *line, int *col)
{
	for (size_t i = 0; i < d->nmarks; i++) {
		const struct cs_yaml_mark *m = &d->marks[i];
		if (m->node != v || (key == NULL) != (m->key == NULL) || (key && strcmp(key, m->key) != 0))
			continue;
		*line = m->line;
		*col = m->col;
		return true;
	}
	return false;
}

void cs_yaml_release(struct cs_yaml_docs *d)
{
	for (size_t i = 0; i < d->n; i++)
		json_decref(d->docs[i]);
	free(d->docs);
	free(d->doc_line);
	for (size_t i = 0; i < d->nmarks; i++)
		free(d->marks[i].key);
	free(d->marks);
	memset(d, 0, sizeof *d);
}
