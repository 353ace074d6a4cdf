//! One trace per story: the W3C Trace Context `traceparent` that ingest creates (or
//! continues from the newsroom's request) and every stage carries on in the Kafka
//! header of the same name, so one story can be followed across services by its trace
//! id — in the logs (each line about the story is in a span with a `trace_id` field) and
//! on the wire monitor's journey view.
//!
//! Parsing follows W3C Trace Context §3.2 (header format) and §4.3 (versioning):
//! `version "-" trace-id "-" parent-id "-" trace-flags`, lower-case hex only; version
//! `ff` is invalid; version `00` is exactly 55 characters; a higher version is read by
//! its first 55 characters, which must be followed by the end or a `-`; an all-zero
//! trace-id or parent-id is invalid. An invalid header is never an error for the
//! caller: the story gets a new trace (§3.2.2: "restart the trace").

use rdkafka::message::{Header, Headers, OwnedHeaders};
use std::fmt;

/// The header name, in HTTP requests and in Kafka records alike.
pub const TRACEPARENT: &str = "traceparent";
/// Vendor state (§3.3), passed on unchanged beside a valid `traceparent`.
pub const TRACESTATE: &str = "tracestate";
/// §3.3.1.1: a `tracestate` longer than this may be dropped; we carry none longer.
const MAX_TRACESTATE: usize = 512;

/// 16 bytes, written as 32 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TraceId(pub [u8; 16]);

/// 8 bytes, written as 16 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SpanId(pub [u8; 8]);

/// A parsed `traceparent`: which trace, which span of the caller, and its flags.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TraceParent {
    pub trace_id: TraceId,
    /// The span of whoever wrote the header (our parent once we continue it).
    pub parent_id: SpanId,
    /// Bit 0 is `sampled` (§3.2.2.5); version 00's other bits are kept as sent.
    pub flags: u8,
}

/// Why a header is not a valid `traceparent`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceParentError {
    #[error("traceparent: shorter than 55 characters")]
    TooShort,
    #[error("traceparent: version 00 must be exactly 55 characters")]
    WrongLength,
    #[error("traceparent: {0} is not lower-case hexadecimal")]
    NotHex(&'static str),
    #[error("traceparent: a '-' must follow the {0}")]
    Delimiter(&'static str),
    #[error("traceparent: version ff is invalid")]
    ForbiddenVersion,
    #[error("traceparent: {0} is all zeros")]
    Zero(&'static str),
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

fn decode_hex<const N: usize>(s: &[u8], field: &'static str) -> Result<[u8; N], TraceParentError> {
    let mut out = [0u8; N];
    for (i, pair) in s.chunks_exact(2).enumerate() {
        let hi = hex_value(pair[0]).ok_or(TraceParentError::NotHex(field))?;
        let lo = hex_value(pair[1]).ok_or(TraceParentError::NotHex(field))?;
        out[i] = hi << 4 | lo;
    }
    Ok(out)
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

fn random<const N: usize>() -> [u8; N] {
    loop {
        let bytes = crate::random::bytes::<N>();
        // All zeros is the one invalid value (§3.2.2.3, §3.2.2.4).
        if bytes != [0u8; N] {
            return bytes;
        }
    }
}

impl TraceParent {
    /// Reads a header value (surrounding spaces and tabs, which RFC 9110 §5.5 excludes
    /// from a field value, are ignored).
    pub fn parse(value: &str) -> Result<Self, TraceParentError> {
        let s = value.trim_matches([' ', '\t']).as_bytes();
        if s.len() < 55 {
            return Err(TraceParentError::TooShort);
        }
        let version = decode_hex::<1>(&s[0..2], "version")?[0];
        if version == 0xff {
            return Err(TraceParentError::ForbiddenVersion);
        }
        if version == 0 && s.len() != 55 {
            return Err(TraceParentError::WrongLength);
        }
        if s.len() > 55 && s[55] != b'-' {
            return Err(TraceParentError::Delimiter("trace-flags"));
        }
        for (at, after) in [(2, "version"), (35, "trace-id"), (52, "parent-id")] {
            if s[at] != b'-' {
                return Err(TraceParentError::Delimiter(after));
            }
        }
        let trace_id = decode_hex::<16>(&s[3..35], "trace-id")?;
        let parent_id = decode_hex::<8>(&s[36..52], "parent-id")?;
        let mut flags = decode_hex::<1>(&s[53..55], "trace-flags")?[0];
        if trace_id == [0; 16] {
            return Err(TraceParentError::Zero("trace-id"));
        }
        if parent_id == [0; 8] {
            return Err(TraceParentError::Zero("parent-id"));
        }
        if version != 0 {
            // §4.3: of a later version's flags only `sampled` is understood.
            flags &= 0x01;
        }
        Ok(Self {
            trace_id: TraceId(trace_id),
            parent_id: SpanId(parent_id),
            flags,
        })
    }

    /// A new trace (random trace-id and span-id), marked sampled: every story is
    /// logged and shown.
    pub fn new_root() -> Self {
        Self {
            trace_id: TraceId(random()),
            parent_id: SpanId(random()),
            flags: 0x01,
        }
    }

    /// Our own span in this trace: same trace-id and flags, a new span-id; written
    /// downstream, it makes `self` our parent.
    pub fn child(&self) -> Self {
        Self {
            parent_id: SpanId(random()),
            ..*self
        }
    }

    /// The span of a story arriving with `value` (a request's or a record's header):
    /// a child of it when it is valid, else a new trace — never a refusal.
    pub fn continue_or_start(value: Option<&str>) -> Self {
        match value.map(Self::parse) {
            Some(Ok(parent)) => parent.child(),
            _ => Self::new_root(),
        }
    }

    /// The valid `traceparent` of a Kafka record, if it has one.
    pub fn from_headers<H: Headers>(headers: &H) -> Option<Self> {
        crate::cloudevents::header_str(headers, TRACEPARENT).and_then(|v| Self::parse(v).ok())
    }

    /// `headers` with this `traceparent` (and `state`, when there is one) added.
    pub fn add_to(&self, headers: OwnedHeaders, state: Option<&str>) -> OwnedHeaders {
        let value = self.to_string();
        let headers = headers.insert(Header {
            key: TRACEPARENT,
            value: Some(&value),
        });
        match state.filter(|s| s.len() <= MAX_TRACESTATE && !s.is_empty()) {
            Some(state) => headers.insert(Header {
                key: TRACESTATE,
                value: Some(state),
            }),
            None => headers,
        }
    }
}

impl fmt::Display for TraceParent {
    /// Always version 00 (§3.2): `00-{trace-id}-{parent-id}-{flags}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "00-{}-{}-{:02x}",
            self.trace_id, self.parent_id, self.flags
        )
    }
}

/// The `tracestate` to pass on beside a valid `traceparent` of a record.
pub fn state_from_headers<H: Headers>(headers: &H) -> Option<&str> {
    crate::cloudevents::header_str(headers, TRACESTATE).filter(|s| s.len() <= MAX_TRACESTATE)
}

/// The span a log line about one story belongs to: every line inside carries the
/// story's `trace_id` (and the span's own `span_id`), whatever the service.
pub fn story_span(stage: &str, id: &str, trace: &TraceParent) -> tracing::Span {
    tracing::info_span!(
        "story",
        stage,
        id,
        trace_id = %trace.trace_id,
        span_id = %trace.parent_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn reads_the_specs_example_and_writes_it_back() {
        let t = TraceParent::parse(VALID).unwrap();
        assert_eq!(t.trace_id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(t.parent_id.to_string(), "00f067aa0ba902b7");
        assert_eq!(t.flags, 1);
        assert_eq!(t.to_string(), VALID);
    }

    #[test]
    fn names_what_is_wrong() {
        let cases = [
            (
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                TraceParentError::NotHex("trace-id"),
            ),
            (
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                TraceParentError::Zero("trace-id"),
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                TraceParentError::Zero("parent-id"),
            ),
            (
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TraceParentError::ForbiddenVersion,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
                TraceParentError::WrongLength,
            ),
            (
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
                TraceParentError::Delimiter("trace-flags"),
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                TraceParentError::TooShort,
            ),
        ];
        for (header, error) in cases {
            assert_eq!(TraceParent::parse(header), Err(error), "{header}");
        }
        let later =
            TraceParent::parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-later")
                .unwrap();
        assert_eq!(
            later.flags, 1,
            "only `sampled` is understood in a later version"
        );
    }

    #[test]
    fn a_child_keeps_the_trace_and_changes_the_span() {
        let parent = TraceParent::parse(VALID).unwrap();
        let child = TraceParent::continue_or_start(Some(VALID));
        assert_eq!(child.trace_id, parent.trace_id);
        assert_ne!(child.parent_id, parent.parent_id);
        let fresh = TraceParent::continue_or_start(Some("garbage"));
        assert_ne!(fresh.trace_id, parent.trace_id);
        assert_ne!(
            TraceParent::new_root().trace_id,
            TraceParent::new_root().trace_id
        );
    }
}
