/*
 * bench.c - engine throughput on a mail corpus (make bench).
 *
 * Design: every *.eml under the corpus directory is read and walked into
 * units once (secm_mime_walk); the timed loops then touch only the unit
 * texts, so the figures are the scan alone.  In one run, on one thread,
 * each case is repeated and the median taken:
 *   memcpy of the unit bytes (the baseline the other figures are put
 *   against), the full rule set, the reference subset (-S FILE: rule ids
 *   one a line, bench/subset-30.txt, the first ruleset of issue 2), the
 *   first N rules in load order (-s N, default 30: alphabetical files, so
 *   mostly prefixed tokens; kept for comparison), the same three with the
 *   built-in Aho-Corasick prefilter, the full set and the reference
 *   subset with the prefilter off (memmem per rule, regex over the whole
 *   text), and secm_inspect per raw message (walk + scan + policy).
 * Before timing, every unit is scanned with the prefilter and windows and
 * again on the whole-text path, and the two match lists are compared:
 * the run fails (exit 1) when they differ.  Times are thread CPU time
 * (the machine may be shared); nothing here is a pass/fail timing check.
 *
 * Usage: bench [-rq] [-c case] [-n reps] [-s N] [-S FILE] PATTERNDIR CORPUSDIR
 * -r: also time each rule alone and list the costliest; -c N: time only
 * case N (and the memcpy baseline), -q: skip the equivalence check; for
 * profiling.
 */
#include "autoconfig.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "inspect.h"
#include "mime_walk.h"
#include "prefilter.h"
#include "rules.h"
#include "scan.h"
#include "snapshot.h"

#define MAX_REPS 101

/* the loaded corpus */
typedef struct corpus {
	secm_buf *raw;		/* raw messages */
	secm_walk *walks;	/* their units */
	size_t n, cap;
	size_t raw_bytes;
	size_t unit_bytes;
	size_t units;
} corpus;

/* the corpus being loaded by nftw (nftw has no context pointer) */
static corpus *loading;

/* read_file - whole file into b; 0 or -1 */
static int read_file(const char *path, secm_buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (secm_buf_append(b, chunk, n) != SECM_OK) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return 0;
}

/* add_message - nftw callback: read and walk one .eml */
static int add_message(const char *path, const struct stat *st, int type,
		       struct FTW *ftw)
{
	corpus *c = loading;
	size_t len = strlen(path), i;
	secm_error err;
	secm_buf raw = SECM_BUF_INIT;

	(void)st;
	(void)ftw;
	if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".eml") != 0)
		return 0;
	if (read_file(path, &raw) != 0) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		secm_buf_free(&raw);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		secm_buf *r = realloc(c->raw, cap * sizeof(*r));
		secm_walk *w;

		if (r == NULL)
			return -1;
		c->raw = r;
		w = realloc(c->walks, cap * sizeof(*w));
		if (w == NULL)
			return -1;
		c->walks = w;
		c->cap = cap;
	}
	memset(&c->walks[c->n], 0, sizeof(c->walks[c->n]));
	if (secm_mime_walk(raw.data ? raw.data : (const unsigned char *)"", raw.len,
			   NULL, &c->walks[c->n], &err) != SECM_OK) {
		fprintf(stderr, "bench: %s: walk failed\n", path);
		secm_walk_free(&c->walks[c->n]);
		secm_buf_free(&raw);
		return 0;
	}
	c->raw[c->n] = raw;
	c->raw_bytes += raw.len;
	for (i = 0; i < c->walks[c->n].n; i++)
		c->unit_bytes += c->walks[c->n].units[i].text_len;
	c->units += c->walks[c->n].n;
	c->n++;
	return 0;
}

/* corpus_free - free every message and walk */
static void corpus_free(corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		secm_walk_free(&c->walks[i]);
		secm_buf_free(&c->raw[i]);
	}
	free(c->walks);
	free(c->raw);
}

/* now - thread CPU seconds */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cmp_double - qsort */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median - of v[0..n) (sorts v) */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* a timed case */
typedef enum kind { K_MEMCPY, K_SCAN, K_INSPECT } kind;

typedef struct bcase {
	const char *label;
	kind k;
	const secm_ruleset *rs;
	unsigned int flags;
} bcase;

static volatile unsigned long sink;	/* keeps memcpy from being dropped */

/* run_once - one pass of a case over the corpus; seconds, or -1 on error */
static double run_once(const corpus *c, const bcase *b, char *dst,
		       const secm_snapshot *snap)
{
	secm_matches m = { NULL, 0, 0 };
	secm_envelope env;
	unsigned long found = 0;
	double t0;
	size_t i, u;
	int rc = SECM_OK;

	memset(&env, 0, sizeof(env));	/* robust to new envelope fields */
	env.queue_id = "NOQUEUE";
	env.sender = "";
	t0 = now();

	for (i = 0; i < c->n && rc == SECM_OK; i++) {
		if (b->k == K_INSPECT) {
			secm_result res;

			memset(&res, 0, sizeof(res));
			secm_inspect(snap, c->raw[i].data ? c->raw[i].data :
				     (const unsigned char *)"", c->raw[i].len, &env, 0, &res);
			found += res.nfindings;
			secm_result_free(&res);
			continue;
		}
		for (u = 0; u < c->walks[i].n; u++) {
			const secm_unit *un = &c->walks[i].units[u];

			if (b->k == K_MEMCPY) {
				memcpy(dst, un->text, un->text_len);
				found += (unsigned char)dst[un->text_len / 2];
				continue;
			}
			m.n = 0;
			rc = secm_scan_text_flags(b->rs, un->text, un->text_len,
						  b->flags, &m, NULL);
			found += m.n;
		}
	}
	t0 = now() - t0;
	sink += found;
	secm_matches_free(&m);
	return rc == SECM_OK ? t0 : -1;
}

/* same_matches - 1 when both lists are equal */
static int same_matches(const secm_matches *a, const secm_matches *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i].rule != b->v[i].rule || a->v[i].start != b->v[i].start ||
		    a->v[i].end != b->v[i].end)
			return 0;
	return 1;
}

/* verify - windowed scan == whole-text scan on every unit; prints and
 * returns the number of units that differ */
static size_t verify(const corpus *c, const secm_ruleset *rs, const char *label)
{
	secm_matches a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	size_t i, u, units = 0, matches = 0, diff = 0;

	for (i = 0; i < c->n; i++) {
		for (u = 0; u < c->walks[i].n; u++) {
			const secm_unit *un = &c->walks[i].units[u];
			int ra, rb;

			a.n = b.n = 0;
			ra = secm_scan_text_flags(rs, un->text, un->text_len, 0, &a, NULL);
			rb = secm_scan_text_flags(rs, un->text, un->text_len,
						  SECM_SCAN_NO_PREFILTER, &b, NULL);
			units++;
			matches += b.n;
			if (ra != rb || !same_matches(&a, &b)) {
				diff++;
				fprintf(stderr, "bench: %s: message %zu unit %zu (%s): "
					"windowed %zu matches, whole text %zu\n",
					label, i, u, un->path, a.n, b.n);
			}
		}
	}
	printf("equivalence (%s): %zu units, %zu matches on the whole-text path, "
	       "%zu units differ\n", label, units, matches, diff);
	secm_matches_free(&a);
	secm_matches_free(&b);
	return diff;
}

/* per_rule - time each rule alone (a one-rule subset) and print the
 * costliest ones: where the full set's time goes */
static void per_rule(const corpus *c, const secm_ruleset *full, char *dst)
{
	size_t n = secm_ruleset_count(full), i, j, best;
	double *cost = calloc(n, sizeof(*cost)), total = 0;
	int *done = calloc(n, sizeof(*done));
	secm_ruleset *one;

	if (cost == NULL || done == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		bcase b = { "", K_SCAN, NULL, 0 };
		double t[3];

		if (secm_ruleset_subset(full, &i, 1, &one, NULL) != SECM_OK)
			goto out;
		b.rs = one;
		for (j = 0; j < 3; j++)
			t[j] = run_once(c, &b, dst, NULL);
		cost[i] = median(t, 3);
		total += cost[i];
		secm_ruleset_free(one);
	}
	printf("\ncostliest rules alone (sum of one-rule scans %.4f s):\n", total);
	for (j = 0; j < 15 && j < n; j++) {
		best = n;
		for (i = 0; i < n; i++)
			if (!done[i] && (best == n || cost[i] > cost[best]))
				best = i;
		done[best] = 1;
		printf("  %-36s %8.4f s  keywords %zu\n",
		       secm_rule_id(secm_ruleset_get(full, best)), cost[best],
		       secm_rule_keyword_count(secm_ruleset_get(full, best)));
	}
out:
	free(cost);
	free(done);
}

/* usage - print and fail */
static int usage(void)
{
	fprintf(stderr, "usage: bench [-rq] [-c case] [-n reps] [-s N] [-S FILE] "
		"PATTERNDIR CORPUSDIR\n");
	return 2;
}

/* read_subset - the rule ids of FILE (one a line, '#' comments) as
 * indexes into full; their count, or 0 after printing why */
static size_t read_subset(const char *path, const secm_ruleset *full, size_t *idx)
{
	char line[256], *p, *e;
	size_t n = 0, i, nr = secm_ruleset_count(full);
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		for (e = p; *e != '\0' && *e != '\n' && *e != '\r' &&
		     *e != ' ' && *e != '\t' && *e != '#'; e++)
			;
		*e = '\0';
		if (*p == '\0')
			continue;
		for (i = 0; i < nr; i++)
			if (strcmp(secm_rule_id(secm_ruleset_get(full, i)), p) == 0)
				break;
		if (i == nr || n == nr) {
			fprintf(stderr, "bench: %s: no rule '%s' in the rule set\n", path, p);
			n = 0;
			break;
		}
		idx[n++] = i;
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	secm_ruleset *full = NULL, *sub = NULL, *ac = NULL, *subac = NULL;
	secm_ruleset *ref = NULL, *refac = NULL;
	const char *subfile = NULL;
	secm_snapshot *snap = NULL;
	corpus c = { 0 };
	secm_error err;
	char ebuf[1024], *dst = NULL;
	double t[MAX_REPS], med[16], mb;
	size_t *idx = NULL, *ridx = NULL, nsub = 30, nref = 0, i, diff = 0;
	int reps = 5, opt, r, nc, rc = 1, rules = 0, only = -1, noverify = 0;

	while ((opt = getopt(argc, argv, "c:n:qs:S:r")) != -1) {
		if (opt == 'r')
			rules = 1;
		else if (opt == 'c')
			only = atoi(optarg);
		else if (opt == 'q')
			noverify = 1;
		else if (opt == 'n')
			reps = atoi(optarg);
		else if (opt == 's')
			nsub = (size_t)strtoul(optarg, NULL, 10);
		else if (opt == 'S')
			subfile = optarg;
		else
			return usage();
	}
	if (argc - optind != 2 || reps < 1 || reps > MAX_REPS || nsub == 0)
		return usage();
	secm_mime_init();
	if (secm_snapshot_build(NULL, argv[optind], &snap, &err) != SECM_OK) {
		fprintf(stderr, "bench: %s\n", secm_error_format(&err, ebuf, sizeof(ebuf)));
		return 2;
	}
	full = snap->rules;
	if (nsub > secm_ruleset_count(full))
		nsub = secm_ruleset_count(full);
	idx = malloc(secm_ruleset_count(full) * sizeof(*idx));
	ridx = malloc(secm_ruleset_count(full) * sizeof(*ridx));
	if (idx == NULL || ridx == NULL)
		goto out;
	for (i = 0; i < secm_ruleset_count(full); i++)
		idx[i] = i;
	if (subfile != NULL) {
		nref = read_subset(subfile, full, ridx);
		if (nref == 0)
			goto out;
	} else {	/* no reference list: the first N rules twice */
		for (i = 0; i < nsub; i++)
			ridx[i] = i;
		nref = nsub;
	}
	if (secm_ruleset_subset(full, idx, nsub, &sub, &err) != SECM_OK ||
	    secm_ruleset_subset(full, idx, secm_ruleset_count(full), &ac, &err) != SECM_OK ||
	    secm_ruleset_use_prefilter(ac, SECM_PF_AHOCORASICK, &err) != SECM_OK ||
	    secm_ruleset_subset(full, idx, nsub, &subac, &err) != SECM_OK ||
	    secm_ruleset_use_prefilter(subac, SECM_PF_AHOCORASICK, &err) != SECM_OK ||
	    secm_ruleset_subset(full, ridx, nref, &ref, &err) != SECM_OK ||
	    secm_ruleset_subset(full, ridx, nref, &refac, &err) != SECM_OK ||
	    secm_ruleset_use_prefilter(refac, SECM_PF_AHOCORASICK, &err) != SECM_OK) {
		fprintf(stderr, "bench: %s\n", secm_error_format(&err, ebuf, sizeof(ebuf)));
		goto out;
	}
	loading = &c;
	if (nftw(argv[optind + 1], add_message, 16, FTW_PHYS) != 0 || c.n == 0) {
		fprintf(stderr, "bench: %s: no messages loaded\n", argv[optind + 1]);
		goto out;
	}
	dst = malloc(c.unit_bytes + 1);
	if (dst == NULL)
		goto out;
	printf("corpus: %s\n  %zu messages, %.1f MB raw, %zu units, %.1f MB of unit text\n",
	       argv[optind + 1], c.n, c.raw_bytes / 1e6, c.units, c.unit_bytes / 1e6);
	printf("rules: %zu; reference subset: %zu rules (%s); old subset: first %zu "
	       "in load order\nprefilter engine: %s; windows: %d bytes before, "
	       "%d after a keyword\n", secm_ruleset_count(full), nref,
	       subfile != NULL ? subfile : "first rules", nsub,
	       secm_ruleset_prefilter_engine(full), SECM_WINDOW_BEFORE,
	       SECM_WINDOW_AFTER);
	if (rules)
		per_rule(&c, full, dst);
	if (!noverify) {
		diff += verify(&c, full, "full set");
		diff += verify(&c, ac, "full set, aho-corasick");
	}
	{
		const bcase cases[] = {
			{ "memcpy (baseline)", K_MEMCPY, NULL, 0 },
			{ "scan, full rule set", K_SCAN, full, 0 },
			{ "scan, reference subset", K_SCAN, ref, 0 },
			{ "scan, first-N subset", K_SCAN, sub, 0 },
			{ "scan, full, aho-corasick", K_SCAN, ac, 0 },
			{ "scan, reference, aho-corasick", K_SCAN, refac, 0 },
			{ "scan, first-N, aho-corasick", K_SCAN, subac, 0 },
			{ "scan, full, no windows", K_SCAN, full, SECM_SCAN_NO_WINDOW },
			{ "scan, full, prefilter off", K_SCAN, full, SECM_SCAN_NO_PREFILTER },
			{ "scan, reference, prefilter off", K_SCAN, ref, SECM_SCAN_NO_PREFILTER },
			{ "secm_inspect per message", K_INSPECT, NULL, 0 },
		};

		nc = (int)(sizeof(cases) / sizeof(cases[0]));
		printf("\nsingle thread, thread CPU time, median of %d runs\n", reps);
		printf("  %-32s %10s %10s %12s\n", "case", "seconds", "MB/s", "x memcpy");
		for (i = 0; i < (size_t)nc; i++) {
			if (only >= 0 && i != 0 && i != (size_t)only) {
				med[i] = 1;
				continue;
			}
			for (r = 0; r < reps; r++) {
				t[r] = run_once(&c, &cases[i], dst, snap);
				if (t[r] < 0) {
					fprintf(stderr, "bench: %s: scan failed\n", cases[i].label);
					goto out;
				}
			}
			med[i] = median(t, reps);
			mb = (cases[i].k == K_INSPECT ? c.raw_bytes : c.unit_bytes) / 1e6;
			printf("  %-32s %10.4f %10.1f %12.1f\n", cases[i].label, med[i],
			       med[i] > 0 ? mb / med[i] : 0.0,
			       med[0] > 0 ? med[i] / med[0] : 0.0);
			fflush(stdout);
		}
		printf("\nratios (time; reference = %zu rules, first-N = %zu)\n", nref, nsub);
		printf("  full / memcpy:                       %8.1f\n", med[1] / med[0]);
		printf("  full / reference:                    %8.2f   (goal <= 1.5)\n",
		       med[1] / med[2]);
		printf("  full / first-N:                      %8.2f\n", med[1] / med[3]);
		printf("  full / reference, aho-corasick:      %8.2f\n", med[4] / med[5]);
		printf("  full / first-N, aho-corasick:        %8.2f\n", med[4] / med[6]);
		printf("  full / reference, prefilter off:     %8.2f\n", med[8] / med[9]);
		printf("  prefilter off / on (full):           %8.2f\n", med[8] / med[1]);
		printf("  full rule set: %.1f MB/s on one core (goal >= 300)\n",
		       c.unit_bytes / 1e6 / med[1]);
		printf("  inspect figures are MB of raw message per second\n");
	}
	rc = diff == 0 ? 0 : 1;
out:
	free(dst);
	free(idx);
	free(ridx);
	corpus_free(&c);
	secm_ruleset_free(refac);
	secm_ruleset_free(ref);
	secm_ruleset_free(subac);
	secm_ruleset_free(ac);
	secm_ruleset_free(sub);
	secm_snapshot_unref(snap);
	return rc;
}
