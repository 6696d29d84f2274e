/* tests/integration/sockjs_client — a load client that behaves like the
 * session-balancing model's xhr-polling client, against a real nginx on
 * 127.0.0.1 (issue 5's integration test).
 *
 * Each client: open = a receive poll (POST .../xhr) to a new session; on
 * "o" it sends the DDP connect (POST .../xhr_send) and polls again; the
 * first "a[...]" on a poll means connected; then it polls continuously
 * and sends a message every message interval (exponential).  A 404 on a
 * send, an "o" on a poll of an open session, or any other failure closes
 * the session; the client reconnects on Meteor's schedule (10 ms for the
 * first two retries, then min(300 s, 1 s x 2.2^n) x U[0.75, 1.25], scaled
 * by RETRY_SCALE; the count resets when an open succeeds).  Every request
 * is its own TCP connection (Connection: close); with DISTINCT, client k
 * sends from 127.0.k+1.1 (a /24 of its own, for ip_hash), otherwise from
 * 127.0.0.1.  The route cookie (sticky emulation) is kept per client.
 *
 * With CS_TRANSPORT=websocket in the environment a client holds one
 * websocket instead (GET .../websocket with Upgrade; "o", then the connect
 * and the messages as masked text frames, answered "a[...]"); it closes
 * when the connection drops and reconnects on the same schedule.
 *
 * At the end it prints one JSON object with the same counters as the
 * model's summary ("balancer"), and the connected clients per server.
 * usage: sockjs_client PORT CLIENTS DURATION_MS MESSAGE_MS RETRY_SCALE DISTINCT SEED */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum state { WAITING, OPENING, CONNECTING, CONNECTED };
enum kind { POLL, SEND };

struct req {
	int fd;
	enum kind kind;
	char buf[2048];
	size_t len;
	bool sent;
	char out[512];
	size_t outlen;
};

struct client {
	enum state state;
	int64_t wake;       /* WAITING: reopen then; CONNECTED: next message */
	unsigned retries;
	char session[32];
	char route[32];
	unsigned sid;       /* SockJS server_id, picked per session */
	char server[32];    /* X-Server of the last poll answer */
	struct req poll, send;
	bool send_busy;
	bool moved;         /* connected to the watched server when it died */
};

static int port, distinct;
static bool websocket;
static struct client *cl;
static int nclients;
static double retry_scale, message_ms;
static uint64_t rng_state;
static uint64_t requests, sends, polls, send_404, lost, opens, connected_ok, reconnects, failures;
/* failure bookkeeping, as the model counts it (the test harness signals
 * SIGUSR1 when it kills the watched server and SIGUSR2 when it restarts it) */
static const char *watched;
static volatile sig_atomic_t killed_flag, restarted_flag;
static int64_t killed_at = -1, restarted_at = -1, recovery_ms;
static uint64_t moved, broken;
static double *rehome;
static size_t nrehome;

static void on_usr1(int sig) { (void)sig; killed_flag = 1; }
static void on_usr2(int sig) { (void)sig; restarted_flag = 1; }

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double uniform(void)
{
	rng_state += 0x9E3779B97F4A7C15ull;
	uint64_t z = rng_state;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

static void req_abort(struct req *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* A connected client closed by a request that reached the restarted
 * server within the recovery window: broken on recovery. */
static void note_broken(struct client *c, const char *srv)
{
	if (c->state == CONNECTED && restarted_at >= 0 && watched && strcmp(srv, watched) == 0 &&
	    now_ms() - restarted_at <= recovery_ms)
		broken++;
}

static void close_client(struct client *c)
{
	req_abort(&c->poll);
	req_abort(&c->send);
	c->send_busy = false;
	c->state = WAITING;
	unsigned n = c->retries++;
	double ms = n < 2 ? 10 : fmin(300000.0, 1000.0 * pow(2.2, n)) * (uniform() * 0.5 + 0.75);
	c->wake = now_ms() + (int64_t)(ms * (n < 2 ? 1 : retry_scale));
	reconnects++;
}

/* A nonblocking connection to nginx from client k's address. */
static int connect_from(int k)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	struct sockaddr_in src = {.sin_family = AF_INET};
	src.sin_addr.s_addr = htonl(distinct ? (0x7F000001u | (uint32_t)((k + 1) % 256) << 8) : 0x7F000001u);
	bind(fd, (struct sockaddr *)&src, sizeof src);
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool start(struct client *c, struct req *r, enum kind kind, int k)
{
	int fd = connect_from(k);
	if (fd < 0)
		return false;
	r->fd = fd;
	r->kind = kind;
	r->len = 0;
	r->sent = false;
	unsigned sid = c->sid;
	const char *body = kind == SEND ? "[\"m\"]" : "";
	char cookie[64] = "";
	if (c->route[0])
		snprintf(cookie, sizeof cookie, "Cookie: route=%s\r\n", c->route);
	r->outlen = (size_t)snprintf(r->out, sizeof r->out,
				     "POST /sockjs/%03u/%s/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Length: %zu\r\n"
				     "Connection: close\r\n\r\n%s",
				     sid, c->session, kind == SEND ? "xhr_send" : "xhr", cookie, strlen(body), body);
	requests++;
	if (kind == SEND)
		sends++;
	else
		polls++;
	return true;
}

static void next_message(struct client *c);

/* ---- websocket transport ---- */

static bool ws_start(struct client *c, int k)
{
	int fd = connect_from(k);
	if (fd < 0)
		return false;
	struct req *r = &c->poll;
	r->fd = fd;
	r->kind = POLL;
	r->len = 0;
	r->sent = false;
	r->outlen = (size_t)snprintf(r->out, sizeof r->out,
				     "GET /sockjs/%03u/%s/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
				     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				     "Sec-WebSocket-Version: 13\r\n\r\n",
				     c->sid, c->session);
	requests++;
	return true;
}

/* A masked text frame to the server. */
static bool ws_frame(struct client *c, const char *text)
{
	unsigned char f[128];
	size_t n = strlen(text);
	unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
	f[0] = 0x81;
	f[1] = (unsigned char)(0x80 | n);
	memcpy(f + 2, mask, 4);
	for (size_t i = 0; i < n; i++)
		f[6 + i] = (unsigned char)text[i] ^ mask[i % 4];
	return write(c->poll.fd, f, n + 6) == (ssize_t)(n + 6);
}

static void ws_io(struct client *c, short ev, int k)
{
	struct req *r = &c->poll;
	if (!r->sent && (ev & POLLOUT)) {
		if (write(r->fd, r->out, r->outlen) != (ssize_t)r->outlen) {
			failures++;
			close_client(c);
			return;
		}
		r->sent = true;
		return;
	}
	if (!(ev & (POLLIN | POLLHUP | POLLERR)))
		return;
	ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) { /* the connection dropped (its server died) */
		if (c->state != CONNECTED)
			failures++;
		close_client(c);
		return;
	}
	r->len += (size_t)n;
	r->buf[r->len] = '\0';
	size_t at = 0;
	if (c->state == OPENING && !c->server[0]) {
		char *end = strstr(r->buf, "\r\n\r\n");
		if (!end)
			return;
		char *xs = strcasestr(r->buf, "\r\nX-Server: ");
		if (xs)
			sscanf(xs + 12, "%31[^\r\n]", c->server);
		if (strncmp(r->buf, "HTTP/1.1 101", 12) != 0) {
			failures++;
			close_client(c);
			return;
		}
		at = (size_t)(end + 4 - r->buf);
	}
	unsigned char *b = (unsigned char *)r->buf;
	while (r->len - at >= 2 && r->len - at >= 2 + (size_t)(b[at + 1] & 127)) {
		size_t len = b[at + 1] & 127;
		char first = len ? (char)b[at + 2] : 0;
		at += 2 + len;
		if (first == 'o' && c->state == OPENING) {
			c->state = CONNECTING;
			c->retries = 0;
			sends++;
			if (!ws_frame(c, "[\"connect\"]")) {
				close_client(c);
				return;
			}
		} else if (first == 'a' && c->state == CONNECTING) {
			c->state = CONNECTED;
			connected_ok++;
			next_message(c);
			if (c->moved) {
				c->moved = false;
				rehome[nrehome++] = (double)(now_ms() - killed_at) / 1000.0;
			}
		}
	}
	memmove(r->buf, r->buf + at, r->len - at);
	r->len -= at;
	(void)k;
}

static void open_session(struct client *c, int k)
{
	snprintf(c->session, sizeof c->session, "c%d-%08x", k, (unsigned)(uniform() * 4294967295.0));
	c->sid = (unsigned)(uniform() * 1000) % 1000;
	c->state = OPENING;
	opens++;
	if (websocket) {
		c->server[0] = '\0';
		if (!ws_start(c, k))
			close_client(c);
		return;
	}
	if (!start(c, &c->poll, POLL, k))
		close_client(c);
}

static void next_message(struct client *c)
{
	c->wake = now_ms() + (int64_t)(-log(1 - uniform()) * message_ms);
}

/* A complete response: status, the X-Server and Set-Cookie values, body. */
static void on_response(struct client *c, struct req *r, int k)
{
	int status = 0;
	sscanf(r->buf, "HTTP/1.%*d %d", &status);
	char *body = strstr(r->buf, "\r\n\r\n");
	body = body ? body + 4 : r->buf + r->len;
	char *xs = strcasestr(r->buf, "\r\nX-Server: ");
	char srv[32] = "";
	if (xs)
		sscanf(xs + 12, "%31[^\r\n]", srv);
	char *ck = strcasestr(r->buf, "\r\nSet-Cookie: route=");
	if (ck)
		sscanf(ck + 20, "%31[^;\r\n]", c->route);
	req_abort(r);
	if (r->kind == SEND) {
		c->send_busy = false;
		if (status == 404) {
			send_404++;
			note_broken(c, srv);
			close_client(c);
		} else if (status != 204) {
			failures++;
			close_client(c);
		}
		return;
	}
	if (status != 200) {
		failures++;
		close_client(c);
		return;
	}
	if (body[0] == 'o') {
		if (c->state == OPENING) {
			c->state = CONNECTING;
			c->retries = 0;
			snprintf(c->server, sizeof c->server, "%s", srv);
			c->send_busy = true;
			if (!start(c, &c->send, SEND, k) || !start(c, &c->poll, POLL, k))
				close_client(c);
			return;
		}
		lost++; /* "Server lost session" */
		note_broken(c, srv);
		close_client(c);
		return;
	}
	snprintf(c->server, sizeof c->server, "%s", srv);
	if (body[0] == 'a' && c->state == CONNECTING) {
		c->state = CONNECTED;
		connected_ok++;
		next_message(c);
		if (c->moved) {
			c->moved = false;
			rehome[nrehome++] = (double)(now_ms() - killed_at) / 1000.0;
		}
	}
	if (!start(c, &c->poll, POLL, k))
		close_client(c);
}

static void io(struct client *c, struct req *r, short ev, int k)
{
	if (!r->sent && (ev & POLLOUT)) {
		ssize_t w = write(r->fd, r->out, r->outlen);
		if (w != (ssize_t)r->outlen) {
			failures++;
			close_client(c);
			return;
		}
		r->sent = true;
		return;
	}
	if (ev & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
		if (n > 0) {
			r->len += (size_t)n;
			r->buf[r->len] = '\0';
			return;
		}
		if (n == 0 && r->len > 0) {
			on_response(c, r, k);
			return;
		}
		if (n < 0 && errno == EAGAIN)
			return;
		failures++; /* refused or reset before an answer */
		close_client(c);
	}
}

/* --wait PORT MS: until something accepts connections on 127.0.0.1:PORT
 * (exit 0), or MS milliseconds pass (exit 1). */
static int wait_port(int p, int64_t ms)
{
	int64_t end = now_ms() + ms;
	while (now_ms() < end) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
		dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		int ok = connect(fd, (struct sockaddr *)&dst, sizeof dst) == 0;
		close(fd);
		if (ok)
			return 0;
		usleep(10000);
	}
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--wait") == 0)
		return wait_port(atoi(argv[2]), atoll(argv[3]));
	if (argc != 8 && argc != 10) {
		fprintf(stderr, "usage: sockjs_client PORT CLIENTS DURATION_MS MESSAGE_MS RETRY_SCALE DISTINCT SEED "
				"[WATCHED_SERVER RECOVERY_MS]\n");
		return 2;
	}
	if (argc == 10) {
		watched = argv[8];
		recovery_ms = atoll(argv[9]);
	}
	const char *tr = getenv("CS_TRANSPORT");
	websocket = tr && strcmp(tr, "websocket") == 0;
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	signal(SIGPIPE, SIG_IGN);
	port = atoi(argv[1]);
	nclients = atoi(argv[2]);
	int64_t duration = atoll(argv[3]);
	message_ms = atof(argv[4]);
	retry_scale = atof(argv[5]);
	distinct = atoi(argv[6]);
	rng_state = strtoull(argv[7], NULL, 10);
	cl = calloc((size_t)nclients, sizeof *cl);
	rehome = calloc((size_t)nclients * 4 + 1, sizeof *rehome);
	struct pollfd *pfd = calloc((size_t)nclients * 2, sizeof *pfd);
	int *who = calloc((size_t)nclients * 2, sizeof *who);
	int64_t t0 = now_ms(), end = t0 + duration;
	for (int k = 0; k < nclients; k++) {
		cl[k].poll.fd = cl[k].send.fd = -1;
		open_session(&cl[k], k);
	}
	while (now_ms() < end) {
		int64_t now = now_ms();
		if (killed_flag && killed_at < 0) {
			killed_at = now;
			for (int k = 0; k < nclients; k++)
				if (cl[k].state == CONNECTED && watched && strcmp(cl[k].server, watched) == 0) {
					cl[k].moved = true;
					moved++;
				}
		}
		if (restarted_flag && restarted_at < 0)
			restarted_at = now;
		for (int k = 0; k < nclients; k++) {
			struct client *c = &cl[k];
			if (c->state == WAITING && now >= c->wake)
				open_session(c, k);
			else if (websocket && c->state == CONNECTED && now >= c->wake) {
				sends++;
				if (!ws_frame(c, "[\"m\"]"))
					close_client(c);
				else
					next_message(c);
			} else if (!websocket && c->state == CONNECTED && !c->send_busy && now >= c->wake) {
				c->send_busy = true;
				if (!start(c, &c->send, SEND, k))
					close_client(c);
				else
					next_message(c);
			}
		}
		int n = 0;
		for (int k = 0; k < nclients; k++) {
			struct req *rs[2] = {&cl[k].poll, &cl[k].send};
			for (int j = 0; j < 2; j++) {
				if (rs[j]->fd < 0)
					continue;
				pfd[n].fd = rs[j]->fd;
				pfd[n].events = rs[j]->sent ? POLLIN : POLLOUT;
				who[n++] = k * 2 + j;
			}
		}
		if (poll(pfd, (nfds_t)n, 5) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			int k = who[i] / 2;
			struct req *r = who[i] % 2 ? &cl[k].send : &cl[k].poll;
			if (r->fd == pfd[i].fd) {
				if (websocket)
					ws_io(&cl[k], pfd[i].revents, k);
				else
					io(&cl[k], r, pfd[i].revents, k);
			}
		}
	}
	/* connected clients per server */
	char names[16][32];
	int counts[16] = {0}, nn = 0;
	for (int k = 0; k < nclients; k++) {
		if (cl[k].state != CONNECTED)
			continue;
		int i = 0;
		while (i < nn && strcmp(names[i], cl[k].server) != 0)
			i++;
		if (i == nn && nn < 16)
			snprintf(names[nn++], sizeof names[0], "%s", cl[k].server);
		if (i < 16)
			counts[i]++;
	}
	double minutes = (double)duration / 60000.0 * nclients;
	printf("{\"requests\": %llu, \"sends\": %llu, \"polls\": %llu, \"send_404_rate\": %.6f, "
	       "\"lost_session_rate\": %.6f, \"opens\": %llu, \"connect_success_per_open\": %.6f, "
	       "\"reconnects_per_client_minute\": %.6f, \"failures\": %llu, \"sessions_per_server\": {",
	       (unsigned long long)requests, (unsigned long long)sends, (unsigned long long)polls,
	       sends ? (double)send_404 / (double)sends : 0.0, polls ? (double)lost / (double)polls : 0.0,
	       (unsigned long long)opens, opens ? (double)connected_ok / (double)opens : 0.0,
	       (double)reconnects / minutes, (unsigned long long)failures);
	for (int i = 0; i < nn; i++)
		printf("%s\"%s\": %d", i ? ", " : "", names[i], counts[i]);
	printf("}, \"moved_by_failure\": %llu, \"broken_on_recovery\": %llu", (unsigned long long)moved,
	       (unsigned long long)broken);
	if (nrehome > 0) {
		double mx = 0;
		for (size_t i = 0; i < nrehome; i++)
			mx = rehome[i] > mx ? rehome[i] : mx;
		printf(", \"rehome_max\": %.6f", mx);
	}
	printf("}\n");
	return 0;
}
