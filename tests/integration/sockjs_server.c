/* tests/integration/sockjs_server — a backend with SockJS xhr-polling
 * session semantics, for the nginx integration test (issue 5).  It is the
 * server side of the session-balancing model, for real:
 *
 *   POST /sockjs/<server_id>/<session>/xhr       receive poll: an unknown
 *        session is created and answered "o"; a known one gets its queued
 *        frames at once ("a[...]"), or is held until a frame arrives or for
 *        the heartbeat ("h");
 *   POST /sockjs/<server_id>/<session>/xhr_send  404 for an unknown session;
 *        otherwise 204, and an answer frame is queued for the session;
 *   a session with no poll held expires after the disconnect delay.
 *   GET  /sockjs/<server_id>/<session>/websocket with Upgrade: websocket:
 *        the handshake (RFC 6455), then "o"; every text frame the client
 *        sends is answered with "a[...]"; the session lives as long as the
 *        connection.
 * Every response carries "X-Server: NAME" and sets the cookie route=NAME
 * (nginx's sticky emulation maps it back to this server).
 *
 * One process, one poll() loop, one request per connection (nginx talks
 * HTTP/1.0 to upstreams by default).  Listens on 127.0.0.1 only.
 * usage: sockjs_server PORT NAME HEARTBEAT_MS DISCONNECT_MS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <strings.h>
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

enum { MAX_CONN = 4096, MAX_SESS = 8192, BUF = 4096 };

struct conn {
	int fd;
	bool ws;           /* an open websocket */
	char buf[BUF];
	size_t len;
	int held;          /* session index of a held poll, -1 */
	int64_t deadline;  /* heartbeat time of a held poll */
};

struct session {
	char id[64];
	bool used;
	int queued;
	int poll;          /* conn index of the held poll, -1 */
	bool ws;           /* held by a websocket (no expiry) */
	int64_t detached;  /* when the last poll ended */
};

static struct conn conns[MAX_CONN];
static struct session sess[MAX_SESS];
static const char *name;
static int64_t heartbeat_ms, disconnect_ms;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int find_session(const char *id);
static int new_session(const char *id);

/* SHA-1 (FIPS 180-1), for the websocket handshake only. */
static void sha1(const unsigned char *msg, size_t len, unsigned char out[20])
{
	uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	size_t total = ((len + 8) / 64 + 1) * 64;
	unsigned char *m = calloc(total, 1);
	memcpy(m, msg, len);
	m[len] = 0x80;
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		m[total - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t off = 0; off < total; off += 64) {
		uint32_t w[80];
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)m[off + 4 * i] << 24 | (uint32_t)m[off + 4 * i + 1] << 16 |
			       (uint32_t)m[off + 4 * i + 2] << 8 | m[off + 4 * i + 3];
		for (int i = 16; i < 80; i++) {
			uint32_t x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
			w[i] = x << 1 | x >> 31;
		}
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
		for (int i = 0; i < 80; i++) {
			uint32_t f, k;
			if (i < 20) {
				f = (b & c) | (~b & d);
				k = 0x5A827999;
			} else if (i < 40) {
				f = b ^ c ^ d;
				k = 0x6ED9EBA1;
			} else if (i < 60) {
				f = (b & c) | (b & d) | (c & d);
				k = 0x8F1BBCDC;
			} else {
				f = b ^ c ^ d;
				k = 0xCA62C1D6;
			}
			uint32_t t = (a << 5 | a >> 27) + f + e + k + w[i];
			e = d;
			d = c;
			c = b << 30 | b >> 2;
			b = a;
			a = t;
		}
		h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
	}
	free(m);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(h[i] >> (24 - 8 * j));
}

static void base64(const unsigned char *in, size_t n, char *out)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
		out[o++] = i + 1 < n ? tbl[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
}

/* An unmasked text frame to the client. */
static void ws_send(int c, const char *text)
{
	unsigned char f[256];
	size_t n = strlen(text);
	f[0] = 0x81;
	f[1] = (unsigned char)n;
	memcpy(f + 2, text, n);
	ssize_t w = write(conns[c].fd, f, n + 2);
	(void)w;
}

static void ws_close(int c)
{
	if (conns[c].held >= 0)
		sess[conns[c].held].used = false; /* a websocket session ends with it */
	close(conns[c].fd);
	conns[c].fd = -1;
	conns[c].held = -1;
	conns[c].ws = false;
	conns[c].len = 0;
}

/* Frames from the client (masked): answer each text frame. */
static void ws_frames(int c)
{
	size_t at = 0;
	unsigned char *b = (unsigned char *)conns[c].buf;
	while (conns[c].len - at >= 6) {
		unsigned op = b[at] & 15, len = b[at + 1] & 127;
		if (len > 125 || conns[c].len - at < 6 + len)
			break;
		at += 6 + len;
		if (op == 8) {
			ws_close(c);
			return;
		}
		char reply[64];
		snprintf(reply, sizeof reply, "a[\"%u\"]", len);
		ws_send(c, reply);
	}
	memmove(conns[c].buf, conns[c].buf + at, conns[c].len - at);
	conns[c].len -= at;
}

static void ws_accept(int c, const char *id)
{
	const char *k = strcasestr(conns[c].buf, "\r\nSec-WebSocket-Key: ");
	char key[128] = "", accept[64];
	if (k)
		sscanf(k + 21, "%100[^\r\n]", key);
	strcat(key, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
	unsigned char digest[20];
	sha1((const unsigned char *)key, strlen(key), digest);
	base64(digest, 20, accept);
	char out[512];
	int n = snprintf(out, sizeof out,
			 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			 "Sec-WebSocket-Accept: %s\r\nX-Server: %s\r\n\r\n", accept, name);
	ssize_t w = write(conns[c].fd, out, (size_t)n);
	(void)w;
	int s = find_session(id);
	if (s < 0)
		s = new_session(id);
	conns[c].ws = true;
	conns[c].held = s;
	if (s >= 0)
		sess[s].ws = true;
	conns[c].len = 0;
	ws_send(c, "o");
}

static int find_session(const char *id)
{
	for (int i = 0; i < MAX_SESS; i++)
		if (sess[i].used && strcmp(sess[i].id, id) == 0)
			return i;
	return -1;
}

static int new_session(const char *id)
{
	for (int i = 0; i < MAX_SESS; i++) {
		if (!sess[i].used) {
			snprintf(sess[i].id, sizeof sess[i].id, "%s", id);
			sess[i].used = true;
			sess[i].queued = 0;
			sess[i].poll = -1;
			sess[i].ws = false;
			sess[i].detached = now_ms();
			return i;
		}
	}
	return -1;
}

static void finish(int c, int status, const char *body)
{
	char out[512];
	const char *reason = status == 200 ? "OK" : status == 204 ? "No Content" : status == 404 ? "Not Found" : "Bad Request";
	int n = snprintf(out, sizeof out,
			 "HTTP/1.1 %d %s\r\nContent-Type: application/javascript; charset=UTF-8\r\n"
			 "X-Server: %s\r\nSet-Cookie: route=%s; Path=/\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 status, reason, name, name, strlen(body), body);
	ssize_t w = write(conns[c].fd, out, (size_t)n);
	(void)w;
	close(conns[c].fd);
	if (conns[c].held >= 0 && sess[conns[c].held].used && sess[conns[c].held].poll == c) {
		sess[conns[c].held].poll = -1;
		sess[conns[c].held].detached = now_ms();
	}
	conns[c].fd = -1;
	conns[c].held = -1;
	conns[c].len = 0;
}

/* The held poll of session s answers with what is queued. */
static void flush_poll(int s)
{
	int c = sess[s].poll;
	if (c < 0)
		return;
	char body[64];
	if (sess[s].queued > 0)
		snprintf(body, sizeof body, "a[\"%d\"]\n", sess[s].queued);
	else
		snprintf(body, sizeof body, "h\n");
	sess[s].queued = 0;
	finish(c, 200, body);
}

static void handle(int c)
{
	char *req = conns[c].buf;
	char *end = strstr(req, "\r\n\r\n");
	if (!end)
		return; /* not all there yet */
	char method[8], path[256];
	if (sscanf(req, "%7s %255s", method, path) != 2) {
		finish(c, 400, "");
		return;
	}
	char sid[16], id[64], transport[16];
	if (sscanf(path, "/sockjs/%15[^/]/%63[^/]/%15s", sid, id, transport) != 3) {
		finish(c, 404, "");
		return;
	}
	if (strcmp(transport, "websocket") == 0) {
		ws_accept(c, id);
		return;
	}
	int s = find_session(id);
	if (strcmp(transport, "xhr") == 0) {
		if (s < 0) {
			s = new_session(id);
			finish(c, s < 0 ? 400 : 200, "o\n");
			return;
		}
		if (sess[s].poll >= 0) /* another poll holds it: let that one go */
			flush_poll(s);
		sess[s].poll = c;
		conns[c].held = s;
		if (sess[s].queued > 0)
			flush_poll(s);
		else
			conns[c].deadline = now_ms() + heartbeat_ms;
		return;
	}
	if (strcmp(transport, "xhr_send") == 0) {
		if (s < 0) {
			finish(c, 404, "");
			return;
		}
		sess[s].queued++;
		finish(c, 204, "");
		flush_poll(s);
		return;
	}
	finish(c, 404, "");
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: sockjs_server PORT NAME HEARTBEAT_MS DISCONNECT_MS\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	int port = atoi(argv[1]);
	name = argv[2];
	heartbeat_ms = atoll(argv[3]);
	disconnect_ms = atoll(argv[4]);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 1024) < 0) {
		perror("sockjs_server: bind/listen");
		return 1;
	}
	fcntl(ls, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < MAX_CONN; i++)
		conns[i].fd = -1, conns[i].held = -1;
	static struct pollfd pfd[MAX_CONN + 1];
	static int idx[MAX_CONN + 1];
	for (;;) {
		int n = 0;
		pfd[n].fd = ls;
		pfd[n].events = POLLIN;
		idx[n++] = -1;
		for (int i = 0; i < MAX_CONN; i++) {
			if (conns[i].fd < 0)
				continue;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, 20) < 0 && errno != EINTR)
			return 1;
		int64_t now = now_ms();
		if (pfd[0].revents & POLLIN) {
			for (;;) {
				int fd = accept(ls, NULL, NULL);
				if (fd < 0)
					break;
				int slot = -1;
				for (int i = 0; i < MAX_CONN && slot < 0; i++)
					if (conns[i].fd < 0)
						slot = i;
				if (slot < 0) {
					close(fd);
					continue;
				}
				conns[slot].fd = fd;
				conns[slot].len = 0;
				conns[slot].held = -1;
			}
		}
		for (int k = 1; k < n; k++) {
			int c = idx[k];
			if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) || conns[c].fd < 0)
				continue;
			ssize_t r = read(conns[c].fd, conns[c].buf + conns[c].len, BUF - 1 - conns[c].len);
			if (r <= 0 && conns[c].ws) {
				ws_close(c);
				continue;
			}
			if (r <= 0) {
				if (conns[c].held >= 0 && sess[conns[c].held].poll == c) {
					sess[conns[c].held].poll = -1;
					sess[conns[c].held].detached = now;
				}
				close(conns[c].fd);
				conns[c].fd = -1;
				conns[c].held = -1;
				continue;
			}
			conns[c].len += (size_t)r;
			conns[c].buf[conns[c].len] = '\0';
			if (conns[c].ws)
				ws_frames(c);
			else if (conns[c].held < 0)
				handle(c);
		}
		/* heartbeats and expiry */
		for (int i = 0; i < MAX_CONN; i++)
			if (conns[i].fd >= 0 && !conns[i].ws && conns[i].held >= 0 && now >= conns[i].deadline)
				flush_poll(conns[i].held);
		for (int s = 0; s < MAX_SESS; s++)
			if (sess[s].used && !sess[s].ws && sess[s].poll < 0 && now - sess[s].detached >= disconnect_ms)
				sess[s].used = false;
	}
}
