/* sim/parallel — see parallel.h. */
#include "sim/parallel.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/alloc.h"
#include "sim/interrupt.h"

static void forward_signal(const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], cs_interrupted());
}

/* The status of a child that ended with st. */
static enum cs_unit_status child_status(int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return CS_UNIT_OK;
	if (WIFSIGNALED(st) && cs_interrupted())
		return CS_UNIT_INTERRUPTED;
	return CS_UNIT_FAILED;
}

/* Start unit i (in this process if jobs is 1); its pid, or 0 if it ran here. */
static pid_t start(const struct cs_units *u, size_t i, int *jobs)
{
	pid_t pid = *jobs == 1 ? 0 : fork();
	if (pid < 0) {
		fprintf(stderr, "clustersim: fork: %s; running the rest one at a time\n", strerror(errno));
		*jobs = 1;
		pid = 0;
	}
	if (pid == 0 && *jobs > 1) {
		int rc = u->run(u->ctx, i);
		cs_interrupt_reraise();
		_exit(rc);
	}
	if (pid == 0) {
		int rc = u->run(u->ctx, i);
		u->done(u->ctx, i, cs_interrupted() ? CS_UNIT_INTERRUPTED : rc == 0 ? CS_UNIT_OK : CS_UNIT_FAILED);
	}
	return pid;
}

void cs_units_run(const struct cs_units *u)
{
	size_t n = u->n, total = 0, started = 0, next = 0, running = 0;
	for (size_t i = 0; i < n; i++)
		total += u->todo[i];
	pid_t *pids = cs_xcalloc(n ? n : 1, sizeof *pids);
	int jobs = u->jobs < 1 ? 1 : u->jobs;
	bool forwarded = false;
	fflush(NULL);
	for (;;) {
		while (!cs_interrupted() && running < (size_t)jobs && next < n) {
			size_t i = next++;
			if (!u->todo[i])
				continue;
			if (!u->quiet)
				fprintf(stderr, "clustersim: %zu/%zu: %s\n", ++started, total, u->label(u->ctx, i));
			pid_t pid = start(u, i, &jobs);
			if (pid > 0) {
				pids[i] = pid;
				running++;
			}
		}
		if (cs_interrupted() && !forwarded) {
			forward_signal(pids, n);
			forwarded = true;
		}
		if (running == 0 && (cs_interrupted() || next >= n))
			break;
		if (running == 0)
			continue;
		int st;
		pid_t pid = wait(&st);
		if (pid < 0) {
			if (errno == EINTR)
				continue; /* a signal: forwarded above */
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			pids[i] = 0;
			running--;
			enum cs_unit_status s = child_status(st);
			if (s == CS_UNIT_FAILED && WIFSIGNALED(st))
				fprintf(stderr, "clustersim: %s: killed by signal %d\n", u->label(u->ctx, i), WTERMSIG(st));
			u->done(u->ctx, i, s);
		}
	}
	free(pids);
}
