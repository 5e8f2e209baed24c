#!/usr/bin/env python3
"""measure.py - detection recall on a generated corpus, flagged messages of
the shared mail corpus, recall on a peer scanner's positive examples, and
the mail-aware negatives; writes tests/detection-report.md.

Matching: the scanner runs with a fingerprint key this tool chose
(detectlib.Scanner), so a finding is the planted secret exactly when its
fingerprint equals HMAC-SHA256(key, secret)[:8].  A sample is *found* when
a finding of its rule has that fingerprint (for the few samples whose
syntax escapes the secret's bytes, manifest column verbatim = 0, any
finding of its rule counts).  Also reported: found by any rule (same test,
any rule id) and "rule fired" (any finding of the rule anywhere in the
message, whatever its span).

Usage:
  measure.py --scanner PROG --patterns DIR (--corpus DIR | --generate DIR)
             [--per-rule N] [--seed N] [--mail DIR] [--peer DIR]
             [--peer-map TSV] [--justifications TSV] [--negatives DIR]
             [--report FILE] [--min-recall PCT] [--jobs N]
Exit 0 when every given threshold holds and no negative yields a finding,
1 otherwise, 77 without PyYAML.
"""

import argparse
import datetime
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import detectlib  # noqa: E402


def unesc(s):
	"""unesc - undo gen-corpus.py's TSV escaping"""
	out, i = [], 0
	while i < len(s):
		c = s[i]
		if c == "\\" and i + 1 < len(s):
			out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(s[i + 1], s[i + 1]))
			i += 2
		else:
			out.append(c)
			i += 1
	return "".join(out)


def read_manifest(corpus):
	"""read_manifest - the samples of a generated corpus, as dicts"""
	rows = []
	with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as f:
		head = f.readline().rstrip("\n").split("\t")
		for line in f:
			r = dict(zip(head, line.rstrip("\n").split("\t")))
			r["secret"] = unesc(r["secret"])
			r["path"] = os.path.join(corpus, r["file"])
			rows.append(r)
	return rows


def read_rules_tsv(corpus):
	"""read_rules_tsv - gen-corpus.py's per-rule notes, by rule id"""
	out = {}
	p = os.path.join(corpus, "rules.tsv")
	if os.path.exists(p):
		with open(p, encoding="utf-8") as f:
			head = f.readline().rstrip("\n").split("\t")
			for line in f:
				r = dict(zip(head, line.rstrip("\n").split("\t")))
				out[r["rule"]] = r
	return out


def pct(a, b):
	"""pct - a/b as a percentage text"""
	return "%.1f%%" % (100.0 * a / b) if b else "-"


def measure_corpus(sc, rows):
	"""measure_corpus - mark every sample found / found_any / fired"""
	res = sc.scan([r["path"] for r in rows])
	for r in rows:
		fs = res.get(r["path"]) or []
		fp = sc.fingerprint(r["secret"])
		r["fired"] = any(f.get("rule") == r["rule"] for f in fs)
		exact = any(f.get("rule") == r["rule"] and f.get("fingerprint") == fp for f in fs)
		r["found"] = exact or (r.get("verbatim") == "0" and r["fired"])
		r["found_any"] = r["found"] or any(f.get("fingerprint") == fp for f in fs)
		r["error"] = res.get(r["path"]) is None
	return rows


def table(rows, key, label, worst_first=False, extra=None):
	"""table - markdown lines of recall grouped by rows' key"""
	groups = {}
	for r in rows:
		groups.setdefault(r[key], []).append(r)
	items = sorted(groups.items())
	if worst_first:
		items.sort(key=lambda kv: (sum(x["found"] for x in kv[1]) / len(kv[1]), kv[0]))
	hdr = "| %s | samples | found (rule, exact) | recall | any rule | rule fired |" % label
	sep = "|---|---:|---:|---:|---:|---:|"
	if extra:
		hdr += " " + " | ".join(e[0] for e in extra) + " |"
		sep += "---|" * len(extra)
	out = [hdr, sep]
	for k, g in items:
		f = sum(x["found"] for x in g)
		line = "| %s | %d | %d | %s | %s | %s |" % (
			k, len(g), f, pct(f, len(g)), pct(sum(x["found_any"] for x in g), len(g)),
			pct(sum(x["fired"] for x in g), len(g)))
		if extra:
			line += " " + " | ".join(e[1](k) for e in extra) + " |"
		out.append(line)
	return out


def scan_mail(sc, maildir):
	"""scan_mail - (message count, {relative path: findings}) of maildir"""
	files = sorted(p for p in glob.glob(os.path.join(maildir, "**", "*"), recursive=True)
		       if os.path.isfile(p) and p.endswith(".eml"))
	res = sc.scan(files)
	flagged = {os.path.relpath(p, maildir): fs for p, fs in res.items() if fs}
	errors = [os.path.relpath(p, maildir) for p, fs in res.items() if fs is None]
	return len(files), flagged, errors


def read_tsv_map(path, ncols=2):
	"""read_tsv_map - first column -> remaining columns, '#' comments"""
	out = {}
	if not path or not os.path.exists(path):
		return out
	with open(path, encoding="utf-8") as f:
		for line in f:
			if not line.strip() or line.startswith("#"):
				continue
			cols = line.rstrip("\n").split("\t")
			cols += [""] * (ncols - len(cols))
			out[cols[0]] = cols[1:]
	return out


def peer_recall(sc, peerdir, mapping, loaded, work):
	"""peer_recall - per peer rule: (name, mapped ids, examples, found,
	found by any rule); peer rules come from peerdir/**/rules/*.yml"""
	rules = []
	for path in sorted(glob.glob(os.path.join(peerdir, "**", "rules", "*.yml"), recursive=True)):
		doc = detectlib.load_yaml_file(path) or {}
		for r in doc.get("rules") or []:
			exs = [e for e in r.get("examples") or [] if isinstance(e, str)]
			rules.append((r.get("id", "?"), r.get("name", "?"), exs))
	probes = {}
	for pi, (pid, _, exs) in enumerate(rules):
		for ei, ex in enumerate(exs):
			p = os.path.join(work, "peer-%d-%d.eml" % (pi, ei))
			with open(p, "wb") as f:
				f.write(detectlib.simple_eml(ex))
			probes[p] = (pi, ei)
	res = sc.scan(probes)
	out = []
	for pi, (pid, name, exs) in enumerate(rules):
		ours = [x for x in (mapping.get(pid, [""])[0] or "").split(",") if x and x != "-"]
		missing = [x for x in ours if x not in loaded]
		excl = set()
		for x in (mapping.get(pid, ["", "", ""])[2] or "").split(","):
			if x.strip().isdigit():
				excl.add(int(x) - 1)
		found = found_any = 0
		hits = set()
		exc = []
		for ei in range(len(exs)):
			fs = res.get(os.path.join(work, "peer-%d-%d.eml" % (pi, ei))) or []
			mine = any(f.get("rule") in ours for f in fs)
			if ei in excl:
				exc.append((ei + 1, mine))
			elif mine:
				found += 1
			if fs:
				found_any += 1
				hits.update(f.get("rule") for f in fs)
		note = mapping.get(pid, ["", ""])[1] if pid in mapping else ""
		out.append(dict(id=pid, name=name, ours=ours, missing=missing,
				n=len(exs) - len(exc), found=found, found_any=found_any,
				hits=sorted(hits), note=note, excluded=exc,
				mapped=pid in mapping and bool(ours)))
	for p in probes:
		os.unlink(p)
	return out


def md_escape(s):
	"""md_escape - s safe inside a markdown table cell"""
	return s.replace("|", "\\|").replace("\n", " ")


def main():
	"""main - measure, write the report, check thresholds"""
	ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	ap.add_argument("--scanner", required=True)
	ap.add_argument("--patterns", required=True)
	ap.add_argument("--corpus", help="an already generated corpus")
	ap.add_argument("--generate", metavar="DIR", help="generate the corpus into DIR first")
	ap.add_argument("--per-rule", type=int, default=0)
	ap.add_argument("--seed", type=int, default=1)
	ap.add_argument("--mail")
	ap.add_argument("--peer")
	ap.add_argument("--peer-map", default=os.path.join(HERE, "peer-map.tsv"))
	ap.add_argument("--justifications", default=os.path.join(HERE, "corpus-justifications.tsv"))
	ap.add_argument("--negatives")
	ap.add_argument("--report")
	ap.add_argument("--min-recall", type=float, help="fail below this overall recall (percent)")
	ap.add_argument("--jobs", type=int, default=2)
	a = ap.parse_args()
	detectlib.need_yaml()
	corpus = a.corpus
	if a.generate:
		cmd = [sys.executable, os.path.join(HERE, "gen-corpus.py"), "--scanner", a.scanner,
		       "--patterns", a.patterns, "--out", a.generate, "--seed", str(a.seed),
		       "--jobs", str(a.jobs)]
		if a.per_rule:
			cmd += ["--per-rule", str(a.per_rule)]
		subprocess.run(cmd, check=True)
		corpus = a.generate
	ok = True
	rep = []
	with detectlib.Scanner(a.scanner, a.patterns, a.jobs) as sc:
		loaded = sc.rule_ids()
		rows = measure_corpus(sc, read_manifest(corpus)) if corpus else []
		rinfo = read_rules_tsv(corpus) if corpus else {}
		mail = scan_mail(sc, a.mail) if a.mail else None
		peer = peer_recall(sc, a.peer, read_tsv_map(a.peer_map, 4), set(loaded), sc.tmp) if a.peer else None
		neg = None
		if a.negatives:
			files = sorted(glob.glob(os.path.join(a.negatives, "*.eml")))
			neg = sc.scan(files)
	n = len(rows)
	found = sum(r["found"] for r in rows)
	recall = 100.0 * found / n if n else 0.0
	rep.append("# Detection report")
	rep.append("")
	rep.append("Generated by `make detection-report` (tests/detect/measure.py) on %s "
		   "with %d rules loaded. Do not edit by hand." % (datetime.date.today().isoformat(), len(loaded)))
	rep.append("")
	rep.append("How samples are made and counted: see tests/detect/gen-corpus.py and measure.py. "
		   "*found* = a finding of the sample's own rule whose fingerprint equals the planted "
		   "secret's (exact span); *any rule* = the same with any rule; *rule fired* = the rule "
		   "reported something in the message, whatever the span.")
	rep.append("")
	if rows:
		carriers = sorted(set(r["carrier"] for r in rows))
		rep.append("## Generated corpus: overall")
		rep.append("")
		rep.append("| samples | rules | carriers | syntaxes | found | recall | any rule | rule fired |")
		rep.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
		rep.append("| %d | %d | %d | %d | %d | **%.2f%%** | %s | %s |" % (
			n, len(set(r["rule"] for r in rows)), len(carriers), len(set(r["syntax"] for r in rows)),
			found, recall, pct(sum(r["found_any"] for r in rows), n), pct(sum(r["fired"] for r in rows), n)))
		lv = {}
		for r in rows:
			lv[r["level"]] = lv.get(r["level"], 0) + 1
		rep.append("")
		rep.append("Randomisation levels (0 = fully re-drawn secret, 3 = the rule's example secret "
			   "as it is): " + ", ".join("level %s: %d" % kv for kv in sorted(lv.items())) + ".")
		no_samples = [rid for rid in loaded if rid not in set(r["rule"] for r in rows)]
		if no_samples:
			rep.append("")
			rep.append("Rules without samples (no example secret could be located): "
				   + ", ".join(no_samples) + ".")
		rep.append("")
		rep.append("## Per carrier")
		rep.append("")
		rep += table(rows, "carrier", "carrier", worst_first=True)
		rep.append("")
		rep.append("## Per syntax")
		rep.append("")
		rep += table(rows, "syntax", "syntax", worst_first=True)
		rep.append("")
		rep.append("## Per rule (worst first)")
		rep.append("")
		rep += table(rows, "rule", "rule", worst_first=True, extra=[
			("kind", lambda k: rinfo.get(k, {}).get("kind", "")),
			("levels", lambda k: rinfo.get(k, {}).get("levels", ""))])
		miss = [r for r in rows if not r["found"]]
		if miss:
			rep.append("")
			rep.append("## Missed samples (%d; first 80)" % len(miss))
			rep.append("")
			rep.append("| file | rule | carrier | syntax | any rule | rule fired |")
			rep.append("|---|---|---|---|---|---|")
			for r in miss[:80]:
				rep.append("| %s | %s | %s | %s | %s | %s |" % (
					r["file"], r["rule"], r["carrier"], r["syntax"],
					"yes" if r["found_any"] else "no", "yes" if r["fired"] else "no"))
		rep.append("")
	if mail:
		total, flagged, errors = mail
		just = read_tsv_map(a.justifications)
		rep.append("## Shared mail corpus (../shared/corpus/mail)")
		rep.append("")
		rep.append("%d messages scanned, **%d flagged (%s)**; target: at most 0.5%%. "
			   "Scan errors: %d." % (total, len(flagged), pct(len(flagged), total), len(errors)))
		rep.append("")
		if flagged:
			rep.append("| message | findings (rule × count, parts) | reason kept |")
			rep.append("|---|---|---|")
			for path, fs in sorted(flagged.items()):
				cnt = {}
				for f in fs:
					cnt[f["rule"]] = cnt.get(f["rule"], 0) + 1
				parts = sorted(set(str(f.get("part")) for f in fs))
				why = just.get(path, ["**not justified**"])[0] or "**not justified**"
				rep.append("| %s | %s; parts %s | %s |" % (
					md_escape(path), ", ".join("%s ×%d" % kv for kv in sorted(cnt.items())),
					",".join(parts), md_escape(why)))
		for e in errors:
			rep.append("- scan error: %s" % e)
		rep.append("")
	if peer is not None:
		mapped = [p for p in peer if p["mapped"] and not p["missing"]]
		pn = sum(p["n"] for p in mapped)
		pf = sum(p["found"] for p in mapped)
		rep.append("## Peer positive examples (../shared/corpus/peer-rules, test vectors only)")
		rep.append("")
		nx = sum(len(p["excluded"]) for p in mapped)
		rep.append("Peer rules mapped to ours by tests/detect/peer-map.tsv: %d of %d; their "
			   "examples: %d (after %d excluded, listed below), **found by the mapped rule: "
			   "%d (%s)**; target ≥ 95%%." % (len(mapped), len(peer), pn, nx, pf, pct(pf, pn)))
		rep.append("")
		rep.append("| peer rule | name | our rules | examples | found | any rule | excluded |")
		rep.append("|---|---|---|---:|---:|---:|---:|")
		for p in sorted(mapped, key=lambda p: (p["found"] / p["n"] if p["n"] else 1, p["id"])):
			rep.append("| %s | %s | %s | %d | %d | %d | %d |" % (
				p["id"], md_escape(p["name"]), ", ".join(p["ours"]), p["n"], p["found"],
				p["found_any"], len(p["excluded"])))
		rep.append("")
		if nx:
			rep.append("Excluded examples (peer-map.tsv column 4, 1-based example numbers): "
				   "examples the peer invented that fail the type's documented checksum or "
				   "structure (GitHub/npm CRC-32, bech32, base64 length, JWT header), or that "
				   "are placeholders, templates or variables rather than secrets. They leave "
				   "the denominator; *found* says whether a mapped rule reports them anyway.")
			rep.append("")
			rep.append("| peer rule | examples excluded | found | reason |")
			rep.append("|---|---|---|---|")
			for p in sorted(mapped, key=lambda p: p["id"]):
				if p["excluded"]:
					rep.append("| %s | %s | %s | %s |" % (
						p["id"], ", ".join("#%d" % e for e, _ in p["excluded"]),
						", ".join("#%d" % e for e, m in p["excluded"] if m) or "none",
						md_escape(p["note"])))
			rep.append("")
		rep.append("Not mapped (types we do not cover, or mapped to a rule that is not loaded); "
			   "*any rule* shows whether some rule of ours still fires on the examples:")
		rep.append("")
		rep.append("| peer rule | name | examples | any rule | rules that fired | note |")
		rep.append("|---|---|---:|---:|---|---|")
		for p in sorted(peer, key=lambda p: p["id"]):
			if p in mapped:
				continue
			note = p["note"] or ""
			if p["missing"]:
				note = "mapped to missing rule(s) %s. %s" % (",".join(p["missing"]), note)
			rep.append("| %s | %s | %d | %d | %s | %s |" % (
				p["id"], md_escape(p["name"]), p["n"], p["found_any"], ", ".join(p["hits"]),
				md_escape(note)))
		rep.append("")
	if neg is not None:
		bad = {os.path.basename(p): fs for p, fs in neg.items() if fs}
		err = [os.path.basename(p) for p, fs in neg.items() if fs is None]
		rep.append("## Mail-aware negatives (tests/detect/negatives)")
		rep.append("")
		rep.append("%d messages; %d with findings; %d scan errors." % (len(neg), len(bad), len(err)))
		rep.append("")
		for name, fs in sorted(bad.items()):
			rep.append("- %s: %s" % (name, ", ".join(sorted(set(
				"%s (part %s)" % (f["rule"], f.get("part")) for f in fs)))))
			print("measure: negative %s yields %s" % (name, ", ".join(sorted(set(f["rule"] for f in fs)))),
			      file=sys.stderr)
		for name in err:
			rep.append("- %s: scan error" % name)
			print("measure: negative %s: scan error" % name, file=sys.stderr)
		if bad or err:
			ok = False
		rep.append("")
	if a.report:
		with open(a.report, "w", encoding="utf-8") as f:
			f.write("\n".join(rep).rstrip("\n") + "\n")
	if rows:
		print("measure: %d samples, recall %.2f%% (any rule %s)" % (
			n, recall, pct(sum(r["found_any"] for r in rows), n)))
		for c in sorted(set(r["carrier"] for r in rows)):
			g = [r for r in rows if r["carrier"] == c]
			print("measure:   %-18s %s" % (c, pct(sum(r["found"] for r in g), len(g))))
		if a.min_recall is not None and recall < a.min_recall:
			print("measure: FAIL: recall %.2f%% is below the threshold %.2f%%" % (recall, a.min_recall),
			      file=sys.stderr)
			for r in rows:
				if not r["found"]:
					print("measure:   missed %s rule=%s carrier=%s syntax=%s" % (
						r["file"], r["rule"], r["carrier"], r["syntax"]), file=sys.stderr)
			ok = False
	if mail:
		print("measure: mail corpus: %d of %d messages flagged" % (len(mail[1]), mail[0]))
	if peer is not None:
		mapped = [p for p in peer if p["mapped"] and not p["missing"]]
		print("measure: peer examples: %d of %d found" % (
			sum(p["found"] for p in mapped), sum(p["n"] for p in mapped)))
	return 0 if ok else 1


if __name__ == "__main__":
	sys.exit(main())
