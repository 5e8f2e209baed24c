/*
 * review_store.c - items of the quarantine store: open, lock, load, list,
 * read, rewrite the metadata, remove (see review.h for the layout).
 *
 * Design: every path is relative to the store's directory descriptor and
 * every item id is checked against the id alphabet first, so no id can
 * name a file outside the store.  The metadata is rewritten the way
 * quarantine.c writes it: ".ID.json.tmp" (O_EXCL, 0600), fsync, rename,
 * fsync of the directory; as root the new file keeps the old one's owner.
 * A removal unlinks the .json first: without it the item no longer exists.
 *
 * Threading: single-threaded program; no static mutable state.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "review.h"

#define META_MAX (16u * 1024 * 1024)

/* review_id_valid - 1 when id looks like a store id: [A-Za-z0-9_-], not
 * starting with '-' and shorter than REVIEW_ID_MAX */
int review_id_valid(const char *id)
{
	size_t n = 0;

	if (id == NULL || id[0] == '\0' || id[0] == '-')
		return 0;
	for (const char *p = id; *p != '\0'; p++, n++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	}
	return n < REVIEW_ID_MAX;
}

/* review_store_open - open the store directory; REVIEW_OK, NOTFOUND or
 * TEMPFAIL (message printed) */
int review_store_open(review_store *st, const char *dir)
{
	memset(st, 0, sizeof(*st));
	st->dir = dir;
	st->lockfd = -1;
	st->auditfd = -1;
	st->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dfd < 0) {
		fprintf(stderr, "secret-quarantine: %s: cannot open the store: %s\n",
			dir, strerror(errno));
		return errno == ENOENT ? REVIEW_NOTFOUND : REVIEW_TEMPFAIL;
	}
	return REVIEW_OK;
}

/* review_store_close - close descriptors (releases the lock); idempotent */
void review_store_close(review_store *st)
{
	if (st->auditfd >= 0)
		close(st->auditfd);
	if (st->lockfd >= 0)
		close(st->lockfd);
	if (st->dfd >= 0)
		close(st->dfd);
	st->auditfd = st->lockfd = st->dfd = -1;
}

/* review_store_lock - flock DIR/.lock shared or exclusive, waiting up to
 * wait_secs; REVIEW_OK, REFUSED (still locked) or TEMPFAIL */
int review_store_lock(review_store *st, int exclusive, int wait_secs)
{
	int op = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;

	/* read-only is enough for flock, and lets a store owned by the
	 * milter's user be read by root and the other way round */
	st->lockfd = openat(st->dfd, ".lock", O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (st->lockfd < 0) {
		fprintf(stderr, "secret-quarantine: %s/.lock: cannot open the lock file: %s\n",
			st->dir, strerror(errno));
		return REVIEW_TEMPFAIL;
	}
	for (int tries = 0; flock(st->lockfd, op) != 0; tries++) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			fprintf(stderr, "secret-quarantine: %s/.lock: cannot lock: %s\n",
				st->dir, strerror(errno));
			return REVIEW_TEMPFAIL;
		}
		if (tries >= wait_secs * 10) {
			fprintf(stderr, "secret-quarantine: %s: the store is locked by another "
				"secret-quarantine; try again later\n", st->dir);
			return REVIEW_REFUSED;
		}
		usleep(100000);
	}
	return REVIEW_OK;
}

/* read_at - whole file dir/name into b (at most max bytes); 0, or -1 with
 * errno (EFBIG when too large) */
static int read_at(int dfd, const char *name, secm_buf *b, size_t max)
{
	unsigned char chunk[65536];
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc = 0, saved = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0) {
				saved = errno;
				rc = -1;
			}
			break;
		}
		if (b->len + (size_t)n > max) {
			saved = EFBIG;
			rc = -1;
			break;
		}
		if (secm_buf_append(b, chunk, (size_t)n) != SECM_OK) {
			saved = ENOMEM;
			rc = -1;
			break;
		}
	}
	secm_wipe(chunk, sizeof(chunk));
	close(fd);
	errno = saved;
	return rc;
}

/* review_parse_time - "2026-11-26T02:00:00Z" to time_t; -1 when bad */
time_t review_parse_time(const char *s)
{
	struct tm tm;
	const char *end;

	if (s == NULL)
		return (time_t)-1;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || (*end != 'Z' && *end != 'z'))
		return (time_t)-1;
	return timegm(&tm);
}

/* review_rfc3339 - t as "2026-11-26T02:00:00Z" */
void review_rfc3339(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* review_meta_str - string member key of the metadata, NULL when absent
 * or not a string (borrowed from it->meta) */
const char *review_meta_str(const review_item *it, const char *key)
{
	struct json_object *v;

	if (it->meta == NULL || !json_object_object_get_ex(it->meta, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* review_item_state - "held", "delivered-redacted", "releasing" or
 * "released" */
const char *review_item_state(const review_item *it)
{
	const char *s = review_meta_str(it, "state");
	const char *a = review_meta_str(it, "action");

	if (s != NULL)
		return s;
	return a != NULL && strcmp(a, "redact") == 0 ? "delivered-redacted" : "held";
}

/* review_item_load - read and parse ID.json; REVIEW_OK, NOTFOUND, USAGE
 * (bad id) or TEMPFAIL, with a message on stderr except for NOTFOUND */
int review_item_load(review_store *st, const char *id, review_item *it)
{
	secm_buf b = SECM_BUF_INIT;
	char name[REVIEW_ID_MAX + 8];
	struct stat sb;
	int rc = REVIEW_OK;

	memset(it, 0, sizeof(*it));
	if (!review_id_valid(id)) {
		fprintf(stderr, "secret-quarantine: not an item id: ");
		review_print_safe(stderr, id);
		fputc('\n', stderr);
		return REVIEW_USAGE;
	}
	snprintf(it->id, sizeof(it->id), "%s", id);
	snprintf(name, sizeof(name), "%s.json", id);
	if (read_at(st->dfd, name, &b, META_MAX) != 0) {
		if (errno == ENOENT)
			return REVIEW_NOTFOUND;
		fprintf(stderr, "secret-quarantine: %s/%s: %s\n", st->dir, name, strerror(errno));
		rc = REVIEW_TEMPFAIL;
		goto done;
	}
	if (secm_buf_append(&b, "", 1) != SECM_OK) {
		rc = REVIEW_TEMPFAIL;
		goto done;
	}
	it->meta = json_tokener_parse((const char *)b.data);
	if (it->meta == NULL || !json_object_is_type(it->meta, json_type_object)) {
		fprintf(stderr, "secret-quarantine: %s/%s: not valid JSON metadata\n", st->dir, name);
		rc = REVIEW_TEMPFAIL;
		goto done;
	}
	it->when = review_parse_time(review_meta_str(it, "time"));
	if (it->when == (time_t)-1 && fstatat(st->dfd, name, &sb, 0) == 0)
		it->when = sb.st_mtime;
done:
	if (rc != REVIEW_OK)
		review_item_free(it);
	secm_buf_free(&b);
	return rc;
}

/* review_item_free - drop the metadata; NULL is fine */
void review_item_free(review_item *it)
{
	if (it == NULL)
		return;
	json_object_put(it->meta);
	it->meta = NULL;
}

/* review_items_free - free an array from review_items_load */
void review_items_free(review_item *items, size_t n)
{
	for (size_t i = 0; items != NULL && i < n; i++)
		review_item_free(&items[i]);
	free(items);
}

/* newest_first - qsort order: time descending, then id descending */
static int newest_first(const void *a, const void *b)
{
	const review_item *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? 1 : -1;
	return -strcmp(x->id, y->id);
}

/* review_items_load - every complete item, newest first; REVIEW_OK or
 * TEMPFAIL.  An item removed while we read is skipped. */
int review_items_load(review_store *st, review_item **out, size_t *n)
{
	review_item *items = NULL, *grown;
	size_t count = 0, cap = 0;
	struct dirent *e;
	int fd, rc = REVIEW_OK;
	DIR *d;

	*out = NULL;
	*n = 0;
	fd = openat(st->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		fprintf(stderr, "secret-quarantine: %s: %s\n", st->dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return REVIEW_TEMPFAIL;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char id[REVIEW_ID_MAX];

		if (len <= 5 || len - 5 >= sizeof(id) || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		memcpy(id, e->d_name, len - 5);
		id[len - 5] = '\0';
		if (!review_id_valid(id))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(items, cap * sizeof(*items));
			if (grown == NULL) {
				rc = REVIEW_TEMPFAIL;
				break;
			}
			items = grown;
		}
		rc = review_item_load(st, id, &items[count]);
		if (rc == REVIEW_NOTFOUND) {
			rc = REVIEW_OK;
			continue;
		}
		if (rc != REVIEW_OK)
			break;
		count++;
	}
	closedir(d);
	if (rc != REVIEW_OK) {
		review_items_free(items, count);
		return rc;
	}
	if (count > 1)
		qsort(items, count, sizeof(*items), newest_first);
	*out = items;
	*n = count;
	return REVIEW_OK;
}

/* has_string - 1 when array member key of meta holds s (case-insensitive);
 * with field != NULL the array holds objects and field is compared */
static int has_string(const review_item *it, const char *key, const char *field,
		      const char *s)
{
	struct json_object *a, *v;

	if (!json_object_object_get_ex(it->meta, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		v = json_object_array_get_idx(a, i);
		if (field != NULL && !json_object_object_get_ex(v, field, &v))
			continue;
		if (json_object_is_type(v, json_type_string) &&
		    strcasecmp(json_object_get_string(v), s) == 0)
			return 1;
	}
	return 0;
}

/* review_filter_match - 1 when the item passes every set filter */
int review_filter_match(const review_filter *f, const review_item *it, time_t now)
{
	double age = difftime(now, it->when);
	const char *sender;

	if (f->older_days >= 0 && age < f->older_days * 86400.0)
		return 0;
	if (f->newer_days >= 0 && age >= f->newer_days * 86400.0)
		return 0;
	if (f->rule != NULL && !has_string(it, "findings", "rule", f->rule))
		return 0;
	if (f->sender != NULL) {
		sender = review_meta_str(it, "sender");
		if (sender == NULL || strcasecmp(sender, f->sender) != 0)
			return 0;
	}
	if (f->recipient != NULL && !has_string(it, "recipients", NULL, f->recipient))
		return 0;
	return 1;
}

/* review_item_read_eml - the stored message into b; REVIEW_OK, NOTFOUND or
 * TEMPFAIL (message printed) */
int review_item_read_eml(review_store *st, const char *id, secm_buf *b)
{
	char name[REVIEW_ID_MAX + 8];

	snprintf(name, sizeof(name), "%s.eml", id);
	if (read_at(st->dfd, name, b, (size_t)-1) == 0)
		return REVIEW_OK;
	fprintf(stderr, "secret-quarantine: %s/%s: %s\n", st->dir, name, strerror(errno));
	return errno == ENOENT ? REVIEW_NOTFOUND : REVIEW_TEMPFAIL;
}

/* write_all - write len bytes, retrying short writes and EINTR */
static int write_all(int fd, const char *p, size_t len)
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

/* review_item_write_meta - replace ID.json with it->meta atomically;
 * REVIEW_OK or TEMPFAIL (message printed) */
int review_item_write_meta(review_store *st, review_item *it)
{
	char name[REVIEW_ID_MAX + 8], tmp[REVIEW_ID_MAX + 16];
	const char *text;
	struct stat sb;
	size_t len;
	int fd, ok;

	snprintf(name, sizeof(name), "%s.json", it->id);
	snprintf(tmp, sizeof(tmp), ".%s.json.tmp", it->id);
	text = json_object_to_json_string_length(it->meta,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (text == NULL)
		goto fail;
	unlinkat(st->dfd, tmp, 0);	/* a leftover of a crash; we hold the lock */
	fd = openat(st->dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto fail;
	ok = fchmod(fd, 0600) == 0 && write_all(fd, text, len) == 0 &&
	     write_all(fd, "\n", 1) == 0;
	/* as root, keep the item owned by the milter's user */
	if (ok && geteuid() == 0 && fstatat(st->dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		ok = fchown(fd, sb.st_uid, sb.st_gid) == 0;
	ok = ok && fsync(fd) == 0;
	if (close(fd) != 0 || !ok || renameat(st->dfd, tmp, st->dfd, name) != 0) {
		int saved = errno;

		unlinkat(st->dfd, tmp, 0);
		errno = saved;
		goto fail;
	}
	if (fsync(st->dfd) != 0)
		goto fail;
	return REVIEW_OK;
fail:
	fprintf(stderr, "secret-quarantine: %s/%s: cannot rewrite the metadata: %s\n",
		st->dir, name, strerror(errno));
	return REVIEW_TEMPFAIL;
}

/* review_item_remove - unlink ID.json (the item is gone), then ID.eml;
 * REVIEW_OK, NOTFOUND or TEMPFAIL (message printed) */
int review_item_remove(review_store *st, const char *id)
{
	char name[REVIEW_ID_MAX + 8];

	snprintf(name, sizeof(name), "%s.json", id);
	if (unlinkat(st->dfd, name, 0) != 0) {
		if (errno == ENOENT)
			return REVIEW_NOTFOUND;
		fprintf(stderr, "secret-quarantine: %s/%s: %s\n", st->dir, name, strerror(errno));
		return REVIEW_TEMPFAIL;
	}
	snprintf(name, sizeof(name), "%s.eml", id);
	if (unlinkat(st->dfd, name, 0) != 0 && errno != ENOENT) {
		fprintf(stderr, "secret-quarantine: %s/%s: %s\n", st->dir, name, strerror(errno));
		return REVIEW_TEMPFAIL;
	}
	if (fsync(st->dfd) != 0) {
		fprintf(stderr, "secret-quarantine: %s: %s\n", st->dir, strerror(errno));
		return REVIEW_TEMPFAIL;
	}
	return REVIEW_OK;
}

/* review_print_safe - s on fp with control characters (a terminal
 * escape in a hostile envelope address) shown as '?'; NULL prints "-" */
void review_print_safe(FILE *fp, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : "-"); *p != '\0'; p++)
		putc(*p < 0x20 || *p == 0x7f ? '?' : *p, fp);
}
