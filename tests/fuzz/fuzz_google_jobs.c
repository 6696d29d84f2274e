/* libFuzzer target: the google reader with job_events
 * (workloads/google_jobs.c): job_events, a NUL byte, task_events. */
#include "tests/fuzz/fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace_with_jobs(data, size);
	return 0;
}
