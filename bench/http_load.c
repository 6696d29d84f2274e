/* bench/http_load — HTTP/1.1 latency under concurrency, for live mode's
 * API benchmark (bench/live.sh): CONNS keep-alive connections to
 * HOST:PORT (127.0.0.0/8 only), each sending GET PATH, reading the whole
 * answer (Content-Length), and sending the next, REQUESTS times in all;
 * one thread with epoll, so that the client costs little beside the
 * server on a small machine (a Python asyncio client measured its own
 * queueing: ~20 ms p99 at 200 connections, most of it in the client).
 * Latency is from writing a request to reading the last byte of its
 * answer.  Prints requests per second, p50, p99 and max; asserts
 * nothing.
 *
 * usage: http_load HOST PORT PATH CONNS REQUESTS [LABEL] */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF (1 << 20)

struct conn {
	int fd;
	char *buf;
	size_t have;
	double t0;
	long long want; /* the answer's length (headers + body), -1 until the headers are in */
};

static long not_ok; /* answers whose status is not 200 */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* the length of a whole answer in c->buf, once its headers are there */
static void parse_head(struct conn *c)
{
	c->buf[c->have] = 0;
	char *end = strstr(c->buf, "\r\n\r\n");
	if (!end)
		return;
	long long body = 0;
	for (char *p = c->buf; p < end; p = strstr(p, "\r\n") + 2)
		if (strncasecmp(p, "content-length:", 15) == 0)
			body = atoll(p + 15);
	c->want = (long long)(end + 4 - c->buf) + body;
	if (strncmp(c->buf, "HTTP/1.1 200 ", 13) != 0)
		not_ok++;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: http_load HOST PORT PATH CONNS REQUESTS [LABEL]\n");
		return 2;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "http_load: %s: a 127.0.0.0/8 address only\n", argv[1]);
		return 2;
	}
	int nconn = atoi(argv[4]);
	long total = atol(argv[5]);
	if (nconn < 1 || nconn > 10000 || total < nconn) {
		fprintf(stderr, "http_load: CONNS 1 ... 10000, REQUESTS >= CONNS\n");
		return 2;
	}
	char req[1024];
	int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n\r\n", argv[3], argv[1], argv[2]);
	double *lat = calloc((size_t)total, sizeof *lat);
	struct conn *cs = calloc((size_t)nconn, sizeof *cs);
	int ep = epoll_create1(0);
	long sent = 0, done = 0;
	double start = now_s();
	for (int i = 0; i < nconn; i++) {
		struct conn *c = &cs[i];
		c->fd = socket(AF_INET, SOCK_STREAM, 0);
		int one = 1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
			fprintf(stderr, "http_load: connect: %s\n", strerror(errno));
			return 1;
		}
		c->buf = malloc(BUF + 1);
		c->want = -1;
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
		c->t0 = now_s();
		if (write(c->fd, req, (size_t)reqlen) != reqlen)
			return 1;
		sent++;
	}
	struct epoll_event evs[256];
	while (done < total) {
		int n = epoll_wait(ep, evs, 256, 10000);
		if (n <= 0) {
			fprintf(stderr, "http_load: no answer for 10 s (%ld of %ld done)\n", done, total);
			return 1;
		}
		for (int k = 0; k < n; k++) {
			struct conn *c = evs[k].data.ptr;
			ssize_t got = read(c->fd, c->buf + c->have, BUF - c->have);
			if (got <= 0) {
				fprintf(stderr, "http_load: the server closed a connection (%ld of %ld done)\n", done, total);
				return 1;
			}
			c->have += (size_t)got;
			if (c->want < 0)
				parse_head(c);
			if (c->want < 0 || (long long)c->have < c->want)
				continue;
			lat[done++] = now_s() - c->t0;
			c->have = 0;
			c->want = -1;
			if (sent < total) {
				c->t0 = now_s();
				if (write(c->fd, req, (size_t)reqlen) != reqlen)
					return 1;
				sent++;
			}
		}
	}
	double wall = now_s() - start;
	qsort(lat, (size_t)total, sizeof *lat, cmp);
	double p50 = lat[total / 2], p99 = lat[(size_t)(0.99 * (double)total)], mx = lat[total - 1];
	printf("%s %d concurrent connections, %ld requests (%ld not 200): %.0f requests/s, p50 %.2f ms, p99 %.2f ms, "
	       "max %.2f ms (target p99 < 10 ms)  %s\n",
	       argc > 6 ? argv[6] : "GET", nconn, total, not_ok, (double)total / wall, 1000 * p50, 1000 * p99, 1000 * mx,
	       p99 < 0.010 && !not_ok ? "ok" : "MISSED");
	for (int i = 0; i < nconn; i++) {
		close(cs[i].fd);
		free(cs[i].buf);
	}
	free(cs);
	free(lat);
	close(ep);
	return 0;
}
