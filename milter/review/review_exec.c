/*
 * review_exec.c - run an MTA command (sendmail, postqueue, postsuper)
 * without a shell: argv as given, optional bytes on its standard input,
 * optionally one of its output streams captured.
 *
 * Design: at most one pipe is read and one written, so feeding stdin and
 * capturing output never run at once (the callers never need both): no
 * deadlock on full pipes.  SIGPIPE is ignored while writing so a command
 * that exits early shows up as its exit status, not as our death.
 *
 * Threading: single-threaded program (fork).
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "review.h"

/* review_find_program - name found in PATH, then /usr/sbin, /usr/bin,
 * /sbin; buf or NULL.  A name with a '/' is taken as it is. */
const char *review_find_program(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[8192];
	char *save = NULL;
	struct stat sb;

	if (strchr(name, '/') != NULL) {
		snprintf(buf, len, "%s", name);
		return access(buf, X_OK) == 0 ? buf : NULL;
	}
	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/usr/bin:/sbin", path ? path : "");
	for (char *d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(buf, len, "%s/%s", d, name) >= len)
			continue;
		if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode) && access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/* write_all - write len bytes to fd; 0 or -1 */
static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* review_run - run argv[0] (PATH search) with in on its stdin (NULL:
 * /dev/null); capture stdout or stderr into out.  0 with *status the
 * waitpid status, or -1 when the command could not be started. */
int review_run(char *const argv[], const unsigned char *in, size_t inlen,
	       int capture, secm_buf *out, int *status)
{
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 };
	struct sigaction ign, old;
	unsigned char chunk[4096];
	int rc = -1, werr = 0;
	pid_t pid;

	*status = -1;
	if ((in != NULL && pipe2(inp, O_CLOEXEC) != 0) ||
	    (capture != REVIEW_CAPTURE_NONE && pipe2(outp, O_CLOEXEC) != 0))
		goto done;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		goto done;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (dup2(in != NULL ? inp[0] : devnull, 0) < 0 ||
		    (capture != REVIEW_CAPTURE_NONE && dup2(outp[1], capture) < 0))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "secret-quarantine: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (in != NULL) {
		close(inp[0]);
		inp[0] = -1;
		werr = write_all(inp[1], in, inlen);
		close(inp[1]);
		inp[1] = -1;
	}
	if (capture != REVIEW_CAPTURE_NONE) {
		ssize_t n;

		close(outp[1]);
		outp[1] = -1;
		while ((n = read(outp[0], chunk, sizeof(chunk))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 || secm_buf_append(out, chunk, (size_t)n) != SECM_OK)
				break;
		}
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old, NULL);
	/* a command that did not read all its input failed, whatever it says */
	if (werr != 0 && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
		*status = 1 << 8;
	rc = 0;
done:
	for (int i = 0; i < 2; i++) {
		if (inp[i] >= 0)
			close(inp[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	return rc;
}
