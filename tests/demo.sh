#!/bin/sh
# demo.sh - secret-milter's main job on screen, for the README quick start.
#
# Starts a private Postfix on 127.0.0.1 (its own config and queue in a temp
# dir; the system's Postfix is not touched), smtp-sink as the next hop and
# secret-milter with the built-in policy plus "InternalDomains example.com".
# Then it sends tests/integration/demo.eml with swaks twice:
#   1. to carol@example.com (internal): the secret is redacted in transit;
#      the message going in and the message coming out are shown;
#   2. to dave@partner.example (external): the critical secret makes the
#      server refuse the message with a 5xx naming the rule.
# Everything is stopped and removed at the end.  Needs root, postfix, swaks.
# SECRET_MILTER=path picks the binary (default: the build tree's).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
if [ -z "${SECRET_MILTER:-}" ]; then
	SECRET_MILTER=$top_builddir/milter/secret-milter
	[ -x "$SECRET_MILTER" ] || SECRET_MILTER=$(command -v secret-milter || echo /usr/local/sbin/secret-milter)
fi
. "$top_srcdir/tests/lib.sh"

MSG=$top_srcdir/tests/integration/demo.eml

# banner TEXT - a visible section heading
banner() {
	printf '\n==== %s ====\n' "$*"
}

# replies - the server's side of a swaks conversation
replies() {
	grep -E '^ *<[-~*]' "$SM_SWAKSOUT" |
		grep -v -E '^ *<- *250-|^ *<- *250 [A-Z]+$' | sed 's/^ *//'
}

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run as root (it starts a private Postfix on 127.0.0.1)" >&2
	exit 1
fi
for t in postfix smtp-sink swaks perl; do
	if ! command -v "$t" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$t" ]; then
		echo "demo.sh: $t is missing (apt-get install postfix swaks)" >&2
		exit 1
	fi
done
if [ ! -x "$SECRET_MILTER" ]; then
	echo "demo.sh: $SECRET_MILTER not found: build first (./configure && make)" >&2
	exit 1
fi
PATH="$PATH:/usr/sbin:/sbin"
export PATH

sm_init
CONF=$SM_TMP/secret-milter.conf
sm_milter_config "$CONF" "InternalDomains example.com"

banner "starting a private Postfix on 127.0.0.1:$SM_SMTPPORT, smtp-sink and secret-milter"
sm_sink_start || exit 1
sm_milter_start "$CONF" || exit 1
sm_postfix_start || exit 1
"$SECRET_MILTER" --version
echo "policy: built-in defaults, InternalDomains example.com"
echo "        (internal mail: critical secrets redacted; external: rejected)"

banner "1. the message going in (to carol@example.com, internal)"
cat "$MSG"
sm_swaks --from alice@example.com --to carol@example.com --data "@$MSG"
banner "SMTP replies"
replies
if ! sm_wait_sink 1 30; then
	echo "demo.sh: nothing was delivered; Postfix log:" >&2
	tail -n 20 "$SM_PFLOG" >&2
	exit 1
fi
banner "the message coming out of Postfix (as smtp-sink received it)"
sm_sink_message "$(sm_sink_latest)" | grep -v '^X-\(Client\|Helo\|Mail\|Rcpt\)'

banner "2. the same message to dave@partner.example (external)"
sm_swaks --from alice@example.com --to dave@partner.example --data "@$MSG"
replies

banner "secret-milter's log (metadata only: never the secret)"
grep -v 'starting on' "$SM_MILTERLOG" | sed 's/^[^ ]* //'

banner "stopping everything"
sm_milter_stop
sm_postfix_stop
echo "done."
