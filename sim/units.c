/* sim/units — see units.h. */
#include "sim/units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

cs_time cs_time_from_seconds(double s)
{
	if (isnan(s) || s >= 9.2e12)
		return CS_TIME_NEVER;
	if (s <= -9.2e12)
		return -CS_TIME_NEVER;
	return (cs_time)llround(s * 1e6);
}

cs_qty cs_qty_from_double(double x)
{
	if (isnan(x) || x >= 9.2e12)
		return INT64_MAX;
	if (x <= -9.2e12)
		return INT64_MIN + 1;
	return (cs_qty)llround(x * 1e6);
}

double cs_qty_to_double(cs_qty q)
{
	return (double)q / 1e6;
}

struct unit {
	const char *name;
	double factor;
};

static bool parse_with_units(const char *s, const struct unit *units, double *out)
{
	char *end;
	while (*s == ' ')
		s++;
	/* a decimal number: not strtod's "+1", hexadecimal "0x10", "inf" */
	const char *d = *s == '-' ? s + 1 : s;
	if (!isdigit((unsigned char)*d) && *d != '.')
		return false;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
		return false;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v))
		return false;
	while (*end == ' ')
		end++;
	if (!*end) {
		*out = v;
		return true;
	}
	for (const struct unit *u = units; u->name; u++) {
		if (strcmp(end, u->name) == 0) {
			*out = v * u->factor;
			return true;
		}
	}
	return false;
}

/* A compound time, terms of a whole or decimal number and a unit, the
 * units in decreasing order ("1h30m", "2m30s", "1d12h"). */
static bool parse_compound(const char *s, double *seconds)
{
	/* longest names first, so that "ms" and "min" are not read as "m" */
	static const struct unit units[] = {
		{"min", 60}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60},
		{"h", 3600}, {"d", 86400}, {"w", 604800}, {NULL, 0},
	};
	double total = 0, last = HUGE_VAL;
	int terms = 0;
	while (*s) {
		if ((!isdigit((unsigned char)*s) && *s != '.') || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
			return false;
		char *end;
		double v = strtod(s, &end);
		if (end == s || !isfinite(v))
			return false;
		const struct unit *u = units;
		for (; u->name; u++)
			if (strncmp(end, u->name, strlen(u->name)) == 0)
				break;
		if (!u->name || u->factor >= last)
			return false;
		last = u->factor;
		total += v * u->factor;
		s = end + strlen(u->name);
		terms++;
	}
	if (terms < 2)
		return false;
	*seconds = total;
	return true;
}

bool cs_parse_seconds(const char *s, double *seconds)
{
	static const struct unit units[] = {
		{"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"min", 60},
		{"h", 3600}, {"d", 86400}, {"w", 604800}, {NULL, 0},
	};
	return parse_with_units(s, units, seconds) || parse_compound(s, seconds);
}

bool cs_parse_mib(const char *s, double *mib)
{
	static const struct unit units[] = {
		{"B", 1.0 / 1048576}, {"KiB", 1.0 / 1024}, {"MiB", 1},
		{"GiB", 1024}, {"TiB", 1048576}, {"kB", 1e3 / 1048576},
		{"MB", 1e6 / 1048576}, {"GB", 1e9 / 1048576},
		{"TB", 1e12 / 1048576}, {NULL, 0},
	};
	return parse_with_units(s, units, mib);
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

char *cs_fmt_u64(char *out, uint64_t v)
{
	/* count the digits, then write them in place, two a step from the
	 * end: these run several times per job and sample */
	static const uint64_t pow10[20] = {1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
					   100000000u, 1000000000u, 10000000000u, 100000000000u,
					   1000000000000u, 10000000000000u, 100000000000000u,
					   1000000000000000u, 10000000000000000u, 100000000000000000u,
					   1000000000000000000u, 10000000000000000000u};
	/* digits from the bit length: log10(2) ~ 1233/4096, then one compare */
	unsigned bits = 64 - (unsigned)__builtin_clzll(v | 1);
	unsigned n = (bits * 1233) >> 12;
	n += n < 20 && v >= pow10[n];
	n += n == 0;
	char *p = out + n;
	while (v >= 100) {
		uint64_t q = v / 100;
		p -= 2;
		memcpy(p, digit_pairs + 2 * (v - q * 100), 2);
		v = q;
	}
	if (v >= 10)
		memcpy(p - 2, digit_pairs + 2 * v, 2);
	else
		p[-1] = (char)('0' + v);
	return out + n;
}

char *cs_fmt_seconds(char *out, cs_time t)
{
	bool neg = t < 0;
	uint64_t u = neg ? (uint64_t)(-(t + 1)) + 1 : (uint64_t)t;
	if (neg)
		*out++ = '-';
	out = cs_fmt_u64(out, u / 1000000);
	uint32_t frac = (uint32_t)(u % 1000000);
	if (frac == 0) { /* whole seconds: traces' times mostly are */
		memcpy(out, ".000000", 7);
		return out + 7;
	}
	*out++ = '.';
	for (int i = 4; i >= 0; i -= 2) {
		memcpy(out + i, digit_pairs + 2 * (frac % 100), 2);
		frac /= 100;
	}
	return out + 6;
}

void cs_put_seconds(FILE *f, cs_time t)
{
	char buf[32];
	fwrite(buf, 1, (size_t)(cs_fmt_seconds(buf, t) - buf), f);
}
