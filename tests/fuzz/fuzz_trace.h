/* Shared body of the trace-reader fuzz targets: write the input to a
 * file, read it with the run's reader, check what comes out.
 * fuzz_trace_with_jobs: the input up to its first NUL byte is a Google
 * job_events file, the rest its task_events (without a NUL, both are the
 * whole input). */
#ifndef CS_FUZZ_TRACE_H
#define CS_FUZZ_TRACE_H
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_util.h"

#include "workloads/trace.h"

static inline void fuzz_trace_spec(const uint8_t *data, size_t size, const struct cs_trace_format *format,
				   char *job_events)
{
	char path[32];
	if (fuzz_to_file(data, size, path) < 0)
		return;
	struct cs_error err = {0};
	struct cs_trace_spec spec = {format, path, false, false, 0, job_events};
	struct cs_trace_cell cell = {{1000000, 1000000, 1000000}, 10000, true};
	struct cs_source src;
	if (cs_trace_open(&spec, &cell, &src, &err) == 0) {
		struct cs_job *job;
		int r;
		cs_time last = 0;
		uint64_t n = 0;
		while (n++ < 100000 && (r = src.ops->next(src.self, &job, &err)) > 0) {
			if (job->ntasks < 1 || job->submit < last || job->req.cpu < 0 || job->req.mem < 0)
				abort();
			for (uint32_t i = 0; i < job->ntasks && i < 1000; i++) {
				cs_time d = cs_task_duration(job, i);
				if (d < 0)
					abort();
			}
			/* request changes: after the submission, in time order */
			for (uint32_t k = 0; k < job->nreq_changes; k++) {
				const struct cs_req_change *c = &job->req_changes[k];
				if (c->at <= (k ? c[-1].at : job->submit) || c->req.cpu < 0 || c->req.mem < 0)
					abort();
			}
			last = job->submit;
			cs_job_free(job);
		}
		if (r < 0 && err.code != 2)
			abort();
		json_decref(src.ops->report(src.self));
		src.ops->close(src.self);
	} else if (err.code != 2) {
		abort();
	}
	unlink(path);
}

static inline void fuzz_trace(const uint8_t *data, size_t size, const struct cs_trace_format *format)
{
	fuzz_trace_spec(data, size, format, NULL);
}

static inline void fuzz_trace_with_jobs(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t njobs = nul ? (size_t)(nul - data) : size;
	const uint8_t *tasks = nul ? nul + 1 : data;
	size_t ntasks = nul ? size - njobs - 1 : size;
	char jobs[32];
	if (fuzz_to_file(data, njobs, jobs) < 0)
		return;
	fuzz_trace_spec(tasks, ntasks, &cs_trace_google2011, jobs);
	unlink(jobs);
}

#endif
