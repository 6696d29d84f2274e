/* live/cgroup_task — one live task's resource limits, with the mechanism
 * live/cgroup_detect found on this host:
 *  - cgroup v2: a cgroup per task with cpu.max (quota/period), memory.max
 *    (and memory.swap.max 0 where it exists) and pids.max; killed as a
 *    whole with cgroup.kill where the kernel has it;
 *  - cgroup v1: a cgroup per task in each of the cpu, memory and pids
 *    hierarchies that is mounted: cpu.cfs_period_us / cpu.cfs_quota_us,
 *    memory.limit_in_bytes, pids.max;
 *  - setrlimit, in the task's process before exec: RLIMIT_AS for memory
 *    and RLIMIT_NPROC for processes (per user: a coarse bound); no cpu
 *    rate limit (RLIMIT_CPU bounds cpu seconds, not a share).
 * Each task's cgroups are children of the agent's own cgroup in that
 * hierarchy (read from /proc/self/cgroup), under "clustersim-AGENT", so
 * that an agent inside a container or a systemd slice stays inside it.
 *
 * Conventions: cpus -> quota = cpus x period, period 100 ms (the kernel's
 * default, and Mesos' cgroups/cpu isolator's), at least 1 ms; memory in
 * bytes; 0 means "no limit" for each.  OOM kills are read from the
 * cgroup's memory.oom_control (v1) or memory.events (v2) "oom_kill" count.
 *
 * Ownership: a cs_cg_task holds paths only; cs_cg_task_remove removes
 * the directories (after the task's processes are gone).  The detection
 * result must outlive it. */
#ifndef CS_CGROUP_TASK_H
#define CS_CGROUP_TASK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "live/cgroup_detect.h"

struct cs_cg_limits {
	double cpus;        /* cores; 0: none */
	uint64_t mem_bytes; /* 0: none */
	uint64_t pids;      /* 0: none */
};

struct cs_cg_task {
	const struct cs_cg_detect *d;
	char dir[CS_CG_NCTL][512]; /* per controller: the task's cgroup ("" if none) */
	struct cs_cg_limits lim;
};

/* The agent's parent cgroup for controller c ("" when the mechanism has
 * no cgroup for it), into buf; agent names the agent's own directory. */
int cs_cg_agent_dir(const struct cs_cg_detect *d, int c, const char *agent, char *buf, size_t n);

/* Make the task's cgroups and write its limits.  Returns 0, or -1 with a
 * message in err (a cgroup that cannot be made or a limit the kernel
 * refuses: the task is not started). */
int cs_cg_task_create(struct cs_cg_task *t, const struct cs_cg_detect *d, const char *agent,
		      const char *task, const struct cs_cg_limits *lim, char *err, size_t errn);
/* Recreate the handle of an existing task's cgroups (agent recovery):
 * the paths only, nothing written. */
void cs_cg_task_open(struct cs_cg_task *t, const struct cs_cg_detect *d, const char *agent,
		     const char *task);
/* Move process pid into the task's cgroups (the agent does it between
 * fork and exec).  0 or -1 with errno. */
int cs_cg_task_attach(const struct cs_cg_task *t, pid_t pid);
/* In the task's process before exec, under the rlimit mechanism: apply
 * the limits with setrlimit (async-signal-safe; nothing under cgroups). */
void cs_cg_task_apply_rlimits(const struct cs_cg_task *t);
/* How many times the kernel's OOM killer killed a process of the task
 * (0 without a memory cgroup). */
uint64_t cs_cg_task_oom_kills(const struct cs_cg_task *t);
/* SIGKILL every process left in the task's cgroups (cgroup.kill on v2
 * where it exists, else each pid of cgroup.procs).  Returns how many
 * processes were still there (0: empty). */
int cs_cg_task_kill_all(const struct cs_cg_task *t);
/* Remove the task's cgroups (they must be empty).  0 or -1. */
int cs_cg_task_remove(struct cs_cg_task *t);
/* Which limits are enforced, as text ("cpu,memory,pids via cgroup-v1"). */
void cs_cg_task_describe(const struct cs_cg_detect *d, char *buf, size_t n);

#endif
