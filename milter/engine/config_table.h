/*
 * config_table.h - the one table of configuration keys (config_table.c) and
 * the table-driven machinery behind config.c.
 *
 * Design: every key is one secm_cfg_key row: name, type, default as text,
 * offset into the target struct, range or allowed words, flags and a
 * one-line doc.  Defaults are applied by parsing the default text with the
 * same code that parses the file, so a default can never be something the
 * file could not say.  The generic functions take the table as a parameter
 * so the tests can drive them with rows of their own (a secret row, say).
 *
 * Threading: the table is constant; the functions touch only the struct
 * they are given.
 */
#ifndef SECM_CONFIG_TABLE_H
#define SECM_CONFIG_TABLE_H

#include <stddef.h>
#include <stdio.h>
#include "error.h"

typedef enum secm_cfg_type {
	SECM_CFG_STRING,	/* char *; NULL when set to the row's unset word */
	SECM_CFG_BOOL,		/* int: yes/no, true/false, on/off, 1/0 */
	SECM_CFG_UINT,		/* unsigned int, decimal, within [min, max] */
	SECM_CFG_SIZE,		/* size_t, decimal with optional K, M, G (x1024) */
	SECM_CFG_ACTION,	/* secm_action, one of the row's words */
	SECM_CFG_DOMAINS,	/* char *[SECM_MAX_DOMAINS] + size_t count */
	SECM_CFG_WORD		/* char *, one of the row's words (stored lowercase) */
} secm_cfg_type;

enum {
	SECM_CFG_SECRET = 1 << 0	/* value is a secret: masked in dumps and
					   never echoed in errors */
};

/* check - extra validation of a string value; 0, or -1 with why filled */
typedef int (*secm_cfg_check)(const char *value, char *why, size_t len);

typedef struct secm_cfg_key {
	const char *name;	/* "Socket"; matched case-insensitively */
	secm_cfg_type type;
	const char *def;	/* default, as it would be written in the file */
	size_t offset;		/* offsetof the field in the target struct */
	size_t count_offset;	/* DOMAINS: offsetof the size_t count */
	unsigned long long min, max; /* UINT, SIZE: inclusive range */
	const char *words;	/* ACTION, WORD: allowed words, space-separated;
				   STRING: the word meaning "unset" (or NULL) */
	secm_cfg_check check;	/* STRING: extra validation, or NULL */
	unsigned int flags;	/* SECM_CFG_* */
	const char *section;	/* heading in the sample file and man page */
	const char *doc;	/* one line: what the key does */
} secm_cfg_key;

/* the configuration keys of secm_config, in documentation order */
extern const secm_cfg_key secm_config_table[];
extern const size_t secm_config_table_len;

/* secm_cfg_type_name - "string", "boolean", "integer", "size", "action",
 * "domain list", "word" */
const char *secm_cfg_type_name(secm_cfg_type t);

/* secm_cfg_find - row named name (case-insensitive) or NULL */
const secm_cfg_key *secm_cfg_find(const secm_cfg_key *tab, size_t n,
				  const char *name);

/* secm_cfg_set - parse value into the row's field of base (replacing and
 * freeing what was there); 0, or SECM_ECONFIG with why filled (never the
 * value of a secret row), or SECM_ENOMEM */
int secm_cfg_set(const secm_cfg_key *k, void *base, const char *value,
		 char *why, size_t len);

/* secm_cfg_format - the field as file text into buf (a secret row that is
 * set gives "(hidden)"); returns buf */
const char *secm_cfg_format(const secm_cfg_key *k, const void *base,
			    char *buf, size_t len);

/* secm_cfg_defaults - every row's default into base; 0 or an error */
int secm_cfg_defaults(const secm_cfg_key *tab, size_t n, void *base,
		      secm_error *err);

/* secm_cfg_parse - read "Key value" lines from in (named name in errors)
 * on top of base; errors are "name, line N: Key: why" */
int secm_cfg_parse(const secm_cfg_key *tab, size_t n, void *base, FILE *in,
		   const char *name, secm_error *err);

/* secm_cfg_free - free the strings of base's fields and NULL them */
void secm_cfg_free(const secm_cfg_key *tab, size_t n, void *base);

/* secm_cfg_dump - "Key value" per row; a set secret row becomes a comment
 * "# Key (hidden)" so the dump still loads */
void secm_cfg_dump(const secm_cfg_key *tab, size_t n, const void *base,
		   FILE *fp);

#endif
