/*
 * test_validate.c - unit tests for validate.c: Shannon entropy, placeholder
 * detection, CRC-32 and the GitHub/npm crc32-base62 checksum.
 *
 * The GitHub/npm tokens below are invented: 30 random base62 characters
 * and the 6-character base62 CRC-32 of them, generated with python3
 * (zlib.crc32) the way GitHub documents its token format.
 */
#include "autoconfig.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- entropy */

static const struct {
	const char *label;
	const char *s;
	double bits;
} entropy_rows[] = {
	{ "an empty string has no entropy", "", 0.0 },
	{ "one repeated byte has no entropy", "aaaaaaaa", 0.0 },
	{ "two equally frequent bytes give one bit", "abababab", 1.0 },
	{ "four equally frequent bytes give two bits", "abcdabcd", 2.0 },
	{ "sixteen distinct bytes give four bits", "0123456789abcdef", 4.0 },
	{ "a skewed pair gives less than one bit", "aaab", 0.8112781244591328 },
};

START_TEST(test_entropy)
{
	double h = secm_shannon_entropy(entropy_rows[_i].s,
					strlen(entropy_rows[_i].s));

	ck_assert_msg(fabs(h - entropy_rows[_i].bits) < 1e-9,
		      "%s: got %f, want %f", entropy_rows[_i].label, h,
		      entropy_rows[_i].bits);
}
END_TEST

START_TEST(test_entropy_counts_bytes_not_characters)
{
	/* "é" is two bytes, so "éé" has two distinct bytes: one bit */
	const char s[] = "\xc3\xa9\xc3\xa9";

	ck_assert_msg(fabs(secm_shannon_entropy(s, 4) - 1.0) < 1e-9,
		      "entropy is measured per byte");
	ck_assert_msg(secm_shannon_entropy(NULL, 0) == 0.0,
		      "a NULL string of length 0 has no entropy");
}
END_TEST

/* ---------------------------------------------------------------- placeholders */

static const struct {
	const char *label;
	const char *value;
	int placeholder;
} placeholder_rows[] = {
	{ "a shell variable ${VAR} is a placeholder", "${DB_PASSWORD}", 1 },
	{ "a bare $VAR in capitals is a placeholder", "$API_KEY", 1 },
	{ "a bare $var in lower case is a placeholder", "$db_pass", 1 },
	{ "a mixed-case value starting with $ is a password", "$ecretPa55w0rd", 0 },
	{ "a Python %(name)s template is a placeholder", "%(password)s", 1 },
	{ "a printf %s is a placeholder", "%s", 1 },
	{ "a Jinja {{ x }} template is a placeholder", "{{ vault_password }}", 1 },
	{ "a GitHub Actions secrets expression is a placeholder", "${{ secrets.NPM_TOKEN }}", 1 },
	{ "a format field {x} is a placeholder", "{api_key}", 1 },
	{ "an angle-bracket <your-key> is a placeholder", "<your-api-key>", 1 },
	{ "an angle-bracket hole inside a token is a placeholder", "sk-<KEY>", 1 },
	{ "a run of xxxx is a placeholder", "AKIAXXXXXXXXXXXXXXXX", 1 },
	{ "stars are a masked value", "hunter****", 1 },
	{ "dots are a truncated value", "ghp_abc....", 1 },
	{ "a Unicode ellipsis is a truncated value", "sk-abc\xe2\x80\xa6", 1 },
	{ "changeme is a placeholder", "changeme", 1 },
	{ "change_me in any case is a placeholder", "Change_Me_Now", 1 },
	{ "REDACTED is a placeholder", "[REDACTED]", 1 },
	{ "the AWS documentation key ending in EXAMPLE is a placeholder", "AKIAIOSFODNN7EXAMPLE", 1 },
	{ "dummy is a placeholder", "dummy-token-1", 1 },
	{ "sample is a placeholder", "sample_secret", 1 },
	{ "your_..._here is a placeholder", "your_api_key_here", 1 },
	{ "the word placeholder is a placeholder", "PLACEHOLDER", 1 },
	{ "the word password alone is a placeholder", "Password", 1 },
	{ "the word secret alone is a placeholder", "secret", 1 },
	{ "null is a placeholder", "null", 1 },
	{ "None is a placeholder", "None", 1 },
	{ "true is a placeholder", "true", 1 },
	{ "false is a placeholder", "FALSE", 1 },
	{ "one character repeated is a placeholder", "aaaaaaaa", 1 },
	{ "an ascending digit run is a placeholder", "123456", 1 },
	{ "digits 1 to 0 count as ascending", "1234567890", 1 },
	{ "an ascending letter run is a placeholder", "abcdef", 1 },
	{ "a descending run is a placeholder", "987654", 1 },
	{ "os.environ lookup is code, not a secret", "os.environ['DB_PASS']", 1 },
	{ "getenv lookup is code, not a secret", "System.getenv(\"TOKEN\")", 1 },
	{ "process.env lookup is code, not a secret", "process.env.NPM_TOKEN", 1 },
	{ "a function call is code, not a secret", "getpass.getpass()", 1 },
	{ "a shell command substitution is code, not a secret", "$(cat /run/secrets/db)", 1 },
	{ "a dollar and parenthesis inside a password do not make it code", "Pa$(w0rd9", 0 },
	{ "a Windows %VAR% is a placeholder", "%API_TOKEN%", 1 },
	{ "an autoconf @VAR@ is a placeholder", "@DB_PASSWORD@", 1 },
	{ "a mask of X groups is a placeholder", "XXX-XXX-XXX", 1 },
	{ "test123 is a placeholder", "test123", 1 },
	{ "quotes around a placeholder do not hide it", "\"changeme\"", 1 },
	{ "an empty value is a placeholder", "", 1 },
	{ "a random-looking password is not a placeholder", "Tr0ub4dor&3x", 0 },
	{ "a random AWS-style key is not a placeholder", "AKIAZ5Q7NQ3H2K4M6P7R", 0 },
	{ "a generated GitHub token is not a placeholder", "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", 0 },
	{ "a passphrase with words is not a placeholder", "correct-horse-battery-staple", 0 },
	{ "a password with parentheses is not a function call", "P(ss)w0rd!", 0 },
	{ "a digit string that is not a run is not a placeholder", "918273", 0 },
	{ "a Japanese password is not a placeholder", "\xe3\x81\x95\xe3\x81\x8f\xe3\x82\x89" "2024!", 0 },
	{ "a base64 secret key is not a placeholder", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9ab3Kq1Z", 0 },
};

START_TEST(test_placeholder)
{
	const char *v = placeholder_rows[_i].value;

	ck_assert_msg(secm_is_placeholder(v, strlen(v)) == placeholder_rows[_i].placeholder,
		      "%s", placeholder_rows[_i].label);
}
END_TEST

START_TEST(test_placeholder_uses_length_not_nul)
{
	/* only the first 6 bytes count: "123456" is a run, "1234569" not */
	ck_assert_msg(secm_is_placeholder("1234569", 6) == 1,
		      "the length bounds the value, not a NUL");
	ck_assert_msg(secm_is_placeholder("1234569", 7) == 0,
		      "a broken run is not a placeholder");
	ck_assert_msg(secm_is_placeholder("ab\0cd", 5) == 0,
		      "a NUL inside the value does not stop the check");
}
END_TEST

/* ---------------------------------------------------------------- crc32 */

static const struct {
	const char *label;
	const char *s;
	uint32_t crc;
} crc_rows[] = {
	{ "the CRC-32 of nothing is zero", "", 0x00000000U },
	{ "the CRC-32 check value of 123456789 is CBF43926", "123456789", 0xCBF43926U },
	{ "the CRC-32 of a is E8B7BE43", "a", 0xE8B7BE43U },
	{ "the CRC-32 of abc is 352441C2", "abc", 0x352441C2U },
	{ "the CRC-32 of the quick brown fox is 414FA339",
	  "The quick brown fox jumps over the lazy dog", 0x414FA339U },
};

START_TEST(test_crc32)
{
	uint32_t c = secm_crc32(crc_rows[_i].s, strlen(crc_rows[_i].s));

	ck_assert_msg(c == crc_rows[_i].crc, "%s: got %08X", crc_rows[_i].label,
		      (unsigned)c);
}
END_TEST

/* ---------------------------------------------------------------- checksum */

static const struct {
	const char *label;
	const char *token;
	int valid;
} checksum_rows[] = {
	{ "a generated ghp_ token has a valid checksum",
	  "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", 1 },
	{ "a second generated ghp_ token has a valid checksum",
	  "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", 1 },
	{ "a generated gho_ token has a valid checksum",
	  "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", 1 },
	{ "a generated npm_ token has a valid checksum",
	  "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", 1 },
	{ "a second generated npm_ token has a valid checksum",
	  "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", 1 },
	{ "a checksum with leading zero digits is zero-padded",
	  "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", 1 },
	{ "a real leaked (revoked) ghp_ token from the peer rules validates",
	  "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", 1 },
	{ "one changed checksum character fails",
	  "ghp_cqnLGp9NjmtNL1EihJvc7t3QMlJhc510TUq9", 0 },
	{ "one changed body character fails",
	  "ghp_cqnLGp9NjmtNL1EihJvc7t3QMlJhc511TUq8", 0 },
	{ "a case change in the checksum fails",
	  "npm_wjSLou37acBh3pgzgIjnkKiDXw0LrY1f0iKw", 0 },
	{ "swapped body characters fail",
	  "ghp_qcnLGp9NjmtNL1EihJvc7t3QMlJhc510TUq8", 0 },
	{ "a token without a prefix underscore fails",
	  "cqnLGp9NjmtNL1EihJvc7t3QMlJhc510TUq8", 0 },
	{ "a token too short for a checksum fails", "ghp_abc", 0 },
	{ "a non-base62 character fails",
	  "ghp_cqnLGp9NjmtNL1EihJvc7t3QMlJhc51-TUq8", 0 },
	{ "an invented peer-rule example (ghp_XIxB...) does not validate",
	  "ghp_XIxB7KMNdAr3zqWtQqhE94qglHqOzn1D1stg", 0 },
	{ "an invented peer-rule npm example does not validate",
	  "npm_TCllNwh2WLQlMWVhybM1iQrsTj6rMQ0BOh6d", 0 },
};

START_TEST(test_checksum)
{
	const char *t = checksum_rows[_i].token;

	ck_assert_msg(secm_check_crc32_base62(t, strlen(t)) == checksum_rows[_i].valid,
		      "%s", checksum_rows[_i].label);
}
END_TEST

START_TEST(test_checksum_every_single_char_corruption_fails)
{
	static const char alphabet[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char t[] = "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";
	size_t i, len = strlen(t), bad = 0;
	char orig;

	ck_assert_msg(secm_check_crc32_base62(t, len) == 1,
		      "the uncorrupted token validates");
	for (i = 4; i < len; i++) {
		orig = t[i];
		t[i] = orig == alphabet[0] ? alphabet[1] : alphabet[0];
		bad += secm_check_crc32_base62(t, len) == 0;
		t[i] = orig;
	}
	ck_assert_msg(bad == len - 4,
		      "changing any one character after the prefix breaks the checksum");
}
END_TEST

/* validate_suite - all validator tests */
static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validators");

	tcase_add_loop_test(tc, test_entropy, 0, N(entropy_rows));
	tcase_add_test(tc, test_entropy_counts_bytes_not_characters);
	tcase_add_loop_test(tc, test_placeholder, 0, N(placeholder_rows));
	tcase_add_test(tc, test_placeholder_uses_length_not_nul);
	tcase_add_loop_test(tc, test_crc32, 0, N(crc_rows));
	tcase_add_loop_test(tc, test_checksum, 0, N(checksum_rows));
	tcase_add_test(tc, test_checksum_every_single_char_corruption_fails);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
