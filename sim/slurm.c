/* sim/slurm — see slurm.h. */
#include "sim/slurm.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/gnuplot.h"
#include "sim/alloc.h"
#include "sim/interrupt.h"

bool cs_slurm_word_ok(const char *s, const char *extra)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

char *cs_shell_quote(const char *s)
{
	size_t n = 2;
	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	char *q = cs_xcalloc(n + 1, 1), *o = q;
	*o++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *c;
		}
	}
	*o++ = '\'';
	return q;
}

void cs_put_ranges(char **s, const size_t *u, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && u[j + 1] == u[j] + 1)
			j++;
		if (j > i)
			cs_str_append(s, "%s%zu-%zu", i ? "," : "", u[i], u[j]);
		else
			cs_str_append(s, "%s%zu", i ? "," : "", u[i]);
		i = j + 1;
	}
}

/* A JSON array of unit numbers as a size_t array (*n of them). */
static size_t *numbers(const json_t *a, size_t *n)
{
	*n = json_array_size(a);
	size_t *v = cs_xcalloc(*n ? *n : 1, sizeof *v);
	for (size_t i = 0; i < *n; i++)
		v[i] = (size_t)json_integer_value(json_array_get(a, i));
	return v;
}

char *cs_slurm_script(const struct cs_slurm_opts *o, char *const *argv, size_t argc, const char *logdir,
		      const json_t *tasks, bool one_run_each)
{
	char *s = NULL;
	size_t nt = json_object_size(tasks), k = 0;
	size_t *idx = cs_xcalloc(nt ? nt : 1, sizeof *idx);
	const char *key;
	json_t *runs;
	json_object_foreach((json_t *)(uintptr_t)tasks, key, runs)
		idx[k++] = (size_t)strtoull(key, NULL, 10);
	cs_str_append(&s, "#!/bin/sh\n# written by clustersim sweep --slurm: the sweep's runs as a job array\n");
	cs_str_append(&s, "#SBATCH --job-name=%s\n#SBATCH --array=", o->job_name);
	cs_put_ranges(&s, idx, nt);
	if (o->throttle)
		cs_str_append(&s, "%%%u", o->throttle);
	cs_str_append(&s, "\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
	/* #SBATCH lines are not read by a shell: the log path is unquoted
	 * there, and so it must not hold spaces (checked by the caller) */
	cs_str_append(&s, "#SBATCH --output=%s/%%A_%%a.out\n", logdir);
	if (o->partition)
		cs_str_append(&s, "#SBATCH --partition=%s\n", o->partition);
	if (o->time)
		cs_str_append(&s, "#SBATCH --time=%s\n", o->time);
	if (one_run_each) {
		cs_str_append(&s, "runs=\"$SLURM_ARRAY_TASK_ID\"\n");
	} else {
		cs_str_append(&s, "case \"$SLURM_ARRAY_TASK_ID\" in\n");
		json_object_foreach((json_t *)(uintptr_t)tasks, key, runs) {
			size_t n, *v = numbers(runs, &n);
			cs_str_append(&s, "%s) runs=", key);
			cs_put_ranges(&s, v, n);
			cs_str_append(&s, " ;;\n");
			free(v);
		}
		cs_str_append(&s, "*) echo \"clustersim: no runs for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\nesac\n");
	}
	cs_str_append(&s, "exec");
	for (size_t i = 0; i < argc; i++) {
		char *q = cs_shell_quote(argv[i]);
		cs_str_append(&s, " %s", q);
		free(q);
	}
	cs_str_append(&s, " --unit \"$runs\"\n");
	free(idx);
	return s;
}

/* Run argv (PATH lookup), its stdout into *out (a new string); its exit
 * status, -1 if it could not run (errno kept). */
static int run_capture_err(const char *const *argv, char **out, char **errout);
static int run_capture(const char *const *argv, char **out)
{
	return run_capture_err(argv, out, NULL);
}

/* The same with the program's stderr into *errout (a new string) when
 * errout is not NULL, else passed on. */
static int run_capture_err(const char *const *argv, char **out, char **errout)
{
	int fd[2], efd = -1;
	char errpath[] = "/tmp/clustersim-slurm-err-XXXXXX";
	*out = NULL;
	if (errout) {
		*errout = NULL;
		efd = mkstemp(errpath);
		if (efd < 0)
			return -1;
		unlink(errpath);
	}
	if (pipe(fd) < 0) {
		if (efd >= 0)
			close(efd);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		if (efd >= 0)
			dup2(efd, 2);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		fprintf(stderr, "clustersim: %s: cannot run: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	for (;;) {
		ssize_t r = read(fd[0], chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		fwrite(chunk, 1, (size_t)r, m);
	}
	fclose(m);
	close(fd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*out = buf;
	if (efd >= 0) {
		char ebuf[512] = "";
		ssize_t r = pread(efd, ebuf, sizeof ebuf - 1, 0);
		ebuf[r > 0 ? r : 0] = '\0';
		ebuf[strcspn(ebuf, "\n")] = '\0'; /* its first line */
		*errout = cs_xstrdup(ebuf);
		close(efd);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int cs_slurm_submit(const char *script, char *id, size_t cap, struct cs_error *err)
{
	const char *argv[] = {"sbatch", "--parsable", script, NULL};
	char *out, *msg = NULL;
	int rc = run_capture_err(argv, &out, &msg);
	if (rc != 0) {
		free(out);
		/* its message in ours: one line */
		cs_error_input(err, script, NULL, "sbatch failed (exit %d): %s", rc, msg && *msg ? msg : "no message");
		free(msg);
		return -1;
	}
	free(msg);
	/* --parsable: "JOBID" or "JOBID;CLUSTER" */
	out[strcspn(out, ";\n")] = '\0';
	if (!*out || strspn(out, "0123456789") != strlen(out) || strlen(out) >= cap) {
		cs_error_input(err, script, NULL, "sbatch did not print a job id (got \"%.40s\")", out);
		free(out);
		return -1;
	}
	snprintf(id, cap, "%s", out);
	free(out);
	return 0;
}

int cs_slurm_wait(const char *id, struct cs_error *err)
{
	for (;;) {
		const char *argv[] = {"squeue", "-h", "-j", id, "-t", "PD,R,CG,CF,S",
				"-o", "%i", NULL};
		char *out;
		int rc = run_capture(argv, &out);
		bool empty = out && strspn(out, " \n") == strlen(out);
		free(out);
		if (rc != 0)
			return cs_error_input(err, "squeue", NULL, "failed while waiting for job %s (exit %d)", id, rc);
		if (empty)
			return 0;
		if (cs_interrupted())
			return cs_error_set(err, CS_EXIT_INTERNAL, "interrupted while waiting for Slurm job %s (it goes on: "
					    "sweep --collect takes its results)", id);
		sleep(1);
	}
}

json_t *cs_slurm_states(const char *id)
{
	const char *argv[] = {"squeue", "-h", "-j", id, "-t", "all", "-r",
			"-o", "%K %T", NULL};
	char *out;
	json_t *st = json_object();
	if (run_capture(argv, &out) == 0 && out) {
		for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
			char idx[32], state[64];
			if (sscanf(line, "%31s %63s", idx, state) == 2)
				json_object_set_new(st, idx, json_string(state));
		}
	}
	free(out);
	return st;
}

size_t cs_slurm_cpus(const char *partition)
{
	/* "%P %C": the partition ("debug*" for the default) and its cpus as
	 * allocated/idle/other/total */
	const char *argv[] = {"sinfo", "-h", "-o", "%P %C", NULL, NULL, NULL};
	if (partition) {
		argv[4] = "-p";
		argv[5] = partition;
	}
	char *out;
	size_t cpus = 0;
	if (run_capture(argv, &out) == 0 && out) {
		for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
			char name[128];
			unsigned long long al, id, ot, tot;
			if (sscanf(line, "%127s %llu/%llu/%llu/%llu", name, &al, &id, &ot, &tot) != 5)
				continue;
			size_t len = strlen(name);
			if (partition || (len && name[len - 1] == '*')) {
				cpus = (size_t)tot;
				break;
			}
		}
	}
	free(out);
	return cpus;
}

bool cs_slurm_time_ok(const char *t)
{
	/* Slurm's forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S; or UNLIMITED */
	if (strcmp(t, "UNLIMITED") == 0 || strcmp(t, "INFINITE") == 0)
		return true;
	const char *p = t;
	size_t fields = 0;
	bool days = false;
	while (*p) {
		size_t d = strspn(p, "0123456789");
		if (d == 0 || d > 9)
			return false;
		p += d;
		fields++;
		if (*p == '-' && !days && fields == 1) {
			days = true;
			fields = 0;
			p++;
		} else if (*p == ':') {
			p++;
			if (!*p)
				return false;
		} else if (*p) {
			return false;
		}
	}
	return fields >= 1 && fields <= 3 && !(days && fields == 0);
}
