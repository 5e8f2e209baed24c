/*
 * fingerprint.c - keyed fingerprints of secret values (see fingerprint.h).
 *
 * The key comes from FingerprintKeyFile: a regular file of at least 16
 * bytes that neither group nor others may access (so a log reader cannot
 * brute-force short secrets from their fingerprints).  Its bytes are the
 * key as they are, trailing newline included; a file longer than 32 bytes
 * is reduced to its SHA-256 (at most 4096 bytes are accepted).  Without a
 * file the key is 32 random bytes from getrandom(2), so fingerprints only
 * match within one process.
 *
 * Threading: secm_fingerprint only reads the key; GHmac objects are per
 * call.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fingerprint.h"

#define KEY_MIN 16
#define KEY_FILE_MAX 4096
#define KEY_OPTION "FingerprintKeyFile"

/* random_bytes - fill p from getrandom(2); 0 or -1 */
static int random_bytes(void *p, size_t len)
{
	unsigned char *u = p;

	while (len > 0) {
		ssize_t n = getrandom(u, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		u += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read_key_file - the checked contents of path into buf; length or error */
static int read_key_file(const char *path, unsigned char *buf, size_t cap,
			 size_t *len, secm_error *err)
{
	struct stat st;
	char eb[128];
	size_t got = 0;
	int fd, rc = SECM_OK;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return secm_error_set(err, SECM_ECONFIG, path, 0, KEY_OPTION,
				      "cannot open key file: %s",
				      strerror_r(errno, eb, sizeof(eb)));
	if (fstat(fd, &st) != 0) {
		rc = secm_error_set(err, SECM_EIO, path, 0, KEY_OPTION, "cannot stat key file: %s",
				    strerror_r(errno, eb, sizeof(eb)));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = secm_error_set(err, SECM_ECONFIG, path, 0, KEY_OPTION,
				    "key file is not a regular file");
		goto done;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		rc = secm_error_set(err, SECM_ECONFIG, path, 0, KEY_OPTION,
				    "key file mode %04o lets group or others access it (chmod 600)",
				    (unsigned)(st.st_mode & 07777));
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = secm_error_set(err, SECM_EIO, path, 0, KEY_OPTION,
					    "cannot read key file: %s",
					    strerror_r(errno, eb, sizeof(eb)));
			goto done;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == cap) {
			rc = secm_error_set(err, SECM_ECONFIG, path, 0, KEY_OPTION,
					    "key file longer than %d bytes", KEY_FILE_MAX);
			goto done;
		}
	}
	if (got < KEY_MIN) {
		rc = secm_error_set(err, SECM_ECONFIG, path, 0, KEY_OPTION,
				    "key file holds %zu bytes, at least %d are needed",
				    got, KEY_MIN);
		goto done;
	}
	*len = got;
done:
	close(fd);
	return rc;
}

/* secm_fpkey_load - key file, or a random key when path is NULL or "" */
int secm_fpkey_load(const char *path, secm_fpkey *k, secm_error *err)
{
	unsigned char buf[KEY_FILE_MAX + 1];
	size_t len = 0;
	int rc;

	memset(k, 0, sizeof(*k));
	if (path == NULL || *path == '\0') {
		if (random_bytes(k->key, sizeof(k->key)) != 0) {
			char eb[128];

			return secm_error_set(err, SECM_EIO, NULL, 0, KEY_OPTION,
					      "no random key: getrandom: %s",
					      strerror_r(errno, eb, sizeof(eb)));
		}
		k->len = sizeof(k->key);
		return SECM_OK;
	}
	rc = read_key_file(path, buf, sizeof(buf), &len, err);
	if (rc == SECM_OK) {
		if (len <= sizeof(k->key)) {
			memcpy(k->key, buf, len);
			k->len = len;
		} else {
			gsize dlen = sizeof(k->key);
			GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);

			g_checksum_update(sum, buf, (gssize)len);
			g_checksum_get_digest(sum, k->key, &dlen);
			g_checksum_free(sum);
			k->len = dlen;
		}
	}
	secm_wipe(buf, sizeof(buf));
	return rc;
}

/* secm_fingerprint - 16 hex chars of HMAC-SHA256(key, value) */
void secm_fingerprint(const secm_fpkey *k, const void *value, size_t len,
		      char out[17])
{
	static const char hex[] = "0123456789abcdef";
	guint8 digest[32];
	gsize dlen = sizeof(digest);
	GHmac *h;
	const guint8 *p = value;

	h = g_hmac_new(G_CHECKSUM_SHA256, k->key, k->len);
	/* g_hmac_update takes a signed length: feed huge values in pieces */
	while (len > 0) {
		size_t chunk = len > G_MAXSSIZE ? (size_t)G_MAXSSIZE : len;

		g_hmac_update(h, p, (gssize)chunk);
		p += chunk;
		len -= chunk;
	}
	g_hmac_get_digest(h, digest, &dlen);
	g_hmac_unref(h);
	for (int i = 0; i < 8; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[16] = '\0';
	secm_wipe(digest, sizeof(digest));
}
