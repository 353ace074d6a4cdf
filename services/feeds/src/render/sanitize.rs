use std::sync::OnceLock;

/// Removes active content (scripts, frames, event handlers, `javascript:` URLs) and
/// repairs broken markup, keeping the formatting a news body uses.
pub fn sanitize_html(html: &str) -> String {
    clean(html)
}

fn clean(html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut b = ammonia::Builder::default();
            b.url_schemes(["http", "https", "mailto"].into_iter().collect())
                .link_rel(Some("noopener noreferrer"));
            b
        })
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_content_is_removed() {
        let dirty = r#"<p onclick="x()">Hi<script>alert(1)</script><iframe src="https://e"></iframe>
            <a href="javascript:alert(1)">x</a><img src="https://e/a.jpg" onerror="y()"><b>bold"#;
        let clean = sanitize_html(dirty);
        for bad in ["<script", "<iframe", "onclick", "onerror", "javascript:"] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.contains("<b>bold</b>"), "{clean}");
        assert!(clean.contains(r#"<img src="https://e/a.jpg">"#), "{clean}");
    }
}
