/* The documentation a clone can stand on: every relative link of every
 * Markdown file resolves (the file, and a #anchor to a heading of the
 * target), every project path the docs and the shipped experiments'
 * descriptions name exists, every Markdown file of docs/ that any file
 * names exists (with the section it quotes, as units.h quotes the
 * "Ranges" of docs/model.md), nothing points
 * outside the repository (to the folder the project was developed beside,
 * or to its contract and reference notes, which are not shipped), and the
 * docs call nothing that exists "next" or "a later release".
 *
 * The tree is every file under the project root but .git and what
 * .gitignore ignores (build and results directories); binary files (a NUL
 * byte) are skipped, and so are the fuzz seeds in tests/fuzz/corpus/ for
 * the names outside the repository (arbitrary inputs, some of them
 * mutated copies of old experiments).  The verbatim copies of upstream
 * documentation under traces/ * /schema/ are exempt from the link check:
 * their relative links point into the repositories they were copied from
 * (traces/README.md).
 *
 * The root is the working directory (tests/run.sh runs from the project
 * root), or $CS_DOCS_ROOT: `CS_DOCS_ROOT=/tmp/old build/tests/test_docs`
 * checks another checkout.  Every problem is printed as FILE: line N:
 * what; a test fails if it found any. */
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>

#include "testutil.h"

/* ---- the tree ---- */

struct file {
	char *path;   /* relative to the root */
	char *text;   /* NUL-terminated; NULL for a binary file */
	size_t len;
};

static struct {
	const char *root;
	struct file *f;
	size_t n, cap;
	char **ignore; /* .gitignore's patterns */
	size_t nignore;
} T;

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	char buf[1024];
	va_list ap, again;
	va_start(ap, f);
	va_copy(again, ap);
	int n = vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	char *s = malloc((size_t)n + 1);
	if ((size_t)n < sizeof buf)
		memcpy(s, buf, (size_t)n + 1);
	else
		vsnprintf(s, (size_t)n + 1, f, again);
	va_end(again);
	return s;
}

/* root/rel, for opening */
static char *on_disk(const char *rel)
{
	return *rel ? fmt("%s/%s", T.root, rel) : strdup(T.root);
}

static bool exists(const char *rel)
{
	char *p = on_disk(rel);
	struct stat st;
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

static void load_ignore(void)
{
	char *p = on_disk(".gitignore");
	char *text = tu_read_file(p);
	free(p);
	for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		if (!*line || *line == '#' || *line == '!')
			continue;
		T.ignore = realloc(T.ignore, (T.nignore + 1) * sizeof *T.ignore);
		T.ignore[T.nignore++] = strdup(line);
	}
	free(text);
}

/* Whether .gitignore ignores rel (the subset of its syntax the project's
 * file uses: a leading / anchors, a trailing / means a directory, globs). */
static bool ignored(const char *rel, bool dir)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	for (size_t i = 0; i < T.nignore; i++) {
		char pat[512];
		snprintf(pat, sizeof pat, "%s", T.ignore[i]);
		size_t n = strlen(pat);
		bool dir_only = n > 1 && pat[n - 1] == '/';
		if (dir_only)
			pat[--n] = '\0';
		if (dir_only && !dir)
			continue;
		bool anchored = pat[0] == '/' || strchr(pat, '/');
		const char *p = pat[0] == '/' ? pat + 1 : pat;
		if (anchored ? fnmatch(p, rel, FNM_PATHNAME) == 0 : fnmatch(p, base, 0) == 0)
			return true;
	}
	return false;
}

static void add_file(const char *rel)
{
	char *p = on_disk(rel);
	FILE *f = fopen(p, "rb");
	free(p);
	if (!f)
		return;
	struct file x = {strdup(rel), NULL, 0};
	char head[8192];
	size_t got = fread(head, 1, sizeof head, f);
	if (!memchr(head, 0, got)) {
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		if (n >= 0 && n < (16L << 20)) {
			x.text = malloc((size_t)n + 1);
			x.len = fread(x.text, 1, (size_t)n, f);
			x.text[x.len] = '\0';
			if (memchr(x.text, 0, x.len)) { /* binary after all */
				free(x.text);
				x.text = NULL;
			}
		}
	}
	fclose(f);
	if (T.n == T.cap) {
		T.cap = T.cap ? 2 * T.cap : 512;
		T.f = realloc(T.f, T.cap * sizeof *T.f);
	}
	T.f[T.n++] = x;
}

static void walk(const char *rel)
{
	char *p = on_disk(rel);
	DIR *d = opendir(p);
	free(p);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git"))
			continue;
		char *r = *rel ? fmt("%s/%s", rel, e->d_name) : strdup(e->d_name);
		char *q = on_disk(r);
		struct stat st;
		if (lstat(q, &st) == 0 && !ignored(r, S_ISDIR(st.st_mode))) {
			if (S_ISDIR(st.st_mode))
				walk(r);
			else if (S_ISREG(st.st_mode))
				add_file(r);
		}
		free(q);
		free(r);
	}
	closedir(d);
}

static int cmp_files(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path, ((const struct file *)b)->path);
}

static int setup(void **state)
{
	(void)state;
	T.root = getenv("CS_DOCS_ROOT") ? getenv("CS_DOCS_ROOT") : ".";
	if (!exists("README.md") || !exists("Makefile")) {
		fprintf(stderr, "test_docs: %s is not the project root (run from it, or set CS_DOCS_ROOT)\n", T.root);
		return -1;
	}
	load_ignore();
	walk("");
	qsort(T.f, T.n, sizeof *T.f, cmp_files);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < T.n; i++) {
		free(T.f[i].path);
		free(T.f[i].text);
	}
	free(T.f);
	for (size_t i = 0; i < T.nignore; i++)
		free(T.ignore[i]);
	free(T.ignore);
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static struct file *find(const char *rel)
{
	for (size_t i = 0; i < T.n; i++)
		if (strcmp(T.f[i].path, rel) == 0)
			return &T.f[i];
	return NULL;
}

static size_t line_of(const struct file *f, const char *at)
{
	size_t n = 1;
	for (const char *c = f->text; c < at; c++)
		n += *c == '\n';
	return n;
}

static int problems;

static void problem(const struct file *f, const char *at, const char *what, ...) __attribute__((format(printf, 3, 4)));
static void problem(const struct file *f, const char *at, const char *what, ...)
{
	va_list ap;
	va_start(ap, what);
	if (at)
		fprintf(stderr, "%s: line %zu: ", f->path, line_of(f, at));
	else
		fprintf(stderr, "%s: ", f->path);
	vfprintf(stderr, what, ap);
	fputc('\n', stderr);
	va_end(ap);
	problems++;
}

/* ---- Markdown ---- */

/* The Markdown files whose links are checked: all but the verbatim
 * upstream documents. */
static bool link_checked(const struct file *f)
{
	return f->text && ends_with(f->path, ".md") && fnmatch("traces/*/schema/*", f->path, FNM_PATHNAME) != 0;
}

/* Blank out fenced code blocks and inline code spans (same length, so
 * offsets and line numbers stay), for link and heading parsing. */
static char *prose_of(const struct file *f)
{
	char *s = strdup(f->text);
	bool fence = false;
	for (char *line = s; *line;) {
		char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		const char *t = line;
		while (t < line + n && *t == ' ')
			t++;
		bool marker = !strncmp(t, "```", 3) || !strncmp(t, "~~~", 3);
		if (fence || marker)
			memset(line, ' ', n);
		if (marker)
			fence = !fence;
		if (!fence && !marker) {
			for (char *c = line; c < line + n; c++) {
				if (*c != '`')
					continue;
				size_t k = 0;
				while (c + k < line + n && c[k] == '`')
					k++;
				char *close = NULL;
				for (char *d = c + k; d + k <= line + n; d++) {
					if (!strncmp(d, c, k) && (d + k == line + n || d[k] != '`') && d[-1] != '`') {
						close = d;
						break;
					}
				}
				if (!close) {
					c += k - 1;
					continue;
				}
				memset(c, ' ', (size_t)(close + k - c));
				c = close + k - 1;
			}
		}
		line += n + (end != NULL);
	}
	return s;
}

/* GitHub's anchor of a heading: lowercase, punctuation other than - and _
 * dropped, spaces to -. */
static char *slug(const char *h, size_t n)
{
	char *s = malloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c >= 0x80 || isalnum(c) || c == '-' || c == '_')
			s[k++] = (char)tolower(c);
		else if (c == ' ')
			s[k++] = '-';
	}
	s[k] = '\0';
	return s;
}

struct headings {
	char **slug, **base, **text; /* the anchor, the anchor without -N, the text */
	size_t n;
};

static struct headings headings_of(const struct file *f)
{
	struct headings h = {0};
	char *s = prose_of(f);
	for (char *line = s; line && *line;) {
		char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		size_t hashes = 0;
		while (hashes < n && line[hashes] == '#')
			hashes++;
		if (hashes >= 1 && hashes <= 6 && hashes < n && line[hashes] == ' ') {
			/* the heading's own text (the original, code spans included) */
			const char *t = f->text + (line - s) + hashes + 1;
			size_t m = n - hashes - 1;
			while (m && (t[m - 1] == ' ' || t[m - 1] == '#'))
				m--;
			char *base = slug(t, m);
			size_t dup = 0;
			for (size_t i = 0; i < h.n; i++)
				dup += !strcmp(h.base[i], base);
			/* a repeated heading gets -1, -2, ... */
			char *sl = dup ? fmt("%s-%zu", base, dup) : strdup(base);
			h.base = realloc(h.base, (h.n + 1) * sizeof *h.base);
			h.base[h.n] = base;
			h.slug = realloc(h.slug, (h.n + 1) * sizeof *h.slug);
			h.text = realloc(h.text, (h.n + 1) * sizeof *h.text);
			h.slug[h.n] = sl;
			h.text[h.n++] = strndup(t, m);
		}
		line = end ? end + 1 : NULL;
	}
	free(s);
	return h;
}

static void headings_free(struct headings *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->slug[i]);
		free(h->base[i]);
		free(h->text[i]);
	}
	free(h->slug);
	free(h->base);
	free(h->text);
}

static bool has_anchor(const struct file *f, const char *anchor)
{
	struct headings h = headings_of(f);
	bool ok = false;
	for (size_t i = 0; i < h.n && !ok; i++)
		ok = !strcmp(h.slug[i], anchor);
	headings_free(&h);
	return ok;
}

/* dir/rel with "." and ".." resolved; NULL if it leaves the root. */
static char *resolve(const char *dir, const char *rel)
{
	char *in = *dir && rel[0] != '/' ? fmt("%s/%s", dir, rel) : strdup(rel[0] == '/' ? rel + 1 : rel);
	char **parts = calloc(strlen(in) + 1, sizeof *parts);
	size_t n = 0;
	bool out = false;
	for (char *save, *p = strtok_r(in, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (!strcmp(p, "."))
			continue;
		if (!strcmp(p, "..")) {
			if (n == 0)
				out = true;
			else
				n--;
			continue;
		}
		parts[n++] = p;
	}
	char *r = NULL;
	if (!out) {
		size_t len = 1;
		for (size_t i = 0; i < n; i++)
			len += strlen(parts[i]) + 1;
		r = calloc(len, 1);
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(r, "/");
			strcat(r, parts[i]);
		}
	}
	free(parts);
	free(in);
	return r;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? strndup(path, (size_t)(slash - path)) : strdup("");
}

/* %20 and friends */
static void url_decode(char *s)
{
	char *o = s;
	for (char *i = s; *i; i++) {
		if (i[0] == '%' && isxdigit((unsigned char)i[1]) && isxdigit((unsigned char)i[2])) {
			char hex[3] = {i[1], i[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = *i;
		}
	}
	*o = '\0';
}

static void check_target(const struct file *f, const char *at, const char *target)
{
	if (!*target) {
		problem(f, at, "a link without a target");
		return;
	}
	/* a scheme (https:, mailto:) is an external link */
	size_t k = 0;
	while (isalnum((unsigned char)target[k]) || (target[k] && strchr("+.-", target[k])))
		k++;
	if (k > 0 && target[k] == ':' && isalpha((unsigned char)target[0]))
		return;
	char *t = strdup(target);
	char *hash = strchr(t, '#');
	char *anchor = hash ? hash + 1 : NULL;
	if (hash)
		*hash = '\0';
	url_decode(t);
	char *dir = dir_of(f->path);
	char *rel = *t ? resolve(dir, t) : strdup(f->path);
	if (!rel) {
		problem(f, at, "link to \"%s\": outside the repository", target);
	} else if (!exists(rel)) {
		problem(f, at, "link to \"%s\": %s does not exist", target, rel);
	} else if (anchor && *anchor && ends_with(rel, ".md")) {
		struct file *to = find(rel);
		if (to && to->text && !has_anchor(to, anchor))
			problem(f, at, "link to \"%s\": %s has no heading #%s", target, rel, anchor);
	}
	free(rel);
	free(dir);
	free(t);
}

static void check_links(const struct file *f)
{
	char *s = prose_of(f);
	/* inline links and images: [text](target "title") */
	for (char *c = strstr(s, "]("); c; c = strstr(c + 1, "](")) {
		char *b = c + 2;
		while (*b == ' ')
			b++;
		char *e;
		if (*b == '<') {
			e = strchr(++b, '>');
		} else {
			e = b;
			int depth = 0;
			while (*e && *e != '\n' && *e != ' ' && !(*e == ')' && depth == 0)) {
				depth += *e == '(';
				depth -= *e == ')';
				e++;
			}
		}
		if (!e)
			continue;
		char *target = strndup(b, (size_t)(e - b));
		check_target(f, f->text + (c - s), target);
		free(target);
	}
	/* reference definitions: [label]: target */
	for (char *line = s; line && *line;) {
		char *end = strchr(line, '\n');
		char *p = line;
		while (*p == ' ' && p - line < 3)
			p++;
		char *close = *p == '[' ? strstr(p, "]:") : NULL;
		if (close && (!end || close < end) && close[2] == ' ') {
			char *b = close + 2;
			while (*b == ' ')
				b++;
			size_t n = strcspn(b, " \n");
			char *target = strndup(b, n);
			check_target(f, f->text + (p - s), target);
			free(target);
		}
		line = end ? end + 1 : NULL;
	}
	free(s);
}

static void test_links(void **state)
{
	(void)state;
	problems = 0;
	size_t checked = 0;
	for (size_t i = 0; i < T.n; i++) {
		if (!link_checked(&T.f[i]))
			continue;
		check_links(&T.f[i]);
		checked++;
	}
	assert_true(checked >= 2); /* README.md, traces/README.md, docs/ */
	if (problems)
		fail_msg("%d broken links", problems);
}

/* ---- paths named in the docs and in experiment descriptions ---- */

/* The project's top-level folders: a path that starts with one of them
 * names a file of the project. */
static const char *const prefixes[] = {"experiments/", "traces/", "tests/", "docs/", "bench/", "sim/",
				       "schedulers/", "workloads/", "analysis/", ".ci/", NULL};

static bool path_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("_./-~", c));
}

/* The path token at s (s starts with a prefix), as a new string: path
 * characters, '*' and {a,b} globs; a final '.', ',' or ':' is prose. */
static char *path_token(const char *s)
{
	size_t n = 0;
	int brace = 0;
	for (;; n++) {
		char c = s[n];
		if (isalnum((unsigned char)c) || (c && strchr("_./-+*", c)))
			continue;
		if (c == '{') {
			brace++;
			continue;
		}
		if (c == '}' && brace) {
			brace--;
			continue;
		}
		if (c == ',' && brace)
			continue;
		break;
	}
	while (n && strchr(".,:", s[n - 1]))
		n--;
	return strndup(s, n);
}

/* A path, a glob that matches something, or a module named without its
 * extension (sim/jobs_csv: sim/jobs_csv.c or .h). */
static bool path_exists(const char *rel)
{
	if (!strpbrk(rel, "*{")) {
		if (exists(rel))
			return true;
		char *c = fmt("%s.c", rel), *h = fmt("%s.h", rel);
		bool module = exists(c) || exists(h);
		free(c);
		free(h);
		return module;
	}
	char *pat = on_disk(rel);
	glob_t g;
	int r = glob(pat, GLOB_BRACE | GLOB_NOSORT, NULL, &g);
	bool ok = r == 0 && g.gl_pathc > 0;
	if (r == 0 || r == GLOB_NOMATCH)
		globfree(&g);
	free(pat);
	return ok;
}

/* Every project path in text (of file f; `within`: the text's place, for
 * messages); bare NAME.json names are looked up in bare_dir, if given. */
static void check_paths(const struct file *f, const char *text, const char *within, const char *bare_dir)
{
	for (const char *c = text; *c; c++) {
		if (c > text && path_char(c[-1]))
			continue;
		bool named = false;
		for (const char *const *p = prefixes; *p && !named; p++)
			named = !strncmp(c, *p, strlen(*p));
		char *tok = NULL;
		if (named) {
			tok = path_token(c);
		} else if (bare_dir && (isalnum((unsigned char)*c))) {
			size_t n = strspn(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
			char *w = strndup(c, n);
			if (ends_with(w, ".json") && n > 5)
				tok = *bare_dir ? fmt("%s/%s", bare_dir, w) : strdup(w);
			free(w);
			/* "compare with X.json" in X.json itself compares nothing */
			if (tok && !strcmp(tok, f->path)) {
				problem(f, within ? within : c, "the description names its own file, %s, as another", tok);
				free(tok);
				continue;
			}
		}
		if (!tok)
			continue;
		if (!path_exists(tok))
			problem(f, within ? within : c, "names %s, which does not exist", tok);
		free(tok);
	}
}

/* README is the tour: it links to every document of docs/. */
static void test_readme_links_docs(void **state)
{
	(void)state;
	problems = 0;
	struct file *readme = find("README.md");
	assert_non_null(readme);
	assert_non_null(readme->text);
	size_t docs = 0;
	for (size_t i = 0; i < T.n; i++) {
		const struct file *f = &T.f[i];
		if (strncmp(f->path, "docs/", 5) || strchr(f->path + 5, '/') || !ends_with(f->path, ".md"))
			continue;
		docs++;
		char *link = fmt("](%s", f->path);
		if (!strstr(readme->text, link))
			problem(readme, NULL, "does not link to %s", f->path);
		free(link);
	}
	if (!docs)
		problem(readme, NULL, "the reference documentation (docs/ Markdown files) is missing");
	if (problems)
		fail_msg("%d problems with README's links to docs/", problems);
}

static void test_paths_in_docs(void **state)
{
	(void)state;
	problems = 0;
	for (size_t i = 0; i < T.n; i++)
		if (link_checked(&T.f[i]))
			check_paths(&T.f[i], T.f[i].text, NULL, NULL);
	if (problems)
		fail_msg("%d paths named in the docs do not exist", problems);
}

/* The experiments a user runs: experiments/ and the test scenarios. */
static bool is_experiment(const struct file *f)
{
	return f->text && ends_with(f->path, ".json") && !ends_with(f->path, ".summary.json") &&
	       (!strncmp(f->path, "experiments/", 12) || !strncmp(f->path, "tests/scenarios/", 16));
}

static void test_paths_in_descriptions(void **state)
{
	(void)state;
	problems = 0;
	size_t n = 0;
	for (size_t i = 0; i < T.n; i++) {
		const struct file *f = &T.f[i];
		if (!is_experiment(f))
			continue;
		json_error_t jerr;
		json_t *exp = json_loadb(f->text, f->len, 0, &jerr);
		if (!exp) {
			problem(f, NULL, "not JSON: %s", jerr.text);
			continue;
		}
		const char *d = json_string_value(json_object_get(exp, "description"));
		if (d) {
			const char *at = strstr(f->text, "\"description\"");
			char *dir = dir_of(f->path);
			check_paths(f, d, at, dir);
			free(dir);
			n++;
		}
		json_decref(exp);
	}
	assert_true(n >= 20);
	if (problems)
		fail_msg("%d paths named in experiment descriptions do not exist", problems);
}

/* The heading quoted at q (`, "Heading"` or ` ("Heading"`) after a name of
 * the document rel, in f at c: it must be a heading of rel, whole or its
 * first words.  Whitespace and comment leaders across lines count as one
 * space. */
static void check_quoted_section(const struct file *f, const char *c, const char *q, const char *rel)
{
	char h[256];
	size_t k = 0;
	for (const char *b = q + 3; *b && *b != '"' && k + 1 < sizeof h; b++) {
		if (*b == '\n') {
			while (b[1] == ' ' || b[1] == '\t' || b[1] == '*' || b[1] == '#' || b[1] == '/')
				b++;
			h[k++] = ' ';
		} else {
			h[k++] = *b;
		}
	}
	h[k] = '\0';
	struct file *to = find(rel);
	struct headings hs = to && to->text ? headings_of(to) : (struct headings){0};
	char *want = slug(h, k);
	size_t wl = strlen(want);
	bool ok = false;
	for (size_t i = 0; i < hs.n && !ok; i++)
		ok = !strncmp(hs.base[i], want, wl) && (!hs.base[i][wl] || hs.base[i][wl] == '-');
	if (!ok)
		problem(f, c, "names the section \"%s\" of %s, which has no such heading", h, rel);
	free(want);
	headings_free(&hs);
}

/* A Markdown file of docs/ named anywhere (source comments included)
 * exists, and a section quoted right after its name or after README's --
 * a comma or an opening parenthesis, then the heading in double quotes --
 * is one of its headings. */
static void check_doc_refs(const struct file *f)
{
	static const char *const docs[] = {"docs/", "README", NULL};
	for (const char *const *d = docs; *d; d++) {
		bool is_readme = !strcmp(*d, "README");
		for (const char *c = strstr(f->text, *d); c; c = strstr(c + 1, *d)) {
			if (c > f->text && path_char(c[-1]))
				continue;
			char *tok = path_token(c);
			bool named = is_readme ? !strcmp(tok, "README") || !strcmp(tok, "README.md") : ends_with(tok, ".md");
			const char *rel = is_readme ? "README.md" : tok;
			const char *q = c + strlen(tok);
			if (named && !exists(rel))
				problem(f, c, "names %s, which does not exist", rel);
			else if (named && (!strncmp(q, ", \"", 3) || !strncmp(q, " (\"", 3)))
				check_quoted_section(f, c, q, rel);
			free(tok);
		}
	}
}

static void test_doc_references(void **state)
{
	(void)state;
	problems = 0;
	for (size_t i = 0; i < T.n; i++)
		if (T.f[i].text && fnmatch("traces/*/schema/*", T.f[i].path, FNM_PATHNAME) != 0)
			check_doc_refs(&T.f[i]);
	if (problems)
		fail_msg("%d references to docs that do not exist", problems);
}

/* ---- nothing outside the repository ---- */

static void test_nothing_outside(void **state)
{
	(void)state;
	problems = 0;
	/* (split, so that this file does not name them itself) */
	const char *const needles[] = {"INTER" "FACE.md", "REFER" "ENCE.md", "../sha" "red", "/work/sha" "red",
				       NULL};
	size_t scanned = 0;
	for (size_t i = 0; i < T.n; i++) {
		const struct file *f = &T.f[i];
		/* fuzz seeds are arbitrary inputs (mutated copies of experiments
		 * as they once were), not documentation that points anywhere */
		if (!f->text || !strncmp(f->path, "tests/fuzz/corpus/", 18))
			continue;
		scanned++;
		for (const char *const *nd = needles; *nd; nd++)
			for (const char *c = strstr(f->text, *nd); c; c = strstr(c + 1, *nd))
				problem(f, c, "names %s, which is not part of the repository (the docs are in docs/)", *nd);
	}
	assert_true(scanned >= 100);
	if (problems)
		fail_msg("%d references to files outside the repository", problems);
}

/* ---- nothing that exists is "next" ---- */

static void test_no_stale_future(void **state)
{
	(void)state;
	problems = 0;
	const char *const phrases[] = {"next release", "later release", "come next", "comes next", "(next)",
				       "coming soon", "in a later version", NULL};
	for (size_t i = 0; i < T.n; i++) {
		const struct file *f = &T.f[i];
		if (!link_checked(f))
			continue;
		char *low = strdup(f->text);
		for (char *c = low; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		for (const char *const *p = phrases; *p; p++)
			for (const char *c = strstr(low, *p); c; c = strstr(c + 1, *p))
				problem(f, f->text + (c - low),
					"\"%s\": say what exists as it is, and what does not in the README's roadmap as "
					"\"not yet\"", *p);
		free(low);
	}
	if (problems)
		fail_msg("%d statements of future work in the docs", problems);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_readme_links_docs),
		cmocka_unit_test(test_paths_in_docs),
		cmocka_unit_test(test_paths_in_descriptions),
		cmocka_unit_test(test_doc_references),
		cmocka_unit_test(test_nothing_outside),
		cmocka_unit_test(test_no_stale_future),
	};
	return cmocka_run_group_tests_name("docs", tests, setup, teardown);
}
