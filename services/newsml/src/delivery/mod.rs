//! Delivery: `newsml.items` in; drop folders and the pull API out.

pub mod consumer;
pub mod dropfolder;
pub mod http;
pub mod store;

pub use store::{ItemStore, ItemVersion};
