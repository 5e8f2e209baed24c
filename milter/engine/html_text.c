/*
 * html_text.c - HTML to text with an offset map (see html_text.h).
 *
 * Design: one forward pass, no DOM.  A small tokenizer tells text, tags,
 * comments, entities and raw-text elements (script, style) apart; every
 * byte appended to the text records the source range that produced it.
 * Malformed HTML never fails: an unfinished tag or comment runs to the end.
 * Whitespace: text is kept as written (spaces and source newlines stay, so
 * a key block written without tags keeps its lines), except that the run of
 * whitespace right after a tag that emitted a line break is dropped, as a
 * browser collapses it: "a<br>\n  b" reads "a\nb", not "a\n\n  b", so a
 * key pasted as "line<br>\n" per line keeps consecutive lines.  Inside
 * <pre>, <textarea>, <listing> and <xmp> whitespace is kept, bar the one
 * newline right after the start tag that HTML ignores.  Dropped source
 * bytes map from no text byte; the map stays monotonic.
 * Threading: no shared mutable state.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "error.h"
#include "html_text.h"

typedef struct out_ctx {
	secm_buf text;
	size_t *map, *map_end;
	size_t cap;		/* entries allocated in map and map_end */
	int pre;		/* depth of open <pre>-like elements */
	int oom;
} out_ctx;

/* grow_maps - make room for n more map entries (plus the final one) */
static int grow_maps(out_ctx *o, size_t n)
{
	size_t need = o->text.len + n + 1, cap;
	size_t *m, *me;

	if (need <= o->cap)
		return 0;
	cap = o->cap ? o->cap : 256;
	while (cap < need)
		cap *= 2;
	m = realloc(o->map, cap * sizeof(*m));
	if (m == NULL)
		return -1;
	o->map = m;
	me = realloc(o->map_end, cap * sizeof(*me));
	if (me == NULL)
		return -1;
	o->map_end = me;
	o->cap = cap;
	return 0;
}

/* emit - append n bytes that all came from source [ss, se) */
static void emit(out_ctx *o, const void *p, size_t n, size_t ss, size_t se)
{
	size_t k, at = o->text.len;

	if (o->oom || n == 0)
		return;
	if (grow_maps(o, n) != 0 || secm_buf_append(&o->text, p, n) != 0) {
		o->oom = 1;
		return;
	}
	for (k = 0; k < n; k++) {
		o->map[at + k] = ss;
		o->map_end[at + k] = se;
	}
}

/* emit_plain - append source bytes [a, b) one to one */
static void emit_plain(out_ctx *o, const char *src, size_t a, size_t b)
{
	size_t k, at = o->text.len;

	if (o->oom || b <= a)
		return;
	if (grow_maps(o, b - a) != 0 ||
	    secm_buf_append(&o->text, src + a, b - a) != 0) {
		o->oom = 1;
		return;
	}
	for (k = 0; k < b - a; k++) {
		o->map[at + k] = a + k;
		o->map_end[at + k] = a + k + 1;
	}
}

/* put_utf8 - encode code point cp into u (4 bytes); returns length */
static size_t put_utf8(unsigned long cp, unsigned char *u)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (unsigned char)(0xf0 | (cp >> 18));
	u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* named entities: the common HTML 4 set; nbsp reads as a plain space so
 * that patterns with \s or ' ' still match.  legacy: valid without ';' */
static const struct {
	const char *name;
	unsigned long cp;
	int legacy;
} entities[] = {
	{ "amp", '&', 1 }, { "lt", '<', 1 }, { "gt", '>', 1 },
	{ "quot", '"', 1 }, { "apos", '\'', 0 }, { "nbsp", ' ', 1 },
	{ "copy", 0xa9, 1 }, { "reg", 0xae, 1 }, { "trade", 0x2122, 0 },
	{ "euro", 0x20ac, 0 }, { "pound", 0xa3, 0 }, { "yen", 0xa5, 0 },
	{ "cent", 0xa2, 0 }, { "sect", 0xa7, 0 }, { "para", 0xb6, 0 },
	{ "deg", 0xb0, 0 }, { "plusmn", 0xb1, 0 }, { "times", 0xd7, 0 },
	{ "divide", 0xf7, 0 }, { "middot", 0xb7, 0 }, { "bull", 0x2022, 0 },
	{ "hellip", 0x2026, 0 }, { "ndash", 0x2013, 0 }, { "mdash", 0x2014, 0 },
	{ "lsquo", 0x2018, 0 }, { "rsquo", 0x2019, 0 }, { "sbquo", 0x201a, 0 },
	{ "ldquo", 0x201c, 0 }, { "rdquo", 0x201d, 0 }, { "bdquo", 0x201e, 0 },
	{ "laquo", 0xab, 0 }, { "raquo", 0xbb, 0 }, { "lsaquo", 0x2039, 0 },
	{ "rsaquo", 0x203a, 0 }, { "iexcl", 0xa1, 0 }, { "iquest", 0xbf, 0 },
	{ "shy", 0xad, 0 }, { "ensp", 0x2002, 0 }, { "emsp", 0x2003, 0 },
	{ "thinsp", 0x2009, 0 }, { "zwnj", 0x200c, 0 }, { "zwj", 0x200d, 0 },
	{ "dagger", 0x2020, 0 }, { "Dagger", 0x2021, 0 }, { "permil", 0x2030, 0 },
	{ "larr", 0x2190, 0 }, { "rarr", 0x2192, 0 }, { "uarr", 0x2191, 0 },
	{ "darr", 0x2193, 0 }, { "harr", 0x2194, 0 }, { "micro", 0xb5, 0 },
	{ "frac12", 0xbd, 0 }, { "frac14", 0xbc, 0 }, { "frac34", 0xbe, 0 },
	{ "sup1", 0xb9, 0 }, { "sup2", 0xb2, 0 }, { "sup3", 0xb3, 0 },
	{ "ordf", 0xaa, 0 }, { "ordm", 0xba, 0 }, { "not", 0xac, 0 },
	{ "macr", 0xaf, 0 }, { "acute", 0xb4, 0 }, { "cedil", 0xb8, 0 },
	{ "uml", 0xa8, 0 }, { "curren", 0xa4, 0 }, { "brvbar", 0xa6, 0 },
	{ "Agrave", 0xc0, 0 }, { "Aacute", 0xc1, 0 }, { "Acirc", 0xc2, 0 },
	{ "Atilde", 0xc3, 0 }, { "Auml", 0xc4, 0 }, { "Aring", 0xc5, 0 },
	{ "AElig", 0xc6, 0 }, { "Ccedil", 0xc7, 0 }, { "Egrave", 0xc8, 0 },
	{ "Eacute", 0xc9, 0 }, { "Ecirc", 0xca, 0 }, { "Euml", 0xcb, 0 },
	{ "Igrave", 0xcc, 0 }, { "Iacute", 0xcd, 0 }, { "Icirc", 0xce, 0 },
	{ "Iuml", 0xcf, 0 }, { "ETH", 0xd0, 0 }, { "Ntilde", 0xd1, 0 },
	{ "Ograve", 0xd2, 0 }, { "Oacute", 0xd3, 0 }, { "Ocirc", 0xd4, 0 },
	{ "Otilde", 0xd5, 0 }, { "Ouml", 0xd6, 0 }, { "Oslash", 0xd8, 0 },
	{ "Ugrave", 0xd9, 0 }, { "Uacute", 0xda, 0 }, { "Ucirc", 0xdb, 0 },
	{ "Uuml", 0xdc, 0 }, { "Yacute", 0xdd, 0 }, { "THORN", 0xde, 0 },
	{ "szlig", 0xdf, 0 }, { "agrave", 0xe0, 0 }, { "aacute", 0xe1, 0 },
	{ "acirc", 0xe2, 0 }, { "atilde", 0xe3, 0 }, { "auml", 0xe4, 0 },
	{ "aring", 0xe5, 0 }, { "aelig", 0xe6, 0 }, { "ccedil", 0xe7, 0 },
	{ "egrave", 0xe8, 0 }, { "eacute", 0xe9, 0 }, { "ecirc", 0xea, 0 },
	{ "euml", 0xeb, 0 }, { "igrave", 0xec, 0 }, { "iacute", 0xed, 0 },
	{ "icirc", 0xee, 0 }, { "iuml", 0xef, 0 }, { "eth", 0xf0, 0 },
	{ "ntilde", 0xf1, 0 }, { "ograve", 0xf2, 0 }, { "oacute", 0xf3, 0 },
	{ "ocirc", 0xf4, 0 }, { "otilde", 0xf5, 0 }, { "ouml", 0xf6, 0 },
	{ "oslash", 0xf8, 0 }, { "ugrave", 0xf9, 0 }, { "uacute", 0xfa, 0 },
	{ "ucirc", 0xfb, 0 }, { "uuml", 0xfc, 0 }, { "yacute", 0xfd, 0 },
	{ "thorn", 0xfe, 0 }, { "yuml", 0xff, 0 }, { "OElig", 0x152, 0 },
	{ "oelig", 0x153, 0 }, { "Scaron", 0x160, 0 }, { "scaron", 0x161, 0 },
	{ "Yuml", 0x178, 0 }, { "fnof", 0x192, 0 }, { "circ", 0x2c6, 0 },
	{ "tilde", 0x2dc, 0 }, { "alpha", 0x3b1, 0 }, { "beta", 0x3b2, 0 },
	{ "gamma", 0x3b3, 0 }, { "delta", 0x3b4, 0 }, { "pi", 0x3c0, 0 },
	{ "sigma", 0x3c3, 0 }, { "omega", 0x3c9, 0 }, { "infin", 0x221e, 0 },
	{ "ne", 0x2260, 0 }, { "le", 0x2264, 0 }, { "ge", 0x2265, 0 },
	{ "minus", 0x2212, 0 }, { "lowast", 0x2217, 0 }, { "prime", 0x2032, 0 },
	{ "Prime", 0x2033, 0 }, { "oline", 0x203e, 0 }, { "frasl", 0x2044, 0 },
	{ "sim", 0x223c, 0 }, { "asymp", 0x2248, 0 }, { "equiv", 0x2261, 0 },
	{ "spades", 0x2660, 0 }, { "clubs", 0x2663, 0 }, { "hearts", 0x2665, 0 },
	{ "diams", 0x2666, 0 }, { "loz", 0x25ca, 0 }, { "lrm", 0x200e, 0 },
	{ "rlm", 0x200f, 0 }, { "colon", ':', 0 }, { "sol", '/', 0 },
	{ "equals", '=', 0 }, { "num", '#', 0 }, { "commat", '@', 0 },
	{ "lpar", '(', 0 }, { "rpar", ')', 0 }, { "period", '.', 0 },
	{ "comma", ',', 0 }, { "excl", '!', 0 }, { "quest", '?', 0 },
	{ "lowbar", '_', 0 }, { "dollar", '$', 0 }, { "percnt", '%', 0 },
	{ "plus", '+', 0 }, { "lsqb", '[', 0 }, { "rsqb", ']', 0 },
	{ "lcub", '{', 0 }, { "rcub", '}', 0 }, { "verbar", '|', 0 },
	{ "bsol", '\\', 0 }, { "grave", '`', 0 }, { "Hat", '^', 0 },
	{ "semi", ';', 0 }, { "ast", '*', 0 }, { "NewLine", '\n', 0 },
	{ "Tab", '\t', 0 },
};

/* is_alnum - ASCII letter or digit */
static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* entity - decode the entity at src[i] ('&'); returns its source length
 * (0 if it is not one) and the code point in *cp */
static size_t entity(const char *src, size_t len, size_t i, unsigned long *cp)
{
	size_t j = i + 1, k, n;
	unsigned long v = 0;
	int hex = 0, digits = 0;

	if (j < len && src[j] == '#') {
		j++;
		if (j < len && (src[j] == 'x' || src[j] == 'X')) {
			hex = 1;
			j++;
		}
		for (; j < len; j++) {
			unsigned char c = (unsigned char)src[j];
			int d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				break;
			if (v <= 0x10ffff)
				v = v * (hex ? 16 : 10) + (unsigned long)d;
			digits++;
		}
		if (digits == 0)
			return 0;
		if (j < len && src[j] == ';')
			j++;
		*cp = v;
		return j - i;
	}
	for (n = 0; j + n < len && n < 32 && is_alnum((unsigned char)src[j + n]); n++)
		;
	if (n == 0)
		return 0;
	for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		if (strlen(entities[k].name) != n ||
		    memcmp(entities[k].name, src + j, n) != 0)
			continue;
		if (j + n < len && src[j + n] == ';') {
			*cp = entities[k].cp;
			return n + 2;
		}
		if (entities[k].legacy) {
			*cp = entities[k].cp;
			return n + 1;
		}
		return 0;
	}
	return 0;
}

/* emit_decoded - append source [a, b) with entities decoded */
static void emit_decoded(out_ctx *o, const char *src, size_t a, size_t b)
{
	size_t i = a, run = a, n;
	unsigned long cp;
	unsigned char u[4];

	while (i < b) {
		if (src[i] != '&') {
			i++;
			continue;
		}
		n = entity(src, b, i, &cp);
		if (n == 0) {
			i++;
			continue;
		}
		emit_plain(o, src, run, i);
		emit(o, u, put_utf8(cp, u), i, i + n);
		i += n;
		run = i;
	}
	emit_plain(o, src, run, b);
}

/* find_ci - first case-insensitive occurrence of needle in src[from..len) */
static size_t find_ci(const char *src, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = from; i + n <= len; i++) {
		if (strncasecmp(src + i, needle, n) == 0)
			return i;
	}
	return len;
}

/* name_in - is the tag name [p, p+n) one of the list */
static int name_in(const char *p, size_t n, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strlen(*list) == n && strncasecmp(*list, p, n) == 0)
			return 1;
	}
	return 0;
}

static const char *const block_tags[] = {
	"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
	"table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr",
	"title", "section", "article", "header", "footer", "nav", "aside",
	"form", "fieldset", "address", "center", "thead", "tbody", "tfoot",
	"caption", "option", "textarea", "head", "body", "html", "main",
	"figure", "figcaption", "details", "summary", "legend", "label", NULL
};
static const char *const cell_tags[] = { "td", "th", NULL };
/* elements whose whitespace a browser keeps as written */
static const char *const pre_tags[] = {
	"pre", "textarea", "listing", "xmp", NULL
};
static const char *const url_attrs[] = {
	"href", "src", "action", "value", "content", "title", "alt", NULL
};

/* tag - handle the tag starting at src[i] ('<'); returns the index after
 * it; *raw is set to "script"/"style" when a raw-text element starts */
static size_t tag(out_ctx *o, const char *src, size_t len, size_t i,
		  const char **raw)
{
	size_t j = i + 1, name, namelen, an, anlen, vs, ve;
	int end_tag = 0;
	char q;

	if (j < len && src[j] == '/') {
		end_tag = 1;
		j++;
	}
	name = j;
	while (j < len && (is_alnum((unsigned char)src[j]) || src[j] == '-' ||
			   src[j] == ':'))
		j++;
	namelen = j - name;
	/* the end of the tag; emit chosen attribute values on their own lines */
	{
		size_t vals[8][2];
		size_t nv = 0, k;

		while (j < len && src[j] != '>') {
			if (src[j] == ' ' || src[j] == '\t' || src[j] == '\r' ||
			    src[j] == '\n' || src[j] == '/') {
				j++;
				continue;
			}
			an = j;
			while (j < len && src[j] != '=' && src[j] != '>' &&
			       src[j] != ' ' && src[j] != '\t' &&
			       src[j] != '\r' && src[j] != '\n')
				j++;
			anlen = j - an;
			while (j < len && (src[j] == ' ' || src[j] == '\t' ||
					   src[j] == '\r' || src[j] == '\n'))
				j++;
			if (j >= len || src[j] != '=')
				continue;
			j++;
			while (j < len && (src[j] == ' ' || src[j] == '\t' ||
					   src[j] == '\r' || src[j] == '\n'))
				j++;
			if (j < len && (src[j] == '"' || src[j] == '\'')) {
				q = src[j++];
				vs = j;
				while (j < len && src[j] != q)
					j++;
				ve = j;
				if (j < len)
					j++;
			} else {
				vs = j;
				while (j < len && src[j] != '>' && src[j] != ' ' &&
				       src[j] != '\t' && src[j] != '\r' &&
				       src[j] != '\n')
					j++;
				ve = j;
			}
			if (!end_tag && ve > vs && nv < 8 &&
			    (name_in(src + an, anlen, url_attrs) ||
			     (anlen > 5 && strncasecmp(src + an, "data-", 5) == 0))) {
				vals[nv][0] = vs;
				vals[nv][1] = ve;
				nv++;
			}
		}
		if (j < len)
			j++;	/* '>' */
		/* keep the map monotonic: the break stops where a value starts */
		k = nv > 0 ? vals[0][0] : j;
		if (name_in(src + name, namelen, block_tags))
			emit(o, "\n", 1, i, k);
		else if (name_in(src + name, namelen, cell_tags))
			emit(o, "\t", 1, i, k);
		for (k = 0; k < nv; k++) {
			emit(o, "\n", 1, k == 0 ? i : vals[k - 1][1], vals[k][0]);
			emit_decoded(o, src, vals[k][0], vals[k][1]);
			emit(o, "\n", 1, vals[k][1],
			     k + 1 < nv ? vals[k + 1][0] : j);
		}
	}
	if (!end_tag && src[j - 1] == '>' && (j < 2 || src[j - 2] != '/')) {
		if (namelen == 6 && strncasecmp(src + name, "script", 6) == 0)
			*raw = "</script";
		else if (namelen == 5 && strncasecmp(src + name, "style", 5) == 0)
			*raw = "</style";
	}
	if (name_in(src + name, namelen, pre_tags)) {
		if (end_tag) {
			if (o->pre > 0)
				o->pre--;
		} else if (o->pre < 1000) {
			o->pre++;
			/* HTML ignores one newline right after the start tag */
			if (j < len && src[j] == '\r')
				j++;
			if (j < len && src[j] == '\n')
				j++;
		}
	}
	return j;
}

/* skip_space - index of the first byte at or after i that is not HTML
 * whitespace (space, tab, CR, LF, form feed) */
static size_t skip_space(const char *src, size_t len, size_t i)
{
	while (i < len && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' ||
			   src[i] == '\n' || src[i] == '\f'))
		i++;
	return i;
}

/* secm_html_render - render HTML source to text plus offset maps */
int secm_html_render(const char *src, size_t len, char **text,
		     size_t *text_len, size_t **map, size_t **map_end)
{
	out_ctx o;
	size_t i = 0, run = 0, e, n;
	const char *raw = NULL;

	memset(&o, 0, sizeof(o));
	*text = NULL;
	*text_len = 0;
	*map = *map_end = NULL;
	if (src == NULL)
		len = 0;
	while (i < len && !o.oom) {
		if (raw != NULL) {
			/* script or style: verbatim up to the end tag */
			e = find_ci(src, len, i, raw);
			emit_plain(&o, src, i, e);
			emit(&o, "\n", 1, e, e);
			raw = NULL;
			i = run = e;
			continue;
		}
		if (src[i] != '<') {
			i++;
			continue;
		}
		emit_decoded(&o, src, run, i);
		if (len - i >= 4 && memcmp(src + i, "<!--", 4) == 0) {
			e = find_ci(src, len, i + 4, "-->");
			n = e + 3 <= len ? e + 3 : len;
			emit(&o, "\n", 1, i, i + 4);
			emit_plain(&o, src, i + 4, e);
			emit(&o, "\n", 1, e, n);
			i = run = n;
		} else if (i + 1 < len && (src[i + 1] == '!' || src[i + 1] == '?')) {
			e = i + 1;
			while (e < len && src[e] != '>')
				e++;
			i = run = e < len ? e + 1 : len;
		} else if (i + 1 < len && (src[i + 1] == '/' ||
			   ((src[i + 1] | 0x20) >= 'a' && (src[i + 1] | 0x20) <= 'z'))) {
			n = o.text.len;
			i = run = tag(&o, src, len, i, &raw);
			/* a browser collapses the whitespace after a break */
			if (o.pre == 0 && raw == NULL && o.text.len > n &&
			    o.text.data[o.text.len - 1] == '\n')
				i = run = skip_space(src, len, i);
		} else {
			i++;	/* a lone '<' is text */
			run = i - 1;
		}
	}
	if (raw == NULL)
		emit_decoded(&o, src, run, i);
	if (!o.oom && grow_maps(&o, 0) != 0)
		o.oom = 1;
	if (!o.oom && secm_buf_reserve(&o.text, 0) != 0)
		o.oom = 1;
	if (o.oom) {
		secm_buf_free(&o.text);
		free(o.map);
		free(o.map_end);
		return SECM_ENOMEM;
	}
	o.map[o.text.len] = len;
	o.map_end[o.text.len] = len;
	*text_len = o.text.len;
	*text = (char *)secm_buf_steal(&o.text, NULL);
	*map = o.map;
	*map_end = o.map_end;
	return SECM_OK;
}

/* secm_html_source_range - map a text range to the source range it covers */
void secm_html_source_range(const size_t *map, const size_t *map_end,
			    size_t text_len, size_t s, size_t e,
			    size_t *ss, size_t *se)
{
	if (s > text_len)
		s = text_len;
	if (e > text_len)
		e = text_len;
	if (e <= s) {
		*ss = *se = map[s];
		return;
	}
	*ss = map[s];
	*se = map_end[e - 1];
	if (*se < *ss)
		*se = *ss;
}
