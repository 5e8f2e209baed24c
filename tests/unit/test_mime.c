/*
 * test_mime.c - the MIME walk: part paths, transfer decoding, charsets,
 * HTML units, the Subject unit, exact raw offsets, limits, malformed input
 * and a pass over the shared corpus (skipped when it is absent).
 */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "mime_fixture.h"
#include "mime_walk.h"
#include "text_decode.h"

static const struct {
	const char *label;
	const char *file;
	const char *path;
	const char *type;	/* NULL: do not check */
	const char *text;	/* must occur in the unit's text */
} path_rows[] = {
	{ "the first part of a multipart is 1",
	  "nested.eml", "1", "text/plain", "part one body" },
	{ "the plain part of a nested alternative is 2.1",
	  "nested.eml", "2.1", "text/plain", "part two one" },
	{ "the html part of a nested alternative is 2.2 and rendered",
	  "nested.eml", "2.2", "text/html", "\npart two two\n" },
	{ "a part of a forwarded message is 3.1",
	  "nested.eml", "3.1", "text/plain", "forwarded once" },
	{ "the body of a message forwarded inside a forward is 3.2.1",
	  "nested.eml", "3.2.1", "text/plain", "forwarded twice" },
	{ "the Subject is a unit of its own",
	  "nested.eml", "subject", "", "nested parts" },
	{ "a base64 text part is decoded",
	  "encodings.eml", "1", "text/plain",
	  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" },
	{ "quoted-printable joins a soft break inside a word",
	  "encodings.eml", "2", "text/plain", "key: AKIAIOSFODNN7EXAMPLE and more" },
	{ "quoted-printable Latin-1 becomes UTF-8",
	  "encodings.eml", "2", NULL, "Caf\xc3\xa9 key" },
	{ "a uuencoded attachment is decoded",
	  "encodings.eml", "3", "application/octet-stream",
	  "DB_PASSWORD=hunter2-uu-secret\nAPI_HOST=example.org\n" },
	{ "an octet-stream named .env is scanned",
	  "encodings.eml", "4", NULL, "STRIPE_KEY=sk_test_envfile" },
	{ "an application/json attachment is scanned",
	  "encodings.eml", "5", "application/json", "json-attached-token" },
	{ "an ISO-2022-JP body decodes to UTF-8",
	  "japanese.eml", "1", NULL,
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89" },
	{ "a Shift_JIS base64 body decodes to UTF-8",
	  "japanese.eml", "2", NULL,
	  "\xe6\x9c\xac\xe6\x97\xa5\xe3\x81\xae\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89" },
	{ "an EUC-JP 8bit body decodes to UTF-8",
	  "japanese.eml", "3", NULL,
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xe3\x81\xaf tora-no-maki" },
	{ "an ISO-2022-JP encoded-word Subject decodes to UTF-8",
	  "japanese.eml", "subject", NULL,
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xe9\x80\x9a\xe7\x9f\xa5" },
	{ "a single-part ISO-2022-JP message keeps ASCII inside Japanese",
	  "iso2022jp.eml", "1", "text/plain",
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89: AKIAIOSFODNN7EXAMPLE\n" },
	{ "HTML entities are decoded in the scanned text",
	  "html.eml", "1", "text/html", "Tom & Jerry AA <tag>" },
	{ "an HTML secret split by inline tags is joined",
	  "html.eml", "1", NULL, "key: AKIAIOSFODNN7EXAMPLE" },
	{ "HTML script content is scanned",
	  "html.eml", "1", NULL, "var apiKey = \"js-hidden-key\";" },
	{ "an HTML link's URL is scanned",
	  "html.eml", "1", NULL, "https://user:pa55word@db.example.org/" },
	{ "a folded RFC 2047 Subject is decoded and unfolded",
	  "subject.eml", "subject", "",
	  "Schl\xc3\xbcssel AKIAIOSFODNN7EXAMPLE continued" },
	{ "a single-part message body is 1",
	  "subject.eml", "1", "text/plain", "plain body\n" },
};
#define NPATH (sizeof(path_rows) / sizeof(path_rows[0]))

/* count_kind - units of one kind */
static size_t count_kind(const secm_walk *w, secm_unit_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < w->n; i++)
		n += w->units[i].kind == kind;
	return n;
}

/* walk_fixture - load and walk a fixture (LF or CRLF) */
static unsigned char *walk_fixture(const char *file, int crlf, secm_walk *w,
				   size_t *len)
{
	unsigned char *raw = fx_load(file, crlf, len);
	secm_error err;

	ck_assert_msg(raw != NULL, "fixture %s missing", file);
	memset(w, 0, sizeof(*w));
	ck_assert_int_eq(secm_mime_walk(raw, *len, NULL, w, &err), 0);
	return raw;
}

/* rows run twice: as written (LF) and with CRLF line ends as Postfix has them */
START_TEST(test_paths)
{
	int crlf = _i >= (int)NPATH;
	size_t row = (size_t)_i % NPATH, len;
	secm_walk w;
	unsigned char *raw = walk_fixture(path_rows[row].file, crlf, &w, &len);
	const secm_unit *u = fx_unit(&w, path_rows[row].path);

	ck_assert_msg(u != NULL, "%s (%s): no unit %s", path_rows[row].label,
		      crlf ? "CRLF" : "LF", path_rows[row].path);
	if (path_rows[row].type != NULL)
		ck_assert_str_eq(u->content_type, path_rows[row].type);
	if (crlf && strchr(path_rows[row].text, '\n') != NULL &&
	    u->cte != SECM_CTE_BASE64) {
		/* the decoded text keeps CRLF: compare without the line end */
		char want[256];

		snprintf(want, sizeof(want), "%.*s", (int)strcspn(path_rows[row].text, "\n"),
			 path_rows[row].text);
		ck_assert_msg(fx_has(u->text, u->text_len, want), "%s (CRLF): text is \"%.*s\"",
			      path_rows[row].label, (int)u->text_len, u->text);
	} else {
		ck_assert_msg(fx_has(u->text, u->text_len, path_rows[row].text),
			      "%s (%s): text is \"%.*s\"", path_rows[row].label,
			      crlf ? "CRLF" : "LF", (int)u->text_len, u->text);
	}
	ck_assert_uint_eq(secm_utf8_valid_prefix((const unsigned char *)u->text,
						 u->text_len), u->text_len);
	ck_assert_int_eq(u->crlf, crlf);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

START_TEST(test_counts)
{
	secm_walk w;
	size_t len;
	unsigned char *raw = walk_fixture("nested.eml", 0, &w, &len);

	/* the image is not a unit but is counted */
	ck_assert_ptr_null(fx_unit(&w, "4"));
	ck_assert_uint_eq(w.unscannable, 1);
	ck_assert_uint_eq(w.parts, 11);
	/* 5 parts, the Subject, the Subject of each attached message, and
	 * the outer multipart's preamble and epilogue */
	ck_assert_uint_eq(count_kind(&w, SECM_UNIT_HEADER), 2);
	ck_assert_ptr_nonnull(fx_unit(&w, "3.subject"));
	ck_assert_ptr_nonnull(fx_unit(&w, "3.2.subject"));
	ck_assert_ptr_nonnull(fx_unit(&w, "preamble"));
	ck_assert_ptr_nonnull(fx_unit(&w, "epilogue"));
	ck_assert_uint_eq(w.n, 10);
	ck_assert_int_eq(w.limit_hit, SECM_LIMIT_NONE);
	ck_assert_int_eq(w.parse_failed, 0);
	secm_walk_free(&w);
	free(raw);
	raw = walk_fixture("encodings.eml", 0, &w, &len);
	/* binary octet-stream (NUL bytes) is not scanned */
	ck_assert_ptr_null(fx_unit(&w, "6"));
	ck_assert_uint_eq(w.unscannable, 1);
	ck_assert_str_eq(fx_unit(&w, "3")->filename, "settings.env");
	ck_assert_int_eq(fx_unit(&w, "3")->cte, SECM_CTE_UUENCODE);
	ck_assert_int_eq(fx_unit(&w, "2")->cte, SECM_CTE_QP);
	ck_assert_int_eq(fx_unit(&w, "1")->cte, SECM_CTE_BASE64);
	ck_assert_str_eq(fx_unit(&w, "2")->decode_charset, "ISO-8859-1");
	secm_walk_free(&w);
	free(raw);
	raw = walk_fixture("japanese.eml", 0, &w, &len);
	ck_assert_str_eq(fx_unit(&w, "2")->charset, "Shift_JIS");
	ck_assert_str_eq(fx_unit(&w, "2")->decode_charset, "CP932");
	ck_assert_int_eq(fx_unit(&w, "1")->charset_fallback, 0);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

static const char *const fixtures[] = {
	"nested.eml", "encodings.eml", "japanese.eml", "iso2022jp.eml",
	"html.eml", "subject.eml"
};
#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

/* the raw range of an identity-encoded UTF-8 part is exactly its text, in
 * LF and CRLF messages, also inside forwarded messages */
START_TEST(test_offsets)
{
	int crlf = _i >= (int)NFIX;
	size_t len, i, prev_end = 0;
	secm_walk w;
	unsigned char *raw = walk_fixture(fixtures[_i % NFIX], crlf, &w, &len);
	const secm_unit *u;

	ck_assert_uint_gt(w.body_start, 0);
	ck_assert(raw[w.body_start - 1] == '\n');
	ck_assert(raw[w.body_start - 2] == '\n' ||
		  (raw[w.body_start - 2] == '\r' && raw[w.body_start - 3] == '\n'));
	for (i = 0; i < w.n; i++) {
		u = &w.units[i];
		ck_assert_uint_le(u->raw_start, u->raw_end);
		ck_assert_uint_le(u->raw_end, len);
		ck_assert_uint_ge(u->raw_start, prev_end);	/* in order, no overlap */
		prev_end = u->raw_end;
		if (u->kind == SECM_UNIT_SUBJECT) {
			ck_assert(u->raw_end <= w.body_start);
			ck_assert(strncmp((const char *)raw + u->raw_start, "Subject:", 8) == 0);
			ck_assert(raw[u->raw_end - 1] == '\n');
			ck_assert(raw[u->raw_end] != ' ' && raw[u->raw_end] != '\t');
			continue;
		}
		ck_assert(u->raw_start >= w.body_start);
		if (u->kind == SECM_UNIT_HEADER)
			continue;
		if (u->cte == SECM_CTE_7BIT && u->decode_charset[0] == '\0')
			ck_assert_msg(u->source_len == u->raw_end - u->raw_start &&
				      memcmp(raw + u->raw_start, u->source, u->source_len) == 0,
				      "%s part %s: raw range is not the text",
				      fixtures[_i % NFIX], u->path);
	}
	u = fx_unit(&w, "3.2.1");
	if (u != NULL) {
		ck_assert_uint_eq(u->raw_end - u->raw_start, 15);
		ck_assert(memcmp(raw + u->raw_start, "forwarded twice", 15) == 0);
	}
	secm_walk_free(&w);
	free(raw);
}
END_TEST

static const struct {
	const char *label;
	const char *file;
	secm_walk_limits lim;
	secm_limit_kind kind;
	const char *path;
	const char *present;	/* a unit found before the bound, or NULL */
} limit_rows[] = {
	{ "nesting deeper than max_depth stops the walk",
	  "nested.eml", { 3, 0, 0, 0, 0, 0, 0 }, SECM_LIMIT_DEPTH, "3.1", "2.2" },
	{ "more parts than max_parts stops the walk",
	  "nested.eml", { 0, 3, 0, 0, 0, 0, 0 }, SECM_LIMIT_PARTS, "2.1", "1" },
	{ "more decoded bytes than max_decoded stops the walk",
	  "encodings.eml", { 0, 0, 50, 0, 0, 0, 0 }, SECM_LIMIT_DECODED, "1", NULL },
	{ "decoded bytes add up over parts",
	  "encodings.eml", { 0, 0, 160, 0, 0, 0, 0 }, SECM_LIMIT_DECODED, "3", "2" },
	{ "bounds that are not reached leave limit_hit unset",
	  "nested.eml", { 5, 11, 1000, 0, 0, 0, 0 }, SECM_LIMIT_NONE, "", "3.2.1" },
	{ "one level less than the deepest part trips the depth bound",
	  "nested.eml", { 4, 0, 0, 0, 0, 0, 0 }, SECM_LIMIT_DEPTH, "3.2.1", "3.1" },
};

START_TEST(test_limits)
{
	size_t len;
	unsigned char *raw = fx_load(limit_rows[_i].file, 0, &len);
	secm_walk w;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk(raw, len, &limit_rows[_i].lim, &w, NULL), 0);
	ck_assert_msg(w.limit_hit == limit_rows[_i].kind, "%s: limit %d",
		      limit_rows[_i].label, w.limit_hit);
	ck_assert_str_eq(w.limit_path, limit_rows[_i].path);
	if (limit_rows[_i].present != NULL)
		ck_assert_ptr_nonnull(fx_unit(&w, limit_rows[_i].present));
	secm_walk_free(&w);
	free(raw);
}
END_TEST

static const struct {
	const char *label;
	const char *raw;
	size_t len;		/* 0: strlen */
	const char *text;	/* in some unit, or NULL */
	int fallback;		/* charset_fallback of unit "1", -1: any */
	int no_body;		/* 1: there must be no body unit */
} odd_rows[] = {
	{ "empty input gives no units", "", 0, NULL, -1, 0 },
	{ "a lone line end gives no error", "\n", 0, NULL, -1, 0 },
	{ "text without any header is scanned whole",
	  "no header at all, password=x\n", 0, "password=x", -1, 0 },
	{ "a header-only message has its subject",
	  "Subject: only a header", 0, "only a header", -1, 0 },
	{ "an unterminated multipart still yields its part",
	  "Content-Type: multipart/mixed; boundary=x\n\n--x\n\nopen part\n", 0,
	  "open part", -1, 0 },
	{ "an unknown charset with Latin-1 bytes falls back to Latin-1",
	  "Content-Type: text/plain; charset=us-askey\n\nCaf\xe9\n", 0,
	  "Caf\xc3\xa9", 3, 0 },
	{ "an unknown charset with UTF-8 bytes reads as UTF-8",
	  "Content-Type: text/plain; charset=fakescii\n\nCaf\xc3\xa9\n", 0,
	  "Caf\xc3\xa9", 2, 0 },
	{ "invalid UTF-8 in a UTF-8 part becomes U+FFFD",
	  "Content-Type: text/plain; charset=utf-8\n\na\xff" "b\n", 0,
	  "a\xef\xbf\xbd" "b", 1, 0 },
	{ "undeclared 8-bit text reads as Latin-1",
	  "Subject: x\n\nna\xefve\n", 0, "na\xc3\xafve", 3, 0 },
	{ "undeclared ISO-2022-JP is recognised by its escapes",
	  "Subject: x\n\n\x1b$B%Q%9%o!<%I\x1b(B\n", 0,
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89", 0, 0 },
	{ "malformed base64 decodes what it can",
	  "Content-Transfer-Encoding: base64\n\n!!aGVs@@bG8=\n", 0, "hello", -1, 0 },
	{ "a truncated quoted-printable escape does not stop the walk",
	  "Content-Transfer-Encoding: quoted-printable\n\nabc=4", 0, "abc", -1, 0 },
	{ "uuencode without a begin line is decoded from the start",
	  "Content-Transfer-Encoding: x-uuencode\n\n%:&5L;&\\*\n`\nend\n", 0,
	  "hello", -1, 0 },
	{ "NUL bytes in a text part do not stop the walk",
	  "Subject: x\n\nbefore\0after\n", 24, "after", -1, 0 },
	{ "a bogus transfer encoding is read as identity",
	  "Content-Transfer-Encoding: base9000\n\nplain text\n", 0, "plain text", -1, 0 },
	{ "a message with leading blank lines is still parsed",
	  "  \n\nSubject: late\nContent-Type: text/plain\n\nbody here\n", 0,
	  "body here", -1, 0 },
	{ "encrypted content is not scanned",
	  "Content-Type: multipart/encrypted; boundary=e; protocol=\"application/pgp-encrypted\"\n\n"
	  "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
	  "--e\nContent-Type: application/octet-stream\n\nsecretish\n--e--\n", 0,
	  NULL, -1, 1 },
};

START_TEST(test_odd)
{
	const char *raw = odd_rows[_i].raw;
	size_t len = odd_rows[_i].len ? odd_rows[_i].len : strlen(raw), i;
	secm_walk w;
	const secm_unit *u;
	int found = 0;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk((const unsigned char *)raw, len, NULL, &w, NULL), 0);
	for (i = 0; i < w.n; i++) {
		u = &w.units[i];
		ck_assert_uint_le(u->raw_end, len);
		ck_assert_uint_eq(secm_utf8_valid_prefix((const unsigned char *)u->text,
							 u->text_len), u->text_len);
		if (odd_rows[_i].text != NULL &&
		    fx_has(u->text, u->text_len, odd_rows[_i].text))
			found = 1;
	}
	if (odd_rows[_i].text != NULL)
		ck_assert_msg(found, "%s: text not found", odd_rows[_i].label);
	if (odd_rows[_i].no_body) {
		ck_assert_msg(fx_unit(&w, "1") == NULL && fx_unit(&w, "2") == NULL,
			      "%s: unexpected body unit", odd_rows[_i].label);
		ck_assert_uint_eq(w.unscannable, 2);
	}
	if (len <= 1)
		ck_assert_uint_le(w.n, 1);
	if (odd_rows[_i].fallback >= 0) {
		u = fx_unit(&w, "1");
		ck_assert_ptr_nonnull(u);
		ck_assert_int_eq(u->charset_fallback, odd_rows[_i].fallback);
	}
	secm_walk_free(&w);
}
END_TEST

#define GHP "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"
#define HDR "From: a@example.org\nTo: b@example.net\nSubject: s\nMIME-Version: 1.0\n"

static const struct {
	const char *label;
	const char *raw;
	size_t len;		/* 0: strlen */
	const char *path;	/* unit that must hold text */
	const char *text;
	unsigned int encrypted, signed_parts, partial, tnef;
	int in_signed;		/* 1: that unit is marked in_signed */
} carrier_rows[] = {
	{ "a multipart without a boundary is scanned as its preamble",
	  HDR "Content-Type: multipart/mixed\n\n--\nContent-Type: text/plain\n\n" GHP "\n----\n", 0,
	  "preamble", GHP, 0, 0, 0, 0, 0 },
	{ "a multipart preamble is a text unit",
	  HDR "Content-Type: multipart/mixed; boundary=b\n\npre " GHP "\n--b\n\none\n--b--\n", 0,
	  "preamble", "pre " GHP, 0, 0, 0, 0, 0 },
	{ "a multipart epilogue is a text unit",
	  HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b--\nepi " GHP "\n", 0,
	  "epilogue", "epi " GHP, 0, 0, 0, 0, 0 },
	{ "a nested multipart's epilogue is found before the outer close",
	  HDR "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/alternative; boundary=i\n\n"
	  "--i\n\none\n--i--\ninner epi " GHP "\n--o--\n", 0,
	  "1.epilogue", "inner epi " GHP, 0, 0, 0, 0, 0 },
	{ "a multipart without a close boundary still has its parts",
	  HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nopen " GHP "\n", 0,
	  "1", "open " GHP, 0, 0, 0, 0, 0 },
	{ "a broken encoded word does not swallow the good one after it",
	  "Subject: =?utf-8?q?unterminated =?=?utf-8?b?dG9rZW4gZ2hwX3ZyTGo1V2ZCMkZqU1NYWGRBTk53SU9RbkxoYzNvZTFqSURONg==?=\n\nbody\n", 0,
	  "subject", "token " GHP, 0, 0, 0, 0, 0 },
	{ "adjacent encoded words of one charset join a split character",
	  "Subject: =?utf-8?b?QUvD?= =?utf-8?b?qQ==?= =?bad?Z?x?=\n\nbody\n", 0,
	  "subject", "AK\xc3\xa9 =?bad?Z?x?=", 0, 0, 0, 0, 0 },
	{ "a Comments header is scanned",
	  HDR "Comments: token " GHP "\n\nbody\n", 0, "comments", "token " GHP, 0, 0, 0, 0, 0 },
	{ "a Keywords header is scanned",
	  HDR "Keywords: deploy, " GHP "\n\nbody\n", 0, "keywords", GHP, 0, 0, 0, 0, 0 },
	{ "a custom X- header is scanned and unfolded",
	  HDR "X-Deploy-Token: t\n " GHP "\n\nbody\n", 0, "x-deploy-token", "t " GHP, 0, 0, 0, 0, 0 },
	{ "an encoded X- header is decoded",
	  HDR "X-Note: =?utf-8?q?key=3A_ghp=5FvrLj5WfB2FjSSXXdANNwIOQnLhc3oe1jIDN6?=\n\nbody\n", 0, "x-note", "key: " GHP, 0, 0, 0, 0, 0 },
	{ "an 8-bit header value is read as Latin-1 when not UTF-8",
	  HDR "X-Note: caf\xe9 " GHP "\n\nbody\n", 0, "x-note", "caf\xc3\xa9 " GHP, 0, 0, 0, 0, 0 },
	{ "a header line without a colon is scanned as header text",
	  "From: a@example.org\nSubject: s\nthis line " GHP "\nTo: b@example.net\n\nbody\n", 0,
	  "header-text", "this line " GHP, 0, 0, 0, 0, 0 },
	{ "an attached message's Subject is a unit of that part",
	  HDR "Content-Type: message/rfc822\n\nSubject: fwd " GHP "\nFrom: c@example.org\n\ninner\n", 0,
	  "1.subject", "fwd " GHP, 0, 0, 0, 0, 0 },
	{ "text lines in an attached message's header are not lost",
	  HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
	  "Subject: inner\nswallowed " GHP "\nmore text\n\ninner body\n--b--\n", 0,
	  "1.header-text", "swallowed " GHP "\nmore text", 0, 0, 0, 0, 0 },
	{ "a bad transfer encoding is scanned as it is",
	  HDR "Content-Transfer-Encoding: base99\n\nraw " GHP "\n", 0, "1", "raw " GHP, 0, 0, 0, 0, 0 },
	{ "bare CR and LF line ends mixed keep the body scannable",
	  HDR "\nline one\rline " GHP "\r\nthree\n", 0, "1", "line " GHP, 0, 0, 0, 0, 0 },
	{ "NUL bytes around a secret do not hide it",
	  HDR "\nbefore\0" GHP "\0after\n", sizeof(HDR "\nbefore\0" GHP "\0after\n") - 1,
	  "1", GHP, 0, 0, 0, 0, 0 },
	{ "a PGP/MIME encrypted message is counted as encrypted",
	  HDR "Content-Type: multipart/encrypted; boundary=e; protocol=\"application/pgp-encrypted\"\n\n"
	  "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
	  "--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n--e--\n", 0,
	  "subject", "s", 1, 0, 0, 0, 0 },
	{ "an S/MIME enveloped message is counted as encrypted",
	  HDR "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\n"
	  "Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggGH\n", 0,
	  "subject", "s", 1, 0, 0, 0, 0 },
	{ "an S/MIME certificate bundle is not encrypted",
	  HDR "Content-Type: application/pkcs7-mime; smime-type=certs-only\n"
	  "Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n", 0,
	  "subject", "s", 0, 0, 0, 0, 0 },
	{ "the signed part of a multipart/signed is marked",
	  HDR "Content-Type: multipart/signed; boundary=s; protocol=\"application/pgp-signature\"\n\n"
	  "--s\nContent-Type: text/plain\n\nsigned " GHP "\n--s\nContent-Type: application/pgp-signature\n\n"
	  "-----BEGIN PGP SIGNATURE-----\n--s--\n", 0,
	  "1", "signed " GHP, 0, 1, 0, 0, 1 },
	{ "a message/partial fragment is counted and its text scanned",
	  HDR "Content-Type: message/partial; id=\"x@y\"; number=1; total=2\n\nSubject: part\n\nfrag " GHP "\n", 0,
	  "1", "frag " GHP, 0, 0, 1, 0, 0 },
	{ "the text runs of a TNEF attachment are scanned",
	  HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee attachment\n--b\n"
	  "Content-Type: application/ms-tnef; name=winmail.dat\nContent-Transfer-Encoding: base64\n\n"
	  /* 0x78 0x9f 0x3e 0x22 "\x01\x00" + "token ghp_..." + NUL */
	  "eJ8+IgEAdG9rZW4gZ2hwX3ZyTGo1V2ZCMkZqU1NYWGRBTk53SU9RbkxoYzNvZTFqSURONgA=\n--b--\n", 0,
	  "2", "token " GHP, 0, 0, 0, 1, 0 },
};

START_TEST(test_carriers)
{
	const char *raw = carrier_rows[_i].raw;
	size_t len = carrier_rows[_i].len ? carrier_rows[_i].len : strlen(raw), i, prev = 0;
	secm_walk w;
	const secm_unit *u;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk((const unsigned char *)raw, len, NULL, &w, NULL), 0);
	u = fx_unit(&w, carrier_rows[_i].path);
	ck_assert_msg(u != NULL, "%s: no unit %s", carrier_rows[_i].label,
		      carrier_rows[_i].path);
	ck_assert_msg(fx_has(u->text, u->text_len, carrier_rows[_i].text),
		      "%s: text is \"%.*s\"", carrier_rows[_i].label,
		      (int)u->text_len, u->text);
	ck_assert_uint_eq(w.encrypted, carrier_rows[_i].encrypted);
	ck_assert_uint_eq(w.signed_parts, carrier_rows[_i].signed_parts);
	ck_assert_uint_eq(w.partial, carrier_rows[_i].partial);
	ck_assert_uint_eq(w.tnef, carrier_rows[_i].tnef);
	ck_assert_int_eq(u->in_signed, carrier_rows[_i].in_signed);
	ck_assert_int_eq(u->no_redact, carrier_rows[_i].tnef > 0);
	for (i = 0; i < w.n; i++) {
		/* in raw order, never overlapping: redaction splices them */
		ck_assert_uint_ge(w.units[i].raw_start, prev);
		ck_assert_uint_le(w.units[i].raw_end, len);
		prev = w.units[i].raw_end;
	}
	secm_walk_free(&w);
}
END_TEST

static const struct {
	const char *label;
	const char *src;
	int delsp;
	const char *text;	/* NULL: nothing to change */
} flowed_rows[] = {
	{ "a soft break is joined and its space kept",
	  "key AKIAZ5Q7 \nNQ3H2K4M6P7R end\n", 0, "key AKIAZ5Q7 NQ3H2K4M6P7R end\n" },
	{ "with DelSp the space of a soft break goes too",
	  "key AKIAZ5Q7 \r\nNQ3H2K4M6P7R end\r\n", 1, "key AKIAZ5Q7NQ3H2K4M6P7R end\r\n" },
	{ "a line without a trailing space is a hard break",
	  "one\ntwo\n", 0, NULL },
	{ "the signature separator is not a soft break",
	  "text\n-- \nAlice\n", 0, NULL },
	{ "a soft break on the last line without a line end changes nothing",
	  "last line ", 0, NULL },
	{ "quoted soft breaks drop the next line's quote marks",
	  "> a AKIAZ5Q7 \n> NQ3H2K4M6P7R\n", 1, "> a AKIAZ5Q7NQ3H2K4M6P7R\n" },
	{ "a soft break before a different quote depth is a hard break",
	  "> quoted \n>> deeper\n", 0, NULL },
	{ "a stuffed space before From is dropped",
	  " From here\n", 0, "From here\n" },
	{ "a stuffed line continues a flowed one without its stuffing",
	  "a \n >b\n", 0, "a >b\n" },
};

/* format=flowed soft breaks are joined and mapped back (text_decode.h) */
START_TEST(test_flowed_unwrap)
{
	const char *src = flowed_rows[_i].src;
	size_t len = strlen(src), tl, *map, *me, j;
	char *text;

	ck_assert_int_eq(secm_flowed_unwrap(src, len, flowed_rows[_i].delsp,
					    &text, &tl, &map, &me), 0);
	if (flowed_rows[_i].text == NULL) {
		ck_assert_msg(text == NULL && map == NULL && me == NULL,
			      "%s", flowed_rows[_i].label);
		return;
	}
	ck_assert_msg(text != NULL, "%s", flowed_rows[_i].label);
	ck_assert_str_eq(text, flowed_rows[_i].text);
	ck_assert_uint_eq(tl, strlen(flowed_rows[_i].text));
	for (j = 0; j < tl; j++) {
		/* every text byte is the source byte it maps to, in order */
		ck_assert_uint_lt(map[j], len);
		ck_assert_int_eq(text[j], src[map[j]]);
		ck_assert_uint_eq(me[j], map[j] + 1);
		if (j > 0)
			ck_assert_uint_gt(map[j], map[j - 1]);
	}
	ck_assert_uint_eq(map[tl], len);
	free(text);
	free(map);
	free(me);
}
END_TEST

#define FLOWED_HDR "From: a@example.org\nTo: b@example.org\nSubject: t\nMIME-Version: 1.0\n"
static const struct {
	const char *label;
	const char *raw;
	const char *path;
	const char *filename;	/* expected unit file name, NULL: no check */
	const char *text;	/* must occur in the unit's text */
	int mapped;		/* text differs from the source */
} walk_rows[] = {
	{ "a format=flowed part is scanned with its soft breaks joined",
	  FLOWED_HDR "Content-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes\n\n"
	  "id AKIAZ5Q7NQ3H \n2K4M6P7R end\n", "1", NULL, "id AKIAZ5Q7NQ3H2K4M6P7R end", 1 },
	{ "format=flowed is only read for text/plain",
	  FLOWED_HDR "Content-Type: text/x-log; format=flowed\n\nid AKIA \nX\n",
	  "1", NULL, "id AKIA \nX", 0 },
	{ "a text/plain part without format=flowed keeps its line breaks",
	  FLOWED_HDR "Content-Type: text/plain\n\nid AKIA \nX\n", "1", NULL, "id AKIA \nX", 0 },
	{ "an RFC 2231 encoded file name is decoded, so .env is text",
	  FLOWED_HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee\n--b\n"
	  "Content-Type: x-unknown/type\n"
	  "Content-Disposition: attachment; filename*=UTF-8''config%2Eenv\n\n"
	  "API_TOKEN=rfc2231-secret\n--b--\n", "2", "config.env", "API_TOKEN=rfc2231-secret", 0 },
	{ "an RFC 2231 file name in continuations is joined",
	  FLOWED_HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee\n--b\n"
	  "Content-Type: x-unknown/type\n"
	  "Content-Disposition: attachment;\n filename*0*=UTF-8''prod%2D;\n filename*1*=secrets%2Eenv\n\n"
	  "DB_PASSWORD=rfc2231-cont\n--b--\n", "2", "prod-secrets.env", "DB_PASSWORD=rfc2231-cont", 0 },
	{ "an RFC 2231 name parameter of the type is used without a disposition",
	  FLOWED_HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee\n--b\n"
	  "Content-Type: x-unknown/type; name*=utf-8'en'app%2Eyml\n\n"
	  "token: rfc2231-yml\n--b--\n", "2", "app.yml", "token: rfc2231-yml", 0 },
	{ "an RFC 2231 non-ASCII file name decodes to UTF-8",
	  FLOWED_HDR "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee\n--b\n"
	  "Content-Type: x-unknown/type\n"
	  "Content-Disposition: attachment; filename*=UTF-8''%E8%A8%AD%E5%AE%9A.env\n\n"
	  "KEY=rfc2231-utf8\n--b--\n", "2", "\xe8\xa8\xad\xe5\xae\x9a.env", "KEY=rfc2231-utf8", 0 },
};

#define UU_TEXT "begin 644 prod.env\n85$]+14X]=74M:6XM=&5X=\"US96-R970*\n`\nend\n"
#define UU_BIN "begin 600 logo.png\n-B5!.1P`!`F)I;F%R>0``\n`\nend\n"
static const struct {
	const char *label;
	const char *raw;
	size_t units;		/* body units expected */
	const char *text;	/* text of unit 1.uu1, NULL: no such unit */
	size_t uu_start;	/* its block in the source of unit 1 */
} uu_rows[] = {
	{ "a uuencoded text file inside a text body is a unit of its own",
	  FLOWED_HDR "Content-Type: text/plain\n\nsee below\n" UU_TEXT "bye\n",
	  2, "TOKEN=uu-in-text-secret\n", 10 },
	{ "a uuencoded binary inside a text body is no unit (its text is scanned)",
	  FLOWED_HDR "Content-Type: text/plain\n\nsee below\n" UU_BIN "bye\n", 1, NULL, 0 },
	{ "a begin line without an end line is prose",
	  FLOWED_HDR "Content-Type: text/plain\n\nbegin 644 is the mode\n85$]+14X]\n", 1, NULL, 0 },
	{ "a begin line followed by prose is not a block",
	  FLOWED_HDR "Content-Type: text/plain\n\nbegin 644 a.txt\nnot uu data at all\nend\n", 1, NULL, 0 },
	{ "blocks inside HTML are not looked for",
	  FLOWED_HDR "Content-Type: text/html\n\n<pre>\n" UU_TEXT "</pre>\n", 1, NULL, 0 },
};

/* uuencoded blocks inside text/plain bodies become units */
START_TEST(test_uu_in_text)
{
	const char *raw = uu_rows[_i].raw;
	secm_walk w;
	const secm_unit *u, *p;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk((const unsigned char *)raw, strlen(raw),
					NULL, &w, NULL), 0);
	ck_assert_uint_eq(w.n - count_kind(&w, SECM_UNIT_SUBJECT) -
			  count_kind(&w, SECM_UNIT_HEADER), uu_rows[_i].units);
	u = fx_unit(&w, "1.uu1");
	if (uu_rows[_i].text == NULL) {
		ck_assert_msg(u == NULL, "%s", uu_rows[_i].label);
	} else {
		ck_assert_msg(u != NULL, "%s", uu_rows[_i].label);
		p = fx_unit(&w, "1");
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(u->text_len, strlen(uu_rows[_i].text));
		ck_assert(memcmp(u->text, uu_rows[_i].text, u->text_len) == 0);
		ck_assert_str_eq(u->filename, "prod.env");
		ck_assert_uint_eq(u->uu_parent, (size_t)(p - w.units) + 1);
		ck_assert_uint_eq(u->uu_start, uu_rows[_i].uu_start);
		ck_assert(memcmp(p->source + u->uu_end - 4, "end\n", 4) == 0);
		ck_assert_uint_eq(u->raw_start, p->raw_end);
		ck_assert_uint_eq(u->raw_end, p->raw_end);
		ck_assert(!u->no_redact);
	}
	secm_walk_free(&w);
}
END_TEST

/* the walk reads flowed parts and RFC 2231 file names */
START_TEST(test_walk_rows)
{
	const char *raw = walk_rows[_i].raw;
	secm_walk w;
	const secm_unit *u;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk((const unsigned char *)raw, strlen(raw),
					NULL, &w, NULL), 0);
	u = fx_unit(&w, walk_rows[_i].path);
	ck_assert_msg(u != NULL, "%s: no unit %s", walk_rows[_i].label,
		      walk_rows[_i].path);
	ck_assert_msg(fx_has(u->text, u->text_len, walk_rows[_i].text),
		      "%s: text is \"%.*s\"", walk_rows[_i].label,
		      (int)u->text_len, u->text);
	if (walk_rows[_i].filename != NULL)
		ck_assert_str_eq(u->filename, walk_rows[_i].filename);
	ck_assert_int_eq(u->text != u->source, walk_rows[_i].mapped);
	ck_assert_int_eq(u->map != NULL, walk_rows[_i].mapped);
	secm_walk_free(&w);
}
END_TEST

static const struct {
	const char *name;
	int scanned;
} header_rows[] = {
	{ "Subject", 1 }, { "comments", 1 }, { "Keywords", 1 },
	{ "Thread-Topic", 1 }, { "X-Deploy-Note", 1 }, { "X-Custom", 1 },
	{ "Received", 0 }, { "DKIM-Signature", 0 }, { "ARC-Seal", 0 },
	{ "Authentication-Results", 0 }, { "X-Mailer", 0 }, { "X-Spam-Status", 0 },
	{ "X-Google-DKIM-Signature", 0 }, { "X-MS-Exchange-Organization-SCL", 0 },
	{ "X-Secret-Milter", 0 }, { "From", 0 }, { "X-", 0 },
};

/* the documented choice of scanned header fields */
START_TEST(test_header_choice)
{
	const char *n = header_rows[_i].name;

	ck_assert_msg(secm_header_scanned(n, strlen(n)) == header_rows[_i].scanned,
		      "%s should%s be scanned", n, header_rows[_i].scanned ? "" : " not");
}
END_TEST

typedef struct corpus_stats {
	int files, units, limits;
	double worst;
	char worst_file[1024];
} corpus_stats;

/* walk_one - walk one corpus file and check the invariants */
static void walk_one(const char *path, void *arg)
{
	corpus_stats *st = arg;
	size_t len, i, prev = 0;
	unsigned char *raw = fx_read(path, &len);
	struct timespec t0, t1;
	secm_walk w;
	secm_error err;
	double secs;
	const secm_unit *u;

	ck_assert_ptr_nonnull(raw);
	memset(&w, 0, sizeof(w));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_msg(secm_mime_walk(raw, len, NULL, &w, &err) == 0, "%s: %s",
		      path, err.text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs > st->worst) {
		st->worst = secs;
		snprintf(st->worst_file, sizeof(st->worst_file), "%s", path);
	}
	for (i = 0; i < w.n; i++) {
		u = &w.units[i];
		/* archive members share their attachment's range: in bounds,
		 * but not after the previous unit */
		ck_assert_msg((u->kind == SECM_UNIT_MEMBER || u->raw_start >= prev) &&
			      u->raw_start <= u->raw_end && u->raw_end <= len,
			      "%s part %s: bad range", path, u->path);
		if (u->kind != SECM_UNIT_MEMBER)
			prev = u->raw_end;
		ck_assert_msg(secm_utf8_valid_prefix((const unsigned char *)u->text,
						     u->text_len) == u->text_len,
			      "%s part %s: text is not UTF-8", path, u->path);
		if (u->kind == SECM_UNIT_BODY && u->cte == SECM_CTE_7BIT &&
		    u->decode_charset[0] == '\0' && u->charset_fallback == 0)
			ck_assert_msg(u->source_len == u->raw_end - u->raw_start &&
				      memcmp(raw + u->raw_start, u->source, u->source_len) == 0,
				      "%s part %s: raw range is not the text", path, u->path);
	}
	st->files++;
	st->units += (int)w.n;
	st->limits += w.limit_hit != SECM_LIMIT_NONE;
	secm_walk_free(&w);
	free(raw);
}

/* every corpus message walks without error, fast, with sane units */
START_TEST(test_corpus)
{
	corpus_stats st;
	int n;

	memset(&st, 0, sizeof(st));
	n = fx_each_file(SECM_CORPUS_MAILDIR, walk_one, &st);
	if (n < 0) {
		fprintf(stderr, "test_mime: %s absent, corpus pass skipped\n",
			SECM_CORPUS_MAILDIR);
		return;
	}
	fprintf(stderr, "test_mime: corpus: %d files, %d units, %d hit a limit, "
		"slowest %.3f s (%s)\n", st.files, st.units, st.limits, st.worst,
		st.worst_file);
	ck_assert_int_eq(st.files, n);
	/* natively the slowest takes ~0.05 s; the margin is for valgrind */
	ck_assert_msg(st.worst < (getenv("SECM_SLOW") ? 60.0 : 10.0),
		      "%s took %.3f s", st.worst_file, st.worst);
}
END_TEST

/* the two big hostile messages finish quickly */
START_TEST(test_big_corpus_files)
{
	static const char *const names[] = {
		"flanker/enclosed-endless.eml", "mimekit/messages/stack-overflow.eml"
	};
	char path[1024];
	size_t len;
	unsigned char *raw;
	secm_walk w;
	clock_t t0;

	snprintf(path, sizeof(path), "%s/%s", SECM_CORPUS_MAILDIR, names[_i]);
	raw = fx_read(path, &len);
	if (raw == NULL) {
		fprintf(stderr, "test_mime: %s absent, skipped\n", path);
		return;
	}
	memset(&w, 0, sizeof(w));
	t0 = clock();
	ck_assert_int_eq(secm_mime_walk(raw, len, NULL, &w, NULL), 0);
	ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC <
		      (getenv("SECM_SLOW") ? 60.0 : 10.0), "%s is slow", names[_i]);
	ck_assert_uint_gt(w.n, 0);
	if (_i == 0) {
		/* ~3,000 parts inside a forwarded message: the part bound stops it */
		ck_assert_int_eq(w.limit_hit, SECM_LIMIT_PARTS);
		ck_assert_uint_gt(w.n, 400);
	}
	secm_walk_free(&w);
	free(raw);
}
END_TEST

/* mime_suite - the suite */
static Suite *mime_suite(void)
{
	Suite *s = suite_create("mime_walk");
	TCase *tc = tcase_create("walk");
	TCase *tcc = tcase_create("corpus");

	tcase_add_loop_test(tc, test_paths, 0, (int)(2 * NPATH));
	tcase_add_test(tc, test_counts);
	tcase_add_loop_test(tc, test_offsets, 0, (int)(2 * NFIX));
	tcase_add_loop_test(tc, test_limits, 0,
			    (int)(sizeof(limit_rows) / sizeof(limit_rows[0])));
	tcase_add_loop_test(tc, test_odd, 0,
			    (int)(sizeof(odd_rows) / sizeof(odd_rows[0])));
	tcase_add_loop_test(tc, test_carriers, 0,
			    (int)(sizeof(carrier_rows) / sizeof(carrier_rows[0])));
	tcase_add_loop_test(tc, test_flowed_unwrap, 0,
			    (int)(sizeof(flowed_rows) / sizeof(flowed_rows[0])));
	tcase_add_loop_test(tc, test_uu_in_text, 0,
			    (int)(sizeof(uu_rows) / sizeof(uu_rows[0])));
	tcase_add_loop_test(tc, test_walk_rows, 0,
			    (int)(sizeof(walk_rows) / sizeof(walk_rows[0])));
	tcase_add_loop_test(tc, test_header_choice, 0,
			    (int)(sizeof(header_rows) / sizeof(header_rows[0])));
	tcase_set_timeout(tcc, 600);
	tcase_add_test(tcc, test_corpus);
	tcase_add_loop_test(tcc, test_big_corpus_files, 0, 2);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tcc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mime_suite());
	int failed;

	secm_mime_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	g_mime_shutdown();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
