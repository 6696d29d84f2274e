/* live/proc — see proc.h. */
#define _GNU_SOURCE /* pipe2 */
#include "live/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The program argv[0] names, searched in env's PATH when it has no
 * slash (before the fork: execvp is not async-signal-safe). */
static int resolve(const char *prog, char *const *env, char *out, size_t n)
{
	if (strchr(prog, '/')) {
		snprintf(out, n, "%s", prog);
		return 0;
	}
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	for (char *const *e = env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	for (const char *p = path;;) {
		size_t len = strcspn(p, ":");
		snprintf(out, n, "%.*s%s%s", (int)len, p, len ? "/" : "", prog);
		if (access(out, X_OK) == 0)
			return 0;
		if (!p[len])
			break;
		p += len + 1;
	}
	errno = ENOENT;
	return -1;
}

static void child_fail(int errfd, int err)
{
	ssize_t w = write(errfd, &err, sizeof err);
	(void)w;
	_exit(127);
}

/* The child's side, between fork and exec: async-signal-safe calls only. */
static void child(const struct cs_spawn *s, const char *prog, char *const *argv, pid_t parent,
		  int syncfd, int errfd)
{
	(void)setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127); /* the agent died before we got here */
	sigset_t none;
	sigemptyset(&none);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &dfl, NULL);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	char go;
	while (read(syncfd, &go, 1) < 0 && errno == EINTR)
		;
	int in = open("/dev/null", O_RDONLY);
	int out = open(s->stdout_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	int err = open(s->stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (in < 0 || out < 0 || err < 0)
		child_fail(errfd, errno);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		child_fail(errfd, errno);
	if (s->dir && chdir(s->dir) != 0)
		child_fail(errfd, errno);
	if (s->cg)
		cs_cg_task_apply_rlimits(s->cg);
	/* nothing of the agent's (sockets, its database) leaks into the task */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
		for (int fd = 3; fd < 4096; fd++)
			if (fd != errfd)
				(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	execve(prog, argv, s->env);
	child_fail(errfd, errno);
}

static pid_t spawn_argv(const struct cs_spawn *s, char *const *argv, char *prog, size_t progn, char *err,
			size_t errn);

pid_t cs_proc_spawn(const struct cs_spawn *s, char *err, size_t errn)
{
	char prog[4096], sh[] = "sh", dash_c[] = "-c";
	char *cmd = s->cmd ? strdup(s->cmd) : NULL;
	char *shell_argv[] = {sh, dash_c, cmd, NULL};
	char *const *argv = s->cmd ? shell_argv : s->argv;
	pid_t pid = s->cmd && !cmd ? (errno = ENOMEM, -1) : spawn_argv(s, argv, prog, sizeof prog, err, errn);
	free(cmd);
	return pid;
}

static pid_t spawn_argv(const struct cs_spawn *s, char *const *argv, char *prog, size_t progn, char *err,
			size_t errn)
{
	if (!argv || !argv[0]) {
		snprintf(err, errn, "nothing to run (no cmd and no args)");
		return -1;
	}
	if (resolve(s->cmd ? "/bin/sh" : argv[0], s->env, prog, progn) != 0) {
		snprintf(err, errn, "cannot run %s: not found in PATH", argv[0]);
		return -1;
	}
	int syncp[2], errp[2];
	if (pipe2(syncp, O_CLOEXEC) != 0)
		goto fail_errno;
	if (pipe2(errp, O_CLOEXEC) != 0) {
		close(syncp[0]);
		close(syncp[1]);
		goto fail_errno;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(syncp[1]);
		close(errp[0]);
		child(s, prog, argv, parent, syncp[0], errp[1]);
	}
	close(syncp[0]);
	close(errp[1]);
	if (pid < 0) {
		close(syncp[1]);
		close(errp[0]);
		goto fail_errno;
	}
	(void)setpgid(pid, pid); /* both sides: whichever runs first */
	int rc = 0, child_errno = 0;
	if (s->cg && cs_cg_task_attach(s->cg, pid) != 0) {
		snprintf(err, errn, "cannot move the task into its cgroup: %s", strerror(errno));
		rc = -1;
		(void)kill(pid, SIGKILL);
	}
	close(syncp[1]); /* go (or, killed, nothing) */
	ssize_t got;
	while ((got = read(errp[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (rc == 0 && got == (ssize_t)sizeof child_errno) {
		snprintf(err, errn, "cannot run %s: %s", argv[0], strerror(child_errno));
		rc = -1;
	}
	if (rc != 0) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	return pid;
fail_errno:
	snprintf(err, errn, "cannot start the task: %s", strerror(errno));
	return -1;
}

int cs_proc_signal(pid_t pgid, int sig)
{
	return pgid > 1 ? kill(-pgid, sig) : (errno = EINVAL, -1);
}

int cs_proc_become_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1);
}

pid_t cs_proc_reap(int *status)
{
	pid_t p;
	while ((p = waitpid(-1, status, WNOHANG)) < 0 && errno == EINTR)
		;
	return p;
}

/* /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and
 * parentheses, so fields are counted from the last ')'. */
static int stat_fields(pid_t pid, int *ppid, unsigned long long *start)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* after ") ": field 3 (state), 4 (ppid), ..., 22 (starttime) */
	char *save = NULL, *tok = strtok_r(p + 1, " ", &save);
	char state = tok ? tok[0] : '?';
	for (int field = 3; tok; tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 4)
			*ppid = atoi(tok);
		else if (field == 22) {
			*start = strtoull(tok, NULL, 10);
			break;
		}
	}
	if (!tok)
		return -1;
	return state == 'Z' ? -1 : 0; /* a zombie is not running */
}

unsigned long long cs_proc_start_time(pid_t pid)
{
	int ppid;
	unsigned long long start;
	return stat_fields(pid, &ppid, &start) == 0 ? start : 0;
}

pid_t cs_proc_parent(pid_t pid)
{
	int ppid;
	unsigned long long start;
	return stat_fields(pid, &ppid, &start) == 0 ? ppid : -1;
}
