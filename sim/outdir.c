/* sim/outdir — see outdir.h. */
#define _GNU_SOURCE /* renameat2 */
#include "sim/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/alloc.h"
#include "sim/experiment.h"

int cs_mkdir_p(const char *dir, struct cs_error *err)
{
	if (!*dir)
		return 0;
	char *p = cs_xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		bool end = *s == '\0';
		if (*s != '/' && !end)
			continue;
		*s = '\0';
		struct stat st;
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = cs_error_input(err, p, NULL, "cannot create the directory: %s", strerror(errno));
			break;
		}
		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			rc = cs_error_input(err, p, NULL, "exists and is not a directory");
			break;
		}
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int cs_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	/* FTW_PHYS: links are entries to remove, never directories to enter;
	 * FTW_MOUNT: stay on this file system */
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

bool cs_dir_has_only(const char *dir, const char *except)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!except || strcmp(e->d_name, except)))
			empty = false;
	closedir(d);
	return empty;
}

static bool dir_is_empty(const char *dir)
{
	return cs_dir_has_only(dir, NULL);
}

static char *strip_slashes(const char *dir)
{
	char *d = cs_xstrdup(dir);
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	return d;
}

int cs_outdir_begin(struct cs_outdir *o, const char *dir, bool force, struct cs_error *err)
{
	memset(o, 0, sizeof *o);
	if (!*dir)
		return cs_error_input(err, "-o", NULL, "empty directory name");
	char *target = strip_slashes(dir);
	struct stat st;
	if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(target, NULL);
		if (!real || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(real);
			int r = cs_error_input(err, target, NULL, "is a symbolic link, and not to a directory");
			free(target);
			return r;
		}
		free(target);
		target = real;
	}
	if (stat(target, &st) == 0) {
		const char *why = NULL;
		if (!S_ISDIR(st.st_mode))
			why = "exists and is not a directory";
		else if (!force && !dir_is_empty(target))
			why = "results directory exists and is not empty (use --force or another -o)";
		if (why) {
			int r = cs_error_input(err, target, NULL, "%s", why);
			free(target);
			return r;
		}
	}
	char *parent = cs_dirname(target);
	const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	int rc = cs_mkdir_p(parent, err);
	if (rc == 0) {
		/* the name stays under NAME_MAX whatever the target's length */
		char *tmpl = cs_xasprintf("%s/.%.200s.tmp-XXXXXX", parent, base);
		if (!mkdtemp(tmpl)) {
			rc = cs_error_input(err, parent, NULL, "cannot create a directory here: %s", strerror(errno));
			free(tmpl);
		} else {
			/* mkdtemp makes it 0700; results get the mode mkdir would
			 * give (0777 less the umask) */
			mode_t mask = umask(0);
			umask(mask);
			chmod(tmpl, 0777 & ~mask);
			o->tmp = tmpl;
		}
	}
	free(parent);
	if (rc < 0) {
		free(target);
		return rc;
	}
	o->target = target;
	return 0;
}

char *cs_outdir_file(const struct cs_outdir *o, const char *name)
{
	return cs_xasprintf("%s/%s", o->tmp, name);
}

static void release(struct cs_outdir *o)
{
	free(o->target);
	free(o->tmp);
	memset(o, 0, sizeof *o);
}

void cs_outdir_abort(struct cs_outdir *o, struct cs_error *err)
{
	if (err && o->tmp && o->target) {
		char *at = strstr(err->msg, o->tmp);
		if (at) {
			char *fixed = cs_xasprintf("%.*s%s%s", (int)(at - err->msg), err->msg, o->target,
						   at + strlen(o->tmp));
			snprintf(err->msg, sizeof err->msg, "%s", fixed);
			free(fixed);
		}
	}
	if (o->tmp)
		cs_rm_rf(o->tmp);
	release(o);
}

int cs_outdir_commit(struct cs_outdir *o, struct cs_error *err)
{
	int rc = 0;
	if (rename(o->tmp, o->target) == 0) {
		/* the target did not exist, or was an empty directory */
	} else if (errno == ENOTEMPTY || errno == EEXIST) {
		/* replace it (--force): swap the two, then remove the old one
		 * now under the temporary name */
		if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->target, RENAME_EXCHANGE) == 0) {
			cs_rm_rf(o->tmp);
		} else {
			char *old = cs_xasprintf("%s.old", o->tmp);
			if (rename(o->target, old) < 0 || rename(o->tmp, o->target) < 0) {
				rc = cs_error_input(err, o->target, NULL, "cannot replace the results directory: %s",
						    strerror(errno));
				cs_rm_rf(o->tmp);
			} else {
				cs_rm_rf(old);
			}
			free(old);
		}
	} else {
		rc = cs_error_input(err, o->target, NULL, "cannot put the results in place: %s", strerror(errno));
		cs_rm_rf(o->tmp);
	}
	release(o);
	return rc;
}

int cs_close_checked(FILE *f, const char *path, struct cs_error *err)
{
	int e = 0;
	if (ferror(f)) {
		/* glibc retries what is buffered: errno then says why */
		errno = 0;
		fflush(f);
		e = errno ? errno : EIO;
	}
	if (fclose(f) != 0 && !e)
		e = errno ? errno : EIO;
	if (e)
		return cs_error_input(err, path, NULL, "write error: %s", strerror(e));
	return 0;
}

int cs_write_file_atomic(const char *path, const char *data, size_t len, struct cs_error *err)
{
	char *tmp = cs_xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int r = cs_error_input(err, path, NULL, "cannot write: %s", strerror(errno));
		free(tmp);
		return r;
	}
	fchmod(fd, 0644);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		free(tmp);
		return cs_error_input(err, path, NULL, "cannot write: %s", strerror(errno));
	}
	fwrite(data, 1, len, f);
	int rc = cs_close_checked(f, path, err);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = cs_error_input(err, path, NULL, "cannot write: %s", strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cs_write_output_file(const char *path, const char *data, size_t len, struct cs_error *err)
{
	char real[4096];
	struct stat st;
	/* a symbolic link: the file it names is the one replaced (the link stays) */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real))
		path = real;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return cs_error_input(err, path, NULL, "is a directory (name a file to write)");
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* a device, a FIFO: written to, never replaced (-o /dev/stdout) */
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return cs_error_input(err, path, NULL, "cannot write: %s", strerror(errno));
		for (size_t off = 0; off < len;) {
			ssize_t w = write(fd, data + off, len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				int e = errno;
				close(fd);
				return cs_error_input(err, path, NULL, "write error: %s", strerror(e));
			}
			off += (size_t)w;
		}
		if (close(fd) < 0)
			return cs_error_input(err, path, NULL, "write error: %s", strerror(errno));
		return 0;
	}
	return cs_write_file_atomic(path, data, len, err);
}

int cs_write_json(const char *path, const json_t *doc, struct cs_error *err)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	if (!text)
		return cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot format the JSON document", path);
	FILE *f = fopen(path, "w");
	if (!f) {
		free(text);
		return cs_error_input(err, path, NULL, "cannot write: %s", strerror(errno));
	}
	fputs(text, f);
	fputc('\n', f);
	free(text);
	return cs_close_checked(f, path, err);
}

char *cs_default_outdir(const char *file, const json_t *exp, struct cs_error *err)
{
	json_t *n = json_object_get(exp, "name");
	const char *name = json_is_string(n) ? json_string_value(n) : "experiment";
	size_t len = json_is_string(n) ? json_string_length(n) : strlen(name);
	if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/') ||
	    strlen(name) != len || len > 255) {
		cs_error_input(err, file, "name",
			       "cannot name the results directory results/<name> (got \"%.100s\"): it must be one "
			       "directory name, without '/', not \".\" or \"..\", at most 255 bytes; or give -o DIR",
			       name);
		return NULL;
	}
	return cs_xasprintf("results/%s", name);
}
