#!/usr/bin/env python3
# make-seeds.py - write the hand-made fuzz seeds into tests/fuzz/seeds/.
#
# The seeds are committed; this script documents how each one was made and
# rebuilds them (run it from anywhere; it writes next to itself).  Seeds
# are small and each one aims at one tricky corner of the MIME walk,
# decoding, scan or redaction (seeds/inspect/*.eml), of the pattern
# loader (seeds/patterns/*.yml) or of the config parser
# (seeds/config/*.conf).  Files named crash-* (crashes) and
# finding-*.eml (broken properties, e.g. under SECM_FUZZ_RESCAN=1) are
# reproducers found by fuzzing; this script never writes or deletes them.
#
# The "secrets" are invented example values copied from patterns/*.yml
# (random, never issued by any provider), so a seed reaches the scan and,
# with forced redaction, the redactor.
import base64
import binascii
import os
import quopri
import re

HERE = os.path.dirname(os.path.abspath(__file__))
AWS = b"AKIAZK5IBZBF3I5LDQYU"
GHP = b"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"
HDR = (b"From: a@example.org\nTo: b@example.net\n"
       b"Message-ID: <seed@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n")


def write(sub, name, data):
    """write one seed file, refusing anything over 20 KB"""
    assert len(data) <= 20 * 1024, name
    d = os.path.join(HERE, "seeds", sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def nested_rfc822(depth):
    """depth levels of message/rfc822, a secret in the innermost body"""
    msg = b"Subject: level %d\n\naws_access_key_id = " % depth + AWS + b"\n"
    for level in range(depth - 1, 0, -1):
        msg = (b"Subject: level %d\nMIME-Version: 1.0\n"
               b"Content-Type: message/rfc822\n\n" % level) + msg
    return HDR + msg


def nested_multipart(depth):
    """depth levels of multipart/mixed, boundaries b1..bN"""
    inner = b"Content-Type: text/plain\n\ntoken " + GHP + b"\n"
    for level in range(depth, 0, -1):
        b = b"b%d" % level
        inner = (b"Content-Type: multipart/mixed; boundary=" + b + b"\n\n--" + b +
                 b"\n" + inner + b"--" + b + b"--\n")
    return HDR + b"Subject: deep multipart\nMIME-Version: 1.0\n" + inner


def inspect_seeds():
    """(name, bytes) of every message seed"""
    b64 = base64.encodebytes(b"config:\n  aws_access_key_id = " + AWS + b"\n")
    qp = quopri.encodestring(b"token = " + GHP + b" " * 70 + b"end\n")
    yield "empty.eml", b""
    yield "headers-only.eml", HDR + b"Subject: no body"
    yield "plain-secret.eml", HDR + b"Subject: hi\n\naws_access_key_id = " + AWS + b"\n"
    yield "unterminated-multipart.eml", (
        HDR + b"Subject: unterminated\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=\"XX\"\n\npreamble\n"
        b"--XX\nContent-Type: text/plain\n\nfirst " + GHP + b"\n"
        b"--XX\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" +
        b64[:-9])
    yield "boundary-prefix.eml", (
        HDR + b"Subject: prefix boundaries\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=\"abc\"\n\n"
        b"--abc\nContent-Type: multipart/alternative; boundary=\"abcd\"\n\n"
        b"--abcd\nContent-Type: text/plain\n\none " + AWS + b"\n"
        b"--abc\nContent-Type: text/plain\n\ntwo " + GHP + b"\n"
        b"--abcd--\n--abc--\n--abcd\nContent-Type: text/html\n\n<b>x</b>\n")
    yield "base64-garbage.eml", (
        HDR + b"Subject: base64 garbage\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
        b64[:20] + b"!!@@##\x00\xff" + b64[20:] + b"====\n=A=\nQUJD\n")
    yield "nested-rfc822-100.eml", nested_rfc822(100)
    yield "nested-multipart-100.eml", nested_multipart(100)
    yield "header-no-colon.eml", (
        b"From: a@example.org\nThis header has no colon\nTo: b@example.net\n"
        b"Subject: colonless\n: empty name\nX-\x00Nul: v\n\n"
        b"password: Tr0ub4dor&3xQz9\n")
    yield "nul-bytes.eml", (
        HDR + b"Subject: nul\x00bytes\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=\"utf\x00-8\"\n\n"
        b"before\x00aws_access_key_id = " + AWS + b"\x00after\n\x00\x00\n")
    yield "cr-only.eml", (
        HDR + b"Subject: cr only\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=\"q\"\n\n"
        b"--q\nContent-Type: text/plain\n\nkey " + AWS + b"\n--q--\n").replace(b"\n", b"\r")
    yield "crlf-mixed.eml", (
        HDR.replace(b"\n", b"\r\n") + b"Subject: mixed\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\n\r\n" +
        qp.replace(b"\n", b"\r\n") + b"caf=E9 =\r\n=ZZ =\n\r")
    yield "rfc2047-junk-subject.eml", (
        HDR + b"MIME-Version: 1.0\nSubject: =?utf-8?B?not*base64?= =?x-unknown?Q?a=ZZ?=\n"
        b" =?utf-8?q?unterminated =?=?utf-8?b?" +
        base64.b64encode(b"token " + GHP) + b"?= =?utf-8?Q??= =?iso-2022-jp?B?GyRC?=\n"
        b" =?utf-8*en?Q?lang?= =?utf-8?X?bad-encoding?= =?\n\nbody\n")
    yield "iso2022jp-broken.eml", (
        HDR + b"Subject: =?ISO-2022-JP?B?GyRCJVElOSVvITwlSRsoQg==?=\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n"
        b"\x1b$B%Q%9%o!<%I\x1b(B: Kx9vQ2mLp7\n"
        b"\x1b$B%Q%9\x1b(Jaws_access_key_id = " + AWS + b"\n"
        b"\x1b$Bunclosed double byte \x1b$\n\x1b(\x1b\x1b$B\x0e\x0f\x1b")
    yield "html-entities.eml", (
        HDR + b"Subject: html\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        b"<html><!-- " + AWS + b" --><script>var k='" + GHP + b"';</script>"
        b"<p>aws_access_key_id = &#65;KIA&#x5A;K5IBZBF3I5<b></b>LDQYU&amp;&bogus;&#xFFFFFFFF;"
        b"<p title=\"unterminated>" + GHP + b"<br/ <style>x{}\n")
    yield "utf16-odd.eml", (
        HDR + b"Subject: utf16\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-16\n"
        b"Content-Transfer-Encoding: binary\n\n" + ("key " + AWS.decode()).encode("utf-16") + b"\x00")
    yield "uuencode-truncated.eml", (
        HDR + b"Subject: uu\nMIME-Version: 1.0\nContent-Type: text/plain\n"
        b"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a.txt\n"
        + binascii.b2a_uu(b"aws_access_key_id = " + AWS + b"\n") +
        b"`\nend without a newline")
    yield "multipart-no-boundary.eml", (
        HDR + b"Subject: nob\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\n"
        b"--\nContent-Type: text/plain\n\n" + GHP + b"\n----\n")
    yield "long-subject.eml", (
        HDR + b"MIME-Version: 1.0\nSubject:" +
        b"".join(b" =?utf-8?q?word" + str(i).encode() + b"?=\n" for i in range(300)) +
        b" " + AWS + b"\n\nbody\n")
    yield "bad-charsets.eml", (
        HDR + b"Subject: charsets\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=c\n\n"
        b"--c\nContent-Type: text/plain; charset=us-askey\n\nk " + AWS + b"\xe9\n"
        b"--c\nContent-Type: text/plain; charset=utf-7\n\n+AEE-KIA " + AWS + b"\n"
        b"--c\nContent-Type: text/plain; charset=\"\"\nContent-Transfer-Encoding: base9000\n\n" +
        GHP + b"\n--c--\n")


def patterns_seeds():
    """(name, bytes) of every pattern-file seed, good and broken"""
    good = (b"rules:\n  - id: seed-key\n    description: seed rule\n    severity: high\n"
            b"    keywords: [seedk]\n    regex: '(?<secret>SEEDK[0-9A-F]{8})'\n"
            b"    examples: ['x SEEDK0123ABCD y']\n    negative_examples: ['SEEDK01']\n")
    yield "good-minimal.yml", good
    yield "good-validators.yml", (
        b"rules:\n  - id: seed-val\n    description: validators\n    severity: low\n"
        b"    keywords: [\"pw=\", \"PW:\"]\n    options: [caseless, multiline, dotall, ucp, extended]\n"
        b"    regex: |-\n      pw [=:] \\s* (?<secret>\\S{6,})\n"
        b"    validators:\n      min_entropy: 2.0\n      placeholder: true\n"
        b"    references: [https://example.invalid/]\n"
        b"    examples: ['pw=Tr0ub4dor&3x']\n    negative_examples: ['pw=changeme', 'pw=${PW}']\n")
    yield "backtracking.yml", (
        b"rules:\n  - id: seed-slow\n    description: catastrophic\n    severity: medium\n"
        b"    regex: '(?<secret>(a+)+)$'\n"
        b"    examples: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']\n"
        b"    negative_examples: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab']\n")
    yield "regex-verbs.yml", good.replace(
        b"'(?<secret>SEEDK[0-9A-F]{8})'",
        b"'(*LIMIT_MATCH=99999999)(*UTF)(?C1)(?<secret>SEEDK[0-9A-F]{8})(?#c)'")
    yield "alias-bomb.yml", (
        b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        b"rules: [*d]\n")
    yield "anchors-in-rule.yml", (
        b"rules:\n  - &r\n    id: seed-anchor\n    description: &d anchored\n    severity: high\n"
        b"    regex: 'SEEDK(?<secret>[0-9]{4})'\n    examples: ['SEEDK1234']\n"
        b"    negative_examples: ['SEEDK12']\n  - *r\n  - {id: seed-x, description: *d}\n")
    yield "deep-flow.yml", b"rules: " + b"[" * 2000 + b"]" * 2000 + b"\n"
    yield "deep-block.yml", b"rules:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 120))
    yield "tags-and-docs.yml", (
        b"%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\nrules: !!seq\n"
        b"  - !e!rule {id: !!str 12, description: !!binary aGk=, severity: !!null ~,\n"
        b"     regex: !!float .inf, examples: [], negative_examples: []}\n...\n---\nrules: []\n")
    yield "unterminated.yml", b"rules:\n  - id: 'unterminated\n    regex: \"\\x\n\t- tab"
    yield "bad-utf8.yml", good.replace(b"seed rule", b"seed \xff\xfe rule \xc3")
    yield "nul.yml", good.replace(b"seed rule", b"seed\x00rule")
    yield "big-numbers.yml", good.replace(
        b"    examples:", b"    validators: {min_entropy: 1e999999, checksum: crc32-base62}\n"
        b"    examples:")
    yield "empty-keyword.yml", good.replace(b"[seedk]", b"['', \"\\0\", '\\u00e9']")
    yield "bad-regex.yml", good.replace(b"{8})'", b"{8})(?<=a+)\\'")
    yield "bom-crlf.yml", b"\xef\xbb\xbf" + good.replace(b"\n", b"\r\n")


def config_seeds():
    """good and broken configuration files for fuzz_config"""
    sample_path = os.path.join(HERE, "..", "..", "conf", "secret-milter.conf")
    with open(sample_path, "rb") as f:
        sample = f.read()
    yield "sample.conf", sample
    # every key of the sample uncommented: a full file with all defaults
    yield "sample-uncommented.conf", b"".join(
        line[1:] + b"\n" for line in sample.splitlines()
        if re.match(rb"#[A-Z][A-Za-z]+ ", line))
    # the good file of tests/unit/test_config.c
    yield "unit-good.conf", (
        b"# a comment line\n\n   # an indented comment\n"
        b"socket   unix:/run/secret-milter/milter.sock\n"
        b"PIDFILE /run/secret-milter.pid   # trailing comment\n"
        b"UserID\tsecmilter:secmilter\nSyslog no\r\nSyslogFacility LOCAL3\n"
        b"LogClean yes\nTemporaryDirectory /var/spool/secret-milter/tmp\n"
        b"SpoolThreshold 256K\nMaximumMessageSize 0\n"
        b"PatternDirectory /etc/secret-milter/patterns\nPcreMatchLimit 5000\n"
        b"PcreDepthLimit 700\nMaximumMimeDepth 8\nMaximumMimeParts 200\n"
        b"MaximumDecodedSize 16M\nOnMimeDepth reject\nOnMimeParts accept\n"
        b"OnDecodedSize tag\nOnMessageSize quarantine\nOnFailure TEMPFAIL\n"
        b"InternalDomains Example.COM, example.org   corp.example\n"
        b"ExternalActionCritical quarantine\nExternalActionLow accept\n"
        b"InternalActionCritical reject\nInternalActionMedium redact\n"
        b"RejectText Sorry, credentials found (ticket#123)  # a comment\n"
        b"QuarantineDirectory /srv/quarantine\n"
        b"FingerprintKeyFile /etc/secret-milter/fp.key\n"
        b"HeaderName X-Credential-Scan\n")
    yield "unit-unset-words.conf", (
        b"PidFile None\nUserID none\nPatternDirectory builtin\n"
        b"FingerprintKeyFile none\nInternalDomains none\n")
    # what tests/lib.sh (sm_milter_config) and tests/golden.sh write
    yield "integration.conf", (
        b"# secret-milter test config\nSocket inet:30125@127.0.0.1\n"
        b"PidFile /tmp/sm.1/milter/secret-milter.pid\nSyslog no\nLogClean yes\n"
        b"TemporaryDirectory /tmp/sm.1/milter\n"
        b"QuarantineDirectory /tmp/sm.1/milter/quarantine\n"
        b"InternalDomains secm.test\nExternalActionCritical redact\n"
        b"ExternalActionHigh redact\nExternalActionMedium redact\n"
        b"InternalActionCritical redact\nInternalActionHigh redact\n")
    yield "golden.conf", (b"FingerprintKeyFile /tmp/golden.1/key\n"
                          b"PatternDirectory /work/main/patterns\n")
    yield "notify.conf", (
        b"NotifySender yes\nNotifyOn reject,quarantine,redact\n"
        b"NotifyFrom postmaster@example.org\nNotifySecurityCopy sec@example.org\n"
        b"NotifyLanguage ja\nSendmailCommand /usr/sbin/sendmail -t -i\n"
        b"KeepRedactedOriginal yes\nSocket inet6:8899@[::1]\n")
    yield "empty.conf", b""
    yield "comments-only.conf", b"# nothing\n\n   \t# more\n#Socket inet:1@x\n"
    yield "no-final-newline.conf", b"Syslog no\nLogClean yes"
    yield "crlf.conf", b"Syslog no\r\nLogClean yes\r\nHeaderName X-A\r\n"
    # broken files, one error each (the error rows of test_config.c)
    for name, data in (
            ("bad-unknown-key.conf", b"Syslog yes\nSysLogg no\n"),
            ("bad-duplicate.conf", b"# c\nSocket inet:1@localhost\nSOCKET inet:2@localhost\n"),
            ("bad-missing-value.conf", b"LogClean   # yes\n"),
            ("bad-boolean.conf", b"\n\nSyslog maybe\n"),
            ("bad-integer.conf", b"PcreMatchLimit 99999999999999999999999\n"),
            ("bad-range.conf", b"MaximumMimeDepth 1001\n"),
            ("bad-size.conf", b"SpoolThreshold 10MB\nMaximumMessageSize 99999999999G\n"),
            ("bad-action.conf", b"OnFailure redact\n"),
            ("bad-socket.conf", b"Socket inet:70000@localhost\n"),
            ("bad-unix-socket.conf", b"Socket unix:milter.sock\n"),
            ("bad-path.conf", b"QuarantineDirectory quarantine\n"),
            ("bad-user.conf", b"UserID milter:\n"),
            ("bad-facility.conf", b"SyslogFacility kern\n"),
            ("bad-domain.conf", b"InternalDomains example.com, @example.org\n"),
            ("bad-65-domains.conf", b"InternalDomains " + b" ".join(
                b"d%d.example" % i for i in range(65)) + b"\n"),
            ("bad-reject-text.conf", b"RejectText Nachricht zur\xc3\xbcckgewiesen\n"),
            ("bad-header.conf", b"HeaderName X-Scan:\n"),
            ("bad-nul.conf", b"Syslog yes\nLogClean y\x00es\n"),
            ("bad-notify-on.conf", b"NotifyOn reject,,bounce\n"),
            ("bad-address.conf", b"NotifyFrom <postmaster@example.org>\n"),
            ("bad-command.conf", b"SendmailCommand sendmail -t\n"),
            ("long-line.conf", b"RejectText " + b"A" * 5000 + b"\n"),
            ("long-key.conf", b"K" * 3000 + b" v\n"),
            ("max-domains.conf", b"InternalDomains " + b",".join(
                b"%02d" % i + b"a" * 60 + b".example" for i in range(64)) + b"\n")):
        yield name, data


def main():
    for name, data in inspect_seeds():
        write("inspect", name, data)
    for name, data in patterns_seeds():
        write("patterns", name, data)
    for name, data in config_seeds():
        write("config", name, data)


if __name__ == "__main__":
    main()
