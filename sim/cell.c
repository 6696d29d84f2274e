/* sim/cell — see cell.h. */
#include "sim/cell.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"

#define TASK_ASSERT CS_TASK_ASSERT

void cs_cell_init(struct cs_cell *cell, struct cs_engine *engine)
{
	memset(cell, 0, sizeof *cell);
	cell->engine = engine;
	cell->release_bump = 1;
}

/* The largest machine's capacity, per resource, grows to take cap in. */
static void grow_max_cap(struct cs_cell *cell, const struct cs_res *cap)
{
	if (cap->cpu > cell->max_cap.cpu)
		cell->max_cap.cpu = cap->cpu;
	if (cap->mem > cell->max_cap.mem)
		cell->max_cap.mem = cap->mem;
	if (cap->disk > cell->max_cap.disk)
		cell->max_cap.disk = cap->disk;
}

void cs_cell_add_class(struct cs_cell *cell, const char *name, uint32_t count,
		       struct cs_res cap, json_t *attributes)
{
	assert(cell->running == 0);
	uint32_t first = cell->n, n = cell->n + count;
	cell->classes = cs_xrealloc(cell->classes, (cell->nclasses + 1) * sizeof *cell->classes);
	struct cs_machine_class *c = &cell->classes[cell->nclasses];
	c->name = cs_xstrdup(name);
	c->first = first;
	c->count = count;
	c->cap = cap;
	c->attributes = attributes ? json_incref(attributes) : NULL;
	c->taints = NULL;
	assert(cell->nclasses < UINT16_MAX);
	uint16_t ci = (uint16_t)cell->nclasses++;

	/* aligned: realloc would not keep the alignment */
	struct cs_machine *mach = cs_xaligned(64, n * sizeof *mach);
	if (first > 0)
		memcpy(mach, cell->mach, first * sizeof *mach);
	free(cell->mach);
	cell->mach = mach;
	cell->cls = cs_xrealloc(cell->cls, n * sizeof *cell->cls);
	for (uint32_t m = first; m < n; m++) {
		cell->mach[m] = (struct cs_machine){.cap = cap, .up = 1};
		cell->cls[m] = ci;
	}
	cell->n = n;
	cs_cell_account(cell);
	cell->total_cap.cpu += cap.cpu * count;
	cell->total_cap.mem += cap.mem * count;
	cell->total_cap.disk += cap.disk * count;
	grow_max_cap(cell, &cap);

	cs_capindex_release(&cell->index);
	cs_capindex_init(&cell->index, n);
	for (uint32_t m = 0; m < n; m++)
		cs_capindex_set(&cell->index, m, cell->mach[m].cap.cpu - cell->mach[m].used.cpu,
				cell->mach[m].cap.mem - cell->mach[m].used.mem);
	cell->dirty = cs_xrealloc(cell->dirty, n * sizeof *cell->dirty);
	cell->is_dirty = cs_xrealloc(cell->is_dirty, n * sizeof *cell->is_dirty);
	memset(cell->is_dirty, 0, n);
	cell->ndirty = 0;
}

void cs_cell_set_hostname(struct cs_cell *cell, uint32_t m, const char *name)
{
	if (!cell->hostnames)
		cell->hostnames = cs_xcalloc(cell->n ? cell->n : 1, sizeof *cell->hostnames);
	free(cell->hostnames[m]);
	cell->hostnames[m] = name ? cs_xstrdup(name) : NULL;
}

void cs_cell_release_all(struct cs_cell *cell)
{
	for (uint32_t m = 0; cell->hostnames && m < cell->n; m++)
		free(cell->hostnames[m]);
	free(cell->hostnames);
	cell->hostnames = NULL;
	for (uint32_t i = 0; i < cell->nclasses; i++) {
		free(cell->classes[i].name);
		if (cell->classes[i].attributes)
			json_decref(cell->classes[i].attributes);
		if (cell->classes[i].taints)
			json_decref(cell->classes[i].taints);
	}
	free(cell->classes);
	free(cell->mach);
	free(cell->cls);
	cs_capindex_release(&cell->index);
	free(cell->dirty);
	free(cell->is_dirty);
	memset(cell, 0, sizeof *cell);
}

void cs_cell_machine_name(const struct cs_cell *cell, uint32_t m, char *buf, size_t n)
{
	if (cell->hostnames && cell->hostnames[m]) {
		snprintf(buf, n, "%s", cell->hostnames[m]);
		return;
	}
	const struct cs_machine_class *mc = &cell->classes[cell->cls[m]];
	snprintf(buf, n, "%s-%u", mc->name, m - mc->first);
}

const char *cs_attribute_text(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else
		snprintf(buf, n, "%.15g", json_number_value(v));
	return buf;
}

void cs_cell_set_backend(struct cs_cell *cell, const struct cs_cell_backend_ops *ops, void *ctx)
{
	cell->backend = ops;
	cell->backend_ctx = ctx;
}

void cs_cell_account(struct cs_cell *cell)
{
	if (!cell->engine)
		return;
	cs_time now = cs_engine_now(cell->engine);
	if (now == cell->area_since)
		return;
	double dt = cs_time_to_seconds(now - cell->area_since);
	cell->used_cpu_area += cs_qty_to_double(cell->total_used.cpu) * dt;
	cell->used_mem_area += cs_qty_to_double(cell->total_used.mem) * dt;
	cell->cap_cpu_area += cs_qty_to_double(cell->total_cap.cpu) * dt;
	cell->cap_mem_area += cs_qty_to_double(cell->total_cap.mem) * dt;
	cell->area_since = now;
}


const struct cs_capindex *cs_cell_index(const struct cs_cell *ccell)
{
	struct cs_cell *cell = (struct cs_cell *)(uintptr_t)ccell;
	for (uint32_t k = 0; k < cell->ndirty; k++) {
		uint32_t m = cell->dirty[k];
		cell->is_dirty[m] = 0;
		cs_qty c = -1, mem = -1;
		if (cell->mach[m].up && !cell->mach[m].closed) {
			c = cell->mach[m].cap.cpu - cell->mach[m].used.cpu;
			mem = cell->mach[m].cap.mem - cell->mach[m].used.mem;
		}
		const struct cs_capnode *leaf = &cell->index.node[cell->index.leaves + m];
		if (leaf->cpu != c || leaf->mem != mem)
			cs_capindex_set(&cell->index, m, c, mem);
	}
	cell->ndirty = 0;
	return &cell->index;
}

void cs_cell_adjust(struct cs_cell *cell, uint32_t m, const struct cs_res *r, int sign)
{
	assert(m < cell->n && (sign == 1 || sign == -1));
	cs_cell_apply_(cell, m, r, sign, sign > 0 ? 1 : cell->release_bump);
}

void cs_cell_resize(struct cs_cell *cell, struct cs_task *task, const struct cs_res *from, const struct cs_res *to)
{
	TASK_ASSERT(cs_task_on_machine(task) && task->machine < cell->n);
	struct cs_res d = {to->cpu - from->cpu, to->mem - from->mem, to->disk - from->disk};
	bool grows = d.cpu > 0 || d.mem > 0 || d.disk > 0;
	cs_cell_apply_(cell, task->machine, &d, +1, grows ? 1 : cell->release_bump);
}

static inline void claim(struct cs_cell *cell, struct cs_task *task, uint32_t m)
{
	TASK_ASSERT(task->state == CS_TASK_PENDING);
	TASK_ASSERT(m < cell->n);
	cs_cell_apply_(cell, m, &task->job->req, +1, 1);
	task->machine = m;
	task->state = CS_TASK_STAGING; /* until its backend reports it started */
	cell->mach[m].ntasks++;
	task->claim_seq = ++cell->claims;
	cell->running++;
	task->job->placed++;
	if (cell->backend && cell->backend->start)
		cell->backend->start(cell->backend_ctx, task);
}

void cs_cell_claim(struct cs_cell *cell, struct cs_task *task, uint32_t m)
{
	TASK_ASSERT(cs_cell_fits(cell, m, &task->job->req));
	claim(cell, task, m);
}

void cs_cell_claim_unchecked(struct cs_cell *cell, struct cs_task *task, uint32_t m)
{
	claim(cell, task, m);
}

void cs_cell_kill(struct cs_cell *cell, struct cs_task *task, enum cs_task_state end_state)
{
	if (cell->backend && cell->backend->kill)
		cell->backend->kill(cell->backend_ctx, task);
	cs_cell_release(cell, task, end_state);
}

void cs_cell_set_up(struct cs_cell *cell, uint32_t m, bool up)
{
	if (!!cell->mach[m].up == up)
		return;
	cs_cell_account(cell);
	int sign = up ? 1 : -1;
	cell->total_cap.cpu += sign * cell->mach[m].cap.cpu;
	cell->total_cap.mem += sign * cell->mach[m].cap.mem;
	cell->total_cap.disk += sign * cell->mach[m].cap.disk;
	cell->mach[m].up = up;
	cell->mach[m].seq++;
	cell->version++;
	cs_cell_mark_dirty(cell, m);
}

void cs_cell_set_closed(struct cs_cell *cell, uint32_t m, bool closed)
{
	if (!!cell->mach[m].closed == closed)
		return;
	cell->mach[m].closed = closed;
	cell->mach[m].seq++;
	cell->version++;
	cs_cell_mark_dirty(cell, m);
}

void cs_cell_set_capacity(struct cs_cell *cell, uint32_t m, struct cs_res cap)
{
	assert(!cell->mach[m].up && cell->mach[m].ntasks == 0);
	cell->mach[m].cap = cap;
	grow_max_cap(cell, &cap);
	cell->mach[m].seq++;
	cell->version++;
	cs_cell_mark_dirty(cell, m);
}

uint64_t cs_cell_fit_count(const struct cs_cell *cell, const struct cs_res *req, uint64_t limit)
{
	const struct cs_capindex *ix = cs_cell_index(cell);
	uint64_t count = 0;
	for (uint32_t m = cs_capindex_first_fit(ix, 0, req->cpu, req->mem); m != CS_NO_MACHINE && count < limit;
	     m = cs_capindex_first_fit(ix, m + 1, req->cpu, req->mem)) {
		if (!cs_cell_fits(cell, m, req))
			continue; /* disk */
		struct cs_res f = cs_cell_free(cell, m);
		uint64_t k = UINT64_MAX;
		if (req->cpu > 0)
			k = (uint64_t)(f.cpu / req->cpu);
		if (req->mem > 0 && (uint64_t)(f.mem / req->mem) < k)
			k = (uint64_t)(f.mem / req->mem);
		if (req->disk > 0 && (uint64_t)(f.disk / req->disk) < k)
			k = (uint64_t)(f.disk / req->disk);
		count += k > limit ? limit : k;
	}
	return count < limit ? count : limit;
}

bool cs_cell_check(const struct cs_cell *cell, const struct cs_job *jobs)
{
	/* what the running tasks add up to, per machine */
	struct cs_res *t = cs_xcalloc(cell->n ? cell->n : 1, sizeof *t);
	uint32_t *k = cs_xcalloc(cell->n ? cell->n : 1, sizeof *k);
	uint64_t tasks = 0;
	bool ok = true;
	for (const struct cs_job *job = jobs; job && ok; job = job->live_next) {
		for (uint32_t i = 0; job->tasks && i < job->ntasks; i++) {
			const struct cs_task *task = &job->tasks[i];
			if (!cs_task_on_machine(task))
				continue;
			if (task->machine >= cell->n) {
				fprintf(stderr, "cell check: a running task is on no machine\n");
				ok = false;
				break;
			}
			t[task->machine].cpu += job->req.cpu;
			t[task->machine].mem += job->req.mem;
			t[task->machine].disk += job->req.disk;
			k[task->machine]++;
			tasks++;
		}
	}
	struct cs_res sum = {0, 0, 0};
	for (uint32_t m = 0; ok && m < cell->n; m++) {
		const struct cs_res *u = &cell->mach[m].used, *c = &cell->mach[m].cap;
		if (u->cpu < 0 || u->mem < 0 || u->disk < 0 ||
		    (!cell->overcommit && (u->cpu > c->cpu || u->mem > c->mem || u->disk > c->disk))) {
			fprintf(stderr, "cell check: machine %u over capacity or negative\n", m);
			ok = false;
		} else if (cell->engine && (k[m] != cell->mach[m].ntasks || t[m].cpu != u->cpu || t[m].mem != u->mem ||
					    t[m].disk != u->disk)) {
			fprintf(stderr, "cell check: machine %u allocation differs from its tasks\n", m);
			ok = false;
		}
		sum.cpu += u->cpu;
		sum.mem += u->mem;
		sum.disk += u->disk;
	}
	if (ok && (sum.cpu != cell->total_used.cpu || sum.mem != cell->total_used.mem ||
		   sum.disk != cell->total_used.disk || (cell->engine && tasks != cell->running))) {
		fprintf(stderr, "cell check: cell totals differ from the sum over machines\n");
		ok = false;
	}
	free(t);
	free(k);
	return ok;
}
