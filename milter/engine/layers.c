/*
 * layers.c - decoding layers of one unit's text (see layers.h).
 *
 * Design: every builder is one linear pass over the text after a cheap
 * test (a byte or pattern that must be present) that returns early for
 * the usual text.  A builder appends decoded bytes to the layer and
 * records where they came from as segments; unchanged stretches become
 * one copy segment, so the map stays small.  A layer whose builder
 * changed nothing is dropped: scanning it would only repeat the plain scan.
 *
 * Threading: no static mutable state.  Layer text holds mail and is
 * wiped before it is freed; scratch buffers likewise.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "buf.h"
#include "error.h"
#include "layers.h"

/* layer under construction */
typedef struct lbuild {
	secm_layer *l;
	secm_buf out;
	size_t max;		/* bound on the layer length */
	size_t changed;		/* segments that are not copies */
	int full;		/* max reached: the rest is left out */
} lbuild;

/* lb_put - append n bytes that came from text[src, src + src_len) */
static int lb_put(lbuild *b, secm_seg_kind kind, const void *p, size_t n,
		  size_t src, size_t src_len)
{
	secm_layer *l = b->l;
	secm_layer_seg *s;

	if (n == 0 || b->full)
		return SECM_OK;
	if (n > b->max - b->out.len) {
		b->full = 1;
		return SECM_OK;
	}
	if (secm_buf_append(&b->out, p, n) != SECM_OK)
		return SECM_ENOMEM;
	if (kind == SECM_SEG_COPY && l->nsegs > 0) {
		s = &l->segs[l->nsegs - 1];
		if (s->kind == SECM_SEG_COPY && s->src + s->src_len == src) {
			s->len += n;
			s->src_len += n;
			return SECM_OK;
		}
	}
	if (secm_vec_grow((void **)&l->segs, l->nsegs, &l->cap, sizeof(*l->segs),
			  16) != SECM_OK)
		return SECM_ENOMEM;
	s = &l->segs[l->nsegs++];
	s->off = b->out.len - n;
	s->len = n;
	s->src = src;
	s->src_len = src_len;
	s->kind = kind;
	if (kind != SECM_SEG_COPY)
		b->changed++;
	return SECM_OK;
}

/* lb_copy - append text[from, to) unchanged */
static int lb_copy(lbuild *b, size_t from, size_t to)
{
	if (to <= from)
		return SECM_OK;
	return lb_put(b, SECM_SEG_COPY, b->l->src + from, to - from, from,
		      to - from);
}

/* lb_start - begin building layer kind of text into l */
static void lb_start(lbuild *b, secm_layer *l, secm_layer_kind kind,
		     const char *text, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->src = text;
	l->src_len = len;
	memset(b, 0, sizeof(*b));
	b->l = l;
	b->max = len * 3 + 16;
}

/* lb_finish - hand the text to the layer, or drop it when nothing changed
 * or rc is an error; returns rc */
static int lb_finish(lbuild *b, int rc)
{
	secm_layer *l = b->l;
	const char *src = l->src;
	size_t src_len = l->src_len;
	secm_layer_kind kind = l->kind;

	if (rc != SECM_OK || b->changed == 0 || b->out.len == 0) {
		secm_buf_free(&b->out);
		secm_layer_free(l);
		l->kind = kind;
		l->src = src;
		l->src_len = src_len;
		return rc;
	}
	l->text = (char *)secm_buf_steal(&b->out, &l->len);
	return SECM_OK;
}

/* ---- NFKC ---- */

/* nfkc_candidate - a character that may change under NFKC and matters for
 * secrets: spaces, full-width and half-width forms, enclosed and squared
 * alphanumerics, ligatures, small forms, mathematical letters and digits */
static int nfkc_candidate(gunichar c)
{
	return c == 0xa0 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f ||
	       c == 0x205f || (c >= 0x2460 && c <= 0x24ff) || c == 0x3000 ||
	       (c >= 0x3200 && c <= 0x33ff) || (c >= 0xfb00 && c <= 0xfb06) ||
	       (c >= 0xfe50 && c <= 0xfe6b) || (c >= 0xff01 && c <= 0xffee) ||
	       (c >= 0x1d400 && c <= 0x1d7ff);
}

/* nfkc_weak - a candidate that Japanese prose is full of and that no rule
 * needs converted (full-width brackets, !, ?, comma, period, tilde,
 * ideographic space, half-width kana): alone, it does not start a layer */
static int nfkc_weak(gunichar c)
{
	return c == 0x3000 || c == 0xff01 || c == 0xff08 || c == 0xff09 ||
	       c == 0xff0c || c == 0xff0e || c == 0xff1f || c == 0xff5e ||
	       (c >= 0xff61 && c <= 0xff9f);
}

/* utf8_char - the character at text[i] and its length; (gunichar)-1 and
 * length 1 for a byte that does not start a well-formed character */
static gunichar utf8_char(const char *text, size_t len, size_t i, size_t *n)
{
	gunichar c = g_utf8_get_char_validated(text + i, (gssize)(len - i));

	if (c == (gunichar)-1 || c == (gunichar)-2) {
		*n = 1;
		return (gunichar)-1;
	}
	*n = (size_t)(g_utf8_next_char(text + i) - (text + i));
	return c;
}

/* nfkc_needed - 1 when text holds a candidate that is not weak */
static int nfkc_needed(const char *text, size_t len)
{
	size_t i = 0, n;
	gunichar c;

	while (i < len) {
		unsigned char b = (unsigned char)text[i];

		/* every candidate starts with C2, E2, E3, EF or F0 */
		if (b != 0xc2 && b != 0xe2 && b != 0xe3 && b != 0xef && b != 0xf0) {
			i++;
			continue;
		}
		c = utf8_char(text, len, i, &n);
		if (c != (gunichar)-1 && nfkc_candidate(c) && !nfkc_weak(c))
			return 1;
		i += n;
	}
	return 0;
}

/* nfkc_want - the line text[from, to) needs the NFKC layer */
static int nfkc_want(const char *text, size_t from, size_t to)
{
	return nfkc_needed(text + from, to - from);
}

/* nfkc_line - normalise the candidate characters of text[from, len) (with
 * the combining marks and half-width sound marks after them) one cluster
 * at a time */
static int nfkc_line(lbuild *b, const char *text, size_t from, size_t len)
{
	size_t i = from, copy = from, n, j, k;
	gunichar c, d;
	char ascii;
	int rc = SECM_OK;

	while (i < len && rc == SECM_OK && !b->full) {
		if ((unsigned char)text[i] < 0x80) {
			i++;
			continue;
		}
		c = utf8_char(text, len, i, &n);
		if (c == (gunichar)-1 || !nfkc_candidate(c)) {
			i += n;
			continue;
		}
		/* the cluster: c and the marks that compose with it */
		for (j = i + n; j < len; j += k) {
			d = utf8_char(text, len, j, &k);
			if (d == (gunichar)-1 || (g_unichar_combining_class(d) == 0 &&
						  d != 0xff9e && d != 0xff9f))
				break;
		}
		rc = lb_copy(b, copy, i);
		if (rc != SECM_OK)
			break;
		if (j == i + n && ((c >= 0xff01 && c <= 0xff5e) || c == 0x3000)) {
			/* the common case without a call: full-width ASCII */
			ascii = (char)(c == 0x3000 ? ' ' : c - 0xfee0);
			rc = lb_put(b, SECM_SEG_ATOM, &ascii, 1, i, n);
		} else {
			gchar *s = g_utf8_normalize(text + i, (gssize)(j - i),
						    G_NORMALIZE_NFKC);
			size_t sl = s != NULL ? strlen(s) : 0;

			if (s != NULL && (sl != j - i || memcmp(s, text + i, sl) != 0))
				rc = lb_put(b, SECM_SEG_ATOM, s, sl, i, j - i);
			else
				rc = lb_copy(b, i, j);
			if (s != NULL) {
				secm_wipe(s, sl);
				g_free(s);
			}
		}
		copy = i = j;
	}
	if (rc == SECM_OK)
		rc = lb_copy(b, copy, len);
	return rc;
}

/* ---- base64 ---- */

/* hexval - 0..15, or -1 */
static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}


/* base64 and base64url values by byte; -1 for any other byte */
static const signed char b64_tab[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, 62, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* b64_value - 0..63 for a base64 or base64url character, else -1 */
static inline int b64_value(unsigned char c)
{
	return b64_tab[c];
}

/* skip_blank - past spaces and tabs */
static size_t skip_blank(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i;
}

/* next_line_content - where the next line's content starts (after the
 * line end, indentation and '>' quote marks), or len when the line at i
 * (only blanks and CR left) does not end here */
static size_t next_line_content(const char *t, size_t len, size_t i)
{
	i = skip_blank(t, len, i);
	if (i < len && t[i] == '\r')
		i++;
	if (i >= len || t[i] != '\n')
		return len;
	i = skip_blank(t, len, i + 1);
	while (i < len && t[i] == '>')
		i = skip_blank(t, len, i + 1);
	return i;
}

/* blob_scan - the blob starting at t[i] (a base64 character): sets *end
 * past its last character or padding and returns the number of base64
 * characters.  Lines join when the previous line was all base64 (from
 * its first character) for at least SECM_LAYER_MIN_B64 characters up to
 * its end and the next one is all base64 too (padding may end it). */
static size_t blob_scan(const char *t, size_t len, size_t i, size_t *end)
{
	size_t count = 0, run, j, nx, e;

	for (;;) {
		for (j = i; j < len && b64_value((unsigned char)t[j]) >= 0; j++)
			;
		run = j - i;
		count += run;
		e = j;
		while (e < len && e - j < 2 && t[e] == '=')
			e++;
		*end = e;
		if (e > j || run < SECM_LAYER_MIN_B64)
			break;		/* padding or a short line ends it */
		nx = next_line_content(t, len, j);
		if (nx >= len || b64_value((unsigned char)t[nx]) < 0)
			break;
		/* the next line must be base64 from start to end */
		for (j = nx; j < len && b64_value((unsigned char)t[j]) >= 0; j++)
			;
		while (j < len && t[j] == '=')
			j++;
		j = skip_blank(t, len, j);
		if (j < len && t[j] != '\r' && t[j] != '\n')
			break;
		i = nx;
	}
	return count;
}

/* b64_decode - decode the base64 characters of t[from, to) into out
 * (room for count * 3 / 4 bytes); returns the decoded length */
static size_t b64_decode(const char *t, size_t from, size_t to,
			 unsigned char *out)
{
	unsigned int acc = 0;
	size_t n = 0, bits = 0, i;
	int v;

	for (i = from; i < to; i++) {
		v = b64_value((unsigned char)t[i]);
		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return n;
}

/* printable_text - length of the text prefix to scan when p[0..n) is
 * printable UTF-8 (an incomplete last character is cut off), else 0 */
static size_t printable_text(const unsigned char *p, size_t n)
{
	const gchar *end;
	size_t ok, ctl = 0, i;

	if (!g_utf8_validate((const gchar *)p, (gssize)n, &end)) {
		ok = (size_t)((const unsigned char *)end - p);
		if (n - ok > 3 || g_utf8_get_char_validated(end, (gssize)(n - ok)) !=
		    (gunichar)-2)
			return 0;
	} else {
		ok = n;
	}
	for (i = 0; i < ok; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') ||
		    p[i] == 0x7f)
			ctl++;
	/* at most 2% control characters */
	return ctl * 50 > ok ? 0 : ok;
}

/* hex_only - text[from, to) is all hex digits (a digest, not base64) */
static int hex_only(const char *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (hexval((unsigned char)t[i]) < 0)
			return 0;
	return 1;
}

/* a base64 segment covers at most this many characters (64 quanta), so
 * mapping a position walks a short stretch, never the whole blob */
#define B64_CHUNK 256

/* put_blob - append the decoded blob p[0..n) of text[from, to) as base64
 * segments of B64_CHUNK characters (B64_CHUNK / 4 * 3 decoded bytes) */
static int put_blob(lbuild *b, const char *text, size_t from, size_t to,
		    const unsigned char *p, size_t n)
{
	size_t done = 0, src = from, next, chars = 0, i;
	int rc = SECM_OK;

	while (done < n && rc == SECM_OK) {
		size_t part = n - done < B64_CHUNK / 4 * 3 ? n - done : B64_CHUNK / 4 * 3;

		/* the chunk ends where its B64_CHUNK + 1st character starts */
		next = to;
		if (done + part < n) {
			for (i = src, chars = 0; i < to; i++)
				if (b64_value((unsigned char)text[i]) >= 0 &&
				    chars++ == B64_CHUNK) {
					next = i;
					break;
				}
		}
		rc = lb_put(b, SECM_SEG_BASE64, p + done, part, src, next - src);
		done += part;
		src = next;
	}
	return rc;
}

/* build_base64 - decode pasted base64 blobs that hold text */
static int build_base64(lbuild *b, const char *text, size_t len,
			secm_layer_budget *budget)
{
	unsigned char *tmp = NULL;
	size_t tmpcap = 0, i = 0, j, s, end, count, n, keep;
	int rc = SECM_OK;

	/* Every blob starts with a run of >= SECM_LAYER_MIN_B64 characters
	 * on one line, so only the character SECM_LAYER_MIN_B64 - 1 ahead
	 * is probed: prose (short words) is passed over a stride at a time.
	 * Invariant: text[i - 1] or text[i] is not a base64 character. */
	while (i + SECM_LAYER_MIN_B64 <= len && rc == SECM_OK && !b->full) {
		j = i + SECM_LAYER_MIN_B64 - 1;
		if (b64_value((unsigned char)text[j]) < 0) {
			i = j + 1;
			continue;
		}
		for (s = j; s > i && b64_value((unsigned char)text[s - 1]) >= 0; s--)
			;
		for (end = j + 1; end < len && b64_value((unsigned char)text[end]) >= 0; end++)
			;
		if (end - s < SECM_LAYER_MIN_B64 || hex_only(text, s, end)) {
			i = end;	/* a word, a path, a hex digest */
			continue;
		}
		count = blob_scan(text, len, s, &end);
		i = end;
		n = count / 4 * 3 + (count % 4 == 3 ? 2 : count % 4 == 2 ? 1 : 0);
		/* decoding is bounded by bytes, scanning by blobs kept */
		if (budget != NULL && (budget->blobs == 0 || n > budget->b64_bytes))
			break;
		if (budget != NULL)
			budget->b64_bytes -= n;
		if (n > tmpcap) {
			unsigned char *t2 = malloc(n);

			if (t2 == NULL) {
				rc = SECM_ENOMEM;
				break;
			}
			if (tmp != NULL)
				secm_wipe(tmp, tmpcap);
			free(tmp);
			tmp = t2;
			tmpcap = n;
		}
		n = b64_decode(text, s, end, tmp);
		keep = printable_text(tmp, n);
		if (keep < SECM_LAYER_MIN_B64 / 2)
			continue;
		if (budget != NULL)
			budget->blobs--;
		if (b->out.len > 0)
			rc = lb_put(b, SECM_SEG_ATOM, "\n", 1, s, 0);
		if (rc == SECM_OK)
			rc = put_blob(b, text, s, end, tmp, keep);
	}
	if (tmp != NULL)
		secm_wipe(tmp, tmpcap);
	free(tmp);
	return rc;
}

/* b64_nth - offset in t of the idx-th (0-based) base64 character of
 * t[from, to), or to when there are fewer */
static size_t b64_nth(const char *t, size_t from, size_t to, size_t idx)
{
	for (size_t i = from; i < to; i++)
		if (b64_value((unsigned char)t[i]) >= 0 && idx-- == 0)
			return i;
	return to;
}

/* ---- percent-encoding ---- */


/* percent_want - the line text[from, to) holds a %XX escape */
static int percent_want(const char *text, size_t from, size_t to)
{
	for (size_t i = from; i + 2 < to; i++)
		if (text[i] == '%' && hexval((unsigned char)text[i + 1]) >= 0 &&
		    hexval((unsigned char)text[i + 2]) >= 0)
			return 1;
	return 0;
}

/* percent_line - decode %XX in text[from, len) (each byte one atom of
 * three characters) */
static int percent_line(lbuild *b, const char *text, size_t from, size_t len)
{
	size_t i, copy = from;
	int rc = SECM_OK;

	for (i = from; i + 2 < len && rc == SECM_OK; i++) {
		int hi, lo;
		unsigned char c;

		if (text[i] != '%')
			continue;
		hi = hexval((unsigned char)text[i + 1]);
		lo = hexval((unsigned char)text[i + 2]);
		if (hi < 0 || lo < 0)
			continue;
		c = (unsigned char)(hi << 4 | lo);
		rc = lb_copy(b, copy, i);
		if (rc == SECM_OK)
			rc = lb_put(b, SECM_SEG_ATOM, &c, 1, i, 3);
		copy = i + 3;
		i += 2;
	}
	if (rc == SECM_OK)
		rc = lb_copy(b, copy, len);
	return rc;
}

/* ---- JSON string escapes ---- */

/* hex4 - the value of four hex digits at t[i], or -1 */
static long hex4(const char *t, size_t len, size_t i)
{
	long v = 0;

	if (i + 4 > len)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int h = hexval((unsigned char)t[i + k]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* json_escape - decode the escape at t[i] ('\\') into out; returns its
 * length in t, or 0 when it is not a JSON escape (left as it is) */
static size_t json_escape(const char *t, size_t len, size_t i, char out[8],
			  size_t *outlen)
{
	static const char from[] = "nrtbf\"/\\", to[] = "\n\r\t\b\f\"/\\";
	const char *k;
	long u, lo;

	if (i + 1 >= len)
		return 0;
	if (t[i + 1] != 'u') {
		k = t[i + 1] != '\0' ? strchr(from, t[i + 1]) : NULL;
		if (k == NULL)
			return 0;
		out[0] = to[k - from];
		*outlen = 1;
		return 2;
	}
	u = hex4(t, len, i + 2);
	if (u < 0 || (u >= 0xdc00 && u <= 0xdfff))
		return 0;
	if (u >= 0xd800 && u <= 0xdbff) {
		/* a high surrogate needs its low half right after it */
		if (i + 7 >= len || t[i + 6] != '\\' || t[i + 7] != 'u')
			return 0;
		lo = hex4(t, len, i + 8);
		if (lo < 0xdc00 || lo > 0xdfff)
			return 0;
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		*outlen = (size_t)g_unichar_to_utf8((gunichar)u, out);
		return 12;
	}
	*outlen = (size_t)g_unichar_to_utf8((gunichar)u, out);
	return 6;
}

/* json_want - the line text[from, to) holds a JSON escape */
static int json_want(const char *text, size_t from, size_t to)
{
	size_t ol;
	char o[8];

	for (size_t i = from; i < to; i++)
		if (text[i] == '\\' && json_escape(text, to, i, o, &ol) > 0)
			return 1;
	return 0;
}

/* json_line - decode the JSON string escapes of text[from, len) (each
 * one an atom) */
static int json_line(lbuild *b, const char *text, size_t from, size_t len)
{
	size_t i, copy = from, el, ol = 0;
	char o[8];
	int rc = SECM_OK;

	for (i = from; i < len && rc == SECM_OK; i++) {
		if (text[i] != '\\')
			continue;
		el = json_escape(text, len, i, o, &ol);
		if (el == 0)
			continue;
		rc = lb_copy(b, copy, i);
		if (rc == SECM_OK)
			rc = lb_put(b, SECM_SEG_ATOM, o, ol, i, el);
		copy = i + el;
		i += el - 1;
	}
	if (rc == SECM_OK)
		rc = lb_copy(b, copy, len);
	return rc;
}

/* ---- quoted reply lines ---- */

/* quote_prefix - length of the quote marks ("> ", ">> ", "> > ") of the
 * line starting at t[i]; 0 when it is not quoted */
static size_t quote_prefix(const char *t, size_t len, size_t i)
{
	size_t j = skip_blank(t, len, i);

	if (j >= len || t[j] != '>' || j - i > 3)
		return 0;
	while (j < len && t[j] == '>') {
		j++;
		if (j < len && (t[j] == ' ' || t[j] == '\t'))
			j++;
	}
	return j - i;
}

/* quote_needed - 1 when a quoted line holds "BEGIN " (an armoured block)
 * or ends in a run of >= 20 token characters with a quoted line after it
 * (a folded token or key body): only then can removing quote marks let
 * a rule see more than the plain scan does */
static int quote_needed(const char *t, size_t len)
{
	size_t i = 0, q, e, r, run;

	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);

		e = nl != NULL ? (size_t)(nl - t) : len;
		q = quote_prefix(t, len, i);
		if (q > 0) {
			if (memmem(t + i + q, e - i - q, "BEGIN ", 6) != NULL)
				return 1;
			r = e;
			while (r > i + q && (t[r - 1] == '\r' || t[r - 1] == ' '))
				r--;
			run = r;
			while (run > i + q && (b64_value((unsigned char)t[run - 1]) >= 0 ||
					       t[run - 1] == '='))
				run--;
			if (r - run >= 20 && e + 1 < len && quote_prefix(t, len, e + 1) > 0)
				return 1;
		}
		i = e + 1;
	}
	return 0;
}

/* quote_want - the line at text[from] is quoted */
static int quote_want(const char *text, size_t from, size_t to)
{
	return quote_prefix(text, to, from) > 0;
}

/* quote_line - the line text[from, to) without its quote marks */
static int quote_line(lbuild *b, const char *text, size_t from, size_t to)
{
	b->changed++;		/* dropped bytes: a change without a segment */
	return lb_copy(b, from + quote_prefix(text, to, from), to);
}

/* ---- driver ---- */

typedef int (*want_fn)(const char *text, size_t from, size_t to);
typedef int (*line_fn)(lbuild *b, const char *text, size_t from, size_t to);

/* by_lines - run fn over each line of text that want accepts; the other
 * lines are left out of the layer (the plain scan has seen them as they
 * are), which keeps a layer as small as what it changes */
static int by_lines(lbuild *b, const char *text, size_t len, want_fn want,
		    line_fn fn)
{
	size_t i = 0, e;
	int rc = SECM_OK;

	while (i < len && rc == SECM_OK && !b->full) {
		const char *nl = memchr(text + i, '\n', len - i);

		e = nl != NULL ? (size_t)(nl - text) + 1 : len;
		if (want(text, i, e))
			rc = fn(b, text, i, e);
		i = e;
	}
	return rc;
}

/* ---- public ---- */

/* secm_layer_budget_init - a fresh per-message budget */
void secm_layer_budget_init(secm_layer_budget *b)
{
	b->blobs = SECM_LAYER_MAX_BLOBS;
	b->b64_bytes = SECM_LAYER_MAX_B64_BYTES;
}

/* secm_layer_name - short name of a layer kind */
const char *secm_layer_name(secm_layer_kind k)
{
	static const char *const names[] = {
		"nfkc", "base64", "percent", "json", "quote"
	};

	return (unsigned)k < SECM_LAYER_COUNT ? names[k] : "unknown";
}

/* secm_layer_build - build one layer (see layers.h) */
int secm_layer_build(secm_layer_kind kind, const char *text, size_t len,
		     secm_layer_budget *budget, secm_layer *out)
{
	lbuild b;
	int rc = SECM_OK;

	lb_start(&b, out, kind, text, len);
	if (text == NULL || len == 0)
		return lb_finish(&b, SECM_OK);
	switch (kind) {
	case SECM_LAYER_NFKC:
		if (nfkc_needed(text, len))
			rc = by_lines(&b, text, len, nfkc_want, nfkc_line);
		break;
	case SECM_LAYER_BASE64:
		rc = build_base64(&b, text, len, budget);
		break;
	case SECM_LAYER_PERCENT:
		if (memchr(text, '%', len) != NULL)
			rc = by_lines(&b, text, len, percent_want, percent_line);
		break;
	case SECM_LAYER_JSON:
		if (memchr(text, '\\', len) != NULL)
			rc = by_lines(&b, text, len, json_want, json_line);
		break;
	case SECM_LAYER_QUOTE:
		if (memchr(text, '>', len) != NULL && quote_needed(text, len))
			rc = by_lines(&b, text, len, quote_want, quote_line);
		break;
	default:
		rc = SECM_OK;
		break;
	}
	return lb_finish(&b, rc);
}

/* find_seg - the segment holding layer byte p (p < l->len) */
static const secm_layer_seg *find_seg(const secm_layer *l, size_t p)
{
	size_t lo = 0, hi = l->nsegs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->segs[mid].off <= p)
			lo = mid;
		else
			hi = mid;
	}
	return &l->segs[lo];
}

/* secm_layer_map - unit-text range that produced a layer range */
int secm_layer_map(const secm_layer *l, size_t start, size_t end,
		   size_t *ustart, size_t *uend)
{
	const secm_layer_seg *a, *z;
	size_t to, q, last;

	if (l == NULL || l->nsegs == 0 || start >= end || end > l->len)
		return SECM_EINTERNAL;
	a = find_seg(l, start);
	z = find_seg(l, end - 1);
	switch (a->kind) {
	case SECM_SEG_COPY:
		*ustart = a->src + (start - a->off);
		break;
	case SECM_SEG_BASE64:
		q = (start - a->off) / 3;
		*ustart = b64_nth(l->src, a->src, a->src + a->src_len, q * 4);
		break;
	default:
		*ustart = a->src;
		break;
	}
	switch (z->kind) {
	case SECM_SEG_COPY:
		*uend = z->src + (end - 1 - z->off) + 1;
		break;
	case SECM_SEG_BASE64:
		to = z->src + z->src_len;
		q = (end - 1 - z->off) / 3;
		last = b64_nth(l->src, z->src, to, q * 4 + 3);
		/* a short last quantum: to the end, padding included */
		*uend = last == to ? to : last + 1;
		while (*uend < to && l->src[*uend] == '=')
			(*uend)++;
		break;
	default:
		*uend = z->src + z->src_len;
		break;
	}
	if (*uend < *ustart)
		*uend = *ustart;
	return SECM_OK;
}

/* secm_layer_free - wipe and free a layer; NULL is fine */
void secm_layer_free(secm_layer *l)
{
	if (l == NULL)
		return;
	if (l->text != NULL)
		secm_wipe(l->text, l->len);
	free(l->text);
	free(l->segs);
	memset(l, 0, sizeof(*l));
}
