/*
 * fuzz_tmpfile.c - one temporary file per fuzz process, for targets whose
 * code under test reads a path (pattern files, config files).  Created on
 * first use with the name suffix the loader expects, rewritten in place for
 * every input, removed at exit.  Harness setup errors abort(): they are not
 * findings.  One process runs one input at a time, so one file suffices.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static int tmp_fd = -1;
static char tmp_path[4096];

/* remove_tmp - atexit hook: delete the temporary file */
static void remove_tmp(void)
{
	if (tmp_fd >= 0) {
		close(tmp_fd);
		unlink(tmp_path);
		tmp_fd = -1;
	}
}

/* secm_fuzz_tmpfile - write data to the process's temporary file, named
 * "secm-fuzz-<tag>-XXXXXX<suffix>" in $TMPDIR (or /tmp); returns its path */
const char *secm_fuzz_tmpfile(const char *tag, const char *suffix,
			      const void *data, size_t size)
{
	const unsigned char *p = data;
	const char *dir = getenv("TMPDIR");
	size_t done = 0;
	int slen;

	if (tmp_fd < 0) {
		if (dir == NULL || *dir == '\0')
			dir = "/tmp";
		slen = snprintf(tmp_path, sizeof(tmp_path), "%s/secm-fuzz-%s-XXXXXX%s",
				dir, tag, suffix);
		if (slen < 0 || (size_t)slen >= sizeof(tmp_path))
			abort();
		tmp_fd = mkstemps(tmp_path, (int)strlen(suffix));
		if (tmp_fd < 0) {
			perror("fuzz: mkstemps");
			abort();
		}
		atexit(remove_tmp);
	}
	if (ftruncate(tmp_fd, 0) != 0) {
		perror("fuzz: ftruncate");
		abort();
	}
	while (done < size) {
		ssize_t n = pwrite(tmp_fd, p + done, size - done, (off_t)done);

		if (n <= 0) {
			perror("fuzz: pwrite");
			abort();
		}
		done += (size_t)n;
	}
	return tmp_path;
}
