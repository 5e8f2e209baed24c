/*
 * error.c - status codes and the error record (see error.h).
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* secm_error_clear - reset an error record (NULL is fine) */
void secm_error_clear(secm_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	err->offset = -1;
}

/* secm_error_set - fill err (may be NULL) and return code */
int secm_error_set(secm_error *err, int code, const char *file,
		   unsigned long line, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	secm_error_clear(err);
	if (file != NULL)
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	if (key != NULL)
		snprintf(err->key, sizeof(err->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return code;
}

/* secm_error_format - "file, line N: key: text" into buf; returns buf */
const char *secm_error_format(const secm_error *err, char *buf, size_t len)
{
	size_t used = 0;
	int n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (err == NULL)
		return buf;
#define SECM_APPEND(...) do { \
		n = snprintf(buf + used, len - used, __VA_ARGS__); \
		if (n < 0 || (size_t)n >= len - used) return buf; \
		used += (size_t)n; \
	} while (0)
	if (err->file[0] != '\0') {
		SECM_APPEND("%s", err->file);
		if (err->line > 0)
			SECM_APPEND(", line %lu", err->line);
		SECM_APPEND(": ");
	}
	if (err->key[0] != '\0')
		SECM_APPEND("%s: ", err->key);
	if (err->offset >= 0)
		SECM_APPEND("at offset %ld: ", err->offset);
	SECM_APPEND("%s", err->text);
#undef SECM_APPEND
	return buf;
}

/* secm_strerror - short text for a status code */
const char *secm_strerror(int code)
{
	switch (code) {
	case SECM_OK: return "ok";
	case SECM_ENOMEM: return "out of memory";
	case SECM_EIO: return "I/O error";
	case SECM_EPARSE: return "parse error";
	case SECM_ELIMIT: return "limit exceeded";
	case SECM_ECONFIG: return "configuration error";
	case SECM_ERULE: return "rule error";
	case SECM_EMATCH: return "regex match limit";
	case SECM_ECHARSET: return "charset conversion failed";
	default: return "internal error";
	}
}
