/* libFuzzer target: the swf trace reader (workloads/trace_swf.c). */
#include "tests/fuzz/fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace(data, size, &cs_trace_swf);
	return 0;
}
