/* libFuzzer target: the experiment parser.  Any bytes: parse as JSON,
 * substitute variables, build the world (cell, workloads, scheduler,
 * prefill) and tear it down; read live.load_balancers as the live
 * controller does (live/lb_sync.c).  Bad input must give an error, never a crash
 * or a leak.  Inputs that would legitimately take long (huge cells, tiny
 * prefill tasks, device files) are skipped. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "live/lb_sync.h"
#include "sim/experiment.h"
#include "sim/world.h"

static int too_big(const json_t *v, const char *key)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *c;
		json_object_foreach((json_t *)(uintptr_t)v, k, c) if (too_big(c, k)) return 1;
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			if (too_big(json_array_get(v, i), key))
				return 1;
	} else if (json_is_number(v) && key) {
		double x = json_number_value(v);
		if ((strcmp(key, "count") == 0 || strcmp(key, "max") == 0) && x > 5000)
			return 1;
		if (strcmp(key, "task_cpu") == 0 && x < 0.05)
			return 1;
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strstr(s, "/dev") || strstr(s, "/proc") || strstr(s, "/sys"))
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *exp = json_loadb((const char *)data, size, 0, NULL);
	if (!exp)
		return 0;
	struct cs_error err = {0};
	if (!json_is_object(exp) || too_big(exp, NULL) || cs_experiment_resolve_vars(exp, "fuzz.json", &err) < 0 ||
	    too_big(exp, NULL)) {
		json_decref(exp);
		return 0;
	}
	struct cs_cfg cfg = {"fuzz.json", ".", &err};
	struct cs_world w;
	if (cs_world_init(&w, exp, &cfg, NULL, NULL) < 0) {
		if (err.code != CS_EXIT_INPUT || strncmp(err.msg, "fuzz.json", 9) != 0)
			if (!strstr(err.msg, ": line ") && !strstr(err.msg, ": header: ") && !strstr(err.msg, "cannot open"))
				abort(); /* every input error names the experiment file, or
					  * a file it reads and the place there */
	}
	cs_world_release(&w);
	struct cs_error lerr = {0};
	struct cs_cfg lcfg = {"fuzz.json", ".", &lerr};
	struct cs_lb_sync *lb = NULL;
	if (cs_lb_sync_parse(&lcfg, exp, &lb) < 0 && (lb || lerr.code != CS_EXIT_INPUT || strncmp(lerr.msg, "fuzz.json", 9) != 0))
		abort();
	cs_lb_sync_free(lb);
	json_decref(exp);
	return 0;
}
