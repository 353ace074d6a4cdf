"""Reads feeds with feedparser (Python's reference feed reader) and prints what it
understood as one JSON object per file, as the gofeed and Node readers do: the feed's
language and, per item, its id, published and updated instants (Unix seconds) and
language; `bozo` when feedparser found the document malformed.
Usage: python3 read.py FILE..."""
import calendar
import json
import sys

import feedparser


def seconds(parsed):
    return calendar.timegm(parsed) if parsed else None


for path in sys.argv[1:]:
    with open(path, "rb") as f:
        d = feedparser.parse(f.read())
    out = {"file": path, "version": d.get("version", ""), "language": d.feed.get("language") or "", "items": []}
    if d.bozo:
        out["error"] = repr(d.bozo_exception)
    for e in d.entries:
        language = e.get("language") or (e.get("title_detail") or {}).get("language")
        out["items"].append({
            "id": e.get("id"),
            "published": seconds(e.get("published_parsed")),
            "updated": seconds(e.get("updated_parsed")),
            "language": language or None,
        })
    print(json.dumps(out, ensure_ascii=False))
