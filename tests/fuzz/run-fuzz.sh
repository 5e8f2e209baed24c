#!/bin/sh
# run-fuzz.sh - run libFuzzer targets one after the other (make fuzz).
#
#   run-fuzz.sh TARGET...      e.g. run-fuzz.sh inspect patterns config
#
# Each tests/fuzz/fuzz_<target> runs for FUZZ_SECONDS (default 60) with its
# seeds (tests/fuzz/seeds/<target>) and dictionary (tests/fuzz/<target>.dict)
# into a work dir FUZZ_WORKDIR/<target> (default tests/fuzz/work under the
# build tree): corpus/ keeps what libFuzzer found, so the next run goes on
# from there; artifacts/ gets crash-*, leak-*, timeout-* and oom-* files;
# log is the full output.  fuzz_inspect also reads ../shared/corpus/mail (or
# $SECM_CORPUS) when it is there.  FUZZ_ARGS adds libFuzzer options.
# Exit 0 when every target ran its time without a finding, else 1 and the
# artifacts are named (reproduce: tests/fuzz/replay_<target> -v FILE).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
seconds="${FUZZ_SECONDS:-60}"
work="${FUZZ_WORKDIR:-$top_builddir/tests/fuzz/work}"
corpus="${SECM_CORPUS:-$top_srcdir/../shared/corpus/mail}"
src="$top_srcdir/tests/fuzz"

if [ $# -eq 0 ]; then
	echo "usage: $0 TARGET... (inspect, patterns, config)" >&2
	exit 2
fi
failed=""
for t in "$@"; do
	prog="$top_builddir/tests/fuzz/fuzz_$t"
	dir="$work/$t"
	if [ ! -x "$prog" ]; then
		echo "run-fuzz: $prog not built" >&2
		exit 2
	fi
	mkdir -p "$dir/corpus" "$dir/artifacts" || exit 2
	case $t in
	inspect) maxlen=100000 ;;
	*) maxlen=20000 ;;
	esac
	set -- "$dir/corpus" "$src/seeds/$t"
	if [ "$t" = inspect ] && [ -d "$corpus" ]; then
		set -- "$@" "$corpus"
	fi
	echo "run-fuzz: fuzz_$t for $seconds s, work dir $dir"
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	"$prog" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
		-max_len=$maxlen -print_final_stats=1 -dict="$src/$t.dict" \
		-artifact_prefix="$dir/artifacts/" ${FUZZ_ARGS:-} "$@" \
		> "$dir/log" 2>&1
	rc=$?
	grep -E '^stat::number_of_executed_units|^#[0-9]+.*(DONE|pulse)' "$dir/log" | tail -n 2
	if [ $rc -ne 0 ]; then
		failed="$failed $t"
		echo "run-fuzz: fuzz_$t exited with $rc; see $dir/log"
		grep -E '^==[0-9]+==ERROR|^SUMMARY|invariant broken|Test unit written' \
			"$dir/log" | head -n 10
	fi
done
if [ -n "$failed" ]; then
	echo "run-fuzz: findings in:$failed (artifacts under $work/*/artifacts)"
	exit 1
fi
echo "run-fuzz: no findings"
