#!/usr/bin/env python3
"""Prepare CloudTrail records for `floor.c`: one row per record with the values `vigil ingest` stores.

    python3 scripts/ingest-floor/prepare.py CLOUDTRAIL.jsonl ROWS.bin [LIMIT]

Each output line holds, separated by \\x01: the event key, actor ARN, source IP, user agent, event
name, account, the raw record, every string of the record joined by spaces (what the event store's
full-text index receives today) and a reduced text (identity, address, agent, action, error and
request parameters: the fields an investigator searches). Standard library only.
"""
import json
import sys


def strings(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            strings(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            strings(item, out)


def clean(text):
    return str(text).replace("\x01", " ").replace("\n", " ")


def main():
    source, target = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    written = 0
    with open(source, encoding="utf-8") as f, open(target, "w", encoding="utf-8") as out:
        for line in f:
            if written >= limit:
                break
            record = json.loads(line)
            identity = record.get("userIdentity") or {}
            every = []
            strings(record, every)
            reduced = []
            strings([identity, record.get("sourceIPAddress"), record.get("userAgent"), record.get("eventName"),
                     record.get("errorCode"), record.get("errorMessage"), record.get("requestParameters")], reduced)
            fields = ["AWS.CloudTrail/" + str(record.get("eventID")), identity.get("arn", ""),
                      record.get("sourceIPAddress", ""), record.get("userAgent", ""), record.get("eventName", ""),
                      record.get("recipientAccountId", ""), line.strip(), " ".join(every), " ".join(reduced)]
            out.write("\x01".join(clean(x) for x in fields) + "\n")
            written += 1
    print("%d rows -> %s" % (written, target))


if __name__ == "__main__":
    main()
