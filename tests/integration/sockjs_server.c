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
			if (conns[c].held < 0)
				handle(c);
		}
		/* heartbeats and expiry */
		for (int i = 0; i < MAX_CONN; i++)
			if (conns[i].fd >= 0 && conns[i].held >= 0 && now >= conns[i].deadline)
				flush_poll(conns[i].held);
		for (int s = 0; s < MAX_SESS; s++)
			if (sess[s].used && sess[s].poll < 0 && now - sess[s].detached >= disconnect_ms)
				sess[s].used = false;
	}
}
