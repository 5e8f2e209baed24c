#!/bin/sh
# corpus.sh - `--scan --json` over every message of ../shared/corpus/mail:
# no crash, no internal error, each message within a bounded time.
# Findings are written to tests/corpus-findings.jsonl in the build tree for
# review; this test does not judge them (the detection report does).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SECRET_MILTER:=$top_builddir/milter/secret-milter}"
corpus="${SECM_CORPUS:-$top_srcdir/../shared/corpus/mail}"
limit="${SECM_CORPUS_SECONDS:-30}"
if [ ! -d "$corpus" ]; then
	echo "# skip: no corpus at $corpus"
	exit 77
fi
out="$top_builddir/tests/corpus-findings.jsonl"
mkdir -p "$top_builddir/tests"
: > "$out"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cp "$top_srcdir/tests/golden/fingerprint.key" "$tmp/key" && chmod 600 "$tmp/key"
printf 'FingerprintKeyFile %s\nPatternDirectory %s\n' "$tmp/key" "$top_srcdir/patterns" > "$tmp/c.conf"

files=0 flagged=0 bad=0
find "$corpus" -type f -name '*.eml' | LC_ALL=C sort > "$tmp/list"
while IFS= read -r f; do
	files=$((files + 1))
	timeout "$limit" "$SECRET_MILTER" -c "$tmp/c.conf" --scan --json "$f" > "$tmp/one" 2> "$tmp/err" < /dev/null
	rc=$?
	case $rc in
	0) ;;
	1) flagged=$((flagged + 1)); sed "s|$corpus/||" "$tmp/one" >> "$out" ;;
	124) bad=$((bad + 1)); echo "not ok - ${f#$corpus/}: over ${limit}s" ;;
	*) bad=$((bad + 1)); echo "not ok - ${f#$corpus/}: exit $rc: $(head -c 300 "$tmp/err") $(head -c 300 "$tmp/one")" ;;
	esac
done < "$tmp/list"
echo "# $files messages scanned, $flagged flagged (see $out), $bad failed"
echo "$((files - bad)) passed, $bad failed"
[ $bad = 0 ]
