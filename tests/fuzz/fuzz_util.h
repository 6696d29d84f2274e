/* tests/fuzz/fuzz_util — the file readers take paths: put the fuzzer's
 * bytes in a temporary file. */
#ifndef CS_FUZZ_UTIL_H
#define CS_FUZZ_UTIL_H
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

/* Write data to a new temporary file; its name goes to path (a buffer of
 * at least 32 bytes).  Returns 0, or -1 if it could not be written. */
static inline int fuzz_to_file(const uint8_t *data, size_t size, char *path)
{
	strcpy(path, "/tmp/cs-fuzz-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, data, size);
	close(fd);
	if (w != (ssize_t)size) {
		unlink(path);
		return -1;
	}
	return 0;
}

#endif
