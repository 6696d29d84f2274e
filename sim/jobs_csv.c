/* sim/jobs_csv — see jobs_csv.h.
 *
 * A ring (sim/ring) of NBATCH batches of BATCH records: the simulation
 * fills one and publishes it; the writer formats the oldest full one into
 * a buffer, writes it, and releases the slot. */
#include "sim/jobs_csv.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/csv.h"
#include "sim/ring.h"
#include "sim/units.h"

enum { BATCH = 512, NBATCH = 8, OUT_BUFFER = 1 << 16 };

struct row {
	uint64_t id;
	cs_time submit, first_attempt, scheduled, end;
	uint32_t workload, ntasks, attempts;
	enum cs_job_outcome outcome;
};

struct batch {
	struct row row[BATCH];
	uint32_t n;
};

struct cs_jobs_csv {
	FILE *f;
	char **names;
	size_t *name_len;
	uint32_t nnames;
	pthread_t thread;
	struct cs_ring ring;
	struct batch batch[NBATCH];
	int cur;             /* the simulation's batch */
	bool threaded;       /* false: the thread could not start */
	bool failed;         /* the writer's: a write failed */
	char out[OUT_BUFFER];
	size_t nout;
};

static char *put_time(char *p, cs_time t)
{
	if (t != CS_TIME_NEVER)
		p = cs_fmt_seconds(p, t);
	*p++ = ',';
	return p;
}

static void flush_out(struct cs_jobs_csv *j)
{
	if (j->nout > 0 && fwrite(j->out, 1, j->nout, j->f) != j->nout)
		j->failed = true;
	j->nout = 0;
}

/* Format one row into the output buffer (a workload name too long for
 * it goes out on its own). */
static void format_row(struct cs_jobs_csv *j, const struct row *r)
{
	const char *name = j->names[r->workload], *outcome = cs_job_outcome_name(r->outcome);
	size_t nl = j->name_len[r->workload], ol = strlen(outcome);
	bool long_name = nl > OUT_BUFFER / 4;
	/* the numbers: 20 digits for the id, 4 times of at most 29
	 * characters, two counts of 10, commas: under 200 bytes */
	if (j->nout + (long_name ? 0 : nl) + ol + 256 > OUT_BUFFER)
		flush_out(j);
	char *p = j->out + j->nout;
	p = cs_fmt_u64(p, r->id);
	*p++ = ',';
	if (long_name) {
		j->nout = (size_t)(p - j->out);
		flush_out(j);
		if (fwrite(name, 1, nl, j->f) != nl)
			j->failed = true;
		p = j->out;
	} else {
		memcpy(p, name, nl);
		p += nl;
	}
	*p++ = ',';
	p = put_time(p, r->submit);
	p = put_time(p, r->first_attempt);
	p = put_time(p, r->scheduled);
	p = put_time(p, r->end);
	p = cs_fmt_u64(p, r->ntasks);
	*p++ = ',';
	p = cs_fmt_u64(p, r->attempts);
	*p++ = ',';
	memcpy(p, outcome, ol);
	p += ol;
	*p++ = '\n';
	j->nout = (size_t)(p - j->out);
}

static void *writer(void *arg)
{
	struct cs_jobs_csv *j = arg;
	int slot;
	while ((slot = cs_ring_take_slot(&j->ring)) >= 0) {
		struct batch *b = &j->batch[slot];
		for (uint32_t i = 0; i < b->n; i++)
			format_row(j, &b->row[i]);
		b->n = 0;
		cs_ring_release(&j->ring);
	}
	flush_out(j);
	return NULL;
}

static void free_all(struct cs_jobs_csv *j)
{
	for (uint32_t i = 0; i < j->nnames; i++)
		free(j->names[i]);
	free(j->names);
	free(j->name_len);
	cs_ring_destroy(&j->ring);
	free(j);
}

struct cs_jobs_csv *cs_jobs_csv_open(FILE *f, char *const *names, uint32_t nnames)
{
	struct cs_jobs_csv *j = cs_xcalloc(1, sizeof *j);
	j->f = f;
	j->nnames = nnames;
	j->names = cs_xcalloc(nnames ? nnames : 1, sizeof *j->names);
	j->name_len = cs_xcalloc(nnames ? nnames : 1, sizeof *j->name_len);
	for (uint32_t i = 0; i < nnames; i++) {
		j->names[i] = cs_csv_field(names[i]); /* quoted if it must be */
		j->name_len[i] = strlen(j->names[i]);
	}
	cs_ring_init(&j->ring, NBATCH);
	fputs("id,workload,submit,first_attempt,scheduled,end,tasks,attempts,outcome\n", f);
	/* without a thread, rows are formatted as they come */
	j->threaded = pthread_create(&j->thread, NULL, writer, j) == 0;
	if (j->threaded)
		j->cur = cs_ring_fill_slot(&j->ring);
	return j;
}

void cs_jobs_csv_add(struct cs_jobs_csv *j, const struct cs_job *job)
{
	struct row r = {job->id, job->submit, job->first_attempt, job->scheduled, job->end,
			job->workload, job->ntasks, job->attempts, job->outcome};
	if (!j->threaded) {
		format_row(j, &r);
		return;
	}
	struct batch *b = &j->batch[j->cur];
	b->row[b->n++] = r;
	if (b->n == BATCH) { /* hand it over; wait for a free batch */
		cs_ring_publish(&j->ring);
		j->cur = cs_ring_fill_slot(&j->ring);
	}
}

int cs_jobs_csv_close(struct cs_jobs_csv *j)
{
	if (!j->threaded) {
		flush_out(j);
		bool failed = j->failed;
		free_all(j);
		return failed ? -1 : 0;
	}
	if (j->batch[j->cur].n > 0)
		cs_ring_publish(&j->ring); /* the last, partial batch */
	cs_ring_finish(&j->ring);
	pthread_join(j->thread, NULL);
	bool failed = j->failed;
	free_all(j);
	return failed ? -1 : 0;
}
