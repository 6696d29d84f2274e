/* analysis/table — `clustersim table DIR...`: the answer of one or more
 * runs at a glance, as text on stdout.
 *
 * Each DIR is a results directory or a sweep's directory (its points in
 * sweep.csv's order, the completed ones).  One block per run, one line per
 * workload: the run's label (the directory's name) and cpu utilization,
 * then the workload's mean and 90th-percentile wait (submit to fully
 * placed, wait_scheduled), and the busyness and conflict fraction of the
 * scheduler that serves it.  That scheduler is the one named like the
 * workload (a multi-path path, an Omega scheduler, a Mesos framework), or
 * the busiest of the ones named NAME-0, NAME-1 ... (Omega's count), or the
 * only one there is; "-" where none is, or where a value is null.
 * Balancing runs print their balancer's headline figures instead; a cell
 * run with a balancer attached, its workloads and then those.
 * An aggregate of replications shows its means, "(mean of N)" beside
 * the label.
 * Exit 0, or 2 on a directory without a readable summary.json. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis/aggregate.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/csv.h"
#include "sim/error.h"
#include "sim/experiment.h"

static const char usage[] =
	"usage: clustersim table DIR...\n"
	"  prints, per run (a results directory, or every completed point of a sweep's\n"
	"  directory) and workload: cpu utilization, the mean and p90 wait (submit to fully\n"
	"  placed), and the busyness and conflict fraction of the workload's scheduler\n";

static double num(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(json_object_get(o, a), b);
	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

/* x with prec decimals, or as seconds (prec < 0);
 * "-" for NaN (a null or missing value) */
static void put_num(double x, int prec, int width)
{
	char buf[64];
	if (isnan(x))
		snprintf(buf, sizeof buf, "-");
	else if (prec < 0) /* seconds: three decimals under 10 s, whole seconds past 1000 */
		snprintf(buf, sizeof buf, "%.*f s", x < 10 ? 3 : x < 1000 ? 1 : 0, x);
	else
		snprintf(buf, sizeof buf, "%.*f", prec, x);
	printf(" %*s", width, buf);
}

/* The scheduler that serves workload `name` (see the header), or NULL. */
static const json_t *scheduler_of(const json_t *scheds, const char *name, const char **sname)
{
	const json_t *s = json_object_get(scheds, name);
	if (s) {
		*sname = name;
		return s;
	}
	const char *k;
	json_t *v;
	const json_t *best = NULL;
	size_t n = strlen(name);
	json_object_foreach((json_t *)(uintptr_t)scheds, k, v) {
		if (strncmp(k, name, n) == 0 && k[n] == '-' &&
		    (!best || json_number_value(json_object_get(v, "busy")) >
				      json_number_value(json_object_get(best, "busy")))) {
			best = v;
			*sname = k;
		}
	}
	if (!best && json_object_size(scheds) == 1) {
		json_object_foreach((json_t *)(uintptr_t)scheds, k, v) {
			best = v;
			*sname = k;
		}
	}
	return best;
}

/* A balancer's headline figures, on one line. */
static void balancer_line(const json_t *s, const char *label)
{
	printf("%-28s", label);
	put_num(num(s, "balancer", "connect_success_per_open"), 3, 9);
	put_num(num(s, "balancer", "send_404_rate"), 3, 9);
	put_num(num(s, "balancer", "lost_session_rate"), 3, 9);
	put_num(num(json_object_get(s, "balancer"), "imbalance", "cv"), 3, 9);
	printf("   (balancer: connect success, send 404s, lost sessions, imbalance cv)\n");
}

static int one_run(const char *dir, const char *label, struct cs_error *err)
{
	char *path = cs_xasprintf("%s/summary.json", dir);
	json_error_t jerr;
	json_t *s = json_load_file(path, 0, &jerr);
	if (!json_is_object(s)) {
		json_decref(s);
		int r = cs_error_input(err, path, NULL, "cannot read a results summary: %s", s ? "not an object" : jerr.text);
		free(path);
		return r;
	}
	if (!json_is_object(json_object_get(s, "workloads")) && !json_is_object(json_object_get(s, "balancer"))) {
		json_decref(s);
		int r = cs_error_input(err, path, NULL, "not a results summary (it has no workloads metric)");
		free(path);
		return r;
	}
	free(path);
	char *shown = NULL;
	if (cs_is_aggregate(s)) {
		/* replications: their means, the count beside the label */
		json_t *means = cs_aggregate_means(s, 0);
		shown = cs_xasprintf("%s (mean of %lld)", label,
				     (long long)json_integer_value(json_object_get(s, "replications")));
		label = shown;
		json_decref(s);
		s = means;
	}
	/* a long label (a sweep point's) gets a line of its own */
	if (strlen(label) > 28) {
		printf("%s\n", label);
		label = "";
	}
	const json_t *bal = json_object_get(s, "balancer");
	if (json_is_object(bal) && !json_is_object(json_object_get(s, "workloads"))) {
		balancer_line(s, label);
		json_decref(s);
		free(shown);
		return 0;
	}
	const json_t *wls = json_object_get(s, "workloads"), *scheds = json_object_get(s, "schedulers");
	const char *wname;
	json_t *w;
	bool first = true;
	json_object_foreach((json_t *)(uintptr_t)wls, wname, w) {
		printf("%-28s", first ? label : "");
		if (first)
			put_num(num(s, "utilization", "cpu"), 3, 8);
		else
			printf(" %8s", "");
		printf("  %-12s", wname);
		put_num(num(w, "wait_scheduled", "mean"), -1, 11);
		put_num(num(w, "wait_scheduled", "p90"), -1, 11);
		const char *sname = "-";
		const json_t *sc = scheduler_of(scheds, wname, &sname);
		printf("  %-14s", sc ? sname : "-");
		const json_t *busy = json_object_get(sc, "busy"), *cf = json_object_get(sc, "conflict_fraction");
		put_num(json_is_number(busy) ? json_number_value(busy) : (double)NAN, 3, 6);
		put_num(json_is_number(cf) ? json_number_value(cf) : (double)NAN, 4, 9);
		printf("\n");
		first = false;
	}
	if (json_is_object(bal))
		balancer_line(s, "");
	json_decref(s);
	free(shown);
	return 0;
}

/* A sweep's completed points, in sweep.csv's order. */
static int sweep_runs(const char *dir, FILE *csv, struct cs_error *err)
{
	struct cs_csv_reader r;
	cs_csv_reader_init(&r, csv);
	char **f;
	size_t n, status = 0;
	int got, rc = 0;
	while (rc == 0 && (got = cs_csv_read(&r, &f, &n)) > 0) {
		if (r.line == 1) {
			for (size_t i = 0; i < n; i++)
				if (strcmp(f[i], "status") == 0)
					status = i;
			if (!status || strcmp(f[0], "point") != 0)
				rc = cs_error_input(err, dir, "sweep.csv", "not a sweep.csv header");
			continue;
		}
		if (n <= status || strcmp(f[status], "ok") != 0)
			continue;
		char *point = cs_xasprintf("%s/points/%s", dir, f[0]);
		rc = one_run(point, f[0], err);
		free(point);
	}
	cs_csv_reader_release(&r);
	return rc;
}

int cs_cmd_table(int argc, char **argv)
{
	if (argc == 0)
		return cs_usage_error(usage, "expected at least one results directory");
	for (int i = 0; i < argc; i++) {
		if (cs_is_help(argv[i])) {
			fputs(usage, stdout);
			return 0;
		}
		if (argv[i][0] == '-')
			return cs_usage_error(usage, "unknown option: %s", argv[i]);
	}
	printf("%-28s %8s  %-12s %11s %11s  %-14s %6s %9s\n", "run", "cpu util", "workload", "wait mean", "wait p90",
	       "scheduler", "busy", "conflicts");
	struct cs_error err = {0};
	for (int i = 0; i < argc; i++) {
		char *csv = cs_xasprintf("%s/sweep.csv", argv[i]);
		FILE *f = fopen(csv, "r");
		free(csv);
		int rc;
		if (f) {
			rc = sweep_runs(argv[i], f, &err);
			fclose(f);
		} else {
			char label[256];
			size_t n = strcspn(cs_base_name(argv[i]), "/");
			snprintf(label, sizeof label, "%.*s", (int)n, cs_base_name(argv[i]));
			rc = one_run(argv[i], label, &err);
		}
		if (rc < 0)
			return cs_report_error(&err);
	}
	return 0;
}
