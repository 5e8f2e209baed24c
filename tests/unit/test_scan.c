/*
 * test_scan.c - unit tests for scan.c and prefilter.c: exact offsets, the
 * keyword prefilter (Aho-Corasick always, Vectorscan when built with it,
 * both checked against memmem), window confirmation (equal to the
 * whole-text scan inside the windows: far secrets, window edges,
 * lookbehind before the window, lookahead after it, blocks longer than a
 * window), validators, sorting, overlapping and empty matches, invalid
 * UTF-8, PCRE2 limits.  Rules: tests/unit/data/rules/scan/ (fixtures).
 */
#include "autoconfig.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "prefilter.h"
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

/* ---------------------------------------------------------------- prefilter */

#define MAXH 8

/* one reported keyword occurrence */
typedef struct hit {
	size_t kw, start, end;
} hit;

/* hits collected by a scan */
typedef struct hitlog {
	hit *v;
	size_t n, cap;
	size_t stop_after;	/* 0 = never stop */
} hitlog;

/* log_hit - secm_kw_hit_fn that records the hit */
static int log_hit(void *ctx, size_t kw, size_t start, size_t end)
{
	hitlog *h = ctx;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = realloc(h->v, h->cap * sizeof(*h->v));
		ck_assert_ptr_nonnull(h->v);
	}
	h->v[h->n].kw = kw;
	h->v[h->n].start = start;
	h->v[h->n].end = end;
	h->n++;
	return h->stop_after > 0 && h->n >= h->stop_after;
}

/* cmp_hit - by start, then keyword */
static int cmp_hit(const void *a, const void *b)
{
	const hit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->kw != y->kw)
		return x->kw < y->kw ? -1 : 1;
	return 0;
}

/* the engines to test: [_i] of a loop test; Vectorscan only when built */
static const secm_pf_engine engines[] = { SECM_PF_AHOCORASICK, SECM_PF_VECTORSCAN };

/* engine_or_skip - 1 when engine e can run here */
static int engine_ok(secm_pf_engine e)
{
	return e != SECM_PF_VECTORSCAN || secm_pf_have_vectorscan();
}

/* new_matcher - matcher over NUL-terminated keywords (fails the test) */
static secm_kwmatcher *new_matcher(const char *const *kw, size_t n, secm_pf_engine e)
{
	secm_kwmatcher *m = NULL;
	size_t len[64], i;
	secm_error err;
	char buf[512];

	ck_assert(n <= 64);
	for (i = 0; i < n; i++)
		len[i] = strlen(kw[i]);
	ck_assert_msg(secm_kwmatcher_new(kw, len, n, e, &m, &err) == SECM_OK,
		      "a %s matcher builds: %s", secm_pf_engine_name(e),
		      secm_error_format(&err, buf, sizeof(buf)));
	ck_assert_msg(secm_kwmatcher_engine(m) == e, "the engine asked for is used");
	return m;
}

static const struct {
	const char *label;
	const char *kw[4];
	const char *text;
	size_t len;
	size_t n;
	hit h[MAXH];
} kw_rows[] = {
	{ "a keyword is found at its offsets", { "abc" }, T("xxabcxx"), 1, { { 0, 2, 5 } } },
	{ "keywords match whatever the case of the text", { "secret" }, T("a SeCrEt b"), 1,
	  { { 0, 2, 8 } } },
	{ "overlapping keywords are all reported", { "he", "she", "hers" }, T("ushers"), 3,
	  { { 1, 1, 4 }, { 0, 2, 4 }, { 2, 2, 6 } } },
	{ "every occurrence of a repeated keyword is reported", { "aa" }, T("aaaa"), 3,
	  { { 0, 0, 2 }, { 0, 1, 3 }, { 0, 2, 4 } } },
	{ "a UTF-8 keyword matches its bytes", { "\xe3\x83\x91\xe3\x82\xb9" },
	  T("x\xe3\x83\x91\xe3\x82\xb9:"), 1, { { 0, 1, 7 } } },
	{ "bytes above ASCII are not case-folded", { "\xc3\xa9t\xc3\xa9" }, T("\xc3\x89T\xc3\x89"),
	  0, { { 0 } } },
	{ "ASCII letters inside a UTF-8 keyword fold", { "\xc3\xa9t\xc3\xa9" }, T("\xc3\xa9T\xc3\xa9"),
	  1, { { 0, 0, 5 } } },
	{ "a NUL byte does not end the text", { "kw" }, T("a\0kw"), 1, { { 0, 2, 4 } } },
	{ "keywords at the very start and end are found", { "ab", "yz" }, T("ab-yz"), 2,
	  { { 0, 0, 2 }, { 1, 3, 5 } } },
	{ "punctuation keywords work", { "://" }, T("see http://x"), 1, { { 0, 8, 11 } } },
	{ "a keyword longer than the text is not found", { "abcdef" }, T("abc"), 0, { { 0 } } },
	{ "an empty text gives nothing", { "a" }, T(""), 0, { { 0 } } },
};

START_TEST(test_kwmatcher_table)
{
	size_t row = (size_t)_i / N(engines), nkw = 0, i;
	secm_pf_engine e = engines[_i % N(engines)];
	hitlog h = { NULL, 0, 0, 0 };
	secm_kwmatcher *m;

	if (!engine_ok(e)) {
		ck_assert_msg(!secm_pf_have_vectorscan(), "Vectorscan is only skipped when not built");
		return;
	}
	while (nkw < 4 && kw_rows[row].kw[nkw] != NULL)
		nkw++;
	m = new_matcher(kw_rows[row].kw, nkw, e);
	ck_assert_int_eq(secm_kwmatcher_scan(m, kw_rows[row].text, kw_rows[row].len, log_hit, &h),
			 SECM_OK);
	ck_assert_msg(h.n == kw_rows[row].n, "%s (%s): %zu hits, want %zu", kw_rows[row].label,
		      secm_pf_engine_name(e), h.n, kw_rows[row].n);
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), cmp_hit);
	for (i = 0; i < h.n; i++)
		ck_assert_msg(h.v[i].kw == kw_rows[row].h[i].kw &&
			      h.v[i].start == kw_rows[row].h[i].start &&
			      h.v[i].end == kw_rows[row].h[i].end,
			      "%s (%s): hit %zu is keyword %zu [%zu,%zu), got %zu [%zu,%zu)",
			      kw_rows[row].label, secm_pf_engine_name(e), i, kw_rows[row].h[i].kw,
			      kw_rows[row].h[i].start, kw_rows[row].h[i].end, h.v[i].kw,
			      h.v[i].start, h.v[i].end);
	free(h.v);
	secm_kwmatcher_free(m);
}
END_TEST

/* rnd - small deterministic generator (tests only) */
static unsigned int rnd(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

/* naive_hits - every occurrence of every keyword, by memmem on a
 * lowercased copy: the reference the matchers must equal */
static void naive_hits(char **kw, const size_t *len, size_t n, const char *text,
		       size_t tlen, hitlog *h)
{
	char *low = malloc(tlen + 1);
	const char *p;
	size_t i, k;

	ck_assert_ptr_nonnull(low);
	for (i = 0; i < tlen; i++)
		low[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] - 'A' + 'a' : text[i]);
	for (k = 0; k < n; k++) {
		for (i = 0; i + len[k] <= tlen; i = (size_t)(p - low) + 1) {
			p = memmem(low + i, tlen - i, kw[k], len[k]);
			if (p == NULL)
				break;
			log_hit(h, k, (size_t)(p - low), (size_t)(p - low) + len[k]);
		}
	}
	free(low);
}

/* random_equivalence - nkw random keywords over alphabet, ntexts random
 * texts: the matcher's hits equal memmem's, for engine e */
static void random_equivalence(secm_pf_engine e, size_t nkw, size_t minl, size_t maxl,
			       const char *alpha, size_t tlen, int ntexts, unsigned int seed)
{
	size_t alen = strlen(alpha), i, j, *len;
	char **kw, *text;
	secm_kwmatcher *m = NULL;
	hitlog got = { NULL, 0, 0, 0 }, want = { NULL, 0, 0, 0 };
	int t;

	kw = calloc(nkw, sizeof(*kw));
	len = calloc(nkw, sizeof(*len));
	text = malloc(tlen);
	ck_assert(kw != NULL && len != NULL && text != NULL);
	for (i = 0; i < nkw; i++) {
		len[i] = minl + rnd(&seed) % (maxl - minl + 1);
		kw[i] = malloc(len[i] + 1);
		ck_assert_ptr_nonnull(kw[i]);
		for (j = 0; j < len[i]; j++) {
			char c = alpha[rnd(&seed) % alen];

			kw[i][j] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		kw[i][len[i]] = '\0';
	}
	ck_assert_int_eq(secm_kwmatcher_new((const char *const *)kw, len, nkw, e, &m, NULL),
			 SECM_OK);
	for (t = 0; t < ntexts; t++) {
		for (i = 0; i < tlen; i++)
			text[i] = alpha[rnd(&seed) % alen];
		got.n = want.n = 0;
		ck_assert_int_eq(secm_kwmatcher_scan(m, text, tlen, log_hit, &got), SECM_OK);
		naive_hits(kw, len, nkw, text, tlen, &want);
		ck_assert_msg(got.n == want.n, "%s: %zu hits, memmem finds %zu (text %d)",
			      secm_pf_engine_name(e), got.n, want.n, t);
		qsort(got.v, got.n, sizeof(*got.v), cmp_hit);
		qsort(want.v, want.n, sizeof(*want.v), cmp_hit);
		for (i = 0; i < got.n; i++)
			ck_assert_msg(cmp_hit(&got.v[i], &want.v[i]) == 0 &&
				      got.v[i].end == want.v[i].end,
				      "%s: hit %zu differs from memmem", secm_pf_engine_name(e), i);
	}
	for (i = 0; i < nkw; i++)
		free(kw[i]);
	free(kw);
	free(len);
	free(text);
	free(got.v);
	free(want.v);
	secm_kwmatcher_free(m);
}

START_TEST(test_kwmatcher_finds_what_memmem_finds)
{
	secm_pf_engine e = engines[_i];

	if (!engine_ok(e)) {
		ck_assert_msg(!secm_pf_have_vectorscan(), "Vectorscan is only skipped when not built");
		return;
	}
	/* a small alphabet with both cases and UTF-8 bytes: many overlaps */
	random_equivalence(e, 40, 1, 4, "abAB\xc3\xa9 ", 3000, 20, 7u + (unsigned)_i);
	/* many keywords: the cost must not depend on their number, the
	 * result must not lose any */
	random_equivalence(e, 5000, 3, 10, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", 100000, 2,
			   11u + (unsigned)_i);
}
END_TEST

START_TEST(test_kwmatcher_edges)
{
	static const char *const kw[] = { "ab" };
	secm_pf_engine e = engines[_i];
	hitlog h = { NULL, 0, 0, 1 };
	secm_kwmatcher *m = NULL;
	size_t zero = 0;
	secm_error err;

	if (!engine_ok(e)) {
		ck_assert_msg(secm_kwmatcher_new(kw, &zero, 0, e, &m, &err) == SECM_EINTERNAL &&
			      m == NULL, "asking for Vectorscan without it is an error");
		return;
	}
	m = new_matcher(kw, 1, e);
	ck_assert_int_eq(secm_kwmatcher_scan(m, T("ab ab ab"), log_hit, &h), SECM_OK);
	ck_assert_msg(h.n == 1, "a callback that says stop ends the scan (%zu hits)", h.n);
	secm_kwmatcher_free(m);
	m = NULL;
	ck_assert_msg(secm_kwmatcher_new(kw, &zero, 1, e, &m, &err) == SECM_EINTERNAL &&
		      m == NULL, "an empty keyword is refused");
	ck_assert_int_eq(secm_kwmatcher_new(kw, &zero, 0, e, &m, &err), SECM_OK);
	h.n = 0;
	ck_assert_msg(secm_kwmatcher_scan(m, T("ab"), log_hit, &h) == SECM_OK && h.n == 0,
		      "a matcher without keywords finds nothing");
	secm_kwmatcher_free(m);
	secm_kwmatcher_free(NULL);
	free(h.v);
}
END_TEST

/* ---------------------------------------------------------------- keywords_case */

START_TEST(test_kwmatcher_exact_keywords_match_their_case)
{
	/* "sk" folded and "SK" exact are two keywords; "Ab" exact */
	static const char *const kw[] = { "sk", "SK", "Ab" };
	static const size_t len[] = { 2, 2, 2 };
	static const unsigned char exact[] = { 0, 1, 1 };
	static const hit want[] = {
		{ 0, 0, 2 }, { 1, 0, 2 }, { 0, 5, 7 }, { 0, 8, 10 }, { 2, 14, 16 },
	};
	secm_pf_engine e = engines[_i];
	hitlog h = { NULL, 0, 0, 0 };
	secm_kwmatcher *m = NULL;
	secm_error err;
	char buf[512];
	size_t i;

	if (!engine_ok(e)) {
		ck_assert_msg(!secm_pf_have_vectorscan(), "Vectorscan is only skipped when not built");
		return;
	}
	ck_assert_msg(secm_kwmatcher_new_exact(kw, len, exact, 3, e, &m, &err) == SECM_OK,
		      "a %s matcher with exact keywords builds: %s", secm_pf_engine_name(e),
		      secm_error_format(&err, buf, sizeof(buf)));
	ck_assert_int_eq(secm_kwmatcher_scan(m, T("SK + sk Sk ab Ab AB"), log_hit, &h), SECM_OK);
	qsort(h.v, h.n, sizeof(*h.v), cmp_hit);
	ck_assert_msg(h.n == N(want), "%s: folded keywords hit every case, exact ones "
		      "only their own (%zu hits, want %zu)", secm_pf_engine_name(e), h.n, N(want));
	for (i = 0; i < h.n; i++)
		ck_assert_msg(h.v[i].kw == want[i].kw && h.v[i].start == want[i].start &&
			      h.v[i].end == want[i].end,
			      "%s: hit %zu is keyword %zu at %zu, got %zu at %zu",
			      secm_pf_engine_name(e), i, want[i].kw, want[i].start, h.v[i].kw,
			      h.v[i].start);
	free(h.v);
	secm_kwmatcher_free(m);
}
END_TEST

static const struct {
	const char *label;
	const char *text;
	const char *ids;	/* rule ids found, space-separated, in order */
} case_rows[] = {
	{ "an exact keyword in its case lets the rule run", "id qx12345678", "exact-kw" },
	{ "the other exact keyword with its capital works too", "id Qz12345678", "exact-kw" },
	{ "an exact keyword in another case keeps the rule off, though its regex is caseless",
	  "id QX12345678", "" },
	{ "one changed letter is enough to keep the rule off", "id qZ12345678", "" },
	{ "the same letters as a folded keyword match any case", "id QX-1234", "folded-kw" },
	{ "both rules run when both keywords occur", "id qx-1234 and qx87654321",
	  "folded-kw exact-kw" },
};

START_TEST(test_keywords_case_in_every_scan_path)
{
	size_t row = (size_t)_i / 3, i;
	int path = _i % 3;	/* 0 Aho-Corasick, 1 Vectorscan, 2 whole text */
	secm_ruleset *rs = NULL;
	secm_matches m = { NULL, 0, 0 };
	secm_error err;
	char got[256] = "", buf[1024];
	const char *pname = path == 0 ? "aho-corasick" : path == 1 ? "vectorscan" : "whole text";

	if (path == 1 && !secm_pf_have_vectorscan()) {
		ck_assert_msg(secm_pf_engine_name(engines[path]) != NULL,
			      "Vectorscan is only skipped when not built");
		return;
	}
	ck_assert_msg(secm_ruleset_load_file(DATA "/case/case.yml", NULL, &rs, &err) == SECM_OK,
		      "the keywords_case fixture loads: %s",
		      secm_error_format(&err, buf, sizeof(buf)));
	if (path < 2)
		ck_assert_int_eq(secm_ruleset_use_prefilter(rs, engines[path], NULL), SECM_OK);
	ck_assert_int_eq(secm_scan_text_flags(rs, case_rows[row].text, strlen(case_rows[row].text),
					      path == 2 ? SECM_SCAN_NO_PREFILTER : 0, &m, NULL),
			 SECM_OK);
	for (i = 0; i < m.n; i++) {
		if (i > 0)
			strcat(got, " ");
		strcat(got, secm_rule_id(secm_ruleset_get(rs, m.v[i].rule)));
	}
	ck_assert_msg(strcmp(got, case_rows[row].ids) == 0, "%s (%s): found '%s', want '%s'",
		      case_rows[row].label, pname, got, case_rows[row].ids);
	secm_matches_free(&m);
	secm_ruleset_free(rs);
}
END_TEST

/* ---------------------------------------------------------------- windows */

static secm_ruleset *wrules;

/* load_wrules - the window fixture rules */
static void load_wrules(void)
{
	secm_error err;
	char buf[1024];

	ck_assert_msg(secm_ruleset_load_file(DATA "/scan/window.yml", NULL, &wrules, &err) ==
		      SECM_OK, "the window fixture loads: %s",
		      secm_error_format(&err, buf, sizeof(buf)));
}

/* free_wrules - teardown */
static void free_wrules(void)
{
	secm_ruleset_free(wrules);
	wrules = NULL;
}

/* wtext - pre + n fill bytes + post, in a static buffer */
static size_t wtext(char *buf, size_t cap, const char *pre, size_t n, char fill,
		    const char *post)
{
	size_t a = strlen(pre), b = strlen(post);

	ck_assert(a + n + b <= cap);
	memcpy(buf, pre, a);
	memset(buf + a, fill, n);
	memcpy(buf + a + n, post, b);
	return a + n + b;
}

/* W = window size either side; the texts put secrets at its edges */
#define W SECM_WINDOW_AFTER

static const struct {
	const char *label;
	const char *pre;	/* text: pre, fill bytes, post */
	size_t fill;
	char c;
	const char *post;
	size_t n;		/* matches the windowed scan finds */
	size_t start;		/* first match's start */
	int same;		/* 1: the whole-text scan finds the same */
} win_rows[] = {
	{ "a secret 200 bytes after its keyword is found", "farkw", 200, ' ', "FAR123456",
	  1, 205, 1 },
	{ "a secret starting on the last byte of the window is found", "farkw", W - 1, ' ',
	  "FAR123456", 1, 5 + W - 1, 1 },
	{ "a secret starting just past the window is not looked for (the bound)", "farkw",
	  W, ' ', "FAR123456", 0, 0, 0 },
	{ "a match starting on the first byte of the window is found",
	  "..........BEF123456", W - 9, '.', "befkw", 1, 10, 1 },
	{ "a match starting a byte before the window is not looked for (the bound)",
	  "..........BEF123456", W - 8, '.', "befkw", 0, 0, 0 },
	{ "a lookbehind sees the text before the window start", "..........LB=123456",
	  W - 6, ' ', "lbkw", 1, 13, 1 },
	{ "a lookahead sees the text after the window end (no match)", "lakw", W - 5, ' ',
	  "LA1234", 0, 0, 1 },
	{ "a lookahead sees the text after the window end (match)", "lakw", W - 5, ' ',
	  "LA123 ", 1, 4 + W - 5, 1 },
	{ "a block far longer than the window is found whole", "BEGIN BLK\n", 0, ' ',
	  "", 1, 0, 1 },
	{ "a UTF-8 keyword in any case of ASCII opens a window",
	  "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89", 3, ' ', "pw1234 PW1234",
	  1, 25, 1 },
	{ "two hits close together share one window", "farkw FAR111111 farkw", 200, ' ',
	  "FAR222222", 2, 6, 1 },
};

START_TEST(test_window_table)
{
	static char text[40000];
	size_t row = (size_t)_i / N(engines), len, i;
	secm_pf_engine e = engines[_i % N(engines)];
	secm_matches got = { NULL, 0, 0 }, whole = { NULL, 0, 0 };

	if (!engine_ok(e)) {
		ck_assert_msg(secm_ruleset_use_prefilter(wrules, e, NULL) == SECM_EINTERNAL,
			      "a Vectorscan prefilter cannot be built without Vectorscan");
		return;
	}
	ck_assert_int_eq(secm_ruleset_use_prefilter(wrules, e, NULL), SECM_OK);
	ck_assert_str_eq(secm_ruleset_prefilter_engine(wrules), secm_pf_engine_name(e));
	len = wtext(text, sizeof(text), win_rows[row].pre, win_rows[row].fill,
		    win_rows[row].c, win_rows[row].post);
	if (strcmp(win_rows[row].pre, "BEGIN BLK\n") == 0) {
		for (i = 0; i < 300; i++)	/* 300 lines of 65 bytes */
			len += (size_t)sprintf(text + len, "%064zu\n", i);
		len += (size_t)sprintf(text + len, "END BLK");
	}
	ck_assert_int_eq(secm_scan_text(wrules, text, len, &got, NULL), SECM_OK);
	ck_assert_int_eq(secm_scan_text_flags(wrules, text, len, SECM_SCAN_NO_PREFILTER,
					      &whole, NULL), SECM_OK);
	ck_assert_msg(got.n == win_rows[row].n, "%s (%s): %zu matches, want %zu",
		      win_rows[row].label, secm_pf_engine_name(e), got.n, win_rows[row].n);
	if (got.n > 0)
		ck_assert_msg(got.v[0].start == win_rows[row].start,
			      "%s: the match starts at %zu, want %zu", win_rows[row].label,
			      got.v[0].start, win_rows[row].start);
	if (strcmp(win_rows[row].pre, "BEGIN BLK\n") == 0)
		ck_assert_msg(got.n == 1 && got.v[0].end == len, "the block match ends at its END line");
	if (win_rows[row].same) {
		ck_assert_msg(whole.n == got.n, "%s: the whole-text scan finds %zu, windows %zu",
			      win_rows[row].label, whole.n, got.n);
		for (i = 0; i < got.n; i++)
			ck_assert_msg(got.v[i].rule == whole.v[i].rule &&
				      got.v[i].start == whole.v[i].start &&
				      got.v[i].end == whole.v[i].end,
				      "%s: match %zu equals the whole-text one", win_rows[row].label, i);
	} else {
		ck_assert_msg(whole.n > got.n, "%s: only the whole-text scan finds it",
			      win_rows[row].label);
	}
	secm_matches_free(&got);
	secm_matches_free(&whole);
}
END_TEST

/* same_result - both scans succeed with the same matches */
static void same_result(const secm_ruleset *rs, const char *text, size_t len,
			unsigned int flags, const char *what)
{
	secm_matches a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	size_t i;

	ck_assert_int_eq(secm_scan_text(rs, text, len, &a, NULL), SECM_OK);
	ck_assert_int_eq(secm_scan_text_flags(rs, text, len, flags, &b, NULL), SECM_OK);
	ck_assert_msg(a.n == b.n, "%s: %zu matches with windows, %zu without", what, a.n, b.n);
	for (i = 0; i < a.n; i++)
		ck_assert_msg(a.v[i].rule == b.v[i].rule && a.v[i].start == b.v[i].start &&
			      a.v[i].end == b.v[i].end, "%s: match %zu is the same", what, i);
	secm_matches_free(&a);
	secm_matches_free(&b);
}

START_TEST(test_windows_equal_whole_text_on_short_texts)
{
	static const char *const piece[] = {
		"farkw ", "FAR123456 ", "BEF654321 ", "befkw ", "LB=123456 ", "lbkw ",
		"lakw ", "LA123 ", "LA1234 ", "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89",
		"PW1234 ", "BEGIN BLK\nQUJD\nEND BLK ", "tok_abcd1234 ", "password: Kx9vQ2mLp7 ",
		"KWX1234 ", "kwgate ", "zz ZZ ", "\xc3\xa9", "  ", "x", "\xff",
	};
	secm_pf_engine e = engines[_i];
	unsigned int seed = 99u + (unsigned)_i;
	char text[600];
	size_t len, p;
	int t;

	if (!engine_ok(e)) {
		ck_assert_msg(secm_ruleset_use_prefilter(wrules, e, NULL) == SECM_EINTERNAL,
			      "a Vectorscan prefilter cannot be built without Vectorscan");
		return;
	}
	ck_assert_int_eq(secm_ruleset_use_prefilter(wrules, e, NULL), SECM_OK);
	ck_assert_int_eq(secm_ruleset_use_prefilter(rules, e, NULL), SECM_OK);
	/* texts shorter than a window: every window spans the whole text,
	 * so the windowed scan must equal the whole-text scan exactly */
	for (t = 0; t < 400; t++) {
		len = 0;
		while (len < W - 40) {
			p = rnd(&seed) % N(piece);
			memcpy(text + len, piece[p], strlen(piece[p]));
			len += strlen(piece[p]);
		}
		same_result(wrules, text, len, SECM_SCAN_NO_PREFILTER, "window rules");
		same_result(wrules, text, len, SECM_SCAN_NO_WINDOW, "window rules, prefilter");
		same_result(rules, text, len, SECM_SCAN_NO_PREFILTER, "scan rules");
	}
}
END_TEST

START_TEST(test_subset_scans_only_its_rules)
{
	secm_matches m = { NULL, 0, 0 };
	secm_ruleset *sub = NULL;
	size_t idx = rule_index("tok");

	ck_assert_int_eq(secm_ruleset_subset(rules, &idx, 1, &sub, NULL), SECM_OK);
	ck_assert_int_eq(secm_ruleset_count(sub), 1);
	ck_assert_int_eq(secm_scan_text(sub, T("password: Kx9vQ2mLp7 tok_abcd1234"), &m, NULL),
			 SECM_OK);
	ck_assert_msg(m.n == 1 && m.v[0].start == 21 && m.v[0].rule == 0,
		      "a one-rule subset finds only that rule's token");
	secm_matches_free(&m);
	secm_ruleset_free(sub);
	ck_assert_msg(secm_rule_matches(rules, idx, T("tok_abcd1234")) == 1,
		      "freeing a subset leaves the full set's rules intact");
}
END_TEST

/* scan_suite - all scan tests */
static Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");
	TCase *lim = tcase_create("limits");
	TCase *pf = tcase_create("prefilter");
	TCase *win = tcase_create("windows");

	tcase_add_checked_fixture(tc, load_rules, free_rules);
	tcase_add_loop_test(tc, test_scan_table, 0, N(scan_rows));
	tcase_add_test(tc, test_scan_appends_to_existing_matches);
	tcase_add_test(tc, test_scan_many_matches);
	tcase_add_test(tc, test_long_block_fits_the_jit_stack);
	tcase_add_test(tc, test_rule_matches_one_rule);
	tcase_add_test(tc, test_threads_share_one_rule_set);
	tcase_add_test(lim, test_catastrophic_regex_hits_the_match_limit);
	tcase_add_test(lim, test_failed_scan_leaves_earlier_matches);
	tcase_add_loop_test(pf, test_kwmatcher_table, 0, (int)(N(kw_rows) * N(engines)));
	tcase_add_loop_test(pf, test_kwmatcher_finds_what_memmem_finds, 0, (int)N(engines));
	tcase_add_loop_test(pf, test_kwmatcher_edges, 0, (int)N(engines));
	tcase_add_loop_test(pf, test_kwmatcher_exact_keywords_match_their_case, 0,
			    (int)N(engines));
	tcase_add_loop_test(pf, test_keywords_case_in_every_scan_path, 0, (int)(N(case_rows) * 3));
	tcase_set_timeout(pf, 60);
	tcase_add_checked_fixture(win, load_rules, free_rules);
	tcase_add_checked_fixture(win, load_wrules, free_wrules);
	tcase_add_loop_test(win, test_window_table, 0, (int)(N(win_rows) * N(engines)));
	tcase_add_loop_test(win, test_windows_equal_whole_text_on_short_texts, 0, (int)N(engines));
	tcase_add_test(win, test_subset_scans_only_its_rules);
	tcase_set_timeout(win, 60);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, lim);
	suite_add_tcase(s, pf);
	suite_add_tcase(s, win);
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
