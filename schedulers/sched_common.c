/* schedulers/sched_common — see sched_common.h. */
#include "schedulers/sched_common.h"

#include <stdio.h>

#include "sim/host.h"

void cs_job_list_push(struct cs_job_list *l, struct cs_job *job)
{
	job->slot[l->layer].next = NULL;
	if (l->tail)
		l->tail->slot[l->layer].next = job;
	else
		l->head = job;
	l->tail = job;
	l->n++;
}

void cs_job_list_push_front(struct cs_job_list *l, struct cs_job *job)
{
	job->slot[l->layer].next = l->head;
	l->head = job;
	if (!l->tail)
		l->tail = job;
	l->n++;
}

struct cs_job *cs_job_list_pop(struct cs_job_list *l)
{
	struct cs_job *job = l->head;
	if (!job)
		return NULL;
	l->head = job->slot[l->layer].next;
	if (!l->head)
		l->tail = NULL;
	job->slot[l->layer].next = NULL;
	l->n--;
	return job;
}

void cs_job_list_append(struct cs_job_list *dst, struct cs_job_list *src)
{
	if (!src->head)
		return;
	/* (lists of one layer only) */
	if (dst->tail)
		dst->tail->slot[dst->layer].next = src->head;
	else
		dst->head = src->head;
	dst->tail = src->tail;
	dst->n += src->n;
	src->head = src->tail = NULL;
	src->n = 0;
}

int cs_decision_time_parse(const struct cs_cfg *cfg, json_t *obj, const char *path,
			   struct cs_decision_time *out)
{
	return cs_cfg_time(cfg, obj, path, "t_job", 0.1, CS_CFG_NONNEG, &out->t_job) < 0 ||
	       cs_cfg_time(cfg, obj, path, "t_task", 0.005, CS_CFG_NONNEG, &out->t_task) < 0 ? -1 : 0;
}

int cs_retry_parse(const struct cs_cfg *cfg, json_t *config, const char *path, struct cs_retry *out)
{
	static const char *const modes[] = {"event", "interval", NULL};
	int mode;
	uint64_t max_attempts;
	if (cs_cfg_enum(cfg, config, path, "retry", "interval", modes, &mode) < 0 ||
	    cs_cfg_time(cfg, config, path, "retry_interval", 1, CS_CFG_POSITIVE, &out->interval) < 0 ||
	    cs_cfg_count(cfg, config, path, "max_attempts", 1000, 0, 0, UINT32_MAX, &max_attempts) < 0 ||
	    cs_cfg_bool(cfg, config, path, "count_failed_attempts", true, &out->count_failed) < 0)
		return -1;
	out->mode = mode == 0 ? CS_RETRY_EVENT : CS_RETRY_INTERVAL;
	out->max_attempts = (uint32_t)max_attempts;
	return 0;
}

int cs_map_workloads(const struct cs_cfg *cfg, const struct cs_host *h, json_t *agents,
		     const char *path, const uint32_t *preferred, uint32_t *agent_of)
{
	for (uint32_t i = 0; i < h->nworkloads; i++)
		agent_of[i] = UINT32_MAX;
	int catch_all = -1;
	for (size_t i = 0; i < json_array_size(agents); i++) {
		char p[256], wp[300];
		cs_path_index(p, sizeof p, path, i);
		json_t *wls = json_object_get(json_array_get(agents, i), "workloads");
		if (!wls) {
			if (catch_all >= 0)
				return cs_error_input(cfg->err, cfg->file, p,
						      "a second entry without \"workloads\" (only one may take the rest)");
			catch_all = (int)i;
			continue;
		}
		cs_path_key(wp, sizeof wp, p, "workloads");
		if (!json_is_array(wls))
			return cs_error_input(cfg->err, cfg->file, wp, "expected a list of workload names");
		for (size_t k = 0; k < json_array_size(wls); k++) {
			char kp[350];
			cs_path_index(kp, sizeof kp, wp, k);
			json_t *nj = json_array_get(wls, k);
			if (!json_is_string(nj))
				return cs_error_input(cfg->err, cfg->file, kp, "expected a workload name");
			int wi = cs_host_workload(h, json_string_value(nj));
			if (wi < 0)
				return cs_error_input(cfg->err, cfg->file, kp, "no workload is named \"%s\"",
						      json_string_value(nj));
			if (agent_of[wi] != UINT32_MAX)
				return cs_error_input(cfg->err, cfg->file, kp,
						      "workload \"%s\" is already served by another entry",
						      json_string_value(nj));
			agent_of[wi] = (uint32_t)i;
		}
	}
	for (uint32_t i = 0; i < h->nworkloads; i++) {
		if (agent_of[i] != UINT32_MAX)
			continue;
		if (preferred && preferred[i] != UINT32_MAX) {
			agent_of[i] = preferred[i];
			continue;
		}
		if (catch_all < 0)
			return cs_error_input(cfg->err, cfg->file, path, "nothing serves workload \"%s\"",
					      h->workload_names[i]);
		agent_of[i] = (uint32_t)catch_all;
	}
	return 0;
}

enum cs_next cs_attempt_end(struct cs_host *h, const struct cs_ladder *l, struct cs_sched_stats *st,
			    struct cs_job *job, const struct cs_attempt *a)
{
	const struct cs_retry *r = l->retry;
	if (!l->transactions) {
		st->transactions++;
		if (a->placed > 0 || r->count_failed) {
			st->busy += a->decision;
			if (a->placed == 0)
				st->busy_wasted += a->decision;
		}
	} else if (a->tried == 0) {
		if (r->count_failed) {
			st->busy += a->decision;
			st->busy_wasted += a->decision;
		}
	} else {
		st->transactions++;
		st->busy += a->decision;
		if (a->conflicted) {
			st->conflicts++;
			st->busy_wasted += a->decision;
		} else {
			st->successful++;
		}
	}
	if (cs_host_placed(h, job)) {
		if (!l->transactions)
			st->successful++;
		return CS_NEXT_DONE;
	}
	if (cs_retry_give_up(r, job)) {
		st->jobs_abandoned++;
		cs_host_abandon(h, job);
		return CS_NEXT_ABANDONED;
	}
	if (a->conflicted)
		return CS_NEXT_AGAIN;
	if (l->waits_for_offers)
		return CS_NEXT_WAIT;
	if (r->mode == CS_RETRY_INTERVAL) {
		cs_engine_after(h->engine, r->interval, l->later, job);
		return CS_NEXT_LATER;
	}
	return CS_NEXT_PARKED;
}
