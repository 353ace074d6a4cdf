//! Who gets a story version, and when: a pure function of the version, the
//! destination's subscriber (entitlement, embargo trust) and what the ledger says the
//! destination already received.
//!
//! - A usable version goes to a destination whose subscriber's entitlement admits it
//!   ([`Entitlement::admits`], the one access decision, on the version's own facts).
//! - A correction also goes to every destination that received any version of the
//!   story, even if the corrected story moved outside its entitlement: what it
//!   published was ours, and so is the fix.
//! - A kill or withholding goes to exactly the destinations that received any version
//!   of the story, and to no one else — telling anyone else would itself leak it.
//! - Embargo: a subscriber trusted with embargoes gets a version at once (the document
//!   says it is embargoed); everyone else at its release instant, the later of the
//!   embargo and the moment it was written to Kafka — and only once every record
//!   written before that instant has been read, so a kill filed before the embargo
//!   passed is seen first (see `queue::TargetQueue::release`).

use chrono::{DateTime, Utc};
use newswire_shared::access::entitlement::Entitlement;
use newswire_shared::access::selection::{Selector, StoryFacts};
use newswire_shared::article::Status;

/// One story version as delivery sees it.
#[derive(Debug, Clone)]
pub struct StoryVersion {
    pub id: String,
    pub version: u64,
    pub status: Status,
    pub embargo: Option<DateTime<Utc>>,
    /// Carries the `correction` signal.
    pub correction: bool,
    /// When it was written to `articles.enriched` (the record's timestamp).
    pub written: DateTime<Utc>,
    pub facts: StoryFacts,
}

/// What to do with a version for one destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Not for this destination.
    Skip,
    /// Deliver as soon as the destination is free for this story.
    Now,
    /// Deliver at this instant (an embargo, for a subscriber not trusted with it).
    At(DateTime<Utc>),
    /// A withdrawal for a story the destination may be receiving right now: deliver it
    /// only if, when its turn comes, the destination has received a version.
    IfReceived,
}

/// The decision for one destination. `received`: the highest version of the story
/// the destination received (the ledger), if any.
pub fn decide(
    entitlement: &Entitlement,
    trust_embargo: bool,
    v: &StoryVersion,
    received: Option<u64>,
) -> Decision {
    if received.is_some_and(|r| r >= v.version) {
        return Decision::Skip;
    }
    match v.status {
        Status::Withheld | Status::Canceled => match received {
            Some(_) => Decision::Now,
            None => Decision::IfReceived,
        },
        Status::Usable => {
            let admitted = entitlement.admits(&Selector::default(), &v.facts)
                || (v.correction && received.is_some());
            if !admitted {
                return Decision::Skip;
            }
            match v.embargo {
                Some(e) if !trust_embargo => Decision::At(e.max(v.written)),
                _ => Decision::Now,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn version(status: Status, section: &str, correction: bool) -> StoryVersion {
        StoryVersion {
            id: "s".into(),
            version: 3,
            status,
            embargo: None,
            correction,
            written: "2024-11-28T10:00:00Z".parse().unwrap(),
            facts: StoryFacts {
                section: Some(section.into()),
                ..StoryFacts::default()
            },
        }
    }

    #[test]
    fn the_issue_cases() {
        let sport = Entitlement::parse(&["section/sport"]).unwrap();
        let usable = version(Status::Usable, "sport", false);
        assert_eq!(decide(&sport, false, &usable, None), Decision::Now);
        assert_eq!(decide(&sport, false, &usable, Some(3)), Decision::Skip);
        let economy = version(Status::Usable, "economy", false);
        assert_eq!(decide(&sport, false, &economy, None), Decision::Skip);
        // A correction that moved the story out of sport still reaches who had it.
        let moved = version(Status::Usable, "economy", true);
        assert_eq!(decide(&sport, false, &moved, Some(2)), Decision::Now);
        assert_eq!(decide(&sport, false, &moved, None), Decision::Skip);
        let kill = version(Status::Canceled, "economy", false);
        assert_eq!(decide(&sport, false, &kill, Some(1)), Decision::Now);
        assert_eq!(decide(&sport, false, &kill, None), Decision::IfReceived);
        let mut embargoed = usable.clone();
        embargoed.embargo = Some("2024-11-28T12:00:00Z".parse().unwrap());
        assert_eq!(
            decide(&sport, false, &embargoed, None),
            Decision::At("2024-11-28T12:00:00Z".parse().unwrap())
        );
        assert_eq!(decide(&sport, true, &embargoed, None), Decision::Now);
    }

    fn status() -> impl Strategy<Value = Status> {
        prop_oneof![
            Just(Status::Usable),
            Just(Status::Withheld),
            Just(Status::Canceled)
        ]
    }

    proptest! {
        /// The rules restated as a model: nothing outside the entitlement is sent
        /// unless the destination had the story and it is a correction or withdrawal;
        /// a withdrawal never goes to a destination that had nothing; an untrusted
        /// destination never gets an embargoed version before its embargo.
        #[test]
        fn decisions_follow_the_model(
            status in status(),
            section in prop_oneof![Just("sport"), Just("economy")],
            correction in any::<bool>(),
            trusted in any::<bool>(),
            received in proptest::option::of(1u64..6),
            embargo_minutes in proptest::option::of(-120i64..120),
        ) {
            let sport = Entitlement::parse(&["section/sport"]).unwrap();
            let mut v = version(status, section, correction);
            v.embargo = embargo_minutes.map(|m| v.written + chrono::Duration::minutes(m));
            let d = decide(&sport, trusted, &v, received);
            let had = received.is_some();
            let stale = received.is_some_and(|r| r >= v.version);
            let entitled = section == "sport";
            match d {
                Decision::Skip => prop_assert!(
                    stale || (status == Status::Usable && !entitled && !(correction && had))
                ),
                Decision::IfReceived => prop_assert!(status != Status::Usable && !had),
                Decision::Now => {
                    prop_assert!(!stale);
                    if status == Status::Usable {
                        prop_assert!(entitled || (correction && had));
                        prop_assert!(trusted || v.embargo.is_none());
                    } else {
                        prop_assert!(had);
                    }
                }
                Decision::At(at) => {
                    prop_assert!(!trusted && status == Status::Usable);
                    prop_assert!(at >= v.embargo.unwrap() && at >= v.written);
                }
            }
        }
    }
}
