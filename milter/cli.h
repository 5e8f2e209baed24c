/*
 * cli.h - offline modes on the same engine as the daemon.
 * Each returns the process exit code.
 */
#ifndef SECM_CLI_H
#define SECM_CLI_H

#include "snapshot.h"

/* secm_cli_scan - exit 0 nothing found, 1 found, 2 error */
int secm_cli_scan(const secm_snapshot *snap, int json, char **files, int nfiles);
/* secm_cli_redact - message with every finding redacted on stdout; 0/1/2 */
int secm_cli_redact(const secm_snapshot *snap, const char *file);
/* secm_cli_list_rules - one line per rule */
int secm_cli_list_rules(const secm_snapshot *snap);
/* secm_cli_test_rules - 0 all examples pass, 1 some fail */
int secm_cli_test_rules(const secm_snapshot *snap);

#endif
