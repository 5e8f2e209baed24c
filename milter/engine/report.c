/*
 * report.c - JSON for findings (see report.h).
 *
 * A finding holds metadata only (rule, severity, part, offsets, keyed
 * fingerprint), so nothing built here can carry a secret value.  Strings
 * are made valid UTF-8 before they enter JSON: envelope addresses and file
 * names are bytes, and json-c copies invalid UTF-8 through unchanged.
 *
 * Threading: pure functions; json-c objects are owned by the caller.
 */
#include "autoconfig.h"

#include <glib.h>
#include <json.h>
#include <stdint.h>
#include <string.h>

#include "report.h"

/* secm_report_string - JSON string of s made valid UTF-8; null for NULL */
struct json_object *secm_report_string(const char *s)
{
	struct json_object *o;
	gchar *valid;

	if (s == NULL)
		return NULL;	/* json-c's null */
	if (g_utf8_validate(s, -1, NULL))
		return json_object_new_string(s);
	valid = g_utf8_make_valid(s, -1);
	o = json_object_new_string(valid);
	g_free(valid);
	return o;
}

/* add - o[key] = v; a NULL v is JSON null */
static int add(struct json_object *o, const char *key, struct json_object *v)
{
	return json_object_object_add(o, key, v);
}

/* secm_report_finding - one {rule, severity, part, start, end, fingerprint} */
struct json_object *secm_report_finding(const secm_finding *f)
{
	struct json_object *o = json_object_new_object();
	char part[sizeof(f->part) + 1];
	char fp[sizeof(f->fingerprint) + 1];

	if (o == NULL)
		return NULL;
	/* bounded copies: the fixed arrays need not be NUL-terminated */
	memcpy(part, f->part, sizeof(f->part));
	part[sizeof(f->part)] = '\0';
	memcpy(fp, f->fingerprint, sizeof(f->fingerprint));
	fp[sizeof(f->fingerprint)] = '\0';
	if (add(o, "rule", secm_report_string(f->rule_id ? f->rule_id : "")) != 0 ||
	    add(o, "severity", json_object_new_string(secm_severity_name(f->severity))) != 0 ||
	    add(o, "part", secm_report_string(part)) != 0 ||
	    add(o, "start", json_object_new_int64(f->start > INT64_MAX ? INT64_MAX : (int64_t)f->start)) != 0 ||
	    add(o, "end", json_object_new_int64(f->end > INT64_MAX ? INT64_MAX : (int64_t)f->end)) != 0 ||
	    add(o, "fingerprint", json_object_new_string(fp)) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* secm_report_findings - new JSON array of finding objects (NULL on ENOMEM) */
struct json_object *secm_report_findings(const secm_finding *f, size_t n)
{
	struct json_object *a = json_object_new_array();

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = secm_report_finding(&f[i]);

		if (o == NULL || json_object_array_add(a, o) != 0) {
			json_object_put(o);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}
