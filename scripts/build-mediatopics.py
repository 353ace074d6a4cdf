#!/usr/bin/env python3
"""Builds services/enricher/data/mediatopics.tsv from IPTC's Media Topics export.

    python3 scripts/build-mediatopics.py [XLSX] [OUT]

XLSX defaults to ../shared/vocab/iptc-mediatopics/IPTC-MediaTopic-NewsCodes-mappings.xlsx,
OUT to services/enricher/data/mediatopics.tsv. Standard library only: an .xlsx file is a
zip of XML parts (shared strings + one sheet). One line per concept, depth first as IPTC
orders them: code, parent code, level (1-6), retired date, Wikidata id, then the names in
en, de, fr, es, ar and zh (IPTC publishes no ru, be, uk or kk names). Definitions are left
out to keep the file small. The Media Topics are IPTC's, under CC BY 4.0 (see NOTICE).
"""

import sys
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
XLSX = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/vocab/iptc-mediatopics/IPTC-MediaTopic-NewsCodes-mappings.xlsx"
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "services/enricher/data/mediatopics.tsv"
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# Column letters of the header row the export has (row 2).
LEVELS = ["C", "D", "E", "F", "G", "H"]
NAMES = [("en", "P"), ("de", "L"), ("fr", "V"), ("es", "T"), ("ar", "J"), ("zh", "AH")]


def column(ref):
    return "".join(ch for ch in ref if ch.isalpha())


def main():
    book = zipfile.ZipFile(XLSX)
    strings = [
        "".join(t.text or "" for t in si.iter(M + "t"))
        for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall(M + "si")
    ]
    sheet = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = sheet.find(M + "sheetData").findall(M + "row")

    def cells(row):
        out = {}
        for c in row.findall(M + "c"):
            v = c.find(M + "v")
            if v is not None:
                text = strings[int(v.text)] if c.get("t") == "s" else v.text
            else:
                inline = c.find(M + "is")
                text = "".join(t.text or "" for t in inline.iter(M + "t")) if inline is not None else ""
            out[column(c.get("r"))] = " ".join(text.split())
        return out

    header = cells(rows[1])
    assert header.get("B") == "NewsCode-QCode (flat)", "unexpected export layout"
    assert header.get("P") == "Name (en-GB)" and header.get("AK") == "Wikidata mapping", "unexpected export layout"
    lines = ["# IPTC Media Topics (CC BY 4.0, IPTC), built by scripts/build-mediatopics.py",
             "# code\tparent\tlevel\tretired\twikidata\t" + "\t".join(lang for lang, _ in NAMES)]
    path = [None] * 6
    for row in rows[2:]:
        c = cells(row)
        code = c.get("B", "")
        if not code.startswith("medtop:"):
            continue
        level = next(i + 1 for i, col in enumerate(LEVELS) if c.get(col))
        path[level - 1] = code
        parent = path[level - 2] if level > 1 else ""
        wikidata = c.get("AK", "").rstrip("/").rsplit("/", 1)[-1] if c.get("AK") else ""
        retired = c.get("I", "")
        names = [c.get(col, "").replace("\t", " ") for _, col in NAMES]
        lines.append("\t".join([code, parent, str(level), retired, wikidata] + names))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 2} concepts written to {OUT}")


if __name__ == "__main__":
    main()
