/*
 * notify.h - notices to the sender (and a security copy) when a message
 * was rejected, held or redacted: which rules, which parts, the reference
 * id and what to do next, never the secret.
 *
 * Who gets one (secm_notify_recipients): the envelope sender when
 * NotifySender is yes and the action is in NotifyOn, except for the null
 * sender, MAILER-DAEMON, auto-submitted mail (RFC 3834: Auto-Submitted
 * other than "no"), Precedence bulk/list/junk and list mail (List-Id);
 * NotifySecurityCopy for every action in NotifyOn.  A message that is
 * itself one of our notices (null sender, Auto-Submitted: auto-generated
 * and X-Secret-Milter-Notice) gets nothing: no notice is ever scanned
 * into another notice.
 *
 * The notice (secm_notify_build) is plain text, UTF-8, with
 * Auto-Submitted: auto-generated and X-Secret-Milter-Notice: yes; it goes
 * out through "SendmailCommand -G -i -f <> -- RCPT..." (secm_notify_send)
 * so a bounce of a notice goes nowhere.
 *
 * Threading: build and the decisions are pure; send hands the job to a
 * detached thread (the eom callback never waits for sendmail), counted
 * so that secm_notify_drain can wait for them at shutdown.
 */
#ifndef SECM_NOTIFY_H
#define SECM_NOTIFY_H

#include <stddef.h>
#include <time.h>
#include "action.h"
#include "buf.h"
#include "config.h"
#include "envelope.h"
#include "finding.h"

#define SECM_NOTICE_HEADER "X-Secret-Milter-Notice"
#define SECM_NOTIFY_TIMEOUT 60		/* seconds a sendmail may run */
#define SECM_NOTIFY_MAX_INFLIGHT 32	/* more at once are dropped (logged) */

/* what one notice is about (all borrowed) */
typedef struct secm_notice {
	secm_action action;		/* reject, quarantine or redact */
	const char *reference;		/* store item id, else the queue id */
	int original_kept;		/* redact: the original is in the store */
	const secm_envelope *env;	/* queue id and recipients */
	const secm_finding *findings;
	size_t nfindings;
	const char *from;		/* From: address */
	const char *to;			/* To: address (sender or security copy) */
	const char *language;		/* "en" or "ja" (NULL: en) */
	const char *hostname;		/* for the text and the Message-ID */
	time_t when;
} secm_notice;

/* secm_notify_wanted - 1 when action a is in the comma list notify_on */
int secm_notify_wanted(const char *notify_on, secm_action a);

/* secm_notify_is_notice - 1 when raw is one of our own notices: null
 * sender, Auto-Submitted: auto-generated and the SECM_NOTICE_HEADER */
int secm_notify_is_notice(const unsigned char *raw, size_t len, const char *sender);

/* secm_notify_skip_sender - why the sender gets no notice ("null-sender",
 * "mailer-daemon", "auto-submitted", "precedence", "list-mail"), or NULL
 * when it may get one */
const char *secm_notify_skip_sender(const unsigned char *raw, size_t len,
				    const char *sender);

/* secm_notify_header - value of the first header field name of raw
 * (unfolded, trimmed, control characters blanked) into buf; 1 found, 0 not */
int secm_notify_header(const unsigned char *raw, size_t len, const char *name,
		       char *buf, size_t buflen);

/* secm_notify_build - the whole notice (header and body, LF line ends)
 * into out (appended); SECM_OK or SECM_ENOMEM/SECM_EINTERNAL */
int secm_notify_build(const secm_notice *n, secm_buf *out);

/* secm_notify_send - run "command -G -i -f <> -- rcpts..." (command split
 * at spaces, no shell) with msg on its stdin, in a detached thread; the
 * outcome is logged under queue_id.  0 when handed off, -1 (why filled)
 * when it could not be: bad command, too many in flight, no thread. */
int secm_notify_send(const char *command, const char *const *rcpts, size_t nrcpts,
		     const unsigned char *msg, size_t len, const char *queue_id,
		     char *why, size_t whylen);

/* secm_notify_drain - wait up to secs for notices in flight; returns how
 * many are still running */
int secm_notify_drain(int secs);

/* secm_notify_message - the whole step for one verdict: decide who gets a
 * notice (cfg, raw headers, envelope), build it, send it.  what gets a
 * short log word list ("notice=sent to=sender,security", "notice=none
 * reason=null-sender"), never an address.  Returns 0, or -1 when a notice
 * was due but could not be sent (what says why). */
int secm_notify_message(const secm_config *cfg, secm_action action,
			const secm_finding *f, size_t n, const secm_envelope *env,
			const unsigned char *raw, size_t len, const char *reference,
			int original_kept, char *what, size_t whatlen);

#endif
