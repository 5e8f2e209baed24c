/*
 * prefilter.h - one pass over a text finds every keyword of every rule.
 *
 * Two parts:
 *  - secm_kwmatcher: a multi-literal matcher over ASCII-lowercased
 *    keywords, matching ASCII case-insensitively (bytes >= 0x80, such as
 *    UTF-8 keywords, match exactly), or keywords marked exact that match
 *    byte for byte (a rule's `keywords_case: sensitive`).  Engines: Vectorscan (one database
 *    compiled from all keywords, when built --with-vectorscan) or an
 *    Aho-Corasick automaton written here (always available).  Both report
 *    every occurrence, so the cost of a scan does not grow with the number
 *    of keywords or rules.
 *  - secm_prefilter: the matcher for a whole rule set plus the map from
 *    each distinct keyword to the rules that list it, the rules without
 *    keywords (they always run) and each rule's confirmation window.
 *
 * Threading: both are immutable after building and may be used by any
 * number of threads at once.  The Vectorscan engine keeps a mutex-guarded
 * pool of scratch spaces (one per concurrent scan, cloned on demand).
 */
#ifndef SECM_PREFILTER_H
#define SECM_PREFILTER_H

#include <stddef.h>
#include "error.h"
#include "rules.h"

typedef enum secm_pf_engine {
	SECM_PF_AUTO = 0,	/* Vectorscan when built with it, else Aho-Corasick */
	SECM_PF_AHOCORASICK = 1,
	SECM_PF_VECTORSCAN = 2
} secm_pf_engine;

/* Confirmation window around a keyword hit at [s, e): the rule's regex
 * may start a match in [s - before, e + after).  A match that starts
 * there may run past the window end: it is then completed on the whole
 * text (hard partial matching, see scan.c), so `after` bounds where a
 * secret starts, not its length, and a 10 KB private key block is found
 * whole.  256 either side: on the generated detection corpus (12,676
 * findings in 22,649 texts) windows of 256 give exactly the whole-text
 * findings, windows of 64 differ in 75 texts (a key name far before its value, a
 * context word far from a prefix-less token).  A per-rule `window:` key
 * may override these later. */
#define SECM_WINDOW_BEFORE 256
#define SECM_WINDOW_AFTER 256

typedef struct secm_kwmatcher secm_kwmatcher;

/* secm_kw_hit_fn - keyword kw (index into the build list) occurs at
 * text[start..end); return 0 to go on, nonzero to stop the scan */
typedef int (*secm_kw_hit_fn)(void *ctx, size_t kw, size_t start, size_t end);

/* secm_kwmatcher_new - matcher for n keywords kw[i][0..kwlen[i]) (ASCII-
 * lowercased by the caller, none empty).  SECM_PF_VECTORSCAN without
 * Vectorscan built in, or a Vectorscan compile failure, is SECM_EINTERNAL.
 * Returns 0, SECM_ENOMEM or SECM_EINTERNAL (err says why). */
int secm_kwmatcher_new(const char *const *kw, const size_t *kwlen, size_t n,
		       secm_pf_engine eng, secm_kwmatcher **out, secm_error *err);
/* secm_kwmatcher_new_exact - secm_kwmatcher_new where keyword i matches
 * its bytes exactly (case-sensitively) when exact[i] is nonzero; those
 * keywords are given as written, the others ASCII-lowercased.  exact may
 * be NULL (all caseless). */
int secm_kwmatcher_new_exact(const char *const *kw, const size_t *kwlen,
			     const unsigned char *exact, size_t n,
			     secm_pf_engine eng, secm_kwmatcher **out,
			     secm_error *err);
/* secm_kwmatcher_scan - call fn for every occurrence of every keyword in
 * text[0..len), in order of end offset (ties in any order).  Returns 0
 * (also when fn stopped the scan), SECM_ENOMEM (no scratch space) or
 * SECM_EINTERNAL (engine error). */
int secm_kwmatcher_scan(const secm_kwmatcher *m, const char *text, size_t len,
			secm_kw_hit_fn fn, void *ctx);
/* secm_kwmatcher_engine - the engine actually used */
secm_pf_engine secm_kwmatcher_engine(const secm_kwmatcher *m);
/* secm_kwmatcher_free - NULL is fine */
void secm_kwmatcher_free(secm_kwmatcher *m);

/* secm_pf_have_vectorscan - 1 when built with Vectorscan */
int secm_pf_have_vectorscan(void);
/* secm_pf_engine_name - "vectorscan", "aho-corasick", "auto" */
const char *secm_pf_engine_name(secm_pf_engine e);

/* the prefilter of a rule set (layout shared with scan.c) */
typedef struct secm_prefilter {
	secm_kwmatcher *m;	/* NULL when no rule has keywords */
	size_t nkw;		/* distinct keywords */
	size_t *kw_first;	/* nkw+1: rules of keyword k are */
	size_t *kw_rules;	/*   kw_rules[kw_first[k] .. kw_first[k+1]) */
	size_t *always;		/* rules without keywords (always run) */
	size_t nalways;
	size_t nrules;
	size_t *before;		/* nrules: window before a hit */
	size_t *after;		/* nrules: window after a hit */
	unsigned int max_pairs;	/* largest capture count + 1 over all rules */
} secm_prefilter;

/* secm_prefilter_build - prefilter for every rule of rs; 0, SECM_ENOMEM
 * or SECM_EINTERNAL */
int secm_prefilter_build(const secm_ruleset *rs, secm_pf_engine eng,
			 secm_prefilter **out, secm_error *err);
/* secm_prefilter_free - NULL is fine */
void secm_prefilter_free(secm_prefilter *pf);

#endif
