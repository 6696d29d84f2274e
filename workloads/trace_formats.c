/* workloads/trace_formats — the registry of trace formats (a format is one
 * reader file, workloads/trace_*.c, plus one line here). */
#include <string.h>

#include "workloads/trace.h"

static const struct cs_trace_format *const formats[] = {
	&cs_trace_swf,
	&cs_trace_google2011,
	&cs_trace_alibaba2017,
	&cs_trace_omega_init,
	NULL,
};

const struct cs_trace_format *cs_trace_format_find(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const char *const *cs_trace_format_names(void)
{
	static const char *names[sizeof formats / sizeof *formats];
	for (size_t i = 0; formats[i]; i++)
		names[i] = formats[i]->name;
	return names;
}
