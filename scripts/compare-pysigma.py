#!/usr/bin/env python3
"""Runs the same Sigma rules over the same CloudTrail events two ways, in one run, and prints both:

  1. pySigma (pysigma + pysigma-backend-sqlite from PyPI): rules converted to SQL, events flattened
     into a SQLite table `logs` (one column per dotted field), every query executed;
  2. `vigil detect` with the same rules over the same events file.

Usage: scripts/compare-pysigma.py EVENTS.jsonl RULES_DIR [VIGIL_BINARY]
Needs: pip install pysigma pysigma-backend-sqlite. Figures are recorded in BENCHMARKS.md.
"""
import json
import re
import sqlite3
import subprocess
import sys
import time

from sigma.backends.sqlite import sqliteBackend
from sigma.collection import SigmaCollection

events_path, rules_dir = sys.argv[1], sys.argv[2]
vigil = sys.argv[3] if len(sys.argv) > 3 else ".build/release/vigil"


def flatten(value, prefix="", out=None):
    out = {} if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{prefix}.{k}" if prefix else k, out)
    elif isinstance(value, list):
        out[prefix] = json.dumps(value)
    elif value is None:
        out[prefix] = None
    else:
        out[prefix] = value if isinstance(value, str) else json.dumps(value)
    return out


# pySigma: convert the rules to SQL.
start = time.perf_counter()
rules = SigmaCollection.load_ruleset([rules_dir])
queries = sqliteBackend().convert(rules)
convert_seconds = time.perf_counter() - start

# Load the events into SQLite (in memory), one column per field.
start = time.perf_counter()
rows = [flatten(json.loads(line)) for line in open(events_path) if line.strip()]
columns = sorted({k for r in rows for k in r})
db = sqlite3.connect(":memory:")
# The backend writes `field REGEXP 'pattern'`; SQLite leaves REGEXP to the application.
db.create_function("REGEXP", 2, lambda pattern, value: value is not None and re.search(pattern, value) is not None, deterministic=True)
db.execute("CREATE TABLE logs (" + ", ".join(f"`{c}`" for c in columns) + ")")
placeholders = ", ".join("?" for _ in columns)
db.executemany(
    f"INSERT INTO logs VALUES ({placeholders})", ([r.get(c) for c in columns] for r in rows))
db.commit()
load_seconds = time.perf_counter() - start

# Run every query; a column no event has is added (empty) so the query can run.
start = time.perf_counter()
matches = 0
for query in queries:
    while True:
        try:
            matches += len(db.execute(query).fetchall())
            break
        except sqlite3.OperationalError as error:
            missing = re.match(r"no such column: (.+)", str(error))
            if not missing:
                raise
            db.execute(f"ALTER TABLE logs ADD COLUMN `{missing.group(1).strip('`')}`")
query_seconds = time.perf_counter() - start

# Vigil on the same file with the same rules.
start = time.perf_counter()
result = subprocess.run([vigil, "detect", events_path, "--rules", rules_dir], capture_output=True, text=True)
vigil_seconds = time.perf_counter() - start
summary = [line for line in result.stderr.splitlines() if " matches, " in line]

n = len(rows)
print(f"events: {n} CloudTrail records; rules: {len(rules.rules)} Sigma rules")
print(f"pySigma + SQLite: convert {convert_seconds:.2f} s, load {load_seconds:.2f} s, queries {query_seconds:.2f} s, {matches} matching rows")
print(f"  queries alone: {n / query_seconds:,.0f} events/s; load + queries: {n / (load_seconds + query_seconds):,.0f} events/s")
print(f"vigil detect (read, parse, match, deduplicate, write alerts): {vigil_seconds:.2f} s, {n / vigil_seconds:,.0f} events/s; {summary[0] if summary else result.stderr.strip()}")
print(f"ratio, events/s of vigil detect over pySigma load + queries: {(load_seconds + query_seconds) / vigil_seconds:.1f}x")
