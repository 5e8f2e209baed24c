/*
 * fingerprint.h - keyed fingerprints of secret values, so reports can say
 * "the same secret again" without holding it: 16 hex characters of
 * HMAC-SHA256(key, value), computed with GLib's GHmac.
 */
#ifndef SECM_FINGERPRINT_H
#define SECM_FINGERPRINT_H

#include <stddef.h>
#include "error.h"

typedef struct secm_fpkey {
	unsigned char key[32];
	size_t len;
} secm_fpkey;

/* secm_fpkey_load - read a key file (>= 16 bytes, mode must not be group or
 * world readable); path NULL or "" gives a random key for this process */
int secm_fpkey_load(const char *path, secm_fpkey *k, secm_error *err);
/* secm_fingerprint - out gets 16 hex chars and a NUL */
void secm_fingerprint(const secm_fpkey *k, const void *value, size_t len,
		      char out[17]);

#endif
