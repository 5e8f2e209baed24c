/*
 * review_release.c - "release", "delete" and "purge": the commands that
 * change the store and, where the message also sits in Postfix's hold
 * queue, that copy.
 *
 * Why the hold queue matters: with a quarantine verdict the milter both
 * stores the item and asks the MTA to hold the message (smfi_quarantine;
 * Postfix puts it in its hold queue).  Two copies exist, so a release that
 * re-injected ours and left Postfix's would risk delivering twice.
 *
 * release ID (the logic, in order; the store is locked exclusively):
 *  1. An item already "released" is refused (exit 3); one left
 *     "releasing" by an interrupted run is refused unless --force.
 *  2. With a Postfix queue id in the metadata and postqueue(1) installed
 *     (not --no-postfix), "postqueue -j" is asked where that id is.  The
 *     entry counts only when its sender and arrival time fit the item
 *     (short queue ids are reused).  Postfix down: exit 75, nothing done.
 *     In the active, incoming, deferred or maildrop queue: refused (exit
 *     3): someone released it already.
 *  3. The item is marked "releasing" (atomic rewrite of its .json).
 *  4. In the hold queue and no --redacted: "postsuper -H QID" moves that
 *     very copy on ("Released from hold: 1 message" is required), then
 *     "postqueue -i QID" asks for delivery now.  Nothing is injected: the
 *     copy that Postfix already has is the one delivered, and Postfix
 *     does not run milters again on mail leaving the hold queue.
 *  5. In the hold queue with --redacted: "postsuper -d QID hold" first,
 *     then the redacted message through sendmail(1).  If the injection
 *     then fails the item goes back to "held" and a retry injects.
 *  6. Not in Postfix (another MTA, or the copy was deleted or expired):
 *     the original (or redacted) bytes through the sendmail(1) command,
 *     "CMD -G -i -f SENDER -- RCPT...".  Mail injected so passes the MTA's
 *     milters again; see secret-quarantine(8) for commands that bypass
 *     them (Postfix: non_smtpd_milters; Sendmail: -Am as root).
 *  7. Success: state "released" plus released_at/_by/release_method;
 *     failure: the state is reverted; an audit line either way.
 *
 * Sendmail (metadata "mta": "sendmail", as the milter writes it, or
 * without it a Sendmail config given with
 * --sendmail-config / SECM_SENDMAIL_CF): steps 2 to 5 ask Sendmail
 * instead, through the --sendmail command with "-C CF".  "-bp -qQ" lists
 * its quarantine, "-bp" its ordinary queue (there: refused, exit 3).  A
 * quarantined copy is released with "-Q -qQ -qI<QID>" (unquarantine; the
 * quarantine list must no longer show it), then "-qI<QID>" (a queue run
 * that delivers it now).  --redacted is refused while Sendmail holds a
 * copy: Sendmail has no command to delete one.
 *
 * Items of redacted mail (KeepRedactedOriginal, state "delivered-redacted")
 * are released like held ones: the MTA has no copy (it delivered the
 * redacted one), so the original is injected; --redacted makes no sense
 * for them and is refused (exit 2).
 *
 * delete and purge remove the item (.json first) and, when Postfix holds
 * a matching copy, that copy too ("postsuper -d QID hold": only ever
 * from the hold queue, so mail on its way is never touched).
 *
 * Threading: single-threaded program.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "review.h"

#define MAX_ARGS 64

/* where a queue id is in Postfix */
enum { PF_NONE = 0, PF_HOLD = 1, PF_ELSEWHERE = 2, PF_UNKNOWN = -1 };

/* pf_config - the Postfix config dir for -c, or NULL for the default */
static const char *pf_config(const review_release_opts *ro)
{
	const char *c = ro->postfix_config;

	if (c == NULL || c[0] == '\0')
		c = getenv("SECM_POSTFIX_CONFIG");
	return c != NULL && c[0] != '\0' ? c : NULL;
}

/* pf_argv - "PROG [-c DIR] args..." into argv (at most MAX_ARGS) */
static void pf_argv(const char *prog, const review_release_opts *ro, char **argv,
		    const char *a1, const char *a2, const char *a3)
{
	const char *cfg = pf_config(ro);
	int n = 0;

	argv[n++] = (char *)prog;
	if (cfg != NULL) {
		argv[n++] = (char *)"-c";
		argv[n++] = (char *)cfg;
	}
	argv[n++] = (char *)a1;
	argv[n++] = (char *)a2;
	argv[n++] = (char *)a3;
	argv[n] = NULL;
}

/* item_qid - the item's Postfix queue id, NULL when unknown */
static const char *item_qid(const review_item *it)
{
	const char *q = review_meta_str(it, "queue_id");

	if (q == NULL || q[0] == '\0' || strcmp(q, "NOQUEUE") == 0 || !review_id_valid(q))
		return NULL;
	return q;
}

/* entry_fits - 1 when a postqueue -j entry is this item's message: same
 * sender, arrived at most a day before the item was stored (queue ids
 * of the short form are reused) */
static int entry_fits(struct json_object *e, const review_item *it)
{
	struct json_object *v;
	const char *sender = review_meta_str(it, "sender");
	long long arrival;

	if (!json_object_object_get_ex(e, "sender", &v) ||
	    strcasecmp(json_object_get_string(v), sender ? sender : "") != 0)
		return 0;
	if (!json_object_object_get_ex(e, "arrival_time", &v))
		return 0;
	arrival = (long long)json_object_get_int64(v);
	return arrival <= (long long)it->when + 300 && arrival >= (long long)it->when - 86400;
}

/* pf_where - where Postfix has the item's message: PF_NONE (no Postfix,
 * no queue id, not queued), PF_HOLD, PF_ELSEWHERE (queue name in qname),
 * PF_UNKNOWN (postqueue failed; message printed) */
static int pf_where(const review_release_opts *ro, const review_item *it,
		    char *qname, size_t qlen)
{
	const char *qid = item_qid(it);
	secm_buf out = SECM_BUF_INIT;
	char prog[4096], *argv[MAX_ARGS];
	int status, where = PF_NONE;
	char *line, *save = NULL;

	snprintf(qname, qlen, "-");
	if (ro->no_postfix || qid == NULL ||
	    review_find_program("postqueue", prog, sizeof(prog)) == NULL)
		return PF_NONE;
	pf_argv(prog, ro, argv, "-j", NULL, NULL);
	if (review_run(argv, NULL, 0, REVIEW_CAPTURE_STDOUT, &out, &status) != 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    secm_buf_append(&out, "", 1) != SECM_OK) {
		fprintf(stderr, "secret-quarantine: %s: cannot read the Postfix queue "
			"(postqueue -j failed; is Postfix running?)\n", it->id);
		secm_buf_free(&out);
		return PF_UNKNOWN;
	}
	for (line = strtok_r((char *)out.data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		struct json_object *e = json_tokener_parse(line), *v;

		if (e != NULL && json_object_object_get_ex(e, "queue_id", &v) &&
		    strcmp(json_object_get_string(v), qid) == 0 && entry_fits(e, it) &&
		    json_object_object_get_ex(e, "queue_name", &v)) {
			snprintf(qname, qlen, "%s", json_object_get_string(v));
			where = strcmp(qname, "hold") == 0 ? PF_HOLD : PF_ELSEWHERE;
		}
		json_object_put(e);
		if (where != PF_NONE)
			break;
	}
	secm_buf_free(&out);
	return where;
}

/* pf_super - "postsuper [-c DIR] OP QID [QUEUE]" and check that its
 * report names one message ("Released from hold: 1 message"); 0 or -1 */
static int pf_super(const review_release_opts *ro, const char *op, const char *qid,
		    const char *queue, const char *expect)
{
	secm_buf err = SECM_BUF_INIT;
	char prog[4096], *argv[MAX_ARGS];
	int status, ok;

	if (review_find_program("postsuper", prog, sizeof(prog)) == NULL)
		return -1;
	pf_argv(prog, ro, argv, op, qid, queue);
	ok = review_run(argv, NULL, 0, REVIEW_CAPTURE_STDERR, &err, &status) == 0 &&
	     WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	     secm_buf_append(&err, "", 1) == SECM_OK &&
	     strstr((const char *)err.data, expect) != NULL;
	secm_buf_free(&err);
	return ok ? 0 : -1;
}

/* pf_flush - "postqueue -i QID": deliver now rather than at the next
 * queue run; best effort */
static void pf_flush(const review_release_opts *ro, const char *qid)
{
	secm_buf err = SECM_BUF_INIT;
	char prog[4096], *argv[MAX_ARGS];
	int status;

	if (review_find_program("postqueue", prog, sizeof(prog)) == NULL)
		return;
	pf_argv(prog, ro, argv, "-i", qid, NULL);
	review_run(argv, NULL, 0, REVIEW_CAPTURE_STDERR, &err, &status);
	secm_buf_free(&err);
}

/* sm_config - the Sendmail .cf for -C, or NULL for Sendmail's default */
static const char *sm_config(const review_release_opts *ro)
{
	const char *c = ro->sendmail_config;

	if (c == NULL || c[0] == '\0')
		c = getenv("SECM_SENDMAIL_CF");
	return c != NULL && c[0] != '\0' ? c : NULL;
}

/* item_mta - "postfix", "sendmail" or NULL: the item's "mta" field */
static const char *item_mta(const review_item *it)
{
	const char *mta = review_meta_str(it, "mta");

	if (mta != NULL)
		return strcmp(mta, "sendmail") == 0 ? "sendmail" : "postfix";
	return NULL;
}

/* is_sendmail - 1 when the item's message was held by Sendmail: as
 * recorded, else when a Sendmail config was given */
static int is_sendmail(const review_release_opts *ro, const review_item *it)
{
	const char *mta = item_mta(it);

	if (mta != NULL)
		return strcmp(mta, "sendmail") == 0;
	return sm_config(ro) != NULL;
}

/* sm_argv - "CMD... [-C CF] a1 [a2 [a3]]" into argv, the command split at
 * spaces in words (the caller's buffer); number of entries, 0 when empty */
static int sm_argv(const review_release_opts *ro, char *words, size_t wlen, char **argv,
		   const char *a1, const char *a2, const char *a3)
{
	const char *cf = sm_config(ro);
	char *save = NULL;
	int n = 0;

	snprintf(words, wlen, "%s", ro->sendmail ? ro->sendmail : "/usr/sbin/sendmail");
	for (char *w = strtok_r(words, " \t", &save); w != NULL && n < MAX_ARGS / 2;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	if (n == 0)
		return 0;
	if (cf != NULL) {
		argv[n++] = (char *)"-C";
		argv[n++] = (char *)cf;
	}
	argv[n++] = (char *)a1;
	if (a2 != NULL)
		argv[n++] = (char *)a2;
	if (a3 != NULL)
		argv[n++] = (char *)a3;
	argv[n] = NULL;
	return n;
}

/* sm_lists - 1 when "CMD -bp [-qQ]" output has a line starting with qid
 * (then a non-id character), 0 when not, -1 when the command failed */
static int sm_lists(const review_release_opts *ro, const char *qid, int quarantine)
{
	secm_buf out = SECM_BUF_INIT;
	char words[4096], *argv[MAX_ARGS];
	size_t ql = strlen(qid);
	int status, found = 0;
	char *line, *save = NULL;

	if (sm_argv(ro, words, sizeof(words), argv, "-bp", quarantine ? "-qQ" : NULL, NULL) == 0 ||
	    review_run(argv, NULL, 0, REVIEW_CAPTURE_STDOUT, &out, &status) != 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    secm_buf_append(&out, "", 1) != SECM_OK) {
		secm_buf_free(&out);
		return -1;
	}
	for (line = strtok_r((char *)out.data, "\n", &save); line != NULL && !found;
	     line = strtok_r(NULL, "\n", &save))
		found = strncmp(line, qid, ql) == 0 &&
			(line[ql] == '\0' || !isalnum((unsigned char)line[ql]));
	secm_buf_free(&out);
	return found;
}

/* sm_where - where Sendmail has the item's message: PF_HOLD (its
 * quarantine), PF_ELSEWHERE (its ordinary queue), PF_NONE, PF_UNKNOWN
 * (the command failed; message printed) */
static int sm_where(const review_release_opts *ro, const review_item *it,
		    char *qname, size_t qlen)
{
	const char *qid = item_qid(it);
	int q, o;

	snprintf(qname, qlen, "-");
	if (qid == NULL)
		return PF_NONE;
	q = sm_lists(ro, qid, 1);
	o = q == 0 ? sm_lists(ro, qid, 0) : 0;
	if (q < 0 || o < 0) {
		fprintf(stderr, "secret-quarantine: %s: cannot read the Sendmail queue "
			"(sendmail -bp failed; check --sendmail and --sendmail-config)\n", it->id);
		return PF_UNKNOWN;
	}
	snprintf(qname, qlen, "%s", q ? "quarantine" : o ? "mqueue" : "-");
	return q ? PF_HOLD : o ? PF_ELSEWHERE : PF_NONE;
}

/* sm_release - unquarantine qid, check it left the quarantine, run it;
 * 0 or -1 */
static int sm_release(const review_release_opts *ro, const char *qid)
{
	char words[4096], *argv[MAX_ARGS], opt[REVIEW_ID_MAX + 4];
	int status;

	snprintf(opt, sizeof(opt), "-qI%s", qid);
	if (sm_argv(ro, words, sizeof(words), argv, "-Q", "-qQ", opt) == 0 ||
	    review_run(argv, NULL, 0, REVIEW_CAPTURE_NONE, NULL, &status) != 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0 || sm_lists(ro, qid, 1) != 0)
		return -1;
	/* a queue run for this id now rather than at the next -q interval */
	if (sm_argv(ro, words, sizeof(words), argv, opt, NULL, NULL) == 0 ||
	    review_run(argv, NULL, 0, REVIEW_CAPTURE_NONE, NULL, &status) != 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "secret-quarantine: %s: released from Sendmail's quarantine; "
			"the queue run failed, the next one delivers it\n", qid);
	return 0;
}

/* where - Sendmail's or Postfix's answer for the item */
static int where_held(const review_release_opts *ro, const review_item *it,
		      char *qname, size_t qlen)
{
	if (is_sendmail(ro, it))
		return ro->no_postfix && sm_config(ro) == NULL ? PF_NONE :
		       sm_where(ro, it, qname, qlen);
	return pf_where(ro, it, qname, qlen);
}

/* inject - the message through "CMD -G -i -f SENDER -- RCPT..."; 0 or -1
 * (message printed) */
static int inject(const review_release_opts *ro, const review_item *it,
		  const secm_buf *msg)
{
	char cmd[4096], *argv[MAX_ARGS + 8], *save = NULL;
	const char *sender = review_meta_str(it, "sender");
	struct json_object *a;
	int n = 0, status;
	size_t nr;

	snprintf(cmd, sizeof(cmd), "%s", ro->sendmail ? ro->sendmail : "/usr/sbin/sendmail");
	for (char *w = strtok_r(cmd, " \t", &save); w != NULL && n < MAX_ARGS / 2;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	if (n == 0) {
		fprintf(stderr, "secret-quarantine: --sendmail: empty command\n");
		return -1;
	}
	if (!json_object_object_get_ex(it->meta, "recipients", &a) ||
	    !json_object_is_type(a, json_type_array) || (nr = json_object_array_length(a)) == 0) {
		fprintf(stderr, "secret-quarantine: %s: the item has no recipients\n", it->id);
		return -1;
	}
	if (n + 5 + nr > MAX_ARGS + 7) {
		fprintf(stderr, "secret-quarantine: %s: too many recipients (%zu)\n", it->id, nr);
		return -1;
	}
	if (is_sendmail(ro, it) && sm_config(ro) != NULL) {
		argv[n++] = (char *)"-C";
		argv[n++] = (char *)sm_config(ro);
	}
	argv[n++] = (char *)"-G";
	argv[n++] = (char *)"-i";
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)(sender != NULL && sender[0] != '\0' ? sender : "<>");
	argv[n++] = (char *)"--";
	for (size_t i = 0; i < nr; i++)
		argv[n++] = (char *)json_object_get_string(json_object_array_get_idx(a, i));
	argv[n] = NULL;
	if (review_run(argv, msg->data ? msg->data : (const unsigned char *)"", msg->len,
		       REVIEW_CAPTURE_NONE, NULL, &status) != 0) {
		fprintf(stderr, "secret-quarantine: %s: cannot run %s\n", it->id, argv[0]);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "secret-quarantine: %s: %s failed (%s %d)\n", it->id, argv[0],
			WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
}

/* set_state - state field ("held" removes it) plus the release record */
static int set_state(review_store *st, review_item *it, const char *state,
		     const char *method)
{
	char stamp[32], user[160], who[320];
	const char *su = getenv("SUDO_USER");

	if (strcmp(state, "held") == 0) {
		json_object_object_del(it->meta, "state");
		json_object_object_del(it->meta, "release_method");
	} else {
		json_object_object_add(it->meta, "state", json_object_new_string(state));
	}
	if (strcmp(state, "released") == 0) {
		review_rfc3339(time(NULL), stamp, sizeof(stamp));
		review_real_user(user, sizeof(user));
		if (su != NULL && su[0] != '\0')
			snprintf(who, sizeof(who), "%s (sudo_user %s)", user, su);
		else
			snprintf(who, sizeof(who), "%s", user);
		json_object_object_add(it->meta, "released_at", json_object_new_string(stamp));
		json_object_object_add(it->meta, "released_by", json_object_new_string(who));
		json_object_object_add(it->meta, "release_method", json_object_new_string(method));
	}
	return review_item_write_meta(st, it);
}

/* or_q - s, or "?" for NULL */
static const char *or_q(const char *s)
{
	return s != NULL ? s : "?";
}

/* refuse_state - exit 3 for an item released or being released */
static int refuse_state(review_store *st, const review_item *it, int force)
{
	const char *state = review_item_state(it);

	if (strcmp(state, "released") == 0) {
		fprintf(stderr, "secret-quarantine: %s: already released at %s by %s (%s)\n",
			it->id, or_q(review_meta_str(it, "released_at")),
			or_q(review_meta_str(it, "released_by")),
			or_q(review_meta_str(it, "release_method")));
		review_audit(st, "release", it->id, "refused", "already-released");
		return REVIEW_REFUSED;
	}
	if (strcmp(state, "releasing") == 0 && !force) {
		fprintf(stderr, "secret-quarantine: %s: an earlier release did not finish; check "
			"the MTA log for a delivery, then use \"release --force\" or \"delete\"\n",
			it->id);
		review_audit(st, "release", it->id, "refused", "unfinished-release");
		return REVIEW_REFUSED;
	}
	return REVIEW_OK;
}

/* review_cmd_release - see the file header; exit code */
int review_cmd_release(review_store *st, const review_opts *o,
		       const review_release_opts *ro, const char *id)
{
	secm_buf eml = SECM_BUF_INIT, red = SECM_BUF_INIT;
	char qname[64], method[160], why[1200];
	const secm_buf *msg = &eml;
	const char *qid;
	review_item it;
	int rc, where, sendmail;

	rc = review_item_load(st, id, &it);
	if (rc == REVIEW_NOTFOUND) {
		fprintf(stderr, "secret-quarantine: %s: no such item\n", id);
		review_audit(st, "release", id, "not-found", NULL);
		return rc;
	}
	if (rc != REVIEW_OK)
		return rc;
	qid = item_qid(&it);
	rc = refuse_state(st, &it, ro->force);
	if (rc != REVIEW_OK)
		goto done;
	if (ro->redacted && strcmp(review_item_state(&it), "delivered-redacted") == 0) {
		fprintf(stderr, "secret-quarantine: %s: the redacted message was delivered already; "
			"release without --redacted delivers the original\n", id);
		review_audit(st, "release", id, "refused", "redacted-already-delivered");
		rc = REVIEW_USAGE;
		goto done;
	}
	rc = review_item_read_eml(st, id, &eml);
	if (rc != REVIEW_OK)
		goto done;
	if (ro->redacted) {
		if (review_mask(o, &it, &eml, &red, why, sizeof(why)) != 0) {
			fprintf(stderr, "secret-quarantine: %s: not released: %s\n", id, why);
			review_audit(st, "release", id, "failed", "cannot-redact");
			rc = REVIEW_TEMPFAIL;
			goto done;
		}
		msg = &red;
	}
	sendmail = is_sendmail(ro, &it);
	where = where_held(ro, &it, qname, sizeof(qname));
	if (where == PF_UNKNOWN) {
		review_audit(st, "release", id, "failed",
			     sendmail ? "sendmail-bp-failed" : "postqueue-failed");
		rc = REVIEW_TEMPFAIL;
		goto done;
	}
	if (where == PF_ELSEWHERE) {
		fprintf(stderr, "secret-quarantine: %s: %s has queue id %s in its %s queue "
			"already (released outside secret-quarantine?); not delivering a second copy\n",
			id, sendmail ? "Sendmail" : "Postfix", qid, qname);
		review_audit(st, "release", id, "refused",
			     sendmail ? "in-sendmail-queue" : "in-postfix-queue");
		rc = REVIEW_REFUSED;
		goto done;
	}
	if (where == PF_HOLD && sendmail && ro->redacted) {
		fprintf(stderr, "secret-quarantine: %s: Sendmail holds queue id %s in its quarantine "
			"and has no command to delete it; release without --redacted, or remove "
			"the queue files first\n", id, qid);
		review_audit(st, "release", id, "refused", "sendmail-copy-held");
		rc = REVIEW_REFUSED;
		goto done;
	}
	rc = set_state(st, &it, "releasing", NULL);
	if (rc != REVIEW_OK)
		goto done;
	if (where == PF_HOLD && sendmail) {
		snprintf(method, sizeof(method), "sendmail-unquarantine queue_id=%s", qid);
		if (sm_release(ro, qid) != 0)
			goto failed;
	} else if (where == PF_HOLD && !ro->redacted) {
		snprintf(method, sizeof(method), "postsuper-H queue_id=%s", qid);
		if (pf_super(ro, "-H", qid, NULL, "Released from hold: 1 message") == 0)
			pf_flush(ro, qid);
		else
			goto failed;
	} else {
		if (where == PF_HOLD &&
		    pf_super(ro, "-d", qid, "hold", "Deleted: 1 message") != 0) {
			snprintf(method, sizeof(method), "postsuper-d queue_id=%s", qid);
			goto failed;
		}
		snprintf(method, sizeof(method), "sendmail%s%s%s",
			 ro->redacted ? " redacted" : "",
			 where == PF_HOLD ? " hold-copy-deleted queue_id=" : "",
			 where == PF_HOLD ? qid : "");
		if (inject(ro, &it, msg) != 0)
			goto failed;
	}
	if (set_state(st, &it, "released", method) != REVIEW_OK) {
		/* delivered, but the mark did not stick: say so loudly */
		review_audit(st, "release", id, "ok-unmarked", method);
		rc = REVIEW_TEMPFAIL;
		goto done;
	}
	review_audit(st, "release", id, "ok", method);
	printf("%s: released (%s)\n", id, method);
	rc = REVIEW_OK;
	goto done;
failed:
	fprintf(stderr, "secret-quarantine: %s: not released (%s failed); the item is held again\n",
		id, method);
	set_state(st, &it, "held", NULL);
	review_audit(st, "release", id, "failed", method);
	rc = REVIEW_TEMPFAIL;
done:
	secm_buf_free(&red);
	secm_buf_free(&eml);
	review_item_free(&it);
	return rc;
}

/* drop_item - remove the hold copy (when Postfix has a matching one) and
 * the item; action names the audit line.  Exit code. */
static int drop_item(review_store *st, const review_release_opts *ro, review_item *it,
		     const char *action)
{
	char qname[64], detail[160] = "";
	int where = PF_NONE, rc;

	if (strcmp(review_item_state(it), "released") != 0)
		where = where_held(ro, it, qname, sizeof(qname));
	if (where == PF_UNKNOWN)
		fprintf(stderr, "secret-quarantine: %s: warning: the MTA's hold queue not checked\n",
			it->id);
	if (where == PF_HOLD && is_sendmail(ro, it)) {
		/* Sendmail has no delete command: its copy stays quarantined
		 * (never delivered) until an administrator removes it */
		fprintf(stderr, "secret-quarantine: %s: warning: Sendmail still holds queue id %s "
			"in its quarantine; remove its queue files to drop it\n",
			it->id, item_qid(it));
		snprintf(detail, sizeof(detail), "sendmail-copy-left queue_id=%s", item_qid(it));
	} else if (where == PF_HOLD) {
		if (pf_super(ro, "-d", item_qid(it), "hold", "Deleted: 1 message") != 0) {
			fprintf(stderr, "secret-quarantine: %s: cannot delete Postfix's hold copy %s\n",
				it->id, item_qid(it));
			review_audit(st, action, it->id, "failed", "postsuper-d");
			return REVIEW_TEMPFAIL;
		}
		snprintf(detail, sizeof(detail), "hold-copy-deleted queue_id=%s", item_qid(it));
	}
	rc = review_item_remove(st, it->id);
	review_audit(st, action, it->id, rc == REVIEW_OK ? "ok" : "failed", detail);
	return rc;
}

/* review_cmd_delete - exit code */
int review_cmd_delete(review_store *st, const review_release_opts *ro, const char *id)
{
	review_item it;
	int rc;

	rc = review_item_load(st, id, &it);
	if (rc == REVIEW_NOTFOUND) {
		fprintf(stderr, "secret-quarantine: %s: no such item\n", id);
		review_audit(st, "delete", id, "not-found", NULL);
		return rc;
	}
	if (rc != REVIEW_OK)
		return rc;
	rc = drop_item(st, ro, &it, "delete");
	if (rc == REVIEW_OK)
		printf("%s: deleted\n", id);
	review_item_free(&it);
	return rc;
}

/* review_cmd_purge - delete every item older than days; NOTFOUND when
 * there was none */
int review_cmd_purge(review_store *st, const review_release_opts *ro, double days)
{
	review_filter f = { days, -1, NULL, NULL, NULL };
	time_t now = time(NULL);
	review_item *items;
	size_t n, purged = 0;
	int rc, worst = REVIEW_OK;

	rc = review_items_load(st, &items, &n);
	if (rc != REVIEW_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!review_filter_match(&f, &items[i], now))
			continue;
		rc = drop_item(st, ro, &items[i], "purge");
		if (rc == REVIEW_OK)
			purged++;
		else if (rc != REVIEW_NOTFOUND)
			worst = rc;
	}
	review_items_free(items, n);
	printf("purged %zu item%s\n", purged, purged == 1 ? "" : "s");
	if (worst != REVIEW_OK)
		return worst;
	return purged > 0 ? REVIEW_OK : REVIEW_NOTFOUND;
}
