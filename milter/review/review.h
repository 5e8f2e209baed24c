/*
 * review.h - secret-quarantine, the review tool for the quarantine store
 * that milter/engine/quarantine.c writes (internal to the tool).
 *
 * Design: one item is DIR/ID.eml (the original bytes) plus DIR/ID.json
 * (metadata, never a secret value); an item exists once its .json exists.
 * The tool adds three things to the store: DIR/.lock (flock: shared for
 * list/show, exclusive for release/delete/purge), DIR/audit.log (one
 * appended line per action) and a "state" field in the .json ("releasing"
 * while a release runs, then "released"), rewritten atomically.  An item
 * without "state" is "held", or "delivered-redacted" when its action is
 * redact (KeepRedactedOriginal: the redacted copy went out, the original
 * waits here in case it was a false positive).
 * Which MTA holds the message: "mta" in the .json, else the "mta=postfix"
 * or "mta=sendmail" word the milter appends to "reason" (it tells the MTAs
 * apart by their macros); without either Sendmail when a Sendmail config
 * is given (--sendmail-config, SECM_SENDMAIL_CF), else Postfix.
 *
 * Pieces: review_store.c (items, lock, state), review_list.c (list),
 * review_show.c (show, masked through secm_inspect), review_audit.c,
 * review_exec.c (run a command without a shell), review_release.c
 * (Postfix hold queue, Sendmail quarantine, sendmail(1) re-injection,
 * delete/purge).
 *
 * Threading: a single-threaded command-line program.
 */
#ifndef SECM_REVIEW_H
#define SECM_REVIEW_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <json.h>

#include "buf.h"
#include "error.h"

/* exit codes, documented in secret-quarantine(8) */
enum {
	REVIEW_OK = 0,		/* done */
	REVIEW_NOTFOUND = 1,	/* no such item, nothing matched, nothing to do */
	REVIEW_USAGE = 2,	/* bad command line or item id */
	REVIEW_REFUSED = 3,	/* already released, or the store is locked */
	REVIEW_TEMPFAIL = 75	/* EX_TEMPFAIL: I/O, MTA or masking failure */
};

#define REVIEW_ID_MAX 64

/* the store, opened by review_store_open */
typedef struct review_store {
	const char *dir;	/* borrowed path */
	int dfd;		/* O_DIRECTORY descriptor */
	int lockfd;		/* DIR/.lock, -1 until review_store_lock */
	int auditfd;		/* audit log, -1 until review_audit_open */
	char audit_path[4096];
} review_store;

/* one item: its id, parsed metadata and the time from the metadata */
typedef struct review_item {
	char id[REVIEW_ID_MAX];
	struct json_object *meta;	/* owned */
	time_t when;
} review_item;

/* review_filter - what list and purge select (zero = everything) */
typedef struct review_filter {
	double older_days;	/* < 0: unset */
	double newer_days;	/* < 0: unset */
	const char *rule;
	const char *sender;
	const char *recipient;
} review_filter;

/* options shared by every command */
typedef struct review_opts {
	const char *config_path;	/* -c */
	const char *dir;		/* -d, or the config's QuarantineDirectory */
	const char *pattern_dir;	/* -P */
	const char *audit_path;		/* -a, default DIR/audit.log */
	int wait_secs;			/* -w: how long to wait for the lock */
} review_opts;

/* review_store.c */
int review_id_valid(const char *id);
int review_store_open(review_store *st, const char *dir);
void review_store_close(review_store *st);
int review_store_lock(review_store *st, int exclusive, int wait_secs);
int review_item_load(review_store *st, const char *id, review_item *it);
void review_item_free(review_item *it);
void review_items_free(review_item *items, size_t n);
int review_items_load(review_store *st, review_item **out, size_t *n);
int review_filter_match(const review_filter *f, const review_item *it, time_t now);
int review_item_read_eml(review_store *st, const char *id, secm_buf *b);
int review_item_write_meta(review_store *st, review_item *it);
int review_item_remove(review_store *st, const char *id);
const char *review_meta_str(const review_item *it, const char *key);
const char *review_item_state(const review_item *it);
time_t review_parse_time(const char *s);
void review_rfc3339(time_t t, char *buf, size_t len);
void review_print_safe(FILE *fp, const char *s);

/* review_audit.c */
int review_audit_open(review_store *st, const char *path);
int review_audit(review_store *st, const char *action, const char *id,
		 const char *result, const char *detail);
const char *review_real_user(char *buf, size_t len);

/* review_exec.c */
enum { REVIEW_CAPTURE_NONE = 0, REVIEW_CAPTURE_STDOUT = 1, REVIEW_CAPTURE_STDERR = 2 };
int review_run(char *const argv[], const unsigned char *in, size_t inlen,
	       int capture, secm_buf *out, int *status);
const char *review_find_program(const char *name, char *buf, size_t len);

/* commands */
int review_cmd_list(review_store *st, const review_filter *f, int json);
int review_cmd_show(review_store *st, const review_opts *o, const char *id, int raw);
typedef struct review_release_opts {
	int redacted;			/* --redacted */
	int force;			/* --force: ignore an unfinished release */
	int no_postfix;			/* --no-postfix: skip the hold queue */
	const char *sendmail;		/* --sendmail CMD */
	const char *postfix_config;	/* --postfix-config DIR / SECM_POSTFIX_CONFIG */
	const char *sendmail_config;	/* --sendmail-config CF / SECM_SENDMAIL_CF */
} review_release_opts;
int review_cmd_release(review_store *st, const review_opts *o,
		       const review_release_opts *ro, const char *id);
int review_cmd_delete(review_store *st, const review_release_opts *ro, const char *id);
int review_cmd_purge(review_store *st, const review_release_opts *ro, double days);

/* review_show.c: the redacted message for release --redacted */
int review_mask(const review_opts *o, const review_item *it,
		const secm_buf *raw, secm_buf *out, char *why, size_t whylen);

#endif
