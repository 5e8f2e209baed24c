/*
 * test_fingerprint.c - keyed fingerprints (fingerprint.c), their key file
 * checks, and the JSON of findings (report.c).
 */
#include "autoconfig.h"

#include <check.h>
#include <fcntl.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_tmpdir.h"
#include "fingerprint.h"
#include "report.h"

static char tmpdir[] = "/tmp/test_fingerprint.XXXXXX";

/* key_file - write len bytes of data to a file of the given mode */
static const char *key_file(const char *name, const void *data, size_t len, mode_t mode)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

/* key_of - a key with the given bytes */
static secm_fpkey key_of(const char *bytes)
{
	secm_fpkey k;

	memset(&k, 0, sizeof(k));
	k.len = strlen(bytes);
	memcpy(k.key, bytes, k.len);
	return k;
}

static const struct fp_row {
	const char *label;
	const char *key;
	const char *value;
	const char *expect;	/* first 16 hex of HMAC-SHA256, from Python's hmac */
} fp_rows[] = {
	{ "a value gives the truncated HMAC-SHA256", "0123456789abcdef", "hunter2-secret", "5da897e77122e5c3" },
	{ "an empty value still has a fingerprint", "0123456789abcdef", "", "496dc93fa2d26eae" },
};

START_TEST(fingerprints_are_truncated_hmac_sha256)
{
	const struct fp_row *r = &fp_rows[_i];
	secm_fpkey k = key_of(r->key);
	char out[17];

	secm_fingerprint(&k, r->value, strlen(r->value), out);
	ck_assert_msg(strcmp(out, r->expect) == 0, "%s: got %s", r->label, out);
}
END_TEST

START_TEST(the_same_key_gives_the_same_fingerprint_and_another_key_another)
{
	secm_fpkey a = key_of("0123456789abcdef"), b = key_of("fedcba9876543210");
	char f1[17], f2[17], f3[17], f4[17];

	secm_fingerprint(&a, "ghp_secretvalue", 15, f1);
	secm_fingerprint(&a, "ghp_secretvalue", 15, f2);
	secm_fingerprint(&b, "ghp_secretvalue", 15, f3);
	secm_fingerprint(&a, "ghp_secretvaluf", 15, f4);
	ck_assert_str_eq(f1, f2);
	ck_assert_str_ne(f1, f3);
	ck_assert_str_ne(f1, f4);
	ck_assert_uint_eq(strlen(f1), 16);
	ck_assert_uint_eq(strspn(f1, "0123456789abcdef"), 16);
}
END_TEST

START_TEST(values_with_nul_bytes_are_fingerprinted_whole)
{
	secm_fpkey k = key_of("0123456789abcdef");
	char f1[17], f2[17];

	secm_fingerprint(&k, "ab\0cd", 5, f1);
	secm_fingerprint(&k, "ab\0ce", 5, f2);
	ck_assert_str_ne(f1, f2);
}
END_TEST

START_TEST(a_private_key_file_is_loaded_and_gives_stable_fingerprints)
{
	const char *path = key_file("good.key", "0123456789abcdef", 16, 0600);
	secm_fpkey k1, k2;
	secm_error err;
	char f1[17], f2[17];

	ck_assert_msg(secm_fpkey_load(path, &k1, &err) == 0, "the key loads: %s", err.text);
	ck_assert_int_eq(secm_fpkey_load(path, &k2, &err), 0);
	ck_assert_uint_eq(k1.len, 16);
	secm_fingerprint(&k1, "hunter2-secret", 14, f1);
	secm_fingerprint(&k2, "hunter2-secret", 14, f2);
	ck_assert_str_eq(f1, f2);
	ck_assert_str_eq(f1, "5da897e77122e5c3");
	path = key_file("readonly.key", "0123456789abcdef", 16, 0400);
	ck_assert_int_eq(secm_fpkey_load(path, &k1, &err), 0);
}
END_TEST

START_TEST(a_long_key_file_is_reduced_to_its_sha256)
{
	char longkey[100];
	const char *path;
	secm_fpkey k;
	secm_error err;
	char out[17];

	memset(longkey, 'k', sizeof(longkey));
	path = key_file("long.key", longkey, sizeof(longkey), 0600);
	ck_assert_int_eq(secm_fpkey_load(path, &k, &err), 0);
	ck_assert_uint_eq(k.len, 32);
	secm_fingerprint(&k, "hunter2-secret", 14, out);
	ck_assert_str_eq(out, "b961677e0441ebdd");
}
END_TEST

static const struct bad_key_row {
	const char *label;
	const char *name;
	size_t len;		/* bytes of "0123456789abcdef..." written */
	mode_t mode;
	const char *why;
} bad_key_rows[] = {
	{ "a key file anyone may read is refused", "world.key", 16, 0644, "mode 0644" },
	{ "a key file the group may read is refused", "group.key", 16, 0640, "chmod 600" },
	{ "a key file others may write is refused", "write.key", 16, 0602, "group or others" },
	{ "a key file shorter than 16 bytes is refused", "short.key", 15, 0600, "at least 16" },
	{ "an empty key file is refused", "empty.key", 0, 0600, "holds 0 bytes" },
	{ "a key file longer than 4096 bytes is refused", "huge.key", 5000, 0600, "longer than 4096" },
};

START_TEST(bad_key_files_are_refused_with_the_reason)
{
	const struct bad_key_row *r = &bad_key_rows[_i];
	char *data = malloc(r->len + 1);
	const char *path;
	secm_fpkey k;
	secm_error err;

	for (size_t i = 0; i < r->len; i++)
		data[i] = "0123456789abcdef"[i % 16];
	path = key_file(r->name, data, r->len, r->mode);
	free(data);
	ck_assert_msg(secm_fpkey_load(path, &k, &err) == SECM_ECONFIG, "%s", r->label);
	ck_assert_msg(strstr(err.text, r->why) != NULL, "%s: \"%s\" says \"%s\"",
		      r->label, err.text, r->why);
	ck_assert_str_eq(err.file, path);
	ck_assert_str_eq(err.key, "FingerprintKeyFile");
	ck_assert_msg(strstr(err.text, "0123") == NULL, "%s: the key is not in the error", r->label);
}
END_TEST

START_TEST(a_missing_or_non_regular_key_file_is_refused)
{
	secm_fpkey k;
	secm_error err;

	ck_assert_int_eq(secm_fpkey_load("/nonexistent/fp.key", &k, &err), SECM_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.text, "cannot open"));
	ck_assert_int_eq(secm_fpkey_load(tmpdir, &k, &err), SECM_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.text, "not a regular file"));
}
END_TEST

START_TEST(no_key_file_gives_a_random_key_per_load)
{
	secm_fpkey a, b, c;
	secm_error err;
	char f1[17], f2[17];

	ck_assert_int_eq(secm_fpkey_load(NULL, &a, &err), 0);
	ck_assert_int_eq(secm_fpkey_load("", &b, &err), 0);
	ck_assert_uint_eq(a.len, 32);
	ck_assert_uint_eq(b.len, 32);
	ck_assert_msg(memcmp(a.key, b.key, 32) != 0, "two random keys differ");
	c = a;
	secm_fingerprint(&a, "v", 1, f1);
	secm_fingerprint(&c, "v", 1, f2);
	ck_assert_str_eq(f1, f2);
}
END_TEST

/* ---------------------------------------------------------------- report */

START_TEST(findings_become_a_json_array_of_metadata)
{
	secm_finding f[2];
	struct json_object *a, *o, *v;
	const char *text;

	memset(f, 0, sizeof(f));
	f[0].rule_id = "github-pat";
	f[0].severity = SECM_SEV_HIGH;
	snprintf(f[0].part, sizeof(f[0].part), "2.1");
	f[0].start = 5;
	f[0].end = 45;
	snprintf(f[0].fingerprint, sizeof(f[0].fingerprint), "abcdefabcdefabcd");
	f[1].rule_id = "password-assignment";
	f[1].severity = SECM_SEV_LOW;
	snprintf(f[1].part, sizeof(f[1].part), "subject");
	a = secm_report_findings(f, 2);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(json_object_array_length(a), 2);
	o = json_object_array_get_idx(a, 0);
	ck_assert_int_eq(json_object_object_length(o), 6);
	ck_assert(json_object_object_get_ex(o, "rule", &v));
	ck_assert_str_eq(json_object_get_string(v), "github-pat");
	ck_assert(json_object_object_get_ex(o, "severity", &v));
	ck_assert_str_eq(json_object_get_string(v), "high");
	ck_assert(json_object_object_get_ex(o, "part", &v));
	ck_assert_str_eq(json_object_get_string(v), "2.1");
	ck_assert(json_object_object_get_ex(o, "start", &v));
	ck_assert_int_eq(json_object_get_int64(v), 5);
	ck_assert(json_object_object_get_ex(o, "end", &v));
	ck_assert_int_eq(json_object_get_int64(v), 45);
	ck_assert(json_object_object_get_ex(o, "fingerprint", &v));
	ck_assert_str_eq(json_object_get_string(v), "abcdefabcdefabcd");
	o = json_object_array_get_idx(a, 1);
	ck_assert(json_object_object_get_ex(o, "severity", &v));
	ck_assert_str_eq(json_object_get_string(v), "low");
	text = json_object_to_json_string(a);
	ck_assert_ptr_nonnull(strstr(text, "\"subject\""));
	json_object_put(a);

	a = secm_report_findings(NULL, 0);
	ck_assert_str_eq(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN), "[]");
	json_object_put(a);
}
END_TEST

START_TEST(report_strings_are_made_valid_utf8)
{
	struct json_object *s = secm_report_string("caf\xc3\xa9 \xff");
	const char *t = json_object_get_string(s);

	ck_assert_ptr_nonnull(t);
	ck_assert_msg(strncmp(t, "caf\xc3\xa9 ", 6) == 0, "valid bytes stay: %s", t);
	ck_assert_msg(strchr(t, '\xff') == NULL, "the invalid byte is replaced");
	json_object_put(s);
	ck_assert_ptr_null(secm_report_string(NULL));
}
END_TEST

/* fingerprint_suite - every case above */
static Suite *fingerprint_suite(void)
{
	Suite *s = suite_create("fingerprint");
	TCase *tc = tcase_create("hmac");
	TCase *tr = tcase_create("report");

	tcase_add_loop_test(tc, fingerprints_are_truncated_hmac_sha256, 0,
			    sizeof(fp_rows) / sizeof(fp_rows[0]));
	tcase_add_test(tc, the_same_key_gives_the_same_fingerprint_and_another_key_another);
	tcase_add_test(tc, values_with_nul_bytes_are_fingerprinted_whole);
	tcase_add_test(tc, a_private_key_file_is_loaded_and_gives_stable_fingerprints);
	tcase_add_test(tc, a_long_key_file_is_reduced_to_its_sha256);
	tcase_add_loop_test(tc, bad_key_files_are_refused_with_the_reason, 0,
			    sizeof(bad_key_rows) / sizeof(bad_key_rows[0]));
	tcase_add_test(tc, a_missing_or_non_regular_key_file_is_refused);
	tcase_add_test(tc, no_key_file_gives_a_random_key_per_load);
	tcase_add_test(tr, findings_become_a_json_array_of_metadata);
	tcase_add_test(tr, report_strings_are_made_valid_utf8);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tr);
	return s;
}

/* main - run the suite in a private temporary directory */
int main(void)
{
	return secm_check_in_tmpdir(fingerprint_suite(), tmpdir);
}
