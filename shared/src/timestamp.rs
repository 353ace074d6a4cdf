//! The contract's one rule for time values: every RFC 3339 timestamp an event carries
//! (`first_created`, `version_created`, `embargo_until`) is read here, and leaves here
//! as an instant that every output format can write and every reader can parse.
//!
//! RFC 3339 (§5.6) accepts values that our outputs cannot carry or that readers
//! refuse. Each kind is either normalised, so the story still goes out, or refused
//! with the field named (422 at ingest, a dead letter on a topic):
//!
//! | input | rule | why |
//! |---|---|---|
//! | leap second, `23:59:60` (at any offset: `02:59:60+03:00`) | becomes the last nanosecond of the second before (`23:59:59.999999999Z`) | `xs:dateTime` (NewsML-G2), Go's `time`, Python's `datetime` and RFC 5322 readers refuse second 60; the last nanosecond keeps every pair of times in the same order (never reversed), so `version_created ≥ first_created` still holds |
//! | more than nine fraction digits | cut to nanoseconds | the precision every output writes at most |
//! | offsets (`+05:30`, `-00:00`, `+23:59`) | converted to UTC; `-00:00` ("offset unknown", RFC 3339 §4.3) is UTC | outputs write UTC |
//! | lower-case `t` and `z` (RFC 3339 §5.6 note) | accepted | allowed by the standard |
//! | a space instead of `T` | refused | not the RFC 3339 grammar, and JSON Schema's `date-time` refuses it too |
//! | a UTC year outside 1900–9999, offsets applied (`0001-01-01T00:00:00+01:00` is year 0 in UTC) | refused | RSS dates (RFC 5322 §3.3) have years from 1900; RFC 3339, `xs:dateTime` as IPTC writes it and Atom have four-digit years |
//! | anything else RFC 3339 refuses (`2024-02-30`, hour 24, a missing offset) | refused | |

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use std::fmt;

/// Earliest year every output can carry: RFC 5322 §3.3 ("1900 or later"), the date
/// format of RSS 2.0.
pub const FIRST_YEAR: i32 = 1900;
/// Latest year every output can carry: four digits (RFC 3339 §5.6 `date-fullyear`).
pub const LAST_YEAR: i32 = 9999;

/// Why a value is not a timestamp the contract accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not an RFC 3339 `date-time` (§5.6).
    #[error("{value:?} is not an RFC 3339 date-time such as 2024-11-28T08:38:00Z ({reason})")]
    Syntax { value: String, reason: String },
    /// A date-time whose UTC year the outputs cannot write.
    #[error("{value:?} is {utc} in UTC, outside the years {FIRST_YEAR}–{LAST_YEAR} that RSS (RFC 5322 §3.3) and NewsML-G2 can carry")]
    OutOfRange { value: String, utc: String },
}

/// Reads an RFC 3339 `date-time` by the rule above: the UTC instant, normalised, or
/// why it is refused.
pub fn parse(value: &str) -> Result<DateTime<Utc>, TimestampError> {
    let syntax = |reason: &str| TimestampError::Syntax {
        value: value.to_string(),
        reason: reason.to_string(),
    };
    // chrono also takes the space the RFC's note allows "for readability"; the grammar
    // (and JSON Schema's date-time) has only `T`.
    if value.as_bytes().get(10) == Some(&b' ') {
        return Err(syntax("a T, not a space, goes between date and time"));
    }
    let parsed = DateTime::parse_from_rfc3339(value).map_err(|e| syntax(&e.to_string()))?;
    let mut utc = parsed.with_timezone(&Utc);
    // chrono holds a leap second as second 59 with a nanosecond count past 10⁹.
    if utc.nanosecond() >= 1_000_000_000 {
        utc = utc
            .with_nanosecond(999_999_999)
            .expect("second 59 has a last nanosecond");
    }
    if !(FIRST_YEAR..=LAST_YEAR).contains(&utc.year()) {
        return Err(TimestampError::OutOfRange {
            value: value.to_string(),
            utc: utc.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        });
    }
    Ok(utc)
}

/// The instant as every output writes it in RFC 3339: UTC with `Z`, fraction only
/// when there is one (3, 6 or 9 digits). For an instant [`parse`] returned, always a
/// valid `xs:dateTime` and RFC 3339 `date-time` (four-digit year, second < 60).
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// serde for a timestamp field: read by [`parse`], written by [`format`].
pub mod rfc3339 {
    use super::*;
    use serde::{de, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        d.deserialize_str(Visitor)
    }

    pub(super) struct Visitor;

    impl de::Visitor<'_> for Visitor {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 date-time")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            parse(v).map_err(E::custom)
        }
    }
}

/// serde for an optional timestamp field (`embargo_until`).
pub mod rfc3339_option {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => rfc3339::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        struct Optional;
        impl<'de> serde::de::Visitor<'de> for Optional {
            type Value = Option<DateTime<Utc>>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 date-time or null")
            }

            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_str(rfc3339::Visitor).map(Some)
            }
        }
        d.deserialize_option(Optional)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        format(parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    #[test]
    fn leap_seconds_become_the_last_nanosecond_of_the_second_before() {
        assert_eq!(ok("2016-12-31T23:59:60Z"), "2016-12-31T23:59:59.999999999Z");
        assert_eq!(
            ok("2017-01-01T02:59:60+03:00"),
            "2016-12-31T23:59:59.999999999Z"
        );
        assert_eq!(
            ok("2016-12-31T23:59:60.5Z"),
            "2016-12-31T23:59:59.999999999Z"
        );
        // Order is kept: a time within the second before is never after the leap second.
        assert!(parse("2016-12-31T23:59:59.9Z").unwrap() <= parse("2016-12-31T23:59:60Z").unwrap());
        assert!(parse("2016-12-31T23:59:60Z").unwrap() < parse("2017-01-01T00:00:00Z").unwrap());
    }

    #[test]
    fn offsets_case_and_fractions_are_normalised() {
        assert_eq!(ok("2024-11-28t08:38:00z"), "2024-11-28T08:38:00Z");
        assert_eq!(ok("2024-11-28T08:38:00-00:00"), "2024-11-28T08:38:00Z");
        assert_eq!(ok("2024-11-28T00:10:00+23:59"), "2024-11-27T00:11:00Z");
        assert_eq!(
            ok("2024-11-28T08:38:00.1234567891234567Z"),
            "2024-11-28T08:38:00.123456789Z"
        );
        assert_eq!(
            ok("2024-11-28T08:38:00.5+01:00"),
            "2024-11-28T07:38:00.500Z"
        );
    }

    #[test]
    fn years_the_outputs_cannot_carry_are_refused() {
        for bad in [
            "0001-01-01T00:00:00+01:00",
            "1899-12-31T23:59:59Z",
            "1900-01-01T00:30:00+01:00",
            "9999-12-31T23:59:59-00:01",
        ] {
            assert!(
                matches!(parse(bad), Err(TimestampError::OutOfRange { .. })),
                "{bad}"
            );
        }
        assert_eq!(ok("1900-01-01T00:00:00Z"), "1900-01-01T00:00:00Z");
        assert_eq!(ok("9999-12-31T23:59:60Z"), "9999-12-31T23:59:59.999999999Z");
    }

    #[test]
    fn what_rfc_3339_refuses_is_refused() {
        for bad in [
            "2024-11-28 08:38:00Z",
            "2024-11-28T08:38:00",
            "2024-02-30T00:00:00Z",
            "2024-11-28T24:00:00Z",
            "2024-11-28T08:38Z",
            "2024-11-28T08:38:00+0100",
            "2024-11-28T08:38:00.Z",
            "2024-11-28T08:38:00+24:00",
            "24-11-28T08:38:00Z",
            "",
        ] {
            assert!(
                matches!(parse(bad), Err(TimestampError::Syntax { .. })),
                "{bad}"
            );
        }
    }
}
