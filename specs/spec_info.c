/* specs/spec_info — `clustersim spec info [--json] FILE...`: what each spec
 * file was understood as.
 *
 * One description (a JSON object per app, built by describe()) is printed
 * either as JSON (--json: {"file", "format", "apps": [...], "skipped"}) or
 * as aligned text, so both forms always say the same thing.  Quantities
 * are the model's: cores, MiB. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/cli.h"
#include "sim/error.h"
#include "specs/spec.h"

static const char usage[] = "usage: clustersim spec info [--json] FILE...\n";

static json_t *labels_json(const struct cs_labels *l)
{
	json_t *o = json_object();
	for (size_t i = 0; i < l->n; i++)
		json_object_set_new(o, l->v[i].key, json_string(l->v[i].value));
	return o;
}

static char *req_text(const struct cs_sel_req *r)
{
	size_t cap = strlen(r->key) + 32;
	for (size_t i = 0; i < r->nvalues; i++)
		cap += strlen(r->values[i]) + 2;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	int n = snprintf(s, cap, "%s %s", r->key, cs_sel_op_name(r->op));
	for (size_t i = 0; i < r->nvalues; i++)
		n += snprintf(s + n, cap - (size_t)n, "%s%s", i ? ", " : " (", r->values[i]);
	if (r->nvalues)
		snprintf(s + n, cap - (size_t)n, ")");
	return s;
}

static json_t *reqs_json(const struct cs_sel_req *r, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char *s = req_text(&r[i]);
		json_array_append_new(a, json_string(s ? s : "?"));
		free(s);
	}
	return a;
}

static json_t *selector_json(const struct cs_selector *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "matchLabels", labels_json(&s->match));
	json_object_set_new(o, "matchExpressions", reqs_json(s->expr, s->nexpr));
	return o;
}

static json_t *k8s_json(const struct cs_app *a)
{
	json_t *o = json_object();
	if (a->k8s.namespace)
		json_object_set_new(o, "namespace", json_string(a->k8s.namespace));
	if (a->kind != CS_APP_K8S_POD && a->k8s.selector.present)
		json_object_set_new(o, "selector", selector_json(&a->k8s.selector));
	if (a->kind == CS_APP_K8S_SERVICE) {
		json_t *ports = json_array();
		for (size_t i = 0; i < a->k8s.nports; i++)
			json_array_append_new(ports, json_integer(a->k8s.ports[i]));
		json_object_set_new(o, "ports", ports);
		json_object_set_new(o, "sessionAffinity", json_string(a->k8s.session_affinity ? "ClientIP" : "None"));
		if (a->k8s.session_affinity)
			json_object_set_new(o, "affinity_timeout_seconds", json_real(a->k8s.affinity_timeout));
		return o;
	}
	if (a->k8s.node_selector.n)
		json_object_set_new(o, "nodeSelector", labels_json(&a->k8s.node_selector));
	for (int pass = 0; pass < 2; pass++) {
		const struct cs_node_term *t = pass ? a->k8s.node_preferred : a->k8s.node_required;
		size_t n = pass ? a->k8s.nnode_preferred : a->k8s.nnode_required;
		if (!n)
			continue;
		json_t *terms = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *term = json_object();
			if (pass)
				json_object_set_new(term, "weight", json_integer(t[i].weight));
			json_object_set_new(term, "match", reqs_json(t[i].req, t[i].nreq));
			json_array_append_new(terms, term);
		}
		json_object_set_new(o, pass ? "node_affinity_preferred" : "node_affinity_required", terms);
	}
	if (a->k8s.ntolerations) {
		static const char *const effects[] = {"any", "NoSchedule", "PreferNoSchedule", "NoExecute"};
		json_t *ts = json_array();
		for (size_t i = 0; i < a->k8s.ntolerations; i++) {
			const struct cs_toleration *t = &a->k8s.tolerations[i];
			json_t *j = json_pack("{s:s, s:s, s:s?, s:s}", "key", t->key ? t->key : "(any)", "operator",
					      t->exists ? "Exists" : "Equal", "value", t->value, "effect", effects[t->effect]);
			if (t->effect == CS_EFFECT_NO_EXECUTE && t->seconds >= 0)
				json_object_set_new(j, "seconds", json_real(t->seconds));
			json_array_append_new(ts, j);
		}
		json_object_set_new(o, "tolerations", ts);
	}
	if (a->k8s.npod_terms) {
		json_t *ts = json_array();
		for (size_t i = 0; i < a->k8s.npod_terms; i++) {
			const struct cs_pod_term *t = &a->k8s.pod_terms[i];
			json_t *j = json_pack("{s:s, s:s, s:o}", "kind", t->anti ? "anti-affinity" : "affinity", "topologyKey",
					      t->topology_key, "selector", selector_json(&t->selector));
			json_object_set_new(j, "weight", t->weight ? json_integer(t->weight) : json_string("required"));
			json_array_append_new(ts, j);
		}
		json_object_set_new(o, "pod_affinity", ts);
	}
	if (a->k8s.nspread) {
		json_t *ts = json_array();
		for (size_t i = 0; i < a->k8s.nspread; i++) {
			const struct cs_spread *s = &a->k8s.spread[i];
			json_array_append_new(ts, json_pack("{s:i, s:s, s:s, s:o}", "maxSkew", s->max_skew, "topologyKey",
							    s->topology_key, "whenUnsatisfiable",
							    s->hard ? "DoNotSchedule" : "ScheduleAnyway", "selector",
							    selector_json(&s->selector)));
		}
		json_object_set_new(o, "topologySpread", ts);
	}
	if (a->kind == CS_APP_K8S_DEPLOYMENT) {
		char surge[32], unav[32];
		snprintf(surge, sizeof surge, "%g%s", a->k8s.max_surge.value, a->k8s.max_surge.percent ? "%" : "");
		snprintf(unav, sizeof unav, "%g%s", a->k8s.max_unavailable.value, a->k8s.max_unavailable.percent ? "%" : "");
		json_object_set_new(o, "strategy", a->k8s.recreate ? json_string("Recreate")
								   : json_pack("{s:s, s:s, s:s}", "type", "RollingUpdate",
									       "maxSurge", surge, "maxUnavailable", unav));
	}
	if (a->k8s.restart_policy)
		json_object_set_new(o, "restartPolicy", json_string(a->k8s.restart_policy));
	return o;
}

static json_t *describe(const struct cs_app *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(cs_app_kind_name(a->kind)));
	json_object_set_new(o, "name", json_string(a->name ? a->name : ""));
	if (a->line)
		json_object_set_new(o, "line", json_integer(a->line));
	json_object_set_new(o, "instances", json_integer((json_int_t)a->instances));
	if (a->kind != CS_APP_K8S_SERVICE)
		json_object_set_new(o, "per_instance", json_pack("{s:f, s:f, s:f}", "cpu", a->cpu, "mem_mib", a->mem, "disk_mib", a->disk));
	if (a->cmd)
		json_object_set_new(o, "cmd", json_string(a->cmd));
	json_t *cons = json_array();
	for (size_t i = 0; i < a->nconstraints; i++) {
		const struct cs_constraint *c = &a->constraints[i];
		json_t *one = json_pack("[s, s]", c->field, cs_constraint_op_name(c->op));
		if (c->value)
			json_array_append_new(one, json_string(c->value));
		json_array_append_new(cons, one);
	}
	json_object_set_new(o, "constraints", cons);
	/* a Service's own labels; a workload's: its pods' */
	json_object_set_new(o, "labels", labels_json(a->kind == CS_APP_K8S_SERVICE ? &a->k8s.object_labels : &a->labels));
	if (a->kind != CS_APP_MARATHON && a->kind != CS_APP_K8S_SERVICE)
		json_object_set_new(o, "priority", json_integer(a->priority));
	switch (a->kind) {
	case CS_APP_MARATHON:
		json_object_set_new(o, "backoff", json_pack("{s:f, s:f, s:f}", "seconds", a->marathon.backoff_seconds, "factor",
							    a->marathon.backoff_factor, "max_launch_delay_seconds",
							    a->marathon.max_launch_delay));
		json_object_set_new(o, "upgradeStrategy", json_pack("{s:f, s:f}", "minimumHealthCapacity",
								    a->marathon.min_health_capacity, "maximumOverCapacity",
								    a->marathon.max_over_capacity));
		json_object_set_new(o, "killSelection", json_string(a->marathon.kill_oldest_first ? "OLDEST_FIRST" : "YOUNGEST_FIRST"));
		break;
	case CS_APP_AURORA_JOB:
	case CS_APP_AURORA_SERVICE: {
		json_t *key = json_pack("{s:s?, s:s?, s:s?}", "cluster", a->aurora.cluster, "role", a->aurora.role,
					"environment", a->aurora.environment);
		json_object_set_new(o, "job_key", key);
		json_object_set_new(o, "production", json_boolean(a->aurora.production));
		if (a->aurora.tier)
			json_object_set_new(o, "tier", json_string(a->aurora.tier));
		json_object_set_new(o, "max_task_failures", json_integer(a->aurora.max_task_failures));
		json_object_set_new(o, "update_config",
				    json_pack("{s:I, s:I, s:I, s:I, s:b}", "batch_size", (json_int_t)a->aurora.update.batch_size,
					      "watch_secs", (json_int_t)a->aurora.update.watch_secs, "max_per_shard_failures",
					      (json_int_t)a->aurora.update.max_per_shard_failures, "max_total_failures",
					      (json_int_t)a->aurora.update.max_total_failures, "rollback_on_failure",
					      a->aurora.update.rollback_on_failure));
		break;
	}
	default:
	{
		json_t *k = k8s_json(a);
		json_object_update(o, k);
		json_decref(k);
		break;
	}
	}
	json_t *un = json_array();
	for (size_t i = 0; i < a->nunmodelled; i++)
		json_array_append_new(un, json_string(a->unmodelled[i]));
	json_object_set_new(o, "not_modelled", un);
	return o;
}

/* text: "  key   value" lines; an object's members as "key value, ...",
 * anything deeper as compact JSON */
static void print_value(const json_t *v, int depth)
{
	if (json_is_string(v)) {
		fputs(json_string_value(v), stdout);
		return;
	}
	if (json_is_object(v) && depth == 0) {
		const char *k;
		json_t *m;
		bool first = true;
		json_object_foreach((json_t *)(uintptr_t)v, k, m) {
			printf("%s%s ", first ? "" : ", ", k);
			print_value(m, depth + 1);
			first = false;
		}
		return;
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
	fputs(s ? s : "?", stdout);
	free(s);
}

static void print_text(const json_t *set)
{
	printf("%s: %s, %zu app%s\n", json_string_value(json_object_get(set, "file")),
	       json_string_value(json_object_get(set, "format")), json_array_size(json_object_get(set, "apps")),
	       json_array_size(json_object_get(set, "apps")) == 1 ? "" : "s");
	size_t i;
	json_t *app;
	json_array_foreach(json_object_get(set, "apps"), i, app) {
		printf("%s %s\n", json_string_value(json_object_get(app, "kind")), json_string_value(json_object_get(app, "name")));
		const char *key;
		json_t *v;
		json_object_foreach(app, key, v) {
			if (!strcmp(key, "kind") || !strcmp(key, "name"))
				continue;
			if ((json_is_array(v) && json_array_size(v) == 0) || (json_is_object(v) && json_object_size(v) == 0))
				continue;
			printf("  %-23s ", key);
			if (json_is_array(v) && !strcmp(key, "not_modelled")) {
				size_t j;
				json_t *w;
				json_array_foreach(v, j, w)
					printf("%s%s", j ? ", " : "", json_string_value(w));
			} else {
				print_value(v, 0);
			}
			putchar('\n');
		}
	}
	json_t *sk = json_object_get(set, "skipped");
	if (json_array_size(sk)) {
		printf("skipped (not modelled):");
		size_t j;
		json_t *w;
		json_array_foreach(sk, j, w)
			printf(" %s", json_string_value(w));
		putchar('\n');
	}
}

static json_t *set_json(const struct cs_spec_set *set)
{
	json_t *apps = json_array();
	for (size_t i = 0; i < set->n; i++)
		json_array_append_new(apps, describe(&set->apps[i]));
	json_t *skipped = json_array();
	for (size_t i = 0; i < set->nskipped; i++)
		json_array_append_new(skipped, json_string(set->skipped[i]));
	return json_pack("{s:s, s:s, s:o, s:o}", "file", set->file, "format", cs_spec_format_name(set->format), "apps", apps,
			 "skipped", skipped);
}

int cs_cmd_spec(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (cs_is_help(argv[i])) {
			fputs(usage, stdout);
			return 0;
		}
	}
	if (argc < 1 || strcmp(argv[0], "info") != 0)
		return cs_usage_error(usage, "expected: spec info FILE");
	bool as_json = false;
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return cs_usage_error(usage, "unknown option: %s", argv[i]);
		else
			nfiles++;
	}
	if (!nfiles)
		return cs_usage_error(usage, "expected: spec info FILE");
	json_t *all = json_array();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			continue;
		struct cs_spec_set set;
		struct cs_error err = {0};
		if (cs_spec_load(&set, argv[i], &err) < 0) {
			json_decref(all);
			return cs_report_error(&err);
		}
		json_array_append_new(all, set_json(&set));
		cs_spec_set_release(&set);
	}
	if (as_json) {
		json_t *out = json_array_size(all) == 1 ? json_incref(json_array_get(all, 0)) : json_incref(all);
		char *s = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
		puts(s ? s : "null");
		free(s);
		json_decref(out);
	} else {
		size_t i;
		json_t *set;
		json_array_foreach(all, i, set)
			print_text(set);
	}
	json_decref(all);
	return 0;
}
