//! A local folder: `{id}_v{version}.{ext}` written under a hidden temporary name,
//! synced, renamed and the folder synced, so a reader sees a whole file or none. The
//! ledger says what was delivered; a file already there (written just before a crash
//! kept the ledger from knowing) is not written again.

use super::SendError;
use crate::queue::Item;
use newswire_shared::config::DropFolderDestination;
use newswire_shared::formats::files::{file_name, write_atomic};
use std::path::PathBuf;

pub struct DropFolderSink {
    dir: PathBuf,
}

impl DropFolderSink {
    pub fn new(d: &DropFolderDestination) -> Self {
        Self {
            dir: d.path.clone(),
        }
    }

    pub async fn send(&self, item: &Item) -> Result<(), SendError> {
        let dir = self.dir.clone();
        let name = file_name(&item.id, item.version, item.extension);
        let body = item.body.clone();
        tokio::task::spawn_blocking(move || write_atomic(&dir, &name, &body))
            .await
            .map_err(|e| SendError::new(format!("drop folder task: {e}")))?
            .map(|_| ())
            .map_err(|e| SendError::new(format!("drop folder {}: {e}", self.dir.display())))
    }
}
