/*
 * log.h - logging to syslog (LOG_MAIL by default) or stderr.
 * Every line starts with the queue id ("NOQUEUE" before it exists).
 * Callers pass metadata only; nothing here ever receives a secret value.
 */
#ifndef SECM_LOG_H
#define SECM_LOG_H

#include <syslog.h>

/* secm_log_open - ident, use_syslog (else stderr), facility name ("mail") */
int secm_log_open(const char *ident, int use_syslog, const char *facility);
/* secm_log - priority is a LOG_* level */
void secm_log(int priority, const char *queue_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void secm_log_close(void);

#endif
