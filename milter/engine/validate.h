/*
 * validate.h - offline validators applied to a candidate secret.
 * Pure functions on bytes; no allocation.
 */
#ifndef SECM_VALIDATE_H
#define SECM_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* secm_shannon_entropy - bits per byte of s[0..len) */
double secm_shannon_entropy(const char *s, size_t len);
/* secm_is_placeholder - 1 when s looks like a template or dummy value
 * rather than a secret: template syntax (${VAR}, $VAR, %(x)s, %s, {{ x }},
 * {x}, <your-key>, %VAR%, @VAR@), masking (xxxx, ****, ...., XXX-XXX),
 * dummy words anywhere (changeme, REDACTED, example, dummy, sample,
 * placeholder, your_..._here, test123), a whole value that is only a word
 * (password, secret, null, none, true, false...), one repeated character,
 * a counting run (123456, abcdef) or code reading it from elsewhere
 * (os.environ, getenv, process.env).  Quotes and blanks around s are
 * ignored.  ASCII case folding only; no allocation. */
int secm_is_placeholder(const char *s, size_t len);
/* secm_crc32 - IEEE CRC-32 (as zlib) */
uint32_t secm_crc32(const void *p, size_t len);
/* secm_check_crc32_base62 - 1 when the last 6 chars of token are the
 * zero-padded base62 of crc32 of the part after the prefix "xxx_" and before
 * those 6 chars (GitHub ghp_/gho_/ghu_/ghs_/ghr_ and npm_ tokens) */
int secm_check_crc32_base62(const char *token, size_t len);

#endif
