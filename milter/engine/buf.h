/*
 * buf.h - growable byte buffer.
 *
 * Mail is binary and may hold NULs, so bytes always travel with a length.
 * The buffer keeps one spare NUL byte after data for convenience only.
 * secm_buf_free wipes the bytes before freeing them: buffers hold mail.
 */
#ifndef SECM_BUF_H
#define SECM_BUF_H

#include <stddef.h>

typedef struct secm_buf {
	unsigned char *data;	/* NULL when empty and never grown */
	size_t len;
	size_t cap;
} secm_buf;

#define SECM_BUF_INIT { NULL, 0, 0 }

/* secm_buf_reserve - make room for extra more bytes; 0 or SECM_ENOMEM */
int secm_buf_reserve(secm_buf *b, size_t extra);
/* secm_buf_append - append len bytes; 0 or SECM_ENOMEM */
int secm_buf_append(secm_buf *b, const void *p, size_t len);
/* secm_buf_append_str - append a NUL-terminated string */
int secm_buf_append_str(secm_buf *b, const char *s);
/* secm_buf_printf - append formatted text */
int secm_buf_printf(secm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* secm_buf_reset - keep storage, set len to 0 (wipes old bytes) */
void secm_buf_reset(secm_buf *b);
/* secm_buf_free - wipe and free storage; b may be NULL */
void secm_buf_free(secm_buf *b);
/* secm_buf_steal - hand over data (caller frees), leave b empty */
unsigned char *secm_buf_steal(secm_buf *b, size_t *len);
/* secm_vec_grow - make room for one more element in a vector *v of *n used
 * and *cap allocated elements of size elem (first allocation: first
 * elements); 0 or SECM_ENOMEM, leaving *v intact on failure.  For vectors of
 * metadata only: the old block is not wiped. */
int secm_vec_grow(void **v, size_t n, size_t *cap, size_t elem, size_t first);
/* secm_wipe - explicit_bzero wrapper that the compiler cannot drop */
void secm_wipe(void *p, size_t len);

#endif
