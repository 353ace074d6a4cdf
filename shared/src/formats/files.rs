//! Item files: their names, and the atomic write every drop folder needs.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `{id}_v{version}.{ext}`, with every character of the id outside `A-Z a-z 0-9 . -`
/// percent-encoded, so distinct ids never share a file and no id escapes the folder.
pub fn file_name(article_id: &str, version: u64, ext: &str) -> String {
    let mut name = String::with_capacity(article_id.len() + 16);
    for b in article_id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || (b == b'.' && !name.is_empty()) {
            name.push(b as char);
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{name}_v{version}.{ext}")
}

/// Writes `bytes` as `dir/name` so that a reader sees the whole file or none: written
/// under a hidden temporary name, synced, renamed, and the folder synced. Returns
/// `false` (and writes nothing) if the file is already there.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<bool> {
    let target = dir.join(name);
    if target.exists() {
        return Ok(false);
    }
    fs::create_dir_all(dir)?;
    let temp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&temp, &target)?;
    File::open(dir)?.sync_all()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_distinct() {
        assert_eq!(file_name("belta-123", 2, "xml"), "belta-123_v2.xml");
        assert_eq!(file_name("a/b", 1, "xml"), "a%2Fb_v1.xml");
        assert_ne!(file_name("a/b", 1, "xml"), file_name("a_b", 1, "xml"));
        assert_eq!(file_name("../x", 1, "xml"), "%2E.%2Fx_v1.xml");
    }

    #[test]
    fn a_file_is_written_once() {
        let dir = std::env::temp_dir().join(format!("newsml-files-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        assert!(write_atomic(&dir, "a_v1.xml", b"one").unwrap());
        assert!(!write_atomic(&dir, "a_v1.xml", b"two").unwrap());
        assert_eq!(fs::read(dir.join("a_v1.xml")).unwrap(), b"one");
        let leftovers = fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
        fs::remove_dir_all(&dir).unwrap();
    }
}
