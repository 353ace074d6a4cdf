#!/usr/bin/env python3
"""Builds services/enricher/data/given-names-faker.txt: given names of the countries whose
people our copy names, so that a new person's name is found by its first word
("Julián Álvarez marcó", "le ministre Hadja Lahbib") where the hand-written
given-names.txt has no entry.

    pip download --no-deps faker==40.54.0 -d /tmp/w     # the only download
    python3 scripts/build-given-names.py /tmp/w/faker-40.54.0-py3-none-any.whl [OUT]

Source: Faker 40.54.0 (PyPI, MIT licence: see services/enricher/data/NOTICE), the
`first_names*` lists of its person providers for the locales in LOCALES. Its modules are
read as Python syntax (ast), never imported, so the build needs only the standard
library.

Left out, so that a given name marks a person and nothing else:
- names that are not one word of Latin or Cyrillic letters, or are shorter than three;
- names that are ordinary words (Zipf ≥ MAX_ZIPF in any language of
  data/common-words.tsv: Will, Grace, Hope, Вера, Надежда, Любовь; ≥ MAX_ZIPF_ELSEWHERE
  in another language than the name's: Вино, Tenis; a few English words in WORDS): a
  capital says little about those at a sentence's start or in German;
- names of countries, continents, regions, capitals and towns of POPULOUS people or more
  in data/places.tsv (Jordan, Georgia, Sydney, Florence, Austin), and every name in
  data/entities.tsv (Mercedes): the gazetteer knows those as what they are;
- names already in the hand-written given-names.txt.
"""

import ast
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "services/enricher/data"
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else DATA / "given-names-faker.txt"

# Locales of the people in our news: our nine languages' countries, their neighbours,
# and the countries agency copy names most.
LOCALES = [
    "en_US", "en_GB", "en_IE", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "es_ES",
    "es_MX", "es_AR", "es_CO", "es_CL", "it_IT", "pt_PT", "pt_BR", "nl_NL", "nl_BE",
    "pl_PL", "cs_CZ", "sk_SK", "sl_SI", "hr_HR", "ro_RO", "hu_HU", "lt_LT", "lv_LV",
    "et_EE", "fi_FI", "sv_SE", "no_NO", "da_DK", "tr_TR", "az_AZ", "uz_UZ", "ru_RU",
    "uk_UA",
]
# A name used as an ordinary word this often in any language is left out…
MAX_ZIPF = 4.5
# … and from this frequency when it is a word of another language than the name's own,
# used there clearly more than in the name's language (Tenis, Server): a name is common
# in its own language's text because it is a popular name (Julián), about as common in
# every language when it is an international one (Isaac), and more common in another
# language when it is a word there.
MAX_ZIPF_ELSEWHERE = 3.5
# Words Faker's lists have as rare given names that our copy writes as something else:
# ordinary words, a club or district (Chelsea), part of a country's name (Sierra Leone,
# Trinidad and Tobago), a name that is mostly a surname or a city's (Lenin).
WORDS = {
    "autumn", "chase", "crystal", "darling", "dawn", "destiny", "diamond", "hunter",
    "junior", "miracle", "royal", "summer", "sunny", "justice", "harmony", "heaven",
    "honor", "journey", "liberty", "precious", "rain", "river", "sky", "story", "unique",
    "welcome", "general", "major", "king", "prince", "princess", "queen", "baby", "lenin",
    "ленин", "chelsea", "sierra", "trinidad", "pastor", "che", "gala", "peer", "cal", "alba",
    "coral", "neo", "eden", "ale", "til", "спас", "tenis", "server", "valid", "nazi",
}
POPULOUS = 50_000


def fold(word):
    return word.casefold().replace("ё", "е")


def first_names(source):
    """Every string in the module's `first_names*` assignments (tuples, lists, dicts of
    weights, or OrderedDict(...) of pairs)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not (isinstance(target, ast.Name) and target.id.startswith("first_names")):
            continue
        if isinstance(value, ast.Call) and value.args:
            value = value.args[0]
        try:
            literal = ast.literal_eval(value)
        except ValueError:
            continue  # `first_names_male + first_names_female`: its parts are read too
        items = literal.keys() if isinstance(literal, dict) else literal
        for item in items:
            if isinstance(item, tuple):
                item = item[0]
            if isinstance(item, str):
                names.append(item.strip())
    return names


def latin_or_cyrillic_word(name):
    if len(name) < 3 or not name[0].isupper():
        return False
    for c in name:
        if c in "-'’":
            continue
        if not c.isalpha():
            return False
        script = unicodedata.name(c, "").split(" ")[0]
        if script not in ("LATIN", "CYRILLIC"):
            return False
    return True


def common_words():
    """language -> {word: Zipf}."""
    words = {}
    for line in (DATA / "common-words.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        language, zipf, ws = line.split("\t", 2)
        for w in ws.split(" "):
            words.setdefault(language, {}).setdefault(w, int(zipf) / 100)
    return words


def ordinary(folded, locale, common):
    """The name is an ordinary word: very common anywhere, or common in another language."""
    own = locale.split("_")[0]
    own_zipf = common.get(own, {}).get(folded, 0.0)
    for language, words in common.items():
        zipf = words.get(folded, 0.0)
        # An international name (Isaac) is about as common in every language.
        elsewhere = language != own and zipf >= max(MAX_ZIPF_ELSEWHERE, own_zipf + 0.5)
        if zipf >= MAX_ZIPF or elsewhere:
            return True
    return folded in WORDS


def known_names():
    """Folded names of places of some size and of everything in the curated list."""
    names = set()
    for line in (DATA / "places.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        _, kind, _, population, forms = line.split("\t")
        if kind == "city" and float(population or 0) < POPULOUS:
            continue
        names.update(fold(f.split("=", 1)[-1]) for f in forms.split("|"))
    for line in (DATA / "entities.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        forms = line.split("\t")[2]
        for f in forms.split("|"):
            names.update(fold(w) for w in f.split("=", 1)[-1].split())
    return names


def main():
    wheel = zipfile.ZipFile(sys.argv[1])
    hand = {
        fold(w)
        for line in (DATA / "given-names.txt").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for w in line.split()
    }
    common, known = common_words(), known_names()
    kept = set()
    for locale in LOCALES:
        source = wheel.read(f"faker/providers/person/{locale}/__init__.py").decode("utf-8")
        for name in first_names(source):
            f = fold(name)
            if (
                latin_or_cyrillic_word(name)
                and f not in hand
                and f not in known
                and not ordinary(f, locale, common)
            ):
                kept.add(name)
    names = sorted(kept, key=lambda n: (fold(n), n))
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# Built by scripts/build-given-names.py from Faker 40.54.0's first names (MIT)\n")
        out.write("# for " + " ".join(LOCALES) + ";\n")
        out.write("# ordinary words, places and curated names left out. One per line.\n")
        out.write("\n".join(names) + "\n")
    print(f"{len(names)} given names -> {OUT}")


if __name__ == "__main__":
    main()
