/*
 * review_list.c - "list": the items of the store, newest first, as a
 * table for people or as one JSON object per line for scripts.
 *
 * The table shows id, time, action, state, sender, the number of
 * recipients and the rule ids (each once).  Every field comes from the
 * metadata, which never holds a secret value; control characters in
 * envelope addresses are shown as '?' so they cannot drive the terminal.
 *
 * Threading: single-threaded program.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "review.h"

/* rules_of - the item's distinct rule ids, comma-separated, into buf */
static const char *rules_of(const review_item *it, char *buf, size_t len)
{
	struct json_object *a, *f, *r;
	size_t n = 0;

	buf[0] = '\0';
	if (!json_object_object_get_ex(it->meta, "findings", &a) ||
	    !json_object_is_type(a, json_type_array))
		return "-";
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *id;
		size_t idlen;
		int seen = 0;

		f = json_object_array_get_idx(a, i);
		if (!json_object_object_get_ex(f, "rule", &r) ||
		    !json_object_is_type(r, json_type_string))
			continue;
		id = json_object_get_string(r);
		idlen = strlen(id);
		/* a short list: a linear search for duplicates is fine */
		for (const char *p = buf; (p = strstr(p, id)) != NULL; p += idlen) {
			if ((p == buf || p[-1] == ',') && (p[idlen] == ',' || p[idlen] == '\0')) {
				seen = 1;
				break;
			}
		}
		if (seen)
			continue;
		if (n + idlen + 2 >= len)
			break;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", id);
	}
	return n > 0 ? buf : "-";
}

/* safe_copy - s with control characters as '?' ("-" for NULL) into buf */
static const char *safe_copy(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : "-");
	     *p != '\0' && n + 1 < len; p++)
		buf[n++] = (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
	buf[n] = '\0';
	return buf;
}

/* rcpt_count - number of envelope recipients */
static size_t rcpt_count(const review_item *it)
{
	struct json_object *a;

	if (!json_object_object_get_ex(it->meta, "recipients", &a) ||
	    !json_object_is_type(a, json_type_array))
		return 0;
	return json_object_array_length(a);
}

/* print_json - the metadata (plus "state") on one line */
static int print_json(const review_item *it)
{
	struct json_object *copy = NULL;
	const char *s;
	int rc;

	if (json_object_deep_copy(it->meta, &copy, NULL) != 0)
		return -1;
	if (!json_object_object_get_ex(copy, "state", NULL))
		json_object_object_add(copy, "state",
				       json_object_new_string(review_item_state(it)));
	s = json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = s != NULL && puts(s) >= 0 ? 0 : -1;
	json_object_put(copy);
	return rc;
}

/* review_cmd_list - REVIEW_OK, NOTFOUND (nothing matched) or TEMPFAIL */
int review_cmd_list(review_store *st, const review_filter *f, int json)
{
	review_item *items;
	size_t n, shown = 0, idw = 2;
	time_t now = time(NULL);
	char rules[1024], sender[512];
	int rc;

	rc = review_items_load(st, &items, &n);
	if (rc != REVIEW_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strlen(items[i].id) > idw)
			idw = strlen(items[i].id);
	}
	for (size_t i = 0; i < n; i++) {
		const review_item *it = &items[i];
		const char *action = review_meta_str(it, "action");
		char stamp[32];

		if (!review_filter_match(f, it, now))
			continue;
		if (json) {
			if (print_json(it) != 0)
				rc = REVIEW_TEMPFAIL;
			shown++;
			continue;
		}
		if (shown++ == 0)
			printf("%-*s  %-20s  %-10s  %-9s  %-30s  %5s  %s\n", (int)idw, "ID",
			       "TIME", "ACTION", "STATE", "SENDER", "RCPTS", "RULES");
		review_rfc3339(it->when, stamp, sizeof(stamp));
		printf("%-*s  %-20s  %-10s  %-9s  ", (int)idw, it->id, stamp,
		       action ? action : "-", review_item_state(it));
		printf("%-30s  %5zu  ", safe_copy(review_meta_str(it, "sender"), sender,
						  sizeof(sender)), rcpt_count(it));
		review_print_safe(stdout, rules_of(it, rules, sizeof(rules)));
		putchar('\n');
	}
	review_items_free(items, n);
	if (fflush(stdout) != 0)
		return REVIEW_TEMPFAIL;
	if (rc == REVIEW_OK && shown == 0)
		return REVIEW_NOTFOUND;
	return rc;
}
