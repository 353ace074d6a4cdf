//! Enrichment per article on one core: the whole `enrich()` on ~3 KB articles in
//! English (name-dense, and the seed page as scraped), Russian and Chinese, and the
//! cost of each part.
//!
//! cargo bench -p newswire-enricher --bench enrich

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newswire_enricher::entities::{self, mention_text, KnownNames};
use newswire_enricher::subjects::SubjectRules;
use newswire_enricher::{dateline, enrich, language};
use std::hint::black_box;

mod articles;
use articles::{bench_articles, BenchArticles};

// The allocator the enricher's binaries use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let BenchArticles { en, ru, zh, seed } = bench_articles();
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
