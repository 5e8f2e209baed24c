/*
 * test_config.c - the configuration table, parser, dump, sample file and
 * man page agree with each other (config.c, config_table.c).
 *
 * SECM_SRCDIR (set by policy.am) locates conf/ and man/ in the source tree.
 * When conf/secret-milter.conf differs from what the table generates, the
 * generated text is written to ./secret-milter.conf.generated for a diff.
 */
#include "autoconfig.h"

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check_tmpdir.h"
#include "config.h"
#include "config_table.h"

#ifndef SECM_SRCDIR
#define SECM_SRCDIR "."
#endif

static char tmpdir[] = "/tmp/test_config.XXXXXX";

/* write_conf - a config file with content; returns its path (static buf) */
static const char *write_conf(const char *content)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/test.conf", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(content, fp);
	fclose(fp);
	return path;
}

/* slurp - whole file into a malloc'd string, NULL if missing */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int c;

	if (fp == NULL)
		return NULL;
	mem = open_memstream(&buf, &len);
	while ((c = fgetc(fp)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(fp);
	return buf;
}

/* dump_of - secm_config_dump into a malloc'd string */
static char *dump_of(const secm_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	secm_config_dump(c, mem);
	fclose(mem);
	return buf;
}

/* value_of - effective value text of the key named name */
static const char *value_of(const secm_config *c, const char *name)
{
	static char buf[1024];

	for (size_t i = 0; i < secm_config_key_count(); i++)
		if (strcasecmp(secm_config_key_name(i), name) == 0)
			return secm_config_key_value(c, i, buf, sizeof(buf));
	ck_abort_msg("no key %s in the table", name);
	return NULL;
}

/* ---------------------------------------------------------------- defaults */

START_TEST(defaults_are_the_documented_ones)
{
	secm_config c;

	ck_assert_int_eq(secm_config_defaults(&c), 0);
	ck_assert_str_eq(c.socket, "inet:8899@127.0.0.1");
	ck_assert_ptr_null(c.pid_file);
	ck_assert_ptr_null(c.user);
	ck_assert_int_eq(c.syslog, 1);
	ck_assert_str_eq(c.syslog_facility, "mail");
	ck_assert_int_eq(c.log_clean, 0);
	ck_assert_str_eq(c.temp_dir, "/var/tmp");
	ck_assert_uint_eq(c.spool_threshold, 1024 * 1024);
	ck_assert_uint_eq(c.max_message_size, 100 * 1024 * 1024);
	ck_assert_ptr_null(c.pattern_dir);
	ck_assert_uint_eq(c.pcre_match_limit, 100000);
	ck_assert_uint_eq(c.pcre_depth_limit, 10000);
	ck_assert_uint_eq(c.max_depth, 20);
	ck_assert_uint_eq(c.max_parts, 1000);
	ck_assert_uint_eq(c.max_decoded, 64 * 1024 * 1024);
	ck_assert_int_eq(c.on_depth, SECM_ACT_TEMPFAIL);
	ck_assert_int_eq(c.on_parts, SECM_ACT_TEMPFAIL);
	ck_assert_int_eq(c.on_decoded, SECM_ACT_TEMPFAIL);
	ck_assert_int_eq(c.on_oversize, SECM_ACT_TEMPFAIL);
	ck_assert_int_eq(c.on_failure, SECM_ACT_TEMPFAIL);
	ck_assert_uint_eq(c.n_internal_domains, 0);
	ck_assert_int_eq(c.external_action[SECM_SEV_CRITICAL], SECM_ACT_REJECT);
	ck_assert_int_eq(c.external_action[SECM_SEV_HIGH], SECM_ACT_REDACT);
	ck_assert_int_eq(c.external_action[SECM_SEV_MEDIUM], SECM_ACT_REDACT);
	ck_assert_int_eq(c.external_action[SECM_SEV_LOW], SECM_ACT_TAG);
	ck_assert_int_eq(c.internal_action[SECM_SEV_CRITICAL], SECM_ACT_REDACT);
	ck_assert_int_eq(c.internal_action[SECM_SEV_HIGH], SECM_ACT_REDACT);
	ck_assert_int_eq(c.internal_action[SECM_SEV_MEDIUM], SECM_ACT_TAG);
	ck_assert_int_eq(c.internal_action[SECM_SEV_LOW], SECM_ACT_TAG);
	ck_assert_str_eq(c.reject_text, "Message rejected: it contains credentials");
	ck_assert_str_eq(c.quarantine_dir, "/var/spool/secret-milter/quarantine");
	ck_assert_ptr_null(c.fingerprint_key_file);
	ck_assert_str_eq(c.header_name, "X-Secret-Milter");
	ck_assert_uint_eq(c.max_archive_depth, 3);
	ck_assert_uint_eq(c.max_archive_members, 1000);
	ck_assert_uint_eq(c.max_archive_ratio, 100);
	ck_assert_uint_eq(c.max_archive_bytes, 64 * 1024 * 1024);
	ck_assert_int_eq(c.on_archive_limit, SECM_ACT_TEMPFAIL);
	ck_assert_str_eq(c.archive_fallback, "quarantine");
	secm_config_free(&c);
}
END_TEST

START_TEST(loading_no_file_gives_the_defaults)
{
	secm_config a, b;
	secm_error err;
	char *da, *db;

	ck_assert_int_eq(secm_config_defaults(&a), 0);
	ck_assert_int_eq(secm_config_load(NULL, &b, &err), 0);
	da = dump_of(&a);
	db = dump_of(&b);
	ck_assert_str_eq(da, db);
	free(da);
	free(db);
	secm_config_free(&a);
	secm_config_free(&b);
}
END_TEST

START_TEST(every_row_is_complete_and_its_default_parses)
{
	secm_config c;

	ck_assert_int_eq(secm_config_defaults(&c), 0);
	for (size_t i = 0; i < secm_config_table_len; i++) {
		const secm_cfg_key *k = &secm_config_table[i];
		char buf[1024];

		ck_assert_msg(k->name && k->def && k->doc && k->section,
			      "row %zu has a name, a default, a doc and a section", i);
		ck_assert_msg(strchr(k->doc, '\n') == NULL, "%s's doc is one line", k->name);
		ck_assert_msg(secm_cfg_find(secm_config_table, secm_config_table_len,
					    k->name) == k, "%s is unique", k->name);
		/* the effective default prints back as the documented text */
		secm_cfg_format(k, &c, buf, sizeof(buf));
		ck_assert_msg(strcasecmp(buf, k->def) == 0,
			      "%s default prints as \"%s\", documented \"%s\"",
			      k->name, buf, k->def);
	}
	secm_config_free(&c);
}
END_TEST

/* ---------------------------------------------------------------- good file */

START_TEST(a_good_file_sets_every_value_it_names)
{
	const char *path = write_conf(
		"# a comment line\n"
		"\n"
		"   # an indented comment\n"
		"socket   unix:/run/secret-milter/milter.sock\n"
		"PIDFILE /run/secret-milter.pid   # trailing comment\n"
		"UserID\tsecmilter:secmilter\n"
		"Syslog no\r\n"
		"SyslogFacility LOCAL3\n"
		"LogClean yes\n"
		"TemporaryDirectory /var/spool/secret-milter/tmp\n"
		"SpoolThreshold 256K\n"
		"MaximumMessageSize 0\n"
		"PatternDirectory /etc/secret-milter/patterns\n"
		"PcreMatchLimit 5000\n"
		"PcreDepthLimit 700\n"
		"MaximumMimeDepth 8\n"
		"MaximumMimeParts 200\n"
		"MaximumDecodedSize 16M\n"
		"OnMimeDepth reject\n"
		"OnMimeParts accept\n"
		"OnDecodedSize tag\n"
		"OnMessageSize quarantine\n"
		"OnFailure TEMPFAIL\n"
		"InternalDomains Example.COM, example.org   corp.example\n"
		"ExternalActionCritical quarantine\n"
		"ExternalActionLow accept\n"
		"InternalActionCritical reject\n"
		"InternalActionMedium redact\n"
		"RejectText Sorry, credentials found (ticket#123)  # a comment\n"
		"QuarantineDirectory /srv/quarantine\n"
		"FingerprintKeyFile /etc/secret-milter/fp.key\n"
		"HeaderName X-Credential-Scan\n"
		"MaximumArchiveDepth 0\n"
		"MaximumArchiveMembers 50\n"
		"MaximumArchiveRatio 20\n"
		"MaximumArchiveBytes 8M\n"
		"OnArchiveLimit reject\n"
		"ArchiveFallback Remove\n");
	secm_config c;
	secm_error err;
	int rc = secm_config_load(path, &c, &err);

	ck_assert_msg(rc == 0, "the good file loads (%s)", err.text);
	ck_assert_str_eq(c.socket, "unix:/run/secret-milter/milter.sock");
	ck_assert_str_eq(c.pid_file, "/run/secret-milter.pid");
	ck_assert_str_eq(c.user, "secmilter:secmilter");
	ck_assert_int_eq(c.syslog, 0);
	ck_assert_str_eq(c.syslog_facility, "local3");
	ck_assert_int_eq(c.log_clean, 1);
	ck_assert_str_eq(c.temp_dir, "/var/spool/secret-milter/tmp");
	ck_assert_uint_eq(c.spool_threshold, 256 * 1024);
	ck_assert_uint_eq(c.max_message_size, 0);
	ck_assert_str_eq(c.pattern_dir, "/etc/secret-milter/patterns");
	ck_assert_uint_eq(c.pcre_match_limit, 5000);
	ck_assert_uint_eq(c.pcre_depth_limit, 700);
	ck_assert_uint_eq(c.max_depth, 8);
	ck_assert_uint_eq(c.max_parts, 200);
	ck_assert_uint_eq(c.max_decoded, 16 * 1024 * 1024);
	ck_assert_int_eq(c.on_depth, SECM_ACT_REJECT);
	ck_assert_int_eq(c.on_parts, SECM_ACT_ACCEPT);
	ck_assert_int_eq(c.on_decoded, SECM_ACT_TAG);
	ck_assert_int_eq(c.on_oversize, SECM_ACT_QUARANTINE);
	ck_assert_int_eq(c.on_failure, SECM_ACT_TEMPFAIL);
	ck_assert_uint_eq(c.n_internal_domains, 3);
	ck_assert_str_eq(c.internal_domains[0], "example.com");
	ck_assert_str_eq(c.internal_domains[1], "example.org");
	ck_assert_str_eq(c.internal_domains[2], "corp.example");
	ck_assert_int_eq(c.external_action[SECM_SEV_CRITICAL], SECM_ACT_QUARANTINE);
	ck_assert_int_eq(c.external_action[SECM_SEV_HIGH], SECM_ACT_REDACT);
	ck_assert_int_eq(c.external_action[SECM_SEV_LOW], SECM_ACT_ACCEPT);
	ck_assert_int_eq(c.internal_action[SECM_SEV_CRITICAL], SECM_ACT_REJECT);
	ck_assert_int_eq(c.internal_action[SECM_SEV_MEDIUM], SECM_ACT_REDACT);
	ck_assert_int_eq(c.internal_action[SECM_SEV_LOW], SECM_ACT_TAG);
	ck_assert_str_eq(c.reject_text, "Sorry, credentials found (ticket#123)");
	ck_assert_str_eq(c.quarantine_dir, "/srv/quarantine");
	ck_assert_str_eq(c.fingerprint_key_file, "/etc/secret-milter/fp.key");
	ck_assert_str_eq(c.header_name, "X-Credential-Scan");
	ck_assert_uint_eq(c.max_archive_depth, 0);
	ck_assert_uint_eq(c.max_archive_members, 50);
	ck_assert_uint_eq(c.max_archive_ratio, 20);
	ck_assert_uint_eq(c.max_archive_bytes, 8 * 1024 * 1024);
	ck_assert_int_eq(c.on_archive_limit, SECM_ACT_REJECT);
	ck_assert_str_eq(c.archive_fallback, "remove");
	secm_config_free(&c);
}
END_TEST

START_TEST(none_and_builtin_words_unset_optional_keys)
{
	const char *path = write_conf("PidFile None\nUserID none\nPatternDirectory builtin\n"
				      "FingerprintKeyFile none\nInternalDomains none\n");
	secm_config c;
	secm_error err;

	ck_assert_int_eq(secm_config_load(path, &c, &err), 0);
	ck_assert_ptr_null(c.pid_file);
	ck_assert_ptr_null(c.user);
	ck_assert_ptr_null(c.pattern_dir);
	ck_assert_ptr_null(c.fingerprint_key_file);
	ck_assert_uint_eq(c.n_internal_domains, 0);
	secm_config_free(&c);
}
END_TEST

/* ---------------------------------------------------------------- errors */

static const struct error_row {
	const char *label;
	const char *content;
	int code;
	unsigned long line;
	const char *key;
	const char *why;	/* substring of the error text */
} error_rows[] = {
	{ "an unknown key is an error naming the key as written",
	  "Syslog yes\nSysLogg no\n", SECM_ECONFIG, 2, "SysLogg", "unknown key" },
	{ "a key given twice in different case is a duplicate",
	  "# c\nSocket inet:1@localhost\nSOCKET inet:2@localhost\n", SECM_ECONFIG, 3, "Socket",
	  "duplicate key (first set at line 2)" },
	{ "a key without a value is an error",
	  "LogClean\n", SECM_ECONFIG, 1, "LogClean", "missing value" },
	{ "a key whose value is only a comment has no value",
	  "LogClean   # yes\n", SECM_ECONFIG, 1, "LogClean", "missing value" },
	{ "a boolean must be yes or no",
	  "\n\nSyslog maybe\n", SECM_ECONFIG, 3, "Syslog", "bad value \"maybe\": expected yes or no" },
	{ "an integer must be digits",
	  "PcreMatchLimit 10k\n", SECM_ECONFIG, 1, "PcreMatchLimit", "expected a whole number" },
	{ "a negative integer is refused",
	  "MaximumMimeDepth -1\n", SECM_ECONFIG, 1, "MaximumMimeDepth", "expected a whole number" },
	{ "an integer above its range is refused",
	  "MaximumMimeDepth 1001\n", SECM_ECONFIG, 1, "MaximumMimeDepth", "out of range 1..1000" },
	{ "an integer below its range is refused",
	  "PcreDepthLimit 0\n", SECM_ECONFIG, 1, "PcreDepthLimit", "out of range" },
	{ "an integer that overflows is refused",
	  "PcreMatchLimit 99999999999999999999999\n", SECM_ECONFIG, 1, "PcreMatchLimit", "expected a whole number" },
	{ "a size with an unknown suffix is refused",
	  "SpoolThreshold 10X\n", SECM_ECONFIG, 1, "SpoolThreshold", "optional K, M or G suffix" },
	{ "a size with two suffix letters is refused",
	  "SpoolThreshold 10MB\n", SECM_ECONFIG, 1, "SpoolThreshold", "optional K, M or G suffix" },
	{ "a size whose suffix overflows is refused",
	  "MaximumMessageSize 99999999999G\n", SECM_ECONFIG, 1, "MaximumMessageSize", "suffix" },
	{ "a size above its range is refused",
	  "SpoolThreshold 2G\n", SECM_ECONFIG, 1, "SpoolThreshold", "out of range" },
	{ "a size below its range is refused",
	  "MaximumDecodedSize 100\n", SECM_ECONFIG, 1, "MaximumDecodedSize", "out of range" },
	{ "an unknown action word is refused",
	  "ExternalActionHigh explode\n", SECM_ECONFIG, 1, "ExternalActionHigh",
	  "expected one of: accept tag redact quarantine reject" },
	{ "tempfail is not an action for findings",
	  "InternalActionLow tempfail\n", SECM_ECONFIG, 1, "InternalActionLow", "expected one of" },
	{ "redact is not an action for a failure",
	  "OnFailure redact\n", SECM_ECONFIG, 1, "OnFailure",
	  "expected one of: accept tag quarantine reject tempfail" },
	{ "a socket must name its type",
	  "Socket 127.0.0.1:8899\n", SECM_ECONFIG, 1, "Socket", "expected inet:PORT@HOST" },
	{ "an inet socket needs a port number",
	  "Socket inet:smtp@localhost\n", SECM_ECONFIG, 1, "Socket", "port must be a number" },
	{ "an inet socket port above 65535 is refused",
	  "Socket inet:70000@localhost\n", SECM_ECONFIG, 1, "Socket", "port must be a number" },
	{ "a unix socket needs an absolute path",
	  "Socket unix:milter.sock\n", SECM_ECONFIG, 1, "Socket", "absolute path" },
	{ "a relative quarantine directory is refused",
	  "QuarantineDirectory quarantine\n", SECM_ECONFIG, 1, "QuarantineDirectory", "must be an absolute path" },
	{ "a relative pid file is refused",
	  "PidFile run/x.pid\n", SECM_ECONFIG, 1, "PidFile", "must be an absolute path" },
	{ "a user name with a space is refused",
	  "UserID secret milter\n", SECM_ECONFIG, 1, "UserID", "expected USER or USER:GROUP" },
	{ "a user with an empty group is refused",
	  "UserID milter:\n", SECM_ECONFIG, 1, "UserID", "expected USER or USER:GROUP" },
	{ "an unknown syslog facility is refused",
	  "SyslogFacility kern\n", SECM_ECONFIG, 1, "SyslogFacility", "expected one of: mail daemon" },
	{ "a domain with an @ is refused",
	  "InternalDomains example.com, @example.org\n", SECM_ECONFIG, 1, "InternalDomains",
	  "bad domain \"@example.org\"" },
	{ "none inside a list of domains is refused (-n would read it back as no domains)",
	  "InternalDomains none,\n", SECM_ECONFIG, 1, "InternalDomains",
	  "\"none\" cannot be part of a list" },
	{ "a domain with an empty label is refused",
	  "InternalDomains example..com\n", SECM_ECONFIG, 1, "InternalDomains", "bad domain" },
	{ "more than 64 domains are refused",
	  "InternalDomains a0.x a1.x a2.x a3.x a4.x a5.x a6.x a7.x a8.x a9.x b0.x b1.x b2.x b3.x "
	  "b4.x b5.x b6.x b7.x b8.x b9.x c0.x c1.x c2.x c3.x c4.x c5.x c6.x c7.x c8.x c9.x d0.x "
	  "d1.x d2.x d3.x d4.x d5.x d6.x d7.x d8.x d9.x e0.x e1.x e2.x e3.x e4.x e5.x e6.x e7.x "
	  "e8.x e9.x f0.x f1.x f2.x f3.x f4.x f5.x f6.x f7.x f8.x f9.x g0.x g1.x g2.x g3.x g4.x\n",
	  SECM_ECONFIG, 1, "InternalDomains", "more than 64 domains" },
	{ "a reject text with non-ASCII is refused",
	  "RejectText Nachricht zur\xc3\xbc" "ckgewiesen\n", SECM_ECONFIG, 1, "RejectText", "printable ASCII" },
	{ "a header name with a colon is refused",
	  "HeaderName X-Scan:\n", SECM_ECONFIG, 1, "HeaderName", "without spaces or ':'" },
	{ "an archive fallback other than quarantine or remove is refused",
	  "ArchiveFallback delete\n", SECM_ECONFIG, 1, "ArchiveFallback",
	  "expected one of: quarantine remove" },
	{ "redact is not an action for an archive limit",
	  "OnArchiveLimit redact\n", SECM_ECONFIG, 1, "OnArchiveLimit",
	  "expected one of: accept tag quarantine reject tempfail" },
	{ "an archive depth above 100 is refused",
	  "MaximumArchiveDepth 101\n", SECM_ECONFIG, 1, "MaximumArchiveDepth",
	  "out of range 0..100" },
	{ "a NUL byte in a line is refused",
	  NULL, SECM_ECONFIG, 2, "", "NUL byte" },
};

START_TEST(each_error_names_file_line_and_key)
{
	const struct error_row *r = &error_rows[_i];
	char path[512], formatted[1024], expect[700];
	secm_config c;
	secm_error err;
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/error.conf", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	if (r->content != NULL)
		fputs(r->content, fp);
	else
		fwrite("Syslog yes\nLogClean y\0es\n", 1, 25, fp);
	fclose(fp);
	memset(&c, 0x5a, sizeof(c));
	rc = secm_config_load(path, &c, &err);
	ck_assert_msg(rc == r->code, "%s: status %d, expected %d", r->label, rc, r->code);
	ck_assert_msg(strcmp(err.file, path) == 0, "%s: file is %s", r->label, err.file);
	ck_assert_msg(err.line == r->line, "%s: line %lu, expected %lu", r->label, err.line, r->line);
	ck_assert_msg(strcmp(err.key, r->key) == 0, "%s: key \"%s\", expected \"%s\"",
		      r->label, err.key, r->key);
	ck_assert_msg(strstr(err.text, r->why) != NULL, "%s: text \"%s\" lacks \"%s\"",
		      r->label, err.text, r->why);
	/* the formatted message reads file, line, key, why */
	secm_error_format(&err, formatted, sizeof(formatted));
	snprintf(expect, sizeof(expect), "%s, line %lu: %s%s", path, r->line, r->key,
		 r->key[0] ? ": " : "");
	ck_assert_msg(strncmp(formatted, expect, strlen(expect)) == 0,
		      "%s: formatted \"%s\" starts with \"%s\"", r->label, formatted, expect);
	/* on error the config is left cleared, so freeing it again is harmless */
	ck_assert_msg(c.socket == NULL && c.reject_text == NULL && c.n_internal_domains == 0,
		      "%s: the config is cleared", r->label);
	secm_config_free(&c);
}
END_TEST

START_TEST(a_missing_file_is_an_io_error_naming_it)
{
	secm_config c;
	secm_error err;

	ck_assert_int_eq(secm_config_load("/nonexistent/secret-milter.conf", &c, &err), SECM_EIO);
	ck_assert_str_eq(err.file, "/nonexistent/secret-milter.conf");
	ck_assert_ptr_nonnull(strstr(err.text, "cannot open"));
	ck_assert_ptr_null(c.socket);
}
END_TEST

/* ---------------------------------------------------------------- value kinds */

static const struct size_row {
	const char *label;
	const char *text;
	size_t value;
	const char *printed;
} size_rows[] = {
	{ "zero means no limit and prints as 0", "0", 0, "0" },
	{ "a plain number is bytes", "1536", 1536, "1536" },
	{ "K is 1024 bytes", "1K", 1024, "1K" },
	{ "a lower-case k is K", "3k", 3 * 1024, "3K" },
	{ "M is 1024 K", "2M", 2 * 1024 * 1024, "2M" },
	{ "G is 1024 M", "1G", 1024ULL * 1024 * 1024, "1G" },
	{ "bytes that make whole megabytes print as M", "1048576", 1024 * 1024, "1M" },
	{ "2048K prints as 2M", "2048K", 2 * 1024 * 1024, "2M" },
};

START_TEST(sizes_take_k_m_g_suffixes)
{
	const struct size_row *r = &size_rows[_i];
	const secm_cfg_key *k = secm_cfg_find(secm_config_table, secm_config_table_len,
					      "MaximumMessageSize");
	secm_config c;
	char why[512] = "", buf[64];

	ck_assert_int_eq(secm_config_defaults(&c), 0);
	ck_assert_msg(secm_cfg_set(k, &c, r->text, why, sizeof(why)) == 0, "%s: %s", r->label, why);
	ck_assert_msg(c.max_message_size == r->value, "%s: got %zu", r->label, c.max_message_size);
	ck_assert_msg(strcmp(secm_cfg_format(k, &c, buf, sizeof(buf)), r->printed) == 0,
		      "%s: printed %s", r->label, buf);
	secm_config_free(&c);
}
END_TEST

static const struct word_row {
	const char *label;
	const char *key;
	const char *value;
	int ok;
	const char *printed;
} word_rows[] = {
	{ "accept is an action for findings", "ExternalActionLow", "accept", 1, "accept" },
	{ "tag is an action for findings", "ExternalActionLow", "tag", 1, "tag" },
	{ "redact is an action for findings", "ExternalActionLow", "redact", 1, "redact" },
	{ "quarantine is an action for findings", "ExternalActionLow", "quarantine", 1, "quarantine" },
	{ "reject is an action for findings", "ExternalActionLow", "reject", 1, "reject" },
	{ "action words are case-insensitive", "InternalActionHigh", "Quarantine", 1, "quarantine" },
	{ "tempfail is not an action for findings", "ExternalActionCritical", "tempfail", 0, NULL },
	{ "tempfail is an action for failures", "OnFailure", "tempfail", 1, "tempfail" },
	{ "accept is an action for failures", "OnFailure", "accept", 1, "accept" },
	{ "redact is not an action for a limit", "OnMimeParts", "redact", 0, NULL },
	{ "yes is true", "LogClean", "yes", 1, "yes" },
	{ "true is true", "LogClean", "true", 1, "yes" },
	{ "on is true", "LogClean", "ON", 1, "yes" },
	{ "1 is true", "LogClean", "1", 1, "yes" },
	{ "no is false", "Syslog", "no", 1, "no" },
	{ "false is false", "Syslog", "False", 1, "no" },
	{ "off is false", "Syslog", "off", 1, "no" },
	{ "0 is false", "Syslog", "0", 1, "no" },
	{ "2 is not a boolean", "Syslog", "2", 0, NULL },
	{ "facility words are stored lowercase", "SyslogFacility", "Daemon", 1, "daemon" },
	{ "domains are stored lowercase, comma separated", "InternalDomains",
	  "A.Example,b.example", 1, "a.example, b.example" },
	{ "an inet6 socket is accepted", "Socket", "inet6:8899@[::1]", 1, "inet6:8899@[::1]" },
	{ "an inet socket without host is accepted", "Socket", "inet:8899", 1, "inet:8899" },
	{ "a local socket is accepted", "Socket", "local:/run/m.sock", 1, "local:/run/m.sock" },
};

START_TEST(value_words_parse_and_print_back)
{
	const struct word_row *r = &word_rows[_i];
	const secm_cfg_key *k = secm_cfg_find(secm_config_table, secm_config_table_len, r->key);
	secm_config c;
	char why[512] = "", buf[256];
	int rc;

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(secm_config_defaults(&c), 0);
	rc = secm_cfg_set(k, &c, r->value, why, sizeof(why));
	ck_assert_msg((rc == 0) == r->ok, "%s: status %d (%s)", r->label, rc, why);
	if (r->ok)
		ck_assert_msg(strcmp(secm_cfg_format(k, &c, buf, sizeof(buf)), r->printed) == 0,
			      "%s: printed %s", r->label, buf);
	else
		ck_assert_msg(why[0] != '\0', "%s: says why", r->label);
	secm_config_free(&c);
}
END_TEST

/* ---------------------------------------------------------------- dump */

START_TEST(the_dump_loads_back_to_the_same_config)
{
	const char *path = write_conf("InternalDomains example.com corp.example\n"
				      "SpoolThreshold 3M\nPidFile /run/x.pid\nOnFailure reject\n");
	secm_config a, b;
	secm_error err;
	char *da, *db;
	FILE *fp;
	char path2[512];

	ck_assert_int_eq(secm_config_load(path, &a, &err), 0);
	da = dump_of(&a);
	ck_assert_ptr_nonnull(strstr(da, "InternalDomains          example.com, corp.example\n"));
	ck_assert_ptr_nonnull(strstr(da, "SpoolThreshold           3M\n"));
	ck_assert_ptr_nonnull(strstr(da, "PatternDirectory         builtin\n"));
	snprintf(path2, sizeof(path2), "%s/dump.conf", tmpdir);
	fp = fopen(path2, "w");
	fputs(da, fp);
	fclose(fp);
	ck_assert_msg(secm_config_load(path2, &b, &err) == 0, "the dump loads: %s", err.text);
	db = dump_of(&b);
	ck_assert_str_eq(da, db);
	for (size_t i = 0; i < secm_config_key_count(); i++) {
		char line[256];

		snprintf(line, sizeof(line), "\n%s ", secm_config_key_name(i));
		ck_assert_msg(strstr(da, line) != NULL || strncmp(da, line + 1, strlen(line + 1)) == 0,
			      "the dump has a %s line", secm_config_key_name(i));
	}
	free(da);
	free(db);
	secm_config_free(&a);
	secm_config_free(&b);
}
END_TEST

START_TEST(a_full_list_of_long_domains_survives_the_dump)
{
	char *content = malloc(SECM_MAX_DOMAINS * 80 + 64), *p, *da, *db;
	secm_config a, b;
	secm_error err;

	p = content + sprintf(content, "InternalDomains");
	for (int i = 0; i < SECM_MAX_DOMAINS; i++)
		p += sprintf(p, " d%02d-%s.example", i,
			     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	sprintf(p, "\n");
	ck_assert_int_eq(secm_config_load(write_conf(content), &a, &err), 0);
	ck_assert_uint_eq(a.n_internal_domains, SECM_MAX_DOMAINS);
	da = dump_of(&a);
	ck_assert_int_eq(secm_config_load(write_conf(da), &b, &err), 0);
	db = dump_of(&b);
	ck_assert_str_eq(da, db);
	ck_assert_str_eq(b.internal_domains[SECM_MAX_DOMAINS - 1], a.internal_domains[SECM_MAX_DOMAINS - 1]);
	free(content);
	free(da);
	free(db);
	secm_config_free(&a);
	secm_config_free(&b);
}
END_TEST

/* a secret row: no key of the real table is secret yet, so the masking is
 * tested with a table of our own over secm_config's fields */
/* refuse_bad - check of the test secret row: refuses "bad" values */
static int refuse_bad(const char *v, char *why, size_t len)
{
	if (strstr(v, "bad") != NULL) {
		snprintf(why, len, "must not say bad");
		return -1;
	}
	return 0;
}

static const secm_cfg_key secret_table[] = {
	{ "Password", SECM_CFG_STRING, "none", offsetof(secm_config, reject_text), 0, 0, 0,
	  "none", refuse_bad, SECM_CFG_SECRET, "Test", "A secret value." },
	{ "Greeting", SECM_CFG_STRING, "hello", offsetof(secm_config, header_name), 0, 0, 0,
	  NULL, NULL, 0, "Test", "A plain value." },
	{ "Pin", SECM_CFG_UINT, "0", offsetof(secm_config, pcre_match_limit), 0, 0, 999999,
	  NULL, NULL, SECM_CFG_SECRET, "Test", "A secret number." },
};
#define NSECRET (sizeof(secret_table) / sizeof(secret_table[0]))

START_TEST(secret_keys_are_masked_in_dumps_and_errors)
{
	const char *path = write_conf("Password canary-hunter2-canary\nGreeting hi\nPin 424242\n");
	secm_config c;
	secm_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem, *in;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(secm_cfg_defaults(secret_table, NSECRET, &c, &err), 0);
	ck_assert_ptr_null(c.reject_text);
	in = fopen(path, "r");
	ck_assert_int_eq(secm_cfg_parse(secret_table, NSECRET, &c, in, path, &err), 0);
	fclose(in);
	ck_assert_str_eq(c.reject_text, "canary-hunter2-canary");
	mem = open_memstream(&buf, &len);
	secm_cfg_dump(secret_table, NSECRET, &c, mem);
	fclose(mem);
	ck_assert_uint_eq(c.pcre_match_limit, 424242);
	ck_assert_msg(strstr(buf, "canary") == NULL, "the dump hides the secret: %s", buf);
	ck_assert_msg(strstr(buf, "424242") == NULL, "the dump hides a secret number: %s", buf);
	ck_assert_msg(strstr(buf, "# Pin ") != NULL, "the dump shows the number as hidden: %s", buf);
	ck_assert_msg(strstr(buf, "# Password") != NULL && strstr(buf, "(hidden)") != NULL,
		      "the dump shows the secret key as hidden: %s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "Greeting"));
	ck_assert_ptr_nonnull(strstr(buf, " hi\n"));
	free(buf);
	secm_cfg_free(secret_table, NSECRET, &c);

	/* a bad secret value is not echoed in the error */
	path = write_conf("Pin 4242424242\nPassword bad-canary-value\n");
	in = fopen(path, "r");
	ck_assert_int_eq(secm_cfg_parse(secret_table, NSECRET, &c, in, path, &err), SECM_ECONFIG);
	fclose(in);
	ck_assert_str_eq(err.key, "Pin");
	ck_assert_msg(strstr(err.text, "4242") == NULL, "the error hides the number: %s", err.text);
	path = write_conf("Password bad-canary-value\n");
	in = fopen(path, "r");
	ck_assert_int_eq(secm_cfg_parse(secret_table, NSECRET, &c, in, path, &err), SECM_ECONFIG);
	fclose(in);
	ck_assert_str_eq(err.key, "Password");
	ck_assert_ptr_nonnull(strstr(err.text, "must not say bad"));
	ck_assert_msg(strstr(err.text, "canary") == NULL, "the error hides the value: %s", err.text);
	secm_cfg_free(secret_table, NSECRET, &c);

	/* a non-secret bad value is echoed, to help the admin */
	ck_assert_int_eq(secm_config_load(write_conf("Syslog perhaps\n"), &c, &err), SECM_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.text, "perhaps"));
}
END_TEST

START_TEST(no_key_of_the_real_table_is_secret_yet)
{
	/* FingerprintKeyFile is a path, not a secret: its contents never reach
	 * the config; if a secret key is added, its dump is masked (above) */
	for (size_t i = 0; i < secm_config_key_count(); i++)
		ck_assert_msg(!secm_config_key_secret(i), "%s is not secret",
			      secm_config_key_name(i));
	ck_assert_ptr_null(secm_config_key_name(secm_config_key_count()));
}
END_TEST

/* ---------------------------------------------------------------- docs */

START_TEST(every_key_is_documented_in_the_man_page_with_its_default)
{
	char *man = slurp(SECM_SRCDIR "/man/secret-milter.conf.5");

	ck_assert_msg(man != NULL, "man/secret-milter.conf.5 is readable from " SECM_SRCDIR);
	for (size_t i = 0; i < secm_config_key_count(); i++) {
		char item[256];
		const char *entry, *end;
		char *body;

		snprintf(item, sizeof(item), "\n.It Cm %s Ar ", secm_config_key_name(i));
		entry = strstr(man, item);
		ck_assert_msg(entry != NULL, "the man page has an entry \".It Cm %s Ar TYPE\"",
			      secm_config_key_name(i));
		entry += strlen(item);
		end = strstr(entry, "\n.It ");
		if (end == NULL)
			end = strstr(entry, "\n.El");
		ck_assert_ptr_nonnull(end);
		body = strndup(entry, (size_t)(end - entry));
		ck_assert_msg(strstr(body, secm_config_key_default(i)) != NULL,
			      "the man page entry of %s gives its default \"%s\"",
			      secm_config_key_name(i), secm_config_key_default(i));
		ck_assert_msg(strstr(body, "Default") != NULL,
			      "the man page entry of %s says \"Default\"", secm_config_key_name(i));
		free(body);
	}
	/* and it documents no key that does not exist */
	for (const char *p = strstr(man, "\n.It Cm "); p != NULL; p = strstr(p + 1, "\n.It Cm ")) {
		char name[128];

		if (sscanf(p, "\n.It Cm %127s", name) == 1 && name[0] >= 'A' && name[0] <= 'Z')
			ck_assert_msg(secm_cfg_find(secm_config_table, secm_config_table_len, name),
				      "the man page key %s is in the table", name);
	}
	free(man);
}
END_TEST

START_TEST(the_sample_file_is_what_the_table_generates)
{
	char *file = slurp(SECM_SRCDIR "/conf/secret-milter.conf");
	char *gen = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&gen, &len);

	secm_config_write_sample(mem);
	fclose(mem);
	ck_assert_msg(file != NULL, "conf/secret-milter.conf is readable");
	if (strcmp(file, gen) != 0) {
		FILE *out = fopen("secret-milter.conf.generated", "w");

		if (out != NULL) {
			fputs(gen, out);
			fclose(out);
		}
		ck_abort_msg("conf/secret-milter.conf differs from the table: see "
			     "secret-milter.conf.generated in the build directory");
	}
	for (size_t i = 0; i < secm_config_key_count(); i++) {
		char line[256];

		snprintf(line, sizeof(line), "\n#%-23s %s\n", secm_config_key_name(i),
			 secm_config_key_default(i));
		ck_assert_msg(strstr(file, line) != NULL, "the sample has %s with its default",
			      secm_config_key_name(i));
	}
	free(file);
	free(gen);
}
END_TEST

START_TEST(the_sample_file_loads_and_uncommented_gives_the_defaults)
{
	char *file = slurp(SECM_SRCDIR "/conf/secret-milter.conf");
	char *uncommented, *d1, *d2, path[512];
	secm_config a, b;
	secm_error err;
	FILE *fp;
	size_t n = 0;

	ck_assert_ptr_nonnull(file);
	ck_assert_msg(secm_config_load(SECM_SRCDIR "/conf/secret-milter.conf", &a, &err) == 0,
		      "the sample loads: %s", err.text);
	/* drop the '#' of every "#Key value" line: all keys set to defaults */
	uncommented = malloc(strlen(file) + 1);
	for (const char *p = file; *p != '\0'; p++) {
		if (*p == '#' && (p == file || p[-1] == '\n') && p[1] >= 'A' && p[1] <= 'Z')
			continue;
		uncommented[n++] = *p;
	}
	uncommented[n] = '\0';
	snprintf(path, sizeof(path), "%s/uncommented.conf", tmpdir);
	fp = fopen(path, "w");
	fputs(uncommented, fp);
	fclose(fp);
	ck_assert_msg(secm_config_load(path, &b, &err) == 0,
		      "the uncommented sample loads: line %lu: %s", err.line, err.text);
	d1 = dump_of(&a);
	d2 = dump_of(&b);
	ck_assert_str_eq(d1, d2);
	ck_assert_str_eq(value_of(&b, "socket"), "inet:8899@127.0.0.1");
	free(d1);
	free(d2);
	free(uncommented);
	free(file);
	secm_config_free(&a);
	secm_config_free(&b);
}
END_TEST

/* config_suite - every case above */
static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, defaults_are_the_documented_ones);
	tcase_add_test(tc, loading_no_file_gives_the_defaults);
	tcase_add_test(tc, every_row_is_complete_and_its_default_parses);
	tcase_add_test(tc, a_good_file_sets_every_value_it_names);
	tcase_add_test(tc, none_and_builtin_words_unset_optional_keys);
	tcase_add_loop_test(tc, each_error_names_file_line_and_key, 0,
			    sizeof(error_rows) / sizeof(error_rows[0]));
	tcase_add_test(tc, a_missing_file_is_an_io_error_naming_it);
	tcase_add_loop_test(tc, sizes_take_k_m_g_suffixes, 0,
			    sizeof(size_rows) / sizeof(size_rows[0]));
	tcase_add_loop_test(tc, value_words_parse_and_print_back, 0,
			    sizeof(word_rows) / sizeof(word_rows[0]));
	tcase_add_test(tc, the_dump_loads_back_to_the_same_config);
	tcase_add_test(tc, a_full_list_of_long_domains_survives_the_dump);
	tcase_add_test(tc, secret_keys_are_masked_in_dumps_and_errors);
	tcase_add_test(tc, no_key_of_the_real_table_is_secret_yet);
	tcase_add_test(tc, every_key_is_documented_in_the_man_page_with_its_default);
	tcase_add_test(tc, the_sample_file_is_what_the_table_generates);
	tcase_add_test(tc, the_sample_file_loads_and_uncommented_gives_the_defaults);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite in a private temporary directory */
int main(void)
{
	return secm_check_in_tmpdir(config_suite(), tmpdir);
}
