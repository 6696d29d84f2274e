/* sim/async_file — see async_file.h.
 *
 * stdio's own buffer (64 KiB) is emptied through a fopencookie write
 * function into the current chunk; a full chunk goes to the writer
 * through a small ring (the writer owns the chunks between head and
 * head + full), and the writer returns it empty.  With NCHUNKS chunks the
 * simulation waits only when it produces faster than the disk takes. */
#define _GNU_SOURCE
#include "sim/async_file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/alloc.h"

enum { CHUNK = 1 << 20, NCHUNKS = 4, STDIO_BUFFER = 1 << 16 };

struct chunk {
	char *data;
	size_t n;
};

struct afile {
	int fd;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t can_fill, can_write;
	struct chunk ring[NCHUNKS];
	unsigned head, full; /* under mu: the oldest full chunk, how many */
	bool closing;        /* under mu: no more chunks will come */
	int error;           /* under mu: the first write error (errno), or 0 */
	unsigned cur;        /* the writing side's chunk: ring[(head + full) % NCHUNKS] */
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *writer(void *arg)
{
	struct afile *a = arg;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->full == 0 && !a->closing)
			pthread_cond_wait(&a->can_write, &a->mu);
		if (a->full == 0)
			break; /* closing, and everything written */
		struct chunk *c = &a->ring[a->head];
		int failed = a->error;
		pthread_mutex_unlock(&a->mu);
		int e = failed ? 0 : write_all(a->fd, c->data, c->n);
		c->n = 0;
		pthread_mutex_lock(&a->mu);
		if (e && !a->error)
			a->error = e;
		a->head = (a->head + 1) % NCHUNKS;
		a->full--;
		pthread_cond_signal(&a->can_fill);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* Hand the current chunk to the writer and wait for an empty one. */
static int publish(struct afile *a)
{
	pthread_mutex_lock(&a->mu);
	a->full++;
	pthread_cond_signal(&a->can_write);
	while (a->full == NCHUNKS)
		pthread_cond_wait(&a->can_fill, &a->mu);
	a->cur = (a->head + a->full) % NCHUNKS;
	int e = a->error;
	pthread_mutex_unlock(&a->mu);
	return e;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
	struct afile *a = cookie;
	size_t done = 0;
	while (done < size) {
		struct chunk *c = &a->ring[a->cur];
		size_t k = size - done < CHUNK - c->n ? size - done : CHUNK - c->n;
		memcpy(c->data + c->n, buf + done, k);
		c->n += k;
		done += k;
		if (c->n == CHUNK) {
			int e = publish(a);
			if (e) {
				errno = e;
				return -1;
			}
		}
	}
	return (ssize_t)size;
}

/* Let the writer finish what it was given, then free everything but the
 * descriptor.  Returns the first write error (errno), or 0. */
static int finish(struct afile *a)
{
	pthread_mutex_lock(&a->mu);
	a->closing = true;
	pthread_cond_signal(&a->can_write);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	int e = a->error;
	for (unsigned i = 0; i < NCHUNKS; i++)
		free(a->ring[i].data);
	pthread_cond_destroy(&a->can_fill);
	pthread_cond_destroy(&a->can_write);
	pthread_mutex_destroy(&a->mu);
	free(a);
	return e;
}

static int cookie_close(void *cookie)
{
	struct afile *a = cookie;
	int fd = a->fd;
	pthread_mutex_lock(&a->mu);
	if (a->ring[a->cur].n > 0)
		a->full++; /* the last, partial chunk */
	pthread_mutex_unlock(&a->mu);
	int e = finish(a);
	if (close(fd) != 0 && !e)
		e = errno;
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

FILE *cs_async_fopen(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return NULL;
	struct afile *a = cs_xcalloc(1, sizeof *a);
	a->fd = fd;
	for (unsigned i = 0; i < NCHUNKS; i++)
		a->ring[i].data = cs_xmalloc(CHUNK);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->can_fill, NULL);
	pthread_cond_init(&a->can_write, NULL);
	int e = pthread_create(&a->thread, NULL, writer, a);
	if (e != 0) {
		for (unsigned i = 0; i < NCHUNKS; i++)
			free(a->ring[i].data);
		free(a);
		close(fd);
		errno = e;
		return NULL;
	}
	FILE *f = fopencookie(a, "w", (cookie_io_functions_t){.write = cookie_write, .close = cookie_close});
	if (!f) {
		e = errno;
		finish(a);
		close(fd);
		errno = e;
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, STDIO_BUFFER);
	return f;
}
