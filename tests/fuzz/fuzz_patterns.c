/*
 * fuzz_patterns.c - fuzz the pattern-file loader (libyaml + PCRE2 compile).
 *
 * The loader only reads files, so each input is written to one temporary
 * file (created once per process, rewritten per input, removed at exit)
 * and loaded with secm_ruleset_load_file().  Invariant: the load either
 * succeeds with at least one well-formed rule, or fails with a negative
 * status, no rule set and a non-empty error text.  A rule set that loads is
 * then exercised the way --test-rules and the scan use it: every rule's
 * examples are checked and all examples are scanned together, so fuzzed
 * regexes, keywords and validator parameters run too; match positions must
 * lie inside the text.
 *
 * Threading: single-threaded harness; the temporary file is process state.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fuzz.h"
#include "rules.h"
#include "scan.h"

/* check_rule - accessors of one loaded rule return sane values */
static void check_rule(const secm_rule *r)
{
	secm_fuzz_check(r != NULL, "every index below count has a rule");
	secm_fuzz_check(secm_rule_id(r) != NULL && secm_rule_id(r)[0] != '\0',
			"a loaded rule has an id");
	secm_fuzz_check(secm_rule_regex(r) != NULL, "a loaded rule has a regex");
	secm_fuzz_check(secm_rule_severity(r) >= SECM_SEV_LOW &&
			secm_rule_severity(r) <= SECM_SEV_CRITICAL,
			"severity is a secm_severity");
	for (size_t k = 0; k < secm_rule_keyword_count(r); k++)
		secm_fuzz_check(secm_rule_keyword(r, k) != NULL,
				"keywords below keyword_count exist");
	for (size_t k = 0; k < secm_rule_example_count(r); k++)
		secm_fuzz_check(secm_rule_example(r, k) != NULL,
				"examples below example_count exist");
	for (size_t k = 0; k < secm_rule_negative_count(r); k++)
		secm_fuzz_check(secm_rule_negative(r, k) != NULL,
				"negative examples below negative_count exist");
}

/* exercise - check every rule, then scan all examples as one text */
static void exercise(const secm_ruleset *rs)
{
	secm_buf text = SECM_BUF_INIT;
	secm_matches m = { NULL, 0, 0 };
	size_t n = secm_ruleset_count(rs);
	char why[512];
	int rc;

	secm_fuzz_check(n > 0, "a loaded rule set is not empty");
	for (size_t i = 0; i < n; i++) {
		const secm_rule *r = secm_ruleset_get(rs, i);

		check_rule(r);
		/* the result does not matter (fuzzed examples rarely hold);
		 * it must not crash and must name the rule when it fails */
		if (secm_ruleset_check_examples(rs, i, why, sizeof(why)) != 0)
			secm_fuzz_check(why[0] != '\0', "a failed example check says why");
		for (size_t k = 0; k < secm_rule_example_count(r); k++) {
			if (secm_buf_append_str(&text, secm_rule_example(r, k)) != 0 ||
			    secm_buf_append(&text, "\n", 1) != 0)
				goto out;
		}
	}
	rc = secm_scan_text(rs, (const char *)(text.data ? text.data :
					      (const unsigned char *)""),
			    text.len, &m, NULL);
	secm_fuzz_check(rc == SECM_OK || rc == SECM_ENOMEM || rc == SECM_EMATCH,
			"scan returns OK, ENOMEM or EMATCH");
	for (size_t i = 0; i < m.n; i++) {
		secm_fuzz_check(m.v[i].rule < n, "match names a rule of the set");
		secm_fuzz_check(m.v[i].start <= m.v[i].end && m.v[i].end <= text.len,
				"match lies inside the text");
	}
out:
	secm_matches_free(&m);
	secm_buf_free(&text);
}

/* LLVMFuzzerTestOneInput - load data as one pattern file */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a non-NULL sentinel: rules.h promises *out is NULL on failure */
	static int sentinel;
	secm_ruleset *rs = (secm_ruleset *)(void *)&sentinel;
	secm_error err;
	const char *path;
	int rc;

	path = secm_fuzz_tmpfile("patterns", ".yml", data, size);
	rc = secm_ruleset_load_file(path, NULL, &rs, &err);
	if (rc == SECM_OK) {
		secm_fuzz_check(rs != NULL, "success returns a rule set");
		exercise(rs);
	} else {
		secm_fuzz_check(rc < 0, "failure is a negative SECM_E code");
		secm_fuzz_check(rs == NULL, "failure returns no rule set");
		secm_fuzz_check(memchr(err.text, '\0', sizeof(err.text)) != NULL &&
				err.text[0] != '\0', "failure has an error text");
	}
	secm_ruleset_free(rs);
	return 0;
}
