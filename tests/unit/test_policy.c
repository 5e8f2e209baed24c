/*
 * test_policy.c - findings + envelope -> action (policy.c).
 */
#include "autoconfig.h"

#include <check.h>
#include <string.h>

#include "config.h"
#include "policy.h"

#define MAXR 4
#define MAXF 4

/* config_with - defaults plus internal domains example.com and
 * Corp.Example (mixed case on purpose) */
static void config_with(secm_config *c)
{
	const char *dom[] = { "example.com", "Corp.Example", NULL };

	ck_assert_int_eq(secm_config_defaults(c), 0);
	for (size_t i = 0; dom[i] != NULL; i++)
		c->internal_domains[c->n_internal_domains++] = strdup(dom[i]);
}

static const struct internal_row {
	const char *label;
	const char *rcpts[MAXR];
	int internal;
} internal_rows[] = {
	{ "mail without recipients is not internal", { NULL }, 0 },
	{ "one recipient in an internal domain is internal", { "alice@example.com" }, 1 },
	{ "domains compare case-insensitively", { "alice@EXAMPLE.com", "bob@corp.EXAMPLE" }, 1 },
	{ "a trailing dot on the domain is ignored", { "alice@example.com." }, 1 },
	{ "one outside recipient makes the mail external",
	  { "alice@example.com", "eve@elsewhere.example" }, 0 },
	{ "a subdomain of an internal domain is not internal", { "alice@mail.example.com" }, 0 },
	{ "a parent of an internal domain is not internal", { "alice@example" }, 0 },
	{ "a domain that only ends like an internal one is not internal", { "x@badexample.com" }, 0 },
	{ "a local mailbox without @ is internal", { "postmaster" }, 1 },
	{ "a local mailbox with an outside recipient is external", { "root", "x@gmail.com" }, 0 },
	{ "the last @ decides the domain", { "\"a@elsewhere\"@example.com" }, 1 },
	{ "an address literal is external unless listed", { "x@[192.0.2.1]" }, 0 },
	{ "an empty domain is external", { "x@" }, 0 },
};

START_TEST(recipients_decide_internal_or_external)
{
	const struct internal_row *r = &internal_rows[_i];
	secm_envelope env = { "ABC123", "sender@example.com", r->rcpts, 0, NULL, NULL, NULL };
	secm_config c;

	while (env.nrcpts < MAXR && r->rcpts[env.nrcpts] != NULL)
		env.nrcpts++;
	config_with(&c);
	ck_assert_msg(secm_policy_is_internal(&c, &env) == r->internal, "%s", r->label);
	secm_config_free(&c);
}
END_TEST

START_TEST(without_internal_domains_only_local_mailboxes_are_internal)
{
	const char *ext[] = { "alice@example.com" };
	const char *loc[] = { "postmaster" };
	secm_envelope env = { NULL, "", ext, 1, NULL, NULL, NULL };
	secm_config c;

	ck_assert_int_eq(secm_config_defaults(&c), 0);
	ck_assert_int_eq(secm_policy_is_internal(&c, &env), 0);
	env.rcpts = loc;
	ck_assert_int_eq(secm_policy_is_internal(&c, &env), 1);
	ck_assert_int_eq(secm_policy_is_internal(&c, NULL), 0);
	secm_config_free(&c);
}
END_TEST

enum { NONE = -1 };

static const struct decide_row {
	const char *label;
	const char *rcpt;
	int sev[MAXF];		/* severities, NONE-terminated */
	secm_action expect;
} decide_rows[] = {
	{ "no findings are accepted", "x@gmail.com", { NONE }, SECM_ACT_ACCEPT },
	{ "no findings are accepted internally too", "x@example.com", { NONE }, SECM_ACT_ACCEPT },
	{ "a critical finding leaving the domains is rejected", "x@gmail.com",
	  { SECM_SEV_CRITICAL, NONE }, SECM_ACT_REJECT },
	{ "a critical finding staying inside is redacted", "x@example.com",
	  { SECM_SEV_CRITICAL, NONE }, SECM_ACT_REDACT },
	{ "a high finding leaving is redacted", "x@gmail.com", { SECM_SEV_HIGH, NONE }, SECM_ACT_REDACT },
	{ "a high finding inside is redacted", "x@example.com", { SECM_SEV_HIGH, NONE }, SECM_ACT_REDACT },
	{ "a medium finding leaving is redacted", "x@gmail.com", { SECM_SEV_MEDIUM, NONE }, SECM_ACT_REDACT },
	{ "a medium finding inside is tagged", "x@example.com", { SECM_SEV_MEDIUM, NONE }, SECM_ACT_TAG },
	{ "a low finding leaving is tagged", "x@gmail.com", { SECM_SEV_LOW, NONE }, SECM_ACT_TAG },
	{ "a low finding inside is tagged", "x@example.com", { SECM_SEV_LOW, NONE }, SECM_ACT_TAG },
	{ "the strongest action wins whatever the order", "x@gmail.com",
	  { SECM_SEV_LOW, SECM_SEV_CRITICAL, SECM_SEV_MEDIUM, NONE }, SECM_ACT_REJECT },
	{ "the strongest action wins inside too", "x@example.com",
	  { SECM_SEV_LOW, SECM_SEV_HIGH, SECM_SEV_MEDIUM, NONE }, SECM_ACT_REDACT },
	{ "an unknown severity counts as critical", "x@gmail.com", { 17, NONE }, SECM_ACT_REJECT },
};

START_TEST(findings_map_to_the_strongest_action)
{
	const struct decide_row *r = &decide_rows[_i];
	const char *rcpts[] = { r->rcpt };
	secm_envelope env = { "ABC123", "s@example.com", rcpts, 1, "192.0.2.1", "client.example", NULL };
	secm_finding f[MAXF];
	secm_config c;
	size_t n = 0;

	memset(f, 0, sizeof(f));
	for (; n < MAXF && r->sev[n] != NONE; n++) {
		f[n].rule_id = "test-rule";
		f[n].severity = (secm_severity)r->sev[n];
	}
	config_with(&c);
	ck_assert_msg(secm_policy_decide(&c, &env, f, n) == r->expect, "%s: got %s",
		      r->label, secm_action_name(secm_policy_decide(&c, &env, f, n)));
	secm_config_free(&c);
}
END_TEST

START_TEST(a_configured_table_is_followed_and_tempfail_is_never_chosen)
{
	const char *rcpts[] = { "x@gmail.com" };
	secm_envelope env = { "Q1", "", rcpts, 1, NULL, NULL, NULL };
	secm_finding f;
	secm_config c;

	memset(&f, 0, sizeof(f));
	f.severity = SECM_SEV_LOW;
	ck_assert_int_eq(secm_config_defaults(&c), 0);
	c.external_action[SECM_SEV_LOW] = SECM_ACT_QUARANTINE;
	ck_assert_int_eq(secm_policy_decide(&c, &env, &f, 1), SECM_ACT_QUARANTINE);
	c.external_action[SECM_SEV_LOW] = SECM_ACT_ACCEPT;
	ck_assert_int_eq(secm_policy_decide(&c, &env, &f, 1), SECM_ACT_ACCEPT);
	/* a table entry forced to tempfail is capped: findings never tempfail */
	c.external_action[SECM_SEV_LOW] = SECM_ACT_TEMPFAIL;
	ck_assert_int_eq(secm_policy_decide(&c, &env, &f, 1), SECM_ACT_REJECT);
	/* a NULL findings array with n > 0 is treated as no findings */
	ck_assert_int_eq(secm_policy_decide(&c, &env, NULL, 3), SECM_ACT_ACCEPT);
	secm_config_free(&c);
}
END_TEST

START_TEST(actions_are_ordered_by_strength)
{
	ck_assert_int_lt(SECM_ACT_ACCEPT, SECM_ACT_TAG);
	ck_assert_int_lt(SECM_ACT_TAG, SECM_ACT_REDACT);
	ck_assert_int_lt(SECM_ACT_REDACT, SECM_ACT_QUARANTINE);
	ck_assert_int_lt(SECM_ACT_QUARANTINE, SECM_ACT_REJECT);
}
END_TEST

/* policy_suite - every case above */
static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("decide");

	tcase_add_loop_test(tc, recipients_decide_internal_or_external, 0,
			    sizeof(internal_rows) / sizeof(internal_rows[0]));
	tcase_add_test(tc, without_internal_domains_only_local_mailboxes_are_internal);
	tcase_add_loop_test(tc, findings_map_to_the_strongest_action, 0,
			    sizeof(decide_rows) / sizeof(decide_rows[0]));
	tcase_add_test(tc, a_configured_table_is_followed_and_tempfail_is_never_chosen);
	tcase_add_test(tc, actions_are_ordered_by_strength);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
