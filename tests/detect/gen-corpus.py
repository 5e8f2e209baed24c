#!/usr/bin/env python3
"""gen-corpus.py - generate the detection corpus: random right-shaped secrets
of every rule, wrapped in ~25 syntaxes and 9 mail carriers.

Design, in four steps (all seeded; the same --seed and rule set give the
same corpus):

1. Locate.  Each example of each rule in patterns/*.yml is written as a
   tiny message and scanned once; the finding of the rule gives the
   secret's byte range, so the tool never re-implements a rule's regex.
2. Classify.  The rule's first secret is scanned alone ("free": it is
   found without context), then as `KEY = SECRET` with the key name taken
   from the example ("keyed"), then as the bare token of the example that
   holds it, e.g. a whole URI, as `url = UNIT` ("unit-value"); otherwise the rule needs the
   example's own prose around it ("unit-prose").  This decides which
   syntaxes keep the rule's context: every syntax for free secrets, the
   assignment syntaxes with the example's key name for keyed ones (only the
   quoting ones when the rule needs a quoted value, only the unquoted ones
   when it takes the value unquoted only, e.g. a config-line or prose
   rule beside which a code rule handles strings), and only prose-like
   syntaxes for unit-prose ones.  Samples are drawn only from the examples
   whose own secret works in the chosen kind (a rule whose first example is
   a bare token and whose second needs its sentence is sampled from the
   first), and the Subject carrier, which keeps one line, is not used for a
   unit-prose example whose context spans several lines.
3. Randomise.  The secret is re-drawn character by character within its
   class (upper, lower, hex, digit; separators and line structure kept),
   keeping the literal parts: the prefix common to the rule's examples, a
   leading `word_`/`word-` prefix, infixes shared by equal-length examples,
   PEM armour and first/last body lines, a JWT's header and payload.  A
   rule with `checksum: crc32-base62`, `crc32-hex` or `crc32-hex-le` gets
   its checksum recomputed, an age key is drawn as valid bech32, and a
   `discord: true` rule gets a first part that encodes a numeric id.  Each
   candidate is scanned in the example's own context; one the rule does not
   find (a validator this tool does not know, a structure it broke) is drawn
   again with a larger literal part (levels 0-2), and at level 3 the
   example's own secret is used.  The manifest records the level, so the
   corpus measures carriers and syntaxes, not this tool's guesses.
4. Wrap.  Each sample gets one syntax and one carrier, rotated so every
   rule meets many of each, and is written as N.eml; manifest.tsv lists
   file, rule, secret (\\n and \\t escaped), carrier, syntax, kind, level
   and verbatim (1 when the secret's bytes appear unchanged in the decoded
   text, 0 when the syntax escapes them, e.g. a PEM block inside JSON).

Usage: gen-corpus.py --scanner PROG --patterns DIR --out DIR
                     [--seed N] [--per-rule N] [--jobs N]
Python 3 standard library plus PyYAML.
"""

import argparse
import base64
import json
import os
import random
import re
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import detectlib  # noqa: E402

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

CARRIERS = ["7bit", "quoted-printable", "base64", "html", "attachment",
	    "rfc822", "subject", "iso-2022-jp", "shift_jis"]

# syntaxes, and which secret kinds each one keeps the context of
ASSIGN = ["ini", "json", "json-escaped", "yaml", "xml", "env", "shell", "python",
	  "javascript", "java", "go", "csharp", "php", "ruby", "sql", "toml",
	  "properties", "markdown", "prose-en", "prose-ja"]
FREE_ONLY = ["csv", "cli", "log", "url-query"]
ALWAYS = ["example", "quoted-reply"]
QUOTED = ["json", "json-escaped", "shell", "python", "javascript", "java", "go",
	  "csharp", "php", "ruby", "sql", "toml"]
PROSE = ["prose-en", "prose-ja", "markdown"]
# assignment syntaxes that write the value unquoted, by operator
UNQUOTED_EQ = ["ini", "env", "properties"]
UNQUOTED_COLON = ["yaml", "markdown", "prose-en", "prose-ja"]
# syntaxes that can hold a multi-line secret as it is (or escaped)
MULTILINE_OK = {"example", "quoted-reply", "json", "json-escaped", "yaml", "xml",
		"env", "shell", "python", "javascript", "java", "go", "csharp",
		"php", "ruby", "sql", "toml", "markdown", "prose-en", "prose-ja"}


# ---------------------------------------------------------------- step 1


def locate(scanner, rules, work):
	"""locate - for every rule, [(example, start, end, secret)] found by
	scanning each example alone"""
	probes = {}
	for ri, r in enumerate(rules):
		for ei, ex in enumerate(r["examples"]):
			if not isinstance(ex, str):
				continue
			path = os.path.join(work, "ex-%d-%d.eml" % (ri, ei))
			with open(path, "wb") as f:
				f.write(detectlib.simple_eml(ex))
			probes[path] = (ri, ex)
	res = scanner.scan(probes)
	found = {r["id"]: [] for r in rules}
	for path, (ri, ex) in probes.items():
		rid = rules[ri]["id"]
		body = (ex if ex.endswith("\n") else ex + "\n").encode("utf-8")
		for fd in res.get(path) or []:
			if fd.get("rule") != rid or fd.get("part") == "subject":
				continue
			s, e = fd["start"], fd["end"]
			sec = body[s:e]
			if scanner.fingerprint(sec) != fd.get("fingerprint"):
				continue
			try:
				sec = sec.decode("utf-8")
				bs = len(body[:s].decode("utf-8"))
			except UnicodeDecodeError:
				continue
			found[rid].append((ex, bs, bs + len(sec), sec))
			break
	return found


# ---------------------------------------------------------------- step 2

KEY_RE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_.\-]*)[\"'\]]{0,2}[ \t]*(?:=>|:=|=|:)[ \t]*[\"']?$")
PHRASE_RE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_.\- ]{0,40}?)[\"'\]]{0,2}[ \t]*(?:=>|:=|=|:)[ \t]*[\"']?$")


def key_candidates(ex, start):
	"""key_candidates - key names that precede the secret in an example"""
	line = ex[:start].rsplit("\n", 1)[-1]
	out = []
	m = KEY_RE.search(line)
	if m:
		out.append(m.group("key"))
	m = PHRASE_RE.search(line)
	if m:
		k = re.sub(r"[ ]+", "_", m.group("key").strip())
		if k and k not in out:
			out.append(k)
	return out


def unit_of(ex, start, end):
	"""unit_of - the whitespace-free token of ex around [start, end), from a
	URI scheme when there is one; None when it is the secret itself"""
	stop = " \t\r\n\"'<>`"
	a, b = start, end
	while a > 0 and ex[a - 1] not in stop:
		a -= 1
	while b < len(ex) and ex[b] not in stop:
		b += 1
	tok = ex[a:b].rstrip(",;.")
	ba = ex.rfind("-----BEGIN ", 0, start)
	eb = ex.find("-----END ", end)
	if ba >= 0 and eb >= 0 and ex.find("-----", eb + 9) >= 0:
		ee = ex.find("-----", eb + 9) + 5
		return ex[ba:ee], start - ba
	m = re.search(r"[A-Za-z][A-Za-z0-9+.\-]*://", ex[a:start])
	if m:
		tok = ex[a + m.start():b].rstrip(",;.")
		a = a + m.start()
	if tok == ex[start:end]:
		return None
	return tok, start - a


def classify(scanner, rules, located, work):
	"""classify - rule id -> dict(kind, key, unit info) (see step 2)"""
	probes = {}
	for ri, r in enumerate(rules):
		loc = located[r["id"]]
		if not loc:
			continue
		for li, (ex, s, e, sec) in enumerate(loc[:6]):
			tag = "%d-%d" % (ri, li)
			probes[os.path.join(work, "free-%s.eml" % tag)] = (r["id"], "free", None, sec, li)
			for ki, k in enumerate(key_candidates(ex, s)):
				for oi, op in enumerate((" = ", ": ", ' = "', ': "')):
					p = os.path.join(work, "key-%s-%d-%d.eml" % (tag, ki, oi))
					q = '"' if op.endswith('"') else ""
					probes[p] = (r["id"], "keyed", (k, q), k + op + sec + q, li)
			u = unit_of(ex, s, e)
			if u:
				p = os.path.join(work, "unit-%s.eml" % tag)
				probes[p] = (r["id"], "unit-value", u, "url = " + u[0], li)
	for path, (_, _, _, text, _) in probes.items():
		with open(path, "wb") as f:
			f.write(detectlib.simple_eml(text))
	res = scanner.scan(probes)
	info = {}
	order = {"free": 0, "keyed": 1, "unit-value": 2}

	def rank(kind, arg):
		"""rank - prefer context-free, then unquoted keys, then units"""
		return order[kind] * 2 + (1 if kind == "keyed" and arg[1] else 0)
	hits = []
	for path, (rid, kind, arg, text, li) in sorted(probes.items()):
		sec = located[rid][li][3]
		fp = scanner.fingerprint(sec)
		if not any(f.get("rule") == rid and f.get("fingerprint") == fp
			   for f in res.get(path) or []):
			continue
		hits.append((rid, kind, arg, li, path))
		cur = info.get(rid)
		if cur is None or rank(kind, arg) < rank(cur["kind"], cur["arg"]):
			info[rid] = {"kind": kind, "arg": arg, "li": li}
	for r in rules:
		if located[r["id"]] and r["id"] not in info:
			info[r["id"]] = {"kind": "unit-prose", "arg": None, "li": 0}
	# the examples whose own secret works in the chosen kind (a rule's
	# examples may differ: one bare token, one that needs its prose), and
	# for a keyed rule the assignment forms it accepts with its key
	for rid, i in info.items():
		i["ok"] = sorted(set(li for (h, k, _, li, _) in hits if h == rid and k == i["kind"]))
		if not i["ok"]:
			i["ok"] = list(range(len(located[rid])))
		if i["kind"] == "keyed":
			i["ops"] = set(p.rsplit("-", 1)[1][:-4] for (h, k, a, _, p) in hits
				       if h == rid and k == "keyed" and a[0] == i["arg"][0])
	# a free rule still uses its example's key name, when there is one
	for r in rules:
		i = info.get(r["id"])
		if i and i["kind"] == "free":
			ex, s, _, _ = located[r["id"]][i["li"]]
			ks = key_candidates(ex, s)
			i["arg"] = (ks[0], "") if ks else None
	return info


# ---------------------------------------------------------------- step 3


def base62(n, width=6):
	"""base62 - zero-padded base62 of n (tests/tools/gen-tokens.py)"""
	out = ""
	while n:
		n, r = divmod(n, 62)
		out = B62[r] + out
	return out.rjust(width, "0")


def common_prefix(strs):
	"""common_prefix - longest prefix shared by all strs"""
	if not strs:
		return ""
	p = strs[0]
	for s in strs[1:]:
		while not s.startswith(p):
			p = p[:-1]
	return p


def literal_mask(sec, others):
	"""literal_mask - per character, True when it must be kept as it is"""
	n = len(sec)
	lit = [not c.isascii() or not c.isalnum() for c in sec]
	for m in re.finditer(r"\\[A-Za-z]", sec):
		lit[m.start() + 1] = True
	distinct = sorted(set(o for o in others if o != sec))
	# prefix shared with the rule's other examples (unless they are copies)
	p = len(common_prefix([sec] + distinct)) if distinct else 0
	if p > 0.8 * n:
		p = 0
	m = re.match(r"(?:[A-Za-z][A-Za-z0-9]{0,11}[_\-$])+", sec)
	if m and m.end() < 0.6 * n:
		p = max(p, m.end())
	m = re.match(r"[A-Z]{3,}", sec)
	if m:
		p = max(p, min(4, m.end()))
	for i in range(min(p, n)):
		lit[i] = True
	# short suffix shared by the other examples (e.g. a fixed trailer)
	if distinct:
		suf = common_prefix([sec[::-1]] + [o[::-1] for o in distinct])
		if 0 < len(suf) <= 8 and len(suf) < 0.3 * n:
			for i in range(n - len(suf), n):
				lit[i] = True
	# infixes of 4+ positions equal in every same-length example
	same = [o for o in distinct if len(o) == n]
	if same:
		eq = [all(o[i] == sec[i] for o in same) for i in range(n)]
		i = 0
		while i < n:
			if eq[i]:
				j = i
				while j < n and eq[j]:
					j += 1
				if j - i >= 4:
					for k in range(i, j):
						lit[k] = True
				i = j
			else:
				i += 1
	# short segments between separators: positions equal in every example
	segs = [re.split(r"[^A-Za-z0-9]+", o) for o in [sec] + distinct]
	if distinct and all(len(x) == len(segs[0]) for x in segs):
		pos = 0
		for si, seg in enumerate(re.split(r"([^A-Za-z0-9]+)", sec)):
			if si % 2 == 0:
				k = si // 2
				if 0 < len(seg) <= 8 and all(len(x[k]) == len(seg) for x in segs):
					for c in range(len(seg)):
						if all(x[k][c] == seg[c] for x in segs):
							lit[pos + c] = True
			pos += len(seg)
	# multi-line secrets: armour, header lines, first and last body lines
	if "\n" in sec:
		lines = sec.split("\n")
		pos = 0
		body = [li for li, l in enumerate(lines)
			if l and not l.startswith("-") and ":" not in l[:40]]
		keep = set(body[:1] + body[-1:])
		for li, l in enumerate(lines):
			if li not in body or li in keep:
				for k in range(pos, pos + len(l)):
					lit[k] = True
			pos += len(l) + 1
	# JWT: header and payload stay (validators may decode them)
	m = re.match(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*\.", sec)
	if m:
		for k in range(m.end()):
			lit[k] = True
	return lit


def class_alpha(chars):
	"""class_alpha - per class, the alphabet to draw from, narrowed to hex or
	base32 digits when the observed chars never go beyond them"""
	low = {c for c in chars if c.islower()}
	up = {c for c in chars if c.isupper()}
	dig = {c for c in chars if c.isdigit()}
	return {
		"lower": "abcdef" if low and low <= set("abcdef") else "abcdefghijklmnopqrstuvwxyz",
		"upper": "ABCDEF" if up and up <= set("ABCDEF") else "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"digit": "234567" if dig and dig <= set("234567") and not low else "0123456789",
	}


def alphabets(rule_secrets, masks):
	"""alphabets - for each secret, the class alphabets of each position:
	per segment (runs between separators) when every example has the same
	number of segments, else one set for the whole rule"""
	split = [re.split(r"[^A-Za-z0-9]+", s) for s in rule_secrets]
	per_seg = len(set(len(x) for x in split)) == 1
	seen = {}
	for sec, lit in zip(rule_secrets, masks):
		k = 0
		for i, c in enumerate(sec):
			if not (c.isascii() and c.isalnum()):
				if i > 0 and sec[i - 1].isascii() and sec[i - 1].isalnum():
					k += 1
				continue
			if not lit[i]:
				seen.setdefault(k if per_seg else 0, set()).add(c)
	out = []
	for sec in rule_secrets:
		alpha, k = [], 0
		for i, c in enumerate(sec):
			if not (c.isascii() and c.isalnum()) and i > 0 and sec[i - 1].isascii() and sec[i - 1].isalnum():
				k += 1
			alpha.append(class_alpha(seen.get(k if per_seg else 0, set())))
		out.append(alpha)
	return out


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values):
	"""bech32_polymod - BIP-173 checksum state"""
	gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
	chk = 1
	for v in values:
		b = chk >> 25
		chk = (chk & 0x1ffffff) << 5 ^ v
		for i in range(5):
			chk ^= gen[i] if (b >> i) & 1 else 0
	return chk


def bech32_encode(hrp, data5):
	"""bech32_encode - BIP-173 string of hrp and 5-bit data"""
	vals = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp] + data5
	pm = bech32_polymod(vals + [0] * 6) ^ 1
	chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
	return hrp + "1" + "".join(BECH32[d] for d in data5 + chk)


def age_key(rng):
	"""age_key - a random AGE-SECRET-KEY-1... (bech32 of 32 bytes)"""
	bits = "".join("{:08b}".format(rng.getrandbits(8)) for _ in range(32)) + "0000"
	data = [int(bits[i:i + 5], 2) for i in range(0, 260, 5)]
	return bech32_encode("age-secret-key-", data).upper()


def discord_id(rng):
	"""discord_id - base64 (unpadded) of a random 18-19 digit user id, the
	first part of a Discord bot token (validator discord: true)"""
	uid = str(rng.randrange(10 ** 17, 10 ** 19))
	return base64.b64encode(uid.encode()).decode().rstrip("=")


def randomise(rng, sec, lit, alpha, level, rule):
	"""randomise - a new secret of the same shape (see step 3)"""
	if level >= 3:
		return sec
	free = [i for i, l in enumerate(lit) if not l]
	if level == 1:
		free = free[len(free) // 2:]
	elif level == 2:
		free = free[3 * len(free) // 4:]
	if sec.startswith("AGE-SECRET-KEY-1") and level == 0:
		return age_key(rng)
	out = list(sec)
	for i in free:
		c = sec[i]
		if c.isdigit():
			out[i] = rng.choice(alpha[i]["digit"])
		elif c.islower():
			out[i] = rng.choice(alpha[i]["lower"])
		elif c.isupper():
			out[i] = rng.choice(alpha[i]["upper"])
	new = "".join(out)
	ck = rule["validators"].get("checksum")
	if ck == "crc32-base62":
		m = re.search(r"([0-9A-Za-z]{30})([0-9A-Za-z]{6})$", new)
		if m:
			new = new[:m.start(2)] + base62(zlib.crc32(m.group(1).encode()))
	elif ck == "crc32-hex" and re.search(r"[0-9A-Fa-f]{8}$", new):
		crc = "%08X" % zlib.crc32(new[:-8].encode())
		new = new[:-8] + (crc if new[-8:].isupper() or new[-8:].isdigit() else crc.lower())
	elif ck == "crc32-hex-le" and re.search(r"_[0-9A-Fa-f]{8}$", new):
		new = new[:-8] + zlib.crc32(new[:-9].encode()).to_bytes(4, "little").hex()
	if rule["validators"].get("discord") is True and "." in new:
		new = discord_id(rng) + new[new.index("."):]
	return new


def draw_secrets(scanner, rules, located, info, want, rng, work):
	"""draw_secrets - rule id -> [(secret, example index, level)], each
	secret found by its rule in its example's own context"""
	prep = {}
	for r in rules:
		loc = located[r["id"]]
		if not loc:
			continue
		secs = [l[3] for l in loc]
		masks = [literal_mask(s, secs) for s in secs]
		prep[r["id"]] = (r, loc, masks, alphabets(secs, masks))
	result = {rid: [] for rid in prep}
	pending = {rid: list(range(want[rid])) for rid in prep}
	for level in range(4):
		probes = {}
		for rid, slots in pending.items():
			r, loc, masks, alpha = prep[rid]
			ok = info[rid]["ok"]
			for j in slots:
				ei = ok[j % len(ok)]
				ex, s, e, sec = loc[ei]
				new = randomise(rng, sec, masks[ei], alpha[ei], level, r)
				if new == sec and level < 3:
					continue
				text = ex[:s] + new + ex[e:]
				path = os.path.join(work, "draw-%d-%s-%d.eml" % (level, rid, j))
				with open(path, "wb") as f:
					f.write(detectlib.simple_eml(text))
				probes[path] = (rid, j, ei, new)
		res = scanner.scan(probes)
		done = {rid: set() for rid in pending}
		for path, (rid, j, ei, new) in probes.items():
			fp = scanner.fingerprint(new)
			if any(f.get("rule") == rid and f.get("fingerprint") == fp
			       for f in res.get(path) or []):
				result[rid].append((j, new, ei, level))
				done[rid].add(j)
			os.unlink(path)
		for rid in pending:
			pending[rid] = [j for j in pending[rid] if j not in done[rid]]
	return {rid: [(s, ei, lv) for _, s, ei, lv in sorted(v)] for rid, v in result.items()}


# ---------------------------------------------------------------- step 4


def ident(k):
	"""ident - k as a programming-language identifier"""
	k = re.sub(r"[^A-Za-z0-9_]", "_", k)
	return k if not k[:1].isdigit() else "_" + k


def dq(v):
	"""dq - v in double quotes with C-like escapes"""
	return json.dumps(v, ensure_ascii=False)


def xml_escape(v):
	"""xml_escape - v as XML character data"""
	return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(syntax, kind, key, value, example):
	"""render - the text of one sample, or None if the syntax cannot carry
	it; value is the secret (free, keyed) or the unit that holds it"""
	ml = "\n" in value
	if ml and syntax not in MULTILINE_OK:
		return None
	k = key or ("api_key" if kind == "free" else "url")
	K = ident(k).upper()
	if syntax == "example":
		return example + "\n"
	if syntax == "quoted-reply":
		return ("On Tue, 24 Nov 2026, Carol wrote:\n"
			+ "".join("> " + l + "\n" for l in example.split("\n"))
			+ "\nThanks, noted.\n")
	if kind == "unit-prose":
		if syntax == "prose-en":
			return "Hi Bob,\n\nhere are the details you asked for:\n\n%s\n\nBest regards,\nAlice\n" % value
		if syntax == "prose-ja":
			return "ボブさん\n\nお疲れ様です。ご依頼の件、以下の通りです。\n\n%s\n\nよろしくお願いいたします。\n" % value
		if syntax == "markdown":
			return "## Access\n\n- %s\n\nSee the wiki for more.\n" % value.replace("\n", "\n  ")
		return None
	if syntax == "ini":
		return "[default]\nregion = eu-west-1\n%s = %s\n" % (k, value)
	if syntax == "json":
		return '{\n  "name": "deploy",\n  %s: %s\n}\n' % (dq(k), dq(value))
	if syntax == "json-escaped":
		inner = json.dumps({"name": "deploy", k: value}, ensure_ascii=False)
		return '{"event": "config", "payload": %s}\n' % dq(inner)
	if syntax == "yaml":
		if ml:
			return "service:\n  %s: |\n%s\n" % (k, "\n".join("    " + l for l in value.split("\n")))
		return "service:\n  name: deploy\n  %s: %s\n" % (k, dq(value) if re.search(r"[:#'\"{}\[\],&*!|>%@`]|^\s|\s$", value) else value)
	if syntax == "xml":
		return '<?xml version="1.0"?>\n<config>\n  <%s>%s</%s>\n</config>\n' % (ident(k), xml_escape(value), ident(k))
	if syntax == "env":
		return "# .env\nNODE_ENV=production\n%s=%s\n" % (K, dq(value) if ml or " " in value else value)
	if syntax == "shell":
		q = "'%s'" % value if '"' in value or "$" in value or "`" in value else '"%s"' % value
		return "#!/bin/sh\nexport %s=%s\n./deploy.sh\n" % (K, q)
	if syntax == "python":
		if ml:
			return 'import os\n\n%s = """%s"""\n' % (ident(k), value)
		return "import os\n\n%s = %s\n" % (ident(k), dq(value))
	if syntax == "javascript":
		v = "`%s`" % value if ml else dq(value)
		return "const config = {\n  region: 'eu-west-1',\n  %s: %s,\n};\n" % (ident(k), v)
	if syntax == "java":
		v = '"""\n%s\n        """' % value if ml else dq(value)
		return "public class Config {\n    private static final String %s = %s;\n}\n" % (K, v)
	if syntax == "go":
		v = "`%s`" % value if ml else dq(value)
		return "package main\n\nfunc main() {\n\t%s := %s\n\t_ = %s\n}\n" % (ident(k), v, ident(k))
	if syntax == "csharp":
		v = '@"%s"' % value.replace('"', '""') if ml else dq(value)
		return "var %s = %s;\nclient.Connect(%s);\n" % (ident(k), v, ident(k))
	if syntax == "php":
		return "<?php\n$%s = '%s';\n" % (ident(k), value.replace("\\", "\\\\").replace("'", "\\'"))
	if syntax == "ruby":
		if ml:
			return "%s = <<~KEY\n%s\nKEY\n" % (ident(k), value)
		return "%s = '%s'\n" % (ident(k), value.replace("\\", "\\\\").replace("'", "\\'"))
	if syntax == "sql":
		return "UPDATE settings SET %s = '%s' WHERE id = 1;\n" % (ident(k), value.replace("'", "''"))
	if syntax == "toml":
		v = "'''\n%s'''" % value if ml else dq(value)
		return "[service]\n%s = %s\n" % (k, v)
	if syntax == "properties":
		return "app.name=deploy\n%s=%s\n" % (k, value)
	if syntax == "markdown":
		if ml:
			return "## Setup\n\n```\n%s\n```\n" % value
		return "## Setup\n\n```\n%s: %s\n```\n" % (k, value)
	if syntax == "prose-en":
		if kind == "free":
			return "Hi Bob,\n\nthe new token is %s, please update the pipeline.\n\nThanks,\nAlice\n" % value
		return "Hi Bob,\n\nas discussed, here it is:\n%s: %s\n\nThanks,\nAlice\n" % (k, value)
	if syntax == "prose-ja":
		if kind == "free":
			return "お疲れ様です。\n新しいトークンは %s です。\n設定の更新をお願いします。\n" % value
		return "お疲れ様です。\n設定は以下の通りです。\n%s: %s\nよろしくお願いします。\n" % (k, value)
	if kind != "free":
		return None
	if syntax == "csv":
		return "name,region,token\ndeploy,eu-west-1,%s\n" % value
	if syntax == "cli":
		return "$ deploy --region eu-west-1 --token %s --verbose\n" % value
	if syntax == "log":
		return "2026-11-26T10:00:00Z INFO request ok token=%s user=bob\n" % value
	if syntax == "url-query":
		from urllib.parse import quote
		return "Try https://api.example.com/v1/items?token=%s&page=2 in the browser.\n" % quote(value, safe="")
	return None


def headers(subject, n, extra=""):
	"""headers - the common message header block"""
	return ("From: Alice Example <alice@example.org>\nTo: Bob Example <bob@example.net>\n"
		"Subject: %s\nDate: Thu, 26 Nov 2026 10:%02d:00 +0000\n"
		"Message-ID: <sample-%d@detect.example.org>\nMIME-Version: 1.0\n%s"
		% (subject, n % 60, n, extra))


def b64_folded(raw):
	"""b64_folded - base64 of raw folded at 76 columns"""
	t = base64.b64encode(raw).decode()
	return "\n".join(t[i:i + 76] for i in range(0, len(t), 76)) + "\n"


def qp_encode(raw, breaks):
	"""qp_encode - quoted-printable of raw, with a soft line break before
	every byte offset in breaks and wherever a line would pass 73 columns"""
	out, line = [], ""
	lines = raw.split(b"\n")
	pos = 0
	for li, l in enumerate(lines):
		for i, b in enumerate(l):
			tok = chr(b) if 33 <= b <= 126 and b != 61 else "=%02X" % b
			if b in (9, 32) and i + 1 < len(l):
				tok = chr(b)
			if (pos + i) in breaks or len(line) + len(tok) > 73:
				out.append(line + "=")
				line = ""
			line += tok
		pos += len(l) + 1
		if li + 1 < len(lines):
			out.append(line)
			line = ""
	out.append(line)
	return "\n".join(out) + "\n"


def html_of(text, secret):
	"""html_of - text as HTML: escaped, one <br> per line, and one
	character of the (single-line) secret written as a numeric entity"""
	h = xml_escape(text)
	s = xml_escape(secret)
	if "\n" not in secret and s in h and len(secret) > 4:
		i = len(secret) // 2
		if secret[i].isalnum():
			ent = s[:i] + "&#%d;" % ord(secret[i]) + s[i + 1:] if s == secret else s
			h = h.replace(s, ent, 1)
	body = "<br>\n".join(h.split("\n"))
	return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>note</title></head>\n'
		'<body><div style="font-family: sans-serif"><p>%s</p></div></body></html>\n' % body)


def carrier_eml(carrier, text, secret, n, one_line=True):
	"""carrier_eml - the message bytes for text in carrier, or None when
	the carrier cannot hold it; one_line false: the rule's context is not
	on the secret's line (a unit-prose example over several lines), so
	the Subject, which keeps only that line, cannot hold it"""
	raw = text.encode("utf-8")
	ascii_ok = all(b < 128 for b in raw)
	cte8 = "7bit" if ascii_ok else "8bit"
	tp = "Content-Type: text/plain; charset=utf-8\n"
	if carrier == "7bit":
		return (headers("config", n, tp + "Content-Transfer-Encoding: %s\n" % cte8) + "\n").encode() + raw
	if carrier == "quoted-printable":
		at = raw.find(secret.encode("utf-8"))
		breaks = set()
		if at >= 0:
			sl = len(secret.encode("utf-8"))
			breaks = {at + sl // 2} if sl > 2 else set()
		return (headers("config", n, tp + "Content-Transfer-Encoding: quoted-printable\n")
			+ "\n" + qp_encode(raw, breaks)).encode()
	if carrier == "base64":
		return (headers("config", n, tp + "Content-Transfer-Encoding: base64\n")
			+ "\n" + b64_folded(raw)).encode()
	if carrier == "html":
		h = html_of(text, secret).encode("utf-8")
		if max(len(l) for l in h.split(b"\n")) > 900:
			return None
		return (headers("config", n, "Content-Type: text/html; charset=utf-8\n"
				"Content-Transfer-Encoding: %s\n" % cte8) + "\n").encode() + h
	if carrier == "attachment":
		return (headers("config attached", n, 'Content-Type: multipart/mixed; boundary="=_detect_%d"\n' % n)
			+ "\nThis is a multi-part message in MIME format.\n\n--=_detect_%d\n" % n
			+ tp + "Content-Transfer-Encoding: 7bit\n\nPlease find the file attached.\n\n"
			+ "--=_detect_%d\n" % n
			+ 'Content-Type: text/plain; charset=utf-8; name="settings.txt"\n'
			+ 'Content-Disposition: attachment; filename="settings.txt"\n'
			+ "Content-Transfer-Encoding: base64\n\n" + b64_folded(raw)
			+ "\n--=_detect_%d--\n" % n).encode()
	if carrier == "rfc822":
		inner = (("From: Carol <carol@example.com>\nTo: Alice <alice@example.org>\n"
			  "Subject: config\nDate: Wed, 25 Nov 2026 09:00:00 +0000\n"
			  "Message-ID: <inner-%d@example.com>\nMIME-Version: 1.0\n" % n)
			 + tp + "Content-Transfer-Encoding: %s\n\n" % cte8).encode() + raw
		return (headers("Fwd: config", n, 'Content-Type: multipart/mixed; boundary="=_fwd_%d"\n' % n)
			+ "\n--=_fwd_%d\n" % n + tp + "Content-Transfer-Encoding: 7bit\n\n"
			+ "Forwarding Carol's message below.\n\n--=_fwd_%d\n" % n
			+ "Content-Type: message/rfc822\nContent-Disposition: inline\n\n").encode() \
			+ inner + ("\n--=_fwd_%d--\n" % n).encode()
	if carrier == "subject":
		lines = [l for l in text.split("\n") if secret in l] if "\n" not in secret and one_line else []
		if not lines or len(lines[0]) > 150:
			return None
		subj = lines[0].strip()
		if not subj.isascii():
			b = subj.encode("utf-8")
			words, cur = [], b""
			for ch in subj:
				cb = ch.encode("utf-8")
				if len(cur) + len(cb) > 45:
					words.append(cur)
					cur = b""
				cur += cb
			words.append(cur)
			subj = "\n ".join("=?UTF-8?B?%s?=" % base64.b64encode(w).decode() for w in words)
		return (headers(subj, n, tp + "Content-Transfer-Encoding: 7bit\n")
			+ "\nSee the subject.\n").encode()
	if carrier in ("iso-2022-jp", "shift_jis"):
		jt = "お世話になっております。\n" + text + "\nよろしくお願いいたします。\n"
		codec = "iso2022_jp" if carrier == "iso-2022-jp" else "shift_jis"
		try:
			enc = jt.encode(codec)
		except UnicodeEncodeError:
			return None
		if enc.decode(codec) != jt:
			return None
		label = "ISO-2022-JP" if carrier == "iso-2022-jp" else "Shift_JIS"
		cte = "7bit" if carrier == "iso-2022-jp" else "8bit"
		return (headers("config", n, "Content-Type: text/plain; charset=%s\n"
				"Content-Transfer-Encoding: %s\n" % (label, cte)) + "\n").encode() + enc
	raise ValueError(carrier)


def syntaxes_for(kind, arg, multiline, ops=None):
	"""syntaxes_for - the syntaxes that keep a kind's context: a keyed
	rule found only with a quoted value gets the syntaxes that quote it,
	one found only unquoted (a config-line or prose rule, beside which a
	code rule handles quoted strings) the unquoted ones, and only with
	`key: value` the colon ones; a unit that is not ASCII (Japanese
	prose) only prose"""
	if kind == "free":
		s = ALWAYS + ASSIGN + FREE_ONLY
	elif kind == "keyed" and arg[1]:
		s = ALWAYS + QUOTED
	elif kind == "keyed" and ops is not None and not ops & {"2", "3"}:
		s = ALWAYS + (UNQUOTED_EQ if "0" in ops else []) + (UNQUOTED_COLON if "1" in ops else [])
	elif kind == "keyed" or kind == "unit-value" and arg[0].isascii():
		s = ALWAYS + ASSIGN
	else:
		s = ALWAYS + PROSE
	if multiline:
		s = [x for x in s if x in MULTILINE_OK]
	return s


def esc(s):
	"""esc - s with backslash, tab and newline escaped for the TSV"""
	return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def main():
	"""main - generate the corpus"""
	ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	ap.add_argument("--scanner", required=True)
	ap.add_argument("--patterns", required=True)
	ap.add_argument("--out", required=True)
	ap.add_argument("--seed", type=int, default=1)
	ap.add_argument("--per-rule", type=int, default=0,
			help="samples per rule (default: twice its syntaxes)")
	ap.add_argument("--jobs", type=int, default=2)
	a = ap.parse_args()
	rng = random.Random(a.seed)
	rules = detectlib.load_rules(a.patterns)
	os.makedirs(a.out, exist_ok=True)
	for old in os.listdir(a.out):
		if old.endswith(".eml") or old in ("manifest.tsv", "rules.tsv"):
			os.unlink(os.path.join(a.out, old))
	work = os.path.join(a.out, ".work")
	os.makedirs(work, exist_ok=True)
	with detectlib.Scanner(a.scanner, a.patterns, a.jobs) as sc:
		loaded = set(sc.rule_ids())
		rules = [r for r in rules if r.get("id") in loaded]
		located = locate(sc, rules, work)
		info = classify(sc, rules, located, work)
		want, plan = {}, {}
		for ri, r in enumerate(rules):
			rid = r["id"]
			if not located[rid]:
				continue
			ml = any("\n" in l[3] for l in located[rid])
			syn = syntaxes_for(info[rid]["kind"], info[rid]["arg"], ml, info[rid].get("ops"))
			n = a.per_rule or 2 * len(syn)
			want[rid] = n
			plan[rid] = (ri, syn)
		drawn = draw_secrets(sc, rules, located, info, want, rng, work)
	for f in os.listdir(work):
		os.unlink(os.path.join(work, f))
	os.rmdir(work)
	man = open(os.path.join(a.out, "manifest.tsv"), "w", encoding="utf-8")
	man.write("file\trule\tsecret\tcarrier\tsyntax\tkind\tlevel\tverbatim\n")
	rinfo = open(os.path.join(a.out, "rules.tsv"), "w", encoding="utf-8")
	rinfo.write("rule\tkind\tkey\texamples_located\tsamples\tlevels\n")
	n = 0
	for r in rules:
		rid = r["id"]
		if rid not in plan:
			rinfo.write("%s\t-\t-\t0\t0\t-\n" % rid)
			continue
		ri, syn = plan[rid]
		kind, arg = info[rid]["kind"], info[rid]["arg"]
		levels = {}
		for j, (sec, ei, lv) in enumerate(drawn[rid]):
			levels[lv] = levels.get(lv, 0) + 1
			ex, s, e, old = located[rid][ei]
			example = ex[:s] + sec + ex[e:]
			key, value = None, sec
			if kind == "keyed" or kind == "free":
				key = arg[0] if arg else None
			elif kind == "unit-value":
				u, off = unit_of(ex, s, e) or (old, 0)
				value = u[:off] + sec + u[off + len(old):]
				if not u.isascii():
					kind = "unit-prose"
			else:
				value = example
			text = None
			for t in range(len(syn)):
				sx = syn[(j + ri + t) % len(syn)]
				text = render(sx, kind, key, value, example)
				if text is not None:
					break
				text = None
			if text is None:
				continue
			verbatim = int(sec in text)
			eml = None
			for t in range(len(CARRIERS)):
				car = CARRIERS[(j * 4 + ri + t) % len(CARRIERS)]
				eml = carrier_eml(car, text, sec, n,
						  kind != "unit-prose" or "\n" not in example.strip())
				if eml is not None:
					break
			if eml is None:
				continue
			name = "%05d.eml" % n
			with open(os.path.join(a.out, name), "wb") as f:
				f.write(eml)
			man.write("\t".join([name, rid, esc(sec), car, sx, kind, str(lv), str(verbatim)]) + "\n")
			n += 1
		kind = info[rid]["kind"]
		keyname = arg[0] + ("(quoted)" if arg[1] else "") if kind in ("free", "keyed") and arg else "-"
		rinfo.write("%s\t%s\t%s\t%d\t%d\t%s\n" % (rid, kind, keyname, len(located[rid]),
			len(drawn[rid]), ",".join("L%d:%d" % kv for kv in sorted(levels.items())) or "-"))
	man.close()
	rinfo.close()
	print("gen-corpus: %d samples of %d rules in %s" % (n, len(plan), a.out))
	return 0


if __name__ == "__main__":
	sys.exit(main())
