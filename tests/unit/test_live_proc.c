/* tests/unit/test_live_proc — how the agent starts, limits, signals and
 * reaps a task's processes (live/proc.c, live/cgroup_task.c), with real
 * processes: output to the sandbox files and the exit status; exec
 * failures as start failures with the reason; the environment exactly as
 * given; a kill reaching the whole process group; PR_SET_PDEATHSIG (the
 * task dies with a SIGKILLed agent); the agent as subreaper (an orphan
 * comes back to it); under cgroups (when the host has them and we are
 * root) the limits written and a memory hog OOM-killed with the kill
 * counted.  Every process started is reaped or killed by pid. */
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

#include "live/cgroup_task.h"
#include "live/proc.h"

static char path_var[] = "PATH=/usr/bin:/bin";
static char *const base_env[] = {path_var, NULL};

static struct cs_spawn spawn_in(const char *cmd, char *const *env)
{
	static char out[600], err[600];
	snprintf(out, sizeof out, "%s/stdout", tu_dir());
	snprintf(err, sizeof err, "%s/stderr", tu_dir());
	unlink(out);
	unlink(err);
	struct cs_spawn s = {cmd, NULL, env ? env : base_env, tu_dir(), out, err, NULL};
	return s;
}

/* wait for pid (a child) with a bound: its wait status, or -1 */
static int wait_bounded(pid_t pid, int seconds)
{
	for (int i = 0; i < seconds * 100; i++) {
		int st;
		pid_t p = waitpid(pid, &st, WNOHANG);
		if (p == pid)
			return st;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* wait until process pid (not our child) is gone */
static bool gone_within(pid_t pid, int seconds)
{
	for (int i = 0; i < seconds * 100; i++) {
		if (cs_proc_start_time(pid) == 0)
			return true;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	return false;
}

static char *sandbox_file(const char *name)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", tu_dir(), name);
	return tu_read_file(path);
}

static void test_output_and_status(void **state)
{
	(void)state;
	struct cs_spawn s = spawn_in("echo hi; echo oops >&2; pwd; exit 3", NULL);
	char err[256] = "";
	pid_t pid = cs_proc_spawn(&s, err, sizeof err);
	assert_true(pid > 0);
	int st = wait_bounded(pid, 10);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	char *out = sandbox_file("stdout"), *er = sandbox_file("stderr");
	char want[700];
	snprintf(want, sizeof want, "hi\n%s\n", tu_dir());
	assert_string_equal(out, want);
	assert_string_equal(er, "oops\n");
	free(out);
	free(er);
}

static void test_exec_failures(void **state)
{
	(void)state;
	char err[256] = "";
	char prog1[] = "no-such-program-here", prog2[600];
	char *missing[] = {prog1, NULL};
	struct cs_spawn s = spawn_in(NULL, NULL);
	s.argv = missing;
	assert_int_equal(cs_proc_spawn(&s, err, sizeof err), -1);
	assert_non_null(strstr(err, "not found"));
	free(tu_file("not-a-program", "plain text\n"));
	snprintf(prog2, sizeof prog2, "%s/not-a-program", tu_dir());
	char *notexec[] = {prog2, NULL};
	s.argv = notexec;
	err[0] = '\0';
	assert_int_equal(cs_proc_spawn(&s, err, sizeof err), -1);
	assert_non_null(strstr(err, "Permission denied"));
	/* a working directory that is not there fails the start, too */
	s = spawn_in("true", NULL);
	s.dir = "/nonexistent/sandbox";
	assert_int_equal(cs_proc_spawn(&s, err, sizeof err), -1);
	assert_non_null(strstr(err, "No such file"));
	/* nothing left to reap: every failed child was waited for */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

static void test_environment_is_exact(void **state)
{
	(void)state;
	char e1[] = "PORT0=31000", e2[] = "MESOS_TASK_ID=web.1", e3[] = "HOST=127.0.0.2";
	char *env[] = {path_var, e1, e2, e3, NULL};
	char a0[] = "sh", a1[] = "-c", a2[] = "echo \"$PORT0 $MESOS_TASK_ID $HOST ${HOME-unset}\"";
	char *args[] = {a0, a1, a2, NULL};
	struct cs_spawn s = spawn_in(NULL, env);
	s.argv = args;
	char err[256];
	pid_t pid = cs_proc_spawn(&s, err, sizeof err);
	assert_true(pid > 0);
	assert_int_equal(WEXITSTATUS(wait_bounded(pid, 10)), 0);
	char *out = sandbox_file("stdout");
	assert_string_equal(out, "31000 web.1 127.0.0.2 unset\n");
	free(out);
}

static void test_kill_reaches_the_group(void **state)
{
	(void)state;
	/* the task starts a background child and prints its pid */
	struct cs_spawn s = spawn_in("sleep 30 & echo $!; wait", NULL);
	char err[256];
	pid_t pid = cs_proc_spawn(&s, err, sizeof err);
	assert_true(pid > 0);
	char *out = NULL;
	for (int i = 0; i < 500 && !(out && *out); i++) {
		free(out);
		usleep(10000);
		out = sandbox_file("stdout");
	}
	pid_t bg = (pid_t)atoi(out);
	free(out);
	assert_true(bg > 0);
	assert_true(cs_proc_start_time(bg) > 0);
	assert_int_equal(cs_proc_signal(pid, SIGTERM), 0);
	int st = wait_bounded(pid, 10);
	assert_true(WIFSIGNALED(st));
	assert_true(gone_within(bg, 10));
}

/* An "agent" (a child of the test) starts a task and is SIGKILLed: the
 * task must die with it (PR_SET_PDEATHSIG), not linger. */
static void test_task_dies_with_its_agent(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t agent = fork();
	if (agent == 0) {
		struct cs_spawn s = spawn_in("exec sleep 30", NULL);
		char err[256];
		pid_t t = cs_proc_spawn(&s, err, sizeof err);
		ssize_t w = write(p[1], &t, sizeof t);
		(void)w;
		pause();
		_exit(0);
	}
	pid_t task = 0;
	assert_int_equal(read(p[0], &task, sizeof task), (ssize_t)sizeof task);
	close(p[0]);
	close(p[1]);
	assert_true(task > 0);
	assert_true(cs_proc_start_time(task) > 0);
	kill(agent, SIGKILL);
	assert_true(WIFSIGNALED(wait_bounded(agent, 10)));
	assert_true(gone_within(task, 10));
}

/* The subreaper gets the orphans of its tasks, and reaps them. */
static void test_orphans_come_back(void **state)
{
	(void)state;
	pid_t helper = fork();
	if (helper == 0) {
		/* in a child, so that the test process stays no subreaper */
		if (cs_proc_become_subreaper() != 0)
			_exit(10);
		struct cs_spawn s = spawn_in("sleep 0.3 & echo $!", NULL);
		char err[256];
		pid_t t = cs_proc_spawn(&s, err, sizeof err);
		if (t <= 0)
			_exit(11);
		int st;
		if (waitpid(t, &st, 0) != t)
			_exit(12);
		char *out = sandbox_file("stdout");
		pid_t orphan = (pid_t)atoi(out);
		free(out);
		if (cs_proc_parent(orphan) != getpid())
			_exit(13);
		/* the orphan's exit comes to us */
		for (int i = 0; i < 1000; i++) {
			pid_t r = cs_proc_reap(&st);
			if (r == orphan)
				_exit(0);
			usleep(10000);
		}
		_exit(14);
	}
	int st = wait_bounded(helper, 20);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_start_time_names_one_process(void **state)
{
	(void)state;
	assert_true(cs_proc_start_time(getpid()) > 0);
	assert_int_equal(cs_proc_parent(getpid()), getppid());
	struct cs_spawn s = spawn_in("exit 0", NULL);
	char err[256];
	pid_t pid = cs_proc_spawn(&s, err, sizeof err);
	assert_true(pid > 0);
	wait_bounded(pid, 10);
	assert_int_equal(cs_proc_start_time(pid), 0);
	/* field 22 of /proc/self/stat as the shell reads it */
	char cmd[128];
	snprintf(cmd, sizeof cmd, "test \"$(sed 's/.*) //' /proc/%d/stat | cut -d' ' -f20)\" = %llu",
		 (int)getpid(), cs_proc_start_time(getpid()));
	assert_int_equal(tu_sh("%s", cmd), 0);
}

static bool have_cgroups(struct cs_cg_detect *d)
{
	if (geteuid() != 0 || cs_cg_detect(d, "/proc/self/mountinfo", NULL) != 0 || d->kind == CS_CG_RLIMIT)
		return false;
	return cs_cg_limits(d, CS_CG_MEM);
}

static void test_cgroup_limits_and_oom(void **state)
{
	(void)state;
	struct cs_cg_detect d;
	if (!have_cgroups(&d)) {
		print_message("no memory cgroup here (or not root): skipped\n");
		skip();
	}
	char agent[64];
	snprintf(agent, sizeof agent, "test-%d", (int)getpid());
	struct cs_cg_limits lim = {0.5, 32u << 20, 64};
	struct cs_cg_task cg;
	char err[256] = "";
	assert_int_equal(cs_cg_task_create(&cg, &d, agent, "hog", &lim, err, sizeof err), 0);
	if (cs_cg_limits(&d, CS_CG_CPU) && d.kind == CS_CG_V1) {
		char path[640];
		snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", cg.dir[CS_CG_CPU]);
		/* (a cgroup file has no size: read it as a stream) */
		assert_int_equal(tu_sh("test \"$(cat %s)\" = 50000", path), 0);
	}
	/* 200 MB in a 32 MiB cgroup: the OOM killer ends it */
	struct cs_spawn s = spawn_in("exec python3 -c 'b = bytearray(200 << 20); b[::4096] = b\"x\" * len(b[::4096])'",
				     NULL);
	s.cg = &cg;
	pid_t pid = cs_proc_spawn(&s, err, sizeof err);
	assert_true(pid > 0);
	int st = wait_bounded(pid, 30);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGKILL);
	assert_true(cs_cg_task_oom_kills(&cg) >= 1);
	assert_int_equal(cs_cg_task_kill_all(&cg), 0);
	assert_int_equal(cs_cg_task_remove(&cg), 0);
	char adir[512];
	assert_int_equal(cs_cg_agent_dir(&d, CS_CG_MEM, agent, adir, sizeof adir), 0);
	assert_int_equal(tu_sh("rmdir %s", adir), 0);
	for (int c = 0; c < CS_CG_NCTL; c++)
		if (c != CS_CG_MEM && cs_cg_agent_dir(&d, c, agent, adir, sizeof adir) == 0 && adir[0])
			(void)tu_sh("rmdir %s 2>/dev/null", adir);
}

/* cgroup kill_all reaches a process that left the task's group */
static void test_cgroup_kill_all(void **state)
{
	(void)state;
	struct cs_cg_detect d;
	if (!have_cgroups(&d))
		skip();
	char agent[64];
	snprintf(agent, sizeof agent, "test-%d", (int)getpid());
	struct cs_cg_limits lim = {0, 0, 0};
	struct cs_cg_task cg;
	char err[256] = "";
	assert_int_equal(cs_cg_task_create(&cg, &d, agent, "escape", &lim, err, sizeof err), 0);
	/* setsid: the background child leaves the process group, not the cgroup */
	struct cs_spawn s = spawn_in("setsid sleep 30 & echo $!; sleep 30", NULL);
	s.cg = &cg;
	pid_t pid = cs_proc_spawn(&s, err, sizeof err);
	assert_true(pid > 0);
	char *out = NULL;
	for (int i = 0; i < 500 && !(out && *out); i++) {
		free(out);
		usleep(10000);
		out = sandbox_file("stdout");
	}
	pid_t esc = (pid_t)atoi(out);
	free(out);
	for (int i = 0; i < 100 && cs_proc_start_time(esc) == 0; i++)
		usleep(10000);
	assert_true(cs_cg_task_kill_all(&cg) >= 2);
	assert_true(WIFSIGNALED(wait_bounded(pid, 10)));
	assert_true(gone_within(esc, 10));
	for (int i = 0; i < 100 && cs_cg_task_remove(&cg) != 0; i++)
		usleep(10000);
	char adir[512];
	for (int c = 0; c < CS_CG_NCTL; c++)
		if (cs_cg_agent_dir(&d, c, agent, adir, sizeof adir) == 0 && adir[0])
			(void)tu_sh("rmdir %s 2>/dev/null", adir);
}

static void test_describe(void **state)
{
	(void)state;
	struct cs_cg_detect d;
	memset(&d, 0, sizeof d);
	d.kind = CS_CG_RLIMIT;
	char buf[128];
	cs_cg_task_describe(&d, buf, sizeof buf);
	assert_string_equal(buf, "memory,pids via rlimit");
	d.kind = CS_CG_V1;
	strcpy(d.v1_mount[CS_CG_CPU], "/sys/fs/cgroup/cpu");
	strcpy(d.v1_mount[CS_CG_MEM], "/sys/fs/cgroup/memory");
	cs_cg_task_describe(&d, buf, sizeof buf);
	assert_string_equal(buf, "cpu,memory via cgroup-v1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_status),
		cmocka_unit_test(test_exec_failures),
		cmocka_unit_test(test_environment_is_exact),
		cmocka_unit_test(test_kill_reaches_the_group),
		cmocka_unit_test(test_task_dies_with_its_agent),
		cmocka_unit_test(test_orphans_come_back),
		cmocka_unit_test(test_start_time_names_one_process),
		cmocka_unit_test(test_cgroup_limits_and_oom),
		cmocka_unit_test(test_cgroup_kill_all),
		cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
