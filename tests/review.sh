#!/bin/sh
# review.sh - secret-quarantine, the review tool, on a store written by the
# real milter behind a real, private Postfix (tests/lib.sh).
#
# Four leaky messages to an external recipient are quarantined (Postfix
# hold queue + our store), then:
#   list (table, --json, filters), show (masked), show --raw (audited),
#   release A: Postfix's hold copy released with postsuper -H, delivered
#     exactly once, no second store item; a second release is refused (3),
#   release --redacted B: the hold copy deleted, the redacted message
#     re-injected through sendmail(1) and delivered exactly once,
#   release C after its hold copy is gone: injected through sendmail(1)
#     with non_smtpd_milters empty (the documented Postfix set-up),
#   delete D (its hold copy goes too), locking, purge, usage errors.
# The canary never appears in list or (masked) show output nor the audit
# log.  Exit 77 (skip) when not root or Postfix/swaks are missing.

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

sm_need_tools swaks sendmail postsuper flock
for p in "$SECRET_MILTER" "$SECRET_QUARANTINE"; do
	if [ ! -x "$p" ]; then
		echo "Bail out! $p is not built"
		exit 99
	fi
done
START=$(date +%s)
sm_init

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() {
	label=$1; shift
	if "$@"; then ok "$label"; else not_ok "$label"; fi
}

STORE=$SM_TMP/milter/quarantine
AUDIT=$STORE/audit.log
CONF=$SM_TMP/secret-milter.conf
OUT=$SM_TMP/review.out
ERR=$SM_TMP/review.err

# sq ARGS... - run the tool on the test config; output in OUT/ERR, RC set
sq() {
	"$SECRET_QUARANTINE" -c "$CONF" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	cat "$OUT" "$ERR" >>"$SM_TMP/all-output"
	return 0
}
# sqpf ARGS... - sq with the private Postfix's config directory
sqpf() {
	SECM_POSTFIX_CONFIG=$SM_PFCONF sq "$@"
}

# send_held FROM - send the leaky message, print the queue id once held
send_held() {
	sm_swaks --from "$1" --to "$EXT" --data "@$DATA/leaky-multipart.eml"
	sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' "$SM_SWAKSOUT" | tail -n 1
}

# in_hold QID - 0 when Postfix's hold queue has QID
in_hold() {
	sm_queue_json | grep "\"queue_id\": *\"$1\"" | grep -q '"queue_name": *"hold"'
}

# item_of QID - the store id of the item for Postfix queue id QID
item_of() {
	f=$(ls "$STORE"/*-"$1"-*.json 2>/dev/null | head -n 1)
	[ -n "$f" ] && basename "$f" .json
}

# items - number of complete items in the store
items() {
	ls "$STORE"/*.json 2>/dev/null | wc -l | tr -d ' '
}

# stays COUNT SECONDS - smtp-sink still holds exactly COUNT after SECONDS
stays() {
	sleep "$2"
	[ "$(sm_sink_count)" -eq "$1" ]
}

# delivered_once BEFORE - exactly one more delivery within 30 s, and no
# second one in the following 12 s (two queue runs of the test Postfix)
delivered_once() {
	sm_wait_sink $(($1 + 1)) 30 && stays $(($1 + 1)) 12
}

# ---------------------------------------------------------------- set-up
sm_milter_config "$CONF" "InternalDomains secm.test" \
	"ExternalActionCritical quarantine" "ExternalActionHigh quarantine" \
	"ExternalActionMedium quarantine"
if ! sm_sink_start || ! sm_milter_start "$CONF" || ! sm_postfix_start; then
	echo "Bail out! could not start smtp-sink, secret-milter or Postfix"
	exit 99
fi
sm_log "temp dir $SM_TMP, smtp $SM_SMTPPORT, sink $SM_SINKPORT, milter $SM_MILTERPORT"

QA=$(send_held "$FROM"); sleep 1
QB=$(send_held "$FROM"); sleep 1
QC=$(send_held "$FROM"); sleep 1
QD=$(send_held dave@secm.test)
sleep 1
check "four leaky messages are held by Postfix" \
	sh -c "[ -n '$QA' ] && [ -n '$QB' ] && [ -n '$QC' ] && [ -n '$QD' ]"
for q in $QA $QB $QC $QD; do
	in_hold "$q" || sm_log "$q is not in the hold queue"
done
check "all four sit in Postfix's hold queue" \
	sh -c "[ \$(postqueue -c '$SM_PFCONF' -j | grep -c '\"hold\"') -eq 4 ]"
A=$(item_of "$QA"); B=$(item_of "$QB"); C=$(item_of "$QC"); D=$(item_of "$QD")
check "the milter stored four items" [ "$(items)" -eq 4 -a -n "$A$B$C$D" ]
check "nothing was delivered yet" [ "$(sm_sink_count)" -eq 0 ]

# ---------------------------------------------------------------- list
sq list
check "list exits 0" [ "$RC" -eq 0 ]
check "list prints a header and one row per item" [ "$(wc -l <"$OUT")" -eq 5 ]
check "list names the columns" grep -q '^ID .*TIME .*ACTION .*STATE .*SENDER .*RCPTS .*RULES' "$OUT"
check "list shows the newest first" \
	sh -c "[ \"\$(sed -n '2p;5p' '$OUT' | cut -d' ' -f1 | tr '\n' ' ')\" = '$D $A ' ]"
check "a row shows action, state, sender, recipient count and rule" \
	grep -Eq "^$A +[0-9T:Z-]+ +quarantine +held +$FROM +1 +.*aws-access-key-id" "$OUT"
sq list --json
check "list --json prints one object per item" [ "$RC" -eq 0 -a "$(wc -l <"$OUT")" -eq 4 ]
check "every --json line parses and carries id, queue id, sender and findings" \
	perl -MJSON::PP -ne '$o = decode_json($_); exit 1 unless $o->{id} && $o->{queue_id}
		&& $o->{sender} && @{$o->{findings}} && $o->{state} eq "held"; END { exit 0 }' "$OUT"
sq list --sender dave@secm.test
check "list --sender selects by envelope sender" \
	sh -c "[ $RC -eq 0 ] && [ \$(grep -c . '$OUT') -eq 2 ] && grep -q '^$D ' '$OUT'"
sq list --json --recipient BOB@example.net --rule aws-access-key-id
check "list --recipient (any case) and --rule select" [ "$RC" -eq 0 -a "$(wc -l <"$OUT")" -eq 4 ]
sq list --rule no-such-rule
check "list exits 1 when nothing matches" [ "$RC" -eq 1 -a ! -s "$OUT" ]
sq list --newer-than 1
check "list --newer-than 1 shows today's items" [ "$RC" -eq 0 -a "$(wc -l <"$OUT")" -eq 5 ]
sq list --older-than 1
check "list --older-than 1 shows none of them" [ "$RC" -eq 1 ]

# ---------------------------------------------------------------- show
sq show "$A"
check "show exits 0" [ "$RC" -eq 0 ]
check "show prints the envelope" \
	sh -c "grep -q '^Sender: *$FROM' '$OUT' && grep -q '^Recipient: *$EXT' '$OUT' && grep -q '^Queue-Id: *$QA' '$OUT'"
check "show lists the findings as metadata" \
	grep -q '^  rule=aws-access-key-id severity=critical part=1 ' "$OUT"
check "show prints the message with the secret masked" grep -F -q "  AWS_ACCESS_KEY_ID=$PLACEHOLDER" "$OUT"
check "show never prints the canary" sh -c "! grep -F -q '$CANARY' '$OUT'"
sq show --raw "$A"
check "show --raw prints the original, byte for byte" cmp -s "$OUT" "$STORE/$A.eml"
check "show --raw writes an audit line" grep -q "action=show-raw item=$A result=ok" "$AUDIT"
check "the audit log is mode 0600" [ "$(stat -c %a "$AUDIT")" = 600 ]
sq show 20990101T000000Z-NOQUEUE-000000000000
check "show of an unknown id exits 1" [ "$RC" -eq 1 ]
sq show ../../etc/passwd
check "an id with a path in it is a usage error (2)" [ "$RC" -eq 2 ]

# ---------------------------------------------------------------- release A
before=$(sm_sink_count)
sqpf release "$A"
check "release exits 0" [ "$RC" -eq 0 ]
check "release used Postfix's hold copy (postsuper -H)" grep -q "released (postsuper-H queue_id=$QA)" "$OUT"
check "the released message is delivered exactly once" delivered_once "$before"
check "Postfix no longer has it on hold" sh -c "! postqueue -c '$SM_PFCONF' -j | grep -q '\"$QA\"'"
check "the delivered message is the original" grep -F -q "$CANARY" "$(sm_sink_latest)"
check "it was not quarantined a second time" [ "$(items)" -eq 4 ]
sq list --json
check "the item is marked released, by whom and how" \
	perl -MJSON::PP -e 'while (<STDIN>) { $o = decode_json($_); $s = 1 if $o->{id} eq $ARGV[0]
		&& $o->{state} eq "released" && $o->{released_by} eq "root"
		&& $o->{release_method} =~ /postsuper-H/ } exit !$s' "$A" <"$OUT"
check "release writes an audit line with the method" \
	grep -q "action=release item=$A result=ok postsuper-H queue_id=$QA" "$AUDIT"
sqpf release "$A"
check "a second release is refused with exit 3" [ "$RC" -eq 3 ]
check "and says it was released already" grep -q "$A: already released at .* by root" "$ERR"
check "and delivers nothing" stays $((before + 1)) 1
check "the refusal is audited" grep -q "action=release item=$A result=refused already-released" "$AUDIT"

# ---------------------------------------------------------------- release --redacted B
before=$(sm_sink_count)
sqpf release --redacted --sendmail "sendmail -C $SM_PFCONF" "$B"
check "release --redacted exits 0" [ "$RC" -eq 0 ]
check "it deleted Postfix's hold copy and injected through sendmail(1)" \
	grep -q "released (sendmail redacted hold-copy-deleted queue_id=$QB)" "$OUT"
check "the redacted message is delivered exactly once" delivered_once "$before"
check "the delivered copy is the redacted one" \
	sh -c "grep -F -q '$PLACEHOLDER' '$(sm_sink_latest)' && ! grep -F -q '$CANARY' '$(sm_sink_latest)'"
check "Postfix has no copy of B left" sh -c "! postqueue -c '$SM_PFCONF' -j | grep -q '\"$QB\"'"
check "the re-scan found it clean: no new item" [ "$(items)" -eq 4 ]

# ---------------------------------------------------------------- release C by sendmail
# The hold copy is gone (expired or deleted by hand): release injects.
# With secret-milter in non_smtpd_milters it would be held again; the
# documented set-up scans SMTP only (non_smtpd_milters empty).
postsuper -c "$SM_PFCONF" -d "$QC" hold >/dev/null 2>&1
postconf -c "$SM_PFCONF" -e non_smtpd_milters= && postfix -c "$SM_PFCONF" reload >/dev/null 2>&1
sleep 2
before=$(sm_sink_count)
sqpf release --sendmail "sendmail -C $SM_PFCONF" "$C"
check "release without a hold copy injects through sendmail(1)" \
	sh -c "[ $RC -eq 0 ] && grep -q 'released (sendmail)' '$OUT'"
check "that message is delivered exactly once" delivered_once "$before"
check "the original went out" grep -F -q "$CANARY" "$(sm_sink_latest)"
check "the envelope sender and recipient are the stored ones" \
	sh -c "grep -q '^X-Mail-Args: <$FROM>' '$(sm_sink_latest)' && grep -q '^X-Rcpt-Args: <$EXT>' '$(sm_sink_latest)'"
sqpf release --sendmail "sendmail -C $SM_PFCONF" "$C"
check "a second release by sendmail is refused too" [ "$RC" -eq 3 ]

# ---------------------------------------------------------------- locking
flock -x "$STORE/.lock" sleep 4 &
LOCKER=$!
sleep 0.5
sqpf -w 1 delete "$D"
check "a mutating command waits for the lock, then gives up with exit 3" \
	sh -c "[ $RC -eq 3 ] && grep -q 'locked' '$ERR'"
sq -w 1 list
check "list is refused while an exclusive lock is held" [ "$RC" -eq 3 ]
wait "$LOCKER"
flock -s "$STORE/.lock" sleep 3 &
LOCKER=$!
sleep 0.5
sq -w 1 list
check "list runs beside another shared lock" [ "$RC" -eq 0 ]
wait "$LOCKER"

# ---------------------------------------------------------------- delete D
sqpf delete "$D"
check "delete exits 0" [ "$RC" -eq 0 ]
check "delete removes both files" [ ! -e "$STORE/$D.json" -a ! -e "$STORE/$D.eml" ]
check "delete removes Postfix's hold copy" sh -c "! postqueue -c '$SM_PFCONF' -j | grep -q '\"$QD\"'"
check "delete is audited" grep -q "action=delete item=$D result=ok hold-copy-deleted queue_id=$QD" "$AUDIT"
sqpf delete "$D"
check "deleting it again exits 1" [ "$RC" -eq 1 ]

# ---------------------------------------------------------------- purge
sqpf purge --older-than 1
check "purge --older-than 1 has nothing to do (exit 1)" [ "$RC" -eq 1 -a "$(items)" -eq 3 ]
sqpf purge --older-than 0
check "purge --older-than 0 removes the three released items" \
	sh -c "[ $RC -eq 0 ] && [ $(items) -eq 0 ] && grep -q 'purged 3 items' '$OUT'"
check "each purged item has an audit line" [ "$(grep -c 'action=purge .*result=ok' "$AUDIT")" -eq 3 ]
sq list
check "list of an empty store exits 1" [ "$RC" -eq 1 ]

# ---------------------------------------------------------------- usage
sq purge
check "purge without --older-than is a usage error (2)" [ "$RC" -eq 2 ]
sq frobnicate
check "an unknown command is a usage error (2)" [ "$RC" -eq 2 ]
sq list --raw
check "an option of another command is a usage error (2)" [ "$RC" -eq 2 ]

# ---------------------------------------------------------------- no canary
check "the audit log never holds the canary" sh -c "! grep -F -q '$CANARY' '$AUDIT'"
check "every audit line reads TIME user= uid= action= item= result=" \
	sh -c "! grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z user=[^ ]+ uid=[0-9]+( sudo_user=[^ ]+)? action=[a-z-]+ item=[^ ]+ result=[a-z-]+' '$AUDIT' | grep -q ."
check "no output but show --raw ever held the canary" \
	sh -c "[ \$(grep -F -c '$CANARY' '$SM_TMP/all-output') -eq 1 ]"
check "no log line holds the canary" \
	sh -c "! grep -F -q '$CANARY' '$SM_PFLOG' '$SM_MILTERLOG'"

echo "1..$n"
sm_log "$failed of $n failed; $(($(date +%s) - START)) s"
[ "$failed" -eq 0 ] && exit 0
exit 1
