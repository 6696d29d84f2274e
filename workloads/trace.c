/* workloads/trace — see trace.h. */
#include "workloads/trace.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "workloads/swf.h"

const char *const cs_trace_format_names[] = {"swf", "google2011", "alibaba2017", "omega-init", NULL};
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
	    cs_cfg_enum(cfg, t, tp, "format", NULL, cs_trace_format_names, &format) < 0 ||
	    cs_cfg_str(cfg, t, tp, "path", NULL, CS_CFG_REQUIRED, &file) < 0 ||
	    cs_cfg_num(cfg, t, tp, "max_jobs", 0, CS_CFG_INTEGER | CS_CFG_NONNEG, &max_jobs) < 0 ||
	    cs_cfg_enum(cfg, w, path, "replay", "reschedule", replays, &replay) < 0)
		return -1;
	char pp[300];
	out->path = cs_cfg_input_file(cfg, cs_path_key(pp, sizeof pp, tp, "path"), file);
	if (!out->path)
		return -1;
	out->format = (enum cs_trace_format)format;
	out->as_recorded = replay == 1;
	out->max_jobs = (uint64_t)max_jobs;
	const char *jobs = NULL;
	if (cs_cfg_str(cfg, t, tp, "job_events", NULL, 0, &jobs) < 0)
		goto fail;
	if (jobs) {
		cs_path_key(pp, sizeof pp, tp, "job_events");
		if (out->format != CS_TRACE_GOOGLE2011) {
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
	struct cs_error *err = cfg->err;
	if (spec->format != CS_TRACE_SWF) {
		/* the experiment is what lacks something: name it */
		cs_error_input(err, cfg->file, "cell",
			       "missing, and %s.trace is a %s trace, which does not say what the cell is: "
			       "give the experiment a \"cell\"",
			       path, cs_trace_format_names[spec->format]);
		return NULL;
	}
	struct cs_swf swf;
	if (cs_swf_open(&swf, spec->path, err) < 0)
		return NULL;
	double procs = swf.header.max_procs > 0 ? swf.header.max_procs : swf.header.max_nodes;
	cs_swf_close(&swf);
	if (!(procs > 0) || procs > 1e7 || procs != floor(procs)) {
		cs_error_input(err, spec->path, "header",
			       "no usable MaxProcs or MaxNodes line: give the experiment a \"cell\"");
		return NULL;
	}
	/* MaxProcs interchangeable single-core slots: one machine of that
	 * many cores is the same thing and costs one claim per job */
	return json_pack("{s:[{s:s, s:i, s:f, s:f}]}", "machines", "name", "swf-pool", "count", 1, "cpu", procs,
			 "mem", procs);
}

int cs_trace_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell, struct cs_source *out,
		  struct cs_error *err)
{
	switch (spec->format) {
	case CS_TRACE_SWF:
		return cs_trace_swf_open(spec, cell, out, err);
	case CS_TRACE_GOOGLE2011:
		return cs_trace_google_open(spec, cell, out, err);
	case CS_TRACE_ALIBABA2017:
		return cs_trace_alibaba_open(spec, cell, out, err);
	case CS_TRACE_OMEGA_INIT:
		return cs_trace_omega_open(spec, cell, out, err);
	}
	return cs_error_input(err, spec->path, "format", "unknown trace format");
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
