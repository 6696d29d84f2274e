/* sim/job — see job.h. */
#include "sim/job.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/capindex.h"

struct cs_job *cs_job_new(uint32_t ntasks)
{
	struct cs_job *job = cs_xcalloc(1, sizeof *job);
	job->ntasks = ntasks;
	job->duration = job->estimate = job->recorded_start = CS_TIME_NEVER;
	job->submit = job->first_attempt = job->scheduled = job->end = CS_TIME_NEVER;
	return job;
}

struct cs_task *cs_job_tasks(struct cs_job *job)
{
	if (job->tasks)
		return job->tasks;
	cs_job_use_tasks(job, job->ntasks == 1 ? &job->one_task
					       : cs_xmalloc((size_t)job->ntasks * sizeof *job->tasks));
	return job->tasks;
}

void cs_job_use_tasks(struct cs_job *job, struct cs_task *mem)
{
	assert(!job->tasks);
	job->tasks = mem;
	/* every field set below: no need to clear the memory first */
	for (uint32_t i = 0; i < job->ntasks; i++) {
		struct cs_task *t = &mem[i];
		t->job = job;
		t->index = i;
		t->machine = CS_NO_MACHINE;
		t->state = CS_TASK_PENDING;
		t->group = NULL;
		t->gprev = t->gnext = NULL;
	}
}

void cs_job_free(struct cs_job *job)
{
	if (!job)
		return;
	while (job->groups) {
		struct cs_end_group *g = job->groups;
		job->groups = g->next;
		free(g);
	}
	if (job->tasks != &job->one_task)
		free(job->tasks);
	free(job->task_durations);
	if (job->req_changes) /* (rare: spare the call) */
		free(job->req_changes);
	free(job);
}

struct cs_job *cs_job_copy(const struct cs_job *job)
{
	assert(!job->tasks && !job->groups);
	struct cs_job *c = cs_xmalloc(sizeof *c);
	memcpy(c, job, offsetof(struct cs_job, one_task)); /* one_task: set up on use */
	if (job->task_durations) {
		c->task_durations = cs_xmalloc((size_t)job->ntasks * sizeof *c->task_durations);
		memcpy(c->task_durations, job->task_durations, (size_t)job->ntasks * sizeof *c->task_durations);
	}
	if (job->req_changes) {
		c->req_changes = cs_xmalloc((size_t)job->nreq_changes * sizeof *c->req_changes);
		memcpy(c->req_changes, job->req_changes, (size_t)job->nreq_changes * sizeof *c->req_changes);
	}
	return c;
}

cs_time cs_task_duration(const struct cs_job *job, uint32_t index)
{
	return job->task_durations ? job->task_durations[index] : job->duration;
}

cs_time cs_job_run_time(const struct cs_job *job)
{
	if (!job->task_durations)
		return job->duration;
	cs_time longest = 0;
	for (uint32_t i = 0; i < job->ntasks; i++)
		if (job->task_durations[i] > longest)
			longest = job->task_durations[i];
	return longest;
}

const char *cs_job_outcome_name(enum cs_job_outcome o)
{
	switch (o) {
	case CS_JOB_PENDING: return "pending";
	case CS_JOB_RUNNING: return "running";
	case CS_JOB_COMPLETED: return "completed";
	case CS_JOB_ABANDONED: return "abandoned";
	}
	return "?";
}

const char *cs_task_state_name(enum cs_task_state s)
{
	static const char *const names[] = {"pending", "staging", "running", "finished", "failed", "killed", "lost"};
	return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}
