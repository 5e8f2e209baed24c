/*
 * test_validate.c - unit tests for validate.c: Shannon entropy, placeholder
 * detection, CRC-32, the token checksums (crc32-base62, crc32-hex,
 * crc32-hex-le, bech32), the JWT, PEM and Discord structure checks, the
 * near: context regex, and the loader's checks of every validator key
 * (fixtures: tests/unit/data/rules/validators/).
 *
 * Every token below is invented.  GitHub/npm: 30 random base62 characters
 * and their 6-character base62 CRC-32, made with python3 (zlib.crc32) the
 * way GitHub documents its token format.  Atlassian: "ATATT3xFfGF0", 171
 * random base64url characters, "=", and the upper-case hex CRC-32 of all
 * that (the scheme every public leaked ATATT token checks out with).
 * Grafana: "glsa_" + 32 random alphanumerics, "_", the hex of the CRC-32's
 * bytes least significant first (grafana pkg/components/satokengen).  age:
 * 32 random bytes in BIP-173 bech32 with HRP "age-secret-key-", upper case.
 * The PEM, OpenSSH and PGP keys were generated for these tests with
 * openssl, ssh-keygen and gpg and protect nothing.
 */
#include "autoconfig.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rules.h"
#include "rules_int.h"
#include "validate.h"

/* fixture pattern files of this test */
#define VDATA SECM_SRC_PATTERNDIR "/../tests/unit/data/rules/validators"

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

/* ---------------------------------------------------------------- crc32-hex */

#define ATL_BODY "ATATT3xFfGF0hXJklg2TcF6qjcANF3Pf0UccrpQxlqV7XlZmTRJs7m3gpkCrug7EN7bfQ1g2" \
	"UVkls5I9WX1wXHBUeiuxm69aSK_qNNa76vg9mlrCa0kOLRfIq9iesZA5qyccVrKBccSMtnlOsx3V0Dk" \
	"HeiUws27DuN34Z6raP0vaNNWm5LC0gJa="
#define ATL_BODY2 "ATATT3xFfGF0Df_liWlRHoiKY1zep8VptXbaLxzxjfd1F90L0r1cpMYcBL3Fv69jHTyeI9_bDp" \
	"vh-9_yk_Cx0iPxdhieJLxvOuinLUzHMb1QJ5w4z2FSWO1ozBchuFQMRFtWlOrf8NeGEhWHRvlF6vSwgIO" \
	"XpOJ5Gowarg907u3n3t4e0rp22_0="

static const struct {
	const char *label;
	const char *token;
	int valid;
} hex_rows[] = {
	{ "a generated Atlassian token has a valid CRC-32 hex checksum", ATL_BODY "D3C538F1", 1 },
	{ "a second generated Atlassian token validates", ATL_BODY2 "90838D23", 1 },
	{ "the hex checksum may be lower case", ATL_BODY "d3c538f1", 1 },
	{ "a checksum off by one fails", ATL_BODY "D3C538F2", 0 },
	{ "a checksum over the body without the '=' fails", ATL_BODY2 "3D31F15C", 0 },
	{ "a non-hex checksum fails", ATL_BODY "D3C538FG", 0 },
	{ "a token of only 8 hex digits fails", "D3C538F1", 0 },
	{ "the CRC-32 hex of 123456789 validates", "123456789CBF43926", 1 },
};

START_TEST(test_crc32_hex)
{
	const char *t = hex_rows[_i].token;

	ck_assert_msg(secm_check_crc32_hex(t, strlen(t)) == hex_rows[_i].valid,
		      "%s", hex_rows[_i].label);
}
END_TEST

static const struct {
	const char *label;
	const char *token;
	int valid;
} hexle_rows[] = {
	{ "a generated Grafana token has a valid little-endian CRC-32",
	  "glsa_oHpZ3wVvyba834hK0K8VJULW95b6r6ZA_ca814bf3", 1 },
	{ "a second generated Grafana token validates",
	  "glsa_x1MaW5W76Iyxqn7hgn3dmeQLB7VA0yuL_7f0ae831", 1 },
	{ "Grafana's own test vector validates",
	  "glsa_iNValIdinValiDinvalidinvalidinva_5b582697", 1 },
	{ "the big-endian hex of the same CRC fails",
	  "glsa_iNValIdinValiDinvalidinvalidinva_9726585b", 0 },
	{ "one changed secret character fails",
	  "glsa_iNValIdinValiDinvalidinvalidinvb_5b582697", 0 },
	{ "a changed prefix fails (the prefix is in the checksum)",
	  "glsb_iNValIdinValiDinvalidinvalidinva_5b582697", 0 },
	{ "a missing separator fails", "glsa_iNValIdinValiDinvalidinvalidinva5b582697", 0 },
	{ "a non-hex checksum fails", "glsa_iNValIdinValiDinvalidinvalidinva_5b58269x", 0 },
	{ "a bare separator and checksum fails", "_5b582697", 0 },
};

START_TEST(test_crc32_hex_le)
{
	const char *t = hexle_rows[_i].token;

	ck_assert_msg(secm_check_crc32_hex_le(t, strlen(t)) == hexle_rows[_i].valid,
		      "%s", hexle_rows[_i].label);
}
END_TEST

START_TEST(test_crc32_hex_every_single_char_corruption_fails)
{
	char t[] = ATL_BODY "D3C538F1";
	size_t i, len = strlen(t), bad = 0;
	char orig;

	ck_assert_msg(secm_check_crc32_hex(t, len) == 1, "the uncorrupted token validates");
	for (i = 0; i < len; i++) {
		orig = t[i];
		t[i] = orig == 'A' ? 'B' : 'A';
		bad += secm_check_crc32_hex(t, len) == 0;
		t[i] = orig;
	}
	ck_assert_msg(bad == len, "changing any one character breaks the checksum");
}
END_TEST

/* ---------------------------------------------------------------- bech32 */

static const struct {
	const char *label;
	const char *s;
	int valid;
} bech32_rows[] = {
	{ "a generated age secret key validates",
	  "AGE-SECRET-KEY-135KWM9DDYQ32JPYH3CEVRNDKF2AYWC2YR9YMERVA723E0R2VGPCSSRHTH2", 1 },
	{ "a second generated age secret key validates",
	  "AGE-SECRET-KEY-1PC7Q957R30VL4YFG7DW47WKUSW9AY53MHL590Q4K06W7XXWUDY2QG0KNLH", 1 },
	{ "the same key in lower case validates",
	  "age-secret-key-135kwm9ddyq32jpyh3cevrndkf2aywc2yr9ymerva723e0r2vgpcssrhth2", 1 },
	{ "a generated age recipient (public key) validates",
	  "age1v6sj54qef2seheykffua2e5njc3tz0ktn08hjtv5k4e2fftftzlsvuzg5c", 1 },
	{ "the BIP-173 test vector A12UEL5L validates", "A12UEL5L", 1 },
	{ "the BIP-173 test vector with a long HRP validates",
	  "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs", 1 },
	{ "one changed data character fails",
	  "AGE-SECRET-KEY-135KWM9DDYQ32JPYH3CEVRNDKF2AYWC2YR9YMERVA723E0R2VGPCSSRHTH3", 0 },
	{ "two swapped data characters fail",
	  "AGE-SECRET-KEY-153KWM9DDYQ32JPYH3CEVRNDKF2AYWC2YR9YMERVA723E0R2VGPCSSRHTH2", 0 },
	{ "mixed case fails",
	  "AGE-SECRET-KEY-135kwm9DDYQ32JPYH3CEVRNDKF2AYWC2YR9YMERVA723E0R2VGPCSSRHTH2", 0 },
	{ "a changed HRP fails (the HRP is in the checksum)",
	  "AGE-SECRET-KEY-235KWM9DDYQ32JPYH3CEVRNDKF2AYWC2YR9YMERVA723E0R2VGPCSSRHTH2", 0 },
	{ "a character outside the bech32 alphabet fails",
	  "AGE-SECRET-KEY-1BKWM9DDYQ32JPYH3CEVRNDKF2AYWC2YR9YMERVA723E0R2VGPCSSRHTH2", 0 },
	{ "an all-Q key (a placeholder) fails",
	  "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", 0 },
	{ "a string without a separator fails", "AGESECRETKEY", 0 },
	{ "fewer than six data characters fail", "a1qqqqq", 0 },
	{ "the bech32m vector A1LQFN3A fails plain bech32", "A1LQFN3A", 0 },
};

START_TEST(test_bech32)
{
	const char *t = bech32_rows[_i].s;

	ck_assert_msg(secm_check_bech32(t, strlen(t)) == bech32_rows[_i].valid,
		      "%s", bech32_rows[_i].label);
}
END_TEST

/* ---------------------------------------------------------------- jwt */

static const struct {
	const char *label;
	const char *s;
	int valid;
} jwt_rows[] = {
	{ "an HS256 token with JSON header and payload validates",
	  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTQ4MjEiLCJpYXQiOjE3MTgwMDAwMDB9."
	  "V_PbbIbOodJVKd_NDCXIyXAWRT9e8ImF5lYHLyc6MUk", 1 },
	{ "an RS256 token with a kid validates",
	  "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlLm5ldCIsImF1"
	  "ZCI6ImFwaSIsImV4cCI6MTkwMDAwMDAwMH0.Xdv1w1EnCma69sqAp-qxXcL6W-P8IbgieemUAD4qrxusSQ", 1 },
	{ "an unsigned alg none token still validates (it carries claims)",
	  "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", 1 },
	{ "a five-part JWE with alg and enc validates",
	  "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.uohXm2nPcKmXZ6QPAsNB3d5Z5wdAYB2kZnQALhd2"
	  "SDZADb5NX_JBrA.AAAAAAAAAAAAAAAA.UWQb1KF2Nuef5JZvsfWonNz9jH35cr2MWTQe87HS.AAAAAAAAAAAAAAAAAAAAAA", 1 },
	{ "a header without alg fails",
	  "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.TPiayePo7zvoHPiFDBGGhliOW6-PVkUQU_x7nktGGXY", 0 },
	{ "an alg that is a number fails",
	  "eyJhbGciOjI1Nn0.eyJhIjoxfQ.MDEyMzQ1Njc4OWFiY2RlZg", 0 },
	{ "a payload that is a JSON array fails",
	  "eyJhbGciOiJIUzI1NiJ9.WzEsMiwzXQ.MDEyMzQ1Njc4OWFiY2RlZg", 0 },
	{ "a header with bytes after the JSON object fails",
	  "eyJhbGciOiJIUzI1NiJ9eA.eyJhIjoxfQ.MDEyMzQ1Njc4OWFiY2RlZg", 0 },
	{ "a header that is not base64url fails",
	  "eyJhbGciOiJIUzI1NiJ9!.eyJhIjoxfQ.MDEyMzQ1Njc4OWFiY2RlZg", 0 },
	{ "a JWE header without enc fails",
	  "eyJhbGciOiJIUzI1NiJ9.AAAA.AAAA.AAAA.AAAA", 0 },
	{ "two parts are not a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ", 0 },
	{ "a TCV2-style blob that starts with eyJ but is not a JWT fails",
	  "eyJ0eXAiOiAiVENWMiJ9.RkNWLXdXS3M1RVBfencxM4A0WmJzdVlCQzFj."
	  "OGY1OWRkNGMtYTUxYS04ZDYwLWFiZGYtZWE5MWFhZWJiODhh", 0 },
};

START_TEST(test_jwt)
{
	const char *t = jwt_rows[_i].s;

	ck_assert_msg(secm_check_jwt(t, strlen(t)) == jwt_rows[_i].valid,
		      "%s", jwt_rows[_i].label);
}
END_TEST

/* ---------------------------------------------------------------- discord */

static const struct {
	const char *label;
	const char *s;
	int valid;
} discord_rows[] = {
	{ "a token whose first part is an 17-digit id validates",
	  "ODAzNTExMTAyMjQ2Nzg5MTI.on5U_r.3ItL16GccLVKPuP5tQjd4osfI47qztV9z5eFJG", 1 },
	{ "a token whose first part is a 19-digit id validates",
	  "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.SmSIKp.HZp0lb0f4QkvCEXXvV_6HQdS_0R2DMTTeeQpLM", 1 },
	{ "a 20-digit id that fits in 64 bits validates",
	  "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.w3t4at.FNVA7ZQvKVO4k7MAIky3i0dHVmLvih2B5V77GS", 1 },
	{ "a padded first part validates", "ODAzNTExMTAyMjQ2Nzg5MTI=.on5U_r.3ItL16GccLVKPuP5tQjd4o", 1 },
	{ "a first part that decodes to text fails",
	  "aGVsbG8td29ybGQtMTIzNDU.CP7Fvz.OpAu3w_WBj7M-pGOSyvdDxZ5tqN", 0 },
	{ "a 16-digit id is too short", "MTIzNDU2Nzg5MDEyMzQ1Ng.on5U_r.3ItL16GccLVKPuP5tQjd4osfI47", 0 },
	{ "a 20-digit id above 2^64-1 fails",
	  "OTk5OTk5OTk5OTk5OTk5OTk5OTk.on5U_r.3ItL16GccLVKPuP5tQjd4osfI47", 0 },
	{ "an id with a leading zero fails",
	  "MDEyMzQ1Njc4OTAxMjM0NTY3.on5U_r.3ItL16GccLVKPuP5tQjd4osfI47", 0 },
	{ "a token without a dot fails", "ODAzNTExMTAyMjQ2Nzg5MTI", 0 },
};

START_TEST(test_discord)
{
	const char *t = discord_rows[_i].s;

	ck_assert_msg(secm_check_discord(t, strlen(t)) == discord_rows[_i].valid,
		      "%s", discord_rows[_i].label);
}
END_TEST

/* ---------------------------------------------------------------- pem */

static const struct {
	const char *label;
	const char *s;
	uint32_t crc;
} crc24_rows[] = {
	{ "the CRC-24 of nothing is the initial value B704CE", "", 0xB704CEU },
	{ "the CRC-24 check value of 123456789 is 21CF02", "123456789", 0x21CF02U },
};

START_TEST(test_crc24)
{
	uint32_t c = secm_crc24(crc24_rows[_i].s, strlen(crc24_rows[_i].s));

	ck_assert_msg(c == crc24_rows[_i].crc, "%s: got %06X", crc24_rows[_i].label,
		      (unsigned)c);
}
END_TEST

/* the candidate is marked with \1 before and \2 after it */
#define S "\1"
#define E "\2"

#define EC1_BODY "MHcCAQEEIH4oDCVwFXjmNK5Lv1Oerp12W/ZKTq1ZZpk7BHBsXPvcoAoGCCqGSM49\n" \
	"AwEHoUQDQgAEzBWBWypeMeErTEw9WKBIXqhC+Ynoj2ebe15BGtApWE6s27sQC7VZ\n" \
	"wrBS+CeyX+7/A8ieZeekVjD2eXwv8RlKaA=="
#define PGP_BODY "lFgEaweZdBYJKwYBBAHaRw8BAQdAzrT4nTOjs7j8dYwGD2P/szXUQg/ZPTQIUCm2\n" \
	"VWoiaqIAAP9OOnZxhVidIGxt+VS98u7wWvEFNeRsKHsdpLQ91wUv1hDGtB9UZXN0\n" \
	"IEtleSA8dGVzdEBleGFtcGxlLmludmFsaWQ+iJAEExYIADgWIQScoVHrznDiIUra\n" \
	"c12nWxypKFNWlAUCaweZdAIbAwULCQgHAgYVCgkICwIEFgIDAQIeAQIXgAAKCRCn\n" \
	"WxypKFNWlHr5APwOJikZp2QyTu6VJ7cCjPyKfHMxiCJaAHjMmLOZb8IYQAEAi3XU\n" \
	"j5u6R1L1fvsk0hJWSmBHHHmhX4EulEfyJ67RrQM="
#define OSSH_BODY "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" \
	"QyNTUxOQAAACC13Oc3GRf+4Wf01q38O21rTUHYhGr2aTjvI5F8NBWQlwAAAIggzaKcIM2i\n" \
	"nAAAAAtzc2gtZWQyNTUxOQAAACC13Oc3GRf+4Wf01q38O21rTUHYhGr2aTjvI5F8NBWQlw\n" \
	"AAAEAkdUIhgLwIZvvQIdVGt/u58kfsxAQpXIy2aWAG993AeLXc5zcZF/7hZ/TWrfw7bWtN\n" \
	"QdiEavZpOO8jkXw0FZCXAAAABHRlc3QB"

static const struct {
	const char *label;
	const char *text;
	int valid;
} pem_rows[] = {
	{ "an SEC1 EC private key validates",
	  "key:\n-----BEGIN EC PRIVATE KEY-----\n" S EC1_BODY E "\n-----END EC PRIVATE KEY-----\n", 1 },
	{ "a PKCS#8 private key validates",
	  "-----BEGIN PRIVATE KEY-----\n" S
	  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgfigMJXAVeOY0rku/\n"
	  "U56unXZb9kpOrVlmmTsEcGxc+9yhRANCAATMFYFbKl4x4StMTD1YoEheqEL5ieiP\n"
	  "Z5t7XkEa0ClYTqzbuxALtVnCsFL4J7Jf7v8DyJ5l56RWMPZ5fC/xGUpo" E
	  "\n-----END PRIVATE KEY-----", 1 },
	{ "a one-line Ed25519 PKCS#8 key validates",
	  "-----BEGIN PRIVATE KEY-----\r\n" S
	  "MC4CAQAwBQYDK2VwBCIEIJ0zkyJ7L299LLlXYVrpT1N2SHg6JP34azQXz1ONwaoX" E
	  "\r\n-----END PRIVATE KEY-----\r\n", 1 },
	{ "a PKCS#8 encrypted key validates",
	  "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" S
	  "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhhJIFzLUzZDQICCAAw\n"
	  "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEOJxo7k61LCWaD28U3pMTwAEgZDF\n"
	  "5wFV28YiDyslnBN685xO4GjrUm97busg4t7Tgxuo2CRPPJjxO0Uq0B0u/LMUUcwc\n"
	  "9MqoOdRvJzygD/6eD1ba1K8IiKM+dj2ZV1HBTTdn91/IoKR3rx9z/02ZNRwQhqS2\n"
	  "wbEJWUyqPKIH0WeVbvov/5ugIioMhH9GPuoIemR9yGx9LT1DWfYyyXKx+KCdNWo=" E
	  "\n-----END ENCRYPTED PRIVATE KEY-----\n", 1 },
	{ "a legacy encrypted key with Proc-Type and DEK-Info headers validates",
	  "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
	  "DEK-Info: AES-128-CBC,11B48EBE234B4FB55E0C763FFFE2FE15\n\n" S
	  "0oUdvii26qXXn6TV33IFAFdBUwTYIv5dfWBrEpt2C33nD2XX0S3T7mQmyHcO2nMe\n"
	  "X5NTp17dl1jYHWG7h+haAi3lFeBSXJ/fdfx3sy+rz2x2BTj23xXnMpLvlqnsv3Mh\n"
	  "M+5c8nR1T4CM3EVBEUdPIlpXMqzYIdO+BduqY2wcdXA=" E "\n-----END EC PRIVATE KEY-----\n", 1 },
	{ "an OpenSSH key with the openssh-key-v1 magic validates",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n" S OSSH_BODY E
	  "\n-----END OPENSSH PRIVATE KEY-----\n", 1 },
	{ "a PGP private key block with a matching CRC-24 validates",
	  "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" S PGP_BODY E
	  "\n=/iPI\n-----END PGP PRIVATE KEY BLOCK-----\n", 1 },
	{ "a PGP block whose CRC line is inside the candidate validates",
	  "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\nComment: test\n\n" S PGP_BODY
	  "\n=/iPI" E "\n-----END PGP PRIVATE KEY BLOCK-----\n", 1 },
	{ "a PGP block without a CRC line validates (RFC 9580 drops it)",
	  "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" S PGP_BODY E
	  "\n-----END PGP PRIVATE KEY BLOCK-----\n", 1 },
	{ "a key in a reply quoted with '>' validates",
	  "> -----BEGIN EC PRIVATE KEY-----\n> " S
	  "MHcCAQEEIH4oDCVwFXjmNK5Lv1Oerp12W/ZKTq1ZZpk7BHBsXPvcoAoGCCqGSM49\n"
	  "> AwEHoUQDQgAEzBWBWypeMeErTEw9WKBIXqhC+Ynoj2ebe15BGtApWE6s27sQC7VZ\n"
	  "> wrBS+CeyX+7/A8ieZeekVjD2eXwv8RlKaA==" E "\n> -----END EC PRIVATE KEY-----\n", 1 },
	{ "a key in a JSON string with \\n escapes validates",
	  "{\"private_key\": \"-----BEGIN EC PRIVATE KEY-----\\n" S
	  "MHcCAQEEIH4oDCVwFXjmNK5Lv1Oerp12W/ZKTq1ZZpk7BHBsXPvcoAoGCCqGSM49\\n"
	  "AwEHoUQDQgAEzBWBWypeMeErTEw9WKBIXqhC+Ynoj2ebe15BGtApWE6s27sQC7VZ\\n"
	  "wrBS+CeyX+7/A8ieZeekVjD2eXwv8RlKaA==" E "\\n-----END EC PRIVATE KEY-----\\n\"}", 1 },
	{ "a truncated key whose DER header is intact still validates",
	  "-----BEGIN RSA PRIVATE KEY-----\n" S
	  "MIIEpAIBAAKCAQEAn0G9W8uw8de9puyHB9d3xvE/pg3mKBxfeN4/YYsakj8Duzdo" E
	  "\n-----END RSA PRIVATE KEY-----\n", 1 },
	{ "an END line with another label fails",
	  "-----BEGIN EC PRIVATE KEY-----\n" S EC1_BODY E "\n-----END RSA PRIVATE KEY-----\n", 0 },
	{ "a missing END line fails",
	  "-----BEGIN EC PRIVATE KEY-----\n" S EC1_BODY E "\n\nthanks, Bob\n", 0 },
	{ "a missing BEGIN line fails", "key:\n" S EC1_BODY E "\n-----END EC PRIVATE KEY-----\n", 0 },
	{ "prose between BEGIN and the body fails",
	  "-----BEGIN EC PRIVATE KEY-----\nsee the attached file\n" S EC1_BODY E
	  "\n-----END EC PRIVATE KEY-----\n", 0 },
	{ "random base64 that is not DER fails",
	  "-----BEGIN RSA PRIVATE KEY-----\n" S
	  "A0bttzwSCcAWq/b0TOVZsM3W7r2bnI81e4QX5R49V/nJi2xk+ACrY2AtwKeH5jXp" E
	  "\n-----END RSA PRIVATE KEY-----\n", 0 },
	{ "an OpenSSH block without the magic fails",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n" S EC1_BODY E
	  "\n-----END OPENSSH PRIVATE KEY-----\n", 0 },
	{ "a PGP block with a wrong CRC-24 fails",
	  "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" S PGP_BODY E
	  "\n=Xq4T\n-----END PGP PRIVATE KEY BLOCK-----\n", 0 },
	{ "a PGP block that is not a secret key packet fails",
	  "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" S
	  "A0bttzwSCcAWq/b0TOVZsM3W7r2bnI81e4QX5R49V/nJi2xk+ACrY2AtwKeH5jXp" E
	  "\n-----END PGP PRIVATE KEY BLOCK-----\n", 0 },
	{ "a body with a base64 length that is not a multiple of 4 fails",
	  "-----BEGIN EC PRIVATE KEY-----\n" S
	  "MHcCAQEEIH4oDCVwFXjmNK5Lv1Oerp12W/ZKTq1ZZpk7BHBsXPvcoAoGCCqGSM4" E
	  "\n-----END EC PRIVATE KEY-----\n", 0 },
	{ "data after the padding fails",
	  "-----BEGIN EC PRIVATE KEY-----\n" S "MHcCAQEE==IH4o" E
	  "\n-----END EC PRIVATE KEY-----\n", 0 },
	{ "a placeholder body fails",
	  "-----BEGIN PRIVATE KEY-----\n" S "YOURKEYHERE" E "\n-----END PRIVATE KEY-----\n", 0 },
};

/* unmark - copy text without the \1 \2 marks into buf; candidate range */
static size_t unmark(const char *text, char *buf, size_t cap, size_t *s, size_t *e)
{
	size_t n = 0;

	*s = *e = 0;
	for (; *text != '\0' && n + 1 < cap; text++) {
		if (*text == '\1')
			*s = n;
		else if (*text == '\2')
			*e = n;
		else
			buf[n++] = *text;
	}
	buf[n] = '\0';
	return n;
}

START_TEST(test_pem)
{
	char buf[4096];
	size_t s, e, len = unmark(pem_rows[_i].text, buf, sizeof(buf), &s, &e);

	ck_assert_msg(e > s, "%s: the row marks a candidate", pem_rows[_i].label);
	ck_assert_msg(secm_check_pem(buf, len, s, e) == pem_rows[_i].valid,
		      "%s", pem_rows[_i].label);
}
END_TEST

START_TEST(test_pem_does_not_read_past_the_text)
{
	static const char t[] = "-----BEGIN EC PRIVATE KEY-----\n" EC1_BODY
		"\n-----END EC PRIVATE KEY-----";
	size_t len = sizeof(t) - 1, s = 31, e = s + strlen(EC1_BODY);
	char *heap = malloc(len);

	ck_assert_ptr_nonnull(heap);
	memcpy(heap, t, len);	/* no NUL: valgrind and ASan see overreads */
	ck_assert_msg(secm_check_pem(heap, len, s, e) == 1,
		      "a block at the very end of the text validates");
	ck_assert_msg(secm_check_pem(heap, len - 1, s, e) == 0,
		      "an END line cut short by the text's end fails");
	free(heap);
	heap = malloc(e);
	ck_assert_ptr_nonnull(heap);
	memcpy(heap, t, e);
	ck_assert_msg(secm_check_pem(heap, e, s, e) == 0,
		      "a body at the very end of the text has no END line");
	free(heap);
}
END_TEST

/* ---------------------------------------------------------------- rules */

/* load - load one fixture file of VDATA */
static int load(const char *file, secm_ruleset **rs, char *buf, size_t cap)
{
	char path[512];
	secm_error err;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", VDATA, file);
	rc = secm_ruleset_load_file(path, NULL, rs, &err);
	secm_error_format(&err, buf, cap);
	return rc;
}

/* free_rules - free a rule set, releasing what the validators own */
static void free_rules(secm_ruleset *rs)
{
	size_t i;

	/* secm_rule_clear does not call secm_rule_validators_clear yet; it
	 * is safe to call twice, so this stays right when it does */
	for (i = 0; rs != NULL && i < secm_ruleset_count(rs); i++)
		secm_rule_validators_clear((secm_rule *)secm_ruleset_get(rs, i));
	secm_ruleset_free(rs);
}

/* first_accepted - 1 when rule r's regex finds a candidate in text that
 * secm_rule_validate_at accepts */
static int first_accepted(const secm_rule *r, const char *text)
{
	size_t len = strlen(text), off = 0;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->code, NULL);
	PCRE2_SIZE *ov;
	int found = 0;

	ck_assert_ptr_nonnull(md);
	ov = pcre2_get_ovector_pointer(md);
	while (!found && off <= len &&
	       pcre2_match(r->code, (PCRE2_SPTR)text, len, off, 0, md, NULL) >= 0) {
		found = secm_rule_validate_at(r, text, len, ov[2 * r->secret_group],
					      ov[2 * r->secret_group + 1]);
		off = ov[1] > off ? ov[1] : off + 1;
	}
	pcre2_match_data_free(md);
	return found;
}

static const struct {
	const char *id;
	unsigned int bits;
} good_rows[] = {
	{ "fake-atlassian-token", SECM_VAL_CRC32_HEX },
	{ "fake-grafana-token", SECM_VAL_CRC32_HEX_LE },
	{ "fake-age-key", SECM_VAL_BECH32 },
	{ "fake-jwt", SECM_VAL_JWT },
	{ "fake-discord-token", SECM_VAL_DISCORD },
	{ "fake-pem-key", SECM_VAL_PEM },
	{ "fake-aws-secret", SECM_VAL_PLACEHOLDER | SECM_VAL_NEAR },
	{ "fake-false-flags", 0 },
};

START_TEST(test_rules_with_new_validators_load_and_keep_their_examples)
{
	secm_ruleset *rs = NULL;
	char buf[1024];
	size_t i, j;

	ck_assert_msg(load("good.yml", &rs, buf, sizeof(buf)) == SECM_OK,
		      "the validators fixture loads: %s", buf);
	ck_assert_uint_eq(secm_ruleset_count(rs), N(good_rows));
	for (i = 0; i < N(good_rows); i++) {
		const secm_rule *r = secm_ruleset_get(rs, i);

		ck_assert_str_eq(secm_rule_id(r), good_rows[i].id);
		ck_assert_msg(secm_rule_validators(r) == good_rows[i].bits,
			      "rule %s has exactly its validator bits (got %#x)",
			      good_rows[i].id, secm_rule_validators(r));
		for (j = 0; j < secm_rule_example_count(r); j++)
			ck_assert_msg(first_accepted(r, secm_rule_example(r, j)),
				      "rule %s: example %zu is found", good_rows[i].id, j + 1);
		for (j = 0; j < secm_rule_negative_count(r); j++)
			ck_assert_msg(!first_accepted(r, secm_rule_negative(r, j)),
				      "rule %s: negative example %zu is not found",
				      good_rows[i].id, j + 1);
	}
	free_rules(rs);
}
END_TEST

static const struct {
	const char *label;
	const char *text;
	int found;
} near_rows[] = {
	{ "a key id just before the secret counts",
	  "AKIAZ5Q7NQ3H2K4M6P7R 3VP2JUGyERxWlLEKdD3dmoP9VDcF5isl8h1r+Dtk", 1 },
	{ "a key id just after the secret counts",
	  "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\nid ASIAZ5Q7NQ3H2K4M6P7R", 1 },
	{ "the keyword aws_secret in any case counts",
	  "AWS_Secret: 3VP2JUGyERxWlLEKdD3dmoP9VDcF5isl8h1r+Dtk", 1 },
	{ "a key id that starts 100 bytes before the secret counts",
	  "AKIAZ5Q7NQ3H2K4M6P7R................................................................................"
	  "3VP2JUGyERxWlLEKdD3dmoP9VDcF5isl8h1r+Dtk", 1 },
	{ "a key id that starts 101 bytes before the secret does not count",
	  "AKIAZ5Q7NQ3H2K4M6P7R................................................................................."
	  "3VP2JUGyERxWlLEKdD3dmoP9VDcF5isl8h1r+Dtk", 0 },
	{ "no key id and no keyword does not count",
	  "commit 3VP2JUGyERxWlLEKdD3dmoP9VDcF5isl8h1r+Dtk says nothing secret", 0 },
	{ "a context match inside the secret itself does not count",
	  "value AKIAZ5Q7NQ3H2K4M6P7RyERxWlLEKdD3dmoP9VDc here", 0 },
};

START_TEST(test_near)
{
	secm_ruleset *rs = NULL;
	const secm_rule *r;
	char buf[1024];

	ck_assert_int_eq(load("good.yml", &rs, buf, sizeof(buf)), SECM_OK);
	r = secm_ruleset_get(rs, 6);
	ck_assert_str_eq(secm_rule_id(r), "fake-aws-secret");
	ck_assert_msg(first_accepted(r, near_rows[_i].text) == near_rows[_i].found,
		      "%s", near_rows[_i].label);
	free_rules(rs);
}
END_TEST

static const struct {
	const char *label;
	const char *file;
	unsigned long line;
	const char *want;
} broken_rows[] = {
	{ "an unknown checksum word lists the known ones", "broken-checksum.yml", 7,
	  "rule broken-checksum: unknown checksum 'crc16' (known: crc32-base62, crc32-hex, crc32-hex-le, bech32)" },
	{ "jwt takes only true or false", "broken-jwt-word.yml", 7,
	  "rule broken-jwt-word: jwt must be true or false, not 'yes'" },
	{ "a validator given twice is refused", "broken-pem-twice.yml", 8,
	  "rule broken-pem-twice: duplicate validator 'pem'" },
	{ "near must be a mapping", "broken-near-scalar.yml", 7,
	  "rule broken-near-scalar: 'near' must be a mapping" },
	{ "near needs a regex", "broken-near-no-regex.yml", 8,
	  "rule broken-near-no-regex: 'near' needs a 'regex'" },
	{ "an unknown key under near is named", "broken-near-key.yml", 9,
	  "rule broken-near-key: unknown key 'near.within'" },
	{ "a near regex error gives the PCRE2 offset and message at its line",
	  "broken-near-regex.yml", 8,
	  "rule broken-near-regex: at offset 12: near regex error: missing closing parenthesis" },
	{ "a near distance above the limit is refused", "broken-near-distance.yml", 9,
	  "rule broken-near-distance: near.distance must be a whole number of bytes from 1 to 16384, not '100000'" },
	{ "a negative near distance is refused", "broken-near-distance-word.yml", 9,
	  "rule broken-near-distance-word: near.distance must be a whole number" },
	{ "a rule regex error after a good near regex is reported (and nothing leaks)",
	  "broken-near-after-compile.yml", 5,
	  "rule broken-near-after-compile: at offset 21: regex error: missing closing parenthesis" },
};

START_TEST(test_broken_validator)
{
	secm_ruleset *rs = (secm_ruleset *)1;
	char buf[1024], want[600];
	int rc;

	rc = load(broken_rows[_i].file, &rs, buf, sizeof(buf));
	ck_assert_msg(rc == SECM_ERULE, "%s: refused (%s)", broken_rows[_i].label, buf);
	ck_assert_msg(rs == NULL, "%s: no rule set is returned", broken_rows[_i].label);
	snprintf(want, sizeof(want), "%s, line %lu: %s", broken_rows[_i].file,
		 broken_rows[_i].line, broken_rows[_i].want);
	ck_assert_msg(strstr(buf, want) != NULL, "%s: '%s' in '%s'",
		      broken_rows[_i].label, want, buf);
}
END_TEST

/* validate_suite - all validator tests */
static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validators");
	TCase *tr = tcase_create("rules");

	tcase_add_loop_test(tc, test_entropy, 0, N(entropy_rows));
	tcase_add_test(tc, test_entropy_counts_bytes_not_characters);
	tcase_add_loop_test(tc, test_placeholder, 0, N(placeholder_rows));
	tcase_add_test(tc, test_placeholder_uses_length_not_nul);
	tcase_add_loop_test(tc, test_crc32, 0, N(crc_rows));
	tcase_add_loop_test(tc, test_checksum, 0, N(checksum_rows));
	tcase_add_test(tc, test_checksum_every_single_char_corruption_fails);
	tcase_add_loop_test(tc, test_crc32_hex, 0, N(hex_rows));
	tcase_add_test(tc, test_crc32_hex_every_single_char_corruption_fails);
	tcase_add_loop_test(tc, test_crc32_hex_le, 0, N(hexle_rows));
	tcase_add_loop_test(tc, test_bech32, 0, N(bech32_rows));
	tcase_add_loop_test(tc, test_jwt, 0, N(jwt_rows));
	tcase_add_loop_test(tc, test_discord, 0, N(discord_rows));
	tcase_add_loop_test(tc, test_crc24, 0, N(crc24_rows));
	tcase_add_loop_test(tc, test_pem, 0, N(pem_rows));
	tcase_add_test(tc, test_pem_does_not_read_past_the_text);
	suite_add_tcase(s, tc);
	tcase_add_test(tr, test_rules_with_new_validators_load_and_keep_their_examples);
	tcase_add_loop_test(tr, test_near, 0, N(near_rows));
	tcase_add_loop_test(tr, test_broken_validator, 0, N(broken_rows));
	suite_add_tcase(s, tr);
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
