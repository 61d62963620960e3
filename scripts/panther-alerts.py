#!/usr/bin/env python3
"""Turn Panther's detection-rule unit tests into a labelled benchmark for `vigil eval`.

Reads <repo>/../shared/data/panther-tests/*.jsonl (one Panther rule test per line, described in
../shared/data/README.md) and writes, in input order:
  alerts.jsonl  a generic v1 alert (docs/alert-format.md) per test case, the raw record its one event
  labels.jsonl  {"alert_id","label","rule_id","test_name"}: "malicious" if the rule should fire on the
                record (expected_result true), else "benign" (an alert that should be closed)
  events.jsonl  the raw records for `vigil ingest`, de-duplicated by content, `p_*` keys kept

Usage:
  python3 scripts/panther-alerts.py --out-dir /tmp/panther-out [--data DIR] [--log-types all] [--with-test-names]
  python3 scripts/panther-alerts.py --out-alerts a.jsonl --out-labels l.jsonl --out-events e.jsonl
  vigil ingest /tmp/panther-out/events.jsonl --db /tmp/p.db
  vigil eval --alerts /tmp/panther-out/alerts.jsonl --labels /tmp/panther-out/labels.jsonl --data /tmp/p.db

--log-types: comma list of Panther log types (default AWS.CloudTrail,Okta.SystemLog), or `all`.
The test name stays out of the alerts (names like "... (Should Not Alert)" give the label away);
labels.jsonl keeps it, and --with-test-names puts it in the alerts' context too. Same input, byte-identical output. Exit status 2 on unusable input.

Licence: the test cases come from panther-labs/panther-analysis under the Apache License 2.0
("Copyright 2023 Panther Labs, Inc.", ../shared/data/panther-tests/LICENSE.panther-analysis.txt).
The files written here are derived from that data, fall under that licence, and are not committed.
"""
import argparse, collections, datetime, glob, hashlib, json, os, re, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEVERITIES = {s: s for s in ("info", "low", "medium", "high", "critical")} | {"informational": "info"}
TIME_KEYS = {"AWS.CloudTrail": "eventTime", "Okta.SystemLog": "published", "GSuite.ActivityEvent": "id.time",
             "Crowdstrike.FDREvent": "timestamp", "Crowdstrike.EventStreams": "metadata.eventCreationTime",
             "AWS.GuardDuty": "createdAt"}
FALLBACK_TIME = "2024-01-01T00:00:00Z"
MITRE = re.compile(r"(TA\d{4}:)?T\d{4}(\.\d{3})?", re.A)  # as AttackReference parses them
TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)?", re.A)
UTC = datetime.timezone.utc
OUTS = ("alerts", "labels", "events")


def fail(message):
    print(f"panther-alerts: {message}", file=sys.stderr)
    sys.exit(2)


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def line_of(value):  # keeps key order and number spelling as read (these files round-trip byte for byte)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False) + "\n"


def rfc3339(value):
    """A record time as RFC 3339 UTC (milliseconds only when non-zero, as Vigil writes it), or None."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):  # epoch seconds or milliseconds
            t = datetime.datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
        elif m := TIME.fullmatch(value) if isinstance(value, str) else None:
            y, mo, d, h, mi, s, frac, zone = m.groups()  # no zone: UTC, as Vigil's own parser takes it
            tz = UTC if not zone or zone in "Zz" else datetime.timezone(
                (-1 if zone[0] == "-" else 1) * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
            t = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), min(int(s), 59),
                                  int((frac or "0")[:3].ljust(3, "0")) * 1000, tz).astimezone(UTC)
        else:
            return None
    except (OverflowError, OSError, ValueError):
        return None
    ms = t.microsecond // 1000
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{ms:03d}Z" if ms else "Z")


def created_at(log, log_type):
    for path in filter(None, (TIME_KEYS.get(log_type), "p_event_time")):  # vendor's time, then Panther's
        value = log
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if t := rfc3339(value):
            return t


def read_cases(path):
    cases = []
    with open(path, encoding="utf-8-sig") as f:
        for n, text in enumerate(f, 1):
            if not text.strip():
                continue
            try:
                case = json.loads(text)
            except json.JSONDecodeError as e:
                fail(f"{path} line {n}: not JSON ({e.msg} at column {e.colno})")
            if not isinstance(case, dict) or not all(k in case for k in ("rule_id", "test_name", "log")) \
                    or not isinstance(case.get("expected_result"), bool):
                fail(f"{path} line {n}: not a Panther test case (rule_id, test_name, log, bool expected_result)")
            cases.append(case)
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.relpath(os.path.join(REPO, "..", "shared", "data", "panther-tests")))
    ap.add_argument("--log-types", default="AWS.CloudTrail,Okta.SystemLog", help="comma list, or `all`")
    ap.add_argument("--with-test-names", action="store_true",
                    help="put the test name in the alerts' context (it often gives the label away)")
    ap.add_argument("--out-dir", help="write alerts.jsonl, labels.jsonl and events.jsonl here")
    for n in OUTS: ap.add_argument(f"--out-{n}", metavar="FILE")
    a = ap.parse_args()
    outs = {n: getattr(a, f"out_{n}") or (a.out_dir and os.path.join(a.out_dir, f"{n}.jsonl")) for n in OUTS}
    if not all(outs.values()):
        ap.error("give --out-dir, or all of --out-alerts, --out-labels and --out-events")
    selected = None if a.log_types.strip() == "all" else [t.strip() for t in a.log_types.split(",") if t.strip()]
    if not os.path.isdir(a.data) or not (files := sorted(glob.glob(os.path.join(a.data, "*.jsonl")))):
        fail(f"data directory {a.data!r} is missing or holds no *.jsonl files")

    out = {n: [] for n in OUTS}
    seen_events, read, mocked = set(), 0, 0
    seen_ids, per_type, per_label, skipped, unselected, fallback = (collections.Counter() for _ in range(6))
    for path in files:
        cases = read_cases(path)
        # The file's log type is the one every rule in it covers (README: one file per log type).
        common = set.intersection(*(set(c.get("log_types") or []) for c in cases)) if cases else set()
        file_type = common.pop() if len(common) == 1 else None
        for case in cases:
            read += 1
            if not isinstance(log := case["log"], dict):
                skipped["log is not a JSON object"] += 1
                continue
            p = log.get("p_log_type")
            if not (log_type := p if isinstance(p, str) and p else file_type):
                skipped[f"log type unknown ({os.path.basename(path)})"] += 1
                continue
            if selected is not None and log_type not in selected:
                unselected[log_type] += 1
                continue
            rule_id, test_name = str(case["rule_id"]).strip(), str(case["test_name"])
            if not (severity := SEVERITIES.get(str(case.get("severity")).strip().lower())) or not rule_id:
                skipped["empty rule_id" if not rule_id else f"unknown severity {case.get('severity')!r}"] += 1
                continue
            digest = hashlib.sha256(canonical([rule_id, test_name, log]).encode()).hexdigest()[:16]
            seen_ids[digest] += 1  # the same rule, test name and record again: "-2", "-3" keep ids unique
            alert_id = f"panther-{digest}" + (f"-{seen_ids[digest]}" if seen_ids[digest] > 1 else "")
            description, when = str(case.get("description") or "").strip(), created_at(log, log_type)
            alert = {"id": alert_id, "source": "panther-tests", "rule_id": rule_id,
                     "title": str(case.get("display_name") or "").strip() or rule_id, "severity": severity,
                     "created_at": when or FALLBACK_TIME, "log_type": log_type}
            if description:  # generic v1's own optional field (also in context, as the brief asked)
                alert["description"] = description
            alert["mitre"] = [m for m in case.get("mitre") or [] if isinstance(m, str) and MITRE.fullmatch(m)]
            alert["events"] = [log]
            alert["context"] = ({"panther_test": test_name} if a.with_test_names else {}) | {"description": description}
            label = "malicious" if case["expected_result"] else "benign"
            out["alerts"].append(line_of(alert))
            out["labels"].append(line_of({"alert_id": alert_id, "label": label, "rule_id": rule_id,
                                          "test_name": test_name}))
            per_type[log_type] += 1
            per_label[label] += 1
            mocked += bool(case.get("mocks"))
            fallback[log_type] += when is None
            if (key := canonical(log)) not in seen_events:
                seen_events.add(key)
                out["events"].append(line_of(log))

    for name, lines in out.items():
        os.makedirs(os.path.dirname(os.path.abspath(outs[name])), exist_ok=True)
        with open(outs[name], "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)
    types = dict.fromkeys(selected) if selected is not None else per_type  # a requested type with 0 alerts too
    say = lambda s: print(s, file=sys.stderr)
    say(f"{read} test cases read from {len(files)} files in {a.data}")
    say(f"{len(out['alerts'])} alerts -> {outs['alerts']}: " + ", ".join(f"{t} {per_type[t]}" for t in types))
    say(f"{per_label['malicious']} malicious, {per_label['benign']} benign -> {outs['labels']}"
        f" ({mocked} of them rely on Panther mocks that the records do not carry)")
    say(f"{len(out['events'])} distinct records -> {outs['events']}")
    say(f"{sum(fallback.values())} alerts have no parsable record time and use {FALLBACK_TIME}"
        + "".join(f", {t} {n}" for t, n in fallback.items() if n))
    say("not selected: " + (", ".join(f"{t} {n}" for t, n in unselected.items()) or "none"))
    say(f"{sum(skipped.values())} skipped" + "".join(f"\n  {n}: {why}" for why, n in skipped.items()))


if __name__ == "__main__":
    main()
