//! Enrichment per article on one core: the whole `enrich()` on ~3 KB articles in
//! English, Russian and Chinese, and the cost of each part.
//!
//! cargo bench -p newswire-enricher --bench enrich

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newswire_enricher::{dateline, enrich, language};
use newswire_shared::Article;
use std::hint::black_box;

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
    let en = article("en", "MINSK, 28 November (BelTA) — The government approved the draft budget.",
        "Spending on health care and education will rise, the finance minister told reporters after the cabinet meeting on Thursday.");
    let ru = article("ru", "МИНСК, 28 ноября (БЕЛТА) — Правительство одобрило проект бюджета.",
        "Расходы на здравоохранение и образование вырастут, сообщил журналистам министр финансов после заседания кабинета в четверг.");
    let zh = article("zh", "明斯克，11月28日（白通社）— 政府批准了预算草案。",
        "财政部长在内阁会议后对记者表示，卫生和教育支出将会增加，议会预计将于十二月对该计划进行表决。");
    let mut group = c.benchmark_group("enrich");
    group.throughput(Throughput::Elements(1));
    for (name, a) in [("en_3kb", &en), ("ru_3kb", &ru), ("zh_3kb", &zh)] {
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
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
