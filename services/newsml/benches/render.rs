//! NewsML-G2 items (and ninjs documents) rendered per second on one core, from the
//! seed report with a typical enrichment (~6 KB body, 4 entities, 1 Media Topic).
//!
//! cargo bench -p newswire-newsml --bench render

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newswire_newsml::{news_item, ninjs, Provider};
use newswire_shared::Article;
use std::hint::black_box;

fn seed() -> Article {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/articles/01-seed-belta-csto-en.json"
    );
    let mut a: Article = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    a.enrichment = Some(
        serde_json::from_value(serde_json::json!({
            "language": "en", "language_confidence": 0.99,
            "entities": [
                {"name": "Aleksandr Lukashenko", "type": "person", "id": "wikidata:Q8690", "mentions": [], "count": 3, "salience": 0.9},
                {"name": "Collective Security Treaty Organization", "type": "organization", "id": "wikidata:Q188530", "mentions": [], "count": 9, "salience": 0.8},
                {"name": "Astana", "type": "place", "id": "geonames:1526273", "mentions": [], "count": 2, "salience": 0.6},
                {"name": "Kassym-Jomart Tokayev", "type": "person", "mentions": [], "count": 2, "salience": 0.5}
            ],
            "subjects": [{"code": "medtop:11000000", "label": "politics and government", "confidence": 0.9}],
            "dateline": {"place": "Astana", "place_id": "geonames:1526273"},
            "keywords": ["CSTO"]
        }))
        .unwrap(),
    );
    a
}

fn bench(c: &mut Criterion) {
    let article = seed();
    let provider = Provider {
        name: "Newswire".into(),
        uri: "https://newswire.example/".into(),
    };
    let mut group = c.benchmark_group("newsml");
    group.throughput(Throughput::Elements(1));
    group.bench_function("news_item", |b| {
        b.iter(|| news_item(black_box(&article), &provider))
    });
    group.bench_function("ninjs", |b| b.iter(|| ninjs(black_box(&article))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
