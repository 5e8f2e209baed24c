#!/usr/bin/env python3
"""gen-tokens.py - print random, right-shaped FAKE credentials for tests.

Every value is made from random characters in the documented shape of a
provider's credential (prefix, length, alphabet, checksum), so rule examples,
golden mails and the detection corpus can use values that no provider ever
issued.  GitHub classic tokens and npm tokens carry a valid CRC32/base62
checksum: PREFIX_ + 30 random [0-9A-Za-z] + the zero-padded 6-char base62
(alphabet 0-9A-Za-z) encoding of zlib.crc32 of those 30 characters.

Usage:
  gen-tokens.py [--seed N] [--count N] [TYPE ...]   one "TYPE<TAB>value" line each
  gen-tokens.py --list                               the known TYPEs
  gen-tokens.py --check TOKEN                        exit 0 if a ghp_/npm_ style
                                                     checksum is valid, else 1
Without TYPE every type is printed.  The same --seed gives the same output.
"""

import argparse
import base64
import random
import sys
import zlib

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALNUM = B62
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
LETTERS = UPPER + LOWER
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32 = UPPER + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def base62(n, width=6):
	"""base62 - zero-padded base62 encoding of n (alphabet 0-9A-Za-z)"""
	out = ""
	while n:
		n, r = divmod(n, 62)
		out = B62[r] + out
	return out.rjust(width, "0")


def crc_token(rng, prefix):
	"""crc_token - PREFIX + 30 random base62 + base62(crc32(those 30))"""
	body = "".join(rng.choice(ALNUM) for _ in range(30))
	return prefix + body + base62(zlib.crc32(body.encode()))


def check_crc_token(tok):
	"""check_crc_token - True if the last 6 chars checksum the 30 before"""
	body = tok[tok.index("_") + 1:] if "_" in tok else tok
	if len(body) != 36:
		return False
	return base62(zlib.crc32(body[:30].encode())) == body[30:]


def s(rng, alphabet, n):
	"""s - n random characters of alphabet"""
	return "".join(rng.choice(alphabet) for _ in range(n))


def b64(rng, nbytes):
	"""b64 - standard base64 of nbytes random bytes"""
	return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(nbytes))).decode()


def b64url_json(obj):
	"""b64url_json - unpadded base64url of a JSON text"""
	return base64.urlsafe_b64encode(obj.encode()).decode().rstrip("=")


def pem_body(rng, nbytes, der=b""):
	"""pem_body - base64 of a DER-looking header plus random bytes, folded at
	64 columns (the header makes the body start like a real key: MII...)"""
	raw = der + bytes(rng.getrandbits(8) for _ in range(nbytes))
	text = base64.b64encode(raw).decode()
	return "\n".join(text[i:i + 64] for i in range(0, len(text), 64))


def password(rng):
	"""password - a plausible human password with letters, digits, a symbol"""
	return s(rng, LETTERS, 6) + s(rng, "0123456789", 3) + rng.choice("!#%&*+?@")


def jwt(rng):
	"""jwt - header.payload.signature with JSON header and payload"""
	head = b64url_json('{"alg":"HS256","typ":"JWT"}')
	body = b64url_json('{"sub":"%d","name":"%s","iat":%d}'
			   % (rng.randrange(10**6), s(rng, LOWER, 8), rng.randrange(10**9, 2 * 10**9)))
	sig = base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode().rstrip("=")
	return head + "." + body + "." + sig


GENERATORS = {
	"aws-access-key-id": lambda r: "AKIA" + s(r, BASE32, 16),
	"aws-temporary-access-key-id": lambda r: "ASIA" + s(r, BASE32, 16),
	"aws-secret-access-key": lambda r: s(r, B64, 40),
	"github-pat": lambda r: crc_token(r, "ghp_"),
	"github-oauth": lambda r: crc_token(r, "gho_"),
	"github-user-to-server": lambda r: crc_token(r, "ghu_"),
	"github-server-to-server": lambda r: crc_token(r, "ghs_"),
	"github-refresh": lambda r: crc_token(r, "ghr_"),
	"github-fine-grained": lambda r: "github_pat_11" + s(r, UPPER + "0123456789", 20) + "_" + s(r, ALNUM, 59),
	"gitlab-pat": lambda r: "glpat-" + s(r, ALNUM + "_-", 20),
	"gitlab-deploy": lambda r: "gldt-" + s(r, ALNUM + "_-", 20),
	"gitlab-runner-registration": lambda r: "GR1348941" + s(r, ALNUM + "_-", 20),
	"slack-bot": lambda r: "xoxb-%s-%s-%s" % (s(r, "0123456789", 12), s(r, "0123456789", 13), s(r, ALNUM, 24)),
	"slack-user": lambda r: "xoxp-%s-%s-%s-%s" % (s(r, "0123456789", 12), s(r, "0123456789", 12), s(r, "0123456789", 13), s(r, HEX, 32)),
	"slack-app": lambda r: "xapp-1-A%s-%s-%s" % (s(r, UPPER + "0123456789", 10), s(r, "0123456789", 13), s(r, HEX, 64)),
	"slack-webhook": lambda r: "https://hooks.slack.com/services/T%s/B%s/%s" % (s(r, UPPER + "0123456789", 10), s(r, UPPER + "0123456789", 10), s(r, ALNUM, 24)),
	"discord-webhook": lambda r: "https://discord.com/api/webhooks/%s/%s" % (s(r, "0123456789", 19), s(r, ALNUM + "_-", 68)),
	"telegram-bot": lambda r: "%s:AA%s" % (s(r, "123456789", 10), s(r, ALNUM + "_-", 33)),
	"stripe-live": lambda r: "sk_live_" + s(r, ALNUM, 99),
	"stripe-restricted": lambda r: "rk_live_" + s(r, ALNUM, 99),
	"stripe-test": lambda r: "sk_test_" + s(r, ALNUM, 99),
	"stripe-webhook-secret": lambda r: "whsec_" + s(r, ALNUM, 32),
	"google-api-key": lambda r: "AIza" + s(r, ALNUM + "_-", 35),
	"google-oauth-client-secret": lambda r: "GOCSPX-" + s(r, ALNUM + "_-", 28),
	"openai-project": lambda r: "sk-proj-" + s(r, ALNUM + "_-", 74) + "T3BlbkFJ" + s(r, ALNUM + "_-", 74),
	"openai-legacy": lambda r: "sk-" + s(r, ALNUM, 20) + "T3BlbkFJ" + s(r, ALNUM, 20),
	"anthropic": lambda r: "sk-ant-api03-" + s(r, ALNUM + "_-", 93) + "AA",
	"anthropic-admin": lambda r: "sk-ant-admin01-" + s(r, ALNUM + "_-", 93) + "AA",
	"huggingface": lambda r: "hf_" + s(r, LETTERS, 34),
	"groq": lambda r: "gsk_" + s(r, ALNUM, 52),
	"npm": lambda r: crc_token(r, "npm_"),
	"pypi": lambda r: "pypi-AgEIcHlwaS5vcmc" + s(r, B64URL, 160),
	"rubygems": lambda r: "rubygems_" + s(r, HEX, 48),
	"dockerhub": lambda r: "dckr_pat_" + s(r, ALNUM + "_-", 27),
	"sendgrid": lambda r: "SG." + s(r, B64URL, 22) + "." + s(r, B64URL, 43),
	"twilio-account-sid": lambda r: "AC" + s(r, HEX, 32),
	"twilio-auth-token": lambda r: s(r, HEX, 32),
	"twilio-api-key": lambda r: "SK" + s(r, HEX, 32),
	"mailgun": lambda r: "key-" + s(r, HEX, 32),
	"mailchimp": lambda r: s(r, HEX, 32) + "-us" + str(r.randrange(1, 22)),
	"azure-storage-key": lambda r: b64(r, 64),
	"azure-connection-string": lambda r: "DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s;EndpointSuffix=core.windows.net" % (s(r, LOWER, 10), b64(r, 64)),
	"digitalocean": lambda r: "dop_v1_" + s(r, HEX, 64),
	"age-secret-key": lambda r: "AGE-SECRET-KEY-1" + s(r, BECH32.upper(), 58),
	"jwt": jwt,
	"password": password,
	"pem-rsa": lambda r: "-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----" % pem_body(r, 600, bytes.fromhex("308204a40201000282010100")),
	"pem-pkcs8": lambda r: "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----" % pem_body(r, 1200, bytes.fromhex("308204be020100300d06092a864886f70d0101010500")),
	"openssh": lambda r: "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----"
		% "\n".join(t[i:i + 70] for t in ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB" + b64(r, 300)] for i in range(0, len(t), 70)),
}


def main():
	"""main - parse arguments and print the requested tokens"""
	ap = argparse.ArgumentParser(description="print random right-shaped fake credentials")
	ap.add_argument("--seed", type=int, default=None, help="random seed (repeatable output)")
	ap.add_argument("--count", type=int, default=1, help="values per type")
	ap.add_argument("--list", action="store_true", help="list the types and exit")
	ap.add_argument("--check", metavar="TOKEN", help="check a ghp_/npm_ style checksum")
	ap.add_argument("types", nargs="*", help="types to print (default: all)")
	a = ap.parse_args()
	if a.list:
		print("\n".join(sorted(GENERATORS)))
		return 0
	if a.check is not None:
		return 0 if check_crc_token(a.check) else 1
	rng = random.Random(a.seed)
	names = a.types or sorted(GENERATORS)
	for name in names:
		if name not in GENERATORS:
			print("gen-tokens.py: unknown type '%s' (see --list)" % name, file=sys.stderr)
			return 2
	for name in names:
		for _ in range(a.count):
			print("%s\t%s" % (name, GENERATORS[name](rng).replace("\n", "\\n")))
	return 0


if __name__ == "__main__":
	sys.exit(main())
