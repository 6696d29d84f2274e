/* sim/metrics_series — timeseries.csv and summary.json's first keys (see
 * metrics.h).  A row's time is exact to the microsecond (cs_fmt_seconds:
 * the same digits as "%.6f" of the seconds, without a double's rounding
 * for long runs). */
#include "sim/metrics.h"

#include "sim/csv.h"
#include "sim/units.h"

json_t *cs_summary_new(const char *name, uint64_t seed, const char *scheduler_type, cs_time simulated)
{
	json_t *s = json_object();
	json_object_set_new(s, "name", json_string(name));
	json_object_set_new(s, "seed", json_integer((json_int_t)seed));
	json_object_set_new(s, "scheduler_type", json_string(scheduler_type));
	json_object_set_new(s, "simulated_seconds", json_real(cs_time_to_seconds(simulated)));
	return s;
}

json_t *cs_summary_real(bool ok, double x)
{
	return ok ? json_real(x) : json_null();
}

void cs_series_init(struct cs_series *s, FILE *f, uint64_t limit)
{
	*s = (struct cs_series){.f = f, .limit = limit, .last = CS_TIME_NEVER};
}

void cs_series_add(struct cs_series *s, const struct cs_series_source *src)
{
	if (s->nsrc < CS_SERIES_SOURCES) /* (the callers are the run's own code: a fixed few) */
		s->src[s->nsrc++] = *src;
}

void cs_series_header(struct cs_series *s)
{
	if (!s->f)
		return;
	fputs("time", s->f);
	for (uint32_t i = 0; i < s->nsrc; i++)
		s->src[i].columns(s->src[i].ctx, s);
	fputc('\n', s->f);
}

int cs_series_row(struct cs_series *s, cs_time now)
{
	if (!s->f)
		return 0;
	if (s->rows + 1 > s->limit)
		return -1;
	s->rows++;
	cs_put_seconds(s->f, now);
	for (uint32_t i = 0; i < s->nsrc; i++)
		s->src[i].row(s->src[i].ctx, s, now);
	fputc('\n', s->f);
	s->last = now;
	return 0;
}

void cs_series_column(struct cs_series *s, const char *name)
{
	fputc(',', s->f);
	cs_csv_put(s->f, name);
}

void cs_series_real(struct cs_series *s, double x)
{
	fprintf(s->f, ",%.6f", x);
}

void cs_series_count(struct cs_series *s, uint64_t n)
{
	fprintf(s->f, ",%llu", (unsigned long long)n);
}

void cs_series_blank(struct cs_series *s)
{
	fputc(',', s->f);
}
