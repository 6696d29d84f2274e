/* workloads/rate_profile — a time-varying arrival rate for synthetic
 * workloads (a diurnal load): "arrival_rate": {"shape": "sinusoidal",
 * "period": "1d", "amplitude": A, "peak": T}.  The rate relative to its
 * mean is r(t) = 1 + A cos(2 pi (t - T) / period), 0 <= A < 1: the mean
 * over a period is the mean the "arrival" distribution gives, the peak is
 * (1 + A) times it at T (and every period after), the trough (1 - A)
 * times it half a period later.
 *
 * The arrivals are the workload's own renewal process run in operational
 * time s and mapped to real time by the inverse of s = R(t), the integral
 * of r from 0 (the time change that turns a Poisson process into a
 * non-homogeneous one with rate lambda r(t): Cinlar, "Introduction to
 * Stochastic Processes", 1975, ch. 4).  The same draws give the same jobs
 * in the same order, only moved in time: no thinning, no extra draws. */
#ifndef CS_RATE_PROFILE_H
#define CS_RATE_PROFILE_H
#include <stdbool.h>

#include <jansson.h>

#include "sim/config.h"

struct cs_rate_profile {
	bool on;
	double period, amplitude, peak; /* seconds, fraction, seconds */
};

/* Parse w's "arrival_rate" (absent: off). */
int cs_rate_profile_parse(const struct cs_cfg *cfg, json_t *w, const char *path, struct cs_rate_profile *out);
/* R(t): operational time at real time t (seconds). */
double cs_rate_profile_warp(const struct cs_rate_profile *p, double t);
/* Its inverse: the real time at operational time s (to 1e-7 s). */
double cs_rate_profile_unwarp(const struct cs_rate_profile *p, double s);

#endif
