/*
 * action.c - names of the verdicts (see action.h).
 */
#include "autoconfig.h"

#include <strings.h>

#include "action.h"

static const char *const action_names[] = {
	"accept", "tag", "redact", "quarantine", "reject", "tempfail"
};

/* secm_action_name - "accept", "tag", ... */
const char *secm_action_name(secm_action a)
{
	if ((unsigned)a >= sizeof(action_names) / sizeof(action_names[0]))
		return "unknown";
	return action_names[a];
}

/* secm_action_parse - 0 and *out set, -1 for an unknown word */
int secm_action_parse(const char *word, secm_action *out)
{
	for (unsigned i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcasecmp(word, action_names[i]) == 0) {
			*out = (secm_action)i;
			return 0;
		}
	}
	return -1;
}
