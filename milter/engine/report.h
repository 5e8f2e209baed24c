/*
 * report.h - JSON for findings (json-c): used by --scan --json and by the
 * quarantine metadata.  Findings only: rule, severity, part, start, end,
 * fingerprint.  No secret value can reach this code.
 */
#ifndef SECM_REPORT_H
#define SECM_REPORT_H

#include <stddef.h>
#include "finding.h"

struct json_object;

/* secm_report_findings - new JSON array of finding objects */
struct json_object *secm_report_findings(const secm_finding *f, size_t n);

#endif
