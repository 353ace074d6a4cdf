#!/usr/bin/env python3
"""Builds services/enricher/data/hanzi.tsv: traditional Chinese characters and their
simplified forms, so the enricher reads traditional copy (託卡耶夫, 哈薩克斯坦) with the
names it knows in simplified characters, and writes a traditional story's names in
traditional characters.

    python3 -m venv /tmp/cc && /tmp/cc/bin/pip install opencc==1.4.2   # the only download
    /tmp/cc/bin/python scripts/build-hanzi.py [OUT]

Source: OpenCC 1.4.2 (PyPI; Apache 2.0, see services/enricher/data/NOTICE), its
character conversions `t2s` (traditional → simplified) and `s2t` (simplified →
traditional, OpenCC's first choice where one simplified character stands for several
traditional ones: 发 → 發, not 髮). Every character of the CJK Unified Ideographs block
and extension A is converted alone; pairs whose forms differ in UTF-8 length (a few
simplified forms are outside the Basic Multilingual Plane) are left out, because the
enricher folds text without moving byte offsets.

One line per traditional character: `traditional <TAB> simplified <TAB> s2t`, where
s2t is 1 when OpenCC converts the simplified character back to this one.
"""

import sys
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "services/enricher/data/hanzi.tsv"
BLOCKS = [range(0x3400, 0x4DC0), range(0x4E00, 0xA000)]


def main():
    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    rows = []
    for block in BLOCKS:
        for cp in block:
            trad = chr(cp)
            simp = t2s.convert(trad)
            if len(simp) != 1 or simp == trad or len(simp.encode()) != len(trad.encode()):
                continue
            rows.append((trad, simp, int(s2t.convert(simp) == trad)))
    with OUT.open("w", encoding="utf-8") as out:
        out.write("# Built by scripts/build-hanzi.py from OpenCC 1.4.2 (Apache 2.0): traditional,\n")
        out.write("# simplified, and 1 where OpenCC's s2t turns the simplified one into this one.\n")
        for trad, simp, back in rows:
            out.write(f"{trad}\t{simp}\t{back}\n")
    print(f"{OUT}: {len(rows)} characters", file=sys.stderr)


if __name__ == "__main__":
    main()
