/*
 * log.h - logging to syslog (LOG_MAIL by default) or stderr.
 * Every line starts with the queue id ("NOQUEUE" before it exists).
 * Callers pass metadata only; nothing here ever receives a secret value.
 */
#ifndef SECM_LOG_H
#define SECM_LOG_H

#include <syslog.h>

/* secm_log_open - ident, use_syslog (else stderr), facility name ("mail");
 * call at start-up before threads; SECM_ECONFIG for an unknown facility.
 * Until it is called, lines go to stderr. */
int secm_log_open(const char *ident, int use_syslog, const char *facility);
/* secm_log_facility - LOG_* facility for a name ("mail", "local0"), -1 if
 * unknown */
int secm_log_facility(const char *name);
/* secm_log - priority is a LOG_* level; one line "QUEUEID: text" (queue_id
 * NULL or "" gives NOQUEUE); control characters in text become '?'; stderr
 * lines start with an RFC 3339 UTC timestamp and "ident[pid]: " */
void secm_log(int priority, const char *queue_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* secm_log_close - close syslog; later lines go to stderr */
void secm_log_close(void);

#endif
