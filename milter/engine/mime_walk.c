/*
 * mime_walk.c - raw message -> scannable units (see mime_walk.h).
 *
 * Design: GMime parses a private copy of the raw bytes held in a memory
 * stream with persist-stream on, so every leaf's content stream is a
 * substream of that copy and its bound_start/bound_end are absolute byte
 * offsets into raw, also inside nested message/rfc822 parts (checked by
 * test_mime).  The content range excludes the line end that belongs to
 * the next boundary.  We then walk the tree ourselves (paths, depth, part
 * count), decode each scannable leaf from its raw range (text_decode.c),
 * convert it to UTF-8 and render HTML (html_text.c).  The Subject field is
 * found in the raw header block by hand so that its range is exact.
 *
 * Threading: one parser per call, no shared mutable state; secm_mime_init
 * must run (once) before threads start.  Ownership: units own their text;
 * the copy GMime parsed is wiped before it is released.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "archive_scan.h"
#include "buf.h"
#include "error.h"
#include "html_text.h"
#include "mime_walk.h"
#include "text_decode.h"
#include "tnef.h"

#define SNIFF_BYTES ((size_t)64 * 1024)

typedef struct walk_ctx {
	const unsigned char *raw;
	size_t len;
	GByteArray *array;	/* the bytes GMime parsed (copy of raw) */
	unsigned int max_depth, max_parts;
	size_t max_decoded;
	size_t decoded;		/* decoded bytes so far */
	int default_crlf;	/* line end style of the header */
	int stop;		/* a limit was hit */
	int rc;			/* first hard error */
	int in_signed;		/* walking the children of a multipart/signed */
	secm_archive_limits alim; /* archive bounds (archive_scan.h) */
	secm_walk *w;
} walk_ctx;

typedef enum leaf_class {
	LEAF_SKIP = 0,		/* not text: counted as unscannable */
	LEAF_TEXT,
	LEAF_HTML,
	LEAF_SNIFF		/* scanned if it looks like UTF-8 text */
} leaf_class;

/* application types that are text in practice */
static const char *const text_types[] = {
	"application/json", "application/xml", "application/x-yaml",
	"application/yaml", "application/x-sh", "application/x-shellscript",
	"application/x-csh", "application/javascript",
	"application/x-javascript", "application/ecmascript",
	"application/x-pem-file", "application/pgp-keys",
	"application/x-python", "application/x-python-code",
	"application/x-perl", "application/x-ruby", "application/x-php",
	"application/x-httpd-php", "application/sql", "application/x-sql",
	"application/toml", "application/x-toml", "application/x-tex",
	"application/x-latex", "application/x-www-form-urlencoded",
	"application/x-x509-ca-cert", "application/x-properties",
	"application/x-env", "application/x-ini", "application/rtf",
	"application/x-ipynb+json", "application/graphql",
	"message/delivery-status", "message/disposition-notification",
	"message/feedback-report", "message/partial", NULL
};

/* file name extensions of text files that often hold credentials */
static const char *const text_exts[] = {
	"env", "json", "yaml", "yml", "ini", "cfg", "conf", "config", "toml",
	"properties", "pem", "key", "p8", "crt", "cer", "txt", "text", "log",
	"csv", "tsv", "xml", "sql", "sh", "bash", "zsh", "ksh", "ps1", "bat",
	"cmd", "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "go",
	"rb", "php", "cs", "c", "h", "cc", "cpp", "hpp", "rs", "kt", "kts",
	"swift", "scala", "pl", "pm", "lua", "r", "tf", "tfvars", "hcl",
	"npmrc", "pypirc", "netrc", "pgpass", "git-credentials", "gradle",
	"md", "rst", "html", "htm", "vue", "erb", "j2", "tpl", "dockerfile",
	"service", "asc", "ovpn", "kubeconfig", "htpasswd", "cnf", "ipynb",
	"plist", "groovy", "dart", "ex", "exs", "erl", "hs", "ml", "vb",
	"vbs", "psm1", "pub", "diff", "patch", NULL
};

/* whole file names (basename, lower case) that are text */
static const char *const text_names[] = {
	"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "credentials",
	"config", "dockerfile", "makefile", "jenkinsfile", "vagrantfile",
	"procfile", "authorized_keys", "known_hosts", "htpasswd", NULL
};

/* in_list - exact (case-insensitive) membership */
static int in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcasecmp(s, *list) == 0)
			return 1;
	}
	return 0;
}

/* name_is_text - does a file name look like a text file worth scanning */
static int name_is_text(const char *fn)
{
	const char *base, *dot;

	if (fn == NULL || fn[0] == '\0')
		return 0;
	base = strrchr(fn, '/');
	base = base != NULL ? base + 1 : fn;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	if (in_list(base, text_names) || strncasecmp(base, ".env", 4) == 0 ||
	    strncasecmp(base, "id_", 3) == 0)
		return 1;
	dot = strrchr(base, '.');
	return dot != NULL && in_list(dot + 1, text_exts);
}

/* classify - decide how a leaf is scanned from its type and file name */
static leaf_class classify(const char *type, const char *fn)
{
	if (strcmp(type, "text/html") == 0 || strcmp(type, "application/xhtml+xml") == 0)
		return LEAF_HTML;
	if (strncmp(type, "application/pkcs7", 17) == 0 ||
	    strncmp(type, "application/x-pkcs7", 19) == 0 ||
	    strcmp(type, "application/pgp-encrypted") == 0 ||
	    strcmp(type, "application/pgp-signature") == 0)
		return LEAF_SKIP;
	if (strncmp(type, "text/", 5) == 0 || in_list(type, text_types))
		return LEAF_TEXT;
	if (strncmp(type, "application/", 12) == 0) {
		size_t n = strlen(type);

		if ((n > 5 && strcmp(type + n - 5, "+json") == 0) ||
		    (n > 4 && strcmp(type + n - 4, "+xml") == 0) ||
		    (n > 5 && strcmp(type + n - 5, "+yaml") == 0))
			return LEAF_TEXT;
	}
	if (name_is_text(fn))
		return LEAF_TEXT;
	if (strncmp(type, "application/", 12) == 0 || type[0] == '\0')
		return LEAF_SNIFF;
	return LEAF_SKIP;
}

/* set_limit - record the first bound exceeded and stop the walk */
static void set_limit(walk_ctx *c, secm_limit_kind kind, const char *path)
{
	c->stop = 1;
	if (c->w->limit_hit != SECM_LIMIT_NONE)
		return;
	c->w->limit_hit = kind;
	snprintf(c->w->limit_path, sizeof(c->w->limit_path), "%s",
		 path[0] != '\0' ? path : "root");
}

/* new_unit - append a zeroed unit; NULL when out of memory */
static secm_unit *new_unit(secm_walk *w)
{
	secm_unit *u;
	size_t cap;

	if (w->n == w->cap) {
		cap = w->cap ? w->cap * 2 : 8;
		u = realloc(w->units, cap * sizeof(*u));
		if (u == NULL)
			return NULL;
		w->units = u;
		w->cap = cap;
	}
	u = &w->units[w->n++];
	memset(u, 0, sizeof(*u));
	return u;
}

/* unit_clear - wipe and free what one unit owns */
static void unit_clear(secm_unit *u)
{
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
	u->text = u->source = NULL;
	u->map = u->map_end = NULL;
	u->seg_src = u->seg_dec = NULL;
	u->nseg = 0;
}

/* detect_crlf - line end style of the first line end in p, else dflt */
static int detect_crlf(const unsigned char *p, size_t len, int dflt)
{
	const unsigned char *nl = memchr(p, '\n', len);

	if (nl == NULL)
		return dflt;
	return nl > p && nl[-1] == '\r';
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

/* sniff - decode a prefix of an unknown attachment; is it text? */
static int sniff(secm_cte cte, const unsigned char *p, size_t len)
{
	secm_buf b = SECM_BUF_INIT;
	size_t take = len, n;
	int yes, cut;

	if (cte == SECM_CTE_BASE64 || cte == SECM_CTE_QP ||
	    cte == SECM_CTE_UUENCODE)
		take = len < SNIFF_BYTES * 2 ? len : SNIFF_BYTES * 2;
	else
		take = len < SNIFF_BYTES ? len : SNIFF_BYTES;
	if (secm_cte_decode(cte, p, take, &b, NULL, 0) != 0)
		return -1;
	n = b.len < SNIFF_BYTES ? b.len : SNIFF_BYTES;
	cut = take < len || n < b.len;
	yes = n > 0 && looks_text(b.data, n, cut);
	secm_buf_free(&b);
	return yes;
}

/* lower_type - "type/subtype" of obj in lower case into t[tlen] */
static void lower_type(GMimeObject *obj, char *t, size_t tlen)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *a = ct ? g_mime_content_type_get_media_type(ct) : NULL;
	const char *b = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	size_t i;

	snprintf(t, tlen, "%s/%s", a ? a : "text", b ? b : "plain");
	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] >= 'A' && t[i] <= 'Z')
			t[i] = (char)(t[i] + 32);
	}
}

/* add_unit - decode raw [start, end) and append it as a unit */
static void add_unit(walk_ctx *c, const char *path, const char *type,
		     const char *fn, secm_cte cte, const char *charset,
		     size_t start, size_t end, int html)
{
	secm_buf dec = SECM_BUF_INIT, utf = SECM_BUF_INIT;
	secm_cs_fallback how;
	char used[48];
	secm_unit *u;
	size_t *ss = NULL, *sd = NULL, nseg = 0;

	if (secm_cte_decode(cte, c->raw + start, end - start, &dec, NULL, 0) != 0)
		goto oom;
	if (c->max_decoded > 0 && dec.len > c->max_decoded - c->decoded) {
		set_limit(c, SECM_LIMIT_DECODED, path);
		goto out;
	}
	c->decoded += dec.len;
	if (secm_charset_to_utf8_map(charset, dec.data, dec.len, &utf, used,
				     sizeof(used), &how, &ss, &sd, &nseg) != 0 ||
	    secm_buf_reserve(&utf, 0) != 0)
		goto oom;
	u = new_unit(c->w);
	if (u == NULL)
		goto oom;
	u->seg_src = ss;
	u->seg_dec = sd;
	u->nseg = nseg;
	ss = sd = NULL;
	u->kind = SECM_UNIT_BODY;
	snprintf(u->path, sizeof(u->path), "%s", path);
	snprintf(u->content_type, sizeof(u->content_type), "%s", type);
	snprintf(u->filename, sizeof(u->filename), "%s", fn);
	snprintf(u->charset, sizeof(u->charset), "%s", charset ? charset : "");
	snprintf(u->decode_charset, sizeof(u->decode_charset), "%s", used);
	u->charset_fallback = (int)how;
	u->cte = cte;
	u->crlf = detect_crlf(c->raw + start, end - start, c->default_crlf);
	u->raw_start = start;
	u->raw_end = end;
	u->in_signed = c->in_signed;
	u->source = (char *)secm_buf_steal(&utf, &u->source_len);
	u->text = u->source;
	u->text_len = u->source_len;
	if (html) {
		u->is_html = 1;
		if (secm_html_render(u->source, u->source_len, &u->text,
				     &u->text_len, &u->map, &u->map_end) != 0) {
			u->text = u->source;
			goto oom;
		}
	}
	goto out;
oom:
	c->rc = SECM_ENOMEM;
out:
	free(ss);
	free(sd);
	secm_buf_free(&dec);
	secm_buf_free(&utf);
}

/* is_opaque - an S/MIME part whose content cannot be read: enveloped
 * (encrypted) or opaque signed-data; certificate-only parts are not */
static int is_opaque(GMimeObject *obj, const char *type)
{
	const char *st;

	if (strcmp(type, "application/pkcs7-mime") != 0 &&
	    strcmp(type, "application/x-pkcs7-mime") != 0)
		return 0;
	st = g_mime_object_get_content_type_parameter(obj, "smime-type");
	return st == NULL || strcasecmp(st, "certs-only") != 0;
}

/* tnef_text - is a file inside winmail.dat text: the attachment rules */
static int tnef_text(const char *fn, const unsigned char *p, size_t n)
{
	leaf_class cls = classify("application/octet-stream", fn);

	if (cls == LEAF_SNIFF)
		return n > 0 && looks_text(p, n < SNIFF_BYTES ? n : SNIFF_BYTES,
					   n > SNIFF_BYTES);
	return cls == LEAF_TEXT;
}

/* tnef_unit - the bodies and text attachments of a TNEF stream
 * (winmail.dat) as no_redact units (tnef.h); a stream that does not parse
 * is counted unscannable and its text runs are scanned */
static void tnef_unit(walk_ctx *c, const char *path, const char *type,
		      const char *fn, secm_cte cte, size_t start, size_t end)
{
	secm_buf dec = SECM_BUF_INIT;
	secm_tnef_part tp = { path, type, fn, cte,
		detect_crlf(c->raw + start, end - start, c->default_crlf),
		c->in_signed, start, end, tnef_text, &c->alim };

	if (secm_cte_decode(cte, c->raw + start, end - start, &dec, NULL, 0) != 0) {
		c->rc = SECM_ENOMEM;
	} else if (c->max_decoded > 0 && dec.len > c->max_decoded - c->decoded) {
		set_limit(c, SECM_LIMIT_DECODED, path);
	} else {
		c->decoded += dec.len;
		if (secm_tnef_units(c->w, &tp, dec.data, dec.len) != 0)
			c->rc = SECM_ENOMEM;
	}
	secm_buf_free(&dec);
}

/* header_start - offset in raw of obj's first header field (the start of
 * the part), or 0 when unknown or not before content start */
static size_t header_start(walk_ctx *c, GMimeObject *obj, size_t start)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	gint64 best = -1, off;
	int i, n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;

	for (i = 0; i < n; i++) {
		off = g_mime_header_get_offset(g_mime_header_list_get_header_at(hl, i));
		if (off >= 0 && (best < 0 || off < best))
			best = off;
	}
	if (best <= 0 || (size_t)best >= start || (size_t)best > c->len)
		return 0;
	/* a header field starts a line */
	if (c->raw[best - 1] != '\n')
		return 0;
	return (size_t)best;
}

/* mark_removable - units [from, w->n) came from the leaf obj that is not
 * rewritten in place: note where its part starts and its file name, for the
 * remove fallback (ArchiveFallback remove) */
static void mark_removable(walk_ctx *c, GMimeObject *obj, size_t from,
			   const char *fn, size_t start)
{
	size_t ps = header_start(c, obj, start);

	for (size_t i = from; i < c->w->n; i++) {
		c->w->units[i].part_start = ps;
		snprintf(c->w->units[i].attachment,
			 sizeof(c->w->units[i].attachment), "%s", fn);
	}
}

/* flowed - a text/plain; format=flowed unit (RFC 3676) is scanned with
 * its soft line breaks joined; the map leads back to the source, where
 * redaction replaces the whole mapped range (soft breaks inside a secret
 * go with it) */
static void flowed(walk_ctx *c, GMimeObject *obj, secm_unit *u)
{
	const char *fmt = g_mime_object_get_content_type_parameter(obj, "format");
	const char *ds = g_mime_object_get_content_type_parameter(obj, "delsp");
	char *text;
	size_t tl, *map, *map_end;

	if (fmt == NULL || strcasecmp(fmt, "flowed") != 0 || u->map != NULL)
		return;
	if (secm_flowed_unwrap(u->source, u->source_len,
			       ds != NULL && strcasecmp(ds, "yes") == 0,
			       &text, &tl, &map, &map_end) != 0) {
		c->rc = SECM_ENOMEM;
		return;
	}
	if (text == NULL)
		return;
	u->text = text;
	u->text_len = tl;
	u->map = map;
	u->map_end = map_end;
}

/* uu_line_ok - could p[0..n) (no line end) be a line of uuencoded data */
static int uu_line_ok(const char *p, size_t n)
{
	if (n == 0 || n > 120)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < ' ' || p[i] > '`')
			return 0;
	}
	return 1;
}

/* uu_block - is there a uuencoded block at line start s of src: "begin"
 * and octal mode, data lines, "end"; its end (after the end line) in *e */
static int uu_block(const char *src, size_t len, size_t s, size_t *e)
{
	size_t i = s + 6, next, n;
	const char *nl;
	int digits = 0;

	if (len - s < 8 || memcmp(src + s, "begin ", 6) != 0)
		return 0;
	while (i < len && src[i] >= '0' && src[i] <= '7' && digits < 5) {
		i++;
		digits++;
	}
	if (digits < 3 || i >= len || src[i] != ' ')
		return 0;
	nl = memchr(src + i, '\n', len - i);
	for (i = nl != NULL ? (size_t)(nl - src) + 1 : len; i < len; i = next) {
		nl = memchr(src + i, '\n', len - i);
		next = nl != NULL ? (size_t)(nl - src) + 1 : len;
		n = (nl != NULL ? (size_t)(nl - src) : len) - i;
		if (n > 0 && src[i + n - 1] == '\r')
			n--;
		if (n == 3 && memcmp(src + i, "end", 3) == 0) {
			*e = next;
			return 1;
		}
		if (!uu_line_ok(src + i, n))
			return 0;
	}
	return 0;
}

/* uu_units - every uuencoded block in the source of text unit pi becomes
 * a unit "<path>.uu<n>" when its content is text by the attachment rules
 * (n counts every block); a binary block is not counted unscannable: the
 * text holding it is scanned */
static void uu_units(walk_ctx *c, size_t pi)
{
	secm_buf dec = SECM_BUF_INIT, utf = SECM_BUF_INIT;
	char name[128], used[48];
	secm_cs_fallback how;
	size_t s = 0, e, k = 0;
	leaf_class cls;
	secm_unit *u;

	while (s < c->w->units[pi].source_len && c->rc == 0 && !c->stop) {
		const secm_unit *p = &c->w->units[pi];
		const char *nl;

		if (!uu_block(p->source, p->source_len, s, &e)) {
			nl = memchr(p->source + s, '\n', p->source_len - s);
			s = nl != NULL ? (size_t)(nl - p->source) + 1 : p->source_len;
			continue;
		}
		secm_buf_reset(&dec);
		secm_buf_reset(&utf);
		if (secm_cte_decode(SECM_CTE_UUENCODE, (const unsigned char *)p->source + s,
				    e - s, &dec, name, sizeof(name)) != 0)
			goto oom;
		k++;
		cls = classify("application/octet-stream", name);
		if (cls == LEAF_SNIFF)
			cls = dec.len > 0 && looks_text(dec.data, dec.len < SNIFF_BYTES ?
				dec.len : SNIFF_BYTES, dec.len > SNIFF_BYTES) ?
				LEAF_TEXT : LEAF_SKIP;
		if (cls != LEAF_TEXT) {
			s = e;	/* binary: its encoded form is scanned as text */
			continue;
		}
		if (c->max_decoded > 0 && dec.len > c->max_decoded - c->decoded) {
			set_limit(c, SECM_LIMIT_DECODED, p->path);
			break;
		}
		c->decoded += dec.len;
		if (secm_charset_to_utf8(NULL, dec.data, dec.len, &utf, used,
					 sizeof(used), &how) != 0 ||
		    secm_buf_reserve(&utf, 0) != 0)
			goto oom;
		u = new_unit(c->w);	/* may move the units: p is stale now */
		if (u == NULL)
			goto oom;
		p = &c->w->units[pi];
		u->kind = SECM_UNIT_BODY;
		snprintf(u->path, sizeof(u->path), "%.50s.uu%zu", p->path, k);
		snprintf(u->content_type, sizeof(u->content_type), "application/octet-stream");
		snprintf(u->filename, sizeof(u->filename), "%s", name);
		snprintf(u->decode_charset, sizeof(u->decode_charset), "%s", used);
		u->charset_fallback = (int)how;
		u->cte = SECM_CTE_UUENCODE;
		u->crlf = p->crlf;
		u->raw_start = u->raw_end = p->raw_end;
		u->in_signed = p->in_signed;
		u->uu_parent = pi + 1;
		u->uu_start = s;
		u->uu_end = e;
		u->source = (char *)secm_buf_steal(&utf, &u->source_len);
		u->text = u->source;
		u->text_len = u->source_len;
		s = e;
	}
	goto out;
oom:
	c->rc = SECM_ENOMEM;
out:
	if (dec.data != NULL)
		secm_wipe(dec.data, dec.len);
	secm_buf_free(&dec);
	secm_buf_free(&utf);
}

/* leaf - turn one leaf part into a unit, or count it as unscannable */
static void leaf(walk_ctx *c, GMimeObject *obj, const char *path, int encrypted)
{
	GMimeDataWrapper *dw;
	GMimeStream *s;
	char type[96], fn[128], uuname[128];
	const char *f;
	secm_cte cte;
	leaf_class cls;
	size_t start, end, ds, de, n0 = c->w->n;
	int r;

	lower_type(obj, type, sizeof(type));
	f = g_mime_part_get_filename(GMIME_PART(obj));
	snprintf(fn, sizeof(fn), "%s", f != NULL ? f : "");
	cte = secm_cte_parse(g_mime_object_get_header(obj, "Content-Transfer-Encoding"));
	dw = g_mime_part_get_content(GMIME_PART(obj));
	s = dw != NULL ? g_mime_data_wrapper_get_stream(dw) : NULL;
	/* the content must be a window on the very bytes we handed GMime */
	if (s == NULL || !GMIME_IS_STREAM_MEM(s) ||
	    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s)) != c->array ||
	    s->bound_start < 0 || (size_t)s->bound_start > c->len) {
		c->w->unscannable++;
		return;
	}
	start = (size_t)s->bound_start;
	end = s->bound_end < 0 || (size_t)s->bound_end > c->len ?
		c->len : (size_t)s->bound_end;
	if (end < start)
		end = start;
	if (cte == SECM_CTE_UUENCODE && fn[0] == '\0') {
		secm_uu_bounds(c->raw + start, end - start, &ds, &de,
			       uuname, sizeof(uuname));
		snprintf(fn, sizeof(fn), "%s", uuname);
	}
	if (!encrypted && is_opaque(obj, type))
		c->w->encrypted++;
	if (strcmp(type, "message/partial") == 0)
		c->w->partial++;
	if (!encrypted && (strcmp(type, "application/ms-tnef") == 0 ||
			   strcmp(type, "application/vnd.ms-tnef") == 0 ||
			   strcasecmp(fn, "winmail.dat") == 0)) {
		c->w->tnef++;
		tnef_unit(c, path, type, fn, cte, start, end);
		mark_removable(c, obj, n0, fn, start);
		return;
	}
	if (!encrypted && secm_archive_wanted(type, fn)) {
		/* archives and OOXML: member text units (archive_scan.h) */
		if (secm_archive_part(c->w, path, type, fn, cte, c->raw, start,
				      end, &c->alim) != 0)
			c->rc = SECM_ENOMEM;
		mark_removable(c, obj, n0, fn, start);
		return;
	}
	cls = encrypted ? LEAF_SKIP : classify(type, fn);
	if (cls == LEAF_SNIFF) {
		r = sniff(cte, c->raw + start, end - start);
		if (r < 0) {
			c->rc = SECM_ENOMEM;
			return;
		}
		cls = r ? LEAF_TEXT : LEAF_SKIP;
	}
	if (cls == LEAF_SKIP) {
		c->w->unscannable++;
		return;
	}
	add_unit(c, path, type, fn, cte,
		 g_mime_object_get_content_type_parameter(obj, "charset"),
		 start, end, cls == LEAF_HTML);
	if (c->w->n > n0 && strcmp(type, "text/plain") == 0) {
		flowed(c, obj, &c->w->units[n0]);
		uu_units(c, n0);
	}
}

/* join - child path "parent.i" (or "i" at the top) into out; -1 if too long */
static int join(char *out, size_t outlen, const char *parent, int i)
{
	int n = parent[0] != '\0' ?
		snprintf(out, outlen, "%s.%d", parent, i) :
		snprintf(out, outlen, "%d", i);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static size_t header_end(const unsigned char *raw, size_t len, size_t i);
static int header_units(walk_ctx *c, size_t from, size_t end,
			const char *parent, int top);

/* last_end - where the last unit ends: later units start there or after */
static size_t last_end(const walk_ctx *c)
{
	return c->w->n > 0 ? c->w->units[c->w->n - 1].raw_end : 0;
}

/* first_start - raw offset of the first content GMime found inside obj
 * (a leaf's content, an attached message's first header); len if none */
static size_t first_start(walk_ctx *c, GMimeObject *obj)
{
	GMimeDataWrapper *dw;
	GMimeStream *s;
	GMimeHeaderList *hl;
	GMimeMessage *m;
	size_t r, best = c->len;
	int i, n;

	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n && i < 1; i++)
			best = first_start(c, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i));
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		hl = m != NULL ? g_mime_object_get_header_list(GMIME_OBJECT(m)) : NULL;
		if (hl != NULL && g_mime_header_list_get_count(hl) > 0) {
			gint64 off = g_mime_header_get_offset(
				g_mime_header_list_get_header_at(hl, 0));

			if (off >= 0 && (size_t)off < best)
				best = (size_t)off;
		} else if (m != NULL && g_mime_message_get_mime_part(m) != NULL) {
			r = first_start(c, g_mime_message_get_mime_part(m));
			best = r < best ? r : best;
		}
	} else if (GMIME_IS_PART(obj)) {
		dw = g_mime_part_get_content(GMIME_PART(obj));
		s = dw != NULL ? g_mime_data_wrapper_get_stream(dw) : NULL;
		if (s != NULL && s->bound_start >= 0 && (size_t)s->bound_start < best)
			best = (size_t)s->bound_start;
	}
	return best;
}

/* text_piece - GMime's preamble or epilogue text str, found in raw
 * [lo, hi), as the text unit "parent.name" (blank text is skipped) */
static void text_piece(walk_ctx *c, const char *parent, const char *name,
		       const char *str, size_t lo, size_t hi)
{
	const unsigned char *at;
	char p[64];
	size_t n, k;

	if (str == NULL || c->stop || c->rc != 0)
		return;
	n = strlen(str);
	for (k = 0; k < n && strchr(" \t\r\n", str[k]) != NULL; k++)
		;
	if (k == n)
		return;
	if (lo < last_end(c))
		lo = last_end(c);
	if (hi > c->len)
		hi = c->len;
	if (lo >= hi || hi - lo < n)
		return;
	at = memmem(c->raw + lo, hi - lo, str, n);
	if (at == NULL)
		return;
	snprintf(p, sizeof(p), "%s%s%s", parent, parent[0] ? "." : "", name);
	lo = (size_t)(at - c->raw);
	add_unit(c, p, "text/plain", "", SECM_CTE_7BIT, NULL, lo, lo + n, 0);
}

/* after_close - offset after the close delimiter line of multipart mp
 * (searched from the last unit on), or that last unit's end */
static size_t after_close(walk_ctx *c, GMimeMultipart *mp)
{
	const char *b = g_mime_multipart_get_boundary(mp);
	size_t lo = last_end(c), n;
	const unsigned char *at, *nl;
	char delim[256];

	if (b == NULL)
		return lo;
	n = (size_t)snprintf(delim, sizeof(delim), "--%s--", b);
	if (n >= sizeof(delim) || lo >= c->len)
		return lo;
	at = memmem(c->raw + lo, c->len - lo, delim, n);
	if (at == NULL)
		return lo;
	nl = memchr(at, '\n', (size_t)(c->raw + c->len - at));
	return nl != NULL ? (size_t)(nl - c->raw) + 1 : c->len;
}

/* inner_headers - the scanned header fields (and stray text lines) of an
 * attached message: they are inside the outer body, so redaction can
 * rewrite them like any part */
static void inner_headers(walk_ctx *c, GMimeMessage *inner, const char *path)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(inner));
	GMimeObject *body = g_mime_message_get_mime_part(inner);
	gint64 off;
	size_t from, end, lim;

	if (hl == NULL || g_mime_header_list_get_count(hl) == 0)
		return;
	off = g_mime_header_get_offset(g_mime_header_list_get_header_at(hl, 0));
	if (off < 0 || (size_t)off >= c->len || (size_t)off < last_end(c))
		return;
	from = (size_t)off;
	end = header_end(c->raw, c->len, from);
	lim = body != NULL ? first_start(c, body) : c->len;
	if (end > lim)
		end = lim;
	if (header_units(c, from, end, path, 0) != 0 && c->rc == 0)
		c->rc = SECM_ENOMEM;
}

/* walk_node - count, bound and descend into one MIME object */
static void walk_node(walk_ctx *c, GMimeObject *obj, const char *path,
		      unsigned int depth, int encrypted)
{
	char child[64];
	GMimeMessage *inner;
	GMimeObject *body;
	int i, n;

	if (c->stop || c->rc != 0 || obj == NULL)
		return;
	c->w->parts++;
	if (c->max_parts > 0 && c->w->parts > c->max_parts) {
		set_limit(c, SECM_LIMIT_PARTS, path);
		return;
	}
	if (c->max_depth > 0 && depth > c->max_depth) {
		set_limit(c, SECM_LIMIT_DEPTH, path);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int was_signed = c->in_signed;

		if (GMIME_IS_MULTIPART_ENCRYPTED(obj) && !encrypted) {
			encrypted = 1;
			c->w->encrypted++;
		}
		if (GMIME_IS_MULTIPART_SIGNED(obj) && !encrypted) {
			c->w->signed_parts++;
			c->in_signed = 1;
		}
		n = g_mime_multipart_get_count(mp);
		if (!encrypted)
			text_piece(c, path, "preamble", g_mime_multipart_get_prologue(mp),
				   last_end(c), first_start(c, obj));
		for (i = 0; i < n && !c->stop && c->rc == 0; i++) {
			if (join(child, sizeof(child), path, i + 1) != 0) {
				set_limit(c, SECM_LIMIT_DEPTH, path);
				c->in_signed = was_signed;
				return;
			}
			walk_node(c, g_mime_multipart_get_part(mp, i),
				  child, depth + 1, encrypted);
		}
		if (!encrypted && !c->stop && c->rc == 0)
			text_piece(c, path, "epilogue", g_mime_multipart_get_epilogue(mp),
				   after_close(c, mp), c->len);
		c->in_signed = was_signed;
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		body = inner != NULL ? g_mime_message_get_mime_part(inner) : NULL;
		if (inner != NULL && !encrypted)
			inner_headers(c, inner, path);
		if (body == NULL || c->stop || c->rc != 0)
			return;
		if (GMIME_IS_MULTIPART(body)) {
			walk_node(c, body, path, depth + 1, encrypted);
		} else if (join(child, sizeof(child), path, 1) != 0) {
			set_limit(c, SECM_LIMIT_DEPTH, path);
		} else {
			walk_node(c, body, child, depth + 1, encrypted);
		}
	} else if (GMIME_IS_PART(obj)) {
		leaf(c, obj, path, encrypted);
	}
}

/* header_end - offset of the first body byte (after the empty line) */
static size_t header_end(const unsigned char *raw, size_t len, size_t i)
{
	const unsigned char *nl;

	while (i < len) {
		if (raw[i] == '\n')
			return i + 1;
		if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')
			return i + 2;
		nl = memchr(raw + i, '\n', len - i);
		if (nl == NULL)
			return len;
		i = (size_t)(nl - raw) + 1;
	}
	return len;
}

static int field_line(const unsigned char *p, size_t n);

/* decode_value - the unfolded, RFC 2047 decoded value of the field whose
 * value (after the colon) is raw[f, e), as UTF-8 into utf */
static int decode_value(const unsigned char *raw, size_t f, size_t e,
			secm_buf *utf)
{
	secm_buf val = SECM_BUF_INIT, tol = SECM_BUF_INIT;
	char used[48], *dec = NULL;
	const char *v;
	secm_cs_fallback how;
	size_t k;
	int rc = SECM_ENOMEM;

	/* unfold: drop CR and LF, keep the whitespace that follows */
	for (k = f; k < e; k++) {
		if (raw[k] != '\r' && raw[k] != '\n' &&
		    secm_buf_append(&val, raw + k, 1) != 0)
			goto out;
	}
	if (secm_buf_append(&val, "", 0) != 0 || secm_buf_reserve(&val, 1) != 0)
		goto out;
	val.data[val.len] = '\0';
	v = (const char *)val.data;
	while (*v == ' ' || *v == '\t')
		v++;
	dec = g_mime_utils_header_decode_text(NULL, v);
	if (dec == NULL)
		goto out;
	if (strstr(dec, "?=") != NULL || strstr(dec, "=?") != NULL) {
		/* a broken encoded word may have swallowed a good one: decode
		 * word by word instead */
		if (secm_header_decode_tolerant(v, &tol) != 0)
			goto out;
		rc = secm_charset_to_utf8("utf-8", tol.data, tol.len, utf, used,
					  sizeof(used), &how);
	} else {
		/* GMime's output should be UTF-8; make sure of it */
		rc = secm_charset_to_utf8("utf-8", (const unsigned char *)dec,
					  strlen(dec), utf, used, sizeof(used), &how);
	}
	if (rc == 0)
		rc = secm_buf_reserve(utf, 0);
out:
	if (dec != NULL) {
		secm_wipe(dec, strlen(dec));
		g_free(dec);
	}
	secm_buf_free(&val);
	secm_buf_free(&tol);
	return rc;
}

/* machine X- headers that are never scanned (prefixes, lower case):
 * tokens, hashes and routing data that rules would misread */
static const char *const x_skip[] = {
	"x-mailer", "x-spam", "x-google", "x-gm-", "x-gmail", "x-ms-",
	"x-microsoft", "x-forefront", "x-exchange", "x-eop", "x-originating",
	"x-received", "x-virus", "x-mimeole", "x-msmail", "x-priority",
	"x-ironport", "x-proofpoint", "x-mimecast", "x-barracuda",
	"x-cloudmark", "x-antiabuse", "x-authenticated", "x-auth", "x-ses-",
	"x-amazon", "x-sg-", "x-feedback", "x-mailgun", "x-pm-", "x-apple",
	"x-ymail", "x-yahoo", "x-report-abuse", "x-abuse", "x-sender",
	"x-original", "x-envelope", "x-delivered", "x-rcpt", "x-beenthere",
	"x-mailman", "x-list", "x-bounce", "x-csa-", "x-sid", "x-msfbl",
	"x-mc-", "x-mandrill", "x-sfmc", "x-dkim", "x-arc", "x-secret-milter",
	"x-ham", "x-rspamd", "x-amavis", "x-quarantine", "x-scanned",
	"x-uid", "x-keywords", "x-status", "x-mozilla", "x-evolution",
	"x-account-key", "x-identity-key", "x-incoming", "x-crosspremises",
	"x-atp", "x-ld-", "x-tm-", "x-sophos", "x-zoho", "x-halon",
	"x-php-", "x-source", "x-authority", "x-get-message-sender",
	"x-face", "x-image-url", "x-pgp", "x-mshtml", "x-msh", "x-ovh",
	"x-vr-", "x-forwarded", "x-pobox", "x-me-", "x-mail-", "x-hashcash",
	"x-message-", "x-mlf", "x-spamd", "x-cmae", "x-ironport", NULL
};

/* secm_header_scanned - is a field with this name one people type into */
int secm_header_scanned(const char *name, size_t n)
{
	const char *const *p;
	size_t k;

	if ((n == 7 && strncasecmp(name, "subject", 7) == 0) ||
	    (n == 8 && strncasecmp(name, "comments", 8) == 0) ||
	    (n == 8 && strncasecmp(name, "keywords", 8) == 0) ||
	    (n == 12 && strncasecmp(name, "thread-topic", 12) == 0))
		return 1;
	if (n < 3 || strncasecmp(name, "x-", 2) != 0)
		return 0;
	for (p = x_skip; *p != NULL; p++) {
		k = strlen(*p);
		if (n >= k && strncasecmp(name, *p, k) == 0)
			return 0;
	}
	return 1;
}

/* named_path - "name" or "parent.name" (lower case) into out */
static void named_path(char *out, size_t outlen, const char *parent,
		       const unsigned char *name, size_t n)
{
	size_t i, k = parent[0] != '\0' ?
		(size_t)snprintf(out, outlen, "%s.", parent) : 0;

	if (k >= outlen)
		k = outlen - 1;
	for (i = 0; i < n && k + 1 < outlen; i++) {
		unsigned char ch = name[i];

		out[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 :
				  ch > ' ' && ch < 0x7f ? ch : '_');
	}
	out[k] = '\0';
}

/* header_unit - the decoded value of field raw[i, e) (colon at f) */
static int header_unit(walk_ctx *c, const char *parent, size_t i, size_t f,
		       size_t e, size_t namelen, secm_unit_kind kind)
{
	secm_buf utf = SECM_BUF_INIT;
	secm_unit *u;
	int rc;

	rc = decode_value(c->raw, f + 1, e, &utf);
	if (rc != 0)
		return rc;
	u = new_unit(c->w);
	if (u == NULL) {
		secm_buf_free(&utf);
		return SECM_ENOMEM;
	}
	u->kind = kind;
	if (kind == SECM_UNIT_SUBJECT)
		snprintf(u->path, sizeof(u->path), "subject");
	else
		named_path(u->path, sizeof(u->path), parent, c->raw + i, namelen);
	u->cte = SECM_CTE_7BIT;
	u->crlf = detect_crlf(c->raw + i, e - i, c->default_crlf);
	u->raw_start = i;
	u->raw_end = e;
	u->in_signed = c->in_signed;
	u->source = (char *)secm_buf_steal(&utf, &u->source_len);
	u->text = u->source;
	u->text_len = u->source_len;
	return SECM_OK;
}

/* text_run - lines of a header block that are not fields, as text */
static void text_run(walk_ctx *c, const char *parent, size_t s, size_t e)
{
	char p[64];

	if (e <= s)
		return;
	snprintf(p, sizeof(p), "%s%sheader-text", parent, parent[0] ? "." : "");
	add_unit(c, p, "text/plain", "", SECM_CTE_7BIT, NULL, s, e, 0);
}

/* header_units - the scanned fields of the header block raw[from, end)
 * (see secm_header_scanned) and its lines that are not fields; top: the
 * message's own header, whose first Subject is the SECM_UNIT_SUBJECT */
static int header_units(walk_ctx *c, size_t from, size_t end,
			const char *parent, int top)
{
	const unsigned char *raw = c->raw, *nl;
	size_t i, f, e, k, n, rs = SIZE_MAX;
	int subject = 0, rc = SECM_OK;

	for (i = from; i < end && rc == SECM_OK && c->rc == 0; i = e) {
		nl = memchr(raw + i, '\n', end - i);
		e = nl == NULL ? end : (size_t)(nl - raw) + 1;
		/* continuation lines belong to the line before */
		while (e < end && (raw[e] == ' ' || raw[e] == '\t')) {
			nl = memchr(raw + e, '\n', end - e);
			e = nl == NULL ? end : (size_t)(nl - raw) + 1;
		}
		n = e - i;
		while (n > 0 && (raw[i + n - 1] == '\n' || raw[i + n - 1] == '\r'))
			n--;
		if (n == 0) {
			/* the empty line that closes the block */
			if (rs != SIZE_MAX)
				text_run(c, parent, rs, i);
			rs = SIZE_MAX;
			continue;
		}
		if (i == from && n >= 5 && memcmp(raw + i, "From ", 5) == 0)
			continue;	/* an mbox separator */
		if (!field_line(raw + i, n)) {
			if (rs == SIZE_MAX)
				rs = i;
			continue;
		}
		if (rs != SIZE_MAX)
			text_run(c, parent, rs, i);
		rs = SIZE_MAX;
		for (f = i; raw[f] != ':'; f++)
			;
		for (k = f; k > i && (raw[k - 1] == ' ' || raw[k - 1] == '\t'); k--)
			;
		if (!secm_header_scanned((const char *)raw + i, k - i))
			continue;
		if (top && !subject && k - i == 7 &&
		    strncasecmp((const char *)raw + i, "subject", 7) == 0) {
			subject = 1;
			rc = header_unit(c, parent, i, f, e, k - i, SECM_UNIT_SUBJECT);
		} else {
			rc = header_unit(c, parent, i, f, e, k - i, SECM_UNIT_HEADER);
		}
	}
	if (rs != SIZE_MAX && rc == SECM_OK && c->rc == 0)
		text_run(c, parent, rs, end);
	return rc != SECM_OK ? rc : c->rc;
}

/* blank_prefix - length of the whitespace-only lines the input starts with */
static size_t blank_prefix(const unsigned char *raw, size_t len)
{
	size_t i = 0, line = 0;

	for (i = 0; i < len && i < 65536; i++) {
		if (raw[i] == '\n')
			line = i + 1;
		else if (raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\r')
			break;
	}
	return line;
}

/* field_line - is p[0..n) (one line, no line end) the start of a header
 * field: a token name (RFC 2045 token characters), optional blanks, ':' */
static int field_line(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] > ' ' && p[i] < 0x7f && p[i] != ':' &&
	       strchr("()<>@,;\\\"/[]?={}", p[i]) == NULL)
		i++;
	if (i == 0)
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

/* header_swallows - does the header block raw[from..end) hold lines that
 * are not header fields (text without a colon, a bare CR line end)?  When
 * the header also runs to the end of the input, GMime keeps such lines
 * in the header and nothing would scan them: the input is not a message. */
static int header_swallows(const unsigned char *raw, size_t from, size_t end)
{
	const unsigned char *nl;
	size_t i, e, n;

	for (i = from; i < end; i = e) {
		nl = memchr(raw + i, '\n', end - i);
		e = nl == NULL ? end : (size_t)(nl - raw) + 1;
		n = e - i;
		if (n > 0 && raw[i + n - 1] == '\n')
			n--;
		if (n > 0 && raw[i + n - 1] == '\r')
			n--;
		if (n == 0)
			continue;	/* the empty line that ends the header */
		if (memchr(raw + i, '\r', n) != NULL)
			return 1;	/* bare CR: CR-only line ends */
		if (i == from && n >= 5 && memcmp(raw + i, "From ", 5) == 0)
			continue;	/* mbox separator */
		if (raw[i] == ' ' || raw[i] == '\t') {
			if (i == from)
				return 1;
			continue;	/* continuation */
		}
		if (!field_line(raw + i, n))
			return 1;
	}
	return 0;
}

static gsize mime_inited;

/* secm_mime_init - call g_mime_init once, before threads start */
void secm_mime_init(void)
{
	if (g_once_init_enter(&mime_inited)) {
		g_mime_init();
		g_once_init_leave(&mime_inited, 1);
	}
}

/* secm_mime_walk - parse raw and fill w with units */
int secm_mime_walk(const unsigned char *raw, size_t len,
		   const secm_walk_limits *lim, secm_walk *w, secm_error *err)
{
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	GMimeObject *body;
	walk_ctx c;
	size_t skip;
	int rc;

	secm_mime_init();
	memset(&c, 0, sizeof(c));
	c.raw = raw != NULL ? raw : (const unsigned char *)"";
	c.len = raw != NULL ? len : 0;
	c.w = w;
	c.max_depth = lim ? lim->max_depth : SECM_WALK_DEFAULT_DEPTH;
	c.max_parts = lim ? lim->max_parts : SECM_WALK_DEFAULT_PARTS;
	c.max_decoded = lim ? lim->max_decoded : SECM_WALK_DEFAULT_DECODED;
	c.alim.max_depth = lim ? lim->max_archive_depth : SECM_ARCHIVE_DEFAULT_DEPTH;
	c.alim.max_members = lim ? lim->max_archive_members :
				   SECM_ARCHIVE_DEFAULT_MEMBERS;
	c.alim.max_ratio = lim ? lim->max_archive_ratio : SECM_ARCHIVE_DEFAULT_RATIO;
	c.alim.max_bytes = lim ? lim->max_archive_bytes : SECM_ARCHIVE_DEFAULT_BYTES;
	c.default_crlf = detect_crlf(c.raw, c.len, 0);
	if (c.len > G_MAXUINT)
		return secm_error_set(err, SECM_ELIMIT, NULL, 0, NULL,
				      "message too large to parse (%zu bytes)", c.len);
	skip = blank_prefix(c.raw, c.len);
	w->body_start = header_end(c.raw, c.len, skip);
	rc = header_units(&c, skip, w->body_start, "", 1);
	if (rc != 0)
		goto out;
	stream = g_mime_stream_mem_new_with_buffer((const char *)c.raw, c.len);
	c.array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_persist_stream(parser, TRUE);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	if (msg == NULL && skip > 0) {
		/* GMime gives up on leading blank lines: parse after them (the
		 * stream position carries over, so offsets stay absolute) */
		g_object_unref(parser);
		g_mime_stream_seek(stream, (gint64)skip, GMIME_STREAM_SEEK_SET);
		parser = g_mime_parser_new_with_stream(stream);
		g_mime_parser_set_persist_stream(parser, TRUE);
		msg = g_mime_parser_construct_message(parser, NULL);
	}
	if (msg != NULL && w->body_start >= c.len &&
	    header_swallows(c.raw, skip, c.len)) {
		/* no body and text in the header: GMime would hide that text
		 * in header fields nobody scans (also CR-only line ends) */
		g_object_unref(msg);
		msg = NULL;
	}
	if (msg == NULL) {
		/* not MIME at all (no header): scan every byte as plain text so
		 * that nothing passes unscanned; the Subject unit would overlap */
		secm_walk_free(w);
		w->parse_failed = 1;
		w->parts = 1;
		if (c.len > 0)
			add_unit(&c, "1", "text/plain", "", SECM_CTE_7BIT, NULL,
				 0, c.len, 0);
	} else {
		body = g_mime_message_get_mime_part(msg);
		if (body != NULL)
			walk_node(&c, body, GMIME_IS_MULTIPART(body) ? "" : "1",
				  1, 0);
	}
	rc = c.rc;
	if (rc != 0)
		secm_error_set(err, rc, NULL, 0, NULL, "MIME walk: %s",
			       secm_strerror(rc));
out:
	if (msg != NULL)
		g_object_unref(msg);
	if (parser != NULL)
		g_object_unref(parser);
	if (stream != NULL) {
		if (c.array != NULL)
			secm_wipe(c.array->data, c.array->len);
		g_object_unref(stream);
	}
	return rc;
}

/* secm_walk_free - free units (wiping text); w itself is the caller's */
void secm_walk_free(secm_walk *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		unit_clear(&w->units[i]);
	free(w->units);
	w->units = NULL;
	w->n = w->cap = 0;
}
