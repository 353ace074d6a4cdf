//! The one rule for links and images in a story's body, in every format that carries
//! the body (RSS, Atom, JSON Feed, NewsML-G2, ninjs): a relative reference (`map.html`,
//! `/stories/x`, `../img/a.jpg`, `//cdn.example/a.jpg`, `#part`) is resolved against the
//! story's canonical `url` as RFC 3986 §5.2 says, so readers never resolve it against
//! the host that served them the feed. A story without a `url` has no base: its
//! relative references are dropped (the link's text, and an image's `alt`, remain).

use url::Url;

/// The base a story's relative references resolve against: its canonical `url`, when
/// it has one that parses as an absolute http(s) URL.
#[derive(Debug, Clone, Default)]
pub struct Base(Option<Url>);

impl Base {
    /// The story's `url` as a base.
    pub fn of(story_url: Option<&str>) -> Self {
        Base(
            story_url
                .and_then(|u| Url::parse(u.trim()).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https")),
        )
    }

    /// `reference` (an `href` or `src` the sanitiser found relative) as an absolute
    /// http(s) URL, or `None` when there is no base to resolve it against.
    pub fn resolve(&self, reference: &str) -> Option<String> {
        let base = self.0.as_ref()?;
        let resolved = base.join(reference.trim()).ok()?;
        matches!(resolved.scheme(), "http" | "https").then(|| resolved.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 §5.4.1's normal examples, on an http base of our own.
    #[test]
    fn references_resolve_as_rfc_3986_says() {
        let base = Base::of(Some("http://a.example/b/c/d;p?q"));
        for (reference, want) in [
            ("g", "http://a.example/b/c/g"),
            ("./g", "http://a.example/b/c/g"),
            ("g/", "http://a.example/b/c/g/"),
            ("/g", "http://a.example/g"),
            ("//g.example", "http://g.example/"),
            ("?y", "http://a.example/b/c/d;p?y"),
            ("g?y", "http://a.example/b/c/g?y"),
            ("#s", "http://a.example/b/c/d;p?q#s"),
            ("g#s", "http://a.example/b/c/g#s"),
            (";x", "http://a.example/b/c/;x"),
            ("", "http://a.example/b/c/d;p?q"),
            (".", "http://a.example/b/c/"),
            ("..", "http://a.example/b/"),
            ("../g", "http://a.example/b/g"),
            ("../..", "http://a.example/"),
            ("../../g", "http://a.example/g"),
        ] {
            assert_eq!(
                base.resolve(reference).as_deref(),
                Some(want),
                "{reference}"
            );
        }
    }

    #[test]
    fn without_a_story_url_nothing_resolves() {
        assert_eq!(Base::of(None).resolve("map.html"), None);
        assert_eq!(Base::of(Some("not a url")).resolve("map.html"), None);
        assert_eq!(Base::of(Some("ftp://a.example/")).resolve("map.html"), None);
    }

    #[test]
    fn the_field_case_resolves_under_the_story() {
        let base = Base::of(Some("https://newswire.example/stories/field-04-relurl/"));
        assert_eq!(
            base.resolve("/stories/storm-earlier").as_deref(),
            Some("https://newswire.example/stories/storm-earlier")
        );
        assert_eq!(
            base.resolve("images/storm.jpg").as_deref(),
            Some("https://newswire.example/stories/field-04-relurl/images/storm.jpg")
        );
        // A space is percent-encoded, so the result is a valid URI.
        assert_eq!(
            base.resolve("a b.jpg").as_deref(),
            Some("https://newswire.example/stories/field-04-relurl/a%20b.jpg")
        );
    }
}
