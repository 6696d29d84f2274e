/* live/cgroup_task — see cgroup_task.h. */
#include "live/cgroup_task.h"
#include "sim/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const ctl_v1[CS_CG_NCTL] = {"cpu", "memory", "pids"};
static const char *const ctl_name[CS_CG_NCTL] = {"cpu", "memory", "pids"};

#define CPU_PERIOD_US 100000
#define CPU_MIN_QUOTA_US 1000

/* whether the comma-separated controller list names ctl */
static bool lists(const char *list, const char *ctl)
{
	size_t n = strlen(ctl);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, ctl, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/* The process's own cgroup path in the hierarchy of v1 controller ctl
 * (NULL: the v2 one), from /proc/self/cgroup; "/" when not found. */
static void own_path(const char *ctl, char *buf, size_t n)
{
	snprintf(buf, n, "/");
	FILE *f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		bool match = ctl ? lists(a + 1, ctl) : (a[1] == '\0' && line[0] == '0');
		if (match) {
			snprintf(buf, n, "%s", b + 1);
			break;
		}
	}
	fclose(f);
}

/* whether controller c's cgroup is an earlier controller's (v2: one
 * directory for all) or none: each directory is handled once */
static bool skip_dir(const struct cs_cg_task *t, int c)
{
	if (!t->dir[c][0])
		return true;
	for (int k = 0; k < c; k++)
		if (strcmp(t->dir[k], t->dir[c]) == 0)
			return true;
	return false;
}

static int write_file(const char *dir, const char *file, const char *text)
{
	char path[640];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static bool exists(const char *dir, const char *file)
{
	char path[640];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

/* The mount of controller c under the mechanism found ("" if none). */
static const char *mount_of(const struct cs_cg_detect *d, int c)
{
	if (d->kind == CS_CG_V2)
		return d->v2[c] ? d->v2_mount : "";
	if (d->kind == CS_CG_V1)
		return d->v1_mount[c];
	return "";
}

int cs_cg_agent_dir(const struct cs_cg_detect *d, int c, const char *agent, char *buf, size_t n)
{
	const char *mnt = mount_of(d, c);
	if (!*mnt) {
		buf[0] = '\0';
		return 0;
	}
	char own[400];
	own_path(d->kind == CS_CG_V2 ? NULL : ctl_v1[c], own, sizeof own);
	char base[700];
	snprintf(base, sizeof base, "%.255s%.400s", mnt, strcmp(own, "/") == 0 ? "" : own);
	struct stat st;
	if (stat(base, &st) != 0) /* a namespaced view: the mount is our root */
		snprintf(base, sizeof base, "%.255s", mnt);
	int w = snprintf(buf, n, "%s/clustersim-%.100s", base, agent);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

void cs_cg_task_open(struct cs_cg_task *t, const struct cs_cg_detect *d, const char *agent,
		     const char *task)
{
	memset(t, 0, sizeof *t);
	t->d = d;
	for (int c = 0; c < CS_CG_NCTL; c++) {
		char adir[512];
		if (cs_cg_agent_dir(d, c, agent, adir, sizeof adir) != 0 || !adir[0])
			continue;
		/* v2: one directory serves every controller */
		snprintf(t->dir[c], sizeof t->dir[c], "%.400s/%.100s", adir, task);
	}
}

/* v2: the controllers must be enabled in every ancestor's
 * subtree_control down to the task's parent. */
static void enable_v2(const char *adir)
{
	char parent[512];
	snprintf(parent, sizeof parent, "%s", adir);
	char *slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	/* may fail with EBUSY when the agent's own cgroup holds processes
	 * (the "no internal processes" rule); the check after creation says so */
	(void)write_file(parent, "cgroup.subtree_control", "+cpu +memory +pids");
	(void)write_file(adir, "cgroup.subtree_control", "+cpu +memory +pids");
}

static int write_limits(struct cs_cg_task *t, char *err, size_t errn)
{
	const struct cs_cg_limits *l = &t->lim;
	char v[64];
	const char *dir, *file = NULL;
	if (l->cpus > 0 && *(dir = t->dir[CS_CG_CPU])) {
		long quota = (long)(l->cpus * CPU_PERIOD_US + 0.5);
		if (quota < CPU_MIN_QUOTA_US)
			quota = CPU_MIN_QUOTA_US;
		if (t->d->kind == CS_CG_V2) {
			snprintf(v, sizeof v, "%ld %d", quota, CPU_PERIOD_US);
			if (write_file(dir, file = "cpu.max", v) != 0)
				goto fail;
		} else {
			snprintf(v, sizeof v, "%d", CPU_PERIOD_US);
			if (write_file(dir, file = "cpu.cfs_period_us", v) != 0)
				goto fail;
			snprintf(v, sizeof v, "%ld", quota);
			if (write_file(dir, file = "cpu.cfs_quota_us", v) != 0)
				goto fail;
		}
	}
	if (l->mem_bytes > 0 && *(dir = t->dir[CS_CG_MEM])) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)l->mem_bytes);
		file = t->d->kind == CS_CG_V2 ? "memory.max" : "memory.limit_in_bytes";
		if (write_file(dir, file, v) != 0)
			goto fail;
		/* no swapping past the limit where the kernel accounts swap */
		if (t->d->kind == CS_CG_V2 && exists(dir, "memory.swap.max"))
			(void)write_file(dir, "memory.swap.max", "0");
		else if (t->d->kind == CS_CG_V1 && exists(dir, "memory.memsw.limit_in_bytes"))
			(void)write_file(dir, "memory.memsw.limit_in_bytes", v);
	}
	if (l->pids > 0 && *(dir = t->dir[CS_CG_PIDS])) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)l->pids);
		if (write_file(dir, file = "pids.max", v) != 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errn, "cannot write %s in %s: %s", file, dir, strerror(errno));
	return -1;
}

int cs_cg_task_create(struct cs_cg_task *t, const struct cs_cg_detect *d, const char *agent,
		      const char *task, const struct cs_cg_limits *lim, char *err, size_t errn)
{
	cs_cg_task_open(t, d, agent, task);
	t->lim = *lim;
	for (int c = 0; c < CS_CG_NCTL; c++) {
		if (skip_dir(t, c))
			continue;
		/* v1: the agent's directory is there after the first task, so
		 * try the task's first (a mkdir -p per launch was about 15
		 * mkdir calls); v2 enables the parent's controllers each time */
		if (d->kind != CS_CG_V2 && mkdir(t->dir[c], 0755) == 0)
			continue;
		char adir[512];
		snprintf(adir, sizeof adir, "%s", t->dir[c]);
		*strrchr(adir, '/') = '\0';
		struct cs_error e = {0};
		if (cs_mkdir_p(adir, &e) != 0 || (d->kind == CS_CG_V2 && (enable_v2(adir), 0)) ||
		    (mkdir(t->dir[c], 0755) != 0 && errno != EEXIST)) {
			snprintf(err, errn, "cannot make the cgroup %s: %s", t->dir[c], strerror(errno));
			return -1;
		}
	}
	if (d->kind == CS_CG_V2) {
		static const char *const probe[CS_CG_NCTL] = {"cpu.max", "memory.max", "pids.max"};
		for (int c = 0; c < CS_CG_NCTL; c++)
			if (t->dir[c][0] && !exists(t->dir[c], probe[c])) {
				snprintf(err, errn,
					 "the cgroup v2 %s controller is not enabled for %s (its parent's "
					 "cgroup.subtree_control)",
					 ctl_name[c], t->dir[c]);
				return -1;
			}
	}
	return write_limits(t, err, errn);
}

int cs_cg_task_attach(const struct cs_cg_task *t, pid_t pid)
{
	char v[32];
	snprintf(v, sizeof v, "%d", (int)pid);
	for (int c = 0; c < CS_CG_NCTL; c++) {
		if (skip_dir(t, c))
			continue;
		if (write_file(t->dir[c], "cgroup.procs", v) != 0)
			return -1;
	}
	return 0;
}

void cs_cg_task_apply_rlimits(const struct cs_cg_task *t)
{
	if (t->d->kind != CS_CG_RLIMIT)
		return;
	if (t->lim.mem_bytes > 0) {
		struct rlimit r = {t->lim.mem_bytes, t->lim.mem_bytes};
		(void)setrlimit(RLIMIT_AS, &r);
	}
	if (t->lim.pids > 0) {
		struct rlimit r = {t->lim.pids, t->lim.pids};
		(void)setrlimit(RLIMIT_NPROC, &r);
	}
}

uint64_t cs_cg_task_oom_kills(const struct cs_cg_task *t)
{
	const char *dir = t->dir[CS_CG_MEM];
	if (!dir[0])
		return 0;
	char path[640], line[256];
	snprintf(path, sizeof path, "%s/%s", dir,
		 t->d->kind == CS_CG_V2 ? "memory.events" : "memory.oom_control");
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	unsigned long long n = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "oom_kill %llu", &n) == 1)
			break;
	fclose(f);
	return n;
}

int cs_cg_task_kill_all(const struct cs_cg_task *t)
{
	int left = 0;
	for (int c = 0; c < CS_CG_NCTL; c++) {
		if (skip_dir(t, c))
			continue;
		const char *dir = t->dir[c];
		if (t->d->kind == CS_CG_V2 && exists(dir, "cgroup.kill"))
			(void)write_file(dir, "cgroup.kill", "1");
		char path[640];
		snprintf(path, sizeof path, "%s/cgroup.procs", dir);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int pid;
		while (fscanf(f, "%d", &pid) == 1) {
			left++;
			(void)kill(pid, SIGKILL);
		}
		fclose(f);
	}
	return left;
}

int cs_cg_task_remove(struct cs_cg_task *t)
{
	int rc = 0;
	for (int c = 0; c < CS_CG_NCTL; c++) {
		if (skip_dir(t, c))
			continue;
		if (rmdir(t->dir[c]) != 0 && errno != ENOENT)
			rc = -1;
	}
	return rc;
}

void cs_cg_task_describe(const struct cs_cg_detect *d, char *buf, size_t n)
{
	size_t w = 0;
	buf[0] = '\0';
	for (int c = 0; c < CS_CG_NCTL; c++) {
		bool on = d->kind == CS_CG_RLIMIT ? c != CS_CG_CPU : *mount_of(d, c) != '\0';
		if (on && w < n)
			w += (size_t)snprintf(buf + w, n - w, "%s%s", w ? "," : "", ctl_name[c]);
	}
	if (w < n)
		snprintf(buf + w, n - w, "%svia %s", w ? " " : "nothing ", cs_cg_kind_name(d->kind));
}
