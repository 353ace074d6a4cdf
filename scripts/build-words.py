#!/usr/bin/env python3
"""Builds services/enricher/data/common-words.tsv: how often ordinary words are used, per
language, so the enricher can tell a capitalised ordinary word ("Central", "Seuls",
"Думаю", "Воля") from a name that is spelled like it.

    pip download --no-deps wordfreq==3.1.1 -d /tmp/w     # the only download
    python3 scripts/build-words.py /tmp/w/wordfreq-3.1.1-py3-none-any.whl [OUT]

Source: wordfreq 3.1.1 (PyPI; code Apache 2.0, word lists CC BY-SA 4.0: see
services/enricher/data/NOTICE), its "small" lists, which give each word's frequency in
centibels over subtitles, Wikipedia, news, books, web text and social media. wordfreq has
no Belarusian or Kazakh lists: those languages are not covered (the enricher then uses
no frequency for them). Chinese words are in simplified characters, as wordfreq keeps them.

Kept: words with a Zipf frequency (log10 of uses per billion words) of at least
MIN_ZIPF — about 15,000–27,000 words per language, the ones common enough to be
confused with a name at the start of a sentence or as a small place's name. The file
is plain text, read at start-up with no parsing library:

    lang <TAB> zipf×100 <TAB> word word word …

one line per language and frequency step (words lower case, as wordfreq has them).
"""

import gzip
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "services/enricher/data/common-words.tsv"
LANGUAGES = ["en", "ru", "uk", "de", "fr", "es", "zh"]
MIN_ZIPF = 3.5


def read_msgpack(data):
    """A minimal reader for the msgpack subset wordfreq's cBpack files use (arrays,
    maps, strings, small integers), so the build needs only the standard library."""
    buf = io.BytesIO(data)

    def read(n):
        return buf.read(n)

    def value():
        b = read(1)[0]
        if b <= 0x7F:
            return b
        if 0x80 <= b <= 0x8F:
            return {value(): value() for _ in range(b & 0x0F)}
        if 0x90 <= b <= 0x9F:
            return [value() for _ in range(b & 0x0F)]
        if 0xA0 <= b <= 0xBF:
            return read(b & 0x1F).decode("utf-8")
        if b == 0xC0:
            return None
        if b in (0xC2, 0xC3):
            return b == 0xC3
        if b == 0xCC:
            return read(1)[0]
        if b == 0xCD:
            return int.from_bytes(read(2), "big")
        if b == 0xCE:
            return int.from_bytes(read(4), "big")
        if b == 0xD9:
            return read(read(1)[0]).decode("utf-8")
        if b == 0xDA:
            return read(int.from_bytes(read(2), "big")).decode("utf-8")
        if b == 0xDB:
            return read(int.from_bytes(read(4), "big")).decode("utf-8")
        if b == 0xDC:
            return [value() for _ in range(int.from_bytes(read(2), "big"))]
        if b == 0xDD:
            return [value() for _ in range(int.from_bytes(read(4), "big"))]
        if b == 0xDE:
            n = int.from_bytes(read(2), "big")
            return {value(): value() for _ in range(n)}
        if b >= 0xE0:
            return b - 0x100
        raise ValueError(f"msgpack type {b:#x} not expected in a cBpack file")

    return value()


def main():
    wheel = zipfile.ZipFile(sys.argv[1])
    lines = []
    for lang in LANGUAGES:
        packed = read_msgpack(gzip.decompress(wheel.read(f"wordfreq/data/small_{lang}.msgpack.gz")))
        header, buckets = packed[0], packed[1:]
        assert header.get("format") == "cB", header
        kept = 0
        for centibels, words in enumerate(buckets):
            zipf = 9.0 - centibels / 100.0
            if zipf < MIN_ZIPF:
                break
            words = sorted(w for w in words if "\t" not in w and " " not in w)
            if words:
                lines.append(f"{lang}\t{round(zipf * 100)}\t{' '.join(words)}")
                kept += len(words)
        print(f"{lang}: {kept} words", file=sys.stderr)
    with OUT.open("w", encoding="utf-8") as out:
        out.write("# Built by scripts/build-words.py from wordfreq 3.1.1's small word lists\n")
        out.write("# (CC BY-SA 4.0). lang, Zipf frequency x 100, words of that frequency.\n")
        out.write("\n".join(lines) + "\n")
    print(f"{OUT}: {len(lines)} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
