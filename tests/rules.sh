#!/bin/sh
# rules.sh - every rule's examples and negative examples (--test-rules), and
# every pattern file loads (-n).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SECRET_MILTER:=${top_builddir:-$top_srcdir}/milter/secret-milter}"
"$SECRET_MILTER" -P "$top_srcdir/patterns" --test-rules
