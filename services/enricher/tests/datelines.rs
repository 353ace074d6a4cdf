//! Datelines as agencies write them, one row per agency and language: the opening of a
//! story in that agency's style (our own sentences), and what the enricher must find —
//! the place (with its GeoNames id, and never with the source in it), the date where
//! one is printed, and the source. The stories are filed on 28 November 2024.

use newswire_enricher::enrich;
use newswire_shared::Article;
use serde_json::json;

struct Row {
    agency: &'static str,
    language: &'static str,
    opening: &'static str,
    place: &'static str,
    date: Option<&'static str>,
    source: &'static str,
}

const DAY: Option<&str> = Some("2024-11-28");

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // A source between slashes, a full stop after the date.
    Row { agency: "TASS", language: "en", opening: "MOSCOW, November 28. /TASS/. The cabinet has approved a new quota for grain exports, the agriculture ministry said on Thursday.", place: "Moscow", date: DAY, source: "TASS" },
    Row { agency: "TASS", language: "ru", opening: "МОСКВА, 28 ноября. /ТАСС/. Правительство утвердило новую квоту на вывоз зерна, сообщили в министерстве сельского хозяйства.", place: "Москва", date: DAY, source: "ТАСС" },
    // Full stops between place, date and source.
    Row { agency: "Interfax", language: "ru", opening: "Москва. 28 ноября. INTERFAX.RU - Центральный банк оставил ключевую ставку без изменений, говорится в сообщении регулятора.", place: "Москва", date: DAY, source: "INTERFAX.RU" },
    Row { agency: "Interfax", language: "en", opening: "MOSCOW. Nov 28 (Interfax) - The central bank left its key rate unchanged, the regulator said in a statement.", place: "Moscow", date: DAY, source: "Interfax" },
    // The source after the dash.
    Row { agency: "RIA Novosti", language: "ru", opening: "МОСКВА, 28 ноя — РИА Новости. Синоптики пообещали москвичам мокрый снег в выходные.", place: "Москва", date: DAY, source: "РИА Новости" },
    // A full stop as the only separator before the source.
    Row { agency: "Kazinform", language: "en", opening: "ASTANA. KAZINFORM - A grain terminal has opened on the Caspian coast, the transport ministry said.", place: "Astana", date: None, source: "KAZINFORM" },
    Row { agency: "Kazinform", language: "ru", opening: "АСТАНА. КАЗИНФОРМ – На каспийском побережье открылся зерновой терминал, сообщили в министерстве транспорта.", place: "Астана", date: None, source: "КАЗИНФОРМ" },
    Row { agency: "BelTA", language: "en", opening: "MINSK, 28 November (BelTA) - The government has adopted a programme for new regional hospitals.", place: "Minsk", date: DAY, source: "BelTA" },
    Row { agency: "BelTA", language: "be", opening: "МІНСК, 28 лістапада (БЕЛТА) – Урад зацвердзіў праграму будаўніцтва рэгіянальных бальніц.", place: "Мінск", date: DAY, source: "БЕЛТА" },
    Row { agency: "Xinhua", language: "en", opening: "BEIJING, Nov. 28 (Xinhua) -- A new high-speed rail line opened to passengers on Thursday.", place: "Beijing", date: DAY, source: "Xinhua" },
    // The agency before the place, the date written into the words.
    Row { agency: "Xinhua", language: "zh", opening: "新华社北京11月28日电 一条新的高速铁路28日正式开通运营。", place: "北京", date: DAY, source: "新华社" },
    Row { agency: "China News Service", language: "zh", opening: "中新社上海十一月二十八日电（记者 王明）上海港二十八日迎来新的集装箱航线。", place: "上海", date: DAY, source: "中新社" },
    Row { agency: "Reuters", language: "en", opening: "LONDON, Nov 28 (Reuters) - British retail sales rose more than expected in October, official figures showed.", place: "London", date: DAY, source: "Reuters" },
    Row { agency: "AP", language: "en", opening: "WASHINGTON (AP) — The Senate passed a spending bill late on Thursday after weeks of talks.", place: "Washington", date: None, source: "AP" },
    // A year inside the date.
    Row { agency: "AFP", language: "fr", opening: "Paris, 28 nov 2024 (AFP) - Le gouvernement a présenté jeudi un plan pour le climat.", place: "Paris", date: DAY, source: "AFP" },
    Row { agency: "dpa", language: "de", opening: "Berlin (dpa) - Die Bundesregierung hat am Donnerstag einen neuen Haushaltsentwurf beschlossen.", place: "Berlin", date: None, source: "dpa" },
    Row { agency: "EFE", language: "es", opening: "Madrid, 28 nov (EFE).- El Gobierno aprobó este jueves un plan de vivienda pública.", place: "Madrid", date: DAY, source: "EFE" },
    // A day without its month.
    Row { agency: "Europa Press", language: "es", opening: "MADRID, 28 (EUROPA PRESS) - El Congreso ha aprobado este jueves la reforma de la ley de vivienda.", place: "Madrid", date: DAY, source: "EUROPA PRESS" },
    Row { agency: "Ukrinform", language: "en", opening: "KYIV, November 28 (Ukrinform) - Power engineers restored supply to three regions overnight.", place: "Kyiv", date: DAY, source: "Ukrinform" },
    // The source before the place.
    Row { agency: "AGI", language: "it", opening: "(AGI) - Milano, 28 nov. - La Borsa ha chiuso in rialzo una seduta segnata dai titoli bancari.", place: "Milano", date: DAY, source: "AGI" },
    Row { agency: "askanews", language: "it", opening: "Napoli, 28 nov. (askanews) – La Regione ha presentato oggi il piano per le ferrovie locali.", place: "Napoli", date: DAY, source: "askanews" },
    Row { agency: "Lusa", language: "pt", opening: "Lisboa, 28 nov 2024 (Lusa) - O Governo aprovou hoje um novo programa de habitação.", place: "Lisboa", date: DAY, source: "Lusa" },
    // The year first, the weekday after the date.
    Row { agency: "MTI", language: "hu", opening: "Budapest, 2024. november 28., csütörtök (MTI) – A kormány csütörtökön elfogadta az új lakhatási programot.", place: "Budapest", date: DAY, source: "MTI" },
    Row { agency: "BTA", language: "bg", opening: "София, 28 ноември /БТА/. Правителството одобри днес нова програма за жилищата.", place: "София", date: DAY, source: "БТА" },
    Row { agency: "Agerpres", language: "ro", opening: "Bucureşti, 28 nov /AGERPRES/ - Guvernul a aprobat joi un nou program pentru locuinţe.", place: "Bucureşti", date: DAY, source: "AGERPRES" },
    Row { agency: "PAP", language: "pl", opening: "Warszawa (PAP) - Rząd przyjął w czwartek nowy program budownictwa mieszkaniowego.", place: "Warszawa", date: None, source: "PAP" },
    Row { agency: "Kabar", language: "ru", opening: "Бишкек, 28 ноября /Кабар/. Правительство утвердило программу строительства новых школ.", place: "Бишкек", date: DAY, source: "Кабар" },
    Row { agency: "Yonhap", language: "en", opening: "SEOUL, Nov. 28 (Yonhap) -- The central bank cut its key rate by a quarter point on Thursday.", place: "Seoul", date: DAY, source: "Yonhap" },
    // The source after the date, behind a comma.
    Row { agency: "Armenpress", language: "en", opening: "YEREVAN, NOVEMBER 28, ARMENPRESS. The government approved a programme of new schools on Thursday.", place: "Yerevan", date: DAY, source: "ARMENPRESS" },
];

fn article(row: &Row) -> Article {
    serde_json::from_value(json!({
        "id": format!("dateline-{}-{}", row.agency.replace(' ', "-"), row.language),
        "version": 1, "status": "usable",
        "headline": "Dateline test",
        "body": format!("<p>{}</p><p>{}</p>", row.opening, row.opening.split_once(' ').map_or("", |x| x.1)),
        "language": row.language,
        "first_created": "2024-11-28T09:00:00Z", "version_created": "2024-11-28T09:00:00Z"
    }))
    .unwrap()
}

#[test]
fn every_agency_opening_gives_place_id_date_and_source() {
    let mut wrong = Vec::new();
    for row in ROWS {
        let e = enrich(article(row)).enrichment.unwrap();
        let Some(d) = e.dateline else {
            wrong.push(format!(
                "{} ({}): no dateline in {:?}",
                row.agency, row.language, row.opening
            ));
            continue;
        };
        let got = (d.place.as_deref(), d.date.as_deref(), d.source.as_deref());
        if got != (Some(row.place), row.date, Some(row.source)) {
            wrong.push(format!("{} ({}): got {got:?}", row.agency, row.language));
        }
        if !d
            .place_id
            .as_deref()
            .is_some_and(|id| id.starts_with("geonames:"))
        {
            wrong.push(format!(
                "{} ({}): {} has no GeoNames id",
                row.agency, row.language, row.place
            ));
        }
        // A source never becomes part of a place.
        if d.place
            .as_deref()
            .is_some_and(|p| p.to_lowercase().contains(&row.source.to_lowercase()))
        {
            wrong.push(format!(
                "{} ({}): the source is in the place",
                row.agency, row.language
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        ROWS.len(),
        wrong.join("\n")
    );
    let agencies: std::collections::BTreeSet<&str> = ROWS.iter().map(|r| r.agency).collect();
    let languages: std::collections::BTreeSet<&str> = ROWS.iter().map(|r| r.language).collect();
    assert!(
        agencies.len() >= 20 && languages.len() >= 8,
        "{agencies:?} {languages:?}"
    );
}

/// The same place written as each agency spells it resolves to one GeoNames feature.
#[test]
fn one_place_in_every_spelling_is_one_feature() {
    let id = |place: &str| {
        ROWS.iter()
            .filter(|r| r.place == place)
            .map(|r| {
                enrich(article(r))
                    .enrichment
                    .unwrap()
                    .dateline
                    .unwrap()
                    .place_id
            })
            .collect::<Vec<_>>()
    };
    let moscow: Vec<_> = id("Moscow").into_iter().chain(id("Москва")).collect();
    assert!(moscow.len() >= 4);
    assert!(moscow.windows(2).all(|w| w[0] == w[1]), "{moscow:?}");
    assert_eq!(moscow[0].as_deref(), Some("geonames:524901"));
}

/// Openings that are sentences stay sentences, whatever separators they hold; a
/// dateline's dash followed by a sentence gives no source.
#[test]
fn sentences_give_no_dateline_and_no_source() {
    type Want = Option<(&'static str, Option<&'static str>, Option<&'static str>)>;
    let cases: [(&str, Want); 6] = [
        (
            "The president said on Thursday that the summit - the first in years - went well.",
            None,
        ),
        ("In Minsk, officials said: the budget grows.", None),
        ("Astana hosts the summit. Leaders arrive on Friday.", None),
        (
            "ASTANA. Kazakhstan opened a new terminal - officials said it was the largest.",
            None,
        ),
        ("Prices rose 28 percent / year - analysts said.", None),
        (
            "Minsk, 28 November - Belarus and Russia agreed. Talks go on.",
            Some(("Minsk", DAY, None)),
        ),
    ];
    for (opening, want) in cases {
        let row = Row {
            agency: "none",
            language: "en",
            opening,
            place: "",
            date: None,
            source: "",
        };
        let got = enrich(article(&row)).enrichment.unwrap().dateline;
        let got = got.as_ref().map(|d| {
            (
                d.place.as_deref().unwrap_or(""),
                d.date.as_deref(),
                d.source.as_deref(),
            )
        });
        assert_eq!(got, want, "{opening:?}");
    }
}
