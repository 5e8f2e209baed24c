/*
 * glue.h - the libmilter callbacks (mlfi_*): collect each message, hand it
 * to secm_inspect(), apply the verdict with smfi_* calls.
 *
 * The glue owns the daemon's current snapshot pointer (a mutex guards the
 * swap; each message takes its own reference at MAIL FROM and keeps it to
 * the end of the message, so a reload never changes rules mid-message).
 */
#ifndef SECM_GLUE_H
#define SECM_GLUE_H

#include "snapshot.h"

/* what a reload rebuilds from: the same -c and -P as at start-up */
typedef struct secm_glue_source {
	const char *config_path;	/* NULL = built-in defaults */
	const char *pattern_dir;	/* NULL = the config's PatternDirectory */
} secm_glue_source;

/* secm_glue_register - smfi_register with our callbacks and flags, and raise
 * libmilter's command size limit; snap becomes the current snapshot (the
 * caller's reference is taken over).  0 or -1 (smfi_register failed). */
int secm_glue_register(secm_snapshot *snap);

/* secm_glue_reload - build a new snapshot from *(secm_glue_source *)arg and
 * make it current; on failure log why and keep the old one.  Called from
 * the SIGUSR1 thread. */
void secm_glue_reload(void *arg);

/* secm_glue_shutdown - drop the current snapshot (after smfi_main) */
void secm_glue_shutdown(void);

#endif
