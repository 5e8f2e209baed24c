#!/bin/sh
# golden.sh - input .eml -> expected findings and expected redacted .eml.
#
# For every tests/golden/NAME.eml: `secret-milter --scan` must print exactly
# NAME.findings and `secret-milter --redact` must print exactly
# NAME.redacted.eml.  Fingerprints use a fixed key so they are stable.
# An optional tests/golden/NAME.conf is appended to the fixed config for
# that case only (for keys such as ArchiveFallback).
# Run with --update to rewrite the expected files after a deliberate change
# (then read the diff before committing it).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SECRET_MILTER:=${top_builddir:-$top_srcdir}/milter/secret-milter}"
dir="$top_srcdir/tests/golden"
update=0
[ "${1:-}" = "--update" ] && update=1

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cp "$dir/fingerprint.key" "$tmp/key" && chmod 600 "$tmp/key"
cat > "$tmp/golden.conf" <<EOC
FingerprintKeyFile $tmp/key
PatternDirectory $top_srcdir/patterns
EOC

pass=0 fail=0
for eml in "$dir"/*.eml; do
	case "$eml" in *.redacted.eml) continue ;; esac
	name=$(basename "$eml" .eml)
	conf="$tmp/golden.conf"
	if [ -f "$dir/$name.conf" ]; then
		conf="$tmp/$name.conf"
		cat "$tmp/golden.conf" "$dir/$name.conf" > "$conf"
	fi
	(cd "$dir" && "$SECRET_MILTER" -c "$conf" --scan "$name.eml") > "$tmp/$name.findings" 2>"$tmp/$name.err"
	src=$?
	"$SECRET_MILTER" -c "$conf" --redact "$eml" > "$tmp/$name.redacted.eml" 2>>"$tmp/$name.err"
	rrc=$?
	if [ $update = 1 ]; then
		cp "$tmp/$name.findings" "$dir/$name.findings"
		cp "$tmp/$name.redacted.eml" "$dir/$name.redacted.eml"
		echo "updated $name"
		continue
	fi
	ok=1
	if [ $src -gt 1 ] || [ $rrc -gt 1 ]; then
		echo "# $name: exit codes scan=$src redact=$rrc: $(cat "$tmp/$name.err")"; ok=0
	fi
	if ! cmp -s "$tmp/$name.findings" "$dir/$name.findings"; then
		echo "# $name: findings differ"; diff -u "$dir/$name.findings" "$tmp/$name.findings" | sed 's/^/# /'; ok=0
	fi
	if ! cmp -s "$tmp/$name.redacted.eml" "$dir/$name.redacted.eml"; then
		echo "# $name: redacted message differs"; diff -u "$dir/$name.redacted.eml" "$tmp/$name.redacted.eml" | sed 's/^/# /' | head -40; ok=0
	fi
	# a message with findings must not still hold what was found
	if [ -s "$dir/$name.secrets" ]; then
		while IFS= read -r canary; do
			[ -z "$canary" ] && continue
			if grep -qF -- "$canary" "$tmp/$name.redacted.eml" "$tmp/$name.findings" "$tmp/$name.err"; then
				echo "# $name: a planted secret survived redaction or reached the report"; ok=0
			fi
		done < "$dir/$name.secrets"
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); echo "ok - $name"; else fail=$((fail + 1)); echo "not ok - $name"; fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
