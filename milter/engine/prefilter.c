/*
 * prefilter.c - find every keyword of every rule in one pass over a text.
 *
 * Design: the keywords of all rules are deduplicated into one list; a rule
 * runs its regex only near the places where one of its keywords occurs
 * (scan.c).  The multi-literal search is Vectorscan when configure found
 * it (hs_compile_lit_multi, HS_FLAG_CASELESS, block mode, all matches
 * reported), else an Aho-Corasick automaton built here: a dense DFA over
 * byte classes (only bytes that occur in some keyword get a class of
 * their own; ASCII letters are folded to lowercase before the lookup), so
 * a scan is one table lookup per byte whatever the number of keywords.
 * Output states chain through "dictionary suffix" links so every keyword
 * ending at a position is reported.  Case-sensitive keywords (a rule's
 * keywords_case: sensitive) are HS_FLAG_CASELESS-free literals in
 * Vectorscan; the automaton, which folds case, finds them caselessly and
 * drops the hits whose bytes differ (one memcmp per hit of such a keyword).
 *
 * Threading: a built matcher is read-only.  Vectorscan needs a scratch
 * space per concurrent scan: they come from a mutex-guarded pool owned by
 * the matcher (cloned from a prototype when the pool is empty), so the
 * number of scratches equals the peak number of concurrent scans.
 */
#include "autoconfig.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_VECTORSCAN
#include <hs/hs.h>
#endif

#include "buf.h"
#include "prefilter.h"
#include "rules_int.h"

/* Aho-Corasick automaton */
typedef struct ac {
	uint8_t cls[256];	/* input byte (case-folded) -> class */
	size_t ncls;		/* classes, class 0 = no keyword uses the byte */
	size_t nstates;
	uint32_t *delta;	/* nstates * ncls: full transition table; an
				 * entry is (next state * ncls) << 1 | 1 when
				 * the next state has output (no multiply and
				 * no second lookup per byte) */
	uint32_t *own_first;	/* nstates+1: keywords ending exactly here */
	uint32_t *own;		/*   own[own_first[s] .. own_first[s+1]) */
	uint32_t *dict;		/* nearest proper suffix state with own output, 0 = none */
	uint8_t *hasout;	/* 1 when s or a suffix of s ends a keyword */
} ac;

#ifdef HAVE_VECTORSCAN
/* scratch pool for one Vectorscan database */
typedef struct hs_pool {
	pthread_mutex_t mu;
	hs_scratch_t *proto;
	hs_scratch_t **free;
	size_t n, cap;
} hs_pool;
#endif

struct secm_kwmatcher {
	secm_pf_engine eng;
	size_t n;
	size_t *len;		/* keyword lengths */
	size_t maxlen;
	char **exact;		/* n: the bytes of an exact keyword, else NULL
				 * (Aho-Corasick checks its hits) */
	ac ac;
#ifdef HAVE_VECTORSCAN
	hs_database_t *db;
	hs_pool *pool;
#endif
};

/* secm_pf_have_vectorscan - 1 when built with Vectorscan */
int secm_pf_have_vectorscan(void)
{
#ifdef HAVE_VECTORSCAN
	return 1;
#else
	return 0;
#endif
}

/* secm_pf_engine_name - "vectorscan", "aho-corasick", "auto" */
const char *secm_pf_engine_name(secm_pf_engine e)
{
	switch (e) {
	case SECM_PF_VECTORSCAN:
		return "vectorscan";
	case SECM_PF_AHOCORASICK:
		return "aho-corasick";
	default:
		return "auto";
	}
}

/* fold - ASCII lowercase of byte c */
static inline unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ac_free - free the automaton's tables */
static void ac_free(ac *a)
{
	free(a->delta);
	free(a->own_first);
	free(a->own);
	free(a->dict);
	free(a->hasout);
	memset(a, 0, sizeof(*a));
}

/* ac_build - automaton for the keywords; 0 or SECM_ENOMEM */
static int ac_build(ac *a, const char *const *kw, const size_t *kwlen, size_t n)
{
	const uint32_t NONE = UINT32_MAX;
	uint32_t *fail = NULL, *queue = NULL, *term = NULL, *cnt = NULL;
	size_t total = 1, i, j, k, c, qh, qt, ns;
	uint32_t s, t;
	int rc = SECM_ENOMEM;

	memset(a, 0, sizeof(*a));
	/* classes: every (folded) byte used by a keyword */
	a->ncls = 1;
	for (i = 0; i < n; i++) {
		total += kwlen[i];
		for (j = 0; j < kwlen[i]; j++) {
			unsigned char b = fold((unsigned char)kw[i][j]);

			if (a->cls[b] == 0 && a->ncls < 256)
				a->cls[b] = (uint8_t)a->ncls++;
		}
	}
	if (a->ncls > 255 || total > UINT32_MAX / 2 || total > SIZE_MAX / 256 ||
	    total * a->ncls > UINT32_MAX / 2)
		return SECM_ENOMEM;
	for (c = 0; c < 256; c++)
		a->cls[c] = a->cls[fold((unsigned char)c)];
	a->delta = malloc(total * a->ncls * sizeof(*a->delta));
	term = malloc(n * sizeof(*term) + 1);
	if (a->delta == NULL || term == NULL)
		goto out;
	for (i = 0; i < total * a->ncls; i++)
		a->delta[i] = NONE;
	/* trie */
	ns = 1;
	for (i = 0; i < n; i++) {
		s = 0;
		for (j = 0; j < kwlen[i]; j++) {
			c = a->cls[(unsigned char)kw[i][j]];
			t = a->delta[s * a->ncls + c];
			if (t == NONE) {
				t = (uint32_t)ns++;
				a->delta[s * a->ncls + c] = t;
			}
			s = t;
		}
		term[i] = s;
	}
	a->nstates = ns;
	/* own outputs, grouped by state (counting sort) */
	a->own_first = calloc(ns + 1, sizeof(*a->own_first));
	a->own = malloc(n * sizeof(*a->own) + 1);
	cnt = calloc(ns + 1, sizeof(*cnt));
	fail = calloc(ns, sizeof(*fail));
	queue = malloc(ns * sizeof(*queue));
	a->dict = calloc(ns, sizeof(*a->dict));
	a->hasout = calloc(ns, 1);
	if (a->own_first == NULL || a->own == NULL || cnt == NULL ||
	    fail == NULL || queue == NULL || a->dict == NULL || a->hasout == NULL)
		goto out;
	for (i = 0; i < n; i++)
		a->own_first[term[i] + 1]++;
	for (k = 0; k < ns; k++)
		a->own_first[k + 1] += a->own_first[k];
	for (i = 0; i < n; i++)
		a->own[a->own_first[term[i]] + cnt[term[i]]++] = (uint32_t)i;
	/* breadth first: failure links, full transitions, dictionary links */
	qh = qt = 0;
	for (c = 0; c < a->ncls; c++) {
		t = a->delta[c];
		if (t == NONE) {
			a->delta[c] = 0;
			continue;
		}
		fail[t] = 0;
		queue[qt++] = t;
	}
	while (qh < qt) {
		s = queue[qh++];
		if (a->own_first[fail[s] + 1] > a->own_first[fail[s]])
			a->dict[s] = fail[s];
		else
			a->dict[s] = a->dict[fail[s]];
		a->hasout[s] = a->own_first[s + 1] > a->own_first[s] || a->dict[s] != 0;
		for (c = 0; c < a->ncls; c++) {
			t = a->delta[s * a->ncls + c];
			if (t == NONE) {
				a->delta[s * a->ncls + c] = a->delta[fail[s] * a->ncls + c];
				continue;
			}
			fail[t] = a->delta[fail[s] * a->ncls + c];
			queue[qt++] = t;
		}
	}
	/* premultiplied entries with the output bit (see struct ac) */
	for (i = 0; i < ns * a->ncls; i++) {
		t = a->delta[i];
		a->delta[i] = (uint32_t)(((size_t)t * a->ncls) << 1) | a->hasout[t];
	}
	rc = SECM_OK;
out:
	free(term);
	free(cnt);
	free(fail);
	free(queue);
	if (rc != SECM_OK)
		ac_free(a);
	return rc;
}

/* ac_scan - report every keyword occurrence; stops when fn says so */
static void ac_scan(const secm_kwmatcher *m, const char *text, size_t len,
		    secm_kw_hit_fn fn, void *ctx)
{
	const ac *a = &m->ac;
	const uint32_t *delta = a->delta;
	const uint8_t *cls = a->cls;
	size_t ncls = a->ncls, i, k;
	uint32_t v = 0, t;

	for (i = 0; i < len; i++) {
		v = delta[(v >> 1) + cls[(unsigned char)text[i]]];
		if (!(v & 1))
			continue;
		for (t = (uint32_t)((v >> 1) / ncls); t != 0; t = a->dict[t]) {
			for (k = a->own_first[t]; k < a->own_first[t + 1]; k++) {
				size_t kw = a->own[k], st = i + 1 - m->len[kw];

				if (m->exact != NULL && m->exact[kw] != NULL &&
				    memcmp(text + st, m->exact[kw], m->len[kw]) != 0)
					continue;
				if (fn(ctx, kw, st, i + 1) != 0)
					return;
			}
		}
	}
}

#ifdef HAVE_VECTORSCAN
/* hs_ctx - what the Vectorscan callback needs */
typedef struct hs_ctx {
	const secm_kwmatcher *m;
	secm_kw_hit_fn fn;
	void *ctx;
	size_t base;		/* offset of the chunk in the text */
	size_t skip_to;		/* hits ending at or before this were reported */
} hs_ctx;

/* hs_on_match - Vectorscan callback: translate to secm_kw_hit_fn */
static int hs_on_match(unsigned int id, unsigned long long from,
		       unsigned long long to, unsigned int flags, void *p)
{
	hs_ctx *h = p;
	size_t end = h->base + (size_t)to;

	(void)from;
	(void)flags;
	if (end <= h->skip_to)
		return 0;
	return h->fn(h->ctx, id, end - h->m->len[id], end);
}

/* pool_get - a scratch for one scan (NULL when out of memory) */
static hs_scratch_t *pool_get(hs_pool *p)
{
	hs_scratch_t *s = NULL;

	pthread_mutex_lock(&p->mu);
	if (p->n > 0)
		s = p->free[--p->n];
	else if (hs_clone_scratch(p->proto, &s) != HS_SUCCESS)
		s = NULL;
	pthread_mutex_unlock(&p->mu);
	return s;
}

/* pool_put - give a scratch back (freed when the pool cannot grow) */
static void pool_put(hs_pool *p, hs_scratch_t *s)
{
	pthread_mutex_lock(&p->mu);
	if (secm_vec_grow((void **)&p->free, p->n, &p->cap, sizeof(*p->free), 8) == SECM_OK) {
		p->free[p->n++] = s;
		s = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	if (s != NULL)
		hs_free_scratch(s);
}

/* pool_free - free every scratch and the pool */
static void pool_free(hs_pool *p)
{
	if (p == NULL)
		return;
	while (p->n > 0)
		hs_free_scratch(p->free[--p->n]);
	if (p->proto != NULL)
		hs_free_scratch(p->proto);
	free(p->free);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* hs_build - Vectorscan database over the keywords plus a scratch pool
 * (what it made is freed by secm_kwmatcher_free, also on failure) */
static int hs_build(secm_kwmatcher *m, const char *const *kw,
		    const unsigned char *exact, secm_error *err)
{
	hs_compile_error_t *cerr = NULL;
	unsigned int *flags = NULL, *ids = NULL;
	int rc;
	size_t i;

	if (m->n > UINT_MAX)
		return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
				      "too many keywords for Vectorscan");
	rc = secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	flags = malloc(m->n * sizeof(*flags));
	ids = malloc(m->n * sizeof(*ids));
	m->pool = calloc(1, sizeof(*m->pool));
	if (m->pool != NULL)
		pthread_mutex_init(&m->pool->mu, NULL);
	if (flags == NULL || ids == NULL || m->pool == NULL)
		goto out;
	for (i = 0; i < m->n; i++) {
		flags[i] = exact != NULL && exact[i] ? 0 : HS_FLAG_CASELESS;
		ids[i] = (unsigned int)i;
	}
	if (hs_compile_lit_multi(kw, flags, ids, m->len, (unsigned int)m->n,
				 HS_MODE_BLOCK, NULL, &m->db, &cerr) != HS_SUCCESS) {
		m->db = NULL;
		rc = secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
				    "Vectorscan cannot compile the keywords: %s",
				    cerr != NULL && cerr->message != NULL ?
				    cerr->message : "unknown error");
		hs_free_compile_error(cerr);
		goto out;
	}
	if (hs_alloc_scratch(m->db, &m->pool->proto) != HS_SUCCESS) {
		m->pool->proto = NULL;
		goto out;
	}
	secm_error_clear(err);
	rc = SECM_OK;
out:
	free(flags);
	free(ids);
	return rc;
}

/* hs_run - scan with Vectorscan, in chunks below its 4 GiB length limit */
static int hs_run(const secm_kwmatcher *m, const char *text, size_t len,
		  secm_kw_hit_fn fn, void *ctx)
{
	const size_t chunk = (size_t)1 << 30;
	hs_scratch_t *s;
	hs_ctx h = { m, fn, ctx, 0, 0 };
	size_t pos, ovl, end;
	hs_error_t e = HS_SUCCESS;

	s = pool_get(m->pool);
	if (s == NULL)
		return SECM_ENOMEM;
	for (pos = 0; pos < len; pos += chunk) {
		ovl = pos < m->maxlen ? pos : m->maxlen;
		end = len - pos > chunk ? pos + chunk : len;
		h.base = pos - ovl;
		h.skip_to = pos;
		e = hs_scan(m->db, text + h.base, (unsigned int)(end - h.base), 0,
			    s, hs_on_match, &h);
		if (e != HS_SUCCESS)
			break;
	}
	pool_put(m->pool, s);
	if (e == HS_SCAN_TERMINATED || e == HS_SUCCESS)
		return SECM_OK;
	return e == HS_NOMEM ? SECM_ENOMEM : SECM_EINTERNAL;
}
#endif

/* secm_kwmatcher_new - matcher for n ASCII-lowercased, non-empty keywords */
int secm_kwmatcher_new(const char *const *kw, const size_t *kwlen, size_t n,
		       secm_pf_engine eng, secm_kwmatcher **out, secm_error *err)
{
	return secm_kwmatcher_new_exact(kw, kwlen, NULL, n, eng, out, err);
}

/* set_exact - copies of the exact keywords for the automaton's hit check */
static int set_exact(secm_kwmatcher *m, const char *const *kw,
		     const size_t *kwlen, const unsigned char *exact)
{
	size_t i;

	m->exact = calloc(m->n + 1, sizeof(*m->exact));
	if (m->exact == NULL)
		return SECM_ENOMEM;
	for (i = 0; i < m->n; i++) {
		if (!exact[i])
			continue;
		m->exact[i] = malloc(kwlen[i] + 1);
		if (m->exact[i] == NULL)
			return SECM_ENOMEM;
		memcpy(m->exact[i], kw[i], kwlen[i]);
		m->exact[i][kwlen[i]] = '\0';
	}
	return SECM_OK;
}

/* secm_kwmatcher_new_exact - matcher where exact[i] keywords match
 * byte for byte, the others ASCII case-insensitively */
int secm_kwmatcher_new_exact(const char *const *kw, const size_t *kwlen,
			     const unsigned char *exact, size_t n,
			     secm_pf_engine eng, secm_kwmatcher **out,
			     secm_error *err)
{
	secm_kwmatcher *m;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; i < n; i++)
		if (kwlen[i] == 0)
			return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
					      "empty keyword %zu", i);
	if (eng == SECM_PF_AUTO)
		eng = secm_pf_have_vectorscan() ? SECM_PF_VECTORSCAN : SECM_PF_AHOCORASICK;
	if (eng == SECM_PF_VECTORSCAN && !secm_pf_have_vectorscan())
		return secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
				      "built without Vectorscan");
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	m->eng = eng;
	m->n = n;
	m->len = malloc(n * sizeof(*m->len) + 1);
	if (m->len == NULL) {
		rc = secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		m->len[i] = kwlen[i];
		if (kwlen[i] > m->maxlen)
			m->maxlen = kwlen[i];
	}
#ifdef HAVE_VECTORSCAN
	if (eng == SECM_PF_VECTORSCAN) {
		if (n > 0) {
			rc = hs_build(m, kw, exact, err);
			if (rc != SECM_OK)
				goto fail;
		}
		*out = m;
		return SECM_OK;
	}
#endif
	rc = ac_build(&m->ac, kw, kwlen, n);
	if (rc == SECM_OK && exact != NULL)
		rc = set_exact(m, kw, kwlen, exact);
	if (rc != SECM_OK) {
		rc = secm_error_set(err, rc, NULL, 0, NULL, "out of memory");
		goto fail;
	}
	*out = m;
	return SECM_OK;
fail:
	secm_kwmatcher_free(m);
	return rc;
}

/* secm_kwmatcher_scan - fn for every keyword occurrence in text[0..len) */
int secm_kwmatcher_scan(const secm_kwmatcher *m, const char *text, size_t len,
			secm_kw_hit_fn fn, void *ctx)
{
	if (m == NULL || m->n == 0 || len == 0)
		return SECM_OK;
#ifdef HAVE_VECTORSCAN
	if (m->eng == SECM_PF_VECTORSCAN)
		return hs_run(m, text, len, fn, ctx);
#endif
	ac_scan(m, text, len, fn, ctx);
	return SECM_OK;
}

/* secm_kwmatcher_engine - the engine actually used */
secm_pf_engine secm_kwmatcher_engine(const secm_kwmatcher *m)
{
	return m != NULL ? m->eng : SECM_PF_AUTO;
}

/* secm_kwmatcher_free - NULL is fine */
void secm_kwmatcher_free(secm_kwmatcher *m)
{
	size_t i;

	if (m == NULL)
		return;
#ifdef HAVE_VECTORSCAN
	pool_free(m->pool);
	if (m->db != NULL)
		hs_free_database(m->db);
#endif
	ac_free(&m->ac);
	if (m->exact != NULL)
		for (i = 0; i < m->n; i++)
			free(m->exact[i]);
	free(m->exact);
	free(m->len);
	free(m);
}

/* one (keyword, rule) pair while building */
typedef struct kwref {
	const char *kw;
	size_t len;
	size_t rule;
	unsigned char exact;	/* case-sensitive keyword */
} kwref;

/* same_kw - 1 when both refs name the same keyword (bytes and case mode) */
static int same_kw(const kwref *x, const kwref *y)
{
	return x->len == y->len && x->exact == y->exact &&
		memcmp(x->kw, y->kw, x->len) == 0;
}

/* cmp_kwref - by keyword bytes, then case mode, then rule */
static int cmp_kwref(const void *a, const void *b)
{
	const kwref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->kw, y->kw, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->exact != y->exact)
		return x->exact < y->exact ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return 0;
}

/* has_empty_keyword - 1 when r lists "" (it then matches every text) */
static int has_empty_keyword(const secm_rule *r)
{
	size_t i;

	for (i = 0; i < r->keywords.n; i++)
		if (r->keywords.len[i] == 0)
			return 1;
	return 0;
}

/* secm_prefilter_build - prefilter for every rule of rs */
int secm_prefilter_build(const secm_ruleset *rs, secm_pf_engine eng,
			 secm_prefilter **out, secm_error *err)
{
	secm_prefilter *pf;
	kwref *refs = NULL;
	const char **kws = NULL;
	unsigned char *exact = NULL;
	size_t *lens = NULL, nrefs = 0, i, j, k;
	uint32_t cap;
	int rc = SECM_ENOMEM;

	*out = NULL;
	pf = calloc(1, sizeof(*pf));
	if (pf == NULL)
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	pf->nrules = rs->n;
	for (i = 0; i < rs->n; i++)
		nrefs += rs->v[i].keywords.n;
	refs = malloc(nrefs * sizeof(*refs) + 1);
	pf->always = malloc(rs->n * sizeof(*pf->always) + 1);
	pf->before = malloc(rs->n * sizeof(*pf->before) + 1);
	pf->after = malloc(rs->n * sizeof(*pf->after) + 1);
	if (refs == NULL || pf->always == NULL || pf->before == NULL || pf->after == NULL)
		goto nomem;
	pf->max_pairs = 1;
	nrefs = 0;
	for (i = 0; i < rs->n; i++) {
		const secm_rule *r = &rs->v[i];

		pf->before[i] = SECM_WINDOW_BEFORE;
		pf->after[i] = SECM_WINDOW_AFTER;
		if (r->code != NULL &&
		    pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &cap) == 0 &&
		    cap + 1 > pf->max_pairs)
			pf->max_pairs = cap + 1;
		if (r->keywords.n == 0 || has_empty_keyword(r)) {
			pf->always[pf->nalways++] = i;
			continue;
		}
		for (j = 0; j < r->keywords.n; j++) {
			refs[nrefs].kw = r->keywords.v[j];
			refs[nrefs].len = r->keywords.len[j];
			refs[nrefs].rule = i;
			refs[nrefs].exact = r->kw_exact != 0;
			nrefs++;
		}
	}
	if (nrefs > 1)
		qsort(refs, nrefs, sizeof(*refs), cmp_kwref);
	/* distinct keywords, each with its distinct rules */
	kws = malloc(nrefs * sizeof(*kws) + 1);
	lens = malloc(nrefs * sizeof(*lens) + 1);
	exact = malloc(nrefs + 1);
	pf->kw_first = malloc((nrefs + 1) * sizeof(*pf->kw_first));
	pf->kw_rules = malloc(nrefs * sizeof(*pf->kw_rules) + 1);
	if (kws == NULL || lens == NULL || exact == NULL || pf->kw_first == NULL ||
	    pf->kw_rules == NULL)
		goto nomem;
	k = 0;
	for (i = 0; i < nrefs; i++) {
		if (i == 0 || !same_kw(&refs[i], &refs[i - 1])) {
			kws[pf->nkw] = refs[i].kw;
			lens[pf->nkw] = refs[i].len;
			exact[pf->nkw] = refs[i].exact;
			pf->kw_first[pf->nkw++] = k;
		} else if (refs[i].rule == refs[i - 1].rule) {
			continue;	/* a rule listing a keyword twice */
		}
		pf->kw_rules[k++] = refs[i].rule;
	}
	pf->kw_first[pf->nkw] = k;
	if (pf->nkw > 0) {
		rc = secm_kwmatcher_new_exact(kws, lens, exact, pf->nkw, eng,
					      &pf->m, err);
		if (rc != SECM_OK)
			goto fail;
	}
	free(refs);
	free(kws);
	free(lens);
	free(exact);
	*out = pf;
	return SECM_OK;
nomem:
	rc = secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
fail:
	free(refs);
	free(kws);
	free(lens);
	free(exact);
	secm_prefilter_free(pf);
	return rc;
}

/* secm_prefilter_free - NULL is fine */
void secm_prefilter_free(secm_prefilter *pf)
{
	if (pf == NULL)
		return;
	secm_kwmatcher_free(pf->m);
	free(pf->kw_first);
	free(pf->kw_rules);
	free(pf->always);
	free(pf->before);
	free(pf->after);
	free(pf);
}
