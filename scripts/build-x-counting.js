#!/usr/bin/env node
// Writes the two tables X's counting depends on, taken from the official
// twitter-text 3.1.0 package (and the twemoji-parser 11.0.2 it counts emoji with), so
// services/social/src/x.rs counts exactly as they do:
//   services/social/data/x-tlds.txt   the TLDs twitter-text recognises, in the order
//                                     its URL pattern tries them (generic, then country)
//   services/social/data/x-emoji.txt  twemoji-parser's emoji pattern, rewritten from
//                                     UTF-16 surrogate pairs to code points, its one
//                                     lookahead replaced by
//   services/social/data/x-emoji-text-style.txt  the emoji that are none before U+FE0E
// and, beside them, the TLD list Bluesky's client (@atproto/api) detects links and
// mentions with, from the `tlds` package it depends on:
//   services/social/data/bluesky-tlds.txt
// Usage (after deploy/ci/install-deps.sh installed the packages):
//   node scripts/build-x-counting.js services/social/tests/reference/node_modules
"use strict";
const fs = require("fs");
const path = require("path");

const modules = path.resolve(process.argv[2] || "services/social/tests/reference/node_modules");
const out = path.resolve(__dirname, "../services/social/data");
const twttr = require(path.join(modules, "twitter-text"));
const version = (p) => require(path.join(modules, p, "package.json")).version;
if (version("twitter-text") !== "3.1.0" || version("twemoji-parser") !== "11.0.2") {
  throw new Error("expected twitter-text 3.1.0 with twemoji-parser 11.0.2");
}

// The alternation inside (?:(?:a|b|…)(?=…)).
const tlds = (re) => re.source.replace(/^\(\?:\(\?:/, "").replace(/\)\(\?=.*$/s, "").split("|");
const all = [...tlds(twttr.regexen.validGTLD), ...tlds(twttr.regexen.validCCTLD)];
fs.writeFileSync(path.join(out, "x-tlds.txt"), all.join("\n") + "\n");

// Each high surrogate in the pattern is followed by a low surrogate or by a class of
// them: the pair (or the class) becomes the code point (or a class of code points).
const source = require(path.join(modules, "twemoji-parser/dist/lib/regex")).default.source;
const cp = (hi, lo) => 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
const hex = (n) => `\\x{${n.toString(16).toUpperCase()}}`;
const unit = /^\\u([0-9a-fA-F]{4})/;
let rewritten = "";
for (let i = 0; i < source.length; ) {
  const m = unit.exec(source.slice(i));
  const code = m ? parseInt(m[1], 16) : -1;
  if (code >= 0xd800 && code <= 0xdbff) {
    i += 6;
    const low = unit.exec(source.slice(i));
    if (low) {
      rewritten += hex(cp(code, parseInt(low[1], 16)));
      i += 6;
    } else if (source[i] === "[") {
      const end = source.indexOf("]", i);
      const body = source.slice(i + 1, end).replace(/\\u([0-9a-fA-F]{4})/g, (_, h) =>
        hex(cp(code, parseInt(h, 16)))
      );
      rewritten += `[${body}]`;
      i = end + 1;
    } else {
      throw new Error(`a high surrogate not followed by a low one at ${i}`);
    }
  } else if (m) {
    rewritten += hex(code);
    i += 6;
  } else {
    rewritten += source[i];
    i += 1;
  }
}
if (/\\x\{D[89A-F][0-9A-F]{2}\}/.test(rewritten)) throw new Error("a surrogate is left");
// The pattern's one lookahead, "an emoji that defaults to text, unless U+FE0E (text
// style) follows", becomes an optional U+FE0F plus the list of those characters: a
// pattern without lookaround runs on Rust's linear-time regex engine. The list is
// what twemoji-parser itself matches alone but not before U+FE0E.
const lookahead = "(?:\\x{FE0F}|(?!\\x{FE0E}))";
if (!rewritten.includes(lookahead)) throw new Error("the FE0E lookahead moved");
const linear = rewritten.split(lookahead).join("\\x{FE0F}?");
if (/\(\?[!=<]/.test(linear)) throw new Error("a lookaround is left");
const { parse } = require(path.join(modules, "twemoji-parser"));
const textStyle = [];
for (let cp = 0; cp < 0x110000; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const c = String.fromCodePoint(cp);
  const alone = parse(c);
  if (alone.length === 1 && alone[0].text === c && parse(c + "\uFE0E").length === 0) {
    textStyle.push(cp.toString(16).toUpperCase());
  }
}
fs.writeFileSync(path.join(out, "x-emoji.txt"), linear + "\n");
fs.writeFileSync(path.join(out, "x-emoji-text-style.txt"), textStyle.join("\n") + "\n");
const iana = require(path.join(modules, "tlds"));
fs.writeFileSync(path.join(out, "bluesky-tlds.txt"), iana.join("\n") + "\n");

console.log(`${iana.length} Bluesky TLDs (tlds ${version("tlds")}), ${all.length} X TLDs, emoji pattern of ${linear.length} characters, ${textStyle.length} text-style emoji`);
