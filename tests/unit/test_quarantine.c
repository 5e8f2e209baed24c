/*
 * test_quarantine.c - the quarantine store (quarantine.c) writes both files
 * atomically with tight modes, and its JSON holds metadata but never the
 * planted canary secret.
 */
#include "autoconfig.h"

#include <check.h>
#include <dirent.h>
#include <glib.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_tmpdir.h"
#include "quarantine.h"

#define CANARY "AKIAQUARANTINECANARY7"

static char tmpdir[] = "/tmp/test_quarantine.XXXXXX";

static const char raw_msg[] =
	"From: a@example.com\r\nTo: b@gmail.com\r\nSubject: keys\r\n\r\n"
	"aws_access_key_id = " CANARY "\r\n";

/* slurp - whole file into a malloc'd buffer (NUL added), len set */
static char *slurp(const char *path, size_t *len)
{
	gchar *buf = NULL;
	gsize n = 0;
	char *copy;

	if (!g_file_get_contents(path, &buf, &n, NULL))
		return NULL;
	copy = malloc(n + 1);
	memcpy(copy, buf, n);
	copy[n] = '\0';
	g_free(buf);
	*len = n;
	return copy;
}

/* one_finding - what the scanner would report for the canary */
static void one_finding(secm_finding *f)
{
	memset(f, 0, sizeof(*f));
	f->rule_id = "aws-access-key-id";
	f->severity = SECM_SEV_CRITICAL;
	snprintf(f->part, sizeof(f->part), "1");
	f->start = 20;
	f->end = 20 + strlen(CANARY);
	snprintf(f->fingerprint, sizeof(f->fingerprint), "0123456789abcdef");
}

/* count_entries - files in dir, and whether any is a leftover temp file */
static int count_entries(const char *dir, int *temps)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*temps = 0;
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		if (strstr(e->d_name, ".tmp") != NULL)
			(*temps)++;
	}
	closedir(d);
	return n;
}

START_TEST(an_item_is_two_private_files_and_json_without_the_secret)
{
	const char *rcpts[] = { "b@gmail.com", "c@example.com" };
	secm_envelope env = { "4XyZ7", "a@example.com", rcpts, 2, "192.0.2.7", "client.example", "postfix" };
	char dir[512], path[700], id[64];
	secm_finding f;
	secm_error err;
	struct stat st;
	struct json_object *o, *v, *fa, *f0;
	char *eml, *json;
	size_t elen, jlen;
	int temps;

	one_finding(&f);
	/* a store directory that does not exist yet, two levels down */
	snprintf(dir, sizeof(dir), "%s/spool/quarantine", tmpdir);
	ck_assert_msg(secm_quarantine_store(dir, (const unsigned char *)raw_msg, strlen(raw_msg),
					    &env, SECM_ACT_QUARANTINE, "aws-access-key-id",
					    &f, 1, (time_t)1795658400, id, sizeof(id), &err) == 0,
		      "the item is stored: %s", err.text);
	ck_assert_msg(strncmp(id, "20261126T020000Z-4XyZ7-", 23) == 0, "the id reads time-queue-random: %s", id);
	ck_assert_uint_eq(strlen(id), 23 + 12);

	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0700, "the directory is created 0700 (%o)", st.st_mode & 07777);
	snprintf(path, sizeof(path), "%s/%s.eml", dir, id);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "the .eml is 0600 (%o)", st.st_mode & 07777);
	eml = slurp(path, &elen);
	ck_assert_msg(elen == strlen(raw_msg) && memcmp(eml, raw_msg, elen) == 0,
		      "the .eml holds the original bytes");
	free(eml);

	snprintf(path, sizeof(path), "%s/%s.json", dir, id);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "the .json is 0600 (%o)", st.st_mode & 07777);
	json = slurp(path, &jlen);
	ck_assert_msg(strstr(json, CANARY) == NULL, "the canary is nowhere in the .json");
	ck_assert_msg(strstr(json, "QUARANTINECANARY") == NULL, "no part of the canary is in the .json");
	ck_assert_msg(jlen > 0 && json[jlen - 1] == '\n', "the .json ends with a newline");
	o = json_tokener_parse(json);
	ck_assert_msg(o != NULL && json_object_is_type(o, json_type_object), "the .json parses");

	ck_assert(json_object_object_get_ex(o, "id", &v));
	ck_assert_str_eq(json_object_get_string(v), id);
	ck_assert(json_object_object_get_ex(o, "queue_id", &v));
	ck_assert_str_eq(json_object_get_string(v), "4XyZ7");
	ck_assert(json_object_object_get_ex(o, "time", &v));
	ck_assert_str_eq(json_object_get_string(v), "2026-11-26T02:00:00Z");
	ck_assert(json_object_object_get_ex(o, "action", &v));
	ck_assert_str_eq(json_object_get_string(v), "quarantine");
	ck_assert(json_object_object_get_ex(o, "reason", &v));
	ck_assert_str_eq(json_object_get_string(v), "aws-access-key-id");
	ck_assert(json_object_object_get_ex(o, "sender", &v));
	ck_assert_str_eq(json_object_get_string(v), "a@example.com");
	ck_assert(json_object_object_get_ex(o, "recipients", &v));
	ck_assert_int_eq(json_object_array_length(v), 2);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 1)), "c@example.com");
	ck_assert(json_object_object_get_ex(o, "client_addr", &v));
	ck_assert_str_eq(json_object_get_string(v), "192.0.2.7");
	ck_assert(json_object_object_get_ex(o, "client_name", &v));
	ck_assert_str_eq(json_object_get_string(v), "client.example");
	ck_assert(json_object_object_get_ex(o, "mta", &v));
	ck_assert_str_eq(json_object_get_string(v), "postfix");
	ck_assert(json_object_object_get_ex(o, "size", &v));
	ck_assert_int_eq(json_object_get_int64(v), (int64_t)strlen(raw_msg));
	ck_assert(json_object_object_get_ex(o, "findings", &fa));
	ck_assert_int_eq(json_object_array_length(fa), 1);
	f0 = json_object_array_get_idx(fa, 0);
	ck_assert(json_object_object_get_ex(f0, "rule", &v));
	ck_assert_str_eq(json_object_get_string(v), "aws-access-key-id");
	ck_assert(json_object_object_get_ex(f0, "severity", &v));
	ck_assert_str_eq(json_object_get_string(v), "critical");
	ck_assert(json_object_object_get_ex(f0, "part", &v));
	ck_assert_str_eq(json_object_get_string(v), "1");
	ck_assert(json_object_object_get_ex(f0, "start", &v));
	ck_assert_int_eq(json_object_get_int64(v), 20);
	ck_assert(json_object_object_get_ex(f0, "end", &v));
	ck_assert_int_eq(json_object_get_int64(v), 20 + (int64_t)strlen(CANARY));
	ck_assert(json_object_object_get_ex(f0, "fingerprint", &v));
	ck_assert_str_eq(json_object_get_string(v), "0123456789abcdef");
	json_object_put(o);
	free(json);

	ck_assert_int_eq(count_entries(dir, &temps), 2);
	ck_assert_msg(temps == 0, "no temporary file is left behind");
}
END_TEST

START_TEST(two_items_of_one_message_get_distinct_ids)
{
	secm_envelope env = { NULL, "", NULL, 0, NULL, NULL, NULL };
	char dir[512], id1[64], id2[64];
	secm_error err;
	int temps;

	snprintf(dir, sizeof(dir), "%s/twice", tmpdir);
	ck_assert_int_eq(secm_quarantine_store(dir, (const unsigned char *)"x", 1, &env,
					       SECM_ACT_REJECT, NULL, NULL, 0, 0, id1, sizeof(id1), &err), 0);
	ck_assert_int_eq(secm_quarantine_store(dir, (const unsigned char *)"x", 1, &env,
					       SECM_ACT_REJECT, NULL, NULL, 0, 0, id2, sizeof(id2), &err), 0);
	ck_assert_str_ne(id1, id2);
	ck_assert_msg(strstr(id1, "-NOQUEUE-") != NULL, "an unknown queue id reads NOQUEUE: %s", id1);
	ck_assert_int_eq(count_entries(dir, &temps), 4);
}
END_TEST

START_TEST(a_directory_others_can_read_is_refused)
{
	secm_envelope env = { "Q1", "", NULL, 0, NULL, NULL, NULL };
	char dir[512], id[64];
	secm_error err;
	int temps;

	snprintf(dir, sizeof(dir), "%s/open", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(secm_quarantine_store(dir, (const unsigned char *)"x", 1, &env,
					       SECM_ACT_QUARANTINE, "r", NULL, 0, 0, id, sizeof(id), &err),
			 SECM_ECONFIG);
	ck_assert_msg(strstr(err.text, "0755") && strstr(err.text, "chmod 700"),
		      "the error says the mode and the fix: %s", err.text);
	ck_assert_str_eq(err.file, dir);
	ck_assert_str_eq(id, "");
	ck_assert_int_eq(count_entries(dir, &temps), 0);
}
END_TEST

START_TEST(a_hostile_queue_id_cannot_leave_the_directory)
{
	secm_envelope env = { "../../etc/passwd", "", NULL, 0, NULL, NULL, NULL };
	char dir[512], id[64];
	secm_error err;

	snprintf(dir, sizeof(dir), "%s/hostile", tmpdir);
	ck_assert_int_eq(secm_quarantine_store(dir, (const unsigned char *)"x", 1, &env,
					       SECM_ACT_QUARANTINE, "r", NULL, 0, 0, id, sizeof(id), &err), 0);
	ck_assert_msg(strchr(id, '/') == NULL && strstr(id, "..") == NULL,
		      "the id has no path characters: %s", id);
}
END_TEST

START_TEST(envelope_bytes_that_are_not_utf8_still_give_valid_json)
{
	const char *rcpts[] = { "b\xff@example.com" };
	secm_envelope env = { "Q2", "a\xc3(@example.com", rcpts, 1, NULL, NULL, NULL };
	char dir[512], id[64], path[700];
	secm_error err;
	struct json_object *o, *v;
	char *json;
	size_t jlen;

	snprintf(dir, sizeof(dir), "%s/utf8", tmpdir);
	ck_assert_int_eq(secm_quarantine_store(dir, (const unsigned char *)"x", 1, &env,
					       SECM_ACT_QUARANTINE, "r", NULL, 0, 0, id, sizeof(id), &err), 0);
	snprintf(path, sizeof(path), "%s/%s.json", dir, id);
	json = slurp(path, &jlen);
	ck_assert_msg(g_utf8_validate(json, (gssize)jlen, NULL), "the .json is valid UTF-8");
	o = json_tokener_parse(json);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "client_addr", &v));
	ck_assert_msg(v == NULL, "a missing client address is null");
	ck_assert(json_object_object_get_ex(o, "findings", &v));
	ck_assert_int_eq(json_object_array_length(v), 0);
	json_object_put(o);
	free(json);
}
END_TEST

START_TEST(bad_arguments_are_errors_not_crashes)
{
	secm_envelope env = { "Q3", "", NULL, 0, NULL, NULL, NULL };
	char id[64], small[16];
	secm_error err;

	ck_assert_int_eq(secm_quarantine_store(tmpdir, (const unsigned char *)"x", 1, &env,
					       SECM_ACT_QUARANTINE, "r", NULL, 0, 0, small, sizeof(small), &err),
			 SECM_EINTERNAL);
	ck_assert_int_eq(secm_quarantine_store("", (const unsigned char *)"x", 1, &env,
					       SECM_ACT_QUARANTINE, "r", NULL, 0, 0, id, sizeof(id), &err),
			 SECM_EINTERNAL);
	ck_assert_int_eq(secm_quarantine_store(tmpdir, NULL, 5, &env,
					       SECM_ACT_QUARANTINE, "r", NULL, 0, 0, id, sizeof(id), &err),
			 SECM_EINTERNAL);
	ck_assert_int_eq(secm_quarantine_store("/proc/no/such/dir", (const unsigned char *)"x", 1, &env,
					       SECM_ACT_QUARANTINE, "r", NULL, 0, 0, id, sizeof(id), &err),
			 SECM_EIO);
	ck_assert_ptr_nonnull(strstr(err.text, "cannot create directory"));
}
END_TEST

/* quarantine_suite - every case above */
static Suite *quarantine_suite(void)
{
	Suite *s = suite_create("quarantine");
	TCase *tc = tcase_create("store");

	tcase_add_test(tc, an_item_is_two_private_files_and_json_without_the_secret);
	tcase_add_test(tc, two_items_of_one_message_get_distinct_ids);
	tcase_add_test(tc, a_directory_others_can_read_is_refused);
	tcase_add_test(tc, a_hostile_queue_id_cannot_leave_the_directory);
	tcase_add_test(tc, envelope_bytes_that_are_not_utf8_still_give_valid_json);
	tcase_add_test(tc, bad_arguments_are_errors_not_crashes);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite in a private temporary directory */
int main(void)
{
	return secm_check_in_tmpdir(quarantine_suite(), tmpdir);
}
