/* workloads/rate_profile — see rate_profile.h. */
#include "workloads/rate_profile.h"

#include <math.h>

int cs_rate_profile_parse(const struct cs_cfg *cfg, json_t *w, const char *path, struct cs_rate_profile *out)
{
	static const char *const keys[] = {"shape", "period", "amplitude", "peak", NULL};
	static const char *const shapes[] = {"sinusoidal", NULL};
	char p[512];
	*out = (struct cs_rate_profile){0};
	json_t *r = json_object_get(w, "arrival_rate");
	if (!r)
		return 0;
	cs_path_key(p, sizeof p, path, "arrival_rate");
	int shape;
	cs_time period, peak;
	if (cs_cfg_need_object(cfg, r, p) < 0 || cs_cfg_keys(cfg, r, p, keys) < 0 ||
	    cs_cfg_enum(cfg, r, p, "shape", "sinusoidal", shapes, &shape) < 0 ||
	    cs_cfg_time(cfg, r, p, "period", 86400, CS_CFG_POSITIVE, &period) < 0 ||
	    cs_cfg_num_in(cfg, r, p, "amplitude", 0.5, CS_CFG_NONNEG, 0, 0.99, &out->amplitude) < 0 ||
	    cs_cfg_time(cfg, r, p, "peak", 0, CS_CFG_NONNEG, &peak) < 0)
		return -1;
	out->on = true;
	out->period = cs_time_to_seconds(period);
	out->peak = cs_time_to_seconds(peak);
	return 0;
}

static double omega(const struct cs_rate_profile *p)
{
	return 2 * M_PI / p->period;
}

double cs_rate_profile_warp(const struct cs_rate_profile *p, double t)
{
	if (!p->on)
		return t;
	double k = p->amplitude / omega(p);
	return t + k * (sin(omega(p) * (t - p->peak)) + sin(omega(p) * p->peak));
}

double cs_rate_profile_unwarp(const struct cs_rate_profile *p, double s)
{
	if (!p->on || p->amplitude == 0)
		return s;
	/* R is increasing (R' = r >= 1 - A > 0) and |R(t) - t| <= 2A/omega:
	 * Newton's steps, kept inside a bracket that shrinks with each */
	double k = 2 * p->amplitude / omega(p);
	double lo = s - k, hi = s + k, t = s;
	for (int i = 0; i < 100; i++) {
		double f = cs_rate_profile_warp(p, t) - s;
		if (fabs(f) < 1e-8 || hi - lo < 1e-9)
			break;
		if (f > 0)
			hi = t;
		else
			lo = t;
		double d = 1 + p->amplitude * cos(omega(p) * (t - p->peak));
		double next = t - f / d;
		t = next > lo && next < hi ? next : (lo + hi) / 2;
	}
	return t;
}
