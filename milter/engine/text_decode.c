/*
 * text_decode.c - transfer encodings, charsets and line ends (see text_decode.h).
 *
 * Design: decoding never fails on bad input.  Transfer decoding uses
 * GMime's step functions over the whole range at once (decoded output is
 * never longer than the input plus a few bytes).  Charset conversion goes
 * through iconv (descriptor opened per call via GMime's helpers); bytes the
 * charset rejects become U+FFFD so scanning continues, and unknown labels
 * fall back to UTF-8 (when valid) or Latin-1, which converts back exactly.
 * For redaction the conversion runs line by line and records the line
 * starts (segments) where it is in its initial state, and
 * secm_charset_cuts maps one segment character by character, so a caller
 * can cut the decoded bytes at a character and keep the rest verbatim
 * (invalid bytes included) instead of converting U+FFFD back to '?'.
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

typedef enum cs_mode {
	MODE_UTF8 = 0,		/* valid UTF-8: copied */
	MODE_SANITIZE,		/* UTF-8 with invalid bytes: U+FFFD for each */
	MODE_LATIN1,		/* byte = code point */
	MODE_ICONV		/* through an iconv descriptor */
} cs_mode;

/* pick_mode - decide how to read in (label as declared); *cd is opened
 * for MODE_ICONV */
static cs_mode pick_mode(const char *label, const unsigned char *in,
			 size_t len, char *used, size_t usedlen,
			 secm_cs_fallback *how, iconv_t *cd)
{
	char name[64];
	int declared = label != NULL && label[0] != '\0';

	used[0] = '\0';
	*how = SECM_CS_EXACT;
	*cd = (iconv_t)-1;
	if (secm_charset_canon(label, name, sizeof(name)) != 0) {
		/* unknown label: UTF-8 if it is, else Latin-1 */
		if (secm_utf8_valid_prefix(in, len) == len) {
			*how = SECM_CS_AS_UTF8;
			return MODE_UTF8;
		}
		*how = SECM_CS_AS_LATIN1;
		snprintf(used, usedlen, "%s", LATIN1);
		return MODE_LATIN1;
	}
	if (!declared && has_jis_escape(in, len))
		snprintf(name, sizeof(name), "ISO-2022-JP");
	if (name[0] == '\0') {
		if (secm_utf8_valid_prefix(in, len) == len)
			return MODE_UTF8;
		if (declared) {
			*how = SECM_CS_REPLACED;
			return MODE_SANITIZE;
		}
		*how = SECM_CS_AS_LATIN1;
		snprintf(used, usedlen, "%s", LATIN1);
		return MODE_LATIN1;
	}
	snprintf(used, usedlen, "%s", name);
	if (strcmp(name, LATIN1) == 0)
		return MODE_LATIN1;
	*cd = open_cd("UTF-8", name);
	if (*cd == (iconv_t)-1) {
		*how = SECM_CS_AS_LATIN1;
		snprintf(used, usedlen, "%s", LATIN1);
		return MODE_LATIN1;
	}
	return MODE_ICONV;
}

/* convert_piece - append in[0..len) read in mode to out, from the
 * initial state; *bad set when a byte became U+FFFD */
static int convert_piece(cs_mode mode, iconv_t cd, const unsigned char *in,
			 size_t len, secm_buf *out, int *bad)
{
	switch (mode) {
	case MODE_UTF8:
		return secm_buf_append(out, in, len);
	case MODE_SANITIZE:
		return utf8_sanitize(in, len, out);
	case MODE_LATIN1:
		return latin1_to_utf8(in, len, out);
	default:
		iconv(cd, NULL, NULL, NULL, NULL);
		return iconv_all(cd, in, len, out, "\xef\xbf\xbd", 3, 0, bad);
	}
}

/* secm_charset_is_jis - used names the ISO-2022-JP family */
int secm_charset_is_jis(const char *used)
{
	static const char want[] = "iso2022jp";
	size_t k = 0;

	for (; used != NULL && *used != '\0' && k < sizeof(want) - 1; used++) {
		if (*used == '-' || *used == '_')
			continue;
		if ((*used | 0x20) != want[k])
			return 0;
		k++;
	}
	return k == sizeof(want) - 1;
}

/* unsplittable - charsets whose bytes cannot be cut at a line feed */
static int unsplittable(const char *used)
{
	static const char *const bad[] = {
		"2022", "UTF-7", "UTF7", "HZ", "UTF-16", "UTF16", "UTF-32",
		"UTF32", "UCS-2", "UCS2", "UCS-4", "UCS4", "UNICODE", NULL
	};
	const char *const *b;

	for (b = bad; *b != NULL; b++) {
		if (strcasestr(used, *b) != NULL)
			return 1;
	}
	return 0;
}

/* jis_escape - length of the ISO-2022-JP designation at p (0 if none we
 * know); *ascii set when it selects ASCII */
static size_t jis_escape(const unsigned char *p, size_t left, int *ascii)
{
	*ascii = 0;
	if (left >= 3 && p[0] == 0x1b && p[1] == '(' &&
	    (p[2] == 'B' || p[2] == 'J' || p[2] == 'I')) {
		*ascii = p[2] == 'B';
		return 3;
	}
	if (left >= 3 && p[0] == 0x1b && p[1] == '$' &&
	    (p[2] == '@' || p[2] == 'B' || p[2] == 'A'))
		return 3;
	if (left >= 4 && p[0] == 0x1b && p[1] == '$' && p[2] == '(' &&
	    (p[3] == 'D' || p[3] == 'C' || p[3] == 'O' || p[3] == 'P' ||
	     p[3] == 'Q'))
		return 4;
	return 0;
}

/* jis_line_state - after the line p[0..n), starting in state *ascii: is
 * the state ASCII; 0 when the line holds escapes we do not follow */
static int jis_line_state(const unsigned char *p, size_t n, int *ascii)
{
	size_t i, k;
	int a;

	for (i = 0; i < n; i++) {
		if (p[i] == 0x0e || p[i] == 0x0f)
			return 0;
		if (p[i] != 0x1b)
			continue;
		k = jis_escape(p + i, n - i, &a);
		if (k == 0)
			return 0;
		*ascii = a;
		i += k - 1;
	}
	return 1;
}

/* seg_push - append one segment start to the two arrays */
static int seg_push(size_t **src, size_t **dec, size_t *n, size_t *cap,
		    size_t s, size_t d)
{
	size_t *a, *b, nc;

	if (*n == *cap) {
		nc = *cap ? *cap * 2 : 16;
		a = realloc(*src, nc * sizeof(**src));
		if (a == NULL)
			return SECM_ENOMEM;
		*src = a;
		b = realloc(*dec, nc * sizeof(**dec));
		if (b == NULL)
			return SECM_ENOMEM;
		*dec = b;
		*cap = nc;
	}
	(*src)[*n] = s;
	(*dec)[*n] = d;
	(*n)++;
	return SECM_OK;
}

/* convert_lines - convert line by line (lines merged while ISO-2022-JP
 * is not back in ASCII), recording segment starts; *split 0 = one piece */
static int convert_lines(cs_mode mode, iconv_t cd, const char *used,
			 const unsigned char *in, size_t len, secm_buf *out,
			 int *bad, size_t **ss, size_t **sd, size_t *n)
{
	size_t base = out->len, cap = 0, i = 0, ls = 0, e;
	int jis = secm_charset_is_jis(used), ascii = 1, follow = 1;
	int split = mode != MODE_ICONV || !unsplittable(used) || jis;

	while (i < len) {
		e = split ? line_end(in, len, i) : len;
		if (jis && follow)
			follow = jis_line_state(in + i, e - i, &ascii);
		i = e;
		if (i < len && (!follow || (jis && !ascii)))
			continue;	/* not a safe point: merge with the next */
		if (seg_push(ss, sd, n, &cap, out->len - base, ls) != 0 ||
		    convert_piece(mode, cd, in + ls, i - ls, out, bad) != 0)
			return SECM_ENOMEM;
		ls = i;
	}
	if (*n == 0 && seg_push(ss, sd, n, &cap, 0, 0) != 0)
		return SECM_ENOMEM;
	if (seg_push(ss, sd, n, &cap, out->len - base, len) != 0)
		return SECM_ENOMEM;
	(*n)--;
	return SECM_OK;
}

/* secm_charset_to_utf8_map - convert, recording safe splice points */
int secm_charset_to_utf8_map(const char *label, const unsigned char *in,
			     size_t len, secm_buf *out, char *used,
			     size_t usedlen, secm_cs_fallback *how,
			     size_t **seg_src, size_t **seg_dec, size_t *nseg)
{
	secm_buf whole = SECM_BUF_INIT;
	size_t base = out->len;
	int bad = 0, bad2 = 0, rc;
	cs_mode mode;
	iconv_t cd;

	if (in == NULL)
		in = (const unsigned char *)"";
	if (seg_src != NULL) {
		*seg_src = *seg_dec = NULL;
		*nseg = 0;
	}
	mode = pick_mode(label, in, len, used, usedlen, how, &cd);
	if (seg_src == NULL) {
		rc = convert_piece(mode, cd, in, len, out, &bad);
		goto out;
	}
	rc = convert_lines(mode, cd, used, in, len, out, &bad, seg_src,
			   seg_dec, nseg);
	if (rc != 0 || mode != MODE_ICONV || *nseg <= 1)
		goto out;
	/* an iconv charset: the lines must read as the whole does */
	rc = convert_piece(mode, cd, in, len, &whole, &bad2);
	if (rc != 0)
		goto out;
	if (whole.len != out->len - base ||
	    (whole.len > 0 && memcmp(whole.data, out->data + base, whole.len) != 0)) {
		secm_wipe(out->data + base, out->len - base);
		out->len = base;
		bad = bad2;
		rc = secm_buf_append(out, whole.data, whole.len);
		(*seg_src)[1] = out->len - base;
		(*seg_dec)[1] = len;
		*nseg = 1;
	}
out:
	close_cd(cd);
	if (whole.data != NULL)
		secm_wipe(whole.data, whole.len);
	secm_buf_free(&whole);
	if (bad)
		*how = SECM_CS_REPLACED;
	if (rc != 0 && seg_src != NULL) {
		free(*seg_src);
		free(*seg_dec);
		*seg_src = *seg_dec = NULL;
		*nseg = 0;
	}
	return rc;
}

/* secm_charset_to_utf8 - convert declared charset to UTF-8, never failing on bad bytes */
int secm_charset_to_utf8(const char *label, const unsigned char *in,
			 size_t len, secm_buf *out, char *used,
			 size_t usedlen, secm_cs_fallback *how)
{
	return secm_charset_to_utf8_map(label, in, len, out, used, usedlen,
					how, NULL, NULL, NULL);
}

/* cut_push - append one cut */
static int cut_push(secm_cs_cut **v, size_t *n, size_t *cap, size_t d,
		    size_t u, size_t so, size_t sl)
{
	secm_cs_cut *c;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;

		c = realloc(*v, nc * sizeof(*c));
		if (c == NULL)
			return SECM_ENOMEM;
		*v = c;
		*cap = nc;
	}
	(*v)[*n].dec = d;
	(*v)[*n].utf = u;
	(*v)[*n].st_off = so;
	(*v)[*n].st_len = sl;
	(*n)++;
	return SECM_OK;
}

/* one_char - read one character at dec[p] in state st[0..sl) through cd:
 * *used bytes consumed, its UTF-8 into ch[*chlen] (U+FFFD when invalid) */
static int one_char(iconv_t cd, const unsigned char *st, size_t sl,
		    const unsigned char *dec, size_t left, size_t *used,
		    unsigned char *ch, size_t *chlen)
{
	unsigned char inb[16];
	char *ip, *op;
	size_t k, il, ol, r;

	for (k = 1; k <= 4 && k <= left; k++) {
		memcpy(inb, st, sl);
		memcpy(inb + sl, dec, k);
		iconv(cd, NULL, NULL, NULL, NULL);
		ip = (char *)inb;
		il = sl + k;
		op = (char *)ch;
		ol = 16;
		r = iconv(cd, &ip, &il, &op, &ol);
		if (r != (size_t)-1 && il == 0) {
			*used = k;
			*chlen = (size_t)((unsigned char *)op - ch);
			return SECM_OK;
		}
		if (r == (size_t)-1 && errno == EINVAL)
			continue;
		if (r == (size_t)-1 && errno == E2BIG)
			return SECM_ECHARSET;
		break;	/* EILSEQ */
	}
	*used = 1;
	memcpy(ch, "\xef\xbf\xbd", 3);
	*chlen = 3;
	return SECM_OK;
}

/* secm_charset_cuts - character boundaries of one segment */
int secm_charset_cuts(const char *used, const unsigned char *dec, size_t dlen,
		      const unsigned char *utf, size_t ulen,
		      secm_cs_cut **cuts, size_t *ncuts)
{
	secm_cs_cut *v = NULL;
	size_t n = 0, cap = 0, p = 0, q = 0, k, cl, so = 0, sl = 0;
	unsigned char ch[16];
	iconv_t cd = (iconv_t)-1;
	int jis = secm_charset_is_jis(used), ascii, rc = SECM_ECHARSET;
	int plain = used == NULL || used[0] == '\0', latin = !plain &&
		strcmp(used, LATIN1) == 0;

	*cuts = NULL;
	*ncuts = 0;
	if (!plain && !latin) {
		if (!jis && unsplittable(used))
			return SECM_ECHARSET;
		cd = open_cd("UTF-8", used);
		if (cd == (iconv_t)-1)
			return SECM_ECHARSET;
	}
	while (p < dlen) {
		if (cut_push(&v, &n, &cap, p, q, so, sl) != 0)
			goto oom;
		if (jis && dec[p] == 0x1b) {
			k = jis_escape(dec + p, dlen - p, &ascii);
			if (k == 0)
				goto out;
			so = ascii ? 0 : p;
			sl = ascii ? 0 : k;
			p += k;
			continue;
		}
		if (jis && (dec[p] == 0x0e || dec[p] == 0x0f))
			goto out;
		if (plain) {
			k = utf8_seq(dec + p, dlen - p);
			if (k == 0) {
				memcpy(ch, "\xef\xbf\xbd", 3);
				cl = 3;
				k = 1;
			} else {
				memcpy(ch, dec + p, k);
				cl = k;
			}
		} else if (latin) {
			k = 1;
			cl = 0;
			if (dec[p] < 0x80) {
				ch[cl++] = dec[p];
			} else {
				ch[cl++] = (unsigned char)(0xc0 | (dec[p] >> 6));
				ch[cl++] = (unsigned char)(0x80 | (dec[p] & 0x3f));
			}
		} else if (one_char(cd, dec + so, sl, dec + p, dlen - p, &k, ch,
				    &cl) != 0) {
			goto out;
		}
		if (q + cl > ulen || memcmp(utf + q, ch, cl) != 0)
			goto out;	/* does not read as the whole did */
		p += k;
		q += cl;
	}
	if (q != ulen)
		goto out;
	if (cut_push(&v, &n, &cap, p, q, so, sl) != 0)
		goto oom;
	*cuts = v;
	*ncuts = n;
	v = NULL;
	rc = SECM_OK;
	goto out;
oom:
	rc = SECM_ENOMEM;
out:
	close_cd(cd);
	free(v);
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

/* ew_parse - length of a well-formed encoded word at p
 * ("=?charset[*lang]?B|Q?text?=", text without blanks or '?', B text in
 * the base64 alphabet), 0 if there is none; its parts into the outputs */
static size_t ew_parse(const char *p, char *cs, size_t cslen, char *enc,
		       const char **tx, size_t *txl)
{
	const char *q = p + 2, *c0 = q;
	size_t n;

	if (p[0] != '=' || p[1] != '?')
		return 0;
	while ((unsigned char)*q > ' ' && (unsigned char)*q < 0x7f &&
	       strchr("()<>@,;:\"/[]?.=", *q) == NULL)
		q++;
	n = (size_t)(q - c0);
	if (*q != '?' || n == 0 || n >= cslen)
		return 0;
	memcpy(cs, c0, n);
	cs[n] = '\0';
	cs[strcspn(cs, "*")] = '\0';	/* RFC 2231 language suffix */
	q++;
	if (strchr("BbQq", *q) == NULL || *q == '\0' || q[1] != '?')
		return 0;
	*enc = (char)(*q & ~0x20);
	q += 2;
	*tx = q;
	while ((unsigned char)*q > ' ' && (unsigned char)*q < 0x7f && *q != '?')
		q++;
	if (q[0] != '?' || q[1] != '=')
		return 0;
	*txl = (size_t)(q - *tx);
	if (*enc == 'B' && strspn(*tx, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") < *txl)
		return 0;
	return (size_t)(q + 2 - p);
}

/* ew_bytes - append the bytes an encoded word's text stands for */
static int ew_bytes(char enc, const char *tx, size_t txl, secm_buf *out)
{
	size_t i;
	int hi, lo;
	unsigned char ch;

	if (enc == 'B')
		return secm_cte_decode(SECM_CTE_BASE64, (const unsigned char *)tx,
				       txl, out, NULL, 0);
	for (i = 0; i < txl; i++) {
		ch = (unsigned char)tx[i];
		if (ch == '_') {
			ch = ' ';
		} else if (ch == '=' && i + 2 < txl &&
			   (hi = g_ascii_xdigit_value(tx[i + 1])) >= 0 &&
			   (lo = g_ascii_xdigit_value(tx[i + 2])) >= 0) {
			ch = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (secm_buf_append(out, &ch, 1) != 0)
			return SECM_ENOMEM;
	}
	return SECM_OK;
}

/* flush_to_utf8 - convert pending bytes in charset cs ("" = undeclared)
 * and append them to out; pending is emptied */
static int flush_to_utf8(const char *cs, secm_buf *pending, secm_buf *out)
{
	char used[48];
	secm_cs_fallback how;
	int rc = SECM_OK;

	if (pending->len > 0)
		rc = secm_charset_to_utf8(cs, pending->data, pending->len, out,
					  used, sizeof(used), &how);
	secm_buf_reset(pending);
	return rc;
}

/* secm_header_decode_tolerant - RFC 2047 header text to UTF-8, one
 * encoded word at a time */
int secm_header_decode_tolerant(const char *value, secm_buf *out)
{
	secm_buf pend = SECM_BUF_INIT;
	char cs[48], pcs[48] = "", enc;
	const char *tx, *p = value;
	size_t n, txl, j;
	int rc = SECM_OK, in_ew = 0;

	while (*p != '\0' && rc == SECM_OK) {
		n = ew_parse(p, cs, sizeof(cs), &enc, &tx, &txl);
		if (n == 0) {
			if (in_ew || pcs[0] != '\0')
				rc = flush_to_utf8(pcs, &pend, out);
			in_ew = 0;
			pcs[0] = '\0';
			if (rc == SECM_OK)
				rc = secm_buf_append(&pend, p, 1);
			p++;
			continue;
		}
		if (!in_ew || strcasecmp(cs, pcs) != 0)
			rc = flush_to_utf8(pcs, &pend, out);
		snprintf(pcs, sizeof(pcs), "%s", cs);
		in_ew = 1;
		if (rc == SECM_OK)
			rc = ew_bytes(enc, tx, txl, &pend);
		p += n;
		/* blanks between two encoded words are not text */
		for (j = 0; p[j] == ' ' || p[j] == '\t'; j++)
			;
		if (j > 0 && ew_parse(p + j, cs, sizeof(cs), &enc, &tx, &txl) > 0)
			p += j;
	}
	if (rc == SECM_OK)
		rc = flush_to_utf8(in_ew ? pcs : "", &pend, out);
	secm_buf_free(&pend);
	return rc;
}

/* quote_depth - number of '>' at the start of p[0..n) */
static size_t quote_depth(const char *p, size_t n)
{
	size_t q = 0;

	while (q < n && p[q] == '>')
		q++;
	return q;
}

/* flowed_put - append src[from, to) to the unwrapped text and its map */
static int flowed_put(secm_buf *t, secm_buf *m, const char *src, size_t from,
		      size_t to)
{
	for (size_t j = from; j < to; j++) {
		if (secm_buf_append(t, src + j, 1) != 0 ||
		    secm_buf_append(m, &j, sizeof(j)) != 0)
			return SECM_ENOMEM;
	}
	return SECM_OK;
}

/* secm_flowed_unwrap - join RFC 3676 soft line breaks (see text_decode.h) */
int secm_flowed_unwrap(const char *src, size_t len, int delsp, char **text,
		       size_t *text_len, size_t **map, size_t **map_end)
{
	secm_buf t = SECM_BUF_INIT, m = SECM_BUF_INIT;
	size_t i = 0, eol, nl, cend, q, body, n, *mp = NULL, *me = NULL;
	int joined = 0, changed = 0, rc = SECM_ENOMEM;

	*text = NULL;
	*map = *map_end = NULL;
	*text_len = 0;
	while (i < len) {
		const char *nlp = memchr(src + i, '\n', len - i);

		nl = nlp != NULL ? (size_t)(nlp - src) : len;
		eol = nl > i && src[nl - 1] == '\r' ? nl - 1 : nl;
		q = quote_depth(src + i, eol - i);
		body = i + q;
		/* stuffing: one space after the quote marks (RFC 3676 4.4) */
		if (body < eol && src[body] == ' ')
			body++;
		/* a joined line's prefix goes; an unquoted line loses its
		 * stuffing; a quoted line starting a paragraph stays as written
		 * (the quoted-reply layer reads it) */
		if (q > 0 && !joined)
			body = i;
		else
			changed |= body > i;
		cend = eol;
		joined = 0;
		if (nlp != NULL && eol > body && src[eol - 1] == ' ' &&
		    !(eol - body == 3 && memcmp(src + body, "-- ", 3) == 0)) {
			/* flowed: joined when the next line has the same depth */
			size_t nx = nl + 1, nnl;
			const char *np = memchr(src + nx, '\n', len - nx);

			nnl = np != NULL ? (size_t)(np - src) : len;
			if (nx < len && quote_depth(src + nx, nnl - nx) == q)
				joined = 1;
		}
		if (joined && delsp)
			cend--;
		if (flowed_put(&t, &m, src, body, cend) != 0)
			goto out;
		if (joined) {
			changed = 1;
		} else if (nlp != NULL && flowed_put(&t, &m, src, eol, nl + 1) != 0) {
			goto out;
		}
		i = nlp != NULL ? nl + 1 : len;
	}
	if (!changed) {
		rc = SECM_OK;
		goto out;
	}
	n = t.len;
	mp = malloc((n + 1) * sizeof(*mp));
	me = malloc((n + 1) * sizeof(*me));
	if (mp == NULL || me == NULL || secm_buf_append(&t, "", 1) != 0)
		goto out;
	memcpy(mp, m.data, n * sizeof(*mp));
	for (size_t j = 0; j < n; j++)
		me[j] = mp[j] + 1;
	mp[n] = me[n] = len;
	*text = (char *)secm_buf_steal(&t, text_len);
	*text_len = n;
	*map = mp;
	*map_end = me;
	mp = me = NULL;
	rc = SECM_OK;
out:
	free(mp);
	free(me);
	if (t.data != NULL)
		secm_wipe(t.data, t.len);
	secm_buf_free(&t);
	secm_buf_free(&m);
	return rc;
}
