/* workloads/trace — trace replay workloads: the "trace" key of a workload
 * (docs/experiments.md, "Trace replay"), the formats' readers behind the one
 * workload-source interface, and what is common to them: the skip
 * policy and its counters.
 *
 * A workload {"name", "trace": {"format", "path", "max_jobs"}, "replay":
 * "reschedule"|"as-recorded", "kind"}; the path is relative to the
 * experiment file.  Readers stream: one pending job at a time.
 *
 * Skip policy: rows a format's conventions drop (SWF: run time < 0,
 * procs <= 0 or > MaxProcs; Google: tasks never scheduled, ...) are
 * counted by reason and reported in summary.json ("traces"), with a
 * warning on stderr; with the experiment's "strict": true (`--strict`)
 * the first one is an error instead.  Malformed rows are always errors. */
#ifndef CS_TRACE_H
#define CS_TRACE_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/config.h"
#include "workloads/lines.h"
#include "workloads/source.h"

struct cs_trace_spec;
struct cs_trace_cell;

/* A trace format: one reader file exporting one of these, listed by name
 * in workloads/trace_formats.c (the registry). */
struct cs_trace_format {
	const char *name;   /* "format" in the experiment */
	int (*open)(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell, struct cs_source *out,
		    struct cs_error *err);
	/* optional: the cell the trace implies when the experiment gives none
	 * (a new "cell" object), or NULL with cfg's error set (a file without
	 * a usable header names the file) */
	json_t *(*default_cell)(const struct cs_cfg *cfg, const char *path, const struct cs_trace_spec *spec);
	bool job_events;    /* it takes a job_events file beside it (google2011) */
};

const struct cs_trace_format *cs_trace_format_find(const char *name);
/* NULL-terminated list of the formats' names. */
const char *const *cs_trace_format_names(void);

struct cs_trace_spec {
	const struct cs_trace_format *format;
	char *path;          /* resolved */
	bool as_recorded;
	bool strict;
	uint64_t max_jobs;   /* 0: all */
	char *job_events;    /* google2011: its job_events file, resolved; or NULL */
};

/* What the reader needs to know about the modelled cell. */
struct cs_trace_cell {
	struct cs_res max_machine; /* the largest machine: Google's normalized 1.0 */
	double cpus;               /* total cores (SWF: jobs wider are dropped) */
	bool pool;                 /* one machine: an SWF job is one task of procs cores */
};

/* Keys of a trace workload, for the caller's key check. */
extern const char *const cs_trace_workload_keys[];

/* Parse the trace workload object at path. */
int cs_trace_parse(const struct cs_cfg *cfg, json_t *w, const char *path, bool strict,
		   struct cs_trace_spec *out);
void cs_trace_spec_release(struct cs_trace_spec *spec);
/* The cell the trace workload at `path` implies when the experiment gives
 * none (a new "cell" object), or NULL with cfg's error set when it cannot
 * say: for a format without one, naming the experiment; for an SWF file
 * without a usable header, naming the file. */
json_t *cs_trace_default_cell(const struct cs_cfg *cfg, const char *path, const struct cs_trace_spec *spec);
/* Open the reader. */
int cs_trace_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell, struct cs_source *out,
		  struct cs_error *err);

/* ---- for the readers ---- */

enum { CS_SKIP_REASONS = 8 };
struct cs_skips {
	const char *reason[CS_SKIP_REASONS];
	uint64_t count[CS_SKIP_REASONS];
	uint64_t total;
	bool strict;
};
/* Count a skipped row for reason (a static string); in strict mode make
 * it an error about the current line instead (returns -1). */
int cs_skip(struct cs_skips *s, const struct cs_lines *l, struct cs_error *err, const char *reason);
/* The same for a row that is not the current line ("FILE: WHERE: ..."). */
int cs_skip_at(struct cs_skips *s, struct cs_error *err, const char *file, const char *where, const char *reason);
/* {"skipped": N, "skipped_by_reason": {...}} merged into obj. */
void cs_skips_report(const struct cs_skips *s, json_t *obj);

/* The formats (each reader file's). */
extern const struct cs_trace_format cs_trace_swf, cs_trace_google2011, cs_trace_alibaba2017, cs_trace_omega_init;

#endif
