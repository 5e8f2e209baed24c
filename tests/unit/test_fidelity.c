/*
 * test_fidelity.c - the four redaction fidelity properties of issue 4,
 * checked over every corpus message and every golden input after planting
 * canary secrets into their text parts.
 *
 * For each message: walk it, plant an AWS access key id canary at a line
 * start of up to 3 body units (secm_rewrite_units re-encodes them the way
 * redaction does) to get M, run secm_inspect with --redact semantics to
 * get R, and check:
 *   (a) outside the raw ranges of the parts that were redacted, R's bytes
 *       equal M's (prefix, gaps between the parts, suffix);
 *   (b) redacting R again gives R byte for byte;
 *   (c) scanning R finds nothing, and no canary is left in R's units;
 *   (d) R's MIME tree (kind, path, type of every unit, in order; part and
 *       unscannable counts) equals M's, and M's equals the original's.
 * Bytes invalid in a part's charset (read as U+FFFD) must survive planting
 * and redaction outside the planted and redacted spans: a part that lost
 * one (turned into '?') fails the test.
 * Recall: every planted canary must be found in M; a miss in a text/plain
 * unit fails the test, other misses are counted and reported.
 *
 * SECM_FIDELITY_MAX=n limits the number of corpus files (for valgrind).
 * Figures go to stderr.  The canaries are synthetic; they are never real
 * credentials, but they are not printed anyway.
 */
#include "autoconfig.h"

#include <check.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "html_text.h"
#include "inspect.h"
#include "mime_fixture.h"
#include "mime_walk.h"
#include "redact.h"
#include "snapshot.h"
#include "text_decode.h"
#include "validate.h"

#ifndef SECM_FIDELITY_PATTERNDIR
#define SECM_FIDELITY_PATTERNDIR "patterns"
#endif
#ifndef SECM_FIDELITY_GOLDENDIR
#define SECM_FIDELITY_GOLDENDIR "tests/golden"
#endif

#define MAX_PLANT 3
#define CANARY_LEN 20
#define AWS_RULE "aws-access-key-id"

typedef struct file_list {
	char **v;
	size_t n, cap;
} file_list;

typedef struct stats {
	unsigned messages;	/* messages checked */
	unsigned with_plant;	/* messages with at least one planted unit */
	unsigned planted;	/* canaries planted (present in M's unit text) */
	unsigned plant_lost;	/* canary absent from M's unit after re-walk */
	unsigned found;		/* planted canaries found by the scan of M */
	unsigned missed_plain;	/* misses in text/plain units (fail) */
	unsigned missed_other;	/* misses elsewhere (reported) */
	unsigned skipped_wide;	/* units skipped: UTF-16/32 */
	unsigned skipped_empty; /* units skipped: empty (no body position) */
	unsigned limit_hit;	/* messages over a walk bound (deferred, not redacted) */
	unsigned by_type[3];	/* planted: text/plain, text/html, other */
	unsigned redacted;	/* messages R != M */
	unsigned held[5];	/* properties a, b, c, d, planting keeps tree */
	unsigned failed[5];
	unsigned replaced;	/* redacted parts decoded with U+FFFD substitutions */
	unsigned replaced_plant; /* planted parts likewise (in the original) */
	unsigned lossy;		/* parts that lost an invalid byte outside the spans */
	unsigned residual;	/* findings of any rule left in R */
	unsigned not_redacted;	/* findings in M but no redaction produced */
	unsigned removed;	/* messages where a part was replaced whole by
				   policy (a secret inside an archive or TNEF):
				   (a) and (d) do not apply to them */
} stats;

static const char *const prop_name[5] = {
	"(a) bytes outside changed parts", "(b) idempotent",
	"(c) nothing found again", "(d) MIME tree kept", "planting kept the tree"
};

/* list_add - append a copy of path */
static void list_add(const char *path, void *arg)
{
	file_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		ck_assert_ptr_nonnull(l->v);
	}
	l->v[l->n] = strdup(path);
	ck_assert_ptr_nonnull(l->v[l->n]);
	l->n++;
}

/* cmp_str - qsort strings */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_free - free the copies */
static void list_free(file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* make_canary - "AKIA" + 16 [A-Z2-7] from seed, one the rule accepts */
static void make_canary(uint64_t seed, char out[CANARY_LEN + 1])
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;

	for (;;) {
		memcpy(out, "AKIA", 4);
		for (int i = 4; i < CANARY_LEN; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			out[i] = alpha[x & 31];
		}
		out[CANARY_LEN] = '\0';
		if (!secm_is_placeholder(out, CANARY_LEN) &&
		    strstr(out, "EXAMPLE") == NULL)
			return;
	}
}

/* wide_charset - a charset in which ASCII is not ASCII bytes */
static int wide_charset(const char *cs)
{
	static const char *const wide[] = {
		"utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4",
		"ucs4", "unicode", NULL
	};
	char l[48];
	size_t i;

	for (i = 0; cs[i] != '\0' && i + 1 < sizeof(l); i++)
		l[i] = (char)tolower((unsigned char)cs[i]);
	l[i] = '\0';
	for (i = 0; wide[i] != NULL; i++) {
		if (strstr(l, wide[i]) != NULL)
			return 1;
	}
	return 0;
}

/* type_class - 0 text/plain, 1 HTML, 2 anything else */
static int type_class(const secm_unit *u)
{
	if (u->is_html)
		return 1;
	return strcmp(u->content_type, "text/plain") == 0 ? 0 : 2;
}

/* plant_at - where the canary goes: HTML at the very start (a line start
 * that is never inside a tag, comment or script), other text at the first
 * line start in the second half (in format=flowed text, after a hard line
 * break); *eol gets the line end to use (CR when
 * the text has CR-only line ends) */
static size_t plant_at(const secm_unit *u, const char **eol)
{
	const char *nl, *p = u->source;
	size_t half = u->source_len / 2;
	char c = '\n';

	nl = memchr(p, '\n', u->source_len);
	if (nl == NULL && memchr(p, '\r', u->source_len) != NULL) {
		c = '\r';
		*eol = "\r";
	} else {
		*eol = nl != NULL && nl > p && nl[-1] == '\r' ? "\r\n" : "\n";
	}
	if (u->is_html || u->source_len == 0)
		return 0;
	nl = memchr(p + half, c, u->source_len - half);
	/* format=flowed (text mapped, not HTML): a line after a soft break
	 * (trailing space) continues that line; plant after a hard break */
	while (nl != NULL && u->map != NULL && nl > p &&
	       (nl[-1] == ' ' || (nl[-1] == '\r' && nl - 1 > p && nl[-2] == ' ')))
		nl = memchr(nl + 1, c, u->source_len - (size_t)(nl + 1 - p));
	if (nl == NULL)
		return 0;
	if (c == '\n')
		*eol = nl > p && nl[-1] == '\r' ? "\r\n" : "\n";
	return (size_t)(nl - p) + 1;
}

/* same_tree - do two walks have the same units, parts and skipped leaves */
static int same_tree(const secm_walk *a, const secm_walk *b)
{
	if (a->n != b->n || a->parts != b->parts ||
	    a->unscannable != b->unscannable || a->parse_failed != b->parse_failed)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->units[i].kind != b->units[i].kind ||
		    strcmp(a->units[i].path, b->units[i].path) != 0 ||
		    strcmp(a->units[i].content_type, b->units[i].content_type) != 0)
			return 0;
	}
	return 1;
}

/* walk_lim - walk with the snapshot's limits, as secm_inspect does */
static void walk_lim(const secm_snapshot *snap, const unsigned char *p,
		     size_t len, secm_walk *w)
{
	secm_walk_limits lim;
	secm_error err;

	lim.max_depth = snap->config.max_depth;
	lim.max_parts = snap->config.max_parts;
	lim.max_decoded = snap->config.max_decoded;
	lim.max_archive_depth = snap->config.max_archive_depth;
	lim.max_archive_members = snap->config.max_archive_members;
	lim.max_archive_ratio = snap->config.max_archive_ratio;
	lim.max_archive_bytes = snap->config.max_archive_bytes;
	memset(w, 0, sizeof(*w));
	ck_assert_msg(secm_mime_walk(p, len, &lim, w, &err) == 0, "%s", err.text);
}

/* cmp_size - qsort size_t */
static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* outside_equal - property (a): m and r agree outside the raw ranges of
 * the units in changed[0..n) (unit indices, same in wm and wr) */
static int outside_equal(const unsigned char *m, size_t mlen,
			 const secm_walk *wm, const unsigned char *r,
			 size_t rlen, const secm_walk *wr, size_t *changed,
			 size_t n)
{
	size_t mp = 0, rp = 0, i, ms, rs;

	qsort(changed, n, sizeof(*changed), cmp_size);
	for (i = 0; i <= n; i++) {
		if (i > 0 && i < n && changed[i] == changed[i - 1])
			continue;
		ms = i < n ? wm->units[changed[i]].raw_start : mlen;
		rs = i < n ? wr->units[changed[i]].raw_start : rlen;
		if (ms < mp || rs < rp || ms - mp != rs - rp ||
		    memcmp(m + mp, r + rp, ms - mp) != 0)
			return 0;
		if (i < n) {
			mp = wm->units[changed[i]].raw_end;
			rp = wr->units[changed[i]].raw_end;
		}
	}
	return 1;
}

/* count_rule - findings of rule id in res */
static size_t count_rule(const secm_result *res, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < res->nfindings; i++)
		n += strcmp(res->findings[i].rule_id, id) == 0;
	return n;
}

/* canary_found - does res hold a finding of the canary in unit ui */
static int canary_found(const secm_result *res, const secm_walk *wm,
			size_t ui, const char *canary)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		const secm_finding *f = &res->findings[i];

		if (f->unit == ui && strcmp(f->rule_id, AWS_RULE) == 0 &&
		    f->end - f->start == CANARY_LEN &&
		    memcmp(wm->units[ui].text + f->start, canary, CANARY_LEN) == 0)
			return 1;
	}
	return 0;
}

/* prop - record one property outcome for a message */
static void prop(stats *st, int k, int ok, const char *path)
{
	if (ok) {
		st->held[k]++;
		return;
	}
	st->failed[k]++;
	fprintf(stderr, "test_fidelity: %s: %s does not hold\n", path, prop_name[k]);
}

/* count_fffd - U+FFFD characters in p[s..e) */
static size_t count_fffd(const char *p, size_t s, size_t e)
{
	size_t i, n = 0;

	for (i = s; i + 3 <= e; i++) {
		if (memcmp(p + i, "\xef\xbf\xbd", 3) == 0) {
			n++;
			i += 2;
		}
	}
	return n;
}

/* lost_invalid - did redacting unit ui (of wm, same index in wr) lose
 * bytes that read as U+FFFD outside the redacted spans: each such byte
 * must come back as U+FFFD, not as '?' (decoded bytes kept verbatim) */
static int lost_invalid(const secm_walk *wm, const secm_walk *wr, size_t ui,
			const secm_result *rm)
{
	const secm_unit *u = &wm->units[ui];
	size_t i, inside = 0, s, e;

	if (ui >= wr->n || u->kind != SECM_UNIT_BODY)
		return 0;
	for (i = 0; i < rm->nfindings; i++) {
		if (rm->findings[i].unit != ui)
			continue;
		s = rm->findings[i].start;
		e = rm->findings[i].end;
		if (u->is_html && u->map != NULL && u->map_end != NULL)
			secm_html_source_range(u->map, u->map_end, u->text_len,
					       rm->findings[i].start,
					       rm->findings[i].end, &s, &e);
		inside += count_fffd(u->source, s, e < u->source_len ? e : u->source_len);
	}
	return count_fffd(wr->units[ui].source, 0, wr->units[ui].source_len) + inside <
	       count_fffd(u->source, 0, u->source_len);
}

/* check_one - plant, redact and check the properties on one message */
static void check_one(const secm_snapshot *snap, const char *path,
		      size_t index, stats *st)
{
	size_t len, i, k, n = 0, at, nchanged = 0, *changed = NULL;
	unsigned char *raw = fx_read(path, &len);
	secm_walk w0, wm, wr;
	secm_unit_edit ed[MAX_PLANT];
	size_t unit[MAX_PLANT];
	char canary[MAX_PLANT][CANARY_LEN + 1];
	char *src[MAX_PLANT];
	secm_buf s;
	secm_redaction pl;
	secm_result rm, rr;
	secm_error err;
	const unsigned char *m, *r, *r2;
	size_t mlen, rlen, r2len;
	const char *eol;
	int tree_ok, ok, removed = 0;

	ck_assert_msg(raw != NULL, "%s: unreadable", path);
	st->messages++;
	walk_lim(snap, raw, len, &w0);
	memset(src, 0, sizeof(src));
	for (i = 0; i < w0.n && n < MAX_PLANT; i++) {
		const secm_unit *u = &w0.units[i];

		if (u->kind != SECM_UNIT_BODY)
			continue;
		if (wide_charset(u->charset) || wide_charset(u->decode_charset)) {
			st->skipped_wide++;
			continue;
		}
		if (u->source_len == 0) {
			/* an empty part may have no body position at all: its
			 * header can run to the end of the message or to the next
			 * boundary's line end, and text put there joins the header
			 * or the boundary line */
			st->skipped_empty++;
			continue;
		}
		if (u->charset_fallback == SECM_CS_REPLACED)
			st->replaced_plant++;
		make_canary((uint64_t)index * MAX_PLANT + n, canary[n]);
		at = plant_at(u, &eol);
		memset(&s, 0, sizeof(s));
		ck_assert(secm_buf_append(&s, u->source, at) == 0 &&
			  secm_buf_append(&s, canary[n], CANARY_LEN) == 0 &&
			  secm_buf_append_str(&s, eol) == 0 &&
			  secm_buf_append(&s, u->source + at, u->source_len - at) == 0);
		src[n] = (char *)secm_buf_steal(&s, &ed[n].source_len);
		ed[n].source = src[n];
		ed[n].unit = i;
		unit[n] = i;
		n++;
	}
	memset(&pl, 0, sizeof(pl));
	if (n > 0) {
		ck_assert_msg(secm_rewrite_units(raw, len, &w0, ed, n, &pl, &err) == 0,
			      "%s: planting: %s", path, err.text);
		m = pl.message.data;
		mlen = pl.message.len;
		st->with_plant++;
	} else {
		m = raw;
		mlen = len;
	}

	/* M: planting itself keeps the tree and puts the canaries in the text */
	walk_lim(snap, m, mlen, &wm);
	tree_ok = same_tree(&w0, &wm);
	prop(st, 4, tree_ok, path);
	memset(&rm, 0, sizeof(rm));
	secm_inspect(snap, m, mlen, NULL, SECM_INSPECT_FORCE_REDACT, &rm);
	for (k = 0; k < n && tree_ok; k++) {
		const secm_unit *u = &wm.units[unit[k]];
		const secm_unit *u0 = &w0.units[unit[k]];

		if (count_fffd(u->source, 0, u->source_len) <
		    count_fffd(u0->source, 0, u0->source_len)) {
			st->lossy++;
			fprintf(stderr, "test_fidelity: %s: part %s: planting changed "
				"bytes invalid in %s\n", path, u->path, u->decode_charset);
		}

		if (!fx_has(u->text, u->text_len, canary[k])) {
			st->plant_lost++;
			fprintf(stderr, "test_fidelity: %s: part %s: planted canary "
				"not in the re-walked text\n", path, u->path);
			continue;
		}
		st->planted++;
		st->by_type[type_class(u)]++;
		if (canary_found(&rm, &wm, unit[k], canary[k])) {
			st->found++;
		} else if (type_class(u) == 0) {
			st->missed_plain++;
			fprintf(stderr, "test_fidelity: %s: part %s (%s): canary missed\n",
				path, u->path, u->content_type);
		} else {
			st->missed_other++;
			fprintf(stderr, "test_fidelity: %s: part %s (%s): canary missed "
				"(not text/plain)\n", path, u->path, u->content_type);
		}
	}

	/* R */
	if (rm.action == SECM_ACT_REDACT) {
		r = rm.redaction.message.data;
		rlen = rm.redaction.message.len;
		st->redacted++;
	} else if (wm.limit_hit != SECM_LIMIT_NONE) {
		/* over a bound: the whole message gets the limit's verdict
		 * (deferred by default) and is never delivered redacted */
		st->limit_hit++;
		fprintf(stderr, "test_fidelity: %s: %s: not redacted, (c) not "
			"applicable\n", path, rm.reason);
		r = m;
		rlen = mlen;
	} else {
		if (rm.nfindings > 0) {
			st->not_redacted++;
			fprintf(stderr, "test_fidelity: %s: %zu findings but action %d "
				"(status %d, %s)\n", path, rm.nfindings, (int)rm.action,
				rm.status, rm.reason);
		}
		r = m;
		rlen = mlen;
	}
	walk_lim(snap, r, rlen, &wr);

	/* a finding in text that cannot be put back in place (an archive
	 * member, TNEF) replaces its whole part: the "parts removed by
	 * policy", outside what (a) and (d) promise */
	for (i = 0; i < rm.nfindings && !removed; i++)
		removed = rm.action == SECM_ACT_REDACT &&
			  wm.units[rm.findings[i].unit].no_redact;
	if (removed) {
		st->removed++;
		fprintf(stderr, "test_fidelity: %s: a part was replaced whole by "
			"policy, (a) and (d) not applicable\n", path);
	}

	/* (d) tree */
	ok = removed || same_tree(&wm, &wr);
	if (!removed)
		prop(st, 3, ok, path);

	/* (a) bytes outside the redacted parts */
	if (rm.nfindings > 0) {
		changed = calloc(rm.nfindings, sizeof(*changed));
		ck_assert_ptr_nonnull(changed);
		for (i = 0; i < rm.nfindings; i++)
			changed[nchanged++] = rm.findings[i].unit;
		for (i = 0; i < wm.n; i++) {
			for (k = 0; k < nchanged && changed[k] != i; k++)
				;
			if (k < nchanged && wm.units[i].charset_fallback == SECM_CS_REPLACED)
				st->replaced++;
			if (k < nchanged && ok && lost_invalid(&wm, &wr, i, &rm)) {
				st->lossy++;
				fprintf(stderr, "test_fidelity: %s: part %s: bytes invalid "
					"in %s outside the redacted span changed\n", path,
					wm.units[i].path, wm.units[i].decode_charset);
			}
		}
	}
	if (!removed)
		prop(st, 0, ok && (r == m || outside_equal(m, mlen, &wm, r, rlen, &wr,
							    changed, nchanged)), path);

	/* (b) idempotent and (c) nothing left */
	memset(&rr, 0, sizeof(rr));
	secm_inspect(snap, r, rlen, NULL, SECM_INSPECT_FORCE_REDACT, &rr);
	if (rr.action == SECM_ACT_REDACT) {
		r2 = rr.redaction.message.data;
		r2len = rr.redaction.message.len;
	} else {
		r2 = r;
		r2len = rlen;
	}
	prop(st, 1, r2len == rlen && memcmp(r2, r, rlen) == 0, path);
	if (wm.limit_hit != SECM_LIMIT_NONE)
		goto done;
	ok = count_rule(&rr, AWS_RULE) == 0 && rr.status == 0;
	st->residual += (unsigned)rr.nfindings;
	if (rr.nfindings > 0)
		fprintf(stderr, "test_fidelity: %s: after redaction: %s\n", path,
			rr.reason);
	ok = ok && rr.nfindings == 0;
	for (i = 0; i < wr.n; i++) {
		for (k = 0; k < n; k++) {
			if (fx_has(wr.units[i].text, wr.units[i].text_len, canary[k]) ||
			    fx_has(wr.units[i].source, wr.units[i].source_len, canary[k]))
				ok = 0;
		}
	}
	for (k = 0; k < n; k++)
		ok = ok && !fx_has(r, rlen, canary[k]);
	prop(st, 2, ok, path);
done:
	secm_result_free(&rr);
	secm_result_free(&rm);
	free(changed);
	secm_walk_free(&wr);
	secm_walk_free(&wm);
	secm_redaction_free(&pl);
	for (k = 0; k < n; k++) {
		secm_wipe(src[k], ed[k].source_len);
		free(src[k]);
	}
	secm_walk_free(&w0);
	free(raw);
}

/* golden_add - golden inputs only, not the expected outputs */
static void golden_add(const char *path, void *arg)
{
	size_t n = strlen(path);

	if (n > 13 && strcmp(path + n - 13, ".redacted.eml") == 0)
		return;
	list_add(path, arg);
}

/* report - print the figures */
static void report(const char *what, const stats *st)
{
	fprintf(stderr, "test_fidelity: %s: %u messages, %u with planted canaries; "
		"%u planted (%u text/plain, %u html, %u other), %u found, "
		"%u missed in text/plain, %u missed elsewhere, %u lost by planting; "
		"units skipped: %u UTF-16/32, %u empty; "
		"%u redacted; %u with a part replaced whole by policy; "
		"%u over a MIME bound (not redacted); "
		"%u residual findings; %u findings not redacted; %u redacted parts "
		"had bytes invalid in their charset, %u planted parts did, "
		"%u lost such a byte outside the redacted span\n",
		what,
		st->messages, st->with_plant,
		st->planted, st->by_type[0], st->by_type[1], st->by_type[2],
		st->found, st->missed_plain, st->missed_other, st->plant_lost,
		st->skipped_wide, st->skipped_empty, st->redacted, st->removed,
		st->limit_hit,
		st->residual, st->not_redacted, st->replaced, st->replaced_plant,
		st->lossy);
	for (int k = 0; k < 5; k++)
		fprintf(stderr, "test_fidelity: %s: %s: held on %u, failed on %u\n",
			what, prop_name[k], st->held[k], st->failed[k]);
}

/* run_set - the properties over every file of one set */
static void run_set(const char *what, const char *dir, fx_file_fn add,
		    size_t max, size_t base)
{
	file_list l = { NULL, 0, 0 };
	secm_snapshot *snap = NULL;
	secm_error err;
	stats st;
	int n;

	memset(&st, 0, sizeof(st));
	n = fx_each_file(dir, add, &l);
	if (n < 0) {
		fprintf(stderr, "test_fidelity: %s absent, %s pass skipped\n", dir, what);
		return;
	}
	qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	if (max > 0 && l.n > max) {
		for (size_t i = max; i < l.n; i++)
			free(l.v[i]);
		l.n = max;
	}
	ck_assert_msg(secm_snapshot_build(NULL, SECM_FIDELITY_PATTERNDIR, &snap,
					  &err) == 0, "%s", err.text);
	for (size_t i = 0; i < l.n; i++)
		check_one(snap, l.v[i], base + i, &st);
	report(what, &st);
	secm_snapshot_unref(snap);
	list_free(&l);

	ck_assert_uint_gt(st.messages, 0);
	ck_assert_uint_eq(st.missed_plain, 0);
	ck_assert_uint_eq(st.plant_lost, 0);
	ck_assert_uint_eq(st.not_redacted, 0);
	ck_assert_msg(st.lossy == 0, "%s: %u redacted parts changed bytes invalid "
		      "in their charset outside the redacted span", what, st.lossy);
	for (int k = 0; k < 5; k++)
		ck_assert_msg(st.failed[k] == 0, "%s: %s failed on %u messages",
			      what, prop_name[k], st.failed[k]);
}

/* max_files - SECM_FIDELITY_MAX, 0 = all */
static size_t max_files(void)
{
	const char *v = getenv("SECM_FIDELITY_MAX");

	return v != NULL && *v != '\0' ? (size_t)strtoul(v, NULL, 10) : 0;
}

/* the four properties hold over the golden inputs with canaries planted */
START_TEST(test_golden)
{
	run_set("golden", SECM_FIDELITY_GOLDENDIR, golden_add, 0, 100000);
}
END_TEST

/* the four properties hold over the corpus with canaries planted */
START_TEST(test_corpus)
{
	run_set("corpus", SECM_CORPUS_MAILDIR, list_add, max_files(), 0);
}
END_TEST

/* fidelity_suite - the suite */
static Suite *fidelity_suite(void)
{
	Suite *s = suite_create("fidelity");
	TCase *tc = tcase_create("fidelity");

	tcase_set_timeout(tc, 1800);
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_corpus);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fidelity_suite());
	int failed;

	secm_mime_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	g_mime_shutdown();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
