#!/bin/sh
# sendmail.sh - secret-milter behind a real, private Sendmail on 127.0.0.1.
#
# Debian's sendmail-bin and sendmail-cf (plus libwrap0) are downloaded with
# apt-get into a cache and unpacked with dpkg -x into the temp dir, never
# installed (they conflict with postfix); tests/sendmail-lib.sh builds a
# private sendmail.cf from tests/integration/sendmail/secm-test.mc with
# INPUT_MAIL_FILTER(..., F=T) and runs `sendmail -bD` with it, logging
# through a private /dev/log.  smtp-sink is the smart host (one file per
# delivered message).  Cases:
#   1. a clean message is delivered unchanged (except Received/X-Secret-Milter)
#   2. a leaky multipart is delivered redacted, every other byte identical,
#      the sender's forged X-Secret-Milter header replaced by ours
#   3. a secret in the Subject is redacted in the Subject
#   4. reject: the client gets a 5xx after the final dot
#   5. quarantine: Sendmail's own quarantine (`mailq -qQ` lists it with our
#      reason) plus our store (.json + .eml); released with
#      `sendmail -Q -qQ -qI<id>` and delivered once by a queue run
#  5b. the same released through secret-quarantine (--sendmail wrapper,
#      SECM_SENDMAIL_CF): delivered once, an audit line, a second release
#      refused
#  5c. redact with KeepRedactedOriginal: delivered redacted, the original
#      stored ("mta": "sendmail", state delivered-redacted), released in
#      full through secret-quarantine: delivered once, an audit line
#   6. a 2.4 MB leaky message (many body chunks, a long scan, a replaced body
#      in 64 KiB pieces) is redacted; a protocol trace shows the progress
#      packets secret-milter sends before its scan and before the new body
#   7. the milter stopped: with F=T the client gets a 4xx and nothing is
#      delivered or queued
# Notices: every case runs with NotifySender yes, NotifySecurityCopy and
# SendmailCommand pointing at a fake sendmail(1) in the temp dir that writes
# each notice (arguments and message) to files.  The clean message causes
# none; reject (4), quarantine (5, 5b) and redact (2, 3, 5c, 6) each cause one
# to the sender and the security copy ("-G -i -f <> -- FROM SEC") naming
# the rule, the part and the reference (queue id, or the store item).
# After every case: the planted canary secret appears in no log line
# (Sendmail's syslog, the milter's log), no SMTP reply, no quarantine
# metadata, no notice and no audit line.
#
# Environment (tests/tests.am): SECRET_MILTER, top_srcdir, top_builddir.
# SS_DEBCACHE=DIR caches the .debs elsewhere; SM_KEEP=1 keeps the temp dir.
# Exit 77 (skip) only when not root or the .debs cannot be downloaded.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
SECRET_MILTER=${SECRET_MILTER:-$top_builddir/milter/secret-milter}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sendmail-lib.sh"

DATA=$top_srcdir/tests/integration
CANARY=AKIAZ5Q7NQ3H2K4M6P7R
PLACEHOLDER='[REDACTED:aws-access-key-id]'
FROM=alice@secm.test
EXT=bob@example.net
SEC=security@secm.test

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root (a private Sendmail needs root: namespaces, queue, ports)"
	exit 77
fi
PATH="$PATH:/usr/sbin:/sbin"
export PATH
for t in smtp-sink swaks perl m4 dpkg apt-get unshare mount; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "Bail out! $t is missing: run tests/install-deps.sh"
		exit 99
	fi
done
if [ ! -x "$SECRET_MILTER" ]; then
	echo "Bail out! $SECRET_MILTER is not built"
	exit 99
fi
ss_fetch
START=$(date +%s)
sm_init
trap 'ss_stop; sm_cleanup' EXIT
. "$top_srcdir/tests/mta-checks.sh"
MTA_LOG=$SM_TMP/sendmail.log
MTA_LOGS="$MTA_LOG $SM_TMP/sendmail.out"


# queued_as - the queue id from the last swaks conversation (Sendmail:
# "250 2.0.0 6AQ2GoxG009771 Message accepted for delivery")
queued_as() {
	sed -n 's/^ *<- *250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p' "$SM_SWAKSOUT" | tail -n 1
}

# conf_all ACTION [Key value]... - every severity, external and internal,
# does ACTION; notices to the sender and a security copy, through the fake
# sendmail(1)
CONF=$SM_TMP/secret-milter.conf
STORE=$SM_TMP/milter/quarantine
conf_all() {
	a=$1; shift
	sm_milter_config "$CONF" "InternalDomains secm.test" \
		"ExternalActionCritical $a" "ExternalActionHigh $a" \
		"ExternalActionMedium $a" "InternalActionCritical $a" \
		"InternalActionHigh $a" \
		"NotifySender yes" "NotifyFrom postmaster@secm.test" \
		"NotifySecurityCopy $SEC" "SendmailCommand $FAKE" "$@"
}

# ---------------------------------------------------------------- notices
notice_setup





# notice_names RULE PART REF - the newest notice names the rule, the MIME
# part and the reference
notice_names() {
	grep -q "$1 (critical), in part $2" "$NMSG" && [ -n "$3" ] &&
		grep -q "^ *Reference: $3\$" "$NMSG"
}


# no_canary_anywhere - no_canary plus every notice, the audit log and
# secret-quarantine's output
no_canary_anywhere() {
	no_canary || return 1
	if grep -F -q -r "$CANARY" "$NOTICES" "$STORE/audit.log" $SM_TMP/release.* 2>/dev/null; then
		sm_log "canary found in: $(grep -F -l -r "$CANARY" "$NOTICES" "$STORE/audit.log" $SM_TMP/release.* 2>/dev/null | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# ---------------------------------------------------------------- set-up
conf_all redact
if ! sm_sink_start || ! sm_milter_start "$CONF" || ! ss_setup; then
	echo "Bail out! could not start smtp-sink, secret-milter or Sendmail"
	exit 99
fi
sm_log "temp dir $SM_TMP, smtp $SM_SMTPPORT, sink $SM_SINKPORT, milter $SM_MILTERPORT"
check "the private sendmail.cf declares secret-milter with F=T" \
	grep -q "^Xsecret-milter, S=inet:$SM_MILTERPORT@127.0.0.1, F=T," "$SS_CF"
check "Sendmail logs through the private /dev/log" \
	grep -q 'starting daemon' "$SS_LOG"

# ---------------------------------------------------------------- 1. clean
case_clean
check "the milter logs the clean message as accepted, under Sendmail's queue id" \
	grep -Eq ': [0-9A-Za-z]{14}: action=accept' "$SM_MILTERLOG"
check "no log line or reply holds the canary after the clean message" no_canary

# ---------------------------------------------------------------- 2. redact
case_redact
check "a notice about the redaction is handed to the fake sendmail(1)" wait_notice 1
check "the clean message before it caused none (one notice in all)" [ "$(notices)" -eq 1 ]
check "the notice goes to the sender and the security copy, from <>, as a gateway submission" \
	args_are "-G -i -f <> -- $FROM $SEC"
check "it names the rule, the part and the queue id as reference" \
	notice_names aws-access-key-id 1 "$(milter_qid redact)"
check "it says the message was delivered with the credential removed" \
	grep -q '^Subject: Message delivered with credentials removed' "$NMSG"
check "it carries Auto-Submitted and X-Secret-Milter-Notice" \
	sh -c "grep -q '^Auto-Submitted: auto-generated$' '$NMSG' && grep -q '^X-Secret-Milter-Notice: yes$' '$NMSG'"
check "the milter log line says who is due a notice, without an address" \
	sh -c "grep 'action=redact' '$SM_MILTERLOG' | tail -n 1 | grep -q 'notice=queued to=sender,security' && ! grep -q '$SEC' '$SM_MILTERLOG'"
check "the milter logs that the notice was sent" wait_log "$(milter_qid redact): notice sent"
check "no log line, reply or notice holds the canary after redaction" no_canary_anywhere

# ---------------------------------------------------------------- 3. subject
case_subject
# Sendmail logs a changed header's old value above Milter.LogLevel 8: the
# .mc sets 8, as secret-milter(8) tells Sendmail sites to
check "no log line, reply or notice holds the canary after the Subject case" no_canary_anywhere

# ---------------------------------------------------------------- 4. reject
conf_all reject
check "SIGUSR1 reloads the configuration" milter_reload
before=$(sm_sink_count)
nbefore=$(notices)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
check "a secret is refused after the final dot (swaks exit 26)" [ "$SWAKS_RC" -eq 26 ]
check "the client sees a 5xx with enhanced code 5.7.1" \
	grep -q '^ *<\*\* *550 5\.7\.1' "$SM_SWAKSOUT"
check "the reply names the rule id" grep -q '<\*\*.*aws-access-key-id' "$SM_SWAKSOUT"
check "Sendmail logs the milter's reject" \
	wait_log 'Milter: data, reject=550 5\.7\.1' "$SS_LOG"
qid=$(milter_qid reject)
check "a notice about the reject is sent" wait_notice $((nbefore + 1))
check "to the sender and the security copy" args_are "-G -i -f <> -- $FROM $SEC"
check "it names the rule, the part and Sendmail's queue id as reference" \
	notice_names aws-access-key-id 1 "$qid"
check "it says the message was not delivered and what to do" \
	sh -c "grep -q 'NOT delivered' '$NMSG' && grep -q 'send the message again' '$NMSG'"
check "the milter logs the notice as sent under that queue id" wait_log "$qid: notice sent"
check "nothing was delivered for the rejected message" [ "$(sm_sink_count)" -eq "$before" ]
check "no log line, reply or notice holds the canary after the reject" no_canary_anywhere

# ---------------------------------------------------------------- 5. quarantine
conf_all quarantine
milter_reload
before=$(sm_sink_count)
nbefore=$(notices)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
qid=$(queued_as)
check "a quarantined message is accepted by Sendmail (250 2.0.0 ID Message accepted)" \
	[ "$SWAKS_RC" -eq 0 -a -n "$qid" ]
wait_log "$qid: action=quarantine"
ss_mailq_quarantine >"$SM_TMP/mailq.5"
check "mailq -qQ lists it" grep -q "^$qid" "$SM_TMP/mailq.5"
check "with our reason naming the rule" \
	grep -q 'QUARANTINE: secret-milter: aws-access-key-id' "$SM_TMP/mailq.5"
check "Sendmail logs the milter quarantine" \
	wait_log "$qid: milter=secret-milter, quarantine=secret-milter: aws-access-key-id" "$SS_LOG"
check "Sendmail keeps it as a quarantined queue file (hf$qid)" [ -f "$SS_QUEUE/hf$qid" ]
check "nothing was delivered for the quarantined message" [ "$(sm_sink_count)" -eq "$before" ]
json=$(ls "$SM_TMP"/milter/quarantine/*"$qid"*.json 2>/dev/null | head -n 1)
eml=${json%.json}.eml
check "our store holds a .json and an .eml for it, named by the queue id" \
	[ -n "$json" -a -f "$json" -a -f "$eml" ]
check "the metadata names the rule and the queue id" \
	sh -c "grep -q 'aws-access-key-id' '$json' && grep -q '$qid' '$json'"
strip_ours "$DATA/leaky-multipart.eml" >"$SM_TMP/expect.5"
strip_ours "$eml" >"$SM_TMP/got.5"
check "the stored .eml is the message as Sendmail passed it (headers rebuilt byte for byte)" \
	same "$SM_TMP/expect.5" "$SM_TMP/got.5"
check "the store item records that Sendmail holds it (\"mta\": \"sendmail\")" \
	grep -q '"mta": *"sendmail"' "$json"
item=$(basename "$json" .json)
check "a notice about the quarantine is sent" wait_notice $((nbefore + 1))
check "to the sender and the security copy" args_are "-G -i -f <> -- $FROM $SEC"
check "it names the rule, the part and the store item as reference" \
	notice_names aws-access-key-id 1 "$item"
check "it says the message is held for review" grep -q 'HELD for review' "$NMSG"
check "the milter log line names the item and the notice" \
	sh -c "grep '$qid: action=quarantine' '$SM_MILTERLOG' | grep -q 'item=$item notice=queued to=sender,security'"
check "no log line, reply, notice or metadata holds the canary after quarantine" no_canary_anywhere
# the operator's way out (secret-milter(8)): unquarantine, then a queue run
ss_sendmail -Q -qQ -qI"$qid" >"$SM_TMP/release.5" 2>&1
check "sendmail -Q -qQ -qI<id> takes it out of the quarantine" \
	grep -q "$qid: unquarantine" "$SS_LOG"
ss_sendmail -qI"$qid" >>"$SM_TMP/release.5" 2>&1
sm_wait_sink $((before + 1)) 30
check "then Sendmail's queue is empty: no second copy is on its way" ss_wait_queue_empty 30
check "and a queue run (sendmail -qI<id>) delivers it, once" \
	[ "$(sm_sink_count)" -eq $((before + 1)) ]
ss_mailq_quarantine >"$SM_TMP/mailq.5.after"
check "and mailq -qQ no longer lists it" \
	sh -c "! grep -q '^$qid' '$SM_TMP/mailq.5.after'"

# ---------------------------------------------------------------- 5b. release
# the same through secret-quarantine: --sendmail names a wrapper that runs
# the private sendmail in its namespace, SECM_SENDMAIL_CF its .cf
SQ=${SECRET_QUARANTINE:-$top_builddir/milter/secret-quarantine}
WRAP=$SM_TMP/ss-sendmail
cat >"$WRAP" <<EOF
#!/bin/sh
SM_TMP='$SM_TMP' SS_LOGSOCK='$SS_LOGSOCK' LD_LIBRARY_PATH='$LD_LIBRARY_PATH'
export SM_TMP SS_LOGSOCK LD_LIBRARY_PATH
. '$top_srcdir/tests/sendmail-lib.sh'
ss_run '$SS_BIN' "\$@"
EOF
chmod 755 "$WRAP"
before=$(sm_sink_count)
nbefore=$(notices)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
qid=$(queued_as)
wait_log "$qid: action=quarantine"
item=$(basename "$(ls "$SM_TMP"/milter/quarantine/*"$qid"*.json 2>/dev/null | head -n 1)" .json)
ss_mailq_quarantine >"$SM_TMP/mailq.5b"
check "a second quarantined message is held by Sendmail and stored" \
	sh -c "[ -n '$qid' ] && [ -n '$item' ] && grep -q '^$qid' '$SM_TMP/mailq.5b'"
check "the store item records that Sendmail holds it (\"mta\": \"sendmail\")" \
	grep -q '"mta": *"sendmail"' "$SM_TMP/milter/quarantine/$item.json"
wait_notice $((nbefore + 1))
check "its notice is sent and names the item" notice_names aws-access-key-id 1 "$item"
SECM_SENDMAIL_CF=$SS_CF "$SQ" -d "$SM_TMP/milter/quarantine" release --sendmail "$WRAP" \
	"$item" >"$SM_TMP/release.5b" 2>&1
rc=$?
check "secret-quarantine release takes it out of Sendmail's quarantine (exit 0)" [ "$rc" -eq 0 ]
check "by unquarantining that very queue file" \
	sh -c "grep -q 'sendmail-unquarantine queue_id=$qid' '$SM_TMP/release.5b' && grep -q '$qid: unquarantine' '$SS_LOG'"
sm_wait_sink $((before + 1)) 30
check "then Sendmail's queue is empty: no second copy is on its way" ss_wait_queue_empty 30
check "and it is delivered exactly once" [ "$(sm_sink_count)" -eq $((before + 1)) ]
check "the audit log records the release" \
	grep -q "action=release item=$item result=ok sendmail-unquarantine queue_id=$qid" \
		"$SM_TMP/milter/quarantine/audit.log"
SECM_SENDMAIL_CF=$SS_CF "$SQ" -d "$SM_TMP/milter/quarantine" release --sendmail "$WRAP" \
	"$item" >/dev/null 2>&1
check "a second release is refused (exit 3)" [ $? -eq 3 ]
check "the audit log and the tool's output hold no canary" \
	sh -c "! grep -F -q '$CANARY' '$SM_TMP/milter/quarantine/audit.log' '$SM_TMP/release.5b'"
check "no log line, reply, notice or audit line holds the canary after the release" \
	no_canary_anywhere

# ---------------------------------------------------------------- 5c. redact + keep
# KeepRedactedOriginal: the redacted message is delivered, the original
# kept; secret-quarantine injects it through the wrapper ("-C CF -G -i -f
# FROM -- RCPT"), a command-line submission that Sendmail's milters do not
# see, so it arrives in full
conf_all redact "KeepRedactedOriginal yes"
check "SIGUSR1 reloads the configuration with KeepRedactedOriginal" milter_reload
nbefore=$(notices)
deliver "$DATA/leaky-multipart.eml" "$EXT"
check "a leaky message is delivered redacted" \
	sh -c "[ -s '$DELIVERED' ] && grep -F -q '$PLACEHOLDER' '$DELIVERED' && ! grep -F -q '$CANARY' '$DELIVERED'"
qid=$(milter_qid redact)
KEPT=$(basename "$(ls "$STORE"/*"$qid"*.json 2>/dev/null | head -n 1)" .json)
check "its original is kept in the store, named by the queue id" \
	[ -n "$qid" -a -n "$KEPT" -a -f "$STORE/$KEPT.json" -a -f "$STORE/$KEPT.eml" ]
check "the kept item's action is redact and it records Sendmail (\"mta\": \"sendmail\")" \
	sh -c "grep -q '\"action\": *\"redact\"' '$STORE/$KEPT.json' && grep -q '\"mta\": *\"sendmail\"' '$STORE/$KEPT.json'"
check "the kept .eml is the original, secret and all" grep -F -q "$CANARY" "$STORE/$KEPT.eml"
check "the delivered X-Secret-Milter header names the item" \
	grep -q "^X-Secret-Milter: redacted; .*item=$KEPT" "$DELIVERED"
"$SQ" -d "$STORE" list --json >"$SM_TMP/list.5c" 2>&1
check "secret-quarantine lists it as delivered-redacted" \
	sh -c "grep '\"$KEPT\"' '$SM_TMP/list.5c' | grep -q '\"state\":\"delivered-redacted\"'"
check "a notice about the redaction is sent" wait_notice $((nbefore + 1))
check "to the sender and the security copy" args_are "-G -i -f <> -- $FROM $SEC"
check "it names the rule, the part and the item, and offers the release of the original" \
	sh -c "grep -q 'aws-access-key-id (critical), in part 1' '$NMSG' && grep -q '^ *Reference: $KEPT\$' '$NMSG' && grep -q 'quoting the reference $KEPT' '$NMSG'"
check "no log line, reply, notice or metadata holds the canary after the kept redaction" \
	no_canary_anywhere
before=$(sm_sink_count)
verdicts=$(grep -c 'action=' "$SM_MILTERLOG")
SECM_SENDMAIL_CF=$SS_CF "$SQ" -d "$STORE" release --sendmail "$WRAP" \
	"$KEPT" >"$SM_TMP/release.5c" 2>&1
rc=$?
check "secret-quarantine releases the kept original (exit 0)" [ "$rc" -eq 0 ]
check "by injecting it through sendmail(1)" grep -q "^$KEPT: released (sendmail)" "$SM_TMP/release.5c"
sm_wait_sink $((before + 1)) 30
check "Sendmail's queue is empty again: nothing more on its way" ss_wait_queue_empty 30
check "the original is delivered exactly once" [ "$(sm_sink_count)" -eq $((before + 1)) ]
sm_sink_message "$(sm_sink_latest)" >"$SM_TMP/delivered.5c"
strip_ours "$DATA/leaky-multipart.eml" >"$SM_TMP/expect.5c"
strip_ours "$SM_TMP/delivered.5c" >"$SM_TMP/got.5c"
check "in full: the secret is back" grep -F -q "$CANARY" "$SM_TMP/delivered.5c"
check "every byte is the original's (apart from Received and X-Secret-Milter)" \
	same "$SM_TMP/expect.5c" "$SM_TMP/got.5c"
check "the released mail did not pass the milter again (no new verdict, no notice)" \
	[ "$(grep -c 'action=' "$SM_MILTERLOG")" -eq "$verdicts" -a "$(notices)" -eq $((nbefore + 1)) ]
check "the item is now released" grep -q '"state": *"released"' "$STORE/$KEPT.json"
check "the audit log records the release" \
	grep -q "action=release item=$KEPT result=ok sendmail\$" "$STORE/audit.log"
SECM_SENDMAIL_CF=$SS_CF "$SQ" -d "$STORE" release --sendmail "$WRAP" "$KEPT" >/dev/null 2>&1
check "a second release is refused (exit 3)" [ $? -eq 3 ]
check "and audited as refused" \
	grep -q "action=release item=$KEPT result=refused already-released" "$STORE/audit.log"
check "no log line, notice or audit line holds the canary after the release" no_canary_anywhere

# ---------------------------------------------------------------- 6. large
# 2.4 MB: the body arrives in ~37 chunks, the scan takes a while and the new
# body goes back in 64 KiB pieces.  Sent through a `sendmail -bs` session of its own run with
# -d64.25 (milter protocol trace), which shows the SMFIR_PROGRESS packets
# (state p) that keep Sendmail's reply timer (T=R) from firing.  The canary
# sits in the body only: the trace prints header values.
conf_all redact
milter_reload
BIG=$SM_TMP/big.eml
{
	echo "From: Alice Example <$FROM>"
	echo "To: <$EXT>"
	echo "Subject: a large leaky message"
	echo "Message-ID: <big-1@secm.test>"
	echo "Date: Wed, 25 Nov 2026 10:30:00 +0000"
	echo "MIME-Version: 1.0"
	echo "Content-Type: text/plain; charset=us-ascii"
	echo
	echo "the key: $CANARY"
	perl -e 'printf "line %05d of filler text, nothing secret here at all ....\n", $_ for 1 .. 40000'
	echo "and again at the end: $CANARY"
} >"$BIG"
before=$(sm_sink_count)
ss_bs_session "$BIG" "$FROM" "$EXT" -d64.25 >"$SM_TMP/bs.6" 2>&1
check "a 2.4 MB leaky message is accepted over SMTP (sendmail -bs)" \
	grep -q '^250 2\.0\.0 .* Message accepted' "$SM_TMP/bs.6"
check "the milter sent progress before its scan and before the new body" \
	[ "$(grep -c 'milter_data(secret-milter): state p' "$SM_TMP/bs.6")" -ge 2 ]
sm_wait_sink $((before + 1)) 30
sm_sink_message "$(sm_sink_latest)" >"$SM_TMP/delivered.6"
check "it is delivered" [ "$(sm_sink_count)" -eq $((before + 1)) ]
check "both secrets in it are redacted" \
	sh -c "[ \"\$(grep -c -F '$PLACEHOLDER' '$SM_TMP/delivered.6')\" = 2 ] && ! grep -F -q '$CANARY' '$SM_TMP/delivered.6'"
check "its body is otherwise complete" \
	sh -c "[ \"\$(grep -c '^line [0-9]* of filler' '$SM_TMP/delivered.6')\" = 40000 ]"
check "no SMTP reply or protocol trace line holds the canary" \
	sh -c "! grep -F -q '$CANARY' '$SM_TMP/bs.6'"
check "no log line or notice holds the canary after the large message" no_canary_anywhere

# ---------------------------------------------------------------- 7. milter down
check "Sendmail logged no milter error or timeout while the milter ran" \
	sh -c "! grep -Ei 'milter.*(timeout|timed out|error|read\\(|write\\()' '$SS_LOG' | grep -q ."
# SIGKILL: as if it had crashed
kill -KILL "$SM_MILTERPID"
wait "$SM_MILTERPID" 2>/dev/null
SM_MILTERPID=""
before=$(sm_sink_count)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
check "with the milter down (F=T) the client gets a 4xx" \
	grep -q '^ *<\*\* *4[0-9][0-9]' "$SM_SWAKSOUT"
check "swaks reports the failure (exit $SWAKS_RC, not 0)" [ "$SWAKS_RC" -ne 0 ]
check "Sendmail logs that it tempfails because the milter is down" \
	grep -q 'Milter: initialization failed, temp failing commands' "$SS_LOG"
sleep 1
check "nothing was delivered while the milter was down" [ "$(sm_sink_count)" -eq "$before" ]
ss_sendmail -bp >"$SM_TMP/mailq.7" 2>&1
check "and nothing was queued: the client keeps the message" \
	grep -q 'queue is empty' "$SM_TMP/mailq.7"
check "no log line, reply or notice holds the canary with the milter down" no_canary_anywhere

# ---------------------------------------------------------------- stop
ss_stop
check "every sendmail process is gone after SIGTERM" [ -z "$(ss_procs)" ]

echo "1..$n"
sm_log "$failed of $n failed; $(($(date +%s) - START)) s"
[ "$failed" -eq 0 ] && exit 0
exit 1
