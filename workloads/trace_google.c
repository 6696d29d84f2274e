/* placeholder replaced below */
#include "workloads/trace.h"
int cs_trace_google_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell,
			 struct cs_source *out, struct cs_error *err)
{
	return cs_error_input(err, spec->path, "format", "google2011 reader: not built yet");
}
int cs_trace_alibaba_open(const struct cs_trace_spec *spec, const struct cs_trace_cell *cell,
			  struct cs_source *out, struct cs_error *err)
{
	return cs_error_input(err, spec->path, "format", "alibaba2017 reader: not built yet");
}
