/* workloads/trace — see trace.h. */
#include "workloads/trace.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

const char *const cs_trace_workload_keys[] = {"name", "kind", "trace", "replay", NULL};

int cs_trace_parse(const struct cs_cfg *cfg, json_t *w, const char *path, bool strict,
		   struct cs_trace_spec *out)
{
	static const char *const keys[] = {"format", "path", "max_jobs", "job_events", NULL};
	static const char *const replays[] = {"reschedule", "as-recorded", NULL};
	memset(out, 0, sizeof *out);
	out->strict = strict;
	char tp[256];
	cs_path_key(tp, sizeof tp, path, "trace");
	json_t *t = json_object_get(w, "trace");
	int format, replay;
	const char *file;
	double max_jobs;
	if (cs_cfg_need_object(cfg, t, tp) < 0 || cs_cfg_keys(cfg, t, tp, keys) < 0 ||
	    cs_cfg_enum(cfg, t, tp, "format", NULL, cs_trace_format_names(), &format) < 0 ||
	    cs_cfg_str(cfg, t, tp, "path", NULL, CS_CFG_REQUIRED, &file) < 0 ||
	    cs_cfg_num(cfg, t, tp, "max_jobs", 0, CS_CFG_INTEGER | CS_CFG_NONNEG, &max_jobs) < 0 ||
	    cs_cfg_enum(cfg, w, path, "replay", "reschedule", replays, &replay) < 0)
		return -1;
	char pp[300];
	out->path = cs_cfg_input_file(cfg, cs_path_key(pp, sizeof pp, tp, "path"), file);
	if (!out->path)
		return -1;
	out->format = cs_trace_format_find(cs_trace_format_names()[format]);
	out->as_recorded = replay == 1;
	out->max_jobs = (uint64_t)max_jobs;
	const char *jobs = NULL;
	if (cs_cfg_str(cfg, t, tp, "job_events", NULL, 0, &jobs) < 0)
		goto fail;
	if (jobs) {
		cs_path_key(pp, sizeof pp, tp, "job_events");
		if (!out->format->job_events) {
			cs_error_input(cfg->err, cfg->file, pp, "only a google2011 trace has job_events");
			goto fail;
		}
		out->job_events = cs_cfg_input_file(cfg, pp, jobs);
		if (!out->job_events)
			goto fail;
	}
	return 0;
fail:
	cs_trace_spec_release(out);
	return -1;
}

void cs_trace_spec_release(struct cs_trace_spec *spec)
{
	free(spec->path);
	free(spec->job_events);
	spec->path = spec->job_events = NULL;
}

json_t *cs_trace_default_cell(const struct cs_cfg *cfg, const char *path, const struct cs_trace_spec *spec)
{
	if (!spec->format->default_cell) {
		/* the experiment is what lacks something: name it */
		cs_error_input(cfg->err, cfg->file, "cell",
			       "missing, and %s.trace is a %s trace, which does not say what the cell is: "
			       "give the experiment a \"cell\"",
			       path, spec->format->name);
		return NULL;
	}
	return spec->format->default_cell(cfg, path, spec);
}

int cs_trace_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell, struct cs_source *out,
		  struct cs_error *err)
{
	return spec->format->open(spec, cell, out, err);
}

int cs_skip(struct cs_skips *s, const struct cs_lines *l, struct cs_error *err, const char *reason)
{
	char where[48];
	snprintf(where, sizeof where, "line %" PRIu64, l->lineno);
	return cs_skip_at(s, err, l->path, where, reason);
}

int cs_skip_at(struct cs_skips *s, struct cs_error *err, const char *file, const char *where, const char *reason)
{
	if (s->strict)
		return cs_error_input(err, file, where, "%s (the format's convention is to skip it; --strict makes it an error)",
				      reason);
	s->total++;
	for (int i = 0; i < CS_SKIP_REASONS; i++) {
		if (!s->reason[i])
			s->reason[i] = reason;
		if (s->reason[i] == reason || strcmp(s->reason[i], reason) == 0) {
			s->count[i]++;
			return 0;
		}
	}
	s->count[CS_SKIP_REASONS - 1]++; /* more reasons than slots: the last takes them */
	return 0;
}

void cs_skips_report(const struct cs_skips *s, json_t *obj)
{
	json_object_set_new(obj, "skipped", json_integer((json_int_t)s->total));
	json_t *r = json_object();
	for (int i = 0; i < CS_SKIP_REASONS && s->reason[i]; i++)
		json_object_set_new(r, s->reason[i], json_integer((json_int_t)s->count[i]));
	json_object_set_new(obj, "skipped_by_reason", r);
}
