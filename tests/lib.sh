# lib.sh - shell helpers for the Postfix integration test and the demo.
#
# Sourced by tests/postfix.sh and tests/demo.sh (POSIX sh).  Runs a PRIVATE
# Postfix on 127.0.0.1 with its own config, queue and data directories under
# one temp dir, smtp-sink as its next hop (one file per delivered message),
# and secret-milter on a loopback port.  Nothing touches the system Postfix:
# every postfix/postqueue/postsuper call carries -c "$SM_PFCONF".
#
# Needs root (Postfix daemons start as root and switch to "postfix"),
# postfix, smtp-sink, perl (free ports, waits) and, for sending, swaks.
#
# Variables after sm_init:
#   SM_TMP        the temp dir (removed by sm_cleanup)
#   SM_PFCONF     Postfix config_directory      SM_PFQUEUE  its queue_directory
#   SM_SINKDIR    smtp-sink dump directory      SM_PFLOG    Postfix log (maillog_file)
#   SM_MILTERLOG  secret-milter's stderr log    SM_SMTPPORT / SM_SINKPORT / SM_MILTERPORT
# Set SM_KEEP=1 to keep the temp dir for a post-mortem.

SM_PIDS=""

# sm_log - a line on stderr, prefixed so it stands out from TAP lines
sm_log() {
	echo "# $*" >&2
}

# sm_need_tools - exit 77 (skip) unless root and the tools are there
sm_need_tools() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP not root (a private Postfix needs root)"
		exit 77
	fi
	for t in postfix postconf postqueue smtp-sink perl "$@"; do
		if ! command -v "$t" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$t" ]; then
			echo "1..0 # SKIP $t is not installed"
			exit 77
		fi
	done
	PATH="$PATH:/usr/sbin:/sbin"
	export PATH
}

# sm_free_port - print a TCP port that is free on 127.0.0.1 right now
sm_free_port() {
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1",
					      LocalPort => 0, ReuseAddr => 1) or die "bind: $!";
		print $s->sockport, "\n";'
}

# sm_wait_port PORT SECONDS - wait until something listens on 127.0.0.1:PORT
sm_wait_port() {
	perl -MIO::Socket::INET -e '
		my ($port, $secs) = @ARGV;
		for (1 .. $secs * 10) {
			exit 0 if IO::Socket::INET->new(PeerAddr => "127.0.0.1",
							PeerPort => $port, Timeout => 1);
			select(undef, undef, undef, 0.1);
		}
		exit 1;' "$1" "$2"
}

# sm_init - make the temp dir, pick ports, install the cleanup trap
sm_init() {
	SM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/secm-it.XXXXXX") || exit 99
	chmod 755 "$SM_TMP"	# Postfix daemons and smtp-sink run as "postfix"
	SM_PFCONF=$SM_TMP/postfix
	SM_PFQUEUE=$SM_TMP/queue
	SM_SINKDIR=$SM_TMP/sink
	SM_PFLOG=$SM_TMP/postfix.log
	SM_MILTERLOG=$SM_TMP/milter.log
	SM_SMTPPORT=$(sm_free_port)
	SM_SINKPORT=$(sm_free_port)
	SM_MILTERPORT=$(sm_free_port)
	while [ "$SM_SINKPORT" = "$SM_SMTPPORT" ]; do SM_SINKPORT=$(sm_free_port); done
	while [ "$SM_MILTERPORT" = "$SM_SMTPPORT" ] || [ "$SM_MILTERPORT" = "$SM_SINKPORT" ]; do
		SM_MILTERPORT=$(sm_free_port)
	done
	mkdir -p "$SM_PFCONF" "$SM_PFQUEUE" "$SM_TMP/data" "$SM_SINKDIR" "$SM_TMP/milter"
	chown postfix "$SM_TMP/data" "$SM_SINKDIR"
	trap 'sm_cleanup' EXIT
	trap 'exit 99' HUP INT TERM
}

# sm_postfix_config - write main.cf and master.cf for the private instance
sm_postfix_config() {
	cat >"$SM_PFCONF/main.cf" <<EOF
# private test instance of secret-milter's integration test
compatibility_level = 3.6
queue_directory = $SM_PFQUEUE
data_directory = $SM_TMP/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.secm.test
mydomain = secm.test
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost = [127.0.0.1]:$SM_SINKPORT
smtp_dns_support_level = disabled
smtpd_milters = inet:127.0.0.1:$SM_MILTERPORT
non_smtpd_milters = inet:127.0.0.1:$SM_MILTERPORT
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
maillog_file = /dev/stdout
smtpd_tls_security_level = none
smtp_tls_security_level = none
biff = no
# deliver at once: the test waits for smtp-sink's files
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
EOF
	# master.cf: the services a relay-only instance needs, no chroot (the
	# private queue dir has no /etc copies), smtpd on our loopback port
	cat >"$SM_PFCONF/master.cf" <<EOF
127.0.0.1:$SM_SMTPPORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# sm_postfix_start - start the private Postfix in the foreground (in the
# background of this shell): "postfix start" can fail silently when
# maillog_file is set and postlogd is not up yet; start-fg works
sm_postfix_start() {
	sm_postfix_config
	postfix -c "$SM_PFCONF" check >>"$SM_PFLOG" 2>&1 ||
		{ sm_log "postfix check failed:"; cat "$SM_PFLOG" >&2; return 1; }
	postfix -c "$SM_PFCONF" start-fg >>"$SM_PFLOG" 2>&1 &
	SM_PFPID=$!
	if ! sm_wait_port "$SM_SMTPPORT" 20; then
		sm_log "postfix did not start:"; cat "$SM_PFLOG" >&2
		return 1
	fi
}

# sm_postfix_stop - stop the private Postfix and wait for its master
sm_postfix_stop() {
	[ -n "${SM_PFPID:-}" ] || return 0
	postfix -c "$SM_PFCONF" stop >/dev/null 2>&1 || kill "$SM_PFPID" 2>/dev/null
	wait "$SM_PFPID" 2>/dev/null
	SM_PFPID=""
}

# sm_sink_start - smtp-sink as the next hop: one dump file per message
sm_sink_start() {
	smtp-sink -u postfix -h sink.secm.test -d "$SM_SINKDIR/%H%M%S." \
		127.0.0.1:"$SM_SINKPORT" 64 >"$SM_TMP/sink.log" 2>&1 &
	SM_SINKPID=$!
	SM_PIDS="$SM_PIDS $SM_SINKPID"
	sm_wait_port "$SM_SINKPORT" 10 || { sm_log "smtp-sink did not start"; return 1; }
}

# sm_milter_config FILE [Key value]... - a test config; the daemon keys
# point into the temp dir, the rest are given as "Key value" arguments
sm_milter_config() {
	f=$1; shift
	{
		echo "# secret-milter test config"
		echo "Socket inet:$SM_MILTERPORT@127.0.0.1"
		echo "PidFile $SM_TMP/milter/secret-milter.pid"
		echo "Syslog no"
		echo "LogClean yes"
		echo "TemporaryDirectory $SM_TMP/milter"
		echo "QuarantineDirectory $SM_TMP/milter/quarantine"
		for kv in "$@"; do echo "$kv"; done
	} >"$f"
}

# sm_milter_start CONFIG - run $SECRET_MILTER in the foreground (background
# of this shell), log on stderr into SM_MILTERLOG, wait for its port
sm_milter_start() {
	"$SECRET_MILTER" -f -c "$1" ${SM_PATTERNS:+-P "$SM_PATTERNS"} \
		2>>"$SM_MILTERLOG" &
	SM_MILTERPID=$!
	if ! sm_wait_port "$SM_MILTERPORT" 10; then
		sm_log "secret-milter did not start:"; cat "$SM_MILTERLOG" >&2
		return 1
	fi
}

# sm_milter_stop - SIGTERM, then wait: libmilter stops smfi_main cleanly
sm_milter_stop() {
	[ -n "${SM_MILTERPID:-}" ] || return 0
	kill -TERM "$SM_MILTERPID" 2>/dev/null
	wait "$SM_MILTERPID" 2>/dev/null
	# shellcheck disable=SC2034 # read by the tests
	SM_MILTERRC=$?
	SM_MILTERPID=""
}

# sm_sink_count - number of messages smtp-sink has written so far
sm_sink_count() {
	find "$SM_SINKDIR" -type f | wc -l | tr -d ' '
}

# sm_wait_sink N SECONDS - wait until smtp-sink holds N messages
sm_wait_sink() {
	i=0
	while [ "$(sm_sink_count)" -lt "$1" ]; do
		i=$((i + 1))
		[ "$i" -gt $(($2 * 10)) ] && return 1
		sleep 0.1
	done
	# a dump file is complete once smtp-sink has closed it; give it a moment
	sleep 0.2
}

# sm_sink_latest - the newest dump file
sm_sink_latest() {
	ls -t "$SM_SINKDIR"/* 2>/dev/null | head -n 1
}

# sm_sink_message FILE - the message as delivered: drop smtp-sink's own
# X-Client-*/X-Helo-/X-Mail-/X-Rcpt- lines at the top and the empty line
# it appends at the end
sm_sink_message() {
	awk '
		!done && /^X-(Client-Addr|Client-Proto|Helo-Args|Mail-Args|Rcpt-Args): / { next }
		{ done = 1; lines[n++] = $0 }
		END { if (n > 0 && lines[n-1] == "") n--; for (i = 0; i < n; i++) print lines[i] }
	' "$1"
}

# sm_queue_json - the private queue as postqueue -j lines
sm_queue_json() {
	postqueue -c "$SM_PFCONF" -j 2>/dev/null
}

# sm_queue_flush - delete everything from the private queue
sm_queue_flush() {
	postsuper -c "$SM_PFCONF" -d ALL >/dev/null 2>&1
}

# sm_swaks ARGS... - swaks against the private Postfix; output in SM_SWAKSOUT
sm_swaks() {
	SM_SWAKSOUT=$SM_TMP/swaks.out
	swaks --server 127.0.0.1 --port "$SM_SMTPPORT" --helo client.secm.test \
		--timeout 60 "$@" >"$SM_SWAKSOUT" 2>&1
}

# sm_cleanup - stop everything we started, remove the temp dir
sm_cleanup() {
	sm_milter_stop
	sm_postfix_stop
	for p in $SM_PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SM_PIDS=""
	if [ -n "${SM_TMP:-}" ] && [ -d "$SM_TMP" ]; then
		if [ -n "${SM_KEEP:-}" ]; then
			sm_log "kept $SM_TMP"
		else
			rm -rf "$SM_TMP"
		fi
	fi
}
