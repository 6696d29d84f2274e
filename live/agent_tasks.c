/* live/agent_tasks — the agent's task table: launching a task (ports,
 * sandbox, cgroup, environment, record, process), killing it with a grace
 * period, reaping it, forgetting it once the controller has recorded its
 * end, and recovering the table from the records after a restart.  See
 * agent.h for the states and the rules. */
#include "live/agent_internal.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live/proc.h"
#include "sim/alloc.h"

static const char *const state_names[] = {"TASK_RUNNING", "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED",
					  "TASK_LOST"};

const char *agent_state_name(enum atask_state s)
{
	return state_names[s];
}

static int state_from_name(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (s && strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

struct atask *agent_find(struct agent *a, const char *id)
{
	for (struct atask *t = a->tasks; t; t = t->next)
		if (strcmp(t->id, id) == 0)
			return t;
	return NULL;
}

/* Task ids name directories and cgroups: letters, digits, . _ - only. */
static bool valid_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 100 || id[0] == '.')
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

json_t *agent_task_json(const struct atask *t)
{
	json_t *ports = json_array();
	for (unsigned i = 0; i < t->nports; i++)
		json_array_append_new(ports, json_integer(t->ports[i]));
	json_t *v = json_pack("{s:s, s:s, s:I, s:I, s:o, s:f, s:I, s:I, s:f}", "id", t->id, "state",
			      agent_state_name(t->state), "pid", (json_int_t)t->pid, "start_ticks",
			      (json_int_t)t->start_ticks, "ports", ports, "cpus", t->cpus, "mem_bytes",
			      (json_int_t)t->mem_bytes, "disk_bytes", (json_int_t)t->disk_bytes, "grace_s", t->grace_s);
	if (t->state != AT_RUNNING)
		json_object_set_new(v, "exit_status", json_integer(t->exit_status));
	if (t->reason[0])
		json_object_set_new(v, "reason", json_string(t->reason));
	if (t->message[0])
		json_object_set_new(v, "message", json_string(t->message));
	return v;
}

static void task_dir(const struct agent *a, const char *id, char *buf, size_t n)
{
	snprintf(buf, n, "%s/tasks/%s", a->work, id);
}

/* The record, rewritten in place: one pwrite of the whole JSON text at
 * offset 0, then the file cut to its length.  An agent killed between
 * the two leaves the new record followed by the old one's tail, which the
 * reader ignores (it reads the first JSON value: JSON_DISABLE_EOF_CHECK);
 * a pwrite to a regular file is not cut short by a signal.  Not a
 * temporary file renamed over it: each rename deleted an inode, and on an
 * ext4 without a journal (this machine kind's /tmp) every new inode then
 * scans past the recently deleted ones: in a profile of the launch
 * benchmark (bench/live.sh) that scan was the agents' largest cost, and
 * it is gone from the profile with records written in place. */
static void save_record(const struct agent *a, const struct atask *t)
{
	char dir[700], path[800];
	if (!valid_id(t->id))
		return;
	task_dir(a, t->id, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/task.json", dir);
	json_t *v = agent_task_json(t);
	char *text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	size_t len = text ? strlen(text) : 0;
	int fd = text ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
	if (fd < 0 || pwrite(fd, text, len, 0) != (ssize_t)len || ftruncate(fd, (off_t)len) != 0)
		fprintf(stderr, "clustersim: agent: cannot write %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(text);
}

static bool port_taken(const struct agent *a, unsigned p)
{
	for (const struct atask *t = a->tasks; t; t = t->next)
		for (unsigned i = 0; i < t->nports; i++)
			if (t->state == AT_RUNNING && t->ports[i] == p)
				return true;
	return false;
}

static bool port_bindable(const char *host, unsigned p)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return false;
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)p);
	inet_pton(AF_INET, host, &sa.sin_addr);
	bool ok = bind(s, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(s);
	return ok;
}

/* n ports from the agent's range: not held by its running tasks and free
 * on its address now.  A rotating cursor spreads them out, so that a port
 * a task just left is not handed out again at once. */
static int pick_ports(struct agent *a, struct atask *t, unsigned n)
{
	static unsigned cursor;
	unsigned range = a->o.port_hi - a->o.port_lo + 1;
	for (unsigned tried = 0; t->nports < n && tried < range; tried++) {
		unsigned p = a->o.port_lo + (cursor++ % range);
		if (!port_taken(a, p) && port_bindable(a->host, p))
			t->ports[t->nports++] = p;
	}
	return t->nports == n ? 0 : -1;
}

static void end_task(struct agent *a, struct atask *t, enum atask_state s, int status, const char *reason,
		     const char *msg)
{
	t->state = s;
	t->exit_status = status;
	snprintf(t->reason, sizeof t->reason, "%s", reason ? reason : "");
	snprintf(t->message, sizeof t->message, "%s", msg ? msg : "");
	if (t->grace_set) {
		cs_engine_cancel(&a->e, t->grace_event);
		t->grace_set = false;
	}
	agent_cg_drop(a, &t->cg);
	memset(t->cg.dir, 0, sizeof t->cg.dir); /* (the sweep has it now) */
	save_record(a, t);
	agent_news(a);
}

/* The environment a Marathon task gets (Marathon's docs, "Task
 * Environment Variables"; Mesos' command executor), then the app's own. */
static char **build_env(const struct agent *a, const struct atask *t, json_t *spec, const char *dir)
{
	size_t cap = 16 + 2 * (size_t)t->nports + json_object_size(json_object_get(spec, "env"));
	char **env = calloc(cap + 1, sizeof *env);
	size_t n = 0;
	char buf[4096];
	const char *path = getenv("PATH");
#define PUT(...) (snprintf(buf, sizeof buf, __VA_ARGS__), env[n++] = strdup(buf))
	PUT("PATH=%s", path ? path : "/usr/local/bin:/usr/bin:/bin");
	PUT("HOST=%s", a->host);
	PUT("MESOS_TASK_ID=%s", t->id);
	PUT("MESOS_SANDBOX=%s", dir);
	PUT("MESOS_DIRECTORY=%s", dir);
	PUT("MESOS_AGENT_ENDPOINT=%s", a->id);
	const char *app = json_string_value(json_object_get(spec, "app"));
	const char *version = json_string_value(json_object_get(spec, "version"));
	if (app) /* Marathon's ids begin with '/' */
		PUT("MARATHON_APP_ID=%s%s", app[0] == '/' ? "" : "/", app);
	if (version)
		PUT("MARATHON_APP_VERSION=%s", version);
	char ports[AGENT_MAX_PORTS * 8] = "";
	for (unsigned i = 0; i < t->nports; i++) {
		PUT("PORT%u=%u", i, t->ports[i]);
		snprintf(ports + strlen(ports), sizeof ports - strlen(ports), "%s%u", i ? "," : "", t->ports[i]);
	}
	if (t->nports) {
		PUT("PORT=%u", t->ports[0]);
		PUT("PORTS=%s", ports);
	}
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(spec, "env"), k, v)
		if (json_is_string(v) && n < cap)
			PUT("%s=%s", k, json_string_value(v));
#undef PUT
	return env;
}

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static char **build_args(json_t *args)
{
	size_t n = json_array_size(args);
	char **v = calloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = strdup(json_is_string(json_array_get(args, i)) ? json_string_value(json_array_get(args, i)) : "");
	return v;
}

/* A finite, non-negative number field, or def. */
static double num(json_t *spec, const char *key, double def)
{
	json_t *v = json_object_get(spec, key);
	double x = json_is_number(v) ? json_number_value(v) : def;
	return isfinite(x) && x >= 0 ? x : def;
}

static struct atask *new_task(struct agent *a, const char *id)
{
	struct atask *t = calloc(1, sizeof *t);
	snprintf(t->id, sizeof t->id, "%.127s", id);
	t->agent = a;
	t->cg.d = &a->cg;
	t->next = a->tasks;
	a->tasks = t;
	a->ntasks++;
	return t;
}

void agent_launch(struct agent *a, json_t *spec)
{
	const char *id = json_string_value(json_object_get(spec, "id"));
	if (!id || agent_find(a, id))
		return; /* a launch we have (or had, not yet acknowledged): idempotent */
	struct atask *t = new_task(a, id);
	if (!valid_id(id)) { /* reported under its id; never a directory */
		end_task(a, t, AT_FAILED, -1, "REASON_TASK_INVALID", "task ids are letters, digits, '.', '_', '-'");
		return;
	}
	t->cpus = num(spec, "cpus", 0);
	t->mem_bytes = (uint64_t)num(spec, "mem_bytes", 0);
	t->disk_bytes = (uint64_t)num(spec, "disk_bytes", 0);
	t->grace_s = num(spec, "kill_grace_s", a->o.kill_grace_s);
	unsigned nports = (unsigned)num(spec, "ports", 0);
	const char *cmd = json_string_value(json_object_get(spec, "cmd"));
	json_t *args = json_object_get(spec, "args");
	char dir[700], err[1024] = "";
	task_dir(a, id, dir, sizeof dir);
	if (nports > AGENT_MAX_PORTS || pick_ports(a, t, nports) != 0) {
		t->nports = 0;
		snprintf(err, sizeof err, "cannot find %u free ports in %u-%u", nports, a->o.port_lo, a->o.port_hi);
		end_task(a, t, AT_FAILED, -1, "REASON_CONTAINER_LAUNCH_FAILED", err);
		return;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, sizeof err, "cannot make the sandbox %s: %s", dir, strerror(errno));
		end_task(a, t, AT_FAILED, -1, "REASON_CONTAINER_LAUNCH_FAILED", err);
		return;
	}
	save_record(a, t); /* before the process: a crash now leaves a record to clean up */
	struct cs_cg_limits lim = {t->cpus, t->mem_bytes, (uint64_t)num(spec, "pids", 0)};
	if (cs_cg_task_create(&t->cg, &a->cg, a->cg_name, id, &lim, err, sizeof err) != 0) {
		end_task(a, t, AT_FAILED, -1, "REASON_CONTAINER_LAUNCH_FAILED", err);
		return;
	}
	char out[800], errf[800];
	snprintf(out, sizeof out, "%s/stdout", dir);
	snprintf(errf, sizeof errf, "%s/stderr", dir);
	char **env = build_env(a, t, spec, dir);
	char **argv = cmd ? NULL : build_args(args);
	struct cs_spawn s = {cmd, argv, env, dir, out, errf, &t->cg};
	t->pid = cs_proc_spawn(&s, err, sizeof err);
	free_strv(env);
	free_strv(argv);
	if (t->pid < 0) {
		t->pid = 0;
		end_task(a, t, AT_FAILED, -1, "REASON_COMMAND_EXECUTOR_FAILED", err);
		return;
	}
	t->start_ticks = cs_proc_start_time(t->pid);
	t->state = AT_RUNNING;
	a->launched++;
	save_record(a, t);
	agent_news(a);
}

static void on_grace(void *ctx, cs_time now)
{
	struct atask *t = ctx;
	t->grace_set = false;
	if (t->state != AT_RUNNING || !t->pid)
		return;
	(void)cs_proc_signal(t->pid, SIGKILL);
	(void)cs_cg_task_kill_all(&t->cg);
}

static void kill_task(struct agent *a, struct atask *t, double grace_s)
{
	if (t->state != AT_RUNNING || !t->pid || t->kill_requested)
		return;
	t->kill_requested = true;
	if (grace_s <= 0) {
		on_grace(t, 0);
		return;
	}
	(void)cs_proc_signal(t->pid, SIGTERM);
	t->grace_event = cs_engine_after(&a->e, cs_time_from_seconds(grace_s), on_grace, t);
	t->grace_set = true;
}

void agent_kill(struct agent *a, const char *id)
{
	struct atask *t = agent_find(a, id);
	if (t)
		kill_task(a, t, t->grace_s);
}

void agent_kill_all(struct agent *a, double grace_s)
{
	for (struct atask *t = a->tasks; t; t = t->next)
		kill_task(a, t, grace_s);
}

void agent_forget(struct agent *a, const char *id)
{
	for (struct atask **p = &a->tasks; *p; p = &(*p)->next) {
		struct atask *t = *p;
		if (strcmp(t->id, id) != 0 || t->state == AT_RUNNING)
			continue;
		*p = t->next;
		a->ntasks--;
		agent_cg_drop(a, &t->cg);
		/* the sandbox stays (its output); its record is marked done */
		char dir[700], from[800], to[800];
		task_dir(a, t->id, dir, sizeof dir);
		snprintf(from, sizeof from, "%s/task.json", dir);
		snprintf(to, sizeof to, "%s/task.done.json", dir);
		(void)rename(from, to);
		free(t);
		return;
	}
}

static void exited(struct agent *a, struct atask *t, int st)
{
	pid_t pgid = t->pid;
	t->pid = 0;
	(void)cs_proc_signal(pgid, SIGKILL); /* what it left in its group */
	char msg[128];
	bool oom = !(WIFEXITED(st) && WEXITSTATUS(st) == 0) && cs_cg_task_oom_kills(&t->cg) > 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && !t->kill_requested) {
		end_task(a, t, AT_FINISHED, 0, NULL, "exited with status 0");
	} else if (oom && !t->kill_requested) {
		/* the OOM killer took the task or a process of it (a shell's
		 * child: the shell then exits 137) */
		snprintf(msg, sizeof msg, "memory limit exceeded: OOM-killed (limit %llu bytes)",
			 (unsigned long long)t->mem_bytes);
		end_task(a, t, AT_FAILED, WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st),
			 "REASON_CONTAINER_LIMITATION_MEMORY", msg);
	} else if (t->kill_requested) {
		snprintf(msg, sizeof msg, "killed (%s)", WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited");
		end_task(a, t, AT_KILLED, WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st), "REASON_TASK_KILLED", msg);
	} else if (WIFSIGNALED(st)) {
		snprintf(msg, sizeof msg, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
		end_task(a, t, AT_FAILED, -WTERMSIG(st), "REASON_COMMAND_EXECUTOR_FAILED", msg);
	} else {
		snprintf(msg, sizeof msg, "exited with status %d", WEXITSTATUS(st));
		end_task(a, t, AT_FAILED, WEXITSTATUS(st), "REASON_COMMAND_EXECUTOR_FAILED", msg);
	}
}

void agent_cg_drop(struct agent *a, struct cs_cg_task *cg)
{
	(void)cs_cg_task_kill_all(cg);
	if (cs_cg_task_remove(cg) == 0)
		return;
	CS_GROW(a->cg_left, a->capcg_left, a->ncg_left + 1);
	a->cg_left[a->ncg_left++] = *cg;
}

size_t agent_cg_sweep(struct agent *a)
{
	size_t kept = 0;
	for (size_t i = 0; i < a->ncg_left; i++) {
		(void)cs_cg_task_kill_all(&a->cg_left[i]);
		if (cs_cg_task_remove(&a->cg_left[i]) != 0)
			a->cg_left[kept++] = a->cg_left[i];
	}
	a->ncg_left = kept;
	return kept;
}

void agent_reap(struct agent *a)
{
	int st;
	pid_t p;
	while ((p = cs_proc_reap(&st)) > 0) {
		for (struct atask *t = a->tasks; t; t = t->next)
			if (t->pid == p && t->state == AT_RUNNING) {
				exited(a, t, st);
				break;
			}
		/* else an orphan of a task, reparented to us: reaped, nothing else */
	}
	if (a->ncg_left)
		agent_cg_sweep(a);
	/* adopted tasks are our children too (we re-executed): the same path */
}

static const char *text(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* One record of a previous agent process: adopt the task or report it. */
static void recover_one(struct agent *a, const char *id, json_t *r)
{
	struct atask *t = new_task(a, id);
	t->pid = (pid_t)json_integer_value(json_object_get(r, "pid"));
	t->start_ticks = (unsigned long long)json_integer_value(json_object_get(r, "start_ticks"));
	t->cpus = num(r, "cpus", 0);
	t->mem_bytes = (uint64_t)num(r, "mem_bytes", 0);
	t->disk_bytes = (uint64_t)num(r, "disk_bytes", 0);
	t->grace_s = num(r, "grace_s", a->o.kill_grace_s);
	json_t *ports = json_object_get(r, "ports");
	for (size_t i = 0; i < json_array_size(ports) && i < AGENT_MAX_PORTS; i++)
		t->ports[t->nports++] = (unsigned)json_integer_value(json_array_get(ports, i));
	cs_cg_task_open(&t->cg, &a->cg, a->cg_name, id);
	int s = state_from_name(json_string_value(json_object_get(r, "state")));
	bool alive = t->pid > 0 && t->start_ticks && cs_proc_start_time(t->pid) == t->start_ticks;
	if (s == AT_RUNNING && alive && cs_proc_parent(t->pid) == getpid()) {
		t->state = AT_RUNNING;
		t->adopted = true;
		return;
	}
	if (s > AT_RUNNING) { /* it ended before the restart, not yet acknowledged */
		t->state = (enum atask_state)s;
		t->pid = 0;
		t->exit_status = (int)json_integer_value(json_object_get(r, "exit_status"));
		snprintf(t->reason, sizeof t->reason, "%s", text(r, "reason"));
		snprintf(t->message, sizeof t->message, "%s", text(r, "message"));
		return;
	}
	if (alive) /* ours but not our child: it escaped PDEATHSIG somehow */
		(void)cs_proc_signal(t->pid, SIGKILL);
	t->pid = 0;
	end_task(a, t, AT_LOST, -1, "REASON_AGENT_RESTARTED", "the agent restarted and the task was gone");
}

void agent_recover(struct agent *a)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/tasks", a->work);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!valid_id(de->d_name))
			continue;
		char path[900];
		snprintf(path, sizeof path, "%s/%s/task.json", dir, de->d_name);
		json_t *r = json_load_file(path, JSON_DISABLE_EOF_CHECK, NULL); /* (see save_record) */
		if (r && !agent_find(a, de->d_name))
			recover_one(a, de->d_name, r);
		json_decref(r);
	}
	closedir(d);
}
