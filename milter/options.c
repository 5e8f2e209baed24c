/*
 * options.c - command-line parsing with getopt_long.
 *
 * Daemon options (-c -f -p -P -u -n) and the offline modes (--scan [--json],
 * --redact, --list-rules, --test-rules) share one table.  Modes exclude each
 * other; operands are allowed only where a mode takes files.  Nothing here
 * prints or exits: errors come back as text for main.c.
 */
#include "autoconfig.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

enum {
	OPT_SCAN = 256,
	OPT_JSON,
	OPT_REDACT,
	OPT_LIST_RULES,
	OPT_TEST_RULES
};

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "socket", required_argument, NULL, 'p' },
	{ "check", no_argument, NULL, 'n' },
	{ "patterns", required_argument, NULL, 'P' },
	{ "user", required_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "scan", no_argument, NULL, OPT_SCAN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "redact", no_argument, NULL, OPT_REDACT },
	{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
	{ "test-rules", no_argument, NULL, OPT_TEST_RULES },
	{ NULL, 0, NULL, 0 }
};

/* set_mode - record a mode; a second, different mode is an error */
static int set_mode(secm_options *o, secm_mode m, const char *name,
		    char *why, size_t whylen)
{
	if (o->mode != SECM_MODE_DAEMON && o->mode != m) {
		snprintf(why, whylen, "%s cannot be combined with another mode", name);
		return -1;
	}
	o->mode = m;
	return 0;
}

/* secm_options_parse - fill o from argv (see options.h) */
int secm_options_parse(int argc, char **argv, secm_options *o,
		       char *why, size_t whylen)
{
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	why[0] = '\0';
	opterr = 0;		/* we word the errors ourselves */
	optind = 1;
	while (rc == 0 &&
	       (c = getopt_long(argc, argv, ":c:fp:nP:u:Vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'p': o->socket = optarg; break;
		case 'P': o->pattern_dir = optarg; break;
		case 'u': o->user = optarg; break;
		case 'n': rc = set_mode(o, SECM_MODE_CHECK, "-n", why, whylen); break;
		case 'V': rc = set_mode(o, SECM_MODE_VERSION, "-V", why, whylen); break;
		case 'h': rc = set_mode(o, SECM_MODE_HELP, "-h", why, whylen); break;
		case OPT_SCAN:
			rc = set_mode(o, SECM_MODE_SCAN, "--scan", why, whylen);
			break;
		case OPT_REDACT:
			rc = set_mode(o, SECM_MODE_REDACT, "--redact", why, whylen);
			break;
		case OPT_LIST_RULES:
			rc = set_mode(o, SECM_MODE_LIST_RULES, "--list-rules", why, whylen);
			break;
		case OPT_TEST_RULES:
			rc = set_mode(o, SECM_MODE_TEST_RULES, "--test-rules", why, whylen);
			break;
		case OPT_JSON: o->json = 1; break;
		case ':':
			snprintf(why, whylen, "option %s needs an argument",
				 argv[optind - 1]);
			return -1;
		default:
			if (optopt != 0 && optopt < 256)
				snprintf(why, whylen, "unknown option -%c", optopt);
			else
				snprintf(why, whylen, "unknown option %s", argv[optind - 1]);
			return -1;
		}
	}
	if (rc != 0)
		return rc;
	o->files = argv + optind;
	o->nfiles = argc - optind;

	if (o->json && o->mode != SECM_MODE_SCAN) {
		snprintf(why, whylen, "--json only goes with --scan");
		return -1;
	}
	switch (o->mode) {
	case SECM_MODE_SCAN:
		if (o->nfiles < 1) {
			snprintf(why, whylen, "--scan needs at least one FILE (- for standard input)");
			return -1;
		}
		break;
	case SECM_MODE_REDACT:
		if (o->nfiles != 1) {
			snprintf(why, whylen, "--redact needs exactly one FILE (- for standard input)");
			return -1;
		}
		break;
	default:
		if (o->nfiles > 0) {
			snprintf(why, whylen, "unexpected argument %s", o->files[0]);
			return -1;
		}
		break;
	}
	return 0;
}

/* secm_options_usage - print the synopsis and option summary to fp */
void secm_options_usage(FILE *fp)
{
	fputs("usage: secret-milter [-fn] [-c config] [-p socket] [-P patterndir] [-u user[:group]]\n"
	      "       secret-milter [-c config] [-P patterndir] --scan [--json] FILE...\n"
	      "       secret-milter [-c config] [-P patterndir] --redact FILE\n"
	      "       secret-milter [-c config] [-P patterndir] --list-rules | --test-rules\n"
	      "       secret-milter -V | -h\n"
	      "\n"
	      "  -c CONFIG      configuration file (default: built-in defaults)\n"
	      "  -f             stay in the foreground\n"
	      "  -p SOCKET      milter socket, inet:PORT@HOST or unix:PATH (overrides Socket)\n"
	      "  -P DIR         pattern directory (overrides PatternDirectory)\n"
	      "  -u USER[:GROUP] run as this user (overrides UserID)\n"
	      "  -n             check configuration and patterns, print the effective config\n"
	      "  --scan         scan messages, report findings (exit 0 clean, 1 found, 2 error)\n"
	      "  --json         with --scan: one JSON object per file\n"
	      "  --redact       write the message with every finding redacted to stdout\n"
	      "  --list-rules   list the loaded rules\n"
	      "  --test-rules   check every rule's examples and negative examples\n"
	      "  -V             print the version\n"
	      "  -h             print this help\n", fp);
}
