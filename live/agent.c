/* live/agent — the agent's loop and its side of the protocol: see
 * agent.h.  The task table is agent_tasks.c's. */
#include "live/agent_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "live/auth.h"
#include "live/clock.h"
#include "live/http_client.h"
#include "live/http_server.h"
#include "live/proc.h"
#include "sim/interrupt.h"
#include "sim/outdir.h"

static void send_sync(struct agent *a, bool held);

static json_t *agent_state_json(const struct agent *a)
{
	json_t *tasks = json_array();
	for (const struct atask *t = a->tasks; t; t = t->next)
		json_array_append_new(tasks, agent_task_json(t));
	return json_pack("{s:s, s:s, s:I, s:s, s:{s:f, s:I, s:I}, s:s, s:o}", "agent", a->id, "host", a->host,
			 "port", (json_int_t)a->port, "incarnation", a->incarnation, "resources", "cpus", a->o.cpus,
			 "mem_bytes", (json_int_t)a->o.mem_bytes, "disk_bytes", (json_int_t)a->o.disk_bytes,
			 "limits", a->limits, "tasks", tasks);
}

static void on_retry(void *ctx, cs_time now)
{
	struct agent *a = ctx;
	a->retry_set = false;
	if (!a->poll_out && !a->stopping)
		send_sync(a, true);
}

static void apply_reply(struct agent *a, const char *body)
{
	json_t *r = json_loads(body, 0, NULL);
	if (!r)
		return;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r, "ack"), i, v)
		if (json_is_string(v))
			agent_forget(a, json_string_value(v));
	json_array_foreach(json_object_get(r, "kill"), i, v)
		if (json_is_string(v))
			agent_kill(a, json_string_value(v));
	if (!a->stopping)
		json_array_foreach(json_object_get(r, "launch"), i, v)
			if (json_is_object(v))
				agent_launch(a, v);
	json_decref(r);
}

struct sync_ctx {
	struct agent *a;
	bool held;
};

static void on_sync(void *ctx, long status, const char *body, size_t len, const char *error)
{
	struct sync_ctx *s = ctx;
	struct agent *a = s->a;
	bool held = s->held;
	free(s);
	if (held)
		a->poll_out = false;
	else
		a->report_out = false;
	a->syncs++;
	bool ok = status == 200;
	if (ok) {
		if (!a->registered)
			fprintf(stderr, "clustersim agent %s: registered with %s (%s)\n", a->id, a->o.controller,
				a->limits);
		a->registered = true;
		apply_reply(a, body);
	} else {
		if (a->registered || a->sync_failures == 0)
		{
			if (status)
				fprintf(stderr, "clustersim agent %s: controller %s refused the sync: %ld %s%s", a->id,
					a->o.controller, status, status == 401 ? "(check --token-file) " : "", body);
			else
				fprintf(stderr, "clustersim agent %s: controller %s unreachable: %s\n", a->id,
					a->o.controller, error);
		}
		a->registered = false;
		a->sync_failures++;
	}
	if (a->stopping)
		return;
	if (!a->poll_out && !a->retry_set) {
		if (ok)
			send_sync(a, true);
		else {
			a->retry_event = cs_engine_after(&a->e, (cs_time)a->o.retry_ms * 1000, on_retry, a);
			a->retry_set = true;
		}
	}
	if (ok && a->news && !a->report_out)
		send_sync(a, false);
}

static void send_sync(struct agent *a, bool held)
{
	json_t *v = agent_state_json(a);
	json_object_set_new(v, "wait_ms", json_integer(held ? a->o.wait_ms : 0));
	char *body = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	char url[600];
	snprintf(url, sizeof url, "%s/agent/v1/sync", a->o.controller);
	struct sync_ctx *s = malloc(sizeof *s);
	s->a = a;
	s->held = held;
	a->news = false;
	if (held)
		a->poll_out = true;
	else
		a->report_out = true;
	if (cs_http_client_request(a->cli, "POST", url, body, a->o.token, (long)a->o.wait_ms + 10000, on_sync, s) !=
	    0)
		on_sync(s, 0, "", 0, "cannot make the request");
	free(body);
}

static void on_news(void *ctx, cs_time now)
{
	struct agent *a = ctx;
	a->news_set = false;
	if (a->news && a->registered && !a->report_out && !a->stopping)
		send_sync(a, false);
}

void agent_news(struct agent *a)
{
	a->news = true;
	/* batched: every change up to the next event goes in one report */
	if (a->registered && !a->report_out && !a->news_set) {
		a->news_event = cs_engine_after(&a->e, 0, on_news, a);
		a->news_set = true;
	}
}

static void on_signalfd(void *ctx, int fd, unsigned events, cs_time now)
{
	struct agent *a = ctx;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGUSR2) {
			a->reexec = true;
			cs_engine_stop(&a->e);
		}
	}
	agent_reap(a);
}

static void on_status(void *ctx, struct cs_http_exchange *x)
{
	struct agent *a = ctx;
	if (!cs_auth_check(x, a->o.token))
		return;
	if (strcmp(x->method, "GET") != 0) {
		cs_http_reply(x, 405, "{\"message\":\"GET only\"}\n", NULL);
	} else if (strcmp(x->path, "/state") == 0) {
		json_t *v = agent_state_json(a);
		json_object_set_new(v, "registered", json_boolean(a->registered));
		json_object_set_new(v, "syncs", json_integer((json_int_t)a->syncs));
		json_object_set_new(v, "launched", json_integer((json_int_t)a->launched));
		cs_http_reply_json(x, 200, v);
	} else if (strcmp(x->path, "/health") == 0) {
		cs_http_reply(x, 200, "{\"ok\":true}\n", NULL);
	} else {
		cs_http_reply(x, 404, "{\"message\":\"no such page: /state and /health are\"}\n", NULL);
	}
}

/* Mesos' defaults for resources not given: memory and disk less a part
 * kept for the host (min(1 GiB, half) and min(5 GiB, half)). */
static void default_resources(struct agent *a)
{
	if (a->o.cpus <= 0)
		a->o.cpus = (double)sysconf(_SC_NPROCESSORS_ONLN);
	if (!a->o.mem_bytes) {
		uint64_t total = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
		uint64_t keep = total / 2 < (1ull << 30) ? total / 2 : (1ull << 30);
		a->o.mem_bytes = total - keep;
	}
	struct statvfs vfs;
	if (!a->o.disk_bytes && statvfs(a->work, &vfs) == 0) {
		uint64_t total = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		uint64_t keep = total / 2 < (5ull << 30) ? total / 2 : (5ull << 30);
		a->o.disk_bytes = total - keep;
	}
}

static int setup(struct agent *a, char *err, size_t errn)
{
	if (cs_http_parse_listen(a->o.listen, a->host, sizeof a->host, &a->port) != 0) {
		snprintf(err, errn, "--listen: not an IPv4 HOST:PORT (got \"%s\")", a->o.listen);
		return -1;
	}
	return 0;
}

/* The work directory (by default named after the address it got: two
 * agents started on port 0 do not share one). */
static int setup_work(struct agent *a, char *err, size_t errn)
{
	if (a->o.work_dir)
		snprintf(a->work, sizeof a->work, "%s", a->o.work_dir);
	else
		snprintf(a->work, sizeof a->work, "/tmp/clustersim-agent-%s-%u", a->host, a->port);
	char tasks[700];
	snprintf(tasks, sizeof tasks, "%s/tasks", a->work);
	struct cs_error e = {0};
	if (cs_mkdir_p(tasks, &e) != 0) {
		snprintf(err, errn, "--work-dir: %.600s", e.msg);
		return -1;
	}
	if (cs_cg_detect(&a->cg, "/proc/self/mountinfo", NULL) != 0 && geteuid() == 0)
		fprintf(stderr, "clustersim agent: cannot read /proc/self/mountinfo: limits by setrlimit\n");
	if (geteuid() != 0 && a->cg.kind != CS_CG_RLIMIT) /* cgroups need root here */
		a->cg.kind = CS_CG_RLIMIT;
	cs_cg_task_describe(&a->cg, a->limits, sizeof a->limits);
	default_resources(a);
	if (a->o.port_lo == 0 || a->o.port_hi < a->o.port_lo || a->o.port_hi > 65535) {
		snprintf(err, errn, "--ports: not a range LO-HI within 1-65535 (got %u-%u)", a->o.port_lo,
			 a->o.port_hi);
		return -1;
	}
	return 0;
}

static int start_io(struct agent *a, char *err, size_t errn)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	a->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->sigfd < 0 || cs_proc_become_subreaper() != 0) {
		snprintf(err, errn, "cannot watch its children: %s", strerror(errno));
		return -1;
	}
	cs_engine_init(&a->e);
	a->clock = cs_live_clock_new(&a->e, 1);
	if (!a->clock || cs_live_clock_watch(a->clock, a->sigfd, CS_IO_READ, on_signalfd, a) != 0) {
		snprintf(err, errn, "cannot start its clock: %s", strerror(errno));
		return -1;
	}
	struct cs_http_server_opts so = {a->o.listen, 64 << 10, 64, 30, on_status, NULL, a};
	char e2[300];
	a->srv = cs_http_server_start(a->clock, &a->e, &so, e2, sizeof e2);
	if (!a->srv) {
		snprintf(err, errn, "--listen: %s", e2);
		return -1;
	}
	a->port = cs_http_server_port(a->srv);
	snprintf(a->id, sizeof a->id, "%s:%u", a->host, a->port);
	snprintf(a->cg_name, sizeof a->cg_name, "agent-%s-%u", a->host, a->port);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(a->incarnation, sizeof a->incarnation, "%d-%lld-%09ld", (int)getpid(), (long long)ts.tv_sec,
		 ts.tv_nsec);
	a->cli = cs_http_client_new(a->clock, &a->e);
	if (!a->cli) {
		snprintf(err, errn, "cannot start its HTTP client");
		return -1;
	}
	return 0;
}

/* SIGTERM/SIGINT: kill the tasks, wait for their ends (grace + 2 s at
 * most), tell the controller, once, without holding. */
static void shut_down(struct agent *a)
{
	a->stopping = true;
	agent_kill_all(a, a->o.kill_grace_s);
	cs_time deadline = cs_engine_now(&a->e) + cs_time_from_seconds(a->o.kill_grace_s + 2);
	for (;;) {
		bool running = false;
		for (struct atask *t = a->tasks; t; t = t->next)
			running |= t->state == AT_RUNNING;
		if (!running || cs_engine_now(&a->e) >= deadline)
			break;
		cs_engine_run(&a->e, cs_engine_now(&a->e) + 50000);
		agent_reap(a);
	}
	json_t *v = agent_state_json(a);
	json_object_set_new(v, "wait_ms", json_integer(0));
	json_object_set_new(v, "leaving", json_true());
	char *body = json_dumps(v, JSON_COMPACT), url[600], err[300], *resp = NULL;
	json_decref(v);
	long status;
	snprintf(url, sizeof url, "%s/agent/v1/sync", a->o.controller);
	if (cs_http_fetch("POST", url, body, a->o.token, 2000, &status, &resp, err, sizeof err) == 0 && status == 200)
		apply_reply(a, resp); /* acknowledged ends are forgotten */
	free(resp);
	free(body);
	/* every task's cgroups (the tasks are dead; their records stay for a
	 * controller not told yet), then the agent's own */
	for (struct atask *t = a->tasks; t; t = t->next) {
		agent_cg_drop(a, &t->cg);
		memset(t->cg.dir, 0, sizeof t->cg.dir);
	}
	for (int i = 0; i < 200 && agent_cg_sweep(a) > 0; i++)
		usleep(10000); /* their last processes are exiting */
	for (int c = 0; c < CS_CG_NCTL; c++) {
		char dir[512];
		if (cs_cg_agent_dir(&a->cg, c, a->cg_name, dir, sizeof dir) == 0 && dir[0])
			(void)rmdir(dir);
	}
}

static void release(struct agent *a)
{
	cs_http_client_free(a->cli);
	cs_http_server_stop(a->srv);
	if (a->clock) {
		cs_live_clock_unwatch(a->clock, a->sigfd);
		cs_live_clock_free(a->clock);
	}
	if (a->sigfd >= 0)
		close(a->sigfd);
	cs_engine_release(&a->e);
	while (a->tasks) {
		struct atask *t = a->tasks;
		a->tasks = t->next;
		free(t);
	}
	free(a->cg_left);
}

int cs_agent_run(const struct cs_agent_opts *o)
{
	struct agent *a = calloc(1, sizeof *a);
	a->o = *o;
	a->sigfd = -1;
	char err[700];
	if (setup(a, err, sizeof err) != 0 || start_io(a, err, sizeof err) != 0 || setup_work(a, err, sizeof err) != 0) {
		fprintf(stderr, "clustersim: agent: %s\n", err);
		release(a);
		free(a);
		return 2;
	}
	fprintf(stderr, "clustersim agent %s: listening, work directory %s, %g cpus, %llu MiB, limits: %s\n", a->id,
		a->work, a->o.cpus, (unsigned long long)(a->o.mem_bytes >> 20), a->limits);
	agent_recover(a);
	cs_interrupt_engine(&a->e);
	send_sync(a, true);
	cs_engine_run(&a->e, CS_TIME_NEVER);
	cs_interrupt_engine(NULL);
	if (a->reexec) {
		/* an upgrade in place: the tasks stay our children across exec */
		fprintf(stderr, "clustersim agent %s: re-executing (SIGUSR2)\n", a->id);
		char **argv = a->o.argv;
		release(a);
		free(a);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "clustersim: agent: cannot re-execute: %s\n", strerror(errno));
		return 3;
	}
	shut_down(a);
	fprintf(stderr, "clustersim agent %s: stopped\n", a->id);
	release(a);
	free(a);
	cs_interrupt_forget(); /* told to stop, stopped: exit 0 */
	return 0;
}
