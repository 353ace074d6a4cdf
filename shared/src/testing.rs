//! For the tests of every crate: where the conformance material is, and how a test
//! that needs it (or an outside checker) behaves when it is missing.
//!
//! In CI (`NEWSWIRE_REQUIRE_CONFORMANCE=1`) anything missing fails the test; on a
//! user's fresh clone the test says it was skipped and why.

use std::path::PathBuf;
use std::process::Command;

pub fn required() -> bool {
    std::env::var("NEWSWIRE_REQUIRE_CONFORMANCE").is_ok_and(|v| v == "1")
}

/// Fails in CI, otherwise prints why the test did nothing.
pub fn skip(why: &str) {
    assert!(!required(), "required in CI but unavailable: {why}");
    eprintln!("skipped: {why}");
}

/// `NEWSWIRE_CONFORMANCE_DIR`, by default `../shared/conformance` beside the project.
pub fn conformance_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("NEWSWIRE_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(&format!(
            "conformance material not found at {} (set NEWSWIRE_CONFORMANCE_DIR)",
            dir.display()
        ));
        None
    }
}

/// A file in the conformance directory, or `None` (skipped) if it is not there.
pub fn conformance_file(relative: &str) -> Option<PathBuf> {
    let path = conformance_dir()?.join(relative);
    if path.is_file() {
        Some(path)
    } else {
        skip(&format!("{} is missing", path.display()));
        None
    }
}

/// Whether an outside checker runs (`xmllint --version`).
/// The Python of a reference tool's venv (made by `deploy/ci/install-deps.sh`): the path
/// in `env_var`, else `~/.cache/newswire/{venv}/bin/python`, if it can import `modules`
/// (a Python import line's names, comma-separated); otherwise the test is skipped (a
/// failure in CI) naming `tool` and the variable.
pub fn venv_python(env_var: &str, venv: &str, modules: &str, tool: &str) -> Option<PathBuf> {
    let python = std::env::var_os(env_var).map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(format!(".cache/newswire/{venv}/bin/python")))
    })?;
    let ok = Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(python)
    } else {
        skip(&format!(
            "{tool} ({}) is missing: run deploy/ci/install-deps.sh or set {env_var}",
            python.display()
        ));
        None
    }
}

pub fn have(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(&format!("{tool} is not installed"));
    }
    ok
}

/// The sample articles of `samples/articles/`, in file order (the seed report first).
pub fn samples() -> Vec<crate::Article> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples/articles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("sample readable");
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

/// Validates `docs` with one `xmllint --noout --nonet {flag} SCHEMA` run, the schema
/// being `schema` inside the conformance directory (`--schema` for XSD, `--relaxng`).
/// `None` (skipped) when the directory or xmllint is missing; `Err` holds xmllint's
/// complaints.
pub fn xmllint_errors(flag: &str, schema: &str, docs: &[Vec<u8>]) -> Option<Result<(), String>> {
    let schema = conformance_file(schema)?;
    if !have("xmllint", &["--version"]) {
        return None;
    }
    static RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "newswire-xmllint-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let files: Vec<PathBuf> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let path = dir.join(format!("doc-{i}.xml"));
            std::fs::write(&path, doc).expect("writing a document");
            path
        })
        .collect();
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", flag])
        .arg(&schema)
        .args(&files)
        .output()
        .expect("running xmllint");
    let _ = std::fs::remove_dir_all(&dir);
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(3000)
            .collect())
    })
}
