/* live/auth — the shared secret of a live cluster: read from a token
 * file, sent as "Authorization: Bearer TOKEN", checked by the controller
 * and the agents on every request when one is configured.
 *
 * A token file holds the token on its first line (surrounding whitespace
 * ignored); it must not be empty, at most 512 bytes, and readable by its
 * owner only is advised (the docs say so; a world-readable file is
 * accepted with a warning).  Comparison takes the same time whatever the
 * first difference. */
#ifndef CS_LIVE_AUTH_H
#define CS_LIVE_AUTH_H
#include <stdbool.h>
#include <stddef.h>

struct cs_http_exchange;

/* The token of file path (caller frees), or NULL with err ("FILE: what"). */
char *cs_auth_read_token(const char *path, char *err, size_t errn);
/* Whether the request carries the token (always true when token is
 * NULL); when not, it is answered 401 here. */
bool cs_auth_check(struct cs_http_exchange *x, const char *token);

#endif
