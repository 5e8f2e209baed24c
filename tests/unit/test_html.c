/*
 * test_html.c - HTML to text rendering and its offset map (html_text.c).
 */
#include "autoconfig.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"

static const struct {
	const char *label;
	const char *html;
	const char *text;
} render_rows[] = {
	{ "inline tags vanish so that split words join",
	  "<b>AKIA</b>IOSF<span>ODNN</span>", "AKIAIOSFODNN" },
	{ "named entities are decoded",
	  "Tom &amp; Jerry", "Tom & Jerry" },
	{ "hex and decimal character references are decoded",
	  "&#x41;&#65;&#X42;", "AAB" },
	{ "angle bracket entities become brackets",
	  "&lt;tag&gt;", "<tag>" },
	{ "br, p, div and li become line breaks",
	  "a<br>b<p>c</p>d<div>e</div><ul><li>f</li></ul>",
	  "a\nb\nc\nd\ne\n\n\nf\n\n" },
	{ "table cells are separated by tabs and rows by line breaks",
	  "<tr><td>user</td><td>pw</td></tr>", "\n\tuser\t\tpw\t\n" },
	{ "script content is kept verbatim for scanning",
	  "<script>var k = '&amp;<b>';</script>t", "var k = '&amp;<b>';\nt" },
	{ "style content is kept verbatim too",
	  "<style>p{}</style>", "p{}\n" },
	{ "comments are kept on lines of their own",
	  "a<!-- hidden -->b", "a\n hidden \nb" },
	{ "href values are emitted on lines of their own",
	  "<a href=\"http://u:p@h/\">x</a>", "\nhttp://u:p@h/\nx" },
	{ "entities inside attribute values are decoded",
	  "<a href='/?a=1&amp;b=2'>x</a>", "\n/?a=1&b=2\nx" },
	{ "a quoted > does not end a tag",
	  "<img alt=\"a>b\" width=3>t", "\na>b\nt" },
	{ "an unknown entity stays as written",
	  "&bogus; & x", "&bogus; & x" },
	{ "a lone < is text",
	  "a < b", "a < b" },
	{ "an unfinished tag runs to the end",
	  "a<b class='x", "a" },
	{ "nbsp reads as a plain space",
	  "a&nbsp;b", "a b" },
	{ "a legacy entity without semicolon is decoded",
	  "&amp x", "& x" },
	{ "non-ASCII entities become UTF-8",
	  "&eacute;&euro;&#x30D1;", "\xc3\xa9\xe2\x82\xac\xe3\x83\x91" },
	{ "doctype and processing instructions are dropped",
	  "<!DOCTYPE html><?xml version='1.0'?>t", "t" },
	{ "an out-of-range character reference becomes U+FFFD",
	  "&#x110000;&#0;", "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "an unterminated script runs to the end",
	  "<script>token=abc", "token=abc\n" },
	{ "empty input renders to empty text",
	  "", "" },
	{ "a br followed by a source newline is one line break, not two",
	  "a<br>\nb<br/>\r\nc<BR>\n", "a\nb\nc\n" },
	{ "paragraphs on their own source lines are separated by one blank line",
	  "<p>a</p>\n<p>b</p>\n", "\na\n\nb\n" },
	{ "spaces and tabs after a break are dropped as a browser does",
	  "a<br>  \t  b<div>\n\n   c</div>", "a\nb\nc\n" },
	{ "several spaces inside text are kept as written",
	  "a   b\t\tc", "a   b\t\tc" },
	{ "a source newline without a tag stays a line break",
	  "line1\nline2\n", "line1\nline2\n" },
	{ "two br tags on separate lines still give one blank line",
	  "a<br>\n<br>\nb", "a\n\nb" },
	{ "inside pre newlines and spaces are kept, bar the first newline",
	  "<pre>\nx<br>\n  y\n</pre>\nz", "\nx\n\n  y\n\nz" },
	{ "a textarea keeps its whitespace too",
	  "<textarea>\n k = v\n</textarea>", "\n k = v\n\n" },
	{ "after pre ends the whitespace after a break is dropped again",
	  "<pre>a</pre>\n<p>\n b", "\na\n\nb" },
	{ "a key block pasted as br lines keeps consecutive lines",
	  "<p>-----BEGIN RSA PRIVATE KEY-----<br>\nMIIEpAIBAAKCAQEA<br>\n"
	  "Tt5x0hSeIWAHWmXg<br>\n-----END RSA PRIVATE KEY-----<br>\n</p>",
	  "\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n"
	  "Tt5x0hSeIWAHWmXg\n-----END RSA PRIVATE KEY-----\n\n" },
	{ "whitespace after an inline tag is kept",
	  "<b>a</b>\n b", "a\n b" },
};

START_TEST(test_render)
{
	const char *src = render_rows[_i].html;
	char *text = NULL;
	size_t n = 0, *map = NULL, *map_end = NULL, k;

	ck_assert_int_eq(secm_html_render(src, strlen(src), &text, &n, &map,
					  &map_end), 0);
	ck_assert_msg(n == strlen(render_rows[_i].text) &&
		      memcmp(text, render_rows[_i].text, n) == 0,
		      "%s: got \"%s\"", render_rows[_i].label, text);
	ck_assert_uint_eq(map[n], strlen(src));
	/* offsets never go backwards and every range lies inside the source */
	for (k = 0; k < n; k++) {
		ck_assert_uint_le(map[k], map_end[k]);
		ck_assert_uint_le(map_end[k], strlen(src));
		if (k > 0)
			ck_assert_uint_le(map[k - 1], map[k]);
	}
	free(text);
	free(map);
	free(map_end);
}
END_TEST

static const struct {
	const char *label;
	const char *html;
	const char *needle;	/* in the text */
	const char *source;	/* the source range it must map to */
} map_rows[] = {
	{ "a range across inline tags maps to the whole source range",
	  "key: <b>AKIA</b>IOSFODNN7EXAMPLE!", "AKIAIOSFODNN7EXAMPLE",
	  "AKIA</b>IOSFODNN7EXAMPLE" },
	{ "an entity maps to its whole source",
	  "x&amp;y", "&", "&amp;" },
	{ "a numeric reference maps to its whole source",
	  "p=&#65;&#x42;c", "ABc", "&#65;&#x42;c" },
	{ "plain text maps one to one",
	  "<p>password: hunter2</p>", "hunter2", "hunter2" },
	{ "a password in an href maps into the attribute",
	  "<a href=\"https://u:s3cret@h/\">x</a>", "s3cret", "s3cret" },
	{ "lines joined across a br and a dropped newline map to the whole source",
	  "k<br>\nAAAA<br>\n  BBBB<br>\n", "AAAA\nBBBB", "AAAA<br>\n  BBBB" },
	{ "text after a dropped newline maps one to one",
	  "a<br>\n\n  secret!", "secret", "secret" },
	{ "text inside pre after its dropped first newline maps one to one",
	  "<pre>\r\n  tok=abc\n</pre>", "  tok=abc\n", "  tok=abc\n" },
};

START_TEST(test_map)
{
	const char *src = map_rows[_i].html;
	char *text = NULL, *hit;
	size_t n = 0, *map = NULL, *map_end = NULL, s, e, ss, se;

	ck_assert_int_eq(secm_html_render(src, strlen(src), &text, &n, &map,
					  &map_end), 0);
	hit = strstr(text, map_rows[_i].needle);
	ck_assert_msg(hit != NULL, "%s: needle not in text", map_rows[_i].label);
	s = (size_t)(hit - text);
	e = s + strlen(map_rows[_i].needle);
	secm_html_source_range(map, map_end, n, s, e, &ss, &se);
	ck_assert_msg(se - ss == strlen(map_rows[_i].source) &&
		      memcmp(src + ss, map_rows[_i].source, se - ss) == 0,
		      "%s: mapped to \"%.*s\"", map_rows[_i].label,
		      (int)(se - ss), src + ss);
	free(text);
	free(map);
	free(map_end);
}
END_TEST

/* html_suite - the suite */
static Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("render");

	tcase_add_loop_test(tc, test_render, 0,
			    (int)(sizeof(render_rows) / sizeof(render_rows[0])));
	tcase_add_loop_test(tc, test_map, 0,
			    (int)(sizeof(map_rows) / sizeof(map_rows[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(html_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
