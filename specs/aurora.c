/* specs/aurora — an Apache Aurora config (.aurora) as apps, one per entry
 * of its `jobs` list.
 *
 * The file is evaluated by specs/pysubset (no Python interpreter) with
 * Aurora's schema objects as constructors; their fields and defaults are
 * Aurora's (src/main/python/apache/aurora/config/schema/base.py and
 * apache/thermos/config/schema_base.py):
 *   Process(name, cmdline, ...)          name and cmdline required
 *   Resources(cpu, ram, disk, gpu)       ram and disk in bytes (MB, GB helpers)
 *   Task(name = processes[0].name, processes, resources, ...)
 *   Job / Service(name = task.name, role, cluster, environment, task,
 *       instances = 1, service = False (Service: True), priority = 0,
 *       production = False, tier, max_task_failures = 1, constraints
 *       {attribute: value}, update_config = UpdateConfig(), ...)
 *   UpdateConfig(batch_size = 1, watch_secs = 45, max_per_shard_failures = 0,
 *       max_total_failures = 0, rollback_on_failure = True, ...)
 * A job's cluster, role and environment may be left unset (the seed's
 * hello_world.aurora has no environment, and its role is
 * os.getenv('USER')): the experiment's job key cluster/role/env/name
 * supplies them.  Constraints: {"host": "limit:1"} is MAX_PER 1 on the
 * hostname, {"rack": "limit:2"} MAX_PER 2 on rack; {"attr": "a,b"} is
 * LIKE a|b, {"attr": "!a,b"} UNLIKE a|b, a single value IS.  Fields the
 * schema has but the model does not use are listed as unmodelled. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/alloc.h"
#include "sim/config.h"
#include "specs/pysubset.h"
#include "specs/readers.h"
#include "specs/spec_internal.h"

static const char *const process_fields[] = {"name", "cmdline", "max_failures", "daemon", "ephemeral",
					     "min_duration", "final", "logger", NULL};
static const char *const resources_fields[] = {"cpu", "ram", "disk", "gpu", NULL};
static const char *const task_fields[] = {"name", "processes", "resources", "constraints", "max_failures",
					  "max_concurrency", "finalization_wait", "user", NULL};
static const char *const job_fields[] = {
	"name", "role", "cluster", "environment", "task", "instances", "service", "priority", "production",
	"tier", "max_task_failures", "constraints", "update_config", "contact", "announce", "cron_schedule",
	"cron_collision_policy", "health_check_config", "enable_hooks", "lifecycle", "container",
	"partition_policy", "executor_config", "metadata", "task_links", NULL,
};
static const char *const update_fields[] = {"batch_size", "watch_secs", "max_per_shard_failures",
					    "max_total_failures", "rollback_on_failure", "wait_for_batch_completion",
					    "pulse_interval_secs", "sla_aware", NULL};

enum { TY_PROCESS, TY_RESOURCES, TY_TASK, TY_JOB, TY_SERVICE, TY_UPDATE, TY_NTYPES };
static const struct cs_py_type types[] = {
	[TY_PROCESS] = {"Process", process_fields},
	[TY_RESOURCES] = {"Resources", resources_fields},
	[TY_TASK] = {"Task", task_fields},
	[TY_JOB] = {"Job", job_fields},
	[TY_SERVICE] = {"Service", job_fields},
	[TY_UPDATE] = {"UpdateConfig", update_fields},
};
static const char *const job_unmodelled[] = {"contact", "announce", "cron_schedule", "cron_collision_policy",
					     "health_check_config", "enable_hooks", "lifecycle", "container",
					     "partition_policy", "executor_config", "metadata", "task_links", NULL};
static const char *const task_unmodelled[] = {"constraints", "max_failures", "max_concurrency",
					      "finalization_wait", "user", NULL};

struct ctx {
	const char *file;
	struct cs_error *err;
};

static int fail_at(const struct ctx *c, const struct cs_pv *v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(const struct ctx *c, const struct cs_pv *v, const char *fmt, ...)
{
	char what[700], where[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof where, "%d:%d", v ? v->line : 0, v ? v->col : 0);
	return cs_error_input(c->err, c->file, where, "%s", what);
}

/* obj.field as a type; absent: 0; wrong type: error */
static int field(const struct ctx *c, const struct cs_pv *obj, const char *name, enum cs_pv_type t,
		 const struct cs_pv **out)
{
	const struct cs_pv *v = cs_pv_get(obj, name);
	if (!v || v->t == CS_PV_NONE)
		return 0;
	bool ok = v->t == t || (t == CS_PV_FLOAT && (v->t == CS_PV_INT)) || (t == CS_PV_INT && v->t == CS_PV_BOOL);
	if (!ok)
		return fail_at(c, v, "%s.%s: expected %s (got %s)", obj->type->name, name,
			       t == CS_PV_FLOAT ? "a number" : t == CS_PV_INT ? "an integer" : t == CS_PV_STR ? "a string"
			       : t == CS_PV_BOOL ? "True or False" : t == CS_PV_LIST ? "a list" : t == CS_PV_DICT ? "a dict" : "an object",
			       cs_pv_type_name(v));
	*out = v;
	return 1;
}

static int obj_field(const struct ctx *c, const struct cs_pv *obj, const char *name, int ty, const struct cs_pv **out)
{
	int r = field(c, obj, name, CS_PV_OBJ, out);
	if (r > 0 && (*out)->type != &types[ty])
		return fail_at(c, *out, "%s.%s: expected a %s (got %s)", obj->type->name, name, types[ty].name, (*out)->type->name);
	return r;
}

static double num(const struct cs_pv *v)
{
	return v->t == CS_PV_FLOAT ? v->f : v->t == CS_PV_BOOL ? (double)v->b : (double)v->i;
}

static int read_resources(const struct ctx *c, struct cs_app *a, const struct cs_pv *task)
{
	const struct cs_pv *res = NULL, *cpu = NULL, *ram = NULL, *disk = NULL;
	if (obj_field(c, task, "resources", TY_RESOURCES, &res) < 0)
		return -1;
	if (!res)
		return fail_at(c, task, "Task: resources is required (Resources(cpu = ..., ram = ..., disk = ...))");
	if (field(c, res, "cpu", CS_PV_FLOAT, &cpu) < 0 || field(c, res, "ram", CS_PV_FLOAT, &ram) < 0 ||
	    field(c, res, "disk", CS_PV_FLOAT, &disk) < 0)
		return -1;
	if (!cpu || !ram || !disk)
		return fail_at(c, res, "Resources: cpu, ram and disk are required");
	if (cs_pv_get(res, "gpu"))
		cs_app_unmodelled(a, "Resources.gpu");
	a->cpu = num(cpu);
	a->mem = num(ram) / (1024.0 * 1024.0);
	a->disk = num(disk) / (1024.0 * 1024.0);
	struct cs_cfg cfg = {.file = c->file, .err = c->err};
	char w[3][48];
	snprintf(w[0], sizeof w[0], "%d:%d: Resources.cpu", cpu->line, cpu->col);
	snprintf(w[1], sizeof w[1], "%d:%d: Resources.ram", ram->line, ram->col);
	snprintf(w[2], sizeof w[2], "%d:%d: Resources.disk", disk->line, disk->col);
	if (cs_check_qty(&cfg, w[0], a->cpu, false, CS_QTY_CPU) < 0 || cs_check_qty(&cfg, w[1], a->mem, false, CS_QTY_MEM) < 0 ||
	    cs_check_qty(&cfg, w[2], a->disk, false, CS_QTY_DISK) < 0)
		return -1;
	return 0;
}

/* the processes' command lines (run side by side by Thermos), and the
 * task's name from the first process */
static int read_processes(const struct ctx *c, struct cs_app *a, const struct cs_pv *task, const char **task_name)
{
	const struct cs_pv *procs = NULL, *name = NULL;
	if (field(c, task, "processes", CS_PV_LIST, &procs) < 0 || field(c, task, "name", CS_PV_STR, &name) < 0)
		return -1;
	if (!procs || procs->n == 0)
		return fail_at(c, task, "Task: processes is required (a list of Process)");
	size_t cap = 1;
	for (size_t i = 0; i < procs->n; i++) {
		const struct cs_pv *p = procs->items[i], *pn = NULL, *cmd = NULL;
		if (p->t != CS_PV_OBJ || p->type != &types[TY_PROCESS])
			return fail_at(c, p, "Task.processes[%zu]: expected a Process (got %s)", i, cs_pv_type_name(p));
		if (field(c, p, "name", CS_PV_STR, &pn) < 0 || field(c, p, "cmdline", CS_PV_STR, &cmd) < 0)
			return -1;
		if (!pn || !cmd)
			return fail_at(c, p, "Process: name and cmdline are required");
		cap += strlen(cmd->s) + 2;
		if (i == 0 && !name)
			name = pn;
		for (const char *const *f = process_fields + 2; *f; f++)
			if (cs_pv_get(p, *f)) {
				char *s = cs_xasprintf("Process.%s", *f);
				cs_app_unmodelled(a, s);
				free(s);
			}
	}
	char *cmd = cs_xcalloc(cap, 1);
	for (size_t i = 0; i < procs->n; i++) {
		if (i)
			strcat(cmd, "; ");
		strcat(cmd, cs_pv_get(procs->items[i], "cmdline")->s);
	}
	a->cmd = cmd;
	*task_name = name->s;
	return 0;
}

static int add_aurora_constraint(const struct ctx *c, struct cs_app *a, const char *attr, const struct cs_pv *v)
{
	if (v->t != CS_PV_STR)
		return fail_at(c, v, "Job.constraints[%s]: expected a string (got %s)", attr, cs_pv_type_name(v));
	const char *field = strcmp(attr, "host") == 0 ? "hostname" : attr;
	const char *s = v->s;
	if (strncmp(s, "limit:", 6) == 0) {
		const char *bad = cs_constraint_check(CS_CON_MAX_PER, s + 6);
		if (bad)
			return fail_at(c, v, "Job.constraints[%s]: limit:N needs a whole number from 1 (got \"%s\")", attr, s);
		cs_app_add_constraint(a, field, CS_CON_MAX_PER, s + 6);
		return 0;
	}
	bool negated = s[0] == '!';
	if (negated)
		s++;
	if (!*s)
		return fail_at(c, v, "Job.constraints[%s]: an empty value", attr);
	if (!negated && !strchr(s, ',')) {
		cs_app_add_constraint(a, field, CS_CON_IS, s);
		return 0;
	}
	/* a list of values: any of them (or none, negated), as a regex of
	 * the values with their special characters escaped */
	size_t n = strlen(s);
	char *re = cs_xmalloc(2 * n + 1), *o = re;
	for (const char *p = s; *p; p++) {
		if (*p == ',') {
			*o++ = '|';
			continue;
		}
		if (strchr("\\^$.|?*+()[]{}", *p))
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	cs_app_add_constraint(a, field, negated ? CS_CON_UNLIKE : CS_CON_LIKE, re);
	free(re);
	return 0;
}

static int read_update(const struct ctx *c, struct cs_app *a, const struct cs_pv *job)
{
	const struct cs_pv *u = NULL;
	if (obj_field(c, job, "update_config", TY_UPDATE, &u) < 0)
		return -1;
	if (!u)
		return 0;
	static const char *const ints[] = {"batch_size", "watch_secs", "max_per_shard_failures", "max_total_failures"};
	int64_t *slots[] = {&a->aurora.update.batch_size, &a->aurora.update.watch_secs,
			    &a->aurora.update.max_per_shard_failures, &a->aurora.update.max_total_failures};
	for (size_t i = 0; i < 4; i++) {
		const struct cs_pv *v = NULL;
		if (field(c, u, ints[i], CS_PV_INT, &v) < 0)
			return -1;
		if (v && (v->i < (i == 0 ? 1 : 0) || v->i > 1000000))
			return fail_at(c, v, "UpdateConfig.%s: out of range (got %lld)", ints[i], (long long)v->i);
		if (v)
			*slots[i] = v->i;
	}
	const struct cs_pv *rb = NULL;
	if (field(c, u, "rollback_on_failure", CS_PV_BOOL, &rb) < 0)
		return -1;
	a->aurora.update.rollback_on_failure = rb ? rb->b : true;
	return 0;
}

static char *opt_str(const struct cs_pv *v)
{
	return v ? cs_xstrdup(v->s) : NULL;
}

static int read_job(const struct ctx *c, struct cs_spec_set *set, const struct cs_pv *job, size_t index)
{
	if (job->t != CS_PV_OBJ || (job->type != &types[TY_JOB] && job->type != &types[TY_SERVICE]))
		return fail_at(c, job, "jobs[%zu]: expected a Job or Service (got %s)", index, cs_pv_type_name(job));
	const struct cs_pv *svc = NULL;
	if (field(c, job, "service", CS_PV_BOOL, &svc) < 0)
		return -1;
	bool service = svc ? svc->b : job->type == &types[TY_SERVICE];
	struct cs_app *a = cs_spec_add(set, service ? CS_APP_AURORA_SERVICE : CS_APP_AURORA_JOB);
	a->line = job->line;
	const struct cs_pv *task = NULL, *name = NULL, *role = NULL, *cluster = NULL, *env = NULL, *tier = NULL,
			   *inst = NULL, *prio = NULL, *prod = NULL, *mtf = NULL, *cons = NULL;
	if (obj_field(c, job, "task", TY_TASK, &task) < 0)
		return -1;
	if (!task)
		return fail_at(c, job, "%s: task is required", job->type->name);
	const char *task_name = NULL;
	if (read_processes(c, a, task, &task_name) < 0 || read_resources(c, a, task) < 0)
		return -1;
	if (field(c, job, "name", CS_PV_STR, &name) < 0 || field(c, job, "role", CS_PV_STR, &role) < 0 ||
	    field(c, job, "cluster", CS_PV_STR, &cluster) < 0 || field(c, job, "environment", CS_PV_STR, &env) < 0 ||
	    field(c, job, "tier", CS_PV_STR, &tier) < 0 || field(c, job, "instances", CS_PV_INT, &inst) < 0 ||
	    field(c, job, "priority", CS_PV_INT, &prio) < 0 || field(c, job, "production", CS_PV_BOOL, &prod) < 0 ||
	    field(c, job, "max_task_failures", CS_PV_INT, &mtf) < 0 || field(c, job, "constraints", CS_PV_DICT, &cons) < 0)
		return -1;
	a->name = cs_xstrdup(name ? name->s : task_name);
	a->aurora.role = opt_str(role);
	a->aurora.cluster = opt_str(cluster);
	a->aurora.environment = opt_str(env);
	a->aurora.tier = opt_str(tier);
	if (inst && (inst->i < 0 || inst->i > 1000000))
		return fail_at(c, inst, "Job.instances: from 0 to 1000000 (got %lld)", (long long)inst->i);
	a->instances = inst ? (uint64_t)inst->i : 1;
	if (prio && (prio->i < INT32_MIN || prio->i > INT32_MAX))
		return fail_at(c, prio, "Job.priority: out of range (got %lld)", (long long)prio->i);
	a->priority = prio ? (int32_t)prio->i : 0;
	a->aurora.production = prod && prod->b;
	/* -1 is Aurora's "unlimited" */
	if (mtf && (mtf->i < -1 || mtf->i > 1000000))
		return fail_at(c, mtf, "Job.max_task_failures: -1 (unlimited) or from 0 (got %lld)", (long long)mtf->i);
	a->aurora.max_task_failures = mtf ? mtf->i : 1;
	static const char *const tiers[] = {"preferred", "preemptible", "revocable", NULL};
	bool tier_ok = !tier;
	for (const char *const *t = tiers; *t && !tier_ok; t++)
		tier_ok = strcmp(*t, tier->s) == 0;
	if (!tier_ok)
		return fail_at(c, tier, "Job.tier: expected preferred, preemptible or revocable (got \"%s\")", tier->s);
	for (size_t i = 0; cons && i < cons->n; i++)
		if (add_aurora_constraint(c, a, cons->keys[i], cons->items[i]) < 0)
			return -1;
	for (const char *const *f = job_unmodelled; *f; f++)
		if (cs_pv_get(job, *f)) {
			char *s = cs_xasprintf("%s.%s", job->type->name, *f);
			cs_app_unmodelled(a, s);
			free(s);
		}
	for (const char *const *f = task_unmodelled; *f; f++)
		if (cs_pv_get(task, *f)) {
			char *s = cs_xasprintf("Task.%s", *f);
			cs_app_unmodelled(a, s);
			free(s);
		}
	if (job->bound || task->bound)
		cs_app_unmodelled(a, "bind (mustache templates are kept as text)");
	return read_update(c, a, job);
}

int cs_spec_read_aurora(struct cs_spec_set *set, const char *file, const char *text, size_t len,
			struct cs_error *err)
{
	struct cs_py *py;
	int rc = cs_py_run(&py, file, text, len, types, TY_NTYPES, err);
	struct ctx c = {file, err};
	if (rc == 0) {
		const struct cs_pv *jobs = cs_py_global(py, "jobs");
		if (!jobs)
			rc = cs_error_input(err, file, NULL, "no `jobs = [...]`: an Aurora config lists its jobs in `jobs`");
		else if (jobs->t != CS_PV_LIST)
			rc = fail_at(&c, jobs, "jobs: expected a list of Job (got %s)", cs_pv_type_name(jobs));
		else if (jobs->n == 0)
			rc = fail_at(&c, jobs, "jobs: the list is empty");
		for (size_t i = 0; rc == 0 && jobs && i < jobs->n; i++)
			rc = read_job(&c, set, jobs->items[i], i);
	}
	cs_py_free(py);
	return rc;
}
