/*
 * review_audit.c - the audit log: one appended line per action.
 *
 * Line: "TIME user=NAME uid=N [sudo_user=NAME] action=A item=ID result=R
 * [detail]", TIME in RFC 3339 UTC.  The file is opened O_APPEND, mode 0600,
 * and each line goes out in one write(2), so lines of concurrent runs never
 * interleave.  SUDO_USER is recorded beside the real user, never instead of
 * it (anyone can set the variable).  Only ids, words and exit codes reach a
 * line: never a message byte, so never a secret value.
 *
 * Threading: single-threaded program.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "review.h"

/* review_audit_open - open (creating 0600) the audit log for appending;
 * path NULL means DIR/audit.log.  REVIEW_OK or TEMPFAIL (message printed) */
int review_audit_open(review_store *st, const char *path)
{
	if (path == NULL)
		snprintf(st->audit_path, sizeof(st->audit_path), "%s/audit.log", st->dir);
	else
		snprintf(st->audit_path, sizeof(st->audit_path), "%s", path);
	st->auditfd = open(st->audit_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			   0600);
	if (st->auditfd < 0) {
		fprintf(stderr, "secret-quarantine: %s: cannot open the audit log: %s\n",
			st->audit_path, strerror(errno));
		return REVIEW_TEMPFAIL;
	}
	return REVIEW_OK;
}

/* clean_word - copy s into buf keeping only printable non-space ASCII */
static const char *clean_word(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : "-");
	     *p != '\0' && n + 1 < len; p++)
		buf[n++] = (*p > 0x20 && *p < 0x7f) ? (char)*p : '_';
	buf[n] = '\0';
	return n > 0 ? buf : "-";
}

/* review_real_user - the name of getuid() (or "uid N") into buf */
const char *review_real_user(char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (getpwuid_r(getuid(), &pw, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		snprintf(buf, len, "%s", pw.pw_name);
	else
		snprintf(buf, len, "uid%lu", (unsigned long)getuid());
	return buf;
}

/* review_audit - append one line; REVIEW_OK or TEMPFAIL.  detail is free
 * text made of words we chose (method, exit codes), never message data. */
int review_audit(review_store *st, const char *action, const char *id,
		 const char *result, const char *detail)
{
	char line[1024], stamp[32], user[128], sudo[128], w1[64], w2[REVIEW_ID_MAX], w3[64];
	const char *su = getenv("SUDO_USER");
	int n;

	if (st->auditfd < 0)
		return REVIEW_TEMPFAIL;
	review_rfc3339(time(NULL), stamp, sizeof(stamp));
	review_real_user(user, sizeof(user));
	clean_word(user, user, sizeof(user));
	sudo[0] = '\0';
	if (su != NULL && su[0] != '\0') {
		char w[64];

		snprintf(sudo, sizeof(sudo), " sudo_user=%s", clean_word(su, w, sizeof(w)));
	}
	n = snprintf(line, sizeof(line), "%s user=%s uid=%lu%s action=%s item=%s result=%s",
		     stamp, user, (unsigned long)getuid(), sudo,
		     clean_word(action, w1, sizeof(w1)), clean_word(id, w2, sizeof(w2)),
		     clean_word(result, w3, sizeof(w3)));
	if (n < 0 || (size_t)n >= sizeof(line) - 2)
		return REVIEW_TEMPFAIL;
	if (detail != NULL && detail[0] != '\0') {
		line[n++] = ' ';
		/* printable ASCII only: no line break can split a record */
		for (const unsigned char *p = (const unsigned char *)detail;
		     *p != '\0' && (size_t)n + 2 < sizeof(line); p++)
			line[n++] = (*p >= 0x20 && *p < 0x7f) ? (char)*p : '_';
	}
	line[n++] = '\n';
	if (write(st->auditfd, line, (size_t)n) != n) {
		fprintf(stderr, "secret-quarantine: %s: cannot write the audit log: %s\n",
			st->audit_path, strerror(errno));
		return REVIEW_TEMPFAIL;
	}
	fsync(st->auditfd);
	return REVIEW_OK;
}
