/*
 * scan.h - find secrets in one UTF-8 text with a rule set.
 *
 * Keywords prefilter the rules (one multi-literal pass, case-insensitive,
 * prefilter.h); only rules whose keywords occur (or that have none) run
 * their PCRE2 regex, with the rule set's match and depth limits, and only
 * for matches starting in a window around a keyword hit (scan.c).  Each match's named group "secret"
 * gives the reported range; validators then accept or drop it.  Safe to call
 * from many threads on one rule set.
 */
#ifndef SECM_SCAN_H
#define SECM_SCAN_H

#include <stddef.h>
#include "error.h"
#include "rules.h"

typedef struct secm_match {
	size_t rule;		/* index into the rule set */
	size_t start;		/* byte offset of the secret in the text */
	size_t end;		/* one past its last byte */
} secm_match;

typedef struct secm_matches {
	secm_match *v;
	size_t n;
	size_t cap;
} secm_matches;

/* secm_scan_text - append matches in text[0..len) to out (sorted by start,
 * overlapping matches of one rule removed).  Returns 0, SECM_ENOMEM, or
 * SECM_EMATCH when a PCRE2 limit was hit (the text is then unscanned and the
 * caller applies the failure action). */
int secm_scan_text(const secm_ruleset *rs, const char *text, size_t len,
		   secm_matches *out, secm_error *err);

/* flags for secm_scan_text_flags */
enum {
	SECM_SCAN_NO_PREFILTER = 1 << 0,	/* memmem per rule, regex over the
						   whole text (the path before the
						   prefilter; benchmarks, tests) */
	SECM_SCAN_NO_WINDOW = 1 << 1	/* prefilter picks the rules, regex
					   over the whole text */
};

/* secm_scan_text_flags - secm_scan_text with SECM_SCAN_* flags (0 is
 * secm_scan_text: prefilter plus window confirmation) */
int secm_scan_text_flags(const secm_ruleset *rs, const char *text, size_t len,
			 unsigned int flags, secm_matches *out, secm_error *err);

/* secm_rule_matches - 1 if rule r (keywords, regex, validators) finds
 * something in text, 0 if not, a negative SECM_E* code when matching failed
 * (a PCRE2 limit, no memory, bad rule index); used by --test-rules and the
 * unit tests */
int secm_rule_matches(const secm_ruleset *rs, size_t rule, const char *text,
		      size_t len);

/* secm_ruleset_check_examples - 0 when every example of the rule matches
 * and no negative example does; else -1 with why (may be NULL) naming the
 * rule, the 1-based example index and quoting that example (examples are
 * fake test data, so quoting them is fine) */
int secm_ruleset_check_examples(const secm_ruleset *rs, size_t rule,
				char *why, size_t whylen);

/* secm_matches_free - free the vector (NULL is fine) */
void secm_matches_free(secm_matches *m);

#endif
