/*
 * review_show.c - "show": an item's envelope, its findings, then the
 * message with every finding masked; "show --raw": the original bytes,
 * written to the audit log first.
 *
 * Masking runs the engine's single entry, secm_inspect, on the stored
 * .eml with SECM_INSPECT_FORCE_REDACT under the current rules (-c/-P): the
 * same walk, scan and redaction the milter uses, so every secret shows as
 * [REDACTED:<rule-id>].  When the current rules find fewer secrets than
 * the metadata lists (the patterns changed since) or the scan fails, the
 * message is withheld rather than shown partly masked.
 *
 * Threading: single-threaded program.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "mime_walk.h"
#include "review.h"
#include "snapshot.h"

/* stored_findings - number of findings in the metadata */
static size_t stored_findings(const review_item *it)
{
	struct json_object *a;

	if (!json_object_object_get_ex(it->meta, "findings", &a) ||
	    !json_object_is_type(a, json_type_array))
		return 0;
	return json_object_array_length(a);
}

/* review_mask - out gets raw with every finding redacted under the current
 * rules; 0, or -1 with why set (nothing written to out) */
int review_mask(const review_opts *o, const review_item *it,
		const secm_buf *raw, secm_buf *out, char *why, size_t whylen)
{
	const char **rcpts = NULL;
	struct json_object *a = NULL;
	secm_snapshot *snap = NULL;
	secm_envelope env;
	secm_result res;
	secm_error err;
	size_t nr = 0;
	int rc = -1;

	memset(&res, 0, sizeof(res));
	secm_error_clear(&err);
	secm_mime_init();
	if (secm_snapshot_build(o->config_path, o->pattern_dir, &snap, &err) != SECM_OK) {
		char eb[1024];

		snprintf(why, whylen, "cannot load the rules: %s",
			 secm_error_format(&err, eb, sizeof(eb)));
		return -1;
	}
	if (json_object_object_get_ex(it->meta, "recipients", &a) &&
	    json_object_is_type(a, json_type_array))
		nr = json_object_array_length(a);
	rcpts = calloc(nr + 1, sizeof(*rcpts));
	if (rcpts == NULL) {
		snprintf(why, whylen, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nr; i++)
		rcpts[i] = json_object_get_string(json_object_array_get_idx(a, i));
	memset(&env, 0, sizeof(env));
	env.queue_id = review_meta_str(it, "queue_id");
	env.sender = review_meta_str(it, "sender");
	env.rcpts = rcpts;
	env.nrcpts = nr;
	env.client_addr = review_meta_str(it, "client_addr");
	env.client_name = review_meta_str(it, "client_name");
	if (env.queue_id == NULL)
		env.queue_id = "NOQUEUE";
	if (env.sender == NULL)
		env.sender = "";
	secm_inspect(snap, raw->data ? raw->data : (const unsigned char *)"", raw->len,
		     &env, SECM_INSPECT_FORCE_REDACT, &res);
	if (res.status != SECM_OK || res.action == SECM_ACT_TEMPFAIL) {
		snprintf(why, whylen, "the scan failed (%s)", res.reason);
		goto done;
	}
	if (res.nfindings < stored_findings(it)) {
		snprintf(why, whylen, "the current rules find %zu of the %zu stored findings "
			 "(patterns changed?)", res.nfindings, stored_findings(it));
		goto done;
	}
	if (res.nfindings > 0 && res.action != SECM_ACT_REDACT) {
		snprintf(why, whylen, "the findings could not be redacted (%s)", res.reason);
		goto done;
	}
	if (res.action == SECM_ACT_REDACT)
		rc = secm_buf_append(out, res.redaction.message.data, res.redaction.message.len);
	else
		rc = secm_buf_append(out, raw->data, raw->len);
	if (rc != SECM_OK) {
		snprintf(why, whylen, "out of memory");
		rc = -1;
	}
done:
	secm_result_free(&res);
	free(rcpts);
	secm_snapshot_unref(snap);
	return rc;
}

/* print_field - "Label:  value" with control characters masked */
static void print_field(const char *label, const char *value)
{
	printf("%-12s ", label);
	review_print_safe(stdout, value);
	putchar('\n');
}

/* print_envelope - id, queue id, time, action, state, reason, addresses */
static void print_envelope(const review_item *it)
{
	struct json_object *a, *v;

	print_field("Id:", it->id);
	print_field("Queue-Id:", review_meta_str(it, "queue_id"));
	print_field("Time:", review_meta_str(it, "time"));
	print_field("Action:", review_meta_str(it, "action"));
	print_field("State:", review_item_state(it));
	if (review_meta_str(it, "released_at") != NULL) {
		print_field("Released:", review_meta_str(it, "released_at"));
		print_field("Released-By:", review_meta_str(it, "released_by"));
		print_field("Method:", review_meta_str(it, "release_method"));
	}
	print_field("Reason:", review_meta_str(it, "reason"));
	print_field("Sender:", review_meta_str(it, "sender"));
	if (json_object_object_get_ex(it->meta, "recipients", &a) &&
	    json_object_is_type(a, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(a); i++)
			print_field("Recipient:", json_object_get_string(json_object_array_get_idx(a, i)));
	}
	print_field("Client:", review_meta_str(it, "client_name"));
	print_field("Client-Addr:", review_meta_str(it, "client_addr"));
	if (json_object_object_get_ex(it->meta, "size", &v))
		printf("%-12s %lld\n", "Size:", (long long)json_object_get_int64(v));
}

/* print_findings - one line per stored finding: metadata only */
static void print_findings(const review_item *it)
{
	struct json_object *a, *f, *v;

	if (!json_object_object_get_ex(it->meta, "findings", &a) ||
	    !json_object_is_type(a, json_type_array) || json_object_array_length(a) == 0) {
		printf("Findings:    none\n");
		return;
	}
	printf("Findings:\n");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		static const char *const keys[] = { "rule", "severity", "part", "start", "end",
						    "fingerprint" };

		f = json_object_array_get_idx(a, i);
		printf(" ");
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			printf(" %s=", keys[k]);
			review_print_safe(stdout, json_object_object_get_ex(f, keys[k], &v) ?
					  json_object_get_string(v) : NULL);
		}
		putchar('\n');
	}
}

/* review_cmd_show - REVIEW_OK, NOTFOUND, USAGE or TEMPFAIL */
int review_cmd_show(review_store *st, const review_opts *o, const char *id, int raw)
{
	secm_buf eml = SECM_BUF_INIT, masked = SECM_BUF_INIT;
	review_item it;
	char why[1200];
	int rc;

	rc = review_item_load(st, id, &it);
	if (rc == REVIEW_NOTFOUND) {
		fprintf(stderr, "secret-quarantine: %s: no such item\n", id);
		return rc;
	}
	if (rc != REVIEW_OK)
		return rc;
	rc = review_item_read_eml(st, id, &eml);
	if (rc != REVIEW_OK)
		goto done;
	if (raw) {
		/* the original holds the secrets: no audit line, no output */
		rc = review_audit(st, "show-raw", id, "ok", NULL);
		if (rc != REVIEW_OK) {
			fprintf(stderr, "secret-quarantine: %s: not shown: the audit log cannot be written\n",
				id);
			goto done;
		}
		if (fwrite(eml.data, 1, eml.len, stdout) != eml.len || fflush(stdout) != 0)
			rc = REVIEW_TEMPFAIL;
		goto done;
	}
	if (st->auditfd >= 0)
		review_audit(st, "show", id, "ok", NULL);
	print_envelope(&it);
	print_findings(&it);
	if (review_mask(o, &it, &eml, &masked, why, sizeof(why)) != 0) {
		fflush(stdout);
		fprintf(stderr, "secret-quarantine: %s: message withheld: %s; "
			"\"show --raw\" shows the original\n", id, why);
		rc = REVIEW_TEMPFAIL;
		goto done;
	}
	printf("--- message, every finding masked ---\n");
	if (fwrite(masked.data, 1, masked.len, stdout) != masked.len || fflush(stdout) != 0)
		rc = REVIEW_TEMPFAIL;
done:
	secm_buf_free(&masked);
	secm_buf_free(&eml);
	review_item_free(&it);
	return rc;
}
