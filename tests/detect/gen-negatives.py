#!/usr/bin/env python3
"""gen-negatives.py - write tests/detect/negatives/*.eml: mail that is full
of high-entropy strings which are NOT secrets (issue 3, item 4).

One message per class: DKIM/ARC signatures and Authentication-Results, PGP
signatures (detached and clearsigned), PGP public key blocks, SSH public
keys, S/MIME signatures and certificates, Message-IDs and random-looking
MIME boundaries, git patches (SHAs, index lines, Change-Id), UUIDs,
hex digests and SRI/docker digests, base64 images (attachment and data:
URI).  All values are drawn from a fixed seed, so the files are stable;
the generated files are committed and check.sh scans them (every one must
yield no finding).  Usage: gen-negatives.py [OUTDIR]
"""

import base64
import os
import random
import sys
import uuid

R = random.Random(20261126)
HERE = os.path.dirname(os.path.abspath(__file__))


def rb(n):
	"""rb - n seeded random bytes"""
	return bytes(R.getrandbits(8) for _ in range(n))


def b64(raw, width=0, indent=""):
	"""b64 - base64 of raw, folded at width columns when width > 0"""
	t = base64.b64encode(raw).decode()
	if not width:
		return t
	return ("\n" + indent).join(t[i:i + width] for i in range(0, len(t), width))


def hexs(n):
	"""hexs - n random lowercase hex digits"""
	return "".join(R.choice("0123456789abcdef") for _ in range(n))


def uid():
	"""uid - a seeded UUID"""
	return str(uuid.UUID(bytes=rb(16), version=4))


def head(subject, n, extra=""):
	"""head - common headers"""
	return ("From: Alice Example <alice@example.org>\nTo: Bob Example <bob@example.net>\n"
		"Subject: %s\nDate: Thu, 26 Nov 2026 11:%02d:00 +0000\n"
		"Message-ID: <%s.%s@mail.example.org>\nMIME-Version: 1.0\n%s"
		% (subject, n, hexs(16), hexs(8), extra))


def dkim():
	"""dkim - DKIM-Signature, ARC set, Authentication-Results"""
	b = b64(rb(256), 70, "\t ")
	bh = b64(rb(32))
	return ("Return-Path: <alice@example.org>\n"
		"ARC-Seal: i=1; a=rsa-sha256; t=1795000000; cv=none; d=example.net; s=arc-20240605;\n"
		"\tb=%s\n" % b64(rb(256), 70, "\t ")
		+ "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net;\n"
		"\ts=arc-20240605; h=to:subject:message-id:date:from:mime-version:dkim-signature;\n"
		"\tbh=%s;\n\tb=%s\n" % (b64(rb(32)), b64(rb(256), 70, "\t "))
		+ "ARC-Authentication-Results: i=1; mx.example.net;\n"
		"       dkim=pass header.i=@example.org header.s=s2026 header.b=%s;\n"
		"       spf=pass smtp.mailfrom=alice@example.org;\n"
		"       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.org\n" % b64(rb(6))
		+ "Authentication-Results: mx.example.net;\n"
		"       dkim=pass header.i=@example.org header.s=s2026 header.b=%s;\n"
		"       arc=pass (i=1 spf=pass spfdomain=example.org dkim=pass dkdomain=example.org);\n"
		"       spf=pass (example.net: domain of alice@example.org designates 192.0.2.10 as permitted sender) smtp.mailfrom=alice@example.org\n" % b64(rb(6))
		+ "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s2026;\n"
		"\th=from:to:subject:date:message-id:mime-version:content-type;\n"
		"\tbh=%s;\n\tb=%s\n" % (bh, b)
		+ "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=ed2026;\n"
		"\th=from:to:subject:date; bh=%s;\n\tb=%s\n" % (b64(rb(32)), b64(rb(64), 70, "\t "))
		+ "X-Google-DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=1e100.net; s=20230601;\n"
		"\tbh=%s;\n\tb=%s\n" % (b64(rb(32)), b64(rb(256), 70, "\t "))
		+ "X-Gm-Message-State: AOJu0Y%s\nX-Google-Smtp-Source: AGHT+I%s\nX-Received: by 2002:a05:6a20:%s with SMTP id %s;\n        Thu, 26 Nov 2026 02:00:00 -0800 (PST)\n"
		% (b64(rb(45)).rstrip("="), b64(rb(42)).rstrip("="), hexs(4), hexs(12))
		+ head("Signed mail", 1, "Content-Type: text/plain; charset=utf-8\n")
		+ "\nThis message carries DKIM and ARC signatures; none of them is a secret.\n")


def pgp_signed():
	"""pgp_signed - PGP/MIME signed message and a clearsigned text"""
	sig = b64(rb(400), 64)
	return (head("PGP signed", 2, 'Content-Type: multipart/signed; micalg=pgp-sha256;\n'
		     ' protocol="application/pgp-signature"; boundary="%s"\n' % hexs(32))
		+ "\nThis is an OpenPGP/MIME signed message (RFC 4880 and 3156)\n"
		+ "--%s\nContent-Type: text/plain; charset=utf-8\n\n" % "BOUNDARY"
		+ "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nRelease 2.1 is out.\n"
		"sha256: %s  pkg-2.1.tar.gz\n-----BEGIN PGP SIGNATURE-----\n\n%s\n=%s\n-----END PGP SIGNATURE-----\n\n"
		% (hexs(64), b64(rb(300), 64), b64(rb(3)))
		+ "--BOUNDARY\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n"
		"Content-Description: OpenPGP digital signature\nContent-Disposition: attachment; filename=\"signature.asc\"\n\n"
		"-----BEGIN PGP SIGNATURE-----\n\n%s\n=%s\n-----END PGP SIGNATURE-----\n\n--BOUNDARY--\n"
		% (sig, b64(rb(3))))


def pgp_pubkey():
	"""pgp_pubkey - public key block inline and as application/pgp-keys"""
	blk = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: %s\n\n%s\n=%s\n-----END PGP PUBLIC KEY BLOCK-----\n" % (
		" ".join(hexs(4).upper() for _ in range(10)), b64(b"\x99\x01\x8d\x04" + rb(1200), 64), b64(rb(3)))
	return (head("my public key", 3, 'Content-Type: multipart/mixed; boundary="b1_%s"\n' % hexs(40))
		+ "\n--b1_BND\nContent-Type: text/plain; charset=utf-8\n\nHere is my key, fingerprint %s.\n\n%s\n"
		% (" ".join(hexs(4).upper() for _ in range(10)), blk)
		+ "--b1_BND\nContent-Type: application/pgp-keys; name=\"0x%s.asc\"\n"
		"Content-Disposition: attachment; filename=\"0x%s.asc\"\n\n%s\n--b1_BND--\n"
		% (hexs(16).upper(), hexs(16).upper(), blk))


def ssh_keys():
	"""ssh_keys - authorized_keys, known_hosts and a fingerprint"""
	rsa = base64.b64encode(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x81\x00" + rb(384)).decode()
	ed = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rb(32)).decode()
	ec = base64.b64encode(b"\x00\x00\x00\x13ecdsa-sha2-nistp256\x00\x00\x00\x08nistp256\x00\x00\x00\x41\x04" + rb(64)).decode()
	return (head("access for the build server", 4, "Content-Type: text/plain; charset=utf-8\n")
		+ "\nPlease add these public keys to ~/.ssh/authorized_keys:\n\n"
		"ssh-rsa %s alice@laptop\nssh-ed25519 %s bob@build\n"
		"ecdsa-sha2-nistp256 %s ci@runner\n\nknown_hosts:\n"
		"git.example.com,192.0.2.7 ssh-ed25519 %s\n\n"
		"Host key fingerprint: SHA256:%s (ED25519)\nMD5:%s\n"
		% (rsa, ed, ec, ed, b64(rb(32)).rstrip("="), ":".join(hexs(2) for _ in range(16))))


def smime():
	"""smime - S/MIME signed message with a certificate in the body"""
	cert = "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % b64(b"\x30\x82\x03\x5a\x30\x82\x02\x42\xa0\x03\x02\x01\x02" + rb(850), 64)
	return (head("S/MIME signed", 5, 'Content-Type: multipart/signed; protocol="application/pkcs7-signature";\n'
		     ' micalg=sha-256; boundary="----%s"\n' % hexs(32).upper())
		+ "\nThis is an S/MIME signed message\n\n------BND\nContent-Type: text/plain; charset=utf-8\n\n"
		"Our new certificate, for your trust store:\n\n%s\nCSR attached later.\n\n" % cert
		+ "------BND\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\n"
		"Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"smime.p7s\"\n\n"
		"%s\n\n------BND--\n" % b64(b"\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x80" + rb(2200), 76))


def ids():
	"""ids - Message-IDs, References, boundaries, UUIDs, hashes"""
	bnd = "----=_Part_%d_%d.%d" % (R.randrange(10**6), R.randrange(10**9), R.randrange(10**12, 10**13))
	refs = " ".join("<%s@mail.gmail.com>" % b64(rb(24)).replace("/", "_").replace("+", "-") for _ in range(3))
	return (head("Re: release checklist", 6,
		     "In-Reply-To: <CA+%s@mail.gmail.com>\nReferences: %s\n <%s@outlook.com>\n"
		     "Thread-Index: AQH%s\nX-MS-Exchange-Organization-Network-Message-Id: %s\n"
		     "X-Request-ID: %s\nContent-Type: multipart/alternative; boundary=\"%s\"\n"
		     % (b64(rb(30)).rstrip("="), refs, uid().upper(), b64(rb(24)), uid(), uid(), bnd))
		+ "\n--%s\nContent-Type: text/plain; charset=utf-8\n\n" % bnd
		+ "Build %s finished.\nArtifact sha256: %s\nsha512: %s\nmd5: %s\n"
		"Docker image: registry.example.com/app@sha256:%s\n"
		"Request id %s, trace %s, span %s.\nTicket UUID: %s\n"
		% (uid(), hexs(64), hexs(128), hexs(32), hexs(64), uid(), hexs(32), hexs(16), uid())
		+ "\n--%s\nContent-Type: text/html; charset=utf-8\n\n" % bnd
		+ '<html><head><script src="https://cdn.example.com/lib.js" integrity="sha384-%s" '
		'crossorigin="anonymous"></script></head><body><p>Build <a href="https://ci.example.com/'
		'builds/%s?ref=%s">%s</a> finished.</p></body></html>\n' % (b64(rb(48)), uid(), hexs(40), hexs(12))
		+ "\n--%s--\n" % bnd)


def git_patch():
	"""git_patch - git format-patch mail with SHAs and index lines"""
	c = hexs(40)
	return ("From %s Mon Sep 17 00:00:00 2001\n" % c
		+ head("[PATCH 1/2] scan: bound the window", 7, "Content-Type: text/plain; charset=UTF-8\n"
		       "Content-Transfer-Encoding: 8bit\n")
		+ "\nThe window was unbounded; fixes %s (\"scan: first version\").\n\n"
		"Change-Id: I%s\nReviewed-on: https://review.example.org/c/app/+/%d\n"
		"Signed-off-by: Alice Example <alice@example.org>\n---\n scan.c | 4 ++--\n 1 file changed\n\n"
		"diff --git a/scan.c b/scan.c\nindex %s..%s 100644\n--- a/scan.c\n+++ b/scan.c\n"
		"@@ -10,7 +10,7 @@\n-\tsize_t win = len;\n+\tsize_t win = MIN(len, 4096);\n--\n2.47.0\n\n"
		"merged as %s, tag v1.2 (%s), tree %s\n"
		% (hexs(12), hexs(40), R.randrange(10**5), hexs(12), hexs(12), hexs(40), hexs(40), hexs(40)))


def images():
	"""images - a base64 PNG attachment and an inline data: URI image"""
	png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rb(3000)
	small = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rb(400)
	return (head("screenshot", 8, 'Content-Type: multipart/related; boundary="_004_%s_"\n' % hexs(24))
		+ "\n--_004_BND_\nContent-Type: text/html; charset=utf-8\n\n"
		'<html><body><p>See below:</p><img alt="logo" src="data:image/png;base64,%s"><br>'
		'<img src="cid:image001.png@01DB%s"></body></html>\n\n' % (b64(small), hexs(12).upper())
		+ "--_004_BND_\nContent-Type: image/png; name=\"image001.png\"\nContent-Transfer-Encoding: base64\n"
		"Content-ID: <image001.png@01DB%s>\nContent-Disposition: inline; filename=\"image001.png\"\n\n%s\n\n--_004_BND_--\n"
		% (hexs(12).upper(), b64(png, 76)))


def main():
	"""main - write every class into the output directory"""
	out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "negatives")
	os.makedirs(out, exist_ok=True)
	msgs = {
		"dkim-arc-authres.eml": dkim(),
		"pgp-signed.eml": pgp_signed(),
		"pgp-public-key.eml": pgp_pubkey(),
		"ssh-public-keys.eml": ssh_keys(),
		"smime-signature-certificate.eml": smime(),
		"ids-boundaries-uuids-hashes.eml": ids(),
		"git-patch.eml": git_patch(),
		"base64-images.eml": images(),
	}
	for name, text in msgs.items():
		if "BOUNDARY" in text:
			b = "pgp-" + hexs(24)
			text = text.replace('boundary="', 'boundary="', 1)
			first = text.index('boundary="') + len('boundary="')
			end = text.index('"', first)
			text = text[:first] + b + text[end:]
			text = text.replace("--BOUNDARY", "--" + b)
		if "------BND" in text:
			first = text.index('boundary="') + len('boundary="')
			end = text.index('"', first)
			text = text.replace("------BND", "--" + text[first:end])
		if "b1_BND" in text or "_004_BND_" in text:
			first = text.index('boundary="') + len('boundary="')
			end = text.index('"', first)
			tok = "b1_BND" if "b1_BND" in text else "_004_BND_"
			text = text.replace("--" + tok, "--" + text[first:end])
		with open(os.path.join(out, name), "w", encoding="utf-8") as f:
			f.write(text)
	print("gen-negatives: %d messages in %s" % (len(msgs), out))


if __name__ == "__main__":
	main()
