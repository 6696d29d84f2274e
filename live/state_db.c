/* live/state_db — see state_db.h. */
#include "live/state_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

enum { PUT_APP, DEL_APP, PUT_TASK, DEL_TASK, NSTMT };

static const char *const sql[NSTMT] = {
	"INSERT INTO apps(id, def) VALUES(?1, ?2) ON CONFLICT(id) DO UPDATE SET def = excluded.def",
	"DELETE FROM apps WHERE id = ?1",
	"INSERT OR REPLACE INTO tasks(id, app, agent) VALUES(?1, ?2, ?3)",
	"DELETE FROM tasks WHERE id = ?1",
};

struct cs_state_db {
	sqlite3 *db;
	sqlite3_stmt *st[NSTMT];
	bool in_tx, failed;
	char path[600];
};

static int fail(struct cs_state_db *s, const char *what)
{
	if (!s->failed)
		fprintf(stderr, "clustersim live: %s: %s: %s\n", s->path, what, sqlite3_errmsg(s->db));
	s->failed = true;
	return -1;
}

static int exec(struct cs_state_db *s, const char *q)
{
	return sqlite3_exec(s->db, q, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(s, q);
}

struct cs_state_db *cs_state_open(const char *dir, char *err, size_t errn)
{
	struct cs_state_db *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errn, "out of memory");
		return NULL;
	}
	snprintf(s->path, sizeof s->path, "%.580s/state.db", dir);
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK) {
		snprintf(err, errn, "%s: cannot open: %s", s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		cs_state_close(s);
		return NULL;
	}
	static const char *const setup[] = {
		"PRAGMA journal_mode = WAL",
		"PRAGMA synchronous = FULL",
		"CREATE TABLE IF NOT EXISTS apps(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, def TEXT NOT NULL)",
		"CREATE TABLE IF NOT EXISTS tasks(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, app TEXT NOT NULL, agent TEXT NOT NULL)",
	};
	for (size_t i = 0; i < sizeof setup / sizeof *setup; i++)
		if (sqlite3_exec(s->db, setup[i], NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errn, "%s: %s: %s", s->path, setup[i], sqlite3_errmsg(s->db));
			cs_state_close(s);
			return NULL;
		}
	for (int i = 0; i < NSTMT; i++)
		if (sqlite3_prepare_v2(s->db, sql[i], -1, &s->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errn, "%s: %s", s->path, sqlite3_errmsg(s->db));
			cs_state_close(s);
			return NULL;
		}
	return s;
}

void cs_state_close(struct cs_state_db *s)
{
	if (!s)
		return;
	if (s->in_tx)
		cs_state_flush(s);
	for (int i = 0; i < NSTMT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

static int run(struct cs_state_db *s, int which, const char *a, const char *b, const char *c)
{
	if (s->failed)
		return -1;
	if (!s->in_tx) {
		if (exec(s, "BEGIN IMMEDIATE") < 0)
			return -1;
		s->in_tx = true;
	}
	sqlite3_stmt *st = s->st[which];
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	if (c)
		sqlite3_bind_text(st, 3, c, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, sql[which]);
}

int cs_state_put_app(struct cs_state_db *s, const char *id, const char *def)
{
	return run(s, PUT_APP, id, def, NULL);
}

int cs_state_delete_app(struct cs_state_db *s, const char *id)
{
	return run(s, DEL_APP, id, NULL, NULL);
}

int cs_state_put_task(struct cs_state_db *s, const char *id, const char *app, const char *agent)
{
	return run(s, PUT_TASK, id, app, agent);
}

int cs_state_delete_task(struct cs_state_db *s, const char *id)
{
	return run(s, DEL_TASK, id, NULL, NULL);
}

int cs_state_flush(struct cs_state_db *s)
{
	if (!s || !s->in_tx)
		return s && s->failed ? -1 : 0;
	s->in_tx = false;
	return exec(s, "COMMIT");
}

bool cs_state_failed(const struct cs_state_db *s)
{
	return s && s->failed;
}

int cs_state_load(struct cs_state_db *s, cs_state_app_fn *fn_app, cs_state_task_fn *fn_task, void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT id, def FROM apps ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading apps");
	while (sqlite3_step(st) == SQLITE_ROW)
		fn_app(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "SELECT id, app, agent FROM tasks ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading tasks");
	while (sqlite3_step(st) == SQLITE_ROW)
		fn_task(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	return 0;
}
