//! Uploaded files, content-addressed: a file is stored once under its
//! SHA-256 and found by it. The disk store is the default for a single
//! office; the trait lets an S3-compatible store be added for a cluster.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    #[error("no stored file {0}")]
    Missing(String),
}

pub trait FileStore: Send + Sync + 'static {
    /// Stores bytes durably and returns their SHA-256 (hex).
    fn put(&self, bytes: &[u8]) -> Result<String, FileError>;
    /// Stores a file already written at `path` (a result too large to hold
    /// in memory), taking it over: read once to hash it, then moved (or
    /// copied) into place durably. Returns its SHA-256 (hex).
    fn put_file(&self, path: &Path) -> Result<String, FileError>;
    fn get(&self, sha256: &str) -> Result<Vec<u8>, FileError>;
    /// Deletes stored bytes (retention); a missing file is not an error.
    fn remove(&self, sha256: &str) -> Result<(), FileError>;
}

/// Files under `root/ab/cd/<sha256>`, outside any web root.
pub struct DiskFiles {
    root: PathBuf,
}

impl DiskFiles {
    pub fn new(root: impl Into<PathBuf>) -> DiskFiles {
        DiskFiles { root: root.into() }
    }

    fn path(&self, sha: &str) -> Option<PathBuf> {
        let ok = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| self.root.join(&sha[0..2]).join(&sha[2..4]).join(sha))
    }
}

impl FileStore for DiskFiles {
    fn put(&self, bytes: &[u8]) -> Result<String, FileError> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path(&sha).ok_or_else(|| FileError::Missing(sha.clone()))?;
        if path.exists() {
            return Ok(sha);
        }
        let tmp = aside(&path, &sha)?;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        settle(&tmp, &path)?;
        Ok(sha)
    }

    fn put_file(&self, from: &Path) -> Result<String, FileError> {
        let mut hasher = Sha256::new();
        let (mut f, mut buf) = (std::fs::File::open(from)?, vec![0u8; 1 << 16]);
        loop {
            let n = std::io::Read::read(&mut f, &mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let sha = hex::encode(hasher.finalize());
        let path = self.path(&sha).ok_or_else(|| FileError::Missing(sha.clone()))?;
        if path.exists() {
            std::fs::remove_file(from)?;
            return Ok(sha);
        }
        let tmp = aside(&path, &sha)?;
        // A rename keeps the bytes where they are; from another file
        // system they are copied.
        if std::fs::rename(from, &tmp).is_err() {
            std::fs::copy(from, &tmp)?;
            std::fs::remove_file(from)?;
        }
        std::fs::File::open(&tmp)?.sync_all()?;
        settle(&tmp, &path)?;
        Ok(sha)
    }

    fn get(&self, sha: &str) -> Result<Vec<u8>, FileError> {
        let path = self.path(sha).ok_or_else(|| FileError::Missing(sha.to_string()))?;
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FileError::Missing(sha.to_string()),
            _ => FileError::Io(e),
        })
    }

    fn remove(&self, sha: &str) -> Result<(), FileError> {
        let path = self.path(sha).ok_or_else(|| FileError::Missing(sha.to_string()))?;
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(FileError::Io(e)),
            _ => Ok(()),
        }
    }
}

/// A temporary name beside `path` for one writer. Write aside, fsync, then
/// rename (`settle`): a crash never leaves half a file under a valid name,
/// and an acknowledged upload is on disk. Each writer has its own temporary
/// name: two writers of the same bytes (a document produced by the job and
/// by a download at once) must not truncate each other's file or lose the
/// rename.
fn aside(path: &Path, sha: &str) -> Result<PathBuf, FileError> {
    static WRITER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let n = WRITER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(dir.join(format!(".{sha}.{}.{n}.tmp", std::process::id())))
}

/// Moves a synced temporary file to its name and syncs the folder.
fn settle(tmp: &Path, path: &Path) -> Result<(), FileError> {
    std::fs::rename(tmp, path)?;
    std::fs::File::open(path.parent().unwrap_or(Path::new(".")))?.sync_all()?;
    Ok(())
}

/// The type of an upload, decided by its first bytes, never by its name
/// or the browser's claim.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_of_the_same_bytes_at_once_all_succeed() {
        let dir = crate::scratch::TempDir::new("files-race");
        let fs = std::sync::Arc::new(DiskFiles::new(&dir.0));
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let writers: Vec<_> = (0..8)
            .map(|_| {
                let (fs, bytes) = (fs.clone(), bytes.clone());
                std::thread::spawn(move || fs.put(&bytes))
            })
            .collect();
        let shas: Vec<String> = writers.into_iter().map(|w| w.join().unwrap().unwrap()).collect();
        assert!(shas.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(fs.get(&shas[0]).unwrap(), bytes);
    }

    #[test]
    fn files_round_trip_by_content_and_types_come_from_bytes() {
        let dir = crate::scratch::TempDir::new("files");
        let fs = DiskFiles::new(&dir.0);
        let sha = fs.put(b"%PDF-1.7 hello").unwrap();
        assert_eq!(fs.put(b"%PDF-1.7 hello").unwrap(), sha, "same content, same address");
        assert_eq!(fs.get(&sha).unwrap(), b"%PDF-1.7 hello");
        assert!(matches!(fs.get(&"0".repeat(64)), Err(FileError::Missing(_))));
        assert!(matches!(fs.get("../../etc/passwd"), Err(FileError::Missing(_))));
        // A file written elsewhere is taken over under the same address.
        let written = dir.0.join("result.csv");
        std::fs::write(&written, b"%PDF-1.7 hello").unwrap();
        assert_eq!(fs.put_file(&written).unwrap(), sha);
        assert!(!written.exists(), "taken over, not left behind");
        std::fs::write(&written, b"row,nik\n").unwrap();
        let other = fs.put_file(&written).unwrap();
        assert_eq!(fs.get(&other).unwrap(), b"row,nik\n");
        assert_eq!(sniff(b"%PDF-1.4"), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
    }
}
