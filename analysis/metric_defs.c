/* analysis/metric_defs — see metric_defs.h.
 *
 * Directions: what a scheduler should raise (utilization, completed and
 * scheduled jobs, availability) is better higher; what describes the
 * input or the activity rather than its quality (seeds, submitted jobs,
 * transactions and offers, prefill, traces, request counts, the failures
 * injected) is neutral: a change is reported, never a regression; every
 * other metric (waits, slowdown, busyness, conflicts, abandoned and
 * unscheduled jobs, lost tasks, 404s) is better lower.
 * Tolerances: 5% by default; a p99 is the tail of a few hundred jobs in a
 * short run and moves more from seed to seed, so 10%; utilization moves
 * little, so 2%. */
#include "analysis/metric_defs.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "sim/alloc.h"

#define HI CS_HIGHER_IS_BETTER
#define LO CS_LOWER_IS_BETTER
#define NE CS_NEUTRAL

static const struct cs_metric_def table[] = {
	/* descriptive: neutral */
	{"seed", NE, 5, "", "seed"},
	{"replications", NE, 5, "", "replications"},
	{"seeds*", NE, 5, "", "seeds"},
	{"simulated_seconds", NE, 5, "s", "simulated time"},
	{"*jobs.submitted", NE, 5, "jobs", "jobs submitted"},
	{"*.transactions", NE, 5, "", "transactions"},
	{"*.offers", NE, 5, "", "offers"},
	{"*.declines", NE, 5, "", "declines"},
	{"*.allocation_rounds", NE, 5, "", "allocation rounds"},
	{"*.jobs", NE, 5, "jobs", "jobs"},
	{"prefill.*", NE, 5, "", NULL},
	{"traces.*", NE, 5, "", NULL},
	{"balancer.requests", NE, 5, "requests", "requests"},
	{"balancer.sends", NE, 5, "requests", "sends"},
	{"balancer.polls", NE, 5, "requests", "polls"},
	{"balancer.opens", NE, 5, "", "session opens"},
	{"balancer.sessions_per_server*", NE, 5, "sessions", "sessions per server"},
	{"balancer.tls_cpu_seconds*", NE, 5, "s", "TLS handshake cpu"},
	{"apps.*.desired", NE, 5, "instances", "desired instances"},
	{"apps.*.versions", NE, 5, "", "versions"},
	{"apps.*.deleted_at", NE, 5, "s", "deleted at"},
	{"failures.failures", NE, 5, "", "failures"},
	{"failures.repairs", NE, 5, "", "repairs"},
	{"failures.machine_failures", NE, 5, "", "machine failures"},
	{"failures.machine_down_seconds", NE, 5, "s", "machine down time"},
	{"autoscaling.*scale_outs", NE, 5, "", "scale-outs"},
	{"autoscaling.*scale_ins", NE, 5, "", "scale-ins"},
	{"autoscaling.*instances_launched", NE, 5, "instances", "instances launched"},
	{"autoscaling.*instances_terminated", NE, 5, "instances", "instances terminated"},
	{"autoscaling.*spot_interruptions", NE, 5, "", "spot interruptions"},
	{"autoscaling.*unhealthy_replaced", NE, 5, "instances", "failed instances replaced"},
	{"autoscaling.*mean_instances", NE, 5, "instances", "instances (mean)"},
	{"autoscaling.*peak_instances", NE, 5, "instances", "instances (peak)"},
	{"autoscaling.*final_desired", NE, 5, "instances", "desired capacity at the end"},
	{"autoscaling.*price_per_hour", NE, 5, "per hour", "price"},
	{"autoscaling.*machine_hours", LO, 5, "machine-hours", "machine-hours"},
	{"autoscaling.*cost", LO, 5, "currency", "cost"},
	{"autoscaling.*tasks_killed", LO, 5, "tasks", "tasks killed by scale-in"},
	{"helix.*.transitions", NE, 5, "", "state transitions"},
	{"helix.*.partitions", NE, 5, "partitions", "partitions"},
	{"helix.*.replicas", NE, 5, "replicas", "replicas"},
	{"helix.*.node_events", NE, 5, "", "node events"},
	{"helix.*seconds_without_master", LO, 5, "partition-seconds", "time without a master"},
	{"helix.*recovery_seconds", LO, 5, "s", "recovery time"},
	{"helix.*max_over_mean_masters", LO, 5, "max / mean per node", "master balance"},
	{"helix.*.partition_moves", LO, 5, "replicas", "partition moves"},
	{"run.simulated_seconds", NE, 5, "s", "simulated time"},
	{"run.events", NE, 5, "events", "events"},
	{"run.version", NE, 5, "", NULL},
	/* better higher */
	{"utilization.cpu", HI, 2, "fraction of the cell", "cpu utilization"},
	{"utilization.mem", HI, 2, "fraction of the cell", "memory utilization"},
	{"utilization.*", HI, 2, "fraction of the cell", "utilization"},
	{"*jobs.completed", HI, 5, "jobs", "jobs completed"},
	{"*jobs.scheduled", HI, 5, "jobs", "jobs scheduled"},
	{"balancer.connect_success_per_open", HI, 5, "fraction of opens", "connect success"},
	{"apps.*.availability", HI, 5, "fraction of time", "availability"},
	{"apps.*.running_mean", HI, 5, "instances", "instances running (mean)"},
	{"failures.machine_availability", HI, 5, "fraction of time", "machine availability"},
	{"run.events_per_second", HI, 5, "events/s", "simulator speed"},
	/* better lower: the rest; named where a figure shows them */
	{"*wait_first_attempt.p99", LO, 10, "s", "wait to first attempt, p99"},
	{"*wait_scheduled.p99", LO, 10, "s", "wait until fully placed, p99"},
	{"*.p99", LO, 10, "", NULL},
	{"*wait_first_attempt.*", LO, 5, "s", "wait to first attempt"},
	{"*wait_scheduled.*", LO, 5, "s", "wait until fully placed"},
	{"*slowdown_bounded.*", LO, 5, "", "bounded slowdown"},
	{"makespan", LO, 5, "s", "makespan"},
	{"*.busy", LO, 5, "fraction of time", "scheduler busyness"},
	{"*.busy_wasted", LO, 5, "fraction of time", "wasted busyness"},
	{"*.conflict_fraction", LO, 5, "per successful transaction", "conflict fraction"},
	{"*.conflicts", LO, 5, "transactions", "conflicts"},
	{"*jobs.abandoned", LO, 5, "jobs", "jobs abandoned"},
	{"*jobs.unscheduled", LO, 5, "jobs", "jobs unscheduled"},
	{"*jobs_abandoned", LO, 5, "jobs", "jobs abandoned"},
	{"balancer.send_404_rate", LO, 5, "fraction of sends", "404s on send"},
	{"balancer.lost_session_rate", LO, 5, "fraction of polls", "lost sessions"},
	{"balancer.imbalance.*", LO, 5, "", "imbalance"},
	{"apps.*.restore_seconds.*", LO, 5, "s", "restore time"},
	{"run.wall_seconds", LO, 5, "s", "wall time"},
	{"run.peak_rss_mib", LO, 5, "MiB", "peak memory"},
	{"*", LO, 5, "", NULL},
};

const struct cs_metric_def *cs_metric_def(const char *key)
{
	size_t n = sizeof table / sizeof *table;
	for (size_t i = 0; i + 1 < n; i++)
		if (fnmatch(table[i].pattern, key, 0) == 0)
			return &table[i];
	return &table[n - 1];
}

const char *cs_direction_name(enum cs_direction d)
{
	return d == HI ? "higher is better" : d == LO ? "lower is better" : "neutral";
}

char *cs_metric_axis_label(const char *key)
{
	const struct cs_metric_def *d = cs_metric_def(key);
	const char *name = d->name ? d->name : key;
	return *d->unit ? cs_xasprintf("%s (%s)", name, d->unit) : cs_xstrdup(name);
}
