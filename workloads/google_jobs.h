/* workloads/google_jobs — Google clusterdata-2011 job_events, read to
 * tell when each job was submitted as a whole (the trace's "job_events"
 * key, beside a google2011 task_events path).
 *
 * Why: the task rows of one job's submission are often spread over a few
 * microseconds to a second (in part 0, 914 of 4,895 jobs), and grouping
 * task rows alone replays such a job as one job per instant.  The job's
 * own SUBMIT row says when the user submitted it.
 *
 * Columns (8): time (µs), missing info, job id, event type (0 SUBMIT
 * 1 SCHEDULE 2 EVICT 3 FAIL 4 FINISH 5 KILL 6 LOST 7 UPDATE_PENDING
 * 8 UPDATE_RUNNING), user, scheduling class, job name, logical job name;
 * only the first four are read.
 *
 * Submission windows: a job's SUBMIT at time s opens a window that the
 * job's next event other than SUBMIT or UPDATE_PENDING closes, at time c
 * (its SCHEDULE, normally), or the first SCHEDULE of one of its tasks if
 * that comes first (task rows are read in time order; this also keeps a
 * resubmission, which follows a SCHEDULE of its task, out of the window
 * when the job's own SCHEDULE row is missing).  A task submission of that
 * job at t with s <= t <= c belongs to that submission and counts as
 * submitted at s; one outside every window (a task added after the job
 * started, a resubmission after an eviction) keeps its own time.  A
 * second SUBMIT while a window is open closes it and opens another.
 *
 * Errors (exit 2, FILE: line N): other than 8 columns, a non-numeric or
 * negative time, job id or event type, an unknown event type, times going
 * backwards.  The file is read once, streaming; the table keeps 32 bytes
 * per job SUBMIT (24 per row while reading). */
#ifndef CS_GOOGLE_JOBS_H
#define CS_GOOGLE_JOBS_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/error.h"

struct cs_google_jobs;

/* Read PATH (plain or gzip); NULL with err set on a bad file. */
struct cs_google_jobs *cs_google_jobs_read(const char *path, struct cs_error *err);
/* The time a task submission of job at t (µs) counts as submitted.
 * Also counts, for the report, which jobs had task rows and how many
 * task submissions moved or found no job. */
int64_t cs_google_jobs_submit_time(struct cs_google_jobs *j, uint64_t job, int64_t t);
/* A task of job was scheduled at t (task rows in time order): the job's
 * submission window open at t closes there. */
void cs_google_jobs_task_scheduled(struct cs_google_jobs *j, uint64_t job, int64_t t);
/* {"rows", "jobs" (with a SUBMIT), "jobs_without_tasks" (none of the task
 *  rows read so far was theirs), "instances_joined" (task submissions
 *  moved to their job's SUBMIT time), "instances_without_job" (task
 *  submissions of jobs that have no SUBMIT here)} */
json_t *cs_google_jobs_report(const struct cs_google_jobs *j);
void cs_google_jobs_free(struct cs_google_jobs *j);

#endif
