// Recounts posts by the networks' own code, for the differential tests in
// ../reference.rs. One process per test: reads a JSON file {"x": [text…],
// "mastodon": [text…]} named on the command line and prints
// {"x": [{"weightedLength", "valid"}…], "mastodon": [length…]}.
//
// X: twitter-text 3.1.0, X's official JavaScript implementation, parseTweet with its
// default configuration (v3, the one X uses).
//
// Mastodon: its server validator (app/validators/status_length_validator.rb) counts
// grapheme clusters after replacing each URL its extractor finds by 23 characters and
// each @user@domain by @user. The extractor is twitter-text's Ruby gem (3.1) with
// extract_url_without_protocol: false, under the URL pattern Mastodon widens in
// config/initializers/twitter_regex.rb. Mastodon is Ruby; this restates that rule in
// JavaScript: twitter-text's own TLD alternations, preceding-character and port
// patterns, the gem's domain characters, Mastodon's protocols, path and query as its
// initializer states them, Account::MENTION_RE, and UTS 46 for the gem's IDNA check.
"use strict";
const fs = require("fs");
const twttr = require("twitter-text");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

const x = (input.x || []).map((text) => {
  const r = twttr.parseTweet(text);
  return { weightedLength: r.weightedLength, valid: r.valid };
});

const re = twttr.regexen;
const src = (r) => r.source;
const hex = (n) => "\\u" + n.toString(16).toUpperCase().padStart(4, "0");

// twitter-text's patterns are written for UTF-16 code units (no u flag), so Mastodon's
// additions are too: code points past U+FFFF as surrogate pairs.
function astral(lo, hi) {
  const high = (c) => 0xd800 + ((c - 0x10000) >> 10);
  const low = (c) => 0xdc00 + ((c - 0x10000) & 0x3ff);
  const [h1, l1, h2, l2] = [high(lo), low(lo), high(hi), low(hi)];
  if (h1 === h2) return `${hex(h1)}[${hex(l1)}-${hex(l2)}]`;
  const parts = [`${hex(h1)}[${hex(l1)}-\\uDFFF]`];
  if (h2 - h1 > 1) parts.push(`[${hex(h1 + 1)}-${hex(h2 - 1)}][\\uDC00-\\uDFFF]`);
  parts.push(`${hex(h2)}[\\uDC00-${hex(l2)}]`);
  return parts.join("|");
}

// Ruby's \p{White_Space}.
const space = "\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
// Mastodon's URL path: any character but white space, <, >, ( ) and ?, with
// balanced parentheses (one level nested), not ending in punctuation.
const pathChar = `[^${space}<>()?]`;
const parens = `\\((?:${pathChar}+|(?:${pathChar}*\\(${pathChar}+\\)${pathChar}*))\\)`;
const pathEnd = `(?:[^${space}()?!*"'「」<>;:=,.$%\\[\\]~&|@]|${parens})`;
const path = `(?:(?:${pathChar}*(?:${parens}${pathChar}*)*${pathEnd})|(?:${pathChar}+/))`;
// Mastodon's UCHARS: the URI code points of RFC 3987 (ucschar and iprivate).
const ucharsBmp = "\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF\\uE000-\\uF8FF";
const ucharsAstral = [
  [0x10000, 0x1fffd], [0x20000, 0x2fffd], [0x30000, 0x3fffd], [0x40000, 0x4fffd],
  [0x50000, 0x5fffd], [0x60000, 0x6fffd], [0x70000, 0x7fffd], [0x80000, 0x8fffd],
  [0x90000, 0x9fffd], [0xa0000, 0xafffd], [0xb0000, 0xbfffd], [0xc0000, 0xcfffd],
  [0xd0000, 0xdfffd], [0xe1000, 0xefffd], [0xf0000, 0xffffd], [0x100000, 0x10fffd],
].map(([lo, hi]) => astral(lo, hi)).join("|");
const queryChar = `(?:[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@\\^${ucharsBmp}]|${ucharsAstral})`;
const queryEnd = `(?:[a-z0-9_&=#/\\-${ucharsBmp}]|${ucharsAstral})`;
// The Ruby gem's DOMAIN_VALID_CHARS: not directional marks, punctuation (with " and `),
// spaces, control characters or the three invalid characters.
const domainChar =
  "[^\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069!\"#$%&'()*+,\\-./:;<=>?@\\[\\]^_`{|}~" +
  "\\x00-\\x20\\x7F\\x85\\xA0\\u1680\\u180E\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFFFE\\uFEFF\\uFFFF]";
const subdomain = `(?:(?:${domainChar}(?:[_-]|${domainChar})*)?${domainChar}\\.)`;
const domainName = `(?:(?:${domainChar}(?:-|${domainChar})*)?${domainChar}\\.)`;
// twitter-text's own TLD alternations (the gem carries the same tld_lib.yml).
const domain = `(?:${subdomain}*${domainName}(?:${src(re.validGTLD)}|${src(re.validCCTLD)}|(?:xn--[0-9a-z]+)))`;
const protocol = "(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\\/\\/";
// Mastodon's valid_url; Ruby's ^ is a line anchor, hence m.
const validUrl = () =>
  new RegExp(
    `(${src(re.validUrlPrecedingChars)})((${protocol})?(${domain})` +
      `(?::(${src(re.validPortNumber)}))?(\\/${path}*)?(\\?${queryChar}*${queryEnd})?)`,
    "gim"
  );
const tco = /^https?:\/\/t\.co\/([a-z0-9]+)/i;
const { domainToASCII } = require("url");

// twitter-text Ruby's extract_urls_with_indices(text, extract_url_without_protocol:
// false): [start, end) in UTF-16 units of every URL with a protocol.
function mastodonUrls(text) {
  if (!text.includes(":")) return [];
  const found = [];
  const pattern = validUrl();
  let m;
  while ((m = pattern.exec(text))) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (!m[3]) continue; // no protocol: skipped, and scanning goes on after it
    let url = m[2];
    const start = m.index + m[1].length;
    const t = tco.exec(url);
    if (t) {
      if ([...t[1]].length > 40) continue;
      url = t[0];
    }
    if (!validDomain(url, m[4])) continue;
    found.push([start, start + url.length]);
  }
  return found;
}

// is_valid_domain: the host IDNA-encodes (the gem asks libidn; this asks UTS 46, as
// the WHATWG URL standard does) and the URL, host so encoded, is at most 4096
// characters.
function validDomain(url, domain) {
  const ascii = domainToASCII(domain);
  if (!ascii) return false;
  const chars = (s) => [...s].length;
  const grow = Math.max(0, chars(ascii) - chars(domain));
  return chars(url) + grow <= 4096;
}

// Account::MENTION_RE: @user or @user@domain, not after a word character, = or /;
// Ruby's [[:word:]] is letters, marks, decimal digits, connector punctuation, joiners.
const word = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200C\\u200D";
const mentionRe = new RegExp(
  `(?<![=/${word}])@(([a-zA-Z0-9_]+(?:[.-]+[a-zA-Z0-9_]+)*)(?:@[${word}]+(?:[.-]+[${word}]+)*)?)`,
  "gu"
);
const endMention = new RegExp(`^(?:${src(re.atSigns)}|[${src(re.latinAccentChars)}]|:\\/\\/)`);

function mastodonLength(text) {
  const entities = mastodonUrls(text).map(([s, e]) => ({ s, e, url: true }));
  if (/[@＠]/.test(text)) {
    let m;
    mentionRe.lastIndex = 0;
    while ((m = mentionRe.exec(text))) {
      if (endMention.test(text.slice(m.index + m[0].length))) continue;
      const domain = m[1].split("@")[1];
      if (domain && [...domain].length > 253) continue; // Extractor::MAX_DOMAIN_LENGTH
      entities.push({ s: m.index, e: m.index + m[0].length, name: m[1] });
    }
  }
  entities.sort((a, b) => a.s - b.s);
  let out = "";
  let at = 0;
  for (const e of entities) {
    if (e.s < at) continue; // overlapping: the earlier one wins
    out += text.slice(at, e.s) + (e.url ? "x".repeat(23) : "@" + e.name.split("@")[0]);
    at = e.e;
  }
  out += text.slice(at);
  return [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(out)].length;
}

const mastodon = (input.mastodon || []).map(mastodonLength);

process.stdout.write(JSON.stringify({ x, mastodon }));
