/* sim/world_helix — an Apache Helix cluster (helix/) on the world's cell:
 * its participants are the cell's machines (all of them, or those whose
 * class matches "participants": {"class": NAME, ATTRIBUTE: VALUE, ...}),
 * named as the cell names them (CLASS-k); a machine going down or up
 * (failures, events, machine_events, an autoscaling group's instances)
 * is its node going down or up (a machine down at time 0, after the
 * events of time 0, is a node down from the start).  Replicas take no capacity of the cell:
 * their placement is the rebalancer's, not the scheduler's (a cell may
 * run a workload beside them).  Machines down at the start (an
 * autoscaling group's out-of-service ones) are nodes down at the start. */
#include <stdlib.h>
#include <string.h>

#include "helix/helix.h"
#include "sim/alloc.h"
#include "sim/world_internal.h"

struct cs_world_helix {
	struct cs_helix *h;
	int32_t *node_of;   /* per machine: its node, or -1 */
	uint32_t nnodes;
};

/* The participants, as machine indices (allocated; *n of them). */
static int participants(struct cs_world *w, const struct cs_cfg *cfg, json_t *hj, uint32_t **machines, uint32_t *n)
{
	char got[128];
	json_t *sel = json_object_get(hj, "participants");
	if (sel && (!json_is_object(sel) || json_object_size(sel) == 0))
		return cs_error_input(cfg->err, cfg->file, "helix.participants",
				      "expected an object of attribute values, e.g. {\"class\": \"db\"} (got %s)",
				      cs_cfg_got(sel, got, sizeof got));
	*machines = cs_xmalloc((w->cell.n ? w->cell.n : 1) * sizeof **machines);
	*n = 0;
	for (uint32_t c = 0; c < w->cell.nclasses; c++) {
		const struct cs_machine_class *mc = &w->cell.classes[c];
		if (sel && !cs_world_class_matches(mc, sel))
			continue;
		for (uint32_t m = mc->first; m < mc->first + mc->count; m++)
			(*machines)[(*n)++] = m;
	}
	if (*n == 0)
		return cs_error_input(cfg->err, cfg->file, "helix.participants",
				      "no machine of the cell is a participant (got %s)", cs_cfg_got(sel, got, sizeof got));
	return 0;
}

int cs_world_parse_helix(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp)
{
	json_t *hj = json_object_get(exp, "helix");
	if (!hj)
		return 0;
	if (cs_cfg_need_object(cfg, hj, "helix") < 0)
		return -1;
	if (w->duration == CS_TIME_NEVER)
		return cs_error_input(cfg->err, cfg->file, "duration", "missing (a run with a Helix cluster needs a duration)");
	uint32_t *machines = NULL, n = 0;
	if (participants(w, cfg, hj, &machines, &n) < 0) {
		free(machines);
		return -1;
	}
	struct cs_world_helix *wh = cs_xcalloc(1, sizeof *wh);
	w->helix = wh;
	wh->nnodes = n;
	wh->node_of = cs_xmalloc(w->cell.n * sizeof *wh->node_of);
	for (uint32_t m = 0; m < w->cell.n; m++)
		wh->node_of[m] = -1;
	char **names = cs_xcalloc(n, sizeof *names);
	for (uint32_t i = 0; i < n; i++) {
		char buf[256];
		cs_cell_machine_name(&w->cell, machines[i], buf, sizeof buf);
		names[i] = cs_xstrdup(buf);
		wh->node_of[machines[i]] = (int32_t)i;
	}
	int rc = cs_helix_parse(cfg, hj, n, (const char *const *)names, &w->engine, cs_world_rng(w, "helix"), &wh->h);
	for (uint32_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(machines);
	return rc;
}

/* At 0, after the machine events and failures of time 0 (scheduled
 * before it): a machine taken down at 0 is a node down from the start. */
static void start_fire(void *ctx, cs_time now)
{
	struct cs_world *w = ctx;
	struct cs_world_helix *wh = w->helix;
	for (uint32_t m = 0; m < w->cell.n; m++)
		if (wh->node_of[m] >= 0 && !w->cell.mach[m].up)
			cs_helix_node_changed(wh->h, (uint32_t)wh->node_of[m], false);
	cs_helix_start(wh->h);
}

void cs_world_start_helix(struct cs_world *w)
{
	if (w->helix)
		cs_engine_at(&w->engine, 0, start_fire, w);
}

void cs_world_helix_machine(struct cs_world *w, uint32_t m, bool up)
{
	struct cs_world_helix *wh = w->helix;
	if (wh && wh->h && wh->node_of[m] >= 0)
		cs_helix_node_changed(wh->h, (uint32_t)wh->node_of[m], up);
}

void cs_world_helix_series_add(struct cs_world *w)
{
	if (w->helix && w->helix->h)
		cs_helix_series_add(w->helix->h, &w->series);
}

json_t *cs_world_helix_summary(struct cs_world *w)
{
	return w->helix && w->helix->h ? cs_helix_summary(w->helix->h) : NULL;
}

void cs_world_release_helix(struct cs_world *w)
{
	struct cs_world_helix *wh = w->helix;
	if (!wh)
		return;
	if (wh->h)
		cs_helix_free(wh->h);
	free(wh->node_of);
	free(wh);
	w->helix = NULL;
}
