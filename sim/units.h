/* sim/units — the simulator's units and their parsing.
 *
 * Time: int64 microseconds since the experiment start (cs_time).  Exact,
 * deterministic, and the unit of the Google traces.
 * Quantities (cpu, memory, disk): int64 in millionths of a core or of a
 * MiB (cs_qty).  Integer arithmetic makes claim/release exact: a machine
 * whose tasks all ended is exactly empty again, and "fits" never depends
 * on floating-point drift.
 *
 * In experiment files, bare numbers are seconds, cores and MiB; strings
 * carry units: "90s" "250ms" "15m" "6h" "30d" "1w", "512MiB" "16GiB" "1TiB"
 * (also KiB, B, and decimal kB/MB/GB/TB). */
#ifndef CS_UNITS_H
#define CS_UNITS_H
#include <stdbool.h>
#include <stdint.h>

typedef int64_t cs_time;
#define CS_USEC ((cs_time)1)
#define CS_SEC ((cs_time)1000000)
#define CS_TIME_NEVER INT64_MAX /* "no such time": forever, not yet */

typedef int64_t cs_qty;
#define CS_QTY_ONE ((cs_qty)1000000)

/* The ranges the model represents (docs/model.md, "Ranges"): inputs
 * outside them are errors, never rounded or wrapped.
 *  - a time or duration: at most CS_MAX_SECONDS (about 317 years; the
 *    clock holds 292,000, so sums of a few never overflow), and a
 *    positive one at least a microsecond, the clock's resolution;
 *  - a quantity: at least CS_QTY_MIN (1e-6, the resolution) when
 *    positive; cpu at most CS_MAX_CORES per machine or task, memory and
 *    disk at most CS_MAX_MIB (1 PiB); a cell's totals at most
 *    CS_MAX_TOTAL units (cores or MiB: half the range of cs_qty, so that
 *    sums of allocations stay exact). */
#define CS_MAX_SECONDS 1e10
#define CS_QTY_MIN 1e-6
#define CS_MAX_CORES 1e7
#define CS_MAX_MIB 1073741824.0
#define CS_MAX_TOTAL 4.6e12

/* Rounds to the nearest µs; at or beyond the clock's range (or NaN),
 * CS_TIME_NEVER (negative: -CS_TIME_NEVER). */
cs_time cs_time_from_seconds(double s);
/* inline: metrics convert every job's times */
static inline double cs_time_to_seconds(cs_time t)
{
	return (double)t / 1e6;
}
/* Rounds to the nearest 1e-6; saturates at the type's range. */
cs_qty cs_qty_from_double(double x);
double cs_qty_to_double(cs_qty q);

/* Write t as seconds with six decimals ("12.000345"), exactly: integer
 * formatting, as fast as it gets for the millions of times a run writes. */
#include <stdio.h>
void cs_put_seconds(FILE *f, cs_time t);
/* The same into a buffer (at least 32 bytes free); returns the end. */
char *cs_fmt_seconds(char *out, cs_time t);
/* Decimal digits of v (at least 21 bytes free); returns the end. */
char *cs_fmt_u64(char *out, uint64_t v);

/* Parse "15m" and the like into seconds.  Returns false if s is not a
 * number followed by a known unit (or none). */
bool cs_parse_seconds(const char *s, double *seconds);
/* Parse "16GiB" and the like into MiB. */
bool cs_parse_mib(const char *s, double *mib);

#endif
