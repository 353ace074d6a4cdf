//! For the tests of every crate: where the conformance material is, the outside
//! checkers, and how a test that needs them behaves when one is missing; with the broker
//! a test runs on (`broker`), scratch files (`scratch`) and a service under test
//! (`service`). With the `testing` feature (tests only), what needs an HTTP client or
//! a JSON Schema validator as well.
//!
//! In CI (`NEWSWIRE_REQUIRE_CONFORMANCE=1`) anything missing fails the test; on a
//! user's fresh clone the test says it was skipped and why.

mod broker;
mod scratch;
mod service;

pub use broker::{Broker, TopicOf, PARTITIONS};
pub use scratch::{scratch_dir, write_docs};
#[cfg(feature = "testing")]
pub use service::json_as;
pub use service::{items_listed, local_listener, quiet_tracing, until_ready};

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
    let dir = scratch_dir("xmllint");
    let files = write_docs(&dir, docs, |i| format!("doc-{i}.xml"));
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

/// Whether `python3` can import `module`; if not, the test is skipped (a failure in CI)
/// saying `missing`.
pub fn python_module(module: &str, missing: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(missing);
    }
    ok
}

/// Runs `python3 -c script` over `paths`; its output, once it has succeeded.
pub fn python_over(script: &str, paths: &[PathBuf]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(paths)
        .output()
        .expect("running python3");
    let complaint = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{complaint}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The ninjs 3.2 JSON Schema (with the GeoJSON one it refers to) from the conformance
/// directory, checking formats; `None` (skipped) when the directory is missing.
#[cfg(feature = "testing")]
pub fn ninjs_validator() -> Option<jsonschema::Validator> {
    let dir = conformance_dir()?.join("ninjs");
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap()
    };
    let registry = jsonschema::Registry::new()
        .add(
            "https://geojson.org/schema/GeoJSON.json",
            read("GeoJSON.json"),
        )
        .unwrap()
        .prepare()
        .unwrap();
    Some(
        jsonschema::options()
            .should_validate_formats(true)
            .with_registry(&registry)
            .build(&read("ninjs-schema_3.2.json"))
            .unwrap(),
    )
}
