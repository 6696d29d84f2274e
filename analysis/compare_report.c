/* analysis/compare_report — see compare_report.h. */
#include "analysis/compare_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/alloc.h"

struct cs_cmp_row *cs_cmp_add(struct cs_cmp_report *r, const char *point, const char *key)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->rows = cs_xrealloc(r->rows, r->cap * sizeof *r->rows);
	}
	struct cs_cmp_row *row = &r->rows[r->n++];
	memset(row, 0, sizeof *row);
	row->point = point ? cs_xstrdup(point) : NULL;
	row->key = cs_xstrdup(key);
	row->p = (double)NAN;
	return row;
}

const char *cs_cmp_status_name(enum cs_cmp_status s)
{
	switch (s) {
	case CS_CMP_REGRESSION:
		return "REGRESSION";
	case CS_CMP_NOT_SIGNIFICANT:
		return "not significant";
	case CS_CMP_IMPROVED:
		return "improved";
	case CS_CMP_CHANGED:
		return "changed";
	case CS_CMP_ONLY_BASE:
		return "only in the baseline";
	case CS_CMP_SAME:
		break;
	}
	return "ok";
}

static size_t tested(const struct cs_cmp_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += isfinite(r->rows[i].p);
	return n;
}

static size_t compared(const struct cs_cmp_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->rows[i].status != CS_CMP_ONLY_BASE;
	return n;
}

/* "POINT: KEY" or "KEY" (a new string) */
static char *row_name(const struct cs_cmp_row *w)
{
	return w->point ? cs_xasprintf("%s: %s", w->point, w->key) : cs_xstrdup(w->key);
}

static void text(const struct cs_cmp_report *r, FILE *f)
{
	fprintf(f, "compare %s -> %s\n", r->base_dir, r->result_dir);
	for (size_t i = 0; i < r->n; i++) {
		const struct cs_cmp_row *w = &r->rows[i];
		if (w->status == CS_CMP_SAME)
			continue;
		char *name = row_name(w);
		if (w->status == CS_CMP_ONLY_BASE) {
			fprintf(f, "  %-44s %14s  only in the baseline\n", name, "");
		} else if (w->base.n == 0 || w->result.n == 0) {
			fprintf(f, "  %-44s %14s  %s -> %s  %s\n", name, "", w->base.n ? "value" : "null",
				w->result.n ? "value" : "null", cs_cmp_status_name(w->status));
		} else {
			char p[48] = "";
			if (isfinite(w->p))
				snprintf(p, sizeof p, ", p=%.3g", w->p);
			fprintf(f, "  %-44s %14.6g -> %-14.6g %+8.2f%%  (tolerance %g%%%s)  %s\n", name, w->base.mean,
				w->result.mean, w->pct, w->tolerance, p, cs_cmp_status_name(w->status));
		}
		free(name);
	}
	if (tested(r))
		fprintf(f, "Welch's t-test (alpha %g) on the %zu metrics with replications on both sides: a change beyond "
			   "its tolerance is a regression only if it is significant\n",
			r->alpha, tested(r));
	fprintf(f, "%zu metrics compared, %d regressions, %d other changes beyond tolerance\n", compared(r),
		r->regressions, r->changes);
}

/* a value for a markdown cell: mean, "± half-width" with an interval */
static void md_value(const struct cs_stats *s, FILE *f)
{
	if (s->n == 0)
		fputs("null", f);
	else if (isfinite(s->ci_lo))
		fprintf(f, "%.6g ± %.3g", s->mean, (s->ci_hi - s->ci_lo) / 2);
	else
		fprintf(f, "%.6g", s->mean);
}

/* Markdown cells: a backslash before the characters a table reads. */
static void md_text(const char *s, FILE *f)
{
	for (; *s; s++) {
		if (strchr("|\\`*_[]<>", *s))
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
}

static void md_row(const struct cs_cmp_row *w, FILE *f)
{
	fputs("| ", f);
	if (w->point) {
		md_text(w->point, f);
		fputs(": ", f);
	}
	md_text(w->key, f);
	fputs(" | ", f);
	md_value(&w->base, f);
	fputs(" | ", f);
	md_value(&w->result, f);
	if (w->base.n && w->result.n)
		fprintf(f, " | %+.2f%% | %g%% | ", w->pct, w->tolerance);
	else
		fprintf(f, " | | %g%% | ", w->tolerance);
	if (isfinite(w->p))
		fprintf(f, "%.3g", w->p);
	fprintf(f, " | %s |\n", w->status == CS_CMP_REGRESSION ? "**REGRESSION**" : cs_cmp_status_name(w->status));
}

static void markdown(const struct cs_cmp_report *r, FILE *f)
{
	fprintf(f, "### clustersim compare: %s\n\n", r->regressions ? "regression" : "no regression");
	fputs("`", f);
	md_text(r->base_dir, f);
	fputs("` → `", f);
	md_text(r->result_dir, f);
	fprintf(f, "`: %zu metrics compared, **%d regressions**, %d other changes beyond tolerance.", compared(r),
		r->regressions, r->changes);
	if (tested(r))
		fprintf(f, " Welch's t-test (α = %g) on the %zu metrics with replications on both sides: a change "
			   "beyond its tolerance is a regression only if it is significant.",
			r->alpha, tested(r));
	fputs("\n\n", f);
	const char *head = "| metric | baseline | result | change | tolerance | p | |\n|---|---:|---:|---:|---:|---:|---|\n";
	size_t shown = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->rows[i].status == CS_CMP_SAME)
			continue;
		if (!shown++)
			fputs(head, f);
		md_row(&r->rows[i], f);
	}
	if (!shown)
		fputs("Every metric is within its tolerance.\n", f);
	fprintf(f, "\n<details><summary>all %zu metrics</summary>\n\n%s", r->n, head);
	for (size_t i = 0; i < r->n; i++)
		md_row(&r->rows[i], f);
	fputs("\n</details>\n", f);
}

/* The length of the valid UTF-8 sequence at s that XML 1.0 allows
 * (not U+FFFE, U+FFFF or a surrogate), or 0. */
static size_t xml_char(const unsigned char *s)
{
	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' ? 1 : 0;
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (!n)
		return 0;
	unsigned cp = s[0] & (0xff >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	bool shortest = (n == 2 && cp >= 0x80) || (n == 3 && cp >= 0x800) || (n == 4 && cp >= 0x10000 && cp <= 0x10ffff);
	return shortest && !(cp >= 0xd800 && cp <= 0xdfff) && cp != 0xfffe && cp != 0xffff ? n : 0;
}

static void xml_text(const char *s, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = xml_char(p);
		switch (n ? *p : 0) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case 0: fputc('?', f); break; /* a byte XML cannot hold */
		default: fwrite(p, 1, n, f);
		}
		p += n ? n : 1;
	}
}

static void junit(const struct cs_cmp_report *r, FILE *f)
{
	int failures = r->regressions;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"clustersim compare\" tests=\"%zu\" "
		   "failures=\"%d\">\n  <testsuite name=\"",
		compared(r), failures);
	xml_text(r->base_dir, f);
	fputs(" -&gt; ", f);
	xml_text(r->result_dir, f);
	fprintf(f, "\" tests=\"%zu\" failures=\"%d\">\n", compared(r), failures);
	for (size_t i = 0; i < r->n; i++) {
		const struct cs_cmp_row *w = &r->rows[i];
		if (w->status == CS_CMP_ONLY_BASE)
			continue;
		fputs("    <testcase classname=\"clustersim.compare", f);
		if (w->point) {
			fputc('.', f);
			xml_text(w->point, f);
		}
		fputs("\" name=\"", f);
		xml_text(w->key, f);
		fputs("\"", f);
		if (w->status != CS_CMP_REGRESSION) {
			fputs("/>\n", f);
			continue;
		}
		char msg[256], pv[40] = "";
		if (isfinite(w->p))
			snprintf(pv, sizeof pv, ", p=%.3g", w->p);
		if (w->base.n && w->result.n)
			snprintf(msg, sizeof msg, "%.6g -> %.6g (%+.2f%%, tolerance %g%%, %s%s)", w->base.mean, w->result.mean,
				 w->pct, w->tolerance, cs_direction_name(w->direction), pv);
		else
			snprintf(msg, sizeof msg, "a value became null");
		fputs(">\n      <failure type=\"regression\" message=\"", f);
		xml_text(msg, f);
		fputs("\"/>\n    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side(const struct cs_stats *s)
{
	if (s->n == 0)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:I}", "mean", num(s->mean), "sd", num(s->sd), "ci95",
			 isfinite(s->ci_lo) ? json_pack("[o, o]", num(s->ci_lo), num(s->ci_hi)) : json_null(), "n",
			 (json_int_t)s->n);
}

static void json_out(const struct cs_cmp_report *r, FILE *f)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct cs_cmp_row *w = &r->rows[i];
		json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:f, s:o, s:s}", "metric", w->key, "direction",
				      cs_direction_name(w->direction), "baseline", side(&w->base), "result",
				      side(&w->result), "change_pct", num(w->pct), "tolerance_pct", w->tolerance, "p",
				      num(w->p), "status", cs_cmp_status_name(w->status));
		if (w->point)
			json_object_set_new(o, "point", json_string(w->point));
		json_array_append_new(rows, o);
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:f, s:I, s:I, s:i, s:i, s:o}", "baseline", r->base_dir, "result",
				r->result_dir, "test", "welch", "alpha", r->alpha, "compared", (json_int_t)compared(r),
				"tested", (json_int_t)tested(r), "regressions", r->regressions, "changes", r->changes,
				"metrics", rows);
	json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	fputc('\n', f);
	json_decref(doc);
}

void cs_cmp_render(const struct cs_cmp_report *r, const char *format, FILE *f)
{
	if (strcmp(format, "markdown") == 0)
		markdown(r, f);
	else if (strcmp(format, "junit") == 0)
		junit(r, f);
	else if (strcmp(format, "json") == 0)
		json_out(r, f);
	else
		text(r, f);
}

void cs_cmp_report_release(struct cs_cmp_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].point);
		free(r->rows[i].key);
	}
	free(r->rows);
	r->rows = NULL;
	r->n = r->cap = 0;
}
