/*
 * text_decode.c - transfer encodings, charsets and line ends (see text_decode.h).
 *
 * Design: decoding never fails on bad input.  Transfer decoding uses
 * GMime's step functions over the whole range at once (decoded output is
 * never longer than the input plus a few bytes).  Charset conversion goes
 * through iconv (descriptor opened per call via GMime's helpers); bytes the
 * charset rejects become U+FFFD so scanning continues, and unknown labels
 * fall back to UTF-8 (when valid) or Latin-1, which converts back exactly.
 * Threading: no shared state; every call owns its iconv descriptor.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "error.h"
#include "text_decode.h"

#define LATIN1 "ISO-8859-1"

/* secm_cte_parse - Content-Transfer-Encoding value (NULL ok) to secm_cte */
secm_cte secm_cte_parse(const char *value)
{
	char v[32];
	size_t n = 0;

	if (value == NULL)
		return SECM_CTE_7BIT;
	while (*value == ' ' || *value == '\t' || *value == '\r' || *value == '\n')
		value++;
	while (value[n] != '\0' && value[n] != ' ' && value[n] != '\t' &&
	       value[n] != ';' && value[n] != '\r' && value[n] != '\n' &&
	       n < sizeof(v) - 1) {
		v[n] = value[n];
		n++;
	}
	v[n] = '\0';
	if (strcasecmp(v, "base64") == 0)
		return SECM_CTE_BASE64;
	if (strcasecmp(v, "quoted-printable") == 0)
		return SECM_CTE_QP;
	if (strcasecmp(v, "x-uuencode") == 0 || strcasecmp(v, "uuencode") == 0 ||
	    strcasecmp(v, "x-uue") == 0 || strcasecmp(v, "uue") == 0)
		return SECM_CTE_UUENCODE;
	return SECM_CTE_7BIT;
}

/* secm_cte_name - canonical name of a transfer encoding */
const char *secm_cte_name(secm_cte cte)
{
	switch (cte) {
	case SECM_CTE_BASE64: return "base64";
	case SECM_CTE_QP: return "quoted-printable";
	case SECM_CTE_UUENCODE: return "x-uuencode";
	default: return "7bit";
	}
}

/* line_end - offset just past the line starting at i (after its LF) */
static size_t line_end(const unsigned char *p, size_t len, size_t i)
{
	const unsigned char *nl = memchr(p + i, '\n', len - i);

	return nl == NULL ? len : (size_t)(nl - p) + 1;
}

/* secm_uu_bounds - locate begin line, data lines and terminator */
void secm_uu_bounds(const unsigned char *in, size_t len, size_t *data_start,
		    size_t *data_end, char *uu_name, size_t uu_name_len)
{
	size_t i = 0, next, k;
	int begun = 0;

	if (uu_name != NULL && uu_name_len > 0)
		uu_name[0] = '\0';
	*data_start = 0;
	*data_end = len;
	/* the begin line: "begin MODE NAME" */
	for (i = 0; i < len; i = next) {
		next = line_end(in, len, i);
		if (next - i >= 6 && memcmp(in + i, "begin ", 6) == 0) {
			const unsigned char *p = in + i + 6, *e = in + next;

			while (p < e && *p >= '0' && *p <= '7')
				p++;
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			for (k = 0; uu_name != NULL && p < e && *p != '\r' &&
			     *p != '\n' && k + 1 < uu_name_len; p++)
				uu_name[k++] = (char)*p;
			if (uu_name != NULL && uu_name_len > 0)
				uu_name[k] = '\0';
			*data_start = next;
			begun = 1;
			break;
		}
	}
	if (!begun)
		i = 0;
	else
		i = *data_start;
	/* the terminator: a zero-length line ("`" or " ") or "end" */
	for (; i < len; i = next) {
		next = line_end(in, len, i);
		if ((in[i] == '`' || in[i] == ' ') &&
		    (i + 1 == len || in[i + 1] == '\r' || in[i + 1] == '\n')) {
			*data_end = i;
			return;
		}
		if (next - i >= 3 && memcmp(in + i, "end", 3) == 0 &&
		    (i + 3 == len || in[i + 3] == '\r' || in[i + 3] == '\n' ||
		     in[i + 3] == ' ')) {
			*data_end = i;
			return;
		}
	}
}

/* secm_cte_decode - append the decoded form of in[0..len) to out */
int secm_cte_decode(secm_cte cte, const unsigned char *in, size_t len,
		    secm_buf *out, char *uu_name, size_t uu_name_len)
{
	GMimeEncoding st;
	size_t n, ds, de;
	int state;
	guint32 save = 0;

	switch (cte) {
	case SECM_CTE_BASE64:
	case SECM_CTE_QP:
		g_mime_encoding_init_decode(&st, cte == SECM_CTE_BASE64 ?
			GMIME_CONTENT_ENCODING_BASE64 :
			GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
		if (secm_buf_reserve(out, g_mime_encoding_outlen(&st, len) + 8) != 0)
			return SECM_ENOMEM;
		n = g_mime_encoding_flush(&st, (const char *)in, len,
					  (char *)out->data + out->len);
		out->len += n;
		out->data[out->len] = '\0';
		return SECM_OK;
	case SECM_CTE_UUENCODE:
		secm_uu_bounds(in, len, &ds, &de, uu_name, uu_name_len);
		/* 45 bytes per line of 62: output never exceeds input */
		if (secm_buf_reserve(out, de - ds + 8) != 0)
			return SECM_ENOMEM;
		state = GMIME_UUDECODE_STATE_BEGIN;
		n = g_mime_encoding_uudecode_step(in + ds, de - ds,
						  out->data + out->len,
						  &state, &save);
		out->len += n;
		out->data[out->len] = '\0';
		return SECM_OK;
	default:
		return secm_buf_append(out, in, len);
	}
}

/* ends_eol - does b end with a line feed */
static int ends_eol(const secm_buf *b)
{
	return b->len > 0 && b->data[b->len - 1] == '\n';
}

/* secm_cte_encode - append in[0..len) encoded with cte to out */
int secm_cte_encode(secm_cte cte, const unsigned char *in, size_t len,
		    int crlf, int final_eol, secm_buf *out)
{
	GMimeEncoding st;
	secm_buf lf = SECM_BUF_INIT, enc = SECM_BUF_INIT;
	int rc = SECM_ENOMEM;
	size_t n;

	if (cte == SECM_CTE_7BIT)
		return secm_buf_append(out, in, len);
	if (cte == SECM_CTE_QP) {
		/* GMime's QP encoder wants LF line ends; CRs are restored below */
		if (secm_crlf_to_lf(in, len, &lf) != 0)
			goto out;
		in = lf.data != NULL ? lf.data : (const unsigned char *)"";
		len = lf.len;
	}
	g_mime_encoding_init_encode(&st, cte == SECM_CTE_BASE64 ?
		GMIME_CONTENT_ENCODING_BASE64 : cte == SECM_CTE_QP ?
		GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE :
		GMIME_CONTENT_ENCODING_UUENCODE);
	if (secm_buf_reserve(&enc, g_mime_encoding_outlen(&st, len) + 16) != 0)
		goto out;
	n = g_mime_encoding_flush(&st, (const char *)in, len,
				  (char *)enc.data);
	enc.len = n;
	enc.data[n] = '\0';
	if (cte == SECM_CTE_BASE64 && !final_eol && ends_eol(&enc))
		enc.len--;
	else if (cte == SECM_CTE_BASE64 && final_eol && !ends_eol(&enc) &&
		 enc.len > 0 && secm_buf_append(&enc, "\n", 1) != 0)
		goto out;
	if (cte == SECM_CTE_QP && !final_eol && enc.len >= 2 &&
	    memcmp(enc.data + enc.len - 2, "=\n", 2) == 0)
		enc.len -= 2;
	else if (cte == SECM_CTE_QP && final_eol && !ends_eol(&enc) &&
		 secm_buf_append(&enc, "=\n", 2) != 0)
		goto out;
	if (crlf)
		rc = secm_lf_to_crlf(enc.data, enc.len, out);
	else
		rc = secm_buf_append(out, enc.data, enc.len);
out:
	secm_buf_free(&lf);
	secm_buf_free(&enc);
	return rc;
}

/* charset aliases iconv (or GMime's name table) gets wrong or lacks;
 * Shift_JIS variants all read as CP932, its superset that mail really uses */
static const struct {
	const char *label;
	const char *name;
} cs_alias[] = {
	{ "shift_jis", "CP932" }, { "shift-jis", "CP932" },
	{ "sjis", "CP932" }, { "x-sjis", "CP932" }, { "cp932", "CP932" },
	{ "windows-31j", "CP932" }, { "ms_kanji", "CP932" },
	{ "csshiftjis", "CP932" }, { "x-ms-cp932", "CP932" },
	{ "euc-jp", "EUC-JP" }, { "x-euc-jp", "EUC-JP" }, { "eucjp", "EUC-JP" },
	{ "iso-2022-jp", "ISO-2022-JP" }, { "csiso2022jp", "ISO-2022-JP" },
	{ "unicode-1-1-utf-7", "UTF-7" }, { "x-unicode-2-0-utf-7", "UTF-7" },
	{ "ks_c_5601-1987", "CP949" }, { "iso-8859-8-i", "ISO-8859-8" },
	{ "latin1", LATIN1 }, { "iso-8859-1", LATIN1 }, { "iso8859-1", LATIN1 },
	{ "gb2312", "GBK" }, { "x-gbk", "GBK" },
};

/* open_cd - iconv descriptor via GMime's name table, then the raw name */
static iconv_t open_cd(const char *to, const char *from)
{
	iconv_t cd = g_mime_iconv_open(to, from);

	if (cd == (iconv_t)-1)
		cd = iconv_open(to, from);
	return cd;
}

/* close_cd - close a descriptor from open_cd */
static void close_cd(iconv_t cd)
{
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

/* secm_charset_canon - label to an iconv name this system opens */
int secm_charset_canon(const char *label, char *name, size_t namelen)
{
	char v[64];
	size_t n = 0, i;
	iconv_t cd;

	name[0] = '\0';
	if (label == NULL)
		return 0;
	while (*label == ' ' || *label == '\t' || *label == '"')
		label++;
	while (label[n] != '\0' && label[n] != '"' && label[n] != ' ' &&
	       n < sizeof(v) - 1) {
		v[n] = label[n] >= 'A' && label[n] <= 'Z' ?
			(char)(label[n] + 32) : label[n];
		n++;
	}
	v[n] = '\0';
	if (n == 0 || strcmp(v, "utf-8") == 0 || strcmp(v, "utf8") == 0 ||
	    strcmp(v, "us-ascii") == 0 || strcmp(v, "ascii") == 0 ||
	    strcmp(v, "ansi_x3.4-1968") == 0 || strcmp(v, "unicode-1-1-utf-8") == 0)
		return 0;
	for (i = 0; i < sizeof(cs_alias) / sizeof(cs_alias[0]); i++) {
		if (strcmp(v, cs_alias[i].label) == 0) {
			snprintf(name, namelen, "%s", cs_alias[i].name);
			return 0;
		}
	}
	cd = open_cd("UTF-8", v);
	if (cd == (iconv_t)-1)
		return -1;
	close_cd(cd);
	snprintf(name, namelen, "%s", v);
	return 0;
}

/* utf8_seq - length of the valid UTF-8 sequence at p, 0 if invalid */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return left >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (left < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
			return 0;	/* overlong, surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (left < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* secm_utf8_valid_prefix - length of the longest valid UTF-8 prefix */
size_t secm_utf8_valid_prefix(const unsigned char *p, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i);
		if (n == 0)
			break;
		i += n;
	}
	return i;
}

/* utf8_sanitize - append p with each invalid byte replaced by U+FFFD */
static int utf8_sanitize(const unsigned char *p, size_t len, secm_buf *out)
{
	size_t n;

	while (len > 0) {
		n = secm_utf8_valid_prefix(p, len);
		if (secm_buf_append(out, p, n) != 0)
			return SECM_ENOMEM;
		p += n;
		len -= n;
		if (len > 0) {
			if (secm_buf_append(out, "\xef\xbf\xbd", 3) != 0)
				return SECM_ENOMEM;
			p++;
			len--;
		}
	}
	return SECM_OK;
}

/* latin1_to_utf8 - append Latin-1 bytes as UTF-8 (exact, reversible) */
static int latin1_to_utf8(const unsigned char *p, size_t len, secm_buf *out)
{
	size_t i;
	unsigned char two[2];

	if (secm_buf_reserve(out, len) != 0)
		return SECM_ENOMEM;
	for (i = 0; i < len; i++) {
		if (p[i] < 0x80) {
			if (secm_buf_append(out, p + i, 1) != 0)
				return SECM_ENOMEM;
			continue;
		}
		two[0] = (unsigned char)(0xc0 | (p[i] >> 6));
		two[1] = (unsigned char)(0x80 | (p[i] & 0x3f));
		if (secm_buf_append(out, two, 2) != 0)
			return SECM_ENOMEM;
	}
	return SECM_OK;
}

/* utf8_to_latin1 - append UTF-8 as Latin-1, '?' for what does not fit */
static int utf8_to_latin1(const unsigned char *p, size_t len, secm_buf *out)
{
	size_t i = 0, n;
	unsigned char c;

	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (n == 1)
			c = p[i];
		else if (n == 2 && p[i] <= 0xc3)
			c = (unsigned char)(((p[i] & 0x03) << 6) | (p[i + 1] & 0x3f));
		else
			c = '?';
		if (secm_buf_append(out, &c, 1) != 0)
			return SECM_ENOMEM;
		i += n ? n : 1;
	}
	return SECM_OK;
}

/* iconv_all - convert through cd; on a bad sequence append bad[badlen]
 * and skip skip_fn's count of input bytes; *bad_seen set when it happened */
static int iconv_all(iconv_t cd, const unsigned char *in, size_t len,
		     secm_buf *out, const char *bad, size_t badlen,
		     int skip_utf8, int *bad_seen)
{
	char *inp = (char *)(uintptr_t)in, *outp;
	size_t inleft = len, outleft, r, skip;
	int flushed = 0;

	if (secm_buf_reserve(out, len + len / 2 + 16) != 0)
		return SECM_ENOMEM;
	for (;;) {
		outp = (char *)out->data + out->len;
		outleft = out->cap - out->len - 1;
		if (inleft > 0)
			r = iconv(cd, &inp, &inleft, &outp, &outleft);
		else
			r = iconv(cd, NULL, NULL, &outp, &outleft);
		out->len = (size_t)((unsigned char *)outp - out->data);
		out->data[out->len] = '\0';
		if (r != (size_t)-1) {
			if (inleft > 0)
				continue;
			if (flushed)
				return SECM_OK;
			flushed = 1;	/* one more round: back to the initial shift state */
			continue;
		}
		if (errno == E2BIG) {
			if (secm_buf_reserve(out, out->cap + 16) != 0)
				return SECM_ENOMEM;
			continue;
		}
		if (errno != EILSEQ && errno != EINVAL)
			return SECM_ECHARSET;
		*bad_seen = 1;
		if (secm_buf_append(out, bad, badlen) != 0)
			return SECM_ENOMEM;
		skip = 1;
		if (skip_utf8) {
			skip = utf8_seq((const unsigned char *)inp, inleft);
			if (skip == 0)
				skip = 1;
		}
		inp += skip;
		inleft -= skip;
	}
}

/* has_jis_escape - 7-bit text with ISO-2022-JP shift sequences */
static int has_jis_escape(const unsigned char *p, size_t len)
{
	size_t i;
	int esc = 0;

	for (i = 0; i < len; i++) {
		if (p[i] >= 0x80)
			return 0;
		if (p[i] == 0x1b && i + 2 < len && p[i + 1] == '$' &&
		    (p[i + 2] == 'B' || p[i + 2] == '@'))
			esc = 1;
	}
	return esc;
}

/* secm_charset_to_utf8 - convert declared charset to UTF-8, never failing on bad bytes */
int secm_charset_to_utf8(const char *label, const unsigned char *in,
			 size_t len, secm_buf *out, char *used,
			 size_t usedlen, secm_cs_fallback *how)
{
	char name[64];
	int declared = label != NULL && label[0] != '\0';
	int bad = 0, rc;
	iconv_t cd;

	used[0] = '\0';
	*how = SECM_CS_EXACT;
	if (in == NULL)
		in = (const unsigned char *)"";
	if (secm_charset_canon(label, name, sizeof(name)) != 0) {
		/* unknown label: UTF-8 if it is, else Latin-1 */
		if (secm_utf8_valid_prefix(in, len) == len) {
			*how = SECM_CS_AS_UTF8;
			return secm_buf_append(out, in, len);
		}
		*how = SECM_CS_AS_LATIN1;
		snprintf(used, usedlen, "%s", LATIN1);
		return latin1_to_utf8(in, len, out);
	}
	if (!declared && has_jis_escape(in, len))
		snprintf(name, sizeof(name), "ISO-2022-JP");
	if (name[0] == '\0') {
		if (secm_utf8_valid_prefix(in, len) == len)
			return secm_buf_append(out, in, len);
		if (declared) {
			*how = SECM_CS_REPLACED;
			return utf8_sanitize(in, len, out);
		}
		*how = SECM_CS_AS_LATIN1;
		snprintf(used, usedlen, "%s", LATIN1);
		return latin1_to_utf8(in, len, out);
	}
	snprintf(used, usedlen, "%s", name);
	if (strcmp(name, LATIN1) == 0)
		return latin1_to_utf8(in, len, out);
	cd = open_cd("UTF-8", name);
	if (cd == (iconv_t)-1) {
		*how = SECM_CS_AS_LATIN1;
		snprintf(used, usedlen, "%s", LATIN1);
		return latin1_to_utf8(in, len, out);
	}
	rc = iconv_all(cd, in, len, out, "\xef\xbf\xbd", 3, 0, &bad);
	close_cd(cd);
	if (bad)
		*how = SECM_CS_REPLACED;
	return rc;
}

/* secm_charset_from_utf8 - UTF-8 back to the charset secm_charset_to_utf8 used */
int secm_charset_from_utf8(const char *used, const unsigned char *in,
			   size_t len, secm_buf *out)
{
	secm_buf q = SECM_BUF_INIT;
	iconv_t cd;
	int bad = 0, rc;

	if (in == NULL)
		in = (const unsigned char *)"";
	if (used == NULL || used[0] == '\0')
		return secm_buf_append(out, in, len);
	if (strcmp(used, LATIN1) == 0)
		return utf8_to_latin1(in, len, out);
	cd = open_cd(used, "UTF-8");
	if (cd == (iconv_t)-1)
		return SECM_ECHARSET;
	/* the '?' that stands in for an unconvertible character, in charset */
	rc = iconv_all(cd, (const unsigned char *)"?", 1, &q, "", 0, 0, &bad);
	iconv(cd, NULL, NULL, NULL, NULL);
	if (rc == 0)
		rc = iconv_all(cd, in, len, out, (const char *)q.data, q.len,
			       1, &bad);
	close_cd(cd);
	secm_buf_free(&q);
	return rc;
}

/* secm_lf_to_crlf - append in with every bare LF turned into CRLF */
int secm_lf_to_crlf(const unsigned char *in, size_t len, secm_buf *out)
{
	size_t i, from = 0;

	if (secm_buf_reserve(out, len + len / 32 + 2) != 0)
		return SECM_ENOMEM;
	for (i = 0; i < len; i++) {
		if (in[i] != '\n' || (i > 0 && in[i - 1] == '\r'))
			continue;
		if (secm_buf_append(out, in + from, i - from) != 0 ||
		    secm_buf_append(out, "\r", 1) != 0)
			return SECM_ENOMEM;
		from = i;
	}
	return secm_buf_append(out, in + from, len - from);
}

/* secm_crlf_to_lf - append in with every CRLF turned into LF */
int secm_crlf_to_lf(const unsigned char *in, size_t len, secm_buf *out)
{
	size_t i, from = 0;

	if (secm_buf_reserve(out, len) != 0)
		return SECM_ENOMEM;
	for (i = 0; i + 1 < len; i++) {
		if (in[i] != '\r' || in[i + 1] != '\n')
			continue;
		if (secm_buf_append(out, in + from, i - from) != 0)
			return SECM_ENOMEM;
		from = i + 1;
	}
	return secm_buf_append(out, in + from, len - from);
}
