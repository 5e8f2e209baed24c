/*
 * snapshot.h - configuration plus compiled rules plus fingerprint key: one
 * immutable, reference-counted bundle.  The daemon keeps a pointer to the
 * current one; a reload builds a new one and swaps it, a failed reload keeps
 * the old one.  Each message holds a reference for its whole life.
 */
#ifndef SECM_SNAPSHOT_H
#define SECM_SNAPSHOT_H

#include "config.h"
#include "error.h"
#include "fingerprint.h"
#include "rules.h"

typedef struct secm_snapshot {
	secm_config config;
	secm_ruleset *rules;
	secm_fpkey fpkey;
	int refs;		/* atomic */
} secm_snapshot;

/* secm_snapshot_build - config file (NULL = built-in defaults), then the
 * rules from its PatternDirectory (pattern_dir overrides when non-NULL) */
int secm_snapshot_build(const char *config_path, const char *pattern_dir,
			secm_snapshot **out, secm_error *err);
/* secm_default_pattern_dir - built-in PatternDirectory: the installed
 * patterns, or the source tree's when the program runs from its build tree */
const char *secm_default_pattern_dir(void);
/* secm_snapshot_ref / secm_snapshot_unref - NULL is fine for unref */
secm_snapshot *secm_snapshot_ref(secm_snapshot *s);
void secm_snapshot_unref(secm_snapshot *s);

#endif
