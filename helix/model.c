/* helix/model — Helix's three built-in state models as constraint
 * tables, and the paths between their states.
 *
 * The tables follow Helix's own definitions (helix-core
 * org/apache/helix/model/MasterSlaveSMD.java, LeaderStandbySMD.java,
 * OnlineOfflineSMD.java; helix.apache.org "Tutorial: State Machine
 * Configuration"):
 * - MasterSlave: states MASTER, SLAVE, OFFLINE, DROPPED in priority
 *   order; OFFLINE initial; MASTER at most 1 per partition, SLAVE at most
 *   R (the dynamic bound "R", the replica count); transitions in priority
 *   order MASTER-SLAVE, SLAVE-MASTER, OFFLINE-SLAVE, SLAVE-OFFLINE,
 *   OFFLINE-DROPPED (the last without a priority: Helix sorts it last).
 * - LeaderStandby: the same shape with LEADER and STANDBY.
 * - OnlineOffline: ONLINE (bound R), OFFLINE initial, DROPPED; ONLINE-
 *   OFFLINE, OFFLINE-ONLINE, OFFLINE-DROPPED.
 * Helix's ERROR state (a failed transition) is not modelled: transitions
 * here always succeed.
 *
 * A replica moving between states that no single transition joins goes
 * along a shortest path of allowed transitions (the tutorial: OFFLINE to
 * MASTER is OFFLINE-SLAVE then SLAVE-MASTER), one hop per message, as
 * Helix's message generation does with the model's "next state" table. */
#include <string.h>

#include "helix/helix_internal.h"

static const struct cs_hx_model models[] = {
	{"MasterSlave", 4, {"MASTER", "SLAVE", "OFFLINE", "DROPPED"}, {1, CS_HX_BOUND_R, CS_HX_UNBOUNDED, CS_HX_UNBOUNDED},
	 2, 3, 5, {{0, 1}, {1, 0}, {2, 1}, {1, 2}, {2, 3}}},
	{"LeaderStandby", 4, {"LEADER", "STANDBY", "OFFLINE", "DROPPED"}, {1, CS_HX_BOUND_R, CS_HX_UNBOUNDED, CS_HX_UNBOUNDED},
	 2, 3, 5, {{0, 1}, {1, 0}, {2, 1}, {1, 2}, {2, 3}}},
	{"OnlineOffline", 3, {"ONLINE", "OFFLINE", "DROPPED"}, {CS_HX_BOUND_R, CS_HX_UNBOUNDED, CS_HX_UNBOUNDED},
	 1, 2, 3, {{0, 1}, {1, 0}, {1, 2}}},
};

const char *const cs_hx_model_names[] = {"MasterSlave", "LeaderStandby", "OnlineOffline", NULL};

const struct cs_hx_model *cs_hx_model_find(const char *name)
{
	for (size_t i = 0; i < sizeof models / sizeof *models; i++)
		if (strcmp(models[i].name, name) == 0)
			return &models[i];
	return NULL;
}

int cs_hx_next_hop(const struct cs_hx_model *m, int from, int to)
{
	if (from == to)
		return -1;
	/* breadth first from `from`; first[s] is the transition that left
	 * `from` on the way to s */
	int first[CS_HX_MAX_STATES], queue[CS_HX_MAX_STATES], head = 0, tail = 0;
	for (int s = 0; s < CS_HX_MAX_STATES; s++)
		first[s] = -2;
	first[from] = -1;
	queue[tail++] = from;
	while (head < tail) {
		int s = queue[head++];
		for (int t = 0; t < m->ntrans; t++) {
			int d = m->trans[t].to;
			if (m->trans[t].from != s || first[d] != -2)
				continue;
			first[d] = s == from ? t : first[s];
			if (d == to)
				return first[d];
			queue[tail++] = d;
		}
	}
	return -1;
}

bool cs_hx_second_top(const struct cs_hx_model *m, int s)
{
	for (int t = 0; t < m->ntrans; t++)
		if (m->trans[t].from == s && m->trans[t].to == 0)
			return true;
	return false;
}

uint32_t cs_hx_replica_states(const struct cs_hx_model *m, uint32_t r, uint32_t k, uint8_t *out)
{
	/* StateModelDefinition.getStateCountMap: numeric bounds first, each
	 * taking what it may of the candidates; then the one "R" state takes
	 * the replicas left, at most the candidates left */
	uint32_t cand = k, left = r, n = 0;
	for (int s = 0; s < m->nstates && cand > 0; s++) {
		if (m->bound[s] <= 0)
			continue;
		uint32_t c = (uint32_t)m->bound[s] < cand ? (uint32_t)m->bound[s] : cand;
		cand -= c;
		left = left > c ? left - c : 0;
		for (uint32_t i = 0; i < c; i++)
			out[n++] = (uint8_t)s;
	}
	for (int s = 0; s < m->nstates; s++) {
		if (m->bound[s] != CS_HX_BOUND_R)
			continue;
		uint32_t c = left < cand ? left : cand;
		for (uint32_t i = 0; i < c; i++)
			out[n++] = (uint8_t)s;
		break;
	}
	return n;
}

int cs_hx_trans_find(const struct cs_hx_model *m, const char *name)
{
	for (int t = 0; t < m->ntrans; t++) {
		const char *a = m->state[m->trans[t].from], *b = m->state[m->trans[t].to];
		size_t la = strlen(a);
		if (strncmp(name, a, la) == 0 && name[la] == '-' && strcmp(name + la + 1, b) == 0)
			return t;
	}
	return -1;
}

bool cs_hx_trans_known(const char *name)
{
	for (size_t i = 0; i < sizeof models / sizeof *models; i++)
		if (cs_hx_trans_find(&models[i], name) >= 0)
			return true;
	return false;
}
