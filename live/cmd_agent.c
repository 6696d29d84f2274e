/* live/cmd_agent — `clustersim agent`: its options, checked, then
 * live/agent.c's loop. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/agent.h"
#include "live/auth.h"
#include "live/http_server.h"
#include "sim/cli.h"
#include "sim/units.h"

static const char usage[] =
	"usage: clustersim agent --controller URL [--listen HOST:PORT] [--cpus N] [--mem SIZE] [--disk SIZE]\n"
	"                        [--work-dir DIR] [--token-file FILE] [--ports LO-HI] [--kill-grace DURATION]\n"
	"                        [--wait DURATION] [--retry DURATION]\n"
	"\n"
	"Run tasks for a live controller (clustersim live) on this host, as processes limited\n"
	"by cgroups (v2 or v1, found at run time) or rlimits, each in a sandbox WORK/tasks/ID.\n"
	"\n"
	"  --controller URL     the controller, http://HOST:PORT\n"
	"  --listen HOST:PORT   the agent's address: its status page (/state) and the HOST its\n"
	"                       tasks are given (default 127.0.0.1:5051; port 0: any free one)\n"
	"  --cpus N, --mem SIZE, --disk SIZE\n"
	"                       what it offers (default: the host's cpus; its memory less\n"
	"                       min(1 GiB, half); the work directory's free space less min(5 GiB, half))\n"
	"  --work-dir DIR       sandboxes and task records (default /tmp/clustersim-agent-HOST-PORT)\n"
	"  --token-file FILE    the cluster's shared secret; required when the agent or the\n"
	"                       controller is on an address outside 127.0.0.0/8\n"
	"  --ports LO-HI        the ports it hands out as PORT0... (default 31000-32000)\n"
	"  --kill-grace D       SIGTERM to SIGKILL when a task gives none (default 3s)\n"
	"  --wait D             how long the controller may hold a sync (default 1s)\n"
	"  --retry D            between attempts while the controller is unreachable (default 500ms)\n"
	"\n"
	"SIGTERM or SIGINT: kill the tasks, report them, exit.  SIGUSR2: re-execute in place,\n"
	"keeping the tasks.  See docs/live.md.\n";

static int duration_ms(const char *opt, const char *v, unsigned *ms, double max_s)
{
	double s;
	if (!cs_parse_seconds(v, &s) || !(s >= 0) || s > max_s)
		return cs_usage_error(usage, "%s: expected a duration from 0 to %gs (got \"%s\")", opt, max_s, v);
	*ms = (unsigned)llround(s * 1000);
	return 0;
}

static int size_bytes(const char *opt, const char *v, uint64_t *bytes)
{
	double mib;
	if (!cs_parse_mib(v, &mib) || !(mib > 0) || mib > 1e12)
		return cs_usage_error(usage, "%s: expected a size such as 4GiB or 512 (MiB) (got \"%s\")", opt, v);
	*bytes = (uint64_t)(mib * 1048576.0);
	return 0;
}

static int parse(int argc, char **argv, struct cs_agent_opts *o, const char **token_file)
{
	unsigned grace_ms = 3000;
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (cs_is_help(k)) {
			fputs(usage, stdout);
			return 1;
		}
		if (!v || strncmp(k, "--", 2) != 0 || strncmp(v, "--", 2) == 0)
			return cs_usage_error(usage, v ? "unexpected argument: %s" : "unknown option or missing value: %s",
					      k);
		i++;
		int rc = 0;
		if (strcmp(k, "--controller") == 0)
			o->controller = v;
		else if (strcmp(k, "--listen") == 0)
			o->listen = v;
		else if (strcmp(k, "--work-dir") == 0)
			o->work_dir = v;
		else if (strcmp(k, "--token-file") == 0)
			*token_file = v;
		else if (strcmp(k, "--cpus") == 0) {
			char *end;
			o->cpus = strtod(v, &end);
			if (*end || !(o->cpus > 0) || o->cpus > 4096)
				return cs_usage_error(usage, "--cpus: expected a number of cores above 0, at most 4096 (got \"%s\")",
						      v);
		} else if (strcmp(k, "--mem") == 0)
			rc = size_bytes(k, v, &o->mem_bytes);
		else if (strcmp(k, "--disk") == 0)
			rc = size_bytes(k, v, &o->disk_bytes);
		else if (strcmp(k, "--ports") == 0) {
			unsigned lo, hi;
			char extra;
			if (sscanf(v, "%u-%u%c", &lo, &hi, &extra) != 2 || lo == 0 || hi < lo || hi > 65535)
				return cs_usage_error(usage, "--ports: expected LO-HI within 1-65535 (got \"%s\")", v);
			o->port_lo = lo;
			o->port_hi = hi;
		} else if (strcmp(k, "--kill-grace") == 0)
			rc = duration_ms(k, v, &grace_ms, 3600);
		else if (strcmp(k, "--wait") == 0 || strcmp(k, "--retry") == 0) {
			/* at least 10 ms: a zero would poll the controller in a loop */
			unsigned *ms = k[2] == 'w' ? &o->wait_ms : &o->retry_ms;
			rc = duration_ms(k, v, ms, 300);
			if (!rc && *ms < 10)
				return cs_usage_error(usage, "%s: expected a duration from 10ms to 300s (got \"%s\")", k, v);
		}
		else
			return cs_usage_error(usage, "unknown option: %s", k);
		if (rc)
			return rc;
	}
	o->kill_grace_s = grace_ms / 1000.0;
	if (!o->controller)
		return cs_usage_error(usage, "missing --controller URL");
	return 0;
}

int cs_cmd_agent(int argc, char **argv)
{
	struct cs_agent_opts o = {0};
	o.listen = "127.0.0.1:5051";
	o.port_lo = 31000;
	o.port_hi = 32000;
	o.wait_ms = 1000;
	o.retry_ms = 500;
	o.argv = argv - 2; /* "clustersim agent ..." as it was run */
	const char *token_file = NULL;
	int rc = parse(argc, argv, &o, &token_file);
	if (rc)
		return rc == 1 ? 0 : rc;
	char host[64], chost[256];
	unsigned port;
	if (cs_http_parse_listen(o.listen, host, sizeof host, &port) != 0)
		return cs_usage_error(usage, "--listen: expected an IPv4 HOST:PORT (got \"%s\")", o.listen);
	unsigned cport;
	if (cs_http_parse_url(o.controller, chost, sizeof chost, &cport) != 0)
		return cs_usage_error(usage, "--controller: expected http://HOST:PORT, HOST an IPv4 address or localhost "
				      "(got \"%s\")", o.controller);
	char *token = NULL;
	if (token_file) {
		char err[700];
		if (!(token = cs_auth_read_token(token_file, err, sizeof err))) {
			fprintf(stderr, "clustersim: %s\n", err);
			return 2;
		}
	} else if (!cs_http_is_loopback(host) || !cs_http_is_loopback(chost)) {
		return cs_usage_error(usage,
				      "the agent runs the controller's commands: off 127.0.0.0/8 (listen %s, controller "
				      "%s) it needs --token-file",
				      host, chost);
	}
	o.token = token;
	rc = cs_agent_run(&o);
	free(token);
	return rc;
}
