/* libFuzzer target: the alibaba trace reader (workloads/trace_alibaba.c). */
#include "tests/fuzz/fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace(data, size, &cs_trace_alibaba2017);
	return 0;
}
