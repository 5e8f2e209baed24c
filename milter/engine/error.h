/*
 * error.h - status codes and the error record every engine call may fill.
 *
 * Engine functions return 0 (SECM_OK) or a negative SECM_E* code and, when
 * the caller passes a non-NULL secm_error, describe the problem there as
 * "object, problem, detail" (file, line, key, offset, text).  There is no
 * static "last error": callbacks run on many threads at once.
 */
#ifndef SECM_ERROR_H
#define SECM_ERROR_H

#include <stddef.h>

enum {
	SECM_OK = 0,
	SECM_ENOMEM = -1,	/* allocation failed */
	SECM_EIO = -2,		/* read/write/open failed */
	SECM_EPARSE = -3,	/* input could not be parsed */
	SECM_ELIMIT = -4,	/* a configured bound was exceeded */
	SECM_ECONFIG = -5,	/* bad configuration */
	SECM_ERULE = -6,	/* bad pattern file or rule */
	SECM_EMATCH = -7,	/* PCRE2 match error (limit hit, ...) */
	SECM_ECHARSET = -8,	/* charset conversion impossible */
	SECM_EINTERNAL = -9	/* should not happen */
};

typedef struct secm_error {
	char file[256];		/* file the problem is in, "" if none */
	unsigned long line;	/* 1-based line, 0 if none */
	char key[128];		/* config key or rule id, "" if none */
	long offset;		/* e.g. PCRE2 error offset, -1 if none */
	char text[512];		/* what went wrong; never a secret value */
} secm_error;

/* secm_error_clear - reset an error record (NULL is fine) */
void secm_error_clear(secm_error *err);

/* secm_error_set - fill err (may be NULL) and return code */
int secm_error_set(secm_error *err, int code, const char *file,
		   unsigned long line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* secm_error_format - "file, line N: key: text" into buf; returns buf */
const char *secm_error_format(const secm_error *err, char *buf, size_t len);

/* secm_strerror - short text for a status code */
const char *secm_strerror(int code);

#endif
