/*
 * options.h - the command line of secret-milter: daemon options and the
 * offline modes.  Parsing only; main.c decides what to do with the result.
 * Strings point into argv (borrowed).
 */
#ifndef SECM_OPTIONS_H
#define SECM_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

typedef enum secm_mode {
	SECM_MODE_DAEMON = 0,	/* run the milter */
	SECM_MODE_CHECK,	/* -n: check config and patterns, print them */
	SECM_MODE_SCAN,		/* --scan [--json] FILE... */
	SECM_MODE_REDACT,	/* --redact FILE */
	SECM_MODE_LIST_RULES,	/* --list-rules */
	SECM_MODE_TEST_RULES,	/* --test-rules */
	SECM_MODE_VERSION,	/* -V */
	SECM_MODE_HELP		/* -h */
} secm_mode;

typedef struct secm_options {
	secm_mode mode;
	const char *config_path;	/* -c, NULL = built-in defaults */
	const char *socket;		/* -p, overrides Socket */
	const char *pattern_dir;	/* -P, overrides PatternDirectory */
	const char *user;		/* -u, overrides UserID */
	int foreground;			/* -f */
	int json;			/* --json (with --scan) */
	char **files;			/* operands of --scan / --redact */
	int nfiles;
} secm_options;

/* secm_options_parse - fill o from argv; 0, or -1 with a one-line reason
 * in why (for "secret-milter: <why>" plus the usage hint) */
int secm_options_parse(int argc, char **argv, secm_options *o,
		       char *why, size_t whylen);

/* secm_options_usage - print the synopsis and option summary to fp */
void secm_options_usage(FILE *fp);

#endif
