/*
 * rules_int.h - the layout of a rule and a rule set, shared by the loader
 * (rules.c), the YAML reader (rules_yaml.c), the scanner (scan.c) and its
 * prefilter (prefilter.c).  Nothing else includes this header.
 *
 * Ownership: a secm_ruleset owns its rules array; each rule owns every
 * string and the compiled pcre2_code it points to.  After loading nothing
 * is written again, so a rule set may be read by many threads at once.
 */
#ifndef SECM_RULES_INT_H
#define SECM_RULES_INT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "rules.h"

/* a list of NUL-terminated strings (keywords, examples, references) */
typedef struct secm_strlist {
	char **v;
	size_t *len;		/* byte length of each string */
	size_t n;
} secm_strlist;

struct secm_rule {
	char *id;
	char *description;
	secm_severity severity;
	secm_strlist keywords;	/* ASCII-lowercased unless kw_exact */
	int kw_exact;		/* keywords_case: sensitive (match bytes exactly) */
	char *regex;
	uint32_t options;	/* PCRE2_CASELESS etc. from `options:` */
	unsigned int validators;	/* SECM_VAL_* bits (rules.h, validate.h) */
	double min_entropy;
	pcre2_code *near_code;	/* validators.near.regex (validate.c owns it) */
	pcre2_match_context *near_mctx;	/* rule set limits; read-only */
	size_t near_distance;	/* bytes either side of the secret */
	secm_strlist references;
	secm_strlist examples;
	secm_strlist negatives;
	char *file;		/* pattern file, as the loader was given it */
	unsigned long line;	/* 1-based line of the rule's mapping */
	unsigned long regex_line;	/* 1-based line of the regex value */
	pcre2_code *code;
	uint32_t secret_group;	/* number of the named group "secret" */
	int jit;		/* 1 when pcre2_jit_compile succeeded */
};

struct secm_ruleset {
	secm_rule *v;
	size_t n;
	size_t cap;
	secm_rule_limits lim;
	struct secm_prefilter *pf;	/* keyword index (prefilter.c), built by the loader */
	int borrowed;		/* 1: a subset view, v[] belongs to another set */
};

/* secm_rule_validate_at - 1 when every validator of r accepts the
 * candidate text[s..e) of text[0..len), 0 when one rejects it; the pem
 * and near validators read the text around it (validate.c).  The single
 * place where validators are applied. */
int secm_rule_validate_at(const secm_rule *r, const char *text, size_t len,
			  size_t s, size_t e);
/* secm_rule_validate - secm_rule_validate_at without the text length:
 * nothing after e is visible, so pem and near see less context.  Kept
 * for callers that have not moved to secm_rule_validate_at. */
int secm_rule_validate(const secm_rule *r, const char *text, size_t s, size_t e);
/* secm_rule_near_compile - compile the near: regex (validate.c); the
 * limits are the rule set's; error text names file, line and rule */
int secm_rule_near_compile(secm_rule *r, const char *regex, size_t len,
			   const secm_rule_limits *lim, const char *file,
			   unsigned long line, secm_error *err);
/* secm_rule_validators_clear - free what the validators own (near regex
 * and match context); safe to call twice (validate.c) */
void secm_rule_validators_clear(secm_rule *r);
/* secm_strlist_add - append a copy of s[0..len) */
int secm_strlist_add(secm_strlist *l, const char *s, size_t len);
/* secm_strlist_free - free the strings and the arrays */
void secm_strlist_free(secm_strlist *l);

/* secm_rule_clear - free what a rule owns and zero it */
void secm_rule_clear(secm_rule *r);
/* secm_rule_compile - compile r->regex, find group "secret", JIT */
int secm_rule_compile(secm_rule *r, secm_error *err);
/* secm_ruleset_find - index of the rule with this id, or -1 */
long secm_ruleset_find(const secm_ruleset *rs, const char *id);
/* secm_ruleset_push - move *r into rs (r is zeroed on success) */
int secm_ruleset_push(secm_ruleset *rs, secm_rule *r);
/* secm_rules_read_file - parse one pattern file and append its rules
 * (compiled, ids checked against rs) to rs */
int secm_rules_read_file(secm_ruleset *rs, const char *path, secm_error *err);
/* secm_rule_errkey - "rule ID" for error records */
void secm_rule_errkey(char *buf, size_t len, const char *id);

#endif
