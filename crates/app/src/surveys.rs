//! The citizen satisfaction survey (SKM, PermenPANRB 14/2017): responses
//! offered when a case completes (one per case), on the open form of a
//! service, and from paper questionnaires staff enter; and the IKM per
//! office, service and period, with the sample the Krejcie–Morgan table
//! asks for that period's cases and whether it is reached yet.

use crate::accounts::Principal;
use crate::performance::Scope;
use crate::{App, Error};
use chrono::{Datelike, NaiveDate};
use documents::xlsx::{Cell, Sheet};
use domain::Status;
use domain::ikm::{self, Mutu, Respondent, Tally, UNSUR};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A response as the API and the forms take it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResponse {
    /// The service's id (`33.20-legalisir`).
    pub service: String,
    /// The tracking code of the completed application it rates, if any.
    #[serde(default)]
    pub case: Option<String>,
    /// `{"U1": 1–4, …, "U9": 1–4}`.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    pub respondent: Respondent,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The longest comment kept.
const MAX_COMMENT: usize = 2_000;

/// Stores a response (anonymous). With `by`, a staff member of the
/// service's office enters a paper questionnaire.
pub async fn submit(app: &App, r: &NewResponse, by: Option<&Principal>) -> Result<i64, Error> {
    let std = app
        .catalog
        .get(r.service.trim())
        .filter(|s| !s.steps.is_empty())
        .ok_or_else(|| Error::invalid("service", format!("no service `{}`", r.service.trim())))?;
    let office = std.office.as_str();
    let invalid = |(field, message): ikm::Invalid| Error::Invalid { field: Some(field), message };
    let answers = ikm::answers(&r.answers).map_err(invalid)?;
    r.respondent.check().map_err(invalid)?;
    let comment = r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT) {
        return Err(Error::invalid("comment", format!("at most {MAX_COMMENT} characters")));
    }
    let staff = by.filter(|p| p.role.is_staff());
    if let Some(p) = staff {
        p.require_office(office)?;
    }
    let case_id = match r.case.as_deref().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty()) {
        Some(code) => Some(rated_case(app, std, &code).await?),
        None => None,
    };
    let channel = match (staff, case_id) {
        (Some(_), _) => "paper",
        (None, Some(_)) => "case",
        (None, None) => "web",
    };
    let new = store::NewSurvey {
        office: office.into(),
        service: std.slug.clone(),
        case_id,
        channel: channel.into(),
        answers,
        sex: r.respondent.sex.clone(),
        age_band: r.respondent.age_band.clone(),
        education: r.respondent.education.clone(),
        occupation: r.respondent.occupation.clone(),
        comment: comment.map(String::from),
        entered_by: staff.map(|p| p.user.username.clone()),
        at: app.now().timestamp_millis(),
    };
    app.store.add_survey(&new).await.map_err(|e| match e {
        store::StoreError::Conflict(_) => Error::Conflict("this application has its response already".into()),
        e => e.into(),
    })
}

/// The completed case of `std` a response rates, by its tracking code.
async fn rated_case(app: &App, std: &domain::Standard, code: &str) -> Result<i64, Error> {
    match app.store.case_by_tracking(code).await? {
        Some(c)
            if c.office == std.office.as_str() && c.service == std.slug && c.status == Status::Completed =>
        {
            Ok(c.id)
        }
        Some(c) if c.office == std.office.as_str() && c.service == std.slug => {
            Err(Error::invalid("case", "the survey opens when the application is completed"))
        }
        _ => Err(Error::invalid("case", format!("no application {code} of this service"))),
    }
}

/// Whether a case is completed and not rated yet: the tracking page offers
/// the survey then.
pub async fn offered(app: &App, c: &store::Case) -> Result<bool, Error> {
    Ok(c.status == Status::Completed
        && c.service != domain::complaint::SERVICE
        && !app.store.case_surveyed(c.id).await?)
}

/// The IKM figures of one set of responses.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// The IKM, cut to 2 decimals (so the shown value sits in its band);
    /// none without responses.
    pub ikm: Option<f64>,
    /// `A`, `B`, `C` or `D`, from the exact value.
    pub mutu: Option<String>,
    /// `Sangat Baik`, `Baik`, `Kurang Baik` or `Tidak Baik`.
    pub kinerja: Option<String>,
    pub respondents: u64,
    /// The period's cases the sample is drawn from.
    pub population: u64,
    /// The Krejcie–Morgan sample for that population.
    pub required_sample: u64,
    /// Whether enough people answered; the IKM of an inadequate sample is
    /// shown with that flag.
    pub adequate: bool,
    /// NRR per unsur (`U1` … `U9`), to 2 decimals.
    pub nrr: BTreeMap<String, f64>,
    /// The unsur with the lowest NRR: where to improve first.
    pub lowest: Option<String>,
}

impl Figures {
    fn of(t: &Tally, population: u64) -> Figures {
        let required_sample = ikm::required_sample(population);
        let nrr: BTreeMap<String, f64> = t
            .nrr()
            .map(|n| {
                UNSUR.iter().zip(n).map(|(u, v)| (u.code.to_string(), (v * 100.0).round() / 100.0)).collect()
            })
            .unwrap_or_default();
        let lowest = t.nrr().and_then(|n| {
            UNSUR.iter().zip(n).min_by(|a, b| a.1.total_cmp(&b.1)).map(|(u, _)| u.code.to_string())
        });
        let mutu = t.ikm().map(Mutu::of);
        Figures {
            ikm: published(t),
            mutu: mutu.map(|m| m.as_str().to_string()),
            kinerja: mutu.map(|m| m.kinerja().to_string()),
            respondents: t.respondents,
            population,
            required_sample,
            adequate: t.respondents > 0 && t.respondents >= required_sample,
            nrr,
            lowest,
        }
    }
}

/// One service's IKM.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceIkm {
    pub service: String,
    pub title: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The IKM of an office (or one service) over a period, and per service.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IkmReport {
    pub office: String,
    pub office_name: String,
    /// The one service, or the unit, whose services it covers.
    #[serde(flatten)]
    pub scope: Scope,
    /// The first day, `YYYY-MM-DD`.
    pub from: String,
    /// The last day, inclusive.
    pub to: String,
    #[serde(flatten)]
    pub figures: Figures,
    pub services: Vec<ServiceIkm>,
}

/// The office's IKM in `[from, to]` (days or months; this year so far by
/// default), for one service, one unit's or all, published: anyone may
/// read it.
pub async fn report(
    app: &App,
    office: &str,
    scope: Scope,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<IkmReport, Error> {
    let o =
        app.store.office(office.trim()).await?.ok_or_else(|| Error::invalid("office", "no such office"))?;
    let today = app.today(&o.code);
    let (from, to) = crate::clock::period(from, to, today.with_ordinal(1).unwrap_or(today), today)?;
    let kept = scope.slugs(app, &o.code)?;
    let (from_ms, to_ms) = crate::clock::span(&o.code, from, to)?;
    let tallies = app.store.survey_tallies(&o.code, from_ms, to_ms).await?;
    let population: BTreeMap<String, i64> =
        app.store.cases_per_service(&o.code, from_ms, to_ms).await?.into_iter().collect();
    let mut services = Vec::new();
    let (mut all, mut all_population) = (Tally::default(), 0u64);
    for std in app.catalog.for_office(&o.code) {
        if !kept.contains(&std.slug) || std.slug == domain::complaint::SERVICE {
            continue;
        }
        let t = tallies.iter().find(|t| t.service == std.slug).map(tally).unwrap_or_default();
        let n = population.get(&std.slug).copied().unwrap_or(0).max(0) as u64;
        all.respondents += t.respondents;
        all.sums.iter_mut().zip(t.sums).for_each(|(a, b)| *a += b);
        all_population += n;
        services.push(ServiceIkm {
            service: std.id(),
            title: std.title.clone(),
            figures: Figures::of(&t, n),
        });
    }
    Ok(IkmReport {
        office: o.code.clone(),
        office_name: o.name,
        scope,
        from: from.to_string(),
        to: to.to_string(),
        figures: Figures::of(&all, all_population),
        services,
    })
}

/// The IKM as published: cut to 2 decimals, so the value shown sits in
/// the band its exact value is in.
pub(crate) fn published(t: &Tally) -> Option<f64> {
    t.ikm().map(|v| (v * 100.0 + 1e-9).floor() / 100.0)
}

/// The published IKM of one service's responses (the dashboard's).
pub(crate) fn service_ikm(t: &store::SurveyTally) -> Option<f64> {
    published(&tally(t))
}

pub(crate) fn tally(t: &store::SurveyTally) -> Tally {
    Tally { respondents: t.respondents.max(0) as u64, sums: t.sums().map(|s| s.max(0) as u64) }
}

/// The respondent profile and comments of a report's period (staff: the
/// comments may name people).
pub async fn profile(
    app: &App,
    who: &Principal,
    r: &IkmReport,
) -> Result<(Vec<store::ProfileCount>, Vec<String>), Error> {
    if !who.role.is_staff() {
        return Err(Error::forbidden("the office's staff read its survey's details"));
    }
    who.require_office(&r.office)?;
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| Error::invalid("from", "a day"));
    let (from, to) = crate::clock::span(&r.office, day(&r.from)?, day(&r.to)?)?;
    if r.scope.service.is_none() && r.scope.unit.is_none() {
        let profile = app.store.survey_profile(&r.office, None, from, to).await?;
        let comments = app.store.survey_comments(&r.office, None, from, to, 200).await?;
        return Ok((profile, comments));
    }
    // One service, or a unit's few: each service's, added up.
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut comments = Vec::new();
    for slug in r.scope.slugs(app, &r.office)? {
        for p in app.store.survey_profile(&r.office, Some(&slug), from, to).await? {
            *counts.entry((p.question, p.value)).or_default() += p.respondents;
        }
        comments.extend(app.store.survey_comments(&r.office, Some(&slug), from, to, 200).await?);
    }
    comments.truncate(200);
    let profile = counts
        .into_iter()
        .map(|((question, value), respondents)| store::ProfileCount { question, value, respondents })
        .collect();
    Ok((profile, comments))
}

/// The SKM report in the regulation's structure as workbook sheets: the
/// IKM per service (NRR per unsur, IKM, mutu, kinerja, sample), the
/// respondent profile, the follow-up plan, and the comments.
pub fn report_sheets(r: &IkmReport, profile: &[store::ProfileCount], comments: &[String]) -> Vec<Sheet> {
    let num = |v: f64| Cell::Number(v);
    let mut header = vec!["Layanan".to_string()];
    header.extend(UNSUR.iter().map(|u| format!("NRR {} {}", u.code, u.name)));
    header.extend(
        ["IKM", "Mutu", "Kinerja", "Responden", "Populasi", "Sampel minimal", "Sampel memadai"]
            .map(String::from),
    );
    let line = |name: &str, f: &Figures| {
        let mut row = vec![Cell::Text(name.to_string())];
        row.extend(UNSUR.iter().map(|u| f.nrr.get(u.code).map_or(Cell::Text("-".into()), |v| num(*v))));
        row.push(f.ikm.map_or(Cell::Text("-".into()), num));
        row.push(Cell::Text(f.mutu.clone().unwrap_or_else(|| "-".into())));
        row.push(Cell::Text(f.kinerja.clone().unwrap_or_else(|| "-".into())));
        row.extend([f.respondents, f.population, f.required_sample].map(|n| num(n as f64)));
        row.push(Cell::Text(if f.adequate { "ya" } else { "belum" }.into()));
        row
    };
    let mut rows: Vec<Vec<Cell>> = r.services.iter().map(|s| line(&s.title, &s.figures)).collect();
    rows.push(line(&format!("{} (seluruh layanan)", r.office_name), &r.figures));
    let ikm = Sheet { name: "IKM".into(), header, rows };
    let profile_sheet = Sheet {
        name: "Profil responden".into(),
        header: ["Pertanyaan", "Jawaban", "Responden"].map(String::from).to_vec(),
        rows: profile
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.question.clone()),
                    Cell::Text(profile_label(&p.question, &p.value)),
                    num(p.respondents as f64),
                ]
            })
            .collect(),
    };
    let comments = Sheet {
        name: "Saran dan masukan".into(),
        header: vec!["Saran/masukan responden".into()],
        rows: comments.iter().map(|c| vec![Cell::Text(c.clone())]).collect(),
    };
    vec![ikm, profile_sheet, follow_up_table(r), comments]
}

/// The follow-up plan: the unsur under mutu B (or the lowest), each with
/// the program the regulation's guide proposes, when, and who answers for
/// it.
fn follow_up_table(r: &IkmReport) -> Sheet {
    let nrr: Option<[f64; 9]> = UNSUR
        .iter()
        .map(|u| r.figures.nrr.get(u.code).copied())
        .collect::<Option<Vec<f64>>>()
        .and_then(|v| v.try_into().ok());
    let rows = nrr
        .map(|n| domain::ikm::follow_up(&n))
        .unwrap_or_default()
        .into_iter()
        .map(|u| {
            vec![
                Cell::Text(format!("{} {}", u.code, u.name)),
                r.figures.nrr.get(u.code).map_or(Cell::Text("-".into()), |v| Cell::Number(*v)),
                Cell::Text(u.remedy.into()),
                Cell::Text("Tiga bulan setelah laporan".into()),
                Cell::Text("Kepala Dinas dan kepala unit layanan".into()),
            ]
        })
        .collect();
    Sheet {
        name: "Rencana tindak lanjut".into(),
        header: ["Unsur", "NRR", "Program/kegiatan", "Waktu", "Penanggung jawab"].map(String::from).to_vec(),
        rows,
    }
}

/// A profile answer's words.
pub fn profile_label(question: &str, value: &str) -> String {
    let choices: &[(&str, &str)] = match question {
        "sex" => &ikm::SEXES,
        "age_band" => &ikm::AGE_BANDS,
        "education" => &ikm::EDUCATIONS,
        "occupation" => &ikm::OCCUPATIONS,
        _ => &[],
    };
    choices.iter().find(|(c, _)| *c == value).map_or_else(|| value.to_string(), |(_, l)| (*l).to_string())
}
