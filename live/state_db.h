/* live/state_db — the live controller's state in SQLite: what it has
 * acknowledged, so that a controller killed at any moment and started
 * again on the same --state directory recovers it.
 *
 *   apps(id PRIMARY KEY, def TEXT)    the latest definition of each app kept
 *                                     (an Aurora job's with its config)
 *   tasks(id PRIMARY KEY, app, agent) every task launched and not yet
 *                                     known to have ended
 *
 * The file is STATE/state.db in WAL mode with synchronous=FULL: a commit
 * is on disk when it returns.  Writes are grouped: cs_state_* calls open
 * a transaction, cs_state_flush commits it; the controller flushes
 * before every answer that acknowledges something (an API change, a
 * launch sent to an agent, an ack of an ended task), so nothing
 * acknowledged is lost, and a launch is on disk before any agent can run
 * it (no task unknown to a recovered controller but an orphan, which it
 * kills).  An error is reported on stderr and makes the calls fail; the
 * controller then stops (it cannot keep its promise).
 *
 * Ownership: one connection, the engine's thread. */
#ifndef CS_LIVE_STATE_DB_H
#define CS_LIVE_STATE_DB_H
#include <stdbool.h>
#include <stddef.h>

struct cs_state_db;

/* Open (or create) DIR/state.db.  NULL with a message in err. */
struct cs_state_db *cs_state_open(const char *dir, char *err, size_t errn);
void cs_state_close(struct cs_state_db *db);

int cs_state_put_app(struct cs_state_db *db, const char *id, const char *def);
int cs_state_delete_app(struct cs_state_db *db, const char *id);
int cs_state_put_task(struct cs_state_db *db, const char *id, const char *app, const char *agent);
int cs_state_delete_task(struct cs_state_db *db, const char *id);
/* Commit what was written since the last flush.  0 or -1. */
int cs_state_flush(struct cs_state_db *db);
/* Whether a write failed (the controller must stop). */
bool cs_state_failed(const struct cs_state_db *db);

/* Read everything back, in insertion order: fn_app for each app, fn_task
 * for each task.  0 or -1. */
typedef void cs_state_app_fn(void *ctx, const char *id, const char *def);
typedef void cs_state_task_fn(void *ctx, const char *id, const char *app, const char *agent);
int cs_state_load(struct cs_state_db *db, cs_state_app_fn *fn_app, cs_state_task_fn *fn_task, void *ctx);

#endif
