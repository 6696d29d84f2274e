/* libFuzzer target: the spec readers (specs/: Marathon JSON, the Aurora
 * Python subset, Kubernetes YAML and JSON through libyaml).  Any bytes:
 * an app set or an error, never a crash, a hang or a leak; a message is
 * one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "specs/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_spec_set set;
	struct cs_error err = {0};
	if (cs_spec_parse(&set, "fuzz.spec", (const char *)data, size, &err) == 0)
		cs_spec_set_release(&set);
	else if (strchr(err.msg, '\n') || err.code != CS_EXIT_INPUT)
		abort();
	return 0;
}
