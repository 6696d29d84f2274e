/* sim/parallel — run n independent units of work (a sweep's points, a
 * point's replications), up to `jobs` at a time in child processes.
 *
 * run(ctx, i) does unit i and returns an exit code; with jobs > 1 it runs
 * in a forked child (which ends as killed by the signal that interrupted
 * it, if one did), with jobs == 1 in this process.  done(ctx, i, status)
 * is called in this process as each unit ends, in the order they end
 * (with jobs == 1: unit order).  Units with todo[i] false are skipped.
 * A fork that fails makes the rest run one at a time (said on stderr).
 * Interruption (sim/interrupt): no unit starts after the signal; the
 * signal is forwarded to every running child by its PID and they are
 * waited for; their status is CS_UNIT_INTERRUPTED. */
#ifndef CS_PARALLEL_H
#define CS_PARALLEL_H
#include <stdbool.h>
#include <stddef.h>

enum cs_unit_status { CS_UNIT_NOT_RUN, CS_UNIT_OK, CS_UNIT_FAILED, CS_UNIT_INTERRUPTED };

struct cs_units {
	size_t n;
	const bool *todo;
	int jobs;
	int (*run)(void *ctx, size_t i);
	void (*done)(void *ctx, size_t i, enum cs_unit_status st);
	/* unit i's name in messages; a progress line per unit started
	 * unless quiet */
	const char *(*label)(void *ctx, size_t i);
	bool quiet;
	void *ctx;
};

void cs_units_run(const struct cs_units *u);

#endif
