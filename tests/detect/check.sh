#!/bin/sh
# check.sh - detection regression test for make check (issue 3):
#  1. generate a small seeded corpus (3 samples per rule, carriers and
#     syntaxes rotated across rules) and fail when recall falls below
#     DETECT_MIN_RECALL;
#  2. every mail-aware negative (tests/detect/negatives/*.eml: DKIM/ARC,
#     PGP, SSH, S/MIME, ids, boundaries, hashes, images) yields no finding.
# The threshold was set from the measured values: 92.8% on 405 samples of
# 135 rules, 95.6% on 681 samples of 227 rules, then 99.57% on 705 samples
# of 235 rules (2026-11-26, seed 1), minus a small margin for engine work
# in progress; raise it as recall improves.  Skips (77) without python3 or
# PyYAML.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SECRET_MILTER:=${top_builddir:-$top_srcdir}/milter/secret-milter}"
: "${DETECT_MIN_RECALL:=99}"
# the first python3 that has PyYAML: the one on PATH (it may be a private
# install without it), else Debian's with python3-yaml
py=""
for c in python3 /usr/bin/python3; do
	command -v "$c" >/dev/null 2>&1 && "$c" -c 'import yaml' 2>/dev/null && { py=$c; break; }
done
[ -n "$py" ] || { echo "check.sh: no python3 with PyYAML (python3-yaml), skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/secm-detect.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
"$py" "$top_srcdir/tests/detect/measure.py" \
	--scanner "$SECRET_MILTER" --patterns "$top_srcdir/patterns" \
	--generate "$tmp/corpus" --per-rule 3 --seed 1 \
	--negatives "$top_srcdir/tests/detect/negatives" \
	--report "$tmp/report.md" --min-recall "$DETECT_MIN_RECALL"
