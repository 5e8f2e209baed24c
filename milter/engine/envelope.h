/*
 * envelope.h - what the MTA told us about a message besides its bytes.
 * All strings are borrowed; the engine never logs sender or recipients.
 */
#ifndef SECM_ENVELOPE_H
#define SECM_ENVELOPE_H

#include <stddef.h>

typedef struct secm_envelope {
	const char *queue_id;	/* "NOQUEUE" when unknown */
	const char *sender;	/* envelope from, without <> ("" for null sender) */
	const char *const *rcpts; /* envelope recipients, without <> */
	size_t nrcpts;
	const char *client_addr; /* may be NULL */
	const char *client_name; /* may be NULL */
	const char *mta;	/* "postfix", "sendmail" or NULL: which MTA holds
				   a quarantined copy (stored for the review tool) */
} secm_envelope;

#endif
