/* live/lb_sync — see lb_sync.h. */
#include "live/lb_sync.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live/agents.h"
#include "live/api.h"
#include "live/idmap.h"
#include "sim/alloc.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "sim/outdir.h"

/* the registry: one line per kind */
static const struct cs_lb_kind *const kinds[] = {&cs_lb_nginx, &cs_lb_haproxy, NULL};

#define MAX_LBS 16
#define MAX_APPS_FILTER 1000
#define POLL_SECONDS 0.05  /* how often changes are looked for (wall clock) */
#define CHECK_TIMEOUT_S 30 /* a check command that takes longer has failed */

struct lb {
	const struct cs_lb_kind *kind;
	void *opts;
	char *name, *config, *pid_file, *bind;
	char **check;         /* argv, NULL-terminated, or NULL */
	char **apps;          /* ids, NULL-terminated, or NULL: every app */
	double min_interval;  /* seconds, wall clock */
	char *good;           /* the text FILE has: the last accepted, or what it had (NULL: none) */
	char *tried;          /* the last text made (accepted or rejected): made again, it is not tried again */
	struct timespec last_reload;
	bool reloaded_once;
	struct cs_lb_counts n;
};

struct cs_lb_sync {
	struct lb lbs[MAX_LBS];
	size_t n;
	struct cs_engine *e;
	double scale;
	struct cs_live_api *api;
	struct cs_live_agents *agents;
	uint64_t api_gen, agents_gen;
	bool synced_once;
	/* the round in progress: the texts written and waiting for their
	 * checks (NULL: not written this round), the check running */
	bool in_round, round_complete;
	uint64_t round_api_gen, round_agents_gen;
	char *round[MAX_LBS];
	bool failed[MAX_LBS];
	size_t checking;
	pid_t check_pid;
	struct timespec check_start;
};

/* ---- the view ---- */

static int by_task(const void *x, const void *y)
{
	return strcmp(((const struct cs_lb_backend *)x)->task, ((const struct cs_lb_backend *)y)->task);
}

static int by_app_port(const void *x, const void *y)
{
	const struct cs_lb_service *a = x, *b = y;
	int c = strcmp(a->app, b->app);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

void cs_lb_service_add(struct cs_lb_service *s, const char *task, const char *host, unsigned port)
{
	CS_GROW(s->b, s->cap, s->n + 1);
	s->b[s->n++] = (struct cs_lb_backend){cs_xstrdup(task), cs_xstrdup(host), port};
}

static bool wanted(const char *const *apps, const char *id)
{
	if (!apps)
		return true;
	for (; *apps; apps++)
		if (strcmp(*apps, id) == 0 || (**apps == '/' && strcmp(*apps + 1, id) == 0))
			return true;
	return false;
}

/* A definition's service ports: portDefinitions[i].port, else ports[i]. */
static size_t service_ports(const json_t *def, unsigned *out, size_t max)
{
	const json_t *pd = json_object_get(def, "portDefinitions"), *ports = json_object_get(def, "ports");
	const json_t *list = json_is_array(pd) ? pd : ports;
	size_t n = 0, i;
	const json_t *v;
	json_array_foreach(list, i, v) {
		if (n == max)
			break;
		const json_t *p = list == pd ? json_object_get(v, "port") : v;
		json_int_t x = json_is_integer(p) ? json_integer_value(p) : 0;
		out[n++] = x > 0 && x <= 65535 ? (unsigned)x : 0;
	}
	return n;
}

struct build {
	struct cs_lb_view *v;
	const char *prefix;
	const char *const *apps;
	struct cs_idmap taken;  /* "%u" service port -> the app that has it */
};

static void add_app(void *ctx, const char *id, const json_t *def)
{
	struct build *b = ctx;
	if (!wanted(b->apps, id))
		return;
	unsigned ports[16];
	size_t n = service_ports(def, ports, 16);
	for (size_t i = 0; i < n; i++) {
		if (!ports[i])
			continue;
		char key[16];
		snprintf(key, sizeof key, "%u", ports[i]);
		if (cs_idmap_get(&b->taken, key))
			continue; /* (a second app on a service port: the first by id keeps it, see sort below) */
		struct cs_lb_view *v = b->v;
		v->s = cs_xrealloc(v->s, (v->n + 1) * sizeof *v->s);
		struct cs_lb_service *s = &v->s[v->n++];
		memset(s, 0, sizeof *s);
		snprintf(s->app, sizeof s->app, "%s", id);
		int pre = snprintf(s->name, sizeof s->name, "%s_", b->prefix);
		int len = pre + snprintf(s->name + pre, sizeof s->name - (size_t)pre, "%s", id);
		for (int k = pre; k < len && s->name[k]; k++)
			if (!((s->name[k] >= 'a' && s->name[k] <= 'z') || (s->name[k] >= 'A' && s->name[k] <= 'Z') ||
			      (s->name[k] >= '0' && s->name[k] <= '9')))
				s->name[k] = '_';
		snprintf(s->name + strlen(s->name), sizeof s->name - strlen(s->name), "_%u", ports[i]);
		s->service_port = ports[i];
		s->index = (unsigned)i;
		cs_idmap_put(&b->taken, key, s->app);
	}
}

static void add_task(void *ctx, const char *app, const char *id, const char *host, const json_t *ports)
{
	struct build *b = ctx;
	for (size_t k = 0; k < b->v->n; k++) {
		struct cs_lb_service *s = &b->v->s[k];
		if (strcmp(s->app, app) != 0)
			continue;
		const json_t *p = json_array_get(ports, s->index);
		if (json_is_integer(p) && json_integer_value(p) > 0 && json_integer_value(p) <= 65535)
			cs_lb_service_add(s, id, host, (unsigned)json_integer_value(p));
	}
}

void cs_lb_view_build(struct cs_lb_view *v, struct cs_live_api *api, struct cs_live_agents *agents,
		      const char *prefix, const char *const *apps)
{
	*v = (struct cs_lb_view){0};
	struct build b = {v, prefix, apps, {0}};
	cs_idmap_init(&b.taken);
	cs_live_api_each_app(api, add_app, &b); /* (in id order: the first id keeps a shared port) */
	cs_live_agents_each_running(agents, add_task, &b);
	qsort(v->s, v->n, sizeof *v->s, by_app_port);
	for (size_t k = 0; k < v->n; k++)
		qsort(v->s[k].b, v->s[k].n, sizeof *v->s[k].b, by_task);
	cs_idmap_release(&b.taken);
}

void cs_lb_view_release(struct cs_lb_view *v)
{
	for (size_t k = 0; k < v->n; k++) {
		for (size_t i = 0; i < v->s[k].n; i++) {
			free(v->s[k].b[i].task);
			free(v->s[k].b[i].host);
		}
		free(v->s[k].b);
	}
	free(v->s);
	*v = (struct cs_lb_view){0};
}

/* ---- writing and reloading ---- */

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Start lb's check command (its output to the controller's stderr);
 * -1 if it cannot be. */
static pid_t start_check(const struct lb *lb)
{
	pid_t pid = fork();
	if (pid == 0) {
		dup2(2, 1);
		execvp(lb->check[0], lb->check);
		fprintf(stderr, "clustersim live: %s: cannot run: %s\n", lb->check[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Advance the round's checks, one at a time, without waiting (the
 * controller's thread serves the API and the agents meanwhile); true once
 * all are done, s->failed[i] telling which failed.  A check that runs
 * longer than CHECK_TIMEOUT_S is killed and has failed. */
static bool checks_done(struct cs_lb_sync *s)
{
	for (;;) {
		if (s->check_pid > 0) {
			int status = 0;
			pid_t r = waitpid(s->check_pid, &status, WNOHANG);
			if (r == 0 && since(&s->check_start) < CHECK_TIMEOUT_S)
				return false;
			if (r == 0) {
				kill(s->check_pid, SIGKILL);
				waitpid(s->check_pid, &status, 0);
				status = -1;
			}
			s->failed[s->checking] = !(r == s->check_pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
			s->check_pid = 0;
			s->checking++;
		}
		while (s->checking < s->n && !(s->round[s->checking] && s->lbs[s->checking].check))
			s->checking++;
		if (s->checking == s->n)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &s->check_start);
		s->check_pid = start_check(&s->lbs[s->checking]);
		if (s->check_pid > 0)
			return false;
		s->check_pid = 0;
		s->failed[s->checking++] = true;
	}
}

/* The balancer's master, from its pid file: 0 if there is none. */
static pid_t master_pid(const struct lb *lb)
{
	FILE *f = fopen(lb->pid_file, "r");
	if (!f)
		return 0;
	long pid = 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 1 && pid < (1L << 22) && kill((pid_t)pid, 0) == 0 ? (pid_t)pid : 0;
}

static bool write_text(struct lb *lb, const char *text)
{
	struct cs_error err = {0};
	if (cs_write_file_atomic(lb->config, text, strlen(text), &err) == 0)
		return true;
	lb->n.write_failures++;
	fprintf(stderr, "clustersim live: load balancer %s: %s\n", lb->name, err.msg);
	return false;
}

static char *render(const struct lb *lb, const struct cs_lb_view *v)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL; /* (out of memory: tried again at the next poll) */
	fprintf(f, "# Written by clustersim live (live.load_balancers): replaced whenever the app's tasks change.\n");
	lb->kind->render(f, lb->opts, lb->bind, v);
	fclose(f);
	return text;
}

/* A round brings every balancer in step, in phases, because balancers
 * may share a process (two files in one nginx.conf): every due file is
 * written first (begin_round), then the checks run (a check sees the
 * others' new files; checks_done), then each file that failed its check
 * goes back to what it was and each master of the others is signalled
 * once (finish_round).  begin_round is false if a balancer has to wait
 * for its min_interval (or memory ran out): the round is then not
 * complete, and another follows. */
static bool begin_round(struct cs_lb_sync *s)
{
	bool complete = true;
	for (size_t i = 0; i < s->n; i++) {
		struct lb *lb = &s->lbs[i];
		struct cs_lb_view v;
		cs_lb_view_build(&v, s->api, s->agents, lb->name, (const char *const *)lb->apps);
		char *text = render(lb, &v);
		cs_lb_view_release(&v);
		s->round[i] = NULL;
		s->failed[i] = false;
		if (!text) {
			complete = false;
		} else if (lb->tried && strcmp(lb->tried, text) == 0) {
			free(text); /* (in step) */
		} else if (lb->reloaded_once && since(&lb->last_reload) < lb->min_interval) {
			free(text);
			complete = false; /* (due later) */
		} else if (!write_text(lb, text)) {
			free(text); /* (tried again at the next change) */
		} else {
			s->round[i] = text;
		}
	}
	s->checking = 0;
	return complete;
}

static void finish_round(struct cs_lb_sync *s)
{
	pid_t told[MAX_LBS];
	int signals[MAX_LBS];
	size_t ntold = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct lb *lb = &s->lbs[i];
		char *text = s->round[i];
		s->round[i] = NULL;
		if (!text)
			continue;
		if (s->failed[i]) {
			lb->n.check_failures++;
			fprintf(stderr, "clustersim live: load balancer %s: %s rejected the new %s: kept the previous one\n",
				lb->name, lb->check[0], lb->config);
			if (lb->good)
				write_text(lb, lb->good);
			free(lb->tried);
			lb->tried = text; /* (not tried again until the view changes) */
			continue;
		}
		lb->n.writes++;
		free(lb->good);
		free(lb->tried);
		lb->good = text;
		lb->tried = cs_xstrdup(text);
		clock_gettime(CLOCK_MONOTONIC, &lb->last_reload);
		lb->reloaded_once = true;
		pid_t pid = master_pid(lb);
		bool again = false;
		for (size_t k = 0; k < ntold && !again; k++)
			again = told[k] == pid && signals[k] == lb->kind->reload_signal;
		if (pid && (again || kill(pid, lb->kind->reload_signal) == 0)) {
			lb->n.reloads++;
			told[ntold] = pid;
			signals[ntold++] = lb->kind->reload_signal;
		} else {
			lb->n.reload_skipped++; /* (not running: it reads the file when it starts) */
		}
	}
}

static void poll_changes(void *ctx, cs_time now)
{
	struct cs_lb_sync *s = ctx;
	(void)now;
	if (!s->in_round && !cs_live_api_recovering(s->api)) {
		uint64_t ag = cs_live_api_generation(s->api), tg = cs_live_agents_generation(s->agents);
		if (!s->synced_once || ag != s->api_gen || tg != s->agents_gen) {
			s->round_api_gen = ag;
			s->round_agents_gen = tg;
			s->round_complete = begin_round(s);
			s->in_round = true;
		}
	}
	if (s->in_round && checks_done(s)) {
		finish_round(s);
		s->in_round = false;
		if (s->round_complete) { /* (what changed meanwhile makes the next round) */
			s->api_gen = s->round_api_gen;
			s->agents_gen = s->round_agents_gen;
			s->synced_once = true;
		}
	}
	cs_engine_after(s->e, cs_time_from_seconds(POLL_SECONDS * s->scale), poll_changes, s);
}

/* What FILE has before the first write: the text a rejected first
 * configuration is undone to (NULL: no such file, or not one to keep). */
static char *read_existing(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	char buf[65536];
	while ((got = fread(buf, 1, sizeof buf, f)) > 0 && len + got <= (64u << 20)) {
		CS_GROW(text, cap, len + got + 1);
		memcpy(text + len, buf, got);
		len += got;
	}
	bool whole = feof(f) && !ferror(f);
	fclose(f);
	if (!whole || !text || memchr(text, 0, len)) {
		free(text);
		return NULL;
	}
	text[len] = 0;
	return text;
}

void cs_lb_sync_start(struct cs_lb_sync *s, struct cs_engine *e, double scale, struct cs_live_api *api,
		      struct cs_live_agents *agents)
{
	if (!s)
		return;
	s->e = e;
	s->scale = scale;
	s->api = api;
	s->agents = agents;
	for (size_t i = 0; i < s->n; i++) {
		s->lbs[i].good = read_existing(s->lbs[i].config);
		s->lbs[i].tried = s->lbs[i].good ? cs_xstrdup(s->lbs[i].good) : NULL;
	}
	poll_changes(s, 0);
}

struct cs_lb_counts cs_lb_sync_counts(const struct cs_lb_sync *s)
{
	struct cs_lb_counts c = {0};
	for (size_t i = 0; s && i < s->n; i++) {
		c.writes += s->lbs[i].n.writes;
		c.reloads += s->lbs[i].n.reloads;
		c.reload_skipped += s->lbs[i].n.reload_skipped;
		c.check_failures += s->lbs[i].n.check_failures;
		c.write_failures += s->lbs[i].n.write_failures;
	}
	return c;
}

static void free_strings(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void cs_lb_sync_free(struct cs_lb_sync *s)
{
	if (!s)
		return;
	if (s->check_pid > 0) {
		kill(s->check_pid, SIGKILL);
		waitpid(s->check_pid, NULL, 0);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct lb *lb = &s->lbs[i];
		free(s->round[i]);
		if (lb->kind->free_opts)
			lb->kind->free_opts(lb->opts);
		free(lb->name);
		free(lb->config);
		free(lb->pid_file);
		free(lb->bind);
		free(lb->good);
		free(lb->tried);
		free_strings(lb->check);
		free_strings(lb->apps);
	}
	free(s);
}

/* ---- the experiment's keys ---- */

/* A list of strings (at most max) as a NULL-terminated copy. */
static int string_list(const struct cs_cfg *cfg, json_t *obj, const char *path, const char *key, size_t max,
		       char ***out)
{
	json_t *v = json_object_get(obj, key);
	char p[512], got[64];
	if (!v)
		return 0;
	cs_path_key(p, sizeof p, path, key);
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > max)
		return cs_error_input(cfg->err, cfg->file, p, "expected a list of 1 to %zu strings (got %s)", max,
				      cs_cfg_got(v, got, sizeof got));
	char **list = cs_xcalloc(json_array_size(v) + 1, sizeof *list);
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		if (!json_is_string(x) || !json_string_length(x) || strlen(json_string_value(x)) != json_string_length(x)) {
			free_strings(list);
			char q[600];
			return cs_error_input(cfg->err, cfg->file, cs_path_index(q, sizeof q, p, i),
					      "expected a non-empty string (got %s)", cs_cfg_got(x, got, sizeof got));
		}
		list[i] = cs_xstrdup(json_string_value(x));
	}
	*out = list;
	return 1;
}

static const char *const common_keys[] = {"kind", "name", "config", "pid_file", "bind", "check", "apps", "min_interval"};
#define NCOMMON (sizeof common_keys / sizeof *common_keys)

static int parse_one(const struct cs_cfg *cfg, json_t *obj, const char *path, size_t index, struct lb *lb)
{
	const char *names[8], *keys[32];
	size_t nk = 0, i;
	for (i = 0; kinds[i]; i++)
		names[i] = kinds[i]->name;
	names[i] = NULL;
	int k;
	if (cs_cfg_need_object(cfg, obj, path) < 0 || cs_cfg_enum(cfg, obj, path, "kind", NULL, names, &k) < 0)
		return -1;
	lb->kind = kinds[k];
	for (i = 0; i < NCOMMON; i++)
		keys[nk++] = common_keys[i];
	for (i = 0; lb->kind->keys && lb->kind->keys[i] && nk < 31; i++)
		keys[nk++] = lb->kind->keys[i];
	keys[nk] = NULL;
	const char *config, *pid, *bind, *name;
	double interval;
	char defname[32];
	snprintf(defname, sizeof defname, "lb%zu", index);
	if (cs_cfg_keys(cfg, obj, path, keys) < 0 || cs_cfg_str(cfg, obj, path, "name", defname, 0, &name) < 0 ||
	    cs_cfg_str(cfg, obj, path, "config", NULL, CS_CFG_REQUIRED, &config) < 0 ||
	    cs_cfg_str(cfg, obj, path, "pid_file", NULL, CS_CFG_REQUIRED, &pid) < 0 ||
	    cs_cfg_str(cfg, obj, path, "bind", "127.0.0.1", 0, &bind) < 0 ||
	    cs_cfg_num_in(cfg, obj, path, "min_interval", 1, 0, 0, 3600, &interval) < 0 ||
	    string_list(cfg, obj, path, "check", 64, &lb->check) < 0 ||
	    string_list(cfg, obj, path, "apps", MAX_APPS_FILTER, &lb->apps) < 0)
		return -1;
	char p[512];
	size_t nl = strlen(name);
	if (nl == 0 || nl > 32 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != nl)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "name"),
				      "expected 1 to 32 letters, digits or _ (got \"%.100s\")", name);
	if (!*config || !*pid)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, *config ? "pid_file" : "config"),
				      "expected a file name (got \"\")");
	for (const char *c = bind; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == ':' || *c == '[' || *c == ']' ||
		      (*c >= 'a' && *c <= 'f') || *c == '*'))
			return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "bind"),
					      "expected an address (got \"%.100s\")", bind);
	if (!*bind)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "bind"),
				      "expected an address (got \"\")");
	/* (paths as given: relative ones to the working directory, as the
	 * balancer is told them) */
	char *dir = cs_xstrdup(config), *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	int ok = access(slash ? dir : ".", W_OK);
	free(dir);
	if (ok != 0)
		return cs_error_input(cfg->err, cfg->file, cs_path_key(p, sizeof p, path, "config"),
				      "cannot write in its directory: %s (got \"%.200s\")", strerror(errno), config);
	lb->name = cs_xstrdup(name);
	lb->config = cs_xstrdup(config);
	lb->pid_file = cs_xstrdup(pid);
	lb->bind = cs_xstrdup(bind);
	lb->min_interval = interval;
	return lb->kind->parse(cfg, obj, path, &lb->opts);
}

int cs_lb_sync_parse(const struct cs_cfg *cfg, json_t *exp, struct cs_lb_sync **out)
{
	*out = NULL;
	json_t *list = json_object_get(json_object_get(exp, "live"), "load_balancers");
	if (!list)
		return 0;
	char got[64];
	if (!json_is_array(list) || json_array_size(list) > MAX_LBS)
		return cs_error_input(cfg->err, cfg->file, "live.load_balancers",
				      "expected a list of at most %d load balancers (got %s)", MAX_LBS,
				      cs_cfg_got(list, got, sizeof got));
	struct cs_lb_sync *s = cs_xcalloc(1, sizeof *s);
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		char p[64];
		cs_path_index(p, sizeof p, "live.load_balancers", i);
		s->n = i + 1;
		if (parse_one(cfg, v, p, i, &s->lbs[i]) < 0)
			goto bad;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->lbs[j].name, s->lbs[i].name) == 0) {
				cs_error_input(cfg->err, cfg->file, p, "name: the same as load_balancers[%zu]'s (got \"%s\")", j,
					       s->lbs[i].name);
				goto bad;
			} else if (strcmp(s->lbs[j].config, s->lbs[i].config) == 0) {
				cs_error_input(cfg->err, cfg->file, p, "config: the same file as load_balancers[%zu] (got \"%.200s\")",
					       j, s->lbs[i].config);
				goto bad;
			}
	}
	*out = s;
	return 0;
bad:
	if (!s->lbs[s->n - 1].kind)
		s->n--; /* (kind unread: nothing of it to free) */
	cs_lb_sync_free(s);
	return -1;
}
