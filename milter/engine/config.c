/*
 * config.c - the configuration file: table-driven parser, defaults, dump
 * and sample writer (see config.h; the keys are in config_table.c).
 *
 * Design: the generic secm_cfg_* functions work on any table and struct, so
 * that the tests can exercise mechanisms (such as the masking of secret
 * keys) that no current key uses.  Every value, default or from the file,
 * goes through secm_cfg_set.  A value is the rest of the line after the
 * key, trimmed; '#' starts a comment at the start of a line or after
 * white space.
 *
 * Threading: loading touches only the struct being filled, so a reload may
 * run beside scanning threads that use an older snapshot.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "config_table.h"

#define FIELD(base, k, type) ((type *)(void *)((char *)(base) + (k)->offset))
#define CFIELD(base, k, type) ((type const *)(const void *)((const char *)(base) + (k)->offset))

/* secm_cfg_type_name - documentation name of a value type */
const char *secm_cfg_type_name(secm_cfg_type t)
{
	switch (t) {
	case SECM_CFG_STRING: return "string";
	case SECM_CFG_BOOL: return "boolean";
	case SECM_CFG_UINT: return "integer";
	case SECM_CFG_SIZE: return "size";
	case SECM_CFG_ACTION: return "action";
	case SECM_CFG_DOMAINS: return "domain list";
	case SECM_CFG_WORD: return "word";
	}
	return "unknown";
}

/* secm_cfg_find - row named name (case-insensitive) or NULL */
const secm_cfg_key *secm_cfg_find(const secm_cfg_key *tab, size_t n,
				  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

/* has_word - 1 when word is one of the space-separated words of list */
static int has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	while (list != NULL && *list != '\0') {
		size_t n = strcspn(list, " ");

		if (n == wl && strncasecmp(list, word, n) == 0)
			return 1;
		list += n;
		list += strspn(list, " ");
	}
	return 0;
}

/* bad_value - fill why: the value (unless secret) and what was expected */
static int bad_value(const secm_cfg_key *k, const char *value, char *why,
		     size_t len, const char *expected)
{
	if (k->flags & SECM_CFG_SECRET)
		snprintf(why, len, "bad value: %s", expected);
	else
		snprintf(why, len, "bad value \"%.64s%s\": %s", value,
			 strlen(value) > 64 ? "..." : "", expected);
	return SECM_ECONFIG;
}

/* parse_number - decimal digits with an optional K/M/G suffix (when
 * suffixes is set); -1 on syntax error or overflow */
static int parse_number(const char *s, int suffixes, unsigned long long *out)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (*p != '\0') {
		if (!suffixes || p[1] != '\0')
			return -1;
		switch (*p) {
		case 'k': case 'K': mult = 1024ULL; break;
		case 'm': case 'M': mult = 1024ULL * 1024; break;
		case 'g': case 'G': mult = 1024ULL * 1024 * 1024; break;
		default: return -1;
		}
		if (v > ULLONG_MAX / mult)
			return -1;
	}
	*out = v * mult;
	return 0;
}

/* domain_ok - host name characters, no empty label, at most 253 chars */
static int domain_ok(const char *d, size_t n)
{
	if (n == 0 || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '.' && d[i + 1] == '.')
			return 0;
		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return 0;
	}
	return 1;
}

/* set_domains - "a.example, b.example" or "none" into the list field */
static int set_domains(const secm_cfg_key *k, void *base, const char *value,
		       char *why, size_t len)
{
	char *list[SECM_MAX_DOMAINS];
	char **field = FIELD(base, k, char *);
	size_t *count = (size_t *)(void *)((char *)base + k->count_offset);
	size_t n = 0;
	const char *p = value;
	int rc = SECM_OK;

	if (strcasecmp(value, "none") != 0) {
		while (*p != '\0') {
			size_t wl;

			p += strspn(p, ", \t");
			wl = strcspn(p, ", \t");
			if (wl == 0)
				break;
			if (wl == 4 && strncasecmp(p, "none", 4) == 0) {
				/* "none" alone means the empty list; in a list
				 * it would be read back as that by -n */
				snprintf(why, len, "\"none\" cannot be part of a list of domains");
				rc = SECM_ECONFIG;
				goto fail;
			}
			if (!domain_ok(p, wl)) {
				snprintf(why, len, "bad domain \"%.*s\": expected a domain name such as example.com",
					 (int)(wl > 64 ? 64 : wl), p);
				rc = SECM_ECONFIG;
				goto fail;
			}
			if (n == SECM_MAX_DOMAINS) {
				snprintf(why, len, "more than %d domains", SECM_MAX_DOMAINS);
				rc = SECM_ECONFIG;
				goto fail;
			}
			list[n] = strndup(p, wl);
			if (list[n] == NULL) {
				snprintf(why, len, "out of memory");
				rc = SECM_ENOMEM;
				goto fail;
			}
			for (char *c = list[n]; *c != '\0'; c++)
				*c = (char)tolower((unsigned char)*c);
			n++;
			p += wl;
		}
	}
	for (size_t i = 0; i < *count; i++) {
		free(field[i]);
		field[i] = NULL;
	}
	for (size_t i = 0; i < n; i++)
		field[i] = list[i];
	*count = n;
	return SECM_OK;
fail:
	while (n > 0)
		free(list[--n]);
	return rc;
}

/* set_string - STRING and WORD rows: the unset word gives NULL */
static int set_string(const secm_cfg_key *k, void *base, const char *value,
		      char *why, size_t len)
{
	char **field = FIELD(base, k, char *);
	char *copy = NULL;

	if (k->type == SECM_CFG_WORD) {
		if (!has_word(k->words, value)) {
			char expected[256];

			snprintf(expected, sizeof(expected), "expected one of: %s", k->words);
			return bad_value(k, value, why, len, expected);
		}
	} else if (k->words == NULL || strcasecmp(value, k->words) != 0) {
		char detail[256] = "";

		if (k->check != NULL && k->check(value, detail, sizeof(detail)) != 0)
			return bad_value(k, value, why, len, detail);
	} else {
		value = NULL;
	}
	if (value != NULL) {
		copy = strdup(value);
		if (copy == NULL) {
			snprintf(why, len, "out of memory");
			return SECM_ENOMEM;
		}
		if (k->type == SECM_CFG_WORD)
			for (char *c = copy; *c != '\0'; c++)
				*c = (char)tolower((unsigned char)*c);
	}
	if (*field != NULL && (k->flags & SECM_CFG_SECRET))
		secm_wipe(*field, strlen(*field));
	free(*field);
	*field = copy;
	return SECM_OK;
}

/* secm_cfg_set - parse value into the row's field of base */
int secm_cfg_set(const secm_cfg_key *k, void *base, const char *value,
		 char *why, size_t len)
{
	unsigned long long v;
	secm_action act;
	char expected[256];

	switch (k->type) {
	case SECM_CFG_STRING:
	case SECM_CFG_WORD:
		return set_string(k, base, value, why, len);
	case SECM_CFG_DOMAINS:
		return set_domains(k, base, value, why, len);
	case SECM_CFG_BOOL:
		if (has_word("yes true on 1", value))
			*FIELD(base, k, int) = 1;
		else if (has_word("no false off 0", value))
			*FIELD(base, k, int) = 0;
		else
			return bad_value(k, value, why, len, "expected yes or no");
		return SECM_OK;
	case SECM_CFG_UINT:
	case SECM_CFG_SIZE:
		if (parse_number(value, k->type == SECM_CFG_SIZE, &v) != 0)
			return bad_value(k, value, why, len,
					 k->type == SECM_CFG_SIZE ?
					 "expected a size: a number with an optional K, M or G suffix" :
					 "expected a whole number");
		if (v < k->min || v > k->max ||
		    (k->type == SECM_CFG_UINT && v > UINT_MAX) ||
		    (k->type == SECM_CFG_SIZE && v > SIZE_MAX)) {
			snprintf(expected, sizeof(expected), "out of range %llu..%llu",
				 k->min, k->max);
			return bad_value(k, value, why, len, expected);
		}
		if (k->type == SECM_CFG_UINT)
			*FIELD(base, k, unsigned int) = (unsigned int)v;
		else
			*FIELD(base, k, size_t) = (size_t)v;
		return SECM_OK;
	case SECM_CFG_ACTION:
		if (!has_word(k->words, value) || secm_action_parse(value, &act) != 0) {
			snprintf(expected, sizeof(expected), "expected one of: %s", k->words);
			return bad_value(k, value, why, len, expected);
		}
		*FIELD(base, k, secm_action) = act;
		return SECM_OK;
	}
	snprintf(why, len, "unknown key type");
	return SECM_EINTERNAL;
}

/* format_size - largest exact K/M/G unit */
static void format_size(size_t v, char *buf, size_t len)
{
	static const char units[] = "GMK";
	unsigned long long x = v;

	for (int i = 0; i < 3 && x != 0; i++) {
		unsigned long long m = 1ULL << (10 * (3 - i));

		if (x % m == 0) {
			snprintf(buf, len, "%llu%c", x / m, units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", x);
}

/* is_hidden - a secret row with a value (an unset string shows its word) */
static int is_hidden(const secm_cfg_key *k, const void *base)
{
	if (!(k->flags & SECM_CFG_SECRET))
		return 0;
	if (k->type == SECM_CFG_STRING || k->type == SECM_CFG_WORD)
		return *CFIELD(base, k, char *) != NULL;
	return 1;
}

/* secm_cfg_format - the field as file text into buf */
const char *secm_cfg_format(const secm_cfg_key *k, const void *base,
			    char *buf, size_t len)
{
	const char *s;
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (is_hidden(k, base)) {
		snprintf(buf, len, "(hidden)");
		return buf;
	}
	switch (k->type) {
	case SECM_CFG_STRING:
	case SECM_CFG_WORD:
		s = *CFIELD(base, k, char *);
		snprintf(buf, len, "%s", s != NULL ? s : k->words ? k->words : "");
		break;
	case SECM_CFG_BOOL:
		snprintf(buf, len, "%s", *CFIELD(base, k, int) ? "yes" : "no");
		break;
	case SECM_CFG_UINT:
		snprintf(buf, len, "%u", *CFIELD(base, k, unsigned int));
		break;
	case SECM_CFG_SIZE:
		format_size(*CFIELD(base, k, size_t), buf, len);
		break;
	case SECM_CFG_ACTION:
		snprintf(buf, len, "%s", secm_action_name(*CFIELD(base, k, secm_action)));
		break;
	case SECM_CFG_DOMAINS: {
		char *const *list = CFIELD(base, k, char *);
		size_t n = *(const size_t *)(const void *)((const char *)base + k->count_offset);

		if (n == 0)
			snprintf(buf, len, "none");
		for (size_t i = 0; i < n && used < len; i++) {
			int w = snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", list[i]);
			if (w < 0)
				break;
			used += (size_t)w;
		}
		break;
	}
	}
	return buf;
}

/* secm_cfg_defaults - every row's default into base */
int secm_cfg_defaults(const secm_cfg_key *tab, size_t n, void *base,
		      secm_error *err)
{
	char why[512];
	int rc;

	for (size_t i = 0; i < n; i++) {
		why[0] = '\0';
		rc = secm_cfg_set(&tab[i], base, tab[i].def, why, sizeof(why));
		if (rc != SECM_OK)
			return secm_error_set(err, rc, NULL, 0, tab[i].name,
					      "built-in default: %s", why);
	}
	return SECM_OK;
}

/* strip_comment - cut at a '#' that starts a line or follows white space */
static void strip_comment(char *s)
{
	for (char *p = s; *p != '\0'; p++) {
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

/* trim - drop trailing white space (and the CR of CRLF files) */
static void trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* secm_cfg_parse - read "Key value" lines on top of base */
int secm_cfg_parse(const secm_cfg_key *tab, size_t n, void *base, FILE *in,
		   const char *name, secm_error *err)
{
	unsigned long *seen;
	unsigned long lineno = 0;
	char *line = NULL, why[512];
	size_t cap = 0;
	ssize_t got;
	int rc = SECM_OK;

	seen = calloc(n ? n : 1, sizeof(*seen));
	if (seen == NULL)
		return secm_error_set(err, SECM_ENOMEM, name, 0, NULL, "out of memory");
	while ((got = getline(&line, &cap, in)) >= 0) {
		const secm_cfg_key *k;
		char *key, *value;

		lineno++;
		if (memchr(line, '\0', (size_t)got) != NULL) {
			rc = secm_error_set(err, SECM_ECONFIG, name, lineno, NULL,
					    "NUL byte in line");
			goto done;
		}
		strip_comment(line);
		trim(line);
		key = line + strspn(line, " \t");
		if (*key == '\0')
			continue;
		value = key + strcspn(key, " \t");
		if (*value != '\0')
			*value++ = '\0';
		value += strspn(value, " \t");
		k = secm_cfg_find(tab, n, key);
		if (k == NULL) {
			rc = secm_error_set(err, SECM_ECONFIG, name, lineno, key,
					    "unknown key");
			goto done;
		}
		if (seen[k - tab] != 0) {
			rc = secm_error_set(err, SECM_ECONFIG, name, lineno, k->name,
					    "duplicate key (first set at line %lu)",
					    seen[k - tab]);
			goto done;
		}
		seen[k - tab] = lineno;
		if (*value == '\0') {
			rc = secm_error_set(err, SECM_ECONFIG, name, lineno, k->name,
					    "missing value");
			goto done;
		}
		why[0] = '\0';
		rc = secm_cfg_set(k, base, value, why, sizeof(why));
		if (rc != SECM_OK) {
			secm_error_set(err, rc, name, lineno, k->name, "%s", why);
			goto done;
		}
	}
	if (ferror(in)) {
		char eb[128];

		rc = secm_error_set(err, SECM_EIO, name, lineno, NULL,
				    "read error: %s", strerror_r(errno, eb, sizeof(eb)));
	}
done:
	if (line != NULL)
		secm_wipe(line, cap);	/* may have held a secret value */
	free(line);
	free(seen);
	return rc;
}

/* secm_cfg_free - free the strings of base's fields and NULL them */
void secm_cfg_free(const secm_cfg_key *tab, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		const secm_cfg_key *k = &tab[i];

		if (k->type == SECM_CFG_STRING || k->type == SECM_CFG_WORD) {
			char **f = FIELD(base, k, char *);

			if (*f != NULL && (k->flags & SECM_CFG_SECRET))
				secm_wipe(*f, strlen(*f));
			free(*f);
			*f = NULL;
		} else if (k->type == SECM_CFG_DOMAINS) {
			char **list = FIELD(base, k, char *);
			size_t *count = (size_t *)(void *)((char *)base + k->count_offset);

			for (size_t j = 0; j < *count; j++) {
				free(list[j]);
				list[j] = NULL;
			}
			*count = 0;
		}
	}
}

/* secm_cfg_dump - "Key value" per row, secret rows as a comment */
void secm_cfg_dump(const secm_cfg_key *tab, size_t n, const void *base,
		   FILE *fp)
{
	char buf[SECM_MAX_DOMAINS * 256 + 256];	/* the longest domain list */

	for (size_t i = 0; i < n; i++) {
		const secm_cfg_key *k = &tab[i];

		secm_cfg_format(k, base, buf, sizeof(buf));
		fprintf(fp, "%s%-24s %s\n", is_hidden(k, base) ? "# " : "", k->name, buf);
	}
}

/* secm_config_defaults - fill c with the documented built-in defaults */
int secm_config_defaults(secm_config *c)
{
	int rc;

	memset(c, 0, sizeof(*c));
	rc = secm_cfg_defaults(secm_config_table, secm_config_table_len, c, NULL);
	if (rc != SECM_OK) {
		secm_config_free(c);
		memset(c, 0, sizeof(*c));
	}
	return rc;
}

/* secm_config_load - defaults, then the file on top */
int secm_config_load(const char *path, secm_config *c, secm_error *err)
{
	FILE *fp;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = secm_cfg_defaults(secm_config_table, secm_config_table_len, c, err);
	if (rc != SECM_OK)
		goto fail;
	if (path == NULL)
		return SECM_OK;
	fp = fopen(path, "re");
	if (fp == NULL) {
		char eb[128];

		rc = secm_error_set(err, SECM_EIO, path, 0, NULL, "cannot open: %s",
				    strerror_r(errno, eb, sizeof(eb)));
		goto fail;
	}
	rc = secm_cfg_parse(secm_config_table, secm_config_table_len, c, fp,
			    path, err);
	fclose(fp);
	if (rc != SECM_OK)
		goto fail;
	return SECM_OK;
fail:
	secm_config_free(c);
	memset(c, 0, sizeof(*c));
	return rc;
}

/* secm_config_free - free strings; c itself is caller's */
void secm_config_free(secm_config *c)
{
	if (c == NULL)
		return;
	secm_cfg_free(secm_config_table, secm_config_table_len, c);
}

/* secm_config_dump - the effective config as "Key value" lines */
void secm_config_dump(const secm_config *c, FILE *fp)
{
	secm_cfg_dump(secm_config_table, secm_config_table_len, c, fp);
}

/* write_wrapped - text as "# " comment lines of at most 76 columns */
static void write_wrapped(FILE *fp, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t n = strlen(p), cut = n;

		if (n > 74) {
			cut = 74;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = strcspn(p, " ");
		}
		fprintf(fp, "# %.*s\n", (int)cut, p);
		p += cut;
		p += strspn(p, " ");
	}
}

/* secm_config_write_sample - every key commented out with its default */
void secm_config_write_sample(FILE *fp)
{
	const char *section = NULL;

	fputs("# secret-milter.conf - sample configuration for secret-milter(8).\n"
	      "#\n"
	      "# Every key is listed, commented out, with its built-in default;\n"
	      "# remove the '#' in front of a key to change it.  Keys are\n"
	      "# case-insensitive and may appear once each.  A value is the rest of\n"
	      "# the line; '#' at the start of a line or after white space starts a\n"
	      "# comment.  Reference: secret-milter.conf(5).  Check a file with\n"
	      "# \"secret-milter -n -c FILE\".\n"
	      "#\n"
	      "# This file is generated from the key table (config_table.c); the\n"
	      "# unit test test_config fails when the two differ.\n", fp);
	for (size_t i = 0; i < secm_config_table_len; i++) {
		const secm_cfg_key *k = &secm_config_table[i];
		char head[512];

		if (section == NULL || strcmp(section, k->section) != 0) {
			section = k->section;
			fprintf(fp, "\n## %s\n", section);
		}
		snprintf(head, sizeof(head), "%s (%s): %s", k->name,
			 secm_cfg_type_name(k->type), k->doc);
		fputc('\n', fp);
		write_wrapped(fp, head);
		fprintf(fp, "#%-23s %s\n", k->name, k->def);
	}
}

/* secm_config_key_count - number of keys in the table */
size_t secm_config_key_count(void)
{
	return secm_config_table_len;
}

/* secm_config_key_name - name of key i, NULL past the end */
const char *secm_config_key_name(size_t i)
{
	return i < secm_config_table_len ? secm_config_table[i].name : NULL;
}

/* secm_config_key_doc - one-line doc of key i, NULL past the end */
const char *secm_config_key_doc(size_t i)
{
	return i < secm_config_table_len ? secm_config_table[i].doc : NULL;
}

/* secm_config_key_type - value type name of key i, NULL past the end */
const char *secm_config_key_type(size_t i)
{
	return i < secm_config_table_len ?
	       secm_cfg_type_name(secm_config_table[i].type) : NULL;
}

/* secm_config_key_default - default text of key i, NULL past the end */
const char *secm_config_key_default(size_t i)
{
	return i < secm_config_table_len ? secm_config_table[i].def : NULL;
}

/* secm_config_key_secret - 1 when key i is masked in dumps */
int secm_config_key_secret(size_t i)
{
	return i < secm_config_table_len &&
	       (secm_config_table[i].flags & SECM_CFG_SECRET) != 0;
}

/* secm_config_key_value - effective value of key i as file text */
const char *secm_config_key_value(const secm_config *c, size_t i, char *buf,
				  size_t len)
{
	if (i >= secm_config_table_len) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	return secm_cfg_format(&secm_config_table[i], c, buf, len);
}
