//! A version in the format a destination asked for, by the shared pure formats.

use newswire_shared::config::Format;
use newswire_shared::formats::{ninjs, version_document, Provider};
use newswire_shared::Article;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Arc<[u8]>,
    pub content_type: &'static str,
    pub extension: &'static str,
}

/// `raw` is the `articles.enriched` record the article was read from (the `article`
/// format sends it unchanged).
pub fn render(article: &Article, raw: &[u8], format: Format, provider: &Provider) -> Rendered {
    match format {
        Format::Ninjs => Rendered {
            body: Arc::from(ninjs(article)),
            content_type: "application/json",
            extension: "json",
        },
        Format::Newsml => {
            let (document, content_type) = version_document(article, provider);
            Rendered {
                body: Arc::from(document),
                content_type,
                extension: "xml",
            }
        }
        Format::Article => Rendered {
            body: Arc::from(raw),
            content_type: "application/json",
            extension: "json",
        },
    }
}
