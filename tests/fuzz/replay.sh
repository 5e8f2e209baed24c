#!/bin/sh
# replay.sh - run the fuzz targets as plain programs over known inputs
# (make check; the libFuzzer builds are for fuzzing sessions, see README).
#
# replay_inspect: the hand-made seeds, the golden and integration messages,
# the MIME unit fixtures, and every *.eml of ../shared/corpus/mail when it
# is there (all of it in one process).  replay_patterns: the pattern seeds,
# the real patterns/*.yml and the unit-test pattern fixtures.  Each group is
# one check: it passes when the program replays every input without a
# crash, a broken invariant or an input slower than SECM_REPLAY_SECONDS
# (default 60).  One more group re-inspects every redacted message and
# wants no findings left (SECM_FUZZ_RESCAN, see fuzz_inspect.c).
# replay_config: the config seeds (good and broken files, the configs the
# tests write; not the open finding-*.conf) and conf/secret-milter.conf.  Crash reproducers saved as
# seeds/<target>/crash-* are replayed with their group.  Uses
# top_srcdir/top_builddir from tests/tests.am.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
fuzz="$top_builddir/tests/fuzz"
seeds="$top_srcdir/tests/fuzz/seeds"
corpus="${SECM_CORPUS:-$top_srcdir/../shared/corpus/mail}"
limit="${SECM_REPLAY_SECONDS:-60}"

for p in replay_inspect replay_patterns replay_config; do
	if [ ! -x "$fuzz/$p" ]; then
		echo "# $fuzz/$p not built (make check builds it)"
		exit 99
	fi
done
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
# group NAME PROGRAM ARGS... - one replay run counted as one check
group() {
	name=$1 prog=$2
	shift 2
	"$fuzz/$prog" -t "$limit" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   $name: $(cat "$tmp/out")"
	else
		fail=$((fail + 1))
		echo "FAIL $name: $prog exited with $rc"
		sed 's/^/#   /' "$tmp/err" | tail -n 40
	fi
}

group "inspect seeds" replay_inspect "$seeds/inspect"
set --
for f in "$top_srcdir"/tests/golden/*.eml "$top_srcdir"/tests/integration/*.eml; do
	[ -f "$f" ] && set -- "$@" "$f"
done
[ -d "$top_srcdir/tests/unit/data/mime" ] && set -- "$@" "$top_srcdir/tests/unit/data/mime"
group "inspect golden, integration and unit messages" replay_inspect "$@"
if [ -d "$corpus" ]; then
	find "$corpus" -type f -name '*.eml' | LC_ALL=C sort > "$tmp/list"
	group "inspect corpus ($(wc -l < "$tmp/list") messages)" replay_inspect -l "$tmp/list"
else
	echo "# no corpus at $corpus: corpus replay skipped"
fi

# the redacted output of every message above must rescan clean
# (SECM_FUZZ_RESCAN); finding-*.eml are known failures of exactly that
find "$seeds/inspect" "$top_srcdir/tests/golden" "$top_srcdir/tests/integration" \
	-type f -name '*.eml' ! -name 'finding-*' | LC_ALL=C sort > "$tmp/rescan"
[ -f "$tmp/list" ] && cat "$tmp/list" >> "$tmp/rescan"
SECM_FUZZ_RESCAN=1
export SECM_FUZZ_RESCAN
group "inspect rescan of redacted output" replay_inspect -l "$tmp/rescan"
unset SECM_FUZZ_RESCAN

group "patterns seeds" replay_patterns "$seeds/patterns"
group "patterns shipped" replay_patterns "$top_srcdir"/patterns/*.yml
group "patterns unit fixtures" replay_patterns "$top_srcdir/tests/unit/data/rules"

# finding-*.conf break a property of fuzz_config.c that is still open
# (see its header); they join this group when config.c is fixed
find "$seeds/config" -type f ! -name 'finding-*' | LC_ALL=C sort > "$tmp/config"
echo "$top_srcdir/conf/secret-milter.conf" >> "$tmp/config"
group "config seeds and the sample file" replay_config -l "$tmp/config"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
