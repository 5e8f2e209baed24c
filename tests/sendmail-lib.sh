# sendmail-lib.sh - a private Sendmail for secret-milter's integration test.
#
# Sourced by tests/sendmail.sh after tests/lib.sh (POSIX sh; uses sm_init,
# the smtp-sink and secret-milter helpers from there).
#
# Where Sendmail comes from: Debian's sendmail-bin conflicts with postfix as
# a package, so the test never installs it.  `apt-get download` fetches
# sendmail-bin, sendmail-cf and libwrap0 (sendmail links libwrap.so.0, which
# a Postfix machine may lack) into a cache, SS_DEBCACHE (default
# /var/cache/secret-milter-tests/debs, filled by tests/install-deps.sh, kept
# between runs, safe to delete), and every run unpacks them with `dpkg -x`
# into the temp dir.  The binary's setgid bit is dropped (the test runs as
# root anyway) so LD_LIBRARY_PATH can point at the unpacked libwrap.
#
# The sendmail.cf is built with m4 from sendmail-cf's cf/m4 and
# tests/integration/sendmail/secm-test.mc: loopback only, every file
# (queue, pid, status, service switch) in the temp dir, smtp-sink as the
# smart host, secret-milter declared by the shipped conf/sendmail.mc
# (F=T).  Nothing is written to /etc/mail or /var/spool/mqueue.
#
# Logging: Sendmail only logs through syslog(3), i.e. /dev/log, and there
# may be no syslog daemon (or one we must not fill).  Every sendmail
# process runs in its own mount and UTS namespace (unshare -mu): an overlay
# on /dev whose /dev/log is a symlink to our socket, where a small perl
# listener writes each datagram as a line to SS_LOG.  The UTS namespace
# gives Sendmail a qualified host name (mta.secm.test); with an unqualified
# one it sleeps 60 s at start-up looking for a better one.
#
# Variables after ss_setup:
#   SS_ROOT  unpacked packages        SS_BIN   the sendmail binary
#   SS_CF    the generated sendmail.cf SS_QUEUE its queue directory
#   SS_LOG   Sendmail's syslog lines   SS_PID   the daemon (sendmail -bD)

# shellcheck disable=SC2154 # top_srcdir: set by the sourcing test
SS_PACKAGES="sendmail-bin sendmail-cf libwrap0"
SS_DEBCACHE=${SS_DEBCACHE:-/var/cache/secret-milter-tests/debs}

# ss_fetch - make sure the cache holds a .deb of every package; exit 77
# (skip) with the reason when one cannot be downloaded
ss_fetch() {
	mkdir -p "$SS_DEBCACHE" || { echo "1..0 # SKIP cannot create $SS_DEBCACHE"; exit 77; }
	for p in $SS_PACKAGES; do
		ls "$SS_DEBCACHE/${p}_"*.deb >/dev/null 2>&1 && continue
		sm_log "downloading $p into $SS_DEBCACHE"
		# stale package lists name versions the archive no longer has:
		# one apt-get update, then a second try
		if ! (cd "$SS_DEBCACHE" && apt-get download -q "$p") >"$SS_DEBCACHE/download.log" 2>&1 &&
		   ! { apt-get update -qq && (cd "$SS_DEBCACHE" && apt-get download -q "$p"); } \
			>>"$SS_DEBCACHE/download.log" 2>&1 ||
		   ! ls "$SS_DEBCACHE/${p}_"*.deb >/dev/null 2>&1; then
			sed 's/^/#   /' "$SS_DEBCACHE/download.log" >&2
			echo "1..0 # SKIP cannot download $p with apt-get (no network or stale lists: run tests/install-deps.sh)"
			exit 77
		fi
	done
}

# ss_deb PACKAGE - the newest cached .deb of PACKAGE
ss_deb() {
	ls "$SS_DEBCACHE/${1}_"*.deb | sort -V | tail -n 1
}

# ss_unpack - dpkg -x the cached packages into $SM_TMP/sendmail-root
ss_unpack() {
	SS_ROOT=$SM_TMP/sendmail-root
	mkdir -p "$SS_ROOT"
	for p in $SS_PACKAGES; do
		dpkg -x "$(ss_deb "$p")" "$SS_ROOT" || return 1
	done
	SS_BIN=$SS_ROOT/usr/libexec/sendmail/sendmail
	# setgid mail would make the loader ignore LD_LIBRARY_PATH
	chmod 0755 "$SS_BIN"
	wrap=$(find "$SS_ROOT" -name 'libwrap.so.0' | head -n 1)
	[ -n "$wrap" ] || return 1
	LD_LIBRARY_PATH=$(dirname "$wrap")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
	[ -x "$SS_BIN" ] && [ -f "$SS_ROOT/usr/share/sendmail/cf/m4/cf.m4" ]
}

# ss_config - the private files and sendmail.cf from the .mc template
ss_config() {
	d=$SM_TMP/sendmail
	SS_CF=$d/sendmail.cf
	SS_QUEUE=$d/mqueue
	mkdir -p "$SS_QUEUE"
	chmod 0700 "$SS_QUEUE"
	# no DNS: host names from /etc/hosts, no alias lookups at all
	printf 'hosts\tfiles\naliases\tfiles\n' >"$d/service.switch"
	: >"$d/local-host-names"
	cp "$SS_ROOT/etc/mail/helpfile" "$d/helpfile"
	sed "s/inet:8899@127\.0\.0\.1/inet:$SM_MILTERPORT@127.0.0.1/" \
		"$top_srcdir/conf/sendmail.mc" >"$d/secret-milter.m4"
	sed -e "s|@TMP@|$d|g" -e "s|@SMTPPORT@|$SM_SMTPPORT|g" \
	    -e "s|@SINKPORT@|$SM_SINKPORT|g" -e "s|@MILTERPORT@|$SM_MILTERPORT|g" \
	    "$top_srcdir/tests/integration/sendmail/secm-test.mc" >"$d/sendmail.mc"
	m4 -D_CF_DIR_="$SS_ROOT/usr/share/sendmail/cf/" "$d/sendmail.mc" >"$SS_CF" 2>"$d/m4.err" ||
		{ sm_log "m4 failed:"; cat "$d/m4.err" >&2; return 1; }
}

# ss_syslog_start - a /dev/log stand-in: one line per datagram into SS_LOG
ss_syslog_start() {
	SS_LOG=$SM_TMP/sendmail.log
	SS_LOGSOCK=$SM_TMP/syslog.sock
	: >"$SS_LOG"
	perl -MIO::Socket::UNIX -MSocket -e '
		my ($path, $out) = @ARGV;
		unlink $path;
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path)
			or die "syslog socket $path: $!\n";
		chmod 0666, $path;	# mailers may run as another user
		open(my $fh, ">>", $out) or die "$out: $!\n";
		$fh->autoflush(1);
		while (defined $s->recv(my $m, 65536)) {
			$m =~ s/[\r\n\0]+$//;
			print $fh "$m\n";
		}' "$SS_LOGSOCK" "$SS_LOG" 2>>"$SM_TMP/syslog.err" &
	SS_LOGPID=$!
	SM_PIDS="$SM_PIDS $SS_LOGPID"
	i=0
	while [ ! -S "$SS_LOGSOCK" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { sm_log "syslog listener did not start"; return 1; }
		sleep 0.1
	done
}

# ss_run CMD... - run CMD in a private mount+UTS namespace: /dev/log is our
# socket (an overlay on /dev, so the real /dev is untouched) and the host
# name is mta.secm.test.  Nothing escapes: the mounts die with the namespace.
ss_run() {
	ns=$(mktemp -d "$SM_TMP/ns.XXXXXX") || return 1
	mkdir "$ns/upper" "$ns/work"
	# SS_EXEC=exec replaces the calling (sub)shell, so that $! is sendmail
	${SS_EXEC:-} unshare --mount --uts --propagation private sh -c '
		ns=$1 sock=$2; shift 2
		mount -t overlay secm-dev -o "lowerdir=/dev,upperdir=$ns/upper,workdir=$ns/work" /dev ||
			{ echo "cannot overlay /dev for the syslog socket" >&2; exit 98; }
		rm -f /dev/log && ln -s "$sock" /dev/log || exit 98
		hostname mta.secm.test || exit 98
		exec "$@"' sh "$ns" "$SS_LOGSOCK" "$@"
}

# ss_sendmail ARGS... - the private sendmail with our .cf
ss_sendmail() {
	ss_run "$SS_BIN" -C "$SS_CF" "$@"
}

# ss_start - the daemon in the foreground (-bD) in the background of this
# shell; wait for its SMTP port
ss_start() {
	(SS_EXEC="exec"; ss_sendmail -bD -L sm-secm >>"$SM_TMP/sendmail.out" 2>&1) &
	SS_PID=$!
	if ! sm_wait_port "$SM_SMTPPORT" 30; then
		sm_log "sendmail did not start:"
		cat "$SM_TMP/sendmail.out" "$SS_LOG" | sed 's/^/#   /' >&2
		return 1
	fi
}

# ss_procs - pids of every process running our private sendmail binary
# (the daemon and the children it forked per connection or delivery)
ss_procs() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$SS_BIN" ] && echo "${p#/proc/}"
	done
	return 0
}

# ss_stop - SIGTERM the daemon, then its remaining children, by pid
ss_stop() {
	[ -n "${SS_BIN:-}" ] || return 0
	if [ -n "${SS_PID:-}" ]; then
		kill -TERM "$SS_PID" 2>/dev/null
		wait "$SS_PID" 2>/dev/null
		SS_PID=""
	fi
	i=0
	while pids=$(ss_procs) && [ -n "$pids" ]; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		if [ $i -le 30 ]; then kill -TERM $pids 2>/dev/null; else kill -KILL $pids 2>/dev/null; fi
		[ $i -gt 40 ] && break
		sleep 0.1
	done
}

# ss_mailq_quarantine - `mailq -qQ`: the quarantined messages with reasons
ss_mailq_quarantine() {
	ss_sendmail -bp -qQ 2>&1
}

# ss_bs_session FILE FROM TO [sendmail options] - one SMTP session with a
# `sendmail -bs` of its own (so debug options like -d64.25 apply to it
# alone), each command sent after the previous reply; the conversation and
# any debug output on stdout
ss_bs_session() {
	file=$1 from=$2 to=$3
	shift 3
	perl -MIPC::Open2 -e '
		my ($file, $from, $to, @cmd) = @ARGV;
		$| = 1;
		my $pid = open2(my $out, my $in, @cmd);
		$in->autoflush(1);
		# upto RE - copy the output until a line matches RE
		sub upto {
			my $re = shift;
			while (my $l = <$out>) {
				print $l;
				return 1 if $l =~ $re;
			}
			die "no reply matching $re\n";
		}
		upto(qr/^220 /);
		print $in "EHLO client.secm.test\r\n";	upto(qr/^250 /);
		print $in "MAIL FROM:<$from>\r\n";	upto(qr/^\d{3} /);
		print $in "RCPT TO:<$to>\r\n";		upto(qr/^\d{3} /);
		print $in "DATA\r\n";			upto(qr/^354 /);
		open(my $m, "<", $file) or die "$file: $!\n";
		while (my $l = <$m>) {
			$l =~ s/\r?\n\z//;
			$l =~ s/^\./../;
			print $in "$l\r\n";
		}
		print $in ".\r\n";			upto(qr/^\d{3} /);
		print $in "QUIT\r\n";			upto(qr/^221 /);
		close($in);
		waitpid($pid, 0);
		exit($? >> 8);' "$file" "$from" "$to" \
		env SM_TMP="$SM_TMP" SS_BIN="$SS_BIN" SS_CF="$SS_CF" SS_LOGSOCK="$SS_LOGSOCK" \
		sh -c '. "$0"; ss_sendmail "$@"' "$top_srcdir/tests/sendmail-lib.sh" -bs "$@"
}

# ss_setup - everything up to a running daemon (sink and milter are the
# caller's, from lib.sh)
ss_setup() {
	ss_unpack || { sm_log "could not unpack the sendmail packages"; return 1; }
	ss_config || return 1
	ss_syslog_start || return 1
	ss_start
}

# ss_wait_queue_empty SECONDS - wait until `sendmail -bp` reports an empty
# queue (nothing left to deliver, so no further copy can arrive)
ss_wait_queue_empty() {
	i=0
	until ss_sendmail -bp 2>&1 | grep -q 'queue is empty'; do
		i=$((i + 1))
		[ "$i" -gt $(($1 * 5)) ] && return 1
		sleep 0.2
	done
}
