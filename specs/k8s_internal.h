/* specs/k8s_internal — what the Kubernetes reader's two files share: the
 * reading context (file, marks, the app being built) and typed getters
 * whose errors say "FILE: LINE:COL: KEY.PATH: what (got X)". */
#ifndef CS_K8S_INTERNAL_H
#define CS_K8S_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "specs/spec_internal.h"
#include "specs/yaml_tree.h"

struct k8s_ctx {
	const char *file;
	struct cs_error *err;
	const struct cs_yaml_docs *docs;
	struct cs_app *app;      /* for unmodelled fields */
};

/* An error about obj's key (key NULL: about obj itself) at path. */
int cs_k8s_fail(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Check obj is an object whose keys are in modelled[] or unmodelled[]
 * (the latter recorded in the app as PATH.KEY with indices dropped). */
int cs_k8s_keys(const struct k8s_ctx *k, const json_t *obj, const char *path,
		const char *const *modelled, const char *const *unmodelled);
/* Typed reads of obj[key]; 0 when absent (out untouched), 1 read, -1 error. */
int cs_k8s_str(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, const char **out);
int cs_k8s_int(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
	       int64_t lo, int64_t hi, int64_t *out);
int cs_k8s_bool(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, bool *out);
/* An object or a list (absent or null: 0). */
int cs_k8s_object(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, json_t **out);
int cs_k8s_array(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path, json_t **out);
/* A map of strings to strings (labels, nodeSelector, selector). */
int cs_k8s_string_map(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
		      struct cs_labels *out);
/* A LabelSelector {matchLabels, matchExpressions}. */
int cs_k8s_label_selector(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
			  struct cs_selector *out);
/* A list of requirements (matchExpressions) appended to *reqs; node_ops
 * allows Gt and Lt (node selectors). */
int cs_k8s_requirements(const struct k8s_ctx *k, const json_t *obj, const char *key, const char *path,
			bool node_ops, struct cs_sel_req **reqs, size_t *n);
/* A pod spec (PodSpec) into the app: resources, command, placement. */
int cs_k8s_pod_spec(const struct k8s_ctx *k, const json_t *spec, const char *path);
/* metadata: name (required), namespace, labels into labels. */
int cs_k8s_metadata(const struct k8s_ctx *k, const json_t *meta, const char *path, bool need_name,
		    struct cs_labels *labels);

#endif
