//! The catalogue: the offices and their standards. Files under
//! `standards/<office>/` are linted and published into the store (a new
//! `version` becomes a new row; a published version never changes), then
//! the newest version of each is kept in memory for the pages and the API.

use domain::lint::{Severity, lint};
use domain::{OfficeCode, OfficeLevel, OfficeProfile, Standard, TimeZone};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use store::{Office, Store, StoreError, StoredStandard, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot read {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path}:{line}: {message}")]
    File { path: String, line: usize, message: String },
}

/// What `sync_dir` did, for the start-up log.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub offices: usize,
    pub published: usize,
    pub unchanged: usize,
    /// Files not loaded because the lint found errors (path: finding).
    pub rejected: Vec<String>,
}

/// Reads every office folder under `dir` and publishes what changed, with
/// the shared procedures (`dir/shared/<slug>.toml`) an office's
/// `office.toml` lists under `shared`, published as that office's.
pub async fn sync_dir(store: &dyn Store, dir: &Path) -> Result<SyncReport, CatalogError> {
    let mut report = SyncReport::default();
    for (code, folder) in office_folders(dir)? {
        let shared = ensure_office(store, &code, &folder).await?;
        report.offices += 1;
        for path in toml_files(&folder)? {
            publish(store, &code, &path, read(&path)?, &mut report).await?;
        }
        // An office's own file of a shared procedure replaces it (another
        // time for complaints, say).
        for slug in shared.iter().filter(|s| !folder.join(format!("{s}.toml")).exists()) {
            let path = dir.join("shared").join(format!("{slug}.toml"));
            let text = read(&path)?.replace(SHARED_OFFICE, &format!("office = \"{code}\""));
            publish(store, &code, &path, text, &mut report).await?;
        }
    }
    Ok(report)
}

/// The line a shared procedure declares its office with; each office that
/// runs it gets its own code there.
pub const SHARED_OFFICE: &str = "office = \"{office}\"";

/// Lints one standard of office `code` and publishes it unless it has errors.
async fn publish(
    store: &dyn Store,
    code: &OfficeCode,
    path: &Path,
    text: String,
    report: &mut SyncReport,
) -> Result<(), CatalogError> {
    let rel = path.display().to_string();
    let slug = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    let (parsed, findings) = lint(&text, Some((code.as_str(), &slug)));
    let mut errors: Vec<_> = findings.into_iter().filter(|f| f.severity == Severity::Error).collect();
    errors.extend(parsed.iter().flat_map(|s| missing_services(s, &text, path)));
    let Some(std) = parsed.filter(|_| errors.is_empty()) else {
        for f in errors {
            tracing::error!(file = %rel, line = f.line, "standard not loaded: {}", f.message);
            report.rejected.push(format!("{rel}:{f}"));
        }
        return Ok(());
    };
    let stored = StoredStandard {
        office: code.to_string(),
        slug: std.slug.clone(),
        version: i64::from(std.version),
        title: std.title.clone(),
        content_hash: hex::encode(Sha256::digest(text.as_bytes())),
        content: text,
        loaded_at: now_ms(),
    };
    match store.put_standard("system", &stored).await {
        Ok(store::PutOutcome::Inserted) => report.published += 1,
        Ok(store::PutOutcome::Unchanged) => report.unchanged += 1,
        Err(StoreError::Conflict(m)) => {
            tracing::error!(file = %rel, "{m}");
            report.rejected.push(format!("{rel}: {m}"));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// Services a standard names — where a step hands the applicant on
/// (`hands_to`), what its agreement obliges (`[agreement] duties`), what
/// it objects to (`[objection] against`) — are
/// services of the same office, published beside this file (`text`, at
/// `path`).
pub fn missing_services(std: &Standard, text: &str, path: &Path) -> Vec<domain::lint::Finding> {
    let hand_ons = std
        .steps
        .iter()
        .filter_map(|s| Some((format!("step {}: hands_to", s.no), &s.hands_to.as_ref()?.service)));
    let duties = std
        .agreement
        .iter()
        .flat_map(|a| a.duties.iter())
        .map(|d| ("[agreement] duties".to_string(), &d.service));
    let objected = std.objection.iter().map(|o| ("[objection] against".to_string(), &o.against));
    hand_ons
        .chain(duties)
        .chain(objected)
        .filter(|(_, service)| !path.with_file_name(format!("{service}.toml")).is_file())
        .map(|(what, service)| domain::lint::Finding {
            severity: Severity::Error,
            line: text
                .lines()
                .position(|l| l.contains(&format!("service = \"{service}\"")))
                .map_or(1, |i| i + 1),
            message: format!("{what} names `{service}`, which this office does not publish"),
        })
        .collect()
}

fn read(path: &Path) -> Result<String, CatalogError> {
    std::fs::read_to_string(path)
        .map_err(|error| CatalogError::Io { path: path.display().to_string(), error })
}

/// `(code, folder)` for each folder whose name is an office code, sorted so
/// provinces come before their kab/kota.
fn office_folders(dir: &Path) -> Result<Vec<(OfficeCode, std::path::PathBuf)>, CatalogError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| CatalogError::Io { path: dir.display().to_string(), error })?;
    let mut out: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| Some((e.file_name().to_str()?.parse::<OfficeCode>().ok()?, e.path())))
        .collect();
    out.sort();
    Ok(out)
}

fn toml_files(folder: &Path) -> Result<Vec<std::path::PathBuf>, CatalogError> {
    let entries = std::fs::read_dir(folder)
        .map_err(|error| CatalogError::Io { path: folder.display().to_string(), error })?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "toml") && p.file_name().is_some_and(|n| n != "office.toml")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Creates or updates the office of a folder, and its province office
/// first when it is a kab/kota office; returns the shared procedures it runs.
async fn ensure_office(
    store: &dyn Store,
    code: &OfficeCode,
    folder: &Path,
) -> Result<Vec<String>, CatalogError> {
    if let Some(parent) = code.parent()
        && store.office(parent.as_str()).await?.is_none()
    {
        let office = office_from(store, &parent, None).await?;
        store.upsert_office("system", &office).await?;
    }
    let profile_path = folder.join("office.toml");
    let profile = if profile_path.exists() {
        let text = read(&profile_path)?;
        let p = OfficeProfile::parse(&text).map_err(|e| CatalogError::File {
            path: profile_path.display().to_string(),
            line: e.line,
            message: e.message,
        })?;
        Some(p)
    } else {
        None
    };
    let shared = profile.as_ref().map(|p| p.shared.clone()).unwrap_or_default();
    let children = profile.as_ref().is_some_and(|p| p.kab_kota_offices);
    let mut office = office_from(store, code, profile).await?;
    // Settings an admin changed in the app (maklumat, cuti bersama) survive a restart.
    let existing = store.office(code.as_str()).await?;
    if let Some(existing) = &existing {
        office.maklumat = existing.maklumat.clone();
        office.hours = existing.hours.clone();
        office.cuti_bersama_off = existing.cuti_bersama_off;
    }
    if existing.as_ref() != Some(&office) {
        store.upsert_office("system", &office).await?;
    }
    if children {
        ensure_kab_kota_offices(store, code).await?;
    }
    Ok(shared)
}

/// Each kab/kota of a province as an office, named from the region data
/// (73.09: Dinas Kependudukan dan Pencatatan Sipil Kabupaten Maros); one
/// that exists already is left as it is.
async fn ensure_kab_kota_offices(store: &dyn Store, province: &OfficeCode) -> Result<(), CatalogError> {
    for region in store.region_children(Some(province.as_str())).await? {
        let Ok(code) = region.code.parse::<OfficeCode>() else { continue };
        if store.office(code.as_str()).await?.is_none() {
            let office = office_from(store, &code, None).await?;
            store.upsert_office("system", &office).await?;
        }
    }
    Ok(())
}

async fn office_from(
    store: &dyn Store,
    code: &OfficeCode,
    profile: Option<OfficeProfile>,
) -> Result<Office, CatalogError> {
    let region = store.region(code.as_str()).await?.map(|r| r.name).unwrap_or_else(|| code.to_string());
    let level = code.level();
    let p = profile.unwrap_or_else(|| OfficeProfile {
        name: OfficeProfile::default_name(level, &region),
        address: domain::standard::NOT_STATED.into(),
        phone: None,
        website: None,
        email: None,
        units: Vec::new(),
        logo: None,
        numbering: Default::default(),
        shared: Vec::new(),
        duty_grace_days: domain::profile::DEFAULT_DUTY_GRACE_DAYS,
        kab_kota_offices: false,
        staff_evaluation: None,
    });
    Ok(Office {
        code: code.to_string(),
        name: p.name,
        level: level.as_str().into(),
        parent: code.parent().map(|c| c.to_string()),
        time_zone: TimeZone::for_province(code.province()),
        address: p.address,
        phone: p.phone,
        website: p.website,
        email: p.email,
        units: p.units,
        cuti_bersama_off: true,
        maklumat: None,
        hours: None,
    })
}

/// The newest version of every standard, parsed, by service id, and the
/// document body templates (`standards/templates/`, overridable per office).
#[derive(Debug, Default)]
pub struct Catalog {
    standards: BTreeMap<String, Arc<Standard>>,
    /// (office or "" for the default, document kind) → body template.
    templates: BTreeMap<(String, String), String>,
    /// (office, document kind) → checked numbering pattern.
    patterns: BTreeMap<(String, String), ::documents::numbering::Pattern>,
    /// office → logo image bytes.
    logos: BTreeMap<String, Vec<u8>>,
    /// office → days to file a due duty (office.toml `duty_grace_days`).
    grace_days: BTreeMap<String, u32>,
    /// office → how often its staff are evaluated (office.toml `staff_evaluation`).
    staff_evaluations: BTreeMap<String, domain::staff_evaluation::Every>,
}

impl Catalog {
    /// Builds the catalogue from what the store holds (so every app
    /// instance on one database serves the same standards).
    pub async fn load(store: &dyn Store) -> Result<Catalog, CatalogError> {
        let mut standards = BTreeMap::new();
        for s in store.standards(None).await? {
            match Standard::parse(&s.content) {
                Ok(std) => {
                    standards.insert(std.id(), Arc::new(std));
                }
                Err(e) => {
                    tracing::error!(office = %s.office, slug = %s.slug, "stored standard does not parse: {e}")
                }
            }
        }
        Ok(Catalog {
            standards,
            templates: BTreeMap::new(),
            patterns: BTreeMap::new(),
            logos: BTreeMap::new(),
            grace_days: BTreeMap::new(),
            staff_evaluations: BTreeMap::new(),
        })
    }

    /// Reads `dir/templates/*.txt` and `dir/<office>/templates/*.txt`.
    pub fn with_templates(mut self, dir: &Path) -> Result<Catalog, CatalogError> {
        let mut read_dir = |folder: std::path::PathBuf, office: &str| -> Result<(), CatalogError> {
            let Ok(entries) = std::fs::read_dir(&folder) else { return Ok(()) };
            for e in entries.filter_map(Result::ok) {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "txt")
                    && let Some(kind) = path.file_stem().and_then(|s| s.to_str())
                {
                    self.templates.insert((office.to_string(), kind.to_string()), read(&path)?);
                }
            }
            Ok(())
        };
        read_dir(dir.join("templates"), "")?;
        let offices = office_folders(dir)?;
        for (code, folder) in &offices {
            read_dir(folder.join("templates"), code.as_str())?;
        }
        // Numbering patterns from each office.toml, checked here so a bad
        // one stops the start with its file named.
        for (code, folder) in &offices {
            let path = folder.join("office.toml");
            if !path.exists() {
                continue;
            }
            let text = read(&path)?;
            let profile = OfficeProfile::parse(&text).map_err(|e| CatalogError::File {
                path: path.display().to_string(),
                line: e.line,
                message: e.message,
            })?;
            self.grace_days.insert(code.to_string(), profile.duty_grace_days);
            if let Some(every) = profile.staff_evaluation {
                self.staff_evaluations.insert(code.to_string(), every);
            }
            if let Some(logo) = &profile.logo {
                let file = folder.join(logo);
                let bytes = std::fs::read(&file)
                    .map_err(|error| CatalogError::Io { path: file.display().to_string(), error })?;
                self.logos.insert(code.to_string(), bytes);
            }
            for (kind, pattern) in profile.numbering {
                let p = ::documents::numbering::Pattern::parse(&pattern).map_err(|e| CatalogError::File {
                    path: path.display().to_string(),
                    line: domain::standard::line_col(&text, text.find(&pattern).unwrap_or(0)).0,
                    message: format!("numbering.{kind}: {e}"),
                })?;
                self.patterns.insert((code.to_string(), kind), p);
            }
        }
        Ok(self)
    }

    /// The office's logo for letterheads, if it has one.
    pub fn logo(&self, office: &str) -> Option<&[u8]> {
        self.logos.get(office).map(Vec::as_slice)
    }

    /// The numbering pattern of a document kind at an office, if it set one.
    pub fn pattern(&self, office: &str, kind: &str) -> Option<&::documents::numbering::Pattern> {
        self.patterns.get(&(office.to_string(), kind.to_string()))
    }

    /// The body template of a document kind for an office.
    /// The title of office `office`'s service `slug` as it is now, or the
    /// slug when the catalogue no longer has it.
    pub fn title(&self, office: &str, slug: &str) -> String {
        self.get(&format!("{office}-{slug}")).map_or_else(|| slug.to_string(), |s| s.title.clone())
    }

    /// Days an office gives to file a due duty before it is missing.
    pub fn duty_grace_days(&self, office: &str) -> u32 {
        self.grace_days.get(office).copied().unwrap_or(domain::profile::DEFAULT_DUTY_GRACE_DAYS)
    }

    /// How often an office evaluates its staff, where its standards say.
    pub fn staff_evaluation(&self, office: &str) -> Option<domain::staff_evaluation::Every> {
        self.staff_evaluations.get(office).copied()
    }

    pub fn template(&self, office: &str, kind: &str) -> Option<&str> {
        self.templates
            .get(&(office.to_string(), kind.to_string()))
            .or_else(|| self.templates.get(&(String::new(), kind.to_string())))
            .map(String::as_str)
    }

    /// A service by id, or `NotFound` naming it.
    pub fn service(&self, id: &str) -> Result<Arc<Standard>, crate::Error> {
        self.get(id).cloned().ok_or_else(|| crate::Error::not_found(format!("no service `{id}`")))
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Standard>> {
        self.standards.get(id)
    }

    pub fn for_office<'a>(&'a self, office: &'a str) -> impl Iterator<Item = &'a Arc<Standard>> + 'a {
        self.standards.values().filter(move |s| s.office.as_str() == office)
    }

    /// One office's services, or all of them.
    pub fn for_office_or_all<'a>(
        &'a self,
        office: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Arc<Standard>> + 'a {
        self.standards.values().filter(move |s| office.is_none_or(|o| s.office.as_str() == o))
    }

    pub fn len(&self) -> usize {
        self.standards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.standards.is_empty()
    }
}

/// Human name of an office level, for pages.
pub fn level_key(level: &str) -> &'static str {
    if level == OfficeLevel::Province.as_str() { "level_province" } else { "level_kab_kota" }
}
