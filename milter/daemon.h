/*
 * daemon.h - process plumbing for the milter: the listening socket, the
 * user switch, detaching, the pid file and the reload signal.
 *
 * All of it runs in main() at start-up, before smfi_main() starts any
 * thread, except the reload thread which this module starts itself.
 * Errors come back as an exit code from <sysexits.h> plus a message.
 */
#ifndef SECM_DAEMON_H
#define SECM_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

typedef struct secm_ids {
	int set;		/* 0: no user configured, stay who we are */
	uid_t uid;
	gid_t gid;
	char name[64];		/* user name for initgroups */
} secm_ids;

/* secm_daemon_lookup_user - resolve "user[:group]" (NULL or "" gives
 * ids->set = 0); returns 0 or EX_NOUSER with why filled */
int secm_daemon_lookup_user(const char *spec, secm_ids *ids,
			    char *why, size_t whylen);

/* secm_daemon_open_socket - smfi_setconn + smfi_opensocket under umask 007;
 * a unix socket is then given to ids (when set) with mode 0660.
 * Returns 0 or an EX_* code with why filled. */
int secm_daemon_open_socket(const char *conn, const secm_ids *ids,
			    char *why, size_t whylen);

/* secm_daemon_drop_privileges - initgroups, setgid, setuid, each checked,
 * then a check that root cannot be regained; 0 or EX_OSERR */
int secm_daemon_drop_privileges(const secm_ids *ids, char *why, size_t whylen);

/* secm_daemon_detach - fork into the background, new session, stdio on
 * /dev/null.  Returns 0 in the child with *notify_fd set; the parent waits
 * until the child calls secm_daemon_notify and exits with its code (after
 * printing its error), so start-up errors reach the terminal.  EX_OSERR
 * when the fork itself fails. */
int secm_daemon_detach(int *notify_fd, char *why, size_t whylen);
/* secm_daemon_notify - tell the waiting parent how start-up ended (code 0
 * = running) and close fd; fd -1 (foreground) does nothing */
void secm_daemon_notify(int fd, int code, const char *why);

/* secm_daemon_write_pidfile - write our pid (path NULL or "" = none);
 * 0 or EX_CANTCREAT */
int secm_daemon_write_pidfile(const char *path, char *why, size_t whylen);
/* secm_daemon_remove_pidfile - remove it if it still holds our pid */
void secm_daemon_remove_pidfile(const char *path);

/* secm_daemon_block_signals - block SIGUSR1 in the calling thread (call
 * before any thread starts so every thread inherits the mask) */
void secm_daemon_block_signals(void);
/* secm_daemon_start_reloader - thread that waits for SIGUSR1 and calls
 * fn(arg); 0 or EX_OSERR */
int secm_daemon_start_reloader(void (*fn)(void *), void *arg,
			       char *why, size_t whylen);

/* secm_daemon_no_core_dumps - the process holds mail with secrets in it:
 * no core file (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0, which
 * also keeps other processes of the same user from reading its memory);
 * 0, or -1 with why */
int secm_daemon_no_core_dumps(char *why, size_t whylen);

#endif
