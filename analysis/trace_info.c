/* analysis/trace_info — `clustersim trace info [--format F] [--strict]
 * [--job-events JOBFILE] FILE`: what a trace holds.
 *
 * The format is told from the content (and the name where the content is
 * ambiguous): SWF (';' header or 18 numeric fields), Google 2011
 * task_events (13 comma-separated columns), Alibaba 2017 batch_task (8
 * columns with a status word, or its header), the Omega simulator's
 * *_cmb.log samples and init-cluster-state files.  --format forces one of
 * swf, google2011, alibaba2017, omega-init.
 *
 * For the replay formats it reads the file with the same reader a run
 * uses (same conventions, same skips) and prints jobs, tasks, the time
 * span, the peak demand of cores and memory if every job ran when the
 * trace says it ran (SWF: submit + wait; Google: SCHEDULE; Alibaba: create
 * time) -- in the trace's own units -- and what was skipped and why.
 * --job-events reads a Google task_events file with its job_events (as the
 * trace's "job_events" key does) and adds what they matched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/error.h"
#include "workloads/empirical.h"
#include "workloads/lines.h"
#include "workloads/omega_init.h"
#include "workloads/swf.h"
#include "workloads/trace.h"

static const char usage[] =
	"usage: clustersim trace info [--format swf|google2011|alibaba2017|omega-init] [--strict]\n"
	"                             [--job-events JOB_EVENTS_FILE] FILE\n";

static bool has(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/* the first four in the order of the trace formats registry (workloads/trace_formats.c) */
enum kind { K_UNKNOWN = -1, K_SWF, K_GOOGLE, K_ALIBABA, K_OMEGA_INIT, K_OMEGA_CMB };

/* Tell the format from the first non-blank line (and the name). */
static enum kind sniff(const char *file, struct cs_error *err)
{
	if (has(file, "_cmb"))
		return K_OMEGA_CMB;
	struct cs_lines l;
	if (cs_lines_open(&l, file, err) < 0)
		return K_UNKNOWN;
	char *line;
	int r;
	enum kind k = K_UNKNOWN;
	while ((r = cs_lines_next(&l, &line, err)) > 0) {
		if (!line[strspn(line, " \t")])
			continue;
		if (line[0] == ';') {
			k = K_SWF;
			break;
		}
		if (strncmp(line, "task_create_time", 16) == 0) {
			k = K_ALIBABA;
			break;
		}
		char *f[20];
		size_t nc = cs_split_csv(line, f, 20);
		if (nc == 13) {
			k = K_GOOGLE;
		} else if (nc == 8) {
			k = K_ALIBABA;
		} else if (nc == 1) {
			size_t nw = cs_split_ws(line, f, 20);
			bool numeric = nw > 0;
			double x;
			for (size_t i = 0; i < nw && i < 20; i++)
				numeric &= cs_parse_double(f[i], &x);
			if (numeric)
				k = nw == 18 ? K_SWF : K_OMEGA_INIT;
		}
		break;
	}
	cs_lines_close(&l);
	if (r < 0)
		return K_UNKNOWN;
	if (k == K_UNKNOWN)
		cs_error_input(err, file, "format",
			       "cannot tell the format (SWF, google2011 task_events, alibaba2017 batch_task, "
			       "Omega init-cluster-state or *_cmb.log); use --format");
	return k;
}

struct change {
	cs_time at;
	double cpu, mem;
};

static int by_time(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->cpu > y->cpu) - (x->cpu < y->cpu); /* ends before starts at one instant */
}

static int replay_info(const char *file, const struct cs_trace_format *format, bool strict, const char *job_events)
{
	struct cs_error err = {0};
	struct cs_trace_spec spec = {format, (char *)(uintptr_t)file, true, strict, 0,
				     (char *)(uintptr_t)job_events};
	/* the trace's own units: one core per SWF processor on one pool,
	 * Google's normalized 1.0 machine, Alibaba's normalized memory */
	struct cs_trace_cell cell = {{1000000, 1000000, 1000000}, 1e9, true};
	struct cs_source src;
	if (cs_trace_open(&spec, &cell, &src, &err) < 0)
		return cs_report_error(&err);
	struct change *ch = NULL;
	size_t n = 0, cap = 0;
	uint64_t jobs = 0, tasks = 0, initial = 0;
	cs_time first = CS_TIME_NEVER, last = 0, last_end = 0;
	struct cs_job *job;
	int r;
	while ((r = src.ops->next(src.self, &job, &err)) > 0) {
		cs_time start = job->recorded_start != CS_TIME_NEVER ? job->recorded_start : job->submit;
		if (job->prefill) {
			initial += job->ntasks;
		} else {
			jobs++;
			tasks += job->ntasks;
			if (first == CS_TIME_NEVER)
				first = job->submit;
			last = job->submit;
		}
		for (uint32_t i = 0; i < job->ntasks; i++) {
			cs_time d = cs_task_duration(job, i), end = d == CS_TIME_NEVER ? CS_TIME_NEVER : start + d;
			double cpu = cs_qty_to_double(job->req.cpu), mem = cs_qty_to_double(job->req.mem);
			CS_GROW(ch, cap, n + 2 + job->nreq_changes);
			ch[n++] = (struct change){start, cpu, mem};
			/* the request as it changes while the task runs (Google's
			 * UPDATE_RUNNING rows) */
			for (uint32_t k = 0; k < job->nreq_changes && job->req_changes[k].at < end; k++) {
				double c = cs_qty_to_double(job->req_changes[k].req.cpu);
				double m = cs_qty_to_double(job->req_changes[k].req.mem);
				ch[n++] = (struct change){job->req_changes[k].at, c - cpu, m - mem};
				cpu = c;
				mem = m;
			}
			if (end != CS_TIME_NEVER) {
				ch[n++] = (struct change){end, -cpu, -mem};
				if (end > last_end)
					last_end = end;
			}
		}
		cs_job_free(job);
	}
	if (r < 0) {
		src.ops->close(src.self);
		free(ch);
		return cs_report_error(&err);
	}
	if (n > 1)
		qsort(ch, n, sizeof *ch, by_time);
	double cpu = 0, mem = 0, peak_cpu = 0, peak_mem = 0;
	cs_time peak_at = 0;
	for (size_t i = 0; i < n; i++) {
		cpu += ch[i].cpu;
		mem += ch[i].mem;
		if (cpu > peak_cpu) {
			peak_cpu = cpu;
			peak_at = ch[i].at;
		}
		if (mem > peak_mem)
			peak_mem = mem;
	}
	json_t *rep = src.ops->report(src.self);
	char *r_txt = json_dumps(rep, JSON_SORT_KEYS | JSON_COMPACT);
	printf("%s: %s trace\n  jobs %llu, tasks %llu", file, format->name,
	       (unsigned long long)jobs, (unsigned long long)tasks);
	if (initial)
		printf(" (plus %llu running at time 0: the initial state)", (unsigned long long)initial);
	printf("\n  submits from %.6f s to %.6f s; last recorded end %.6f s\n",
	       first == CS_TIME_NEVER ? 0 : cs_time_to_seconds(first), cs_time_to_seconds(last),
	       cs_time_to_seconds(last_end));
	printf("  peak demand as recorded: %.6g cores (at %.6f s), %.6g memory%s\n", peak_cpu,
	       cs_time_to_seconds(peak_at), peak_mem,
	       format == &cs_trace_swf ? " (SWF: processors; no memory)" : " (normalized to the largest machine)");
	printf("  skipped %lld", (long long)json_integer_value(json_object_get(rep, "skipped")));
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(rep, "skipped_by_reason"), k, v)
		printf("; %s: %lld", k, (long long)json_integer_value(v));
	json_t *je = json_object_get(rep, "job_events");
	if (je)
		printf("\n  job_events: %lld jobs (%lld without task rows); %lld task submissions joined their job's "
		       "SUBMIT, %lld had no job",
		       (long long)json_integer_value(json_object_get(je, "jobs")),
		       (long long)json_integer_value(json_object_get(je, "jobs_without_tasks")),
		       (long long)json_integer_value(json_object_get(je, "instances_joined")),
		       (long long)json_integer_value(json_object_get(je, "instances_without_job")));
	printf("\n  reader: %s\n", r_txt);
	free(r_txt);
	json_decref(rep);
	src.ops->close(src.self);
	free(ch);
	return 0;
}

static int omega_info(const char *file)
{
	struct cs_error err = {0};
	struct cs_omega_init_job *jobs;
	size_t n;
	if (cs_omega_init_read(file, file, &jobs, &n, &err) < 0)
		return cs_report_error(&err);
	double tasks = 0, cpu = 0, mem = 0, last_end = 0;
	size_t ending = 0, service = 0;
	for (size_t i = 0; i < n; i++) {
		tasks += jobs[i].ntasks;
		cpu += jobs[i].cpu_total;
		mem += jobs[i].mem_total_bytes;
		service += jobs[i].service;
		if (jobs[i].end >= 0) {
			ending++;
			if (jobs[i].end > last_end)
				last_end = jobs[i].end;
		}
	}
	printf("%s: omega-init cluster state\n  jobs %zu (service by CMB_PBB %zu, batch %zu)\n"
	       "  tasks %.0f\n  cpu %.1f cores, memory %.1f GiB\n  jobs that end %zu (last at %.1f s)\n",
	       file, n, service, n - service, tasks, cpu, mem / 1073741824.0, ending, last_end);
	free(jobs);
	return 0;
}

int cs_cmd_trace(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (cs_is_help(argv[i])) { /* trace --help, trace info --help */
			fputs(usage, stdout);
			return 0;
		}
	}
	if (argc < 2 || strcmp(argv[0], "info") != 0)
		return cs_usage_error(usage, "expected: trace info FILE");
	const char *file = NULL, *forced = NULL, *job_events = NULL;
	bool strict = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			forced = argv[++i];
		else if (strcmp(argv[i], "--job-events") == 0 && i + 1 < argc)
			job_events = argv[++i];
		else if (strcmp(argv[i], "--strict") == 0)
			strict = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return cs_usage_error(usage, "unknown option or missing value: %s", argv[i]);
		else if (!file)
			file = argv[i];
		else
			return cs_usage_error(usage, "unexpected argument: %s", argv[i]);
	}
	if (!file)
		return cs_usage_error(usage, "expected: trace info FILE");
	struct cs_error err = {0};
	enum kind k;
	if (forced) {
		k = K_UNKNOWN;
		const char *const *names = cs_trace_format_names();
		for (int i = 0; names[i]; i++)
			if (strcmp(forced, names[i]) == 0)
				k = (enum kind)i;
		if (k == K_UNKNOWN)
			return cs_usage_error(usage, "--format: unknown format \"%s\"", forced);
	} else {
		k = sniff(file, &err);
		if (k == K_UNKNOWN)
			return cs_report_error(&err);
	}
	if (job_events && k != K_GOOGLE)
		return cs_usage_error(usage, "--job-events: only a google2011 task_events file has job_events");
	if (k == K_SWF || k == K_GOOGLE || k == K_ALIBABA)
		return replay_info(file, cs_trace_format_find(cs_trace_format_names()[k]), strict, job_events);
	if (k == K_OMEGA_INIT)
		return omega_info(file);
	if (k == K_OMEGA_CMB) {
		for (int sched = 0; sched < 2; sched++) {
			struct cs_error e2 = {0};
			struct cs_empirical *e = cs_empirical_load(file, file, CS_EMP_OMEGA_CMB, sched, 1, &e2);
			if (!e) {
				if (strstr(e2.msg, "no samples"))
					continue;
				return cs_report_error(&e2);
			}
			printf("%s: omega-cmb samples, sched %d (%s): %zu values, min %g, max %g, mean %g\n",
			       file, sched, sched ? "service" : "batch", e->n, e->x[0], e->x[e->n - 1],
			       cs_empirical_mean(e));
			cs_empirical_free(e);
		}
		return 0;
	}
	return omega_info(file);
}
