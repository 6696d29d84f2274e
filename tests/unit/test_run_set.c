/* schedulers/run_set: random adds and removes against a plain model; the
 * walk forwards and backwards is always in (estimated end, id) order,
 * with the tail and count right, as the set grows, shrinks to empty and
 * grows again (levels in use go up and down; entries are reused). */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "schedulers/run_set.h"
#include "sim/fastrng.h"

enum { MAXJ = 3000 };

static void check(const struct cs_run_set *s, struct cs_run_entry **live, size_t nlive)
{
	/* the model: live entries sorted by (est_end, id) */
	size_t n = 0;
	const struct cs_run_entry *prev = NULL;
	for (const struct cs_run_entry *e = cs_run_set_first(s); e; e = e->next[0], n++) {
		assert_ptr_equal(e->prev, prev);
		if (prev)
			assert_true(prev->est_end < e->est_end || (prev->est_end == e->est_end && prev->id < e->id));
		prev = e;
	}
	assert_ptr_equal(s->tail, prev);
	assert_int_equal(n, nlive);
	assert_int_equal(s->n, nlive);
	/* each live entry is reachable at every one of its levels */
	for (size_t i = 0; i < nlive; i++)
		for (int l = 0; l < live[i]->levels; l++) {
			const struct cs_run_entry *x = s->head;
			while (x && x != live[i])
				x = x->next[l];
			assert_ptr_equal(x, live[i]);
		}
}

static void test_random_against_model(void **state)
{
	static struct cs_job jobs[MAXJ];
	struct cs_run_entry *live[MAXJ];
	size_t nlive = 0;
	struct cs_run_set s;
	cs_run_set_init(&s);
	struct cs_fastrng r = {.state = 7};
	uint64_t next_id = 1;
	for (int phase = 0; phase < 4; phase++) {
		/* grow (phase 0, 2), then shrink to empty (1, 3) */
		int steps = phase % 2 == 0 ? 2500 : 4000;
		for (int i = 0; i < steps; i++) {
			bool add = phase % 2 == 0 ? cs_fastrng_below(&r, 4) != 0 : cs_fastrng_below(&r, 4) == 0;
			if (add && nlive < MAXJ && next_id <= MAXJ * 4) {
				struct cs_job *j = &jobs[nlive];
				memset(j, 0, sizeof *j);
				j->id = next_id++;
				/* few distinct ends: ties broken by id */
				cs_time end = (cs_time)cs_fastrng_below(&r, 50) * 1000;
				if (cs_fastrng_below(&r, 20) == 0)
					end = CS_TIME_NEVER;
				live[nlive++] = cs_run_set_add(&s, j, end, (struct cs_res){1, 1, 0});
			} else if (nlive > 0) {
				size_t k = cs_fastrng_below(&r, (uint32_t)nlive);
				cs_run_set_remove(&s, live[k]);
				live[k] = live[--nlive];
			}
			if (i % 97 == 0)
				check(&s, live, nlive);
		}
		while (phase % 2 == 1 && nlive > 0) {
			cs_run_set_remove(&s, live[--nlive]);
		}
		check(&s, live, nlive);
		if (phase % 2 == 1)
			assert_int_equal(s.level, 1);
	}
	cs_run_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
