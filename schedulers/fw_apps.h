/* schedulers/fw_apps — the offer matcher that the app framework kinds
 * share (Marathon, Aurora, Kubernetes-on-Mesos: fw_marathon.c,
 * fw_aurora.c, fw_kubernetes.c), apart from how each orders its queue and
 * places a job's tasks on the offers it holds.
 *
 * Unlike the "jobs" kind (the Omega study's framework, which blocks on its
 * head job), an app framework does not let one app's unplaceable instance
 * hold up the others, as Marathon's launch queue and Aurora's task groups
 * do not: it keeps its pending jobs in its order and, while it holds
 * offers, decides on the first job that some held offer can take (t_job +
 * t_task x the tasks it still has to place, the decision-time keys),
 * places what it can, and goes on; a job it could not finish is passed
 * over until new offers arrive.  When no pending job can use what it
 * holds, it declines all of it (with its refuse filter).  Every decision
 * is an attempt of the decision ladder (max_attempts abandons, as for
 * every kind). */
#ifndef CS_FW_APPS_H
#define CS_FW_APPS_H
#include "schedulers/framework.h"
#include "schedulers/sched_common.h"

struct cs_fw_apps {
	struct cs_decision_time dt;
	/* whether job a goes before job b (NULL: arrival order) */
	bool (*before)(const struct cs_job *a, const struct cs_job *b);
	/* place job's pending tasks on the held offers; returns how many */
	uint32_t (*place)(struct cs_framework *f, struct cs_job *job);
	struct cs_job **q;      /* pending jobs, in order */
	uint64_t *passed;       /* per entry: the offer epoch it was passed over in */
	size_t n, cap;
	uint64_t epoch;         /* offers_arrived calls */
	bool thinking;
	struct cs_job *current;
	cs_time decision;
};

/* The kind's create: its impl's struct cs_fw_apps (first member), the
 * decision-time keys read; the kind sets before and place. */
int cs_fw_apps_init(struct cs_fw_apps *a, const struct cs_cfg *cfg, json_t *config, const char *path);
void cs_fw_apps_release(struct cs_fw_apps *a);
/* The callbacks, for a kind whose f->impl begins with struct cs_fw_apps. */
void cs_fw_apps_submit(struct cs_framework *f, struct cs_job *job);
bool cs_fw_apps_wants_offers(const struct cs_framework *f);
void cs_fw_apps_offers_arrived(struct cs_framework *f);
/* The decision-time keys of every app kind. */
#define CS_FW_APPS_KEYS "t_job", "t_task"

#endif
