/*
 * inspect.c - the single entry point: walk, scan, decide, redact.
 *
 * Raw message + envelope + snapshot in; findings, verdict, header text,
 * SMTP reply text and (when redacting) the new message out.  Every caller
 * (libmilter glue, --scan, --redact, tests, fuzzers) goes through here, so
 * the order of the steps lives in one place.  Nothing here logs: callers log
 * the metadata in res.  Reentrant; all state is in res and on the stack.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "mime_walk.h"
#include "policy.h"
#include "scan.h"

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
	default:
		*name = "";
		return SECM_ACT_ACCEPT;
	}
}

/* add_finding - append one finding (with fingerprint) to res */
static int add_finding(secm_result *res, size_t *cap, const secm_snapshot *snap,
		       const secm_unit *u, size_t unit, const secm_match *m)
{
	const secm_rule *r = secm_ruleset_get(snap->rules, m->rule);
	secm_finding *f;

	/* the same range found by two rules: keep the more severe one */
	for (size_t i = 0; i < res->nfindings; i++) {
		f = &res->findings[i];
		if (f->unit == unit && f->start == m->start && f->end == m->end) {
			if (secm_rule_severity(r) > f->severity) {
				f->rule = m->rule;
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
	f->rule = m->rule;
	f->rule_id = secm_rule_id(r);
	f->severity = secm_rule_severity(r);
	f->unit = unit;
	snprintf(f->part, sizeof(f->part), "%s", u->path);
	f->start = m->start;
	f->end = m->end;
	secm_fingerprint(&snap->fpkey, u->text + m->start, m->end - m->start,
			 f->fingerprint);
	return SECM_OK;
}

/* scan_units - run the rules over every unit, filling res->findings */
static int scan_units(const secm_snapshot *snap, const secm_walk *w,
		      secm_result *res, secm_error *err)
{
	secm_matches m = { NULL, 0, 0 };
	size_t cap = 0;
	int rc = SECM_OK;

	for (size_t u = 0; u < w->n && rc == SECM_OK; u++) {
		const secm_unit *unit = &w->units[u];

		m.n = 0;
		rc = secm_scan_text(snap->rules, unit->text, unit->text_len, &m, err);
		for (size_t i = 0; i < m.n && rc == SECM_OK; i++)
			rc = add_finding(res, &cap, snap, unit, u, &m.v[i]);
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
		     const char *failure)
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
 * header block (only when GMime could not parse the message) */
static int in_header(const secm_walk *w, const secm_result *res)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		const secm_unit *u = &w->units[res->findings[i].unit];

		if (u->kind == SECM_UNIT_BODY && u->raw_start < w->body_start)
			return 1;
	}
	return 0;
}

/* do_redact - build the redacted message from every finding */
static int do_redact(const unsigned char *raw, size_t len, const secm_walk *w,
		     secm_result *res, secm_error *err)
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
	rc = secm_redact(raw, len, w, spans, res->nfindings, &res->redaction, err);
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
	const char *failure = NULL;
	char why[160] = "";
	int rc;

	memset(&w, 0, sizeof(w));
	secm_error_clear(&err);
	res->action = SECM_ACT_ACCEPT;

	if (c->max_message_size > 0 && len > c->max_message_size) {
		res->action = c->on_oversize;
		res->status = SECM_ELIMIT;
		describe(snap, res, "message-size");
		return SECM_ELIMIT;
	}
	lim.max_depth = c->max_depth;
	lim.max_parts = c->max_parts;
	lim.max_decoded = c->max_decoded;
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
	if (res->action == SECM_ACT_REDACT) {
		rc = do_redact(raw, len, &w, res, &err);
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
	describe(snap, res, failure);
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
