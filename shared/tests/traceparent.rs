//! `traceparent` parsing against the reference: OpenTelemetry Python's W3C TraceContext
//! propagator (`tests/reference/traceparent.py`, in the venv `deploy/ci/install-deps.sh`
//! makes) reads every generated header — near-valid ones with one part broken, later
//! versions with and without suffixes, spaces around — and must extract exactly what
//! `TraceParent::parse` does (trace-id, parent-id, sampled) or refuse exactly what it
//! refuses. Every header we write (new traces, children) must be read back unchanged.

use newswire_shared::trace::TraceParent;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `NEWSWIRE_OTEL_PYTHON`, else `~/.cache/newswire/otel-venv/bin/python`.
fn reference_python() -> Option<PathBuf> {
    newswire_shared::testing::venv_python(
        "NEWSWIRE_OTEL_PYTHON",
        "otel-venv",
        "opentelemetry.trace.propagation.tracecontext",
        "OpenTelemetry Python",
    )
}

/// What the reference extracts from each header, in order.
fn reference(python: &PathBuf, headers: &[String]) -> Vec<String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/traceparent.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("running the reference");
    let mut input = String::new();
    for h in headers {
        input.push_str(&serde_json::to_string(h).unwrap());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "the reference failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn ours(header: &str) -> String {
    match TraceParent::parse(header) {
        Ok(t) => format!("{} {} {}", t.trace_id, t.parent_id, t.flags & 1),
        Err(_) => "invalid".into(),
    }
}

/// `n` hex digits, now and then with a flaw: upper case, all zeros, a non-hex
/// character, one digit too few or too many.
fn field(n: usize) -> BoxedStrategy<String> {
    let digits = proptest::string::string_regex(&format!("[0-9a-f]{{{n}}}"))
        .unwrap()
        .boxed();
    prop_oneof![
        40 => digits.clone(),
        1 => Just("0".repeat(n)),
        1 => digits.clone().prop_map(|s| s.to_uppercase()),
        1 => (digits.clone(), 0..n, "[g-zG-Z.+ é_]").prop_map(|(s, i, c)| {
            let mut chars: Vec<String> = s.chars().map(String::from).collect();
            chars[i] = c;
            chars.concat()
        }),
        1 => digits.clone().prop_map(|s| s[1..].to_string()),
        1 => digits.prop_map(|s| format!("{s}a")),
    ]
    .boxed()
}

fn header() -> impl Strategy<Value = String> {
    let version = prop_oneof![
        6 => Just("00".to_string()),
        1 => Just("01".to_string()),
        1 => Just("cc".to_string()),
        1 => Just("fe".to_string()),
        1 => Just("ff".to_string()),
        1 => "[0-9a-fA-Fg]{1,3}",
    ];
    let delimiter = prop_oneof![20 => Just("-".to_string()), 1 => Just("_".to_string()), 1 => Just(String::new())];
    let suffix = prop_oneof![
        8 => Just(String::new()),
        1 => Just("-".to_string()),
        1 => "-[a-z0-9-]{1,12}",
        1 => "[a-z0-9]{1,3}",
        1 => Just("-é".to_string()),
    ];
    let space = prop_oneof![8 => Just(String::new()), 1 => Just(" ".to_string()), 1 => Just("\t ".to_string())];
    let structured = (
        space.clone(),
        version,
        delimiter.clone(),
        field(32),
        delimiter.clone(),
        field(16),
        delimiter,
        field(2),
        suffix,
        space,
    )
        .prop_map(|(s1, v, d1, t, d2, p, d3, f, x, s2)| {
            format!("{s1}{v}{d1}{t}{d2}{p}{d3}{f}{x}{s2}")
        })
        .boxed();
    prop_oneof![
        10 => structured.clone(),
        1 => (structured, any::<prop::sample::Index>()).prop_map(|(s, i)| {
            let cut = i.index(s.len() + 1);
            s.get(..cut).unwrap_or(&s).to_string()
        }),
        1 => "[0-9a-f-]{0,70}",
    ]
}

#[test]
fn parsing_agrees_with_opentelemetry_on_generated_headers() {
    let Some(python) = reference_python() else {
        return;
    };
    let mut runner = TestRunner::new(Config::default());
    let strategy = header();
    let headers: Vec<String> = (0..6000)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let theirs = reference(&python, &headers);
    assert_eq!(theirs.len(), headers.len());
    let mut valid = 0;
    for (h, expected) in headers.iter().zip(&theirs) {
        assert_eq!(&ours(h), expected, "header {h:?}");
        valid += usize::from(expected != "invalid");
    }
    // The generator must exercise both sides of the rule.
    assert!(
        valid > 1500 && valid < 4500,
        "{valid} valid of {}",
        headers.len()
    );
}

#[test]
fn what_we_write_is_read_back_by_opentelemetry() {
    let Some(python) = reference_python() else {
        return;
    };
    let mut written = Vec::new();
    for _ in 0..500 {
        let root = TraceParent::new_root();
        written.push(root);
        written.push(root.child());
        written.push(TraceParent::continue_or_start(Some(&root.to_string())));
    }
    let headers: Vec<String> = written.iter().map(ToString::to_string).collect();
    let theirs = reference(&python, &headers);
    for (t, got) in written.iter().zip(&theirs) {
        assert_eq!(got, &format!("{} {} 1", t.trace_id, t.parent_id));
    }
}
