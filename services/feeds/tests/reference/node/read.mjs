// Reads feeds with @extractus/feed-extractor (RSS, Atom, JSON Feed) and prints what it
// understood as one JSON object per file, as the gofeed and feedparser readers do: the
// feed's language and, per item, its id, published and updated instants (Unix seconds)
// and language. The dates are the elements each format defines for them, as the
// extractor's own parser hands them over, read by JavaScript's Date.
// Usage: node read.mjs FILE...
import { readFileSync } from "node:fs";
import { extractFromJson, extractFromXml } from "@extractus/feed-extractor";

const seconds = (text) => {
  if (text === undefined || text === null || text === "") return null;
  const t = Date.parse(String(text));
  return Number.isNaN(t) ? NaN : Math.floor(t / 1000);
};
const textOf = (v) => (v && typeof v === "object" ? (v["#text"] ?? "") : (v ?? ""));

for (const file of process.argv.slice(2)) {
  const out = { file, items: [], language: "" };
  try {
    const raw = readFileSync(file, "utf8");
    const options = {
      normalization: true,
      useISODateFormat: false,
      getExtraFeedFields: (feed) => ({
        lang: textOf(feed.language) || feed["@_xml:lang"] || feed.language || "",
      }),
      getExtraEntryFields: (e) => ({
        raw_published: textOf(e.pubDate ?? e.published ?? e.date_published),
        raw_updated: textOf(e["atom:updated"] ?? e.updated ?? e.date_modified),
        raw_language: textOf(e["dc:language"]) || e["@_xml:lang"] || e.language || null,
      }),
    };
    const feed = raw.trimStart().startsWith("{")
      ? extractFromJson(JSON.parse(raw), options)
      : extractFromXml(raw, options);
    out.language = typeof feed.lang === "string" ? feed.lang : "";
    out.items = (feed.entries ?? []).map((e) => ({
      id: e.id,
      published: seconds(e.raw_published),
      updated: seconds(e.raw_updated),
      language: e.raw_language || null,
    }));
  } catch (err) {
    out.error = String(err && err.message ? err.message : err);
  }
  console.log(JSON.stringify(out));
}
