/*
 * inspect.h - the single entry point: raw message + envelope + snapshot in;
 * findings, verdict and (when redacting) output bytes out.  The libmilter
 * glue, the command-line modes, the tests and the fuzzers all call this and
 * nothing else of the pipeline: walk, scan, decide, redact.
 */
#ifndef SECM_INSPECT_H
#define SECM_INSPECT_H

#include <stddef.h>
#include "action.h"
#include "buf.h"
#include "envelope.h"
#include "finding.h"
#include "redact.h"
#include "snapshot.h"

enum {
	SECM_INSPECT_FORCE_REDACT = 1 << 0  /* --redact: redact every finding
					       whatever the policy says */
};

typedef struct secm_result {
	secm_action action;	/* what to do with the message */
	int status;		/* 0, or the SECM_E* that forced a failure action */
	char reason[256];	/* short cause for logs/replies: rule ids, limit name;
				   never a secret */
	secm_finding *findings;
	size_t nfindings;
	size_t nunits;		/* units scanned */
	secm_redaction redaction; /* filled when action == SECM_ACT_REDACT */
	char header[512];	/* value for the X-Secret-Milter: header */
	char reply[512];	/* SMTP reply text for reject/tempfail (no code),
				   '%' not yet doubled */
} secm_result;

/* secm_inspect - res is zeroed by the caller.  Never fails without setting
 * res->action (failures become snapshot's OnFailure); returns the status
 * too so callers can log it. */
int secm_inspect(const secm_snapshot *snap, const unsigned char *raw,
		 size_t len, const secm_envelope *env, unsigned int flags,
		 secm_result *res);

/* secm_result_free - frees findings and redaction; NULL is fine */
void secm_result_free(secm_result *res);

#endif
