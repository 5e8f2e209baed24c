/*
 * validate.c - offline validators for a candidate secret: Shannon entropy,
 * placeholder/template detection, token checksums (CRC-32 in base62 or
 * hex, bech32), structure checks (JWT, PEM/OpenPGP armour, Discord id)
 * and a context regex near the candidate.  secm_rule_validate_at applies
 * a rule's set of them and is the only place that does.
 *
 * Design: functions on (pointer, length) with no locale (ASCII case
 * folding only), safe on any thread and on bytes that are not valid
 * UTF-8.  Only the JWT and PEM checks allocate (a decode buffer, wiped
 * before it is freed; JSON objects from json-c).  The placeholder test
 * errs towards "not a placeholder" for values that look random: it looks
 * for template syntax, masking runs and well-known dummy words, never for
 * mere low entropy (the min_entropy validator does that).  The near regex
 * is compiled once at load time and only read afterwards, with a match
 * context that holds the rule set's limits and is shared read-only
 * (PCRE2 allows sharing a context that no thread changes).
 */
#include "autoconfig.h"

#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules_int.h"
#include "validate.h"

/* as rules.c: PCRE2's JIT code floods memcheck with false reports, so
 * valgrind runs use the interpreter */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SECM_UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef SECM_UNDER_VALGRIND
#define SECM_UNDER_VALGRIND() 0
#endif

/* IEEE 802.3 CRC-32, reflected polynomial 0xEDB88320 (zlib's crc32) */
static const uint32_t crc_table[256] = {
	0x00000000U, 0x77073096U, 0xee0e612cU, 0x990951baU,
	0x076dc419U, 0x706af48fU, 0xe963a535U, 0x9e6495a3U,
	0x0edb8832U, 0x79dcb8a4U, 0xe0d5e91eU, 0x97d2d988U,
	0x09b64c2bU, 0x7eb17cbdU, 0xe7b82d07U, 0x90bf1d91U,
	0x1db71064U, 0x6ab020f2U, 0xf3b97148U, 0x84be41deU,
	0x1adad47dU, 0x6ddde4ebU, 0xf4d4b551U, 0x83d385c7U,
	0x136c9856U, 0x646ba8c0U, 0xfd62f97aU, 0x8a65c9ecU,
	0x14015c4fU, 0x63066cd9U, 0xfa0f3d63U, 0x8d080df5U,
	0x3b6e20c8U, 0x4c69105eU, 0xd56041e4U, 0xa2677172U,
	0x3c03e4d1U, 0x4b04d447U, 0xd20d85fdU, 0xa50ab56bU,
	0x35b5a8faU, 0x42b2986cU, 0xdbbbc9d6U, 0xacbcf940U,
	0x32d86ce3U, 0x45df5c75U, 0xdcd60dcfU, 0xabd13d59U,
	0x26d930acU, 0x51de003aU, 0xc8d75180U, 0xbfd06116U,
	0x21b4f4b5U, 0x56b3c423U, 0xcfba9599U, 0xb8bda50fU,
	0x2802b89eU, 0x5f058808U, 0xc60cd9b2U, 0xb10be924U,
	0x2f6f7c87U, 0x58684c11U, 0xc1611dabU, 0xb6662d3dU,
	0x76dc4190U, 0x01db7106U, 0x98d220bcU, 0xefd5102aU,
	0x71b18589U, 0x06b6b51fU, 0x9fbfe4a5U, 0xe8b8d433U,
	0x7807c9a2U, 0x0f00f934U, 0x9609a88eU, 0xe10e9818U,
	0x7f6a0dbbU, 0x086d3d2dU, 0x91646c97U, 0xe6635c01U,
	0x6b6b51f4U, 0x1c6c6162U, 0x856530d8U, 0xf262004eU,
	0x6c0695edU, 0x1b01a57bU, 0x8208f4c1U, 0xf50fc457U,
	0x65b0d9c6U, 0x12b7e950U, 0x8bbeb8eaU, 0xfcb9887cU,
	0x62dd1ddfU, 0x15da2d49U, 0x8cd37cf3U, 0xfbd44c65U,
	0x4db26158U, 0x3ab551ceU, 0xa3bc0074U, 0xd4bb30e2U,
	0x4adfa541U, 0x3dd895d7U, 0xa4d1c46dU, 0xd3d6f4fbU,
	0x4369e96aU, 0x346ed9fcU, 0xad678846U, 0xda60b8d0U,
	0x44042d73U, 0x33031de5U, 0xaa0a4c5fU, 0xdd0d7cc9U,
	0x5005713cU, 0x270241aaU, 0xbe0b1010U, 0xc90c2086U,
	0x5768b525U, 0x206f85b3U, 0xb966d409U, 0xce61e49fU,
	0x5edef90eU, 0x29d9c998U, 0xb0d09822U, 0xc7d7a8b4U,
	0x59b33d17U, 0x2eb40d81U, 0xb7bd5c3bU, 0xc0ba6cadU,
	0xedb88320U, 0x9abfb3b6U, 0x03b6e20cU, 0x74b1d29aU,
	0xead54739U, 0x9dd277afU, 0x04db2615U, 0x73dc1683U,
	0xe3630b12U, 0x94643b84U, 0x0d6d6a3eU, 0x7a6a5aa8U,
	0xe40ecf0bU, 0x9309ff9dU, 0x0a00ae27U, 0x7d079eb1U,
	0xf00f9344U, 0x8708a3d2U, 0x1e01f268U, 0x6906c2feU,
	0xf762575dU, 0x806567cbU, 0x196c3671U, 0x6e6b06e7U,
	0xfed41b76U, 0x89d32be0U, 0x10da7a5aU, 0x67dd4accU,
	0xf9b9df6fU, 0x8ebeeff9U, 0x17b7be43U, 0x60b08ed5U,
	0xd6d6a3e8U, 0xa1d1937eU, 0x38d8c2c4U, 0x4fdff252U,
	0xd1bb67f1U, 0xa6bc5767U, 0x3fb506ddU, 0x48b2364bU,
	0xd80d2bdaU, 0xaf0a1b4cU, 0x36034af6U, 0x41047a60U,
	0xdf60efc3U, 0xa867df55U, 0x316e8eefU, 0x4669be79U,
	0xcb61b38cU, 0xbc66831aU, 0x256fd2a0U, 0x5268e236U,
	0xcc0c7795U, 0xbb0b4703U, 0x220216b9U, 0x5505262fU,
	0xc5ba3bbeU, 0xb2bd0b28U, 0x2bb45a92U, 0x5cb36a04U,
	0xc2d7ffa7U, 0xb5d0cf31U, 0x2cd99e8bU, 0x5bdeae1dU,
	0x9b64c2b0U, 0xec63f226U, 0x756aa39cU, 0x026d930aU,
	0x9c0906a9U, 0xeb0e363fU, 0x72076785U, 0x05005713U,
	0x95bf4a82U, 0xe2b87a14U, 0x7bb12baeU, 0x0cb61b38U,
	0x92d28e9bU, 0xe5d5be0dU, 0x7cdcefb7U, 0x0bdbdf21U,
	0x86d3d2d4U, 0xf1d4e242U, 0x68ddb3f8U, 0x1fda836eU,
	0x81be16cdU, 0xf6b9265bU, 0x6fb077e1U, 0x18b74777U,
	0x88085ae6U, 0xff0f6a70U, 0x66063bcaU, 0x11010b5cU,
	0x8f659effU, 0xf862ae69U, 0x616bffd3U, 0x166ccf45U,
	0xa00ae278U, 0xd70dd2eeU, 0x4e048354U, 0x3903b3c2U,
	0xa7672661U, 0xd06016f7U, 0x4969474dU, 0x3e6e77dbU,
	0xaed16a4aU, 0xd9d65adcU, 0x40df0b66U, 0x37d83bf0U,
	0xa9bcae53U, 0xdebb9ec5U, 0x47b2cf7fU, 0x30b5ffe9U,
	0xbdbdf21cU, 0xcabac28aU, 0x53b39330U, 0x24b4a3a6U,
	0xbad03605U, 0xcdd70693U, 0x54de5729U, 0x23d967bfU,
	0xb3667a2eU, 0xc4614ab8U, 0x5d681b02U, 0x2a6f2b94U,
	0xb40bbe37U, 0xc30c8ea1U, 0x5a05df1bU, 0x2d02ef8dU,
};

static const char base62[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* secm_shannon_entropy - bits per byte of s[0..len) */
double secm_shannon_entropy(const char *s, size_t len)
{
	size_t counts[256] = { 0 };
	double h = 0.0, p;
	size_t i;

	if (len == 0)
		return 0.0;
	for (i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (i = 0; i < 256; i++) {
		if (counts[i] == 0)
			continue;
		p = (double)counts[i] / (double)len;
		h -= p * log2(p);
	}
	return h;
}

/* secm_crc32 - IEEE CRC-32 (as zlib's crc32(0, p, len)) */
uint32_t secm_crc32(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint32_t c = 0xffffffffU;

	while (len--)
		c = crc_table[(c ^ *b++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffU;
}

/* is_base62 - 0-9, A-Z, a-z */
static int is_base62(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		(c >= 'a' && c <= 'z');
}

/* secm_check_crc32_base62 - 1 when the last 6 chars of token are the
 * zero-padded base62 (0-9A-Za-z, most significant digit first) of the
 * CRC-32 of the characters between the prefix's last '_' and them */
int secm_check_crc32_base62(const char *token, size_t len)
{
	const char *body, *u;
	char want[6];
	size_t blen, i;
	uint32_t crc;

	if (token == NULL)
		return 0;
	u = NULL;
	for (i = len; i > 0; i--) {
		if (token[i - 1] == '_') {
			u = token + i - 1;
			break;
		}
	}
	if (u == NULL || u == token)
		return 0;
	body = u + 1;
	blen = len - (size_t)(body - token);
	if (blen < 7)
		return 0;
	for (i = 0; i < blen; i++)
		if (!is_base62((unsigned char)body[i]))
			return 0;
	crc = secm_crc32(body, blen - 6);
	for (i = 6; i > 0; i--) {
		want[i - 1] = base62[crc % 62];
		crc /= 62;
	}
	return memcmp(want, body + blen - 6, 6) == 0;
}

/* ---------------------------------------------------------------- placeholders */

/* lc - ASCII lower case */
static unsigned char lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ci_eq - s[0..len) equals word (lowercase), ignoring ASCII case */
static int ci_eq(const char *s, size_t len, const char *word)
{
	size_t i;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (lc((unsigned char)s[i]) != (unsigned char)word[i])
			return 0;
	return 1;
}

/* ci_find - word (lowercase) occurs in s[0..len), ignoring ASCII case */
static int ci_find(const char *s, size_t len, const char *word)
{
	size_t wlen = strlen(word), i, j;

	if (wlen == 0 || wlen > len)
		return wlen == 0;
	for (i = 0; i + wlen <= len; i++) {
		for (j = 0; j < wlen; j++)
			if (lc((unsigned char)s[i + j]) != (unsigned char)word[j])
				break;
		if (j == wlen)
			return 1;
	}
	return 0;
}

/* has_run - n or more c in a row (c compared ignoring ASCII case) */
static int has_run(const char *s, size_t len, unsigned char c, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		run = lc((unsigned char)s[i]) == c ? run + 1 : 0;
		if (run >= n)
			return 1;
	}
	return 0;
}

/* is_ident_char - [A-Za-z0-9_] */
static int is_ident_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '_';
}

/* is_ident - s[0..len) is [A-Za-z_][A-Za-z0-9_]* */
static int is_ident(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < len; i++)
		if (!is_ident_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* is_env_name - an environment-variable-like name after '$': all upper
 * case (API_KEY) or all lower case without digits (password, db_pass);
 * a mixed value such as "$ecretPa55" is more likely a real password */
static int is_env_name(const char *s, size_t len)
{
	int upper = 0, lower = 0, digit = 0;
	size_t i;

	if (!is_ident(s, len))
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			upper = 1;
		else if (s[i] >= 'a' && s[i] <= 'z')
			lower = 1;
		else if (s[i] >= '0' && s[i] <= '9')
			digit = 1;
	}
	return (upper && !lower) || (lower && !upper && !digit);
}

/* angle_placeholder - "<" letters/space/_-. ">" somewhere: <your-key> */
static int angle_placeholder(const char *s, size_t len)
{
	size_t i, j;

	for (i = 0; i < len; i++) {
		if (s[i] != '<')
			continue;
		for (j = i + 1; j < len; j++) {
			unsigned char c = (unsigned char)s[j];

			if (!(is_ident_char(c) || c == '-' || c == ' ' || c == '.'))
				break;
		}
		if (j < len && s[j] == '>' && j > i + 1)
			return 1;
	}
	return 0;
}

/* wrapped - whole value is open + ident + close: {x}, %x%, @x@, [x] */
static int wrapped(const char *s, size_t len, char open, char close)
{
	size_t i;

	if (len < 2 || s[0] != open || s[len - 1] != close)
		return 0;
	if (len == 2)
		return open == '{';	/* {} but not %% or [] */
	for (i = 1; i < len - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(is_ident_char(c) || c == '-' || (c == ' ' && open == '[')))
			return 0;
	}
	return 1;
}

/* format_spec - whole value is a printf-style conversion: %s, %d, %-10s */
static int format_spec(const char *s, size_t len)
{
	size_t i = 1;

	if (len < 2 || s[0] != '%')
		return 0;
	while (i < len - 1 && strchr("-+ #0123456789.", s[i]) != NULL)
		i++;
	return i == len - 1 && strchr("sdivrxqp", s[i]) != NULL;
}

/* function_call - whole value is name() or dotted.name(args) */
static int function_call(const char *s, size_t len)
{
	size_t i = 0;
	int dotted = 0;

	while (i < len && (is_ident_char((unsigned char)s[i]) || s[i] == '.')) {
		if (s[i] == '.' || s[i] == '_')
			dotted = 1;
		i++;
	}
	if (i == 0 || i >= len || s[i] != '(' || s[len - 1] != ')')
		return 0;
	return dotted || i + 2 == len;
}

/* all_same - every byte equal */
static int all_same(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < len; i++)
		if (s[i] != s[0])
			return 0;
	return 1;
}

/* is_sequence - whole value counts up or down by one: 123456, abcdef,
 * 654321, 1234567890 (9 wraps to 0 when counting up) */
static int is_sequence(const char *s, size_t len)
{
	int up = 1, down = 1;
	size_t i;

	for (i = 1; i < len; i++) {
		unsigned char a = lc((unsigned char)s[i - 1]);
		unsigned char b = lc((unsigned char)s[i]);

		if (!(b == a + 1 || (a == '9' && b == '0')))
			up = 0;
		if (b + 1 != a)
			down = 0;
	}
	return up || down;
}

/* mask_only - only masking characters (x * # . - _ space), some of them
 * x, * or #: "XXX-XXX-XXX", "**-**" */
static int mask_only(const char *s, size_t len)
{
	size_t i, marks = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = lc((unsigned char)s[i]);

		if (c == 'x' || c == '*' || c == '#')
			marks++;
		else if (strchr(".-_ ", c) == NULL || c == '\0')
			return 0;
	}
	return marks >= 2;
}

/* values that are a placeholder when they are the whole secret */
static const char *const whole_words[] = {
	"password", "passwd", "pass", "pwd", "secret", "token", "key",
	"apikey", "api_key", "api-key", "null", "nil", "none", "true", "false",
	"undefined", "empty", "test", "testing", "string", "value", "foo",
	"bar", "baz", "foobar", "hidden", "tbd", "todo", "n/a", "unknown",
	"xxx", "abc", "hunter2",
};

/* words that make the value a placeholder wherever they occur */
static const char *const any_words[] = {
	"changeme", "change_me", "change-me", "change me",
	"replaceme", "replace_me", "replace-me",
	"redacted", "placeholder", "dummy", "sample", "example",
	"fixme", "notreal", "not_real", "not-a-real", "fake", "test123",
	"your_", "your-", "your ", "your.",
	/* template and interpolation syntax */
	"${", "{{", "{%", "<%", "#{", "%(",
	/* code that reads the secret from elsewhere */
	"os.environ", "getenv", "process.env", "environ[", "environ.get",
	"env[", "env(", "env.fetch", "env.get", "env::var", "secrets.",
	/* "..." written as one character */
	"\xe2\x80\xa6",
};

/* secm_is_placeholder - 1 when s looks like a template or dummy value */
int secm_is_placeholder(const char *s, size_t len)
{
	size_t i;

	if (s == NULL)
		return 1;
	/* quotes and blanks around the value say nothing about it */
	while (len > 0 && strchr(" \t\r\n'\"`", s[0]) != NULL && s[0] != '\0') {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\n'\"`", s[len - 1]) != NULL &&
	       s[len - 1] != '\0')
		len--;
	if (len == 0)
		return 1;
	for (i = 0; i < sizeof(whole_words) / sizeof(whole_words[0]); i++)
		if (ci_eq(s, len, whole_words[i]))
			return 1;
	for (i = 0; i < sizeof(any_words) / sizeof(any_words[0]); i++)
		if (ci_find(s, len, any_words[i]))
			return 1;
	if (ci_eq(s, len < 4 ? len : 4, "your"))
		return 1;
	/* masking: xxxx, ***, ..., #### */
	if (has_run(s, len, 'x', 4) || has_run(s, len, '*', 3) ||
	    has_run(s, len, '.', 3) || has_run(s, len, '#', 4))
		return 1;
	if (mask_only(s, len))
		return 1;
	/* $VAR, $env:VAR, %VAR%, @VAR@, __VAR__, {VAR}, [VAR], <...>, %s */
	if (s[0] == '$' && is_env_name(s + 1, len - 1))
		return 1;
	if ((len > 5 && ci_eq(s, 5, "$env:")) || (len > 2 && s[0] == '$' && s[1] == '('))
		return 1;	/* PowerShell $env:X, shell $(command) */
	if (wrapped(s, len, '%', '%') || wrapped(s, len, '@', '@') ||
	    wrapped(s, len, '{', '}') || wrapped(s, len, '[', ']'))
		return 1;
	if (len > 4 && s[0] == '_' && s[1] == '_' && s[len - 1] == '_' &&
	    s[len - 2] == '_' && is_ident(s, len))
		return 1;
	if (angle_placeholder(s, len) || (s[0] == '<' && s[len - 1] == '>'))
		return 1;
	if (format_spec(s, len) || function_call(s, len))
		return 1;
	/* aaaa, 123456, abcdef */
	if (len >= 3 && all_same(s, len))
		return 1;
	if (len >= 4 && is_sequence(s, len))
		return 1;
	return 0;
}

/* ---------------------------------------------------------------- hex checksums */

/* hexval - value of a hex digit (either case), or -1 */
static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* hex8 - parse 8 hex digits, most significant first; -1 if not hex */
static int hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int d, i;

	for (i = 0; i < 8; i++) {
		d = hexval((unsigned char)s[i]);
		if (d < 0)
			return -1;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* secm_check_crc32_hex - last 8 chars = hex CRC-32 of all chars before */
int secm_check_crc32_hex(const char *token, size_t len)
{
	uint32_t want;

	if (token == NULL || len < 9 || hex8(token + len - 8, &want) != 0)
		return 0;
	return secm_crc32(token, len - 8) == want;
}

/* secm_check_crc32_hex_le - "_" + 8 hex = little-endian CRC-32 of all
 * chars before the "_" */
int secm_check_crc32_hex_le(const char *token, size_t len)
{
	uint32_t v, c;

	if (token == NULL || len < 10 || token[len - 9] != '_' ||
	    hex8(token + len - 8, &v) != 0)
		return 0;
	c = secm_crc32(token, len - 9);
	/* the bytes c0 c1 c2 c3 were written in that order */
	c = (c >> 24) | ((c >> 8) & 0xff00U) | ((c << 8) & 0xff0000U) | (c << 24);
	return c == v;
}

/* ---------------------------------------------------------------- bech32 */

/* bech32_polymod_step - one BIP-173 generator step over a 5-bit value */
static uint32_t bech32_polymod_step(uint32_t chk, unsigned int v)
{
	static const uint32_t gen[5] = {
		0x3b6a57b2U, 0x26508e6dU, 0x1ea119faU, 0x3d4233ddU, 0x2a1462b3U
	};
	uint32_t top = chk >> 25;
	int i;

	chk = ((chk & 0x1ffffffU) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/* secm_check_bech32 - BIP-173 bech32 string with a valid checksum */
int secm_check_bech32(const char *s, size_t len)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	int upper = 0, lower = 0;
	size_t sep, i;
	uint32_t chk = 1;
	const char *p;

	if (s == NULL || len < 8)
		return 0;
	for (sep = len; sep > 0 && s[sep - 1] != '1'; sep--)
		;
	if (sep < 2 || sep - 1 > 83 || len - sep < 6)
		return 0;
	sep--;			/* index of the separator '1' */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 33 || c > 126)
			return 0;
		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
	}
	if (upper && lower)
		return 0;
	for (i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk, lc((unsigned char)s[i]) >> 5);
	chk = bech32_polymod_step(chk, 0);
	for (i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk, lc((unsigned char)s[i]) & 31);
	for (i = sep + 1; i < len; i++) {
		p = memchr(charset, lc((unsigned char)s[i]), 32);
		if (p == NULL)
			return 0;
		chk = bech32_polymod_step(chk, (unsigned int)(p - charset));
	}
	return chk == 1;
}

/* ---------------------------------------------------------------- base64 */

/* b64val - value of a base64 char (standard and url alphabets), or -1 */
static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* b64_decode - decode s[0..len) without padding into out (room for
 * len * 3 / 4 bytes); -1 on a bad char or an impossible length */
static long b64_decode(const char *s, size_t len, unsigned char *out)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0, v;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		v = b64val((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)n;
}

/* strip_pad - length of s without up to two trailing '=' */
static size_t strip_pad(const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '=')
		len--;
	if (len > 0 && s[len - 1] == '=')
		len--;
	return len;
}

/* ---------------------------------------------------------------- discord */

/* secm_check_discord - first part decodes to a 17-20 digit snowflake */
int secm_check_discord(const char *s, size_t len)
{
	unsigned char id[32];
	const char *dot;
	size_t plen;
	long n, i;

	if (s == NULL)
		return 0;
	dot = memchr(s, '.', len);
	if (dot == NULL)
		return 0;
	plen = strip_pad(s, (size_t)(dot - s));
	if (plen > 28)
		return 0;	/* 20 digits are 27 base64 chars */
	n = b64_decode(s, plen, id);
	if (n < 17 || n > 20 || id[0] == '0')
		return 0;
	for (i = 0; i < n; i++)
		if (id[i] < '0' || id[i] > '9')
			return 0;
	return n < 20 || memcmp(id, "18446744073709551615", 20) <= 0;
}

/* ---------------------------------------------------------------- jwt */

/* json_part - base64url part s[0..len) decodes to a JSON object: returned
 * (caller puts it), else NULL */
static json_object *json_part(const char *s, size_t len)
{
	json_tokener *tok = NULL;
	json_object *o = NULL;
	unsigned char *buf;
	long n;

	buf = malloc(len * 3 / 4 + 1);
	if (buf == NULL)
		return NULL;
	n = b64_decode(s, strip_pad(s, len), buf);
	if (n < 2 || buf[0] != '{')
		goto out;
	tok = json_tokener_new();
	if (tok == NULL)
		goto out;
	o = json_tokener_parse_ex(tok, (const char *)buf, (int)n);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
			  json_tokener_get_parse_end(tok) != (size_t)n ||
			  !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
out:
	if (tok != NULL)
		json_tokener_free(tok);	/* json-c 0.16 does not accept NULL */
	if (n > 0)
		secm_wipe(buf, (size_t)n);
	free(buf);
	return o;
}

/* has_string - o has key k with a non-empty string value */
static int has_string(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) &&
		json_object_is_type(v, json_type_string) &&
		json_object_get_string_len(v) > 0;
}

#define JWT_MAX_PART (64u << 10)	/* bytes of one encoded part */

/* secm_check_jwt - compact JWS/JWE with a JSON header naming "alg" */
int secm_check_jwt(const char *s, size_t len)
{
	size_t dot[5], nd = 0, i;
	json_object *h, *p;
	int ok;

	if (s == NULL || len > 4 * JWT_MAX_PART)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] != '.')
			continue;
		if (nd == 5)
			return 0;
		dot[nd++] = i;
	}
	if (nd != 2 && nd != 4)
		return 0;
	if (dot[0] == 0 || dot[0] > JWT_MAX_PART)
		return 0;
	h = json_part(s, dot[0]);
	if (h == NULL)
		return 0;
	ok = has_string(h, "alg");
	if (ok && nd == 4) {
		ok = has_string(h, "enc");	/* JWE: the payload is ciphertext */
	} else if (ok) {
		ok = dot[1] - dot[0] - 1 <= JWT_MAX_PART;
		p = ok ? json_part(s + dot[0] + 1, dot[1] - dot[0] - 1) : NULL;
		ok = p != NULL;
		json_object_put(p);
	}
	json_object_put(h);
	return ok;
}

/* ---------------------------------------------------------------- pem */

/* OpenPGP CRC-24 (RFC 4880 6.1) */
#define CRC24_INIT 0xB704CEU
#define CRC24_POLY 0x1864CFBU

/* secm_crc24 - OpenPGP ASCII-armour checksum */
uint32_t secm_crc24(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint32_t crc = CRC24_INIT;
	int i;

	while (len--) {
		crc ^= (uint32_t)*b++ << 16;
		for (i = 0; i < 8; i++) {
			crc <<= 1;
			if (crc & 0x1000000U)
				crc ^= CRC24_POLY;
		}
	}
	return crc & 0xFFFFFFU;
}

#define PEM_MAX_LABEL 64	/* "ENCRYPTED PRIVATE KEY" and friends */
#define PEM_MAX_HEAD 4096	/* BEGIN line + headers before the body */
#define PEM_MAX_TAIL 512	/* CRC line + END line after the body */

/* pem_break - length of a line break at t[i..n): \n, \r\n, \r, or the
 * literal escapes \n, \r\n, \r of a JSON or code string; 0 if none */
static size_t pem_break(const char *t, size_t n, size_t i)
{
	if (t[i] == '\n')
		return 1;
	if (t[i] == '\r')
		return i + 1 < n && t[i + 1] == '\n' ? 2 : 1;
	if (t[i] != '\\' || i + 1 >= n)
		return 0;
	if (t[i + 1] == 'n')
		return 2;
	if (t[i + 1] == 'r')
		return i + 3 < n && t[i + 2] == '\\' && t[i + 3] == 'n' ? 4 : 2;
	return 0;
}

/* pem_skip - skip blanks, line breaks and '>' quote marks from t[i] */
static size_t pem_skip(const char *t, size_t n, size_t i)
{
	size_t b;

	while (i < n) {
		if (t[i] == ' ' || t[i] == '\t' || t[i] == '>')
			i++;
		else if ((b = pem_break(t, n, i)) > 0)
			i += b;
		else
			break;
	}
	return i;
}

/* pem_label - t[i..n) starts with "-----BEGIN " or "-----END " (kw)
 * followed by a label and "-----": label offset and length */
static int pem_label(const char *t, size_t n, size_t i, const char *kw,
		     size_t *lab, size_t *lablen)
{
	size_t k = strlen(kw), j;

	if (n - i < 5 + k || memcmp(t + i, "-----", 5) != 0 ||
	    memcmp(t + i + 5, kw, k) != 0)
		return 0;
	i += 5 + k;
	for (j = i; j < n && j - i <= PEM_MAX_LABEL; j++) {
		unsigned char c = (unsigned char)t[j];

		if (c == '-')
			break;
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' '))
			return 0;
	}
	if (j == i || n - j < 5 || memcmp(t + j, "-----", 5) != 0)
		return 0;
	*lab = i;
	*lablen = j - i;
	return 1;
}

/* pem_headers - t[i..s) holds only breaks, blanks, quote marks and
 * "Name: value" header lines; *encrypted when Proc-Type says ENCRYPTED */
static int pem_headers(const char *t, size_t i, size_t s, int *encrypted)
{
	size_t j, b;

	*encrypted = 0;
	for (;;) {
		i = pem_skip(t, s, i);
		if (i >= s)
			return 1;
		/* a header name, ": ", then the value up to a break */
		for (j = i; j < s && (is_ident_char((unsigned char)t[j]) || t[j] == '-'); j++)
			;
		if (j == i || j >= s || t[j] != ':')
			return 0;
		if (j - i == 9 && memcmp(t + i, "Proc-Type", 9) == 0)
			*encrypted = 1;
		for (b = 0; j < s && (b = pem_break(t, s, j)) == 0; j++)
			;
		if (b == 0)
			return 0;	/* the body must start on a new line */
		i = j;
	}
}

/* der_sequence - b[0..n) starts with a DER SEQUENCE and a length in a
 * well-formed encoding (the body may be truncated, so not its value) */
static int der_sequence(const unsigned char *b, size_t n)
{
	size_t k;

	if (n < 2 || b[0] != 0x30)
		return 0;
	if (b[1] < 0x80)
		return 1;
	k = b[1] & 0x7f;
	if (k == 0 || k > 4 || n < 2 + k || b[2] == 0)
		return 0;
	return k > 1 || b[2] >= 0x80;	/* DER: shortest form */
}

/* pgp_secret_key - b starts with an OpenPGP Secret-Key packet (tag 5) in
 * the old (0x94-0x97) or the new (0xC5) packet format */
static int pgp_secret_key(const unsigned char *b, size_t n)
{
	if (n < 2)
		return 0;
	if (b[0] == 0xC5)
		return 1;
	return (b[0] & 0xC0) == 0x80 && ((b[0] >> 2) & 0x0f) == 5;
}

/* pem_crc_line - t[i..n) is "=" + 4 base64 chars (a CRC-24) then a
 * break, a blank or the end: its value in *crc */
static int pem_crc_line(const char *t, size_t n, size_t i, uint32_t *crc)
{
	unsigned char v[3];
	size_t k;

	if (n - i < 5 || t[i] != '=' || b64_decode(t + i + 1, 4, v) != 3)
		return 0;
	k = i + 5;
	if (k < n && t[k] != ' ' && t[k] != '\t' && pem_break(t, n, k) == 0)
		return 0;
	*crc = ((uint32_t)v[0] << 16) | ((uint32_t)v[1] << 8) | v[2];
	return 1;
}

/* pem_body - decode the base64 body t[s..e) into out (room for
 * (e - s) * 3 / 4 bytes), ending at a "=XXXX" CRC line if there is one
 * (*crc_at = its offset, else e); -1 when it is not padded base64 */
static long pem_body(const char *t, size_t s, size_t e, unsigned char *out,
		     size_t *crc_at)
{
	uint32_t acc = 0, dummy;
	size_t i = s, b, n = 0, chars = 0, pad = 0;
	int bits = 0, v, line_start = 1;

	*crc_at = e;
	while (i < e) {
		b = pem_break(t, e, i);
		if (b > 0 || t[i] == ' ' || t[i] == '\t' ||
		    (t[i] == '>' && line_start)) {
			line_start = b > 0 || line_start;
			i += b > 0 ? b : 1;
			continue;
		}
		if (line_start && t[i] == '=' && pem_crc_line(t, e, i, &dummy) &&
		    pem_skip(t, e, i + 5) == e) {
			*crc_at = i;
			break;
		}
		line_start = 0;
		if (t[i] == '=') {
			if (++pad > 2 || chars == 0)
				return -1;
			i++;
			continue;
		}
		v = t[i] == '+' ? 62 : t[i] == '/' ? 63 : b64val((unsigned char)t[i]);
		if (v < 0 || t[i] == '-' || t[i] == '_' || pad > 0)
			return -1;	/* standard alphabet; data after '=' */
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		chars++;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
		i++;
	}
	if ((chars + pad) % 4 != 0 || n == 0)
		return -1;
	return (long)n;
}

/* secm_check_pem - PEM/armour body between a BEGIN and a matching END */
int secm_check_pem(const char *text, size_t len, size_t s, size_t e)
{
	size_t lab = 0, lablen = 0, i, lo, crc_at, elab, elablen, tail;
	unsigned char *buf = NULL;
	int encrypted, ok = 0;
	uint32_t want;
	long n = -1;

	if (text == NULL || s >= e || e > len)
		return 0;
	/* the nearest BEGIN line before the body */
	lo = s > PEM_MAX_HEAD ? s - PEM_MAX_HEAD : 0;
	for (i = s; i > lo; i--)
		if (text[i - 1] == '-' && pem_label(text, s, i - 1, "BEGIN ", &lab, &lablen))
			break;
	if (i == lo)
		return 0;
	if (!pem_headers(text, lab + lablen + 5, s, &encrypted))
		return 0;
	buf = malloc((e - s) * 3 / 4 + 3);
	if (buf == NULL)
		return 0;
	n = pem_body(text, s, e, buf, &crc_at);
	if (n < 0)
		goto out;
	/* a CRC line inside the candidate (crc_at < e) or right after it,
	 * then the END line, all within PEM_MAX_TAIL bytes of e */
	tail = len - e > PEM_MAX_TAIL ? e + PEM_MAX_TAIL : len;
	if (crc_at == e) {
		i = pem_skip(text, tail, e);
		if (i < tail && text[i] == '=')
			crc_at = i;
	}
	if (crc_at < tail && text[crc_at] == '=') {
		if (!pem_crc_line(text, tail, crc_at, &want) ||
		    secm_crc24(buf, (size_t)n) != want)
			goto out;
		i = pem_skip(text, tail, crc_at + 5);
	} else {
		i = pem_skip(text, tail, e);
	}
	if (!pem_label(text, tail, i, "END ", &elab, &elablen) ||
	    elablen != lablen || memcmp(text + lab, text + elab, lablen) != 0)
		goto out;
	if (lablen == 19 && memcmp(text + lab, "OPENSSH PRIVATE KEY", 19) == 0)
		ok = n >= 15 && memcmp(buf, "openssh-key-v1", 15) == 0;
	else if (lablen > 4 && memcmp(text + lab, "PGP ", 4) == 0)
		ok = pgp_secret_key(buf, (size_t)n);
	else
		ok = encrypted || der_sequence(buf, (size_t)n);
out:
	if (n > 0)
		secm_wipe(buf, (size_t)n);
	free(buf);
	return ok;
}

/* ---------------------------------------------------------------- near */

#define NEAR_MAX_MATCHES 64	/* matches inside the secret skipped at most */

/* secm_rule_near_compile - compile the near: regex of r */
int secm_rule_near_compile(secm_rule *r, const char *regex, size_t len,
			   const secm_rule_limits *lim, const char *file,
			   unsigned long line, secm_error *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	char key[128];
	int code;

	secm_rule_errkey(key, sizeof(key), r->id);
	pcre2_code_free(r->near_code);
	r->near_code = pcre2_compile((PCRE2_SPTR)regex, len,
				     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
				     PCRE2_NEVER_BACKSLASH_C, &code, &off, NULL);
	if (r->near_code == NULL) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", code);
		code = secm_error_set(err, SECM_ERULE, file, line, key,
				      "near regex error: %s", (char *)msg);
		if (err != NULL)
			err->offset = (long)off;
		return code;
	}
	/* as rules.c: no JIT under valgrind, which cannot follow it */
	if (!SECM_UNDER_VALGRIND())
		(void)pcre2_jit_compile(r->near_code, PCRE2_JIT_COMPLETE);
	if (r->near_mctx == NULL)
		r->near_mctx = pcre2_match_context_create(NULL);
	if (r->near_mctx == NULL)
		return secm_error_set(err, SECM_ENOMEM, file, line, key,
				      "out of memory");
	pcre2_set_match_limit(r->near_mctx, lim->match_limit);
	pcre2_set_depth_limit(r->near_mctx, lim->depth_limit);
	return SECM_OK;
}

/* secm_rule_validators_clear - free the near regex and its context */
void secm_rule_validators_clear(secm_rule *r)
{
	if (r == NULL)
		return;
	pcre2_code_free(r->near_code);
	pcre2_match_context_free(r->near_mctx);
	r->near_code = NULL;
	r->near_mctx = NULL;
}

/* near_found - r's near regex matches text within near_distance bytes of
 * [s, e), not wholly inside it.  When the search cannot finish (out of
 * memory, a match limit) the context counts as found: a candidate is
 * never dropped because its context could not be read. */
static int near_found(const secm_rule *r, const char *text, size_t len,
		      size_t s, size_t e)
{
	size_t lo, hi, off, ms, me;
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	int m, tries, found = 1;

	if (r->near_code == NULL)
		return 1;
	lo = s > r->near_distance ? s - r->near_distance : 0;
	hi = len - e > r->near_distance ? e + r->near_distance : len;
	md = pcre2_match_data_create(1, NULL);
	if (md == NULL)
		return 1;
	ov = pcre2_get_ovector_pointer(md);
	for (off = 0, tries = 0; tries < NEAR_MAX_MATCHES; tries++) {
		m = pcre2_match(r->near_code, (PCRE2_SPTR)(text + lo), hi - lo,
				off, 0, md, r->near_mctx);
		if (m == PCRE2_ERROR_NOMATCH) {
			found = 0;
			break;
		}
		if (m < 0)
			break;
		ms = lo + ov[0];
		me = lo + ov[1];
		if (ms < s || me > e)
			break;
		/* inside the secret itself: look further, past it if we can */
		off = ov[1] > off ? ov[1] : off + 1;
		if (off > hi - lo) {
			found = 0;
			break;
		}
	}
	pcre2_match_data_free(md);
	return found;
}

/* ---------------------------------------------------------------- rule */

/* secm_rule_validate_at - the rule's validators all accept the candidate
 * text[s..e) of text[0..len); the rest of text is context for pem/near */
int secm_rule_validate_at(const secm_rule *r, const char *text, size_t len,
			  size_t s, size_t e)
{
	const char *c = text + s;
	size_t n = e - s;
	unsigned int v = r->validators;

	if (s > e || e > len)
		return 0;
	if ((v & SECM_VAL_PLACEHOLDER) && secm_is_placeholder(c, n))
		return 0;
	if ((v & SECM_VAL_ENTROPY) && secm_shannon_entropy(c, n) < r->min_entropy)
		return 0;
	if ((v & SECM_VAL_CRC32_BASE62) && !secm_check_crc32_base62(c, n))
		return 0;
	if ((v & SECM_VAL_CRC32_HEX) && !secm_check_crc32_hex(c, n))
		return 0;
	if ((v & SECM_VAL_CRC32_HEX_LE) && !secm_check_crc32_hex_le(c, n))
		return 0;
	if ((v & SECM_VAL_BECH32) && !secm_check_bech32(c, n))
		return 0;
	if ((v & SECM_VAL_DISCORD) && !secm_check_discord(c, n))
		return 0;
	if ((v & SECM_VAL_JWT) && !secm_check_jwt(c, n))
		return 0;
	if ((v & SECM_VAL_PEM) && !secm_check_pem(text, len, s, e))
		return 0;
	if ((v & SECM_VAL_NEAR) && !near_found(r, text, len, s, e))
		return 0;
	return 1;
}

/* secm_rule_validate - as secm_rule_validate_at, blind after e */
int secm_rule_validate(const secm_rule *r, const char *text, size_t s, size_t e)
{
	return secm_rule_validate_at(r, text, e, s, e);
}
