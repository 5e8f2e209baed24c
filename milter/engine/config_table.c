/*
 * config_table.c - every configuration key of secret-milter, one row each.
 *
 * This table is the single source for the parser, the defaults, the -n
 * dump, the sample file conf/secret-milter.conf (written by
 * secm_config_write_sample and compared with it by test_config) and the
 * man page secret-milter.conf(5) (test_config checks that every key and
 * its default are documented there).  To add a key: add the field to
 * secm_config, a row here, and an entry in the man page; then regenerate
 * the sample (test_config writes it to the build tree when it differs).
 *
 * Policy defaults: mail leaving the internal domains is treated more
 * strictly than mail that stays inside.  External: critical -> reject (a
 * private key or a cloud root credential must not leave at all), high and
 * medium -> redact (deliver without the value), low -> tag.  Internal:
 * critical and high -> redact (credentials should not sit in mailboxes
 * either), medium and low -> tag.
 *
 * The string checks below are pure functions of their argument.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "config_table.h"

/* check_absolute - paths must be absolute: the daemon changes directory */
static int check_absolute(const char *v, char *why, size_t len)
{
	if (v[0] != '/') {
		snprintf(why, len, "must be an absolute path");
		return -1;
	}
	return 0;
}

/* check_port - "PORT" is a decimal number 1..65535 */
static int check_port(const char *p, size_t n)
{
	unsigned long port = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		port = port * 10 + (unsigned long)(p[i] - '0');
	}
	return port >= 1 && port <= 65535 ? 0 : -1;
}

/* check_socket - unix:/path, local:/path, inet:PORT[@HOST], inet6:PORT[@HOST] */
static int check_socket(const char *v, char *why, size_t len)
{
	const char *rest, *at;

	if (strncasecmp(v, "unix:", 5) == 0 || strncasecmp(v, "local:", 6) == 0) {
		rest = strchr(v, ':') + 1;
		if (rest[0] != '/') {
			snprintf(why, len, "a unix socket needs an absolute path (unix:/run/secret-milter/milter.sock)");
			return -1;
		}
		return 0;
	}
	if (strncasecmp(v, "inet:", 5) == 0)
		rest = v + 5;
	else if (strncasecmp(v, "inet6:", 6) == 0)
		rest = v + 6;
	else {
		snprintf(why, len, "expected inet:PORT@HOST, inet6:PORT@HOST or unix:PATH");
		return -1;
	}
	at = strchr(rest, '@');
	if (check_port(rest, at ? (size_t)(at - rest) : strlen(rest)) != 0) {
		snprintf(why, len, "port must be a number from 1 to 65535");
		return -1;
	}
	if (at != NULL && (at[1] == '\0' || strpbrk(at + 1, " \t") != NULL)) {
		snprintf(why, len, "missing or bad host after '@'");
		return -1;
	}
	return 0;
}

/* check_user - user or user:group, portable name characters only */
static int check_user(const char *v, char *why, size_t len)
{
	const char *colon = strchr(v, ':');
	size_t ulen = colon ? (size_t)(colon - v) : strlen(v);

	if (ulen == 0 || (colon != NULL && colon[1] == '\0') || v[0] == '-') {
		snprintf(why, len, "expected USER or USER:GROUP");
		return -1;
	}
	for (const char *p = v; *p != '\0'; p++) {
		if (p == colon)
			continue;
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.' && *p != '$') {
			snprintf(why, len, "expected USER or USER:GROUP (letters, digits, '.', '_', '-')");
			return -1;
		}
	}
	return 0;
}

/* check_header - a header field name: printable ASCII without ':' */
static int check_header(const char *v, char *why, size_t len)
{
	size_t n = strlen(v);

	if (n > 64) {
		snprintf(why, len, "header name longer than 64 characters");
		return -1;
	}
	for (const char *p = v; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 127 || *p == ':') {
			snprintf(why, len, "a header name is printable ASCII without spaces or ':'");
			return -1;
		}
	}
	return 0;
}

/* check_reply - SMTP reply text: printable, short enough for one line */
static int check_reply(const char *v, char *why, size_t len)
{
	if (strlen(v) > 400) {
		snprintf(why, len, "longer than 400 characters (the rule ids follow it on one SMTP line)");
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < ' ' || *p >= 127) {
			snprintf(why, len, "only printable ASCII fits in an SMTP reply");
			return -1;
		}
	}
	return 0;
}

/* check_address - a mail address for a notice: local@domain, printable
 * ASCII without spaces, angle brackets or a leading '-' (it becomes an
 * argument of sendmail(1)) */
static int check_address(const char *v, char *why, size_t len)
{
	const char *at = strrchr(v, '@');

	if (v[0] == '-' || at == NULL || at == v || at[1] == '\0' || strlen(v) > 254) {
		snprintf(why, len, "expected an address like local@example.org");
		return -1;
	}
	for (const char *p = v; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 127 || strchr("<>()[],;:\\\"", *p) != NULL) {
			snprintf(why, len, "an address here is printable ASCII without spaces, quotes or <>");
			return -1;
		}
	}
	return 0;
}

/* check_notify_on - comma list of reject, quarantine, redact */
static int check_notify_on(const char *v, char *why, size_t len)
{
	static const char *const words[] = { "reject", "quarantine", "redact" };
	const char *p = v;

	if (*p == '\0') {
		snprintf(why, len, "expected a comma list of reject, quarantine and redact");
		return -1;
	}
	while (*p != '\0') {
		size_t n = strcspn(p, ", \t"), i;

		for (i = 0; n > 0 && i < sizeof(words) / sizeof(words[0]); i++)
			if (strlen(words[i]) == n && strncasecmp(p, words[i], n) == 0)
				break;
		if (n == 0 || i == sizeof(words) / sizeof(words[0])) {
			snprintf(why, len, "expected a comma list of reject, quarantine and redact");
			return -1;
		}
		p += n;
		p += strspn(p, ", \t");
	}
	return 0;
}

/* check_command - an absolute program path, then its arguments (split at
 * spaces, run without a shell) */
static int check_command(const char *v, char *why, size_t len)
{
	if (v[0] != '/') {
		snprintf(why, len, "must start with the absolute path of the program");
		return -1;
	}
	return 0;
}

#define F(field) offsetof(secm_config, field)
#define SEV(table, s) (offsetof(secm_config, table) + (size_t)(s) * sizeof(secm_action))
#define ON_WORDS "accept tag quarantine reject tempfail"
#define SEV_WORDS "accept tag redact quarantine reject"
#define FACILITIES "mail daemon user local0 local1 local2 local3 local4 local5 local6 local7"
#define K 1024ULL
#define G (K * K * K)

const secm_cfg_key secm_config_table[] = {
	/* name, type, default, offset, count offset, min, max, words, check, flags, section, doc */
	{ "Socket", SECM_CFG_STRING, "inet:8899@127.0.0.1", F(socket), 0, 0, 0,
	  NULL, check_socket, 0, "Daemon",
	  "Where the MTA connects: inet:PORT@HOST, inet6:PORT@HOST or unix:PATH; the -p option overrides it." },
	{ "PidFile", SECM_CFG_STRING, "none", F(pid_file), 0, 0, 0,
	  "none", check_absolute, 0, "Daemon",
	  "File the daemon writes its process id to after start-up; none writes no file." },
	{ "UserID", SECM_CFG_STRING, "none", F(user), 0, 0, 0,
	  "none", check_user, 0, "Daemon",
	  "USER or USER:GROUP to run as once the socket is open; none keeps the user that started it." },
	{ "TemporaryDirectory", SECM_CFG_STRING, "/var/tmp", F(temp_dir), 0, 0, 0,
	  NULL, check_absolute, 0, "Daemon",
	  "Directory for the private spool file of a message larger than SpoolThreshold (disk-backed, unlike a tmpfs /tmp)." },
	{ "SpoolThreshold", SECM_CFG_SIZE, "1M", F(spool_threshold), 0, 0, G, NULL, NULL, 0, "Daemon",
	  "Bytes of a message kept in memory; beyond that it is spooled to a file in TemporaryDirectory." },
	{ "MaximumMessageSize", SECM_CFG_SIZE, "100M", F(max_message_size), 0, 0, 64 * G, NULL, NULL, 0, "Daemon",
	  "Largest message that is scanned, 0 for no limit; a larger message gets OnMessageSize." },

	{ "Syslog", SECM_CFG_BOOL, "yes", F(syslog), 0, 0, 0, NULL, NULL, 0, "Logging",
	  "Log to syslog; with no, log to standard error, each line with a timestamp." },
	{ "SyslogFacility", SECM_CFG_WORD, "mail", F(syslog_facility), 0, 0, 0,
	  FACILITIES, NULL, 0, "Logging",
	  "Syslog facility: mail, daemon, user or local0 to local7." },
	{ "LogClean", SECM_CFG_BOOL, "no", F(log_clean), 0, 0, 0, NULL, NULL, 0, "Logging",
	  "Also log a line for each message without findings (messages with findings are always logged)." },

	{ "PatternDirectory", SECM_CFG_STRING, "builtin", F(pattern_dir), 0, 0, 0,
	  "builtin", check_absolute, 0, "Rules",
	  "Directory of pattern files (*.yml); builtin means the installed patterns, or the source tree's when run from the build tree." },
	{ "PcreMatchLimit", SECM_CFG_UINT, "100000", F(pcre_match_limit), 0, 1, 1000000000, NULL, NULL, 0, "Rules",
	  "PCRE2 match limit for every regex match; hitting it is a failure (OnFailure)." },
	{ "PcreDepthLimit", SECM_CFG_UINT, "10000", F(pcre_depth_limit), 0, 1, 1000000000, NULL, NULL, 0, "Rules",
	  "PCRE2 depth (backtracking memory) limit for every regex match; hitting it is a failure (OnFailure)." },

	{ "MaximumMimeDepth", SECM_CFG_UINT, "20", F(max_depth), 0, 1, 1000, NULL, NULL, 0, "Limits",
	  "Deepest nesting of multiparts and attached messages that is scanned; deeper gets OnMimeDepth." },
	{ "MaximumMimeParts", SECM_CFG_UINT, "1000", F(max_parts), 0, 1, 1000000, NULL, NULL, 0, "Limits",
	  "Most MIME parts scanned in one message; more gets OnMimeParts." },
	{ "MaximumDecodedSize", SECM_CFG_SIZE, "64M", F(max_decoded), 0, K, 64 * G, NULL, NULL, 0, "Limits",
	  "Most decoded text scanned in one message, all parts together; more gets OnDecodedSize." },
	{ "OnMimeDepth", SECM_CFG_ACTION, "tempfail", F(on_depth), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action when MaximumMimeDepth is exceeded: accept, tag, quarantine, reject or tempfail." },
	{ "OnMimeParts", SECM_CFG_ACTION, "tempfail", F(on_parts), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action when MaximumMimeParts is exceeded: accept, tag, quarantine, reject or tempfail." },
	{ "OnDecodedSize", SECM_CFG_ACTION, "tempfail", F(on_decoded), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action when MaximumDecodedSize is exceeded: accept, tag, quarantine, reject or tempfail." },
	{ "OnMessageSize", SECM_CFG_ACTION, "tempfail", F(on_oversize), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action when MaximumMessageSize is exceeded: accept, tag, quarantine, reject or tempfail." },
	{ "OnFailure", SECM_CFG_ACTION, "tempfail", F(on_failure), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action when a message cannot be scanned (out of memory, PCRE2 limit, I/O error): accept, tag, quarantine, reject or tempfail." },
	/* carriers: encrypted mail cannot be scanned by anyone on the way, so
	 * it is tagged, not refused (that would block it for good); a
	 * fragment is never seen whole, and no current mail program sends
	 * one, so refusing it is the fail-closed choice that costs nothing; a
	 * signed message is held rather than delivered with a signature our
	 * edit broke */
	{ "OnEncrypted", SECM_CFG_ACTION, "tag", F(on_encrypted), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action for a message with encrypted content (PGP/MIME, S/MIME enveloped or opaque-signed) that cannot be scanned: accept, tag, quarantine, reject or tempfail." },
	{ "OnPartial", SECM_CFG_ACTION, "reject", F(on_partial), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action for a message/partial fragment, which is never seen whole: accept, tag, quarantine, reject or tempfail." },
	{ "OnSignedRedact", SECM_CFG_ACTION, "quarantine", F(on_signed_redact), 0, 0, 0,
	  "redact quarantine tag", NULL, 0, "Limits",
	  "Action when redaction would change a part under an S/MIME or PGP/MIME signature: redact (the header notes the broken signature), quarantine or tag." },
	/* archives: the bounds keep a zip bomb from exhausting the machine;
	 * a secret inside an archive cannot be edited there, so the message
	 * is held unless the attachment may be dropped */
	{ "MaximumArchiveDepth", SECM_CFG_UINT, "3", F(max_archive_depth), 0, 0, 100, NULL, NULL, 0, "Limits",
	  "Deepest nesting of archives that is opened (the attachment is level 1, an archive in it level 2), 0 for no limit; deeper gets OnArchiveLimit." },
	{ "MaximumArchiveMembers", SECM_CFG_UINT, "1000", F(max_archive_members), 0, 0, 10000000, NULL, NULL, 0, "Limits",
	  "Most archive members looked at in one message, all archives together, 0 for no limit; more gets OnArchiveLimit." },
	{ "MaximumArchiveRatio", SECM_CFG_UINT, "100", F(max_archive_ratio), 0, 0, 1000000, NULL, NULL, 0, "Limits",
	  "Largest expansion of one archive (extracted bytes over its compressed size, checked after the first 1M), 0 for no limit; more gets OnArchiveLimit." },
	{ "MaximumArchiveBytes", SECM_CFG_SIZE, "64M", F(max_archive_bytes), 0, 0, 64 * G, NULL, NULL, 0, "Limits",
	  "Most bytes extracted from archives in one message, 0 for no limit; more gets OnArchiveLimit." },
	{ "OnArchiveLimit", SECM_CFG_ACTION, "tempfail", F(on_archive_limit), 0, 0, 0, ON_WORDS, NULL, 0, "Limits",
	  "Action when an archive exceeds MaximumArchiveDepth, MaximumArchiveMembers, MaximumArchiveRatio or MaximumArchiveBytes: accept, tag, quarantine, reject or tempfail." },
	{ "ArchiveFallback", SECM_CFG_WORD, "quarantine", F(archive_fallback), 0, 0, 0,
	  "quarantine remove", NULL, 0, "Limits",
	  "What a redact verdict does to a secret inside an archive or winmail.dat, which cannot be edited in place: quarantine the message, or remove that attachment (it becomes a short text note naming the file and the rules)." },

	{ "InternalDomains", SECM_CFG_DOMAINS, "none", F(internal_domains), F(n_internal_domains), 0, 0,
	  NULL, NULL, 0, "Policy",
	  "Domains whose recipients are internal, separated by commas or spaces (exact match, no subdomains); none for no domain." },
	{ "ExternalActionCritical", SECM_CFG_ACTION, "reject", SEV(external_action, SECM_SEV_CRITICAL), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a critical finding in mail with a recipient outside InternalDomains." },
	{ "ExternalActionHigh", SECM_CFG_ACTION, "redact", SEV(external_action, SECM_SEV_HIGH), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a high finding in mail with a recipient outside InternalDomains." },
	{ "ExternalActionMedium", SECM_CFG_ACTION, "redact", SEV(external_action, SECM_SEV_MEDIUM), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a medium finding in mail with a recipient outside InternalDomains." },
	{ "ExternalActionLow", SECM_CFG_ACTION, "tag", SEV(external_action, SECM_SEV_LOW), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a low finding in mail with a recipient outside InternalDomains." },
	{ "InternalActionCritical", SECM_CFG_ACTION, "redact", SEV(internal_action, SECM_SEV_CRITICAL), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a critical finding in mail whose recipients are all internal." },
	{ "InternalActionHigh", SECM_CFG_ACTION, "redact", SEV(internal_action, SECM_SEV_HIGH), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a high finding in mail whose recipients are all internal." },
	{ "InternalActionMedium", SECM_CFG_ACTION, "tag", SEV(internal_action, SECM_SEV_MEDIUM), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a medium finding in mail whose recipients are all internal." },
	{ "InternalActionLow", SECM_CFG_ACTION, "tag", SEV(internal_action, SECM_SEV_LOW), 0, 0, 0,
	  SEV_WORDS, NULL, 0, "Policy",
	  "Action for a low finding in mail whose recipients are all internal." },
	{ "RejectText", SECM_CFG_STRING, "Message rejected: it contains credentials", F(reject_text), 0, 0, 0,
	  NULL, check_reply, 0, "Policy",
	  "Sentence of the 5xx reply to a rejected message; the rule ids follow it, never a secret value." },
	{ "HeaderName", SECM_CFG_STRING, "X-Secret-Milter", F(header_name), 0, 0, 0,
	  NULL, check_header, 0, "Policy",
	  "Name of the header added to every scanned message to say what was done." },

	{ "QuarantineDirectory", SECM_CFG_STRING, "/var/spool/secret-milter/quarantine", F(quarantine_dir), 0, 0, 0,
	  NULL, check_absolute, 0, "Quarantine and fingerprints",
	  "Directory of the quarantine store (created mode 0700; refused if group or others may access it)." },
	{ "FingerprintKeyFile", SECM_CFG_STRING, "none", F(fingerprint_key_file), 0, 0, 0,
	  "none", check_absolute, 0, "Quarantine and fingerprints",
	  "File holding the key of finding fingerprints (16 or more bytes, mode 0600 or 0400); none uses a random key per process." },
	/* notify: KeepRedactedOriginal and the Notifications section */
	{ "KeepRedactedOriginal", SECM_CFG_BOOL, "no", F(keep_redacted_original), 0, 0, 0, NULL, NULL, 0,
	  "Quarantine and fingerprints",
	  "Also store the original of every redacted message in the quarantine store, so secret-quarantine can release it in full." },

	{ "NotifySender", SECM_CFG_BOOL, "no", F(notify_sender), 0, 0, 0, NULL, NULL, 0, "Notifications",
	  "Send the envelope sender a notice when a message is rejected, held or redacted (see NotifyOn); never to <>, auto-submitted or list mail." },
	{ "NotifyOn", SECM_CFG_STRING, "reject,quarantine,redact", F(notify_on), 0, 0, 0,
	  NULL, check_notify_on, 0, "Notifications",
	  "Actions that cause a notice to the sender and the security copy: a comma list of reject, quarantine and redact." },
	{ "NotifyFrom", SECM_CFG_STRING, "auto", F(notify_from), 0, 0, 0,
	  "auto", check_address, 0, "Notifications",
	  "From: address of notices; auto means postmaster@ the host name.  Notices always go out with the null envelope sender." },
	{ "NotifySecurityCopy", SECM_CFG_STRING, "none", F(notify_security_copy), 0, 0, 0,
	  "none", check_address, 0, "Notifications",
	  "Address that gets a copy of every notice (also when the sender gets none); none sends no copy." },
	{ "NotifyLanguage", SECM_CFG_WORD, "en", F(notify_language), 0, 0, 0,
	  "en ja", NULL, 0, "Notifications",
	  "Language of notices: en (English) or ja (Japanese, followed by the English text)." },
	{ "SendmailCommand", SECM_CFG_STRING, "/usr/sbin/sendmail", F(sendmail_command), 0, 0, 0,
	  NULL, check_command, 0, "Notifications",
	  "sendmail(1)-compatible program (and arguments, split at spaces, no shell) that notices are handed to." },
};

const size_t secm_config_table_len = sizeof(secm_config_table) / sizeof(secm_config_table[0]);
