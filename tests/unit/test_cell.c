/* Cell, capacity index and placement policies on hand-built cells. */
#include <math.h>

#include "testutil.h"

#include "sim/placement.h"
#include "sim/cell.h"
#include "sim/rng.h"

#define Q(x) cs_qty_from_double(x)

static struct cs_res res(double cpu, double mem)
{
	struct cs_res r = {Q(cpu), Q(mem), 0};
	return r;
}

/* Machines 0..n-1 of the given cpus, mem = 4 x cpu. */
static void build(struct cs_cell *c, struct cs_engine *e, const double *cpus, int n)
{
	cs_engine_init(e);
	cs_cell_init(c, e);
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof name, "c%d", i);
		struct cs_res cap = {Q(cpus[i]), Q(4 * cpus[i]), Q(1000)};
		cs_cell_add_class(c, name, 1, cap, NULL);
	}
}

static void test_claim_release(void **state)
{
	struct cs_engine e;
	struct cs_cell c;
	double cpus[3] = {4, 8, 2};
	build(&c, &e, cpus, 3);
	struct cs_job *job = cs_job_new(3);
	cs_job_tasks(job);
	job->req = res(2, 4);
	assert_true(cs_cell_fits(&c, 0, &job->req));
	assert_int_equal(c.mach[0].seq, 0);
	cs_cell_claim(&c, &job->tasks[0], 0);
	cs_cell_claim(&c, &job->tasks[1], 0);
	assert_false(cs_cell_fits(&c, 0, &job->req)); /* 4 of 4 cores used */
	assert_int_equal(c.mach[0].seq, 2);
	assert_int_equal(c.mach[0].ntasks, 2);
	assert_int_equal(c.total_used.cpu, Q(4));
	assert_true(cs_cell_check(&c, job));
	cs_cell_release(&c, &job->tasks[0], CS_TASK_FINISHED);
	assert_int_equal(c.mach[0].seq, 3);
	assert_int_equal(job->tasks[0].state, CS_TASK_FINISHED);
	assert_true(cs_cell_fits(&c, 0, &job->req));
	assert_true(cs_cell_check(&c, job));
	/* with claims only bumping (Omega's "sequence_bump": "claims"), a
	 * release leaves the number as it was */
	cs_cell_set_release_bump(&c, false);
	cs_cell_release(&c, &job->tasks[1], CS_TASK_KILLED);
	assert_int_equal(c.mach[0].seq, 3);
	assert_int_equal(c.total_used.cpu, 0);
	assert_int_equal(c.mach[0].used.mem, 0);
	assert_int_equal(job->ended, 2);
	cs_job_free(job);
	cs_cell_release_all(&c);
	cs_engine_release(&e);
}

static void test_down_machine(void **state)
{
	struct cs_engine e;
	struct cs_cell c;
	double cpus[2] = {4, 4};
	build(&c, &e, cpus, 2);
	struct cs_res r = res(1, 1);
	cs_cell_set_up(&c, 1, false);
	assert_false(cs_cell_fits(&c, 1, &r));
	assert_int_equal(c.total_cap.cpu, Q(4));
	assert_int_equal(cs_capindex_first_fit(cs_cell_index(&c), 0, r.cpu, r.mem), 0);
	assert_int_equal(cs_capindex_first_fit(cs_cell_index(&c), 1, r.cpu, r.mem), CS_NO_MACHINE);
	cs_cell_set_up(&c, 1, true);
	assert_int_equal(cs_capindex_first_fit(cs_cell_index(&c), 1, r.cpu, r.mem), 1);
	cs_cell_release_all(&c);
	cs_engine_release(&e);
}

/* The capacity index answers like a linear scan, through random changes. */
static void test_capindex_matches_scan(void **state)
{
	enum { N = 300 };
	struct cs_engine e;
	struct cs_cell c;
	double cpus[N];
	for (int i = 0; i < N; i++)
		cpus[i] = 1 + i % 7;
	build(&c, &e, cpus, N);
	gsl_rng *rng = cs_rng_stream(3, "capindex");
	struct cs_res unit = res(0.5, 1);
	for (int step = 0; step < 20000; step++) {
		uint32_t m = (uint32_t)gsl_rng_uniform_int(rng, N);
		int sign = gsl_rng_uniform(rng) < 0.55 ? 1 : -1;
		if (sign > 0 && cs_cell_fits(&c, m, &unit))
			cs_cell_adjust(&c, m, &unit, +1);
		else if (sign < 0 && c.mach[m].used.cpu >= unit.cpu && c.mach[m].used.mem >= unit.mem)
			cs_cell_adjust(&c, m, &unit, -1);
		if (step % 50 == 0)
			cs_cell_set_up(&c, (uint32_t)gsl_rng_uniform_int(rng, N), gsl_rng_uniform(rng) < 0.8);
		double want_cpu = 0.5 * (double)(1 + gsl_rng_uniform_int(rng, 8));
		struct cs_res q = res(want_cpu, want_cpu);
		uint32_t from = (uint32_t)gsl_rng_uniform_int(rng, N);
		uint32_t scan = CS_NO_MACHINE;
		for (uint32_t k = from; k < N && scan == CS_NO_MACHINE; k++)
			if (cs_cell_fits(&c, k, &q))
				scan = k;
		assert_int_equal(cs_capindex_first_fit(cs_cell_index(&c), from, q.cpu, q.mem), scan);
	}
	gsl_rng_free(rng);
	cs_cell_release_all(&c);
	cs_engine_release(&e);
}

static uint32_t pick(enum cs_placement policy, struct cs_cell *c, struct cs_res r)
{
	struct cs_placer p;
	cs_placer_init(&p, policy, c->n, cs_rng_stream(1, "t"));
	cs_placer_begin_job(&p, c);
	uint32_t m = cs_placer_pick(&p, c, &r);
	cs_placer_release(&p);
	return m;
}

static void test_policies(void **state)
{
	struct cs_engine e;
	struct cs_cell c;
	/* free cpu after this: m0 1 of 4, m1 6 of 8, m2 2 of 2, m3 3 of 16 */
	double cpus[4] = {4, 8, 2, 16};
	build(&c, &e, cpus, 4);
	struct cs_res u3 = res(3, 0), u2 = res(2, 0), u13 = res(13, 0);
	cs_cell_adjust(&c, 0, &u3, +1);
	cs_cell_adjust(&c, 1, &u2, +1);
	cs_cell_adjust(&c, 3, &u13, +1);
	struct cs_res need = res(2, 1);
	assert_int_equal(pick(CS_PLACE_FIRST_FIT, &c, need), 1);
	/* left after: m1 4/8 + (32-1-0)/32..., m2 0/2, m3 1/16: best is m2 */
	assert_int_equal(pick(CS_PLACE_BEST_FIT, &c, need), 2);
	assert_int_equal(pick(CS_PLACE_WORST_FIT, &c, need), 1);
	/* random first fit lands on a machine where it fits */
	for (int i = 0; i < 20; i++) {
		struct cs_placer p;
		cs_placer_init(&p, CS_PLACE_RANDOM_FIRST_FIT, c.n, cs_rng_stream((uint64_t)i, "r"));
		cs_placer_begin_job(&p, &c);
		uint32_t m = cs_placer_pick(&p, &c, &need);
		assert_true(m == 1 || m == 2 || m == 3);
		cs_placer_release(&p);
	}
	/* nothing fits 7 cores */
	struct cs_res big = res(7, 0);
	for (int pol = 0; pol < 4; pol++)
		assert_int_equal(pick((enum cs_placement)pol, &c, big), CS_NO_MACHINE);
	/* down machines are never picked */
	cs_cell_set_up(&c, 1, false);
	cs_cell_set_up(&c, 2, false);
	assert_int_equal(pick(CS_PLACE_FIRST_FIT, &c, need), 3);
	assert_int_equal(pick(CS_PLACE_BEST_FIT, &c, need), 3);
	assert_int_equal(pick(CS_PLACE_RANDOM_FIRST_FIT, &c, need), 3);
	cs_cell_release_all(&c);
	cs_engine_release(&e);
}

/* Random first fit drops machines that do not fit for the rest of the
 * job: after one full failure, the next pick fails at once. */
static void test_random_first_fit_candidates(void **state)
{
	struct cs_engine e;
	struct cs_cell c;
	double cpus[50];
	for (int i = 0; i < 50; i++)
		cpus[i] = 1;
	build(&c, &e, cpus, 50);
	struct cs_placer p;
	cs_placer_init(&p, CS_PLACE_RANDOM_FIRST_FIT, c.n, cs_rng_stream(9, "r"));
	cs_placer_begin_job(&p, &c);
	struct cs_res one = res(1, 1);
	int placed = 0;
	for (;;) {
		uint32_t m = cs_placer_pick(&p, &c, &one);
		if (m == CS_NO_MACHINE)
			break;
		cs_cell_adjust(&c, m, &one, +1);
		placed++;
	}
	assert_int_equal(placed, 50);
	assert_int_equal(p.ncand, 0);
	/* the permutation is still a permutation */
	int seen[50] = {0};
	for (int i = 0; i < 50; i++)
		seen[p.perm[i]]++;
	for (int i = 0; i < 50; i++)
		assert_int_equal(seen[i], 1);
	cs_placer_release(&p);
	cs_cell_release_all(&c);
	cs_engine_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_release),
		cmocka_unit_test(test_down_machine),
		cmocka_unit_test(test_capindex_matches_scan),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_random_first_fit_candidates),
	};
	return cmocka_run_group_tests_name("cell", tests, NULL, NULL);
}
