/*
 * finding.h - one secret found in one unit of a message: metadata only.
 * A finding never holds the secret value: only where it is and a keyed
 * fingerprint of it.
 */
#ifndef SECM_FINDING_H
#define SECM_FINDING_H

#include <stddef.h>
#include "rules.h"

typedef struct secm_finding {
	const char *rule_id;	/* borrowed from the rule set */
	secm_severity severity;
	size_t rule;		/* index into the rule set */
	size_t unit;		/* index into the walk's units */
	char part[64];		/* MIME part path, "subject" */
	size_t start, end;	/* byte range in the unit's scanned text */
	char fingerprint[17];	/* 16 hex chars of HMAC-SHA256(key, value) */
} secm_finding;

#endif
