/*
 * validate.h - offline validators applied to a candidate secret.
 * Pure functions on bytes; the JWT and PEM checks allocate a decode
 * buffer (wiped before it is freed), nothing else does.
 */
#ifndef SECM_VALIDATE_H
#define SECM_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* validator bits after rules.h's SECM_VAL_ENTROPY, _PLACEHOLDER and
 * _CRC32_BASE62, in the same secm_rule_validators() word */
enum {
	SECM_VAL_CRC32_HEX = 1 << 3,	/* checksum: crc32-hex (Atlassian) */
	SECM_VAL_CRC32_HEX_LE = 1 << 4,	/* checksum: crc32-hex-le (Grafana) */
	SECM_VAL_BECH32 = 1 << 5,	/* checksum: bech32 (age) */
	SECM_VAL_JWT = 1 << 6,		/* jwt: true */
	SECM_VAL_PEM = 1 << 7,		/* pem: true */
	SECM_VAL_DISCORD = 1 << 8,	/* discord: true */
	SECM_VAL_NEAR = 1 << 9		/* near: { regex, distance } */
};

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
/* secm_check_crc32_hex - 1 when the last 8 chars of token are the hex
 * (either case) CRC-32 of every char before them, most significant digit
 * first (Atlassian ATATT3.../ATCTT3... API tokens, whose checksum covers
 * the '=' before it) */
int secm_check_crc32_hex(const char *token, size_t len);
/* secm_check_crc32_hex_le - 1 when token ends in '_' and 8 hex chars
 * (either case) that are the CRC-32 of every char before that '_',
 * written least significant byte first (Grafana glsa_ service-account
 * tokens: hex.EncodeToString of the little-endian CRC) */
int secm_check_crc32_hex_le(const char *token, size_t len);
/* secm_check_bech32 - 1 when s is a bech32 string (BIP-173: one case,
 * HRP of 1-83 printable chars, '1', >= 6 data chars of the bech32
 * alphabet, checksum constant 1); no 90-char limit (age keys) */
int secm_check_bech32(const char *s, size_t len);
/* secm_check_jwt - 1 when s is a compact JWS (3 base64url parts) or JWE
 * (5 parts) whose header decodes to a JSON object with a string "alg"
 * (and "enc" for JWE), and a JWS payload decodes to a JSON object.
 * alg "none" passes: an unsigned token still carries its claims. */
int secm_check_jwt(const char *s, size_t len);
/* secm_check_discord - 1 when the part of s before the first '.' base64-
 * decodes (standard or url alphabet, padding optional) to 17-20 decimal
 * digits without a leading zero that fit in 64 bits (a snowflake id) */
int secm_check_discord(const char *s, size_t len);
/* secm_crc24 - OpenPGP ASCII-armour CRC-24 (RFC 4880 6.1) */
uint32_t secm_crc24(const void *p, size_t len);
/* secm_check_pem - 1 when text[s..e) is the base64 body of a PEM or
 * OpenPGP armour block of text[0..len): the nearest "-----BEGIN L-----"
 * line before s is followed only by blank or "Name: value" header lines
 * (Proc-Type, DEK-Info, Version, Comment...) up to s; the body is valid
 * padded base64 (line breaks, literal \n escapes and '>' quote prefixes
 * skipped); after e comes "-----END L-----" with the same label L, at most
 * one "=XXXX" CRC-24 line between; the decoded body starts with the
 * "openssh-key-v1\0" magic (L = OPENSSH PRIVATE KEY), an OpenPGP secret
 * key packet (L = PGP PRIVATE KEY BLOCK; the CRC-24 must match when
 * present), or a DER SEQUENCE with a well-formed length (every other L);
 * legacy encrypted PEM (Proc-Type: 4,ENCRYPTED) skips the magic check,
 * its body being ciphertext. */
int secm_check_pem(const char *text, size_t len, size_t s, size_t e);

#endif
