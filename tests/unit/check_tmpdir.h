/*
 * check_tmpdir.h - main() of a Check suite that works in a private
 * temporary directory: make it, run the suite, remove it.  Header-only,
 * included by the suites that need a directory (config, log, quarantine,
 * fingerprint).
 */
#ifndef SECM_CHECK_TMPDIR_H
#define SECM_CHECK_TMPDIR_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* secm_check_in_tmpdir - mkdtemp(tmpdir) (a "...XXXXXX" template, filled
 * in), run s, remove the directory; the process exit status: 0 all passed,
 * 1 a failure (or the directory could not be removed), 99 no directory */
static inline int secm_check_in_tmpdir(Suite *s, char *tmpdir)
{
	SRunner *sr;
	int failed;
	char cmd[600];

	if (mkdtemp(tmpdir) == NULL)
		return 99;
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		failed++;
	return failed == 0 ? 0 : 1;
}

#endif
