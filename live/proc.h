/* live/proc — starting a live task's process the way an agent must:
 *  - fork, then in the child: its own process group (so that a kill
 *    reaches everything it started), PR_SET_PDEATHSIG(SIGKILL) (the task
 *    does not outlive a crashed agent; checked against the fork race), the
 *    signal mask and dispositions reset (the agent blocks and ignores
 *    some), stdin from /dev/null, stdout and stderr appended to files of
 *    its sandbox, the sandbox as working directory, every other fd closed
 *    on exec, rlimits under the rlimit mechanism;
 *  - the parent moves the child into its cgroups (live/cgroup_task)
 *    *before* the child may exec, through a pipe the child waits on, so
 *    that no instruction of the task runs outside its limits;
 *  - exec failure (no such program, not executable) comes back through a
 *    close-on-exec pipe as the child's errno: the start fails with the
 *    reason instead of a task that "exits 127".
 * The child calls only async-signal-safe functions between fork and exec
 * (paths, argv and environment are built before the fork).
 *
 * The agent is a child subreaper (cs_proc_become_subreaper): what a task
 * leaves behind when its main process exits is reparented to the agent,
 * which reaps it (cs_proc_reap) and kills the rest of the task's process
 * group and cgroup.
 *
 * A task given a `cmd` runs it with /bin/sh -c (Marathon's and Mesos'
 * shell command); one given `args` execs them directly, the program
 * found in the task's PATH.  The environment is exactly env. */
#ifndef CS_LIVE_PROC_H
#define CS_LIVE_PROC_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "live/cgroup_task.h"

struct cs_spawn {
	const char *cmd;          /* shell command, or NULL for argv */
	char *const *argv;        /* NULL-terminated; used when cmd is NULL */
	char *const *env;         /* NULL-terminated: the whole environment */
	const char *dir;          /* working directory (the sandbox) */
	const char *stdout_path, *stderr_path;
	const struct cs_cg_task *cg; /* its limits, or NULL */
};

/* Start the process.  Returns its pid (also its process group), or -1
 * with the reason in err: exec failure (the child's errno, the child
 * reaped), a cgroup that refused it, fork failure. */
pid_t cs_proc_spawn(const struct cs_spawn *s, char *err, size_t errn);

/* Signal the task's process group (pgid = its pid).  0, or -1 with errno
 * (ESRCH: nothing left). */
int cs_proc_signal(pid_t pgid, int sig);

/* Make this process a child subreaper.  0 or -1 with errno. */
int cs_proc_become_subreaper(void);

/* Reap one exited child without blocking: its pid and wait status, 0 if
 * none has exited, -1 (ECHILD) if there are no children. */
pid_t cs_proc_reap(int *status);

/* The start time of process pid in clock ticks since boot (field 22 of
 * /proc/PID/stat), 0 if there is no such process: with the pid it names
 * one process across pid reuse. */
unsigned long long cs_proc_start_time(pid_t pid);
/* The parent pid of process pid, or -1. */
pid_t cs_proc_parent(pid_t pid);

#endif
