/* libFuzzer target: the google trace reader (workloads/trace_google.c). */
#include "tests/fuzz/fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace(data, size, &cs_trace_google2011);
	return 0;
}
