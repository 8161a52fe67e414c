//! Signed audit checkpoints. The hash chains (`crates/store/src/audit.rs`)
//! show a row edited, removed or inserted in the middle; they cannot show
//! that the last rows were cut off, that the log was emptied, or that
//! someone with the database wrote every chain again with fresh hashes. A
//! checkpoint records each chain's head (place and hash) at a moment,
//! signed with a key derived from the document secret, and lives outside
//! the database: in the checkpoint folder beside the backups, and in each
//! backup. `verify` compares the database with the newest one.
//!
//! The key is the installation's, not one office's: a checkpoint covers the
//! chains of every office the database holds, and its public half is
//! written in each checkpoint so an auditor can pin it.

use ::documents::keys::Secret;
use ed25519_dalek::{Signature, Signer, Verifier};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use store::{AuditReport, ChainHead, Store};

/// What the checkpoint key is derived for.
const PURPOSE: &str = "audit checkpoint";
/// A checkpoint file's name: this, the time in milliseconds (zero-padded,
/// so names sort by time), `.json`.
const PREFIX: &str = "audit-checkpoint-";
/// How many checkpoint files a folder keeps (an hourly one: three weeks).
const KEEP: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// When it was taken (Unix milliseconds).
    pub at: i64,
    /// Rows in the log then (the sum of the heads' places).
    pub rows: i64,
    pub heads: Vec<ChainHead>,
    /// The public key (hex) that verifies `signature`.
    pub key: String,
    pub signature: String,
}

/// The signed bytes: every field but the signature, one per line.
fn message(at: i64, rows: i64, heads: &[ChainHead]) -> String {
    let mut m = format!("layanan audit checkpoint\n{at}\n{rows}\n");
    for h in heads {
        m.push_str(&format!("{} {} {}\n", h.chain, h.seq, h.hash));
    }
    m
}

/// The log's heads now, signed.
pub async fn take(store: &dyn Store, secret: &Secret, at: i64) -> Result<Checkpoint, crate::Error> {
    let heads = store.audit_heads().await?;
    let rows = heads.iter().map(|h| h.seq).sum();
    let key = secret.derived_key(PURPOSE);
    let signature = key.sign(message(at, rows, &heads).as_bytes());
    Ok(Checkpoint {
        at,
        rows,
        heads,
        key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(signature.to_bytes()),
    })
}

/// Whether `secret`'s checkpoint key signed `cp` as it stands.
pub fn signed(cp: &Checkpoint, secret: &Secret) -> bool {
    let key = secret.derived_key(PURPOSE).verifying_key();
    let Ok(bytes) = hex::decode(&cp.signature) else { return false };
    let Ok(signature) = Signature::from_slice(&bytes) else { return false };
    cp.key == hex::encode(key.as_bytes())
        && cp.rows == cp.heads.iter().map(|h| h.seq).sum::<i64>()
        && key.verify(message(cp.at, cp.rows, &cp.heads).as_bytes(), &signature).is_ok()
}

/// Writes `cp` into `dir` durably (a whole file or none), then keeps only
/// the newest [`KEEP`]. Returns the file.
pub fn write(dir: &Path, cp: &Checkpoint) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("{PREFIX}{:015}.json", cp.at));
    let tmp = path.with_extension("tmp");
    let text = serde_json::to_string_pretty(cp).map_err(|e| e.to_string())?;
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    let files = files(dir)?;
    for old in files.iter().take(files.len().saturating_sub(KEEP)) {
        std::fs::remove_file(old).map_err(|e| format!("{}: {e}", old.display()))?;
    }
    Ok(path)
}

/// The checkpoint files in `dir`, oldest first.
fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(PREFIX) && name.ends_with(".json")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The newest checkpoint in `dir`, if any, with its file.
pub fn latest(dir: &Path) -> Result<Option<(PathBuf, Checkpoint)>, String> {
    let Some(path) = files(dir)?.pop() else { return Ok(None) };
    let cp = read(&path)?;
    Ok(Some((path, cp)))
}

/// One checkpoint file (from the folder, a backup, or an auditor's copy).
pub fn read(path: &Path) -> Result<Checkpoint, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not a checkpoint: {e}", path.display()))
}

/// The chains on their own, then against `cp`: its signature, then each
/// head it recorded. The first failure is the report.
pub async fn verify(
    store: &dyn Store,
    secret: &Secret,
    cp: Option<&Checkpoint>,
) -> Result<AuditReport, crate::Error> {
    let chains = store.audit_verify().await?;
    let Some(cp) = cp.filter(|_| chains.ok) else { return Ok(chains) };
    if !signed(cp, secret) {
        return Ok(AuditReport {
            rows: chains.rows,
            ok: false,
            broken_at: None,
            chain: 0,
            reason: Some(format!(
                "the checkpoint of {} does not verify with this installation's key: it was altered or is not ours",
                cp.at
            )),
        });
    }
    let heads = store.audit_check_heads(&cp.heads).await?;
    Ok(if heads.ok { chains } else { heads })
}

/// Takes and writes a checkpoint into `dir` every `every`.
pub fn spawn(app: crate::App, dir: PathBuf, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    crate::repeat(every, move || {
        let (app, dir) = (app.clone(), dir.clone());
        async move {
            let at = app.now().timestamp_millis();
            let written = match take(app.store.as_ref(), &app.document_secret, at).await {
                Ok(cp) => write(&dir, &cp).map(|path| (path, cp.rows)),
                Err(e) => Err(e.to_string()),
            };
            match written {
                Ok((path, rows)) => tracing::debug!(file = %path.display(), rows, "audit checkpoint written"),
                Err(e) => tracing::warn!(error = %e, "the audit checkpoint could not be written"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(chain: i32, seq: i64) -> ChainHead {
        ChainHead { chain, seq, hash: format!("{seq:064}") }
    }

    fn checkpoint(secret: &Secret) -> Checkpoint {
        let heads = vec![head(0, 3), head(7, 2)];
        let key = secret.derived_key(PURPOSE);
        let signature = key.sign(message(10, 5, &heads).as_bytes());
        Checkpoint {
            at: 10,
            rows: 5,
            heads,
            key: hex::encode(key.verifying_key().as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        }
    }

    #[test]
    fn a_checkpoint_verifies_only_as_signed_and_only_with_its_secret() {
        let secret = Secret::generate();
        let cp = checkpoint(&secret);
        assert!(signed(&cp, &secret));
        assert!(!signed(&cp, &Secret::generate()), "another installation's secret");
        let mut fewer = cp.clone();
        fewer.heads[0].seq = 2;
        fewer.rows = 4;
        assert!(!signed(&fewer, &secret), "a head moved back");
        let mut later = cp.clone();
        later.at += 1;
        assert!(!signed(&later, &secret), "another time");
        let mut key = cp.clone();
        key.key = hex::encode(Secret::generate().derived_key(PURPOSE).verifying_key().as_bytes());
        assert!(!signed(&key, &secret), "another key");
    }

    #[test]
    fn the_folder_keeps_the_newest_and_reads_it_back() {
        let dir = store::testing::TempDir::new("checkpoints");
        let secret = Secret::generate();
        for at in [5, 100, 20] {
            write(&dir.0, &Checkpoint { at, ..checkpoint(&secret) }).unwrap();
        }
        std::fs::write(dir.0.join("notes.txt"), "not a checkpoint").unwrap();
        let (path, newest) = latest(&dir.0).unwrap().unwrap();
        assert_eq!(newest.at, 100, "{}", path.display());
        assert_eq!(files(&dir.0).unwrap().len(), 3);
        assert!(latest(&dir.0.join("none")).unwrap().is_none());
    }
}
