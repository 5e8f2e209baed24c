/*
 * main.c - secret-milter: the daemon start-up and the offline modes.
 *
 * Order (STYLE.md, "Daemon habits"): options; config and rules as one
 * snapshot (a bad config or pattern is fatal here and nowhere else); log;
 * smfi_register; the socket under umask 007, then its owner and mode; drop
 * privileges; detach unless -f; pid file; smfi_main.  libmilter takes
 * SIGHUP/SIGTERM/SIGINT in its own thread and returns from smfi_main; we
 * then remove the pid file.  SIGUSR1 reloads the configuration.
 * Exit codes come from <sysexits.h>; the offline modes return their own.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "cli.h"
#include "daemon.h"
#include "glue.h"
#include "log.h"
#include "mime_walk.h"
#include "options.h"
#include "snapshot.h"

/* fatal - "secret-milter: <why>" on stderr (and the log once open) */
static int fatal(int code, int logged, const char *why)
{
	fprintf(stderr, "secret-milter: %s\n", why);
	if (logged)
		secm_log(LOG_ERR, "NOQUEUE", "%s", why);
	return code;
}

/* run_check - -n: print the effective config and the rule count */
static int run_check(const secm_snapshot *snap, const secm_options *o)
{
	const secm_config *c = &snap->config;
	const char *user = o->user != NULL ? o->user : c->user;
	char why[512];
	secm_ids ids;
	int rc;

	rc = secm_daemon_lookup_user(user, &ids, why, sizeof(why));
	if (rc != 0) {
		fprintf(stderr, "secret-milter: %s\n", why);
		return EX_CONFIG;
	}
	secm_config_dump(c, stdout);
	printf("# socket in use: %s\n", o->socket != NULL ? o->socket :
	       (c->socket != NULL ? c->socket : "(none)"));
	printf("# %zu rules loaded\n", secm_ruleset_count(snap->rules));
	return EX_OK;
}

/* absolute - path made absolute against the working directory (malloc'd) */
static char *absolute(const char *path)
{
	char cwd[4096];
	size_t n;
	char *out;

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return strdup(path);
	n = strlen(cwd) + strlen(path) + 2;
	out = malloc(n);
	if (out != NULL)
		snprintf(out, n, "%s/%s", cwd, path);
	return out;
}

/* run_daemon - everything from smfi_register to the end of smfi_main */
static int run_daemon(secm_snapshot *snap, const secm_options *o)
{
	const secm_config *c = &snap->config;
	secm_glue_source src = { o->config_path, o->pattern_dir };
	const char *sock = o->socket != NULL ? o->socket : c->socket;
	const char *user = o->user != NULL ? o->user : c->user;
	char *pid_file = NULL;
	char why[512];
	secm_ids ids;
	int notify = -1;
	int rc;

	why[0] = '\0';
	/* detaching moves to "/": anchor a relative pid file name first */
	if (c->pid_file != NULL && *c->pid_file != '\0') {
		pid_file = absolute(c->pid_file);
		if (pid_file == NULL) {
			rc = EX_OSERR;
			snprintf(why, sizeof(why), "out of memory");
			goto fail_unref;
		}
	}
	rc = secm_daemon_lookup_user(user, &ids, why, sizeof(why));
	if (rc != 0)
		goto fail_unref;
	/* before any mail is read: a core dump would hold message bytes */
	if (secm_daemon_no_core_dumps(why, sizeof(why)) != 0) {
		rc = EX_OSERR;
		goto fail_unref;
	}
	if (secm_glue_register(snap) != 0) {
		rc = EX_SOFTWARE;
		snprintf(why, sizeof(why), "smfi_register failed");
		goto fail_unref;
	}
	snap = NULL;		/* the glue owns it now */
	rc = secm_daemon_open_socket(sock, &ids, why, sizeof(why));
	if (rc != 0)
		goto fail;
	rc = secm_daemon_drop_privileges(&ids, why, sizeof(why));
	if (rc != 0)
		goto fail;
	if (!o->foreground) {
		rc = secm_daemon_detach(&notify, why, sizeof(why));
		if (rc != 0)
			goto fail;
	}
	rc = secm_daemon_write_pidfile(pid_file, why, sizeof(why));
	if (rc != 0)
		goto fail;
	secm_mime_init();	/* before any thread starts */
	secm_daemon_block_signals();
	rc = secm_daemon_start_reloader(secm_glue_reload, &src, why, sizeof(why));
	if (rc != 0)
		goto fail_pid;
	secm_daemon_notify(notify, 0, NULL);
	notify = -1;
	secm_log(LOG_INFO, "NOQUEUE", "%s %s starting on %s (pid %ld, uid %ld)",
		 PACKAGE_NAME, PACKAGE_VERSION, sock, (long)getpid(), (long)getuid());
	rc = smfi_main() == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
	secm_log(rc == EX_OK ? LOG_INFO : LOG_ERR, "NOQUEUE", "stopping%s",
		 rc == EX_OK ? "" : ": smfi_main failed");
	secm_daemon_remove_pidfile(pid_file);
	secm_glue_shutdown();
	free(pid_file);
	return rc;
fail_pid:
	secm_daemon_remove_pidfile(pid_file);
fail:
	secm_glue_shutdown();
fail_unref:
	secm_snapshot_unref(snap);
	free(pid_file);
	secm_daemon_notify(notify, rc, why);
	return fatal(rc, 1, why);
}

/* main - parse, build the snapshot, dispatch to a mode */
int main(int argc, char **argv)
{
	secm_options o;
	secm_snapshot *snap = NULL;
	secm_error err;
	char why[1024];
	int rc;

	if (secm_options_parse(argc, argv, &o, why, sizeof(why)) != 0) {
		fprintf(stderr, "secret-milter: %s (secret-milter -h for help)\n", why);
		return EX_USAGE;
	}
	if (o.mode == SECM_MODE_HELP) {
		secm_options_usage(stdout);
		return EX_OK;
	}
	if (o.mode == SECM_MODE_VERSION) {
		unsigned int maj = 0, min = 0, pl = 0;

		smfi_version(&maj, &min, &pl);
		printf("%s %s (libmilter %u.%u.%u)\n", PACKAGE_NAME, PACKAGE_VERSION,
		       maj, min, pl);
		return EX_OK;
	}
	secm_error_clear(&err);
	if (secm_snapshot_build(o.config_path, o.pattern_dir, &snap, &err) != SECM_OK) {
		fprintf(stderr, "secret-milter: %s\n",
			secm_error_format(&err, why, sizeof(why)));
		return EX_CONFIG;
	}
	switch (o.mode) {
	case SECM_MODE_CHECK:
		rc = run_check(snap, &o);
		break;
	case SECM_MODE_SCAN:
		secm_mime_init();
		rc = secm_cli_scan(snap, o.json, o.files, o.nfiles);
		break;
	case SECM_MODE_REDACT:
		secm_mime_init();
		rc = secm_cli_redact(snap, o.files[0]);
		break;
	case SECM_MODE_LIST_RULES:
		rc = secm_cli_list_rules(snap);
		break;
	case SECM_MODE_TEST_RULES:
		secm_mime_init();
		rc = secm_cli_test_rules(snap);
		break;
	default:
		if (secm_log_open("secret-milter", snap->config.syslog,
				  snap->config.syslog_facility) != 0) {
			secm_snapshot_unref(snap);
			return fatal(EX_CONFIG, 0, "cannot open the log");
		}
		rc = run_daemon(snap, &o);
		secm_log_close();
		return rc;
	}
	secm_snapshot_unref(snap);
	return rc;
}
