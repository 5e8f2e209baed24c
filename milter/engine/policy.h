/*
 * policy.h - findings + envelope -> action.
 *
 * Mail whose recipients are all in InternalDomains uses the internal table,
 * anything else the external one; each finding maps by severity to an
 * action and the strongest action wins.
 */
#ifndef SECM_POLICY_H
#define SECM_POLICY_H

#include <stddef.h>
#include "action.h"
#include "config.h"
#include "envelope.h"
#include "finding.h"

/* secm_policy_is_internal - 1 when every recipient's domain is internal
 * (case-insensitive, subdomains do not count unless listed); 0 when there
 * are no recipients */
int secm_policy_is_internal(const secm_config *c, const secm_envelope *env);

/* secm_policy_decide - SECM_ACT_ACCEPT when n == 0 */
secm_action secm_policy_decide(const secm_config *c, const secm_envelope *env,
			       const secm_finding *f, size_t n);

#endif
