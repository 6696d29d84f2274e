/* workloads/omega_init — see omega_init.h. */
#include "workloads/omega_init.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "workloads/lines.h"

static bool num(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && errno == 0 && isfinite(*out);
}

/* Open-addressing map from job id to index, for the 12 lines. */
struct idmap {
	size_t *slot; /* index + 1, 0 = empty */
	size_t cap;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

static void idmap_put(struct idmap *m, const struct cs_omega_init_job *jobs, size_t n, size_t idx);

static void idmap_grow(struct idmap *m, const struct cs_omega_init_job *jobs, size_t n)
{
	size_t oldcap = m->cap;
	size_t *old = m->slot;
	m->cap = oldcap ? oldcap * 2 : 1024;
	m->slot = cs_xcalloc(m->cap, sizeof *m->slot);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			idmap_put(m, jobs, n, old[i] - 1);
	free(old);
}

static void idmap_put(struct idmap *m, const struct cs_omega_init_job *jobs, size_t n, size_t idx)
{
	if ((n + 1) * 2 > m->cap)
		idmap_grow(m, jobs, n);
	size_t i = (size_t)hash_str(jobs[idx].id) & (m->cap - 1);
	while (m->slot[i])
		i = (i + 1) & (m->cap - 1);
	m->slot[i] = idx + 1;
}

static long idmap_get(const struct idmap *m, const struct cs_omega_init_job *jobs, const char *id)
{
	if (!m->cap)
		return -1;
	size_t i = (size_t)hash_str(id) & (m->cap - 1);
	while (m->slot[i]) {
		if (strcmp(jobs[m->slot[i] - 1].id, id) == 0)
			return (long)(m->slot[i] - 1);
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

int cs_omega_init_read(const char *path, const char *shown, struct cs_omega_init_job **out,
		       size_t *nout, struct cs_error *err)
{
	/* the project's line reader: NUL bytes and truncated gzip streams
	 * are errors naming the line */
	struct cs_lines lines;
	if (cs_lines_open(&lines, path, err) < 0)
		return -1;
	struct cs_omega_init_job *jobs = NULL;
	size_t n = 0, cap = 0;
	struct idmap map = {0};
	char *line, where[48];
	int rc = -1, got;
	while ((got = cs_lines_next(&lines, &line, err)) > 0) {
		snprintf(where, sizeof where, "line %llu", (unsigned long long)lines.lineno);
		char *fld[10], *save = NULL;
		int nf = 0;
		for (char *t = strtok_r(line, " \t\r\n", &save); t && nf < 10; t = strtok_r(NULL, " \t\r\n", &save))
			fld[nf++] = t;
		if (nf == 0 || fld[0][0] == '#')
			continue;
		if (nf < 3) {
			cs_error_input(err, shown, where, "expected `11 0 JOBID ...` or `12 T_END JOBID ...`, found %d field%s",
				       nf, nf == 1 ? "" : "s");
			goto done;
		}
		double v[10];
		for (int i = 0; i < nf; i++) {
			if (i == 2)
				continue; /* the job id is a string */
			if (!num(fld[i], &v[i])) {
				cs_error_input(err, shown, where, "field %d is not a number: \"%s\"", i + 1, fld[i]);
				goto done;
			}
		}
		if (strlen(fld[2]) >= sizeof jobs->id) {
			cs_error_input(err, shown, where, "job id too long");
			goto done;
		}
		if (strcmp(fld[0], "11") == 0) {
			if (nf != 8) {
				cs_error_input(err, shown, where, "a 11 line has 8 fields, found %d", nf);
				goto done;
			}
			if (v[5] < 1 || v[5] != floor(v[5]) || v[5] > 1e7 || v[6] < 0 || v[7] < 0) {
				cs_error_input(err, shown, where,
					       "expected a positive task count and non-negative cpu and memory");
				goto done;
			}
			/* Google's scheduling classes (and an int to hold it) */
			if (!(v[4] >= 0 && v[4] <= 3 && v[4] == floor(v[4]))) {
				cs_error_input(err, shown, where, "scheduling class: expected 0, 1, 2 or 3 (got %.15g)",
					       v[4]);
				goto done;
			}
			/* each task's share must be a quantity the model holds */
			if (v[6] / v[5] > CS_MAX_CORES || v[7] / v[5] / 1048576.0 > CS_MAX_MIB) {
				cs_error_input(err, shown, where,
					       "a task of %.15g cores and %.15g MiB is beyond the model's range (at most "
					       "%.15g cores, %.15g MiB)", v[6] / v[5], v[7] / v[5] / 1048576.0, CS_MAX_CORES,
					       CS_MAX_MIB);
				goto done;
			}
			if (idmap_get(&map, jobs, fld[2]) >= 0) {
				cs_error_input(err, shown, where, "job %s appears twice", fld[2]);
				goto done;
			}
			CS_GROW(jobs, cap, n + 1);
			struct cs_omega_init_job *j = &jobs[n];
			memset(j, 0, sizeof *j);
			strcpy(j->id, fld[2]);
			j->prod = v[3] != 0;
			j->sched_class = (int)v[4];
			j->ntasks = (uint32_t)v[5];
			j->cpu_total = v[6];
			j->mem_total_bytes = v[7];
			j->end = -1;
			j->service = j->prod && j->sched_class != 0 && j->sched_class != 1;
			idmap_put(&map, jobs, n, n);
			n++;
		} else if (strcmp(fld[0], "12") == 0) {
			if (nf != 6) {
				cs_error_input(err, shown, where, "a 12 line has 6 fields, found %d", nf);
				goto done;
			}
			long idx = idmap_get(&map, jobs, fld[2]);
			if (idx < 0) {
				cs_error_input(err, shown, where, "end of job %s, which no 11 line started", fld[2]);
				goto done;
			}
			if (v[1] < 0) {
				cs_error_input(err, shown, where, "negative end time");
				goto done;
			}
			/* an end beyond the clock's range is after any run's end:
			 * the job runs throughout, as without a 12 line */
			jobs[idx].end = v[1] > CS_MAX_SECONDS ? -1 : v[1];
		} else {
			cs_error_input(err, shown, where, "unknown record type \"%s\" (expected 11 or 12)", fld[0]);
			goto done;
		}
	}
	if (got == 0)
		rc = 0;
done:
	cs_lines_close(&lines);
	free(map.slot);
	if (rc < 0) {
		free(jobs);
		return -1;
	}
	*out = jobs;
	*nout = n;
	return 0;
}

struct cs_job *cs_omega_init_job_new(const struct cs_omega_init_job *oj)
{
	struct cs_job *job = cs_job_new(oj->ntasks);
	job->kind = oj->service ? CS_JOB_SERVICE : CS_JOB_BATCH;
	job->req.cpu = cs_qty_from_double(oj->cpu_total / oj->ntasks);
	job->req.mem = cs_qty_from_double(oj->mem_total_bytes / oj->ntasks / 1048576.0);
	if (oj->end >= 0) {
		cs_time d = cs_time_from_seconds(oj->end);
		job->duration = d > 0 ? d : 1;
	}
	return job;
}
