/*
 * test_redact.c - redaction by byte range: untouched bytes stay identical,
 * redacted parts re-decode to the placeholder in every transfer encoding
 * and charset, the Subject is re-encoded and folded, CRLF stays CRLF.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime_fixture.h"
#include "mime_walk.h"
#include "redact.h"
#include "text_decode.h"

static const char *const fixtures[] = {
	"nested.eml", "encodings.eml", "japanese.eml", "iso2022jp.eml",
	"html.eml", "subject.eml"
};
#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

/* walk - walk raw into w, asserting success */
static void walk(const unsigned char *raw, size_t len, secm_walk *w)
{
	secm_error err;

	memset(w, 0, sizeof(*w));
	ck_assert_msg(secm_mime_walk(raw, len, NULL, w, &err) == 0, "%s", err.text);
}

/* no_bare_lf - every LF in p is preceded by CR */
static int no_bare_lf(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			return 0;
	}
	return 1;
}

/* redacting nothing gives back the very same bytes */
START_TEST(test_nothing_is_identical)
{
	int crlf = _i >= (int)NFIX;
	size_t len;
	unsigned char *raw = fx_load(fixtures[_i % NFIX], crlf, &len);
	secm_walk w;
	secm_redaction r;

	walk(raw, len, &w);
	ck_assert_int_eq(secm_redact(raw, len, &w, NULL, 0, &r, NULL), 0);
	ck_assert_uint_eq(r.message.len, len);
	ck_assert(memcmp(r.message.data, raw, len) == 0);
	ck_assert_uint_eq(r.body.len, len - w.body_start);
	ck_assert(memcmp(r.body.data, raw + w.body_start, r.body.len) == 0);
	ck_assert_int_eq(r.body_changed, 0);
	ck_assert_ptr_null(r.subject);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

static const struct {
	const char *label;
	const char *file;
	const char *path;
	const char *secret;	/* in the unit's text: the span */
	const char *rule;
	const char *expect;	/* in the re-walked unit's text */
	const char *also;	/* also still there, or NULL */
} rt_rows[] = {
	{ "a base64 part is redacted and re-encoded",
	  "encodings.eml", "1", "AKIAIOSFODNN7EXAMPLE", "aws-access-key",
	  "aws_access_key_id = [REDACTED:aws-access-key]",
	  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
	{ "a secret split by a quoted-printable soft break is redacted",
	  "encodings.eml", "2", "AKIAIOSFODNN7EXAMPLE", "aws",
	  "key: [REDACTED:aws] and more text", "Caf\xc3\xa9" },
	{ "a uuencoded attachment is redacted inside its begin and end lines",
	  "encodings.eml", "3", "hunter2-uu-secret", "password",
	  "DB_PASSWORD=[REDACTED:password]\n", "API_HOST=example.org" },
	{ "a base64 .env attachment is redacted",
	  "encodings.eml", "4", "sk_test_envfile", "stripe",
	  "STRIPE_KEY=[REDACTED:stripe]", NULL },
	{ "an ISO-2022-JP part keeps its Japanese text around the placeholder",
	  "japanese.eml", "1", "tora-no-maki", "jp-password",
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xe3\x81\xaf [REDACTED:jp-password] \xe3\x81\xa7\xe3\x81\x99",
	  "\xe6\x9c\xac\xe6\x97\xa5" },
	{ "a Shift_JIS base64 part keeps its Japanese text",
	  "japanese.eml", "2", "tora-no-maki", "jp-password",
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xe3\x81\xaf [REDACTED:jp-password]", NULL },
	{ "an EUC-JP part keeps its Japanese text",
	  "japanese.eml", "3", "tora-no-maki", "jp-password",
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xe3\x81\xaf [REDACTED:jp-password]", NULL },
	{ "an ISO-2022-JP single-part message is redacted",
	  "iso2022jp.eml", "1", "AKIAIOSFODNN7EXAMPLE", "aws",
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89: [REDACTED:aws]\n",
	  "\xe3\x82\x88\xe3\x82\x8d\xe3\x81\x97\xe3\x81\x8f" },
	{ "an HTML secret split by tags is replaced as a whole",
	  "html.eml", "1", "AKIAIOSFODNN7EXAMPLE", "aws",
	  "key: [REDACTED:aws]", "Tom & Jerry" },
	{ "a secret in HTML script is redacted",
	  "html.eml", "1", "js-hidden-key", "generic",
	  "var apiKey = \"[REDACTED:generic]\";", NULL },
	{ "a password in an HTML link is redacted inside the attribute",
	  "html.eml", "1", "pa55word", "url-password",
	  "https://user:[REDACTED:url-password]@db.example.org/", "\ndb\n" },
	{ "a part of a message forwarded twice is redacted",
	  "nested.eml", "3.2.1", "twice", "x",
	  "forwarded [REDACTED:x]", NULL },
};
#define NRT (sizeof(rt_rows) / sizeof(rt_rows[0]))

/* rows run for LF and for CRLF messages */
START_TEST(test_round_trip)
{
	int crlf = _i >= (int)NRT;
	size_t row = (size_t)_i % NRT, len, ui, off, tail, i;
	unsigned char *raw = fx_load(rt_rows[row].file, crlf, &len);
	secm_walk w, w2;
	secm_redaction r;
	secm_span sp;
	secm_error err;
	const secm_unit *u, *u2;

	walk(raw, len, &w);
	ui = fx_index(&w, rt_rows[row].path);
	ck_assert_uint_lt(ui, w.n);
	u = &w.units[ui];
	off = fx_find(u->text, u->text_len, rt_rows[row].secret);
	ck_assert_msg(off != (size_t)-1, "%s: secret not in text", rt_rows[row].label);
	sp.unit = ui;
	sp.start = off;
	sp.end = off + strlen(rt_rows[row].secret);
	sp.rule_id = rt_rows[row].rule;
	ck_assert_msg(secm_redact(raw, len, &w, &sp, 1, &r, &err) == 0, "%s", err.text);
	ck_assert_int_eq(r.body_changed, 1);
	ck_assert_ptr_null(r.subject);
	/* every byte outside the part is identical */
	tail = len - u->raw_end;
	ck_assert_uint_ge(r.message.len, u->raw_start + tail);
	ck_assert(memcmp(r.message.data, raw, u->raw_start) == 0);
	ck_assert(memcmp(r.message.data + r.message.len - tail, raw + u->raw_end, tail) == 0);
	if (crlf)
		ck_assert_msg(no_bare_lf(r.message.data, r.message.len),
			      "%s: bare LF in a CRLF message", rt_rows[row].label);
	/* the output re-decodes to the placeholder, other parts unchanged */
	walk(r.message.data, r.message.len, &w2);
	ck_assert_uint_eq(w2.n, w.n);
	u2 = fx_unit(&w2, rt_rows[row].path);
	ck_assert_ptr_nonnull(u2);
	ck_assert_msg(fx_has(u2->text, u2->text_len, rt_rows[row].expect) ||
		      (crlf && fx_has(u2->text, u2->text_len, "[REDACTED:")),
		      "%s (%s): text is \"%.*s\"", rt_rows[row].label,
		      crlf ? "CRLF" : "LF", (int)u2->text_len, u2->text);
	ck_assert(!fx_has(u2->text, u2->text_len, rt_rows[row].secret));
	ck_assert(!fx_has(r.message.data + u2->raw_start, u2->raw_end - u2->raw_start,
			  rt_rows[row].secret));
	if (rt_rows[row].also != NULL)
		ck_assert(fx_has(u2->text, u2->text_len, rt_rows[row].also));
	ck_assert_int_eq(u2->cte, u->cte);
	ck_assert_int_eq(u2->crlf, u->crlf);
	for (i = 0; i < w.n; i++) {
		if (i == ui)
			continue;
		ck_assert_str_eq(w2.units[i].path, w.units[i].path);
		ck_assert_uint_eq(w2.units[i].text_len, w.units[i].text_len);
		ck_assert(memcmp(w2.units[i].text, w.units[i].text, w.units[i].text_len) == 0);
	}
	/* ISO-2022-JP stays 7-bit */
	if (strcmp(u->decode_charset, "ISO-2022-JP") == 0) {
		for (i = u2->raw_start; i < u2->raw_end; i++)
			ck_assert_uint_lt(r.message.data[i], 0x80);
	}
	/* the body is what follows the header in the new message */
	ck_assert_uint_eq(r.body.len, r.message.len - w2.body_start);
	ck_assert(memcmp(r.body.data, r.message.data + w2.body_start, r.body.len) == 0);
	secm_walk_free(&w2);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

static const struct {
	const char *label;
	const char *file;
	const char *secret;
	const char *expect_text;	/* re-walked Subject */
	const char *expect_raw;		/* in the new header, or NULL */
} subj_rows[] = {
	{ "an RFC 2047 Subject with a secret is re-encoded",
	  "subject.eml", "AKIAIOSFODNN7EXAMPLE",
	  "Schl\xc3\xbcssel [REDACTED:aws] continued", "=?" },
	{ "an ASCII Subject stays plain text",
	  "nested.eml", "parts", "nested [REDACTED:aws]", "Subject: nested [REDACTED:aws]" },
	{ "an ISO-2022-JP Subject becomes UTF-8 encoded words",
	  "japanese.eml", "\xe9\x80\x9a\xe7\x9f\xa5",
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89[REDACTED:aws]", "=?" },
};
#define NSUBJ (sizeof(subj_rows) / sizeof(subj_rows[0]))

START_TEST(test_subject)
{
	int crlf = _i >= (int)NSUBJ;
	size_t row = (size_t)_i % NSUBJ, len, ui, off, i, col;
	unsigned char *raw = fx_load(subj_rows[row].file, crlf, &len);
	secm_walk w, w2;
	secm_redaction r;
	secm_span sp;
	const secm_unit *u, *u2;

	walk(raw, len, &w);
	ui = fx_index(&w, "subject");
	ck_assert_uint_lt(ui, w.n);
	u = &w.units[ui];
	off = fx_find(u->text, u->text_len, subj_rows[row].secret);
	ck_assert(off != (size_t)-1);
	sp.unit = ui;
	sp.start = off;
	sp.end = off + strlen(subj_rows[row].secret);
	sp.rule_id = "aws";
	ck_assert_int_eq(secm_redact(raw, len, &w, &sp, 1, &r, NULL), 0);
	ck_assert_int_eq(r.body_changed, 0);
	ck_assert_ptr_nonnull(r.subject);
	ck_assert(r.subject[0] == ' ');
	ck_assert(strchr(r.subject, '\r') == NULL);
	/* the body is byte for byte the old one */
	ck_assert_uint_eq(r.body.len, len - w.body_start);
	ck_assert(memcmp(r.body.data, raw + w.body_start, r.body.len) == 0);
	ck_assert(memcmp(r.message.data, raw, u->raw_start) == 0);
	walk(r.message.data, r.message.len, &w2);
	u2 = fx_unit(&w2, "subject");
	ck_assert_ptr_nonnull(u2);
	ck_assert_msg(u2->text_len == strlen(subj_rows[row].expect_text) &&
		      memcmp(u2->text, subj_rows[row].expect_text, u2->text_len) == 0,
		      "%s: subject is \"%.*s\"", subj_rows[row].label,
		      (int)u2->text_len, u2->text);
	if (subj_rows[row].expect_raw != NULL)
		ck_assert(fx_has(r.message.data + u2->raw_start, u2->raw_end - u2->raw_start,
				 subj_rows[row].expect_raw));
	/* the new field: lines under 78 columns, the message's line ends */
	for (i = u2->raw_start, col = 0; i < u2->raw_end; i++) {
		if (r.message.data[i] == '\n') {
			ck_assert_uint_lt(col, 78);
			ck_assert_int_eq(i > 0 && r.message.data[i - 1] == '\r', crlf);
			col = 0;
		} else if (r.message.data[i] != '\r') {
			col++;
		}
	}
	/* smfi_chgheader value == the raw field's value with LF line ends */
	{
		const unsigned char *v = r.message.data + u2->raw_start + 8;
		size_t n = u2->raw_end - u2->raw_start - 8, k = 0, j;
		char *flat = malloc(n + 1);

		for (j = 0; j < n; j++) {
			if (v[j] != '\r')
				flat[k++] = (char)v[j];
		}
		while (k > 0 && flat[k - 1] == '\n')
			k--;
		flat[k] = '\0';
		ck_assert_str_eq(r.subject, flat);
		free(flat);
	}
	secm_walk_free(&w2);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

/* a long Subject is folded at whitespace below 78 columns */
START_TEST(test_subject_folding)
{
	const char *msg = "Subject: a very long subject line with many words that "
		"goes on and on and on well past the limit with token "
		"ghp_exampleexampleexampleexample1234 and even more words after it\n"
		"\nbody\n";
	size_t len = strlen(msg), ui, off, i, col = 0, lines = 0;
	secm_walk w;
	secm_redaction r;
	secm_span sp;

	walk((const unsigned char *)msg, len, &w);
	ui = fx_index(&w, "subject");
	off = fx_find(w.units[ui].text, w.units[ui].text_len, "ghp_");
	sp.unit = ui;
	sp.start = off;
	sp.end = off + 36;
	sp.rule_id = "github-token";
	ck_assert_int_eq(secm_redact((const unsigned char *)msg, len, &w, &sp, 1, &r, NULL), 0);
	ck_assert(fx_has(r.subject, strlen(r.subject), "[REDACTED:github-token]"));
	/* the Subject is the first field: check its lines */
	for (i = 0; i < r.message.len; i++) {
		if (r.message.data[i] != '\n') {
			col++;
			continue;
		}
		lines++;
		ck_assert_uint_lt(col, 78);
		col = 0;
		if (i + 1 >= r.message.len || r.message.data[i + 1] != ' ')
			break;
	}
	ck_assert_uint_ge(lines, 2);
	ck_assert(strstr(r.subject, "\n ") != NULL);
	secm_redaction_free(&r);
	secm_walk_free(&w);
}
END_TEST

/* a redaction across inline tags keeps the tags, so the HTML stays balanced */
START_TEST(test_html_markup_kept)
{
	size_t len, ui, off;
	unsigned char *raw = fx_load("html.eml", _i, &len);
	secm_walk w, w2;
	secm_redaction r;
	secm_span sp;

	walk(raw, len, &w);
	ui = fx_index(&w, "1");
	off = fx_find(w.units[ui].text, w.units[ui].text_len, "AKIAIOSFODNN7EXAMPLE");
	sp = (secm_span){ ui, off, off + 20, "aws" };
	ck_assert_int_eq(secm_redact(raw, len, &w, &sp, 1, &r, NULL), 0);
	walk(r.message.data, r.message.len, &w2);
	ck_assert(fx_has(fx_unit(&w2, "1")->source, fx_unit(&w2, "1")->source_len,
			 "<div>key: <b>[REDACTED:aws]</b></div>"));
	secm_walk_free(&w2);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

/* overlapping spans merge; spans in two parts both apply */
START_TEST(test_merge_and_many)
{
	size_t len, a, b, off;
	unsigned char *raw = fx_load("encodings.eml", 0, &len);
	secm_walk w, w2;
	secm_redaction r;
	secm_span sp[3];

	walk(raw, len, &w);
	a = fx_index(&w, "1");
	b = fx_index(&w, "5");
	off = fx_find(w.units[a].text, w.units[a].text_len, "AKIA");
	sp[0] = (secm_span){ a, off, off + 20, "one" };
	sp[1] = (secm_span){ a, off + 4, off + 10, "two" };
	off = fx_find(w.units[b].text, w.units[b].text_len, "json-attached-token");
	sp[2] = (secm_span){ b, off, off + 19, NULL };
	ck_assert_int_eq(secm_redact(raw, len, &w, sp, 3, &r, NULL), 0);
	walk(r.message.data, r.message.len, &w2);
	ck_assert(fx_has(fx_unit(&w2, "1")->text, fx_unit(&w2, "1")->text_len,
			 "aws_access_key_id = [REDACTED:one]\n"));
	ck_assert(!fx_has(fx_unit(&w2, "1")->text, fx_unit(&w2, "1")->text_len, "two"));
	ck_assert(fx_has(fx_unit(&w2, "5")->text, fx_unit(&w2, "5")->text_len,
			 "{\"token\": \"[REDACTED:secret]\"}"));
	secm_walk_free(&w2);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

static const struct {
	const char *label;
	size_t unit_add;	/* added to w.n - 1 */
	size_t start, end;	/* (size_t)-1: text_len + 1 */
} bad_rows[] = {
	{ "a span naming a unit that does not exist is refused", 1, 0, 1 },
	{ "a span past the end of the text is refused", 0, 0, (size_t)-1 },
	{ "a span that ends before it starts is refused", 0, 2, 1 },
};

START_TEST(test_bad_spans)
{
	size_t len;
	unsigned char *raw = fx_load("nested.eml", 0, &len);
	secm_walk w;
	secm_redaction r;
	secm_span sp;
	secm_error err;

	walk(raw, len, &w);
	sp.unit = w.n - 1 + bad_rows[_i].unit_add;
	sp.start = bad_rows[_i].start;
	sp.end = bad_rows[_i].end == (size_t)-1 ? w.units[w.n - 1].text_len + 1 :
		bad_rows[_i].end;
	sp.rule_id = "x";
	ck_assert_int_eq(secm_redact(raw, len, &w, &sp, 1, &r, &err), SECM_EINTERNAL);
	ck_assert_uint_eq(r.message.len, 0);
	ck_assert_ptr_null(r.subject);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	free(raw);
}
END_TEST

typedef struct corpus_stats {
	int files, redacted;
} corpus_stats;

/* redact_one - redact the first bytes of every unit of one corpus file */
static void redact_one(const char *path, void *arg)
{
	corpus_stats *st = arg;
	size_t len, i, n = 0, first = (size_t)-1, k;
	unsigned char *raw = fx_read(path, &len);
	secm_walk w, w2;
	secm_redaction r;
	secm_span *sp;
	secm_error err;

	ck_assert_ptr_nonnull(raw);
	walk(raw, len, &w);
	/* nothing to redact: identical */
	ck_assert_int_eq(secm_redact(raw, len, &w, NULL, 0, &r, NULL), 0);
	ck_assert_msg(r.message.len == len && memcmp(r.message.data, raw, len) == 0,
		      "%s: not identical", path);
	secm_redaction_free(&r);
	sp = calloc(w.n + 1, sizeof(*sp));
	ck_assert_ptr_nonnull(sp);
	for (i = 0; i < w.n; i++) {
		if (w.units[i].text_len == 0)
			continue;
		k = w.units[i].text_len < 8 ? w.units[i].text_len : 8;
		sp[n++] = (secm_span){ i, 0, k, "corpus" };
		if (first == (size_t)-1)
			first = w.units[i].raw_start;
	}
	ck_assert_msg(secm_redact(raw, len, &w, sp, n, &r, &err) == 0, "%s: %s",
		      path, err.text);
	if (first != (size_t)-1)
		ck_assert_msg(memcmp(r.message.data, raw, first) == 0,
			      "%s: bytes before the first part changed", path);
	walk(r.message.data, r.message.len, &w2);
	if (n > 0)
		st->redacted++;
	st->files++;
	secm_walk_free(&w2);
	secm_redaction_free(&r);
	free(sp);
	secm_walk_free(&w);
	free(raw);
}

/* every corpus message survives redaction of every unit */
START_TEST(test_corpus)
{
	corpus_stats st = { 0, 0 };
	int n = fx_each_file(SECM_CORPUS_MAILDIR, redact_one, &st);

	if (n < 0) {
		fprintf(stderr, "test_redact: %s absent, corpus pass skipped\n",
			SECM_CORPUS_MAILDIR);
		return;
	}
	fprintf(stderr, "test_redact: corpus: %d files, %d redacted\n",
		st.files, st.redacted);
	ck_assert_int_eq(st.files, n);
}
END_TEST

/* parts with bytes invalid in their charset around (and beside) the secret */
static const struct {
	const char *label;
	const char *charset;
	const char *body;	/* decoded bytes, LF line ends */
} lossy_rows[] = {
	{ "UTF-8 with a stray 0xff on the line before",
	  "utf-8", "caf\xc3\xa9 \xff ok\nkey SECRETVALUE123 end\nlast \xfe\n" },
	{ "UTF-8 with stray bytes on the secret's own line",
	  "utf-8", "first\na\xff key SECRETVALUE123 \xfe end\nlast\n" },
	{ "ISO-2022-JP with stray 0xa4 0xa4 before and after the secret",
	  "iso-2022-jp", "\x1b$B%Q%9\x1b(B \xa4\xa4\n"
	  "\x1b$B%Q%9%o!<%I!'\x1b(BSECRETVALUE123\x1b$B%Q\x1b(B bi\xa4\xa4\n"
	  "\x1b$B%o\x1b(B end\n" },
	{ "ISO-2022-JP with the secret between two escapes and 8-bit after",
	  "iso-2022-jp", "\x1b$B%Q%9%o!<%I!'\x1b(BSECRETVALUE123\x1b$B%Q%9\x1b(B"
	  "\xa4\xa4 \x1b$B%o\x1b(B\n" },
	{ "Shift_JIS with a lone lead byte beside the secret",
	  "shift_jis", "\x83p\x83X\x83\x8f\x81[\x83h \x82 x SECRETVALUE123 \x81\n\x82\n" },
	{ "Latin-1 with 8-bit letters beside the secret",
	  "iso-8859-1", "caf\xe9\nna\xefve SECRETVALUE123 \xff\xfe\n" },
	{ "undeclared 8-bit text read as Latin-1",
	  "us-ascii", "\xa4\xa4 SECRETVALUE123 \xa4\n\xff\n" },
};
#define NLOSSY (sizeof(lossy_rows) / sizeof(lossy_rows[0]))
#define LOSSY_SECRET "SECRETVALUE123"
#define LOSSY_PLACE "[REDACTED:test-rule]"

/* lossy_message - the row's part as a message with transfer encoding cte */
static void lossy_message(size_t row, secm_cte cte, int crlf, secm_buf *m)
{
	secm_buf d = SECM_BUF_INIT;
	const char *eol = crlf ? "\r\n" : "\n";
	const char *body = lossy_rows[row].body;

	if (crlf)
		ck_assert(secm_lf_to_crlf((const unsigned char *)body, strlen(body), &d) == 0);
	else
		ck_assert(secm_buf_append_str(&d, body) == 0);
	ck_assert(secm_buf_printf(m, "From: a@example.org%sSubject: lossy%s"
				  "MIME-Version: 1.0%sContent-Type: text/plain; "
				  "charset=%s%sContent-Transfer-Encoding: %s%s%s",
				  eol, eol, eol, lossy_rows[row].charset, eol,
				  cte == SECM_CTE_7BIT ? "8bit" : secm_cte_name(cte),
				  eol, eol) == 0);
	ck_assert(secm_cte_encode(cte, d.data, d.len, crlf, 1, m) == 0);
	secm_buf_free(&d);
}

/* part_decoded - transfer-decoded bytes of unit u of message m */
static void part_decoded(const unsigned char *m, const secm_unit *u, secm_buf *out)
{
	ck_assert(secm_cte_decode(u->cte, m + u->raw_start, u->raw_end - u->raw_start,
				  out, NULL, 0) == 0);
}

/* bytes invalid in the charset outside the secret are kept verbatim */
START_TEST(test_invalid_bytes_kept)
{
	static const secm_cte ctes[] = { SECM_CTE_7BIT, SECM_CTE_QP, SECM_CTE_BASE64 };
	size_t row = (size_t)_i / 6, off, p;
	secm_cte cte = ctes[(_i / 2) % 3];
	int crlf = _i % 2;
	secm_buf m = SECM_BUF_INIT, d0 = SECM_BUF_INIT, d1 = SECM_BUF_INIT;
	secm_buf want = SECM_BUF_INIT;
	secm_walk w, w2;
	secm_redaction r;
	secm_span sp;
	secm_error err;
	const secm_unit *u, *u2;

	lossy_message(row, cte, crlf, &m);
	walk(m.data, m.len, &w);
	u = fx_unit(&w, "1");
	ck_assert_ptr_nonnull(u);
	off = fx_find(u->text, u->text_len, LOSSY_SECRET);
	ck_assert_msg(off != (size_t)-1, "%s: secret not in text", lossy_rows[row].label);
	sp.unit = (size_t)(u - w.units);
	sp.start = off;
	sp.end = off + strlen(LOSSY_SECRET);
	sp.rule_id = "test-rule";
	ck_assert_msg(secm_redact(m.data, m.len, &w, &sp, 1, &r, &err) == 0, "%s",
		      err.text);
	/* decoded: the original with only the secret replaced */
	part_decoded(m.data, u, &d0);
	p = fx_find((const char *)d0.data, d0.len, LOSSY_SECRET);
	ck_assert_uint_ne(p, (size_t)-1);
	ck_assert(secm_buf_append(&want, d0.data, p) == 0 &&
		  secm_buf_append_str(&want, LOSSY_PLACE) == 0 &&
		  secm_buf_append(&want, d0.data + p + strlen(LOSSY_SECRET),
				  d0.len - p - strlen(LOSSY_SECRET)) == 0);
	walk(r.message.data, r.message.len, &w2);
	u2 = fx_unit(&w2, "1");
	ck_assert_ptr_nonnull(u2);
	part_decoded(r.message.data, u2, &d1);
	ck_assert_msg(d1.len == want.len && memcmp(d1.data, want.data, want.len) == 0,
		      "%s (%s, %s): decoded bytes outside the secret changed",
		      lossy_rows[row].label, secm_cte_name(cte), crlf ? "CRLF" : "LF");
	/* identity encoding: the raw bytes too, and everything around the part */
	ck_assert(memcmp(r.message.data, m.data, u->raw_start) == 0);
	if (cte == SECM_CTE_7BIT) {
		ck_assert_uint_eq(r.message.len, m.len - d0.len + want.len);
		ck_assert(memcmp(r.message.data + u->raw_start, want.data, want.len) == 0);
	}
	ck_assert_int_eq(u2->charset_fallback, u->charset_fallback);
	ck_assert(fx_has(u2->text, u2->text_len, LOSSY_PLACE));
	ck_assert(!fx_has(u2->text, u2->text_len, LOSSY_SECRET));
	secm_walk_free(&w2);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	secm_buf_free(&want);
	secm_buf_free(&d1);
	secm_buf_free(&d0);
	secm_buf_free(&m);
}
END_TEST

/* planting by rewriting a unit keeps the invalid bytes too */
START_TEST(test_rewrite_keeps_invalid_bytes)
{
	size_t row = (size_t)_i, at;
	secm_buf m = SECM_BUF_INIT, src = SECM_BUF_INIT, d0 = SECM_BUF_INIT;
	secm_buf d1 = SECM_BUF_INIT;
	secm_walk w, w2;
	secm_redaction r;
	secm_error err;
	const secm_unit *u, *u2;
	const unsigned char *nl;

	lossy_message(row, SECM_CTE_7BIT, 0, &m);
	walk(m.data, m.len, &w);
	u = fx_unit(&w, "1");
	ck_assert_ptr_nonnull(u);
	nl = memchr(u->source, '\n', u->source_len);
	ck_assert_ptr_nonnull(nl);
	at = (size_t)((const char *)nl - u->source) + 1;
	ck_assert(secm_buf_append(&src, u->source, at) == 0 &&
		  secm_buf_append_str(&src, "planted\n") == 0 &&
		  secm_buf_append(&src, u->source + at, u->source_len - at) == 0);
	ck_assert_msg(secm_rewrite_unit(m.data, m.len, &w, (size_t)(u - w.units),
					(const char *)src.data, src.len, &r, &err) == 0,
		      "%s", err.text);
	part_decoded(m.data, u, &d0);
	walk(r.message.data, r.message.len, &w2);
	u2 = fx_unit(&w2, "1");
	ck_assert_ptr_nonnull(u2);
	part_decoded(r.message.data, u2, &d1);
	at = (size_t)((const unsigned char *)memchr(d0.data, '\n', d0.len) - d0.data) + 1;
	ck_assert_uint_eq(d1.len, d0.len + 8);
	ck_assert_msg(memcmp(d1.data, d0.data, at) == 0 &&
		      memcmp(d1.data + at, "planted\n", 8) == 0 &&
		      memcmp(d1.data + at + 8, d0.data + at, d0.len - at) == 0,
		      "%s: rewriting changed other bytes", lossy_rows[row].label);
	secm_walk_free(&w2);
	secm_redaction_free(&r);
	secm_walk_free(&w);
	secm_buf_free(&d1);
	secm_buf_free(&d0);
	secm_buf_free(&src);
	secm_buf_free(&m);
}
END_TEST

/* redact_suite - the suite */
#define CHDR "From: a@example.org\nTo: b@example.org\nSubject: t\nMIME-Version: 1.0\n"
#define UU_TEXT "begin 644 prod.env\n85$]+14X]=74M:6XM=&5X=\"US96-R970*\n`\nend\n"
static const struct {
	const char *label;
	const char *raw;
	const char *path;	/* unit holding the span */
	const char *needle;	/* its text, redacted */
	const char *path2;	/* a second unit and span, or NULL */
	const char *needle2;
	const char *head, *tail;	/* output starts / ends with these */
	const char *uu_text;	/* 1.uu1 after a re-walk, or NULL */
} carrier_rows[] = {
	{ "a secret split by a flowed soft break is replaced with the break",
	  CHDR "Content-Type: text/plain; format=flowed; delsp=yes\n\n"
	  "id AKIAZ5Q7NQ3H \n2K4M6P7R end\nnext\n", "1", "AKIAZ5Q7NQ3H2K4M6P7R", NULL, NULL,
	  CHDR, "\n\nid [REDACTED:x] end\nnext\n", NULL },
	{ "a secret in a uuencoded block is redacted and the block re-encoded",
	  CHDR "Content-Type: text/plain\n\nsee below\n" UU_TEXT "bye\n",
	  "1.uu1", "uu-in-text-secret", NULL, NULL,
	  CHDR "Content-Type: text/plain\n\nsee below\nbegin 644 prod.env\n",
	  "`\nend\nbye\n", "TOKEN=[REDACTED:x]\n" },
	{ "a secret in the text and one in its uuencoded block are both redacted",
	  CHDR "Content-Type: text/plain\n\nsee below\n" UU_TEXT "bye\n",
	  "1.uu1", "uu-in-text-secret", "1", "below",
	  CHDR "Content-Type: text/plain\n\nsee [REDACTED:x]\nbegin 644 prod.env\n",
	  "`\nend\nbye\n", "TOKEN=[REDACTED:x]\n" },
	{ "a uuencoded block in base64 text goes back through base64",
	  CHDR "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	  "c2VlIGJlbG93CmJlZ2luIDY0NCBwcm9kLmVudgo4NSRdKzE0WF09NzRNOjZYTT0mNVg9IlVTOTYt\n"
	  "Ujk3MCoKYAplbmQKYnllCg==\n",
	  "1.uu1", "uu-in-text-secret", NULL, NULL, CHDR, "\n", "TOKEN=[REDACTED:x]\n" },
};

/* span_of - a span over the first needle in unit path of w */
static secm_span span_of(const secm_walk *w, const char *path, const char *needle)
{
	const secm_unit *u = fx_unit(w, path);
	const char *p;
	secm_span sp;

	ck_assert_msg(u != NULL, "no unit %s", path);
	p = memmem(u->text, u->text_len, needle, strlen(needle));
	ck_assert_msg(p != NULL, "%s not in unit %s", needle, path);
	sp.unit = (size_t)(u - w->units);
	sp.start = (size_t)(p - u->text);
	sp.end = sp.start + strlen(needle);
	sp.rule_id = "x";
	return sp;
}

/* flowed and uuencoded-in-text carriers are redacted in their source */
START_TEST(test_carrier_redaction)
{
	const char *raw = carrier_rows[_i].raw;
	size_t n = 0, hl = strlen(carrier_rows[_i].head), tl = strlen(carrier_rows[_i].tail);
	secm_walk w, w2;
	secm_span sp[2];
	secm_redaction out;
	secm_error err;
	const secm_unit *u;

	walk((const unsigned char *)raw, strlen(raw), &w);
	sp[n++] = span_of(&w, carrier_rows[_i].path, carrier_rows[_i].needle);
	if (carrier_rows[_i].path2 != NULL)
		sp[n++] = span_of(&w, carrier_rows[_i].path2, carrier_rows[_i].needle2);
	ck_assert_msg(secm_redact((const unsigned char *)raw, strlen(raw), &w, sp, n,
				  &out, &err) == 0, "%s", err.text);
	ck_assert_msg(out.message.len >= hl + tl &&
		      memcmp(out.message.data, carrier_rows[_i].head, hl) == 0 &&
		      memcmp(out.message.data + out.message.len - tl,
			     carrier_rows[_i].tail, tl) == 0,
		      "%s: got \"%.*s\"", carrier_rows[_i].label,
		      (int)out.message.len, (const char *)out.message.data);
	ck_assert(memmem(out.message.data, out.message.len, "AKIAZ5Q7", 8) == NULL);
	walk(out.message.data, out.message.len, &w2);
	ck_assert_uint_eq(w2.n, w.n);
	if (carrier_rows[_i].uu_text != NULL) {
		u = fx_unit(&w2, "1.uu1");
		ck_assert_ptr_nonnull(u);
		ck_assert_uint_eq(u->text_len, strlen(carrier_rows[_i].uu_text));
		ck_assert(memcmp(u->text, carrier_rows[_i].uu_text, u->text_len) == 0);
	}
	secm_walk_free(&w2);
	secm_redaction_free(&out);
	secm_walk_free(&w);
}
END_TEST

/* a new source for a uuencoded block unit goes back through its parent */
START_TEST(test_rewrite_uu_block)
{
	static const char raw[] = CHDR "Content-Type: text/plain\r\n\r\nsee below\r\n"
		"begin 644 prod.env\r\n85$]+14X]=74M:6XM=&5X=\"US96-R970*\r\n`\r\nend\r\nbye\r\n";
	static const char fresh[] = "NEW_TOKEN=planted\n";
	secm_unit_edit ed[2];
	secm_walk w, w2;
	secm_redaction out;
	secm_error err;
	const secm_unit *u;

	walk((const unsigned char *)raw, sizeof(raw) - 1, &w);
	u = fx_unit(&w, "1.uu1");
	ck_assert_ptr_nonnull(u);
	ed[0].unit = (size_t)(u - w.units);
	ed[0].source = fresh;
	ed[0].source_len = strlen(fresh);
	u = fx_unit(&w, "1");
	ck_assert_ptr_nonnull(u);
	ed[1].unit = (size_t)(u - w.units);
	ed[1].source = "hello\r\nsee below\r\nbegin 644 prod.env\r\n85$]+14X]=74M:6XM=&5X=\"US96-R970*\r\n`\r\nend\r\nbye\r\n";
	ed[1].source_len = strlen(ed[1].source);
	ck_assert_msg(secm_rewrite_units((const unsigned char *)raw, sizeof(raw) - 1,
					 &w, ed, 2, &out, &err) == 0, "%s", err.text);
	walk(out.message.data, out.message.len, &w2);
	u = fx_unit(&w2, "1.uu1");
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->text_len, strlen(fresh));
	ck_assert(memcmp(u->text, fresh, u->text_len) == 0);
	u = fx_unit(&w2, "1");
	ck_assert(u->source_len > 6 && memcmp(u->source, "hello\r\n", 7) == 0);
	ck_assert(memmem(out.message.data, out.message.len, "`\r\nend\r\nbye\r\n", 12) != NULL);
	{
		/* the re-encoded block keeps the CRLF line ends of the text */
		const unsigned char *b = memmem(out.message.data, out.message.len,
						"begin 644", 9);

		ck_assert_ptr_nonnull(b);
		ck_assert(no_bare_lf(b, out.message.len - (size_t)(b - out.message.data)));
	}
	secm_walk_free(&w2);
	secm_redaction_free(&out);
	secm_walk_free(&w);
}
END_TEST

static Suite *redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("redact");
	TCase *tcc = tcase_create("corpus");

	tcase_add_loop_test(tc, test_nothing_is_identical, 0, (int)(2 * NFIX));
	tcase_add_loop_test(tc, test_round_trip, 0, (int)(2 * NRT));
	tcase_add_loop_test(tc, test_subject, 0, (int)(2 * NSUBJ));
	tcase_add_test(tc, test_subject_folding);
	tcase_add_test(tc, test_merge_and_many);
	tcase_add_loop_test(tc, test_html_markup_kept, 0, 2);
	tcase_add_loop_test(tc, test_invalid_bytes_kept, 0, (int)(6 * NLOSSY));
	tcase_add_loop_test(tc, test_rewrite_keeps_invalid_bytes, 0, (int)NLOSSY);
	tcase_add_loop_test(tc, test_carrier_redaction, 0,
			    (int)(sizeof(carrier_rows) / sizeof(carrier_rows[0])));
	tcase_add_test(tc, test_rewrite_uu_block);
	tcase_add_loop_test(tc, test_bad_spans, 0,
			    (int)(sizeof(bad_rows) / sizeof(bad_rows[0])));
	tcase_set_timeout(tcc, 900);
	tcase_add_test(tcc, test_corpus);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tcc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(redact_suite());
	int failed;

	secm_mime_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	g_mime_shutdown();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
