/* sim/outdir — a results directory appears whole or not at all.
 *
 * A run writes into a new hidden temporary directory beside its target
 * (".NAME.tmp-XXXXXX" in the target's parent, so on the same file
 * system, and left out of shell globs such as "points/" followed by "*"), and renames it
 * into place only when every file is complete.  An existing target that
 * is not empty is refused unless force; with force it is replaced only
 * at that moment (an atomic exchange where the file system supports it,
 * then the old directory is removed without following any symbolic link
 * inside it).  A run that fails or is interrupted removes its temporary
 * directory and leaves the target as it was.  A target that is a
 * symbolic link to a directory is resolved first (the link stays).
 *
 * Errors name the directory and the system's reason ("No space left on
 * device").  Ownership: the struct owns its strings (cs_outdir_release). */
#ifndef CS_OUTDIR_H
#define CS_OUTDIR_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sim/error.h"

struct cs_outdir {
	char *target; /* where the results end up */
	char *tmp;    /* where they are written meanwhile; NULL once committed or aborted */
};

/* Check the target and create the temporary directory (and the target's
 * parents).  On error nothing is created but missing parents. */
int cs_outdir_begin(struct cs_outdir *o, const char *dir, bool force, struct cs_error *err);
/* The path of a file in the temporary directory (a new string). */
char *cs_outdir_file(const struct cs_outdir *o, const char *name);
/* Put the results in place (see above); then release. */
int cs_outdir_commit(struct cs_outdir *o, struct cs_error *err);
/* Remove the temporary directory; then release.  Safe after commit.
 * A message in err that names a file in the temporary directory is made
 * to name it in the target instead (the temporary one is gone). */
void cs_outdir_abort(struct cs_outdir *o, struct cs_error *err);

/* Whether dir holds nothing but (optionally) an entry named `except`. */
bool cs_dir_has_only(const char *dir, const char *except);
/* Create dir and its parents. */
int cs_mkdir_p(const char *dir, struct cs_error *err);
/* Remove path and, if it is a directory, everything in it, never
 * following a symbolic link (a link is removed, not its target). */
int cs_rm_rf(const char *path);
/* Write len bytes to path through a temporary file beside it and a
 * rename: readers see the old file or the new one, never a part. */
int cs_write_file_atomic(const char *path, const char *data, size_t len, struct cs_error *err);
/* A report the user names (-o FILE): a regular file or a new one is
 * replaced atomically as above; a symbolic link's target is; a device or
 * FIFO (-o /dev/stdout) is written to, never replaced; a directory is an
 * error. */
int cs_write_output_file(const char *path, const char *data, size_t len, struct cs_error *err);
/* Write a JSON document (2-space indent, 12 significant digits, a final
 * newline) to path, checking every write. */
int cs_write_json(const char *path, const json_t *doc, struct cs_error *err);
/* Close f, written as path: -1 with "PATH: write error: REASON" if any
 * write to it failed (errno_at_failure: the errno a caller saw, or 0). */
int cs_close_checked(FILE *f, const char *path, struct cs_error *err);

/* results/<name> for an experiment without -o: name must be usable as one
 * directory name (not empty, ".", "..", no '/', at most 255 bytes). */
char *cs_default_outdir(const char *file, const json_t *exp, struct cs_error *err);

#endif
