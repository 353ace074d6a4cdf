//! `enrich()` in a loop on one of the bench articles, for instruction counts that do
//! not move with the machine's load (criterion's times on a shared VM do):
//!
//! cargo build --release -p newswire-enricher --example enrich-loop
//! valgrind --tool=callgrind --toggle-collect='enrich_loop::measured' \
//!     target/release/examples/enrich-loop en 100
//!
//! Instructions per article = the total callgrind reports / the count given.

use newswire_enricher::enrich;
use newswire_enricher::entities::KnownNames;
use newswire_enricher::subjects::SubjectRules;
use newswire_shared::Article;
use std::hint::black_box;

// The allocator the enricher's binaries use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/articles.rs"]
mod articles;

#[inline(never)]
fn measured(article: &Article, count: u32) {
    for _ in 0..count {
        black_box(enrich(black_box(article.clone())));
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "en".into());
    let count: u32 = args.next().map_or(100, |n| n.parse().expect("a count"));
    let all = articles::bench_articles();
    let article = match which.as_str() {
        "en" => all.en,
        "ru" => all.ru,
        "zh" => all.zh,
        "seed" => all.seed,
        other => panic!("no bench article {other:?}: en, ru, zh or seed"),
    };
    // Build the gazetteer and rules, and warm up, outside the measured function.
    let _ = (KnownNames::get(), SubjectRules::get());
    black_box(enrich(article.clone()));
    measured(&article, count);
}
