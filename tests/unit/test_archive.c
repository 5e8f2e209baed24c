/*
 * test_archive.c - archive and OOXML attachments become member units
 * (archive_scan.h): paths, text, limits, encrypted and corrupt members.
 *
 * The fixtures in tests/unit/data/archive come from make-fixtures.py there;
 * their secrets are synthetic.  Each table row opens one fixture with the
 * default limits and states what the walk must hold afterwards.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_scan.h"
#include "buf.h"
#include "mime_walk.h"
#include "redact.h"
#include "text_decode.h"

#ifndef SECM_ARCHIVE_DATADIR
#define SECM_ARCHIVE_DATADIR "tests/unit/data/archive"
#endif

#define AWS "AKIAZ5Q7NQ3H2K4M6P7R"

typedef struct archive_case {
	const char *label;
	const char *file;	/* fixture */
	const char *type;	/* attachment content type */
	const char *path;	/* a unit with this path must exist ("" = none) */
	const char *text;	/* ... whose text holds this */
	size_t units;		/* exact number of member units */
	int limit;		/* SECM_LIMIT_ARCHIVE expected */
	unsigned int encrypted, corrupt;
	size_t max_bytes;	/* extracted bytes must stay at or below this */
} archive_case;

static const archive_case cases[] = {
	{ "a zip with a .env member yields its text under the member path",
	  "env.zip", "application/zip", "2/app/config.env",
	  "AWS_ACCESS_KEY_ID=" AWS, 1, 0, 0, 0, 4096 },
	{ "a tar.gz is unpacked through gzip and tar",
	  "env.tar.gz", "application/gzip", "2/deploy/.env", AWS, 1, 0, 0, 0, 4096 },
	{ "a plain .gz file is read as its one compressed file",
	  "settings.gz", "application/gzip", "2/data", AWS, 1, 0, 0, 0, 4096 },
	{ "a docx gives its document text with runs joined and entities decoded",
	  "password.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  "2/word/document.xml", "password = \"Tr0ub4dor-and-3-horses\"", 1, 0, 0, 0, 4096 },
	{ "an xlsx gives its shared strings and sheets as text",
	  "keys.xlsx", "application/octet-stream", "2/xl/sharedStrings.xml",
	  "Key id\n" AWS "\n", 2, 0, 0, 0, 4096 },
	{ "a zip inside a zip is opened and its members named by both paths",
	  "nested.zip", "application/zip", "2/inner.zip/secrets/prod.env", AWS,
	  2, 0, 0, 0, 4096 },
	{ "ten megabytes of zeros are binary: skipped after the first chunk",
	  "bomb.zip", "application/zip", "", "", 0, 0, 0, 0, (size_t)128 << 10 },
	{ "ten megabytes of text hit the ratio bound too",
	  "bomb-text.zip", "application/zip", "", "", 0, 1, 0, 0, (size_t)2 << 20 },
	{ "42.zip-like nesting stops at the depth or member bound",
	  "nested-bomb.zip", "application/zip", "", "", 0, 1, 0, 0,
	  (size_t)SECM_ARCHIVE_DEFAULT_BYTES },
	{ "an encrypted member is counted and not scanned",
	  "encrypted.zip", "application/zip", "", "", 0, 0, 1, 0, 4096 },
	{ "a corrupt zip is counted and yields nothing",
	  "corrupt.zip", "application/zip", "", "", 0, 0, 0, 1, 4096 },
};

/* read_fixture - the bytes of a fixture file (malloc'd) */
static unsigned char *read_fixture(const char *name, size_t *len)
{
	char path[512];
	secm_buf b = SECM_BUF_INIT;
	unsigned char tmp[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", SECM_ARCHIVE_DATADIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s: cannot open", path);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		ck_assert(secm_buf_append(&b, tmp, n) == 0);
	fclose(f);
	return secm_buf_steal(&b, len);
}

/* find_unit - the unit with this path, or NULL */
static const secm_unit *find_unit(const secm_walk *w, const char *path)
{
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->units[i].path, path) == 0)
			return &w->units[i];
	}
	return NULL;
}

START_TEST(test_archive_table)
{
	const archive_case *c = &cases[_i];
	secm_walk w;
	size_t len;
	unsigned char *data = read_fixture(c->file, &len);
	const secm_unit *u;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_archive_units(&w, "2", c->type, c->file, data, len,
					    100, 200, NULL), 0);
	ck_assert_msg(w.n == c->units, "%s: %zu units", c->label, w.n);
	if (c->path[0] != '\0') {
		u = find_unit(&w, c->path);
		ck_assert_msg(u != NULL, "%s: no unit %s", c->label, c->path);
		ck_assert_msg(memmem(u->text, u->text_len, c->text, strlen(c->text)) != NULL,
			      "%s: text not found", c->label);
		ck_assert_int_eq(u->kind, SECM_UNIT_MEMBER);
		ck_assert_int_eq(u->no_redact, 1);
		ck_assert_uint_eq(u->raw_start, 100);
		ck_assert_uint_eq(u->raw_end, 200);
	}
	ck_assert_msg((w.limit_hit == SECM_LIMIT_ARCHIVE) == c->limit,
		      "%s: limit_hit %d", c->label, (int)w.limit_hit);
	ck_assert_uint_eq(w.archive_encrypted, c->encrypted);
	ck_assert_uint_eq(w.archive_corrupt, c->corrupt);
	ck_assert_msg(w.archive_bytes <= c->max_bytes, "%s: %zu bytes extracted",
		      c->label, w.archive_bytes);
	if (c->encrypted || c->corrupt)
		ck_assert_uint_ge(w.unscannable, 1);
	secm_walk_free(&w);
	free(data);
}
END_TEST

typedef struct wanted_case {
	const char *label, *type, *name;
	int wanted;
} wanted_case;

static const wanted_case wanted[] = {
	{ "application/zip is an archive", "application/zip", "", 1 },
	{ "an OOXML type is an archive",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "", 1 },
	{ "a .tar.gz name is an archive", "application/octet-stream", "x.TAR.GZ", 1 },
	{ "a .docx name is an archive", "application/octet-stream", "a.docx", 1 },
	{ "a PDF is not", "application/pdf", "a.pdf", 0 },
	{ "a text file is not", "text/plain", "notes.txt", 0 },
};

START_TEST(test_archive_wanted)
{
	const wanted_case *c = &wanted[_i];

	ck_assert_msg(secm_archive_wanted(c->type, c->name) == c->wanted, "%s", c->label);
}
END_TEST

typedef struct xml_case {
	const char *label, *in, *out;
} xml_case;

static const xml_case xml[] = {
	{ "tags go and text runs join", "<w:p><w:r><w:t>AK</w:t></w:r><w:r><w:t>IA</w:t></w:r></w:p>", "AKIA\n" },
	{ "entities and numeric references decode", "<t>&lt;a&gt; &amp; &#65;&#x42;</t>", "<a> & AB" },
	{ "cells become tabs and rows line ends",
	  "<row><c><v>1</v></c><c><v>2</v></c></row>", "1\t2\t\n" },
	{ "an unknown entity stays as it is", "a &nbsp; b", "a &nbsp; b" },
};

START_TEST(test_xml_text)
{
	const xml_case *c = &xml[_i];
	secm_buf b = SECM_BUF_INIT;

	ck_assert_int_eq(secm_xml_text(c->in, strlen(c->in), &b), 0);
	ck_assert_msg(b.len == strlen(c->out) && memcmp(b.data, c->out, b.len) == 0,
		      "%s: got '%.*s'", c->label, (int)b.len, (const char *)b.data);
	secm_buf_free(&b);
}
END_TEST

/* the MIME walk hands a zip attachment to the archive module */
START_TEST(test_walk_zip_attachment)
{
	secm_buf msg = SECM_BUF_INIT;
	size_t len;
	unsigned char *zip = read_fixture("env.zip", &len);
	secm_walk w;
	secm_error err;
	const secm_unit *u;

	ck_assert(secm_buf_append_str(&msg,
		"From: a@example.org\nTo: b@example.org\nSubject: config\n"
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
		"--b\nContent-Type: text/plain\n\nsee attached\n"
		"--b\nContent-Type: application/zip; name=conf.zip\n"
		"Content-Transfer-Encoding: base64\n\n") == 0);
	ck_assert(secm_cte_encode(SECM_CTE_BASE64, zip, len, 0, 1, &msg) == 0);
	ck_assert(secm_buf_append_str(&msg, "--b--\n") == 0);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk(msg.data, msg.len, NULL, &w, &err), 0);
	u = find_unit(&w, "2/app/config.env");
	ck_assert_ptr_nonnull(u);
	ck_assert(memmem(u->text, u->text_len, AWS, strlen(AWS)) != NULL);
	ck_assert_str_eq(u->filename, "app/config.env");
	ck_assert_int_eq(w.limit_hit, SECM_LIMIT_NONE);
	ck_assert_uint_eq(w.archive_members, 2);
	secm_walk_free(&w);
	secm_buf_free(&msg);
	free(zip);
}
END_TEST

/* zip_message - a message with a text part and fixture file attached as
 * conf.zip (base64) */
static void zip_message(const char *file, secm_buf *msg)
{
	size_t len;
	unsigned char *zip = read_fixture(file, &len);

	ck_assert(secm_buf_append_str(msg,
		"From: a@example.org\nTo: b@example.org\nSubject: config\n"
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
		"--b\nContent-Type: text/plain\n\nsee attached\n"
		"--b\nContent-Type: application/zip; name=conf.zip\n"
		"Content-Transfer-Encoding: base64\n\n") == 0);
	ck_assert(secm_cte_encode(SECM_CTE_BASE64, zip, len, 0, 1, msg) == 0);
	ck_assert(secm_buf_append_str(msg, "--b--\n") == 0);
	free(zip);
}

static const struct {
	const char *label;
	const char *file;
	secm_walk_limits lim;
	int limit;		/* SECM_LIMIT_ARCHIVE expected */
	const char *path;	/* a unit that must exist, or NULL */
} walk_limits[] = {
	{ "a nested zip is opened within an archive depth of 2",
	  "nested.zip", { 0, 0, 0, 2, 0, 0, 0 }, 0, "2/inner.zip/secrets/prod.env" },
	{ "an archive depth of 1 from the walk limits stops at the inner zip",
	  "nested.zip", { 0, 0, 0, 1, 0, 0, 0 }, 1, NULL },
	{ "a member bound of 1 from the walk limits stops at the second member",
	  "nested.zip", { 0, 0, 0, 0, 1, 0, 0 }, 1, NULL },
	{ "a byte bound of 10 from the walk limits stops at the first member",
	  "env.zip", { 0, 0, 0, 0, 0, 0, 10 }, 1, NULL },
	{ "zero archive limits mean no bound",
	  "env.zip", { 0, 0, 0, 0, 0, 0, 0 }, 0, "2/app/config.env" },
	{ "a ratio bound of 1 from the walk limits stops ten megabytes of text",
	  "bomb-text.zip", { 0, 0, 0, 0, 0, 1, 0 }, 1, NULL },
};

/* the archive fields of secm_walk_limits reach the archive module */
START_TEST(test_walk_archive_limits)
{
	secm_buf msg = SECM_BUF_INIT;
	secm_walk w;
	secm_error err;

	zip_message(walk_limits[_i].file, &msg);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk(msg.data, msg.len, &walk_limits[_i].lim,
					&w, &err), 0);
	ck_assert_int_eq(w.limit_hit, walk_limits[_i].limit ? SECM_LIMIT_ARCHIVE :
			 SECM_LIMIT_NONE);
	if (walk_limits[_i].path != NULL)
		ck_assert_ptr_nonnull(find_unit(&w, walk_limits[_i].path));
	secm_walk_free(&w);
	secm_buf_free(&msg);
}
END_TEST

/* member units know where their MIME part starts and its file name, and
 * SECM_REDACT_REMOVE turns that part into a note naming file and rule */
START_TEST(test_remove_attachment)
{
	static const char head[] = "--b\nContent-Type: application/zip; name=conf.zip\n";
	static const char note[] =
		"Content-Type: text/plain; charset=us-ascii\n"
		"Content-Disposition: attachment; filename=\"conf.zip.removed.txt\"\n"
		"Content-Transfer-Encoding: 7bit\n\n"
		"The attachment \"conf.zip\" was removed by secret-milter:\n"
		"it contains credentials that cannot be redacted inside it\n"
		"(rules: aws-access-key-id).\n--b--\n";
	secm_buf msg = SECM_BUF_INIT;
	secm_walk w;
	secm_error err;
	secm_redaction out;
	secm_span sp;
	const secm_unit *u;
	const char *p;
	size_t cut;

	zip_message("env.zip", &msg);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(secm_mime_walk(msg.data, msg.len, NULL, &w, &err), 0);
	u = find_unit(&w, "2/app/config.env");
	ck_assert_ptr_nonnull(u);
	p = memmem(msg.data, msg.len, head, strlen(head));
	ck_assert_ptr_nonnull(p);
	cut = (size_t)(p - (const char *)msg.data) + 4;
	ck_assert_uint_eq(u->part_start, cut);
	ck_assert_str_eq(u->attachment, "conf.zip");
	ck_assert(u->no_redact);

	p = memmem(u->text, u->text_len, AWS, strlen(AWS));
	ck_assert_ptr_nonnull(p);
	sp.unit = (size_t)(u - w.units);
	sp.start = (size_t)(p - u->text);
	sp.end = sp.start + strlen(AWS);
	sp.rule_id = "aws-access-key-id";
	ck_assert_int_eq(secm_redact_flags(msg.data, msg.len, &w, &sp, 1,
					   SECM_REDACT_REMOVE, &out, &err), 0);
	ck_assert(out.body_changed);
	ck_assert_uint_eq(out.message.len, cut + strlen(note));
	ck_assert(memcmp(out.message.data, msg.data, cut) == 0);
	ck_assert(memcmp(out.message.data + cut, note, strlen(note)) == 0);
	secm_redaction_free(&out);

	/* without the flag the part keeps its headers and gets placeholders */
	ck_assert_int_eq(secm_redact(msg.data, msg.len, &w, &sp, 1, &out, &err), 0);
	ck_assert(memmem(out.message.data, out.message.len, head, strlen(head)) != NULL);
	ck_assert(memmem(out.message.data, out.message.len, "removed", 7) == NULL);
	secm_redaction_free(&out);
	secm_walk_free(&w);
	secm_buf_free(&msg);
}
END_TEST

/* archive_suite - all archive tests */
static Suite *archive_suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("archive");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_archive_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_archive_wanted, 0, sizeof(wanted) / sizeof(wanted[0]));
	tcase_add_loop_test(tc, test_xml_text, 0, sizeof(xml) / sizeof(xml[0]));
	tcase_add_test(tc, test_walk_zip_attachment);
	tcase_add_loop_test(tc, test_walk_archive_limits, 0,
			    sizeof(walk_limits) / sizeof(walk_limits[0]));
	tcase_add_test(tc, test_remove_attachment);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(archive_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
