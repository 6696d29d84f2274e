/* sim/replicate — see replicate.h. */
#include "sim/replicate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/aggregate.h"
#include "sim/alloc.h"
#include "sim/outdir.h"
#include "sim/run.h"

int cs_replications_take(json_t *exp, const char *file, uint64_t max, size_t *n, struct cs_error *err)
{
	*n = 1;
	json_t *v = json_object_get(exp, "replications");
	if (!v)
		return 0;
	double x = json_number_value(v);
	if (!json_is_number(v) || !isfinite(x) || x < 1 || x != floor(x) || x > (double)max) {
		char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		cs_error_input(err, file, "replications",
			       "expected a whole number from 1 to %llu (limits.replications) (got %s)",
			       (unsigned long long)max, got ? got : "?");
		free(got);
		return -1;
	}
	/* the runs' bookkeeping is in memory: a million replications of a
	 * run is as far as a limit may take it */
	if (x > 1000000)
		return cs_error_input(err, file, "replications", "at most 1,000,000 (got %.0f)", x);
	*n = (size_t)x;
	/* every replication's seed must be one: seed + n - 1 <= 2^63 - 1 */
	const json_t *sd = json_object_get(exp, "seed");
	double seed = sd ? json_number_value(sd) : 1;
	if (sd && json_is_integer(sd) ? json_integer_value(sd) > INT64_MAX - (json_int_t)(*n - 1)
				     : seed + (double)(*n - 1) >= 9.0e15 && *n > 1)
		return cs_error_input(err, file, "replications",
				      "the seeds seed ... seed + %zu do not all fit in 0 ... 2^63 - 1 (seed %.17g)", *n - 1,
				      json_is_integer(sd) ? (double)json_integer_value(sd) : seed);
	json_object_del(exp, "replications");
	return 0;
}

json_t *cs_replication_experiment(const json_t *exp, size_t k, const char *file, struct cs_error *err)
{
	json_t *rep = json_deep_copy(exp);
	if (k == 0)
		return rep;
	json_t *s = json_object_get(rep, "seed");
	json_int_t seed = 1;
	if (s) {
		double x = json_number_value(s);
		if (!(json_is_integer(s) || (json_is_real(s) && x == floor(x) && fabs(x) < 9.0e15)) || x < 0) {
			json_decref(rep);
			cs_error_input(err, file, "seed", "expected a whole number from 0 to 2^63 - 1 for replications");
			return NULL;
		}
		seed = json_is_integer(s) ? json_integer_value(s) : (json_int_t)x;
	}
	if (seed > INT64_MAX - (json_int_t)k) {
		json_decref(rep);
		cs_error_input(err, file, "seed", "seed + replications - 1 is past 2^63 - 1 (got seed %lld)",
			       (long long)seed);
		return NULL;
	}
	json_object_set_new(rep, "seed", json_integer(seed + (json_int_t)k));
	return rep;
}

char *cs_replication_staging(const char *target)
{
	size_t len = strlen(target);
	while (len > 1 && target[len - 1] == '/')
		len--;
	const char *slash = NULL;
	for (size_t i = 0; i < len; i++)
		if (target[i] == '/')
			slash = target + i;
	const char *base = slash ? slash + 1 : target;
	int plen = slash ? (int)(slash - target + 1) : 0;
	return cs_xasprintf("%.*s.%.*s.replications", plen, target, (int)(len - (size_t)(base - target)), base);
}

static char *rep_dir(const char *staging, size_t k)
{
	return cs_xasprintf("%s/%zu", staging, k + 1);
}

bool cs_replication_complete(const char *staging, size_t k, const json_t *rep_exp)
{
	char *dir = rep_dir(staging, k);
	char *sum = cs_xasprintf("%s/summary.json", dir), *pj = cs_xasprintf("%s/point.json", dir);
	json_t *given = json_load_file(pj, 0, NULL);
	bool ok = access(sum, R_OK) == 0 && given && json_equal(given, rep_exp);
	json_decref(given);
	free(sum);
	free(pj);
	free(dir);
	return ok;
}

int cs_replication_run(const json_t *rep_exp, const char *file, const char *staging, size_t k, const char *label,
		       struct cs_error *err)
{
	if (cs_mkdir_p(staging, err) < 0)
		return -1;
	char *dir = rep_dir(staging, k);
	char *shown = cs_xasprintf("%s#%zu", label ? label : "replication", k + 1);
	struct cs_run_opts opts = {file, dir, true, true, shown, rep_exp, NULL};
	json_t *run = json_deep_copy(rep_exp); /* the run fills in defaults */
	int rc = cs_run_experiment(run, &opts, err);
	json_decref(run);
	free(shown);
	free(dir);
	return rc;
}

/* Each replication's NAME (summary.json, run.json), aggregated into
 * dir/NAME; the replications are in dir/replications. */
static json_t *aggregate_file(const char *dir, const char *name, size_t n, json_t *seeds, struct cs_error *err)
{
	json_t **docs = cs_xcalloc(n, sizeof *docs);
	json_t *agg = NULL;
	size_t k = 0;
	for (; k < n; k++) {
		char *p = cs_xasprintf("%s/replications/%zu/%s", dir, k + 1, name);
		json_error_t jerr;
		docs[k] = json_load_file(p, 0, &jerr);
		if (!json_is_object(docs[k])) {
			cs_error_input(err, p, NULL, "cannot read a replication's results: %s",
				       docs[k] ? "not an object" : jerr.text);
			free(p);
			break;
		}
		free(p);
	}
	if (k == n)
		agg = cs_aggregate(docs, n);
	/* each replication's seed, read here rather than again */
	for (size_t i = 0; agg && seeds && i < n; i++)
		json_array_append(seeds, json_object_get(docs[i], "seed") ? json_object_get(docs[i], "seed") : json_null());
	for (size_t i = 0; i < n; i++)
		json_decref(docs[i]);
	free(docs);
	return agg;
}

/* The aggregate summary, with "replications" and "seeds" after "seed"
 * (takes agg and seeds). */
static json_t *with_seeds(json_t *agg, json_t *seeds, size_t n)
{
	json_t *out = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(agg, key, v) {
		bool is_seed = strcmp(key, "seed") == 0;
		json_object_set(out, key, is_seed ? json_array_get(seeds, 0) : v);
		if (is_seed) {
			json_object_set_new(out, "replications", json_integer((json_int_t)n));
			json_object_set(out, "seeds", seeds);
		}
	}
	if (!json_object_get(out, "replications")) {
		json_object_set_new(out, "replications", json_integer((json_int_t)n));
		json_object_set(out, "seeds", seeds);
	}
	json_decref(seeds);
	json_decref(agg);
	return out;
}

static int write_aggregates(const char *dir, size_t n, const json_t *point, struct cs_error *err)
{
	json_t *seeds = json_array();
	json_t *sum = aggregate_file(dir, "summary.json", n, seeds, err);
	json_t *run = sum ? aggregate_file(dir, "run.json", n, NULL, err) : NULL;
	char *ep = cs_xasprintf("%s/replications/1/experiment.json", dir);
	json_t *exp = run ? json_load_file(ep, 0, NULL) : NULL;
	free(ep);
	int rc = -1;
	if (sum && run && exp) {
		sum = with_seeds(sum, json_incref(seeds), n);
		json_object_set_new(exp, "replications", json_integer((json_int_t)n));
		char *p[4] = {cs_xasprintf("%s/summary.json", dir), cs_xasprintf("%s/run.json", dir),
			      cs_xasprintf("%s/experiment.json", dir), cs_xasprintf("%s/point.json", dir)};
		rc = cs_write_json(p[0], sum, err) < 0 || cs_write_json(p[1], run, err) < 0 ||
				     cs_write_json(p[2], exp, err) < 0 || (point && cs_write_json(p[3], point, err) < 0)
			     ? -1
			     : 0;
		for (int i = 0; i < 4; i++)
			free(p[i]);
	} else if (sum && run) {
		cs_error_input(err, dir, "replications/1/experiment.json", "cannot read");
	}
	json_decref(sum);
	json_decref(run);
	json_decref(exp);
	json_decref(seeds);
	return rc;
}

int cs_replications_assemble(const char *target, const char *staging, size_t n, const json_t *point, bool force,
			     struct cs_error *err)
{
	struct cs_outdir od;
	if (cs_outdir_begin(&od, target, force, err) < 0)
		return -1;
	char *reps = cs_outdir_file(&od, "replications");
	int rc = 0;
	if (mkdir(reps, 0777) < 0)
		rc = cs_error_input(err, reps, NULL, "cannot create: %s", strerror(errno));
	for (size_t k = 0; rc == 0 && k < n; k++) {
		char *from = rep_dir(staging, k), *to = cs_xasprintf("%s/%zu", reps, k + 1);
		if (rename(from, to) < 0)
			rc = cs_error_input(err, from, NULL, "cannot move into %s: %s", target, strerror(errno));
		free(from);
		free(to);
	}
	if (rc == 0)
		rc = write_aggregates(od.tmp, n, point, err);
	free(reps);
	if (rc == 0)
		rc = cs_outdir_commit(&od, err);
	else
		cs_outdir_abort(&od, err);
	if (rc == 0)
		cs_rm_rf(staging);
	return rc;
}
