#!/usr/bin/env python3
"""Would a learned combination of the scanner's cues beat its hand-set weights? An offline trial.

Usage:

    .build/release/vigil-bench-guard eval Tests/Fixtures/injection/dev.jsonl … --verdicts /tmp/verdicts.txt
    python3 scripts/cue-combination-trial.py /tmp/verdicts.txt \
        --judge redteam-15.jsonl --judge redteam-31.jsonl [--l2 0.001]

The scanner's verdict is the noisy-OR of the strongest weight of each feature it found, the weights set
by hand (`InjectionScanner`), and the classifier's probability when it reaches the floor. This trial
reads the full verdicts that `vigil-bench-guard eval --verdicts` writes (one line per record: corpus,
id, flag, score, then every finding as `feature@path=weight:excerpt`), takes for each record the
strongest weight of each cue (a cue found in decoded text counts apart from the same cue in the text
as written), fits a logistic regression over them on every corpus except the judges, and combines its
probability with the classifier's by noisy-OR, as the scanner does. For each judge it prints the best
detection at false positives of at most 1%, 2% and 3%, for the shipped score and for the learned one,
each over all its thresholds: the comparison is of the two curves, not of one operating point.

Records the scanner found nothing in score 0 either way. The judges must be corpora the classifier was
not fitted on, or its probability flatters both scores alike. Needs numpy.
"""

import argparse
import collections
import re
import sys

import numpy as np

FINDING = re.compile(r"(?:^|\| )([a-z][a-z0-9:-]*)@\$[^=\n]*?=([0-9.]+(?:e-?[0-9]+)?):")


def read(path):
    corpora = collections.defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            parts = line.rstrip("\n").split(" ", 4)
            if len(parts) < 4:
                sys.exit(f"{path}:{number}: not a verdict line (corpus id flag score [findings])")
            corpus, rid, score = parts[0], parts[1], float(parts[3])
            cues, classifier = {}, 0.0
            for m in FINDING.finditer(parts[4] if len(parts) > 4 else ""):
                name, weight = m.group(1), float(m.group(2))
                base = name.split(":")[-1]
                if base == "classifier":
                    classifier = max(classifier, weight)
                    continue
                key = base + (" (decoded)" if ":" in name else "")
                cues[key] = max(cues.get(key, 0.0), weight)
            corpora[corpus].append((not rid.startswith("ben-"), score, classifier, cues))
    return corpora


def matrix(records, index):
    x = np.zeros((len(records), len(index) + 1))
    for i, (_, _, _, cues) in enumerate(records):
        for key, weight in cues.items():
            if key in index:
                x[i, index[key]] = weight
        x[i, -1] = 1.0
    return x


def fit(x, y, l2, steps=3000, rate=2.0):
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        g = x.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0.0]
        w -= rate * g
    return w


def best(score, positive, ceiling):
    negatives = (~positive).sum()
    for t in np.unique(score[score > 0]):  # ascending: the first threshold under the ceiling detects most
        fp = ((score >= t) & ~positive).sum() / negatives
        if fp <= ceiling:
            return ((score >= t) & positive).sum() / positive.sum(), fp, t
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("verdicts")
    parser.add_argument("--judge", action="append", required=True, help="a corpus to judge on (not fitted on)")
    parser.add_argument("--l2", type=float, default=1e-3)
    args = parser.parse_args()
    corpora = read(args.verdicts)
    missing = [j for j in args.judge if j not in corpora]
    if missing:
        sys.exit(f"not in {args.verdicts}: {', '.join(missing)} (have {', '.join(sorted(corpora))})")
    train = [r for c, rs in corpora.items() if c not in args.judge for r in rs]
    names = sorted({k for r in train for k in r[3]})
    index = {n: i for i, n in enumerate(names)}
    x = matrix(train, index)
    y = np.array([r[0] for r in train], float)
    w = fit(x, y, args.l2)
    print(f"fitted on {len(train)} records of {len(corpora) - len(args.judge)} corpora, {len(names)} cues, L2 {args.l2}")
    for judge in args.judge:
        records = corpora[judge]
        positive = np.array([r[0] for r in records])
        xj = matrix(records, index)
        learned = np.where(xj[:, :-1].sum(1) > 0, 1 / (1 + np.exp(-(xj @ w))), 0.0)
        classifier = np.array([r[2] for r in records])
        scores = {
            "shipped": np.array([r[1] for r in records]),
            "learned": 1 - (1 - learned) * (1 - classifier),
        }
        print(judge)
        for name, score in scores.items():
            cells = []
            for ceiling in (0.01, 0.02, 0.03):
                b = best(score, positive, ceiling)
                cells.append(f"FP ≤ {ceiling:.0%}: {b[0]:.2%} at {b[1]:.2%} (≥ {b[2]:.2f})" if b else f"FP ≤ {ceiling:.0%}: —")
            print(f"  {name:8} " + "   ".join(cells))
    ranked = sorted(zip(w[:-1], names), reverse=True)
    print("heaviest cues: " + ", ".join(f"{n} {v:.2f}" for v, n in ranked[:8]))


if __name__ == "__main__":
    main()
