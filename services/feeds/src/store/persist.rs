//! The crash-safe feed store on disk (redb): the latest version of every story, its
//! index entry, and the consumer's next offset per partition, written in one
//! transaction, so a restart resumes exactly where the last commit left off — no
//! replay, no loss, no double. A restart reads only the index entries (about a hundred
//! bytes a story); texts are read when a feed needs them.

use crate::store::entry::Entry;
use newswire_shared::Article;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

const STORIES: TableDefinition<&str, &[u8]> = TableDefinition::new("stories");
const INDEX: TableDefinition<&str, &[u8]> = TableDefinition::new("index");
const SYMBOLS: TableDefinition<u32, &str> = TableDefinition::new("symbols");
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

const CACHE_BYTES: usize = 64 << 20;

pub struct FeedDb {
    db: Database,
}

impl std::fmt::Debug for FeedDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FeedDb")
    }
}

/// What a restart finds on disk besides the index entries.
pub struct Loaded {
    /// The strings index entries refer to, in symbol order.
    pub symbols: Vec<String>,
    /// Next offset to read, per partition of `articles.enriched`.
    pub offsets: BTreeMap<i32, i64>,
    pub stories: usize,
}

/// Index entries are handed over in chunks of this many, so the store can take them
/// while the next are read.
const CHUNK: usize = 16_384;

impl FeedDb {
    pub fn open(dir: &Path) -> Result<Self, PersistError> {
        std::fs::create_dir_all(dir)?;
        // `feeds.redb` of earlier versions had no index: left alone, and a replica
        // starting on a new file rebuilds from the topic.
        // redb's default page cache is 1 GiB; texts are cached by the store, and the
        // index is read once at start.
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(dir.join("feeds.v2.redb"))?;
        // Create the tables so a first read finds them.
        let mut txn = db.begin_write()?;
        txn.set_quick_repair(true);
        txn.open_table(STORIES)?;
        txn.open_table(INDEX)?;
        txn.open_table(SYMBOLS)?;
        txn.open_table(OFFSETS)?;
        txn.commit()?;
        Ok(Self { db })
    }

    /// Reads the symbols and offsets, and hands every index entry to `rows`, in chunks.
    pub fn load(
        &self,
        mut rows: impl FnMut(Vec<(Arc<str>, Entry)>),
    ) -> Result<Loaded, PersistError> {
        let txn = self.db.begin_read()?;
        let mut symbols = Vec::new();
        for entry in txn.open_table(SYMBOLS)?.iter()? {
            let (symbol, name) = entry?;
            if symbol.value() as usize != symbols.len() {
                return Err(PersistError::Corrupt(format!(
                    "symbol {} missing",
                    symbols.len()
                )));
            }
            symbols.push(name.value().to_string());
        }
        let mut stories = 0;
        let mut chunk = Vec::with_capacity(CHUNK);
        for entry in txn.open_table(INDEX)?.iter()? {
            let (id, bytes) = entry?;
            let id = id.value();
            let decoded = Entry::decode(bytes.value())
                .filter(|e| {
                    e.facets
                        .max_symbol()
                        .is_none_or(|s| (s as usize) < symbols.len())
                })
                .ok_or_else(|| PersistError::Corrupt(format!("index entry of {id:?}")))?;
            chunk.push((Arc::from(id), decoded));
            if chunk.len() == CHUNK {
                stories += chunk.len();
                rows(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)));
            }
        }
        stories += chunk.len();
        rows(chunk);
        let mut offsets = BTreeMap::new();
        for entry in txn.open_table(OFFSETS)?.iter()? {
            let (partition, offset) = entry?;
            offsets.insert(partition.value(), offset.value());
        }
        Ok(Loaded {
            symbols,
            offsets,
            stories,
        })
    }

    /// The stored text of one story.
    pub fn article(&self, id: &str) -> Result<Option<Article>, PersistError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(STORIES)?;
        let Some(value) = table.get(id)? else {
            return Ok(None);
        };
        // Validated before it was stored; only parsed here.
        serde_json::from_slice(value.value())
            .map(Some)
            .map_err(|e| PersistError::Corrupt(format!("{id:?}: {e}")))
    }

    /// Saves the stories that changed (text and index entry), new symbols and the
    /// offsets reached, atomically.
    pub fn commit(
        &self,
        changed: &[(Arc<Article>, Vec<u8>)],
        symbols: &[(u32, String)],
        offsets: &BTreeMap<i32, i64>,
    ) -> Result<(), PersistError> {
        let mut txn = self.db.begin_write()?;
        // Saves the allocator state with each commit: a restart after a crash then
        // opens at once instead of walking the whole file (seconds at a million stories).
        txn.set_quick_repair(true);
        {
            let mut stories = txn.open_table(STORIES)?;
            let mut index = txn.open_table(INDEX)?;
            for (a, entry) in changed {
                let bytes = serde_json::to_vec(&**a).expect("an Article always serialises");
                stories.insert(a.id.as_str(), bytes.as_slice())?;
                index.insert(a.id.as_str(), entry.as_slice())?;
            }
            let mut table = txn.open_table(SYMBOLS)?;
            for (symbol, name) in symbols {
                table.insert(*symbol, name.as_str())?;
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
