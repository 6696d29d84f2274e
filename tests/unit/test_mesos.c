/* Mesos: DRF, offers, decline filters, locking, timeouts; hand-computed. */
#include <math.h>

#include "testutil.h"

#include "schedulers/drf.h"

#define Q(x) cs_qty_from_double(x)

static void test_drf_share(void **state)
{
	struct cs_res total = {Q(40), Q(160), 0};
	struct cs_res a = {Q(8), Q(8), 0}, b = {Q(2), Q(64), 0};
	assert_true(fabs(cs_drf_share(&a, 1, &total) - 0.2) < 1e-12);  /* cpu dominates */
	assert_true(fabs(cs_drf_share(&b, 1, &total) - 0.4) < 1e-12);  /* memory dominates */
	assert_true(fabs(cs_drf_share(&b, 2, &total) - 0.2) < 1e-12);  /* weight 2 halves it */
}

/* One 4-core agent.  At 1 s A (listed first: a tie at share 0 goes to the
 * name that sorts first) gets the whole agent and runs two cores; at 2 s B
 * gets the rest and runs one.  At 10 s each submits a one-core job and one
 * core is free: DRF offers it to B (share 1/4 < A's 2/4), or to A when A's
 * weight is 4 (2/4 / 4 = 1/8). */
#define FMT_DRF \
	"{\"duration\":60,\"check_invariants\":true," \
	"\"cell\":{\"machines\":[{\"count\":1,\"cpu\":4,\"mem\":\"16GiB\"}]}," \
	"\"workloads\":[" \
	"{\"name\":\"a1\",\"kind\":\"service\",\"arrival\":1,\"max_jobs\":1,\"tasks\":2,\"task_cpu\":1,\"task_mem\":1}," \
	"{\"name\":\"b1\",\"kind\":\"service\",\"arrival\":1,\"max_jobs\":1,\"tasks\":1,\"task_cpu\":1,\"task_mem\":1}," \
	"{\"name\":\"a2\",\"arrival\":10,\"max_jobs\":1,\"task_duration\":1000,\"task_cpu\":1,\"task_mem\":1}," \
	"{\"name\":\"b2\",\"arrival\":10,\"max_jobs\":1,\"task_duration\":1000,\"task_cpu\":1,\"task_mem\":1}]," \
	"\"scheduler\":{\"type\":\"mesos\",\"frameworks\":[" \
	"{\"name\":\"B\",\"workloads\":[\"b1\",\"b2\"],\"t_job\":0.1,\"t_task\":0}," \
	"{\"name\":\"A\",\"workloads\":[\"a1\",\"a2\"],\"weight\":%g,\"t_job\":0.1,\"t_task\":0}]}}"

static void test_drf_offers(void **state)
{
	char text[4096];
	snprintf(text, sizeof text, FMT_DRF, 1.0);
	json_t *s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "workloads.a1.wait_scheduled.mean") == 0.1);
	assert_true(fabs(tu_num(s, "workloads.b1.wait_scheduled.mean") - 1.1) < 1e-9);
	assert_true(tu_num(s, "workloads.b2.jobs.scheduled") == 1);
	assert_true(tu_num(s, "workloads.a2.jobs.scheduled") == 0);
	json_decref(s);
	snprintf(text, sizeof text, FMT_DRF, 4.0);
	s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "workloads.a2.jobs.scheduled") == 1);
	assert_true(tu_num(s, "workloads.b2.jobs.scheduled") == 0);
	json_decref(s);
}

/* Two of the agent's four cores are taken by the prefill; the job needs
 * three.  Each offer is declined at once (nothing fits, no thinking) and
 * filtered for max(refuse_seconds, allocation_interval): offers at 1, 6,
 * ..., 56 with refuse_seconds 5; at every round with 0. */
#define FMT_FILTER \
	"{\"duration\":60,\"cell\":{\"machines\":[{\"count\":1,\"cpu\":4,\"mem\":4}]}," \
	"\"prefill\":{\"utilization\":0.5,\"task_cpu\":1,\"task_mem\":1}," \
	"\"workloads\":[{\"name\":\"j\",\"arrival\":0.5,\"max_jobs\":1,\"task_duration\":10,\"task_cpu\":3,\"task_mem\":1}]," \
	"\"scheduler\":{\"type\":\"mesos\",\"refuse_seconds\":%g,\"frameworks\":[{\"name\":\"F\",\"t_job\":1}]}}"

static void test_decline_filters_expire(void **state)
{
	char text[2048];
	snprintf(text, sizeof text, FMT_FILTER, 5.0);
	json_t *s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "scheduler_metrics.offers") == 12);
	assert_true(tu_num(s, "scheduler_metrics.declines") == 12);
	assert_true(tu_num(s, "schedulers.F.transactions") == 0); /* never worth thinking about */
	assert_true(tu_num(s, "jobs.unscheduled") == 1);
	json_decref(s);
	snprintf(text, sizeof text, FMT_FILTER, 0.0);
	s = tu_run_ok(text, NULL);
	assert_true(tu_num(s, "scheduler_metrics.offers") == 60);
	json_decref(s);
}

/* Filters are per framework: the agent A declined (filtered for A for
 * 30 s) goes to B at the first round after B's job arrives at 2.5 s,
 * although the allocator had found the agent unofferable at 2 s. */
#define FMT_PER_FRAMEWORK \
	"{\"duration\":60,\"cell\":{\"machines\":[{\"count\":1,\"cpu\":4,\"mem\":4}]}," \
	"\"prefill\":{\"utilization\":0.5,\"task_cpu\":1,\"task_mem\":1}," \
	"\"workloads\":[{\"name\":\"j\",\"arrival\":0.5,\"max_jobs\":1,\"task_duration\":10,\"task_cpu\":3,\"task_mem\":1}," \
	"{\"name\":\"k\",\"arrival\":2.5,\"max_jobs\":1,\"task_duration\":10,\"task_cpu\":1,\"task_mem\":1}]," \
	"\"scheduler\":{\"type\":\"mesos\",\"refuse_seconds\":30,\"frameworks\":[" \
	"{\"name\":\"A\",\"workloads\":[\"j\"],\"t_job\":1},{\"name\":\"B\",\"workloads\":[\"k\"],\"t_job\":0.25}]}}"

static void test_filters_per_framework(void **state)
{
	json_t *s = tu_run_ok(FMT_PER_FRAMEWORK, NULL);
	/* offered to B at 3 s, placed after thinking 0.25 s + 5 ms per task */
	assert_near(tu_num(s, "workloads.k.wait_scheduled.mean"), 0.755, 1e-9);
	assert_true(tu_num(s, "jobs.unscheduled") == 1);
	json_decref(s);
}

/* A slow service framework holds offers while it thinks: resources sit
 * locked and the batch framework waits (the Omega paper's Mesos finding);
 * an offer timeout takes them back. */
#define FMT_LOCK \
	"{\"duration\":3600,\"seed\":3,\"check_invariants\":true," \
	"\"cell\":{\"machines\":[{\"count\":20,\"cpu\":4,\"mem\":16}]}," \
	"\"workloads\":[{\"name\":\"b\",\"arrival\":{\"dist\":\"exp\",\"mean\":2},\"tasks\":{\"dist\":\"exp\",\"mean\":4}," \
	"\"task_duration\":{\"dist\":\"exp\",\"mean\":20},\"task_cpu\":0.5,\"task_mem\":1}," \
	"{\"name\":\"s\",\"kind\":\"service\",\"arrival\":{\"dist\":\"exp\",\"mean\":60},\"tasks\":2," \
	"\"task_duration\":300,\"task_cpu\":0.5,\"task_mem\":1}]," \
	"\"scheduler\":{\"type\":\"mesos\",\"offer_timeout\":%s,\"frameworks\":[" \
	"{\"name\":\"batch\",\"workloads\":[\"b\"],\"t_job\":0.1,\"t_task\":0.005}," \
	"{\"name\":\"service\",\"workloads\":[\"s\"],\"t_job\":%g,\"t_task\":0.005}]}}"

static void test_locking(void **state)
{
	char text[4096];
	snprintf(text, sizeof text, FMT_LOCK, "null", 0.1);
	json_t *fast = tu_run_ok(text, NULL);
	snprintf(text, sizeof text, FMT_LOCK, "null", 30.0);
	json_t *slow = tu_run_ok(text, NULL);
	snprintf(text, sizeof text, FMT_LOCK, "5", 30.0);
	json_t *timed = tu_run_ok(text, NULL);
	double lf = tu_num(fast, "scheduler_metrics.locked_cpu"), ls = tu_num(slow, "scheduler_metrics.locked_cpu");
	double wf = tu_num(fast, "workloads.b.wait_scheduled.mean"), ws = tu_num(slow, "workloads.b.wait_scheduled.mean");
	double wt = tu_num(timed, "workloads.b.wait_scheduled.mean");
	printf("  locked cpu %.3f -> %.3f; batch wait %.2f s -> %.2f s (offer timeout 5 s: %.2f s, %g rescinded)\n",
	       lf, ls, wf, ws, wt, tu_num(timed, "scheduler_metrics.rescinded"));
	assert_true(ls > 5 * lf);
	assert_true(ws > 2 * wf);
	assert_true(tu_num(timed, "scheduler_metrics.rescinded") > 0);
	assert_true(wt < ws);
	assert_true(tu_num(slow, "schedulers.service.busy") <= 1.0);
	json_decref(fast);
	json_decref(slow);
	json_decref(timed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drf_share),
		cmocka_unit_test(test_drf_offers),
		cmocka_unit_test(test_decline_filters_expire),
		cmocka_unit_test(test_filters_per_framework),
		cmocka_unit_test(test_locking),
	};
	return cmocka_run_group_tests_name("mesos", tests, NULL, NULL);
}
