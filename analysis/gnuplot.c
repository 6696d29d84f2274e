/* analysis/gnuplot — see gnuplot.h. */
#include "analysis/gnuplot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/alloc.h"
#include "sim/csv.h"
#include "sim/outdir.h"

void cs_str_append(char **buf, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	size_t old = *buf ? strlen(*buf) : 0;
	*buf = cs_xrealloc(*buf, old + (size_t)(len < 0 ? 0 : len) + 1);
	vsnprintf(*buf + old, (size_t)len + 1, fmt, ap2);
	va_end(ap2);
}

char *cs_gnuplot_quote(const char *s)
{
	char *o = cs_xmalloc(strlen(s) * 2 + 1), *p = o;
	for (; *s; s++) {
		if (*s == '\'')
			*p++ = '\'';
		*p++ = *s;
	}
	*p = '\0';
	return o;
}

struct format {
	const char *ext, *terminal;
	bool inches; /* its size is given in inches, not pixels */
};

static const struct format formats[] = {
	{".png", "pngcairo", false},
	{".svg", "svg", false},
	{".pdf", "pdfcairo", true},
};

static const char *extension(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	return dot && (!slash || dot > slash) && dot != path && (!slash || dot > slash + 1) ? dot : NULL;
}

static const struct format *format_of(const char *path)
{
	const char *ext = extension(path);
	for (size_t i = 0; ext && i < sizeof formats / sizeof *formats; i++)
		if (strcmp(formats[i].ext, ext) == 0)
			return &formats[i];
	return NULL;
}

int cs_figure_format_check(const char *path, struct cs_error *err)
{
	if (format_of(path))
		return 0;
	return cs_error_input(err, "-o", NULL, "a figure is .png, .svg or .pdf: name the format with the file's "
			      "extension (got \"%s\")", path);
}

int cs_gnuplot_output(char **script, const char *path, int width, int height, struct cs_error *err)
{
	const struct format *f = format_of(path);
	if (!f)
		return cs_figure_format_check(path, err);
	if (f->inches)
		cs_str_append(script, "set terminal %s size %gin,%gin noenhanced", f->terminal, width / 100.0,
			      height / 100.0);
	else
		cs_str_append(script, "set terminal %s size %d,%d noenhanced", f->terminal, width, height);
	char *q = cs_gnuplot_quote(path);
	cs_str_append(script, "\nset output '%s'\n", q);
	free(q);
	return 0;
}

char *cs_figure_variant(const char *path, const char *suffix)
{
	const char *ext = extension(path);
	size_t stem = ext ? (size_t)(ext - path) : strlen(path);
	return cs_xasprintf("%.*s%s%s", (int)stem, path, suffix, ext ? ext : "");
}

/* Whether gnuplot is an executable file in a directory of PATH. */
static bool gnuplot_on_path(void)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char *dirs = cs_xstrdup(path), *save = NULL;
	bool found = false;
	for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *exe = cs_xasprintf("%s/gnuplot", *d ? d : ".");
		struct stat st;
		found = stat(exe, &st) == 0 && S_ISREG(st.st_mode) && access(exe, X_OK) == 0;
		free(exe);
	}
	free(dirs);
	return found;
}

int cs_gnuplot_run(const char *script, struct cs_error *err)
{
	if (!gnuplot_on_path())
		return cs_error_set(err, CS_EXIT_INTERNAL,
				    "gnuplot not found on PATH (install gnuplot-nox, or run make deps)");
	char tmpl[] = "/tmp/clustersim-gnuplot-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return cs_error_set(err, CS_EXIT_INTERNAL, "cannot write a gnuplot script: %s", strerror(errno));
	size_t len = strlen(script);
	bool written = write(fd, script, len) == (ssize_t)len;
	close(fd);
	int rc = 0;
	/* gnuplot's messages are caught, so that stderr keeps to one form:
	 * a failure's first message goes into the error, warnings are
	 * passed on as "clustersim: warning: gnuplot: ..." */
	char etmpl[] = "/tmp/clustersim-gnuplot-err-XXXXXX";
	int efd = written ? mkstemp(etmpl) : -1;
	if (efd >= 0)
		unlink(etmpl);
	if (!written || efd < 0) {
		rc = cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write the gnuplot script", tmpl);
	} else {
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(efd, 1);
			dup2(efd, 2);
			execlp("gnuplot", "gnuplot", tmpl, (char *)NULL);
			_exit(127);
		}
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) < 0) {
			rc = cs_error_set(err, CS_EXIT_INTERNAL, "cannot run gnuplot: %s", strerror(errno));
		} else {
			char msg[4096] = "";
			ssize_t n = pread(efd, msg, sizeof msg - 1, 0);
			msg[n > 0 ? n : 0] = '\0';
			bool failed = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
			char first[512] = "";
			for (char *line = strtok(msg, "\n"); line; line = strtok(NULL, "\n")) {
				line += strspn(line, " \t^");
				if (!*line)
					continue;
				if (!*first && (failed || strncmp(line, "Warning", 7) != 0))
					snprintf(first, sizeof first, "%s", line);
				if (!failed) {
					char *shown = cs_escaped(line);
					fprintf(stderr, "clustersim: warning: gnuplot: %s\n", shown);
					free(shown);
				}
			}
			if (failed)
				rc = cs_error_set(err, CS_EXIT_INTERNAL, "gnuplot failed (%s %d)%s%s",
						  WIFEXITED(st) ? "exit status" : "signal",
						  WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), *first ? ": " : "", first);
		}
	}
	if (efd >= 0)
		close(efd);
	unlink(tmpl);
	return rc;
}

void cs_free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

size_t cs_column_index(char *const *head, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(head[i], name) == 0)
			return i + 1;
	return 0;
}

int cs_csv_to_dat(const char *csv, const char *dat, char ***head, size_t *ncols, struct cs_error *err)
{
	*head = NULL;
	*ncols = 0;
	FILE *in = fopen(csv, "r");
	if (!in)
		return cs_error_input(err, csv, NULL, "cannot open: %s", strerror(errno));
	FILE *out = fopen(dat, "w");
	if (!out) {
		fclose(in);
		return cs_error_set(err, CS_EXIT_INTERNAL, "%s: cannot write: %s", dat, strerror(errno));
	}
	struct cs_csv_reader r;
	cs_csv_reader_init(&r, in);
	char **f;
	size_t n;
	int got, rc = 0;
	while ((got = cs_csv_read(&r, &f, &n)) > 0) {
		if (!*head) {
			*head = cs_xcalloc(n, sizeof **head);
			for (size_t i = 0; i < n; i++)
				(*head)[i] = cs_xstrdup(f[i]);
			*ncols = n;
			continue;
		}
		for (size_t i = 0; i < *ncols; i++) {
			char *end = NULL;
			bool number = i < n && *f[i] && (strtod(f[i], &end), *end == '\0');
			fprintf(out, "%s%s", i ? " " : "", number ? f[i] : "NaN");
		}
		fputc('\n', out);
	}
	if (got < 0)
		rc = cs_error_input(err, csv, NULL, "line %zu: a quoted field does not end", r.line);
	else if (!*head)
		rc = cs_error_input(err, csv, NULL, "empty: no header");
	cs_csv_reader_release(&r);
	fclose(in);
	if (cs_close_checked(out, dat, err) < 0)
		rc = -1;
	return rc;
}

int cs_timeseries_to_dat(const char *dir, const char *dat, char ***head, size_t *ncols, struct cs_error *err)
{
	char *ts = cs_xasprintf("%s/timeseries.csv", dir);
	int rc = cs_csv_to_dat(ts, dat, head, ncols, err);
	free(ts);
	return rc;
}

struct cs_time_unit cs_time_unit_for(double span)
{
	if (span <= 120)
		return (struct cs_time_unit){"seconds", 1};
	if (span <= 2 * 3600)
		return (struct cs_time_unit){"minutes", 60};
	if (span <= 2 * 86400)
		return (struct cs_time_unit){"hours", 3600};
	return (struct cs_time_unit){"days", 86400};
}

double cs_dat_max_x(const char *dat)
{
	FILE *f = fopen(dat, "r");
	double max = 0;
	char line[4096];
	while (f && fgets(line, sizeof line, f)) {
		char *end;
		double x = strtod(line, &end);
		if (end != line && x > max)
			max = x;
	}
	if (f)
		fclose(f);
	return max;
}

int cs_panels_script(char **script, const char *const *dirs, size_t n, const char *tmp, const char *prefix,
		     cs_panel_fn *panel, int panel_height, const char *preamble, const char *out, bool *drawn,
		     struct cs_error *err)
{
	char *part = NULL;
	size_t panels = 0;
	*drawn = false;
	for (size_t i = 0; i < n; i++) {
		char *dat = cs_xasprintf("%s/%s-%zu.dat", tmp, prefix, i);
		bool has;
		int rc = panel(&part, dirs[i], dat, &has, err);
		free(dat);
		if (rc < 0) {
			free(part);
			return -1;
		}
		panels += has;
	}
	if (panels == 0)
		return 0;
	cs_str_append(script, "reset\n"); /* (nothing of the figures before it: their log axes) */
	if (cs_gnuplot_output(script, out, 1100, (int)(panel_height * (int)panels + 50), err) < 0) {
		free(part);
		return -1;
	}
	cs_str_append(script, "%sset grid\nset multiplot layout %zu,1\n%sunset multiplot\n", preamble, panels, part);
	free(part);
	*drawn = true;
	return 0;
}
