/* specs/yaml_tree — YAML documents (libyaml) as jansson trees, with the
 * line and column of every value and key for messages.
 *
 * Scalars are resolved as YAML 1.2's core schema does: plain null, ~ and
 * empty are null; true/false (any case of those words) booleans; decimal,
 * 0o and 0x integers; decimal floats, .inf and .nan (rejected: no
 * manifest field takes them); everything else, and every quoted scalar,
 * a string.  Tags are not read (libyaml's loader does not tell an
 * explicit !!str from none): quote a value to make it a string.  So `yes` is the string "yes" (YAML 1.1
 * readers make it a boolean).  Mapping keys must be scalars and unique.
 * Aliases are expanded; a document whose expansion passes CS_YAML_MAX_NODES
 * nodes, or nests deeper than CS_YAML_MAX_DEPTH, is an error.  JSON is
 * read the same way (it is YAML's flow style).
 *
 * Ownership: the docs own their trees and marks. */
#ifndef CS_YAML_TREE_H
#define CS_YAML_TREE_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sim/error.h"

#define CS_YAML_MAX_NODES 1000000
#define CS_YAML_MAX_DEPTH 200

struct cs_yaml_mark {
	const json_t *node;  /* a value, or the object holding key */
	char *key;           /* NULL for a value's own mark */
	int line, col;       /* 1-based */
};

struct cs_yaml_docs {
	json_t **docs;       /* empty documents are skipped */
	int *doc_line;       /* where each starts */
	size_t n;
	struct cs_yaml_mark *marks;
	size_t nmarks, cap;
};

int cs_yaml_load(struct cs_yaml_docs *d, const char *file, const char *text, size_t len,
		 struct cs_error *err);
/* The position of v (key NULL) or of key in object v; false if unknown. */
bool cs_yaml_where(const struct cs_yaml_docs *d, const json_t *v, const char *key, int *line, int *col);
void cs_yaml_release(struct cs_yaml_docs *d);

#endif
