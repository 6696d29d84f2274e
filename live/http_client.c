/* live/http_client — see http_client.h. */
#include "live/http_client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "live/clock.h"
#include "sim/engine.h"

struct buf {
	char *p;
	size_t n, cap;
};

struct request {
	struct cs_http_client *c;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	struct buf resp;
	char error[CURL_ERROR_SIZE];
	cs_http_done *fn;
	void *ctx;
	struct request *prev, *next;
};

struct cs_http_client {
	CURLM *multi;
	struct cs_live_clock *clock;
	struct cs_engine *e;
	cs_event_id timer;
	bool timer_set;
	struct request *head;
	unsigned active;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	size_t len = size * n;
	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->n + len + 1)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q)
			return 0; /* curl fails the transfer: "out of memory" */
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, len);
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

/* The options every request gets: this URL only, http only. */
static CURL *new_easy(const char *method, const char *url, const char *body, const char *token,
		      long timeout_ms, struct curl_slist **headers, struct buf *resp, char *errbuf)
{
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		*headers = curl_slist_append(*headers, "Content-Type: application/json");
	}
	if (token) {
		char line[600];
		snprintf(line, sizeof line, "Authorization: Bearer %.500s", token);
		*headers = curl_slist_append(*headers, line);
	}
	*headers = curl_slist_append(*headers, "Expect:"); /* no 100-continue round trip */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
	return h;
}

static void finish(struct cs_http_client *c, struct request *r, CURLcode code)
{
	long status = 0;
	if (code == CURLE_OK)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	const char *err = code == CURLE_OK ? "" : (r->error[0] ? r->error : curl_easy_strerror(code));
	curl_multi_remove_handle(c->multi, r->easy);
	if (r->prev)
		r->prev->next = r->next;
	else
		c->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	c->active--;
	r->fn(r->ctx, status, r->resp.p ? r->resp.p : "", r->resp.n, err);
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->body);
	free(r->resp.p);
	free(r);
}

static void check_done(struct cs_http_client *c)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(c->multi, &left)))
		if (m->msg == CURLMSG_DONE) {
			struct request *r = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			finish(c, r, m->data.result);
		}
}

static void on_timer(void *ctx, cs_time now)
{
	struct cs_http_client *c = ctx;
	c->timer_set = false;
	int running;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

static int timer_cb(CURLM *m, long ms, void *ud)
{
	struct cs_http_client *c = ud;
	if (c->timer_set) {
		cs_engine_cancel(c->e, c->timer);
		c->timer_set = false;
	}
	if (ms >= 0) {
		c->timer = cs_engine_after(c->e, (cs_time)ms * 1000, on_timer, c);
		c->timer_set = true;
	}
	return 0;
}

static void on_io(void *ctx, int fd, unsigned events, cs_time now)
{
	struct cs_http_client *c = ctx;
	int flags = (events & CS_IO_READ ? CURL_CSELECT_IN : 0) | (events & CS_IO_WRITE ? CURL_CSELECT_OUT : 0) |
		    (events & (CS_IO_ERR | CS_IO_HUP) ? CURL_CSELECT_ERR : 0);
	int running;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	check_done(c);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *ud, void *socketp)
{
	struct cs_http_client *c = ud;
	if (what == CURL_POLL_REMOVE) {
		cs_live_clock_unwatch(c->clock, s);
		return 0;
	}
	unsigned ev = (what & CURL_POLL_IN ? CS_IO_READ : 0) | (what & CURL_POLL_OUT ? CS_IO_WRITE : 0);
	return cs_live_clock_watch(c->clock, s, ev, on_io, c) == 0 ? 0 : -1;
}

struct cs_http_client *cs_http_client_new(struct cs_live_clock *clock, struct cs_engine *e)
{
	static bool global;
	if (!global) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global = true;
	}
	struct cs_http_client *c = calloc(1, sizeof *c);
	if (!c || !(c->multi = curl_multi_init())) {
		free(c);
		return NULL;
	}
	c->clock = clock;
	c->e = e;
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;
}

int cs_http_client_request(struct cs_http_client *c, const char *method, const char *url, const char *body,
			   const char *token, long timeout_ms, cs_http_done *fn, void *ctx)
{
	struct request *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	r->c = c;
	r->fn = fn;
	r->ctx = ctx;
	r->body = body ? strdup(body) : NULL;
	r->easy = new_easy(method, url, r->body, token, timeout_ms, &r->headers, &r->resp, r->error);
	if (!r->easy || (body && !r->body)) {
		if (r->easy)
			curl_easy_cleanup(r->easy);
		curl_slist_free_all(r->headers);
		free(r->body);
		free(r);
		return -1;
	}
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	r->next = c->head;
	if (c->head)
		c->head->prev = r;
	c->head = r;
	c->active++;
	if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
		finish(c, r, CURLE_FAILED_INIT);
		return -1;
	}
	return 0;
}

unsigned cs_http_client_active(const struct cs_http_client *c)
{
	return c->active;
}

void cs_http_client_free(struct cs_http_client *c)
{
	if (!c)
		return;
	while (c->head) {
		struct request *r = c->head;
		c->head = r->next;
		curl_multi_remove_handle(c->multi, r->easy);
		curl_easy_cleanup(r->easy);
		curl_slist_free_all(r->headers);
		free(r->body);
		free(r->resp.p);
		free(r);
	}
	if (c->timer_set)
		cs_engine_cancel(c->e, c->timer);
	curl_multi_cleanup(c->multi);
	free(c);
}

int cs_http_fetch(const char *method, const char *url, const char *body, const char *token, long timeout_ms,
		  long *status, char **resp, char *err, size_t errn)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct curl_slist *headers = NULL;
	struct buf b = {0};
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = new_easy(method, url, body, token, timeout_ms, &headers, &b, errbuf);
	if (!h) {
		snprintf(err, errn, "cannot make a request for %s", url);
		curl_slist_free_all(headers);
		return -1;
	}
	CURLcode code = curl_easy_perform(h);
	int rc = 0;
	if (code != CURLE_OK) {
		snprintf(err, errn, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(code));
		free(b.p);
		rc = -1;
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		*resp = b.p ? b.p : strdup("");
	}
	curl_easy_cleanup(h);
	curl_slist_free_all(headers);
	return rc;
}
