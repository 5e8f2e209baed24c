#!/bin/sh
# postfix.sh - secret-milter behind a real, private Postfix on 127.0.0.1.
#
# Starts Postfix (own config, queue and data dirs in a temp dir), smtp-sink
# as the next hop (one file per delivered message) and secret-milter from
# $SECRET_MILTER, then drives them with swaks and smtp-source:
#   1. a clean message is delivered unchanged (except Received/X-Secret-Milter)
#   2. a leaky multipart is delivered redacted, every other byte identical,
#      the sender's forged X-Secret-Milter header replaced by ours
#   3. a secret in the Subject is redacted in the Subject
#   4. ExternalActionCritical reject: the client gets a 5xx (the config is
#      switched by SIGUSR1); the same mail to an internal domain is redacted
#   5. quarantine: Postfix's hold queue plus our store (.json + .eml, the
#      .eml byte-identical to what Postfix passed us)
#   6. the milter killed: the client gets a 4xx at MAIL FROM, so Postfix
#      never takes the message and the client keeps it (nothing lost)
#   7. three messages over one SMTP connection are all redacted, and 20
#      messages over 4 parallel sessions (libmilter's worker threads)
#   8. a 70 KB folded header does not break the milter session
#   9. a local submission through sendmail(1)/pickup (non_smtpd_milters)
#  10. a 200 KB header in one milter command, sent by a small MTA-side
#      client (tests/integration/milter-client.pl) as Sendmail would
# After every case: the planted canary secret appears in no log line (the
# Postfix log, the milter log), no SMTP reply and no quarantine metadata.
#
# Environment (tests/tests.am): SECRET_MILTER, top_srcdir, top_builddir.
# SM_PATTERNS=DIR uses another pattern directory; SM_KEEP=1 keeps the temp
# dir.  Exit 77 (skip) only when not root or Postfix/swaks are missing.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
SECRET_MILTER=${SECRET_MILTER:-$top_builddir/milter/secret-milter}
. "$top_srcdir/tests/lib.sh"

DATA=$top_srcdir/tests/integration
CANARY=AKIAZ5Q7NQ3H2K4M6P7R
PLACEHOLDER='[REDACTED:aws-access-key-id]'
FROM=alice@secm.test
EXT=bob@example.net
INT=carol@secm.test

sm_need_tools swaks smtp-source sendmail
if [ ! -x "$SECRET_MILTER" ]; then
	echo "Bail out! $SECRET_MILTER is not built"
	exit 99
fi
START=$(date +%s)
sm_init
. "$top_srcdir/tests/mta-checks.sh"
MTA_LOG=$SM_PFLOG
MTA_LOGS=$SM_PFLOG

# header_count FILE NAME - how many NAME: fields the header has
header_count() {
	awk -v n="$2" 'BEGIN { IGNORECASE = 1 } /^$/ { exit } tolower($0) ~ "^" tolower(n) ":" { c++ } END { print c + 0 }' "$1"
}

# queued_as - the queue id from the last swaks conversation
queued_as() {
	sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' "$SM_SWAKSOUT" | tail -n 1
}

# ---------------------------------------------------------------- set-up
CONF=$SM_TMP/secret-milter.conf
# one "Key value" per argument for sm_milter_config
conf_redact() {
	sm_milter_config "$CONF" "InternalDomains secm.test" "$@" \
		"ExternalActionCritical redact" "ExternalActionHigh redact" \
		"ExternalActionMedium redact" "InternalActionCritical redact" \
		"InternalActionHigh redact"
}
conf_redact
if ! sm_sink_start || ! sm_milter_start "$CONF" || ! sm_postfix_start; then
	echo "Bail out! could not start smtp-sink, secret-milter or Postfix"
	exit 99
fi
sm_log "temp dir $SM_TMP, smtp $SM_SMTPPORT, sink $SM_SINKPORT, milter $SM_MILTERPORT"
check "secret-milter writes its pid file" \
	[ "$(cat "$SM_TMP/milter/secret-milter.pid" 2>/dev/null)" = "$SM_MILTERPID" ]
check "secret-milter can leave no core dump (core file size limit 0)" \
	grep -Eq '^Max core file size +0 +0 ' "/proc/$SM_MILTERPID/limits"

# ---------------------------------------------------------------- 1. clean
case_clean
check "the milter logs the clean message as accepted" \
	grep -q 'action=accept' "$SM_MILTERLOG"
check "no log line or reply holds the canary after the clean message" no_canary

# ---------------------------------------------------------------- 2. redact
case_redact
check "no log line or reply holds the canary after redaction" no_canary

# ---------------------------------------------------------------- 3. subject
case_subject
check "no log line or reply holds the canary after the Subject case" no_canary

# ---------------------------------------------------------------- 4. reject
sm_milter_config "$CONF" "InternalDomains secm.test" \
	"ExternalActionCritical reject" "ExternalActionHigh reject" \
	"ExternalActionMedium reject" "InternalActionCritical redact" \
	"InternalActionHigh redact"
check "SIGUSR1 reloads the configuration" milter_reload
before=$(sm_sink_count)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
check "a critical secret to an external domain is refused after the final dot (swaks exit 26)" \
	[ "$SWAKS_RC" -eq 26 ]
check "the client sees a 5xx with enhanced code 5.7.1" \
	grep -q '^ *<\*\* *550 5\.7\.1' "$SM_SWAKSOUT"
check "the reply names the rule id" grep -q '<\*\*.*aws-access-key-id' "$SM_SWAKSOUT"
check "nothing was delivered for the rejected message" [ "$(sm_sink_count)" -eq "$before" ]
check "no log line or reply holds the canary after the reject" no_canary
deliver "$DATA/leaky-multipart.eml" "$INT"
check "the same message to an internal recipient is redacted instead" \
	sh -c "grep -F -q '$PLACEHOLDER' '$DELIVERED' && ! grep -F -q '$CANARY' '$DELIVERED'"

# ---------------------------------------------------------------- 5. quarantine
sm_milter_config "$CONF" "InternalDomains secm.test" \
	"ExternalActionCritical quarantine" "ExternalActionHigh quarantine" \
	"ExternalActionMedium quarantine"
milter_reload
before=$(sm_sink_count)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
qid=$(queued_as)
check "a quarantined message is accepted by Postfix (250 queued as ...)" \
	[ "$SWAKS_RC" -eq 0 -a -n "$qid" ]
sleep 1
check "postqueue -j shows it in the hold queue" \
	sh -c "postqueue -c '$SM_PFCONF' -j | grep '\"queue_id\": *\"$qid\"' | grep -q '\"queue_name\": *\"hold\"'"
check "Postfix logs the milter hold" grep -q "$qid: milter-hold: END-OF-MESSAGE" "$SM_PFLOG"
check "nothing was delivered for the quarantined message" [ "$(sm_sink_count)" -eq "$before" ]
json=$(ls "$SM_TMP"/milter/quarantine/*"$qid"*.json 2>/dev/null | head -n 1)
eml=${json%.json}.eml
check "our store holds a .json and an .eml for it" [ -f "$json" -a -f "$eml" ]
check "the store's files are mode 0600" \
	sh -c "[ \"\$(stat -c %a '$json' '$eml' | sort -u)\" = 600 ]"
check "the metadata names the rule and the queue id" \
	sh -c "grep -q 'aws-access-key-id' '$json' && grep -q '$qid' '$json'"
strip_ours "$DATA/leaky-multipart.eml" >"$SM_TMP/expect.5"
strip_ours "$eml" >"$SM_TMP/got.5"
check "the stored .eml is the message as Postfix passed it (headers rebuilt byte for byte)" \
	same "$SM_TMP/expect.5" "$SM_TMP/got.5"
check "no log line, reply or metadata holds the canary after quarantine" no_canary
postsuper -c "$SM_PFCONF" -d "$qid" hold >/dev/null 2>&1

# ---------------------------------------------------------------- 6. milter down
# SIGKILL: as if it had crashed (a clean SIGTERM stop is checked at the end)
kill -KILL "$SM_MILTERPID"
wait "$SM_MILTERPID" 2>/dev/null
SM_MILTERPID=""
before=$(sm_sink_count)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
check "with the milter down the client gets a 4xx" \
	grep -q '^ *<\*\* *4[0-9][0-9]' "$SM_SWAKSOUT"
check "swaks reports the failure (exit $SWAKS_RC, not 0)" [ "$SWAKS_RC" -ne 0 ]
check "Postfix never took the message: its queue is empty, so the client keeps it" \
	[ -z "$(sm_queue_json)" ]
check "nothing was delivered while the milter was down" [ "$(sm_sink_count)" -eq "$before" ]
check "no log line or reply holds the canary with the milter down" no_canary

# ---------------------------------------------------------------- 7. one connection
# from here on every message is larger than SpoolThreshold: collected in
# an unlinked temp file instead of memory
conf_redact "SpoolThreshold 512"
sm_milter_start "$CONF"
before=$(sm_sink_count)
smtp-source -d -m 3 -f "$FROM" -t "$EXT" -M client.secm.test \
	-F "$DATA/leaky-multipart.eml" 127.0.0.1:"$SM_SMTPPORT" >"$SM_TMP/source.out" 2>&1
check "smtp-source sends three messages over one connection" [ $? -eq 0 ]
sm_wait_sink $((before + 3)) 30
check "all three are delivered" [ "$(sm_sink_count)" -eq $((before + 3)) ]
redacted=0
for f in $(ls -t "$SM_SINKDIR"/* | head -n 3); do
	if grep -F -q "$PLACEHOLDER" "$f" && ! grep -F -q "$CANARY" "$f"; then
		redacted=$((redacted + 1))
	fi
done
check "all three are redacted" [ "$redacted" -eq 3 ]
check "Postfix logged one session with three MAIL commands" \
	grep -q 'disconnect from .* mail=3 rcpt=3 data=3 ' "$SM_PFLOG"
check "no log line holds the canary after three messages on one connection" no_canary

# ---------------------------------------------------------------- 7b. parallel
# libmilter's worker threads: four sessions at once, five messages each
before=$(sm_sink_count)
logged=$(grep -c 'action=redact' "$SM_MILTERLOG")
smtp-source -d -s 4 -m 20 -f "$FROM" -t "$EXT" -M client.secm.test \
	-F "$DATA/leaky-multipart.eml" 127.0.0.1:"$SM_SMTPPORT" >"$SM_TMP/source.out" 2>&1
check "smtp-source sends 20 messages over 4 parallel sessions" [ $? -eq 0 ]
sm_wait_sink $((before + 20)) 60
check "all 20 are delivered" [ "$(sm_sink_count)" -eq $((before + 20)) ]
redacted=0
for f in $(ls -t "$SM_SINKDIR"/* | head -n 20); do
	if grep -F -q "$PLACEHOLDER" "$f" && ! grep -F -q "$CANARY" "$f"; then
		redacted=$((redacted + 1))
	fi
done
check "all 20 are redacted" [ "$redacted" -eq 20 ]
check "the milter logged 20 redactions" \
	[ "$(grep -c 'action=redact' "$SM_MILTERLOG")" -eq $((logged + 20)) ]
check "no log line holds the canary after the parallel run" no_canary

# ---------------------------------------------------------------- 8. long header
# Postfix cuts a header to 60000 bytes when milters are configured (its
# KLUDGE_HEADER_LIMIT, below libmilter's default 64 KiB command limit), so
# through Postfix a long header must simply not break the session.
LONG=$SM_TMP/long-header.eml
{
	echo "From: Alice Example <$FROM>"
	echo "To: <$EXT>"
	echo "Subject: a very long folded header"
	echo "Message-ID: <long-1@secm.test>"
	echo "Date: Wed, 25 Nov 2026 10:20:00 +0000"
	printf 'X-Long: start'
	i=0
	while [ $i -lt 1100 ]; do
		printf '\n\tfold %04d abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP' $i
		i=$((i + 1))
	done
	printf '\n\nbody after a long header\n'
} >"$LONG"
deliver "$LONG" "$EXT"
check "a message with a 70 KB folded header is delivered, not tempfailed" \
	[ -s "$DELIVERED" ]
check "its body arrives after the (Postfix-truncated) header" \
	grep -q '^body after a long header$' "$DELIVERED"
check "the milter scanned it in one piece" \
	grep -Eq 'action=accept rules=- parts=- size=[6-9][0-9]{4}' "$SM_MILTERLOG"

# ---------------------------------------------------------------- 9. sendmail(1)
before=$(sm_sink_count)
sendmail -C "$SM_PFCONF" -f "$FROM" "$EXT" <"$DATA/leaky-multipart.eml"
check "sendmail(1) accepts a leaky local submission" [ $? -eq 0 ]
sm_wait_sink $((before + 1)) 30
sm_sink_message "$(sm_sink_latest)" >"$SM_TMP/delivered.local"
check "the local submission is redacted through non_smtpd_milters" \
	sh -c "[ $(sm_sink_count) -gt $before ] && grep -F -q '$PLACEHOLDER' '$SM_TMP/delivered.local' && ! grep -F -q '$CANARY' '$SM_TMP/delivered.local'"
check "no log line holds the canary after the local submission" no_canary

# ---------------------------------------------------------------- 10. big command
# Sendmail, unlike Postfix, passes a header of any size in one command:
# talk to the milter directly with a 200 KB header (libmilter's default
# limit is 64 KiB; we raise it to 1 MiB)
perl "$DATA/milter-client.pl" "$SM_MILTERPORT" 200000 >"$SM_TMP/client.out" 2>&1
check "a 200 KB header in one milter command does not drop the session" [ $? -eq 0 ]
check "and the message is answered with our header and continue" \
	sh -c "[ \"\$(tr '\n' ' ' <'$SM_TMP/client.out')\" = 'h c ' ]"

# ---------------------------------------------------------------- stop
sm_milter_stop
check "secret-milter exits 0 on SIGTERM" [ "$SM_MILTERRC" -eq 0 ]
check "and removes its pid file" [ ! -e "$SM_TMP/milter/secret-milter.pid" ]
check "the milter never logged a protocol error" \
	sh -c "! grep -Eqi 'error|failed' '$SM_MILTERLOG'"
check "no spill file is left in TemporaryDirectory (they are unlinked at once)" \
	[ -z "$(find "$SM_TMP/milter" -maxdepth 1 -name 'secret-milter.*' ! -name '*.pid')" ]
check "Postfix logged no milter protocol error or timeout" \
	sh -c "! grep -E 'warning: milter |milter.*(timed out|timeout)' '$SM_PFLOG' | grep -q ."

echo "1..$n"
sm_log "$failed of $n failed; $(($(date +%s) - START)) s"
[ "$failed" -eq 0 ] && exit 0
exit 1
