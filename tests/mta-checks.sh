# mta-checks.sh - TAP helpers shared by the MTA integration tests
# (postfix.sh, sendmail.sh), sourced after lib.sh.  The test sets CANARY,
# FROM, MTA_LOG (the MTA's log file) and MTA_LOGS (every file the canary
# must not reach besides the milter's log).

n=0
failed=0

# ok / not_ok / check LABEL CMD... - TAP lines
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() {
	label=$1; shift
	if "$@"; then ok "$label"; else not_ok "$label"; fi
}

# strip_ours FILE - the message without Received: and X-Secret-Milter:
# header fields (with their continuation lines); the body is untouched
strip_ours() {
	tr -d '\r' <"$1" | awk '
		!body && /^$/ { body = 1 }
		!body && /^[ \t]/ { if (skip) next; print; next }
		!body { skip = ($0 ~ /^(Received|X-Secret-Milter):/) ? 1 : 0; if (skip) next }
		{ lines[n++] = $0 }
		END {	# swaks ends DATA with an extra CRLF: trailing blank lines do not count
			while (n > 0 && lines[n - 1] == "") n--
			for (i = 0; i < n; i++) print lines[i] }'
}

# same FILE1 FILE2 - byte comparison, diff on stderr when they differ
same() {
	if cmp -s "$1" "$2"; then return 0; fi
	diff -u "$1" "$2" | head -40 | sed 's/^/# /' >&2
	return 1
}

# no_canary - the canary appears in no log ($MTA_LOGS, the milter's), no
# SMTP reply and no quarantine metadata
no_canary() {
	bad=""
	for f in $MTA_LOGS "$SM_MILTERLOG"; do
		grep -F -q "$CANARY" "$f" 2>/dev/null && bad="$bad $(basename "$f")"
	done
	# swaks prints what it sends too: only the server's lines count
	if [ -f "${SM_SWAKSOUT:-/nonexistent}" ] &&
	   grep -E '^ *<[-~*]' "$SM_SWAKSOUT" | grep -F -q "$CANARY"; then
		bad="$bad smtp-reply"
	fi
	for f in "$SM_TMP"/milter/quarantine/*.json; do
		[ -f "$f" ] && grep -F -q "$CANARY" "$f" && bad="$bad $(basename "$f")"
	done
	if [ -n "$bad" ]; then
		sm_log "canary found in:$bad"
		return 1
	fi
	return 0
}

# send_swaks FILE TO [more swaks args] - send FILE, remember the exit code
send_swaks() {
	file=$1; to=$2; shift 2
	sm_swaks --from "$FROM" --to "$to" --data "@$file" "$@"
	SWAKS_RC=$?
}

# deliver FILE TO - send and wait for one more smtp-sink file; DELIVERED
# is then that file with smtp-sink's own lines removed
deliver() {
	before=$(sm_sink_count)
	send_swaks "$1" "$2"
	DELIVERED=$SM_TMP/delivered.$n
	if [ "$SWAKS_RC" -ne 0 ]; then
		sm_log "swaks exit $SWAKS_RC:"; sed 's/^/#   /' "$SM_SWAKSOUT" | grep -v '^#   ->' >&2
		: >"$DELIVERED"
		return 1
	fi
	if ! sm_wait_sink $((before + 1)) 30; then
		sm_log "no delivery within 30 s"; tail -n 5 "$MTA_LOG" | sed 's/^/#   /' >&2
		: >"$DELIVERED"
		return 1
	fi
	sm_sink_message "$(sm_sink_latest)" >"$DELIVERED"
}

# milter_reload - SIGUSR1 after rewriting the config; wait for the log line
milter_reload() {
	reloads=$(grep -c 'reloaded' "$SM_MILTERLOG")
	kill -USR1 "$SM_MILTERPID"
	i=0
	while [ "$(grep -c 'reloaded' "$SM_MILTERLOG")" -le "$reloads" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && return 1
		sleep 0.1
	done
	return 0
}

# ---------------------------------------------------------------- notices
# notice_setup - a sendmail(1) stand-in for notices in $SM_TMP: FAKE is the
# command, NOTICES the folder with one .msg and one .args file per notice
# (.args written last, by rename, so a listed notice is complete)
notice_setup() {
	NOTICES=$SM_TMP/notices
	FAKE=$SM_TMP/fake-sendmail
	mkdir -p "$NOTICES"
	cat >"$FAKE" <<EOF
#!/bin/sh
f=$NOTICES/\$(date +%s%N).\$\$
printf '%s\n' "\$@" >"\$f.args.tmp"
cat >"\$f.msg"
mv "\$f.args.tmp" "\$f.args"
EOF
	chmod 755 "$FAKE"
}

# notices - how many notices the fake sendmail has written
notices() {
	ls "$NOTICES"/*.args 2>/dev/null | wc -l | tr -d ' '
}

# wait_notice N - wait up to 20 s for N notices (a detached thread sends
# them after eom); NARGS/NMSG: the newest
wait_notice() {
	i=0
	while [ "$(notices)" -lt "$1" ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	NARGS=$(ls -t "$NOTICES"/*.args 2>/dev/null | head -n 1)
	NMSG=${NARGS%.args}.msg
	[ "$(notices)" -ge "$1" ]
}

# wait_log TEXT [FILE] - wait up to 20 s for TEXT (a grep pattern) in FILE,
# by default the milter's log (notices are logged once sendmail(1) exits)
wait_log() {
	i=0
	while ! grep -q -- "$1" "${2:-$SM_MILTERLOG}" && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q -- "$1" "${2:-$SM_MILTERLOG}"
}

# args_are WORDS - the newest notice's arguments, space-joined
args_are() {
	got=$(tr '\n' ' ' <"$NARGS" | sed 's/ $//')
	[ "$got" = "$*" ] || { sm_log "notice arguments: $got"; return 1; }
}

# milter_qid ACTION - queue id of the milter's latest line with ACTION
milter_qid() {
	grep "action=$1" "$SM_MILTERLOG" | tail -n 1 |
		sed -n 's/.*: \([0-9A-Za-z]*\): action=.*/\1/p'
}

# ---------------------------------------------------------------- cases
# The cases every MTA test runs the same way; each test adds its own
# MTA-specific checks after them.  DATA, EXT, CANARY and PLACEHOLDER are
# the test's.

# case_clean - a clean message is delivered unchanged, with one header
# saying clean
case_clean() {
	deliver "$DATA/clean.eml" "$EXT"
	check "a clean message is delivered" [ -s "$DELIVERED" ]
	strip_ours "$DATA/clean.eml" >"$SM_TMP/expect.1"
	strip_ours "$DELIVERED" >"$SM_TMP/got.1"
	check "a clean message arrives byte-identical apart from Received and X-Secret-Milter" \
		same "$SM_TMP/expect.1" "$SM_TMP/got.1"
	check "a clean message gets one X-Secret-Milter header saying clean" \
		sh -c "[ \"\$(grep -c '^X-Secret-Milter: clean' '$DELIVERED')\" = 1 ]"
}

# case_redact - a leaky multipart is delivered with the secret replaced,
# every other byte identical and the sender's forged header replaced
case_redact() {
	deliver "$DATA/leaky-multipart.eml" "$EXT"
	check "a leaky multipart message is delivered" [ -s "$DELIVERED" ]
	check "the delivered message no longer holds the secret" \
		sh -c "! grep -F -q '$CANARY' '$DELIVERED'"
	check "the secret is replaced by [REDACTED:aws-access-key-id]" \
		grep -F -q "$PLACEHOLDER" "$DELIVERED"
	strip_ours "$DATA/leaky-multipart.eml" | sed "s/$CANARY/$PLACEHOLDER/" >"$SM_TMP/expect.2"
	strip_ours "$DELIVERED" >"$SM_TMP/got.2"
	check "every other byte (headers, the attachment part) is identical" \
		same "$SM_TMP/expect.2" "$SM_TMP/got.2"
	check "the sender's forged X-Secret-Milter header is replaced by exactly one of ours" \
		sh -c "[ \"\$(grep -c '^X-Secret-Milter:' '$DELIVERED')\" = 1 ] && grep -q '^X-Secret-Milter: redact' '$DELIVERED'"
	check "the milter log names the rule and the part" \
		grep -q 'action=redact rules=[^ ]*aws-access-key-id.* parts=1' "$SM_MILTERLOG"
}

# case_subject - a secret in the Subject is redacted there and nothing else
# changes
case_subject() {
	deliver "$DATA/leaky-subject.eml" "$EXT"
	check "a message with a secret in its Subject is delivered" [ -s "$DELIVERED" ]
	check "the Subject is redacted" \
		sh -c "grep '^Subject:' '$DELIVERED' | grep -F -q '$PLACEHOLDER'"
	check "the secret is nowhere in the delivered message" \
		sh -c "! grep -F -q '$CANARY' '$DELIVERED'"
	strip_ours "$DATA/leaky-subject.eml" | sed '/^Subject:/d' >"$SM_TMP/expect.3"
	strip_ours "$DELIVERED" | sed '/^Subject:/d' >"$SM_TMP/got.3"
	check "everything but the Subject is unchanged" same "$SM_TMP/expect.3" "$SM_TMP/got.3"
}
