//! Which stories a feed holds: `all`, `section/{slug}`, `lang/{tag}`,
//! `entity/{id-or-slug}`, `urgent`, and the same filters combined by query
//! (`/feeds/all.rss?lang=ru&section=economy`). The rules are the shared effective
//! selection (`newswire_shared::access::selection`), so feeds, `/v1/items` and NewsML
//! read a request alike.

pub use newswire_shared::access::{slug, Entity, Params, SelectionError, Selector, URGENT_MAX};
