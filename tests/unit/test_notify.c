/*
 * test_notify.c - notices (notify.c): who gets one (RFC 3834 skip rules,
 * our own notices), the text (rule ids, parts, reference, headers, never
 * the secret, English and Japanese) and the hand-off to a sendmail(1)
 * command (a fake one that writes its arguments and input to files).
 */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_table.h"
#include "notify.h"

#define CANARY "AKIAZ5Q7NQ3H2K4M6P7R"

static char tmpdir[] = "/tmp/test_notify.XXXXXX";

/* a leaky message: the canary in the Subject and the body */
#define LEAKY_BODY "\r\n\r\nthe key is " CANARY "\r\n"
#define LEAKY_SUBJECT "Subject: key " CANARY "\r\n"

static const secm_finding findings[] = {
	{ .rule_id = "aws-access-key-id", .severity = SECM_SEV_CRITICAL, .part = "1" },
	{ .rule_id = "aws-access-key-id", .severity = SECM_SEV_CRITICAL, .part = "1" },
	{ .rule_id = "github-pat", .severity = SECM_SEV_HIGH, .part = "subject" },
};
static const char *const rcpts[] = { "bob@example.net", "carol@secm.test" };
static const secm_envelope env = { "4ABC123", "alice@secm.test", rcpts, 2, "127.0.0.1", NULL, NULL };

/* slurp - a whole file as a string, NULL when absent */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* ---------------------------------------------------------------- skip rules */

static const struct {
	const char *label;
	const char *headers;
	const char *sender;
	const char *expect;	/* NULL: the sender gets a notice */
} skip_rows[] = {
	{ "an ordinary message from a person gets a notice",
	  "From: a@b\r\nSubject: hi\r\n", "alice@secm.test", NULL },
	{ "the null sender gets none",
	  "From: a@b\r\n", "", "null-sender" },
	{ "MAILER-DAEMON gets none",
	  "From: a@b\r\n", "MAILER-DAEMON@mx.secm.test", "mailer-daemon" },
	{ "Auto-Submitted: auto-replied gets none",
	  "Auto-Submitted: auto-replied\r\n", "alice@secm.test", "auto-submitted" },
	{ "Auto-Submitted: auto-generated with a comment gets none",
	  "auto-submitted:  auto-generated (vacation)\r\n", "alice@secm.test", "auto-submitted" },
	{ "Auto-Submitted: no still gets a notice",
	  "Auto-Submitted: no\r\n", "alice@secm.test", NULL },
	{ "Precedence: bulk gets none",
	  "Precedence: bulk\r\n", "alice@secm.test", "precedence" },
	{ "Precedence: list gets none",
	  "Precedence: list\r\n", "alice@secm.test", "precedence" },
	{ "Precedence: junk gets none",
	  "Precedence: junk\r\n", "alice@secm.test", "precedence" },
	{ "Precedence: first-class still gets a notice",
	  "Precedence: first-class\r\n", "alice@secm.test", NULL },
	{ "list mail (List-Id) gets none",
	  "List-Id: <dev.lists.secm.test>\r\n", "alice@secm.test", "list-mail" },
	{ "an Auto-Submitted line in the body does not count",
	  "From: a@b\r\n\r\nAuto-Submitted: auto-generated\r\n", "alice@secm.test", NULL },
};

START_TEST(skip_rules_follow_rfc_3834)
{
	const char *h = skip_rows[_i].headers;
	const char *got = secm_notify_skip_sender((const unsigned char *)h, strlen(h),
						  skip_rows[_i].sender);

	if (skip_rows[_i].expect == NULL)
		ck_assert_msg(got == NULL, "%s (got %s)", skip_rows[_i].label, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, skip_rows[_i].expect) == 0,
			      "%s (got %s)", skip_rows[_i].label, got ? got : "a notice");
}
END_TEST

static const struct {
	const char *label;
	const char *headers;
	const char *sender;
	int expect;
} own_rows[] = {
	{ "our notice from the null sender is recognised",
	  "Auto-Submitted: auto-generated\nX-Secret-Milter-Notice: yes\n\nbody\n", "", 1 },
	{ "the marker from a real sender is not (anyone can write a header)",
	  "Auto-Submitted: auto-generated\nX-Secret-Milter-Notice: yes\n\n", "eve@x.test", 0 },
	{ "the marker without Auto-Submitted is not",
	  "X-Secret-Milter-Notice: yes\n\n", "", 0 },
	{ "Auto-Submitted without the marker is not (a bounce is scanned as usual)",
	  "Auto-Submitted: auto-replied\n\n", "", 0 },
};

START_TEST(own_notices_are_recognised)
{
	const char *h = own_rows[_i].headers;

	ck_assert_msg(secm_notify_is_notice((const unsigned char *)h, strlen(h),
					    own_rows[_i].sender) == own_rows[_i].expect,
		      "%s", own_rows[_i].label);
}
END_TEST

static const struct {
	const char *label;
	const char *list;
	secm_action a;
	int expect;
} wanted_rows[] = {
	{ "reject is in the default list", "reject,quarantine,redact", SECM_ACT_REJECT, 1 },
	{ "redact is in the default list", "reject,quarantine,redact", SECM_ACT_REDACT, 1 },
	{ "quarantine is not in \"reject, redact\"", "reject, redact", SECM_ACT_QUARANTINE, 0 },
	{ "words are case-insensitive", "Quarantine", SECM_ACT_QUARANTINE, 1 },
	{ "tag never gets a notice", "reject,quarantine,redact", SECM_ACT_TAG, 0 },
	{ "tempfail never gets a notice", "reject,quarantine,redact", SECM_ACT_TEMPFAIL, 0 },
	{ "a prefix of a word does not match", "rej", SECM_ACT_REJECT, 0 },
};

START_TEST(notify_on_selects_actions)
{
	ck_assert_msg(secm_notify_wanted(wanted_rows[_i].list, wanted_rows[_i].a) ==
		      wanted_rows[_i].expect, "%s", wanted_rows[_i].label);
}
END_TEST

START_TEST(a_folded_header_is_unfolded)
{
	const char *h = "X-A: 1\r\nPrecedence:\r\n   bulk  \r\n\tmore\r\nX-B: 2\r\n\r\n";
	char buf[64];

	ck_assert_int_eq(secm_notify_header((const unsigned char *)h, strlen(h), "precedence",
					    buf, sizeof(buf)), 1);
	/* continuation lines joined, the tab blanked, both ends trimmed */
	ck_assert_str_eq(buf, "bulk   more");
	ck_assert_int_eq(secm_notify_header((const unsigned char *)h, strlen(h), "X-C",
					    buf, sizeof(buf)), 0);
}
END_TEST

/* ---------------------------------------------------------------- text */

static const struct {
	const char *label;
	secm_action a;
	const char *lang;
	int kept;
	const char *must[4];
} text_rows[] = {
	{ "a reject notice says it was not delivered", SECM_ACT_REJECT, "en", 0,
	  { "NOT delivered", "Subject: Message not delivered", "send the message again", NULL } },
	{ "a quarantine notice says it is held", SECM_ACT_QUARANTINE, "en", 0,
	  { "HELD for review", "Subject: Message held for review", "release it", NULL } },
	{ "a redact notice with the original kept offers a release", SECM_ACT_REDACT, "en", 1,
	  { "[REDACTED:rule-id]", "release the", "quoting the reference REF-1", NULL } },
	{ "a redact notice without the original says it was not kept", SECM_ACT_REDACT, "en", 0,
	  { "The original was not kept", NULL } },
	{ "a Japanese notice has a Japanese line, an encoded Subject and the English text",
	  SECM_ACT_REJECT, "ja", 0,
	  { "Subject: =?UTF-8?B?", "\xe9\x85\x8d\xe9\x80\x81", "---- English ----", "NOT delivered" } },
};

START_TEST(the_notice_names_rules_parts_and_reference_and_nothing_else)
{
	secm_buf out = SECM_BUF_INIT;
	secm_notice nt = {
		.action = text_rows[_i].a, .reference = "REF-1",
		.original_kept = text_rows[_i].kept, .env = &env, .findings = findings,
		.nfindings = 3, .from = "postmaster@mx.secm.test", .to = "alice@secm.test",
		.language = text_rows[_i].lang, .hostname = "mx.secm.test", .when = 1795000000
	};
	const char *body, *p;
	char *s;
	int count = 0;

	ck_assert_int_eq(secm_notify_build(&nt, &out), 0);
	ck_assert_int_eq(secm_buf_append(&out, "", 1), 0);
	s = (char *)out.data;
	for (int k = 0; k < 4 && text_rows[_i].must[k]; k++)
		ck_assert_msg(strstr(s, text_rows[_i].must[k]) != NULL, "%s: has \"%s\"",
			      text_rows[_i].label, text_rows[_i].must[k]);
	body = strstr(s, "\n\n");
	ck_assert_ptr_nonnull(body);
	/* the header a loop check and RFC 3834 readers rely on */
	ck_assert_ptr_nonnull(strstr(s, "\nAuto-Submitted: auto-generated\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nX-Secret-Milter-Notice: yes\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nContent-Type: text/plain; charset=UTF-8\n"));
	ck_assert_ptr_nonnull(strstr(s, "From: secret-milter <postmaster@mx.secm.test>\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nTo: <alice@secm.test>\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nDate: "));
	ck_assert_ptr_nonnull(strstr(s, "\nMessage-ID: <"));
	ck_assert_msg(strstr(body, "REF-1") != NULL, "%s: names the reference", text_rows[_i].label);
	ck_assert_ptr_nonnull(strstr(body, "4ABC123"));
	ck_assert_ptr_nonnull(strstr(body, "aws-access-key-id (critical)"));
	ck_assert_ptr_nonnull(strstr(body, "github-pat (high)"));
	ck_assert_ptr_nonnull(strstr(body, "bob@example.net, carol@secm.test"));
	/* a finding twice in the same part is listed once (per language) */
	for (p = body; (p = strstr(p, "aws-access-key-id (critical)")) != NULL; p++)
		count++;
	ck_assert_int_eq(count, strcmp(text_rows[_i].lang, "ja") == 0 ? 2 : 1);
	ck_assert_ptr_null(strstr(s, CANARY));
	ck_assert_ptr_null(strchr(s, '\r'));
	secm_buf_free(&out);
}
END_TEST

START_TEST(hostile_envelope_bytes_cannot_add_header_lines)
{
	const char *const bad[] = { "x@y\r\nBcc: eve@evil.test" };
	const secm_envelope benv = { "Q1\nX-Evil: 1", "a@b", bad, 1, NULL, NULL, NULL };
	secm_buf out = SECM_BUF_INIT;
	secm_notice nt = {
		.action = SECM_ACT_REJECT, .reference = "R\r\nBcc: eve@evil.test", .env = &benv,
		.findings = findings, .nfindings = 1, .from = "pm@x.test",
		.to = "a@b>\nBcc: eve@evil.test", .language = "en", .hostname = "h", .when = 0
	};

	ck_assert_int_eq(secm_notify_build(&nt, &out), 0);
	ck_assert_int_eq(secm_buf_append(&out, "", 1), 0);
	ck_assert_ptr_null(strstr((char *)out.data, "\nBcc:"));
	ck_assert_ptr_null(strstr((char *)out.data, "\nX-Evil:"));
	secm_buf_free(&out);
}
END_TEST

/* ---------------------------------------------------------------- sending */

/* fake_sendmail - a script that writes its arguments and input to files */
static void fake_sendmail(char *cmd, size_t len, int exit_code)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sendmail", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "#!/bin/sh\nprintf '%%s\\n' \"$@\" > %s/args\ncat > %s/msg\nexit %d\n",
		tmpdir, tmpdir, exit_code);
	fclose(fp);
	chmod(path, 0700);
	snprintf(cmd, len, "%s -oi", path);
	snprintf(path, sizeof(path), "%s/args", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/msg", tmpdir);
	unlink(path);
}

/* config - defaults plus "Key value" pairs */
static void config(secm_config *c, const char *const *kv)
{
	char why[256];

	ck_assert_int_eq(secm_config_defaults(c), 0);
	for (; kv[0] != NULL; kv += 2) {
		const secm_cfg_key *k = secm_cfg_find(secm_config_table, secm_config_table_len, kv[0]);

		ck_assert_ptr_nonnull(k);
		ck_assert_msg(secm_cfg_set(k, c, kv[1], why, sizeof(why)) == 0, "%s: %s", kv[0], why);
	}
}

static const struct {
	const char *label;
	const char *sender;
	const char *headers;
	int notify_sender;
	const char *security;	/* NULL: none */
	secm_action a;
	const char *args;	/* expected argument lines after the command, NULL: not run */
	const char *what;	/* expected start of the log words */
} msg_rows[] = {
	{ "a reject notifies the sender and the security copy through -G -i -f <>",
	  "alice@secm.test", "From: a@b\r\n" LEAKY_SUBJECT, 1, "sec@secm.test", SECM_ACT_REJECT,
	  "-oi\n-G\n-i\n-f\n<>\n--\nalice@secm.test\nsec@secm.test\n",
	  "notice=queued to=sender,security" },
	{ "the null sender gets none, the security copy still goes",
	  "", "From: a@b\r\n", 1, "sec@secm.test", SECM_ACT_QUARANTINE,
	  "-oi\n-G\n-i\n-f\n<>\n--\nsec@secm.test\n",
	  "notice=queued to=security sender-skipped=null-sender" },
	{ "the null sender without a security copy gets nothing at all",
	  "", "From: a@b\r\n", 1, NULL, SECM_ACT_REJECT, NULL, "notice=none reason=null-sender" },
	{ "our own notice passing the milter again gets nothing, not even a copy",
	  "", "Auto-Submitted: auto-generated\r\nX-Secret-Milter-Notice: yes\r\n", 1,
	  "sec@secm.test", SECM_ACT_REDACT, NULL, "notice=none reason=own-notice" },
	{ "list mail gets no notice",
	  "alice@secm.test", "List-Id: <l.secm.test>\r\n", 1, NULL, SECM_ACT_REDACT, NULL,
	  "notice=none reason=list-mail" },
	{ "with NotifySender no and no copy nothing is sent or logged",
	  "alice@secm.test", "From: a@b\r\n", 0, NULL, SECM_ACT_REJECT, NULL, "" },
	{ "an action outside NotifyOn sends nothing",
	  "alice@secm.test", "From: a@b\r\n", 1, NULL, SECM_ACT_TAG, NULL, "" },
};

START_TEST(the_right_people_get_the_notice_and_never_the_secret)
{
	const char *const kv[] = {
		"NotifySender", msg_rows[_i].notify_sender ? "yes" : "no",
		"NotifySecurityCopy", msg_rows[_i].security ? msg_rows[_i].security : "none",
		"NotifyFrom", "pm@secm.test", "SendmailCommand", NULL, NULL
	};
	char cmd[600], raw[512], what[200], path[600], *args, *msg;
	secm_envelope e = env;
	secm_config c;
	const char *kv2[11];

	fake_sendmail(cmd, sizeof(cmd), 0);
	memcpy(kv2, kv, sizeof(kv));
	kv2[7] = cmd;
	config(&c, kv2);
	e.sender = msg_rows[_i].sender;
	snprintf(raw, sizeof(raw), "%s%s", msg_rows[_i].headers, LEAKY_BODY);
	secm_notify_message(&c, msg_rows[_i].a, findings, 3, &e, (const unsigned char *)raw,
			    strlen(raw), "ITEM-9", 0, what, sizeof(what));
	ck_assert_int_eq(secm_notify_drain(10), 0);
	ck_assert_msg(strncmp(what, msg_rows[_i].what, strlen(msg_rows[_i].what)) == 0 &&
		      (msg_rows[_i].what[0] != '\0' || what[0] == '\0'),
		      "%s: log words \"%s\"", msg_rows[_i].label, what);
	snprintf(path, sizeof(path), "%s/args", tmpdir);
	args = slurp(path);
	snprintf(path, sizeof(path), "%s/msg", tmpdir);
	msg = slurp(path);
	if (msg_rows[_i].args == NULL) {
		ck_assert_msg(args == NULL, "%s: no command was run", msg_rows[_i].label);
	} else {
		ck_assert_msg(args != NULL && strcmp(args, msg_rows[_i].args) == 0,
			      "%s: arguments\n%s", msg_rows[_i].label, args ? args : "(none)");
		ck_assert_ptr_nonnull(msg);
		ck_assert_ptr_nonnull(strstr(msg, "ITEM-9"));
		ck_assert_ptr_nonnull(strstr(msg, "From: secret-milter <pm@secm.test>"));
		ck_assert_msg(strstr(msg, CANARY) == NULL, "%s: no secret", msg_rows[_i].label);
	}
	ck_assert_ptr_null(strstr(what, CANARY));
	free(args);
	free(msg);
	secm_config_free(&c);
}
END_TEST

START_TEST(a_failing_command_is_not_waited_for_by_the_caller)
{
	const char *const kv[] = { "NotifySender", "yes", "SendmailCommand", NULL, NULL };
	const char *kv2[5];
	char cmd[600], what[200];
	const char *raw = "From: a@b\r\n\r\nbody\r\n";
	secm_config c;

	fake_sendmail(cmd, sizeof(cmd), 75);
	memcpy(kv2, kv, sizeof(kv));
	kv2[3] = cmd;
	config(&c, kv2);
	ck_assert_int_eq(secm_notify_message(&c, SECM_ACT_REJECT, findings, 1, &env,
					     (const unsigned char *)raw, strlen(raw), NULL, 0,
					     what, sizeof(what)), 0);
	ck_assert_str_eq(what, "notice=queued to=sender");
	ck_assert_int_eq(secm_notify_drain(10), 0);
	secm_config_free(&c);
}
END_TEST

START_TEST(a_relative_or_missing_command_is_refused_up_front)
{
	const char *r[] = { "a@b" };
	char why[128];

	ck_assert_int_eq(secm_notify_send("sendmail", r, 1, (const unsigned char *)"x", 1,
					  "Q", why, sizeof(why)), -1);
	ck_assert_int_eq(secm_notify_send("/usr/sbin/sendmail", r, 0, (const unsigned char *)"x",
					  1, "Q", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "no command or no recipient");
}
END_TEST

START_TEST(the_config_keys_reject_bad_values)
{
	static const char *const bad[][2] = {
		{ "NotifyOn", "reject,tag" }, { "NotifyOn", "" }, { "NotifyFrom", "postmaster" },
		{ "NotifyFrom", "-oQ@x" }, { "NotifySecurityCopy", "a b@c" },
		{ "NotifyLanguage", "fr" }, { "SendmailCommand", "sendmail -t" },
		{ "KeepRedactedOriginal", "maybe" },
	};
	secm_config c;
	char why[256];

	ck_assert_int_eq(secm_config_defaults(&c), 0);
	ck_assert_int_eq(c.notify_sender, 0);
	ck_assert_int_eq(c.keep_redacted_original, 0);
	ck_assert_ptr_null(c.notify_from);
	ck_assert_ptr_null(c.notify_security_copy);
	ck_assert_str_eq(c.sendmail_command, "/usr/sbin/sendmail");
	ck_assert_str_eq(c.notify_language, "en");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const secm_cfg_key *k = secm_cfg_find(secm_config_table, secm_config_table_len,
						      bad[i][0]);

		ck_assert_ptr_nonnull(k);
		ck_assert_msg(secm_cfg_set(k, &c, bad[i][1], why, sizeof(why)) != 0,
			      "%s \"%s\" is refused", bad[i][0], bad[i][1]);
	}
	secm_config_free(&c);
}
END_TEST

/* main - the suite */
int main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");
	SRunner *sr;
	int failed;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, skip_rules_follow_rfc_3834, 0,
			    sizeof(skip_rows) / sizeof(skip_rows[0]));
	tcase_add_loop_test(tc, own_notices_are_recognised, 0,
			    sizeof(own_rows) / sizeof(own_rows[0]));
	tcase_add_loop_test(tc, notify_on_selects_actions, 0,
			    sizeof(wanted_rows) / sizeof(wanted_rows[0]));
	tcase_add_test(tc, a_folded_header_is_unfolded);
	tcase_add_loop_test(tc, the_notice_names_rules_parts_and_reference_and_nothing_else, 0,
			    sizeof(text_rows) / sizeof(text_rows[0]));
	tcase_add_test(tc, hostile_envelope_bytes_cannot_add_header_lines);
	tcase_add_loop_test(tc, the_right_people_get_the_notice_and_never_the_secret, 0,
			    sizeof(msg_rows) / sizeof(msg_rows[0]));
	tcase_add_test(tc, a_failing_command_is_not_waited_for_by_the_caller);
	tcase_add_test(tc, a_relative_or_missing_command_is_refused_up_front);
	tcase_add_test(tc, the_config_keys_reject_bad_values);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
