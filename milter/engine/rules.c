/*
 * rules.c - the rule set: load pattern files, compile regexes, accessors.
 *
 * Design: rules_yaml.c turns one pattern file into rules (every key checked
 * against the format in secret-milter-patterns(5)); this file owns the
 * rule set, compiles each regex with PCRE2 (UTF, invalid UTF allowed in
 * subjects, JIT when the platform has it) and loads a directory of files
 * in name order.  The first problem stops loading and is described in the
 * caller's secm_error as "file, line N: rule ID: why".
 *
 * Threading: loading is single-threaded; a loaded rule set is immutable
 * and may be shared by any number of scanning threads.
 */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "prefilter.h"
#include "rules_int.h"

/* Under valgrind, PCRE2's JIT code (its SIMD search reads whole aligned
 * blocks past the subject's end) floods memcheck with false "uninitialised
 * value" reports; the interpreter gives the same results, so valgrind runs
 * use it.  valgrind.h is header-only and free outside valgrind. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SECM_UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef SECM_UNDER_VALGRIND
#define SECM_UNDER_VALGRIND() 0
#endif

#define SECM_DEFAULT_MATCH_LIMIT 100000
#define SECM_DEFAULT_DEPTH_LIMIT 10000

static const char *const severity_names[SECM_SEV_COUNT] = {
	[SECM_SEV_LOW] = "low",
	[SECM_SEV_MEDIUM] = "medium",
	[SECM_SEV_HIGH] = "high",
	[SECM_SEV_CRITICAL] = "critical",
};

/* secm_severity_name - "critical", "high", "medium", "low" */
const char *secm_severity_name(secm_severity s)
{
	if ((int)s < 0 || (int)s >= SECM_SEV_COUNT)
		return "unknown";
	return severity_names[s];
}

/* secm_severity_parse - 0 and *out set, or -1 for an unknown word */
int secm_severity_parse(const char *word, secm_severity *out)
{
	int i;

	if (word == NULL)
		return -1;
	for (i = 0; i < SECM_SEV_COUNT; i++) {
		if (strcmp(word, severity_names[i]) == 0) {
			*out = (secm_severity)i;
			return 0;
		}
	}
	return -1;
}

/* secm_rule_errkey - "rule ID" for error records */
void secm_rule_errkey(char *buf, size_t len, const char *id)
{
	snprintf(buf, len, "rule %s", id != NULL ? id : "?");
}

/* secm_strlist_add - append a copy of s[0..len) */
int secm_strlist_add(secm_strlist *l, const char *s, size_t len)
{
	char **v;
	size_t *lens;
	char *copy;

	copy = malloc(len + 1);
	if (copy == NULL)
		return SECM_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v == NULL)
		goto fail;
	l->v = v;
	lens = realloc(l->len, (l->n + 1) * sizeof(*lens));
	if (lens == NULL)
		goto fail;
	l->len = lens;
	l->v[l->n] = copy;
	l->len[l->n] = len;
	l->n++;
	return SECM_OK;
fail:
	free(copy);
	return SECM_ENOMEM;
}

/* secm_strlist_free - free the strings and the arrays */
void secm_strlist_free(secm_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

/* secm_rule_clear - free what a rule owns and zero it */
void secm_rule_clear(secm_rule *r)
{
	if (r == NULL)
		return;
	free(r->id);
	free(r->description);
	secm_strlist_free(&r->keywords);
	free(r->regex);
	secm_strlist_free(&r->references);
	secm_strlist_free(&r->examples);
	secm_strlist_free(&r->negatives);
	free(r->file);
	secm_rule_validators_clear(r);
	pcre2_code_free(r->code);
	memset(r, 0, sizeof(*r));
}

/* secm_rule_compile - compile r->regex, find group "secret", try JIT.
 * \C is refused: it can split a UTF-8 character in a reported range. */
int secm_rule_compile(secm_rule *r, secm_error *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	char key[128];
	int errcode, n, rc;

	secm_rule_errkey(key, sizeof(key), r->id);
	r->code = pcre2_compile((PCRE2_SPTR)r->regex, strlen(r->regex),
				PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
				PCRE2_NEVER_BACKSLASH_C | r->options,
				&errcode, &erroff, NULL);
	if (r->code == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", errcode);
		rc = secm_error_set(err, SECM_ERULE, r->file, r->regex_line,
				    key, "regex error: %s", (char *)msg);
		if (err != NULL)
			err->offset = (long)erroff;
		return rc;
	}
	n = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR)"secret");
	if (n == PCRE2_ERROR_NOUNIQUESUBSTRING)
		return secm_error_set(err, SECM_ERULE, r->file, r->regex_line,
				      key, "named group 'secret' is not unique");
	if (n < 0)
		return secm_error_set(err, SECM_ERULE, r->file, r->regex_line,
				      key, "missing named group 'secret'");
	r->secret_group = (uint32_t)n;
	/* no JIT on this platform (or no memory for it): the interpreter
	 * gives the same results, only slower.  scan.c confirms inside
	 * windows with hard partial matching, so JIT that mode too. */
	if (!SECM_UNDER_VALGRIND())
		r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE |
					   PCRE2_JIT_PARTIAL_HARD) == 0;
	return SECM_OK;
}

/* secm_ruleset_find - index of the rule with this id, or -1 */
long secm_ruleset_find(const secm_ruleset *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* secm_ruleset_push - move *r into rs (r is zeroed on success) */
int secm_ruleset_push(secm_ruleset *rs, secm_rule *r)
{
	if (secm_vec_grow((void **)&rs->v, rs->n, &rs->cap, sizeof(*rs->v), 32) != SECM_OK)
		return SECM_ENOMEM;
	rs->v[rs->n++] = *r;
	memset(r, 0, sizeof(*r));
	return SECM_OK;
}

/* ruleset_new - empty rule set with lim (NULL or 0 = defaults) */
static secm_ruleset *ruleset_new(const secm_rule_limits *lim)
{
	secm_ruleset *rs;

	rs = calloc(1, sizeof(*rs));
	if (rs == NULL)
		return NULL;
	rs->lim.match_limit = SECM_DEFAULT_MATCH_LIMIT;
	rs->lim.depth_limit = SECM_DEFAULT_DEPTH_LIMIT;
	if (lim != NULL && lim->match_limit > 0)
		rs->lim.match_limit = lim->match_limit;
	if (lim != NULL && lim->depth_limit > 0)
		rs->lim.depth_limit = lim->depth_limit;
	return rs;
}

/* secm_ruleset_free - NULL is fine */
void secm_ruleset_free(secm_ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	secm_prefilter_free(rs->pf);
	for (i = 0; i < rs->n && !rs->borrowed; i++)
		secm_rule_clear(&rs->v[i]);
	free(rs->v);
	free(rs);
}

/* secm_ruleset_use_prefilter - rebuild the keyword prefilter with engine
 * (SECM_PF_*); only before the set is shared */
int secm_ruleset_use_prefilter(secm_ruleset *rs, int engine, secm_error *err)
{
	secm_prefilter *pf;
	int rc;

	rc = secm_prefilter_build(rs, (secm_pf_engine)engine, &pf, err);
	if (rc != SECM_OK)
		return rc;
	secm_prefilter_free(rs->pf);
	rs->pf = pf;
	return SECM_OK;
}

/* secm_ruleset_prefilter_engine - name of the keyword engine in use */
const char *secm_ruleset_prefilter_engine(const secm_ruleset *rs)
{
	if (rs == NULL || rs->pf == NULL)
		return "none";
	if (rs->pf->m == NULL)
		return "none (no keywords)";
	return secm_pf_engine_name(secm_kwmatcher_engine(rs->pf->m));
}

/* secm_ruleset_subset - a view of rules idx[0..n) of rs */
int secm_ruleset_subset(const secm_ruleset *rs, const size_t *idx, size_t n,
			secm_ruleset **out, secm_error *err)
{
	secm_ruleset *sub;
	size_t i;
	int rc;

	*out = NULL;
	sub = calloc(1, sizeof(*sub));
	if (sub == NULL)
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	sub->borrowed = 1;
	sub->lim = rs->lim;
	sub->v = malloc(n * sizeof(*sub->v) + 1);
	if (sub->v == NULL) {
		rc = secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (idx[i] >= rs->n) {
			rc = secm_error_set(err, SECM_EINTERNAL, NULL, 0, NULL,
					    "no rule %zu", idx[i]);
			goto fail;
		}
		sub->v[i] = rs->v[idx[i]];	/* shallow: rs keeps ownership */
	}
	sub->n = sub->cap = n;
	rc = secm_prefilter_build(sub, SECM_PF_AUTO, &sub->pf, err);
	if (rc != SECM_OK)
		goto fail;
	*out = sub;
	return SECM_OK;
fail:
	secm_ruleset_free(sub);
	return rc;
}

/* secm_ruleset_load_file - load one pattern file */
int secm_ruleset_load_file(const char *path, const secm_rule_limits *lim,
			   secm_ruleset **out, secm_error *err)
{
	secm_ruleset *rs;
	int rc;

	*out = NULL;
	secm_error_clear(err);
	rs = ruleset_new(lim);
	if (rs == NULL)
		return secm_error_set(err, SECM_ENOMEM, path, 0, NULL,
				      "out of memory");
	rc = secm_rules_read_file(rs, path, err);
	if (rc == SECM_OK && rs->n == 0)
		rc = secm_error_set(err, SECM_ERULE, path, 0, NULL, "no rules");
	if (rc == SECM_OK)
		rc = secm_prefilter_build(rs, SECM_PF_AUTO, &rs->pf, err);
	if (rc != SECM_OK) {
		secm_ruleset_free(rs);
		return rc;
	}
	*out = rs;
	return SECM_OK;
}

/* cmp_names - qsort: file names in byte order (locale-independent) */
static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* is_pattern_file - *.yml, not hidden, a regular file (after symlinks) */
static int is_pattern_file(const char *dir, const char *name)
{
	size_t n = strlen(name);
	struct stat st;
	char path[4096];

	if (name[0] == '.' || n < 5 || strcmp(name + n - 4, ".yml") != 0)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* list_pattern_files - sorted *.yml names of dir (caller frees) */
static int list_pattern_files(const char *dir, char ***names, size_t *count,
			      secm_error *err)
{
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return secm_error_set(err, SECM_EIO, dir, 0, NULL,
				      "cannot open pattern directory: %s",
				      strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!is_pattern_file(dir, de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL)
				goto nomem;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (v[n] == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*count = n;
	return SECM_OK;
nomem:
	closedir(d);
	while (n > 0)
		free(v[--n]);
	free(v);
	return secm_error_set(err, SECM_ENOMEM, dir, 0, NULL, "out of memory");
}

/* secm_ruleset_load_dir - load every *.yml file of dir (sorted by name) */
int secm_ruleset_load_dir(const char *dir, const secm_rule_limits *lim,
			  secm_ruleset **out, secm_error *err)
{
	secm_ruleset *rs = NULL;
	char **names = NULL;
	size_t count = 0, i, dlen, plen;
	char *path = NULL;
	int rc;

	*out = NULL;
	secm_error_clear(err);
	rc = list_pattern_files(dir, &names, &count, err);
	if (rc != SECM_OK)
		return rc;
	rs = ruleset_new(lim);
	if (rs == NULL) {
		rc = secm_error_set(err, SECM_ENOMEM, dir, 0, NULL, "out of memory");
		goto out;
	}
	dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	for (i = 0; i < count; i++) {
		plen = dlen + strlen(names[i]) + 2;
		path = malloc(plen);
		if (path == NULL) {
			rc = secm_error_set(err, SECM_ENOMEM, dir, 0, NULL,
					    "out of memory");
			goto out;
		}
		snprintf(path, plen, "%.*s/%s", (int)dlen, dir, names[i]);
		rc = secm_rules_read_file(rs, path, err);
		free(path);
		path = NULL;
		if (rc != SECM_OK)
			goto out;
	}
	if (rs->n == 0) {
		rc = secm_error_set(err, SECM_ERULE, dir, 0, NULL,
				    count == 0 ? "no rules (no *.yml files)" : "no rules");
		goto out;
	}
	rc = secm_prefilter_build(rs, SECM_PF_AUTO, &rs->pf, err);
	if (rc != SECM_OK)
		goto out;
	*out = rs;
	rs = NULL;
out:
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	secm_ruleset_free(rs);
	return rc;
}

/* secm_ruleset_count - number of rules */
size_t secm_ruleset_count(const secm_ruleset *rs)
{
	return rs != NULL ? rs->n : 0;
}

/* secm_ruleset_get - rule i, or NULL when out of range */
const secm_rule *secm_ruleset_get(const secm_ruleset *rs, size_t i)
{
	if (rs == NULL || i >= rs->n)
		return NULL;
	return &rs->v[i];
}

/* secm_ruleset_limits - the PCRE2 limits every match runs with */
const secm_rule_limits *secm_ruleset_limits(const secm_ruleset *rs)
{
	return &rs->lim;
}

/* secm_rule_id - the rule's id */
const char *secm_rule_id(const secm_rule *r)
{
	return r->id;
}

/* secm_rule_description - one line for --list-rules */
const char *secm_rule_description(const secm_rule *r)
{
	return r->description;
}

/* secm_rule_severity - the rule's severity */
secm_severity secm_rule_severity(const secm_rule *r)
{
	return r->severity;
}

/* secm_rule_file - the pattern file the rule came from */
const char *secm_rule_file(const secm_rule *r)
{
	return r->file;
}

/* secm_rule_line - 1-based line of the rule in its file */
unsigned long secm_rule_line(const secm_rule *r)
{
	return r->line;
}

/* secm_rule_regex - the regex source text */
const char *secm_rule_regex(const secm_rule *r)
{
	return r->regex;
}

/* secm_rule_validators - SECM_VAL_* bits */
unsigned int secm_rule_validators(const secm_rule *r)
{
	return r->validators;
}

/* secm_rule_min_entropy - threshold when SECM_VAL_ENTROPY is set */
double secm_rule_min_entropy(const secm_rule *r)
{
	return r->min_entropy;
}

/* secm_rule_jit - 1 when the regex runs JIT-compiled */
int secm_rule_jit(const secm_rule *r)
{
	return r->jit;
}

/* secm_rule_keyword_count - number of keywords */
size_t secm_rule_keyword_count(const secm_rule *r)
{
	return r->keywords.n;
}

/* secm_rule_keyword - keyword i, NUL-terminated (ASCII-lowercased unless
 * the rule has keywords_case: sensitive) */
const char *secm_rule_keyword(const secm_rule *r, size_t i)
{
	return i < r->keywords.n ? r->keywords.v[i] : NULL;
}

/* secm_rule_keyword_len - byte length of keyword i */
size_t secm_rule_keyword_len(const secm_rule *r, size_t i)
{
	return i < r->keywords.n ? r->keywords.len[i] : 0;
}

/* secm_rule_reference_count - number of reference URLs */
size_t secm_rule_reference_count(const secm_rule *r)
{
	return r->references.n;
}

/* secm_rule_reference - reference URL i */
const char *secm_rule_reference(const secm_rule *r, size_t i)
{
	return i < r->references.n ? r->references.v[i] : NULL;
}

/* secm_rule_example_count - number of examples */
size_t secm_rule_example_count(const secm_rule *r)
{
	return r->examples.n;
}

/* secm_rule_example - example i (a text the rule must find) */
const char *secm_rule_example(const secm_rule *r, size_t i)
{
	return i < r->examples.n ? r->examples.v[i] : NULL;
}

/* secm_rule_negative_count - number of negative examples */
size_t secm_rule_negative_count(const secm_rule *r)
{
	return r->negatives.n;
}

/* secm_rule_negative - negative example i (a text it must not find) */
const char *secm_rule_negative(const secm_rule *r, size_t i)
{
	return i < r->negatives.n ? r->negatives.v[i] : NULL;
}
