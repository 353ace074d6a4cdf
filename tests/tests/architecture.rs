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
/// command that runs them all in one process, and `tests` link them together). Invariant
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
    "services/feeds/src/render",
    "services/feeds/src/names.rs",
    "shared/src/formats/g2.rs",
    "shared/src/formats/ninjs.rs",
    "shared/src/formats/xhtml.rs",
    "shared/src/formats/vocab.rs",
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
    "shared/src/xml.rs",
    "shared/src/text.rs",
    "shared/src/timestamp.rs",
    "shared/src/links.rs",
];

/// Crates, and `shared` modules, whose use makes a module depend on Kafka, HTTP or the
/// async runtime.
const IO_PATHS: &[&str] = &[
    "rdkafka",
    "axum",
    "hyper",
    "hyper_util",
    "reqwest",
    "tower",
    "tower_http",
    "tokio",
    "kafka",
    "server",
];

/// The first segment of a path (`a::b::c`) once the crate's own prefixes are dropped.
fn path_root(word: &str) -> Option<&str> {
    if !word.contains("::") {
        return None;
    }
    word.split("::")
        .find(|s| !s.is_empty() && !["crate", "self", "super", "newswire_shared"].contains(s))
}

/// Invariant 3: format modules import neither Kafka nor HTTP (nor the runtime), so a
/// format is testable and usable (`newswire render`) without either.
#[test]
fn formats_know_neither_kafka_nor_http() {
    let root = root();
    let mut broken = Vec::new();
    for module in FORMAT_MODULES {
        let path = root.join(module);
        assert!(
            path.exists(),
            "{module} is listed as a format module but does not exist: update FORMAT_MODULES \
             and the code map in docs/ARCHITECTURE.md"
        );
        let files = if path.is_dir() {
            rust_files(&path)
        } else {
            vec![path]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                let uses = code
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .filter_map(path_root)
                    .find(|root| IO_PATHS.contains(root));
                if let Some(io) = uses {
                    broken.push(format!(
                        "{}:{}: uses {io}: {}",
                        file.strip_prefix(&root).unwrap().display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
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
