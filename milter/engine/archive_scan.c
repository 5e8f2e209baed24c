/*
 * archive_scan.c - archive and OOXML attachments -> member text units (see
 * archive_scan.h).
 *
 * Design: libarchive reads each archive from memory (the attachment's
 * decoded bytes, or a member already extracted); members are streamed in
 * 64 KiB chunks into a buffer while the byte and ratio bounds are checked
 * after every chunk, so a bomb is cut off at the first chunk over a bound.
 * The first chunk decides: an archive (by name or magic) is opened in turn
 * up to the depth bound, text is kept, anything else is skipped without
 * reading further.  OOXML parts are reduced to their text (secm_xml_text).
 *
 * Threading: all state lives in an arch_ctx on the stack.  Ownership:
 * units own their text; extracted bytes are wiped before they are freed.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive_scan.h"
#include "buf.h"
#include "error.h"
#include "text_decode.h"

#define CHUNK ((size_t)64 * 1024)
#define OOXML_TYPE "application/vnd.openxmlformats-officedocument."

typedef struct arch_ctx {
	secm_walk *w;
	secm_archive_limits lim;
	size_t raw_start, raw_end;	/* the attachment in the message */
	secm_cte cte;			/* ... its transfer encoding */
	int crlf;			/* ... and line ends */
	int stop;			/* a bound was hit */
	int rc;				/* SECM_ENOMEM */
	int bad;			/* a member could not be read */
} arch_ctx;

/* archive media types (lower case, exact) */
static const char *const arch_types[] = {
	"application/zip", "application/x-zip", "application/x-zip-compressed",
	"application/x-tar", "application/x-gtar", "application/x-ustar",
	"application/gzip", "application/x-gzip", "application/x-gtar-compressed",
	"application/x-compressed-tar", "application/x-bzip2",
	"application/x-xz", "application/x-7z-compressed", "application/x-cpio",
	"application/java-archive", NULL
};

/* archive file name endings (lower case) */
static const char *const arch_exts[] = {
	".zip", ".tar", ".tgz", ".tar.gz", ".gz", ".docx", ".xlsx", ".pptx",
	".docm", ".xlsm", ".pptm", ".jar", ".tar.bz2", ".tbz2", ".tar.xz",
	".txz", ".7z", NULL
};

static const char *const ooxml_exts[] = {
	".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm", NULL
};

/* ends_with - case-insensitive suffix test against a list */
static int ends_with(const char *s, const char *const *list)
{
	size_t n = s != NULL ? strlen(s) : 0, k;

	for (; *list != NULL; list++) {
		k = strlen(*list);
		if (n > k && strcasecmp(s + n - k, *list) == 0)
			return 1;
	}
	return 0;
}

/* secm_archive_wanted - archive or OOXML by type or file name */
int secm_archive_wanted(const char *type, const char *filename)
{
	const char *const *t;

	if (type != NULL) {
		for (t = arch_types; *t != NULL; t++) {
			if (strcasecmp(type, *t) == 0)
				return 1;
		}
		if (strncasecmp(type, OOXML_TYPE, sizeof(OOXML_TYPE) - 1) == 0)
			return 1;
	}
	return ends_with(filename, arch_exts);
}

/* is_ooxml - does the type or name say Office Open XML */
static int is_ooxml(const char *type, const char *name)
{
	return (type != NULL &&
		strncasecmp(type, OOXML_TYPE, sizeof(OOXML_TYPE) - 1) == 0) ||
	       ends_with(name, ooxml_exts);
}

/* is_gzip_only - a plain .gz (not .tar.gz): read with the raw format */
static int gzip_only(const char *type, const char *name)
{
	static const char *const gz[] = { ".gz", NULL };
	static const char *const tgz[] = { ".tar.gz", NULL };

	if (name != NULL && name[0] != '\0')
		return ends_with(name, gz) && !ends_with(name, tgz);
	return type != NULL && (strcasecmp(type, "application/gzip") == 0 ||
				strcasecmp(type, "application/x-gzip") == 0);
}

/* magic_archive - do the first bytes look like an archive we open */
static int magic_archive(const unsigned char *p, size_t n)
{
	if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
		return 1;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return 1;
	if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return 1;
	return 0;
}

/* ooxml_text_part - is this OOXML member one whose text we scan */
static int ooxml_text_part(const char *m)
{
	static const char *const pre[] = {
		"word/document", "word/header", "word/footer", "word/footnotes",
		"word/endnotes", "word/comments", "xl/sharedStrings",
		"xl/worksheets/sheet", "ppt/slides/slide", "ppt/notesSlides/",
		NULL
	};
	size_t n = strlen(m);

	if (n < 4 || strcasecmp(m + n - 4, ".xml") != 0)
		return 0;
	for (const char *const *p = pre; *p != NULL; p++) {
		if (strncmp(m, *p, strlen(*p)) == 0)
			return 1;
	}
	return 0;
}

/* looks_text - no NUL and valid UTF-8 (a character cut at the end is fine) */
static int looks_text(const unsigned char *p, size_t len, int cut)
{
	size_t ok;

	if (memchr(p, '\0', len) != NULL)
		return 0;
	ok = secm_utf8_valid_prefix(p, len);
	return ok == len || (cut && len - ok < 4);
}

/* put_char - append one byte; 0 or SECM_ENOMEM */
static int put_char(secm_buf *b, char ch)
{
	return secm_buf_append(b, &ch, 1);
}

/* put_utf8 - append code point cp as UTF-8 (invalid ones as U+FFFD) */
static int put_utf8(secm_buf *b, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return secm_buf_append(b, u, n);
}

/* entity - decode the entity at p[0..len) (p[0] == '&') into b; returns
 * the bytes used, or 0 when it is not one (the '&' is then kept) */
static size_t entity(const char *p, size_t len, secm_buf *b, int *rc)
{
	static const struct { const char *name; char ch; } named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }
	};
	unsigned long cp = 0;
	size_t i = 1;
	int hex = 0;

	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		size_t n = strlen(named[k].name);

		if (len > n && memcmp(p + 1, named[k].name, n) == 0) {
			*rc = put_char(b, named[k].ch);
			return n + 1;
		}
	}
	if (len < 4 || p[1] != '#')
		return 0;
	i = 2;
	if (p[i] == 'x' || p[i] == 'X') {
		hex = 1;
		i++;
	}
	for (; i < len && i < 12 && p[i] != ';'; i++) {
		int d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (hex && p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (hex && p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return 0;
		cp = cp * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i >= len || p[i] != ';')
		return 0;
	*rc = put_utf8(b, cp);
	return i + 1;
}

/* tag_sep - what a tag stands for in the text: '\n' after paragraphs,
 * rows, shared strings and breaks, '\t' for tabs and after cells, else 0 */
static char tag_sep(const char *t, size_t n)
{
	int closing = n > 0 && t[0] == '/';
	int empty = n > 0 && t[n - 1] == '/';
	const char *name = t + closing, *colon;
	size_t k = 0;

	while (name + k < t + n && name[k] != ' ' && name[k] != '/' &&
	       name[k] != '\t' && name[k] != '\r' && name[k] != '\n')
		k++;
	colon = memchr(name, ':', k);
	if (colon != NULL) {
		k -= (size_t)(colon + 1 - name);
		name = colon + 1;
	}
#define IS(s) (k == sizeof(s) - 1 && memcmp(name, s, k) == 0)
	if ((closing || empty) && (IS("p") || IS("si") || IS("row")))
		return '\n';
	if (!closing && (IS("br") || IS("cr")))
		return '\n';
	if (!closing && IS("tab"))
		return '\t';
	if ((closing || empty) && IS("c"))
		return '\t';
#undef IS
	return 0;
}

/* secm_xml_text - tags removed, entities decoded, block ends as line ends */
int secm_xml_text(const char *p, size_t len, secm_buf *out)
{
	size_t i = 0, used;
	const char *gt;
	char sep;
	int rc = SECM_OK;

	while (i < len && rc == SECM_OK) {
		if (p[i] == '<') {
			gt = memchr(p + i, '>', len - i);
			if (gt == NULL)
				break;
			sep = tag_sep(p + i + 1, (size_t)(gt - p) - i - 1);
			if (sep != 0)
				rc = put_char(out, sep);
			i = (size_t)(gt - p) + 1;
		} else if (p[i] == '&' && (used = entity(p + i, len - i, out, &rc)) > 0) {
			i += used;
		} else {
			rc = put_char(out, p[i]);
			i++;
		}
	}
	return rc == SECM_OK ? secm_buf_reserve(out, 0) : rc;
}

/* set_limit - record that an archive bound stopped the reading */
static void set_limit(arch_ctx *x, const char *path)
{
	x->stop = 1;
	if (x->w->limit_hit != SECM_LIMIT_NONE)
		return;
	x->w->limit_hit = SECM_LIMIT_ARCHIVE;
	snprintf(x->w->limit_path, sizeof(x->w->limit_path), "%s", path);
}

/* secm_member_path - "prefix/name" into out, control bytes as '?', cut at
 * a UTF-8 character boundary to fit (archive and TNEF member unit paths) */
void secm_member_path(char *out, size_t outlen, const char *prefix,
		      const char *name)
{
	size_t n;

	snprintf(out, outlen, "%s/%s", prefix, name);
	n = strlen(out);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	}
	n = secm_utf8_valid_prefix((const unsigned char *)out, n);
	out[n] = '\0';
}

/* add_member - append a member unit holding text[0..len) (converted to
 * UTF-8; xml: tags stripped first) */
static void add_member(arch_ctx *x, const char *path, const char *name,
		       const unsigned char *data, size_t len, int xml)
{
	secm_buf utf = SECM_BUF_INIT, txt = SECM_BUF_INIT;
	secm_cs_fallback how;
	char used[48];
	secm_unit *u;
	size_t cap;

	if (secm_charset_to_utf8(NULL, data, len, &utf, used, sizeof(used),
				 &how) != 0)
		goto oom;
	if (xml) {
		if (secm_xml_text((const char *)utf.data, utf.len, &txt) != 0)
			goto oom;
		secm_buf_free(&utf);
		utf = txt;
		txt = (secm_buf)SECM_BUF_INIT;
	}
	if (secm_buf_reserve(&utf, 0) != 0)
		goto oom;
	if (x->w->n == x->w->cap) {
		cap = x->w->cap ? x->w->cap * 2 : 8;
		u = realloc(x->w->units, cap * sizeof(*u));
		if (u == NULL)
			goto oom;
		x->w->units = u;
		x->w->cap = cap;
	}
	u = &x->w->units[x->w->n++];
	memset(u, 0, sizeof(*u));
	u->kind = SECM_UNIT_MEMBER;
	u->no_redact = 1;
	snprintf(u->path, sizeof(u->path), "%s", path);
	snprintf(u->content_type, sizeof(u->content_type), "%s",
		 xml ? "application/xml" : "text/plain");
	snprintf(u->filename, sizeof(u->filename), "%s", name);
	snprintf(u->decode_charset, sizeof(u->decode_charset), "%s", used);
	u->charset_fallback = (int)how;
	u->cte = x->cte;
	u->crlf = x->crlf;
	u->raw_start = x->raw_start;
	u->raw_end = x->raw_end;
	u->source = (char *)secm_buf_steal(&utf, &u->source_len);
	u->text = u->source;
	u->text_len = u->source_len;
	goto out;
oom:
	x->rc = SECM_ENOMEM;
out:
	secm_buf_free(&utf);
	secm_buf_free(&txt);
}

static void read_archive(arch_ctx *x, const unsigned char *data, size_t len,
			 const char *prefix, const char *type, const char *name,
			 unsigned int depth);

/* read_member - stream the current entry of a into b under the bounds;
 * *out_total counts this archive's output.  Returns 1 when the whole
 * member is in b, 0 when it was skipped (not text, not an archive) or a
 * bound or an error stopped it. */
static int read_member(arch_ctx *x, struct archive *a, secm_buf *b,
		       const char *path, size_t in_len, size_t *out_total,
		       int want_all)
{
	unsigned char chunk[16384];
	la_ssize_t r;
	int first = 1;

	for (;;) {
		if (b->len >= CHUNK && first) {
			first = 0;
			if (!want_all && !magic_archive(b->data, b->len) &&
			    !looks_text(b->data, b->len, 1))
				return 0;	/* binary: archive_read_next_header skips it */
		}
		r = archive_read_data(a, chunk, sizeof(chunk));
		if (r == 0)
			break;
		if (r < 0) {
			x->w->archive_corrupt++;
			x->w->unscannable++;
			x->bad = 1;
			return 0;
		}
		x->w->archive_bytes += (size_t)r;
		*out_total += (size_t)r;
		if ((x->lim.max_bytes > 0 && x->w->archive_bytes > x->lim.max_bytes) ||
		    (x->lim.max_ratio > 0 && *out_total > SECM_ARCHIVE_RATIO_FLOOR &&
		     *out_total / (in_len ? in_len : 1) >= x->lim.max_ratio)) {
			set_limit(x, path);
			return 0;
		}
		if (secm_buf_append(b, chunk, (size_t)r) != 0) {
			x->rc = SECM_ENOMEM;
			return 0;
		}
	}
	if (!want_all && first && b->len > 0 && !magic_archive(b->data, b->len) &&
	    !looks_text(b->data, b->len, 0))
		return 0;
	return 1;
}

/* read_archive - open data[0..len) and add its text members (recursive) */
static void read_archive(arch_ctx *x, const unsigned char *data, size_t len,
			 const char *prefix, const char *type, const char *name,
			 unsigned int depth)
{
	struct archive *a;
	struct archive_entry *e;
	secm_buf b = SECM_BUF_INIT;
	char path[64];
	const char *m;
	size_t out_total = 0;
	int r, ooxml = is_ooxml(type, name), seen = 0, want, nested;

	if (x->lim.max_depth > 0 && depth > x->lim.max_depth) {
		set_limit(x, prefix);
		return;
	}
	a = archive_read_new();
	if (a == NULL) {
		x->rc = SECM_ENOMEM;
		return;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (gzip_only(type, name))
		archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		x->w->archive_corrupt++;
		x->w->unscannable++;
		goto out;
	}
	while (!x->stop && x->rc == 0) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			x->w->archive_corrupt++;
			x->w->unscannable++;
			break;
		}
		seen++;
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		m = archive_entry_pathname(e);
		if (m == NULL || m[0] == '\0')
			m = "data";
		x->w->archive_members++;
		if (x->lim.max_members > 0 &&
		    x->w->archive_members > x->lim.max_members) {
			set_limit(x, prefix);
			break;
		}
		if (strcmp(m, "[Content_Types].xml") == 0)
			ooxml = 1;
		if (archive_entry_is_encrypted(e)) {
			x->w->archive_encrypted++;
			x->w->unscannable++;
			continue;
		}
		secm_member_path(path, sizeof(path), prefix, m);
		nested = ends_with(m, arch_exts);
		want = ooxml ? ooxml_text_part(m) : 1;
		if (ooxml && !want && !nested)
			continue;	/* styles, images, relations */
		secm_buf_reset(&b);
		x->bad = 0;
		if (!read_member(x, a, &b, path, len, &out_total, ooxml && want)) {
			if (x->bad)
				break;	/* counted once: the rest is unreadable too */
			continue;
		}
		if (b.len > 0 && (nested || magic_archive(b.data, b.len)) &&
		    !(ooxml && want)) {
			read_archive(x, b.data, b.len, path, "", m, depth + 1);
		} else if (b.len > 0) {
			add_member(x, path, m, b.data, b.len, ooxml && want);
		}
	}
	(void)seen;
out:
	archive_read_free(a);
	secm_buf_free(&b);
}

/* archive_units - add the text members of decoded data as units */
static int archive_units(secm_walk *w, const char *path, const char *type,
			 const char *filename, const unsigned char *data,
			 size_t len, size_t raw_start, size_t raw_end,
			 secm_cte cte, int crlf, const secm_archive_limits *lim)
{
	arch_ctx x;

	memset(&x, 0, sizeof(x));
	x.w = w;
	x.cte = cte;
	x.crlf = crlf;
	if (lim != NULL) {
		x.lim = *lim;
	} else {
		x.lim.max_depth = SECM_ARCHIVE_DEFAULT_DEPTH;
		x.lim.max_members = SECM_ARCHIVE_DEFAULT_MEMBERS;
		x.lim.max_ratio = SECM_ARCHIVE_DEFAULT_RATIO;
		x.lim.max_bytes = SECM_ARCHIVE_DEFAULT_BYTES;
	}
	x.raw_start = raw_start;
	x.raw_end = raw_end;
	if (len == 0) {
		w->archive_corrupt++;
		w->unscannable++;
		return SECM_OK;
	}
	read_archive(&x, data, len, path, type, filename, 1);
	return x.rc;
}

/* secm_archive_units - add the text members of decoded data as units */
int secm_archive_units(secm_walk *w, const char *path, const char *type,
		       const char *filename, const unsigned char *data,
		       size_t len, size_t raw_start, size_t raw_end,
		       const secm_archive_limits *lim)
{
	return archive_units(w, path, type, filename, data, len, raw_start,
			     raw_end, SECM_CTE_7BIT, 0, lim);
}

/* secm_archive_part - decode an attachment and add its text members */
int secm_archive_part(secm_walk *w, const char *path, const char *type,
		      const char *filename, secm_cte cte,
		      const unsigned char *raw, size_t start, size_t end,
		      const secm_archive_limits *lim)
{
	secm_buf dec = SECM_BUF_INIT;
	const unsigned char *nl;
	int rc;

	if (secm_cte_decode(cte, raw + start, end - start, &dec, NULL, 0) != 0)
		return SECM_ENOMEM;
	nl = memchr(raw + start, '\n', end - start);
	rc = archive_units(w, path, type, filename,
			   dec.data != NULL ? dec.data : (const unsigned char *)"",
			   dec.len, start, end, cte,
			   nl != NULL && nl > raw + start && nl[-1] == '\r', lim);
	secm_buf_free(&dec);
	return rc;
}
