/* schedulers/fw_apps — the app frameworks' shared offer matcher
 * (fw_apps.h). */
#include <stdlib.h>
#include <string.h>

#include "schedulers/fw_apps.h"
#include "sim/alloc.h"
#include "sim/host.h"

static bool fits_in(const struct cs_res *a, const struct cs_res *b)
{
	return a->cpu <= b->cpu && a->mem <= b->mem && a->disk <= b->disk;
}

int cs_fw_apps_init(struct cs_fw_apps *a, const struct cs_cfg *cfg, json_t *config, const char *path)
{
	return cs_decision_time_parse(cfg, config, path, &a->dt);
}

void cs_fw_apps_release(struct cs_fw_apps *a)
{
	free(a->q);
	free(a->passed);
	a->q = NULL;
	a->passed = NULL;
	a->n = a->cap = 0;
}

static void drop(struct cs_fw_apps *a, const struct cs_job *job)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->q[i] == job) {
			memmove(&a->q[i], &a->q[i + 1], (a->n - i - 1) * sizeof *a->q);
			memmove(&a->passed[i], &a->passed[i + 1], (a->n - i - 1) * sizeof *a->passed);
			a->n--;
			return;
		}
}

static void work(struct cs_framework *f);

static void decide_fire(void *ctx, cs_time now)
{
	struct cs_framework *f = ctx;
	struct cs_fw_apps *a = f->impl;
	struct cs_job *job = a->current;
	/* (still thinking while it places: a start it causes may submit a
	 * job -- a controller replacing an instance -- which must wait for
	 * this decision to end) */
	struct cs_attempt at = {a->decision, 0, a->place(f, job), false};
	const struct cs_ladder ladder = {f->retry, false, true, NULL};
	/* out of the queue while the attempt ends: a job it ends is freed,
	 * and one its controller submits meanwhile may get its address */
	size_t pos = 0;
	while (pos < a->n && a->q[pos] != job)
		pos++;
	drop(a, job);
	if (cs_attempt_end(f->h, &ladder, &f->stats, job, &at) == CS_NEXT_WAIT) {
		CS_GROW(a->q, a->cap, a->n + 1);
		a->passed = cs_xrealloc(a->passed, a->cap * sizeof *a->passed);
		pos = pos < a->n ? pos : a->n;
		memmove(&a->q[pos + 1], &a->q[pos], (a->n - pos) * sizeof *a->q);
		memmove(&a->passed[pos + 1], &a->passed[pos], (a->n - pos) * sizeof *a->passed);
		a->q[pos] = job;
		a->passed[pos] = a->epoch; /* passed over until new offers */
		a->n++;
	}
	a->thinking = false;
	a->current = NULL;
	work(f);
}

/* Decide on the first pending job a held offer can take; else decline. */
static void work(struct cs_framework *f)
{
	struct cs_fw_apps *a = f->impl;
	if (a->thinking)
		return;
	uint32_t n;
	const struct cs_held *held = cs_fw_held(f, &n);
	for (size_t i = 0; i < a->n && n > 0; i++) {
		struct cs_job *job = a->q[i];
		if (a->passed[i] == a->epoch)
			continue;
		bool room = false;
		for (uint32_t k = 0; k < n && !room; k++)
			room = fits_in(&job->req, &held[k].res);
		if (!room)
			continue;
		a->thinking = true;
		a->current = job;
		cs_host_attempt(f->h, job);
		a->decision = cs_decision_time(&a->dt, job);
		cs_engine_after(f->h->engine, a->decision, decide_fire, f);
		return;
	}
	cs_fw_decline_all(f);
}

void cs_fw_apps_submit(struct cs_framework *f, struct cs_job *job)
{
	struct cs_fw_apps *a = f->impl;
	for (size_t i = 0; i < a->n; i++)
		if (a->q[i] == job)
			return work(f); /* (lost tasks of a queued job) */
	CS_GROW(a->q, a->cap, a->n + 1);
	a->passed = cs_xrealloc(a->passed, a->cap * sizeof *a->passed);
	size_t at = a->n;
	while (a->before && at > 0 && a->before(job, a->q[at - 1]))
		at--;
	memmove(&a->q[at + 1], &a->q[at], (a->n - at) * sizeof *a->q);
	memmove(&a->passed[at + 1], &a->passed[at], (a->n - at) * sizeof *a->passed);
	a->q[at] = job;
	a->passed[at] = UINT64_MAX;
	a->n++;
	work(f);
}

bool cs_fw_apps_wants_offers(const struct cs_framework *f)
{
	const struct cs_fw_apps *a = f->impl;
	return a->n > 0;
}

void cs_fw_apps_offers_arrived(struct cs_framework *f)
{
	struct cs_fw_apps *a = f->impl;
	a->epoch++;
	work(f);
}
