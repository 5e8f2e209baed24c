#!/bin/sh
# check-all.sh - build and run every test, as CI does:
#   1. gcc, -Werror: make check (unit, rules, golden, corpus, Postfix)
#   2. clang, -Werror: make check
#   3. gcc with AddressSanitizer + UndefinedBehaviorSanitizer: make check
#   4. valgrind over the unit test programs (no leaks, no errors)
#   5. make distcheck
# Build trees go under _build/ in the source tree.  The last line sums the
# results of every run: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
total_pass=0 total_fail=0
status=0

sh tests/install-deps.sh || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }
./autogen.sh > /dev/null 2>&1 || { echo "autogen failed"; echo "0 passed, 1 failed"; exit 1; }

# count_suite DIR - add the automake test-suite.log figures of DIR
count_suite() {
	log="$1/test-suite.log"
	[ -f "$log" ] || { total_fail=$((total_fail + 1)); return; }
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	x=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
	xp=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-0} + ${x:-0} + ${xp:-0}))
}

# run_build NAME CONFIGURE-ARGS... - configure, build and check in _build/NAME
run_build() {
	name=$1; shift
	echo "=== $name: configure $*"
	rm -rf "_build/$name" && mkdir -p "_build/$name"
	( cd "_build/$name" && "$top/configure" -q "$@" && make -j2 -s ) > "_build/$name.build.log" 2>&1
	if [ $? -ne 0 ]; then
		tail -40 "_build/$name.build.log"
		echo "=== $name: BUILD FAILED"
		total_fail=$((total_fail + 1)); status=1; return
	fi
	( cd "_build/$name" && make -s check ) > "_build/$name.check.log" 2>&1 || status=1
	grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS):' "_build/$name.check.log"
	for t in $(sed -n 's/^FAIL: //p; s/^ERROR: //p' "_build/$name.check.log"); do
		echo "--- ${t%.sh}.log"; tail -60 "_build/$name/${t%.sh}.log"
	done
	count_suite "_build/$name"
}

run_build gcc CC=gcc --enable-werror
run_build clang CC=clang --enable-werror
run_build sanitizers CC=gcc --enable-sanitizers --disable-hardening

echo "=== valgrind: unit tests"
for t in _build/gcc/tests/unit/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.log|*.trs) continue ;; esac
	if CK_FORK=no SECM_FIDELITY_MAX=40 top_srcdir="$top" valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--suppressions="$top/tests/unit/data/mime/valgrind.supp" \
		--error-exitcode=1 "$t" > "$t.valgrind.log" 2>&1; then
		echo "PASS: valgrind $(basename "$t")"; total_pass=$((total_pass + 1))
	else
		echo "FAIL: valgrind $(basename "$t")"; tail -30 "$t.valgrind.log"
		total_fail=$((total_fail + 1)); status=1
	fi
done

echo "=== distcheck"
if ( cd _build/gcc && make -s distcheck ) > _build/distcheck.log 2>&1; then
	echo "PASS: make distcheck"; total_pass=$((total_pass + 1))
else
	echo "FAIL: make distcheck"; tail -40 _build/distcheck.log
	total_fail=$((total_fail + 1)); status=1
fi

echo "$total_pass passed, $total_fail failed"
exit $status
