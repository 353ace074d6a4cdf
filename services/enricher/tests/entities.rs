//! Entities as an editor routing stories would check them: the seed BelTA report
//! (scraped page, navigation included), inflected and declined names, one entity per
//! referent, names no list has, acronyms, offsets, salience and the dateline's id.

use newswire_enricher::enrich;
use newswire_shared::article::{Entity, EntityType};
use newswire_shared::testing::conformance_dir;
use newswire_shared::Article;

fn article(language: &str, headline: &str, paragraphs: &[&str]) -> Article {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    serde_json::from_value(serde_json::json!({
        "id": "t", "version": 1, "status": "usable", "headline": headline, "body": body,
        "language": language,
        "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z"
    }))
    .unwrap()
}

fn entities(a: Article) -> Vec<Entity> {
    enrich(a).enrichment.unwrap().entities
}

fn names(found: &[Entity], t: EntityType) -> Vec<String> {
    let mut n: Vec<String> = found
        .iter()
        .filter(|e| e.entity_type == t)
        .map(|e| e.name.clone())
        .collect();
    n.sort();
    n
}

/// The seed page as scraped: navigation, the story, "Follow us on" and the footer.
fn seed_article() -> Option<Article> {
    let dir = conformance_dir()?.join("../seed");
    let file = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with(".txt"))?;
    let text = std::fs::read_to_string(file.path()).ok()?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let headline = "Lukashenko attends CSTO summit in Astana";
    let paragraphs: Vec<String> = lines
        .iter()
        .map(|l| l.replace('&', "&amp;").replace('<', "&lt;"))
        .collect();
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    Some(article("en", headline, &refs))
}

#[test]
fn the_seed_report_gives_its_people_organisations_and_places_and_nothing_from_the_page() {
    let Some(seed) = seed_article() else { return };
    let enriched = enrich(seed);
    let e = enriched.enrichment.as_ref().unwrap();
    let found = &e.entities;
    let people = names(found, EntityType::Person);
    for p in [
        "Aleksandr Lukashenko",
        "Kassym-Jomart Tokayev",
        "Nikol Pashinyan",
        "Aleksandr Volfovich",
        "Maksim Ryzhenkov",
    ] {
        assert!(
            people.contains(&p.to_string()),
            "{p} missing from {people:?}"
        );
    }
    assert_eq!(people.len(), 5, "{people:?}");
    let places = names(found, EntityType::Place);
    for p in [
        "Astana",
        "Kazakhstan",
        "Belarus",
        "Russia",
        "Tajikistan",
        "Kyrgyzstan",
        "Armenia",
    ] {
        assert!(
            places.contains(&p.to_string()),
            "{p} missing from {places:?}"
        );
    }
    let orgs = names(found, EntityType::Organization);
    assert!(orgs.contains(&"BelTA".to_string()), "{orgs:?}");
    // The CSTO is one organisation, named by its long form, with the acronym's mentions.
    let csto: Vec<&Entity> = found
        .iter()
        .filter(|e| e.mentions.iter().any(|m| m.text == "CSTO"))
        .collect();
    assert_eq!(csto.len(), 1);
    assert_eq!(csto[0].name, "Collective Security Treaty Organization");
    assert!(csto[0]
        .mentions
        .iter()
        .any(|m| m.text == "Collective Security Treaty Organization"));
    // Lukashenko alone, after the full name, is the same person.
    let lukashenko = found
        .iter()
        .find(|e| e.name == "Aleksandr Lukashenko")
        .unwrap();
    assert!(lukashenko.mentions.iter().any(|m| m.text == "Lukashenko"));
    // Nothing from the navigation, the date line, "Follow us on", "X" or the footer.
    let text = format!(
        "{}\n\n{}",
        enriched.headline,
        newswire_shared::text::plain_text(&enriched.body)
    );
    let chars: Vec<char> = text.chars().collect();
    let story_starts = text[..text.find("ASTANA, 28 November").unwrap()]
        .chars()
        .count() as u32;
    let story_ends = text[..text.find("Follow us on").unwrap()].chars().count() as u32;
    let headline_ends = enriched.headline.chars().count() as u32;
    for entity in found {
        for m in &entity.mentions {
            let inside =
                m.start < headline_ends || (m.start >= story_starts && m.end <= story_ends);
            assert!(inside, "{} from page furniture: {m:?}", entity.name);
            let at: String = chars[m.start as usize..m.end as usize].iter().collect();
            assert_eq!(at, m.text, "offsets point at the mention");
        }
    }
    // The headline's names weigh most; the dateline place has its GeoNames id.
    let top: Vec<&str> = found.iter().take(3).map(|e| e.name.as_str()).collect();
    assert!(
        top.contains(&"Collective Security Treaty Organization"),
        "{top:?}"
    );
    assert!(top.contains(&"Aleksandr Lukashenko"), "{top:?}");
    assert_eq!(
        e.dateline.as_ref().unwrap().place_id.as_deref(),
        Some("geonames:1526273")
    );
    let astana = found.iter().find(|e| e.name == "Astana").unwrap();
    assert_eq!(astana.id.as_deref(), Some("geonames:1526273"));
}

#[test]
fn inflected_forms_resolve_to_the_canonical_name() {
    let found = entities(article(
        "ru",
        "Лукашенко встретился с Токаевым в Минске",
        &[
            "МИНСК, 28 ноября (БЕЛТА) – Президент Беларуси Александр Лукашенко провёл переговоры с Касым-Жомартом Токаевым в Минске.",
            "Стороны обсудили поставки из Казахстана и транзит через территорию Беларуси. Делегация Армении не приехала.",
        ],
    ));
    let places = names(&found, EntityType::Place);
    for p in ["Беларусь", "Минск", "Казахстан", "Армения"] {
        assert!(
            places.contains(&p.to_string()),
            "{p} missing from {places:?}"
        );
    }
    let people = names(&found, EntityType::Person);
    assert!(
        people.contains(&"Александр Лукашенко".to_string()),
        "{people:?}"
    );
    assert!(
        people.contains(&"Касым-Жомарт Токаев".to_string()),
        "{people:?}"
    );
    assert_eq!(people.len(), 2, "{people:?}");
    let belarus = found.iter().find(|e| e.name == "Беларусь").unwrap();
    assert_eq!(belarus.count, 2);
    assert_eq!(belarus.id.as_deref(), Some("geonames:630336"));
}

#[test]
fn kazakh_suffixes_and_belarusian_and_ukrainian_cases() {
    let kk = entities(article(
        "kk",
        "Астанада ҰҚШҰ саммиті өтті",
        &["АСТАНА, 28 қараша – Қазақстан Президенті Қасым-Жомарт Тоқаев Астанада ҰҚШҰ саммитін ашты. Саммитке Беларусь, Ресей және Қырғызстан басшылары қатысты."],
    ));
    let places = names(&kk, EntityType::Place);
    assert!(places.contains(&"Астана".to_string()), "{places:?}");
    assert!(names(&kk, EntityType::Person).contains(&"Қасым-Жомарт Тоқаев".to_string()));
    let be = entities(article(
        "be",
        "Прэзідэнт Беларусі наведаў Гомель",
        &["ГОМЕЛЬ, 28 лістапада – Аляксандр Лукашэнка наведаў прадпрыемствы ў Гомелі і пагаварыў з рабочымі пра экспарт у Расію."],
    ));
    let places = names(&be, EntityType::Place);
    assert!(places.contains(&"Беларусь".to_string()), "{places:?}");
    assert!(places.contains(&"Расія".to_string()), "{places:?}");
    let uk = entities(article(
        "uk",
        "Делегація України прибула до Мінська",
        &["КИЇВ, 28 листопада – Міністр закордонних справ України Андрій Сибіга заявив, що переговори з Польщею тривають."],
    ));
    let places = names(&uk, EntityType::Place);
    assert!(places.contains(&"Україна".to_string()), "{places:?}");
}

#[test]
fn people_and_organisations_no_list_has() {
    let found = entities(article(
        "en",
        "Ruritania signs energy deal",
        &[
            "VIENNA, 3 March – Foreign Minister Jane Doe of Ruritania signed the agreement with the Eurasian Development Corridor Fund (EDCF) on Monday.",
            "The EDCF will finance two power lines, Doe told reporters. The Ministry of Energy said work would start in May.",
        ],
    ));
    let jane = found
        .iter()
        .find(|e| e.name == "Jane Doe")
        .expect("Jane Doe");
    assert_eq!(jane.entity_type, EntityType::Person);
    assert_eq!(jane.count, 2, "the surname later is the same person");
    let fund = found
        .iter()
        .find(|e| e.name == "Eurasian Development Corridor Fund")
        .expect("the fund");
    assert_eq!(fund.entity_type, EntityType::Organization);
    assert_eq!(
        fund.count, 3,
        "long form and both acronyms: {:?}",
        fund.mentions
    );
    assert!(names(&found, EntityType::Organization).contains(&"Ministry of Energy".to_string()));
    // Nothing else is a person: not "Foreign Minister", not "Monday".
    assert_eq!(names(&found, EntityType::Person), ["Jane Doe"]);
}

#[test]
fn acronyms_in_other_languages_and_lower_case_words_are_not_names() {
    // French "un" is not the UN; "Turkey" the word at a sentence start is not needed,
    // but the country written as a name is found.
    let found = entities(article(
        "fr",
        "Un accord entre la France et l'ONU",
        &["PARIS, 3 mars – La France a signé un accord avec l'ONU. Un porte-parole a salué un pas important."],
    ));
    let orgs = names(&found, EntityType::Organization);
    assert_eq!(orgs, ["Nations unies"], "{orgs:?}");
    assert!(names(&found, EntityType::Place).contains(&"France".to_string()));
}

/// Chinese copy names a province or region without its kind (四川, not 四川省), and a
/// Xinhua or China News Service dateline runs the agency into the city: the agency is
/// an organisation, the city a place, never one place of both.
#[test]
fn chinese_provinces_by_their_short_names_and_an_agency_before_a_city() {
    let found = entities(article(
        "zh",
        "三省茶叶出口增长",
        &[
            "新华社昆明3月2日电（记者周文）今年前两个月，广东、贵州、四川三省茶叶出口同比增长两成。",
            "新华社兰州3月2日电 甘肃和宁夏的果农也开始通过中欧班列把苹果运往欧洲，黄河南岸的果园今年扩大了一成。",
        ],
    ));
    let places: Vec<Vec<&str>> = found
        .iter()
        .filter(|e| e.entity_type == EntityType::Place)
        .map(|e| e.mentions.iter().map(|m| m.text.as_str()).collect())
        .collect();
    for province in ["广东", "贵州", "四川", "甘肃", "宁夏"] {
        assert!(
            places.iter().any(|m| m.contains(&province)),
            "{province} not a place: {places:?}"
        );
    }
    for city in ["昆明", "兰州"] {
        assert!(
            places.iter().any(|m| m == &[city]),
            "{city} not a place of its own: {places:?}"
        );
    }
    assert!(
        !places.iter().flatten().any(|m| m.contains("新华社")),
        "an agency taken into a place: {places:?}"
    );
    // Counted provinces are no place's name; a river's south bank is not 河南.
    assert!(
        !places
            .iter()
            .flatten()
            .any(|m| m.contains("三省") || *m == "河南"),
        "{places:?}"
    );
}

/// A numeral before an organisation's head word may be part of its name.
#[test]
fn a_chinese_organisation_may_be_named_by_a_numeral() {
    const STORY: &str = "新华社武汉3月2日电 中建三局和三一集团当天签署了合作协议。";
    let orgs = names(
        &entities(article("zh", "工程局中标", &[STORY])),
        EntityType::Organization,
    );
    for named in ["三局", "三一集团"] {
        assert!(orgs.iter().any(|o| o.contains(named)), "{named}: {orgs:?}");
    }
}
