/*
 * test_tnef.c - TNEF streams (winmail.dat) become member units (tnef.h):
 * attachments, bodies (attBody, PR_BODY, compressed RTF), and a damaged or
 * hostile stream falls back to its text runs without a crash.
 *
 * The streams are built here by a small builder (attributes with their
 * checksums, MAPI property blocks); the secrets are synthetic (AWS's
 * documented example key id format, a made-up password).  The corpus test
 * walks every winmail.dat message of ../shared/corpus/mail and prints what
 * was extracted (paths only).
 */
#include "autoconfig.h"

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "mime_walk.h"
#include "text_decode.h"
#include "tnef.h"
#include "mime_fixture.h"

#define AWS "AKIAZ5Q7NQ3H2K4M6P7R"
#define ENV "AWS_ACCESS_KEY_ID=" AWS "\nREGION=eu-west-1\n"
#define PW "password = \"Tr0ub4dor-and-3-horses\""

/* ---- the builder ---- */

/* put - append bytes (the test fails when out of memory) */
static void put(secm_buf *b, const void *p, size_t n)
{
	ck_assert_int_eq(secm_buf_append(b, p, n), 0);
}

/* puts_ - append a string (len unused: strlen) */
static void puts_(secm_buf *b, const char *s, size_t len)
{
	(void)len;
	ck_assert_int_eq(secm_buf_append_str(b, s), 0);
}

/* put16 - little-endian 16-bit value */
static void put16(secm_buf *b, uint32_t v)
{
	unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	put(b, x, 2);
}

/* put32 - little-endian 32-bit value */
static void put32(secm_buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	put(b, x, 4);
}

/* tb_start - signature and legacy key */
static void tb_start(secm_buf *b)
{
	put32(b, SECM_TNEF_SIGNATURE);
	put16(b, 0x0001);
}

/* tb_attr_ck - an attribute with checksum plus delta (0 = right) */
static void tb_attr_ck(secm_buf *b, int level, uint32_t id, const void *p,
		       size_t n, uint32_t delta)
{
	uint32_t sum = 0;
	unsigned char lv = (unsigned char)level;

	for (size_t i = 0; i < n; i++)
		sum += ((const unsigned char *)p)[i];
	put(b, &lv, 1);
	put32(b, id);
	put32(b, (uint32_t)n);
	put(b, p, n);
	put16(b, (sum + delta) & 0xffff);
}

/* tb_attr - an attribute with the right checksum */
static void tb_attr(secm_buf *b, int level, uint32_t id, const void *p, size_t n)
{
	tb_attr_ck(b, level, id, p, n, 0);
}

/* mp_var - one MAPI property of a variable type (one value, padded) */
static void mp_var(secm_buf *b, uint32_t type, uint32_t id, const void *p, size_t n)
{
	static const unsigned char zero[4] = { 0 };

	put16(b, type);
	put16(b, id);
	put32(b, 1);
	put32(b, (uint32_t)n);
	put(b, p, n);
	put(b, zero, (4 - n % 4) % 4);
}

/* utf16 - ASCII s as UTF-16LE with a terminator into b */
static void utf16(secm_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		put16(b, (unsigned char)*s);
	put16(b, 0);
}

/* lzfu_literal - compress raw as LZFu with literals only, then the end
 * reference (a valid stream: every control bit 0 is a literal) */
static void lzfu_literal(secm_buf *b, const char *raw)
{
	secm_buf d = SECM_BUF_INIT;
	size_t n = strlen(raw), i = 0, wp = 207;
	unsigned char ctl;

	while (i <= n) {
		size_t at = d.len;

		ctl = 0;
		put(&d, &ctl, 1);
		for (int bit = 0; bit < 8; bit++) {
			if (i == n) {	/* end marker: offset = write position */
				unsigned char ref[2] = { (unsigned char)((wp & 0xfff) >> 4),
							 (unsigned char)((wp & 0xf) << 4) };

				d.data[at] |= (unsigned char)(1u << bit);
				put(&d, ref, 2);
				i++;
				break;
			}
			put(&d, raw + i, 1);
			i++;
			wp++;
		}
	}
	put32(b, (uint32_t)(d.len + 12));
	put32(b, (uint32_t)n);
	put32(b, 0x75465a4c);
	put32(b, 0);
	put(b, d.data, d.len);
	secm_buf_free(&d);
}

/* mela - an uncompressed RTF stream */
static void mela(secm_buf *b, const char *raw)
{
	size_t n = strlen(raw);

	put32(b, (uint32_t)(n + 12));
	put32(b, (uint32_t)n);
	put32(b, 0x414c454d);
	put32(b, 0);
	put(b, raw, n);
}

/* ---- the streams ---- */

typedef void (*build_fn)(secm_buf *b);

/* b_attach - one text attachment (attAttachTitle + attAttachData) */
static void b_attach(secm_buf *b)
{
	tb_start(b);
	tb_attr(b, 1, 0x00089006, "\0\0\1\0", 4);	/* attTnefVersion */
	tb_attr(b, 2, 0x00069002, "\1\0\0\0\xff\xff\xff\xff\0\0\0\0\0\0", 14);
	tb_attr(b, 2, 0x00018010, "config.env", 11);
	tb_attr(b, 2, 0x0006800F, ENV, strlen(ENV));
}

/* b_attbody - a plain attBody */
static void b_attbody(secm_buf *b)
{
	tb_start(b);
	tb_attr(b, 1, 0x0002800C, "db " PW "\r\n", strlen(PW) + 5);
}

/* props - an attMAPIProps / attAttachment block of level holding m */
static void props(secm_buf *b, int level, uint32_t id, const secm_buf *m, uint32_t count)
{
	secm_buf blk = SECM_BUF_INIT;

	put32(&blk, count);
	put(&blk, m->data, m->len);
	tb_attr(b, level, id, blk.data, blk.len);
	secm_buf_free(&blk);
}

/* b_prbody8 - PR_BODY as PT_STRING8, and an integer property before it */
static void b_prbody8(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT;

	put16(&m, 0x0003);	/* PT_LONG PR_IMPORTANCE */
	put16(&m, 0x0017);
	put32(&m, 1);
	mp_var(&m, 0x001E, 0x1000, "key " AWS, strlen(AWS) + 5);
	tb_start(b);
	props(b, 1, 0x00069003, &m, 2);
	secm_buf_free(&m);
}

/* b_prbody16 - PR_BODY as PT_UNICODE after a named property */
static void b_prbody16(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT, s = SECM_BUF_INIT;
	static const unsigned char guid[16] = { 1, 2, 3, 4 };

	put16(&m, 0x000B);	/* PT_BOOLEAN named property, MNID_STRING */
	put16(&m, 0x8001);
	put(&m, guid, 16);
	put32(&m, 1);
	put32(&m, 6);
	put(&m, "x\0y\0\0\0\0\0", 8);
	put32(&m, 1);
	utf16(&s, "unicode " AWS);
	mp_var(&m, 0x001F, 0x1000, s.data, s.len);
	tb_start(b);
	props(b, 1, 0x00069003, &m, 2);
	secm_buf_free(&m);
	secm_buf_free(&s);
}

#define RTF "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}{\\*\\generator x;}" \
	"\\pard Hello\\par token \\'e9 " AWS "\\par}"

/* b_rtf - PR_RTF_COMPRESSED, compressed (LZFu, literals) */
static void b_rtf(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT, r = SECM_BUF_INIT;

	lzfu_literal(&r, RTF);
	mp_var(&m, 0x0102, 0x1009, r.data, r.len);
	tb_start(b);
	props(b, 1, 0x00069003, &m, 1);
	secm_buf_free(&m);
	secm_buf_free(&r);
}

/* b_mela - PR_RTF_COMPRESSED stored uncompressed ("MELA") */
static void b_mela(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT, r = SECM_BUF_INIT;

	mela(&r, RTF);
	mp_var(&m, 0x0102, 0x1009, r.data, r.len);
	tb_start(b);
	props(b, 1, 0x00069003, &m, 1);
	secm_buf_free(&m);
	secm_buf_free(&r);
}

/* b_longname - attachment props: PR_ATTACH_LONG_FILENAME (Unicode) and
 * PR_ATTACH_DATA_BIN, the 8.3 title differs */
static void b_longname(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT, s = SECM_BUF_INIT;

	utf16(&s, "production.env");
	mp_var(&m, 0x001F, 0x3707, s.data, s.len);
	mp_var(&m, 0x0102, 0x3701, ENV, strlen(ENV));
	tb_start(b);
	tb_attr(b, 2, 0x00069002, "\1\0\0\0", 4);
	tb_attr(b, 2, 0x00018010, "PRODUC~1.ENV", 13);
	props(b, 2, 0x00069005, &m, 2);
	secm_buf_free(&m);
	secm_buf_free(&s);
}

/* b_cp1252 - attOemCodepage 1252 and a title with an e-acute */
static void b_cp1252(secm_buf *b)
{
	tb_start(b);
	tb_attr(b, 1, 0x00069007, "\xe4\x04\0\0\0\0\0\0", 8);
	tb_attr(b, 2, 0x00069002, "\1\0\0\0", 4);
	tb_attr(b, 2, 0x00018010, "caf\xe9.txt", 9);
	tb_attr(b, 2, 0x0006800F, ENV, strlen(ENV));
}

/* b_binary - a binary attachment and an embedded message */
static void b_binary(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT;
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', 0, 0, 1, 2 };

	mp_var(&m, 0x000D, 0x3701, "0123456789abcdef\x78\x9f\x3e\x22", 20);
	tb_start(b);
	tb_attr(b, 2, 0x00069002, "\1\0\0\0", 4);
	tb_attr(b, 2, 0x00018010, "logo.png", 9);
	tb_attr(b, 2, 0x0006800F, png, sizeof(png));
	tb_attr(b, 2, 0x00069002, "\5\0\0\0", 4);
	props(b, 2, 0x00069005, &m, 1);
	secm_buf_free(&m);
}

/* b_zero - signature and key only */
static void b_zero(secm_buf *b)
{
	tb_start(b);
}

/* b_badsum - the attachment with one checksum off by one */
static void b_badsum(secm_buf *b)
{
	tb_start(b);
	tb_attr(b, 2, 0x00069002, "\1\0\0\0", 4);
	tb_attr(b, 2, 0x00018010, "config.env", 11);
	tb_attr_ck(b, 2, 0x0006800F, ENV, strlen(ENV), 1);
}

/* b_truncated - the attachment cut in the middle of its data */
static void b_truncated(secm_buf *b)
{
	b_attach(b);
	b->len -= 8;
}

/* b_huge - an attribute length of 4 GiB - 1 */
static void b_huge(secm_buf *b)
{
	unsigned char lv = 2;

	b_attach(b);
	put(b, &lv, 1);
	put32(b, 0x0006800F);
	put32(b, 0xffffffffu);
	put(b, "more text here", 14);
}

/* b_huge_prop - a MAPI value length past the end of its block */
static void b_huge_prop(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT;

	put16(&m, 0x001E);
	put16(&m, 0x1000);
	put32(&m, 1);
	put32(&m, 0x7ffffff0);
	put(&m, "body " AWS, strlen(AWS) + 5);
	tb_start(b);
	props(b, 1, 0x00069003, &m, 1);
	secm_buf_free(&m);
}

/* b_huge_count - a property count far over the bound */
static void b_huge_count(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT;

	mp_var(&m, 0x001E, 0x1000, "body " AWS, strlen(AWS) + 5);
	tb_start(b);
	props(b, 1, 0x00069003, &m, 0xffffffffu);
	secm_buf_free(&m);
}

/* b_bad_type - an unknown MAPI type */
static void b_bad_type(secm_buf *b)
{
	secm_buf m = SECM_BUF_INIT;

	put16(&m, 0x0999);
	put16(&m, 0x1000);
	put32(&m, 1);
	tb_start(b);
	props(b, 1, 0x00069003, &m, 1);
	secm_buf_free(&m);
}

/* b_many - more attributes than the bound */
static void b_many(secm_buf *b)
{
	tb_start(b);
	for (int i = 0; i <= SECM_TNEF_MAX_ATTRS; i++)
		tb_attr(b, 1, 0x00089006, "", 0);
	tb_attr(b, 1, 0x0002800C, "text " AWS, strlen(AWS) + 5);
}

/* b_badsig - not a TNEF stream at all */
static void b_badsig(secm_buf *b)
{
	put(b, "\x78\x9f\x3e\x23\1\0token " AWS, strlen(AWS) + 12);
}

typedef struct tnef_case {
	const char *label;
	build_fn build;
	const char *path;	/* a unit with this path ("" = no unit at all) */
	const char *text;	/* ... holds this */
	size_t units;		/* exact number of units */
	unsigned int unscannable;
	int fallback;		/* the text-runs unit of the part */
} tnef_case;

static const tnef_case cases[] = {
	{ "a text attachment becomes a unit named after its file", b_attach,
	  "2/winmail.dat/config.env", "AWS_ACCESS_KEY_ID=" AWS, 1, 0, 0 },
	{ "a plain attBody becomes the body unit", b_attbody,
	  "2/winmail.dat/body", PW, 1, 0, 0 },
	{ "PR_BODY as an 8-bit string becomes the body unit", b_prbody8,
	  "2/winmail.dat/body", "key " AWS, 1, 0, 0 },
	{ "PR_BODY as UTF-16 is converted to UTF-8", b_prbody16,
	  "2/winmail.dat/body", "unicode " AWS, 1, 0, 0 },
	{ "a compressed RTF body is decompressed and its control words dropped",
	  b_rtf, "2/winmail.dat/body.rtf", "Hello\ntoken \xc3\xa9 " AWS "\n", 1, 0, 0 },
	{ "an uncompressed MELA RTF body is read", b_mela,
	  "2/winmail.dat/body.rtf", "token \xc3\xa9 " AWS, 1, 0, 0 },
	{ "the long file name property names the attachment", b_longname,
	  "2/winmail.dat/production.env", "REGION=eu-west-1", 1, 0, 0 },
	{ "an 8-bit title is read in the stream's code page", b_cp1252,
	  "2/winmail.dat/caf\xc3\xa9.txt", AWS, 1, 0, 0 },
	{ "binary attachments and embedded messages are counted unscannable",
	  b_binary, "", "", 0, 2, 0 },
	{ "a stream with no attributes has no units", b_zero, "", "", 0, 0, 0 },
	{ "a wrong checksum falls back to the text runs", b_badsum,
	  "2", "AWS_ACCESS_KEY_ID=" AWS, 1, 1, 1 },
	{ "a truncated attribute falls back to the text runs", b_truncated,
	  "2", "config.env", 1, 1, 1 },
	{ "a 4 GiB attribute length falls back to the text runs", b_huge,
	  "2", AWS, 1, 1, 1 },
	{ "a MAPI value longer than its block falls back", b_huge_prop,
	  "2", "body " AWS, 1, 1, 1 },
	{ "a huge MAPI property count falls back", b_huge_count,
	  "2", "body " AWS, 1, 1, 1 },
	{ "an unknown MAPI type falls back", b_bad_type, "2", "", 1, 1, 1 },
	{ "more attributes than the bound falls back", b_many,
	  "2", "text " AWS, 1, 1, 1 },
	{ "a wrong signature falls back to the text runs", b_badsig,
	  "2", "token " AWS, 1, 1, 1 },
};

/* part - the secm_tnef_part of the tests: part "2", 7bit */
static secm_tnef_part part(size_t len)
{
	secm_tnef_part tp = { "2", "application/ms-tnef", "winmail.dat",
			      SECM_CTE_7BIT, 0, 0, 100, 100 + len, NULL, NULL };

	return tp;
}

START_TEST(test_tnef_table)
{
	const tnef_case *tc = &cases[_i];
	secm_buf b = SECM_BUF_INIT;
	secm_walk w;
	secm_tnef_part tp;
	const secm_unit *u;

	memset(&w, 0, sizeof(w));
	tc->build(&b);
	tp = part(b.len);
	ck_assert_int_eq(secm_tnef_units(&w, &tp, b.data, b.len), 0);
	ck_assert_msg(w.n == tc->units, "%s: %zu units", tc->label, w.n);
	ck_assert_msg(w.unscannable == tc->unscannable, "%s: %u unscannable",
		      tc->label, w.unscannable);
	if (tc->path[0] != '\0') {
		u = fx_unit(&w, tc->path);
		ck_assert_msg(u != NULL, "%s: no unit %s (first: %s)", tc->label,
			      tc->path, w.n ? w.units[0].path : "none");
		ck_assert_msg(fx_has(u->text, u->text_len, tc->text),
			      "%s: text is \"%.*s\"", tc->label, (int)u->text_len, u->text);
		ck_assert_int_eq(u->no_redact, 1);
		ck_assert_int_eq(u->kind, tc->fallback ? SECM_UNIT_BODY : SECM_UNIT_MEMBER);
		ck_assert_uint_eq(u->raw_start, 100);
		ck_assert_uint_eq(u->raw_end, 100 + b.len);
		ck_assert_uint_eq(secm_utf8_valid_prefix((const unsigned char *)u->text,
							 u->text_len), u->text_len);
	}
	secm_walk_free(&w);
	secm_buf_free(&b);
}
END_TEST

START_TEST(test_tnef_every_prefix)
{
	/* every cut of a valid stream: no crash, and all that is left is scanned */
	static const build_fn builds[] = { b_attach, b_longname, b_rtf, b_prbody16 };
	secm_buf b = SECM_BUF_INIT;
	secm_walk w;
	secm_tnef_part tp;

	builds[_i](&b);
	for (size_t n = 0; n <= b.len; n++) {
		memset(&w, 0, sizeof(w));
		tp = part(n);
		ck_assert_int_eq(secm_tnef_units(&w, &tp, b.data, n), 0);
		/* a cut inside an attribute gets the fallback, one between
		 * attributes is a shorter valid stream */
		ck_assert_msg(w.unscannable == 0 || (w.unscannable == 1 && w.n == 1 &&
			      w.units[0].kind == SECM_UNIT_BODY),
			      "cut at %zu of %zu: %zu units", n, b.len, w.n);
		if (n == b.len)
			ck_assert_msg(w.n == 1 && w.unscannable == 0 &&
				      w.units[0].kind == SECM_UNIT_MEMBER, "whole stream");
		secm_walk_free(&w);
	}
	secm_buf_free(&b);
}
END_TEST

static const struct {
	const char *label, *rtf, *text;
} rtf_rows[] = {
	{ "a paragraph mark is a line end", "{\\rtf1 a\\par b}", "a\nb" },
	{ "the font table is not text", "{\\rtf1{\\fonttbl{\\f0 Arial;}}x}", "x" },
	{ "an optional destination is skipped", "{\\rtf1{\\*\\htmltag <p>}y}", "y" },
	{ "a hex escape is read as Windows-1252", "{\\rtf1 caf\\'e9 \\'80}", "caf\xc3\xa9 \xe2\x82\xac" },
	{ "a Unicode escape drops its fallback", "{\\rtf1\\uc1 \\u8364?x}", "\xe2\x82\xacx" },
	{ "a surrogate pair is joined", "{\\rtf1\\u-10179?\\u-8704?}", "\xf0\x9f\x98\x80" },
	{ "escaped braces and backslashes are text", "{\\rtf1 \\{a\\\\b\\}}", "{a\\b}" },
	{ "htmlrtf spans are not text", "{\\rtf1 a\\htmlrtf b\\htmlrtf0 c}", "ac" },
	{ "binary data is skipped", "{\\rtf1 a\\bin3 xyzb}", "ab" },
	{ "an unterminated control word at the end is harmless", "{\\rtf1 a\\", "a" },
};

START_TEST(test_rtf_text)
{
	secm_buf out = SECM_BUF_INIT;

	ck_assert_int_eq(secm_tnef_rtf_text((const unsigned char *)rtf_rows[_i].rtf,
					    strlen(rtf_rows[_i].rtf), &out), 0);
	ck_assert_msg(out.len == strlen(rtf_rows[_i].text) &&
		      memcmp(out.data, rtf_rows[_i].text, out.len) == 0,
		      "%s: \"%.*s\"", rtf_rows[_i].label, (int)out.len,
		      out.data != NULL ? (const char *)out.data : "");
	secm_buf_free(&out);
}
END_TEST

START_TEST(test_lzfu_spec_example)
{
	/* MS-OXRTFCP 3.1.1: a stream with back references */
	static const unsigned char z[] = {
		0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75,
		0xf1, 0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67,
		0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09,
		0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f,
		0xa0 };
	static const char want[] = "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n";
	secm_buf out = SECM_BUF_INIT;

	ck_assert_int_eq(secm_tnef_rtf_decompress(z, sizeof(z), SECM_TNEF_MAX_RTF, &out), 0);
	ck_assert_msg(out.len == sizeof(want) - 1 && memcmp(out.data, want, out.len) == 0,
		      "got \"%.*s\"", (int)out.len, (const char *)out.data);
	secm_buf_reset(&out);
	/* the output bound holds, and a wrong magic is refused */
	ck_assert_int_eq(secm_tnef_rtf_decompress(z, sizeof(z), 10, &out), 0);
	ck_assert_uint_eq(out.len, 10);
	secm_buf_reset(&out);
	ck_assert_int_eq(secm_tnef_rtf_decompress((const unsigned char *)"0123456789abcdefgh",
						  18, SECM_TNEF_MAX_RTF, &out), 1);
	ck_assert_int_eq(secm_tnef_rtf_decompress(z, 15, SECM_TNEF_MAX_RTF, &out), 1);
	secm_buf_free(&out);
}
END_TEST

/* b64 - base64 of p[0..n) with 76-column lines */
static void b64(secm_buf *out, const unsigned char *p, size_t n)
{
	ck_assert_int_eq(secm_cte_encode(SECM_CTE_BASE64, p, n, 0, 1, out), 0);
}

START_TEST(test_walk_tnef_attachment)
{
	secm_buf t = SECM_BUF_INIT, m = SECM_BUF_INIT;
	secm_walk w;
	const secm_unit *u;

	b_attach(&t);
	puts_(&m, "From: a@example.org\nSubject: s\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee attachment\n--b\n"
	    "Content-Type: application/ms-tnef; name=winmail.dat\n"
	    "Content-Transfer-Encoding: base64\n\n", 0);
	b64(&m, t.data, t.len);
	put(&m, "--b--\n", 6);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk(m.data, m.len, NULL, &w, NULL), 0);
	ck_assert_uint_eq(w.tnef, 1);
	ck_assert_uint_eq(w.unscannable, 0);
	u = fx_unit(&w, "2/winmail.dat/config.env");
	ck_assert_ptr_nonnull(u);
	ck_assert(fx_has(u->text, u->text_len, AWS));
	ck_assert_int_eq(u->no_redact, 1);
	ck_assert_int_eq(u->cte, SECM_CTE_BASE64);
	ck_assert_uint_gt(u->part_start, 0);
	ck_assert_str_eq(u->attachment, "winmail.dat");
	ck_assert_ptr_null(fx_unit(&w, "2"));
	secm_walk_free(&w);
	secm_buf_free(&t);
	secm_buf_free(&m);
}
END_TEST

typedef struct corpus_stats {
	int messages, tnef, units, fallback;
} corpus_stats;

/* corpus_one - walk one message; report its TNEF units (paths only) */
static void corpus_one(const char *path, void *arg)
{
	corpus_stats *st = arg;
	unsigned char *raw;
	size_t len;
	secm_walk w;

	raw = fx_read(path, &len);
	if (raw == NULL)
		return;
	memset(&w, 0, sizeof(w));
	ck_assert_msg(secm_mime_walk(raw, len, NULL, &w, NULL) == 0, "%s", path);
	st->messages++;
	if (w.tnef > 0) {
		st->tnef++;
		fprintf(stderr, "# %s: %u TNEF part(s), %u unscannable\n", path,
			w.tnef, w.unscannable);
		for (size_t i = 0; i < w.n; i++) {
			const secm_unit *u = &w.units[i];

			if (!u->no_redact || u->attachment[0] == '\0')
				continue;
			st->units++;
			st->fallback += u->kind == SECM_UNIT_BODY;
			fprintf(stderr, "#   %s (%s, %zu bytes of text)%s\n", u->path,
				u->content_type, u->text_len,
				u->kind == SECM_UNIT_BODY ? " [text runs: not parsed]" : "");
		}
	}
	secm_walk_free(&w);
	free(raw);
}

/* corpus_dir - recurse into the corpus directories */
static void corpus_dir(const char *dir, corpus_stats *st)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	char p[4096];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%.3000s/%.255s", dir, e->d_name);
		if (stat(p, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			corpus_dir(p, st);
		} else if (S_ISREG(sb.st_mode) && strlen(p) > 4 &&
			   strcmp(p + strlen(p) - 4, ".eml") == 0) {
			unsigned char *raw;
			size_t len;

			raw = fx_read(p, &len);
			if (raw != NULL && (fx_has(raw, len, "ms-tnef") ||
					    fx_has(raw, len, "winmail.dat")))
				corpus_one(p, st);
			free(raw);
		}
	}
	closedir(d);
}

START_TEST(test_corpus_winmail)
{
	corpus_stats st = { 0, 0, 0, 0 };

	corpus_dir(SECM_CORPUS_MAILDIR, &st);
	fprintf(stderr, "# corpus: %d messages name TNEF, %d have a TNEF part, "
		"%d units (%d text-run fallbacks)\n", st.messages, st.tnef,
		st.units, st.fallback);
	if (st.messages == 0)
		return;		/* corpus not present */
	ck_assert_int_gt(st.tnef, 0);
	ck_assert_int_gt(st.units, 0);
}
END_TEST

/* tnef_suite - all TNEF tests */
static Suite *tnef_suite(void)
{
	Suite *s = suite_create("tnef");
	TCase *tc = tcase_create("tnef");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_tnef_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_tnef_every_prefix, 0, 4);
	tcase_add_loop_test(tc, test_rtf_text, 0, sizeof(rtf_rows) / sizeof(rtf_rows[0]));
	tcase_add_test(tc, test_lzfu_spec_example);
	tcase_add_test(tc, test_walk_tnef_attachment);
	tcase_add_test(tc, test_corpus_winmail);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	secm_mime_init();
	sr = srunner_create(tnef_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
