/*
 * tnef.c - TNEF (winmail.dat) stream -> scan units (see tnef.h).
 *
 * Design: two passes.  parse() walks the attributes and the MAPI property
 * blocks with a bounds-checked cursor and only records where the wanted
 * values sit (pointers into the caller's data); it either accepts the
 * whole stream or rejects it.  emit() then turns the recorded values into
 * units.  A rejected stream gets the old heuristic instead (text runs, one
 * unit), so a damaged or hostile winmail.dat is still scanned and counted
 * unscannable.  Compressed RTF is decompressed into a bounded buffer and
 * reduced to text by a small RTF reader.
 *
 * Threading: no static mutable state.  Ownership: data is borrowed; units
 * own their text; buffers that held mail text are wiped before release.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_scan.h"
#include "buf.h"
#include "error.h"
#include "html_text.h"
#include "mime_walk.h"
#include "text_decode.h"
#include "tnef.h"

#define BAD 1			/* parse(): the stream is not trusted */

/* attribute ids (type << 16 | name) */
#define ATT_BODY		0x0002800Cu
#define ATT_MAPI_PROPS		0x00069003u
#define ATT_ATTACH_REND_DATA	0x00069002u
#define ATT_ATTACH_TITLE	0x00018010u
#define ATT_ATTACH_DATA		0x0006800Fu
#define ATT_ATTACHMENT		0x00069005u
#define ATT_OEM_CODEPAGE	0x00069007u

/* MAPI property ids and types */
#define PR_BODY			0x1000u
#define PR_RTF_COMPRESSED	0x1009u
#define PR_HTML			0x1013u
#define PR_ATTACH_DATA		0x3701u
#define PR_ATTACH_FILENAME	0x3704u
#define PR_ATTACH_LONG_FILENAME	0x3707u
#define PT_OBJECT		0x000Du
#define PT_STRING8		0x001Eu
#define PT_UNICODE		0x001Fu
#define PT_BINARY		0x0102u
#define MV_FLAG			0x1000u

#define TEXT_SNIFF ((size_t)64 * 1024)
#define LZFU_MAGIC 0x75465a4cu
#define MELA_MAGIC 0x414c454du

/* a value found in the stream: bytes in the caller's data */
typedef struct val {
	const unsigned char *p;
	size_t n;
	int set;
	int uni;		/* UTF-16LE (PT_UNICODE) */
} val;

typedef struct tnef_att {
	val title;		/* attAttachTitle */
	val lname;		/* PR_ATTACH_LONG_FILENAME */
	val sname;		/* PR_ATTACH_FILENAME */
	val data;		/* attAttachData */
	val bin;		/* PR_ATTACH_DATA_BIN */
	int embedded;		/* PR_ATTACH_DATA_OBJ: a message inside */
} tnef_att;

typedef struct tnef_doc {
	char charset[16];	/* "CP1252" from attOemCodepage, "" = unknown */
	val body;		/* attBody */
	val prbody;		/* PR_BODY */
	val rtf;		/* PR_RTF_COMPRESSED */
	val html;		/* PR_HTML */
	tnef_att *att;
	size_t natt, cap;
} tnef_doc;

/* a bounds-checked reader */
typedef struct cur {
	const unsigned char *p;
	size_t len, off;
} cur;

/* rd16 - little-endian 16-bit value at p */
static uint32_t rd16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* rd32 - little-endian 32-bit value at p */
static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* take - n bytes at the cursor into *out; 0 when fewer are left */
static int take(cur *c, size_t n, const unsigned char **out)
{
	if (n > c->len - c->off)
		return 0;
	if (out != NULL)
		*out = c->p + c->off;
	c->off += n;
	return 1;
}

/* get16 - a 16-bit value at the cursor */
static int get16(cur *c, uint32_t *v)
{
	const unsigned char *p;

	if (!take(c, 2, &p))
		return 0;
	*v = rd16(p);
	return 1;
}

/* get32 - a 32-bit value at the cursor */
static int get32(cur *c, uint32_t *v)
{
	const unsigned char *p;

	if (!take(c, 4, &p))
		return 0;
	*v = rd32(p);
	return 1;
}

/* fixed_size - bytes of one value of a fixed-size MAPI type in TNEF
 * (16-bit types are padded to 4); 0 for variable or unknown types */
static size_t fixed_size(uint32_t type)
{
	switch (type) {
	case 0x0001: case 0x0002: case 0x0003: case 0x0004: case 0x000A:
	case 0x000B:
		return 4;
	case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
		return 8;
	case 0x0048:
		return 16;
	default:
		return 0;
	}
}

/* is_var - a MAPI type stored as count, then length + bytes per value */
static int is_var(uint32_t type)
{
	return type == PT_OBJECT || type == PT_STRING8 || type == PT_UNICODE ||
	       type == PT_BINARY;
}

/* note - remember a property value the units need (first value only) */
static void note(tnef_doc *d, tnef_att *a, uint32_t id, uint32_t type,
		 const unsigned char *p, size_t n)
{
	val v = { p, n, 1, type == PT_UNICODE };
	int str = type == PT_STRING8 || type == PT_UNICODE;

	if (a == NULL) {
		if (id == PR_BODY && str)
			d->prbody = v;
		else if (id == PR_RTF_COMPRESSED && type == PT_BINARY)
			d->rtf = v;
		else if (id == PR_HTML && (type == PT_BINARY || str))
			d->html = v;
		return;
	}
	if (id == PR_ATTACH_LONG_FILENAME && str)
		a->lname = v;
	else if (id == PR_ATTACH_FILENAME && str)
		a->sname = v;
	else if (id == PR_ATTACH_DATA && type == PT_BINARY)
		a->bin = v;
	else if (id == PR_ATTACH_DATA && type == PT_OBJECT)
		a->embedded = 1;	/* nested message: not opened */
}

/* props - parse a MAPI property block (attMAPIProps, attAttachment) for
 * the message (a NULL) or attachment a; 0 or BAD */
static int props(tnef_doc *d, tnef_att *a, const unsigned char *p, size_t len)
{
	cur c = { p, len, 0 };
	uint32_t count, type, id, kind, n, nval, vl, base;
	const unsigned char *v;
	size_t sz;

	if (!get32(&c, &count) || count > SECM_TNEF_MAX_PROPS)
		return BAD;
	for (uint32_t i = 0; i < count; i++) {
		if (!get16(&c, &type) || !get16(&c, &id))
			return BAD;
		if (id >= 0x8000) {	/* named: GUID, kind, id or name */
			if (!take(&c, 16, NULL) || !get32(&c, &kind))
				return BAD;
			if (kind == 0) {
				if (!take(&c, 4, NULL))
					return BAD;
			} else if (kind == 1) {
				if (!get32(&c, &n) || !take(&c, n, NULL) ||
				    !take(&c, (4 - n % 4) % 4, NULL))
					return BAD;
			} else {
				return BAD;
			}
		}
		base = type & ~MV_FLAG;
		nval = 1;
		if (((type & MV_FLAG) || is_var(base)) && !get32(&c, &nval))
			return BAD;
		if (nval > SECM_TNEF_MAX_PROPS)
			return BAD;
		for (uint32_t j = 0; j < nval; j++) {
			if (is_var(base)) {
				if (!get32(&c, &vl) || !take(&c, vl, &v))
					return BAD;
				/* padding to 4: the last value may lack it */
				sz = (4 - vl % 4) % 4;
				c.off += sz < c.len - c.off ? sz : c.len - c.off;
				if (j == 0 && !(type & MV_FLAG))
					note(d, a, id, base, v, vl);
				continue;
			}
			sz = fixed_size(base);
			if (sz == 0 || !take(&c, sz, NULL))
				return BAD;
		}
	}
	return 0;
}

/* new_att - start an attachment; NULL past the bound or out of memory
 * (*oom set) */
static tnef_att *new_att(tnef_doc *d, int *oom)
{
	if (d->natt >= SECM_TNEF_MAX_ATTACH)
		return NULL;
	if (secm_vec_grow((void **)&d->att, d->natt, &d->cap,
			  sizeof(*d->att), 8) != 0) {
		*oom = 1;
		return NULL;
	}
	memset(&d->att[d->natt], 0, sizeof(*d->att));
	return &d->att[d->natt++];
}

/* codepage - attOemCodepage to an iconv name */
static void codepage(tnef_doc *d, const unsigned char *p, size_t n)
{
	uint32_t cp;

	if (n < 4)
		return;
	cp = rd32(p);
	if (cp == 65001 || cp == 20127)
		d->charset[0] = '\0';	/* UTF-8, ASCII: the default */
	else if (cp > 0 && cp < 100000)
		snprintf(d->charset, sizeof(d->charset), "CP%u", (unsigned int)cp);
}

/* parse - check and index the whole stream; 0, BAD or SECM_ENOMEM */
static int parse(const unsigned char *p, size_t len, tnef_doc *d)
{
	cur c = { p, len, 0 };
	uint32_t id, n, sum, level;
	const unsigned char *hd, *data, *ck;
	tnef_att *a = NULL;
	unsigned int nattr = 0;
	int oom = 0;

	if (len < 6 || rd32(p) != SECM_TNEF_SIGNATURE)
		return BAD;
	c.off = 6;
	while (c.off < c.len) {
		if (++nattr > SECM_TNEF_MAX_ATTRS || !take(&c, 9, &hd))
			return BAD;
		level = hd[0];
		id = rd32(hd + 1);
		n = rd32(hd + 5);
		if (!take(&c, n, &data) || !take(&c, 2, &ck))
			return BAD;
		sum = 0;
		for (uint32_t i = 0; i < n; i++)
			sum += data[i];
		if ((sum & 0xffffu) != rd16(ck))
			return BAD;
		if (level == 1) {
			if (id == ATT_BODY) {
				d->body = (val){ data, n, 1, 0 };
			} else if (id == ATT_MAPI_PROPS) {
				if (props(d, NULL, data, n) != 0)
					return BAD;
			} else if (id == ATT_OEM_CODEPAGE) {
				codepage(d, data, n);
			}
			continue;
		}
		if (level != 2)
			return BAD;
		if (id == ATT_ATTACH_REND_DATA || a == NULL) {
			a = new_att(d, &oom);
			if (a == NULL)
				return oom ? SECM_ENOMEM : BAD;
		}
		if (id == ATT_ATTACH_TITLE)
			a->title = (val){ data, n, 1, 0 };
		else if (id == ATT_ATTACH_DATA)
			a->data = (val){ data, n, 1, 0 };
		else if (id == ATT_ATTACHMENT && props(d, a, data, n) != 0)
			return BAD;
	}
	return 0;
}

/* trim_nul - drop the terminator(s) of a MAPI string */
static size_t trim_nul(const val *v)
{
	size_t n = v->n;

	if (v->uni) {
		n &= ~(size_t)1;
		while (n >= 2 && v->p[n - 1] == 0 && v->p[n - 2] == 0)
			n -= 2;
		return n;
	}
	while (n > 0 && v->p[n - 1] == 0)
		n--;
	return n;
}

/* to_utf8 - a string value in UTF-8 into out (reset first) */
static int to_utf8(const tnef_doc *d, const val *v, secm_buf *out)
{
	char used[48];
	secm_cs_fallback how;

	secm_buf_reset(out);
	return secm_charset_to_utf8(v->uni ? "UTF-16LE" :
				    d->charset[0] ? d->charset : NULL, v->p,
				    trim_nul(v), out, used, sizeof(used), &how);
}

/* add - append a member unit; utf (UTF-8 text) is taken over; html: render
 * it as HTML.  0 or SECM_ENOMEM */
static int add(secm_walk *w, const secm_tnef_part *tp, const char *prefix,
	       const char *name, const char *ctype, secm_buf *utf, int html)
{
	secm_unit *u;

	if (secm_buf_reserve(utf, 0) != 0 ||
	    secm_vec_grow((void **)&w->units, w->n, &w->cap,
			  sizeof(*w->units), 8) != 0)
		return SECM_ENOMEM;
	u = &w->units[w->n];
	memset(u, 0, sizeof(*u));
	u->kind = SECM_UNIT_MEMBER;
	u->no_redact = 1;
	secm_member_path(u->path, sizeof(u->path), prefix, name);
	snprintf(u->content_type, sizeof(u->content_type), "%s", ctype);
	snprintf(u->filename, sizeof(u->filename), "%s", name);
	u->cte = tp->cte;
	u->crlf = tp->crlf;
	u->in_signed = tp->in_signed;
	u->raw_start = tp->raw_start;
	u->raw_end = tp->raw_end;
	u->source = (char *)secm_buf_steal(utf, &u->source_len);
	u->text = u->source;
	u->text_len = u->source_len;
	w->n++;
	if (html) {
		u->is_html = 1;
		if (secm_html_render(u->source, u->source_len, &u->text,
				     &u->text_len, &u->map, &u->map_end) != 0) {
			u->text = u->source;
			u->text_len = u->source_len;
			return SECM_ENOMEM;
		}
	}
	return SECM_OK;
}

/* sniff_text - default text test: no NUL and UTF-8 in the first 64 KiB */
static int sniff_text(const char *name, const unsigned char *p, size_t n)
{
	size_t k = n < TEXT_SNIFF ? n : TEXT_SNIFF, ok;

	(void)name;
	if (n == 0 || memchr(p, '\0', k) != NULL)
		return 0;
	ok = secm_utf8_valid_prefix(p, k);
	return ok == k || (k < n && k - ok < 4);
}

/* lower_copy - ASCII lower case copy of s into out */
static void lower_copy(char *out, size_t outlen, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	out[i] = '\0';
}

/* attachment - the unit(s) of attachment k */
static int attachment(secm_walk *w, const secm_tnef_part *tp,
		      const char *prefix, const tnef_doc *d, size_t k)
{
	const tnef_att *a = &d->att[k];
	const val *name = a->lname.set ? &a->lname :
			  a->sname.set ? &a->sname : &a->title;
	const val *data = a->data.set ? &a->data : &a->bin;
	secm_buf b = SECM_BUF_INIT;
	char fn[128], low[128], path[64];
	secm_tnef_text_fn text_like = tp->text_like ? tp->text_like : sniff_text;
	size_t n0;
	int rc = SECM_OK;

	if (a->embedded) {
		w->unscannable++;
		return SECM_OK;
	}
	if (!data->set || data->n == 0)
		return SECM_OK;
	fn[0] = '\0';
	if (name->set) {
		if (to_utf8(d, name, &b) != 0) {
			rc = SECM_ENOMEM;
			goto out;
		}
		snprintf(fn, sizeof(fn), "%.*s", (int)(b.len < 127 ? b.len : 127),
			 b.data != NULL ? (const char *)b.data : "");
		fn[secm_utf8_valid_prefix((const unsigned char *)fn, strlen(fn))] = '\0';
	}
	if (fn[0] == '\0')
		snprintf(fn, sizeof(fn), "attachment%zu", k + 1);
	if (text_like(fn, data->p, data->n)) {
		char used[48];
		secm_cs_fallback how;

		secm_buf_reset(&b);
		if (secm_charset_to_utf8(NULL, data->p, data->n, &b, used,
					 sizeof(used), &how) != 0)
			rc = SECM_ENOMEM;
		else
			rc = add(w, tp, prefix, fn, "text/plain", &b, 0);
		goto out;
	}
	lower_copy(low, sizeof(low), fn);
	if (secm_archive_wanted("application/octet-stream", low)) {
		secm_member_path(path, sizeof(path), prefix, fn);
		n0 = w->n;
		rc = secm_archive_units(w, path, "application/octet-stream", fn,
					data->p, data->n, tp->raw_start,
					tp->raw_end, tp->alim);
		for (size_t i = n0; i < w->n; i++) {
			/* replaced as the MIME part they sit in */
			w->units[i].cte = tp->cte;
			w->units[i].crlf = tp->crlf;
			w->units[i].in_signed = tp->in_signed;
		}
		goto out;
	}
	w->unscannable++;	/* binary attachment inside winmail.dat */
out:
	if (b.data != NULL)
		secm_wipe(b.data, b.len);
	secm_buf_free(&b);
	return rc;
}

/* rtf_body - the text of the compressed RTF body as unit "body.rtf"; a
 * body that does not decompress is counted unscannable */
static int rtf_body(secm_walk *w, const secm_tnef_part *tp, const char *prefix,
		    const tnef_doc *d)
{
	secm_buf raw = SECM_BUF_INIT, txt = SECM_BUF_INIT;
	int rc;

	rc = secm_tnef_rtf_decompress(d->rtf.p, d->rtf.n, SECM_TNEF_MAX_RTF, &raw);
	if (rc == 1) {
		w->unscannable++;
		rc = SECM_OK;
	} else if (rc == SECM_OK) {
		rc = secm_tnef_rtf_text(raw.data, raw.len, &txt);
		if (rc == SECM_OK)
			rc = add(w, tp, prefix, "body.rtf", "text/rtf", &txt, 0);
	}
	if (raw.data != NULL)
		secm_wipe(raw.data, raw.len);
	if (txt.data != NULL)
		secm_wipe(txt.data, txt.len);
	secm_buf_free(&raw);
	secm_buf_free(&txt);
	return rc;
}

/* emit - the units of a parsed stream */
static int emit(secm_walk *w, const secm_tnef_part *tp, const tnef_doc *d)
{
	secm_buf b = SECM_BUF_INIT;
	char prefix[64];
	const char *fn = tp->filename != NULL && tp->filename[0] != '\0' ?
			 tp->filename : "winmail.dat";
	int rc = SECM_OK;

	secm_member_path(prefix, sizeof(prefix), tp->path, fn);
	if (d->prbody.set) {
		rc = to_utf8(d, &d->prbody, &b);
		if (rc == 0)
			rc = add(w, tp, prefix, "body", "text/plain", &b, 0);
	}
	/* attBody: the legacy copy of PR_BODY, scanned when it differs */
	if (rc == 0 && d->body.set &&
	    (!d->prbody.set || (!d->prbody.uni &&
				(trim_nul(&d->prbody) != trim_nul(&d->body) ||
				 memcmp(d->prbody.p, d->body.p, trim_nul(&d->body)) != 0)))) {
		rc = to_utf8(d, &d->body, &b);
		if (rc == 0)
			rc = add(w, tp, prefix, d->prbody.set ? "body.legacy" : "body",
				 "text/plain", &b, 0);
	}
	if (rc == 0 && d->rtf.set)
		rc = rtf_body(w, tp, prefix, d);
	if (rc == 0 && d->html.set) {
		rc = to_utf8(d, &d->html, &b);
		if (rc == 0)
			rc = add(w, tp, prefix, "body.html", "text/html", &b, 1);
	}
	for (size_t k = 0; rc == 0 && k < d->natt; k++)
		rc = attachment(w, tp, prefix, d, k);
	if (b.data != NULL)
		secm_wipe(b.data, b.len);
	secm_buf_free(&b);
	return rc;
}

/* runs_unit - fallback for a stream that cannot be parsed: its runs of 8
 * or more text bytes, one per line, as one no_redact unit of the part */
static int runs_unit(secm_walk *w, const secm_tnef_part *tp,
		     const unsigned char *data, size_t len)
{
	secm_buf txt = SECM_BUF_INIT, utf = SECM_BUF_INIT;
	secm_cs_fallback how;
	char used[48];
	secm_unit *u;
	size_t i, run = 0;
	int rc = SECM_ENOMEM;

	for (i = 0; i < len; i++) {
		unsigned char ch = data[i];

		if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
			run++;
			continue;
		}
		if (run >= 8 && (secm_buf_append(&txt, data + i - run, run) != 0 ||
				 secm_buf_append(&txt, "\n", 1) != 0))
			goto out;
		run = 0;
	}
	if (run >= 8 && secm_buf_append(&txt, data + i - run, run) != 0)
		goto out;
	if (secm_charset_to_utf8(NULL, txt.data, txt.len, &utf, used, sizeof(used),
				 &how) != 0 || secm_buf_reserve(&utf, 0) != 0 ||
	    secm_vec_grow((void **)&w->units, w->n, &w->cap,
			  sizeof(*w->units), 8) != 0)
		goto out;
	u = &w->units[w->n++];
	memset(u, 0, sizeof(*u));
	u->kind = SECM_UNIT_BODY;
	snprintf(u->path, sizeof(u->path), "%s", tp->path);
	snprintf(u->content_type, sizeof(u->content_type), "%s",
		 tp->type != NULL ? tp->type : "application/ms-tnef");
	snprintf(u->filename, sizeof(u->filename), "%s",
		 tp->filename != NULL ? tp->filename : "");
	u->cte = tp->cte;
	u->crlf = tp->crlf;
	u->raw_start = tp->raw_start;
	u->raw_end = tp->raw_end;
	u->in_signed = tp->in_signed;
	u->no_redact = 1;
	u->source = (char *)secm_buf_steal(&utf, &u->source_len);
	u->text = u->source;
	u->text_len = u->source_len;
	rc = SECM_OK;
out:
	if (txt.data != NULL)
		secm_wipe(txt.data, txt.len);
	secm_buf_free(&txt);
	secm_buf_free(&utf);
	return rc;
}

/* drop_units - wipe and free units [from, w->n) */
static void drop_units(secm_walk *w, size_t from)
{
	while (w->n > from) {
		secm_unit *u = &w->units[--w->n];

		if (u->text != NULL && u->text != u->source) {
			secm_wipe(u->text, u->text_len);
			free(u->text);
		}
		if (u->source != NULL) {
			secm_wipe(u->source, u->source_len);
			free(u->source);
		}
		free(u->map);
		free(u->map_end);
		free(u->seg_src);
		free(u->seg_dec);
	}
}

/* secm_tnef_units - parse a TNEF stream and add its units (see tnef.h) */
int secm_tnef_units(secm_walk *w, const secm_tnef_part *part,
		    const unsigned char *data, size_t len)
{
	tnef_doc d;
	size_t n0 = w->n;
	unsigned int un0 = w->unscannable;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = parse(data != NULL ? data : (const unsigned char *)"",
		   data != NULL ? len : 0, &d);
	if (rc == SECM_OK) {
		rc = emit(w, part, &d);
	} else if (rc == BAD) {
		w->unscannable++;
		rc = runs_unit(w, part, data, data != NULL ? len : 0);
	}
	if (rc != SECM_OK) {
		drop_units(w, n0);
		w->unscannable = un0;
	}
	free(d.att);
	return rc;
}

/* the dictionary every compressed RTF stream starts with (MS-OXRTFCP) */
static const char rtf_prebuf[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
	"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes "
	"New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
	"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/* secm_tnef_rtf_decompress - LZFu / MELA to RTF (see tnef.h) */
int secm_tnef_rtf_decompress(const unsigned char *p, size_t len, size_t max,
			     secm_buf *out)
{
	unsigned char dict[4096], ch;
	uint32_t comp, raw, magic, ref;
	size_t end, i, want, wp, off, n, o;

	_Static_assert(sizeof(rtf_prebuf) - 1 == 207, "RTF dictionary is 207 bytes");
	if (p == NULL || len < 16)
		return 1;
	comp = rd32(p);
	raw = rd32(p + 4);
	magic = rd32(p + 8);
	/* compsize counts the bytes after itself; trust it only to shorten */
	end = comp >= 12 && (size_t)comp - 12 <= len - 16 ? 16 + (size_t)comp - 12 : len;
	want = raw < max ? raw : max;
	if (magic == MELA_MAGIC) {
		n = end - 16 < want ? end - 16 : want;
		return secm_buf_append(out, p + 16, n) != 0 ? SECM_ENOMEM : 0;
	}
	if (magic != LZFU_MAGIC)
		return 1;
	/* 17 input bytes give at most 8 references of 17 bytes */
	if ((end - 16) / 17 * 136 + 136 < want)
		want = (end - 16) / 17 * 136 + 136;
	if (secm_buf_reserve(out, want) != 0)
		return SECM_ENOMEM;
	memcpy(dict, rtf_prebuf, 207);
	memset(dict + 207, 0, sizeof(dict) - 207);
	wp = 207;
	o = out->len;
	want += out->len;
	i = 16;
	while (i < end && o < want) {
		unsigned int ctl = p[i++];

		for (int bit = 0; bit < 8 && i < end && o < want; bit++) {
			if (!(ctl & (1u << bit))) {
				ch = p[i++];
				dict[wp++ & 0xfff] = ch;
				out->data[o++] = ch;
				continue;
			}
			if (end - i < 2)
				goto done;
			ref = (uint32_t)p[i] << 8 | p[i + 1];
			i += 2;
			off = ref >> 4;
			n = (ref & 0xf) + 2;
			if (off == (wp & 0xfff))
				goto done;	/* the end marker */
			for (size_t k = 0; k < n && o < want; k++) {
				ch = dict[(off + k) & 0xfff];
				dict[wp++ & 0xfff] = ch;
				out->data[o++] = ch;
			}
		}
	}
done:
	out->len = o;
	secm_wipe(dict, sizeof(dict));
	return 0;
}

/* Windows-1252 0x80..0x9f */
static const uint16_t cp1252[32] = {
	0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178
};

/* destinations whose text is not the document's (skipped with the group) */
static const char *const rtf_skip[] = {
	"fonttbl", "colortbl", "stylesheet", "info", "pict", "themedata",
	"colorschememapping", "latentstyles", "datastore", "xmlnstbl",
	"listtable", "listoverridetable", "rsidtbl", "generator", "objdata",
	"filetbl", "revtbl", "fldinst", NULL
};

typedef struct rtf_state {
	secm_buf *out;
	unsigned int depth, skip;	/* skip: depth of the skipped group, 0 none */
	int group_start;		/* at the first token of a group */
	int htmlrtf;			/* inside \htmlrtf ... \htmlrtf0 */
	long uc;			/* fallback characters after \uN */
	long pending;			/* fallback characters still to drop */
	unsigned long hi;		/* a high surrogate waiting for its pair */
	int rc;
} rtf_state;

/* rtf_cp - append code point cp as UTF-8 unless skipped */
static void rtf_cp(rtf_state *s, unsigned long cp)
{
	unsigned char b[4];
	size_t n;

	if (s->skip || s->htmlrtf || s->rc != 0)
		return;
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (secm_buf_append(s->out, b, n) != 0)
		s->rc = SECM_ENOMEM;
}

/* rtf_char - one character of text (a byte in Windows-1252) */
static void rtf_char(rtf_state *s, unsigned int byte)
{
	if (s->pending > 0) {
		s->pending--;	/* the fallback of a \uN */
		return;
	}
	if (s->hi != 0) {
		rtf_cp(s, 0xfffd);
		s->hi = 0;
	}
	rtf_cp(s, byte >= 0x80 && byte < 0xa0 ? cp1252[byte - 0x80] : byte);
}

/* rtf_word - act on control word w (n letters) with parameter */
static void rtf_word(rtf_state *s, const char *w, size_t n, int has, long param)
{
	unsigned long cp;

#define IS(lit) (n == sizeof(lit) - 1 && memcmp(w, lit, n) == 0)
	if (s->group_start && !s->skip) {
		for (const char *const *d = rtf_skip; *d != NULL; d++) {
			if (n == strlen(*d) && memcmp(w, *d, n) == 0)
				s->skip = s->depth;
		}
	}
	if (IS("par") || IS("line") || IS("row") || IS("sect") || IS("page")) {
		/* also inside {\*\htmltag \par} and \htmlrtf spans: the line
		 * ends of encapsulated HTML live there, and a line end too many
		 * never joins two words */
		unsigned int skip = s->skip;
		int hr = s->htmlrtf;

		s->skip = 0;
		s->htmlrtf = 0;
		rtf_cp(s, '\n');
		s->skip = skip;
		s->htmlrtf = hr;
	} else if (IS("tab") || IS("cell")) {
		rtf_cp(s, '\t');
	} else if (IS("htmlrtf")) {
		s->htmlrtf = !has || param != 0;
	} else if (IS("uc") && has && param >= 0 && param < 16) {
		s->uc = param;
	} else if (IS("u") && has) {
		cp = (unsigned long)(param < 0 ? param + 65536 : param) & 0xffff;
		if (cp >= 0xd800 && cp < 0xdc00) {
			if (s->hi != 0)
				rtf_cp(s, 0xfffd);
			s->hi = cp;
		} else if (cp >= 0xdc00 && cp < 0xe000 && s->hi != 0) {
			rtf_cp(s, 0x10000 + ((s->hi - 0xd800) << 10) + (cp - 0xdc00));
			s->hi = 0;
		} else {
			if (s->hi != 0)
				rtf_cp(s, 0xfffd);
			s->hi = 0;
			rtf_cp(s, cp);
		}
		s->pending = s->uc;
	}
#undef IS
}

/* hexval - value of a hex digit, -1 if none */
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

/* secm_tnef_rtf_text - RTF to plain text (see tnef.h) */
int secm_tnef_rtf_text(const unsigned char *p, size_t len, secm_buf *out)
{
	rtf_state s;
	size_t i = 0, k;
	long param;
	int has, neg, hv, lv, gs;

	memset(&s, 0, sizeof(s));
	s.out = out;
	s.uc = 1;
	while (i < len && s.rc == 0) {
		unsigned char c = p[i++];

		gs = s.group_start;
		s.group_start = 0;
		if (c == '{') {
			s.depth++;
			s.group_start = 1;
		} else if (c == '}') {
			if (s.skip != 0 && s.skip == s.depth)
				s.skip = 0;
			if (s.depth > 0)
				s.depth--;
			s.pending = 0;
		} else if (c == '\r' || c == '\n') {
			s.group_start = gs;	/* line ends in RTF source mean nothing */
		} else if (c != '\\') {
			rtf_char(&s, c);
		} else if (i >= len) {
			break;
		} else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') {
			k = i;
			while (i < len && i - k < 32 && (p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')
				i++;
			const char *w = (const char *)p + k;
			size_t wn = i - k;

			param = 0;
			has = 0;
			neg = i < len && p[i] == '-';
			if (neg)
				i++;
			while (i < len && p[i] >= '0' && p[i] <= '9' && has < 9) {
				param = param * 10 + (p[i++] - '0');
				has++;
			}
			if (neg)
				param = -param;
			if (i < len && p[i] == ' ')
				i++;
			s.group_start = gs;
			if (wn == 3 && memcmp(w, "bin", 3) == 0 && has && param > 0) {
				i += (size_t)param < len - i ? (size_t)param : len - i;
			} else {
				rtf_word(&s, w, wn, has > 0, param);
			}
			s.group_start = 0;
		} else if (p[i] == '\'') {
			hv = i + 1 < len ? hexval(p[i + 1]) : -1;
			lv = i + 2 < len ? hexval(p[i + 2]) : -1;
			if (hv >= 0 && lv >= 0) {
				rtf_char(&s, (unsigned int)(hv << 4 | lv));
				i += 3;
			} else {
				i++;
			}
		} else {
			c = p[i++];
			if (c == '*' && gs && !s.skip)
				s.skip = s.depth;	/* {\* ...}: an optional destination */
			else if (c == '\\' || c == '{' || c == '}')
				rtf_char(&s, c);
			else if (c == '~')
				rtf_char(&s, ' ');
			else if (c == '_')
				rtf_char(&s, '-');
			else if (c == '\n' || c == '\r')
				rtf_cp(&s, '\n');
		}
	}
	if (s.rc == 0 && secm_buf_reserve(out, 0) != 0)
		s.rc = SECM_ENOMEM;
	return s.rc;
}
