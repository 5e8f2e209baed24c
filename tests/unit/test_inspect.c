/*
 * test_inspect.c - which rule names a finding when several rules find the
 * same text (inspect.c: prefer): severity, then a structural validator,
 * then a rule outside generic.yml, then load order.
 *
 * Each row writes two fixture pattern files into a fresh temporary
 * directory, builds a snapshot from it and inspects one message on which
 * both rules match the same range.  The token is made-up test data.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspect.h"
#include "snapshot.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char message[] =
	"From: a@example.org\n"
	"To: b@example.net\n"
	"Subject: t\n"
	"\n"
	"fixture-context key fixtok_Q7mZ2xK9pL4vR8sT1wY3\n";

/* one fixture rule: both rules of a row share the regex, so they always
 * find the same range */
typedef struct fixture_rule {
	const char *file;	/* file name in the pattern directory */
	const char *id;
	const char *severity;
	int near;		/* 1: a near validator (structural) */
} fixture_rule;

typedef struct tie_row {
	const char *label;
	fixture_rule a, b;
	const char *winner;
} tie_row;

static const tie_row tie_rows[] = {
	{ "a provider rule beats a generic rule of equal severity that loads first",
	  { "generic.yml", "fixture-generic", "high", 0 },
	  { "specific.yml", "fixture-specific", "high", 0 },
	  "fixture-specific" },
	{ "a rule with a structural validator beats one without that loads first",
	  { "a.yml", "fixture-plain", "high", 0 },
	  { "b.yml", "fixture-near", "high", 1 },
	  "fixture-near" },
	{ "a structural validator outranks the generic file",
	  { "generic.yml", "fixture-generic-near", "high", 1 },
	  { "zz.yml", "fixture-plain", "high", 0 },
	  "fixture-generic-near" },
	{ "a higher severity outranks validator and file",
	  { "generic.yml", "fixture-generic", "critical", 0 },
	  { "specific.yml", "fixture-specific-near", "high", 1 },
	  "fixture-generic" },
	{ "between two alike rules the one loaded first wins",
	  { "a.yml", "fixture-first", "high", 0 },
	  { "b.yml", "fixture-second", "high", 0 },
	  "fixture-first" },
};

/* write_rule - write one fixture pattern file into dir */
static void write_rule(const char *dir, const fixture_rule *r)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, r->file);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp,
		"rules:\n"
		"  - id: %s\n"
		"    description: fixture rule\n"
		"    severity: %s\n"
		"    keywords: [fixtok_]\n"
		"    regex: '(?<![A-Za-z0-9])(?<secret>fixtok_[A-Za-z0-9]{20})(?![A-Za-z0-9])'\n"
		"%s"
		"    examples:\n"
		"      - 'fixture-context fixtok_Q7mZ2xK9pL4vR8sT1wY3'\n"
		"    negative_examples:\n"
		"      - 'fixtok_short'\n",
		r->id, r->severity,
		r->near ? "    validators:\n"
			  "      near:\n"
			  "        regex: 'fixture-context'\n"
			  "        distance: 100\n" : "");
	ck_assert_int_eq(fclose(fp), 0);
}

/* remove_rule - delete a fixture file written by write_rule */
static void remove_rule(const char *dir, const fixture_rule *r)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, r->file);
	unlink(path);
}

START_TEST(test_tie_break)
{
	const tie_row *row = &tie_rows[_i];
	char dir[] = "/tmp/secm-test-inspect-XXXXXX";
	secm_snapshot *snap = NULL;
	secm_error err;
	secm_result res;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_rule(dir, &row->a);
	write_rule(dir, &row->b);
	secm_error_clear(&err);
	rc = secm_snapshot_build(NULL, dir, &snap, &err);
	remove_rule(dir, &row->a);
	remove_rule(dir, &row->b);
	rmdir(dir);
	ck_assert_msg(rc == 0, "%s: patterns: %s", row->label, err.text);
	ck_assert_uint_eq(secm_ruleset_count(snap->rules), 2);

	memset(&res, 0, sizeof(res));
	secm_inspect(snap, (const unsigned char *)message, strlen(message),
		     NULL, 0, &res);
	ck_assert_msg(res.nfindings == 1, "%s: %zu findings (%s)", row->label,
		      res.nfindings, res.reason);
	ck_assert_msg(strcmp(res.findings[0].rule_id, row->winner) == 0,
		      "%s: named by %s, not %s", row->label,
		      res.findings[0].rule_id, row->winner);
	ck_assert_msg(strstr(res.header, row->winner) != NULL,
		      "%s: header does not name %s", row->label, row->winner);
	secm_result_free(&res);
	secm_snapshot_unref(snap);
}
END_TEST

/* inspect_suite - the suite */
static Suite *inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = tcase_create("tie-break");

	tcase_add_loop_test(tc, test_tie_break, 0, (int)N(tie_rows));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(inspect_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
