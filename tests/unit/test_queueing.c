/* Validation against queueing theory.
 *
 * A cell of c one-core machines, single-task jobs of one core, Poisson
 * arrivals (rate lambda), exponential service (rate mu), the monolithic
 * scheduler with zero decision time, FIFO, retry on resource release and
 * no abandonment is an M/M/c queue.  Its mean wait must match the Erlang C
 * formula, its utilization lambda/(c mu), and the sampled mean queue
 * length must satisfy Little's law L_q = lambda W_q on the run itself.
 * Runs are deterministic (fixed seeds), so the tolerances are about the
 * finite run length, not luck: each is several standard errors. */
#include <math.h>

#include "testutil.h"

/* Erlang C: probability that an arrival waits, and the mean wait. */
static double erlang_c_wait(int c, double lambda, double mu)
{
	double a = lambda / mu, rho = a / c;
	double term = 1, sum = 0;
	for (int k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	/* term = a^c / c! */
	double top = term / (1 - rho);
	double p_wait = top / (sum + top);
	return p_wait / (c * mu - lambda);
}

struct mmc {
	int machines;
	double cpu_per_machine;
	double lambda, mu;
	double duration;
	int seed;
};

/* Mean of jobs_pending over the rows of timeseries.csv. */
static double mean_pending(const char *dir)
{
	char path[600];
	snprintf(path, sizeof path, "%s/timeseries.csv", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[512];
	double sum = 0;
	long n = 0;
	assert_non_null(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f)) {
		double t, cu, mu;
		unsigned long long running, pending;
		if (sscanf(line, "%lf,%lf,%lf,%llu,%llu", &t, &cu, &mu, &running, &pending) == 5) {
			sum += (double)pending;
			n++;
		}
	}
	fclose(f);
	return sum / (double)n;
}

static void run_mmc(const struct mmc *q, double wait_tol)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "{\"name\":\"mmc\",\"seed\":%d,\"duration\":%g,"
		 "\"cell\":{\"machines\":[{\"count\":%d,\"cpu\":%g,\"mem\":%g}]},"
		 "\"workloads\":[{\"name\":\"q\",\"kind\":\"batch\","
		 "\"arrival\":{\"dist\":\"exp\",\"mean\":%.17g},\"tasks\":1,"
		 "\"task_duration\":{\"dist\":\"exp\",\"mean\":%.17g},\"task_cpu\":1,\"task_mem\":1}],"
		 "\"scheduler\":{\"type\":\"monolithic\",\"paths\":[{\"t_job\":0,\"t_task\":0}],"
		 "\"placement\":\"first-fit\",\"retry\":\"event\",\"max_attempts\":0},"
		 "\"output\":{\"sample_interval\":1}}",
		 q->seed, q->duration, q->machines, q->cpu_per_machine, q->cpu_per_machine,
		 1 / q->lambda, 1 / q->mu);
	char *dir;
	json_t *s = tu_run_ok(text, &dir);
	int c = (int)lround(q->machines * q->cpu_per_machine);
	double rho = q->lambda / (c * q->mu);
	double wq_theory = erlang_c_wait(c, q->lambda, q->mu);
	double wq = tu_num(s, "wait_scheduled.mean");
	double util = tu_num(s, "utilization.cpu");
	double lq = mean_pending(dir);
	double submitted = tu_num(s, "jobs.submitted");
	double lambda_hat = submitted / q->duration;
	printf("  M/M/%d rho=%.2f: W_q %.4f (Erlang C %.4f), utilization %.4f (rho %.4f), "
	       "L_q %.4f (lambda W_q %.4f), %.0f jobs\n",
	       c, rho, wq, wq_theory, util, rho, lq, lambda_hat * wq, submitted);
	assert_near(wq, wq_theory, wait_tol);
	assert_near(util, rho, 0.015);
	/* Little's law on this sample path, with the observed arrival rate */
	assert_near(lq, lambda_hat * wq, 0.03);
	/* zero decision time: the scheduler is never busy, never abandons */
	assert_true(tu_num(s, "schedulers.monolithic.busy") == 0);
	assert_true(tu_num(s, "jobs.abandoned") == 0);
	json_decref(s);
	tu_rm_rf(dir);
	free(dir);
}

static void test_mm1(void **state)
{
	struct mmc q = {1, 1, 0.5, 1.0, 400000, 11};
	run_mmc(&q, 0.04);
}

static void test_mm1_heavy(void **state)
{
	struct mmc q = {1, 1, 0.8, 1.0, 1500000, 12};
	run_mmc(&q, 0.06);
}

static void test_mmc_4(void **state)
{
	struct mmc q = {4, 1, 3.0, 1.0, 200000, 13};
	run_mmc(&q, 0.04);
}

/* Eight one-core servers as two four-core machines: packing one-core
 * tasks onto multi-core machines is still M/M/8. */
static void test_mmc_8_on_two_machines(void **state)
{
	struct mmc q = {2, 4, 6.4, 1.0, 100000, 14};
	run_mmc(&q, 0.05);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm1),
		cmocka_unit_test(test_mm1_heavy),
		cmocka_unit_test(test_mmc_4),
		cmocka_unit_test(test_mmc_8_on_two_machines),
	};
	return cmocka_run_group_tests_name("queueing", tests, NULL, NULL);
}
