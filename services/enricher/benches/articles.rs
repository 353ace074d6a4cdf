//! The articles the enrichment benchmarks measure: ~3 KB, name-dense, in English,
//! Russian and Chinese, and the seed page as scraped. Shared by `benches/enrich.rs`
//! (criterion, time) and `examples/enrich-loop.rs` (instructions under callgrind).

use newswire_shared::Article;

pub struct BenchArticles {
    pub en: Article,
    pub ru: Article,
    pub zh: Article,
    pub seed: Article,
}

pub fn bench_articles() -> BenchArticles {
    // Names in every sentence: the entity finder has work to do.
    let en = article("en", "MINSK, 28 November (BelTA) — The government of Belarus approved the draft budget.",
        "Spending on health care will rise, Finance Minister Jane Doe told reporters in Minsk after talks with the International Monetary Fund (IMF) and Kazakhstan's Tokayev.");
    let ru = article("ru", "МИНСК, 28 ноября (БЕЛТА) — Правительство Беларуси одобрило проект бюджета.",
        "Расходы на здравоохранение вырастут, сообщил в Минске министр финансов Беларуси Юрий Селиверстов после переговоров с Международным валютным фондом и Казахстаном.");
    let zh = article("zh", "明斯克，11月28日（白通社）— 白俄罗斯政府批准了预算草案。",
        "财政部长在明斯克与国际货币基金组织会谈后对记者表示，卫生支出将会增加，哈萨克斯坦总统托卡耶夫表示支持。");
    // A real page: the seed BelTA report as scraped (3.4 KB, menus and footer included).
    let seed_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/articles/01-seed-belta-csto-en.json"
    );
    let seed: Article = serde_json::from_str(&std::fs::read_to_string(seed_path).unwrap()).unwrap();
    BenchArticles { en, ru, zh, seed }
}

fn article(language: &str, opening: &str, sentence: &str) -> Article {
    let mut body = format!("<p>{opening}</p>");
    while body.len() < 3000 {
        body.push_str(&format!("<p>{sentence}</p>"));
    }
    serde_json::from_value(serde_json::json!({
        "id": format!("bench-{language}"), "version": 1, "status": "usable",
        "headline": sentence.split(['.', '。']).next().unwrap(),
        "body": body, "language": language, "keywords": ["budget", "parliament"],
        "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T08:00:00Z"
    }))
    .unwrap()
}
