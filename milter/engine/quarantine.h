/*
 * quarantine.h - our own store of held messages.
 *
 * One item per message under QuarantineDirectory (0700): ID.eml (the
 * original bytes) and ID.json (envelope, queue id, time, action, reason,
 * findings as rule id + part + offsets + fingerprint; never a value).  Each
 * file is written to a temp name, fsync'd and renamed, mode 0600; the .json
 * is renamed last, so an item is complete once its .json exists.
 */
#ifndef SECM_QUARANTINE_H
#define SECM_QUARANTINE_H

#include <stddef.h>
#include <time.h>
#include "action.h"
#include "envelope.h"
#include "error.h"
#include "finding.h"

/* secm_quarantine_store - write one item; id_out (>= 64 bytes) gets the
 * item id ("20261126T015000Z-<queueid>-<random>") */
int secm_quarantine_store(const char *dir, const unsigned char *raw, size_t len,
			  const secm_envelope *env, secm_action action,
			  const char *reason, const secm_finding *f, size_t n,
			  time_t when, char *id_out, size_t id_len,
			  secm_error *err);

#endif
