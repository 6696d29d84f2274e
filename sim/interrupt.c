/* sim/interrupt — see interrupt.h. */
#include "sim/interrupt.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "sim/engine.h"

static volatile sig_atomic_t caught;
static struct cs_engine *volatile engine;

static void on_signal(int sig)
{
	if (caught) {
		/* a second signal: no more unwinding */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	caught = sig;
	struct cs_engine *e = engine;
	if (e)
		cs_engine_stop(e); /* async-signal-safe: a flag the event loop reads
				    * after every event, and a real clock's wake-up */
}

void cs_interrupt_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a sweep's wait() returns EINTR */
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
	/* past a file size limit (ulimit -f) a write fails with EFBIG and is
	 * reported like any write error, instead of killing the process */
	signal(SIGXFSZ, SIG_IGN);
}

int cs_interrupted(void)
{
	return caught;
}

void cs_interrupt_engine(struct cs_engine *e)
{
	engine = e;
	if (e && caught)
		cs_engine_stop(e);
}

void cs_interrupt_reraise(void)
{
	int sig = caught;
	if (!sig)
		return;
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

void cs_interrupt_forget(void)
{
	caught = 0;
}
