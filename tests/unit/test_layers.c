/*
 * test_layers.c - decoding layers (layers.h): what each layer decodes to,
 * that a layer range maps back to exactly the unit text that produced it,
 * that secm_inspect finds (once) and redacts secrets that only a layer
 * shows, with the real pattern files, and that malformed input is harmless.
 *
 * The secrets below are synthetic test data (the GitHub token is the
 * pattern file's own example, the PEM body is random bytes).
 */
#include "autoconfig.h"

#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "layers.h"
#include "mime_walk.h"
#include "snapshot.h"

#ifndef SECM_LAYERS_PATTERNDIR
#define SECM_LAYERS_PATTERNDIR "patterns"
#endif

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- decode: layer text for an input ---- */

typedef struct decode_row {
	const char *label;
	secm_layer_kind kind;
	const char *in;
	const char *out;	/* NULL: the layer does not apply */
} decode_row;

static const decode_row decode_rows[] = {
	{ "full-width letters, digits and colon become ASCII", SECM_LAYER_NFKC,
	  "ｐａｓｓｗｏｒｄ：Ｈｋ７ｐＱ２ｍＺｘ９", "password:Hk7pQ2mZx9" },
	{ "katakana stays, full-width digits become ASCII", SECM_LAYER_NFKC,
	  "パスワード：１２３４５６７８", "パスワード:12345678" },
	{ "half-width katakana with a sound mark composes", SECM_LAYER_NFKC,
	  "ﾊﾟｽﾜｰﾄﾞ：ab１", "パスワード:ab1" },
	{ "an ideographic space next to a full-width digit becomes a space",
	  SECM_LAYER_NFKC, "PW　１", "PW 1" },
	{ "a ligature and a circled digit are expanded", SECM_LAYER_NFKC,
	  "ﬁle ①", "file 1" },
	{ "plain ASCII needs no NFKC layer", SECM_LAYER_NFKC,
	  "password: hunter2", NULL },
	{ "Japanese prose with only full-width brackets needs no NFKC layer",
	  SECM_LAYER_NFKC, "ご確認ください（よろしくお願いします）！", NULL },
	{ "a folded base64 blob of text is decoded", SECM_LAYER_BASE64,
	  "see:\n"
	  "ZGVwbG95IHNldHRpbmdzIGZvciB0aGUgc3RhZ2luZyBib3gKR0lUSFVCX1RPS0VOPWdocF92ckxq\n"
	  "NVdmQjJGalNTWFhkQU5Od0lPUW5MaGMzb2UxaklETjYKcmVnaW9uPWV1LXdlc3QtMQo=\n"
	  "bye\n",
	  "deploy settings for the staging box\n"
	  "GITHUB_TOKEN=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\n"
	  "region=eu-west-1\n" },
	{ "an indented, quoted blob is rejoined across its quote marks",
	  SECM_LAYER_BASE64,
	  "> \tVGhpcyBpcyBhIHF1b3RlZCBibG9iIG9mIHRleHQgdGhhdCBzcGFucyB0d28gbGluZXMg\n"
	  "> \tb2YgYmFzZTY0Lg==\n",
	  "This is a quoted blob of text that spans two lines of base64." },
	{ "a blob that decodes to binary is not a layer", SECM_LAYER_BASE64,
	  "MIIEpAIBAAKCAQEAn0G9W8uw8de9puyHB9d3xvE/pg3mKBxfeN4/YYsakj8Duzdo\n", NULL },
	{ "a 40-character hex digest is not a layer", SECM_LAYER_BASE64,
	  "commit 3f786850e387550fdab836ed7e6dc881de23001b\n", NULL },
	{ "a short base64 word is not a blob", SECM_LAYER_BASE64,
	  "aGVsbG8gd29ybGQ=", NULL },
	{ "percent escapes are decoded, plus signs kept", SECM_LAYER_PERCENT,
	  "to=https%3A%2F%2Fa%3Ab%40h%2F?q=a+b", "to=https://a:b@h/?q=a+b" },
	{ "a lone percent sign is no layer", SECM_LAYER_PERCENT, "50% off", NULL },
	{ "JSON escapes are decoded, surrogate pairs joined", SECM_LAYER_JSON,
	  "\"k\": \"a\\nb\\/c\\\"d\\\\e\\u00e9\\ud83d\\ude00\"",
	  "\"k\": \"a\nb/c\"d\\e\xc3\xa9\xf0\x9f\x98\x80\"" },
	{ "a backslash that starts no escape is no layer", SECM_LAYER_JSON,
	  "C:\\Users\\x", NULL },
	{ "quote marks are removed from a quoted armoured block",
	  SECM_LAYER_QUOTE,
	  "On Monday Bob wrote:\n> -----BEGIN X-----\n>> abc\n> > def\n",
	  "-----BEGIN X-----\nabc\ndef\n" },
	{ "only the lines with an escape are in the percent layer",
	  SECM_LAYER_PERCENT, "a%41\nplain\nb%42", "aA\nbB" },
	{ "quoted prose alone does not need a quote layer", SECM_LAYER_QUOTE,
	  "> thanks, see you\n> tomorrow\n", NULL },
};

START_TEST(test_decode)
{
	const decode_row *r = &decode_rows[_i];
	secm_layer_budget bud;
	secm_layer l;

	secm_layer_budget_init(&bud);
	ck_assert_int_eq(secm_layer_build(r->kind, r->in, strlen(r->in), &bud, &l), 0);
	if (r->out == NULL) {
		ck_assert_msg(l.text == NULL, "%s: unexpected layer", r->label);
	} else {
		ck_assert_msg(l.text != NULL, "%s: no layer", r->label);
		ck_assert_msg(l.len == strlen(r->out) && memcmp(l.text, r->out, l.len) == 0,
			      "%s: got \"%.*s\"", r->label, (int)l.len, l.text);
	}
	secm_layer_free(&l);
}
END_TEST

/* ---- map: a layer range back to unit text ---- */

typedef struct map_row {
	const char *label;
	secm_layer_kind kind;
	const char *in;
	const char *needle;	/* found in the layer */
	const char *expect;	/* the unit text it must map to */
} map_row;

static const map_row map_rows[] = {
	{ "a full-width value maps to its full-width characters", SECM_LAYER_NFKC,
	  "ｐａｓｓｗｏｒｄ：Ｈｋ７ｐＱ２ｍＺｘ９ end", "Hk7pQ2mZx9", "Ｈｋ７ｐＱ２ｍＺｘ９" },
	{ "ASCII around full-width characters maps byte for byte", SECM_LAYER_NFKC,
	  "ab：cdef", "cde", "cde" },
	{ "a composed half-width kana maps to both half-width characters",
	  SECM_LAYER_NFKC, "xﾊﾟy１", "パy", "ﾊﾟy" },
	{ "a token inside a blob maps to the quanta holding it", SECM_LAYER_BASE64,
	  "ZGVwbG95IHNldHRpbmdzIGZvciB0aGUgc3RhZ2luZyBib3gKR0lUSFVCX1RPS0VOPWdocF92ckxq\n"
	  "NVdmQjJGalNTWFhkQU5Od0lPUW5MaGMzb2UxaklETjYKcmVnaW9uPWV1LXdlc3QtMQo=\n",
	  "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",
	  "PWdocF92ckxq\nNVdmQjJGalNTWFhkQU5Od0lPUW5MaGMzb2UxaklETjYK" },
	{ "the last bytes of a blob map through its padding", SECM_LAYER_BASE64,
	  "ZGVwbG95IHNldHRpbmdzIGZvciB0aGUgc3RhZ2luZyBib3gKR0lUSFVCX1RPS0VOPWdocF92ckxq\n"
	  "NVdmQjJGalNTWFhkQU5Od0lPUW5MaGMzb2UxaklETjYKcmVnaW9uPWV1LXdlc3QtMQo=\n",
	  "west-1\n", "LXdlc3QtMQo=" },
	{ "a decoded escape maps to its three characters", SECM_LAYER_PERCENT,
	  "a=x%40y", "@y", "%40y" },
	{ "a decoded \\u escape maps to all six characters", SECM_LAYER_JSON,
	  "\"v\": \"p\\u0040ss\"", "@ss", "\\u0040ss" },
	{ "a surrogate pair maps to both escapes", SECM_LAYER_JSON,
	  "x\\ud83d\\ude00y", "\xf0\x9f\x98\x80", "\\ud83d\\ude00" },
	{ "a range across a removed quote mark keeps the mark inside",
	  SECM_LAYER_QUOTE, "> -----BEGIN K-----\n> abc\n> def\n",
	  "abc\ndef", "abc\n> def" },
};

/* layer_find - offset of needle in the layer, or (size_t)-1 */
static size_t layer_find(const secm_layer *l, const char *needle)
{
	const char *p = memmem(l->text, l->len, needle, strlen(needle));

	return p == NULL ? (size_t)-1 : (size_t)(p - l->text);
}

START_TEST(test_map)
{
	const map_row *r = &map_rows[_i];
	secm_layer l;
	size_t at, s = 0, e = 0, nl = strlen(r->needle);

	ck_assert_int_eq(secm_layer_build(r->kind, r->in, strlen(r->in), NULL, &l), 0);
	ck_assert_msg(l.text != NULL, "%s: no layer", r->label);
	at = layer_find(&l, r->needle);
	ck_assert_msg(at != (size_t)-1, "%s: needle not in the layer", r->label);
	ck_assert_int_eq(secm_layer_map(&l, at, at + nl, &s, &e), 0);
	ck_assert_msg(e - s == strlen(r->expect) && memcmp(r->in + s, r->expect, e - s) == 0,
		      "%s: mapped to \"%.*s\"", r->label, (int)(e - s), r->in + s);
	secm_layer_free(&l);
}
END_TEST

/* every single layer byte maps inside the text, in order */
START_TEST(test_map_every_byte_is_ordered)
{
	static const char *in[] = {
		"ｐａｓｓ：Ａ１ x%41%zz\\u0041\\n",
		"ZGVwbG95IHNldHRpbmdzIGZvciB0aGUgc3RhZ2luZyBib3gKR0lUSFVCX1RPS0VOPWdocF92ckxq\n"
		"NVdmQjJGalNTWFhkQU5Od0lPUW5MaGMzb2UxaklETjYKcmVnaW9uPWV1LXdlc3QtMQo=\n",
	};

	for (size_t t = 0; t < N(in); t++) {
		for (int k = 0; k < SECM_LAYER_COUNT; k++) {
			secm_layer l;
			size_t s, e, prev = 0, len = strlen(in[t]);

			ck_assert_int_eq(secm_layer_build((secm_layer_kind)k, in[t], len,
							  NULL, &l), 0);
			for (size_t i = 0; l.text != NULL && i < l.len; i++) {
				ck_assert_int_eq(secm_layer_map(&l, i, i + 1, &s, &e), 0);
				ck_assert_msg(s <= e && e <= len && s >= prev,
					      "layer %s byte %zu maps to [%zu,%zu)",
					      secm_layer_name((secm_layer_kind)k), i, s, e);
				prev = s;
			}
			if (l.text != NULL) {
				ck_assert_int_ne(secm_layer_map(&l, 0, 0, &s, &e), 0);
				ck_assert_int_ne(secm_layer_map(&l, 0, l.len + 1, &s, &e), 0);
			}
			secm_layer_free(&l);
		}
	}
}
END_TEST

/* a secret deep in a long folded blob maps to exactly its quanta */
START_TEST(test_long_blob_maps_to_its_quanta)
{
	static const char secret[] = "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";
	char plain[1400], *enc, *text, *piece;
	size_t at, s, e, n = 0, plen, elen, dlen;
	guchar *dec;
	secm_layer l;

	memset(plain, 0, sizeof(plain));
	for (size_t i = 0; i + 1 < sizeof(plain); i++)
		plain[i] = (char)('a' + i % 26);
	plain[sizeof(plain) - 2] = '\n';
	memcpy(plain + 1001, secret, sizeof(secret) - 1);
	plen = strlen(plain);
	enc = g_base64_encode((const guchar *)plain, plen);
	elen = strlen(enc);
	text = calloc(elen + elen / 76 + 2, 1);
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < elen; i += 76) {
		size_t k = elen - i < 76 ? elen - i : 76;

		memcpy(text + n, enc + i, k);
		n += k;
		text[n++] = '\n';
	}
	ck_assert_int_eq(secm_layer_build(SECM_LAYER_BASE64, text, n, NULL, &l), 0);
	ck_assert_ptr_nonnull(l.text);
	ck_assert(l.len == plen && memcmp(l.text, plain, plen) == 0);
	ck_assert_uint_gt(l.nsegs, 1);
	at = layer_find(&l, secret);
	ck_assert_uint_eq(at, 1001);
	ck_assert_int_eq(secm_layer_map(&l, at, at + sizeof(secret) - 1, &s, &e), 0);
	/* the range starts and ends on quanta: it decodes on its own */
	piece = calloc(e - s + 1, 1);
	ck_assert_ptr_nonnull(piece);
	for (size_t i = s, k = 0; i < e; i++)
		if (text[i] != '\n')
			piece[k++] = text[i];
	dec = g_base64_decode(piece, &dlen);
	ck_assert_ptr_nonnull(dec);
	ck_assert(memmem(dec, dlen, secret, sizeof(secret) - 1) != NULL);
	ck_assert_uint_le(dlen, sizeof(secret) - 1 + 4);
	g_free(dec);
	free(piece);
	secm_layer_free(&l);
	free(text);
	g_free(enc);
}
END_TEST

/* ---- malformed input ---- */

static const char *const odd_inputs[] = {
	"%", "%4", "%4g", "abc%", "%%41", "\\", "\\u", "\\u12", "\\uzzzz",
	"\\ud800", "\\ud800\\u0041", "\\udc00x", "\\ud83d\\ud83d", "x\\",
	"\xef\xbc", "\xef\xbc\xa1\xff\xfe", "\xe3\x80", "ﾞﾟ", "\xcc\x81\xcc\x81",
	"QUJD", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNERUZHSElKS0xNTk9QUVJTVFVW=",
	"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNERUZHSElKS0xNTk9QUVJTVFVWV",
	"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNERUZHSElKS0xNTk9QUVJTVFVW\n>",
	"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpBQkNERUZHSElKS0xNTk9QUVJTVFVW\n> \n",
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	">", "> ", ">\n>", "> BEGIN \n> " , "> -----BEGIN\r\n>",
};

START_TEST(test_odd_inputs_are_harmless)
{
	const char *in = odd_inputs[_i];
	size_t len = strlen(in);

	for (int k = 0; k < SECM_LAYER_COUNT; k++) {
		secm_layer l;
		size_t s, e;

		ck_assert_int_eq(secm_layer_build((secm_layer_kind)k, in, len, NULL, &l), 0);
		if (l.text != NULL) {
			ck_assert(l.len <= 3 * len + 16);
			ck_assert_int_eq(secm_layer_map(&l, 0, l.len, &s, &e), 0);
			ck_assert(s <= e && e <= len);
		}
		secm_layer_free(&l);
	}
}
END_TEST

/* the per-message budget stops base64 decoding */
START_TEST(test_budget_bounds_base64)
{
	const char *blob = "see ZGVwbG95IHNldHRpbmdzIGZvciB0aGUgc3RhZ2luZyBib3gKR0lUSFVC here";
	secm_layer_budget bud;
	secm_layer l;

	secm_layer_budget_init(&bud);
	bud.blobs = 0;
	ck_assert_int_eq(secm_layer_build(SECM_LAYER_BASE64, blob, strlen(blob), &bud, &l), 0);
	ck_assert_ptr_null(l.text);
	secm_layer_budget_init(&bud);
	ck_assert_int_eq(secm_layer_build(SECM_LAYER_BASE64, blob, strlen(blob), &bud, &l), 0);
	ck_assert_ptr_nonnull(l.text);
	ck_assert_uint_eq(bud.blobs, SECM_LAYER_MAX_BLOBS - 1);
	ck_assert(bud.b64_bytes < SECM_LAYER_MAX_B64_BYTES);
	secm_layer_free(&l);
	secm_layer_free(NULL);
}
END_TEST

/* ---- through secm_inspect with the real patterns ---- */

static secm_snapshot *snap;

/* load_snap - the real pattern set */
static void load_snap(void)
{
	secm_error err;

	secm_mime_init();
	ck_assert_msg(secm_snapshot_build(NULL, SECM_LAYERS_PATTERNDIR, &snap, &err) == 0,
		      "patterns: %s", err.text);
}

/* free_snap - drop it */
static void free_snap(void)
{
	secm_snapshot_unref(snap);
	snap = NULL;
}

#define HDR "From: a@example.com\nTo: b@example.com\nSubject: layers\n" \
	"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n" \
	"Content-Transfer-Encoding: 8bit\n\n"

#define PEM_ESCAPED \
	"-----BEGIN RSA PRIVATE KEY-----\\n" \
	"MIIEpAIBAAKCAQEAn0G9W8uw8de9puyHB9d3xvE\\/pg3mKBxfeN4\\/YYsakj8Duzdo\\n" \
	"Ry7q3sRjKMPMEiOennEgIQD43wE1xjf1+yrfKkpQ9jKK4K2gNC7w97Ay9\\/fkYkwF\\n" \
	"XGoq7yVDEFRN0ZqWAJittVYQT1rRTnuyUC97eLQtDkH58AXzv1vYZwSMyWtdYJTX\\n" \
	"AnMLtS6f9PQyHsE+7dHxdliDWuSGQMZ2G5a\\/x8xe3EsJbvL6FzVXg5xc6yVXRuyz\\n" \
	"umorncfvlISq72tNn43G3aNFuP4HMiiWcJ+mLg==\\n" \
	"-----END RSA PRIVATE KEY-----\\n"

typedef struct inspect_row {
	const char *label;
	const char *msg;
	const char *rule;	/* must be found exactly once */
	const char *canary;	/* must not survive redaction */
} inspect_row;

static const inspect_row inspect_rows[] = {
	{ "a full-width English password is found",
	  HDR "ログイン情報です。\nｐａｓｓｗｏｒｄ：Ｈｋ７ｐＱ２ｍＺｘ９\n",
	  "english-password-disclosure", "Ｈｋ７ｐＱ２ｍＺｘ９" },
	{ "a full-width Japanese password is found once",
	  HDR "パスワード：Ｓａｋｕｒａ２０２４！\n",
	  "japanese-password-disclosure", "Ｓａｋｕｒａ２０２４" },
	{ "a PEM key with escaped slashes in JSON is found",
	  HDR "{\n  \"type\": \"service_account\",\n  \"private_key\": \""
	  PEM_ESCAPED "\",\n  \"client_email\": \"x@y.iam.gserviceaccount.com\"\n}\n",
	  "pem-private-key", "AnMLtS6f9PQyHsE" },
	{ "a PEM key joined by \\n in JSON is found once",
	  HDR "{\"private_key\": \"-----BEGIN RSA PRIVATE KEY-----\\n"
	  "MIIEpAIBAAKCAQEAn0G9W8uw8de9puyHB9d3xvE/pg3mKBxfeN4/YYsakj8Duzdo\\n"
	  "Ry7q3sRjKMPMEiOennEgIQD43wE1xjf1+yrfKkpQ9jKK4K2gNC7w97Ay9/fkYkwF\\n"
	  "umorncfvlISq72tNn43G3aNFuP4HMiiWcJ+mLg==\\n"
	  "-----END RSA PRIVATE KEY-----\\n\"}\n",
	  "pem-private-key", "Ry7q3sRjKMPMEiOennEgIQD43wE1" },
	{ "a token inside a pasted base64 blob is found and redacted",
	  HDR "Here is the config, base64 encoded:\n\n"
	  "ZGVwbG95IHNldHRpbmdzIGZvciB0aGUgc3RhZ2luZyBib3gKR0lUSFVCX1RPS0VOPWdocF92ckxq\n"
	  "NVdmQjJGalNTWFhkQU5Od0lPUW5MaGMzb2UxaklETjYKcmVnaW9uPWV1LXdlc3QtMQo=\n\nThanks\n",
	  "github-personal-access-token", "NVdmQjJGalNTWFhkQU5Od0lPUW5MaGMzb2Ux" },
	{ "a percent-encoded URL with a password is found",
	  HDR "Login link: https://sso.example.com/redirect?to=https%3A%2F%2Falice%3AHk7pQ2mZx9%40db.example.com%2Fadmin\n",
	  "url-password", "Hk7pQ2mZx9" },
	{ "a quoted key block is found once",
	  HDR "On Monday Bob wrote:\n"
	  "> -----BEGIN EC PRIVATE KEY-----\n"
	  "> MHcCAQEEIDjCry6htwr8ePo5Kg3kIhxR9y57MYwJandZYamcEpc0PLfnXwBZZ/NH\n"
	  "> 22jdHbDUjF/2CYydTRhLi4NW85RL9VrRIWto0JCkiV53JCiYYZB69TL3IpsXWdLk\n"
	  "> qQBhG1OQ6p2KJFM=\n"
	  "> -----END EC PRIVATE KEY-----\n",
	  "pem-private-key", "22jdHbDUjF" },
};

START_TEST(test_inspect)
{
	const inspect_row *r = &inspect_rows[_i];
	secm_result res;
	size_t found = 0;
	const secm_buf *out;

	memset(&res, 0, sizeof(res));
	secm_inspect(snap, (const unsigned char *)r->msg, strlen(r->msg), NULL,
		     SECM_INSPECT_FORCE_REDACT, &res);
	for (size_t i = 0; i < res.nfindings; i++) {
		if (strcmp(res.findings[i].rule_id, r->rule) == 0)
			found++;
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(!(res.findings[j].unit == res.findings[i].unit &&
					res.findings[j].rule == res.findings[i].rule &&
					res.findings[j].start < res.findings[i].end &&
					res.findings[i].start < res.findings[j].end),
				      "%s: two overlapping findings of one rule", r->label);
	}
	ck_assert_msg(found == 1, "%s: %s found %zu times (%s)", r->label, r->rule,
		      found, res.reason);
	ck_assert_int_eq(res.action, SECM_ACT_REDACT);
	out = &res.redaction.message;
	ck_assert_ptr_nonnull(out->data);
	ck_assert_msg(memmem(out->data, out->len, r->canary, strlen(r->canary)) == NULL,
		      "%s: the secret survived redaction", r->label);
	ck_assert_msg(strstr(res.reason, r->canary) == NULL &&
		      strstr(res.header, r->canary) == NULL, "%s: secret in reason",
		      r->label);
	secm_result_free(&res);
}
END_TEST

/* redacting the redacted message again changes nothing and finds nothing */
START_TEST(test_redaction_is_final)
{
	const inspect_row *r = &inspect_rows[_i];
	secm_result a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	secm_inspect(snap, (const unsigned char *)r->msg, strlen(r->msg), NULL,
		     SECM_INSPECT_FORCE_REDACT, &a);
	ck_assert_int_eq(a.action, SECM_ACT_REDACT);
	secm_inspect(snap, a.redaction.message.data, a.redaction.message.len, NULL,
		     SECM_INSPECT_FORCE_REDACT, &b);
	ck_assert_msg(b.nfindings == 0, "%s: found again: %s", r->label, b.reason);
	secm_result_free(&b);
	secm_result_free(&a);
}
END_TEST

/* a clean message with every layer's trigger in it stays clean */
START_TEST(test_clean_message_with_layers_stays_clean)
{
	static const char msg[] = HDR
		"Hi,\n50% of the budget went to https://example.com/a%20b?x=1.\n"
		"Path C:\\Users\\bob and \"a\\nb\".\n"
		"ＲＥ：会議の件（１０時から）\n"
		"> On Monday you wrote:\n> see you then\n"
		"VGhpcyBpcyBhIHF1b3RlZCBibG9iIG9mIHRleHQgdGhhdCBzcGFucyB0d28gbGluZXMg\n";
	secm_result res;

	memset(&res, 0, sizeof(res));
	secm_inspect(snap, (const unsigned char *)msg, sizeof(msg) - 1, NULL, 0, &res);
	ck_assert_msg(res.nfindings == 0, "found: %s", res.reason);
	ck_assert_int_eq(res.action, SECM_ACT_ACCEPT);
	secm_result_free(&res);
}
END_TEST

/* layers_suite - all of the above */
static Suite *layers_suite(void)
{
	Suite *s = suite_create("layers");
	TCase *tc = tcase_create("decode");
	TCase *ti = tcase_create("inspect");

	tcase_add_loop_test(tc, test_decode, 0, N(decode_rows));
	tcase_add_loop_test(tc, test_map, 0, N(map_rows));
	tcase_add_test(tc, test_map_every_byte_is_ordered);
	tcase_add_test(tc, test_long_blob_maps_to_its_quanta);
	tcase_add_loop_test(tc, test_odd_inputs_are_harmless, 0, N(odd_inputs));
	tcase_add_test(tc, test_budget_bounds_base64);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(ti, load_snap, free_snap);
	tcase_set_timeout(ti, 60);
	tcase_add_loop_test(ti, test_inspect, 0, N(inspect_rows));
	tcase_add_loop_test(ti, test_redaction_is_final, 0, N(inspect_rows));
	tcase_add_test(ti, test_clean_message_with_layers_stays_clean);
	suite_add_tcase(s, ti);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(layers_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
