/*
 * test_log.c - log lines (log.c): "QUEUEID: text", timestamps on stderr,
 * no way for a caller's text to break a line, whole lines under threads.
 */
#include "autoconfig.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_tmpdir.h"
#include "error.h"
#include "log.h"

static char tmpdir[] = "/tmp/test_log.XXXXXX";

/* capture - run fn with stderr going to a file; the file's text */
static char *capture(void (*fn)(void))
{
	char path[512];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp, *mem;
	int saved, fd, c;

	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	fflush(stderr);
	saved = dup(2);
	fp = fopen(path, "w+");
	ck_assert_ptr_nonnull(fp);
	fd = fileno(fp);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(fp);
	mem = open_memstream(&buf, &len);
	while ((c = fgetc(fp)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(fp);
	return buf;
}

/* log_three - three lines on stderr, with and without queue ids */
static void log_three(void)
{
	ck_assert_int_eq(secm_log_open("test-milter", 0, "mail"), 0);
	secm_log(LOG_INFO, "4XyZ7", "action=%s rules=%s", "redact", "github-pat");
	secm_log(LOG_WARNING, NULL, "no queue id yet");
	secm_log(LOG_ERR, "", "empty queue id");
	secm_log_close();
}

START_TEST(stderr_lines_have_a_timestamp_ident_and_queue_id)
{
	char *out = capture(log_three);
	char ident[64];
	char *l1 = out, *l2, *l3;

	l2 = strchr(l1, '\n');
	ck_assert_ptr_nonnull(l2);
	*l2++ = '\0';
	l3 = strchr(l2, '\n');
	ck_assert_ptr_nonnull(l3);
	*l3++ = '\0';
	ck_assert_msg(strlen(l1) > 21 && l1[4] == '-' && l1[10] == 'T' && l1[19] == 'Z' && l1[20] == ' ',
		      "the line starts with an RFC 3339 UTC time: %s", l1);
	snprintf(ident, sizeof(ident), " test-milter[%ld]: ", (long)getpid());
	ck_assert_msg(strstr(l1, ident) == l1 + 20, "then the ident and pid: %s", l1);
	ck_assert_msg(strcmp(strstr(l1, "]: ") + 3, "4XyZ7: action=redact rules=github-pat") == 0,
		      "then QUEUEID: text: %s", l1);
	ck_assert_msg(strstr(l2, "]: NOQUEUE: no queue id yet") != NULL, "a NULL queue id is NOQUEUE: %s", l2);
	ck_assert_msg(strstr(l3, "]: NOQUEUE: empty queue id") != NULL, "an empty queue id is NOQUEUE: %s", l3);
	free(out);
}
END_TEST

/* log_hostile - text and queue id full of control characters */
static void log_hostile(void)
{
	secm_log_open("t", 0, NULL);
	secm_log(LOG_INFO, "Q\n1", "line one\nFAKE: forged line\r\x1b[31m");
	secm_log_close();
}

START_TEST(control_characters_cannot_forge_or_break_lines)
{
	char *out = capture(log_hostile);

	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1, "exactly one line: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "Q?1: line one?FAKE: forged line??[31m\n"));
	ck_assert_ptr_null(strchr(out, '\x1b'));
	free(out);
}
END_TEST

/* log_long - a line longer than the line buffer */
static void log_long(void)
{
	char big[5000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	secm_log(LOG_INFO, "Q2", "%s", big);
}

START_TEST(a_long_line_is_cut_and_still_ends_in_a_newline)
{
	char *out = capture(log_long);
	size_t n = strlen(out);

	ck_assert_uint_lt(n, 2400);
	ck_assert_int_eq(out[n - 1], '\n');
	ck_assert_ptr_nonnull(strstr(out, "...\n"));
	ck_assert_ptr_eq(strchr(out, '\n'), out + n - 1);
	free(out);
}
END_TEST

/* log_worker - 200 lines tagged with the queue id arg */
static void *log_worker(void *arg)
{
	for (int i = 0; i < 200; i++)
		secm_log(LOG_INFO, (const char *)arg, "message %d of a thread with a fairly long text to interleave", i);
	return NULL;
}

/* log_threads - four workers logging at once */
static void log_threads(void)
{
	pthread_t t[4];
	static const char *ids[] = { "AAAA", "BBBB", "CCCC", "DDDD" };

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, log_worker, (void *)ids[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
}

START_TEST(lines_from_threads_never_interleave)
{
	char *out = capture(log_threads);
	int lines = 0;

	for (char *l = strtok(out, "\n"); l != NULL; l = strtok(NULL, "\n")) {
		const char *q = strstr(l, "]: ");

		lines++;
		ck_assert_msg(q != NULL && strlen(q + 3) > 6 && q[7] == ':' &&
			      strstr(q, "to interleave") == l + strlen(l) - 13,
			      "a whole line: %s", l);
	}
	ck_assert_int_eq(lines, 800);
	free(out);
}
END_TEST

static const struct fac_row {
	const char *label;
	const char *name;
	int facility;
} fac_rows[] = {
	{ "mail is LOG_MAIL", "mail", LOG_MAIL },
	{ "names are case-insensitive", "MAIL", LOG_MAIL },
	{ "daemon is LOG_DAEMON", "daemon", LOG_DAEMON },
	{ "local7 is LOG_LOCAL7", "local7", LOG_LOCAL7 },
	{ "kern is not offered", "kern", -1 },
	{ "NULL is unknown", NULL, -1 },
};

START_TEST(facility_names_map_to_syslog_facilities)
{
	const struct fac_row *r = &fac_rows[_i];

	ck_assert_msg(secm_log_facility(r->name) == r->facility, "%s", r->label);
}
END_TEST

START_TEST(an_unknown_facility_is_refused_and_syslog_opens)
{
	ck_assert_int_eq(secm_log_open("t", 1, "kern"), SECM_ECONFIG);
	ck_assert_int_eq(secm_log_open("test_log", 1, "local7"), 0);
	secm_log(LOG_DEBUG, "TEST", "test_log unit test line");
	secm_log_close();
}
END_TEST

/* log_suite - every case above */
static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("lines");

	tcase_add_test(tc, stderr_lines_have_a_timestamp_ident_and_queue_id);
	tcase_add_test(tc, control_characters_cannot_forge_or_break_lines);
	tcase_add_test(tc, a_long_line_is_cut_and_still_ends_in_a_newline);
	tcase_add_test(tc, lines_from_threads_never_interleave);
	tcase_add_loop_test(tc, facility_names_map_to_syslog_facilities, 0,
			    sizeof(fac_rows) / sizeof(fac_rows[0]));
	tcase_add_test(tc, an_unknown_facility_is_refused_and_syslog_opens);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite in a private temporary directory */
int main(void)
{
	return secm_check_in_tmpdir(log_suite(), tmpdir);
}
