/*
 * test_rules.c - unit tests for the pattern file loader (rules.c,
 * rules_yaml.c): a good directory loads with the right rules, and every
 * kind of broken file fails with the file name, line and reason in the
 * formatted error.  Fixtures: tests/unit/data/rules/ (SECM_TEST_RULESDIR).
 */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "rules.h"
#include "scan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DATA SECM_TEST_RULESDIR

/* ends_with - s ends with suffix */
static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* ---------------------------------------------------------------- good files */

static const struct {
	const char *id;
	secm_severity sev;
	const char *file;	/* suffix */
	unsigned long line;
	size_t keywords;
	unsigned int validators;
	size_t examples, negatives;
} good_rows[] = {
	{ "fake-cloud-key", SECM_SEV_CRITICAL, "/good/10-cloud.yml", 3, 2, 0, 1, 1 },
	{ "fake-github-token", SECM_SEV_HIGH, "/good/10-cloud.yml", 15, 2,
	  SECM_VAL_CRC32_BASE62, 2, 1 },
	{ "fake-password", SECM_SEV_MEDIUM, "/good/10-cloud.yml", 28, 2,
	  SECM_VAL_PLACEHOLDER | SECM_VAL_ENTROPY, 1, 3 },
	{ "fake-jp-password", SECM_SEV_LOW, "/good/20-misc.yml", 2, 1,
	  SECM_VAL_PLACEHOLDER, 1, 1 },
};

START_TEST(test_good_dir_loads_every_rule_in_file_order)
{
	secm_ruleset *rs = NULL;
	secm_error err;
	char buf[1024];
	size_t i;
	int rc;

	rc = secm_ruleset_load_dir(DATA "/good", NULL, &rs, &err);
	ck_assert_msg(rc == SECM_OK, "the good directory loads: %s",
		      secm_error_format(&err, buf, sizeof(buf)));
	ck_assert_msg(secm_ruleset_count(rs) == N(good_rows),
		      "the good directory has %zu rules (README.txt and .yaml ignored), got %zu",
		      N(good_rows), secm_ruleset_count(rs));
	for (i = 0; i < N(good_rows); i++) {
		const secm_rule *r = secm_ruleset_get(rs, i);

		ck_assert_str_eq(secm_rule_id(r), good_rows[i].id);
		ck_assert_msg(secm_rule_severity(r) == good_rows[i].sev,
			      "rule %s has the severity of its file", good_rows[i].id);
		ck_assert_msg(ends_with(secm_rule_file(r), good_rows[i].file),
			      "rule %s remembers its file", good_rows[i].id);
		ck_assert_msg(secm_rule_line(r) == good_rows[i].line,
			      "rule %s remembers its line %lu (got %lu)", good_rows[i].id,
			      good_rows[i].line, secm_rule_line(r));
		ck_assert_msg(secm_rule_keyword_count(r) == good_rows[i].keywords,
			      "rule %s has its keywords", good_rows[i].id);
		ck_assert_msg(secm_rule_validators(r) == good_rows[i].validators,
			      "rule %s has its validators", good_rows[i].id);
		ck_assert_msg(secm_rule_example_count(r) == good_rows[i].examples &&
			      secm_rule_negative_count(r) == good_rows[i].negatives,
			      "rule %s has its examples", good_rows[i].id);
		ck_assert_msg(secm_rule_description(r)[0] != '\0',
			      "rule %s has a description", good_rows[i].id);
	}
	ck_assert_msg(secm_ruleset_get(rs, N(good_rows)) == NULL,
		      "an index past the end gives NULL");
	secm_ruleset_free(rs);
}
END_TEST

START_TEST(test_rule_details_are_kept)
{
	secm_ruleset *rs = NULL;
	const secm_rule *r;
	int rc;

	rc = secm_ruleset_load_file(DATA "/good/10-cloud.yml", NULL, &rs, NULL);
	ck_assert_msg(rc == SECM_OK, "one good file loads on its own");
	ck_assert_msg(secm_ruleset_count(rs) == 3, "the file has three rules");
	r = secm_ruleset_get(rs, 0);
	ck_assert_msg(strcmp(secm_rule_keyword(r, 0), "faki") == 0 &&
		      strcmp(secm_rule_keyword(r, 1), "fakz") == 0 &&
		      secm_rule_keyword_len(r, 0) == 4,
		      "keywords are stored lowercased with their length");
	ck_assert_msg(secm_rule_reference_count(r) == 1 &&
		      strcmp(secm_rule_reference(r, 0), "https://example.invalid/docs/keys") == 0,
		      "references are kept");
	ck_assert_msg(strcmp(secm_rule_example(r, 0), "cloud_key = FAKIZ5Q7NQ3H2K4M6P7R") == 0,
		      "examples are kept verbatim");
	ck_assert_msg(secm_rule_example(r, 1) == NULL,
		      "an example index past the end gives NULL");
	ck_assert_msg(strstr(secm_rule_regex(r), "(?<secret>") != NULL,
		      "the regex source is kept");
	r = secm_ruleset_get(rs, 2);
	ck_assert_msg(secm_rule_min_entropy(r) == 2.5, "min_entropy is parsed");
	secm_ruleset_free(rs);
}
END_TEST

START_TEST(test_japanese_keyword_is_kept_as_utf8)
{
	secm_ruleset *rs = NULL;
	const secm_rule *r;

	ck_assert_int_eq(secm_ruleset_load_file(DATA "/good/20-misc.yml", NULL, &rs, NULL),
			 SECM_OK);
	r = secm_ruleset_get(rs, 0);
	ck_assert_msg(strcmp(secm_rule_keyword(r, 0), "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf"
			     "\xe3\x83\xbc\xe3\x83\x89") == 0,
		      "a UTF-8 keyword is stored unchanged by ASCII folding");
	secm_ruleset_free(rs);
}
END_TEST

START_TEST(test_sensitive_keywords_are_kept_as_written)
{
	secm_ruleset *rs = NULL;
	secm_error err;
	char buf[1024];
	const secm_rule *r;

	ck_assert_msg(secm_ruleset_load_file(DATA "/case/case.yml", NULL, &rs, &err) == SECM_OK,
		      "the keywords_case file loads: %s",
		      secm_error_format(&err, buf, sizeof(buf)));
	r = secm_ruleset_get(rs, 0);
	ck_assert_msg(strcmp(secm_rule_keyword(r, 0), "qx") == 0 &&
		      strcmp(secm_rule_keyword(r, 1), "Qz") == 0,
		      "keywords_case: sensitive keeps the keywords' case");
	r = secm_ruleset_get(rs, 1);
	ck_assert_msg(strcmp(secm_rule_keyword(r, 0), "qx") == 0,
		      "keywords_case: insensitive folds them as by default");
	ck_assert_msg(secm_ruleset_check_examples(rs, 0, buf, sizeof(buf)) == 0 &&
		      secm_ruleset_check_examples(rs, 1, buf, sizeof(buf)) == 0,
		      "the examples of both rules hold: %s", buf);
	secm_ruleset_free(rs);
}
END_TEST

START_TEST(test_examples_of_good_rules_hold)
{
	static const char *const dirs[] = { DATA "/good", DATA "/scan" };
	secm_ruleset *rs = NULL;
	char why[512];
	size_t d, i;

	for (d = 0; d < N(dirs); d++) {
		ck_assert_int_eq(secm_ruleset_load_dir(dirs[d], NULL, &rs, NULL), SECM_OK);
		for (i = 0; i < secm_ruleset_count(rs); i++)
			ck_assert_msg(secm_ruleset_check_examples(rs, i, why, sizeof(why)) == 0,
				      "every example and negative example holds: %s", why);
		secm_ruleset_free(rs);
		rs = NULL;
	}
}
END_TEST

START_TEST(test_failing_examples_are_named)
{
	secm_ruleset *rs = NULL;
	char why[512];

	ck_assert_int_eq(secm_ruleset_load_file(DATA "/examples/bad-example.yml", NULL,
						&rs, NULL), SECM_OK);
	ck_assert_msg(secm_ruleset_check_examples(rs, 0, why, sizeof(why)) == -1,
		      "a rule whose example does not match fails the check");
	ck_assert_msg(strstr(why, "rule weak-examples: example 2 does not match") != NULL,
		      "the failing example is named by rule and index: %s", why);
	ck_assert_msg(secm_ruleset_check_examples(rs, 1, why, sizeof(why)) == -1,
		      "a rule whose negative example matches fails the check");
	ck_assert_msg(strstr(why, "rule weak-negative: negative example 2 matches") != NULL,
		      "the failing negative example is named by rule and index: %s", why);
	ck_assert_msg(secm_ruleset_check_examples(rs, 9, why, sizeof(why)) == -1,
		      "a rule index past the end fails the check");
	ck_assert_msg(secm_ruleset_check_examples(rs, 0, NULL, 0) == -1,
		      "why may be NULL");
	secm_ruleset_free(rs);
}
END_TEST

START_TEST(test_limits_default_and_given)
{
	secm_rule_limits lim = { 5000, 200 };
	secm_ruleset *rs = NULL;

	ck_assert_int_eq(secm_ruleset_load_dir(DATA "/good", NULL, &rs, NULL), SECM_OK);
	ck_assert_msg(secm_ruleset_limits(rs)->match_limit == 100000 &&
		      secm_ruleset_limits(rs)->depth_limit == 10000,
		      "without limits the defaults 100000 and 10000 apply");
	secm_ruleset_free(rs);
	ck_assert_int_eq(secm_ruleset_load_dir(DATA "/good/", &lim, &rs, NULL), SECM_OK);
	ck_assert_msg(secm_ruleset_limits(rs)->match_limit == 5000 &&
		      secm_ruleset_limits(rs)->depth_limit == 200,
		      "given limits are kept");
	ck_assert_msg(strstr(secm_rule_file(secm_ruleset_get(rs, 0)), "//") == NULL,
		      "a trailing slash on the directory does not double in file names");
	secm_ruleset_free(rs);
	secm_ruleset_free(NULL);
}
END_TEST

/* ---------------------------------------------------------------- broken files */

static const struct {
	const char *label;
	const char *file;	/* under broken/ */
	int code;
	unsigned long line;
	const char *want1;
	const char *want2;
} broken_rows[] = {
	{ "bad YAML syntax is reported with its line", "syntax.yml", SECM_EPARSE, 5,
	  "YAML syntax error", "mapping values are not allowed" },
	{ "a rule without an id is reported by position", "missing-id.yml", SECM_ERULE, 9,
	  "rule #2: ", "missing required key 'id'" },
	{ "an unknown key is named", "unknown-key.yml", SECM_ERULE, 4,
	  "rule typo-key: ", "unknown key 'sevrity'" },
	{ "a bad severity is named", "bad-severity.yml", SECM_ERULE, 5,
	  "rule bad-severity: ", "unknown severity 'urgent'" },
	{ "a regex syntax error gives the PCRE2 offset and message", "regex-syntax.yml",
	  SECM_ERULE, 6, "rule regex-syntax: at offset 21: ", "regex error: missing closing parenthesis" },
	{ "a regex without the secret group is refused", "no-secret-group.yml", SECM_ERULE, 5,
	  "rule no-secret-group: ", "missing named group 'secret'" },
	{ "an unknown validator is named", "unknown-validator.yml", SECM_ERULE, 8,
	  "rule unknown-validator: ", "unknown validator 'entropy'" },
	{ "an id with capitals and underscores is refused", "bad-id.yml", SECM_ERULE, 2,
	  "rule #1: ", "bad id 'Bad_Id'" },
	{ "an unknown regex option is named", "bad-option.yml", SECM_ERULE, 6,
	  "rule bad-option: ", "unknown option 'global'" },
	{ "a min_entropy that is not a number is refused", "bad-min-entropy.yml", SECM_ERULE, 7,
	  "rule bad-min-entropy: ", "min_entropy must be a number" },
	{ "an unknown checksum is named", "bad-checksum.yml", SECM_ERULE, 7,
	  "rule bad-checksum: ", "unknown checksum 'md5'" },
	{ "missing negative examples are reported at the rule", "missing-negatives.yml",
	  SECM_ERULE, 2, "rule missing-negatives: ", "missing required key 'negative_examples'" },
	{ "an empty examples list is refused", "empty-examples.yml", SECM_ERULE, 6,
	  "rule empty-examples: ", "'examples' needs at least 1 item" },
	{ "a key given twice in one rule is refused", "duplicate-key.yml", SECM_ERULE, 6,
	  "rule duplicate-key: ", "duplicate key 'regex'" },
	{ "a misspelled top-level key is named", "top-unknown.yml", SECM_ERULE, 2,
	  "top-unknown.yml, line 2: ", "unknown key 'rule'" },
	{ "a top level that is a list is refused", "top-list.yml", SECM_ERULE, 1,
	  "top-list.yml, line 1: ", "top level must be a mapping" },
	{ "a file with only a comment is refused", "empty.yml", SECM_ERULE, 0,
	  "empty.yml: ", "empty file" },
	{ "a second YAML document is refused", "two-docs.yml", SECM_ERULE, 8,
	  "two-docs.yml, line 8: ", "more than one YAML document" },
	{ "a description over two lines is refused", "multiline-description.yml", SECM_ERULE, 3,
	  "rule multiline-description: ", "'description' must be one line" },
	{ "keywords that are not a list are refused", "keywords-not-list.yml", SECM_ERULE, 5,
	  "rule keywords-not-list: ", "'keywords' must be a list" },
	{ "a reference that is not a URL is reported at its line", "bad-reference.yml",
	  SECM_ERULE, 8, "rule bad-reference: ", "reference 2 is not an http(s) URL" },
	{ "a rule that is not a mapping is refused", "rule-not-mapping.yml", SECM_ERULE, 2,
	  "rule #1: ", "a rule must be a mapping" },
	{ "a duplicate id inside one file is refused", "duplicate-in-file.yml", SECM_ERULE, 8,
	  "rule twice: duplicate rule id", "duplicate-in-file.yml, line 2)" },
	{ "a regex using \\C is refused", "backslash-c.yml", SECM_ERULE, 5,
	  "rule backslash-c: at offset", "regex error: " },
	{ "a NUL byte in a string is refused", "nul-byte.yml", SECM_ERULE, 6,
	  "rule nul-byte: ", "'examples' contains a NUL byte" },
	{ "invalid UTF-8 in the file is reported with its line", "invalid-utf8.yml", SECM_EPARSE, 3,
	  "YAML syntax error", "UTF-8" },
	{ "an unknown keywords_case is named", "bad-keywords-case.yml", SECM_ERULE, 6,
	  "rule bad-keywords-case: ", "unknown keywords_case 'exact'" },
	{ "keywords_case without keywords is refused", "keywords-case-alone.yml", SECM_ERULE, 2,
	  "rule keywords-case-alone: ", "'keywords_case' without keywords" },
};

START_TEST(test_broken_file)
{
	secm_ruleset *rs = (secm_ruleset *)1;
	char path[512], want[600], buf[1024];
	secm_error err;
	int rc;

	snprintf(path, sizeof(path), "%s/broken/%s", DATA, broken_rows[_i].file);
	rc = secm_ruleset_load_file(path, NULL, &rs, &err);
	secm_error_format(&err, buf, sizeof(buf));
	ck_assert_msg(rc == broken_rows[_i].code, "%s: status %d (%s)",
		      broken_rows[_i].label, rc, buf);
	ck_assert_msg(rs == NULL, "%s: no rule set is returned", broken_rows[_i].label);
	ck_assert_msg(ends_with(err.file, broken_rows[_i].file) &&
		      err.line == broken_rows[_i].line,
		      "%s: file and line %lu (got %s)", broken_rows[_i].label,
		      broken_rows[_i].line, buf);
	if (broken_rows[_i].line > 0)
		snprintf(want, sizeof(want), "%s, line %lu: ", broken_rows[_i].file,
			 broken_rows[_i].line);
	else
		snprintf(want, sizeof(want), "%s: ", broken_rows[_i].file);
	ck_assert_msg(strstr(buf, want) != NULL, "%s: '%s' in '%s'",
		      broken_rows[_i].label, want, buf);
	ck_assert_msg(strstr(buf, broken_rows[_i].want1) != NULL, "%s: '%s' in '%s'",
		      broken_rows[_i].label, broken_rows[_i].want1, buf);
	ck_assert_msg(strstr(buf, broken_rows[_i].want2) != NULL, "%s: '%s' in '%s'",
		      broken_rows[_i].label, broken_rows[_i].want2, buf);
}
END_TEST

START_TEST(test_regex_error_offset_is_in_the_record)
{
	secm_ruleset *rs = NULL;
	secm_error err;

	ck_assert_int_eq(secm_ruleset_load_file(DATA "/broken/regex-syntax.yml", NULL,
						&rs, &err), SECM_ERULE);
	ck_assert_msg(err.offset == 21, "the PCRE2 error offset is kept (got %ld)", err.offset);
	ck_assert_str_eq(err.key, "rule regex-syntax");
}
END_TEST

START_TEST(test_broken_file_fails_without_error_record)
{
	secm_ruleset *rs = NULL;

	ck_assert_msg(secm_ruleset_load_file(DATA "/broken/regex-syntax.yml", NULL,
					     &rs, NULL) == SECM_ERULE && rs == NULL,
		      "a NULL error record is allowed");
}
END_TEST

/* ---------------------------------------------------------------- directories */

START_TEST(test_duplicate_id_across_files)
{
	secm_ruleset *rs = NULL;
	secm_error err;
	char buf[1024];
	int rc;

	rc = secm_ruleset_load_dir(DATA "/dup", NULL, &rs, &err);
	secm_error_format(&err, buf, sizeof(buf));
	ck_assert_msg(rc == SECM_ERULE && rs == NULL, "a duplicate id stops loading: %s", buf);
	ck_assert_msg(strstr(buf, "dup/b.yml, line 9: rule same-id: duplicate rule id") != NULL,
		      "the second definition is named with file and line: %s", buf);
	ck_assert_msg(strstr(buf, "dup/a.yml, line 2") != NULL,
		      "the first definition is named too: %s", buf);
}
END_TEST

START_TEST(test_directory_without_rules)
{
	char tmpl[] = "/tmp/secm-test-rules-XXXXXX";
	secm_ruleset *rs = NULL;
	secm_error err;
	char buf[1024];
	int rc;

	rc = secm_ruleset_load_dir(DATA "/norules", NULL, &rs, &err);
	secm_error_format(&err, buf, sizeof(buf));
	ck_assert_msg(rc == SECM_ERULE && rs == NULL && strstr(buf, "no rules") != NULL,
		      "a directory whose files define no rule is an error: %s", buf);
	ck_assert_msg(mkdtemp(tmpl) != NULL, "a temporary directory can be made");
	rc = secm_ruleset_load_dir(tmpl, NULL, &rs, &err);
	secm_error_format(&err, buf, sizeof(buf));
	rmdir(tmpl);
	ck_assert_msg(rc == SECM_ERULE && rs == NULL && strstr(buf, "no rules") != NULL,
		      "an empty directory is an error: %s", buf);
	ck_assert_msg(strstr(buf, tmpl) != NULL, "the error names the directory: %s", buf);
	rc = secm_ruleset_load_file(DATA "/norules/only.yml", NULL, &rs, &err);
	ck_assert_msg(rc == SECM_ERULE && strstr(err.text, "no rules") != NULL,
		      "a single file without rules is an error");
}
END_TEST

START_TEST(test_missing_paths)
{
	secm_ruleset *rs = NULL;
	secm_error err;

	ck_assert_msg(secm_ruleset_load_dir(DATA "/does-not-exist", NULL, &rs, &err) == SECM_EIO &&
		      strstr(err.text, "cannot open pattern directory") != NULL,
		      "a missing directory is an I/O error");
	ck_assert_msg(secm_ruleset_load_file(DATA "/does-not-exist.yml", NULL, &rs, &err) == SECM_EIO &&
		      strstr(err.text, "cannot open") != NULL,
		      "a missing file is an I/O error");
	ck_assert_msg(rs == NULL, "nothing is returned for a missing path");
}
END_TEST

/* ---------------------------------------------------------------- severity */

static const struct {
	const char *word;
	int ok;
	secm_severity sev;
} severity_rows[] = {
	{ "critical", 0, SECM_SEV_CRITICAL },
	{ "high", 0, SECM_SEV_HIGH },
	{ "medium", 0, SECM_SEV_MEDIUM },
	{ "low", 0, SECM_SEV_LOW },
	{ "Critical", -1, SECM_SEV_LOW },
	{ "urgent", -1, SECM_SEV_LOW },
	{ "", -1, SECM_SEV_LOW },
};

START_TEST(test_severity_words)
{
	secm_severity s = SECM_SEV_LOW;
	int rc = secm_severity_parse(severity_rows[_i].word, &s);

	ck_assert_msg(rc == severity_rows[_i].ok, "'%s' is %s severity word",
		      severity_rows[_i].word, severity_rows[_i].ok == 0 ? "a" : "not a");
	if (rc == 0) {
		ck_assert_msg(s == severity_rows[_i].sev, "'%s' parses to its level",
			      severity_rows[_i].word);
		ck_assert_str_eq(secm_severity_name(s), severity_rows[_i].word);
	}
}
END_TEST

START_TEST(test_severity_name_out_of_range)
{
	ck_assert_str_eq(secm_severity_name((secm_severity)9), "unknown");
	ck_assert_msg(secm_severity_parse(NULL, NULL) == -1, "NULL is not a severity");
}
END_TEST

/* rules_suite - all loader tests */
static Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *good = tcase_create("good files");
	TCase *broken = tcase_create("broken files");
	TCase *sev = tcase_create("severity");

	tcase_add_test(good, test_good_dir_loads_every_rule_in_file_order);
	tcase_add_test(good, test_rule_details_are_kept);
	tcase_add_test(good, test_japanese_keyword_is_kept_as_utf8);
	tcase_add_test(good, test_sensitive_keywords_are_kept_as_written);
	tcase_add_test(good, test_examples_of_good_rules_hold);
	tcase_add_test(good, test_failing_examples_are_named);
	tcase_add_test(good, test_limits_default_and_given);
	tcase_add_loop_test(broken, test_broken_file, 0, N(broken_rows));
	tcase_add_test(broken, test_regex_error_offset_is_in_the_record);
	tcase_add_test(broken, test_broken_file_fails_without_error_record);
	tcase_add_test(broken, test_duplicate_id_across_files);
	tcase_add_test(broken, test_directory_without_rules);
	tcase_add_test(broken, test_missing_paths);
	tcase_add_loop_test(sev, test_severity_words, 0, N(severity_rows));
	tcase_add_test(sev, test_severity_name_out_of_range);
	suite_add_tcase(s, good);
	suite_add_tcase(s, broken);
	suite_add_tcase(s, sev);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
