/* sim/interrupt — SIGINT, SIGTERM and SIGHUP end a run cleanly.
 *
 * cs_interrupt_install() makes the first such signal set a flag and stop
 * the engine registered with cs_interrupt_engine() (cs_engine_stop: the
 * event loop checks its stop flag after every event, and a real-time clock
 * waiting for I/O is woken), so that the command unwinds through
 * its normal error path: a run removes its unfinished results directory
 * (sim/outdir) and leaves the earlier results as they were; a sweep
 * forwards the signal to its children, waits for them and writes
 * sweep.csv for the points that completed.  The command then calls
 * cs_interrupt_reraise(), so that the process ends as killed by that
 * signal, as a shell expects of an interrupted program.  A second signal
 * while unwinding ends the process at once (default action): whatever it
 * was writing is a temporary directory, never a result.
 *
 * SIGXFSZ is ignored: past a file size limit a write fails (EFBIG, "File
 * too large") and is reported like any other write error.
 * The handler only stores to lock-free flags and writes to the clock's
 * eventfd (async-signal-safe). */
#ifndef CS_INTERRUPT_H
#define CS_INTERRUPT_H
#include <stdbool.h>

struct cs_engine;

void cs_interrupt_install(void);
/* The signal number that interrupted the program, or 0. */
int cs_interrupted(void);
/* The engine to stop on a signal (NULL: none). */
void cs_interrupt_engine(struct cs_engine *e);
/* End the process as killed by the signal that interrupted it (no
 * return); does nothing if there was none. */
void cs_interrupt_reraise(void);
/* The signal was the command's normal end (a live controller or agent
 * told to stop, which has stopped cleanly): exit with the command's own
 * code instead of re-raising it. */
void cs_interrupt_forget(void);

#endif
