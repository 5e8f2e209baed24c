/*
 * scan.c - find secrets in one UTF-8 text with a rule set.
 *
 * Design: one pass of the rule set's keyword prefilter (prefilter.c:
 * Vectorscan or Aho-Corasick over every keyword of every rule, ASCII
 * case-insensitive unless the rule says keywords_case: sensitive) lists where each keyword occurs.  A rule whose
 * keywords all miss does not run; the others run pcre2_match (JIT when it
 * was compiled) only for matches starting inside windows around their
 * keyword hits, [hit - before, hit end + after) with before = after = 256
 * bytes (prefilter.h, where the choice is explained), merged when they
 * overlap.  Rules without keywords run over the whole text.  The whole
 * subject is always passed, with the window start as the start offset, so
 * lookbehinds see the text before the window.  The subject length is cut
 * at the window end with PCRE2_PARTIAL_HARD: a match attempt that needs
 * text past the cut comes back as a partial match, and the cut is then
 * moved further (doubling, up to the end of the text), so a match that
 * starts inside a window is exactly the match a whole-text scan finds
 * there however long it runs (a 10 KB key block): attempts that never
 * reached the cut cannot depend on what lies past it.  Matches starting
 * outside every window are not looked for: that is the bound, and the way
 * results can differ from a whole-text scan (also when a whole-text match
 * started before a window and ran into it, moving where the next search
 * starts).  The bench and the unit tests compare both paths.
 *
 * The range of the named group "secret" is what is reported, after the
 * rule's validators accepted it.  Overlapping matches of one rule are
 * reduced to the first; the output is sorted by start.
 * SECM_SCAN_NO_PREFILTER keeps the earlier whole-text path (memmem per
 * keyword on a lowercased copy, regex over the whole text) for the
 * benchmark and for equivalence tests; SECM_SCAN_NO_WINDOW uses the
 * prefilter but confirms over the whole text.
 *
 * Threading: the rule set is only read.  Match context, match data, the
 * window list and (only when a match needs more than PCRE2's default) a
 * JIT stack are made per call, so any number of threads may scan at
 * once (the Vectorscan scratch comes from the prefilter's locked pool).
 * The lowercased copy (whole-text path only) holds mail and is wiped
 * before it is freed.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prefilter.h"
#include "rules_int.h"
#include "scan.h"
#include "validate.h"

/* a confirmation window of one rule: regex matches may start in [a, b) */
typedef struct window {
	size_t rule;
	size_t a, b;
} window;

/* per-call matching state */
typedef struct scanner {
	const secm_ruleset *rs;
	const secm_prefilter *pf;	/* NULL: whole-text path */
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;	/* made when a JIT match needs more stack */
	pcre2_match_data *md;	/* sized for the rule with most groups */
	const char *text;
	size_t len;
	char *lower;		/* ASCII-lowercased copy (whole-text path) */
	window *w;		/* keyword windows, in hit order */
	size_t nw, capw;
	size_t *open;		/* per rule: its last window in w, or NO_WINDOW */
	size_t only;		/* collect windows for this rule only, or NO_RULE */
	int whole;		/* SECM_SCAN_NO_WINDOW: windows span the text */
	int oom;		/* a hit could not be recorded */
} scanner;

#define NO_WINDOW ((size_t)-1)
#define NO_RULE ((size_t)-1)

/* PCRE2's default JIT stack is 32 KiB of machine stack, too little for
 * a lazy match across a whole PEM block; when a match runs out of it, the
 * call gets this one, which grows on demand */
#define JIT_STACK_START (32u << 10)
#define JIT_STACK_MAX (1u << 20)

/* max_pairs - ovector pairs for the rule with the most capture groups */
static uint32_t max_pairs(const secm_ruleset *rs)
{
	uint32_t best = 1, cap;
	size_t i;

	if (rs->pf != NULL)
		return rs->pf->max_pairs;
	for (i = 0; i < rs->n; i++)
		if (pcre2_pattern_info(rs->v[i].code, PCRE2_INFO_CAPTURECOUNT, &cap) == 0 &&
		    cap + 1 > best)
			best = cap + 1;
	return best;
}

/* scanner_init - match context with the rule set's limits; the lowered
 * copy only for the whole-text path (prefilter off) */
static int scanner_init(scanner *sc, const secm_ruleset *rs, const char *text,
			size_t len, unsigned int flags)
{
	size_t i;

	memset(sc, 0, sizeof(*sc));
	sc->rs = rs;
	sc->text = text;
	sc->len = len;
	sc->only = NO_RULE;
	sc->whole = (flags & SECM_SCAN_NO_WINDOW) != 0;
	if (!(flags & SECM_SCAN_NO_PREFILTER))
		sc->pf = rs->pf;
	sc->mctx = pcre2_match_context_create(NULL);
	if (sc->mctx == NULL)
		return SECM_ENOMEM;
	pcre2_set_match_limit(sc->mctx, rs->lim.match_limit);
	pcre2_set_depth_limit(sc->mctx, rs->lim.depth_limit);
	sc->md = pcre2_match_data_create(max_pairs(rs), NULL);
	if (sc->md == NULL)
		return SECM_ENOMEM;
	if (sc->pf != NULL)
		return SECM_OK;
	sc->lower = malloc(len > 0 ? len : 1);
	if (sc->lower == NULL)
		return SECM_ENOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		sc->lower[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	return SECM_OK;
}

/* scanner_done - free (and wipe) what scanner_init and the scan made */
static void scanner_done(scanner *sc)
{
	if (sc->lower != NULL)
		secm_wipe(sc->lower, sc->len);
	free(sc->lower);
	free(sc->w);
	free(sc->open);
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_jit_stack_free(sc->jstack);
	memset(sc, 0, sizeof(*sc));
}

/* keywords_hit - 1 when the rule has no keywords or one occurs (in the
 * lowered copy, or as written for keywords_case: sensitive) */
static int keywords_hit(const scanner *sc, const secm_rule *r)
{
	size_t i;

	if (r->keywords.n == 0)
		return 1;
	for (i = 0; i < r->keywords.n; i++)
		if (memmem(r->kw_exact ? sc->text : sc->lower, sc->len,
			   r->keywords.v[i], r->keywords.len[i]) != NULL)
			return 1;
	return 0;
}

/* in_placeholder - 1 when text[at] lies inside a "[REDACTED:rule-id]"
 * placeholder that redaction wrote: its rule id ("...-access-token") must
 * not become the key of a new match, or redacting twice would differ from
 * redacting once */
static int in_placeholder(const char *text, size_t at)
{
	static const char tag[] = "[REDACTED:";
	size_t i, lo = at > 80 ? at - 80 : 0;

	for (i = at + 1; i-- > lo;) {
		if (text[i] == ']' && i < at)
			return 0;	/* a placeholder closed before at */
		if (text[i] == '[')
			return at - i < 80 && strncmp(text + i, tag, sizeof(tag) - 1) == 0;
	}
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

/* on_hit - prefilter callback: add or widen the windows of the rules of
 * keyword kw around text[start..end) */
static int on_hit(void *ctx, size_t kw, size_t start, size_t end)
{
	scanner *sc = ctx;
	const secm_prefilter *pf = sc->pf;
	size_t k, r, a, b;
	window *w;

	for (k = pf->kw_first[kw]; k < pf->kw_first[kw + 1]; k++) {
		r = pf->kw_rules[k];
		if (sc->only != NO_RULE && r != sc->only)
			continue;
		a = start > pf->before[r] ? start - pf->before[r] : 0;
		b = sc->len - end > pf->after[r] ? end + pf->after[r] : sc->len;
		if (sc->whole) {
			a = 0;
			b = sc->len;
		}
		if (sc->open[r] != NO_WINDOW) {
			w = &sc->w[sc->open[r]];
			if (a <= w->b) {	/* overlaps or touches: widen */
				if (a < w->a)
					w->a = a;
				if (b > w->b)
					w->b = b;
				continue;
			}
		}
		if (secm_vec_grow((void **)&sc->w, sc->nw, &sc->capw,
				  sizeof(*sc->w), 64) != SECM_OK) {
			sc->oom = 1;
			return 1;
		}
		sc->w[sc->nw].rule = r;
		sc->w[sc->nw].a = a;
		sc->w[sc->nw].b = b;
		sc->open[r] = sc->nw++;
	}
	return 0;
}

/* cmp_window - by rule, then start */
static int cmp_window(const void *x, const void *y)
{
	const window *p = x, *q = y;

	if (p->rule != q->rule)
		return p->rule < q->rule ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return 0;
}

/* utf8_align - move a back and b forward to character boundaries (a
 * window never starts or ends inside a UTF-8 sequence) */
static void utf8_align(const char *text, size_t len, size_t *a, size_t *b)
{
	int i;

	for (i = 0; i < 3 && *a > 0 && ((unsigned char)text[*a] & 0xc0) == 0x80; i++)
		(*a)--;
	for (i = 0; i < 3 && *b < len && ((unsigned char)text[*b] & 0xc0) == 0x80; i++)
		(*b)++;
}

/* collect_windows - run the prefilter, then sort the windows by rule and
 * start, merge overlapping ones and align them to characters */
static int collect_windows(scanner *sc, secm_error *err)
{
	size_t i, k, nr = sc->rs->n;
	int rc;

	sc->open = malloc(nr * sizeof(*sc->open) + 1);
	if (sc->open == NULL)
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	for (i = 0; i < nr; i++)
		sc->open[i] = NO_WINDOW;
	rc = secm_kwmatcher_scan(sc->pf->m, sc->text, sc->len, on_hit, sc);
	if (rc == SECM_OK && sc->oom)
		rc = SECM_ENOMEM;
	if (rc != SECM_OK)
		return secm_error_set(err, rc, NULL, 0, NULL, rc == SECM_ENOMEM ?
				      "out of memory" : "keyword prefilter failed");
	if (sc->nw > 1)
		qsort(sc->w, sc->nw, sizeof(*sc->w), cmp_window);
	for (i = 0, k = 0; i < sc->nw; i++) {
		utf8_align(sc->text, sc->len, &sc->w[i].a, &sc->w[i].b);
		if (k > 0 && sc->w[k - 1].rule == sc->w[i].rule &&
		    sc->w[i].a <= sc->w[k - 1].b) {
			if (sc->w[i].b > sc->w[k - 1].b)
				sc->w[k - 1].b = sc->w[i].b;
			continue;
		}
		sc->w[k++] = sc->w[i];
	}
	sc->nw = k;
	return SECM_OK;
}

/* grow_cut - the next subject length after a partial match in a window
 * that starts at a: twice as far from a (at least 256 bytes more), at
 * most the whole text */
static size_t grow_cut(size_t len, size_t a, size_t cut)
{
	size_t step = cut - a > 256 ? cut - a : 256;

	return len - cut > step ? cut + step : len;
}

/* grow_jit_stack - a JIT match ran out of the default 32 KiB machine
 * stack (a lazy match across a long key block): give the call a stack that
 * grows to 1 MiB.  Made on demand because creating one maps 1 MiB, which
 * costs more than most scans. */
static int grow_jit_stack(scanner *sc, secm_error *err)
{
	sc->jstack = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
	if (sc->jstack == NULL)
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	pcre2_jit_stack_assign(sc->mctx, NULL, sc->jstack);
	return SECM_OK;
}

/* scan_rule - every accepted match of rule ri that starts in one of the
 * windows win[0..nwin) (sorted, disjoint), appended to out (sorted,
 * overlaps dropped); stop after the first when first_only */
static int scan_rule(scanner *sc, size_t ri, const window *win, size_t nwin,
		     int first_only, secm_matches *out, secm_error *err)
{
	const secm_rule *r = &sc->rs->v[ri];
	pcre2_match_data *md = sc->md;
	PCRE2_SIZE *ov, s0, e0, ss, se;
	size_t off = 0, base = out->n, i, kept, wi, cut, b;
	int rc = SECM_OK, m, done = 0;

	ov = pcre2_get_ovector_pointer(md);
	for (wi = 0; wi < nwin && !done; wi++) {
		b = win[wi].b;
		if (off < win[wi].a)
			off = win[wi].a;
		cut = b;
		/* the last window of a text may also match empty at its end */
		while (off < b || (off == b && b == sc->len)) {
			m = pcre2_match(r->code, (PCRE2_SPTR)sc->text, cut, off,
					cut < sc->len ? PCRE2_PARTIAL_HARD : 0, md, sc->mctx);
			if (m == PCRE2_ERROR_NOMATCH)
				break;
			if (m == PCRE2_ERROR_PARTIAL) {
				/* every start before ov[0] failed without
				 * reaching the cut; look further from there */
				if (ov[0] >= b)
					break;
				off = ov[0];
				cut = grow_cut(sc->len, win[wi].a, cut);
				continue;
			}
			if (m == PCRE2_ERROR_JIT_STACKLIMIT && sc->jstack == NULL) {
				rc = grow_jit_stack(sc, err);
				if (rc != SECM_OK)
					goto out;
				continue;	/* the same call again */
			}
			if (m < 0) {
				rc = match_error(r, m, err);
				goto out;
			}
			s0 = ov[0];
			e0 = ov[1];
			if (s0 >= b && b < sc->len)
				break;	/* starts past the window */
			ss = ov[2 * r->secret_group];
			se = ov[2 * r->secret_group + 1];
			/* restart after the secret so that trailing context (a
			 * delimiter the regex consumed) can start the next
			 * match; always move forward, by one character after an
			 * empty match */
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
			if (in_placeholder(sc->text, s0))
				continue;
			if (!secm_rule_validate_at(r, sc->text, sc->len, ss, se))
				continue;
			if (matches_push(out, ri, ss, se) != SECM_OK) {
				rc = secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL,
						    "out of memory");
				goto out;
			}
			if (first_only) {
				done = 1;
				break;
			}
		}
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
	return rc;
}

/* scan_rules - run every rule that has to run (prefilter hits in
 * windows, keyword-free rules over the whole text); only rule `only`
 * when it is not NO_RULE */
static int scan_rules(scanner *sc, int first_only, secm_matches *out,
		      secm_error *err)
{
	const window all = { 0, 0, sc->len };
	const secm_prefilter *pf = sc->pf;
	size_t i, j, ri;
	int rc;

	if (pf == NULL) {	/* whole-text path: memmem per rule */
		for (ri = 0; ri < sc->rs->n; ri++) {
			if (sc->only != NO_RULE && ri != sc->only)
				continue;
			if (!keywords_hit(sc, &sc->rs->v[ri]))
				continue;
			rc = scan_rule(sc, ri, &all, 1, first_only, out, err);
			if (rc != SECM_OK)
				return rc;
		}
		return SECM_OK;
	}
	for (i = 0; i < pf->nalways; i++) {
		ri = pf->always[i];
		if (sc->only != NO_RULE && ri != sc->only)
			continue;
		rc = scan_rule(sc, ri, &all, 1, first_only, out, err);
		if (rc != SECM_OK)
			return rc;
	}
	rc = collect_windows(sc, err);
	if (rc != SECM_OK)
		return rc;
	for (i = 0; i < sc->nw; i = j) {
		for (j = i + 1; j < sc->nw && sc->w[j].rule == sc->w[i].rule; j++)
			;
		rc = scan_rule(sc, sc->w[i].rule, sc->w + i, j - i, first_only,
			       out, err);
		if (rc != SECM_OK)
			return rc;
	}
	return SECM_OK;
}

/* secm_scan_text_flags - secm_scan_text with SECM_SCAN_* flags */
int secm_scan_text_flags(const secm_ruleset *rs, const char *text, size_t len,
			 unsigned int flags, secm_matches *out, secm_error *err)
{
	size_t base = out->n;
	scanner sc;
	int rc;

	if (text == NULL)
		len = 0;
	rc = scanner_init(&sc, rs, text != NULL ? text : "", len, flags);
	if (rc != SECM_OK) {
		rc = secm_error_set(err, rc, NULL, 0, NULL, "out of memory");
		goto out;
	}
	rc = scan_rules(&sc, 0, out, err);
	if (rc == SECM_OK && out->n - base > 1)
		qsort(out->v + base, out->n - base, sizeof(*out->v), cmp_match);
out:
	if (rc != SECM_OK)
		out->n = base;	/* all or nothing: the text counts as unscanned */
	scanner_done(&sc);
	return rc;
}

/* secm_scan_text - append matches in text[0..len) to out (sorted by start,
 * overlapping matches of one rule removed) */
int secm_scan_text(const secm_ruleset *rs, const char *text, size_t len,
		   secm_matches *out, secm_error *err)
{
	return secm_scan_text_flags(rs, text, len, 0, out, err);
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
	rc = scanner_init(&sc, rs, text != NULL ? text : "", len, 0);
	sc.only = rule;
	if (rc == SECM_OK)
		rc = scan_rules(&sc, 1, &m, NULL);
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
