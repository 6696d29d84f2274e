/* Omega: conflict detection and transaction semantics on hand-built cells,
 * worked out by hand. */
#include <math.h>

#include "testutil.h"

/* Two one-task jobs on one 4-core machine: a (submitted at a_at, 50 s)
 * for scheduler A (t_job 10 s), b (at b_at, running b_run s) for B
 * (t_job b_think s).  `conflict` is the scheduler's keys after
 * "conflict": (a JSON fragment). */
#define FMT_RACE \
	"{\"duration\":100,\"check_invariants\":true," \
	"\"cell\":{\"machines\":[{\"count\":1,\"cpu\":4,\"mem\":4}]}," \
	"\"workloads\":[{\"name\":\"a\",\"arrival\":%g,\"max_jobs\":1,\"task_duration\":50,\"task_cpu\":1,\"task_mem\":1}," \
	"{\"name\":\"b\",\"arrival\":%g,\"max_jobs\":1,\"task_duration\":%g,\"task_cpu\":1,\"task_mem\":1}]," \
	"\"scheduler\":{\"type\":\"omega\",\"conflict\":%s,\"transaction\":\"incremental\"," \
	"\"schedulers\":[{\"name\":\"A\",\"workloads\":[\"a\"],\"t_job\":10,\"t_task\":0}," \
	"{\"name\":\"B\",\"workloads\":[\"b\"],\"t_job\":%g,\"t_task\":0}]}}"

struct race {
	double a_at, b_at, b_run, b_think;
};

/* Both sync at t=1 and claim the only machine.  B commits at 2 and bumps
 * the machine's sequence number; A commits at 11: conflict under
 * sequence numbers (retried, committed at 21), accepted under resource
 * fit (the machine still has room). */
static const struct race claim_race = {1, 1, 50, 1};

/* B places b's task at 1.5; it runs 3 s and ends at 4.5.  A syncs at 2
 * and commits at 12, so b's release falls between A's sync and its
 * commit, and nothing else happens on the machine then. */
static const struct race release_race = {2, 1, 3, 0.5};

/* Run race r with `conflict`: A made `transactions` commit attempts,
 * `conflicts` of them conflicted (B none), job a was placed `wait`
 * seconds after its submission, and A was busy `busy_s` seconds of the
 * 100, `wasted_s` of them wasted. */
static void check_race(const struct race *r, const char *conflict, int transactions, int conflicts, double wait,
		       double busy_s, double wasted_s)
{
	char text[2048];
	snprintf(text, sizeof text, FMT_RACE, r->a_at, r->b_at, r->b_run, conflict, r->b_think);
	json_t *s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "schedulers.A.transactions") == transactions);
	assert_true(tu_num(s, "schedulers.A.conflicts") == conflicts);
	assert_true(tu_num(s, "schedulers.B.conflicts") == 0);
	assert_true(tu_num(s, "workloads.a.wait_scheduled.mean") == wait);
	assert_true(fabs(tu_num(s, "schedulers.A.busy") - busy_s / 100) < 1e-12);
	assert_true(fabs(tu_num(s, "schedulers.A.busy_wasted") - wasted_s / 100) < 1e-12);
	if (conflicts == 1) /* 1 conflicted / 1 successful */
		assert_true(tu_num(s, "schedulers.A.conflict_fraction") == 1);
	json_decref(s);
}

static void test_sequence_numbers_vs_resource_fit(void **state)
{
	check_race(&claim_race, "\"sequence-numbers\"", 2, 1, 20, 20, 10);
	check_race(&claim_race, "\"resource-fit\"", 1, 0, 10, 10, 0);
}

/* What bumps a sequence number ("sequence_bump"), on release_race:
 *  - "claims-and-releases" (the default): the release bumped it: A
 *    conflicts, syncs again at 12 and commits at 22 (wait 20, 10 s of 20
 *    wasted);
 *  - "claims": it did not: A commits at 12 (wait 10), no conflict.
 * The claim of claim_race conflicts under "claims" too. */
static void test_sequence_bump(void **state)
{
	check_race(&release_race, "\"sequence-numbers\"", 2, 1, 20, 20, 10);
	check_race(&release_race, "\"sequence-numbers\",\"sequence_bump\":\"claims-and-releases\"", 2, 1, 20, 20, 10);
	check_race(&release_race, "\"sequence-numbers\",\"sequence_bump\":\"claims\"", 1, 0, 10, 10, 0);
	check_race(&claim_race, "\"sequence-numbers\",\"sequence_bump\":\"claims\"", 2, 1, 20, 20, 10);
}

/* Resource fit still rejects a claim that no longer fits: the machine has
 * 2 cores; A (two 1-core tasks, 10 s) and B (one, 1 s) sync at 1; B takes
 * a core at 2; at 11 one of A's claims fits, the other does not.
 * Incremental commits one task; all-or-nothing commits none.  The sample
 * at 11.5 s shows the tasks running. */
#define FMT_GANG \
	"{\"duration\":40,\"check_invariants\":true,\"output\":{\"sample_interval\":0.5}," \
	"\"cell\":{\"machines\":[{\"count\":1,\"cpu\":2,\"mem\":4}]}," \
	"\"workloads\":[{\"name\":\"a\",\"arrival\":1,\"max_jobs\":1,\"tasks\":2,\"task_duration\":100,\"task_cpu\":1,\"task_mem\":1}," \
	"{\"name\":\"b\",\"arrival\":1,\"max_jobs\":1,\"task_duration\":100,\"task_cpu\":1,\"task_mem\":1}]," \
	"\"scheduler\":{\"type\":\"omega\",\"conflict\":\"resource-fit\",\"transaction\":\"%s\",\"max_attempts\":0," \
	"\"schedulers\":[{\"name\":\"A\",\"workloads\":[\"a\"],\"t_job\":10,\"t_task\":0}," \
	"{\"name\":\"B\",\"workloads\":[\"b\"],\"t_job\":1,\"t_task\":0}]}}"

static long running_at(const char *dir, const char *t)
{
	char *row = tu_ts_row(dir, t);
	double time, cu, mu;
	long running;
	assert_int_equal(sscanf(row, "%lf,%lf,%lf,%ld", &time, &cu, &mu, &running), 4);
	free(row);
	return running;
}

static void test_all_or_nothing(void **state)
{
	char text[2048], *dir;
	snprintf(text, sizeof text, FMT_GANG, "incremental");
	json_t *s = tu_run_ok(text, &dir);
	assert_true(tu_num(s, "schedulers.A.conflicts") == 1);
	assert_int_equal(running_at(dir, "11.500000"), 2);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);

	snprintf(text, sizeof text, FMT_GANG, "all-or-nothing");
	s = tu_run_ok(text, &dir);
	assert_true(tu_num(s, "schedulers.A.conflicts") >= 1);
	assert_int_equal(running_at(dir, "11.500000"), 1); /* nothing of A's */
	/* A can never get both cores while B holds one: never fully placed */
	assert_true(tu_num(s, "workloads.a.jobs.scheduled") == 0);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
}

/* count = 3 makes batch-0..2, taking new jobs in turn. */
static void test_scheduler_count(void **state)
{
	json_t *s = tu_run_ok("{\"duration\":100,\"cell\":{\"machines\":[{\"count\":10,\"cpu\":4,\"mem\":4}]},"
			"\"workloads\":[{\"name\":\"b\",\"arrival\":1,\"task_duration\":1,\"task_cpu\":0.1,\"task_mem\":0.1}],"
			"\"scheduler\":{\"type\":\"omega\",\"schedulers\":[{\"name\":\"batch\",\"count\":3,\"t_job\":0.5}]}}",
			NULL);
	assert_true(tu_num(s, "jobs.submitted") == 100);
	/* the job at 100 s (batch-0's turn) is still deciding at the end */
	assert_true(tu_num(s, "schedulers.batch-0.transactions") == 33);
	assert_true(tu_num(s, "schedulers.batch-1.transactions") == 33);
	assert_true(tu_num(s, "schedulers.batch-2.transactions") == 33);
	json_decref(s);
}

/* Heavy contention in every mode: invariants checked after every commit
 * (no over-commit, totals equal the tasks), and gang and coarse detection
 * conflict more than incremental and fine. */
static void test_modes_under_contention(void **state)
{
	const char *conflicts[2] = {"resource-fit", "sequence-numbers"};
	const char *txns[2] = {"incremental", "all-or-nothing"};
	double frac[2][2];
	for (int c = 0; c < 2; c++) {
		for (int t = 0; t < 2; t++) {
			char text[4096];
			snprintf(text, sizeof text,
				 "{\"duration\":3600,\"seed\":4,\"check_invariants\":true,"
				 "\"cell\":{\"machines\":[{\"count\":40,\"cpu\":4,\"mem\":16}]},"
				 "\"workloads\":[{\"name\":\"b\",\"arrival\":{\"dist\":\"exp\",\"mean\":2},"
				 "\"tasks\":{\"dist\":\"exp\",\"mean\":8},\"task_duration\":{\"dist\":\"exp\",\"mean\":30},"
				 "\"task_cpu\":0.5,\"task_mem\":1},"
				 "{\"name\":\"s\",\"kind\":\"service\",\"arrival\":{\"dist\":\"exp\",\"mean\":40},\"tasks\":10,"
				 "\"task_duration\":300,\"task_cpu\":0.5,\"task_mem\":1}],"
				 "\"scheduler\":{\"type\":\"omega\",\"conflict\":\"%s\",\"transaction\":\"%s\","
				 "\"schedulers\":[{\"name\":\"batch\",\"count\":2,\"workloads\":[\"b\"],\"t_job\":0.5,\"t_task\":0.05},"
				 "{\"name\":\"service\",\"workloads\":[\"s\"],\"t_job\":5,\"t_task\":0.05}]}}",
				 conflicts[c], txns[t]);
			json_t *s = tu_run_ok(text, NULL);
			frac[c][t] = tu_num(s, "schedulers.service.conflict_fraction");
			printf("  %s / %s: service conflict fraction %.3f, batch-0 %.3f\n", conflicts[c], txns[t],
			       frac[c][t], tu_num(s, "schedulers.batch-0.conflict_fraction"));
			json_decref(s);
		}
	}
	assert_true(frac[0][1] >= frac[0][0]); /* gang >= incremental */
	assert_true(frac[1][0] > frac[0][0]);  /* coarse > fine */
	assert_true(frac[1][1] >= frac[0][1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence_numbers_vs_resource_fit),
		cmocka_unit_test(test_sequence_bump),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_scheduler_count),
		cmocka_unit_test(test_modes_under_contention),
	};
	return cmocka_run_group_tests_name("omega", tests, NULL, NULL);
}
