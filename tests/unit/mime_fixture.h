/*
 * mime_fixture.h - helpers shared by test_mime, test_redact and test_html:
 * load a fixture message, make a CRLF copy, find text in a unit, walk the
 * corpus directory.  Header-only (static functions) to keep the tests
 * self-contained programs.
 */
#ifndef SECM_MIME_FIXTURE_H
#define SECM_MIME_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mime_walk.h"

#ifndef SECM_MIME_DATADIR
#define SECM_MIME_DATADIR "tests/unit/data/mime"
#endif
#ifndef SECM_CORPUS_MAILDIR
#define SECM_CORPUS_MAILDIR "../shared/corpus/mail"
#endif

/* fx_read - whole file into a new buffer (NUL added); NULL if unreadable */
static inline unsigned char *fx_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL) {
		*len = fread(p, 1, (size_t)n, f);
		p[*len] = '\0';
	}
	fclose(f);
	return p;
}

/* fx_load - a fixture from tests/unit/data/mime, optionally as CRLF */
static inline unsigned char *fx_load(const char *name, int crlf, size_t *len)
{
	char path[1024];
	unsigned char *p, *q;
	size_t i, n = 0, k = 0;

	snprintf(path, sizeof(path), "%s/%s", SECM_MIME_DATADIR, name);
	p = fx_read(path, &n);
	if (p == NULL || !crlf) {
		*len = n;
		return p;
	}
	q = malloc(n * 2 + 1);
	if (q == NULL) {
		free(p);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			q[k++] = '\r';
		q[k++] = p[i];
	}
	q[k] = '\0';
	free(p);
	*len = k;
	return q;
}

/* fx_unit - the unit with this path, or NULL */
static inline const secm_unit *fx_unit(const secm_walk *w, const char *path)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (strcmp(w->units[i].path, path) == 0)
			return &w->units[i];
	}
	return NULL;
}

/* fx_index - index of the unit with this path, or w->n */
static inline size_t fx_index(const secm_walk *w, const char *path)
{
	const secm_unit *u = fx_unit(w, path);

	return u == NULL ? w->n : (size_t)(u - w->units);
}

/* fx_find - offset of needle in p[0..len), or (size_t)-1 */
static inline size_t fx_find(const void *p, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;
	const char *s = p;

	for (i = 0; n <= len && i + n <= len; i++) {
		if (memcmp(s + i, needle, n) == 0)
			return i;
	}
	return (size_t)-1;
}

/* fx_has - does p[0..len) contain needle */
static inline int fx_has(const void *p, size_t len, const char *needle)
{
	return fx_find(p, len, needle) != (size_t)-1;
}

typedef void (*fx_file_fn)(const char *path, void *arg);

/* fx_each_file - call fn for every regular *.eml file under dir */
static inline int fx_each_file(const char *dir, fx_file_fn fn, void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[4096];
	size_t n;
	int count = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%.2047s/%.255s", dir,
				     e->d_name) >= sizeof(path))
			continue;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int c = fx_each_file(path, fn, arg);

			count += c > 0 ? c : 0;
			continue;
		}
		n = strlen(e->d_name);
		if (!S_ISREG(st.st_mode) || n < 4 ||
		    strcmp(e->d_name + n - 4, ".eml") != 0)
			continue;
		fn(path, arg);
		count++;
	}
	closedir(d);
	return count;
}

#endif
