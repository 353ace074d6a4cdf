//! IPTC NewsML-G2 2.35: one `newsItem` per article version, and the `newsMessage`
//! that carries several. Written with quick-xml in the order the schema enforces;
//! QCodes come from IPTC's controlled vocabularies (`vocab.rs`).

use crate::article::{EntityType, Media, Signal, Status};
use crate::formats::vocab;
use crate::formats::xhtml::{body_xhtml, word_count};
use crate::links::Base;
use crate::xml::xml_safe;
use crate::Article;
use chrono::{DateTime, Utc};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io;

pub const NAR_NAMESPACE: &str = "http://iptc.org/std/nar/2006-10-01/";
pub const XHTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";
pub const STANDARD_VERSION: &str = "2.35";
/// IPTC's catalog, which declares every `ninat:`, `stat:`, `sig:`, `cpnat:`, `drol:`,
/// `irel:` and `medtop:` alias we use.
pub const IPTC_CATALOG: &str = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml";

/// Who publishes the items.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub uri: String,
}

/// The item's `guid`: the same for every version of a story.
pub fn guid(article_id: &str) -> String {
    format!("urn:newswire:article:{article_id}")
}

/// The `guid` of the news item carrying a story's `n`-th media item (from 1).
pub fn media_guid(article_id: &str, n: usize) -> String {
    format!("urn:newswire:article:{article_id}:media:{n}")
}

/// The `guid` of the package holding a story's text and pictures.
pub fn package_guid(article_id: &str) -> String {
    format!("urn:newswire:package:{article_id}")
}

/// MIME type of a NewsML-G2 news item.
pub const NEWS_ITEM_TYPE: &str = "application/vnd.iptc.g2.newsitem+xml";
/// MIME type of a NewsML-G2 package item.
pub const PACKAGE_ITEM_TYPE: &str = "application/vnd.iptc.g2.packageitem+xml";
/// MIME type of a NewsML-G2 news message.
pub const NEWS_MESSAGE_TYPE: &str = "application/vnd.iptc.g2.newsmessage+xml";

/// What a subscriber receives for one article version, and its MIME type.
///
/// A story without `media` is its text `newsItem` alone. A story with media goes out
/// the way IPTC's guidelines carry pictures with a text story: a `newsItem` conveys one
/// piece of content, so each media item is a news item of its own (`ninat:picture`,
/// its address in `remoteContent`, the caption as `drol:caption`, the credit as
/// `creditline`), and a `packageItem` (`ninat:composite`) groups them with the text
/// item (Quick Start Guide to Packages: links are not a way to package news; IPTC's
/// example package pairs a text item with a picture item). The package and its items
/// travel together, as the guidelines allow, in one `newsMessage`: package first, then
/// the text item, then the media items in the story's order.
pub fn version_document(article: &Article, provider: &Provider) -> (Vec<u8>, &'static str) {
    if article.media.is_empty() {
        return (news_item(article, provider), NEWS_ITEM_TYPE);
    }
    let mut items = vec![
        package_item(article, provider),
        news_item(article, provider),
    ];
    items.extend((1..=article.media.len()).map(|n| media_item(article, n, provider)));
    let refs: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
    let transmit_id = format!("{}:{}", article.id, article.version);
    (
        news_message(&refs, article.version_created, &transmit_id, provider),
        NEWS_MESSAGE_TYPE,
    )
}

/// The MIME type of a document [`version_document`] wrote.
pub fn content_type(doc: &[u8]) -> &'static str {
    match root_name(doc) {
        "newsMessage" => NEWS_MESSAGE_TYPE,
        "packageItem" => PACKAGE_ITEM_TYPE,
        _ => NEWS_ITEM_TYPE,
    }
}

/// The name of a document's root element.
fn root_name(doc: &[u8]) -> &str {
    let s = strip_declaration(doc);
    let name = s.strip_prefix('<').unwrap_or_default();
    let end = name
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(name.len());
    &name[..end]
}

/// A standalone NewsML-G2 document holding the article's `newsItem`.
pub fn news_item(article: &Article, provider: &Provider) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::with_capacity(4096 + article.body.len() * 2), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .expect("writing to memory");
    write_news_item(&mut w, article, provider).expect("writing to memory");
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

/// A `newsMessage` carrying `items` (standalone `newsItem` documents, as
/// [`news_item`] writes them) in order.
pub fn news_message(
    items: &[&[u8]],
    sent: DateTime<Utc>,
    transmit_id: &str,
    provider: &Provider,
) -> Vec<u8> {
    let mut w = Writer::new_with_indent(
        Vec::with_capacity(items.iter().map(|i| i.len()).sum::<usize>() + 512),
        b' ',
        1,
    );
    let result: io::Result<()> = (|| {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.create_element("newsMessage")
            .with_attribute(("xmlns", NAR_NAMESPACE))
            .write_inner_content(|w| {
                w.create_element("header").write_inner_content(|w| {
                    text(w, "sent", &timestamp(sent))?;
                    w.create_element("catalogRef")
                        .with_attribute(("href", IPTC_CATALOG))
                        .write_empty()?;
                    text(w, "sender", &xml_safe(&provider.name))?;
                    text(w, "transmitId", transmit_id)?;
                    Ok(())
                })?;
                w.create_element("itemSet").write_inner_content(|w| {
                    for item in items {
                        w.write_event(Event::Text(BytesText::from_escaped(item_set_content(
                            item,
                        ))))?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })();
    result.expect("writing to memory");
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

/// What a document adds to an `itemSet`: its item, or the items of a `newsMessage`
/// (a story's package, text and pictures).
fn item_set_content(doc: &[u8]) -> &str {
    let s = strip_declaration(doc);
    if root_name(doc) != "newsMessage" {
        return s;
    }
    let inner = s
        .find("<itemSet>")
        .map(|i| &s[i + "<itemSet>".len()..])
        .and_then(|rest| rest.rfind("</itemSet>").map(|j| &rest[..j]));
    inner.unwrap_or_default().trim()
}

/// The element of a standalone document, without its XML declaration.
fn strip_declaration(doc: &[u8]) -> &str {
    let s = std::str::from_utf8(doc).unwrap_or_default();
    let s = match s.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, after)| after),
        None => s,
    };
    s.trim()
}

fn timestamp(t: DateTime<Utc>) -> String {
    crate::timestamp::format(t)
}

fn text<W: io::Write>(w: &mut Writer<W>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

fn named<W: io::Write>(
    w: &mut Writer<W>,
    name: &str,
    attrs: &[(&str, &str)],
    label: &str,
) -> io::Result<()> {
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_inner_content(|w| text(w, "name", &xml_safe(label)))?;
    Ok(())
}

/// A BCP 47 tag as `xs:language` accepts it; anything else is left out.
pub fn valid_language(tag: &str) -> Option<&str> {
    let ok = tag.split('-').enumerate().all(|(i, part)| {
        (1..=8).contains(&part.len())
            && if i == 0 {
                part.bytes().all(|b| b.is_ascii_alphabetic())
            } else {
                part.bytes().all(|b| b.is_ascii_alphanumeric())
            }
    });
    ok.then_some(tag)
}

/// `url` with every character a URI may not hold percent-encoded (`<`, `>`, spaces,
/// non-ASCII…), so strict parsers accept it.
pub fn uri_escape(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in xml_safe(url).bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The dateline as printed: `ASTANA, 28 November (BelTA)`.
pub fn dateline_text(article: &Article) -> Option<String> {
    let d = article.dateline.as_ref()?;
    let mut s = String::new();
    if let Some(place) = &d.place {
        s.push_str(place);
    }
    if let Some(date) = &d.date {
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str(date);
    }
    if let Some(source) = &d.source {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push('(');
        s.push_str(source);
        s.push(')');
    }
    (!s.trim().is_empty()).then(|| xml_safe(&s))
}

fn write_news_item<W: io::Write>(
    w: &mut Writer<W>,
    a: &Article,
    provider: &Provider,
) -> io::Result<()> {
    let version = a.version.to_string();
    let language = a.story_language().and_then(valid_language);
    let guid = guid(&a.id);
    let mut item = w
        .create_element("newsItem")
        .with_attribute(("xmlns", NAR_NAMESPACE))
        .with_attribute(("guid", guid.as_str()))
        .with_attribute(("version", version.as_str()))
        .with_attribute(("standard", "NewsML-G2"))
        .with_attribute(("standardversion", STANDARD_VERSION));
    if let Some(lang) = language {
        item = item.with_attribute(("xml:lang", lang));
    }
    item.write_inner_content(|w| {
        w.create_element("catalogRef")
            .with_attribute(("href", IPTC_CATALOG))
            .write_empty()?;
        write_item_meta(w, a, provider, vocab::ITEM_CLASS_TEXT)?;
        write_content_meta(w, a, language)?;
        if a.status == Status::Usable {
            write_content_set(w, a)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_item_meta<W: io::Write>(
    w: &mut Writer<W>,
    a: &Article,
    provider: &Provider,
    item_class: &str,
) -> io::Result<()> {
    w.create_element("itemMeta").write_inner_content(|w| {
        w.create_element("itemClass")
            .with_attribute(("qcode", item_class))
            .write_empty()?;
        named(w, "provider", &[("uri", &provider.uri)], &provider.name)?;
        text(w, "versionCreated", &timestamp(a.version_created))?;
        text(w, "firstCreated", &timestamp(a.first_created))?;
        if let Some(embargo) = a.embargo_until {
            text(w, "embargoed", &timestamp(embargo))?;
        }
        w.create_element("pubStatus")
            .with_attribute(("qcode", vocab::pub_status(a.status)))
            .write_empty()?;
        if let Some(note) = editorial_note(a) {
            text(w, "edNote", note)?;
        }
        for signal in &a.signals {
            let qcode = match signal {
                Signal::Correction => vocab::SIGNAL_CORRECTION,
                Signal::Update => vocab::SIGNAL_UPDATE,
            };
            w.create_element("signal")
                .with_attribute(("qcode", qcode))
                .write_empty()?;
        }
        if let Some(url) = &a.url {
            w.create_element("link")
                .with_attribute(("rel", vocab::LINK_SEE_ALSO))
                .with_attribute(("href", uri_escape(url).as_str()))
                .with_attribute(("contenttype", "text/html"))
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

/// What an editor downstream must know about this version.
pub fn editorial_note(a: &Article) -> Option<&'static str> {
    match a.status {
        Status::Canceled => {
            Some("KILL: this story is withdrawn. Do not use it; remove it wherever it was used.")
        }
        Status::Withheld => Some("WITHHELD: do not use this story until further notice."),
        Status::Usable if a.signals.contains(&Signal::Correction) => {
            Some("CORRECTION: this version corrects an earlier one; replace it.")
        }
        Status::Usable => None,
    }
}

fn write_content_meta<W: io::Write>(
    w: &mut Writer<W>,
    a: &Article,
    language: Option<&str>,
) -> io::Result<()> {
    w.create_element("contentMeta").write_inner_content(|w| {
        text(w, "urgency", &a.urgency.clamp(1, 9).to_string())?;
        text(w, "contentCreated", &timestamp(a.first_created))?;
        text(w, "contentModified", &timestamp(a.version_created))?;
        write_located(w, a)?;
        if let Some(byline) = &a.byline {
            named(w, "creator", &[], byline)?;
        }
        if let Some(source) = &a.source {
            named(w, "infoSource", &[], source)?;
        }
        if let Some(lang) = language {
            w.create_element("language")
                .with_attribute(("tag", lang))
                .write_empty()?;
        }
        let mut keywords: Vec<&str> = a.keywords.iter().map(String::as_str).collect();
        if let Some(e) = &a.enrichment {
            keywords.extend(e.keywords.iter().map(String::as_str));
        }
        let mut seen = std::collections::HashSet::new();
        for k in keywords
            .into_iter()
            .filter(|k| seen.insert(k.to_lowercase()))
        {
            text(w, "keyword", &xml_safe(k))?;
        }
        if let Some(e) = &a.enrichment {
            for s in &e.subjects {
                let confidence = percent(s.confidence);
                w.create_element("subject")
                    .with_attribute(("type", vocab::CONCEPT_ABSTRACT))
                    .with_attribute(("qcode", xml_safe(&s.code).as_str()))
                    .with_attribute(("confidence", confidence.as_str()))
                    .write_inner_content(|w| {
                        w.create_element("name")
                            .with_attribute(("xml:lang", "en"))
                            .write_text_content(BytesText::new(&xml_safe(&s.label)))?;
                        Ok(())
                    })?;
            }
            for en in &e.entities {
                let nature = vocab::concept_nature(en.entity_type);
                let relevance = percent(en.salience);
                let uri = en.id.as_deref().and_then(crate::entity_id::uri);
                let mut attrs = vec![("type", nature), ("relevance", relevance.as_str())];
                if let Some(uri) = &uri {
                    attrs.push(("uri", uri.as_str()));
                }
                named(w, "subject", &attrs, &en.name)?;
            }
        }
        text(w, "headline", &xml_safe(&a.headline))?;
        if let Some(d) = dateline_text(a) {
            text(w, "dateline", &d)?;
        }
        if let Some(byline) = &a.byline {
            text(w, "by", &xml_safe(byline))?;
        }
        if let Some(summary) = &a.summary {
            w.create_element("description")
                .with_attribute(("role", vocab::DESCRIPTION_SUMMARY))
                .write_text_content(BytesText::new(&xml_safe(summary)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Where the story happened: the enricher's parsed dateline (with its place id),
/// else the place the newsroom printed.
fn write_located<W: io::Write>(w: &mut Writer<W>, a: &Article) -> io::Result<()> {
    let parsed = a.enrichment.as_ref().and_then(|e| e.dateline.as_ref());
    let place = parsed
        .and_then(|d| d.place.as_deref())
        .or_else(|| a.dateline.as_ref().and_then(|d| d.place.as_deref()));
    let Some(place) = place.filter(|p| !p.trim().is_empty()) else {
        return Ok(());
    };
    let uri = parsed
        .and_then(|d| d.place_id.as_deref())
        .and_then(crate::entity_id::uri);
    let mut attrs = vec![("type", vocab::concept_nature(EntityType::Place))];
    if let Some(uri) = &uri {
        attrs.push(("uri", uri.as_str()));
    }
    named(w, "located", &attrs, place)
}

fn write_content_set<W: io::Write>(w: &mut Writer<W>, a: &Article) -> io::Result<()> {
    let body = body_xhtml(&a.body, &Base::of(a.url.as_deref()));
    let words = word_count(&body).to_string();
    let headline = xml_safe(&a.headline);
    w.create_element("contentSet").write_inner_content(|w| {
        w.create_element("inlineXML")
            .with_attribute(("contenttype", "application/xhtml+xml"))
            .with_attribute(("wordcount", words.as_str()))
            .write_inner_content(|w| write_xhtml(w, &headline, &body))?;
        Ok(())
    })?;
    Ok(())
}

/// The story's XHTML document: `title` in the head, `body` (escaped already) as the body.
fn write_xhtml<W: io::Write>(w: &mut Writer<W>, title: &str, body: &str) -> io::Result<()> {
    w.create_element("html")
        .with_attribute(("xmlns", XHTML_NAMESPACE))
        .write_inner_content(|w| {
            w.create_element("head")
                .write_inner_content(|w| text(w, "title", title))?;
            w.create_element("body").write_inner_content(|w| {
                w.write_event(Event::Text(BytesText::from_escaped(body)))
            })?;
            Ok(())
        })?;
    Ok(())
}

/// The root element of an item (`newsItem`, `packageItem`) with the attributes every
/// item carries.
fn item_root<'a, W: io::Write>(
    w: &'a mut Writer<W>,
    element: &'a str,
    guid: &'a str,
    version: &'a str,
    language: Option<&'a str>,
) -> quick_xml::writer::ElementWriter<'a, W> {
    let mut root = w
        .create_element(element)
        .with_attribute(("xmlns", NAR_NAMESPACE))
        .with_attribute(("guid", guid))
        .with_attribute(("version", version))
        .with_attribute(("standard", "NewsML-G2"))
        .with_attribute(("standardversion", STANDARD_VERSION));
    if let Some(lang) = language {
        root = root.with_attribute(("xml:lang", lang));
    }
    root
}

fn standalone(write: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::with_capacity(2048), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .expect("writing to memory");
    write(&mut w).expect("writing to memory");
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

/// The news item carrying the story's `n`-th media item (from 1): the story's status,
/// times and embargo; the caption as `drol:caption`, the credit as `creditline`, the
/// story's headline; the media item's address, type and size in `remoteContent` (no
/// content for a withheld or killed story).
pub fn media_item(a: &Article, n: usize, provider: &Provider) -> Vec<u8> {
    let media = &a.media[n - 1];
    let version = a.version.to_string();
    let guid = media_guid(&a.id, n);
    let language = a.story_language().and_then(valid_language);
    standalone(|w| {
        item_root(w, "newsItem", &guid, &version, language).write_inner_content(|w| {
            w.create_element("catalogRef")
                .with_attribute(("href", IPTC_CATALOG))
                .write_empty()?;
            write_item_meta(w, a, provider, vocab::media_nature(&media.media_type))?;
            w.create_element("contentMeta").write_inner_content(|w| {
                text(w, "urgency", &a.urgency.clamp(1, 9).to_string())?;
                text(w, "contentCreated", &timestamp(a.first_created))?;
                text(w, "contentModified", &timestamp(a.version_created))?;
                if let Some(credit) = media.credit.as_deref().filter(|c| !c.trim().is_empty()) {
                    text(w, "creditline", &xml_safe(credit))?;
                }
                if let Some(lang) = language {
                    w.create_element("language")
                        .with_attribute(("tag", lang))
                        .write_empty()?;
                }
                text(w, "headline", &xml_safe(&a.headline))?;
                if let Some(caption) = media.caption.as_deref().filter(|c| !c.trim().is_empty()) {
                    w.create_element("description")
                        .with_attribute(("role", vocab::DESCRIPTION_CAPTION))
                        .write_text_content(BytesText::new(&xml_safe(caption)))?;
                }
                Ok(())
            })?;
            if a.status == Status::Usable {
                w.create_element("contentSet")
                    .write_inner_content(|w| write_remote_content(w, media))?;
            }
            Ok(())
        })?;
        Ok(())
    })
}

fn write_remote_content<W: io::Write>(w: &mut Writer<W>, media: &Media) -> io::Result<()> {
    let href = uri_escape(&media.url);
    let media_type = xml_safe(&media.media_type);
    let (width, height) = (
        media.width.map(|x| x.to_string()),
        media.height.map(|x| x.to_string()),
    );
    let mut e = w
        .create_element("remoteContent")
        .with_attribute(("rendition", vocab::RENDITION_WEB))
        .with_attribute(("href", href.as_str()))
        .with_attribute(("contenttype", media_type.as_str()));
    if let Some(width) = &width {
        e = e.with_attribute(("width", width.as_str()));
    }
    if let Some(height) = &height {
        e = e.with_attribute(("height", height.as_str()));
    }
    e.write_empty()?;
    Ok(())
}

/// The package of a story with media: the text item, then each media item, in one
/// group, each referred to by `guid` and version with what a receiver needs before
/// fetching it (class, status, title, summary or caption).
pub fn package_item(a: &Article, provider: &Provider) -> Vec<u8> {
    let version = a.version.to_string();
    let guid = package_guid(&a.id);
    let language = a.story_language().and_then(valid_language);
    let headline = xml_safe(&a.headline);
    standalone(|w| {
        item_root(w, "packageItem", &guid, &version, language).write_inner_content(|w| {
            w.create_element("catalogRef")
                .with_attribute(("href", IPTC_CATALOG))
                .write_empty()?;
            write_item_meta(w, a, provider, vocab::ITEM_CLASS_COMPOSITE)?;
            w.create_element("contentMeta").write_inner_content(|w| {
                text(w, "urgency", &a.urgency.clamp(1, 9).to_string())?;
                text(w, "contentCreated", &timestamp(a.first_created))?;
                text(w, "contentModified", &timestamp(a.version_created))?;
                if let Some(lang) = language {
                    w.create_element("language")
                        .with_attribute(("tag", lang))
                        .write_empty()?;
                }
                text(w, "headline", &headline)
            })?;
            let group = group_id(a);
            w.create_element("groupSet")
                .with_attribute(("root", group.as_str()))
                .write_inner_content(|w| {
                    w.create_element("group")
                        .with_attribute(("id", group.as_str()))
                        .with_attribute(("role", vocab::GROUP_MAIN))
                        .write_inner_content(|w| {
                            for (guid, class, description) in group_refs(a) {
                                let description =
                                    description.as_ref().map(|(role, d)| (*role, d.as_str()));
                                write_item_ref(
                                    w,
                                    a,
                                    &guid,
                                    class,
                                    provider,
                                    &headline,
                                    description,
                                )?;
                            }
                            Ok(())
                        })?;
                    Ok(())
                })?;
            Ok(())
        })?;
        Ok(())
    })
}

/// One `itemRef` of a package: guid, item class, and description (role, text).
type Reference = (String, &'static str, Option<(&'static str, String)>);

/// A package group's references, in order: the story's text (with its summary), then
/// each media item (with its caption, when it has one).
fn group_refs(a: &Article) -> impl Iterator<Item = Reference> + '_ {
    let text = (
        guid_text(a),
        vocab::ITEM_CLASS_TEXT,
        a.summary
            .as_deref()
            .map(|s| (vocab::DESCRIPTION_SUMMARY, xml_safe(s))),
    );
    let media = a.media.iter().enumerate().map(|(i, m)| {
        let caption = m.caption.as_deref().filter(|c| !c.trim().is_empty());
        (
            media_guid(&a.id, i + 1),
            vocab::media_nature(&m.media_type),
            caption.map(|c| (vocab::DESCRIPTION_CAPTION, xml_safe(c))),
        )
    });
    std::iter::once(text).chain(media)
}

/// The package's group `id`: an `xs:ID`, unique in any document that carries several
/// packages (a pull `newsMessage`), so made of the story id (letters and digits kept,
/// other bytes as `_XX`) and the version.
fn group_id(a: &Article) -> String {
    let mut id = String::from("g-");
    for b in a.id.bytes() {
        if b.is_ascii_alphanumeric() {
            id.push(b as char);
        } else {
            id.push_str(&format!("_{b:02X}"));
        }
    }
    id.push_str(&format!("-v{}", a.version));
    id
}

fn guid_text(a: &Article) -> String {
    guid(&a.id)
}

fn write_item_ref<W: io::Write>(
    w: &mut Writer<W>,
    a: &Article,
    residref: &str,
    item_class: &str,
    provider: &Provider,
    title: &str,
    description: Option<(&str, &str)>,
) -> io::Result<()> {
    let version = a.version.to_string();
    w.create_element("itemRef")
        .with_attribute(("residref", residref))
        .with_attribute(("version", version.as_str()))
        .with_attribute(("contenttype", NEWS_ITEM_TYPE))
        .write_inner_content(|w| {
            w.create_element("itemClass")
                .with_attribute(("qcode", item_class))
                .write_empty()?;
            named(w, "provider", &[("uri", &provider.uri)], &provider.name)?;
            w.create_element("pubStatus")
                .with_attribute(("qcode", vocab::pub_status(a.status)))
                .write_empty()?;
            text(w, "title", title)?;
            if let Some((role, value)) = description {
                w.create_element("description")
                    .with_attribute(("role", role))
                    .write_text_content(BytesText::new(value))?;
            }
            Ok(())
        })?;
    Ok(())
}

fn percent(x: f32) -> String {
    ((x.clamp(0.0, 1.0) * 100.0).round() as u8).to_string()
}
