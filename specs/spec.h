/* specs/spec — apps described in the real systems' own formats.
 *
 * A spec file holds one or more apps: a Marathon app (JSON), the jobs of
 * an Aurora config (a documented Python subset, specs/aurora*.c) or
 * Kubernetes v1 objects (YAML or JSON, several documents).  Each reader
 * turns its format into the same struct cs_app: what one instance needs
 * (cpu cores, memory and disk in MiB, the model's units of sim/units.h),
 * how many instances, where they may go (constraints, selectors,
 * affinities, tolerations, spread) and the parameters of the controller
 * that keeps them alive (backoff, upgrade strategy, restart policy).
 * Fields a format defines but the model does not use are accepted and
 * listed in `unmodelled` (`clustersim spec info` prints them); fields the
 * format does not define are errors.
 *
 * The format is told from the content (cs_spec_detect): a JSON object with
 * "kind" is Kubernetes, one with "id" a Marathon app; a YAML document
 * (first line "---", "%YAML" or "key:") Kubernetes; anything else is read
 * as an Aurora config.
 *
 * Errors: "FILE: LINE:COL: what" for syntax, "FILE: KEY.PATH: what" (YAML:
 * "FILE: LINE:COL: KEY.PATH: what") for values, exit code CS_EXIT_INPUT.
 *
 * Ownership: a cs_spec_set owns its apps and every string in them; release
 * it with cs_spec_set_release.  Strings are NUL-terminated copies. */
#ifndef CS_SPEC_H
#define CS_SPEC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

enum cs_spec_format { CS_SPEC_MARATHON, CS_SPEC_AURORA, CS_SPEC_KUBERNETES };

enum cs_app_kind {
	CS_APP_MARATHON,    /* a Marathon app */
	CS_APP_AURORA_JOB,  /* an Aurora Job (service=False) */
	CS_APP_AURORA_SERVICE, /* an Aurora Service or Job(service=True) */
	CS_APP_K8S_POD,
	CS_APP_K8S_RC,      /* ReplicationController */
	CS_APP_K8S_RS,      /* ReplicaSet */
	CS_APP_K8S_DEPLOYMENT,
	CS_APP_K8S_SERVICE, /* no instances: a selector and ports */
};
const char *cs_app_kind_name(enum cs_app_kind k);

/* Marathon's seven constraint operators; an Aurora constraint
 * {"attr": "value"} is IS (or UNLIKE for "!value"), {"attr": "limit:N"} is
 * MAX_PER with N. */
enum cs_constraint_op {
	CS_CON_UNIQUE, CS_CON_CLUSTER, CS_CON_GROUP_BY, CS_CON_LIKE,
	CS_CON_UNLIKE, CS_CON_MAX_PER, CS_CON_IS,
};
const char *cs_constraint_op_name(enum cs_constraint_op op);

struct cs_constraint {
	char *field;   /* "hostname" or a machine attribute */
	enum cs_constraint_op op;
	char *value;   /* NULL when the operator takes none (UNIQUE, or CLUSTER/GROUP_BY without) */
};

struct cs_label {
	char *key, *value;
};
struct cs_labels {
	struct cs_label *v;
	size_t n;
};
/* The value of key, or NULL. */
const char *cs_labels_get(const struct cs_labels *l, const char *key);
/* Set key to value (copies; replaces an existing key's value). */
void cs_labels_set(struct cs_labels *l, const char *key, const char *value);
void cs_labels_release(struct cs_labels *l);

/* A Kubernetes label or node selector requirement. */
enum cs_sel_op { CS_SEL_IN, CS_SEL_NOT_IN, CS_SEL_EXISTS, CS_SEL_DOES_NOT_EXIST, CS_SEL_GT, CS_SEL_LT };
const char *cs_sel_op_name(enum cs_sel_op op);
struct cs_sel_req {
	char *key;
	enum cs_sel_op op;
	char **values;
	size_t nvalues;
};
/* matchLabels AND every matchExpressions requirement; an empty selector
 * (present, nothing in it) matches everything, an absent one nothing. */
struct cs_selector {
	bool present;
	struct cs_labels match;
	struct cs_sel_req *expr;
	size_t nexpr;
};
/* Whether labels satisfy the selector (Gt/Lt compare integers). */
bool cs_selector_matches(const struct cs_selector *s, const struct cs_labels *labels);

/* A node affinity term: every requirement holds (nodeSelectorTerms are
 * ORed; matchFields on metadata.name is a requirement on "hostname"). */
struct cs_node_term {
	struct cs_sel_req *req;
	size_t nreq;
	int32_t weight; /* preferred terms: 1..100; required: 0 */
};

enum cs_taint_effect { CS_EFFECT_ANY, CS_EFFECT_NO_SCHEDULE, CS_EFFECT_PREFER_NO_SCHEDULE, CS_EFFECT_NO_EXECUTE };
struct cs_toleration {
	char *key;       /* NULL with Exists: tolerates every taint */
	bool exists;     /* operator Exists (else Equal) */
	char *value;
	enum cs_taint_effect effect;
	double seconds;  /* tolerationSeconds for NoExecute; < 0: forever */
};

/* Inter-pod (anti-)affinity and topology spread. */
struct cs_pod_term {
	struct cs_selector selector;
	char *topology_key;
	int32_t weight;  /* preferred: 1..100; required: 0 */
	bool anti;
};
struct cs_spread {
	int32_t max_skew;
	char *topology_key;
	bool hard;       /* whenUnsatisfiable DoNotSchedule (else ScheduleAnyway) */
	struct cs_selector selector;
};

/* An int-or-percent of Kubernetes (maxSurge "25%"). */
struct cs_intpct {
	double value;
	bool percent;
};

struct cs_app {
	enum cs_app_kind kind;
	char *name;              /* Marathon id without the leading '/', Aurora job name, metadata.name */
	uint64_t instances;      /* desired copies (a Pod: 1; a Service: 0) */
	double cpu, mem, disk;   /* per instance: cores, MiB, MiB */
	char *cmd;               /* NULL when there is none */
	struct cs_constraint *constraints;
	size_t nconstraints;
	struct cs_labels labels; /* Marathon labels, Kubernetes pod template labels */
	int32_t priority;        /* Aurora priority; Kubernetes spec.priority */

	struct {                 /* Marathon */
		double backoff_seconds, backoff_factor, max_launch_delay;
		double min_health_capacity, max_over_capacity;
		bool kill_oldest_first; /* killSelection OLDEST_FIRST (default YOUNGEST_FIRST) */
	} marathon;
	struct {                 /* Aurora */
		char *cluster, *role, *environment, *tier;
		bool production;
		int64_t max_task_failures; /* -1: unlimited */
		struct {
			int64_t batch_size, watch_secs, max_per_shard_failures, max_total_failures;
			bool rollback_on_failure;
		} update;
	} aurora;
	struct {                 /* Kubernetes */
		char *namespace;
		struct cs_labels object_labels; /* metadata.labels */
		struct cs_selector selector;    /* RC/RS/Deployment/Service */
		struct cs_labels node_selector;
		struct cs_node_term *node_required, *node_preferred;
		size_t nnode_required, nnode_preferred;
		struct cs_toleration *tolerations;
		size_t ntolerations;
		struct cs_pod_term *pod_terms;
		size_t npod_terms;
		struct cs_spread *spread;
		size_t nspread;
		bool recreate;            /* Deployment strategy Recreate */
		struct cs_intpct max_surge, max_unavailable;
		int32_t min_ready_seconds;
		char *restart_policy;     /* Always, OnFailure, Never */
		char *priority_class;     /* priorityClassName (resolved into priority) */
		/* Service */
		bool session_affinity;    /* ClientIP */
		double affinity_timeout;  /* seconds, default 10800 */
		uint32_t *ports;
		size_t nports;
	} k8s;

	char **unmodelled;       /* field paths accepted but not used by the model */
	size_t nunmodelled;
	int line;                /* where the app starts in its file (0 if unknown) */
};

struct cs_spec_set {
	char *file;
	enum cs_spec_format format;
	struct cs_app *apps;
	size_t n;
	char **skipped;          /* objects read past, as "Kind/name" (Kubernetes) */
	size_t nskipped;
};

/* Tell the format of a file's text. */
enum cs_spec_format cs_spec_detect(const char *text, size_t len);
const char *cs_spec_format_name(enum cs_spec_format f);

/* Read a spec file.  file names it in messages; text is its content (the
 * caller's). */
int cs_spec_parse(struct cs_spec_set *set, const char *file, const char *text, size_t len,
		  struct cs_error *err);
/* Read a spec file from disk (at most CS_SPEC_MAX_BYTES). */
#define CS_SPEC_MAX_BYTES (16u << 20)
int cs_spec_load(struct cs_spec_set *set, const char *file, struct cs_error *err);
/* A spec file's text (NUL-terminated, *len bytes; caller frees), or NULL
 * with err set (cannot open or read, larger than CS_SPEC_MAX_BYTES). */
char *cs_spec_read_file(const char *file, size_t *len, struct cs_error *err);
void cs_spec_set_release(struct cs_spec_set *set);
/* An Aurora job key "cluster/role/environment/name" (as `aurora create`
 * takes it) against the jobs of an Aurora set: runs[i] (set->n of them)
 * says whether job i is the key's -- its name is the key's, and its
 * cluster, role and environment are the key's or unset (then filled in
 * from the key).  Returns how many jobs match, or -1 for a malformed key
 * (four non-empty parts, at most 255 bytes each). */
int cs_spec_bind_job_key(struct cs_spec_set *set, const char *key, bool *runs);

#endif
