/*
 * quarantine.c - our own store of held messages (see quarantine.h).
 *
 * Layout: DIR/ID.eml (the original bytes) and DIR/ID.json (metadata).  The
 * directory is created mode 0700 (with any missing parents) when absent;
 * an existing one must be a directory owned by the effective user that
 * neither group nor others may access, else the store refuses to write
 * (it holds credentials).  Each file goes to ".ID.ext.tmp" (O_EXCL, mode
 * 0600), is written, fsync'd and renamed; the directory is fsync'd after
 * each rename, and the .json comes last, so an item is complete once its
 * .json exists.  On any failure nothing of the item is left behind.
 *
 * The metadata is built with json-c: id, queue_id, time (RFC 3339 UTC),
 * action, reason, sender, recipients, client_addr, client_name, size and
 * findings (secm_report_findings).  A finding carries no value, so no
 * secret can reach the .json.
 *
 * Threading: no shared state; concurrent stores get distinct random ids.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quarantine.h"
#include "report.h"

#define ID_MIN 64

/* mkdir_parents - mkdir -p with mode 0700 for every created component */
static int mkdir_parents(const char *dir)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST)
				return -1;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

/* open_store - open (creating if absent) and check the store directory */
static int open_store(const char *dir, int *fd_out, secm_error *err)
{
	struct stat st;
	char eb[128];
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mkdir_parents(dir) != 0)
			return secm_error_set(err, SECM_EIO, dir, 0, "QuarantineDirectory",
					      "cannot create directory: %s",
					      strerror_r(errno, eb, sizeof(eb)));
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		return secm_error_set(err, SECM_EIO, dir, 0, "QuarantineDirectory",
				      "cannot open directory: %s",
				      strerror_r(errno, eb, sizeof(eb)));
	if (fstat(fd, &st) != 0) {
		close(fd);
		return secm_error_set(err, SECM_EIO, dir, 0, "QuarantineDirectory",
				      "cannot stat directory: %s",
				      strerror_r(errno, eb, sizeof(eb)));
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		return secm_error_set(err, SECM_ECONFIG, dir, 0, "QuarantineDirectory",
				      "directory is owned by uid %lu, not by uid %lu that runs the filter",
				      (unsigned long)st.st_uid, (unsigned long)geteuid());
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		close(fd);
		return secm_error_set(err, SECM_ECONFIG, dir, 0, "QuarantineDirectory",
				      "directory mode %04o lets group or others access it (chmod 700)",
				      (unsigned)(st.st_mode & 07777));
	}
	*fd_out = fd;
	return SECM_OK;
}

/* make_id - "20261126T015000Z-QUEUEID-RANDOM"; 0 or -1 */
static int make_id(time_t when, const char *queue_id, char *out, size_t len)
{
	unsigned char rnd[6];
	char stamp[32], qid[33];
	struct tm tm;
	size_t q = 0;
	int n;

	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		return -1;
	/* queue ids are alphanumeric; anything else must not reach a file name */
	for (const char *p = queue_id ? queue_id : "NOQUEUE"; *p != '\0' && q < sizeof(qid) - 1; p++) {
		char c = *p;

		qid[q++] = ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9')) ? c : '_';
	}
	qid[q] = '\0';
	if (q == 0)
		memcpy(qid, "NOQUEUE", 8);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	n = snprintf(out, len, "%s-%s-%02x%02x%02x%02x%02x%02x", stamp, qid,
		     rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* write_all - write len bytes, retrying short writes and EINTR */
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

/* commit_file - temp name, write, fsync, rename, fsync the directory */
static int commit_file(int dfd, const char *dir, const char *name,
		       const unsigned char *data, size_t len, secm_error *err)
{
	char tmp[128], eb[128];
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.tmp", name) >= sizeof(tmp))
		return secm_error_set(err, SECM_EINTERNAL, dir, 0, NULL, "item name too long");
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return secm_error_set(err, SECM_EIO, dir, 0, NULL, "cannot create %s: %s",
				      tmp, strerror_r(errno, eb, sizeof(eb)));
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		return secm_error_set(err, SECM_EIO, dir, 0, NULL, "cannot write %s: %s",
				      tmp, strerror_r(saved, eb, sizeof(eb)));
	}
	if (close(fd) != 0 || renameat(dfd, tmp, dfd, name) != 0) {
		saved = errno;
		unlinkat(dfd, tmp, 0);
		return secm_error_set(err, SECM_EIO, dir, 0, NULL, "cannot commit %s: %s",
				      name, strerror_r(saved, eb, sizeof(eb)));
	}
	if (fsync(dfd) != 0) {
		saved = errno;
		unlinkat(dfd, name, 0);
		return secm_error_set(err, SECM_EIO, dir, 0, NULL, "cannot sync directory: %s",
				      strerror_r(saved, eb, sizeof(eb)));
	}
	return SECM_OK;
}

/* rfc3339 - "2026-11-26T01:50:00Z" */
static void rfc3339(time_t when, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* metadata - the .json object of one item; NULL when out of memory */
static struct json_object *metadata(const char *id, const secm_envelope *env,
				    secm_action action, const char *reason,
				    const secm_finding *f, size_t n,
				    size_t size, time_t when)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rcpts = json_object_new_array();
	struct json_object *findings = secm_report_findings(f, n);
	char stamp[32];
	int bad = 0;

	if (o == NULL || rcpts == NULL || findings == NULL)
		goto fail;
	for (size_t i = 0; env != NULL && env->rcpts != NULL && i < env->nrcpts; i++)
		bad |= json_object_array_add(rcpts, secm_report_string(env->rcpts[i]));
	rfc3339(when, stamp, sizeof(stamp));
	bad |= json_object_object_add(o, "id", json_object_new_string(id));
	bad |= json_object_object_add(o, "queue_id", secm_report_string(
		env != NULL && env->queue_id != NULL ? env->queue_id : "NOQUEUE"));
	bad |= json_object_object_add(o, "time", json_object_new_string(stamp));
	bad |= json_object_object_add(o, "action", json_object_new_string(secm_action_name(action)));
	bad |= json_object_object_add(o, "reason", secm_report_string(reason ? reason : ""));
	bad |= json_object_object_add(o, "sender", secm_report_string(env ? env->sender : NULL));
	bad |= json_object_object_add(o, "recipients", rcpts);
	rcpts = NULL;
	bad |= json_object_object_add(o, "client_addr", secm_report_string(env ? env->client_addr : NULL));
	bad |= json_object_object_add(o, "client_name", secm_report_string(env ? env->client_name : NULL));
	if (env != NULL && env->mta != NULL)
		bad |= json_object_object_add(o, "mta", json_object_new_string(env->mta));
	bad |= json_object_object_add(o, "size", json_object_new_int64(
		size > INT64_MAX ? INT64_MAX : (int64_t)size));
	bad |= json_object_object_add(o, "findings", findings);
	findings = NULL;
	if (bad)
		goto fail;
	return o;
fail:
	json_object_put(rcpts);
	json_object_put(findings);
	json_object_put(o);
	return NULL;
}

/* commit_json - meta as pretty JSON plus a final newline, committed */
static int commit_json(int dfd, const char *dir, const char *name,
		       struct json_object *meta, secm_error *err)
{
	const char *text;
	unsigned char *buf;
	size_t tlen;
	int rc;

	text = json_object_to_json_string_length(meta,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &tlen);
	buf = text != NULL ? malloc(tlen + 1) : NULL;
	if (buf == NULL)
		return secm_error_set(err, SECM_ENOMEM, dir, 0, NULL, "out of memory");
	memcpy(buf, text, tlen);
	buf[tlen] = '\n';
	rc = commit_file(dfd, dir, name, buf, tlen + 1, err);
	free(buf);
	return rc;
}

/* secm_quarantine_store - write one item (ID.eml, then ID.json) */
int secm_quarantine_store(const char *dir, const unsigned char *raw, size_t len,
			  const secm_envelope *env, secm_action action,
			  const char *reason, const secm_finding *f, size_t n,
			  time_t when, char *id_out, size_t id_len,
			  secm_error *err)
{
	struct json_object *meta = NULL;
	char id[ID_MIN], name[ID_MIN + 8];
	int dfd = -1, rc;

	if (id_out != NULL && id_len > 0)
		id_out[0] = '\0';
	if (dir == NULL || dir[0] == '\0' || (raw == NULL && len > 0) ||
	    (f == NULL && n > 0) || id_out == NULL || id_len < ID_MIN)
		return secm_error_set(err, SECM_EINTERNAL, NULL, 0, "QuarantineDirectory",
				      "bad arguments to the quarantine store");
	rc = open_store(dir, &dfd, err);
	if (rc != SECM_OK)
		return rc;
	if (make_id(when, env ? env->queue_id : NULL, id, sizeof(id)) != 0) {
		rc = secm_error_set(err, SECM_EIO, dir, 0, NULL, "cannot make an item id");
		goto done;
	}
	meta = metadata(id, env, action, reason, f, n, len, when);
	if (meta == NULL) {
		rc = secm_error_set(err, SECM_ENOMEM, dir, 0, NULL, "out of memory");
		goto done;
	}
	snprintf(name, sizeof(name), "%s.eml", id);
	rc = commit_file(dfd, dir, name, raw, len, err);
	if (rc != SECM_OK)
		goto done;
	snprintf(name, sizeof(name), "%s.json", id);
	rc = commit_json(dfd, dir, name, meta, err);
	if (rc != SECM_OK) {
		snprintf(name, sizeof(name), "%s.eml", id);
		unlinkat(dfd, name, 0);
		fsync(dfd);
		goto done;
	}
	snprintf(id_out, id_len, "%s", id);
done:
	json_object_put(meta);
	if (dfd >= 0)
		close(dfd);
	return rc;
}
