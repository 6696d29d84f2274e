/* sim/world_internal — what the world's own files share (world.c,
 * world_build.c, prefill.c, timeseries.c); not for schedulers. */
#ifndef CS_WORLD_INTERNAL_H
#define CS_WORLD_INTERNAL_H
#include "sim/world.h"

struct cs_machine_event {
	cs_time at;
	bool up;
	uint32_t first, count;
	struct cs_world *world;
};

extern const struct cs_cell_backend_ops cs_world_sim_backend;

void cs_world_machine_down(struct cs_world *w, uint32_t m);
void cs_world_machine_up(struct cs_world *w, uint32_t m);
void cs_world_schedule_machine_events(struct cs_world *w);

void cs_world_timeseries_start(struct cs_world *w);
void cs_world_timeseries_finish(struct cs_world *w);

/* Make a placed prefill job the world's (freed when its tasks end). */
void cs_world_adopt_prefill(struct cs_world *w, struct cs_job *job);

/* Place a job a trace gives as the initial state (job->prefill) now, by
 * random first fit on its own stream; what fits nowhere is counted. */
void cs_world_place_initial(struct cs_world *w, struct cs_job *job);

/* Free the pool of task arrays (world teardown). */
void cs_world_pool_release(struct cs_world *w);

/* Parse experiment.prefill and fill the cell at t = 0. */
int cs_world_prefill(struct cs_world *w, const struct cs_cfg *cfg, json_t *exp);

#endif
