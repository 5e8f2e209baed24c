/*
 * fuzz_config.c - fuzz the configuration parser (config.c, config_table.c).
 *
 * secm_config_load() only reads files, so each input is written to one
 * temporary file (created once per process, rewritten per input, removed at
 * exit) and loaded.  Invariants:
 *  - failure: a negative status, the struct left cleared, an error text,
 *    the file name set, and for a syntax or value error (SECM_ECONFIG) a
 *    line number between 1 and the number of lines of the input;
 *  - success: every field the header promises is there (internal domain
 *    count within bounds, every key formats to a terminated value), the
 *    -n dump (secm_config_dump) has one line per key, and the dump read
 *    back as a config file loads, with the same value in every field, and
 *    dumps to the same text (a dump is a valid config that means the same
 *    thing).  A dump with masked (secret) lines cannot round-trip exactly;
 *    it only has to load.
 * A broken invariant is an abort() (see fuzz.h).  With SECM_FUZZ_DEBUG=1
 * each input prints its status, line and key (never the value).
 *
 * Open findings would be saved as seeds/config/finding-* (left out of
 * replay.sh until fixed); there are none.  The one found so far
 * ("InternalDomains none," read as a domain named "none") is fixed and its
 * reproducer is seeds/config/domain-none-in-list.conf.
 *
 * Threading: single-threaded harness; the temporary file is process state.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "fuzz.h"

/* count_lines - lines getline() sees in data (a last line without '\n'
 * counts) */
static unsigned long count_lines(const uint8_t *data, size_t size)
{
	unsigned long n = 0;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	if (size > 0 && data[size - 1] != '\n')
		n++;
	return n;
}

/* is_cleared - 1 when every byte of c is zero */
static int is_cleared(const secm_config *c)
{
	static const secm_config zero;

	return memcmp(c, &zero, sizeof(*c)) == 0;
}

/* dump - secm_config_dump into a malloc'd string; aborts when memory runs
 * out (a harness problem) */
static char *dump(const secm_config *c, size_t *len)
{
	char *text = NULL;
	FILE *fp = open_memstream(&text, len);

	if (fp == NULL) {
		perror("fuzz_config: open_memstream");
		abort();
	}
	secm_config_dump(c, fp);
	if (fclose(fp) != 0 || text == NULL) {
		perror("fuzz_config: dump");
		abort();
	}
	return text;
}

/* check_loaded - the field and format invariants of a loaded config */
static void check_loaded(const secm_config *c)
{
	char buf[SECM_MAX_DOMAINS * 256 + 256];

	secm_fuzz_check(c->n_internal_domains <= SECM_MAX_DOMAINS,
			"at most SECM_MAX_DOMAINS internal domains");
	for (size_t i = 0; i < c->n_internal_domains; i++)
		secm_fuzz_check(c->internal_domains[i] != NULL &&
				c->internal_domains[i][0] != '\0',
				"every internal domain below the count is set");
	secm_fuzz_check(c->socket != NULL && c->syslog_facility != NULL &&
			c->temp_dir != NULL && c->reject_text != NULL &&
			c->quarantine_dir != NULL && c->header_name != NULL &&
			c->notify_on != NULL && c->notify_language != NULL &&
			c->sendmail_command != NULL,
			"the non-optional string fields are set");
	for (size_t i = 0; i < secm_config_key_count(); i++) {
		memset(buf, 'x', sizeof(buf));
		secm_config_key_value(c, i, buf, sizeof(buf));
		secm_fuzz_check(memchr(buf, '\0', sizeof(buf)) != NULL,
				"every key formats to a terminated value");
	}
}

/* count_char - occurrences of ch in s[0..len) */
static size_t count_char(const char *s, size_t len, char ch)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == ch;
	return n;
}

/* has_hidden_line - 1 when the dump holds a masked "# Key" line */
static int has_hidden_line(const char *text)
{
	return strncmp(text, "# ", 2) == 0 || strstr(text, "\n# ") != NULL;
}

/* same_str - both NULL, or equal strings */
static int same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* same_config - the fields of a and b hold the same values; names the
 * first field that differs on stderr (never its value).  Fields missing
 * here are still compared through the dump text. */
static int same_config(const secm_config *a, const secm_config *b)
{
	const char *differs = NULL;

#define SAME_STR(f) if (differs == NULL && !same_str(a->f, b->f)) differs = #f
#define SAME_NUM(f) if (differs == NULL && a->f != b->f) differs = #f
	SAME_STR(socket); SAME_STR(pid_file); SAME_STR(user); SAME_NUM(syslog);
	SAME_STR(syslog_facility); SAME_NUM(log_clean); SAME_STR(temp_dir);
	SAME_NUM(spool_threshold); SAME_NUM(max_message_size);
	SAME_STR(pattern_dir); SAME_NUM(pcre_match_limit);
	SAME_NUM(pcre_depth_limit); SAME_NUM(max_depth); SAME_NUM(max_parts);
	SAME_NUM(max_decoded); SAME_NUM(on_depth); SAME_NUM(on_parts);
	SAME_NUM(on_decoded); SAME_NUM(on_oversize); SAME_NUM(on_failure);
	SAME_NUM(on_encrypted); SAME_NUM(on_partial); SAME_NUM(on_signed_redact);
	SAME_NUM(n_internal_domains);
	for (size_t i = 0; differs == NULL && i < a->n_internal_domains; i++)
		SAME_STR(internal_domains[i]);
	for (int i = 0; differs == NULL && i < SECM_SEV_COUNT; i++) {
		SAME_NUM(internal_action[i]);
		SAME_NUM(external_action[i]);
	}
	SAME_STR(reject_text); SAME_STR(quarantine_dir);
	SAME_STR(fingerprint_key_file); SAME_STR(header_name);
	SAME_NUM(keep_redacted_original); SAME_NUM(notify_sender);
	SAME_STR(notify_on); SAME_STR(notify_from); SAME_STR(notify_security_copy);
	SAME_STR(notify_language); SAME_STR(sendmail_command);
#undef SAME_STR
#undef SAME_NUM
	if (differs != NULL)
		fprintf(stderr, "fuzz_config: field %s changes when the dump is"
			" loaded back\n", differs);
	return differs == NULL;
}

/* check_round_trip - the dump of c is a config file that loads back to a
 * config with the same dump */
static void check_round_trip(const secm_config *c)
{
	secm_config again;
	secm_error err;
	const char *path;
	char *first, *second;
	size_t len1, len2;
	int rc;

	first = dump(c, &len1);
	secm_fuzz_check(strlen(first) == len1, "the dump holds no NUL byte");
	secm_fuzz_check(count_char(first, len1, '\n') == secm_config_key_count() &&
			len1 > 0 && first[len1 - 1] == '\n',
			"the dump has one line per key");
	path = secm_fuzz_tmpfile("config", ".conf", first, len1);
	secm_error_clear(&err);
	rc = secm_config_load(path, &again, &err);
	if (rc != SECM_OK)
		fprintf(stderr, "fuzz_config: reloading the dump failed at line %lu"
			" (key %s): %s\n", err.line, err.key, err.text);
	secm_fuzz_check(rc == SECM_OK, "the dump loads back as a config file");
	second = dump(&again, &len2);
	if (!has_hidden_line(first)) {
		int same = len1 == len2 && memcmp(first, second, len1) == 0;

		if (!same) {	/* name the first key that differs, not values */
			size_t i = 0, line = 1;

			while (i < len1 && i < len2 && first[i] == second[i])
				line += first[i++] == '\n';
			fprintf(stderr, "fuzz_config: the dump changes on reload at"
				" line %zu (key %s)\n", line,
				line <= secm_config_key_count() ?
				secm_config_key_name(line - 1) : "?");
		}
		secm_fuzz_check(same, "a reloaded dump dumps the same");
		secm_fuzz_check(same_config(c, &again),
				"a reloaded dump holds the same values");
	}
	secm_config_free(&again);
	free(second);
	free(first);
}

/* LLVMFuzzerTestOneInput - load data as one configuration file */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	secm_config c;
	secm_error err;
	const char *path;
	int rc;

	path = secm_fuzz_tmpfile("config", ".conf", data, size);
	secm_error_clear(&err);
	/* garbage in c: secm_config_load must not read what it fills */
	memset(&c, 0xa5, sizeof(c));
	rc = secm_config_load(path, &c, &err);
	if (getenv("SECM_FUZZ_DEBUG") != NULL)
		fprintf(stderr, "fuzz_config: status=%d line=%lu key=%s\n", rc,
			err.line, err.key);
	if (rc == SECM_OK) {
		check_loaded(&c);
		check_round_trip(&c);
		secm_config_free(&c);
		return 0;
	}
	secm_fuzz_check(rc < 0, "failure is a negative SECM_E code");
	secm_fuzz_check(is_cleared(&c), "failure leaves the config cleared");
	secm_fuzz_check(memchr(err.text, '\0', sizeof(err.text)) != NULL &&
			err.text[0] != '\0', "failure has an error text");
	secm_fuzz_check(memchr(err.file, '\0', sizeof(err.file)) != NULL &&
			err.file[0] != '\0', "failure names the file");
	secm_fuzz_check(memchr(err.key, '\0', sizeof(err.key)) != NULL,
			"the error key is terminated");
	if (rc == SECM_ECONFIG)
		secm_fuzz_check(err.line >= 1 && err.line <= count_lines(data, size),
				"a config error names a line of the input");
	secm_config_free(&c);	/* cleared: must be a no-op */
	return 0;
}
