//! Posts as a subscriber's social desk would check them: for headlines in every
//! script, every post fits its network by that network's own counting, keeps the link
//! whole, and its facets point at exactly the bytes they describe.

use newswire_shared::config::{Network, SocialAccount, SocialSettings};
use newswire_shared::Article;
use newswire_social::count::{telegram_visible_text, Counter, BLUESKY_MAX_BYTES};
use newswire_social::markup::bluesky_display_url;
use newswire_social::richtext::Feature;
use newswire_social::{plan, Action, Kind, PostEvent, StoryState};
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

mod support;

use support::article;

fn accounts(thread: bool) -> Vec<SocialAccount> {
    SocialSettings::default()
        .accounts
        .into_iter()
        .map(|mut a| {
            a.thread = thread;
            a.hashtags = 3;
            a
        })
        .collect()
}

fn texts(post: &PostEvent) -> Vec<&str> {
    let mut all = vec![post.text.as_deref().unwrap()];
    all.extend(post.thread.iter().map(|t| t.text.as_str()));
    all
}

/// The network's limit, counted independently of the service's own counter where
/// the rule is simple enough to restate.
fn assert_fits(post: &PostEvent) {
    for text in texts(post) {
        match post.network {
            Network::X => {
                let parsed = newswire_social::x::parse(text, twitter_text_config::config_v3());
                assert!(
                    parsed.valid && parsed.weighted_length <= 280,
                    "X {}: {text:?}",
                    parsed.weighted_length
                );
            }
            Network::Bluesky => {
                assert!(
                    text.graphemes(true).count() <= 300,
                    "Bluesky graphemes: {text:?}"
                );
                assert!(text.len() <= BLUESKY_MAX_BYTES, "Bluesky bytes: {text:?}");
            }
            Network::Telegram => {
                assert!(telegram_visible_text(text).encode_utf16().count() <= 4096);
            }
            Network::Linkedin => assert!(text.encode_utf16().count() <= 3000),
            Network::Mastodon | Network::Threads => {
                assert!(
                    Counter::new(post.network).fits(text),
                    "{:?}: {text:?}",
                    post.network
                )
            }
        }
    }
}

/// The link appears whole, as the network shows it.
fn assert_link_intact(post: &PostEvent, link: &str) {
    let text = post.text.as_deref().unwrap();
    match post.network {
        Network::Bluesky => {
            let shown = bluesky_display_url(link);
            let facet = post
                .facets
                .iter()
                .find(|f| {
                    f.features
                        .iter()
                        .any(|x| matches!(x, Feature::Link { uri } if uri == link))
                })
                .unwrap_or_else(|| panic!("no link facet with the full URL in {post:#?}"));
            assert_eq!(&text[facet.index.byte_start..facet.index.byte_end], shown);
        }
        Network::Telegram => {
            let href = link.replace('&', "&amp;");
            assert!(text.contains(&format!("<a href=\"{href}\">")), "{text}");
        }
        Network::Linkedin => assert!(
            text.contains(&newswire_social::markup::linkedin_escape(link)),
            "{text}"
        ),
        _ => assert!(text.contains(link), "{text}"),
    }
}

/// Each facet's bytes are what it says: `#tag` for a tag, the shown link for a link.
fn assert_facets_exact(post: &PostEvent) {
    let text = post.text.as_deref().unwrap();
    for facet in &post.facets {
        let bytes = text
            .get(facet.index.byte_start..facet.index.byte_end)
            .unwrap_or_else(|| {
                panic!("facet {facet:?} is not on character boundaries of {text:?}")
            });
        for feature in &facet.features {
            match feature {
                // A cashtag's value is its symbol in upper case, as Bluesky's detector
                // gives it (`$aapl` → `$AAPL`; the vectors' cashtag note); a hashtag's is
                // its text.
                Feature::Tag { tag } if tag.starts_with('$') => {
                    assert!(bytes.eq_ignore_ascii_case(tag), "{bytes:?} vs {tag}")
                }
                Feature::Tag { tag } => assert_eq!(bytes.trim_start_matches(['#', '＃']), tag),
                Feature::Link { uri } => {
                    let shown = bluesky_display_url(uri);
                    assert!(
                        bytes == shown || bytes == uri || format!("https://{bytes}") == *uri,
                        "{bytes:?} vs {uri}"
                    );
                }
                Feature::Mention { .. } => panic!("unresolved mention emitted"),
            }
        }
    }
}

fn scripts() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-zA-Z]{1,12}",
        "[а-яА-ЯёЁўЎіІ]{1,12}",
        "[一-龥]{1,8}",
        "[ا-ي]{1,10}",
        "[α-ω]{1,10}",
        Just("👨‍👩‍👧‍👦".to_string()),
        Just("🇧🇾".to_string()),
        Just("🏳️‍🌈".to_string()),
        Just("e\u{301}\u{302}".to_string()),
        Just("नमस्ते".to_string()),
        "[a-z]{40,120}",
        Just(
            "https://example.com/a/very/long/path/that/goes/on/and/on?with=query&and=more"
                .to_string()
        ),
        Just("belta.by".to_string()),
        Just("#already".to_string()),
        Just("<b>&amp;</b>".to_string()),
        Just("\\|{}@[]()<>#*_~".to_string()),
    ];
    prop::collection::vec(word, 1..60).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The differential tests' inputs (scheme-less and odd URLs, mentions, hashtags,
    /// every kind of emoji sequence, combining marks, right-to-left text), for the
    /// networks recounted here: Bluesky's graphemes and bytes, Telegram's UTF-16 units
    /// of the shown text, LinkedIn's and Threads'.
    #[test]
    fn generated_headlines_and_summaries_fit_every_network(
        headline in support::text(),
        summary in prop::option::of(support::text()),
        thread in any::<bool>(),
    ) {
        let link = "https://news.example.by/politics/view/a-story-123/";
        let a = article(&headline, summary.as_deref(), Some(link), &["Минск", "Aleksandr Lukashenko"]);
        let (posts, _) = plan(&a, &accounts(thread), &StoryState::default());
        prop_assert_eq!(posts.len(), 6);
        for post in &posts {
            assert_fits(post);
            assert_link_intact(post, link);
            assert_facets_exact(post);
        }
    }

    #[test]
    fn every_post_fits_keeps_its_link_and_has_exact_facets(
        headline in scripts(),
        summary in prop::option::of(scripts()),
        thread in any::<bool>(),
        path in "[a-z0-9/_-]{0,200}",
    ) {
        let link = format!("https://news.example.by/{path}");
        let a = article(&headline, summary.as_deref(), Some(&link), &["Минск", "Aleksandr Lukashenko", "上海合作组织"]);
        let (posts, _) = plan(&a, &accounts(thread), &StoryState::default());
        prop_assert_eq!(posts.len(), 6);
        for post in &posts {
            assert_fits(post);
            assert_link_intact(post, &link);
            assert_facets_exact(post);
            let json = serde_json::to_vec(post).unwrap();
            prop_assert!(std::str::from_utf8(&json).is_ok());
        }
    }

    /// A shortened headline is a prefix of the real one that ends after a whole word
    /// (or, for a single giant word, on a grapheme boundary) followed by `…`.
    #[test]
    fn shortened_headlines_end_at_a_word(headline in scripts()) {
        let a = article(&headline, None, Some("https://news.example.by/x"), &[]);
        let (posts, _) = plan(&a, &accounts(false), &StoryState::default());
        let x = posts.iter().find(|p| p.network == Network::X).unwrap();
        let text = x.text.as_deref().unwrap();
        let shown = text.split("\n\n").next().unwrap();
        if let Some(kept) = shown.strip_suffix('…') {
            let one_line = headline.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert!(one_line.starts_with(kept), "{kept:?} is not a prefix of {one_line:?}");
            let next = &one_line[kept.len()..];
            let at_word = next.starts_with(' ');
            let at_grapheme = one_line.graphemes(true).scan(0, |at, g| { *at += g.len(); Some(*at) }).any(|e| e == kept.len());
            prop_assert!(at_word || (at_grapheme && !kept.contains(' ')), "cut inside a word: {kept:?} | {next:?}");
        } else {
            prop_assert_eq!(shown, headline.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }

    #[test]
    fn linkedin_text_has_no_unescaped_reserved_character(headline in scripts()) {
        let a = article(&headline, Some("Summary (with) [brackets] and_underscores ~"), Some("https://news.example.by/a_(b)"), &["Минск"]);
        let (posts, _) = plan(&a, &accounts(false), &StoryState::default());
        let post = posts.iter().find(|p| p.network == Network::Linkedin).unwrap();
        let mut text = post.text.clone().unwrap();
        // Our own hashtag templates are the only markup allowed.
        while let Some(start) = text.find("{hashtag|\\#|") {
            let end = start + text[start..].find('}').unwrap();
            text.replace_range(start..=end, "");
        }
        let mut escaped = false;
        for c in text.chars() {
            if escaped {
                escaped = false;
                continue;
            }
            if c == '\\' {
                escaped = true;
                continue;
            }
            prop_assert!(!r"|{}@[]()<>#*_~".contains(c), "unescaped {c:?} in {text:?}");
        }
    }

    #[test]
    fn telegram_html_uses_only_allowed_tags_and_escapes_the_rest(headline in scripts()) {
        let a = article(&headline, Some("A & B < C > D"), Some("https://news.example.by/?a=1&b=2"), &[]);
        let (posts, _) = plan(&a, &accounts(false), &StoryState::default());
        let post = posts.iter().find(|p| p.network == Network::Telegram).unwrap();
        let text = post.text.as_deref().unwrap();
        let mut rest = text;
        while let Some(i) = rest.find('<') {
            let tag_end = rest[i..].find('>').unwrap() + i;
            let tag = &rest[i + 1..tag_end];
            prop_assert!(matches!(tag, "b" | "/b" | "/a") || tag.starts_with("a href=\""), "tag {tag:?}");
            rest = &rest[tag_end + 1..];
        }
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;"].iter().any(|e| entity.starts_with(e)), "bare & in {text:?}");
        }
        prop_assert_eq!(post.parse_mode, Some("HTML"));
    }
}

#[test]
fn urgent_stories_get_the_breaking_prefix_and_hashtags_are_whole_names() {
    let mut a = article(
        "Lukashenko meets Tokayev",
        None,
        Some("https://news.example.by/1"),
        &["Aleksandr Lukashenko", "Astana", "Astana"],
    );
    a.urgency = 2;
    let (posts, _) = plan(&a, &accounts(false), &StoryState::default());
    let x = posts.iter().find(|p| p.network == Network::X).unwrap();
    assert_eq!(
        x.text.as_deref().unwrap(),
        "BREAKING: Lukashenko meets Tokayev\n\nhttps://news.example.by/1\n#AleksandrLukashenko #Astana"
    );
}

#[test]
fn blocklisted_hashtags_are_skipped() {
    let a = article(
        "Talks",
        None,
        Some("https://news.example.by/1"),
        &["Astana", "Minsk"],
    );
    let mut accounts = accounts(false);
    accounts[0].hashtag_blocklist = vec!["#astana".into()];
    let (posts, _) = plan(&a, &accounts[..1], &StoryState::default());
    assert!(
        posts[0].text.as_deref().unwrap().ends_with("#Minsk"),
        "{:?}",
        posts[0].text
    );
}

#[test]
fn bluesky_posts_carry_a_link_card_and_a_short_link() {
    let mut a = article(
        "Talks in Astana",
        Some("The presidents met."),
        Some("https://news.example.by/politics/view/talks-in-astana-123/"),
        &[],
    );
    a.media = vec![serde_json::from_value(serde_json::json!({"url": "https://news.example.by/1.jpg", "type": "image/jpeg", "caption": "Presidents at the talks"})).unwrap()];
    let (posts, _) = plan(&a, &accounts(false), &StoryState::default());
    let post = posts
        .iter()
        .find(|p| p.network == Network::Bluesky)
        .unwrap();
    assert_eq!(
        post.text.as_deref().unwrap(),
        "Talks in Astana\n\nnews.example.by/politics/vie..."
    );
    let embed = post.embed.as_ref().unwrap();
    assert_eq!(
        embed.uri,
        "https://news.example.by/politics/view/talks-in-astana-123/"
    );
    assert_eq!(embed.description, "The presidents met.");
    assert_eq!(
        embed.thumb_url.as_deref(),
        Some("https://news.example.by/1.jpg")
    );
    assert_eq!(post.media[0].alt, "Presidents at the talks");
}

#[test]
fn threads_are_numbered_and_split_between_sentences() {
    let body: String = (0..40)
        .map(|i| format!("<p>Paragraph {i} says something. It is a sentence that takes room.</p>"))
        .collect();
    let mut a = article(
        "Long story",
        Some("A summary."),
        Some("https://news.example.by/1"),
        &[],
    );
    a.body = body;
    let mut account = SocialAccount::new("desk", Network::X);
    account.thread = true;
    account.thread_max_posts = 4;
    let (posts, _) = plan(&a, &[account], &StoryState::default());
    let post = &posts[0];
    assert_eq!(post.thread.len(), 3);
    assert!(post.text.as_deref().unwrap().ends_with("\n1/4"));
    for (i, part) in post.thread.iter().enumerate() {
        assert!(
            part.text.ends_with(&format!("\n{}/4", i + 2)),
            "{}",
            part.text
        );
        let body = part.text.rsplit_once('\n').unwrap().0;
        assert!(body.ends_with('.'), "cut mid-sentence: {body:?}");
    }
}

fn version(a: &Article, v: u64, f: impl FnOnce(&mut Article)) -> Article {
    let mut a = a.clone();
    a.version = v;
    a.version_created += chrono::Duration::minutes(v as i64);
    f(&mut a);
    a
}

#[test]
fn newswire_rules_redelivery_kill_correction_embargo_withheld() {
    let accounts = accounts(false);
    let v1 = article("Talks", None, Some("https://news.example.by/1"), &[]);
    let (first, state) = plan(&v1, &accounts, &StoryState::default());
    assert_eq!(first.len(), 6);
    assert!(first
        .iter()
        .all(|p| p.action == Action::Publish && p.kind == Kind::Story));

    // Redelivery and older versions produce nothing.
    assert!(plan(&v1, &accounts, &state).0.is_empty());

    // A plain update produces nothing; a correction a follow-up per account.
    let v2 = version(&v1, 2, |a| a.headline = "Talks (updated)".into());
    let (update, state) = plan(&v2, &accounts, &state);
    assert!(update.is_empty());
    let v3 = version(&v1, 3, |a| {
        a.headline = "Talks in Astana".into();
        a.signals = vec![newswire_shared::article::Signal::Correction];
    });
    let (corrections, state) = plan(&v3, &accounts, &state);
    assert_eq!(corrections.len(), 6);
    assert!(corrections
        .iter()
        .all(|p| p.kind == Kind::Correction
            && p.text.as_deref().unwrap().starts_with("CORRECTION: ")));
    assert!(corrections.iter().all(|p| p.post_id != first[0].post_id));

    // A kill deletes every post produced: the originals and the follow-ups.
    let v4 = version(&v1, 4, |a| {
        a.status = newswire_shared::article::Status::Canceled
    });
    let (kill, state) = plan(&v4, &accounts, &state);
    assert_eq!(kill.len(), 12);
    assert!(kill
        .iter()
        .all(|p| p.action == Action::Delete && p.text.is_none()));
    assert!(plan(&v4, &accounts, &state).0.is_empty());

    // Withheld from the start: nothing at all.
    let w = version(&v1, 1, |a| {
        a.id = "held".into();
        a.status = newswire_shared::article::Status::Withheld;
    });
    assert!(plan(&w, &accounts, &StoryState::default()).0.is_empty());
}

#[test]
fn embargoed_stories_are_scheduled_and_a_later_embargo_replaces_the_schedule() {
    let accounts = accounts(false);
    let embargo: chrono::DateTime<chrono::Utc> = "2024-11-28T12:00:00Z".parse().unwrap();
    let v1 = version(
        &article("Talks", None, Some("https://news.example.by/1"), &[]),
        1,
        |a| a.embargo_until = Some(embargo),
    );
    let (posts, state) = plan(&v1, &accounts, &StoryState::default());
    assert!(posts
        .iter()
        .all(|p| p.action == Action::Schedule && p.publish_at == Some(embargo)));
    let later = embargo + chrono::Duration::hours(2);
    let v2 = version(&v1, 2, |a| a.embargo_until = Some(later));
    let (moved, _) = plan(&v2, &accounts, &state);
    assert_eq!(moved.len(), 6);
    for (m, p) in moved.iter().zip(&posts) {
        assert_eq!(
            m.post_id, p.post_id,
            "the scheduled post is replaced, not doubled"
        );
        assert_eq!(m.publish_at, Some(later));
    }
}

#[test]
fn accounts_take_only_their_languages() {
    let mut ru = SocialAccount::new("belta_ru", Network::Telegram);
    ru.languages = vec!["ru".into()];
    let en = article("Talks", None, Some("https://news.example.by/1"), &[]);
    assert!(plan(&en, &[ru.clone()], &StoryState::default())
        .0
        .is_empty());
    let mut r = en.clone();
    r.enrichment.as_mut().unwrap().language = "ru".into();
    assert_eq!(plan(&r, &[ru], &StoryState::default()).0.len(), 1);
}
