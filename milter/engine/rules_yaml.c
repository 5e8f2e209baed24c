/*
 * rules_yaml.c - read one pattern file (YAML, libyaml document API) into
 * rules, checking every key and value against secret-milter-patterns(5).
 *
 * Design: the whole file is loaded as one libyaml document, then walked:
 * top-level mapping -> `rules:` sequence -> one mapping per rule whose
 * values are scalars, lists of scalars, or (validators) a small mapping.
 * Anything else (an unknown key, a duplicate key, a wrong type, a bad
 * word) is an error naming the file, the 1-based line from the node's
 * yaml mark and the rule.  A rule's id is read first so that every later
 * error about that rule can name it.
 *
 * Threading: no shared state; called only while a rule set is built.
 */
#include "autoconfig.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "rules_int.h"
#include "validate.h"

#define MAX_PATTERN_FILE (16u << 20)	/* bytes */
#define MAX_ID_LEN 64
#define MAX_KEYWORD_LEN 256

/* per-file walk state */
typedef struct yctx {
	yaml_document_t *doc;
	const char *path;
	secm_ruleset *rs;
	secm_error *err;
	char key[128];		/* "rule ID" or "rule #N" for errors */
} yctx;

enum {
	K_ID, K_DESCRIPTION, K_SEVERITY, K_KEYWORDS, K_KEYWORDS_CASE, K_REGEX,
	K_OPTIONS, K_VALIDATORS, K_REFERENCES, K_EXAMPLES, K_NEGATIVES, K_COUNT
};

static const char *const rule_keys[K_COUNT] = {
	[K_ID] = "id",
	[K_DESCRIPTION] = "description",
	[K_SEVERITY] = "severity",
	[K_KEYWORDS] = "keywords",
	[K_KEYWORDS_CASE] = "keywords_case",
	[K_REGEX] = "regex",
	[K_OPTIONS] = "options",
	[K_VALIDATORS] = "validators",
	[K_REFERENCES] = "references",
	[K_EXAMPLES] = "examples",
	[K_NEGATIVES] = "negative_examples",
};

static const int rule_key_required[K_COUNT] = {
	[K_ID] = 1, [K_DESCRIPTION] = 1, [K_SEVERITY] = 1, [K_REGEX] = 1,
	[K_EXAMPLES] = 1, [K_NEGATIVES] = 1,
};

static const struct {
	const char *name;
	uint32_t flag;
} regex_options[] = {
	{ "caseless", PCRE2_CASELESS },
	{ "multiline", PCRE2_MULTILINE },
	{ "dotall", PCRE2_DOTALL },
	{ "ucp", PCRE2_UCP },
	{ "extended", PCRE2_EXTENDED },
};

/* fail - record an error at node n (line from its mark) and return code */
static int fail(yctx *c, int code, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(yctx *c, int code, const yaml_node_t *n, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return secm_error_set(c->err, code, c->path,
			      n != NULL ? (unsigned long)n->start_mark.line + 1 : 0,
			      c->key[0] != '\0' ? c->key : NULL, "%s", text);
}

/* node - node by index (never NULL for indexes libyaml produced) */
static yaml_node_t *node(yctx *c, int i)
{
	return yaml_document_get_node(c->doc, i);
}

/* is_null - an empty plain scalar, `~` or `null` */
static int is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = (const char *)n->data.scalar.value;
	return n->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
		strcmp(v, "null") == 0;
}

/* scalar - n's text and length; error if n is not a string or holds NUL */
static int scalar(yctx *c, const yaml_node_t *n, const char *what,
		  const char **s, size_t *len)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail(c, SECM_ERULE, n, "'%s' must be a string", what);
	*s = (const char *)n->data.scalar.value;
	*len = n->data.scalar.length;
	if (memchr(*s, '\0', *len) != NULL)
		return fail(c, SECM_ERULE, n, "'%s' contains a NUL byte", what);
	return SECM_OK;
}

/* nonempty - like scalar() but an empty value is an error too */
static int nonempty(yctx *c, const yaml_node_t *n, const char *what,
		    const char **s, size_t *len)
{
	int rc = scalar(c, n, what, s, len);

	if (rc == SECM_OK && *len == 0)
		rc = fail(c, SECM_ERULE, n, "'%s' must not be empty", what);
	return rc;
}

/* dupstr - NUL-terminated copy of s[0..len) into *out */
static int dupstr(yctx *c, const char *s, size_t len, char **out)
{
	*out = strndup(s, len);
	if (*out == NULL)
		return fail(c, SECM_ENOMEM, NULL, "out of memory");
	return SECM_OK;
}

/* check_id - [a-z0-9][a-z0-9-]*, at most MAX_ID_LEN bytes */
static int check_id(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MAX_ID_LEN || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* ascii_lower - fold A-Z in place, leave every other byte alone */
static void ascii_lower(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

/* get_list - n must be a sequence (or null = empty): items and count */
static int get_list(yctx *c, const yaml_node_t *n, const char *what,
		    yaml_node_item_t **items, size_t *count)
{
	if (is_null(n)) {
		*items = NULL;
		*count = 0;
		return SECM_OK;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, SECM_ERULE, n, "'%s' must be a list", what);
	*items = n->data.sequence.items.start;
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	return SECM_OK;
}

/* read_strlist - list of non-empty strings into l; min = least count */
static int read_strlist(yctx *c, const yaml_node_t *n, const char *what,
			size_t min, secm_strlist *l)
{
	yaml_node_item_t *items;
	size_t count, i, len;
	const char *s;
	int rc;

	rc = get_list(c, n, what, &items, &count);
	if (rc != SECM_OK)
		return rc;
	if (count < min)
		return fail(c, SECM_ERULE, n, "'%s' needs at least %zu item%s",
			    what, min, min == 1 ? "" : "s");
	for (i = 0; i < count; i++) {
		rc = nonempty(c, node(c, items[i]), what, &s, &len);
		if (rc != SECM_OK)
			return rc;
		if (secm_strlist_add(l, s, len) != SECM_OK)
			return fail(c, SECM_ENOMEM, NULL, "out of memory");
	}
	return SECM_OK;
}

/* item_node - the i-th item of list node n (for error lines) */
static const yaml_node_t *item_node(yctx *c, const yaml_node_t *n, size_t i)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return n;
	return node(c, n->data.sequence.items.start[i]);
}

/* read_keywords - list of literals, stored as written (read_rule folds
 * them to lowercase unless keywords_case is sensitive) */
static int read_keywords(yctx *c, const yaml_node_t *n, secm_rule *r)
{
	size_t i;
	int rc;

	rc = read_strlist(c, n, "keywords", 0, &r->keywords);
	if (rc != SECM_OK)
		return rc;
	for (i = 0; i < r->keywords.n; i++)
		if (r->keywords.len[i] > MAX_KEYWORD_LEN)
			return fail(c, SECM_ERULE, item_node(c, n, i),
				    "keyword %zu is longer than %d bytes",
				    i + 1, MAX_KEYWORD_LEN);
	return SECM_OK;
}

/* read_keywords_case - "sensitive" or "insensitive" (the default) */
static int read_keywords_case(yctx *c, const yaml_node_t *n, secm_rule *r)
{
	const char *s;
	size_t len;
	int rc;

	rc = nonempty(c, n, "keywords_case", &s, &len);
	if (rc != SECM_OK)
		return rc;
	if (strcmp(s, "sensitive") == 0)
		r->kw_exact = 1;
	else if (strcmp(s, "insensitive") == 0)
		r->kw_exact = 0;
	else
		return fail(c, SECM_ERULE, n,
			    "unknown keywords_case '%.32s' (use sensitive or insensitive)",
			    s);
	return SECM_OK;
}

/* read_references - list of http(s) URLs */
static int read_references(yctx *c, const yaml_node_t *n, secm_rule *r)
{
	size_t i;
	int rc;

	rc = read_strlist(c, n, "references", 0, &r->references);
	if (rc != SECM_OK)
		return rc;
	for (i = 0; i < r->references.n; i++) {
		const char *u = r->references.v[i];

		if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
			return fail(c, SECM_ERULE, item_node(c, n, i),
				    "reference %zu is not an http(s) URL", i + 1);
	}
	return SECM_OK;
}

/* read_options - list of PCRE2 option words */
static int read_options(yctx *c, const yaml_node_t *n, secm_rule *r)
{
	yaml_node_item_t *items;
	size_t count, i, j, len;
	const yaml_node_t *it;
	const char *s;
	int rc;

	rc = get_list(c, n, "options", &items, &count);
	if (rc != SECM_OK)
		return rc;
	for (i = 0; i < count; i++) {
		it = node(c, items[i]);
		rc = scalar(c, it, "options", &s, &len);
		if (rc != SECM_OK)
			return rc;
		for (j = 0; j < sizeof(regex_options) / sizeof(regex_options[0]); j++)
			if (strcmp(s, regex_options[j].name) == 0)
				break;
		if (j == sizeof(regex_options) / sizeof(regex_options[0]))
			return fail(c, SECM_ERULE, it, "unknown option '%.64s'", s);
		r->options |= regex_options[j].flag;
	}
	return SECM_OK;
}

/* validators: keys, and the words `checksum:` takes */
enum { V_ENTROPY, V_PLACEHOLDER, V_CHECKSUM, V_JWT, V_PEM, V_DISCORD, V_NEAR, V_COUNT };

static const struct {
	const char *name;
	unsigned int bit;	/* for true/false keys */
} validator_keys[V_COUNT] = {
	[V_ENTROPY] = { "min_entropy", SECM_VAL_ENTROPY },
	[V_PLACEHOLDER] = { "placeholder", SECM_VAL_PLACEHOLDER },
	[V_CHECKSUM] = { "checksum", 0 },
	[V_JWT] = { "jwt", SECM_VAL_JWT },
	[V_PEM] = { "pem", SECM_VAL_PEM },
	[V_DISCORD] = { "discord", SECM_VAL_DISCORD },
	[V_NEAR] = { "near", SECM_VAL_NEAR },
};

static const struct {
	const char *name;
	unsigned int bit;
} checksums[] = {
	{ "crc32-base62", SECM_VAL_CRC32_BASE62 },
	{ "crc32-hex", SECM_VAL_CRC32_HEX },
	{ "crc32-hex-le", SECM_VAL_CRC32_HEX_LE },
	{ "bech32", SECM_VAL_BECH32 },
};

#define NEAR_DEFAULT_DISTANCE 256
#define NEAR_MAX_DISTANCE 16384

/* read_bool - "true" sets bit in r->validators, "false" leaves it */
static int read_bool(yctx *c, const yaml_node_t *v, const char *what,
		     unsigned int bit, secm_rule *r)
{
	const char *vs;
	size_t vlen;
	int rc;

	rc = nonempty(c, v, what, &vs, &vlen);
	if (rc != SECM_OK)
		return rc;
	if (strcmp(vs, "true") == 0)
		r->validators |= bit;
	else if (strcmp(vs, "false") != 0)
		return fail(c, SECM_ERULE, v, "%s must be true or false, not '%.32s'",
			    what, vs);
	return SECM_OK;
}

/* read_near - near: { regex: '...', distance: N }: compiled here */
static int read_near(yctx *c, const yaml_node_t *n, secm_rule *r)
{
	const yaml_node_t *k, *v, *re = NULL, *dist = NULL;
	yaml_node_pair_t *p;
	const char *ks, *vs;
	size_t klen, vlen;
	unsigned long d = NEAR_DEFAULT_DISTANCE;
	char *end;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return fail(c, SECM_ERULE, n,
			    "'near' must be a mapping with 'regex' and optional 'distance'");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		v = node(c, p->value);
		rc = scalar(c, k, "near", &ks, &klen);
		if (rc != SECM_OK)
			return rc;
		if (strcmp(ks, "regex") != 0 && strcmp(ks, "distance") != 0)
			return fail(c, SECM_ERULE, k, "unknown key 'near.%.64s'", ks);
		if ((ks[0] == 'r' ? re : dist) != NULL)
			return fail(c, SECM_ERULE, k, "duplicate key 'near.%s'", ks);
		if (ks[0] == 'r')
			re = v;
		else
			dist = v;
	}
	if (re == NULL)
		return fail(c, SECM_ERULE, n, "'near' needs a 'regex'");
	if (dist != NULL) {
		rc = nonempty(c, dist, "near.distance", &vs, &vlen);
		if (rc != SECM_OK)
			return rc;
		errno = 0;
		d = strtoul(vs, &end, 10);
		if (errno != 0 || *end != '\0' || vs[0] < '0' || vs[0] > '9' ||
		    d == 0 || d > NEAR_MAX_DISTANCE)
			return fail(c, SECM_ERULE, dist,
				    "near.distance must be a whole number of bytes from 1 to %d, not '%.32s'",
				    NEAR_MAX_DISTANCE, vs);
	}
	rc = nonempty(c, re, "near.regex", &vs, &vlen);
	if (rc != SECM_OK)
		return rc;
	rc = secm_rule_near_compile(r, vs, vlen, &c->rs->lim, c->path,
				    (unsigned long)re->start_mark.line + 1, c->err);
	if (rc != SECM_OK)
		return rc;
	r->near_distance = d;
	r->validators |= SECM_VAL_NEAR;
	return SECM_OK;
}

/* read_checksum - one of the checksum words */
static int read_checksum(yctx *c, const yaml_node_t *v, secm_rule *r)
{
	const char *vs;
	size_t vlen, i;
	int rc;

	rc = nonempty(c, v, "checksum", &vs, &vlen);
	if (rc != SECM_OK)
		return rc;
	for (i = 0; i < sizeof(checksums) / sizeof(checksums[0]); i++) {
		if (strcmp(vs, checksums[i].name) == 0) {
			r->validators |= checksums[i].bit;
			return SECM_OK;
		}
	}
	return fail(c, SECM_ERULE, v,
		    "unknown checksum '%.32s' (known: crc32-base62, crc32-hex, crc32-hex-le, bech32)",
		    vs);
}

/* read_entropy - min_entropy: a number in (0, 8] */
static int read_entropy(yctx *c, const yaml_node_t *v, secm_rule *r)
{
	const char *vs;
	size_t vlen;
	char *end;
	int rc;

	rc = nonempty(c, v, "min_entropy", &vs, &vlen);
	if (rc != SECM_OK)
		return rc;
	errno = 0;
	r->min_entropy = strtod(vs, &end);
	if (errno != 0 || *end != '\0' || !isfinite(r->min_entropy) ||
	    r->min_entropy <= 0.0 || r->min_entropy > 8.0)
		return fail(c, SECM_ERULE, v,
			    "min_entropy must be a number above 0 and at most 8, not '%.32s'",
			    vs);
	r->validators |= SECM_VAL_ENTROPY;
	return SECM_OK;
}

/* read_validators - the validators mapping (secret-milter-patterns(5)) */
static int read_validators(yctx *c, const yaml_node_t *n, secm_rule *r)
{
	int seen[V_COUNT] = { 0 };
	yaml_node_pair_t *p;
	const yaml_node_t *k, *v;
	const char *ks;
	size_t klen;
	int vi, rc;

	if (is_null(n))
		return SECM_OK;
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, SECM_ERULE, n, "'validators' must be a mapping");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		v = node(c, p->value);
		rc = scalar(c, k, "validators", &ks, &klen);
		if (rc != SECM_OK)
			return rc;
		for (vi = 0; vi < V_COUNT; vi++)
			if (strcmp(ks, validator_keys[vi].name) == 0)
				break;
		if (vi == V_COUNT)
			return fail(c, SECM_ERULE, k, "unknown validator '%.64s'", ks);
		if (seen[vi])
			return fail(c, SECM_ERULE, k, "duplicate validator '%s'", ks);
		seen[vi] = 1;
		switch (vi) {
		case V_ENTROPY:
			rc = read_entropy(c, v, r);
			break;
		case V_CHECKSUM:
			rc = read_checksum(c, v, r);
			break;
		case V_NEAR:
			rc = read_near(c, v, r);
			break;
		default:
			rc = read_bool(c, v, ks, validator_keys[vi].bit, r);
			break;
		}
		if (rc != SECM_OK)
			return rc;
	}
	return SECM_OK;
}

/* read_id - find, check and copy the rule's id before anything else so
 * that later errors can name the rule */
static int read_id(yctx *c, const yaml_node_t *m, secm_rule *r)
{
	yaml_node_pair_t *p;
	const yaml_node_t *k, *v;
	const char *s;
	size_t len;
	int rc;

	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		if (k->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)k->data.scalar.value, "id") != 0)
			continue;
		v = node(c, p->value);
		rc = nonempty(c, v, "id", &s, &len);
		if (rc != SECM_OK)
			return rc;
		if (!check_id(s, len))
			return fail(c, SECM_ERULE, v,
				    "bad id '%.64s': use a-z, 0-9 and '-', at most %d characters, not starting with '-'",
				    s, MAX_ID_LEN);
		rc = dupstr(c, s, len, &r->id);
		if (rc != SECM_OK)
			return rc;
		secm_rule_errkey(c->key, sizeof(c->key), r->id);
		return SECM_OK;
	}
	return fail(c, SECM_ERULE, m, "missing required key 'id'");
}

/* read_value - one key of a rule mapping (key index ki) */
static int read_value(yctx *c, int ki, const yaml_node_t *v, secm_rule *r)
{
	const char *s;
	size_t len;
	int rc = SECM_OK;

	switch (ki) {
	case K_ID:
		break;		/* read_id did it */
	case K_DESCRIPTION:
		rc = nonempty(c, v, "description", &s, &len);
		if (rc != SECM_OK)
			break;
		if (strpbrk(s, "\r\n") != NULL) {
			rc = fail(c, SECM_ERULE, v, "'description' must be one line");
			break;
		}
		rc = dupstr(c, s, len, &r->description);
		break;
	case K_SEVERITY:
		rc = nonempty(c, v, "severity", &s, &len);
		if (rc == SECM_OK && secm_severity_parse(s, &r->severity) != 0)
			rc = fail(c, SECM_ERULE, v,
				  "unknown severity '%.32s' (use critical, high, medium or low)",
				  s);
		break;
	case K_KEYWORDS:
		rc = read_keywords(c, v, r);
		break;
	case K_KEYWORDS_CASE:
		rc = read_keywords_case(c, v, r);
		break;
	case K_REGEX:
		rc = nonempty(c, v, "regex", &s, &len);
		if (rc == SECM_OK)
			rc = dupstr(c, s, len, &r->regex);
		r->regex_line = (unsigned long)v->start_mark.line + 1;
		break;
	case K_OPTIONS:
		rc = read_options(c, v, r);
		break;
	case K_VALIDATORS:
		rc = read_validators(c, v, r);
		break;
	case K_REFERENCES:
		rc = read_references(c, v, r);
		break;
	case K_EXAMPLES:
		rc = read_strlist(c, v, "examples", 1, &r->examples);
		break;
	case K_NEGATIVES:
		rc = read_strlist(c, v, "negative_examples", 1, &r->negatives);
		break;
	}
	return rc;
}

/* read_rule - rule mapping m (the index-th of the file) into rs */
static int read_rule(yctx *c, const yaml_node_t *m, size_t index)
{
	secm_rule r;
	yaml_node_pair_t *p;
	const yaml_node_t *k;
	int seen[K_COUNT] = { 0 };
	const char *ks;
	size_t klen, kwi;
	long other;
	int ki, rc;

	memset(&r, 0, sizeof(r));
	snprintf(c->key, sizeof(c->key), "rule #%zu", index + 1);
	if (m->type != YAML_MAPPING_NODE) {
		rc = fail(c, SECM_ERULE, m, "a rule must be a mapping");
		goto out;
	}
	r.line = (unsigned long)m->start_mark.line + 1;
	rc = read_id(c, m, &r);
	if (rc != SECM_OK)
		goto out;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		rc = scalar(c, k, "key", &ks, &klen);
		if (rc != SECM_OK)
			goto out;
		for (ki = 0; ki < K_COUNT; ki++)
			if (strcmp(ks, rule_keys[ki]) == 0)
				break;
		if (ki == K_COUNT) {
			rc = fail(c, SECM_ERULE, k, "unknown key '%.64s'", ks);
			goto out;
		}
		if (seen[ki]) {
			rc = fail(c, SECM_ERULE, k, "duplicate key '%s'", ks);
			goto out;
		}
		seen[ki] = 1;
		rc = read_value(c, ki, node(c, p->value), &r);
		if (rc != SECM_OK)
			goto out;
	}
	for (ki = 0; ki < K_COUNT; ki++) {
		if (rule_key_required[ki] && !seen[ki]) {
			rc = fail(c, SECM_ERULE, m, "missing required key '%s'",
				  rule_keys[ki]);
			goto out;
		}
	}
	if (seen[K_KEYWORDS_CASE] && r.keywords.n == 0) {
		rc = fail(c, SECM_ERULE, m, "'keywords_case' without keywords");
		goto out;
	}
	if (!r.kw_exact)
		for (kwi = 0; kwi < r.keywords.n; kwi++)
			ascii_lower(r.keywords.v[kwi], r.keywords.len[kwi]);
	other = secm_ruleset_find(c->rs, r.id);
	if (other >= 0) {
		rc = fail(c, SECM_ERULE, m,
			  "duplicate rule id (first defined in %s, line %lu)",
			  c->rs->v[other].file, c->rs->v[other].line);
		goto out;
	}
	rc = dupstr(c, c->path, strlen(c->path), &r.file);
	if (rc != SECM_OK)
		goto out;
	rc = secm_rule_compile(&r, c->err);
	if (rc != SECM_OK)
		goto out;
	if (secm_ruleset_push(c->rs, &r) != SECM_OK)
		rc = fail(c, SECM_ENOMEM, NULL, "out of memory");
out:
	secm_rule_validators_clear(&r);	/* the near regex of a rule not pushed */
	secm_rule_clear(&r);
	c->key[0] = '\0';
	return rc;
}

/* read_top - the document root: a mapping with exactly `rules:` */
static int read_top(yctx *c, const yaml_node_t *root)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *items;
	const yaml_node_t *k, *rules = NULL;
	const char *ks;
	size_t klen, count, i;
	int rc;

	if (root->type != YAML_MAPPING_NODE)
		return fail(c, SECM_ERULE, root,
			    "the top level must be a mapping with the key 'rules'");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		k = node(c, p->key);
		rc = scalar(c, k, "key", &ks, &klen);
		if (rc != SECM_OK)
			return rc;
		if (strcmp(ks, "rules") != 0)
			return fail(c, SECM_ERULE, k, "unknown key '%.64s'", ks);
		if (rules != NULL)
			return fail(c, SECM_ERULE, k, "duplicate key 'rules'");
		rules = node(c, p->value);
	}
	if (rules == NULL)
		return fail(c, SECM_ERULE, root, "missing key 'rules'");
	rc = get_list(c, rules, "rules", &items, &count);
	for (i = 0; rc == SECM_OK && i < count; i++)
		rc = read_rule(c, node(c, items[i]), i);
	return rc;
}

/* read_all - the whole file into memory (bounded) */
static int read_all(const char *path, char **data, size_t *len, secm_error *err)
{
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;
	FILE *f;
	int rc = SECM_OK;

	f = fopen(path, "rb");
	if (f == NULL)
		return secm_error_set(err, SECM_EIO, path, 0, NULL,
				      "cannot open: %s", strerror(errno));
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				rc = secm_error_set(err, SECM_ENOMEM, path, 0, NULL,
						    "out of memory");
				goto out;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > MAX_PATTERN_FILE) {
			rc = secm_error_set(err, SECM_ELIMIT, path, 0, NULL,
					    "pattern file larger than %u bytes",
					    MAX_PATTERN_FILE);
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(f))
		rc = secm_error_set(err, SECM_EIO, path, 0, NULL,
				    "read error: %s", strerror(errno));
out:
	fclose(f);
	if (rc != SECM_OK) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return SECM_OK;
}

/* line_of_offset - 1-based line of byte offset off in data */
static unsigned long line_of_offset(const char *data, size_t len, size_t off)
{
	unsigned long line = 1;
	size_t i;

	for (i = 0; i < off && i < len; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

/* syntax_error - describe a libyaml parser failure */
static int syntax_error(const yaml_parser_t *ps, const char *path,
			const char *data, size_t len, secm_error *err)
{
	unsigned long line;

	if (ps->error == YAML_MEMORY_ERROR)
		return secm_error_set(err, SECM_ENOMEM, path, 0, NULL, "out of memory");
	if (ps->error == YAML_READER_ERROR)
		line = line_of_offset(data, len, ps->problem_offset);
	else
		line = (unsigned long)ps->problem_mark.line + 1;
	return secm_error_set(err, SECM_EPARSE, path, line, NULL,
			      "YAML syntax error: %s%s%s",
			      ps->problem != NULL ? ps->problem : "unknown problem",
			      ps->context != NULL ? " " : "",
			      ps->context != NULL ? ps->context : "");
}

/* secm_rules_read_file - parse one pattern file and append its rules */
int secm_rules_read_file(secm_ruleset *rs, const char *path, secm_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	char *data = NULL;
	size_t len = 0;
	int have_doc = 0, rc;
	yctx c;

	rc = read_all(path, &data, &len, err);
	if (rc != SECM_OK)
		return rc;
	if (!yaml_parser_initialize(&parser)) {
		free(data);
		return secm_error_set(err, SECM_ENOMEM, path, 0, NULL, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = syntax_error(&parser, path, data, len, err);
		goto out;
	}
	have_doc = 1;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		rc = secm_error_set(err, SECM_ERULE, path, 0, NULL,
				    "empty file: expected a mapping with the key 'rules'");
		goto out;
	}
	/* a second document would be silently ignored: refuse it */
	if (!yaml_parser_load(&parser, &extra)) {
		rc = syntax_error(&parser, path, data, len, err);
		goto out;
	}
	if (yaml_document_get_root_node(&extra) != NULL) {
		rc = secm_error_set(err, SECM_ERULE, path,
				    (unsigned long)extra.start_mark.line + 1, NULL,
				    "more than one YAML document in the file");
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	memset(&c, 0, sizeof(c));
	c.doc = &doc;
	c.path = path;
	c.rs = rs;
	c.err = err;
	rc = read_top(&c, root);
out:
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(data);
	return rc;
}
