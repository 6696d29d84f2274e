/* sim/world_balancer — a session balancer attached to the world
 * (balancer/balancer.h, "attached"): its servers are the running tasks
 * of one workload or controller (balancer.servers.from), placed by
 * whatever scheduler the experiment has -- or of the apps a Kubernetes
 * Service selects (its endpoints: a pod is one while it runs), with the
 * Service's sessionAffinity unless the balancer sets its own.
 *
 * Slots.  The balancer has `slots` servers s1..sN (nginx's upstream
 * entries, an ELB's registered instances).  A task of the workload that
 * starts takes the lowest empty slot, and that server comes up; a task
 * that leaves its machine (finished, failed, killed, lost with its
 * machine) empties its slot, and the server goes down: its sessions go,
 * its websockets drop.  A task that starts while every slot is full
 * waits, in the order of starts, and takes the first slot that empties.
 * So a replacement placed by the scheduler comes up in the slot its
 * predecessor left: nginx's upstream list does not change, its
 * consistent-hash ring neither.
 *
 * The balancer runs on the world's engine from time 0 (its clients
 * arrive at 0, and get 502 until a server is up), with the world's seed
 * and output.sample_interval; it needs a duration. */
#include <stdlib.h>
#include <string.h>

#include "balancer/balancer.h"
#include "sim/alloc.h"
#include "sim/world_internal.h"
#include "specs/spec.h"

struct cs_world_balancer {
	struct cs_balancer *b;
	const char *from;          /* the workload's, controller's or Service's name */
	uint32_t nslots;
	struct cs_task **slot;     /* the task in each slot; NULL: empty */
	struct cs_task **waiting;  /* running tasks without a slot, by start */
	size_t nwaiting, capwaiting;
	uint64_t filled, vacated, waiting_peak;
	uint32_t empty;            /* slots empty now */
	double empty_area;         /* slot x seconds empty */
	cs_time empty_since;       /* the last change of `empty` */
};

int cs_world_parse_balancer(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	if (!json_object_get(exp, "balancer")) {
		static const char *const model_keys[] = {"clients", "sockjs"};
		for (size_t i = 0; i < 2; i++)
			if (json_object_get(exp, model_keys[i]))
				return cs_error_input(cfg->err, cfg->file, model_keys[i],
						      "only with a \"balancer\" (session balancing)");
		return 0;
	}
	json_t *bj = json_object_get(exp, "balancer");
	char got[128];
	if (!json_is_object(bj))
		return cs_error_input(cfg->err, cfg->file, "balancer", "expected an object (got %s)",
				      cs_cfg_got(bj, got, sizeof got));
	if (!cs_balancer_is_attached(exp))
		return cs_error_input(cfg->err, cfg->file, "balancer.servers",
				      "a balancer beside a cell takes its servers from a workload: "
				      "{\"from\": NAME, \"slots\": N} (got %s)",
				      json_object_get(bj, "servers") ? cs_cfg_got(json_object_get(bj, "servers"), got, sizeof got)
								     : "none");
	if (w->duration == CS_TIME_NEVER)
		return cs_error_input(cfg->err, cfg->file, "duration",
				      "missing (the balancer's clients keep coming: a run with one needs a duration)");
	/* a Kubernetes Service: the pods of the apps it selects, and its
	 * sessionAffinity unless the balancer sets one */
	json_t *fj = json_object_get(json_object_get(bj, "servers"), "from");
	uint32_t *wls = cs_xmalloc((w->nworkloads ? w->nworkloads : 1) * sizeof *wls);
	size_t nwl = 0;
	const struct cs_app *svc = json_is_string(fj) ? cs_world_service(w, json_string_value(fj), wls, &nwl) : NULL;
	if (svc && !json_object_get(bj, "session_affinity")) {
		json_object_set_new(bj, "session_affinity", json_string(svc->k8s.session_affinity ? "ClientIP" : "None"));
		if (svc->k8s.session_affinity && !json_object_get(bj, "session_affinity_timeout"))
			json_object_set_new(bj, "session_affinity_timeout", json_real(svc->k8s.affinity_timeout));
	}
	struct cs_balancer *b = cs_balancer_attach(exp, cfg, &w->engine, w->seed, w->duration, w->sample_interval,
						   &w->limits);
	if (!b) {
		free(wls);
		return -1;
	}
	int wl = svc ? 0 : cs_world_workload(w, cs_balancer_from(b));
	if (wl < 0 || (svc && nwl == 0)) {
		if (svc)
			cs_error_input(cfg->err, cfg->file, "balancer.servers.from", "the Service %s selects none of the apps",
				       svc->name);
		else
			cs_error_input(cfg->err, cfg->file, "balancer.servers.from",
				       "no workload, controller or Kubernetes Service is named \"%s\"", cs_balancer_from(b));
		cs_balancer_free(b);
		free(wls);
		return -1;
	}
	if (!svc)
		wls[nwl++] = (uint32_t)wl;
	struct cs_world_balancer *wb = cs_xcalloc(1, sizeof *wb);
	wb->b = b;
	wb->from = cs_balancer_from(b);
	wb->nslots = cs_balancer_slots(b);
	wb->slot = cs_xcalloc(wb->nslots, sizeof *wb->slot);
	wb->empty = wb->nslots;
	w->balancer = wb;
	for (size_t i = 0; i < nwl; i++)
		w->workloads[wls[i]].watched = true;
	free(wls);
	cs_balancer_series_add(b, &w->series);
	return 0;
}

void cs_world_start_balancer(struct cs_world *w)
{
	if (w->balancer)
		cs_balancer_start(w->balancer->b, w->err, w->file, &w->failed);
}

static void empty_change(struct cs_world_balancer *wb, cs_time now, int d)
{
	wb->empty_area += (double)wb->empty * cs_time_to_seconds(now - wb->empty_since);
	wb->empty_since = now;
	wb->empty = (uint32_t)((int32_t)wb->empty + d);
}

static void fill(struct cs_world *w, uint32_t k, struct cs_task *task)
{
	struct cs_world_balancer *wb = w->balancer;
	wb->slot[k] = task;
	wb->filled++;
	empty_change(wb, cs_engine_now(&w->engine), -1);
	cs_balancer_server_up(wb->b, k);
}

void cs_world_balancer_task_started(struct cs_world *w, struct cs_task *task)
{
	struct cs_world_balancer *wb = w->balancer;
	for (uint32_t k = 0; k < wb->nslots; k++)
		if (!wb->slot[k]) {
			fill(w, k, task);
			return;
		}
	CS_GROW(wb->waiting, wb->capwaiting, wb->nwaiting + 1);
	wb->waiting[wb->nwaiting++] = task;
	if (wb->nwaiting > wb->waiting_peak)
		wb->waiting_peak = wb->nwaiting;
}

void cs_world_balancer_task_left(struct cs_world *w, struct cs_task *task)
{
	struct cs_world_balancer *wb = w->balancer;
	for (uint32_t k = 0; k < wb->nslots; k++) {
		if (wb->slot[k] != task)
			continue;
		wb->slot[k] = NULL;
		wb->vacated++;
		empty_change(wb, cs_engine_now(&w->engine), 1);
		cs_balancer_server_down(wb->b, k);
		if (wb->nwaiting > 0) { /* the first waiting task takes it */
			struct cs_task *next = wb->waiting[0];
			memmove(wb->waiting, wb->waiting + 1, --wb->nwaiting * sizeof *wb->waiting);
			fill(w, k, next);
		}
		return;
	}
	for (size_t i = 0; i < wb->nwaiting; i++)
		if (wb->waiting[i] == task) {
			memmove(wb->waiting + i, wb->waiting + i + 1, (wb->nwaiting - i - 1) * sizeof *wb->waiting);
			wb->nwaiting--;
			return;
		}
}

json_t *cs_world_balancer_summary(struct cs_world *w)
{
	struct cs_world_balancer *wb = w->balancer;
	json_t *o = cs_balancer_summary(wb->b);
	empty_change(wb, cs_engine_now(&w->engine), 0);
	json_t *slots = json_object();
	json_object_set_new(slots, "from", json_string(wb->from));
	json_object_set_new(slots, "count", json_integer(wb->nslots));
	json_object_set_new(slots, "filled", json_integer((json_int_t)wb->filled));
	json_object_set_new(slots, "vacated", json_integer((json_int_t)wb->vacated));
	json_object_set_new(slots, "empty_now", json_integer(wb->empty));
	json_object_set_new(slots, "empty_slot_seconds", json_real(wb->empty_area));
	json_object_set_new(slots, "waiting_peak", json_integer((json_int_t)wb->waiting_peak));
	json_object_set_new(o, "slots", slots);
	return o;
}

void cs_world_release_balancer(struct cs_world *w)
{
	struct cs_world_balancer *wb = w->balancer;
	if (!wb)
		return;
	cs_balancer_free(wb->b);
	free(wb->slot);
	free(wb->waiting);
	free(wb);
	w->balancer = NULL;
}
