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

/* secm_report_findings - new JSON array of finding objects (caller puts
 * it); NULL when out of memory */
struct json_object *secm_report_findings(const secm_finding *f, size_t n);
/* secm_report_finding - one finding object; NULL when out of memory */
struct json_object *secm_report_finding(const secm_finding *f);
/* secm_report_string - JSON string of s, made valid UTF-8 first (envelope
 * addresses and file names are bytes); NULL (JSON null) for NULL s */
struct json_object *secm_report_string(const char *s);

#endif
