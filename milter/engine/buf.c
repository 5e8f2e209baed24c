/*
 * buf.c - growable byte buffer that wipes what it held (see buf.h).
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

/* secm_wipe - zero memory in a way the compiler may not drop */
void secm_wipe(void *p, size_t len)
{
	if (p == NULL || len == 0)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, len);
#else
	volatile unsigned char *v = p;
	while (len--)
		*v++ = 0;
#endif
}

/* secm_buf_reserve - make room for extra more bytes plus a NUL */
int secm_buf_reserve(secm_buf *b, size_t extra)
{
	size_t need, cap;
	unsigned char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return SECM_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return SECM_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* not realloc: the old block held mail and must be wiped */
	p = malloc(cap);
	if (p == NULL)
		return SECM_ENOMEM;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len);
		secm_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	b->data[b->len] = '\0';
	return SECM_OK;
}

/* secm_buf_append - append len bytes */
int secm_buf_append(secm_buf *b, const void *p, size_t len)
{
	if (secm_buf_reserve(b, len) != SECM_OK)
		return SECM_ENOMEM;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return SECM_OK;
}

/* secm_buf_append_str - append a NUL-terminated string */
int secm_buf_append_str(secm_buf *b, const char *s)
{
	return secm_buf_append(b, s, strlen(s));
}

/* secm_buf_printf - append formatted text */
int secm_buf_printf(secm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SECM_EINTERNAL;
	if (secm_buf_reserve(b, (size_t)n) != SECM_OK)
		return SECM_ENOMEM;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return SECM_OK;
}

/* secm_buf_reset - keep storage, wipe and drop the contents */
void secm_buf_reset(secm_buf *b)
{
	if (b->data != NULL) {
		secm_wipe(b->data, b->len);
		b->data[0] = '\0';
	}
	b->len = 0;
}

/* secm_buf_free - wipe and free storage; b may be NULL */
void secm_buf_free(secm_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL) {
		secm_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

/* secm_buf_steal - hand over data (caller frees), leave b empty */
unsigned char *secm_buf_steal(secm_buf *b, size_t *len)
{
	unsigned char *p = b->data;

	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* secm_vec_grow - room for one more element (see buf.h) */
int secm_vec_grow(void **v, size_t n, size_t *cap, size_t elem, size_t first)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return SECM_OK;
	ncap = *cap ? *cap * 2 : first;
	if (ncap <= n || ncap > SIZE_MAX / elem)
		return SECM_ENOMEM;
	nv = realloc(*v, ncap * elem);
	if (nv == NULL)
		return SECM_ENOMEM;
	*v = nv;
	*cap = ncap;
	return SECM_OK;
}
