#!/bin/sh
# notify.sh - notices and KeepRedactedOriginal behind a real, private
# Postfix on 127.0.0.1 (tests/lib.sh, tests/mta-checks.sh).
#
# SendmailCommand is first a fake sendmail(1) that writes each notice (its
# arguments and its input) to a file, so the content can be checked:
#   1. reject: a notice to the sender and the security copy, through
#      "-G -i -f <> --", naming the rule, the part and the queue id
#   2. quarantine: the notice names the store item id
#   3. redact with KeepRedactedOriginal: the original is stored (action
#      redact, state delivered-redacted), the delivered header and the
#      notice name the item
#   4. null sender: no notice to the sender, the security copy only;
#      Auto-Submitted mail: likewise
#   5. our own notice (null sender, Auto-Submitted, X-Secret-Milter-Notice)
#      passing the milter with a secret in it: redacted, but no notice and
#      no copy (no loop)
# then Postfix's own sendmail(1):
#   6. a real notice is delivered to smtp-sink, passes the milter on the way
#      (non_smtpd_milters) as a clean message and causes no further notice
#   7. secret-quarantine releases the kept original of case 3: delivered
#      once, in full, with an audit line
# Throughout: the canary secret is in no notice, log line or reply.
#
# Environment (tests/tests.am): SECRET_MILTER, top_srcdir, top_builddir.
# Exit 77 (skip) when not root or Postfix/swaks are missing.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
SECRET_MILTER=${SECRET_MILTER:-$top_builddir/milter/secret-milter}
SECRET_QUARANTINE=${SECRET_QUARANTINE:-$top_builddir/milter/secret-quarantine}
. "$top_srcdir/tests/lib.sh"

DATA=$top_srcdir/tests/integration
CANARY=AKIAZ5Q7NQ3H2K4M6P7R
PLACEHOLDER='[REDACTED:aws-access-key-id]'
FROM=alice@secm.test
EXT=bob@example.net
SEC=security@secm.test

sm_need_tools swaks sendmail postsuper
for p in "$SECRET_MILTER" "$SECRET_QUARANTINE"; do
	if [ ! -x "$p" ]; then
		echo "Bail out! $p is not built"
		exit 99
	fi
done
START=$(date +%s)
sm_init
. "$top_srcdir/tests/mta-checks.sh"
MTA_LOG=$SM_PFLOG
MTA_LOGS=$SM_PFLOG

CONF=$SM_TMP/secret-milter.conf
STORE=$SM_TMP/milter/quarantine
notice_setup

# conf ACTION [Key value]... - every external severity does ACTION
conf() {
	a=$1; shift
	sm_milter_config "$CONF" "InternalDomains secm.test" \
		"ExternalActionCritical $a" "ExternalActionHigh $a" "ExternalActionMedium $a" \
		"NotifySender yes" "NotifyFrom postmaster@secm.test" "$@"
}






# no_canary_anywhere - no_canary plus every notice
no_canary_anywhere() {
	no_canary || return 1
	! grep -F -q -r "$CANARY" "$NOTICES"
}

# ---------------------------------------------------------------- set-up
conf reject "NotifySecurityCopy $SEC" "SendmailCommand $FAKE"
if ! sm_sink_start || ! sm_milter_start "$CONF" || ! sm_postfix_start; then
	echo "Bail out! could not start smtp-sink, secret-milter or Postfix"
	exit 99
fi
sm_log "temp dir $SM_TMP, smtp $SM_SMTPPORT, sink $SM_SINKPORT, milter $SM_MILTERPORT"

# ---------------------------------------------------------------- 1. reject
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
check "a leaky message is rejected (5xx after the final dot)" \
	grep -q '^ *<\*\* *550 5\.7\.1' "$SM_SWAKSOUT"
check "a notice is handed to sendmail(1)" wait_notice 1
check "to the sender and the security copy, from <>, as a gateway submission" \
	args_are "-G -i -f <> -- $FROM $SEC"
qid=$(milter_qid reject)
check "the notice names the rule, the part and the queue id as reference" \
	sh -c "grep -q 'aws-access-key-id (critical), in part 1' '$NMSG' && [ -n '$qid' ] && grep -q 'Reference: $qid' '$NMSG'"
check "the notice says the message was not delivered and what to do" \
	sh -c "grep -q 'NOT delivered' '$NMSG' && grep -q 'send the message again' '$NMSG'"
check "it carries Auto-Submitted and X-Secret-Milter-Notice" \
	sh -c "grep -q '^Auto-Submitted: auto-generated$' '$NMSG' && grep -q '^X-Secret-Milter-Notice: yes$' '$NMSG'"
check "the milter logs the notice without an address" \
	sh -c "grep 'action=reject' '$SM_MILTERLOG' | tail -n 1 | grep -q 'notice=queued to=sender,security' && ! grep -q '$SEC' '$SM_MILTERLOG'"
check "the milter logs that the notice was sent" wait_log "$qid: notice sent"
check "no notice, log line or reply holds the canary after the reject" no_canary_anywhere

# ---------------------------------------------------------------- 2. quarantine
conf quarantine "NotifySecurityCopy $SEC" "SendmailCommand $FAKE"
milter_reload
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
sleep 1
item=$(basename "$(ls -t "$STORE"/*.json 2>/dev/null | head -n 1)" .json)
check "a leaky message is held and stored" [ -n "$item" ]
check "a second notice is sent" wait_notice 2
check "it names the store item as the reference" grep -q "Reference: $item" "$NMSG"
check "the store item records that Postfix holds it (\"mta\": \"postfix\")" \
	grep -q '"mta": *"postfix"' "$STORE/$item.json"
check "it says the message is held for review" grep -q 'HELD for review' "$NMSG"
check "the milter log line names the item and the notice" \
	sh -c "grep 'action=quarantine' '$SM_MILTERLOG' | tail -n 1 | grep -q 'item=$item notice=queued'"
check "no notice, log line or reply holds the canary after quarantine" no_canary_anywhere
postsuper -c "$SM_PFCONF" -d ALL hold >/dev/null 2>&1

# ---------------------------------------------------------------- 3. redact + keep
conf redact "NotifySecurityCopy $SEC" "SendmailCommand $FAKE" "KeepRedactedOriginal yes"
milter_reload
deliver "$DATA/leaky-multipart.eml" "$EXT"
check "a leaky message is delivered redacted" \
	sh -c "grep -F -q '$PLACEHOLDER' '$DELIVERED' && ! grep -F -q '$CANARY' '$DELIVERED'"
KEPT=$(basename "$(ls -t "$STORE"/*.json | head -n 1)" .json)
check "its original is kept in the store (a new item)" [ -n "$KEPT" -a "$KEPT" != "$item" ]
check "the kept item's action is redact" grep -q '"action": *"redact"' "$STORE/$KEPT.json"
check "the kept .eml is the original, secret and all" grep -F -q "$CANARY" "$STORE/$KEPT.eml"
check "the delivered header names the item" \
	grep -q "^X-Secret-Milter: redacted; .*item=$KEPT" "$DELIVERED"
"$SECRET_QUARANTINE" -c "$CONF" list --json >"$SM_TMP/list.3" 2>&1
check "secret-quarantine lists it as delivered-redacted" \
	grep "\"$KEPT\"" "$SM_TMP/list.3" | grep -q '"state":"delivered-redacted"'
check "a third notice is sent" wait_notice 3
check "it names the item and offers the release of the original" \
	sh -c "grep -q 'Reference: $KEPT' '$NMSG' && grep -q 'release the' '$NMSG' && grep -q 'quoting the reference $KEPT' '$NMSG'"
check "no notice, log line or reply holds the canary after redaction" no_canary_anywhere

# ---------------------------------------------------------------- 4. null sender, auto
conf redact "NotifySecurityCopy $SEC" "SendmailCommand $FAKE"
milter_reload
before=$(notices)
sm_swaks --from '<>' --to "$EXT" --data "@$DATA/leaky-multipart.eml"
check "a leaky bounce (null sender) is accepted" grep -q '^ *<- *250 .*queued as' "$SM_SWAKSOUT"
check "the security copy is sent" wait_notice $((before + 1))
check "only to the security address: the null sender gets none" args_are "-G -i -f <> -- $SEC"
check "the milter log says why the sender got none" \
	grep -q 'notice=queued to=security sender-skipped=null-sender' "$SM_MILTERLOG"
AUTO=$SM_TMP/auto.eml
{ echo "Auto-Submitted: auto-replied"; cat "$DATA/leaky-multipart.eml"; } >"$AUTO"
send_swaks "$AUTO" "$EXT"
check "an auto-replied message gets the security copy only" \
	sh -c "sleep 1; grep -q 'sender-skipped=auto-submitted' '$SM_MILTERLOG'"
wait_notice $((before + 2))
check "and its notice goes to the security address alone" args_are "-G -i -f <> -- $SEC"

# ---------------------------------------------------------------- 5. own notice
before=$(notices)
OWN=$SM_TMP/own.eml
{
	echo "From: secret-milter <postmaster@secm.test>"
	echo "To: <$FROM>"
	echo "Subject: Message held for review"
	echo "Auto-Submitted: auto-generated"
	echo "X-Secret-Milter-Notice: yes"
	echo
	echo "a notice that somehow holds a key: $CANARY"
} >"$OWN"
sm_swaks --from '<>' --to "$EXT" --data "@$OWN"
sleep 2
check "a notice with a secret in it is still scanned (redacted)" \
	sh -c "grep 'action=redact' '$SM_MILTERLOG' | tail -n 1 | grep -q 'notice=none reason=own-notice'"
check "and causes no further notice, not even a copy" [ "$(notices)" -eq "$before" ]

# ---------------------------------------------------------------- 6. real sendmail
conf redact "NotifySecurityCopy $SEC" "SendmailCommand /usr/sbin/sendmail -C $SM_PFCONF"
milter_reload
before=$(sm_sink_count)
send_swaks "$DATA/leaky-multipart.eml" "$EXT"
sm_wait_sink $((before + 2)) 40
check "the redacted message and the notice reach smtp-sink" \
	[ "$(sm_sink_count)" -ge $((before + 2)) ]
notice=$(grep -l '^Subject: Message delivered with credentials removed' \
	$(ls -t "$SM_SINKDIR"/* | head -n 3) 2>/dev/null | head -n 1)
check "one delivered message is the notice" [ -n "$notice" ]
check "smtp-sink got it from <> for the sender and the security copy" \
	sh -c "grep -q '^X-Mail-Args: <> ' '$notice' && grep -q '^X-Rcpt-Args: <$FROM>' '$notice' && grep -q '^X-Rcpt-Args: <$SEC>' '$notice'"
check "the notice passed the milter on its way as a clean message" \
	sh -c "grep -q '^X-Secret-Milter: clean' '$notice'"
sleep 6
check "and nothing more was delivered: no notice about the notice" \
	[ "$(sm_sink_count)" -eq $((before + 2)) ]
check "Postfix logged the notice as sent from <>" grep -q 'from=<>' "$SM_PFLOG"
check "no delivered notice, log line or reply holds the canary" \
	sh -c "! grep -F -q '$CANARY' '$notice'"
check "no log line holds the canary after the real notice" no_canary_anywhere

# ---------------------------------------------------------------- 7. release
# the documented set-up: released mail is injected through sendmail(1)
# without passing the milter again (non_smtpd_milters empty)
postconf -c "$SM_PFCONF" -e non_smtpd_milters= && postfix -c "$SM_PFCONF" reload >/dev/null 2>&1
sleep 2
before=$(sm_sink_count)
SECM_POSTFIX_CONFIG=$SM_PFCONF "$SECRET_QUARANTINE" -c "$CONF" release \
	--sendmail "/usr/sbin/sendmail -C $SM_PFCONF" "$KEPT" >"$SM_TMP/release.7" 2>&1
check "secret-quarantine releases the kept original (exit 0)" [ $? -eq 0 ]
sm_wait_sink $((before + 1)) 30
sleep 6
check "it is delivered exactly once" [ "$(sm_sink_count)" -eq $((before + 1)) ]
check "in full: the original holds the secret again" \
	grep -F -q "$CANARY" "$(sm_sink_latest)"
check "the item is now released" grep -q '"state": *"released"' "$STORE/$KEPT.json"
check "an audit line records the release" \
	grep -q "action=release item=$KEPT result=ok" "$STORE/audit.log"
check "the audit log holds no canary" sh -c "! grep -F -q '$CANARY' '$STORE/audit.log'"
"$SECRET_QUARANTINE" -c "$CONF" release "$KEPT" >/dev/null 2>&1
check "a second release is refused (exit 3)" [ $? -eq 3 ]
check "no log line holds the canary at the end" no_canary_anywhere

sm_milter_stop
check "secret-milter exits 0 on SIGTERM" [ "$SM_MILTERRC" -eq 0 ]

echo "1..$n"
sm_log "$failed of $n failed; $(($(date +%s) - START)) s"
[ "$failed" -eq 0 ] && exit 0
exit 1
