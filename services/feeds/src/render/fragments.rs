//! Rendered story elements, kept per story version and format.

use super::format::{FeedItem, Format};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use newswire_shared::Article;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// Each story version's element in each format, written once: a change re-renders
/// every feed holding the story, and writing (escaping, copying) the same long items
/// into each of them was most of a re-render's cost.
#[derive(Default)]
pub struct Fragments {
    /// By the address of the version's text in memory; the weak reference both proves
    /// the entry is for that very allocation (it cannot be reused while referenced)
    /// and lets a forgotten version go.
    kept: Mutex<(FragmentMap, usize)>,
}

/// The bytes of a version's element, with the instant it was rendered as published.
type FragmentMap = HashMap<(usize, Format), (Weak<Article>, DateTime<Utc>, Bytes)>;

/// Bytes of fragments kept before forgetting those of versions no longer in memory
/// (and, if that is not enough, all of them).
const FRAGMENT_BYTES: usize = 256 << 20;

impl Fragments {
    /// `item` (the story `a` holds) in `format`.
    pub fn get(&self, a: &Arc<Article>, item: &FeedItem<'_>, format: Format) -> Bytes {
        let key = (Arc::as_ptr(a) as usize, format);
        if let Some((version, published, bytes)) =
            self.kept.lock().expect("fragments lock").0.get(&key)
        {
            if *published == item.published && version.upgrade().is_some_and(|v| Arc::ptr_eq(&v, a))
            {
                return bytes.clone();
            }
        }
        let bytes = Bytes::from(format.render_item(item));
        let mut guard = self.kept.lock().expect("fragments lock");
        let (kept, size) = &mut *guard;
        if *size + bytes.len() > FRAGMENT_BYTES {
            kept.retain(|_, (version, _, _)| version.strong_count() > 0);
            if kept.values().map(|(_, _, b)| b.len()).sum::<usize>() + bytes.len() > FRAGMENT_BYTES
            {
                kept.clear();
            }
            *size = kept.values().map(|(_, _, b)| b.len()).sum();
        }
        *size += bytes.len();
        if let Some((_, _, old)) =
            kept.insert(key, (Arc::downgrade(a), item.published, bytes.clone()))
        {
            *size -= old.len();
        }
        bytes
    }
}
