/* live/auth — see auth.h. */
#include "live/auth.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "live/http_server.h"

char *cs_auth_read_token(const char *path, char *err, size_t errn)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errn, "%s: cannot read the token file: %s", path, strerror(errno));
		return NULL;
	}
	char line[600] = "";
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(f);
		snprintf(err, errn, "%s: not a regular file (a token file holds the token on its first line)", path);
		return NULL;
	}
	bool got = fgets(line, sizeof line, f) != NULL;
	bool world = (st.st_mode & 0004) != 0;
	fclose(f);
	char *s = line, *e;
	while (isspace((unsigned char)*s))
		s++;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (!got || !*s) {
		snprintf(err, errn, "%s: line 1: the token file is empty", path);
		return NULL;
	}
	if (strlen(s) > 512) {
		snprintf(err, errn, "%s: line 1: token longer than 512 bytes (got %zu)", path, strlen(s));
		return NULL;
	}
	for (const char *p = s; *p; p++)
		if (!isgraph((unsigned char)*p)) {
			snprintf(err, errn, "%s: line 1: the token has a space or control character", path);
			return NULL;
		}
	if (world)
		fprintf(stderr, "clustersim: %s: warning: the token file is readable by every user\n", path);
	return strdup(s);
}

/* equal strings, in time independent of where they differ */
static bool same(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char d = (unsigned char)(na != nb);
	for (size_t i = 0; i < na; i++)
		d |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
	return d == 0;
}

bool cs_auth_check(struct cs_http_exchange *x, const char *token)
{
	if (!token)
		return true;
	const char *h = cs_http_header(x, "Authorization");
	if (h && strncmp(h, "Bearer ", 7) == 0 && same(h + 7, token))
		return true;
	cs_http_reply(x, 401, "{\"message\":\"a valid token is required (Authorization: Bearer TOKEN)\"}\n", NULL);
	return false;
}
