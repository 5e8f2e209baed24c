/*
 * config.h - the configuration: one table of keys (config_table.c) drives
 * the parser, the -n dump, the sample file and the man page check.
 *
 * File format: "Key value" lines, '#' comments, blank lines; keys are
 * case-insensitive; unknown keys, duplicates and bad values are errors
 * reported as "file:line: key: why".  See secret-milter.conf(5).
 *
 * String fields are never NULL after secm_config_defaults, except the
 * optional ones: PidFile, UserID, FingerprintKeyFile and NotifySecurityCopy
 * are NULL for "none", NotifyFrom is NULL for "auto",
 * PatternDirectory is NULL for "builtin" (secm_default_pattern_dir()).
 * Domains are stored lowercase.
 */
#ifndef SECM_CONFIG_H
#define SECM_CONFIG_H

#include <stddef.h>
#include <stdio.h>
#include "action.h"
#include "error.h"
#include "rules.h"

#define SECM_MAX_DOMAINS 64

typedef struct secm_config {
	/* daemon */
	char *socket;		/* Socket: inet:8899@127.0.0.1 or unix:/path */
	char *pid_file;		/* PidFile */
	char *user;		/* UserID: user[:group] */
	int syslog;		/* Syslog yes|no */
	char *syslog_facility;	/* SyslogFacility: mail */
	int log_clean;		/* LogClean: also log clean messages */
	char *temp_dir;		/* TemporaryDirectory */
	size_t spool_threshold;	/* SpoolThreshold: bytes kept in memory */
	size_t max_message_size; /* MaximumMessageSize: 0 = no limit */
	/* rules */
	char *pattern_dir;	/* PatternDirectory */
	unsigned int pcre_match_limit;	/* PcreMatchLimit */
	unsigned int pcre_depth_limit;	/* PcreDepthLimit */
	/* MIME bounds */
	unsigned int max_depth;	/* MaximumMimeDepth */
	unsigned int max_parts;	/* MaximumMimeParts */
	size_t max_decoded;	/* MaximumDecodedSize */
	secm_action on_depth;	/* OnMimeDepth */
	secm_action on_parts;	/* OnMimeParts */
	secm_action on_decoded;	/* OnDecodedSize */
	secm_action on_oversize; /* OnMessageSize */
	secm_action on_failure;	/* OnFailure: internal errors, PCRE2 limits */
	/* carriers that cannot be scanned or rewritten (mime_walk.h) */
	secm_action on_encrypted; /* OnEncrypted: PGP/MIME, S/MIME enveloped */
	secm_action on_partial;	/* OnPartial: message/partial fragments */
	secm_action on_signed_redact; /* OnSignedRedact: redact|quarantine|tag */
	/* archives (archive_scan.h) */
	unsigned int max_archive_depth;	  /* MaximumArchiveDepth */
	unsigned int max_archive_members; /* MaximumArchiveMembers */
	unsigned int max_archive_ratio;	  /* MaximumArchiveRatio */
	size_t max_archive_bytes;	  /* MaximumArchiveBytes */
	secm_action on_archive_limit;	  /* OnArchiveLimit */
	char *archive_fallback;	/* ArchiveFallback: "quarantine" or "remove" */
	/* policy */
	char *internal_domains[SECM_MAX_DOMAINS]; /* InternalDomains a,b,c */
	size_t n_internal_domains;
	secm_action internal_action[SECM_SEV_COUNT]; /* InternalAction{Low..Critical} */
	secm_action external_action[SECM_SEV_COUNT]; /* ExternalAction{Low..Critical} */
	char *reject_text;	/* RejectText: sentence before the rule list */
	/* quarantine and fingerprints */
	char *quarantine_dir;	/* QuarantineDirectory */
	char *fingerprint_key_file; /* FingerprintKeyFile (contents never logged) */
	char *header_name;	/* HeaderName: X-Secret-Milter */
	int keep_redacted_original; /* KeepRedactedOriginal */
	/* notifications (notify.h) */
	int notify_sender;	/* NotifySender */
	char *notify_on;	/* NotifyOn: "reject,quarantine,redact" */
	char *notify_from;	/* NotifyFrom: NULL = postmaster@host ("auto") */
	char *notify_security_copy; /* NotifySecurityCopy: NULL = none */
	char *notify_language;	/* NotifyLanguage: en or ja */
	char *sendmail_command;	/* SendmailCommand: program + arguments */
} secm_config;

/* secm_config_defaults - fill c with the documented built-in defaults */
int secm_config_defaults(secm_config *c);
/* secm_config_load - defaults, then the file on top; 0 or error with
 * file:line: key in err (c is left cleared on error) */
int secm_config_load(const char *path, secm_config *c, secm_error *err);
/* secm_config_free - free strings; c itself is caller's */
void secm_config_free(secm_config *c);
/* secm_config_dump - print the effective config as "Key value" lines
 * (what -n shows); secret-bearing keys are masked */
void secm_config_dump(const secm_config *c, FILE *fp);

/* secm_config_write_sample - the sample file conf/secret-milter.conf:
 * every key commented out with its default and its doc line */
void secm_config_write_sample(FILE *fp);

/* table access, for the man page test and the sample file */
size_t secm_config_key_count(void);
const char *secm_config_key_name(size_t i);
const char *secm_config_key_doc(size_t i);
/* secm_config_key_type - "string", "boolean", "integer", "size", "action",
 * "domain list", "word" */
const char *secm_config_key_type(size_t i);
/* secm_config_key_default - default as written in the file ("1M", "none") */
const char *secm_config_key_default(size_t i);
/* secm_config_key_secret - 1 when the value is masked in dumps */
int secm_config_key_secret(size_t i);
/* secm_config_key_value - effective value of key i of c as file text
 * (masked when secret) into buf; returns buf, "" for a bad i */
const char *secm_config_key_value(const secm_config *c, size_t i, char *buf,
				  size_t len);

#endif
