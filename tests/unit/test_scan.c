/*
 * test_scan.c - unit tests for scan.c: exact offsets, the keyword
 * prefilter, validators, sorting, overlapping and empty matches, invalid
 * UTF-8, PCRE2 limits.  Rules: tests/unit/data/rules/scan/ (fixtures).
 */
#include "autoconfig.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rules.h"
#include "scan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DATA SECM_TEST_RULESDIR
#define T(s) s, sizeof(s) - 1	/* a text literal and its length (NULs kept) */
#define MAXM 4

#define GHP_OK "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"
#define GHP_BAD "ghp_B71CK0FJJqQPDqTdhkgNQxrFsj3yla3diMf5"

static secm_ruleset *rules;

/* load_rules - the scan fixture rules, once per test case */
static void load_rules(void)
{
	secm_error err;
	char buf[1024];
	int rc;

	rc = secm_ruleset_load_file(DATA "/scan/scan.yml", NULL, &rules, &err);
	ck_assert_msg(rc == SECM_OK, "the scan fixture loads: %s",
		      secm_error_format(&err, buf, sizeof(buf)));
}

/* free_rules - teardown */
static void free_rules(void)
{
	secm_ruleset_free(rules);
	rules = NULL;
}

/* rule_index - index of the rule with this id (fails the test if none) */
static size_t rule_index(const char *id)
{
	size_t i;

	for (i = 0; i < secm_ruleset_count(rules); i++)
		if (strcmp(secm_rule_id(secm_ruleset_get(rules, i)), id) == 0)
			return i;
	ck_abort_msg("no rule %s in the fixture", id);
	return 0;
}

struct want {
	const char *rule;
	size_t start, end;
};

static const struct {
	const char *label;
	const char *text;
	size_t len;
	size_t n;
	struct want m[MAXM];
} scan_rows[] = {
	{ "one token is found at its exact offsets", T("key tok_abcd1234 end"), 1,
	  { { "tok", 4, 16 } } },
	{ "clean text gives nothing", T("hello world, nothing to see"), 0, { { 0 } } },
	{ "a token glued to letters is not found", T("xtok_abcd1234"), 0, { { 0 } } },
	{ "a rule whose keyword is absent does not run although its regex would match",
	  T("id KWX1234"), 1, { { "keyword-free", 3, 10 } } },
	{ "keywords match regardless of case", T("KwGaTe KWX1234"), 2,
	  { { "keyword-gated", 7, 14 }, { "keyword-free", 7, 14 } } },
	{ "a real password is found", T("password: Kx9vQ2mLp7"), 1,
	  { { "password", 10, 20 } } },
	{ "a ${VAR} password is dropped as a placeholder", T("password: ${DB_PASS}"), 0,
	  { { 0 } } },
	{ "a changeme password is dropped as a placeholder", T("Password = changeme"), 0,
	  { { 0 } } },
	{ "a <your-password> password is dropped as a placeholder",
	  T("password=<your-password>"), 0, { { 0 } } },
	{ "an os.environ password is dropped as code", T("password = os.environ['DB']"), 0,
	  { { 0 } } },
	{ "a low-entropy password is dropped by min_entropy", T("password: aaaaaaab"), 0,
	  { { 0 } } },
	{ "a token with a valid checksum is found", T("t=" GHP_OK "\n"), 1,
	  { { "github", 2, 42 } } },
	{ "a token with a corrupted checksum is dropped", T("t=" GHP_BAD "\n"), 0, { { 0 } } },
	{ "several matches come out sorted by start",
	  T("password: Kx9vQ2mLp7 tok_aaaa1111 " GHP_OK " tok_bbbb2222"), 4,
	  { { "password", 10, 20 }, { "tok", 21, 33 }, { "github", 34, 74 },
	    { "tok", 75, 87 } } },
	{ "an always-empty-matching rule reports only its non-empty secrets",
	  T("zz aZZZb ZZ"), 2, { { "empty-match", 4, 7 }, { "empty-match", 9, 11 } } },
	{ "empty matches step over multibyte characters",
	  T("zz \xc3\xa9ZZ\xe3\x83\x91 \xf0\x9f\x94\x91ZZZ"), 2,
	  { { "empty-match", 5, 7 }, { "empty-match", 15, 18 } } },
	{ "a match whose secret group is unset is skipped", T("foo123 bar456"), 1,
	  { { "optional-group", 7, 10 } } },
	{ "overlapping matches of one rule are reduced to the first",
	  T("ovl ABCDEFGH"), 2, { { "overlap", 4, 8 }, { "overlap", 8, 12 } } },
	{ "invalid UTF-8 around a token does not hide it",
	  T("\xff\xfe tok_abcd1234 \xc3"), 1, { { "tok", 3, 15 } } },
	{ "a truncated UTF-8 sequence at the end is harmless",
	  T("tok_abcd1234 zz Z\xe2\x82"), 2, { { "tok", 0, 12 }, { "empty-match", 16, 17 } } },
	{ "invalid bytes inside a run split it", T("zz ZZ\x80ZZ"), 2,
	  { { "empty-match", 3, 5 }, { "empty-match", 6, 8 } } },
	{ "a NUL byte in the text does not end it", T("a\0tok_abcd1234"), 1,
	  { { "tok", 2, 14 } } },
	{ "an empty text gives nothing", T(""), 0, { { 0 } } },
};

START_TEST(test_scan_table)
{
	secm_matches m = { NULL, 0, 0 };
	secm_error err;
	char buf[1024];
	size_t i;
	int rc;

	rc = secm_scan_text(rules, scan_rows[_i].text, scan_rows[_i].len, &m, &err);
	ck_assert_msg(rc == SECM_OK, "%s: scan succeeds (%s)", scan_rows[_i].label,
		      secm_error_format(&err, buf, sizeof(buf)));
	ck_assert_msg(m.n == scan_rows[_i].n, "%s: %zu matches, want %zu",
		      scan_rows[_i].label, m.n, scan_rows[_i].n);
	for (i = 0; i < m.n; i++) {
		const struct want *w = &scan_rows[_i].m[i];

		ck_assert_msg(m.v[i].rule == rule_index(w->rule) &&
			      m.v[i].start == w->start && m.v[i].end == w->end,
			      "%s: match %zu is %s [%zu,%zu), got %s [%zu,%zu)",
			      scan_rows[_i].label, i, w->rule, w->start, w->end,
			      secm_rule_id(secm_ruleset_get(rules, m.v[i].rule)),
			      m.v[i].start, m.v[i].end);
	}
	secm_matches_free(&m);
}
END_TEST

START_TEST(test_scan_appends_to_existing_matches)
{
	secm_matches m = { NULL, 0, 0 };
	int rc;

	rc = secm_scan_text(rules, T("tok_aaaa1111"), &m, NULL);
	ck_assert_msg(rc == SECM_OK && m.n == 1, "a first text gives one match");
	rc = secm_scan_text(rules, T("xx tok_bbbb2222"), &m, NULL);
	ck_assert_msg(rc == SECM_OK && m.n == 2, "a second text appends one match");
	ck_assert_msg(m.v[0].start == 0 && m.v[1].start == 3,
		      "earlier matches are kept in place");
	secm_matches_free(&m);
	ck_assert_msg(m.v == NULL && m.n == 0, "freeing resets the vector");
	secm_matches_free(NULL);
}
END_TEST

START_TEST(test_scan_many_matches)
{
	secm_matches m = { NULL, 0, 0 };
	char *text;
	size_t i, n = 1000, len = 0;

	text = malloc(n * 14 + 1);
	ck_assert_ptr_nonnull(text);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "tok_%08zu ", i);
	ck_assert_int_eq(secm_scan_text(rules, text, len, &m, NULL), SECM_OK);
	ck_assert_msg(m.n == n, "a thousand tokens give a thousand matches (got %zu)", m.n);
	for (i = 1; i < m.n; i++)
		ck_assert_msg(m.v[i - 1].start < m.v[i].start, "matches are sorted");
	ck_assert_msg(m.v[n - 1].start == (n - 1) * 13, "the last match is at its offset");
	secm_matches_free(&m);
	free(text);
}
END_TEST

START_TEST(test_long_block_fits_the_jit_stack)
{
	static const char head[] = "-----BEGIN TEST KEY-----\n";
	static const char tail[] = "\n-----END TEST KEY-----";
	secm_matches m = { NULL, 0, 0 };
	size_t body = 5000, len = 0, i;
	secm_error err;
	char buf[1024];
	char *text;
	int rc;

	text = malloc(sizeof(head) + body + sizeof(tail));
	ck_assert_ptr_nonnull(text);
	memcpy(text, head, sizeof(head) - 1);
	len = sizeof(head) - 1;
	for (i = 0; i < body; i++)
		text[len++] = i % 65 == 64 ? '\n' : "ABCDEFGH"[i % 8];
	memcpy(text + len, tail, sizeof(tail) - 1);
	len += sizeof(tail) - 1;
	rc = secm_scan_text(rules, text, len, &m, &err);
	ck_assert_msg(rc == SECM_OK, "a 5 KB key block scans without hitting a limit: %s",
		      secm_error_format(&err, buf, sizeof(buf)));
	ck_assert_msg(m.n == 1 && m.v[0].rule == rule_index("pem-like") &&
		      m.v[0].start == 0 && m.v[0].end == len,
		      "the whole block is one match");
	secm_matches_free(&m);
	free(text);
}
END_TEST

START_TEST(test_rule_matches_one_rule)
{
	size_t gated = rule_index("keyword-gated");
	size_t free_ = rule_index("keyword-free");
	size_t pw = rule_index("password");

	ck_assert_msg(secm_rule_matches(rules, gated, T("KWX1234")) == 0,
		      "a rule does not match when its keyword is absent");
	ck_assert_msg(secm_rule_matches(rules, gated, T("kwgate KWX1234")) == 1,
		      "a rule matches when its keyword occurs");
	ck_assert_msg(secm_rule_matches(rules, free_, T("KWX1234")) == 1,
		      "a rule without keywords always runs");
	ck_assert_msg(secm_rule_matches(rules, pw, T("password: changeme")) == 0,
		      "a rule's validators apply to a single-rule match");
	ck_assert_msg(secm_rule_matches(rules, pw, T("password: changeme password: Kx9vQ2mLp7")) == 1,
		      "a later valid match counts when an earlier one was dropped");
	ck_assert_msg(secm_rule_matches(rules, 999, T("x")) < 0,
		      "a rule index past the end is an error");
	ck_assert_msg(secm_rule_matches(rules, free_, NULL, 0) == 0,
		      "a NULL text of length 0 matches nothing");
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(test_catastrophic_regex_hits_the_match_limit)
{
	static const char text[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
	secm_rule_limits lim = { 1000, 100 };
	secm_matches m = { NULL, 0, 0 };
	secm_ruleset *rs = NULL;
	secm_error err;
	char buf[1024];
	int rc;

	ck_assert_int_eq(secm_ruleset_load_file(DATA "/scan/catastrophic.yml", &lim, &rs, NULL),
			 SECM_OK);
	rc = secm_scan_text(rs, text, sizeof(text) - 1, &m, &err);
	secm_error_format(&err, buf, sizeof(buf));
	ck_assert_msg(rc == SECM_EMATCH, "a catastrophic regex with a low limit fails (%d: %s)",
		      rc, buf);
	ck_assert_msg(m.n == 0, "a failed scan reports no matches");
	ck_assert_str_eq(err.key, "rule catastrophic");
	ck_assert_msg(strstr(buf, "limit") != NULL, "the error says a limit was hit: %s", buf);
	ck_assert_msg(strstr(buf, "aaaa") == NULL, "the error never quotes the text: %s", buf);
	ck_assert_msg(secm_rule_matches(rs, 0, text, sizeof(text) - 1) == SECM_EMATCH,
		      "a single-rule match reports the limit as an error");
	ck_assert_msg(secm_rule_matches(rs, 0, T("aaaa")) == 1,
		      "the same rule still matches a harmless text");
	secm_matches_free(&m);
	secm_ruleset_free(rs);
}
END_TEST

START_TEST(test_failed_scan_leaves_earlier_matches)
{
	secm_rule_limits lim = { 1000, 100 };
	secm_matches m = { NULL, 0, 0 };
	secm_ruleset *rs = NULL;

	ck_assert_int_eq(secm_ruleset_load_file(DATA "/scan/catastrophic.yml", &lim, &rs, NULL),
			 SECM_OK);
	ck_assert_int_eq(secm_scan_text(rs, T("aaaa"), &m, NULL), SECM_OK);
	ck_assert_msg(m.n == 1, "a harmless text gives one match");
	ck_assert_msg(secm_scan_text(rs, T("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"), &m, NULL) ==
		      SECM_EMATCH && m.n == 1,
		      "a failed scan appends nothing and keeps what was there");
	secm_matches_free(&m);
	secm_ruleset_free(rs);
}
END_TEST

/* ---------------------------------------------------------------- threads */

/* scan_thread - scan one text many times; returns NULL on success */
static void *scan_thread(void *arg)
{
	static const char text[] = "password: Kx9vQ2mLp7 tok_aaaa1111 " GHP_OK " zz ZZ";
	secm_matches m = { NULL, 0, 0 };
	int i, bad = 0;

	(void)arg;
	for (i = 0; i < 200; i++) {
		m.n = 0;
		if (secm_scan_text(rules, text, sizeof(text) - 1, &m, NULL) != SECM_OK ||
		    m.n != 4)
			bad = 1;
	}
	secm_matches_free(&m);
	return bad ? (void *)1 : NULL;
}

START_TEST(test_threads_share_one_rule_set)
{
	pthread_t t[4];
	void *res;
	size_t i;
	int bad = 0;

	for (i = 0; i < N(t); i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, scan_thread, NULL), 0);
	for (i = 0; i < N(t); i++) {
		pthread_join(t[i], &res);
		bad |= res != NULL;
	}
	ck_assert_msg(!bad, "four threads scanning with one rule set all get the same result");
}
END_TEST

/* scan_suite - all scan tests */
static Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");
	TCase *lim = tcase_create("limits");

	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_add_loop_test(tc, test_scan_table, 0, N(scan_rows));
	tcase_add_test(tc, test_scan_appends_to_existing_matches);
	tcase_add_test(tc, test_scan_many_matches);
	tcase_add_test(tc, test_long_block_fits_the_jit_stack);
	tcase_add_test(tc, test_rule_matches_one_rule);
	tcase_add_test(tc, test_threads_share_one_rule_set);
	tcase_add_test(lim, test_catastrophic_regex_hits_the_match_limit);
	tcase_add_test(lim, test_failed_scan_leaves_earlier_matches);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, lim);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(scan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
