/*
 * redact.c - splice redacted parts back into the raw message (see redact.h).
 *
 * Design: for every unit with spans, map the spans to the unit's source
 * text (HTML through the offset map; a span across tags takes the whole
 * source range it covers), snap them to UTF-8 character bounds, merge
 * overlaps, and replace each range with "[REDACTED:<rule-id>]" (the rule
 * of the earliest span in a merged group); in HTML the whole tags inside a
 * replaced range are kept after the placeholder so markup stays balanced.
 *
 * Splicing is done on the part's transfer-decoded bytes, not by converting
 * the whole new text back to the charset (which would turn bytes that
 * decoded to U+FFFD into '?' far from any secret): the walk recorded the
 * line starts where the conversion is in its initial state (unit seg_*),
 * only the segments an edit touches are looked at, and inside them the
 * bytes are cut at characters (secm_charset_cuts; ISO-2022-JP with its
 * designations restored around the placeholder) so that only the replaced
 * characters are converted; when a segment cannot be mapped it is
 * converted back whole, and without a map the whole text is (as before).
 * The decoded bytes then get the part's transfer encoding and line ends
 * (uuencode keeps its begin and end lines) and replace the part's
 * [raw_start, raw_end).  Every other byte is copied as it was.
 * secm_rewrite_units turns a new source into one edit (the common prefix
 * and suffix stay) and splices it the same way.  A uuencoded block inside
 * a text part is a unit of its own (uu_parent): its edits become one edit
 * of the parent that replaces the block with the block encoded again.
 * ArchiveFallback remove (SECM_REDACT_REMOVE) replaces a whole attachment
 * part, headers included, with a note.
 *
 * Subject: the value is rebuilt from the redacted decoded text, RFC 2047
 * encoded (UTF-8) only when it is not ASCII, and folded at whitespace so
 * lines stay under 78 characters.  The raw field keeps its original name
 * and line ends; out->subject holds the value for smfi_chgheader: leading
 * space kept, continuation lines joined by "\n" plus the folding space
 * (the form libmilter hands us and Postfix accepts), no final line end.
 *
 * Threading: no shared state.  Buffers that held mail are wiped.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "error.h"
#include "html_text.h"
#include "redact.h"
#include "text_decode.h"

#define FOLD_WIDTH 77		/* longest folded line, without its line end */

typedef struct range {
	size_t s, e;
	const char *rule;
} range;

typedef struct edit {
	size_t s, e;		/* replaced range of the unit's source */
	size_t ro, rl;		/* replacement text in the edit buffer */
	int block;		/* a re-encoded uuencoded block (uu_edit) */
} edit;

typedef struct splice {
	size_t start, end;	/* replaced raw range */
	secm_buf bytes;		/* what goes there */
	int body;		/* a body part (not the Subject) */
} splice;

/* cmp_range - order ranges by start, then end */
static int cmp_range(const void *a, const void *b)
{
	const range *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	return 0;
}

/* cmp_edit - order edits by start, insertions first */
static int cmp_edit(const void *a, const void *b)
{
	const edit *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	return 0;
}

/* cmp_splice - order splices by raw start */
static int cmp_splice(const void *a, const void *b)
{
	const splice *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* keep_tags - append the whole tags inside src[s..e) so that a redaction
 * across "<b>AKIA</b>IOSF" leaves the markup balanced */
static int keep_tags(const unsigned char *src, size_t s, size_t e, secm_buf *out)
{
	const unsigned char *gt;
	size_t j;

	for (j = s; j < e; j++) {
		if (src[j] != '<')
			continue;
		gt = memchr(src + j, '>', e - j);
		if (gt == NULL)
			break;
		if (secm_buf_append(out, src + j, (size_t)(gt - src) + 1 - j) != 0)
			return SECM_ENOMEM;
		j = (size_t)(gt - src);
	}
	return SECM_OK;
}

/* build_edits - turn the unit's ranges (any order, may overlap) into
 * sorted, disjoint edits whose replacement text is appended to rb */
static int build_edits(const secm_unit *u, range *r, size_t nr, edit *ed,
		       size_t *ned, secm_buf *rb)
{
	const unsigned char *src = (const unsigned char *)u->source;
	size_t i, pos = 0, s, e, n = 0;

	for (i = 0; i < nr; i++) {
		s = r[i].s;
		e = r[i].e;
		/* whole characters only */
		while (s > 0 && s < u->source_len && (src[s] & 0xc0) == 0x80)
			s--;
		while (e < u->source_len && (src[e] & 0xc0) == 0x80)
			e++;
		r[i].s = s;
		r[i].e = e;
	}
	if (nr > 1)
		qsort(r, nr, sizeof(*r), cmp_range);
	for (i = 0; i < nr; i++) {
		const char *rule = r[i].rule;

		s = r[i].s;
		e = r[i].e;
		/* merge everything that overlaps this group */
		while (i + 1 < nr && r[i + 1].s < e) {
			if (r[i + 1].e > e)
				e = r[i + 1].e;
			i++;
		}
		if (s < pos)
			s = pos;
		ed[n].s = s;
		ed[n].e = e > s ? e : s;
		ed[n].ro = rb->len;
		if (secm_buf_printf(rb, "[REDACTED:%s]", rule) != 0)
			return SECM_ENOMEM;
		if (u->is_html && keep_tags(src, s, e, rb) != 0)
			return SECM_ENOMEM;
		ed[n].rl = rb->len - ed[n].ro;
		n++;
		pos = e > pos ? e : pos;
	}
	*ned = n;
	return SECM_OK;
}

/* apply_edits - append src[from..to) with the edits (absolute offsets,
 * inside the range) applied */
static int apply_edits(const unsigned char *src, size_t from, size_t to,
		       const edit *ed, size_t ned, const secm_buf *rb,
		       secm_buf *out)
{
	size_t i, pos = from;

	for (i = 0; i < ned; i++) {
		if (secm_buf_append(out, src + pos, ed[i].s - pos) != 0 ||
		    secm_buf_append(out, rb->data + ed[i].ro, ed[i].rl) != 0)
			return SECM_ENOMEM;
		pos = ed[i].e;
	}
	return secm_buf_append(out, src + pos, to - pos);
}

/* seg_of - the segment of u holding source offset pos */
static size_t seg_of(const secm_unit *u, size_t pos)
{
	size_t lo = 0, hi = u->nseg;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->seg_src[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* seg_after - one past the last segment an edit touches */
static size_t seg_after(const secm_unit *u, const edit *e)
{
	return seg_of(u, e->e > e->s ? e->e - 1 : e->s) + 1;
}

/* splice_fine - cut the segment's decoded bytes d[0..dl) at characters and
 * convert only each edit's text; 0 or SECM_ECHARSET when that cannot be
 * done (the caller then converts the segment whole) */
static int splice_fine(const secm_unit *u, const unsigned char *d, size_t dl,
		       const unsigned char *s, size_t sl, size_t off,
		       const edit *ed, size_t ned, const secm_buf *rb,
		       secm_buf *out)
{
	secm_cs_cut *c = NULL;
	secm_buf mid = SECM_BUF_INIT;
	size_t nc, i, ks, ke, pd = 0, es, ee;
	int jis = secm_charset_is_jis(u->decode_charset), rc;

	rc = secm_charset_cuts(u->decode_charset, d, dl, s, sl, &c, &nc);
	if (rc != 0)
		return rc;
	for (i = 0; i < ned && rc == 0; i++) {
		es = ed[i].s - off;
		ee = ed[i].e - off;
		for (ks = nc - 1; ks > 0 && c[ks].utf > es; ks--)
			;
		while (ks > 0 && c[ks - 1].utf == c[ks].utf)
			ks--;
		for (ke = 0; ke + 1 < nc && c[ke].utf < ee; ke++)
			;
		while (ke + 1 < nc && c[ke + 1].utf == c[ke].utf)
			ke++;
		if (c[ks].dec < pd || c[ke].utf < ee) {
			rc = SECM_ECHARSET;
			break;
		}
		secm_buf_reset(&mid);
		if (secm_buf_append(out, d + pd, c[ks].dec - pd) != 0 ||
		    (jis && c[ks].st_len > 0 &&
		     secm_buf_append(out, "\x1b(B", 3) != 0) ||
		    secm_buf_append(&mid, s + c[ks].utf, es - c[ks].utf) != 0 ||
		    secm_buf_append(&mid, rb->data + ed[i].ro, ed[i].rl) != 0 ||
		    secm_buf_append(&mid, s + ee, c[ke].utf - ee) != 0) {
			rc = SECM_ENOMEM;
			break;
		}
		rc = secm_charset_from_utf8(u->decode_charset, mid.data, mid.len, out);
		if (rc == 0 && jis && c[ke].st_len > 0 &&
		    secm_buf_append(out, d + c[ke].st_off, c[ke].st_len) != 0)
			rc = SECM_ENOMEM;
		pd = c[ke].dec;
	}
	if (rc == 0)
		rc = secm_buf_append(out, d + pd, dl - pd);
	if (mid.data != NULL)
		secm_wipe(mid.data, mid.len);
	secm_buf_free(&mid);
	free(c);
	return rc;
}

/* splice_segments - segments a..b of the unit, decoded d (whole part),
 * with edits applied: character-exact where possible, else the segments
 * converted back whole */
static int splice_segments(const secm_unit *u, const unsigned char *d,
			   size_t a, size_t b, const edit *ed, size_t ned,
			   const secm_buf *rb, secm_buf *out)
{
	const unsigned char *src = (const unsigned char *)u->source;
	secm_buf t = SECM_BUF_INIT;
	size_t mark = out->len, da = u->seg_dec[a], sa = u->seg_src[a];
	int rc;

	rc = splice_fine(u, d + da, u->seg_dec[b] - da, src + sa,
			 u->seg_src[b] - sa, sa, ed, ned, rb, out);
	if (rc != SECM_ECHARSET)
		return rc;
	secm_wipe(out->data + mark, out->len - mark);
	out->len = mark;
	rc = apply_edits(src, sa, u->seg_src[b], ed, ned, rb, &t);
	if (rc == 0)
		rc = secm_charset_from_utf8(u->decode_charset, t.data, t.len, out);
	if (t.data != NULL)
		secm_wipe(t.data, t.len);
	secm_buf_free(&t);
	return rc;
}

/* splice_decoded - the part's new decoded bytes: d[0..dl) with only the
 * segments the edits touch converted again; SECM_ECHARSET when the unit
 * has no usable segment map */
static int splice_decoded(const secm_unit *u, const unsigned char *d,
			  size_t dl, const edit *ed, size_t ned,
			  const secm_buf *rb, secm_buf *out)
{
	size_t i = 0, j, a, b, b2, pd = 0;
	int rc;

	if (u->seg_src == NULL || u->nseg == 0 || u->seg_dec[u->nseg] != dl ||
	    u->seg_src[u->nseg] != u->source_len)
		return SECM_ECHARSET;
	while (i < ned) {
		a = seg_of(u, ed[i].s);
		b = seg_after(u, &ed[i]);
		for (j = i; j + 1 < ned && seg_of(u, ed[j + 1].s) < b; j++) {
			b2 = seg_after(u, &ed[j + 1]);
			b = b2 > b ? b2 : b;
		}
		if (secm_buf_append(out, d + pd, u->seg_dec[a] - pd) != 0)
			return SECM_ENOMEM;
		rc = splice_segments(u, d, a, b, ed + i, j + 1 - i, rb, out);
		if (rc != 0)
			return rc;
		pd = u->seg_dec[b];
		i = j + 1;
	}
	return secm_buf_append(out, d + pd, dl - pd);
}

/* uu_block_bytes - the uuencoded block p[0..n) with its data replaced by
 * bytes[0..bl): the begin line and the lines from "end" on are kept */
static int uu_block_bytes(const unsigned char *p, size_t n,
			  const unsigned char *bytes, size_t bl, int crlf,
			  secm_buf *out)
{
	size_t ds, de, k;

	secm_uu_bounds(p, n, &ds, &de, NULL, 0);
	if (secm_buf_append(out, p, ds) != 0 ||
	    secm_cte_encode(SECM_CTE_UUENCODE, bytes, bl, crlf, 1, out) != 0)
		return SECM_ENOMEM;
	/* our encoder wrote the zero-length line: drop the original one */
	if (de < n && (p[de] == '`' || p[de] == ' ')) {
		for (k = de; k < n && p[k] != '\n'; k++)
			;
		de = k < n ? k + 1 : n;
	}
	return secm_buf_append(out, p + de, n - de);
}

/* uu_body - re-encode a uuencoded part, keeping its begin and end lines */
static int uu_body(const unsigned char *raw, const secm_unit *u,
		   const secm_buf *bytes, secm_buf *out)
{
	return uu_block_bytes(raw + u->raw_start, u->raw_end - u->raw_start,
			      bytes->data, bytes->len, u->crlf, out);
}

/* uu_edit - the edit of the parent's source that puts uuencoded block
 * unit u back with the new decoded text src[0..n) (UTF-8, converted back
 * to the charset it was read as); replacement appended to rb */
static int uu_edit(const secm_unit *u, const secm_unit *parent,
		   const unsigned char *src, size_t n, secm_buf *rb, edit *e)
{
	const unsigned char *blk = (const unsigned char *)parent->source + u->uu_start;
	size_t bl = u->uu_end - u->uu_start;
	const unsigned char *nl = memchr(blk, '\n', bl);
	secm_buf b = SECM_BUF_INIT;
	int rc = SECM_OK;

	if (u->decode_charset[0] != '\0')
		rc = secm_charset_from_utf8(u->decode_charset, src, n, &b);
	if (u->decode_charset[0] == '\0' || rc == SECM_ECHARSET) {
		secm_buf_reset(&b);
		rc = secm_buf_append(&b, src, n) != 0 ? SECM_ENOMEM : SECM_OK;
	}
	e->s = u->uu_start;
	e->e = u->uu_end;
	e->ro = rb->len;
	e->block = 1;
	if (rc == SECM_OK)
		rc = uu_block_bytes(blk, bl, b.data != NULL ? b.data :
				    (const unsigned char *)"", b.len,
				    nl != NULL && nl > blk && nl[-1] == '\r', rb);
	e->rl = rb->len - e->ro;
	if (b.data != NULL)
		secm_wipe(b.data, b.len);
	secm_buf_free(&b);
	return rc;
}

/* merge_edits - sort ed[0..*n) and drop an edit of the unit's own text
 * that overlaps a re-encoded block (the block is rewritten whole) */
static void merge_edits(edit *ed, size_t *n)
{
	size_t i, k = 0;

	if (*n > 1)
		qsort(ed, *n, sizeof(*ed), cmp_edit);
	for (i = 0; i < *n; i++) {
		while (k > 0 && ed[i].s < ed[k - 1].e && ed[i].block &&
		       !ed[k - 1].block)
			k--;
		if (k > 0 && ed[i].s < ed[k - 1].e)
			continue;	/* inside the kept one */
		ed[k++] = ed[i];
	}
	*n = k;
}

/* body_bytes - the part's decoded bytes with the edits spliced in (or,
 * without a usable segment map, the whole new text converted back) ->
 * transfer encoding */
static int body_bytes(const unsigned char *raw, const secm_unit *u,
		      const edit *ed, size_t ned, const secm_buf *rb,
		      secm_buf *out)
{
	secm_buf cs = SECM_BUF_INIT, dec = SECM_BUF_INIT, text = SECM_BUF_INIT;
	int rc, final_eol;

	rc = secm_cte_decode(u->cte, raw + u->raw_start, u->raw_end - u->raw_start,
			     &dec, NULL, 0);
	if (rc == 0)
		rc = splice_decoded(u, dec.data != NULL ? dec.data :
				    (const unsigned char *)"", dec.len, ed, ned, rb, &cs);
	if (rc == SECM_ECHARSET) {
		if (cs.data != NULL)
			secm_wipe(cs.data, cs.len);
		secm_buf_reset(&cs);
		rc = apply_edits((const unsigned char *)u->source, 0,
				 u->source_len, ed, ned, rb, &text);
		if (rc == 0)
			rc = secm_charset_from_utf8(u->decode_charset, text.data,
						    text.len, &cs);
		if (rc == SECM_ECHARSET) {
			/* cannot convert back: keep the label, send the UTF-8 */
			secm_buf_reset(&cs);
			rc = secm_buf_append(&cs, text.data, text.len);
		}
	}
	if (rc != 0)
		goto out;
	final_eol = u->raw_end > u->raw_start && raw[u->raw_end - 1] == '\n';
	if (u->cte == SECM_CTE_UUENCODE)
		rc = uu_body(raw, u, &cs, out);
	else
		rc = secm_cte_encode(u->cte, cs.data, cs.len, u->crlf,
				     final_eol, out);
out:
	if (cs.data != NULL)
		secm_wipe(cs.data, cs.len);
	if (dec.data != NULL)
		secm_wipe(dec.data, dec.len);
	if (text.data != NULL)
		secm_wipe(text.data, text.len);
	secm_buf_free(&cs);
	secm_buf_free(&dec);
	secm_buf_free(&text);
	return rc;
}

/* is_ascii - printable 7-bit text (plus tab) */
static int is_ascii(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80 || (p[i] < 0x20 && p[i] != '\t'))
			return 0;
	}
	return 1;
}

/* fold - append " value" folded at whitespace; col = columns used so far */
static int fold(secm_buf *out, const char *v, size_t col, const char *eol)
{
	const char *p = v, *q, *r;
	size_t first = col + 1;

	while (*p != '\0') {
		q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		r = q;
		while (*r != '\0' && *r != ' ' && *r != '\t')
			r++;
		if (col + (size_t)(r - p) > FOLD_WIDTH && col > first &&
		    q > p && r > q) {
			if (secm_buf_append_str(out, eol) != 0)
				return SECM_ENOMEM;
			col = 0;
		}
		if (secm_buf_append(out, p, (size_t)(r - p)) != 0)
			return SECM_ENOMEM;
		col += (size_t)(r - p);
		p = r;
	}
	return SECM_OK;
}

/* subject_field - the new Subject field (raw) and the smfi_chgheader value */
static int subject_field(const unsigned char *raw, const secm_unit *u,
			 secm_buf *text, secm_buf *field, char **value)
{
	secm_buf v = SECM_BUF_INIT, lf = SECM_BUF_INIT;
	char *enc = NULL;
	const char *eol = u->crlf ? "\r\n" : "\n";
	size_t i, name;
	int rc = SECM_ENOMEM;

	/* no line breaks may survive into a header value */
	for (i = 0; i < text->len; i++) {
		if (text->data[i] == '\r' || text->data[i] == '\n')
			text->data[i] = ' ';
	}
	if (secm_buf_append(&v, " ", 1) != 0)
		goto out;
	if (is_ascii(text->data, text->len)) {
		if (secm_buf_append(&v, text->data, text->len) != 0)
			goto out;
	} else {
		enc = g_mime_utils_header_encode_text(NULL, (const char *)text->data,
						      "UTF-8");
		if (enc == NULL || secm_buf_append_str(&v, enc) != 0)
			goto out;
	}
	for (name = u->raw_start; name < u->raw_end && raw[name] != ':'; name++)
		;
	name = name < u->raw_end ? name + 1 - u->raw_start : 8;
	if (secm_buf_append(field, raw + u->raw_start, name) != 0 ||
	    fold(field, (const char *)v.data, name, eol) != 0 ||
	    secm_buf_append_str(field, eol) != 0)
		goto out;
	if (fold(&lf, (const char *)v.data, name, "\n") != 0 ||
	    secm_buf_reserve(&lf, 0) != 0)
		goto out;
	if (value != NULL)
		*value = (char *)secm_buf_steal(&lf, NULL);
	rc = SECM_OK;
out:
	if (enc != NULL) {
		secm_wipe(enc, strlen(enc));
		g_free(enc);
	}
	secm_buf_free(&v);
	secm_buf_free(&lf);
	return rc;
}

/* whole_part - a unit whose text cannot be put back (TNEF text runs,
 * archive members): the part's whole content becomes its placeholders,
 * one per line, in the part's transfer encoding */
static int whole_part(const secm_unit *u, const edit *ed, size_t ned,
		      const secm_buf *rb, secm_buf *out)
{
	secm_buf t = SECM_BUF_INIT;
	size_t i;
	int rc = SECM_OK;

	for (i = 0; i < ned && rc == SECM_OK; i++) {
		if (secm_buf_append(&t, rb->data + ed[i].ro, ed[i].rl) != 0 ||
		    secm_buf_append_str(&t, u->crlf ? "\r\n" : "\n") != 0)
			rc = SECM_ENOMEM;
	}
	if (rc == SECM_OK)
		rc = secm_cte_encode(u->cte == SECM_CTE_BASE64 ? SECM_CTE_BASE64 :
				     SECM_CTE_7BIT, t.data, t.len, u->crlf, 1, out);
	secm_buf_free(&t);
	return rc;
}

/* same_part - units a and b come from one MIME attachment */
static int same_part(const secm_unit *a, const secm_unit *b)
{
	return a->raw_start == b->raw_start && a->raw_end == b->raw_end;
}

/* rule_listed - is rule (n bytes) already in the comma list l[0..ll) */
static int rule_listed(const char *l, size_t ll, const char *rule, size_t n)
{
	size_t i = 0, k;

	while (i < ll) {
		for (k = i; k < ll && l[k] != ','; k++)
			;
		if (k - i == n && memcmp(l + i, rule, n) == 0)
			return 1;
		i = k + 1;
	}
	return 0;
}

/* safe_name - a file name fit for a quoted header parameter: printable
 * ASCII without quotes or backslashes, the rest as '_' */
static int safe_name(const char *fn, secm_buf *out)
{
	char ch;

	if (fn[0] == '\0')
		fn = "attachment";
	for (; *fn != '\0'; fn++) {
		ch = *fn >= ' ' && *fn < 127 && *fn != '"' && *fn != '\\' ? *fn : '_';
		if (secm_buf_append(out, &ch, 1) != 0)
			return SECM_ENOMEM;
	}
	return SECM_OK;
}

/* removal_part - the note that replaces the attachment holding unit u
 * (SECM_REDACT_REMOVE): headers, blank line, text naming the file and the
 * rule ids of every span in units of the same attachment */
static int removal_part(const unsigned char *raw, const secm_walk *w,
			const secm_unit *u, const secm_span *spans,
			size_t nspans, splice *sp)
{
	const char *eol = u->crlf ? "\r\n" : "\n";
	secm_buf name = SECM_BUF_INIT, rules = SECM_BUF_INIT;
	secm_buf *o = &sp->bytes;
	size_t i, n;
	int rc = SECM_ENOMEM;
	/* the line end before a boundary belongs to the boundary */
	int final_eol = u->raw_end > u->raw_start &&
			raw[u->raw_end - 1] == '\n';

	sp->start = u->part_start;
	sp->end = u->raw_end;
	sp->body = 1;
	for (i = 0; i < nspans; i++) {
		const char *r = spans[i].rule_id != NULL && spans[i].rule_id[0] ?
				spans[i].rule_id : "secret";

		if (!same_part(&w->units[spans[i].unit], u))
			continue;
		n = strlen(r);
		if (rule_listed((const char *)rules.data, rules.len, r, n))
			continue;
		if ((rules.len > 0 && secm_buf_append(&rules, ",", 1) != 0) ||
		    secm_buf_append(&rules, r, n) != 0)
			goto out;
	}
	if (safe_name(u->attachment, &name) != 0 ||
	    secm_buf_append(&name, "", 1) != 0 ||
	    secm_buf_append(&rules, "", 1) != 0)
		goto out;
	if (secm_buf_printf(o, "Content-Type: text/plain; charset=us-ascii%s"
			    "Content-Disposition: attachment; filename=\"%s.removed.txt\"%s"
			    "Content-Transfer-Encoding: 7bit%s%s"
			    "The attachment \"%s\" was removed by secret-milter:%s"
			    "it contains credentials that cannot be redacted inside it%s"
			    "(rules: %s).%s",
			    eol, (char *)name.data, eol, eol, eol,
			    (char *)name.data, eol, eol, (char *)rules.data,
			    final_eol ? eol : "") != 0)
		goto out;
	rc = SECM_OK;
out:
	secm_buf_free(&name);
	secm_buf_free(&rules);
	return rc;
}

/* source_splice - the replacement bytes for unit u with the edits */
static int source_splice(const unsigned char *raw, size_t body_start,
			 const secm_unit *u, const edit *ed, size_t ned,
			 const secm_buf *rb, splice *sp, char **subject)
{
	secm_buf text = SECM_BUF_INIT;
	int rc;

	sp->start = u->raw_start;
	sp->end = u->raw_end;
	sp->body = u->kind != SECM_UNIT_SUBJECT && u->raw_start >= body_start;
	if (u->no_redact)
		return whole_part(u, ed, ned, rb, &sp->bytes);
	if (u->kind != SECM_UNIT_SUBJECT && u->kind != SECM_UNIT_HEADER)
		return body_bytes(raw, u, ed, ned, rb, &sp->bytes);
	rc = apply_edits((const unsigned char *)u->source, 0, u->source_len,
			 ed, ned, rb, &text);
	if (rc == 0)
		rc = subject_field(raw, u, &text, &sp->bytes,
				   u->kind == SECM_UNIT_SUBJECT ? subject : NULL);
	if (text.data != NULL)
		secm_wipe(text.data, text.len);
	secm_buf_free(&text);
	return rc;
}

static int collect(const secm_walk *w, size_t ui, const secm_span *spans,
		   size_t nspans, range **out, size_t *nr, secm_error *err);

/* uu_children - number of uuencoded block units right after unit ui */
static size_t uu_children(const secm_walk *w, size_t ui)
{
	size_t j = ui + 1;

	while (j < w->n && w->units[j].uu_parent == ui + 1)
		j++;
	return j - ui - 1;
}

/* child_edit - the block edit of uu unit ci with its spans redacted, or
 * *used = 0 when it has no span */
static int child_edit(const secm_walk *w, size_t ci, const secm_span *spans,
		      size_t nspans, secm_buf *rb, edit *e, int *used,
		      secm_error *err)
{
	const secm_unit *cu = &w->units[ci];
	secm_buf crb = SECM_BUF_INIT, text = SECM_BUF_INIT;
	range *r = NULL;
	edit *ced = NULL;
	size_t nr, cned = 0;
	int rc;

	*used = 0;
	rc = collect(w, ci, spans, nspans, &r, &nr, err);
	if (rc != SECM_OK || nr == 0)
		goto out;
	ced = calloc(nr, sizeof(*ced));
	if (ced == NULL) {
		rc = SECM_ENOMEM;
		goto out;
	}
	rc = build_edits(cu, r, nr, ced, &cned, &crb);
	if (rc == SECM_OK)
		rc = apply_edits((const unsigned char *)cu->source, 0,
				 cu->source_len, ced, cned, &crb, &text);
	if (rc == SECM_OK)
		rc = uu_edit(cu, &w->units[cu->uu_parent - 1], text.data != NULL ?
			     text.data : (const unsigned char *)"", text.len, rb, e);
	*used = rc == SECM_OK;
out:
	if (text.data != NULL)
		secm_wipe(text.data, text.len);
	secm_buf_free(&text);
	secm_buf_free(&crb);
	free(ced);
	free(r);
	return rc;
}

/* unit_splice - build the replacement for unit ui with its ranges and
 * the redacted uuencoded blocks in it */
static int unit_splice(const unsigned char *raw, const secm_walk *w,
		       size_t ui, range *r, size_t nr, const secm_span *spans,
		       size_t nspans, splice *sp, char **subject,
		       secm_error *err)
{
	const secm_unit *u = &w->units[ui];
	secm_buf rb = SECM_BUF_INIT;
	edit *ed;
	size_t ned = 0, nc = uu_children(w, ui);
	int rc, used;

	ed = calloc(nr + nc + 1, sizeof(*ed));
	if (ed == NULL)
		return SECM_ENOMEM;
	rc = build_edits(u, r, nr, ed, &ned, &rb);
	for (size_t j = 1; j <= nc && rc == SECM_OK; j++) {
		rc = child_edit(w, ui + j, spans, nspans, &rb, &ed[ned], &used, err);
		ned += (size_t)used;
	}
	merge_edits(ed, &ned);
	if (rc == SECM_OK)
		rc = source_splice(raw, w->body_start, u, ed, ned, &rb, sp, subject);
	free(ed);
	if (rb.data != NULL)
		secm_wipe(rb.data, rb.len);
	secm_buf_free(&rb);
	return rc;
}

/* has_spans - does any span fall in unit ui or its uuencoded blocks */
static int has_spans(const secm_walk *w, size_t ui, const secm_span *spans,
		     size_t nspans)
{
	size_t nc = uu_children(w, ui);

	for (size_t i = 0; i < nspans; i++) {
		if (spans[i].unit >= ui && spans[i].unit <= ui + nc)
			return 1;
	}
	return 0;
}

/* diff_edit - the one edit that turns u's source into new[0..nl): the
 * common prefix and suffix (at character bounds) stay */
static void diff_edit(const secm_unit *u, const unsigned char *nw, size_t nl,
		      edit *e)
{
	const unsigned char *o = (const unsigned char *)u->source;
	size_t ol = u->source_len, p = 0, q = 0, lim;

	while (p < ol && p < nl && o[p] == nw[p])
		p++;
	while (p > 0 && ((p < ol && (o[p] & 0xc0) == 0x80) ||
			 (p < nl && (nw[p] & 0xc0) == 0x80)))
		p--;
	lim = (ol < nl ? ol : nl) - p;
	while (q < lim && o[ol - 1 - q] == nw[nl - 1 - q])
		q++;
	while (q > 0 && (o[ol - q] & 0xc0) == 0x80)
		q--;
	e->s = p;
	e->e = ol - q;
	e->ro = p;
	e->rl = nl - q - p;
}

/* assemble - copy raw with the splices (any order, not overlapping) put
 * over their ranges into out->message and out->body */
static int assemble(const unsigned char *raw, size_t len, const secm_walk *w,
		    splice *sp, size_t nsp, secm_redaction *out, secm_error *err)
{
	size_t i, pos = 0, body_start;
	long long shift = 0;

	if (nsp > 1)
		qsort(sp, nsp, sizeof(*sp), cmp_splice);
	body_start = w->body_start <= len ? w->body_start : len;
	for (i = 0; i < nsp; i++) {
		if (sp[i].start < pos)
			return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
					      "overlapping parts in redaction");
		if (secm_buf_append(&out->message, raw + pos, sp[i].start - pos) != 0 ||
		    secm_buf_append(&out->message, sp[i].bytes.data, sp[i].bytes.len) != 0)
			goto oom;
		if (sp[i].end <= body_start)
			shift += (long long)sp[i].bytes.len -
				 (long long)(sp[i].end - sp[i].start);
		if (sp[i].body && (sp[i].bytes.len != sp[i].end - sp[i].start ||
		    (sp[i].bytes.len > 0 &&
		     memcmp(sp[i].bytes.data, raw + sp[i].start, sp[i].bytes.len) != 0)))
			out->body_changed = 1;
		pos = sp[i].end;
	}
	if (secm_buf_append(&out->message, raw + pos, len - pos) != 0)
		goto oom;
	body_start = (size_t)((long long)body_start + shift);
	if (out->message.len > body_start &&
	    secm_buf_append(&out->body, out->message.data + body_start,
			    out->message.len - body_start) != 0)
		goto oom;
	return SECM_OK;
oom:
	return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "redaction: out of memory");
}

/* check_unit - is unit ui of w a usable splice target inside raw[0..len) */
static int check_unit(const secm_walk *w, size_t ui, size_t len, secm_error *err)
{
	const secm_unit *u;

	if (ui >= w->n)
		return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
				      "unit %zu of %zu", ui, w->n);
	u = &w->units[ui];
	if (u->raw_start > u->raw_end || u->raw_end > len)
		return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
			"part %s: raw range outside the message", u->path);
	return SECM_OK;
}

/* collect - the spans of unit ui, in source coordinates; count in *nr */
static int collect(const secm_walk *w, size_t ui, const secm_span *spans,
		   size_t nspans, range **out, size_t *nr, secm_error *err)
{
	const secm_unit *u = &w->units[ui];
	size_t i, n = 0;
	range *r;

	*out = NULL;
	*nr = 0;
	for (i = 0; i < nspans; i++)
		n += spans[i].unit == ui;
	if (n == 0)
		return SECM_OK;
	r = calloc(n, sizeof(*r));
	if (r == NULL)
		return SECM_ENOMEM;
	for (i = 0, n = 0; i < nspans; i++) {
		if (spans[i].unit != ui)
			continue;
		if (spans[i].start > spans[i].end || spans[i].end > u->text_len) {
			free(r);
			return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
				"part %s: span %zu..%zu outside text of %zu bytes",
				u->path, spans[i].start, spans[i].end, u->text_len);
		}
		if (u->map != NULL && u->map_end != NULL) {
			/* HTML, format=flowed: the whole source range */
			secm_html_source_range(u->map, u->map_end, u->text_len,
					       spans[i].start, spans[i].end,
					       &r[n].s, &r[n].e);
		} else {
			r[n].s = spans[i].start;
			r[n].e = spans[i].end;
		}
		if (r[n].e > u->source_len)
			r[n].e = u->source_len;
		if (r[n].s > r[n].e)
			r[n].s = r[n].e;
		r[n].rule = spans[i].rule_id != NULL && spans[i].rule_id[0] != '\0' ?
			spans[i].rule_id : "secret";
		n++;
	}
	*out = r;
	*nr = n;
	return SECM_OK;
}

/* secm_redact - rebuild the message with every span replaced */
int secm_redact(const unsigned char *raw, size_t len, const secm_walk *w,
		const secm_span *spans, size_t nspans, secm_redaction *out,
		secm_error *err)
{
	return secm_redact_flags(raw, len, w, spans, nspans, 0, out, err);
}

/* secm_redact_flags - secm_redact, attachments removed on request */
int secm_redact_flags(const unsigned char *raw, size_t len, const secm_walk *w,
		      const secm_span *spans, size_t nspans, unsigned int flags,
		      secm_redaction *out, secm_error *err)
{
	splice *sp = NULL;
	range *r = NULL;
	size_t nsp = 0, i, nr;
	int rc = SECM_OK;

	memset(out, 0, sizeof(*out));
	if (raw == NULL) {
		raw = (const unsigned char *)"";
		len = 0;
	}
	for (i = 0; i < nspans; i++) {
		if (spans[i].unit >= w->n)
			return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
				"span %zu: unit %zu of %zu", i, spans[i].unit, w->n);
	}
	if (w->n > 0) {
		sp = calloc(w->n, sizeof(*sp));
		if (sp == NULL)
			return SECM_ENOMEM;
	}
	for (i = 0; i < w->n; i++) {
		const secm_unit *u = &w->units[i];

		if (u->uu_parent > 0 || !has_spans(w, i, spans, nspans))
			continue;	/* blocks go back with their parent */
		rc = collect(w, i, spans, nspans, &r, &nr, err);
		if (rc != 0)
			goto out;
		rc = check_unit(w, i, len, err);
		if (rc != 0)
			goto out;
		if (u->kind == SECM_UNIT_SUBJECT && out->subject != NULL) {
			free(r);	/* only the first Subject is a unit */
			r = NULL;
			continue;
		}
		if (u->no_redact && nsp > 0 && sp[nsp - 1].end == u->raw_end &&
		    (sp[nsp - 1].start == u->raw_start ||
		     (u->part_start > 0 && sp[nsp - 1].start == u->part_start))) {
			free(r);	/* members of one attachment: replaced once */
			r = NULL;
			continue;
		}
		if ((flags & SECM_REDACT_REMOVE) && u->no_redact &&
		    u->part_start > 0 && u->part_start >= w->body_start &&
		    u->part_start < u->raw_start)
			rc = removal_part(raw, w, u, spans, nspans, &sp[nsp]);
		else
			rc = unit_splice(raw, w, i, r, nr, spans, nspans,
					 &sp[nsp], &out->subject, err);
		nsp++;
		free(r);
		r = NULL;
		if (rc != 0)
			goto out;
	}
	rc = assemble(raw, len, w, sp, nsp, out, err);
out:
	free(r);
	for (i = 0; sp != NULL && i < w->n; i++)
		secm_buf_free(&sp[i].bytes);
	free(sp);
	if (rc != 0)
		secm_redaction_free(out);
	return rc;
}

/* target_of - the unit whose raw bytes change when unit ui is edited: a
 * uuencoded block goes back through its parent */
static size_t target_of(const secm_walk *w, size_t ui)
{
	return w->units[ui].uu_parent > 0 ? w->units[ui].uu_parent - 1 : ui;
}

/* rewrite_target - the splice of unit t with every edit that lands in it
 * (its own new source and new sources of its uuencoded blocks) */
static int rewrite_target(const unsigned char *raw, const secm_walk *w,
			  size_t t, const secm_unit_edit *edits, size_t nedits,
			  splice *sp, char **subject)
{
	const secm_unit *u = &w->units[t];
	secm_buf rb = SECM_BUF_INIT;
	edit *ed;
	size_t i, ned = 0;
	int rc = SECM_OK;

	ed = calloc(nedits + 1, sizeof(*ed));
	if (ed == NULL)
		return SECM_ENOMEM;
	/* the unit's own new source first, so its edit offsets start at 0 */
	for (i = 0; i < nedits && rc == SECM_OK; i++) {
		if (edits[i].unit != t)
			continue;
		if (secm_buf_append(&rb, edits[i].source != NULL ? edits[i].source :
				    "", edits[i].source_len) != 0) {
			rc = SECM_ENOMEM;
			break;
		}
		if (u->kind == SECM_UNIT_SUBJECT) {
			ed[ned].s = 0;
			ed[ned].e = u->source_len;
			ed[ned].ro = 0;
			ed[ned].rl = rb.len;
		} else {
			diff_edit(u, rb.data != NULL ? rb.data :
				  (const unsigned char *)"", rb.len, &ed[ned]);
		}
		ned++;
	}
	for (i = 0; i < nedits && rc == SECM_OK; i++) {
		if (edits[i].unit == t || target_of(w, edits[i].unit) != t)
			continue;
		rc = uu_edit(&w->units[edits[i].unit], u,
			     (const unsigned char *)(edits[i].source != NULL ?
						     edits[i].source : ""),
			     edits[i].source_len, &rb, &ed[ned++]);
	}
	merge_edits(ed, &ned);
	if (rc == SECM_OK)
		rc = source_splice(raw, w->body_start, u, ed, ned, &rb, sp, subject);
	free(ed);
	if (rb.data != NULL)
		secm_wipe(rb.data, rb.len);
	secm_buf_free(&rb);
	return rc;
}

/* secm_rewrite_units - replace whole unit sources and re-encode them */
int secm_rewrite_units(const unsigned char *raw, size_t len, const secm_walk *w,
		       const secm_unit_edit *edits, size_t nedits,
		       secm_redaction *out, secm_error *err)
{
	splice *sp = NULL;
	size_t i, j, t, nsp = 0;
	int rc = SECM_OK, hit;

	memset(out, 0, sizeof(*out));
	if (raw == NULL) {
		raw = (const unsigned char *)"";
		len = 0;
	}
	for (i = 0; i < nedits; i++) {
		rc = check_unit(w, edits[i].unit, len, err);
		if (rc != 0)
			return rc;
		for (j = 0; j < i; j++) {
			if (edits[j].unit == edits[i].unit)
				return secm_error_set(err, SECM_EINTERNAL, NULL, 0,
					NULL, "unit %zu edited twice", edits[i].unit);
		}
	}
	if (nedits > 0) {
		sp = calloc(nedits, sizeof(*sp));
		if (sp == NULL)
			return SECM_ENOMEM;
	}
	/* one splice per changed unit, in unit order */
	for (t = 0; t < w->n && rc == SECM_OK; t++) {
		for (i = 0, hit = 0; i < nedits && !hit; i++)
			hit = target_of(w, edits[i].unit) == t;
		if (!hit)
			continue;
		rc = check_unit(w, t, len, err);
		if (rc == SECM_OK)
			rc = rewrite_target(raw, w, t, edits, nedits, &sp[nsp++],
					    w->units[t].kind == SECM_UNIT_SUBJECT &&
					    out->subject == NULL ? &out->subject : NULL);
	}
	if (rc == SECM_OK)
		rc = assemble(raw, len, w, sp, nsp, out, err);
	for (i = 0; sp != NULL && i < nedits; i++)
		secm_buf_free(&sp[i].bytes);
	free(sp);
	if (rc != 0)
		secm_redaction_free(out);
	return rc;
}

/* secm_rewrite_unit - one unit's source replaced (see secm_rewrite_units) */
int secm_rewrite_unit(const unsigned char *raw, size_t len, const secm_walk *w,
		      size_t unit, const char *source, size_t source_len,
		      secm_redaction *out, secm_error *err)
{
	secm_unit_edit e = { unit, source, source_len };

	return secm_rewrite_units(raw, len, w, &e, 1, out, err);
}

/* secm_redaction_free - wipe and free the outputs; NULL is fine */
void secm_redaction_free(secm_redaction *r)
{
	if (r == NULL)
		return;
	secm_buf_free(&r->message);
	secm_buf_free(&r->body);
	if (r->subject != NULL) {
		secm_wipe(r->subject, strlen(r->subject));
		free(r->subject);
	}
	r->subject = NULL;
	r->body_changed = 0;
}
