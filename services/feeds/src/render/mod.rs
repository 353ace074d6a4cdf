//! Rendering: the feed formats (`format/`, pure: an article to bytes), a feed's names
//! (`names.rs`, pure), each story's rendered elements (`fragments.rs`), the
//! rendered-document cache with its validators (`cache.rs`), the compressor thread
//! (`compress.rs`), and the renderer loop that wakes on changes and at embargo instants
//! (`renderer.rs`).

pub mod cache;
pub mod compress;
pub mod format;
mod fragments;
pub mod names;
pub mod renderer;
