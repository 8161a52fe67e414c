//! SQLite: the embedded default for one office on one machine. WAL mode,
//! full fsync on commit, foreign keys on, and a single writer connection so
//! writers queue in the app instead of failing with "database is locked".

use crate::cases::CaseCreate;
use crate::{Case, CaseUpdate, Result, StoreError, migrate};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    /// One connection: SQLite allows one writer at a time anyway.
    pub(crate) write: SqlitePool,
    /// Readers run in parallel thanks to WAL.
    pub(crate) read: SqlitePool,
    /// Reports read like everyone else: one file has no replica.
    pub(crate) report: SqlitePool,
    /// New cases and case actions, committed in groups (see `group_commit`).
    actions: tokio::sync::mpsc::Sender<Action>,
}

/// A case write waiting for the group writer, and who waits for its end.
struct Action {
    write: CaseWrite,
    /// The case written (`None` for the bench's raw row).
    done: tokio::sync::oneshot::Sender<Result<Option<Case>>>,
}

enum CaseWrite {
    Create(Box<CaseCreate>),
    Update {
        id: i64,
        version: i64,
        update: Box<CaseUpdate>,
    },
    /// `layanan bench`'s baseline: one plain row, batched like the rest so
    /// the ratio measures the engine, not the batching.
    Raw(String),
}

/// Most actions one commit carries.
const GROUP_MAX: usize = 64;

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(dir) = opts.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                crate::StoreError::Invalid(format!("cannot create database directory {}: {e}", dir.display()))
            })?;
        }
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(opts.clone()).await?;
        let read =
            SqlitePoolOptions::new().max_connections(4).connect_with(reader(opts.read_only(true))).await;
        // A read-only pool fails on a database that does not exist yet; the
        // writer has created it now, so open it again.
        let read = match read {
            Ok(p) => p,
            Err(_) => {
                SqlitePoolOptions::new().max_connections(4).connect_with(reader(opts_read(url)?)).await?
            }
        };
        let (actions, queue) = tokio::sync::mpsc::channel(1024);
        tokio::spawn(group_commit(write.clone(), queue));
        Ok(SqliteStore { write, report: read.clone(), read, actions })
    }

    /// A case action, committed together with the others that arrived
    /// while the previous commit was being flushed; answered only once its
    /// commit is durable.
    pub(crate) async fn commit_update(&self, id: i64, version: i64, update: CaseUpdate) -> Result<Case> {
        self.commit_case(CaseWrite::Update { id, version, update: Box::new(update) }).await
    }

    /// A new case, committed in a group like the actions.
    pub(crate) async fn commit_create(&self, new: CaseCreate) -> Result<Case> {
        self.commit_case(CaseWrite::Create(Box::new(new))).await
    }

    pub(crate) async fn commit_raw(&self, payload: &str) -> Result<()> {
        self.commit(CaseWrite::Raw(payload.to_string())).await.map(|_| ())
    }

    async fn commit_case(&self, write: CaseWrite) -> Result<Case> {
        self.commit(write)
            .await?
            .ok_or_else(|| StoreError::Invalid("the writer answered without a case".into()))
    }

    async fn commit(&self, write: CaseWrite) -> Result<Option<Case>> {
        let (done, answer) = tokio::sync::oneshot::channel();
        let writer_gone = || StoreError::Unavailable("the case writer has stopped".into());
        self.actions.send(Action { write, done }).await.map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }

    pub(crate) const BENCH_RAW_TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, at BIGINT NOT NULL, payload TEXT NOT NULL)";

    /// Nothing to do: SQLite plans without statistics unless asked.
    pub(crate) async fn after_bulk_load(_pool: &SqlitePool) -> Result<()> {
        Ok(())
    }

    /// A consistent snapshot, taken while writers go on.
    pub(crate) async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        let path = path.to_str().ok_or_else(|| StoreError::Invalid("backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(path).execute(&self.write).await?;
        Ok(())
    }

    /// `synchronous` as the writer runs it: FULL (2) or EXTRA (3) syncs
    /// each commit; NORMAL in WAL mode may lose the last ones in a power cut.
    pub(crate) async fn durability_settings(&self) -> Result<Vec<crate::Durability>> {
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&self.write).await?;
        let names = ["off", "normal", "full", "extra"];
        let value = names.get(level as usize).copied().unwrap_or("unknown").to_string();
        Ok(vec![crate::Durability { setting: "synchronous".into(), value, durable: level >= 2 }])
    }

    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.write.begin().await?)
    }

    /// Nothing to lock: the single writer connection serialises writers.
    /// One chain: writers are serialised anyway.
    pub(crate) fn audit_chain(_object: &str) -> i32 {
        0
    }

    pub(crate) async fn lock_audit(_tx: &mut Transaction<'static, Sqlite>, chain: i32) -> Result<i32> {
        Ok(chain)
    }

    /// Nothing to lock: the single writer connection serialises movements.
    pub(crate) async fn lock_stock(_tx: &mut Transaction<'static, Sqlite>, _office: &str) -> Result<()> {
        Ok(())
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(migrate::CREATE_TABLE).execute(&mut *tx).await?;
        Self::apply_migrations(&mut tx, migrate::SQLITE).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A reader's settings: pages read through a memory map and a larger page
/// cache, so the dashboard's scans of an office's cases (tens of thousands
/// of index entries) do not go through a read call per page. Reads only:
/// writes and their durability are the writer's.
fn reader(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts.pragma("mmap_size", "268435456").pragma("cache_size", "-16384")
}

fn opts_read(url: &str) -> Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)?.read_only(true).busy_timeout(Duration::from_secs(10)))
}

/// Group commit for new cases and case actions. Each SQLite commit costs an
/// fsync (synchronous=FULL), which bounds one-commit-per-write at a few
/// thousand a second with every other writer queued behind it. The writer
/// takes all writes waiting, applies them in one transaction and commits once; a
/// stale version, and stock a balance cannot cover, are found before an action
/// writes anything, so they are answered on their own. Any other failure rolls the whole group back and
/// every action in it is answered with the error: nothing of it was
/// acknowledged, so nothing acknowledged is lost.
async fn group_commit(pool: SqlitePool, mut queue: tokio::sync::mpsc::Receiver<Action>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match queue.try_recv() {
                Ok(a) => group.push(a),
                Err(_) => break,
            }
        }
        let mut answers = Vec::with_capacity(group.len());
        let failed = match pool.begin().await {
            Err(e) => Some(e.to_string()),
            Ok(mut tx) => {
                let mut failed = None;
                for a in group.drain(..) {
                    if failed.is_some() {
                        answers.push((a.done, None));
                        continue;
                    }
                    // Stock a balance cannot cover is refused before the
                    // action writes anything: answered on its own.
                    if let CaseWrite::Update { update, .. } = &a.write
                        && let Err(refused) = SqliteStore::check_movements(&mut tx, &update.stock).await
                    {
                        answers.push((a.done, Some(Err(refused))));
                        continue;
                    }
                    let applied = match a.write {
                        CaseWrite::Create(new) => SqliteStore::apply_create(&mut tx, *new).await.map(Some),
                        CaseWrite::Update { id, version, update } => {
                            SqliteStore::apply_update(&mut tx, id, version, *update).await.map(Some)
                        }
                        CaseWrite::Raw(payload) => {
                            SqliteStore::insert_raw(&mut tx, &payload).await.map(|()| None)
                        }
                    };
                    match applied {
                        Err(StoreError::Stale(m)) => answers.push((a.done, Some(Err(StoreError::Stale(m))))),
                        Err(e) => {
                            failed = Some(e.to_string());
                            answers.push((a.done, None));
                        }
                        Ok(c) => answers.push((a.done, Some(Ok(c)))),
                    }
                }
                match failed {
                    Some(e) => {
                        let _ = tx.rollback().await;
                        Some(e)
                    }
                    None => tx.commit().await.err().map(|e| e.to_string()),
                }
            }
        };
        for (done, answer) in answers.into_iter().chain(group.into_iter().map(|a| (a.done, None))) {
            let answer = match (&failed, answer) {
                (_, Some(Err(refused))) => Err(refused),
                (None, Some(ok)) => ok,
                (Some(e), _) => Err(StoreError::Unavailable(format!("not saved, try again: {e}"))),
                (None, None) => Err(StoreError::Unavailable("not saved, try again".into())),
            };
            let _ = done.send(answer);
        }
    }
}
