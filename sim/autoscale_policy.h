/* sim/autoscale_policy — the arithmetic of EC2 Auto Scaling, as pure
 * functions: what a scaling policy asks for, given the metric and the
 * group's capacity; which instance a scale-in terminates; what an
 * instance's up time is billed.  No state, no clock, no randomness: the
 * world's group (sim/world_autoscale.c) feeds them and acts on the answers,
 * and tests/unit/test_autoscale.c checks each against hand-worked cases.
 *
 * Sources (Amazon EC2 Auto Scaling User Guide):
 *  - "Target tracking scaling policies": the policy adds or removes
 *    capacity in proportion to keep the metric at the target; a metric
 *    that falls as capacity grows scales proportionally, so the capacity
 *    asked for is ceil(current x metric / target).
 *  - "Step and simple scaling policies", section "Scaling adjustment
 *    types": ChangeInCapacity, ExactCapacity, PercentChangeInCapacity; a
 *    percentage's result is rounded: above 1 rounded down (12.7 -> 12),
 *    between 0 and 1 to 1, between -1 and 0 to -1, below -1 rounded up
 *    (-6.67 -> -6); MinAdjustmentMagnitude (percent only) raises a smaller
 *    change to it (25 % of 4 is 1, with a minimum of 2 the group grows by
 *    2).  "Step adjustments": bounds are relative to the alarm threshold;
 *    above the threshold the lower bound is inclusive and the upper
 *    exclusive, below it the other way round; a missing bound is infinite.
 *  - "Control which Auto Scaling instances terminate during scale in":
 *    OldestInstance, NewestInstance, ClosestToNextInstanceHour, and
 *    Default (in one Availability Zone: closest to the next instance hour,
 *    then random).  Policies listed are applied in order, each narrowing
 *    the candidates; this model breaks a last tie by the lowest machine
 *    index instead of at random (results stay reproducible).
 *  - Amazon EC2 pricing: per-second billing with a 60-second minimum for
 *    Linux instances since October 2017; before it, every started
 *    instance-hour was billed in full. */
#ifndef CS_AUTOSCALE_POLICY_H
#define CS_AUTOSCALE_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

enum cs_as_adjust { CS_AS_CHANGE_IN_CAPACITY, CS_AS_EXACT_CAPACITY, CS_AS_PERCENT_CHANGE_IN_CAPACITY };
extern const char *const cs_as_adjust_names[]; /* "ChangeInCapacity", ... NULL */

/* The capacity target tracking asks for: ceil(load / target), where load
 * is current x metric (the instances' worth of the metric: 10 instances
 * at 90 % cpu are a load of 9; target 0.6 asks for 15), target > 0; a
 * hair of rounding error forgiven so that 4 x 0.6 / 0.6 asks for 4, not
 * 5.  Not clamped. */
int64_t cs_as_target_capacity(double load, double target);

/* The capacity after a simple or step adjustment of current (not clamped):
 * ChangeInCapacity adds adjustment (a whole number); ExactCapacity is
 * adjustment; PercentChangeInCapacity adds adjustment % of current,
 * rounded as the guide says, then raised to min_magnitude (0: none) if it
 * is smaller in magnitude. */
int64_t cs_as_adjusted(int64_t current, enum cs_as_adjust type, double adjustment, int64_t min_magnitude);

static inline int64_t cs_as_clamp(int64_t v, int64_t min, int64_t max)
{
	return v < min ? min : v > max ? max : v;
}

/* One step of a step policy: bounds relative to the threshold (NAN: no
 * bound, -inf for lower, +inf for upper). */
struct cs_as_step {
	double lower, upper;
	double adjustment;
};
/* The step whose interval holds metric - threshold, with the guide's
 * inclusive/exclusive rule (above the threshold: lower <= d < upper;
 * below it: lower < d <= upper); -1 if none (the alarm is not breached
 * or the steps leave a gap). */
int cs_as_step_index(const struct cs_as_step *steps, size_t n, double threshold, double metric);
/* Whether steps are valid as the guide requires: no overlap, no gap, at
 * most one open lower and one open upper bound, never both open in one
 * step.  Returns -1 if valid, else the index of the first bad step. */
int cs_as_steps_check(const struct cs_as_step *steps, size_t n);

enum cs_as_termination {
	CS_AS_TERM_DEFAULT,
	CS_AS_TERM_OLDEST_INSTANCE,
	CS_AS_TERM_NEWEST_INSTANCE,
	CS_AS_TERM_CLOSEST_TO_NEXT_INSTANCE_HOUR,
};
extern const char *const cs_as_termination_names[]; /* "Default", ... NULL */

struct cs_as_candidate {
	uint32_t machine;
	cs_time launched;   /* when the instance was launched (billing starts) */
};
/* The index in c[0..n) of the instance a scale-in terminates at now, by
 * policies[0..np) in order (np 0: Default); ties at the end: the lowest
 * machine.  n >= 1. */
size_t cs_as_victim(const struct cs_as_candidate *c, size_t n, const enum cs_as_termination *policies, size_t np,
		    cs_time now);

/* Sort c[0..n) into the order a scale-in terminates them at now (the
 * victim first, then the one cs_as_victim would pick among the rest, ...):
 * O(n log n), for taking many instances out at once. */
void cs_as_victim_order(struct cs_as_candidate *c, size_t n, const enum cs_as_termination *policies, size_t np,
			cs_time now);

enum cs_as_billing { CS_AS_BILL_PER_SECOND, CS_AS_BILL_HOURLY };
/* The seconds billed for an instance up `up` seconds: per second with a
 * minimum of `minimum` seconds, or every started hour in full. */
double cs_as_billed_seconds(double up, enum cs_as_billing billing, double minimum);

#endif
