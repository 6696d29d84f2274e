/* live/http_client — HTTP requests with libcurl: asynchronous ones driven
 * by the engine's real-time clock (the agent's long polls to the
 * controller), and a blocking one for one-shot commands (`aurora
 * create`).
 *
 * The asynchronous client is curl's multi interface with its socket and
 * timer callbacks mapped onto the clock's fd watches and engine events,
 * so a request's completion callback runs on the engine's thread like
 * any other I/O callback.
 *
 * Every request goes to the URL it names and nowhere else: proxies from
 * the environment are ignored (CURLOPT_NOPROXY "*"), only http:// is
 * allowed, redirects are not followed.  With a token, the request
 * carries "Authorization: Bearer TOKEN" (live/auth.h).  A JSON body is
 * sent as application/json.
 *
 * Ownership: the client owns its requests; cs_http_client_free aborts
 * the ones in flight without calling their callbacks. */
#ifndef CS_HTTP_CLIENT_H
#define CS_HTTP_CLIENT_H
#include <stddef.h>

struct cs_live_clock;
struct cs_engine;
struct cs_http_client;

/* status: the HTTP status, or 0 when the request failed below HTTP
 * (connection refused, timeout: error says which); body: the response
 * (NUL-terminated, "" when none), valid during the call. */
typedef void cs_http_done(void *ctx, long status, const char *body, size_t len, const char *error);

struct cs_http_client *cs_http_client_new(struct cs_live_clock *clock, struct cs_engine *e);
void cs_http_client_free(struct cs_http_client *c);
/* Start a request; body NULL for none; timeout_ms for the whole request.
 * 0, or -1 (out of memory, a URL curl refuses). */
int cs_http_client_request(struct cs_http_client *c, const char *method, const char *url, const char *body,
			   const char *token, long timeout_ms, cs_http_done *fn, void *ctx);
/* Requests in flight. */
unsigned cs_http_client_active(const struct cs_http_client *c);

/* A blocking request: 0 with *status and *resp (malloc'd, caller frees),
 * or -1 with the transport error in err. */
int cs_http_fetch(const char *method, const char *url, const char *body, const char *token, long timeout_ms,
		  long *status, char **resp, char *err, size_t errn);

#endif
