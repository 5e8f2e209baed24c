/*
 * log.c - logging to syslog or stderr (see log.h).
 *
 * Every line is "QUEUEID: text".  On stderr it is preceded by an RFC 3339
 * UTC timestamp and "ident[pid]: ", and written with one fwrite under the
 * stream lock, so lines from different threads never interleave.  Control
 * characters in the text (CR, LF, ESC...) become '?' so that no caller can
 * forge or break log lines.
 *
 * Threading: secm_log may be called from any thread.  secm_log_open and
 * secm_log_close set the destination and belong to start-up and shutdown,
 * before and after the worker threads; the mode they set is only read.
 * Before secm_log_open, lines go to stderr.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "log.h"

#define LINE_MAX_TEXT 2048

static int log_to_syslog;	/* written only by open/close (start-up) */
static char log_ident[64] = "secret-milter";

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* secm_log_facility - LOG_* facility for a name ("mail"), -1 if unknown */
int secm_log_facility(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].facility;
	return -1;
}

/* secm_log_open - choose syslog (with facility) or stderr */
int secm_log_open(const char *ident, int use_syslog, const char *facility)
{
	int fac = LOG_MAIL;

	if (use_syslog && facility != NULL && *facility != '\0') {
		fac = secm_log_facility(facility);
		if (fac < 0)
			return SECM_ECONFIG;
	}
	snprintf(log_ident, sizeof(log_ident), "%s",
		 ident != NULL && *ident != '\0' ? ident : "secret-milter");
	log_to_syslog = use_syslog != 0;
	if (log_to_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, fac);
	return SECM_OK;
}

/* secm_log_close - close syslog; later lines go to stderr */
void secm_log_close(void)
{
	if (log_to_syslog)
		closelog();
	log_to_syslog = 0;
}

/* sanitize - control characters to '?' (UTF-8 bytes stay) */
static void sanitize(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* secm_log - one line "QUEUEID: text" at priority */
void secm_log(int priority, const char *queue_id, const char *fmt, ...)
{
	char text[LINE_MAX_TEXT], qid[64], line[LINE_MAX_TEXT + 256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(text, sizeof(text), "(bad log format)");
	else if ((size_t)n >= sizeof(text))
		memcpy(text + sizeof(text) - 4, "...", 4);
	sanitize(text);
	snprintf(qid, sizeof(qid), "%s",
		 queue_id != NULL && *queue_id != '\0' ? queue_id : "NOQUEUE");
	sanitize(qid);
	if (log_to_syslog) {
		syslog(priority & LOG_PRIMASK, "%s: %s", qid, text);
	} else {
		struct timespec ts;
		struct tm tm;
		char stamp[32] = "";
		size_t len;

		clock_gettime(CLOCK_REALTIME, &ts);
		if (gmtime_r(&ts.tv_sec, &tm) != NULL)
			strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		n = snprintf(line, sizeof(line), "%s %s[%ld]: %s: %s\n", stamp,
			     log_ident, (long)getpid(), qid, text);
		if (n < 0)
			return;
		len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
		line[len - 1] = '\n';
		flockfile(stderr);
		fwrite(line, 1, len, stderr);
		fflush(stderr);
		funlockfile(stderr);
	}
}
