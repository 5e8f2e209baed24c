#!/usr/bin/perl
# milter-client.pl - a minimal MTA side of the milter protocol (version 6),
# for what Postfix will not send: one header larger than libmilter's default
# 64 KiB command limit (Postfix cuts headers to 60000 bytes; Sendmail does
# not).  Usage:
#   milter-client.pl PORT HEADER-BYTES
# Sends OPTNEG, connect, MAIL, RCPT, one header of HEADER-BYTES (folded
# lines), end of headers, a body, end of message; prints the final reply
# command letter (a accept, c continue, r reject, t tempfail, y reply) and
# each modification request letter (h add header, m change header,
# b replace body, q quarantine), one per line.  Exit 0 when the milter
# answered end of message, 1 when it dropped the connection.
use strict;
use warnings;
use IO::Socket::INET;

my ($port, $size) = @ARGV;
die "usage: $0 PORT HEADER-BYTES\n" unless $port && $size;

my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
			      Timeout => 10) or die "connect: $!\n";

# send CMD DATA - one packet: length (command + data), command, data
sub send_cmd {
	my ($cmd, $data) = @_;
	$data = '' unless defined $data;
	print $s pack('N', length($data) + 1), $cmd, $data;
}

# recv_cmd - one reply packet: (command, data), or () at EOF
sub recv_cmd {
	my $hdr = '';
	while (length($hdr) < 4) {
		my $n = sysread($s, $hdr, 4 - length($hdr), length($hdr));
		return () unless $n;
	}
	my $len = unpack('N', $hdr);
	my $buf = '';
	while (length($buf) < $len) {
		my $n = sysread($s, $buf, $len - length($buf), length($buf));
		return () unless $n;
	}
	return (substr($buf, 0, 1), substr($buf, 1));
}

# expect_continue STEP - a step that must be answered with "continue"
sub expect_continue {
	my ($step) = @_;
	my ($c) = recv_cmd();
	if (!defined $c) { print "dropped at $step\n"; exit 1; }
	die "unexpected reply '$c' at $step\n" unless $c eq 'c';
}

$s->autoflush(1);
# actions: everything; steps: no HELO, no unknown, no DATA, header values
# with their leading space; no "no reply" bits, so every step is answered
send_cmd('O', pack('NNN', 6, 0x1FF, 0x2 | 0x100 | 0x200 | 0x100000));
my ($c, $d) = recv_cmd();
die "no option negotiation reply\n" unless defined $c && $c eq 'O';
send_cmd('D', "Cj\0mx.test\0");
send_cmd('C', "client.test\0" . '4' . pack('n', 25) . "127.0.0.1\0");
expect_continue('connect');
send_cmd('D', "Mi\0TESTQUEUEID\0");
send_cmd('M', "<alice\@secm.test>\0");
expect_continue('mail');
send_cmd('R', "<bob\@example.net>\0");
expect_continue('rcpt');

my $value = ' start';
my $i = 0;
while (length($value) < $size) {
	$value .= sprintf("\n\tfold %06d abcdefghijklmnopqrstuvwxyz0123456789", $i++);
}
send_cmd('L', "Subject\0 a very long header follows\0");
expect_continue('header 1');
send_cmd('L', "X-Long\0$value\0");
expect_continue('long header (' . length($value) . ' bytes)');
send_cmd('N');
expect_continue('eoh');
send_cmd('B', "clean body\r\n");
expect_continue('body');
send_cmd('E');
while (1) {
	($c, $d) = recv_cmd();
	if (!defined $c) { print "dropped at eom\n"; exit 1; }
	print "$c\n";
	last if $c =~ /^[acrty]$/;
}
send_cmd('Q');
exit 0;
