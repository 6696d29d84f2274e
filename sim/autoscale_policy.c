/* sim/autoscale_policy — see autoscale_policy.h (sources cited there). */
#include "sim/autoscale_policy.h"

#include <math.h>
#include <stdlib.h>

const char *const cs_as_adjust_names[] = {"ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity", NULL};
const char *const cs_as_termination_names[] = {"Default", "OldestInstance", "NewestInstance",
					       "ClosestToNextInstanceHour", NULL};

int64_t cs_as_target_capacity(double load, double target)
{
	double want = load / target;
	/* metric and target are ratios of doubles: 0.6 / 0.6 may come out a
	 * few ulps above 1, and ceil would then ask for a whole instance more */
	double c = ceil(want - 1e-9 * (want > 1 ? want : 1));
	if (c > (double)INT32_MAX)
		return INT32_MAX;
	return c < 0 ? 0 : (int64_t)c;
}

/* The guide's rounding of a percentage's result. */
static int64_t round_percent(double x)
{
	if (x >= 1)
		return (int64_t)floor(x);
	if (x > 0)
		return 1;
	if (x == 0)
		return 0;
	if (x > -1)
		return -1;
	return (int64_t)ceil(x);
}

int64_t cs_as_adjusted(int64_t current, enum cs_as_adjust type, double adjustment, int64_t min_magnitude)
{
	switch (type) {
	case CS_AS_EXACT_CAPACITY:
		return (int64_t)adjustment;
	case CS_AS_PERCENT_CHANGE_IN_CAPACITY: {
		int64_t d = round_percent((double)current * adjustment / 100);
		if (min_magnitude > 0 && d != 0 && llabs(d) < min_magnitude)
			d = d > 0 ? min_magnitude : -min_magnitude;
		return current + d;
	}
	case CS_AS_CHANGE_IN_CAPACITY:
	default:
		return current + (int64_t)adjustment;
	}
}

int cs_as_step_index(const struct cs_as_step *steps, size_t n, double threshold, double metric)
{
	double d = metric - threshold;
	for (size_t i = 0; i < n; i++) {
		double lo = isnan(steps[i].lower) ? -(double)INFINITY : steps[i].lower;
		double hi = isnan(steps[i].upper) ? (double)INFINITY : steps[i].upper;
		bool in = d >= 0 ? (lo <= d && d < hi) : (lo < d && d <= hi);
		if (in)
			return (int)i;
	}
	return -1;
}

static int by_lower(const struct cs_as_step *a, const struct cs_as_step *b)
{
	double x = isnan(a->lower) ? -(double)INFINITY : a->lower, y = isnan(b->lower) ? -(double)INFINITY : b->lower;
	return (x > y) - (x < y);
}

int cs_as_steps_check(const struct cs_as_step *steps, size_t n)
{
	size_t open_lo = 0, open_hi = 0;
	for (size_t i = 0; i < n; i++) {
		bool lo = isnan(steps[i].lower), hi = isnan(steps[i].upper);
		if ((lo && hi) || (lo && ++open_lo > 1) || (hi && ++open_hi > 1) ||
		    (!lo && !hi && steps[i].lower >= steps[i].upper))
			return (int)i;
	}
	/* sorted by lower bound, each step's upper must be the next's lower */
	for (size_t i = 0; i < n; i++) {
		size_t next = n;
		for (size_t j = 0; j < n; j++)
			if (j != i && by_lower(&steps[j], &steps[i]) > 0 &&
			    (next == n || by_lower(&steps[j], &steps[next]) < 0))
				next = j;
		if (next == n)
			continue;
		if (isnan(steps[i].upper) || steps[i].upper != steps[next].lower)
			return (int)next;
	}
	return -1;
}

/* Seconds until the instance's next billing hour begins. */
static cs_time to_next_hour(cs_time launched, cs_time now)
{
	const cs_time hour = (cs_time)3600 * 1000000;
	cs_time age = now - launched;
	return hour - age % hour;
}

/* The key a policy minimises for candidate c. */
static cs_time policy_key(enum cs_as_termination p, const struct cs_as_candidate *c, cs_time now)
{
	switch (p) {
	case CS_AS_TERM_OLDEST_INSTANCE:
		return c->launched;
	case CS_AS_TERM_NEWEST_INSTANCE:
		return -c->launched;
	case CS_AS_TERM_DEFAULT:
	case CS_AS_TERM_CLOSEST_TO_NEXT_INSTANCE_HOUR:
	default:
		return to_next_hour(c->launched, now);
	}
}

size_t cs_as_victim(const struct cs_as_candidate *c, size_t n, const enum cs_as_termination *policies, size_t np,
		    cs_time now)
{
	static const enum cs_as_termination def = CS_AS_TERM_DEFAULT;
	if (np == 0) {
		policies = &def;
		np = 1;
	}
	size_t best = 0;
	for (size_t i = 1; i < n; i++) {
		/* i beats best if the first policy that tells them apart
		 * prefers i; if none does, the lower machine wins */
		int cmp = 0;
		for (size_t k = 0; k < np && cmp == 0; k++) {
			cs_time a = policy_key(policies[k], &c[i], now), b = policy_key(policies[k], &c[best], now);
			cmp = (a > b) - (a < b);
		}
		if (cmp < 0 || (cmp == 0 && c[i].machine < c[best].machine))
			best = i;
	}
	return best;
}

/* A candidate with its policies' keys computed once. */
struct keyed {
	cs_time key[4];
	struct cs_as_candidate c;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	for (int k = 0; k < 4; k++)
		if (x->key[k] != y->key[k])
			return x->key[k] < y->key[k] ? -1 : 1;
	return (x->c.machine > y->c.machine) - (x->c.machine < y->c.machine);
}

void cs_as_victim_order(struct cs_as_candidate *c, size_t n, const enum cs_as_termination *policies, size_t np,
			cs_time now)
{
	static const enum cs_as_termination def = CS_AS_TERM_DEFAULT;
	if (np == 0) {
		policies = &def;
		np = 1;
	}
	struct keyed *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		abort();
	for (size_t i = 0; i < n; i++) {
		v[i].c = c[i];
		for (size_t k = 0; k < 4; k++)
			v[i].key[k] = k < np ? policy_key(policies[k], &c[i], now) : 0;
	}
	qsort(v, n, sizeof *v, keyed_cmp);
	for (size_t i = 0; i < n; i++)
		c[i] = v[i].c;
	free(v);
}

double cs_as_billed_seconds(double up, enum cs_as_billing billing, double minimum)
{
	if (up <= 0)
		return 0;
	if (billing == CS_AS_BILL_HOURLY)
		return 3600 * ceil(up / 3600);
	return up < minimum ? minimum : up;
}
