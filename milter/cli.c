/*
 * cli.c - offline modes on the same engine as the daemon:
 * --scan [--json], --redact, --list-rules, --test-rules.
 *
 * Each mode reads whole files (or standard input for "-"), calls
 * secm_inspect and prints metadata: rule ids, parts, offsets and
 * fingerprints, never a secret value (--redact prints the message itself,
 * with every secret replaced).
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "buf.h"
#include "cli.h"
#include "inspect.h"
#include "report.h"
#include "scan.h"

/* read_all - read a file, or standard input for "-", into b */
static int read_all(const char *path, secm_buf *b)
{
	unsigned char chunk[65536];
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int rc = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		if (secm_buf_append(b, chunk, (size_t)n) != SECM_OK) {
			errno = ENOMEM;
			rc = -1;
			break;
		}
	}
	secm_wipe(chunk, sizeof(chunk));
	if (fd != 0)
		close(fd);
	return rc;
}

/* offline_envelope - an envelope for a file: no recipients, so the
 * external policy applies */
static void offline_envelope(secm_envelope *env)
{
	memset(env, 0, sizeof(*env));
	env->queue_id = "NOQUEUE";
	env->sender = "";
}

/* print_text - the human-readable --scan output for one file */
static void print_text(const char *file, const secm_result *res)
{
	printf("%s: %s", file, secm_action_name(res->action));
	if (res->status != SECM_OK || res->nfindings == 0)
		printf(" (%s)", res->reason);
	printf("\n");
	for (size_t i = 0; i < res->nfindings; i++) {
		const secm_finding *f = &res->findings[i];

		printf("  %s %s part=%s offset=%zu-%zu fingerprint=%s\n",
		       f->rule_id, secm_severity_name(f->severity), f->part,
		       f->start, f->end, f->fingerprint);
	}
}

/* print_json - one JSON object on one line for one file */
static void print_json(const char *file, const secm_result *res,
		       const char *error)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "action",
			       json_object_new_string(error ? "error" :
						      secm_action_name(res->action)));
	json_object_object_add(o, "findings",
			       secm_report_findings(res->findings, res->nfindings));
	if (error != NULL)
		json_object_object_add(o, "error", json_object_new_string(error));
	else if (res->status != SECM_OK)
		json_object_object_add(o, "error", json_object_new_string(res->reason));
	else if (res->action != SECM_ACT_ACCEPT && res->nfindings == 0)
		/* a verdict without findings (encrypted, message/partial):
		 * say why; reason holds rule ids and limit names only */
		json_object_object_add(o, "reason", json_object_new_string(res->reason));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* secm_cli_scan - scan files; exit 0 nothing found, 1 found, 2 error */
int secm_cli_scan(const secm_snapshot *snap, int json, char **files, int nfiles)
{
	int found = 0, failed = 0;
	secm_envelope env;

	offline_envelope(&env);
	for (int i = 0; i < nfiles; i++) {
		secm_buf raw = SECM_BUF_INIT;
		secm_result res;

		memset(&res, 0, sizeof(res));
		if (read_all(files[i], &raw) != 0) {
			char msg[300];

			snprintf(msg, sizeof(msg), "%s", strerror(errno));
			if (json)
				print_json(files[i], &res, msg);
			else
				fprintf(stderr, "secret-milter: %s: %s\n", files[i], msg);
			failed = 1;
			secm_buf_free(&raw);
			continue;
		}
		secm_inspect(snap, raw.data ? raw.data : (const unsigned char *)"",
			     raw.len, &env, 0, &res);
		if (json)
			print_json(files[i], &res, NULL);
		else
			print_text(files[i], &res);
		if (res.nfindings > 0)
			found = 1;
		if (res.status != SECM_OK && res.status != SECM_ELIMIT)
			failed = 1;
		secm_result_free(&res);
		secm_buf_free(&raw);
	}
	fflush(stdout);
	return failed ? 2 : found ? 1 : 0;
}

/* header_end - length of the header block of msg including the blank
 * line, and the line end the message uses */
static size_t header_end(const unsigned char *msg, size_t len, const char **eol)
{
	*eol = "\n";
	for (size_t i = 0; i < len; i++) {
		if (msg[i] != '\n')
			continue;
		if (i > 0 && msg[i - 1] == '\r')
			*eol = "\r\n";
		if (i + 1 < len && msg[i + 1] == '\n')
			return i + 1;
		if (i + 2 < len && msg[i + 1] == '\r' && msg[i + 2] == '\n')
			return i + 1;
		break;
	}
	/* fall back: find the first empty line anywhere */
	for (size_t i = 0; i + 1 < len; i++) {
		if (msg[i] == '\n' && (msg[i + 1] == '\n' ||
				       (msg[i + 1] == '\r' && i + 2 < len && msg[i + 2] == '\n')))
			return i + 1;
	}
	return len;
}

/* write_with_header - write msg with "Name: value" added at the end of its
 * header block, as the milter adds it */
static int write_with_header(const unsigned char *msg, size_t len,
			     const char *name, const char *value)
{
	const char *eol;
	size_t he = header_end(msg, len, &eol);

	if (fwrite(msg, 1, he, stdout) != he ||
	    printf("%s: %s%s", name, value, eol) < 0 ||
	    fwrite(msg + he, 1, len - he, stdout) != len - he ||
	    fflush(stdout) != 0)
		return -1;
	return 0;
}

/* secm_cli_redact - print the message with every finding redacted */
int secm_cli_redact(const secm_snapshot *snap, const char *file)
{
	secm_buf raw = SECM_BUF_INIT;
	secm_envelope env;
	secm_result res;
	int rc;

	memset(&res, 0, sizeof(res));
	offline_envelope(&env);
	if (read_all(file, &raw) != 0) {
		fprintf(stderr, "secret-milter: %s: %s\n", file, strerror(errno));
		secm_buf_free(&raw);
		return 2;
	}
	secm_inspect(snap, raw.data ? raw.data : (const unsigned char *)"",
		     raw.len, &env, SECM_INSPECT_FORCE_REDACT, &res);
	if (res.action == SECM_ACT_TEMPFAIL ||
	    (res.status != SECM_OK && res.status != SECM_ELIMIT)) {
		fprintf(stderr, "secret-milter: %s: not redacted: %s\n", file, res.reason);
		rc = 2;
	} else if (res.action == SECM_ACT_REDACT) {
		rc = write_with_header(res.redaction.message.data,
				       res.redaction.message.len,
				       snap->config.header_name, res.header) ? 2 : 1;
	} else {
		rc = write_with_header(raw.data, raw.len, snap->config.header_name,
				       res.header) ? 2 : res.nfindings > 0;
	}
	secm_result_free(&res);
	secm_buf_free(&raw);
	return rc;
}

/* secm_cli_list_rules - one line per rule: id, severity, description */
int secm_cli_list_rules(const secm_snapshot *snap)
{
	size_t n = secm_ruleset_count(snap->rules);

	for (size_t i = 0; i < n; i++) {
		const secm_rule *r = secm_ruleset_get(snap->rules, i);

		printf("%-36s %-8s %s\n", secm_rule_id(r),
		       secm_severity_name(secm_rule_severity(r)),
		       secm_rule_description(r));
	}
	return 0;
}

/* secm_cli_test_rules - check every rule's examples and negatives */
int secm_cli_test_rules(const secm_snapshot *snap)
{
	size_t n = secm_ruleset_count(snap->rules), pass = 0, fail = 0;
	char why[512];

	for (size_t i = 0; i < n; i++) {
		const secm_rule *r = secm_ruleset_get(snap->rules, i);

		if (secm_ruleset_check_examples(snap->rules, i, why, sizeof(why)) == 0) {
			printf("ok %zu - %s\n", i + 1, secm_rule_id(r));
			pass++;
		} else {
			printf("not ok %zu - %s (%s, line %lu): %s\n", i + 1,
			       secm_rule_id(r), secm_rule_file(r), secm_rule_line(r), why);
			fail++;
		}
	}
	printf("%zu passed, %zu failed\n", pass, fail);
	return fail ? 1 : 0;
}
