//! Enrichment per article on one core: the whole `enrich()` on ~3 KB articles in
//! English (name-dense, and the seed page as scraped), Russian and Chinese, and the
//! cost of each part.
//!
//! cargo bench -p newswire-enricher --bench enrich

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newswire_enricher::entities::{self, mention_text, KnownNames};
use newswire_enricher::subjects::SubjectRules;
use newswire_enricher::{dateline, enrich, language};
use newswire_shared::Article;
use std::hint::black_box;

// The allocator the enricher's binaries use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

fn bench(c: &mut Criterion) {
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
    // Load the data once, outside the timing.
    let _ = KnownNames::get();
    let _ = SubjectRules::get();
    let mut group = c.benchmark_group("enrich");
    group.throughput(Throughput::Elements(1));
    for (name, a) in [
        ("en_3kb", &en),
        ("en_seed_page", &seed),
        ("ru_3kb", &ru),
        ("zh_3kb", &zh),
    ] {
        group.bench_function(name, |b| b.iter(|| enrich(black_box(a.clone()))));
    }
    let text = newswire_shared::text::plain_text(&en.body);
    group.bench_function("part_plain_text_en", |b| {
        b.iter(|| newswire_shared::text::plain_text(black_box(&en.body)))
    });
    group.bench_function("part_language_en_1kb", |b| {
        b.iter(|| language::identify(black_box(&text[..1024])))
    });
    group.bench_function("part_dateline_en", |b| {
        b.iter(|| dateline::parse(black_box(&text[..200]), en.first_created))
    });
    group.bench_function("part_clone_article", |b| b.iter(|| black_box(&en).clone()));
    for (name, a, lang) in [("en", &en, "en"), ("ru", &ru, "ru"), ("zh", &zh, "zh")] {
        let text = mention_text(&a.headline, &newswire_shared::text::plain_text(&a.body));
        group.bench_function(format!("part_entities_{name}"), |b| {
            b.iter(|| entities::find(black_box(&text), lang))
        });
        group.bench_function(format!("part_subjects_{name}"), |b| {
            b.iter(|| SubjectRules::get().assign(black_box(&text), lang))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
