/* specs/readers — the spec formats' readers, one per file; the registry
 * in specs/spec.c calls them.  Each appends the file's apps to set
 * (whose file and format are set) or fills err and returns -1. */
#ifndef CS_SPEC_READERS_H
#define CS_SPEC_READERS_H
#include <stddef.h>

#include "specs/spec.h"

int cs_spec_read_marathon(struct cs_spec_set *set, const char *file, const char *text, size_t len,
			  struct cs_error *err);
int cs_spec_read_aurora(struct cs_spec_set *set, const char *file, const char *text, size_t len,
			struct cs_error *err);
int cs_spec_read_kubernetes(struct cs_spec_set *set, const char *file, const char *text, size_t len,
			    struct cs_error *err);

#endif
