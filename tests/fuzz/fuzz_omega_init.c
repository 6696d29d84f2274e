/* libFuzzer target: the Omega init-cluster-state reader. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_util.h"

#include "workloads/omega_init.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	if (fuzz_to_file(data, size, path) < 0)
		return 0;
	struct cs_error err = {0};
	struct cs_omega_init_job *jobs;
	size_t n;
	if (cs_omega_init_read(path, "f", &jobs, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			if (jobs[i].ntasks < 1 || jobs[i].cpu_total < 0)
				abort();
		free(jobs);
	} else if (err.code != 2) {
		abort();
	}
	unlink(path);
	return 0;
}
