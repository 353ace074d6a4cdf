//! The invariants of `docs/ARCHITECTURE.md` ("Invariants"), checked on the workspace as it
//! is: a change that breaks one fails here with the file or crate named, instead of
//! surviving until a reader notices. In the manner of rust-analyzer's tidy test.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_path_buf()
}

/// A workspace package: its name, its directory relative to the root, and the workspace
/// packages it depends on, each with the dependency's kind (`normal`, `dev`, `build`).
type Package = (String, String, Vec<(String, String)>);

/// `cargo metadata` for the workspace's own packages.
fn packages() -> Vec<Package> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let root = root();
    let members: Vec<&serde_json::Value> = meta["packages"].as_array().unwrap().iter().collect();
    let names: Vec<String> = members
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    members
        .iter()
        .map(|p| {
            let manifest = PathBuf::from(p["manifest_path"].as_str().unwrap());
            let dir = manifest
                .parent()
                .unwrap()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| names.iter().any(|n| n == d["name"].as_str().unwrap()))
                .map(|d| {
                    (
                        d["name"].as_str().unwrap().to_string(),
                        d["kind"].as_str().unwrap_or("normal").to_string(),
                    )
                })
                .collect();
            (p["name"].as_str().unwrap().to_string(), dir, deps)
        })
        .collect()
}

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Invariant 1: a service depends on no other service, only on `shared` (`newswire`, the
/// command that runs them all in one process, `tests` and `bench` link them together). Invariant
/// 2: `shared` depends on no workspace crate.
#[test]
fn services_depend_only_on_shared() {
    let mut broken = Vec::new();
    let packages = packages();
    assert!(
        packages.len() >= 7,
        "expected the workspace's crates, found {packages:?}"
    );
    for (name, dir, deps) in &packages {
        let allowed: &[&str] = if dir == "shared" {
            &[]
        } else if dir.starts_with("services/") && name != "newswire" {
            &["newswire-shared"]
        } else {
            continue;
        };
        for (dep, kind) in deps {
            if !allowed.contains(&dep.as_str()) {
                broken.push(format!(
                    "{name} ({dir}) depends on {dep} ({kind} dependency)"
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "invariant 1/2 broken (docs/ARCHITECTURE.md):\n{}",
        broken.join("\n")
    );
}

/// The format modules: pure functions from an article to bytes. Kept here and in the code
/// map; a moved or renamed format file fails [`formats_know_neither_kafka_nor_http`] until
/// both are updated.
const FORMAT_MODULES: &[&str] = &[
    "services/feeds/src/render/format",
    "services/feeds/src/render/names.rs",
    "shared/src/formats",
    "services/delivery/src/policy.rs",
    "services/delivery/src/render.rs",
    "services/social/src/compose.rs",
    "services/social/src/count.rs",
    "services/social/src/cut.rs",
    "services/social/src/hashtags.rs",
    "services/social/src/markup.rs",
    "services/social/src/mastodon.rs",
    "services/social/src/x.rs",
    "services/social/src/plan.rs",
    "services/social/src/post.rs",
    "services/social/src/richtext.rs",
    "services/social/src/offline.rs",
    "shared/src/xml.rs",
    "shared/src/text.rs",
    "shared/src/timestamp.rs",
    "shared/src/links.rs",
];

/// Modules the formats build on that are not formats themselves (the contract, the
/// settings' types, what a request selects and what a key may have, a feed's
/// selection), and the enricher's pure `enrich()`. They may not name an I/O crate
/// either, but what they use in turn is not followed: the settings' types use
/// `shared::access::gate` and `shared::keys`, whose pure parts (key digests) still share
/// files with axum code — until those are split, following them would fail on a known
/// coupling.
const PURE_SUPPORT: &[&str] = &[
    "shared/src/article.rs",
    "shared/src/entity_id.rs",
    "shared/src/config",
    "shared/src/access/selection.rs",
    "shared/src/access/entitlement.rs",
    "services/feeds/src/store/selector.rs",
    "services/enricher/src/enrich.rs",
];

/// Crates whose use makes a module depend on Kafka, HTTP or the async runtime.
const IO_CRATES: &[&str] = &[
    "rdkafka",
    "axum",
    "hyper",
    "hyper_util",
    "http",
    "http_body",
    "reqwest",
    "tower",
    "tower_http",
    "tower_service",
    "tokio",
];

/// A source file's code: comments and the `#[cfg(test)]` module (at the end, by house
/// style) removed, since tests may use the runtime.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words of `code` that can name a path: `a::b::{c, d}` gives `a::b::`, `c`, `d`.
fn words(code: &str) -> Vec<&str> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The module file or folder a path into this crate (`crate::x`, `super::x`) or into
/// `shared` (`newswire_shared::x`) names, relative to the workspace root; `None` for any
/// other path.
fn module_of(root: &Path, file: &Path, word: &str) -> Option<PathBuf> {
    let src = file
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "src"))?;
    let (base, rest) = if let Some(rest) = word.strip_prefix("newswire_shared::") {
        (root.join("shared/src"), rest)
    } else if let Some(rest) = word.strip_prefix("crate::") {
        (src.to_path_buf(), rest)
    } else if let Some(rest) = word.strip_prefix("super::") {
        // `super` of `x/mod.rs` is the folder holding `x`; of any other `x/y.rs`, `x`.
        let dir = file.parent()?;
        let base = if file.file_name().is_some_and(|n| n == "mod.rs") {
            dir.parent()?
        } else {
            dir
        };
        (base.to_path_buf(), rest)
    } else {
        return None;
    };
    // Followed down folders as far as the path names modules: `crate::access::selection::X`
    // is `access/selection.rs`, `crate::access::Gate` is `access/mod.rs`.
    let mut found = None;
    let mut at = base;
    for segment in rest.split("::").filter(|m| !m.is_empty()) {
        let as_file = at.join(format!("{segment}.rs"));
        let as_dir = at.join(segment);
        if as_file.exists() {
            found = Some(as_file);
            break;
        } else if as_dir.is_dir() {
            found = Some(as_dir.clone());
            at = as_dir;
        } else {
            break;
        }
    }
    // None: an item of the crate root (lib.rs), e.g. a re-export: judged there. A folder:
    // an item of its `mod.rs` (its own or re-exported), so that file is what is used.
    let found = found?;
    let found = if found.is_dir() {
        found.join("mod.rs")
    } else {
        found
    };
    Some(found.strip_prefix(root).unwrap().to_path_buf())
}

/// Invariant 3: format modules use neither Kafka nor HTTP (nor the runtime), directly or
/// through a module of ours: no format module, nor any module it builds on
/// ([`PURE_SUPPORT`]), names an I/O crate, and a format module refers only to other format
/// modules and to those. So a format is testable and usable (`newswire render`) without
/// Kafka or HTTP.
///
/// Shown to fail (by hand, then undone): `use tokio::time::Instant;` added to
/// `social/src/x.rs`; `use crate::stage::SocialTransform;` added to `social/src/plan.rs`;
/// `use newswire_shared::kafka::OutputState;` added to `feeds/src/render/format/rss.rs`.
#[test]
fn formats_know_neither_kafka_nor_http() {
    let root = root();
    let closed: Vec<&str> = FORMAT_MODULES.iter().chain(PURE_SUPPORT).copied().collect();
    let member = |path: &Path| closed.iter().any(|m| path.starts_with(m));
    let mut broken = Vec::new();
    for module in &closed {
        let path = root.join(module);
        assert!(
            path.exists(),
            "{module} is listed as a format (or pure) module but does not exist: update \
             FORMAT_MODULES or PURE_SUPPORT and the code map in docs/ARCHITECTURE.md"
        );
        let files = if path.is_dir() {
            rust_files(&path)
        } else {
            vec![path]
        };
        for file in files {
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            let name = file.strip_prefix(&root).unwrap().display().to_string();
            let all = words(&code);
            for (i, word) in all.iter().enumerate() {
                let head = word.split("::").next().unwrap_or("");
                let names_crate = IO_CRATES.contains(&head)
                    && (word.contains("::")
                        || i.checked_sub(1)
                            .is_some_and(|p| all[p] == "use" || all[p] == "crate"));
                if names_crate {
                    broken.push(format!("{name}: uses {word}"));
                }
                let is_format = FORMAT_MODULES
                    .iter()
                    .any(|m| file.starts_with(root.join(m)));
                if let Some(target) = module_of(&root, &file, word).filter(|_| is_format) {
                    if !member(&target) {
                        broken.push(format!(
                            "{name}: uses {word}, outside the formats and their pure support \
                             ({})",
                            target.display()
                        ));
                    }
                }
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(
        broken.is_empty(),
        "invariant 3 broken (docs/ARCHITECTURE.md):\n{}",
        broken.join("\n")
    );
}

/// Invariant 4: every source file opens with a `//!` line saying what it is for.
#[test]
fn every_source_file_says_what_it_is_for() {
    let root = root();
    let mut missing = Vec::new();
    for (_, dir, _) in packages() {
        for sub in ["src", "tests", "benches", "examples"] {
            let path = root.join(&dir).join(sub);
            if !path.is_dir() {
                continue;
            }
            for file in rust_files(&path) {
                let text = std::fs::read_to_string(&file).unwrap();
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                if !first.starts_with("//!") {
                    missing.push(file.strip_prefix(&root).unwrap().display().to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "invariant 4 broken (docs/ARCHITECTURE.md): no opening `//!` line in\n{}",
        missing.join("\n")
    );
}

/// Invariant 5: every crate takes its lints from the workspace (`[lints] workspace = true`),
/// so `cargo clippy --workspace -- -D warnings` in CI holds every crate to the same rules.
#[test]
fn every_crate_takes_the_workspace_lints() {
    let root = root();
    let mut missing = Vec::new();
    for (name, dir, _) in packages() {
        let manifest = std::fs::read_to_string(root.join(&dir).join("Cargo.toml")).unwrap();
        let lints = manifest
            .split("\n[")
            .find(|section| section.starts_with("lints]"));
        if !lints.is_some_and(|s| s.lines().any(|l| l.replace(' ', "") == "workspace=true")) {
            missing.push(format!("{name} ({dir}/Cargo.toml)"));
        }
    }
    assert!(
        missing.is_empty(),
        "invariant 5 broken (docs/ARCHITECTURE.md): no `[lints] workspace = true` in\n{}",
        missing.join("\n")
    );
}
