/*
 * fuzz_inspect.c - fuzz the whole engine through its single entry point.
 *
 * Each input is a raw message handed to secm_inspect() with the real rules
 * of the source tree's patterns/ (SECM_SRC_PATTERNDIR, or the directory in
 * $SECM_FUZZ_PATTERNS) and the built-in default configuration, so the MIME
 * walk, charset decoding, HTML rendering, the scan, the policy and the
 * redaction all run on hostile bytes.  Half of the inputs (chosen by a hash
 * of the bytes, so a crash reproduces from the file alone) are inspected
 * with SECM_INSPECT_FORCE_REDACT, so redaction runs whenever something is
 * found.  The result is then checked against the contract of inspect.h;
 * a broken invariant is an abort().
 *
 * With SECM_FUZZ_DEBUG=1 each input prints its verdict (metadata only).
 * With SECM_FUZZ_RESCAN=1 in the environment, a redacted message is
 * inspected once more and must come out without findings (a secret that
 * survives redaction, or a placeholder that looks like a secret).  This is
 * off by default: it states a property of the rules as much as of the code.
 *
 * Threading: a fuzz harness is single-threaded; the snapshot is built on
 * the first input and kept (freed at exit so leak checkers stay quiet).
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "inspect.h"
#include "mime_walk.h"

static secm_snapshot *snap;	/* built once, read-only afterwards */
static int rescan;		/* $SECM_FUZZ_RESCAN set */
static int debug;		/* $SECM_FUZZ_DEBUG set: one line per input */

/* free_snapshot - atexit hook: drop the snapshot */
static void free_snapshot(void)
{
	secm_snapshot_unref(snap);
	snap = NULL;
}

/* get_snapshot - the shared snapshot, built on first use; aborts when the
 * patterns cannot be loaded (a harness setup error, not a finding) */
static const secm_snapshot *get_snapshot(void)
{
	const char *dir;
	const char *env;
	secm_error err;
	char msg[1024];

	if (snap != NULL)
		return snap;
	secm_mime_init();
	dir = getenv("SECM_FUZZ_PATTERNS");
	if (dir == NULL || *dir == '\0')
		dir = SECM_SRC_PATTERNDIR;
	secm_error_clear(&err);
	if (secm_snapshot_build(NULL, dir, &snap, &err) != SECM_OK) {
		fprintf(stderr, "fuzz_inspect: cannot build snapshot from %s: %s\n",
			dir, secm_error_format(&err, msg, sizeof(msg)));
		abort();
	}
	env = getenv("SECM_FUZZ_RESCAN");
	rescan = env != NULL && *env != '\0' && strcmp(env, "0") != 0;
	env = getenv("SECM_FUZZ_DEBUG");
	debug = env != NULL && *env != '\0' && strcmp(env, "0") != 0;
	atexit(free_snapshot);
	return snap;
}

/* input_bit - one stable bit of the input (FNV-1a), so the same file is
 * always inspected the same way */
static unsigned int input_bit(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return (h >> 7) & 1;
}

/* terminated - 1 when a fixed char array holds a NUL */
static int terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/* is_hex16 - 1 when s is exactly 16 lowercase or uppercase hex digits */
static int is_hex16(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return 0;
	}
	return i == 16;
}

/* check_result - the invariants of inspect.h on one result */
static void check_result(const secm_result *res, int rc, unsigned int flags)
{
	const secm_buf *msg = &res->redaction.message;
	const secm_buf *body = &res->redaction.body;

	secm_fuzz_check(rc == res->status, "return value equals res.status");
	secm_fuzz_check(rc <= 0, "status is 0 or a negative SECM_E code");
	secm_fuzz_check(res->action >= SECM_ACT_ACCEPT &&
			res->action <= SECM_ACT_TEMPFAIL, "action is a secm_action");
	secm_fuzz_check(res->nfindings == 0 || res->findings != NULL,
			"findings present when nfindings > 0");
	for (size_t i = 0; i < res->nfindings; i++) {
		const secm_finding *f = &res->findings[i];

		secm_fuzz_check(f->start <= f->end, "finding start <= end");
		secm_fuzz_check(f->rule_id != NULL && f->rule_id[0] != '\0',
				"finding has a rule id");
		secm_fuzz_check(f->severity >= SECM_SEV_LOW &&
				f->severity <= SECM_SEV_CRITICAL,
				"finding severity is a secm_severity");
		secm_fuzz_check(terminated(f->part, sizeof(f->part)),
				"finding part path is terminated");
		secm_fuzz_check(terminated(f->fingerprint, sizeof(f->fingerprint)) &&
				is_hex16(f->fingerprint),
				"fingerprint is 16 hex digits");
	}
	secm_fuzz_check(terminated(res->reason, sizeof(res->reason)) &&
			res->reason[0] != '\0', "reason is set and terminated");
	secm_fuzz_check(terminated(res->header, sizeof(res->header)) &&
			res->header[0] != '\0', "header is set and terminated");
	secm_fuzz_check(terminated(res->reply, sizeof(res->reply)),
			"reply is terminated");
	if (res->action == SECM_ACT_REDACT) {
		secm_fuzz_check(msg->data != NULL && msg->len > 0,
				"redacted message is not empty");
		secm_fuzz_check(body->len <= msg->len &&
				(body->len == 0 ||
				 memcmp(msg->data + (msg->len - body->len),
					body->data, body->len) == 0),
				"redaction body is a suffix of redaction message");
		secm_fuzz_check(res->nfindings > 0 || res->status != SECM_OK,
				"redact verdict comes with a finding");
	} else {
		secm_fuzz_check(msg->len == 0 && body->len == 0 &&
				res->redaction.subject == NULL,
				"no redaction output unless the action is redact");
	}
	/* --redact: every finding is redacted unless the scan failed */
	if ((flags & SECM_INSPECT_FORCE_REDACT) && res->nfindings > 0 &&
	    res->status == SECM_OK)
		secm_fuzz_check(res->action == SECM_ACT_REDACT ||
				res->action == SECM_ACT_TEMPFAIL,
				"forced redaction redacts (or holds) the message");
}

/* check_rescan - the redacted message must have nothing left to find */
static void check_rescan(const secm_snapshot *s, const secm_envelope *env,
			 const secm_result *res)
{
	secm_result again;
	int rc;

	memset(&again, 0, sizeof(again));
	rc = secm_inspect(s, res->redaction.message.data,
			  res->redaction.message.len, env, 0, &again);
	check_result(&again, rc, 0);
	if (again.nfindings > 0)
		fprintf(stderr, "fuzz_inspect: rescan found %s in part %s\n",
			again.findings[0].rule_id, again.findings[0].part);
	secm_fuzz_check(again.nfindings == 0,
			"a redacted message has no findings left");
	secm_result_free(&again);
}

/* LLVMFuzzerTestOneInput - inspect data as one raw message */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const rcpts[] = { "someone@example.net" };
	const secm_envelope env = {
		.queue_id = "FUZZ", .sender = "sender@example.org",
		.rcpts = rcpts, .nrcpts = 1,
		.client_addr = "192.0.2.1", .client_name = "fuzz.example.org"
	};
	const secm_snapshot *s = get_snapshot();
	unsigned int flags = input_bit(data, size) ? SECM_INSPECT_FORCE_REDACT : 0;
	secm_result res;
	int rc;

	memset(&res, 0, sizeof(res));
	rc = secm_inspect(s, data, size, &env, flags, &res);
	check_result(&res, rc, flags);
	if (debug)	/* metadata only: rule ids and part paths, never text */
		fprintf(stderr, "fuzz_inspect: %s%s status=%d units=%zu findings=%zu"
			" redacted=%zu bytes; %s\n", secm_action_name(res.action),
			flags ? " (forced redact)" : "", res.status, res.nunits,
			res.nfindings, res.redaction.message.len, res.reason);
	if (rescan && res.action == SECM_ACT_REDACT)
		check_rescan(s, &env, &res);
	secm_result_free(&res);
	return 0;
}
