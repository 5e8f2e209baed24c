/*
 * validate.c - offline validators for a candidate secret: Shannon entropy,
 * placeholder/template detection, CRC-32 and the GitHub/npm crc32-base62
 * token checksum.
 *
 * Design: pure functions on (pointer, length); no allocation, no locale
 * (ASCII case folding only), so they are safe on any thread and on bytes
 * that are not valid UTF-8.  The placeholder test errs towards "not a
 * placeholder" for values that look random: it looks for template syntax,
 * masking runs and well-known dummy words, never for mere low entropy
 * (the min_entropy validator does that).
 */
#include "autoconfig.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rules_int.h"
#include "validate.h"

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

/* secm_rule_validate - the rule's validators all accept the candidate
 * text[s..e); the rest of text is context some validators may read */
int secm_rule_validate(const secm_rule *r, const char *text, size_t s, size_t e)
{
	if ((r->validators & SECM_VAL_ENTROPY) &&
	    secm_shannon_entropy(text + s, e - s) < r->min_entropy)
		return 0;
	if ((r->validators & SECM_VAL_PLACEHOLDER) &&
	    secm_is_placeholder(text + s, e - s))
		return 0;
	if ((r->validators & SECM_VAL_CRC32_BASE62) &&
	    !secm_check_crc32_base62(text + s, e - s))
		return 0;
	return 1;
}
