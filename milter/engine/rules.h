/*
 * rules.h - the rule set: pattern files read with libyaml, regexes
 * compiled with PCRE2 (JIT when available), keywords for the prefilter,
 * validators, and the examples every rule carries.
 *
 * A secm_ruleset is immutable once loaded and is shared read-only by all
 * threads (compiled pcre2_code is thread-safe; match data is per call).
 * Pattern file format: secret-milter-patterns(5).
 */
#ifndef SECM_RULES_H
#define SECM_RULES_H

#include <stddef.h>
#include "error.h"

typedef enum secm_severity {
	SECM_SEV_LOW = 0,
	SECM_SEV_MEDIUM = 1,
	SECM_SEV_HIGH = 2,
	SECM_SEV_CRITICAL = 3
} secm_severity;
#define SECM_SEV_COUNT 4

/* validators a rule may ask for (bit flags plus parameters in the rule) */
enum {
	SECM_VAL_ENTROPY = 1 << 0,	/* Shannon entropy >= min_entropy */
	SECM_VAL_PLACEHOLDER = 1 << 1,	/* reject ${VAR}, <your-key>, xxxx, changeme... */
	SECM_VAL_CRC32_BASE62 = 1 << 2	/* GitHub/npm: last 6 chars = base62(crc32(body)) */
};

typedef struct secm_rule secm_rule;	/* opaque */
typedef struct secm_ruleset secm_ruleset;	/* opaque */

typedef struct secm_rule_limits {
	unsigned int match_limit;	/* pcre2_set_match_limit (default 100000) */
	unsigned int depth_limit;	/* pcre2_set_depth_limit (default 10000) */
} secm_rule_limits;

/* secm_ruleset_load_dir - load every *.yml file of dir (sorted by name;
 * hidden files and other names are ignored).  Fails on the first bad
 * file/rule with file, line, rule id and PCRE2 offset in err: err->key is
 * "rule ID" ("rule #N" before the id is known), err->offset the PCRE2
 * error offset for regex errors.  Duplicate rule ids are errors, and so is
 * a directory without any rule ("no rules").  lim NULL, or a 0 field,
 * means the defaults (100000, 10000).  *out is NULL on failure. */
int secm_ruleset_load_dir(const char *dir, const secm_rule_limits *lim,
			  secm_ruleset **out, secm_error *err);
/* secm_ruleset_load_file - load one pattern file (zero rules is an error) */
int secm_ruleset_load_file(const char *path, const secm_rule_limits *lim,
			   secm_ruleset **out, secm_error *err);
/* secm_ruleset_free - NULL is fine */
void secm_ruleset_free(secm_ruleset *rs);
/* secm_ruleset_subset - a rule set of rules idx[0..n) of rs (in that
 * order) with its own prefilter; it borrows the rules, so free it before
 * rs.  For benchmarks and tests. */
int secm_ruleset_subset(const secm_ruleset *rs, const size_t *idx, size_t n,
			secm_ruleset **out, secm_error *err);
/* secm_ruleset_use_prefilter - rebuild the keyword prefilter with engine
 * SECM_PF_AUTO, SECM_PF_AHOCORASICK or SECM_PF_VECTORSCAN (prefilter.h);
 * only before the set is shared with scanning threads.  The loader uses
 * SECM_PF_AUTO: Vectorscan when built with it. */
int secm_ruleset_use_prefilter(secm_ruleset *rs, int engine, secm_error *err);
/* secm_ruleset_prefilter_engine - "vectorscan", "aho-corasick", "none" */
const char *secm_ruleset_prefilter_engine(const secm_ruleset *rs);

size_t secm_ruleset_count(const secm_ruleset *rs);
const secm_rule *secm_ruleset_get(const secm_ruleset *rs, size_t i);
const secm_rule_limits *secm_ruleset_limits(const secm_ruleset *rs);

const char *secm_rule_id(const secm_rule *r);
const char *secm_rule_description(const secm_rule *r);
secm_severity secm_rule_severity(const secm_rule *r);
const char *secm_rule_file(const secm_rule *r);
unsigned long secm_rule_line(const secm_rule *r);
/* secm_rule_regex - the regex source text */
const char *secm_rule_regex(const secm_rule *r);
/* secm_rule_validators - SECM_VAL_* bits */
unsigned int secm_rule_validators(const secm_rule *r);
/* secm_rule_min_entropy - threshold when SECM_VAL_ENTROPY is set */
double secm_rule_min_entropy(const secm_rule *r);
/* secm_rule_jit - 1 when the regex runs JIT-compiled */
int secm_rule_jit(const secm_rule *r);
/* keywords, ASCII-lowercased unless the rule has keywords_case: sensitive
 * (for the multi-pattern prefilter) */
size_t secm_rule_keyword_count(const secm_rule *r);
const char *secm_rule_keyword(const secm_rule *r, size_t i);
size_t secm_rule_keyword_len(const secm_rule *r, size_t i);
/* reference URLs */
size_t secm_rule_reference_count(const secm_rule *r);
const char *secm_rule_reference(const secm_rule *r, size_t i);
size_t secm_rule_example_count(const secm_rule *r);
const char *secm_rule_example(const secm_rule *r, size_t i);
size_t secm_rule_negative_count(const secm_rule *r);
const char *secm_rule_negative(const secm_rule *r, size_t i);

/* secm_severity_name - "critical", "high", "medium", "low" */
const char *secm_severity_name(secm_severity s);
/* secm_severity_parse - 0 and *out set, or -1 for an unknown word */
int secm_severity_parse(const char *word, secm_severity *out);

#endif
