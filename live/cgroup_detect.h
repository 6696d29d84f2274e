/* live/cgroup_detect — which mechanism the live agent (issue 14) can use
 * to limit a task's cpu, memory and process count on this host, found at
 * run time, never assumed:
 *  - cgroup v2 when a cgroup2 mount offers the cpu, memory and pids
 *    controllers (its cgroup.controllers file lists them): cpu.max,
 *    memory.max, pids.max;
 *  - else cgroup v1 when v1 hierarchies with the cpu, memory and pids
 *    controllers are mounted (a "hybrid" host has a v2 mount without
 *    controllers beside them): cpu.cfs_quota_us, memory.limit_in_bytes,
 *    pids.max;
 *  - else setrlimit (RLIMIT_AS, RLIMIT_CPU, RLIMIT_NPROC): no cgroups.
 * Each controller is looked for on its own: a v1 host may have cpu and
 * memory but not pids; the report says which limits each mechanism
 * covers.  The inputs are a mountinfo file (/proc/self/mountinfo) and the
 * root under which a cgroup2 mount's cgroup.controllers is read (NULL: as
 * mounted), so that tests can give made-up hosts. */
#ifndef CS_CGROUP_DETECT_H
#define CS_CGROUP_DETECT_H
#include <stdbool.h>
#include <stddef.h>

enum cs_cg_kind { CS_CG_V2, CS_CG_V1, CS_CG_RLIMIT };

enum { CS_CG_CPU, CS_CG_MEM, CS_CG_PIDS, CS_CG_NCTL };

struct cs_cg_detect {
	enum cs_cg_kind kind;
	char v2_mount[256];              /* the cgroup2 mount point ("" if none) */
	bool v2[CS_CG_NCTL];             /* controllers it offers */
	char v1_mount[CS_CG_NCTL][256];  /* per controller: its v1 mount ("" if none) */
};

/* Detect from mountinfo (a path); root prefixes the cgroup2 mount point
 * when reading its cgroup.controllers (NULL or "": none).  Returns -1 if
 * mountinfo cannot be read (d then says rlimit). */
int cs_cg_detect(struct cs_cg_detect *d, const char *mountinfo, const char *root);
const char *cs_cg_kind_name(enum cs_cg_kind k);
/* Whether the mechanism found limits controller c (cpu, memory, pids). */
bool cs_cg_limits(const struct cs_cg_detect *d, int c);

#endif
