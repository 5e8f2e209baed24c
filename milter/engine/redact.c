/*
 * redact.c - splice redacted parts back into the raw message (see redact.h).
 *
 * Design: for every unit with spans, map the spans to the unit's source
 * text (HTML through the offset map; a span across tags takes the whole
 * source range it covers), snap them to UTF-8 character bounds, merge
 * overlaps, and replace each range with "[REDACTED:<rule-id>]" (the rule
 * of the earliest span in a merged group); in HTML the whole tags inside a
 * replaced range are kept after the placeholder so markup stays balanced.  The new text goes back to the
 * charset the walk decoded with, then to the part's transfer encoding and
 * line ends (uuencode keeps its begin and end lines), and replaces the
 * part's [raw_start, raw_end).  Every other byte is copied as it was.
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

/* replace_ranges - append the unit's source with ranges (sorted, merged)
 * replaced by placeholders */
static int replace_ranges(const secm_unit *u, range *r, size_t nr, secm_buf *out)
{
	const unsigned char *src = (const unsigned char *)u->source;
	size_t i, pos = 0, s, e;

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
		if (secm_buf_append(out, src + pos, s - pos) != 0 ||
		    secm_buf_printf(out, "[REDACTED:%s]", rule) != 0)
			return SECM_ENOMEM;
		if (u->is_html && keep_tags(src, s, e, out) != 0)
			return SECM_ENOMEM;
		pos = e > pos ? e : pos;
	}
	return secm_buf_append(out, src + pos, u->source_len - pos);
}

/* uu_body - re-encode a uuencoded part, keeping its begin and end lines */
static int uu_body(const unsigned char *raw, const secm_unit *u,
		   const secm_buf *bytes, secm_buf *out)
{
	const unsigned char *p = raw + u->raw_start;
	size_t n = u->raw_end - u->raw_start, ds, de, k;

	secm_uu_bounds(p, n, &ds, &de, NULL, 0);
	if (secm_buf_append(out, p, ds) != 0 ||
	    secm_cte_encode(SECM_CTE_UUENCODE, bytes->data, bytes->len,
			    u->crlf, 1, out) != 0)
		return SECM_ENOMEM;
	/* our encoder wrote the zero-length line: drop the original one */
	if (de < n && (p[de] == '`' || p[de] == ' ')) {
		for (k = de; k < n && p[k] != '\n'; k++)
			;
		de = k < n ? k + 1 : n;
	}
	return secm_buf_append(out, p + de, n - de);
}

/* body_bytes - redacted text -> charset -> transfer encoding */
static int body_bytes(const unsigned char *raw, const secm_unit *u,
		      const secm_buf *text, secm_buf *out)
{
	secm_buf cs = SECM_BUF_INIT;
	int rc, final_eol;

	rc = secm_charset_from_utf8(u->decode_charset, text->data, text->len, &cs);
	if (rc == SECM_ECHARSET) {
		/* cannot convert back: keep the label, send the UTF-8 */
		secm_buf_reset(&cs);
		rc = secm_buf_append(&cs, text->data, text->len);
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
	secm_buf_free(&cs);
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

/* source_splice - the replacement bytes for unit u whose new decoded
 * source is text (modified: a Subject loses its line breaks) */
static int source_splice(const unsigned char *raw, const secm_unit *u,
			 secm_buf *text, splice *sp, char **subject)
{
	sp->start = u->raw_start;
	sp->end = u->raw_end;
	sp->body = u->kind == SECM_UNIT_BODY;
	if (u->kind == SECM_UNIT_SUBJECT)
		return subject_field(raw, u, text, &sp->bytes, subject);
	return body_bytes(raw, u, text, &sp->bytes);
}

/* unit_splice - build the replacement for one unit with its ranges */
static int unit_splice(const unsigned char *raw, const secm_unit *u,
		       range *r, size_t nr, splice *sp, char **subject)
{
	secm_buf text = SECM_BUF_INIT;
	int rc;

	rc = replace_ranges(u, r, nr, &text);
	if (rc == 0)
		rc = source_splice(raw, u, &text, sp, subject);
	secm_buf_free(&text);
	return rc;
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
		if (u->is_html && u->map != NULL && u->map_end != NULL) {
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

		rc = collect(w, i, spans, nspans, &r, &nr, err);
		if (rc != 0)
			goto out;
		if (nr == 0)
			continue;
		rc = check_unit(w, i, len, err);
		if (rc != 0)
			goto out;
		if (u->kind == SECM_UNIT_SUBJECT && out->subject != NULL) {
			free(r);	/* only the first Subject is a unit */
			r = NULL;
			continue;
		}
		rc = unit_splice(raw, u, r, nr, &sp[nsp], &out->subject);
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

/* secm_rewrite_units - replace whole unit sources and re-encode them */
int secm_rewrite_units(const unsigned char *raw, size_t len, const secm_walk *w,
		       const secm_unit_edit *edits, size_t nedits,
		       secm_redaction *out, secm_error *err)
{
	splice *sp = NULL;
	secm_buf text = SECM_BUF_INIT;
	size_t i, j, nsp = 0;
	int rc = SECM_OK;

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
	for (i = 0; i < nedits; i++) {
		const secm_unit *u = &w->units[edits[i].unit];

		secm_buf_reset(&text);
		if (secm_buf_append(&text, edits[i].source != NULL ?
				    edits[i].source : "", edits[i].source_len) != 0) {
			rc = SECM_ENOMEM;
			goto out;
		}
		rc = source_splice(raw, u, &text, &sp[nsp++],
				   u->kind == SECM_UNIT_SUBJECT &&
				   out->subject == NULL ? &out->subject : NULL);
		if (rc != 0)
			goto out;
	}
	rc = assemble(raw, len, w, sp, nsp, out, err);
out:
	secm_buf_free(&text);
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
