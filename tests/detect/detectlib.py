"""detectlib.py - shared pieces of the detection benchmark (gen-corpus.py,
measure.py, gen-negatives.py): reading the pattern files, running the
scanner in batches, and computing finding fingerprints.

The scanner runs as `secret-milter -c CONF -P PATTERNS --scan --json FILE...`
with a configuration whose only key is FingerprintKeyFile, pointing at a
random key this module writes (mode 0600) into a private temporary
directory.  Because the key is known, HMAC-SHA256(key, secret)[:8] (the
scanner's fingerprint, see milter/engine/fingerprint.c) tells whether a
finding is exactly the planted secret, in every carrier, without mapping
offsets through transfer encodings, charsets or HTML.

Python 3 standard library plus PyYAML (Debian: python3-yaml).
"""

import glob
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
	import yaml
except ImportError:  # pragma: no cover - reported by the callers
	yaml = None

BATCH = 400		# files per scanner process


def need_yaml():
	"""need_yaml - exit 77 (automake SKIP) when PyYAML is missing"""
	if yaml is None:
		print("detect: PyYAML is missing (Debian: apt-get install python3-yaml)",
		      file=sys.stderr)
		sys.exit(77)


def load_rules(patdir):
	"""load_rules - every rule of patdir/*.yml, in file order, as dicts
	(id, severity, examples, negative_examples, validators, file)"""
	need_yaml()
	rules = []
	for path in sorted(glob.glob(os.path.join(patdir, "*.yml"))):
		with open(path, encoding="utf-8") as f:
			doc = yaml.safe_load(f) or {}
		for r in doc.get("rules") or []:
			r = dict(r)
			r["file"] = os.path.basename(path)
			r.setdefault("examples", [])
			r.setdefault("negative_examples", [])
			r["validators"] = r.get("validators") or {}
			rules.append(r)
	return rules


def load_yaml_file(path):
	"""load_yaml_file - parsed YAML document of path (None on error)"""
	need_yaml()
	try:
		with open(path, encoding="utf-8") as f:
			return yaml.safe_load(f)
	except (OSError, yaml.YAMLError):
		return None


class Scanner:
	"""Scanner - runs secret-milter --scan --json over many files with a
	known fingerprint key; use as a context manager"""

	def __init__(self, program, patdir, jobs=1):
		self.program = program
		self.patdir = patdir
		self.jobs = max(1, jobs)
		self.tmp = tempfile.mkdtemp(prefix="secm-detect-")
		self.key = os.urandom(32)
		keyfile = os.path.join(self.tmp, "fp.key")
		fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
		os.write(fd, self.key)
		os.close(fd)
		self.conf = os.path.join(self.tmp, "scan.conf")
		with open(self.conf, "w") as f:
			f.write("FingerprintKeyFile %s\n" % keyfile)

	def __enter__(self):
		return self

	def __exit__(self, *exc):
		shutil.rmtree(self.tmp, ignore_errors=True)

	def fingerprint(self, secret):
		"""fingerprint - the scanner's fingerprint of a secret (str or bytes)"""
		if isinstance(secret, str):
			secret = secret.encode("utf-8")
		return hmac.new(self.key, secret, hashlib.sha256).hexdigest()[:16]

	def _run(self, files):
		"""_run - start one scanner process on files; returns the Popen"""
		cmd = [self.program, "-c", self.conf, "-P", self.patdir, "--scan", "--json"]
		return subprocess.Popen(cmd + list(files), stdout=subprocess.PIPE,
					stderr=subprocess.PIPE)

	def scan(self, files):
		"""scan - {file: [finding, ...]} for every file (None for a file the
		scanner reported no line for, e.g. an error)"""
		files = list(files)
		out = {f: None for f in files}
		batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
		running = []
		while batches or running:
			while batches and len(running) < self.jobs:
				b = batches.pop(0)
				running.append((b, self._run(b)))
			b, p = running.pop(0)
			stdout, stderr = p.communicate()
			if p.returncode not in (0, 1, 2):
				raise RuntimeError("scanner failed (exit %d): %s"
						   % (p.returncode, stderr.decode(errors="replace")[:500]))
			for line in stdout.decode("utf-8", errors="replace").splitlines():
				line = line.strip()
				if not line.startswith("{"):
					continue
				try:
					obj = json.loads(line)
				except ValueError:
					continue
				if obj.get("file") in out:
					out[obj["file"]] = obj.get("findings") or []
		return out

	def rule_ids(self):
		"""rule_ids - ids of the rules the scanner loads (--list-rules)"""
		cmd = [self.program, "-c", self.conf, "-P", self.patdir, "--list-rules"]
		res = subprocess.run(cmd, stdout=subprocess.PIPE, check=True)
		return [l.split()[0] for l in res.stdout.decode().splitlines() if l.strip()]


def simple_eml(body, subject="test", extra_headers=""):
	"""simple_eml - a minimal UTF-8 text/plain message around body (bytes)"""
	raw = body.encode("utf-8")
	cte = "7bit" if all(b < 128 for b in raw) else "8bit"
	head = ("From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\n"
		"Subject: %s\nDate: Thu, 26 Nov 2026 10:00:00 +0000\n"
		"Message-ID: <detect-probe@example.org>\nMIME-Version: 1.0\n%s"
		"Content-Type: text/plain; charset=utf-8\n"
		"Content-Transfer-Encoding: %s\n\n" % (subject, extra_headers, cte))
	if not raw.endswith(b"\n"):
		raw += b"\n"
	return head.encode() + raw
