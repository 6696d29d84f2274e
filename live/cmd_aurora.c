/* live/cmd_aurora — `clustersim aurora create CLUSTER/ROLE/ENV/NAME
 * FILE.aurora`: the source material's Aurora command against a live
 * controller.  The config is read here first (the same reader as the
 * controller's: a config it refuses, or a key no job of it has, is bad
 * input here, exit 2, with FILE: LINE:COL), then sent with the key and
 * this environment's USER (os.getenv in the config answers as here) to
 * POST CONTROLLER/aurora/v1/jobs.  Exit 0 once the controller has the
 * jobs; 1 when it refuses them (the job exists) or cannot be reached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "live/auth.h"
#include "live/http_client.h"
#include "live/http_server.h"
#include "sim/alloc.h"
#include "sim/cli.h"
#include "sim/error.h"
#include "specs/spec.h"

static const char usage[] =
	"usage: clustersim aurora create CLUSTER/ROLE/ENV/NAME FILE.aurora [--controller URL] [--token-file FILE]\n"
	"\n"
	"Create the config's job of that key on a live controller (clustersim live; default\n"
	"http://127.0.0.1:8080).  See docs/live.md.\n";

/* The config as the controller will read it: its jobs of the key. */
static int check_config(const char *file, const char *text, const char *key, struct cs_error *err)
{
	struct cs_spec_set set;
	if (cs_spec_parse(&set, file, text, strlen(text), err) < 0)
		return -1;
	int rc = 0;
	if (set.format != CS_SPEC_AURORA) {
		rc = cs_error_input(err, file, NULL, "not an Aurora config (read as %s)", cs_spec_format_name(set.format));
	} else {
		bool *runs = cs_xcalloc(set.n ? set.n : 1, sizeof *runs);
		int found = cs_spec_bind_job_key(&set, key, runs);
		free(runs);
		if (found < 0)
			rc = cs_error_input(err, key, NULL, "expected a job key cluster/role/environment/name");
		else if (found == 0)
			rc = cs_error_input(err, file, NULL, "no job has the key %s", key);
	}
	cs_spec_set_release(&set);
	return rc;
}

int cs_cmd_aurora(int argc, char **argv)
{
	if (argc >= 1 && cs_is_help(argv[0])) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 1 || strcmp(argv[0], "create") != 0)
		return cs_usage_error(usage, argc < 1 ? "missing a command (create)" : "unknown aurora command: %s",
				      argv[0]);
	const char *key = NULL, *file = NULL, *url = "http://127.0.0.1:8080", *token_file = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (cs_is_help(a)) {
			fputs(usage, stdout);
			return 0;
		}
		if ((strcmp(a, "--controller") == 0 || strcmp(a, "--token-file") == 0) && i + 1 < argc) {
			*(a[2] == 'c' ? &url : &token_file) = argv[++i];
		} else if (a[0] == '-') {
			return cs_usage_error(usage, "unknown option or missing value: %s", a);
		} else if (!key) {
			key = a;
		} else if (!file) {
			file = a;
		} else {
			return cs_usage_error(usage, "unexpected argument: %s", a);
		}
	}
	if (!key || !file)
		return cs_usage_error(usage, "expected a job key and a config file");
	char chost[64];
	unsigned cport;
	if (cs_http_parse_url(url, chost, sizeof chost, &cport) != 0)
		return cs_usage_error(usage, "--controller: expected http://HOST:PORT (got \"%s\")", url);
	struct cs_error err = {0};
	size_t len;
	char *text = cs_spec_read_file(file, &len, &err);
	if (!text || check_config(file, text, key, &err) < 0) {
		free(text);
		return cs_report_error(&err);
	}
	char *token = NULL, msg[800];
	if (token_file && !(token = cs_auth_read_token(token_file, msg, sizeof msg))) {
		free(text);
		fprintf(stderr, "clustersim: %s\n", msg);
		return CS_EXIT_INPUT;
	}
	const char *user = getenv("USER");
	json_t *body = json_pack("{s:s, s:s, s:s, s:{s:s}}", "key", key, "config", text, "file", file, "env", "USER",
				 user ? user : "");
	if (!body) { /* jansson takes UTF-8 only */
		free(text);
		free(token);
		fprintf(stderr, "clustersim: %s: not UTF-8 text (or $USER is not)\n", file);
		return CS_EXIT_INPUT;
	}
	char *b = json_dumps(body, JSON_COMPACT), endpoint[700], *resp = NULL;
	json_decref(body);
	free(text);
	snprintf(endpoint, sizeof endpoint, "%.600s/aurora/v1/jobs", url);
	long status = 0;
	printf(" INFO] Creating job %s\n", strrchr(key, '/') + 1);
	int rc = cs_http_fetch("POST", endpoint, b, token, 30000, &status, &resp, msg, sizeof msg);
	free(b);
	free(token);
	if (rc < 0) {
		fprintf(stderr, "clustersim: aurora create: the controller is unreachable: %s\n", msg);
		return 1;
	}
	json_t *r = json_loads(resp, 0, NULL);
	if (status != 201) {
		const char *m = json_string_value(json_object_get(r, "message"));
		json_t *d = json_array_get(json_object_get(r, "details"), 0);
		const char *e = json_string_value(json_array_get(json_object_get(d, "errors"), 0));
		fprintf(stderr, "clustersim: aurora create: %ld %s%s%s\n", status, m ? m : resp, e ? ": " : "", e ? e : "");
		json_decref(r);
		free(resp);
		return 1;
	}
	printf(" INFO] Checking status of %s\nJob create succeeded: job url=%s\n", key,
	       json_string_value(json_object_get(r, "url")));
	json_decref(r);
	free(resp);
	return 0;
}
