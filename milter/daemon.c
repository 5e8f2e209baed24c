/*
 * daemon.c - socket, user switch, detach, pid file, reload signal.
 *
 * Start-up order (main.c): the socket is created while still root, under a
 * tight umask, and handed to the milter user (clamav-milter's way); then the
 * privileges go (initgroups, setgid, setuid, each checked, as Postfix's
 * chroot_uid.c); then detach and the pid file.  libmilter handles SIGHUP,
 * SIGTERM and SIGINT in its own thread (all stop smfi_main); we add SIGUSR1
 * for a configuration reload, waited for in a thread of our own.
 * Nothing here keeps state: the caller owns every value.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "daemon.h"

/* secm_daemon_lookup_user - resolve "user[:group]" into ids */
int secm_daemon_lookup_user(const char *spec, secm_ids *ids,
			    char *why, size_t whylen)
{
	char user[64], *colon;
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char pwbuf[4096], grbuf[4096];
	int rc;

	memset(ids, 0, sizeof(*ids));
	if (spec == NULL || *spec == '\0')
		return 0;
	if (strlen(spec) >= sizeof(user)) {
		snprintf(why, whylen, "user name too long: %.40s...", spec);
		return EX_NOUSER;
	}
	snprintf(user, sizeof(user), "%s", spec);
	colon = strchr(user, ':');
	if (colon != NULL)
		*colon++ = '\0';
	rc = getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &pwp);
	if (pwp == NULL) {
		snprintf(why, whylen, "unknown user %s%s%s", user,
			 rc ? ": " : "", rc ? strerror(rc) : "");
		return EX_NOUSER;
	}
	ids->uid = pw.pw_uid;
	ids->gid = pw.pw_gid;
	snprintf(ids->name, sizeof(ids->name), "%s", pw.pw_name);
	if (colon != NULL && *colon != '\0') {
		rc = getgrnam_r(colon, &gr, grbuf, sizeof(grbuf), &grp);
		if (grp == NULL) {
			snprintf(why, whylen, "unknown group %s%s%s", colon,
				 rc ? ": " : "", rc ? strerror(rc) : "");
			return EX_NOUSER;
		}
		ids->gid = gr.gr_gid;
	}
	ids->set = 1;
	return 0;
}

/* unix_path - the file name of a unix socket spec, or NULL for inet */
static const char *unix_path(const char *conn)
{
	if (strncmp(conn, "unix:", 5) == 0)
		return conn + 5;
	if (strncmp(conn, "local:", 6) == 0)
		return conn + 6;
	if (conn[0] == '/')
		return conn;
	return NULL;
}

/* secm_daemon_open_socket - create the listening socket, then own it */
int secm_daemon_open_socket(const char *conn, const secm_ids *ids,
			    char *why, size_t whylen)
{
	char *copy;
	const char *path;
	mode_t old;
	int rc;

	if (conn == NULL || *conn == '\0') {
		snprintf(why, whylen, "no socket: set Socket in the config or use -p");
		return EX_CONFIG;
	}
	/* smfi_setconn takes a char * and keeps its own copy of it */
	copy = strdup(conn);
	if (copy == NULL) {
		snprintf(why, whylen, "out of memory");
		return EX_OSERR;
	}
	rc = smfi_setconn(copy);
	free(copy);
	if (rc == MI_FAILURE) {
		snprintf(why, whylen, "bad socket specification %s", conn);
		return EX_CONFIG;
	}
	old = umask(007);
	rc = smfi_opensocket(1);	/* 1: remove a stale unix socket first */
	umask(old);
	if (rc == MI_FAILURE) {
		snprintf(why, whylen, "cannot listen on %s (in use, or no permission?)",
			 conn);
		return EX_UNAVAILABLE;
	}
	path = unix_path(conn);
	if (path == NULL)
		return 0;
	if (ids->set && chown(path, ids->uid, ids->gid) != 0) {
		snprintf(why, whylen, "chown %s: %s", path, strerror(errno));
		return EX_OSERR;
	}
	if (chmod(path, 0660) != 0) {
		snprintf(why, whylen, "chmod %s: %s", path, strerror(errno));
		return EX_OSERR;
	}
	return 0;
}

/* secm_daemon_drop_privileges - become ids for good */
int secm_daemon_drop_privileges(const secm_ids *ids, char *why, size_t whylen)
{
	if (!ids->set)
		return 0;
	if (geteuid() != 0) {
		/* not root: only "become" ourselves */
		if (geteuid() == ids->uid && getegid() == ids->gid)
			return 0;
		snprintf(why, whylen, "must be root to switch to user %s", ids->name);
		return EX_NOPERM;
	}
	if (initgroups(ids->name, ids->gid) != 0) {
		snprintf(why, whylen, "initgroups %s: %s", ids->name, strerror(errno));
		return EX_OSERR;
	}
	if (setgid(ids->gid) != 0) {
		snprintf(why, whylen, "setgid %ld: %s", (long)ids->gid, strerror(errno));
		return EX_OSERR;
	}
	if (setuid(ids->uid) != 0) {
		snprintf(why, whylen, "setuid %ld: %s", (long)ids->uid, strerror(errno));
		return EX_OSERR;
	}
	/* paranoia: a working setuid(0) now means the drop did not stick */
	if (ids->uid != 0 && setuid(0) == 0) {
		snprintf(why, whylen, "privileges could be regained after setuid");
		return EX_OSERR;
	}
	return 0;
}

/* parent_wait - in the parent: relay the child's start-up result, exit */
static void parent_wait(int fd)
{
	char buf[600];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf) - 1 &&
	       ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	buf[got] = '\0';
	if (got == 0) {
		fprintf(stderr, "secret-milter: the daemon died during start-up\n");
		_exit(EX_OSERR);
	}
	if (buf[0] != 0 && got > 1)
		fprintf(stderr, "secret-milter: %s\n", buf + 1);
	_exit((unsigned char)buf[0]);
}

/* secm_daemon_detach - fork, setsid, stdio to /dev/null */
int secm_daemon_detach(int *notify_fd, char *why, size_t whylen)
{
	int fds[2], fd;
	pid_t pid;

	*notify_fd = -1;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return EX_OSERR;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return EX_OSERR;
	}
	if (pid > 0) {
		close(fds[1]);
		parent_wait(fds[0]);	/* does not return */
	}
	close(fds[0]);
	*notify_fd = fds[1];
	if (setsid() < 0) {
		snprintf(why, whylen, "setsid: %s", strerror(errno));
		return EX_OSERR;
	}
	if (chdir("/") != 0) {
		snprintf(why, whylen, "chdir /: %s", strerror(errno));
		return EX_OSERR;
	}
	fd = open("/dev/null", O_RDWR);
	if (fd < 0) {
		snprintf(why, whylen, "/dev/null: %s", strerror(errno));
		return EX_OSERR;
	}
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* secm_daemon_notify - one code byte and the error text, then close */
void secm_daemon_notify(int fd, int code, const char *why)
{
	char buf[600];
	size_t len;

	if (fd < 0)
		return;
	buf[0] = (char)code;
	len = 1;
	if (code != 0 && why != NULL) {
		int n = snprintf(buf + 1, sizeof(buf) - 1, "%s", why);

		if (n > 0)
			len += (size_t)n < sizeof(buf) - 1 ? (size_t)n : sizeof(buf) - 2;
	}
	if (write(fd, buf, len) < 0) {
		/* the parent is gone: nobody left to tell */
	}
	close(fd);
}

/* secm_daemon_write_pidfile - write "<pid>\n", mode 0644 */
int secm_daemon_write_pidfile(const char *path, char *why, size_t whylen)
{
	char line[32];
	int fd, n;

	if (path == NULL || *path == '\0')
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(why, whylen, "pid file %s: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (write(fd, line, (size_t)n) != n) {
		snprintf(why, whylen, "pid file %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return EX_CANTCREAT;
	}
	if (close(fd) != 0) {
		snprintf(why, whylen, "pid file %s: %s", path, strerror(errno));
		unlink(path);
		return EX_CANTCREAT;
	}
	return 0;
}

/* secm_daemon_remove_pidfile - remove it if it still names this process */
void secm_daemon_remove_pidfile(const char *path)
{
	char line[32];
	ssize_t n;
	int fd;

	if (path == NULL || *path == '\0')
		return;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return;
	line[n] = '\0';
	if (strtol(line, NULL, 10) == (long)getpid())
		unlink(path);
}

/* stop_signals - the set libmilter waits for plus our reload signal */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGUSR1);
}

/* secm_daemon_block_signals - block them before any thread exists, so a
 * stop signal can only be taken by libmilter's sigwait thread and SIGUSR1
 * only by ours (an unblocked thread would die on the default action) */
void secm_daemon_block_signals(void)
{
	sigset_t set;

	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct reloader {
	void (*fn)(void *);
	void *arg;
};

/* reloader_main - wait for SIGUSR1 forever, call fn each time */
static void *reloader_main(void *p)
{
	struct reloader r = *(struct reloader *)p;
	sigset_t set;
	int sig;

	free(p);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGUSR1)
			r.fn(r.arg);
	}
	return NULL;
}

/* secm_daemon_start_reloader - detached thread running reloader_main */
int secm_daemon_start_reloader(void (*fn)(void *), void *arg,
			       char *why, size_t whylen)
{
	struct reloader *r;
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	r = malloc(sizeof(*r));
	if (r == NULL) {
		snprintf(why, whylen, "out of memory");
		return EX_OSERR;
	}
	r->fn = fn;
	r->arg = arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, reloader_main, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		free(r);
		snprintf(why, whylen, "reload thread: %s", strerror(rc));
		return EX_OSERR;
	}
	return 0;
}

/* secm_daemon_no_core_dumps - no core file, not dumpable (see daemon.h) */
int secm_daemon_no_core_dumps(char *why, size_t whylen)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) != 0) {
		snprintf(why, whylen, "setrlimit(RLIMIT_CORE): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		snprintf(why, whylen, "prctl(PR_SET_DUMPABLE): %s", strerror(errno));
		return -1;
	}
	return 0;
}
