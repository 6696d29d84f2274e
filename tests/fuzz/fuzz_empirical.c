/* libFuzzer target: the empirical distribution reader, every format. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_util.h"

#include "workloads/empirical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	if (fuzz_to_file(data, size, path) < 0)
		return 0;
	for (int format = 0; format < 4; format++) {
		for (int sched = 0; sched < 2; sched++) {
			struct cs_error err = {0};
			struct cs_empirical *e = cs_empirical_load(path, "f", (enum cs_empirical_format)format,
								   sched, 1, &err);
			if (e) {
				double q = cs_empirical_quantile(e, 0.37) + cs_empirical_mean(e);
				(void)q;
				for (size_t i = 1; i < e->n; i++)
					if (e->p[i] < e->p[i - 1] || e->x[i] < e->x[i - 1])
						abort(); /* the table must be monotone */
				cs_empirical_free(e);
			} else if (err.code != 2) {
				abort();
			}
		}
	}
	unlink(path);
	return 0;
}
