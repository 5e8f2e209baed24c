#!/bin/sh
# run.sh - make bench: engine throughput on the clean mail corpus.
# Usage: run.sh BENCH-PROGRAM PATTERNDIR CORPUSDIR
# BENCH_REPS (default 5) sets the repetitions per case; BENCH_SUBSET (default
# subset-30.txt beside this script: the first ruleset of issue 2) the rule
# ids of the reference subset.  The figures are
# printed with the machine's load average: on a shared machine they are
# noisy, so compare ratios measured in one run, not runs with each other.
set -e
prog=$1 patterns=$2 corpus=$3
if [ ! -d "$corpus" ]; then
	echo "bench: no corpus at $corpus (set BENCH_CORPUS=DIR)" >&2
	exit 2
fi
echo "bench: $(uname -m), $(nproc 2>/dev/null || echo '?') CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
subset=${BENCH_SUBSET:-$(dirname "$0")/subset-30.txt}
"$prog" -n "${BENCH_REPS:-5}" -S "$subset" "$patterns" "$corpus"
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
