//! The crash-safe feed store on disk (redb): the latest version of every story and the
//! consumer's next offset per partition, written in one transaction, so a restart
//! resumes exactly where the last commit left off — no replay, no loss, no double.

use newswire_shared::validate::{decode_article, Stage};
use newswire_shared::Article;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::collections::BTreeMap;
use std::path::Path;

const STORIES: TableDefinition<&str, &[u8]> = TableDefinition::new("stories");
const OFFSETS: TableDefinition<i32, i64> = TableDefinition::new("offsets");

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("feed store: {0}")]
    Db(#[from] redb::Error),
    #[error("feed store: {0}")]
    Io(#[from] std::io::Error),
    #[error("feed store: a stored story does not decode: {0}")]
    Corrupt(String),
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for PersistError {
            fn from(e: $t) -> Self {
                PersistError::Db(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub struct FeedDb {
    db: Database,
}

/// What a restart finds on disk.
pub struct Loaded {
    pub stories: Vec<Article>,
    /// Next offset to read, per partition of `articles.enriched`.
    pub offsets: BTreeMap<i32, i64>,
}

impl FeedDb {
    pub fn open(dir: &Path) -> Result<Self, PersistError> {
        std::fs::create_dir_all(dir)?;
        let db = Database::create(dir.join("feeds.redb"))?;
        // Create the tables so a first read finds them.
        let txn = db.begin_write()?;
        txn.open_table(STORIES)?;
        txn.open_table(OFFSETS)?;
        txn.commit()?;
        Ok(Self { db })
    }

    pub fn load(&self) -> Result<Loaded, PersistError> {
        let txn = self.db.begin_read()?;
        let mut stories = Vec::new();
        for entry in txn.open_table(STORIES)?.iter()? {
            let (_, value) = entry?;
            let article = decode_article(value.value(), Stage::Enriched)
                .map_err(|e| PersistError::Corrupt(e.to_string()))?;
            stories.push(article);
        }
        let mut offsets = BTreeMap::new();
        for entry in txn.open_table(OFFSETS)?.iter()? {
            let (partition, offset) = entry?;
            offsets.insert(partition.value(), offset.value());
        }
        Ok(Loaded { stories, offsets })
    }

    /// Saves the stories that changed and the offsets reached, atomically.
    pub fn commit(
        &self,
        changed: &[&Article],
        offsets: &BTreeMap<i32, i64>,
    ) -> Result<(), PersistError> {
        let txn = self.db.begin_write()?;
        {
            let mut stories = txn.open_table(STORIES)?;
            for a in changed {
                let bytes = serde_json::to_vec(a).expect("an Article always serialises");
                stories.insert(a.id.as_str(), bytes.as_slice())?;
            }
            let mut table = txn.open_table(OFFSETS)?;
            for (partition, offset) in offsets {
                table.insert(*partition, *offset)?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}
