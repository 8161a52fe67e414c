//! The register index of an office's civil registers (Jepara's *pencarian
//! register akta*): the office's digitised registers imported from CSV
//! (`Import`: a line at a time, written in batches, each bad row reported
//! with its column), searched by number or by name — exact and fuzzy, the
//! name rules in `domain::register` — and the entry a case's search step
//! records quoted on the case, so its Surat Keterangan Keabsahan prints it.

use crate::accounts::Principal;
use crate::{App, Error};
use domain::Role;
use domain::register::{COLUMNS, check_row, fold, name_key, similarity, word_keys};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{Case, NameQuery, NewRegisterEntry, RegisterEntry};

/// Rows written per transaction.
const BATCH: usize = 5_000;
/// Row errors kept for the report (the count goes on past it).
pub const MAX_ERRORS: usize = 1_000;
/// Candidates read before ranking.
const CANDIDATES: i64 = 500;

/// Who imports an office's registers: its admin.
const IMPORTERS: &[Role] = &[Role::Admin];

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The row's number in the file (the header not counted).
    pub row: u64,
    pub field: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: u64,
    pub imported: u64,
    /// Rows whose akta (kind, year, number) was in the index already.
    pub duplicates: u64,
    pub invalid: u64,
    /// The first `MAX_ERRORS` bad rows.
    pub errors: Vec<RowError>,
}

/// One import in progress.
pub struct Import {
    office: String,
    actor: String,
    /// The column of each of `COLUMNS` (a header names `nomor_akta`;
    /// without one they come in that order).
    columns: crate::Columns<10>,
    pending: Vec<NewRegisterEntry>,
    pub report: ImportReport,
}

impl Import {
    /// An import by `who`, the office's admin.
    pub async fn by(app: &App, who: &Principal, office: &str) -> Result<Import, Error> {
        who.require(IMPORTERS, office)?;
        Import::new(app, office, &who.user.username).await
    }

    /// An import in the name of `actor` (the CLI's `cli`).
    pub async fn new(app: &App, office: &str, actor: &str) -> Result<Import, Error> {
        if app.store.office(office).await?.is_none() {
            return Err(Error::invalid("office", format!("no office `{office}`")));
        }
        Ok(Import {
            office: office.into(),
            actor: actor.into(),
            columns: crate::Columns::new(COLUMNS, "nomor_akta", std::array::from_fn(Some)),
            pending: Vec::with_capacity(BATCH),
            report: ImportReport::default(),
        })
    }

    /// Reads one line of the file; every `BATCH` good rows are written.
    pub async fn line(&mut self, app: &App, line: &str) -> Result<(), Error> {
        let Some((cells, columns)) = self.columns.read(line) else { return Ok(()) };
        self.report.rows += 1;
        let get = |i: usize| columns[i].and_then(|c| cells.get(c)).map(String::as_str).unwrap_or_default();
        match check_row(std::array::from_fn(get)) {
            Ok(e) => {
                self.pending.push(NewRegisterEntry {
                    name_folded: fold(&e.name),
                    name_key: name_key(&e.name),
                    words: word_keys(&e.name),
                    akta_type: e.akta_type,
                    number: e.number,
                    year: e.year,
                    name: e.name,
                    father: e.father,
                    mother: e.mother,
                    place: e.place,
                    event_date: e.event_date,
                    book: e.book,
                    page: e.page,
                });
                if self.pending.len() >= BATCH {
                    self.flush(app).await?;
                }
            }
            Err(e) => {
                self.report.invalid += 1;
                if self.report.errors.len() < MAX_ERRORS {
                    let row = self.report.rows;
                    self.report.errors.push(RowError { row, field: e.field.into(), message: e.message });
                }
            }
        }
        Ok(())
    }

    async fn flush(&mut self, app: &App) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let new = app.store.import_register(&self.office, &self.actor, &self.pending).await?;
        self.report.imported += new;
        self.report.duplicates += self.pending.len() as u64 - new;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is left and gives the report.
    pub async fn finish(mut self, app: &App) -> Result<ImportReport, Error> {
        self.flush(app).await?;
        Ok(self.report)
    }
}

/// A search of the caller's office's register (`GET /api/v1/register`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The name on the akta; spelling variants match (Soeharto, Suharto).
    pub name: Option<String>,
    /// The akta's number, exactly.
    pub number: Option<String>,
    /// One of the akta kinds (`kelahiran`, `kematian`, …).
    pub akta_type: Option<String>,
    pub year: Option<i32>,
    /// A parent's name: ranks entries whose father or mother is alike.
    pub parent: Option<String>,
    /// At most this many hits (default 20, at most 100).
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    #[serde(flatten)]
    pub entry: RegisterEntry,
    /// The name written the same (case, diacritics and punctuation aside).
    pub exact: bool,
    /// How alike the names are, 0–1.
    pub score: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    pub office: String,
    /// Entries in the office's index.
    pub indexed: i64,
    pub hits: Vec<Hit>,
}

/// Searches the caller's office's register: by number, or by name (its
/// folded form, its phonetic key, or every word's key), ranked exact
/// first, then by how alike the names (and the parent's, if given) are.
/// The search is logged as a read of personal data.
pub async fn search(app: &App, who: &Principal, q: &SearchQuery) -> Result<SearchResult, Error> {
    let office = who.user.office.clone();
    searcher(who)?;
    let name = q.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let number = q.number.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| fold(n).len() < 2) {
        return Err(Error::invalid("name", "at least two letters"));
    }
    if let Some(t) = &q.akta_type
        && !domain::register::AKTA_TYPES.contains(&t.as_str())
    {
        let kinds = domain::register::AKTA_TYPES.join(", ");
        return Err(Error::invalid("akta_type", format!("one of {kinds}")));
    }
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(Error::invalid("limit", "from 1 to 100"));
    }
    let candidates = match (number, name) {
        (Some(n), _) => app.store.register_by_number(&office, n, CANDIDATES).await?,
        (None, Some(n)) => {
            let query = NameQuery { folded: fold(n), key: name_key(n), words: word_keys(n) };
            app.store.register_candidates(&office, &query, CANDIDATES).await?
        }
        (None, None) => return Err(Error::invalid("name", "give a name or an akta number")),
    };
    let folded = name.map(fold);
    let mut hits: Vec<Hit> = candidates
        .into_iter()
        .filter(|e| q.akta_type.as_ref().is_none_or(|t| &e.akta_type == t))
        .filter(|e| q.year.is_none_or(|y| e.year == y))
        .filter(|e| {
            folded
                .as_ref()
                .is_none_or(|f| number.is_none() || e.name_folded == *f || e.name_key == name_key(f))
        })
        .map(|entry| {
            let mut score = name.map_or(1.0, |n| similarity(n, &entry.name));
            if let Some(p) = q.parent.as_deref().filter(|p| !p.trim().is_empty()) {
                score *= similarity(p, &entry.father).max(similarity(p, &entry.mother));
            }
            Hit { exact: folded.as_ref().is_none_or(|f| entry.name_folded == *f), score, entry }
        })
        .collect();
    hits.sort_by(|a, b| {
        b.exact.cmp(&a.exact).then(b.score.total_cmp(&a.score)).then(a.entry.year.cmp(&b.entry.year))
    });
    hits.truncate(limit as usize);
    let what = format!("pencarian register akta: {} hasil", hits.len());
    app.store.log_access(&who.user.username, &format!("register:{office}"), &what).await?;
    Ok(SearchResult { indexed: app.store.register_size(&office).await?, office, hits })
}

/// Who searches an office's register: its staff (each their own office's).
fn searcher(who: &Principal) -> Result<(), Error> {
    match who.role.is_staff() {
        true => Ok(()),
        false => Err(Error::forbidden("the office's staff search its register")),
    }
}

/// One entry of the caller's office's register, its read logged.
pub async fn entry(app: &App, who: &Principal, id: i64) -> Result<RegisterEntry, Error> {
    searcher(who)?;
    let e = app.store.register_entry(id).await?.filter(|e| e.office == who.user.office);
    let e = e.ok_or_else(|| Error::NotFound("no such register entry".into()))?;
    app.store
        .log_access(&who.user.username, &format!("register:{}:{id}", e.office), "entri register akta")
        .await?;
    Ok(e)
}

/// When `step` records a register entry (a record of kind `register`),
/// the action's data with that entry quoted beside its id, as
/// `<record>_<column>` (`register_nama`, `register_nomor_akta`, …), so the
/// case keeps what was found and its letter can print it. An id that is no
/// entry of the case's office is refused, naming the record.
pub async fn quote_records(
    app: &App,
    case: &Case,
    step: &domain::standard::Step,
    input: &crate::cases::engine::ActionInput,
) -> Result<Option<crate::cases::engine::ActionInput>, Error> {
    let Some(Value::Object(data)) = &input.data else { return Ok(None) };
    let mut quoted = data.clone();
    for r in step.records.iter().filter(|r| r.kind == "register") {
        let id = match data.get(&r.code) {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().parse().ok(),
            _ => continue,
        };
        let entry = match id {
            Some(id) => app.store.register_entry(id).await?.filter(|e| e.office == case.office),
            None => None,
        };
        let e = entry.ok_or_else(|| {
            Error::invalid(&format!("data.{}", r.code), "no entry of this office's register has this id")
        })?;
        let event_date = chrono::NaiveDate::parse_from_str(&e.event_date, "%Y-%m-%d")
            .map(::documents::render::tanggal)
            .unwrap_or_default();
        let values = [
            e.akta_type.replace('_', " "),
            e.number,
            e.year.to_string(),
            e.name,
            e.father,
            e.mother,
            e.place,
            event_date,
            e.book,
            e.page,
        ];
        for (column, value) in COLUMNS.iter().zip(values) {
            quoted.insert(format!("{}_{column}", r.code), Value::String(value));
        }
    }
    if quoted.len() == data.len() {
        return Ok(None);
    }
    Ok(Some(crate::cases::engine::ActionInput { data: Some(Value::Object(quoted)), ..input.clone() }))
}
