//! Scratch files for a test: a directory of its own, and documents written into it for
//! an outside checker to read.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A new, empty directory of this process's own in the system's temporary one, named
/// after `what`; the caller removes it if it must.
pub fn scratch_dir(what: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "newswire-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

/// Writes each of `docs` into `dir` under the name `name` gives its index; the paths,
/// in order.
pub fn write_docs(
    dir: &Path,
    docs: &[impl AsRef<[u8]>],
    name: impl Fn(usize) -> String,
) -> Vec<PathBuf> {
    docs.iter()
        .enumerate()
        .map(|(i, doc)| {
            let path = dir.join(name(i));
            std::fs::write(&path, doc).expect("writing a document");
            path
        })
        .collect()
}
