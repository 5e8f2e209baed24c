/*
 * policy.c - findings + envelope -> action (see policy.h).
 *
 * A recipient is internal when the domain after its last '@' equals one of
 * InternalDomains (case-insensitive, a trailing dot ignored; subdomains
 * only when listed).  A recipient without '@' (a local mailbox such as
 * "postmaster") is delivered locally and counts as internal.  Mail is
 * internal when it has recipients and all of them are internal.
 *
 * Each finding maps by severity through the internal or external table and
 * the strongest action wins: accept < tag < redact < quarantine < reject.
 * Findings never yield tempfail (that is for failures): a table entry
 * stronger than reject is capped to reject, and an out-of-range severity
 * is treated as critical.
 *
 * Threading: pure functions of their arguments.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "policy.h"

/* domain_is_internal - d (length n) equals one of the configured domains */
static int domain_is_internal(const secm_config *c, const char *d, size_t n)
{
	if (n > 0 && d[n - 1] == '.')
		n--;
	for (size_t i = 0; i < c->n_internal_domains; i++) {
		const char *x = c->internal_domains[i];

		if (x != NULL && strlen(x) == n && strncasecmp(x, d, n) == 0)
			return 1;
	}
	return 0;
}

/* secm_policy_is_internal - 1 when every recipient's domain is internal */
int secm_policy_is_internal(const secm_config *c, const secm_envelope *env)
{
	if (env == NULL || env->nrcpts == 0 || env->rcpts == NULL)
		return 0;
	for (size_t i = 0; i < env->nrcpts; i++) {
		const char *r = env->rcpts[i];
		const char *at;

		if (r == NULL)
			return 0;
		at = strrchr(r, '@');
		if (at == NULL)
			continue;	/* local mailbox */
		if (!domain_is_internal(c, at + 1, strlen(at + 1)))
			return 0;
	}
	return 1;
}

/* secm_policy_decide - strongest action of the findings; accept for none */
secm_action secm_policy_decide(const secm_config *c, const secm_envelope *env,
			       const secm_finding *f, size_t n)
{
	const secm_action *table;
	secm_action best = SECM_ACT_ACCEPT;

	if (n == 0 || f == NULL)
		return SECM_ACT_ACCEPT;
	table = secm_policy_is_internal(c, env) ? c->internal_action :
						  c->external_action;
	for (size_t i = 0; i < n; i++) {
		unsigned sev = (unsigned)f[i].severity;
		secm_action a;

		if (sev >= SECM_SEV_COUNT)
			sev = SECM_SEV_CRITICAL;
		a = table[sev];
		if (a > SECM_ACT_REJECT)
			a = SECM_ACT_REJECT;
		if (a > best)
			best = a;
	}
	return best;
}
