//! The words the name finder reads around names, in the languages we publish: offices
//! before a person, words of saying after one, the kinds and head words of
//! organisations and places. Kept apart from the rules that use them so the lists can
//! grow without the rules changing. Lower case, as matched against folded text.

/// Offices and forms of address that come right before a person's name (folded; a
/// word ending in one of these also counts: `außenminister`, `госсекретарь`).
#[rustfmt::skip]
pub const OFFICES: &[&str] = &[
    // en
    "president", "minister", "secretary", "secretary-general", "chairman", "chairwoman",
    "chair", "speaker", "ambassador", "governor", "mayor", "director", "director-general",
    "ceo", "chancellor", "spokesman", "spokeswoman", "spokesperson", "commissioner", "coach",
    "general", "senator", "king", "queen", "prince", "premier", "envoy", "head", "leader",
    "deputy", "judge", "prosecutor", "professor", "dr", "mr", "mrs", "ms", "striker",
    "midfielder", "goalkeeper", "captain", "manager", "economist", "analyst", "ceo", "founder",
    "chief", "executive", "officer", "minister-counsellor", "patriarch", "pope", "rector",
    "spokesman", "correspondent", "colonel", "lieutenant", "adviser", "advisor",
    "journalist", "reporter", "activist", "blogger", "lawyer", "titular", "conseller",
    // ru / be / uk
    "президент", "министр", "міністр", "премьер-министр", "прем'єр-міністр", "прэм'ер-міністр",
    "госсекретарь", "секретарь", "сакратар", "секретар", "председатель", "старшыня", "голова",
    "спикер", "посол", "губернатор", "мэр", "глава", "кіраўнік", "директор", "дырэктар",
    "генсек", "генеральный", "заместитель", "намеснік", "заступник", "вице-премьер",
    "представитель", "прадстаўнік", "речник", "тренер", "трэнер", "нападающий", "капитан",
    "помощник", "советник", "руководитель", "патриарх", "аким", "депутат", "дэпутат",
    "прокурор", "судья", "профессор", "академик", "ректор", "канцлер", "премьер", "прем'єр",
    // kk (the office comes after the country, before the name)
    "президенті", "министрі", "төрағасы", "әкімі", "басшысы", "хатшысы", "елшісі",
    // de / fr / es
    "präsident", "präsidentin", "ministerin", "kanzler", "kanzlerin", "bundeskanzler",
    "sprecher", "sprecherin", "bürgermeister", "bürgermeisterin", "chef", "chefin",
    "vorsitzende", "vorsitzender", "trainer", "botschafter", "président", "présidente",
    "ministre", "porte-parole", "maire", "directeur", "directrice", "ambassadeur", "entraîneur",
    "secrétaire", "chef", "presidente", "ministro", "ministra", "portavoz", "alcalde",
    "alcaldesa", "director", "directora", "embajador", "entrenador", "secretario", "secretaria",
    "canciller", "rey", "reina", "roi", "reine", "counterpart", "consejero", "consejera",
    "conseiller", "conseillère", "коллега", "коллегой", "коллеге", "коллеги", "калега",
    "колега", "колегою", "homologue", "homólogo", "amtskollege", "amtskollegin", "bahnchef",
    "послу", "посла", "послом", "паслу", "пасла", "послові",
    "konzernchef", "vorstandschef",
];

/// Words that report speech or action right after a name ("Kylian Mbappé said",
/// "Jane Doe told reporters"): two or three unknown capitalised words before one are a
/// person.
#[rustfmt::skip]
pub const SAID: &[&str] = &[
    "said", "says", "told", "added", "stressed", "noted", "announced", "explained", "warned",
    "sagte", "erklärte", "betonte", "kündigte", "sagt", "dijo", "afirmó", "explicó", "declaró",
    "señaló", "destacó", "marcó", "anunció", "lamentó", "aseguró", "indicó", "añadió",
    "subrayó", "precisó", "insistió", "admitió", "reconoció", "advirtió", "afirma", "déclare",
    "estime", "souligne", "explique", "reconnaît", "warnte", "betont", "erklärt", "заявил", "заявила", "сказал", "сказала",
    "отметил", "отметила", "сообщил", "сообщила", "подчеркнул", "подчеркнула", "заявіў",
    "заявіла", "сказаў", "адзначыў", "паведаміў", "заявив", "сказав", "зазначив", "повідомив",
    "повідомила", "деді", "мәлімдеді",
];

/// Capitalised words that are not names however they are written.
#[rustfmt::skip]
pub const NEVER_NAMES: &[&str] = &[
    "the", "a", "an", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag", "januar", "februar", "märz", "juni", "juli", "oktober", "dezember",
    "im", "am", "der", "die", "das", "den", "dem", "ein", "eine", "er", "sie", "es", "wir",
    "in", "on", "at", "he", "she", "it", "we", "they", "this", "that", "but", "и", "в", "на",
    "по", "с", "у", "а", "но", "і", "та", "le", "la", "les", "un", "une", "el", "los", "las",
    "una", "en", "et", "y", "al", "du", "des",
];

/// Nouns that say what kind of organisation the name beside them is ("the carmaker
/// Volkswagen", "das Unternehmen Svevind", "le groupe Orano", "компания Газпром").
#[rustfmt::skip]
pub const ORG_KINDS_BEFORE: &[&str] = &[
    "company", "carmaker", "firm", "group", "operator", "airline", "newspaper", "broadcaster",
    "retailer", "lender", "insurer", "miner", "producer", "maker", "unternehmen", "konzern",
    "verband", "gewerkschaft", "firma", "verein", "zeitung", "sender", "autobauer",
    "hersteller", "fahrgastverband", "groupe", "société", "entreprise", "syndicat", "syndicats",
    "compagnie", "journal", "empresa", "compañía", "grupo", "sindicato", "sindicatos", "diario",
    "periódico", "компания", "компании", "концерн", "концерна", "холдинг", "холдинга",
    "компанія", "компанії", "кампанія", "кампаніі",
];

/// Company forms (`Aktau Grain Terminal LLP`, `ТОО «…»`, `ААТ «Мостабуд»`): they make the
/// capitalised words before them a company's name, and are never a name on their own.
#[rustfmt::skip]
pub const LEGAL_FORMS: &[&str] = &[
    "llp", "llc", "ltd", "inc", "plc", "gmbh", "ag", "jsc", "pjsc", "ojsc", "cjsc", "тоо",
    "ао", "ооо", "оао", "пао", "зао", "аат", "таа", "зат", "прат", "тов", "пат", "ат", "жшс",
    "ақ", "ип",
];

/// … and after it ("the IG Metall union", "the Great Stone industrial park").
#[rustfmt::skip]
pub const ORG_KINDS_AFTER: &[&str] = &[
    "union", "group", "company", "carmaker", "airline", "bank",
];

#[rustfmt::skip]
pub const PLACE_KINDS_AFTER: &[&str] = &[
    "park", "valley", "region", "province", "district", "river", "oblast", "county",
    "prefecture", "governorate", "raion", "rayon", "municipality",
];

/// Kinds of administrative unit, written as part of the unit's name ("Kharkiv region",
/// "la région de Karaganda", "la provincia de Almería").
#[rustfmt::skip]
pub const ADMINISTRATIVE_KINDS: &[&str] = &[
    "region", "province", "district", "oblast", "county", "prefecture", "governorate",
    "raion", "rayon", "municipality", "région", "región", "provincia", "comarca",
    "département", "departamento",
];

/// Lower-case words that come before a place's name ("реке Нарын", "palais de
/// l'Élysée", "estadio Santiago Bernabéu", "comarca de la Ribera").
#[rustfmt::skip]
pub const PLACE_KINDS_BEFORE: &[&str] = &[
    "palais", "stade", "rue", "région", "estadio", "comarca", "provincia", "región", "río",
    "aéroport", "aeropuerto", "lago", "lac", "estrecho", "détroit", "isla", "île", "gemeinde",
    "département", "departamento", "province",
    "palacio", "plaza", "calle", "река", "реке", "реки", "рекой", "рака", "рацэ", "річка",
    "річці", "озеро", "озере", "город", "городе", "селе", "посёлке", "поселке", "горад",
    "горадзе", "місто", "місті", "city", "river", "lake", "town", "village",
];

/// Upper-case words that are not organisations (GDP, VAT, hydro plant in Russian …).
#[rustfmt::skip]
pub const NOT_ACRONYM_NAMES: &[&str] = &[
    "GDP", "VAT", "CEO", "CFO", "USD", "EUR", "LNG", "AI", "IT", "TV", "OK", "PM", "AM",
    "COVID", "UTC", "GMT", "KM", "MW", "GW", "NB", "PS", "PPP", "ID", "PR", "HIV", "AIDS",
    "ВВП", "ГЭС", "АЭС", "ТЭЦ", "НДС", "СМИ", "КМ", "ДТП", "ЧП", "ІТ", "ВПК", "ЖКХ", "ОАО",
    "ЗАО", "ООО", "ПАО", "АО", "ТОО", "ЕС", "ЗМІ", "ПДВ", "ОПК", "BIP", "MWST", "PIB", "TVA",
    "IVA", "SA", "AG", "GMBH", "LTD", "PLC", "INC", "CO", "EU", "UE", "UN", "ONU", "FC",
    "ГЭС-1", "US", "UK", "АЕС",
];

/// What a sports club's name starts with before its town or name ("SC Freiburg", "AS
/// Roma", "PSV Eindhoven"), written as the clubs write it.
#[rustfmt::skip]
pub const CLUB_PREFIXES: &[&str] = &[
    "FC", "SC", "SV", "VfB", "VfL", "TSG", "TSV", "AC", "AS", "SSC", "RC", "RCD", "CF", "CD",
    "UD", "SD", "OGC", "PSV", "FK", "NK", "HNK", "GNK", "SK", "AIK", "IFK", "KRC", "ФК",
    "ХК", "СК", "ПФК",
];

/// Words joining the parts of a title or an organisation's name.
#[rustfmt::skip]
pub const CONNECTORS: &[&str] = &[
    "of", "the", "for", "and", "de", "del", "la", "las", "los", "des", "du", "d", "l", "für",
    "der", "die", "des", "und", "y", "et", "и", "і", "та", "по", "при", "о", "аб", "про",
    "zu", "e",
];

/// Words an organisation's name is built around (folded; Cyrillic ones as stems).
#[rustfmt::skip]
pub const ORG_HEADS: &[&str] = &[
    "ministry", "council", "committee", "organization", "organisation", "bank", "agency",
    // the heads above in every language we read, as "chamber" and "service" were
    "directorate", "secretariat", "inspectorate", "cámara", "chambre", "kammer",
    "handelskammer", "servicio", "congrès", "congreso", "aduana", "douane",
    "company", "corporation", "association", "party", "parliament", "assembly", "commission",
    "fund", "institute", "university", "court", "service", "forum", "group", "authority",
    "administration", "department", "police", "army", "railways", "airlines", "academy",
    "chamber", "senate", "congress", "foundation", "inc", "ltd", "plc", "gmbh", "federation",
    "league", "club", "union", "office", "bureau", "board", "guard", "navy", "ministerium",
    "bundesrat", "kommission", "partei", "verband", "gesellschaft", "institut", "universität",
    "gericht", "amt", "behörde", "konzern", "werke", "ministère", "conseil", "banque", "parti",
    "assemblée", "comité", "agence", "société", "fondation", "université", "tribunal", "cour",
    "ministerio", "consejo", "comisión", "banco", "partido", "asamblea", "agencia", "sociedad",
    "fundación", "universidad", "senado", "sénat", "secretaría", "generalitat", "junta",
    "diputación", "ayuntamiento", "confederación", "régie", "mairie", "préfecture", "bundesamt",
    "bolsa", "bourse", "börse", "сили", "силы", "сілы",
    "landtag", "verein", "secretariat",
];

#[rustfmt::skip]
pub const ORG_STEMS_CYRILLIC: &[&str] = &[
    "министерств", "міністэрств", "міністерств", "совет", "савет", "рад", "комитет", "камітэт",
    "комітет", "банк", "парти", "партыі", "агентств", "агенцтв", "агенці", "компани", "кампані",
    "університет", "университет", "універсітэт", "академи", "акадэмі", "ассоциаци", "асацыяцы",
    "корпораци", "карпарацы", "фонд", "служб", "палат", "суд", "организаци", "арганізацы",
    "організаці", "федераци", "комисси", "камісі", "комісі", "министрлігі", "комитеті", "банкі",
    "завод", "комбинат", "камбінат", "фабрик", "офіс", "офис", "аппарат", "апарат",
    "администраци", "адміністраці", "аблвыканкам", "облисполком", "облвиконком", "исполком",
    "выканкам", "виконком", "инспекци", "інспекцы", "інспекці", "концерн", "холдинг",
    "объединени", "аб'яднанн", "об'єднанн", "ассамбле", "асамбле", "парламент", "сенат", "бюро",
    "институт", "інстытут", "інститут", "госкомитет", "ұйым", "қоры", "компаниясы",
    "кабинет", "кабінет", "федэрацы", "райвыканкам", "гарвыканкам", "райвиконком",
    "міськвиконком", "райисполком", "горисполком",
];

/// Words a named place is built around.
#[rustfmt::skip]
pub const PLACE_HEADS: &[&str] = &[
    "palace", "parc", "square", "stadium", "arena", "airport", "station", "bridge", "cathedral",
    "region", "oblast", "district", "province", "river", "lake", "sea", "ocean", "mountains",
    "island", "islands", "valley", "street", "avenue", "gulf", "strait", "peninsula", "desert",
    "canal", "palast", "platz", "flughafen", "bahnhof", "stadion", "palais", "place",
    "aéroport", "gare", "palacio", "plaza", "aeropuerto", "estación", "estadio", "estrecho",
    "détroit", "golfo", "golfe", "bahía", "isla", "islas", "île", "îles", "lago",
];

#[rustfmt::skip]
pub const PLACE_STEMS_CYRILLIC: &[&str] = &[
    "област", "вобласц", "район", "раён", "край", "округ", "дворц", "дворец", "палац", "площад",
    "плошч", "аэропорт", "аэрапорт", "аеропорт", "вокзал", "стадион", "стадыён", "озер",
    "возер", "рек", "рак", "облыс", "ауданы", "амфітэатр", "амфитеатр", "сквер", "громад",
    "долин", "даліна",
];

/// Compass points a region's name may begin with (Kazakh, in both alphabets).
#[rustfmt::skip]
pub const COMPASS_POINTS: &[&str] = &[
    "солтүстік", "оңтүстік", "батыс", "шығыс", "soltústik", "ońtústik", "batys", "shyǵys",
    "soltüstık", "oñtüstık", "şyğys",
];

/// Plural kinds a list of places follows ("у вёсках Дабраслаўка, Лемяшэвічы і Моладава").
#[rustfmt::skip]
pub const PLACES_KINDS: &[&str] = &[
    "вёсках", "вёскі", "деревнях", "селах", "сёлах", "селам", "городах", "гарадах", "містах",
    "селищах", "ауылдары", "villages", "towns", "pueblos", "localidades", "villes",
    "communes", "dörfern", "gemeinden",
];

/// Kinds of work whose titles are quoted: a quoted name beside one is not an
/// organisation («Абай» операсы, фильм «…»).
#[rustfmt::skip]
pub const WORK_KINDS: &[&str] = &[
    "опера", "оперы", "оперу", "операсы", "операсын", "операсының", "фильм", "фильма", "фільм",
    "фільма", "кітап", "кітабы", "книга", "книги", "кніга", "кнігі", "роман", "романа",
    "спектакль", "спектакля", "песня", "песни", "пісня", "песню", "программа", "программы",
    "программе", "програма", "праграма", "праграмы", "проект", "проекта", "проєкт", "праект",
    "операция", "операции", "аперацыя", "операція", "фестиваль", "фестиваля", "фэстываль",
    "форум", "форума", "конкурс", "конкурса", "акция", "акции", "премия", "премии",
    "кампания", "кампании", "балет", "балета", "выставка", "выставки", "серыял", "сериал",
];

/// Words for "and" in Kazakh (`және`, `мен`; `jáne`, `men`).
#[rustfmt::skip]
pub const CONNECTORS_KAZAKH: &[&str] = &["және", "мен", "jáne", "jane", "men", "jäne"];

/// Offices in Kazakh Latin copy (`oblys ákimi`, `mınıstri`, `orynbasary`).
#[rustfmt::skip]
pub const OFFICES_KAZAKH_LATIN: &[&str] = &[
    "ákimi", "akimi", "mınıstri", "ministri", "prezıdenti", "prezidenti", "tóraǵasy",
    "basshysy", "orynbasary", "elshisi", "hatshysy", "dırektory", "direktory", "äkımı",
    "orynbasary", "минстрі",
];

/// Words of saying in Kazakh Latin copy.
#[rustfmt::skip]
pub const SAID_KAZAKH_LATIN: &[&str] = &["dedi", "aıtty", "aitty", "habarlady", "айтты"];

/// Kazakh place heads (stem, endings): `облыс` + `ы`, `ының`, `ында` …
#[rustfmt::skip]
pub const KAZAKH_PLACE_HEADS: &[(&str, &[&str])] = &[
    ("облыс", &["ы", "ының", "ында", "ындағы", "ына", "ынан", "ымен"]),
    ("аудан", &["ы", "ының", "ында", "ындағы", "ына", "ынан", "дары", "дарының", "дарында", "дарындағы"]),
    ("қала", &["сы", "сының", "сында", "сындағы", "сына", "сынан"]),
    ("ауыл", &["ы", "ының", "ында", "ындағы", "ына"]),
    ("тау", &["лары", "ларының", "ларында", "ларындағы"]),
    ("көл", &["і", "інің", "інде"]),
    ("өзен", &["і", "інің", "інде"]),
    ("пункт", &["і", "інің", "інде"]),
];

/// Kazakh organisation heads (stem, endings): `министрлі` + `гі`, `гінің` …
#[rustfmt::skip]
pub const KAZAKH_ORG_HEADS: &[(&str, &[&str])] = &[
    ("министрлі", &["гі", "гінің", "гіне", "гінде", "гімен", "гінен"]),
    ("комитет", &["і", "інің", "іне", "інде", "імен", "інен"]),
    ("агенттігі", &["", "нің", "не", "нде", "мен"]),
    ("басқарма", &["сы", "сының", "сына", "сында"]),
];

/// Plural heads of places, after a coordination ("Kóksý jáne Eskeldi aýdandarynyń").
#[rustfmt::skip]
pub const PLURAL_PLACE_HEADS: &[&str] = &[
    "аудандары", "аудандарының", "аудандарында", "облыстары", "облыстарының", "aýdandary",
    "aýdandarynyń", "aýdandarynda", "oblystary", "oblystarynyń", "aidandary", "районах",
    "районов", "районы", "районів", "областях", "областей", "областей", "абласцях",
    "раёнах", "раёнаў", "regions", "districts", "provinces",
];
