/*
 * scan.c - find secrets in one UTF-8 text with a rule set.
 *
 * Design: the text is lowercased (ASCII only) once per call into a scratch
 * copy; a rule whose keywords all miss that copy is skipped (memmem, one
 * keyword at a time: a multi-pattern prefilter can replace this later
 * without changing the interface).  The others run pcre2_match (JIT code
 * when it was compiled) from offset 0 to the end of the text, restarting
 * after each match; the range of the named group "secret" is what is
 * reported, after the rule's validators accepted it.  Overlapping matches
 * of one rule are reduced to the first; the output is sorted by start.
 *
 * Threading: the rule set is only read.  Match context, match data and
 * JIT stack are created per call, so any number of threads may scan at
 * once.  The
 * scratch copy holds mail and is wiped before it is freed.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules_int.h"
#include "scan.h"
#include "validate.h"

/* per-call matching state */
typedef struct scanner {
	const secm_ruleset *rs;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;	/* made on first use by a JIT rule */
	const char *text;
	size_t len;
	char *lower;		/* ASCII-lowercased copy of text */
} scanner;

/* PCRE2's default JIT stack is 32 KiB of machine stack, too little for
 * a lazy match across a whole PEM block; this one grows on demand */
#define JIT_STACK_START (32u << 10)
#define JIT_STACK_MAX (1u << 20)

/* scanner_init - match context with the rule set's limits, lowered copy */
static int scanner_init(scanner *sc, const secm_ruleset *rs, const char *text,
			size_t len)
{
	size_t i;

	memset(sc, 0, sizeof(*sc));
	sc->rs = rs;
	sc->text = text;
	sc->len = len;
	sc->mctx = pcre2_match_context_create(NULL);
	if (sc->mctx == NULL)
		return SECM_ENOMEM;
	pcre2_set_match_limit(sc->mctx, rs->lim.match_limit);
	pcre2_set_depth_limit(sc->mctx, rs->lim.depth_limit);
	sc->lower = malloc(len > 0 ? len : 1);
	if (sc->lower == NULL)
		return SECM_ENOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		sc->lower[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	return SECM_OK;
}

/* scanner_done - free (and wipe) what scanner_init made */
static void scanner_done(scanner *sc)
{
	if (sc->lower != NULL)
		secm_wipe(sc->lower, sc->len);
	free(sc->lower);
	pcre2_match_context_free(sc->mctx);
	pcre2_jit_stack_free(sc->jstack);
	sc->lower = NULL;
	sc->mctx = NULL;
	sc->jstack = NULL;
}

/* keywords_hit - 1 when the rule has no keywords or one occurs */
static int keywords_hit(const scanner *sc, const secm_rule *r)
{
	size_t i;

	if (r->keywords.n == 0)
		return 1;
	for (i = 0; i < r->keywords.n; i++)
		if (memmem(sc->lower, sc->len, r->keywords.v[i],
			   r->keywords.len[i]) != NULL)
			return 1;
	return 0;
}

/* utf8_step - bytes to skip to pass the character at text[off]: its
 * length when it is a well-formed UTF-8 sequence, else 1 */
static size_t utf8_step(const char *text, size_t len, size_t off)
{
	unsigned char c = (unsigned char)text[off];
	size_t n, i;

	if (c < 0xc2 || c > 0xf4)
		return 1;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (off + n > len)
		return 1;
	for (i = 1; i < n; i++)
		if (((unsigned char)text[off + i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* matches_push - append one match */
static int matches_push(secm_matches *m, size_t rule, size_t start, size_t end)
{
	if (secm_vec_grow((void **)&m->v, m->n, &m->cap, sizeof(*m->v), 16) != SECM_OK)
		return SECM_ENOMEM;
	m->v[m->n].rule = rule;
	m->v[m->n].start = start;
	m->v[m->n].end = end;
	m->n++;
	return SECM_OK;
}

/* cmp_match - by start, then end, then rule */
static int cmp_match(const void *a, const void *b)
{
	const secm_match *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return 0;
}

/* match_error - SECM_EMATCH/SECM_ENOMEM naming the rule, never the text */
static int match_error(const secm_rule *r, int pcre_rc, secm_error *err)
{
	PCRE2_UCHAR msg[256];
	char key[128];
	const char *why;

	secm_rule_errkey(key, sizeof(key), r->id);
	switch (pcre_rc) {
	case PCRE2_ERROR_NOMEMORY:
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, key,
				      "out of memory while matching");
	case PCRE2_ERROR_MATCHLIMIT:
		why = "regex match limit exceeded";
		break;
	case PCRE2_ERROR_DEPTHLIMIT:
		why = "regex depth limit exceeded";
		break;
	case PCRE2_ERROR_HEAPLIMIT:
		why = "regex heap limit exceeded";
		break;
	case PCRE2_ERROR_JIT_STACKLIMIT:
		why = "regex JIT stack limit exceeded";
		break;
	default:
		if (pcre2_get_error_message(pcre_rc, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", pcre_rc);
		return secm_error_set(err, SECM_EMATCH, NULL, 0, key,
				      "regex match failed: %s", (char *)msg);
	}
	return secm_error_set(err, SECM_EMATCH, NULL, 0, key, "%s", why);
}

/* scan_rule - every accepted match of rule ri, appended to out (sorted,
 * overlaps dropped); stop after the first when first_only */
static int scan_rule(scanner *sc, size_t ri, int first_only,
		     secm_matches *out, secm_error *err)
{
	const secm_rule *r = &sc->rs->v[ri];
	pcre2_match_data *md;
	PCRE2_SIZE *ov, s0, e0, ss, se;
	size_t off = 0, base = out->n, i, kept;
	int rc = SECM_OK, m;

	if (r->jit && sc->jstack == NULL) {
		sc->jstack = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
		if (sc->jstack == NULL)
			return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL,
					      "out of memory");
		pcre2_jit_stack_assign(sc->mctx, NULL, sc->jstack);
	}
	md = pcre2_match_data_create_from_pattern(r->code, NULL);
	if (md == NULL)
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	ov = pcre2_get_ovector_pointer(md);
	while (off <= sc->len) {
		m = pcre2_match(r->code, (PCRE2_SPTR)sc->text, sc->len, off, 0,
				md, sc->mctx);
		if (m == PCRE2_ERROR_NOMATCH)
			break;
		if (m < 0) {
			rc = match_error(r, m, err);
			goto out;
		}
		s0 = ov[0];
		e0 = ov[1];
		ss = ov[2 * r->secret_group];
		se = ov[2 * r->secret_group + 1];
		/* restart after the secret so that trailing context (a
		 * delimiter the regex consumed) can start the next match;
		 * always move forward, by one character after an empty match */
		off = e0;
		if (ss != PCRE2_UNSET && se > s0 && se < e0)
			off = se;
		if (off <= s0 || e0 < s0) {
			if (s0 >= sc->len)
				off = sc->len + 1;	/* empty match at the end */
			else
				off = s0 + utf8_step(sc->text, sc->len, s0);
		}
		if (ss == PCRE2_UNSET || se <= ss || se > sc->len)
			continue;
		if (!secm_rule_validate(r, sc->text, ss, se))
			continue;
		if (matches_push(out, ri, ss, se) != SECM_OK) {
			rc = secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL,
					    "out of memory");
			goto out;
		}
		if (first_only)
			break;
	}
	/* one rule's matches: sort, then keep the first of overlapping ones */
	if (out->n - base > 1) {
		qsort(out->v + base, out->n - base, sizeof(*out->v), cmp_match);
		kept = base + 1;
		for (i = base + 1; i < out->n; i++) {
			if (out->v[i].start < out->v[kept - 1].end)
				continue;
			out->v[kept++] = out->v[i];
		}
		out->n = kept;
	}
out:
	pcre2_match_data_free(md);
	return rc;
}

/* secm_scan_text - append matches in text[0..len) to out (sorted by start,
 * overlapping matches of one rule removed) */
int secm_scan_text(const secm_ruleset *rs, const char *text, size_t len,
		   secm_matches *out, secm_error *err)
{
	size_t base = out->n, ri;
	scanner sc;
	int rc;

	if (text == NULL)
		len = 0;
	rc = scanner_init(&sc, rs, text != NULL ? text : "", len);
	if (rc != SECM_OK) {
		rc = secm_error_set(err, rc, NULL, 0, NULL, "out of memory");
		goto out;
	}
	for (ri = 0; ri < rs->n; ri++) {
		if (!keywords_hit(&sc, &rs->v[ri]))
			continue;
		rc = scan_rule(&sc, ri, 0, out, err);
		if (rc != SECM_OK)
			goto out;
	}
	if (out->n - base > 1)
		qsort(out->v + base, out->n - base, sizeof(*out->v), cmp_match);
out:
	if (rc != SECM_OK)
		out->n = base;	/* all or nothing: the text counts as unscanned */
	scanner_done(&sc);
	return rc;
}

/* secm_rule_matches - 1 if rule r finds something in text, 0 if not, a
 * negative SECM_E* code when matching failed (limit hit, no memory) */
int secm_rule_matches(const secm_ruleset *rs, size_t rule, const char *text,
		      size_t len)
{
	secm_matches m = { NULL, 0, 0 };
	scanner sc;
	int rc;

	if (rs == NULL || rule >= rs->n)
		return SECM_EINTERNAL;
	if (text == NULL)
		len = 0;
	rc = scanner_init(&sc, rs, text != NULL ? text : "", len);
	if (rc == SECM_OK && keywords_hit(&sc, &rs->v[rule]))
		rc = scan_rule(&sc, rule, 1, &m, NULL);
	if (rc == SECM_OK)
		rc = m.n > 0;
	scanner_done(&sc);
	secm_matches_free(&m);
	return rc;
}

/* secm_ruleset_check_examples - 0 when every example of rule matches and
 * no negative example does; else -1 and why says which one failed */
int secm_ruleset_check_examples(const secm_ruleset *rs, size_t rule,
				char *why, size_t whylen)
{
	const secm_rule *r;
	size_t i;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (rs == NULL || rule >= rs->n) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "no rule %zu", rule);
		return -1;
	}
	r = &rs->v[rule];
	for (i = 0; i < r->examples.n; i++) {
		rc = secm_rule_matches(rs, rule, r->examples.v[i], r->examples.len[i]);
		if (rc == 1)
			continue;
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "rule %s: example %zu %s: '%s'", r->id,
				 i + 1, rc < 0 ? "hit a match limit" : "does not match",
				 r->examples.v[i]);
		return -1;
	}
	for (i = 0; i < r->negatives.n; i++) {
		rc = secm_rule_matches(rs, rule, r->negatives.v[i], r->negatives.len[i]);
		if (rc == 0)
			continue;
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "rule %s: negative example %zu %s: '%s'",
				 r->id, i + 1, rc < 0 ? "hit a match limit" : "matches",
				 r->negatives.v[i]);
		return -1;
	}
	return 0;
}

/* secm_matches_free - free the vector (NULL is fine) */
void secm_matches_free(secm_matches *m)
{
	if (m == NULL)
		return;
	free(m->v);
	m->v = NULL;
	m->n = 0;
	m->cap = 0;
}
