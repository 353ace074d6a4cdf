//! What each network's text format needs done to plain text: escaping, short links.

/// LinkedIn's "little" text format: every reserved character is backslash-escaped,
/// or LinkedIn silently cuts the post at the first one it cannot parse.
pub fn linkedin_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '|'
                | '{'
                | '}'
                | '@'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '#'
                | '*'
                | '_'
                | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A hashtag in LinkedIn's little format (`{hashtag|\#|tag}`); the tag itself escaped.
pub fn linkedin_hashtag(tag: &str) -> String {
    format!("{{hashtag|\\#|{}}}", linkedin_escape(tag))
}

/// Text for Telegram's HTML parse mode: `<`, `>` and `&` as entities.
pub fn telegram_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// How Bluesky's app shows a link: no scheme, no `www.`, and at most 13 characters of
/// path, query and fragment followed by `...` when there are more than 15.
pub fn bluesky_display_url(url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..split];
    let host = host.strip_prefix("www.").unwrap_or(host);
    let mut path = &rest[split..];
    if path == "/" {
        path = "";
    }
    if path.chars().count() > 15 {
        let cut: String = path.chars().take(13).collect();
        format!("{host}{cut}...")
    } else {
        format!("{host}{path}")
    }
}

/// `url` with the account's tracking parameters added to its query, before any fragment.
pub fn with_query_params(url: &str, params: &std::collections::BTreeMap<String, String>) -> String {
    if params.is_empty() {
        return url.to_string();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = base.to_string();
    for (i, (k, v)) in params.iter().enumerate() {
        let sep = if i == 0 && !base.contains('?') {
            '?'
        } else {
            '&'
        };
        out.push(sep);
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkedin_reserved_characters_are_escaped() {
        assert_eq!(
            linkedin_escape(r"a\b|c{d}e@f[g]h(i)j<k>l#m*n_o~p"),
            r"a\\b\|c\{d\}e\@f\[g\]h\(i\)j\<k\>l\#m\*n\_o\~p"
        );
    }

    #[test]
    fn bluesky_shortens_long_paths_only() {
        assert_eq!(bluesky_display_url("https://www.belta.by/"), "belta.by");
        assert_eq!(bluesky_display_url("https://belta.by/a/b"), "belta.by/a/b");
        assert_eq!(
            bluesky_display_url("https://belta.by/politics/view/lukashenko-123"),
            "belta.by/politics/vie..."
        );
    }

    #[test]
    fn tracking_parameters_go_before_the_fragment() {
        let utm = [("utm_source".to_string(), "x".to_string())]
            .into_iter()
            .collect();
        assert_eq!(
            with_query_params("https://a.by/p#top", &utm),
            "https://a.by/p?utm_source=x#top"
        );
        assert_eq!(
            with_query_params("https://a.by/p?id=1", &utm),
            "https://a.by/p?id=1&utm_source=x"
        );
    }
}
