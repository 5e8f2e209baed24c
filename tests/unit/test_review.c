/*
 * test_review.c - the review tool's store pieces (milter/review/
 * review_store.c, review_audit.c): item ids that cannot leave the store,
 * RFC 3339 times, list filters, the atomic state rewrite, the lock and
 * the audit line format.
 */
#include "autoconfig.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "review.h"

static char tmpdir[] = "/tmp/test_review.XXXXXX";

#define ID "20261126T020000Z-4XyZ7-0123456789ab"

static const struct { const char *label; const char *id; int valid; } ids[] = {
	{ "a store id is valid", ID, 1 },
	{ "a path with .. is not an id", "../etc/passwd", 0 },
	{ "a slash is not allowed", "a/b", 0 },
	{ "a leading dash (an option) is not an id", "-rf", 0 },
	{ "a dot file (the lock) is not an id", ".lock", 0 },
	{ "the empty string is not an id", "", 0 },
	{ "an id of 64 characters is too long",
	  "0123456789012345678901234567890123456789012345678901234567890123", 0 },
};

START_TEST(item_ids_never_name_a_file_outside_the_store)
{
	ck_assert_msg(review_id_valid(ids[_i].id) == ids[_i].valid, "%s", ids[_i].label);
}
END_TEST

START_TEST(rfc3339_times_parse_and_format_both_ways)
{
	char buf[32];

	ck_assert_int_eq((long long)review_parse_time("2026-11-26T02:00:00Z"), 1795658400LL);
	ck_assert_int_eq((long long)review_parse_time("2026-11-26 02:00:00"), -1);
	ck_assert_int_eq((long long)review_parse_time(NULL), -1);
	review_rfc3339((time_t)1795658400, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2026-11-26T02:00:00Z");
}
END_TEST

/* write_item - a store item with the given sender, rule and recipient */
static void write_item(const char *dir)
{
	char path[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.json", dir, ID);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("{\"id\":\"" ID "\",\"queue_id\":\"4XyZ7\",\"time\":\"2026-11-26T02:00:00Z\","
	      "\"action\":\"quarantine\",\"sender\":\"a@example.com\",\"recipients\":"
	      "[\"B@Gmail.com\"],\"findings\":[{\"rule\":\"aws-access-key-id\"}]}\n", fp);
	fclose(fp);
	chmod(path, 0600);
	snprintf(path, sizeof(path), "%s/%s.eml", dir, ID);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("From: a@example.com\n\nbody\n", fp);
	fclose(fp);
}

START_TEST(filters_select_by_age_rule_sender_and_recipient)
{
	review_store st;
	review_item it;
	time_t t0 = (time_t)1795658400;
	static const struct {
		const char *label;
		review_filter f;
		time_t now;
		int match;
	} rows[] = {
		{ "no filter selects everything", { -1, -1, NULL, NULL, NULL }, 0, 1 },
		{ "an item of 2 days is older than 1 day", { 1, -1, NULL, NULL, NULL }, 2 * 86400, 1 },
		{ "an item of 2 days is not newer than 1 day", { -1, 1, NULL, NULL, NULL }, 2 * 86400, 0 },
		{ "an item of 1 hour is newer than 1 day", { -1, 1, NULL, NULL, NULL }, 3600, 1 },
		{ "--older-than 0 selects an item stored just now", { 0, -1, NULL, NULL, NULL }, 0, 1 },
		{ "the rule of a finding selects", { -1, -1, "aws-access-key-id", NULL, NULL }, 0, 1 },
		{ "another rule does not", { -1, -1, "github-token", NULL, NULL }, 0, 0 },
		{ "the sender selects, in any case", { -1, -1, NULL, "A@EXAMPLE.COM", NULL }, 0, 1 },
		{ "another sender does not", { -1, -1, NULL, "x@example.com", NULL }, 0, 0 },
		{ "a recipient selects, in any case", { -1, -1, NULL, NULL, "b@gmail.com" }, 0, 1 },
		{ "another recipient does not", { -1, -1, NULL, NULL, "c@gmail.com" }, 0, 0 },
	};

	write_item(tmpdir);
	ck_assert_int_eq(review_store_open(&st, tmpdir), REVIEW_OK);
	ck_assert_int_eq(review_item_load(&st, ID, &it), REVIEW_OK);
	ck_assert_int_eq((long long)it.when, (long long)t0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(review_filter_match(&rows[i].f, &it, t0 + rows[i].now) == rows[i].match,
			      "%s", rows[i].label);
	review_item_free(&it);
	ck_assert_int_eq(review_item_load(&st, "20990101T000000Z-NOQUEUE-000000000000", &it),
			 REVIEW_NOTFOUND);
	review_store_close(&st);
}
END_TEST

START_TEST(a_state_change_rewrites_the_metadata_atomically_and_privately)
{
	review_store st;
	review_item it, again;
	char path[600];
	struct stat sb;

	write_item(tmpdir);
	ck_assert_int_eq(review_store_open(&st, tmpdir), REVIEW_OK);
	ck_assert_int_eq(review_item_load(&st, ID, &it), REVIEW_OK);
	ck_assert_str_eq(review_item_state(&it), "held");
	json_object_object_add(it.meta, "state", json_object_new_string("released"));
	ck_assert_int_eq(review_item_write_meta(&st, &it), REVIEW_OK);
	ck_assert_int_eq(review_item_load(&st, ID, &again), REVIEW_OK);
	ck_assert_msg(strcmp(review_item_state(&again), "released") == 0,
		      "the new state is read back");
	ck_assert_str_eq(review_meta_str(&again, "sender"), "a@example.com");
	snprintf(path, sizeof(path), "%s/%s.json", tmpdir, ID);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_msg((sb.st_mode & 07777) == 0600, "the rewritten .json is 0600 (%o)",
		      sb.st_mode & 07777);
	snprintf(path, sizeof(path), "%s/.%s.json.tmp", tmpdir, ID);
	ck_assert_msg(access(path, F_OK) != 0, "no temp file is left behind");
	ck_assert_int_eq(review_item_remove(&st, ID), REVIEW_OK);
	ck_assert_int_eq(review_item_remove(&st, ID), REVIEW_NOTFOUND);
	review_item_free(&it);
	review_item_free(&again);
	review_store_close(&st);
}
END_TEST

START_TEST(an_exclusive_lock_keeps_out_a_second_writer_and_readers)
{
	review_store a, b;

	ck_assert_int_eq(review_store_open(&a, tmpdir), REVIEW_OK);
	ck_assert_int_eq(review_store_open(&b, tmpdir), REVIEW_OK);
	ck_assert_int_eq(review_store_lock(&a, 1, 0), REVIEW_OK);
	ck_assert_msg(review_store_lock(&b, 1, 0) == REVIEW_REFUSED, "a second writer is refused");
	close(b.lockfd);
	b.lockfd = -1;
	ck_assert_msg(review_store_lock(&b, 0, 0) == REVIEW_REFUSED, "a reader is refused");
	review_store_close(&a);
	close(b.lockfd);
	b.lockfd = -1;
	ck_assert_msg(review_store_lock(&b, 0, 0) == REVIEW_OK, "once free, a reader gets in");
	review_store_close(&b);
}
END_TEST

START_TEST(an_audit_line_holds_time_user_action_item_result_and_nothing_else)
{
	review_store st;
	char path[600], line[1024];
	struct stat sb;
	FILE *fp;

	setenv("SUDO_USER", "ali ce\n", 1);
	ck_assert_int_eq(review_store_open(&st, tmpdir), REVIEW_OK);
	ck_assert_int_eq(review_audit_open(&st, NULL), REVIEW_OK);
	ck_assert_int_eq(review_audit(&st, "release", ID, "ok", "postsuper-H queue_id=4XyZ7\nx"),
			 REVIEW_OK);
	review_store_close(&st);
	unsetenv("SUDO_USER");
	snprintf(path, sizeof(path), "%s/audit.log", tmpdir);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_msg((sb.st_mode & 07777) == 0600, "the audit log is 0600");
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_msg(fgets(line + 500, 10, fp) == NULL, "one record is one line");
	fclose(fp);
	ck_assert_msg(strstr(line, "Z user=") == line + 19, "the line starts with the time: %s", line);
	ck_assert_msg(strstr(line, " sudo_user=ali_ce_ action=release item=" ID
			     " result=ok postsuper-H queue_id=4XyZ7_x\n") != NULL,
		      "SUDO_USER and the detail cannot break the line: %s", line);
	unlink(path);
}
END_TEST

/* suite - all cases */
static Suite *suite(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("store");

	tcase_add_loop_test(tc, item_ids_never_name_a_file_outside_the_store, 0,
			    sizeof(ids) / sizeof(ids[0]));
	tcase_add_test(tc, rfc3339_times_parse_and_format_both_ways);
	tcase_add_test(tc, filters_select_by_age_rule_sender_and_recipient);
	tcase_add_test(tc, a_state_change_rewrites_the_metadata_atomically_and_privately);
	tcase_add_test(tc, an_exclusive_lock_keeps_out_a_second_writer_and_readers);
	tcase_add_test(tc, an_audit_line_holds_time_user_action_item_result_and_nothing_else);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run in a private temp dir */
int main(void)
{
	SRunner *sr;
	int failed;
	char cmd[128];

	if (mkdtemp(tmpdir) == NULL)
		return 99;
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		failed++;
	return failed ? 1 : 0;
}
