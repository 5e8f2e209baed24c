/*
 * review_main.c - secret-quarantine: options, the store location, locking
 * and dispatch to the commands (list, show, release, delete, purge).
 *
 * The store is QuarantineDirectory of the milter's config file (-c, read
 * with secm_config_load) or -d; -d wins.  list and show take a shared lock
 * on DIR/.lock, the other commands an exclusive one, waited for up to -w
 * seconds (default 10) before giving up with exit 3.  Exit codes: see
 * review.h and secret-quarantine(8).
 */
#include "autoconfig.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "review.h"

/* usage - the synopsis on fp; returns REVIEW_USAGE */
static int usage(FILE *fp)
{
	fputs("usage: secret-quarantine [-c config] [-d dir] [-P patterndir] [-a auditlog] [-w secs] COMMAND\n"
	      "  list [--json] [--older-than DAYS | --newer-than DAYS] [--rule ID]\n"
	      "       [--sender ADDR] [--recipient ADDR]\n"
	      "  show [--raw] ID\n"
	      "  release [--redacted] [--sendmail CMD] [--postfix-config DIR] [--no-postfix]\n"
	      "          [--sendmail-config CF] [--force] ID\n"
	      "  delete [--postfix-config DIR] [--no-postfix] [--sendmail-config CF] ID\n"
	      "  purge --older-than DAYS [--postfix-config DIR] [--no-postfix]\n"
	      "exit: 0 ok, 1 not found or nothing to do, 2 usage, 3 already released or locked,\n"
	      "      75 temporary failure\n", fp);
	return REVIEW_USAGE;
}

/* parse_days - a non-negative number of days; 0 or -1 */
static int parse_days(const char *s, double *out)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end != '\0' || !(d >= 0) || d > 1e6) {
		fprintf(stderr, "secret-quarantine: not a number of days: %s\n", s);
		return -1;
	}
	*out = d;
	return 0;
}

enum {
	OPT_JSON = 256, OPT_OLDER, OPT_NEWER, OPT_RULE, OPT_SENDER, OPT_RECIPIENT,
	OPT_RAW, OPT_REDACTED, OPT_SENDMAIL, OPT_PFCONF, OPT_NOPF, OPT_FORCE, OPT_SMCONF
};

static const struct option cmd_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "older-than", required_argument, NULL, OPT_OLDER },
	{ "newer-than", required_argument, NULL, OPT_NEWER },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "sender", required_argument, NULL, OPT_SENDER },
	{ "recipient", required_argument, NULL, OPT_RECIPIENT },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "redacted", no_argument, NULL, OPT_REDACTED },
	{ "sendmail", required_argument, NULL, OPT_SENDMAIL },
	{ "postfix-config", required_argument, NULL, OPT_PFCONF },
	{ "no-postfix", no_argument, NULL, OPT_NOPF },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "sendmail-config", required_argument, NULL, OPT_SMCONF },
	{ NULL, 0, NULL, 0 }
};

/* command words and the options each accepts */
typedef struct cmd_def {
	const char *name;
	unsigned int allowed;	/* bit (opt - OPT_JSON) */
	int nargs;		/* operands: 0 or 1 (the item id) */
	int exclusive;		/* lock mode */
} cmd_def;

#define B(o) (1u << ((o) - OPT_JSON))
static const cmd_def cmds[] = {
	{ "list", B(OPT_JSON) | B(OPT_OLDER) | B(OPT_NEWER) | B(OPT_RULE) | B(OPT_SENDER) |
		  B(OPT_RECIPIENT), 0, 0 },
	{ "show", B(OPT_RAW), 1, 0 },
	{ "release", B(OPT_REDACTED) | B(OPT_SENDMAIL) | B(OPT_PFCONF) | B(OPT_NOPF) |
		     B(OPT_FORCE) | B(OPT_SMCONF), 1, 1 },
	{ "delete", B(OPT_PFCONF) | B(OPT_NOPF) | B(OPT_SENDMAIL) | B(OPT_SMCONF), 1, 1 },
	{ "purge", B(OPT_OLDER) | B(OPT_PFCONF) | B(OPT_NOPF) | B(OPT_SENDMAIL) |
		   B(OPT_SMCONF), 0, 1 },
};

/* store_dir - -d, else QuarantineDirectory of -c (or the built-in
 * default); *owned gets what the caller frees */
static const char *store_dir(const review_opts *o, char **owned)
{
	secm_config c;
	secm_error err;
	char eb[1024];

	*owned = NULL;
	if (o->dir != NULL)
		return o->dir;
	secm_error_clear(&err);
	if ((o->config_path != NULL ? secm_config_load(o->config_path, &c, &err)
				    : secm_config_defaults(&c)) != SECM_OK) {
		fprintf(stderr, "secret-quarantine: %s\n", secm_error_format(&err, eb, sizeof(eb)));
		return NULL;
	}
	*owned = c.quarantine_dir != NULL ? strdup(c.quarantine_dir) : NULL;
	secm_config_free(&c);
	return *owned;
}

/* main - options, lock, command */
int main(int argc, char **argv)
{
	review_opts o = { NULL, NULL, NULL, NULL, 10 };
	review_release_opts ro = { 0, 0, 0, NULL, NULL, NULL };
	review_filter f = { -1, -1, NULL, NULL, NULL };
	const cmd_def *cmd = NULL;
	review_store st;
	char *owned = NULL;
	const char *dir, *id = NULL;
	int c, json = 0, raw = 0, rc;

	while ((c = getopt(argc, argv, "+a:c:d:hP:Vw:")) != -1) {
		switch (c) {
		case 'a': o.audit_path = optarg; break;
		case 'c': o.config_path = optarg; break;
		case 'd': o.dir = optarg; break;
		case 'P': o.pattern_dir = optarg; break;
		case 'w': o.wait_secs = atoi(optarg); break;
		case 'h': usage(stdout); return REVIEW_OK;
		case 'V': printf("secret-quarantine %s\n", PACKAGE_VERSION); return REVIEW_OK;
		default: return usage(stderr);
		}
	}
	if (optind >= argc)
		return usage(stderr);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[optind], cmds[i].name) == 0)
			cmd = &cmds[i];
	}
	if (cmd == NULL) {
		fprintf(stderr, "secret-quarantine: unknown command: %s\n", argv[optind]);
		return usage(stderr);
	}
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: restart getopt on the command's words */
	while ((c = getopt_long(argc, argv, "+", cmd_options, NULL)) != -1) {
		if (c < OPT_JSON || (cmd->allowed & B(c)) == 0) {
			fprintf(stderr, "secret-quarantine: %s: bad option\n", cmd->name);
			return usage(stderr);
		}
		switch (c) {
		case OPT_JSON: json = 1; break;
		case OPT_OLDER: if (parse_days(optarg, &f.older_days)) return REVIEW_USAGE; break;
		case OPT_NEWER: if (parse_days(optarg, &f.newer_days)) return REVIEW_USAGE; break;
		case OPT_RULE: f.rule = optarg; break;
		case OPT_SENDER: f.sender = optarg; break;
		case OPT_RECIPIENT: f.recipient = optarg; break;
		case OPT_RAW: raw = 1; break;
		case OPT_REDACTED: ro.redacted = 1; break;
		case OPT_SENDMAIL: ro.sendmail = optarg; break;
		case OPT_PFCONF: ro.postfix_config = optarg; break;
		case OPT_NOPF: ro.no_postfix = 1; break;
		case OPT_FORCE: ro.force = 1; break;
		case OPT_SMCONF: ro.sendmail_config = optarg; break;
		}
	}
	if (argc - optind != cmd->nargs) {
		fprintf(stderr, "secret-quarantine: %s: %s\n", cmd->name,
			cmd->nargs ? "needs one item id" : "takes no operand");
		return usage(stderr);
	}
	if (f.older_days >= 0 && f.newer_days >= 0 && strcmp(cmd->name, "list") == 0) {
		fprintf(stderr, "secret-quarantine: list: --older-than or --newer-than, not both\n");
		return usage(stderr);
	}
	if (strcmp(cmd->name, "purge") == 0 && f.older_days < 0) {
		fprintf(stderr, "secret-quarantine: purge: needs --older-than DAYS\n");
		return usage(stderr);
	}
	if (cmd->nargs) {
		id = argv[optind];
		if (!review_id_valid(id)) {
			fprintf(stderr, "secret-quarantine: not an item id: ");
			review_print_safe(stderr, id);
			fputc('\n', stderr);
			return REVIEW_USAGE;
		}
	}

	dir = store_dir(&o, &owned);
	if (dir == NULL)
		return REVIEW_TEMPFAIL;
	rc = review_store_open(&st, dir);
	if (rc != REVIEW_OK)
		goto out;
	rc = review_store_lock(&st, cmd->exclusive, o.wait_secs);
	if (rc != REVIEW_OK)
		goto done;
	/* every command but list audits; a masked show may go on without */
	if (strcmp(cmd->name, "list") != 0) {
		rc = review_audit_open(&st, o.audit_path);
		if (rc != REVIEW_OK && strcmp(cmd->name, "show") == 0 && !raw) {
			fprintf(stderr, "secret-quarantine: warning: this view is not audited\n");
			rc = REVIEW_OK;
		}
		if (rc != REVIEW_OK)
			goto done;
	}
	if (strcmp(cmd->name, "list") == 0)
		rc = review_cmd_list(&st, &f, json);
	else if (strcmp(cmd->name, "show") == 0)
		rc = review_cmd_show(&st, &o, id, raw);
	else if (strcmp(cmd->name, "release") == 0)
		rc = review_cmd_release(&st, &o, &ro, id);
	else if (strcmp(cmd->name, "delete") == 0)
		rc = review_cmd_delete(&st, &ro, id);
	else
		rc = review_cmd_purge(&st, &ro, f.older_days);
done:
	review_store_close(&st);
out:
	free(owned);
	return rc;
}
