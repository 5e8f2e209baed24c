/*
 * inspect.c - the single entry point: walk, scan, decide, redact.
 *
 * Raw message + envelope + snapshot in; findings, verdict, header text,
 * SMTP reply text and (when redacting) the new message out.  Every caller
 * (libmilter glue, --scan, --redact, tests, fuzzers) goes through here, so
 * the order of the steps lives in one place.  Nothing here logs: callers log
 * the metadata in res.  Reentrant; all state is in res and on the stack.
 *
 * Each unit's text is scanned as it is and then through its decoding
 * layers (layers.h: NFKC, base64 blobs, percent, JSON escapes, quoted
 * lines); a layer's match is mapped back to a range of the unit text, so
 * findings and redaction only ever speak of unit text.  A layer match that
 * repeats a finding of the same rule over an overlapping range is dropped.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "layers.h"
#include "mime_walk.h"
#include "policy.h"
#include "rules.h"
#include "scan.h"
#include "validate.h"

/* stronger - the stronger of two actions (enum order is strength) */
static secm_action stronger(secm_action a, secm_action b)
{
	return a > b ? a : b;
}

/* limit_action - the configured verdict for a walk bound */
static secm_action limit_action(const secm_config *c, secm_limit_kind k,
				const char **name)
{
	switch (k) {
	case SECM_LIMIT_DEPTH:
		*name = "mime-depth";
		return c->on_depth;
	case SECM_LIMIT_PARTS:
		*name = "mime-parts";
		return c->on_parts;
	case SECM_LIMIT_DECODED:
		*name = "decoded-size";
		return c->on_decoded;
	case SECM_LIMIT_ARCHIVE:
		/* archive bounds (archive_scan.h) */
		*name = "archive";
		return c->on_archive_limit;
	default:
		*name = "";
		return SECM_ACT_ACCEPT;
	}
}

/* validators that prove what a match is (a checksum, a JWT or PEM that
 * decodes, a Discord id, a required neighbour), unlike entropy and
 * placeholder checks, which only say it is not a dummy */
#define STRUCTURAL_VALIDATORS \
	(SECM_VAL_CRC32_BASE62 | SECM_VAL_CRC32_HEX | SECM_VAL_CRC32_HEX_LE | \
	 SECM_VAL_BECH32 | SECM_VAL_JWT | SECM_VAL_PEM | SECM_VAL_DISCORD | \
	 SECM_VAL_NEAR)

/* is_generic - 1 when the rule comes from a pattern file named generic.yml
 * (context rules such as password-assignment, not a provider's format) */
static int is_generic(const secm_rule *r)
{
	const char *file = secm_rule_file(r), *base;

	if (file == NULL)
		return 0;
	base = strrchr(file, '/');
	base = base != NULL ? base + 1 : file;
	return strcmp(base, "generic.yml") == 0;
}

/* prefer - 1 when rule a (index ia) should name a finding that rule b
 * (index ib) found over the same range: the higher severity; then the rule
 * with a structural validator; then the rule outside generic.yml; then the
 * rule loaded first.  So a provider's rule is not hidden by a generic one
 * that happens to load earlier. */
static int prefer(const secm_rule *a, size_t ia, const secm_rule *b, size_t ib)
{
	int va, vb, ga, gb;

	if (secm_rule_severity(a) != secm_rule_severity(b))
		return secm_rule_severity(a) > secm_rule_severity(b);
	va = (secm_rule_validators(a) & STRUCTURAL_VALIDATORS) != 0;
	vb = (secm_rule_validators(b) & STRUCTURAL_VALIDATORS) != 0;
	if (va != vb)
		return va;
	ga = is_generic(a);
	gb = is_generic(b);
	if (ga != gb)
		return gb;
	return ia < ib;
}

/* add_finding - append one finding for unit text [start, end) whose
 * value is val[0..vlen) (the matched bytes of the text or of a layer: the
 * fingerprint is of the value as the rule saw it) */
static int add_finding(secm_result *res, size_t *cap, const secm_snapshot *snap,
		       const secm_unit *u, size_t unit, size_t rule, size_t start,
		       size_t end, const char *val, size_t vlen)
{
	const secm_rule *r = secm_ruleset_get(snap->rules, rule);
	secm_finding *f;

	/* the same range found by two rules: one finding, named by the
	 * preferred rule (prefer) */
	for (size_t i = 0; i < res->nfindings; i++) {
		f = &res->findings[i];
		if (f->unit == unit && f->start == start && f->end == end) {
			if (prefer(r, rule, secm_ruleset_get(snap->rules, f->rule),
				   f->rule)) {
				f->rule = rule;
				f->rule_id = secm_rule_id(r);
				f->severity = secm_rule_severity(r);
			}
			return SECM_OK;
		}
	}
	if (secm_vec_grow((void **)&res->findings, res->nfindings, cap,
			  sizeof(*res->findings), 16) != SECM_OK)
		return SECM_ENOMEM;
	f = &res->findings[res->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->rule_id = secm_rule_id(r);
	f->severity = secm_rule_severity(r);
	f->unit = unit;
	snprintf(f->part, sizeof(f->part), "%s", u->path);
	f->start = start;
	f->end = end;
	secm_fingerprint(&snap->fpkey, val, vlen, f->fingerprint);
	return SECM_OK;
}

/* known - 1 when unit already has a finding of rule overlapping [start, end)
 * (a layer finding that repeats one of the text or of another layer) */
static int known(const secm_result *res, size_t first, size_t unit,
		 size_t rule, size_t start, size_t end)
{
	for (size_t i = first; i < res->nfindings; i++) {
		const secm_finding *f = &res->findings[i];

		if (f->unit == unit && f->rule == rule && f->start < end &&
		    start < f->end)
			return 1;
	}
	return 0;
}

/* sort_unit - order the findings from index first (one unit's) by range:
 * layer findings are added after the text's; a stable insertion sort, the
 * lists are short */
static void sort_unit(secm_result *res, size_t first)
{
	for (size_t i = first + 1; i < res->nfindings; i++) {
		secm_finding f = res->findings[i];
		size_t j = i;

		while (j > first && (res->findings[j - 1].start > f.start ||
				     (res->findings[j - 1].start == f.start &&
				      res->findings[j - 1].end > f.end))) {
			res->findings[j] = res->findings[j - 1];
			j--;
		}
		res->findings[j] = f;
	}
}

/* scan_layers - build each decoding layer of the unit's text that applies,
 * scan it, and add what it finds (mapped back to the text, deduplicated
 * against this unit's findings, which start at index first) */
static int scan_layers(const secm_snapshot *snap, const secm_unit *unit,
		       size_t u, size_t first, secm_layer_budget *budget,
		       secm_matches *m, secm_result *res, size_t *cap,
		       secm_error *err)
{
	secm_layer l;
	size_t added = 0, s, e;
	int rc = SECM_OK;

	for (int k = 0; k < SECM_LAYER_COUNT && rc == SECM_OK; k++) {
		rc = secm_layer_build((secm_layer_kind)k, unit->text,
				      unit->text_len, budget, &l);
		if (rc != SECM_OK)
			break;
		if (l.text == NULL)
			continue;
		m->n = 0;
		rc = secm_scan_text(snap->rules, l.text, l.len, m, err);
		for (size_t i = 0; i < m->n && rc == SECM_OK; i++) {
			const secm_match *x = &m->v[i];

			if (secm_layer_map(&l, x->start, x->end, &s, &e) != SECM_OK ||
			    e <= s || known(res, first, u, x->rule, s, e))
				continue;
			rc = add_finding(res, cap, snap, unit, u, x->rule, s, e,
					 l.text + x->start, x->end - x->start);
			added++;
		}
		secm_layer_free(&l);
	}
	if (added > 0)
		sort_unit(res, first);
	return rc;
}

/* scan_units - run the rules over every unit and its decoding layers,
 * filling res->findings */
static int scan_units(const secm_snapshot *snap, const secm_walk *w,
		      secm_result *res, secm_error *err)
{
	secm_matches m = { NULL, 0, 0 };
	secm_layer_budget budget;
	size_t cap = 0, first;
	int rc = SECM_OK;

	secm_layer_budget_init(&budget);
	for (size_t u = 0; u < w->n && rc == SECM_OK; u++) {
		const secm_unit *unit = &w->units[u];

		first = res->nfindings;
		m.n = 0;
		rc = secm_scan_text(snap->rules, unit->text, unit->text_len, &m, err);
		for (size_t i = 0; i < m.n && rc == SECM_OK; i++)
			rc = add_finding(res, &cap, snap, unit, u, m.v[i].rule,
					 m.v[i].start, m.v[i].end,
					 unit->text + m.v[i].start,
					 m.v[i].end - m.v[i].start);
		if (rc == SECM_OK)
			rc = scan_layers(snap, unit, u, first, &budget, &m, res,
					 &cap, err);
	}
	secm_matches_free(&m);
	return rc;
}

/* list_append - add word to a comma list in buf unless already there */
static void list_append(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf), wl = strlen(word);
	const char *p = buf;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == buf || p[-1] == ',') && (p[wl] == ',' || p[wl] == '\0'))
			return;
		p += wl;
	}
	if (used + wl + 2 >= len)
		return;		/* full: the log line keeps what fits */
	if (used > 0)
		buf[used++] = ',';
	memcpy(buf + used, word, wl + 1);
}

/* done_word - what the header says was done for an action */
static const char *done_word(secm_action a)
{
	static const char *const words[] = {
		"accepted", "tagged", "redacted", "quarantined", "rejected", "deferred"
	};

	return (unsigned)a < sizeof(words) / sizeof(words[0]) ? words[a] : "unknown";
}

/* describe - fill reason, header and reply from the outcome */
static void describe(const secm_snapshot *snap, secm_result *res,
		     const char *failure, const char *note)
{
	char rules[200] = "", parts[120] = "";
	const secm_config *c = &snap->config;

	for (size_t i = 0; i < res->nfindings; i++) {
		list_append(rules, sizeof(rules), res->findings[i].rule_id);
		list_append(parts, sizeof(parts), res->findings[i].part);
	}
	if (failure != NULL && *failure != '\0') {
		snprintf(res->reason, sizeof(res->reason), "%s%s%s", failure,
			 rules[0] ? " rules=" : "", rules);
		snprintf(res->header, sizeof(res->header), "%s; reason=%s",
			 res->action <= SECM_ACT_TAG ? "unscanned" :
			 done_word(res->action), failure);
	} else if (res->nfindings > 0) {
		snprintf(res->reason, sizeof(res->reason), "rules=%s parts=%s",
			 rules, parts);
		snprintf(res->header, sizeof(res->header), "%s; rules=%s; parts=%s",
			 done_word(res->action), rules, parts);
	} else {
		snprintf(res->reason, sizeof(res->reason), "clean");
		snprintf(res->header, sizeof(res->header), "clean");
	}
	/* append the version so a reader knows which filter wrote it */
	size_t hl = strlen(res->header);
	if (note != NULL && *note != '\0') {
		snprintf(res->header + hl, sizeof(res->header) - hl, "; %s", note);
		hl = strlen(res->header);
	}
	snprintf(res->header + hl, sizeof(res->header) - hl, " (%s %s)",
		 PACKAGE_NAME, PACKAGE_VERSION);

	if (res->action == SECM_ACT_REJECT) {
		if (res->nfindings > 0)
			snprintf(res->reply, sizeof(res->reply),
				 "%s (found: %s; remove them and send again)",
				 c->reject_text, rules);
		else
			snprintf(res->reply, sizeof(res->reply),
				 "%s (%s)", c->reject_text, failure ? failure : "policy");
	} else if (res->action == SECM_ACT_TEMPFAIL) {
		snprintf(res->reply, sizeof(res->reply),
			 "Message could not be checked for credentials (%s); try again later",
			 failure ? failure : "internal error");
	}
}

/* in_header - 1 when a finding other than in the Subject lies in the
 * header block (header fields besides the Subject, text GMime could not
 * parse): libmilter glue rewrites only the Subject and the body */
static int in_header(const secm_walk *w, const secm_result *res)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		const secm_unit *u = &w->units[res->findings[i].unit];

		if (u->kind != SECM_UNIT_SUBJECT && u->raw_start < w->body_start)
			return 1;
	}
	return 0;
}

/* in_no_redact - 1 when a finding lies in a unit that cannot be rewritten
 * in place (archive members, TNEF text: unit->no_redact) */
static int in_no_redact(const secm_walk *w, const secm_result *res)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		if (w->units[res->findings[i].unit].no_redact)
			return 1;
	}
	return 0;
}

/* removable - 1 when every finding in a no_redact unit lies in a MIME
 * attachment that can be cut out of the body (ArchiveFallback remove) */
static int removable(const secm_walk *w, const secm_result *res)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		const secm_unit *u = &w->units[res->findings[i].unit];

		if (u->no_redact && (u->part_start == 0 ||
				     u->part_start < w->body_start))
			return 0;
	}
	return 1;
}

/* in_signed - 1 when a finding lies in a part under a multipart/signed */
static int in_signed(const secm_walk *w, const secm_result *res)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		if (w->units[res->findings[i].unit].in_signed)
			return 1;
	}
	return 0;
}

/* do_redact - build the redacted message from every finding */
static int do_redact(const unsigned char *raw, size_t len, const secm_walk *w,
		     unsigned int rflags, secm_result *res, secm_error *err)
{
	secm_span *spans;
	int rc;

	spans = calloc(res->nfindings ? res->nfindings : 1, sizeof(*spans));
	if (spans == NULL)
		return SECM_ENOMEM;
	for (size_t i = 0; i < res->nfindings; i++) {
		spans[i].unit = res->findings[i].unit;
		spans[i].start = res->findings[i].start;
		spans[i].end = res->findings[i].end;
		spans[i].rule_id = res->findings[i].rule_id;
	}
	rc = secm_redact_flags(raw, len, w, spans, res->nfindings, rflags,
			       &res->redaction, err);
	free(spans);
	return rc;
}

/* secm_inspect - walk, scan, decide, redact (see inspect.h) */
int secm_inspect(const secm_snapshot *snap, const unsigned char *raw,
		 size_t len, const secm_envelope *env, unsigned int flags,
		 secm_result *res)
{
	const secm_config *c = &snap->config;
	secm_walk w;
	secm_walk_limits lim;
	secm_error err;
	secm_action floor = SECM_ACT_ACCEPT;
	const char *failure = NULL, *note = NULL;
	char why[160] = "";
	unsigned int rflags = 0;
	int rc;

	memset(&w, 0, sizeof(w));
	secm_error_clear(&err);
	res->action = SECM_ACT_ACCEPT;

	if (c->max_message_size > 0 && len > c->max_message_size) {
		res->action = c->on_oversize;
		res->status = SECM_ELIMIT;
		describe(snap, res, "message-size", NULL);
		return SECM_ELIMIT;
	}
	lim.max_depth = c->max_depth;
	lim.max_parts = c->max_parts;
	lim.max_decoded = c->max_decoded;
	lim.max_archive_depth = c->max_archive_depth;
	lim.max_archive_members = c->max_archive_members;
	lim.max_archive_ratio = c->max_archive_ratio;
	lim.max_archive_bytes = c->max_archive_bytes;
	rc = secm_mime_walk(raw, len, &lim, &w, &err);
	if (rc != SECM_OK) {
		snprintf(why, sizeof(why), "mime-%s", rc == SECM_ENOMEM ?
			 "out-of-memory" : "unreadable");
		failure = why;
		floor = c->on_failure;
		goto decided;
	}
	res->nunits = w.n;
	if (w.limit_hit != SECM_LIMIT_NONE) {
		const char *name;

		floor = limit_action(c, w.limit_hit, &name);
		snprintf(why, sizeof(why), "limit=%s at part %s", name,
			 w.limit_path[0] ? w.limit_path : "1");
		failure = why;
		res->status = SECM_ELIMIT;
	}
	/* carriers the walk could not read whole (mime_walk.h): their own
	 * actions; OnSignedRedact below */
	if (w.encrypted > 0 || w.partial > 0) {
		floor = stronger(floor, stronger(w.encrypted ? c->on_encrypted : SECM_ACT_ACCEPT,
						 w.partial ? c->on_partial : SECM_ACT_ACCEPT));
		if (failure == NULL) {
			snprintf(why, sizeof(why), "%s%s%s", w.encrypted ? "encrypted" : "",
				 w.encrypted && w.partial ? "," : "",
				 w.partial ? "message-partial" : "");
			failure = why;
		}
	}
	rc = scan_units(snap, &w, res, &err);
	if (rc != SECM_OK) {
		/* err names the rule, never the text */
		snprintf(why, sizeof(why), "scan-%s%s%s",
			 rc == SECM_EMATCH ? "limit" : "error",
			 err.key[0] ? " rule=" : "", err.key);
		failure = why;
		floor = stronger(floor, c->on_failure);
		res->status = rc;
		goto decided;
	}
	res->action = stronger(floor, secm_policy_decide(c, env, res->findings,
							 res->nfindings));
	if ((flags & SECM_INSPECT_FORCE_REDACT) && res->nfindings > 0 &&
	    res->action != SECM_ACT_TEMPFAIL)
		res->action = SECM_ACT_REDACT;
	if (res->action == SECM_ACT_REDACT && !(flags & SECM_INSPECT_FORCE_REDACT) &&
	    in_header(&w, res)) {
		/* an MTA edits headers one by one and the body as a whole: a
		 * secret in unparseable header text cannot be replaced there,
		 * so hold the message rather than deliver it */
		res->action = SECM_ACT_QUARANTINE;
	}
	if (res->action == SECM_ACT_REDACT && in_no_redact(&w, res)) {
		/* an archive member (or other text that cannot be put back)
		 * cannot be rewritten in place: remove the attachment when
		 * configured (or asked for every finding, --redact) and
		 * possible, else hold the message */
		if (((c->archive_fallback != NULL &&
		      strcmp(c->archive_fallback, "remove") == 0) ||
		     (flags & SECM_INSPECT_FORCE_REDACT)) &&
		    removable(&w, res)) {
			rflags |= SECM_REDACT_REMOVE;
			note = "attachment removed";
		} else if (!(flags & SECM_INSPECT_FORCE_REDACT)) {
			res->action = SECM_ACT_QUARANTINE;
		}
	}
	if (res->action == SECM_ACT_REDACT && in_signed(&w, res)) {
		/* redaction would break an S/MIME or PGP/MIME signature */
		if (c->on_signed_redact != SECM_ACT_REDACT &&
		    !(flags & SECM_INSPECT_FORCE_REDACT))
			res->action = c->on_signed_redact;
		else
			note = "signature broken by redaction";
	}
	if (res->action == SECM_ACT_REDACT) {
		rc = do_redact(raw, len, &w, rflags, res, &err);
		if (rc != SECM_OK) {
			snprintf(why, sizeof(why), "redact-failed");
			failure = why;
			floor = c->on_failure;
			res->status = rc;
			secm_redaction_free(&res->redaction);
			memset(&res->redaction, 0, sizeof(res->redaction));
			/* redaction could not be done: never deliver the
			 * secret as if it had been */
			res->action = floor == SECM_ACT_REDACT ? SECM_ACT_TEMPFAIL : floor;
			goto out;
		}
	}
	goto out;
decided:
	res->action = floor;
	if (res->status == SECM_OK)
		res->status = rc;
	/* a failure verdict of "redact" cannot be carried out without a
	 * complete scan: hold the message instead of passing it unscanned */
	if (res->action == SECM_ACT_REDACT)
		res->action = SECM_ACT_TEMPFAIL;
out:
	describe(snap, res, failure, note);
	secm_walk_free(&w);
	return res->status;
}

/* secm_result_free - frees findings and redaction; NULL is fine */
void secm_result_free(secm_result *res)
{
	if (res == NULL)
		return;
	free(res->findings);
	res->findings = NULL;
	res->nfindings = 0;
	secm_redaction_free(&res->redaction);
	memset(&res->redaction, 0, sizeof(res->redaction));
}
