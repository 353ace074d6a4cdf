//! Bodies as every feed format carries them: active content removed, markup repaired,
//! relative links resolved against the story's `url` (ammonia).

use newswire_shared::links::Base;
use std::borrow::Cow;

/// Removes active content (scripts, frames, event handlers, `javascript:` URLs) and
/// repairs broken markup, keeping the formatting a news body uses; relative links and
/// images are resolved against the story's `url` by the shared rule
/// ([`newswire_shared::links`]), or dropped when there is none, so no reader resolves
/// them against the feed's host.
pub fn sanitize_html(html: &str, base: &Base) -> String {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Custom(Box::new(Resolve(
            base.clone(),
        ))))
        .link_rel(Some("noopener noreferrer"));
    b.clean(html).to_string()
}

/// ammonia's hook for relative references: the shared rule.
struct Resolve(Base);

impl<'a> ammonia::UrlRelativeEvaluate<'a> for Resolve {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        self.0.resolve(url).map(Cow::Owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_content_is_removed() {
        let dirty = r#"<p onclick="x()">Hi<script>alert(1)</script><iframe src="https://e"></iframe>
            <a href="javascript:alert(1)">x</a><img src="https://e/a.jpg" onerror="y()"><b>bold"#;
        let clean = sanitize_html(dirty, &Base::default());
        for bad in ["<script", "<iframe", "onclick", "onerror", "javascript:"] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.contains("<b>bold</b>"), "{clean}");
        assert!(clean.contains(r#"<img src="https://e/a.jpg">"#), "{clean}");
    }

    #[test]
    fn relative_links_resolve_against_the_story_and_never_our_host() {
        let body = r#"<p><a href="/stories/earlier">earlier</a> <img src="img/a.jpg" alt="A"></p>"#;
        let story = Base::of(Some("https://newswire.example/stories/now/"));
        let clean = sanitize_html(body, &story);
        assert!(
            clean.contains(r#"href="https://newswire.example/stories/earlier""#),
            "{clean}"
        );
        assert!(
            clean.contains(r#"src="https://newswire.example/stories/now/img/a.jpg""#),
            "{clean}"
        );
        let clean = sanitize_html(body, &Base::default());
        assert!(
            !clean.contains("href=") && !clean.contains("src="),
            "{clean}"
        );
    }
}
