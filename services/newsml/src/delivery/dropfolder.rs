//! One drop folder per subscriber: each version they may have is written once, as
//! `{id}_v{version}.xml`, atomically. What was delivered is remembered in the folder
//! itself (`.delivered`, one `id version` line per file, synced), so a restart neither
//! repeats nor skips a delivery even after the subscriber has picked the files up.

use crate::delivery::store::{ItemStore, ItemVersion};
use crate::files::{file_name, write_atomic};
use chrono::{DateTime, Utc};
use newswire_shared::access::{Entitlement, Selector};
use newswire_shared::article::Status;
use newswire_shared::config::NewsmlSubscriber;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

const LEDGER: &str = ".delivered";

pub struct DropFolder {
    pub name: String,
    pub trusted: bool,
    /// The subscriber's `items` patterns: what this folder receives.
    entitlement: Entitlement,
    dir: PathBuf,
    /// Highest version delivered per story.
    delivered: HashMap<String, u64>,
    /// The folder's `.delivered`, open for appending.
    ledger: File,
}

impl DropFolder {
    /// Opens (creating) the folder and reads what was delivered before.
    pub fn open(subscriber: &NewsmlSubscriber, dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let mut delivered = HashMap::new();
        match File::open(dir.join(LEDGER)) {
            Ok(f) => {
                for line in BufReader::new(f).lines() {
                    let line = line?;
                    if let Some((id, v)) = line.rsplit_once(' ') {
                        if let Ok(v) = v.parse::<u64>() {
                            let e = delivered.entry(id.to_string()).or_insert(0);
                            *e = (*e).max(v);
                        }
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let ledger = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(LEDGER))?;
        Ok(Self {
            name: subscriber.name.clone(),
            trusted: subscriber.trust_embargo,
            entitlement: Entitlement::parse(&subscriber.items).unwrap_or_else(|e| {
                tracing::error!(subscriber = %subscriber.name, error = %e, "items ignored: this folder receives nothing");
                Entitlement::nothing()
            }),
            dir: dir.to_path_buf(),
            delivered,
            ledger,
        })
    }

    /// The version of story `id` this subscriber should get now, if any: the newest
    /// they may have (released to them, and granted by their entitlement as the pull
    /// API grants it), newer than what they have; a withdrawal only if they had the
    /// story, and then whatever it says.
    pub fn due<'s>(
        &self,
        store: &'s ItemStore,
        id: &str,
        now: DateTime<Utc>,
    ) -> Option<&'s ItemVersion> {
        let target = store.visible_latest(id, self.trusted, now)?;
        let had = self.delivered.get(id).copied();
        if target.status != Status::Usable && had.is_none() {
            return None;
        }
        if target.status == Status::Usable
            && !store.admitted(target, &self.entitlement, &Selector::default())
        {
            return None;
        }
        (had.unwrap_or(0) < target.version).then_some(target)
    }

    /// Writes the item, then records it. Returns whether a file was written.
    pub fn deliver(&mut self, item: &ItemVersion) -> io::Result<bool> {
        let name = file_name(&item.id, item.version, "xml");
        let written = write_atomic(&self.dir, &name, &item.xml)?;
        writeln!(self.ledger, "{} {}", item.id, item.version)?;
        self.ledger.sync_data()?;
        self.delivered.insert(item.id.clone(), item.version);
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newswire_shared::access::StoryFacts;
    use std::sync::Arc;

    fn item(id: &str, version: u64, status: Status, section: &str) -> ItemVersion {
        let at: DateTime<Utc> = "2024-11-28T10:00:00Z".parse().unwrap();
        ItemVersion {
            id: id.into(),
            version,
            status,
            embargo: None,
            received: at + chrono::Duration::seconds(version as i64),
            partition: 0,
            offset: version as i64,
            xml: Arc::from(&b"<newsItem/>"[..]),
            facts: Arc::new(StoryFacts {
                section: Some(section.into()),
                ..StoryFacts::default()
            }),
        }
    }

    /// A folder gets what its subscriber's `items` grant, as the pull API would give
    /// it, and the kill of a story it had even when the kill is filed elsewhere.
    #[test]
    fn a_folder_receives_its_entitlement_and_the_kills_of_what_it_had() {
        let dir = std::env::temp_dir().join(format!(
            "newswire-dropfolder-{}-{}",
            std::process::id(),
            Utc::now().timestamp_micros()
        ));
        let mut subscriber = NewsmlSubscriber::new("sport-desk", None);
        subscriber.items = vec!["section/sport".into()];
        let mut folder = DropFolder::open(&subscriber, &dir).unwrap();
        let mut store = ItemStore::new();
        let now: DateTime<Utc> = "2024-11-28T11:00:00Z".parse().unwrap();
        store.settle(0, now);
        store.insert(item("sport-1", 1, Status::Usable, "sport"));
        store.insert(item("economy-1", 1, Status::Usable, "economy"));
        store.release_due(now);
        assert!(folder.due(&store, "economy-1", now).is_none());
        let due = folder.due(&store, "sport-1", now).unwrap().clone();
        assert!(folder.deliver(&due).unwrap());
        store.insert(item("sport-1", 2, Status::Canceled, "obituaries"));
        store.insert(item("economy-1", 2, Status::Canceled, "economy"));
        assert_eq!(
            folder.due(&store, "sport-1", now).map(|v| v.version),
            Some(2)
        );
        assert!(folder.due(&store, "economy-1", now).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
