//! Posts per second for all six networks together: one article → one post per default
//! account (X, Mastodon, Bluesky, Threads, Telegram, LinkedIn), as the service plans them.
//!
//! cargo bench -p newswire-social --bench compose

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newswire_shared::config::SocialSettings;
use newswire_shared::Article;
use newswire_social::{plan, StoryState};
use std::hint::black_box;

fn article(i: usize) -> Article {
    let headlines = [
        "Lukashenko and Tokayev discuss trade, logistics and industrial cooperation at talks in Astana",
        "Лукашенко провел переговоры с Токаевым в Астане: торговля, логистика и промышленная кооперация",
        "卢卡申科在阿斯塔纳与托卡耶夫举行会谈，讨论贸易、物流和工业合作问题",
        "Bundesregierung beschließt Haushaltsentwurf 2025 mit höheren Ausgaben für Verteidigung 🇩🇪",
    ];
    let json = serde_json::json!({
        "id": format!("bench-{i}"),
        "version": 1,
        "status": "usable",
        "headline": headlines[i % headlines.len()],
        "summary": "The presidents agreed to raise trade to $10 billion and to build a joint logistics hub near the border within three years.",
        "body": "<p>First paragraph.</p>",
        "urgency": if i.is_multiple_of(5) { 2 } else { 4 },
        "url": format!("https://news.example.by/politics/view/lukashenko-tokayev-talks-astana-{i}/"),
        "media": [{"url": "https://news.example.by/img/1.jpg", "type": "image/jpeg", "caption": "The talks"}],
        "first_created": "2024-11-28T08:38:00Z",
        "version_created": "2024-11-28T08:38:00Z",
        "enrichment": {
            "language": "en", "language_confidence": 0.99,
            "entities": [
                {"name": "Aleksandr Lukashenko", "type": "person", "mentions": [], "count": 3, "salience": 0.9},
                {"name": "Kassym-Jomart Tokayev", "type": "person", "mentions": [], "count": 2, "salience": 0.8},
                {"name": "Astana", "type": "place", "mentions": [], "count": 1, "salience": 0.5}
            ],
            "subjects": [{"code": "medtop:11000000", "label": "politics", "confidence": 0.8}],
            "keywords": ["trade"]
        }
    });
    serde_json::from_value(json).expect("bench article")
}

fn bench(c: &mut Criterion) {
    let accounts = SocialSettings::default().accounts;
    let articles: Vec<Article> = (0..64).map(article).collect();
    let fresh = StoryState::default();
    let mut group = c.benchmark_group("social");
    group.throughput(Throughput::Elements(accounts.len() as u64));
    let mut i = 0;
    group.bench_function("plan_all_networks", |b| {
        b.iter(|| {
            i = (i + 1) % articles.len();
            let (posts, _) = plan(black_box(&articles[i]), &accounts, &fresh);
            assert_eq!(posts.len(), accounts.len());
            posts
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
