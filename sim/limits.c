/* sim/limits — see limits.h. */
#include "sim/limits.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sim/config.h"

static const char *const keys[] = {"sweep_points", "jobs", "tasks_per_job", "timeseries_rows",
				   "machines", "machine_classes", "replications", NULL};

int cs_limits_parse(struct cs_limits *l, const json_t *exp, const char *file, struct cs_error *err)
{
	*l = (struct cs_limits){10000, 100000000, 1000000, 10000000, 10000000, 1000, 1000};
	const json_t *lj = json_object_get(exp, "limits");
	if (!lj)
		return 0;
	struct cs_cfg cfg = {file, NULL, err};
	if (cs_cfg_keys(&cfg, lj, "limits", keys) < 0)
		return -1;
	uint64_t *slot[] = {&l->sweep_points, &l->jobs, &l->tasks_per_job, &l->timeseries_rows, &l->machines,
			    &l->machine_classes, &l->replications};
	for (size_t i = 0; keys[i]; i++) {
		const json_t *v = json_object_get(lj, keys[i]);
		if (!v)
			continue;
		char p[64];
		snprintf(p, sizeof p, "limits.%s", keys[i]);
		double x = json_number_value(v);
		if (!json_is_number(v) || !isfinite(x) || x < 1 || x != floor(x) || x > 9007199254740992.0)
			return cs_error_input(err, file, p, "expected a whole number from 1 to 2^53");
		*slot[i] = (uint64_t)x;
	}
	/* the machines of a cell are counted in 32 bits */
	if (l->machines > UINT32_MAX / 2)
		return cs_error_input(err, file, "limits.machines", "at most %u (the model's machine numbers)",
				      UINT32_MAX / 2);
	return 0;
}
