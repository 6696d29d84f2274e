/* tests/fuzz/fuzz_sandbox — a scratch directory per fuzz input, and what
 * a command did to it.
 *
 * fuzz_box_init makes BASE/l1/l2/l3/box (BASE a new directory under
 * $TMPDIR or /tmp): a run works in box, and the three empty levels above
 * it catch a write that climbs out with "../" (fuzz_box_outside_clean).
 * fuzz_tree_snap records every entry below the current directory (its
 * relative path, type, size and a hash of a regular file's bytes), so
 * that two snapshots tell what a command created, removed or changed.
 * Ownership: a snapshot owns its entries (fuzz_tree_free). */
#ifndef CS_FUZZ_SANDBOX_H
#define CS_FUZZ_SANDBOX_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/outdir.h"

struct fuzz_box {
	char base[4096]; /* BASE */
	char box[4096];  /* BASE/l1/l2/l3/box */
	char err[4096];  /* BASE/stderr: the command's stderr */
};

static inline int fuzz_box_init(struct fuzz_box *b)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(b->base, sizeof b->base, "%s/cs-fuzz-cli-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(b->base))
		return -1;
	char p[4096];
	snprintf(p, sizeof p, "%s/l1", b->base);
	if (mkdir(p, 0700) < 0)
		return -1;
	snprintf(p, sizeof p, "%s/l1/l2", b->base);
	if (mkdir(p, 0700) < 0)
		return -1;
	snprintf(p, sizeof p, "%s/l1/l2/l3", b->base);
	if (mkdir(p, 0700) < 0)
		return -1;
	snprintf(b->box, sizeof b->box, "%s/l1/l2/l3/box", b->base);
	snprintf(b->err, sizeof b->err, "%s/stderr", b->base);
	return 0;
}

/* The names in dir other than "." and ".." are exactly want (NULL: none). */
static inline bool fuzz_dir_holds_only(const char *dir, const char *want, const char *want2)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !(want && strcmp(e->d_name, want) == 0) &&
		    !(want2 && strcmp(e->d_name, want2) == 0))
			ok = false;
	closedir(d);
	return ok;
}

/* Nothing beside the box in the three levels above it, nor in BASE
 * beside l1 and the stderr file. */
static inline bool fuzz_box_outside_clean(const struct fuzz_box *b)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/l1/l2/l3", b->base);
	if (!fuzz_dir_holds_only(p, "box", NULL))
		return false;
	snprintf(p, sizeof p, "%s/l1/l2", b->base);
	if (!fuzz_dir_holds_only(p, "l3", NULL))
		return false;
	snprintf(p, sizeof p, "%s/l1", b->base);
	if (!fuzz_dir_holds_only(p, "l2", NULL))
		return false;
	return fuzz_dir_holds_only(b->base, "l1", "stderr");
}

/* Write a file of the box (dir/name paths: the directories are made). */
static inline int fuzz_box_write(const char *name, const uint8_t *data, size_t len)
{
	char p[256];
	snprintf(p, sizeof p, "%s", name);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	ssize_t w = len ? write(fd, data, len) : 0;
	close(fd);
	return w == (ssize_t)len ? 0 : -1;
}

struct fuzz_entry {
	char *path; /* relative, without "./" */
	mode_t type;
	off_t size;
	uint64_t hash; /* FNV-1a of a regular file's bytes */
};

struct fuzz_tree {
	struct fuzz_entry *e;
	size_t n, cap;
};

static struct fuzz_tree *fuzz_snap_into; /* nftw has no context pointer */

static inline uint64_t fuzz_hash_file(const char *path)
{
	uint64_t h = 14695981039346656037ull;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	unsigned char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ull;
	close(fd);
	return h;
}

static inline int fuzz_snap_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	if (ftw->level == 0)
		return 0;
	struct fuzz_tree *t = fuzz_snap_into;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->e = realloc(t->e, t->cap * sizeof *t->e);
		if (!t->e)
			abort();
	}
	struct fuzz_entry *e = &t->e[t->n++];
	e->path = strdup(path + 2); /* after "./" */
	e->type = st->st_mode & S_IFMT;
	e->size = S_ISREG(st->st_mode) ? st->st_size : 0;
	e->hash = S_ISREG(st->st_mode) ? fuzz_hash_file(path) : 0;
	return 0;
}

/* Every entry below the current directory (links not followed). */
static inline void fuzz_tree_snap(struct fuzz_tree *t)
{
	memset(t, 0, sizeof *t);
	fuzz_snap_into = t;
	nftw(".", fuzz_snap_one, 16, FTW_PHYS);
	fuzz_snap_into = NULL;
}

static inline const struct fuzz_entry *fuzz_tree_find(const struct fuzz_tree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->e[i].path, path) == 0)
			return &t->e[i];
	return NULL;
}

static inline void fuzz_tree_free(struct fuzz_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->e[i].path);
	free(t->e);
	memset(t, 0, sizeof *t);
}

/* path is out (a normalized relative path; "" is the whole box) or below it. */
static inline bool fuzz_under(const char *path, const char *out)
{
	if (!out)
		return false;
	size_t n = strlen(out);
	return n == 0 || (strncmp(path, out, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

/* path is a directory on the way to out ("a" and "a/b" for "a/b/c"). */
static inline bool fuzz_above(const char *path, const char *out)
{
	size_t n = strlen(path);
	return out && strncmp(out, path, n) == 0 && out[n] == '/';
}

/* The first difference between before and after that is not inside out
 * (NULL: the command may write nothing): a new, removed or changed entry.
 * Returns its path, or NULL if there is none. */
static inline const char *fuzz_tree_diff(const struct fuzz_tree *before, const struct fuzz_tree *after,
					 const char *out)
{
	for (size_t i = 0; i < before->n; i++) {
		const struct fuzz_entry *b = &before->e[i], *a = fuzz_tree_find(after, b->path);
		if (fuzz_under(b->path, out))
			continue;
		if (!a || a->type != b->type || a->size != b->size || a->hash != b->hash)
			return b->path;
	}
	for (size_t i = 0; i < after->n; i++) {
		const struct fuzz_entry *a = &after->e[i];
		if (fuzz_tree_find(before, a->path))
			continue;
		if (!fuzz_under(a->path, out) && !(S_ISDIR(a->type) && fuzz_above(a->path, out)))
			return a->path;
	}
	return NULL;
}

#endif
