/*
 * action.h - the verdicts a message can get, ordered by strength.
 */
#ifndef SECM_ACTION_H
#define SECM_ACTION_H

typedef enum secm_action {
	SECM_ACT_ACCEPT = 0,	/* deliver, header only says "clean" / what was seen */
	SECM_ACT_TAG,		/* deliver unchanged, header lists the findings */
	SECM_ACT_REDACT,	/* deliver with secrets replaced */
	SECM_ACT_QUARANTINE,	/* MTA hold + copy in our store */
	SECM_ACT_REJECT,	/* 5xx */
	SECM_ACT_TEMPFAIL	/* 4xx: used for failures, never loses mail */
} secm_action;

/* secm_action_name - "accept", "tag", ... */
const char *secm_action_name(secm_action a);
/* secm_action_parse - 0 and *out set, -1 for an unknown word */
int secm_action_parse(const char *word, secm_action *out);

#endif
