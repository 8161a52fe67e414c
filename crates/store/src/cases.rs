//! Case rows as the store keeps them. The rules that change them live in
//! `domain::case`; the web layer computes a `CaseChange` and the store
//! applies it with its journal row, audit row and notifications at once.

use domain::sla::escalation_at;
use domain::{Applicant, Status};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Case {
    pub id: i64,
    pub tracking_code: String,
    pub office: String,
    /// The standard's slug; the service id is `office-service`.
    pub service: String,
    pub standard_version: i64,
    pub channel: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub current_step: Option<String>,
    /// The current step's actor: a role name, `pemohon` or `external`.
    pub current_actor: Option<String>,
    pub assignee: Option<String>,
    /// Optimistic-lock counter: every change adds one.
    pub version: i64,
    pub applicant_name: String,
    /// Stored as JSON text; personal data, never serialised out.
    #[serde(skip)]
    #[sqlx(try_from = "String")]
    pub applicant: Applicant,
    /// JSON object of the standard's form fields.
    pub fields: String,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The service-level clock: the whole case's promise, from its start
    /// to its due time.
    pub service_started_at: Option<i64>,
    pub due_at: Option<i64>,
    pub step_started_at: Option<i64>,
    pub step_due_at: Option<i64>,
    pub paused_at: Option<i64>,
    pub case_left_ms: Option<i64>,
    pub step_left_ms: Option<i64>,
    pub finished_at: Option<i64>,
    /// The institution that applied (its `lembaga` accounts see the case).
    pub institution_id: Option<i64>,
    /// The group request this case is one participant of.
    pub parent_id: Option<i64>,
    /// The case that handed its applicant on to this one (a linked case).
    pub linked_from: Option<i64>,
    /// The agreement whose duty this case is, and the period it is for.
    pub agreement_id: Option<i64>,
    pub duty_period: Option<String>,
}

/// A new case and what is written with it, in one transaction.
#[derive(Debug)]
pub struct CaseCreate {
    pub case: NewCase,
    pub journal: Vec<NewJournal>,
    pub notes: Vec<NewNotification>,
    pub docs: Vec<crate::DocumentDraft>,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub tracking_code: String,
    pub office: String,
    pub service: String,
    pub standard_version: i64,
    pub channel: String,
    pub status: Status,
    pub current_step: Option<String>,
    pub current_actor: Option<String>,
    pub applicant_name: String,
    pub applicant: Applicant,
    pub fields: String,
    pub created_by: String,
    /// When the application was received: the instant its clocks start from.
    pub created_at: i64,
    /// Requirement files already stored (content-addressed) by the caller.
    pub files: Vec<NewCaseFile>,
    pub service_started_at: Option<i64>,
    pub due_at: Option<i64>,
    pub step_started_at: Option<i64>,
    pub step_due_at: Option<i64>,
    /// The institution applying, when a `lembaga` account applies.
    pub institution_id: Option<i64>,
    /// The group request (parent case) of a participant's case.
    pub parent_id: Option<i64>,
    /// The case whose step handed the applicant on to this one.
    pub linked_from: Option<i64>,
    /// The agreement whose duty this case is, and the period it is for
    /// (one case per agreement, service and period).
    pub agreement_id: Option<i64>,
    pub duty_period: Option<String>,
}

/// The new values of a case's mutable columns after an action.
#[derive(Debug, Clone, Default)]
pub struct CaseChange {
    pub status: Status,
    pub current_step: Option<String>,
    pub current_actor: Option<String>,
    pub assignee: Option<String>,
    pub service_started_at: Option<i64>,
    pub due_at: Option<i64>,
    pub step_started_at: Option<i64>,
    pub step_due_at: Option<i64>,
    pub paused_at: Option<i64>,
    pub case_left_ms: Option<i64>,
    pub step_left_ms: Option<i64>,
    pub finished_at: Option<i64>,
}

impl CaseChange {
    /// Starts from the case as it is.
    pub fn from_case(c: &Case) -> CaseChange {
        CaseChange {
            status: c.status,
            current_step: c.current_step.clone(),
            current_actor: c.current_actor.clone(),
            assignee: c.assignee.clone(),
            service_started_at: c.service_started_at,
            due_at: c.due_at,
            step_started_at: c.step_started_at,
            step_due_at: c.step_due_at,
            paused_at: c.paused_at,
            case_left_ms: c.case_left_ms,
            step_left_ms: c.step_left_ms,
            finished_at: c.finished_at,
        }
    }
}

/// One immutable row of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct JournalEntry {
    pub id: i64,
    pub case_id: i64,
    pub at: i64,
    pub actor: String,
    pub on_behalf: bool,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub from_step: Option<String>,
    pub to_step: Option<String>,
    pub note: Option<String>,
    /// JSON: a step's recorded outcome (letter number, amount, found/not found).
    pub data: Option<String>,
    /// When the actor acted for a position: `Plt. kepala_dinas for siti`.
    pub acting: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewJournal {
    /// When it happened by the app's clock (a test's moved clock); the
    /// store's own time when `None`.
    pub at: Option<i64>,
    pub actor: String,
    pub on_behalf: bool,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub from_step: Option<String>,
    pub to_step: Option<String>,
    pub note: Option<String>,
    pub data: Option<String>,
    /// When the actor acts for a position (see `Acting::describe`).
    pub acting: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CaseFile {
    pub id: i64,
    pub case_id: i64,
    pub requirement: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Content address of the stored bytes.
    pub sha256: String,
    pub uploaded_at: i64,
    pub uploaded_by: String,
    /// When the bytes were deleted under the retention rule.
    pub purged_at: Option<i64>,
}

/// A citizen's request about their personal data (UU 27/2022).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DataRequest {
    pub id: i64,
    pub office: String,
    pub case_id: i64,
    pub kind: String,
    pub requested_at: i64,
    pub due_at: i64,
    pub answered_at: Option<i64>,
    pub answered_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewCaseFile {
    pub requirement: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub case_id: Option<i64>,
    pub office: String,
    /// `email`, `whatsapp`, `sms` or `staff`.
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `pending` until an adapter delivers it (`sent`), or `failed` after
    /// its last try.
    pub status: String,
    pub created_at: i64,
    /// When it was delivered; while pending, when a sender claimed it.
    pub sent_at: Option<i64>,
    /// Delivery tries that failed.
    pub attempts: i32,
    /// Not tried again before then.
    pub next_at: Option<i64>,
    /// Why the latest try failed.
    pub last_error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewNotification {
    pub office: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// The clock key of a case's service-level clock (the whole case's promise)
/// in the escalations table, beside step ids; no step id starts with `@`.
pub const SERVICE_CLOCK: &str = "@service";

/// One escalation level of one clock to record, with what it writes.
#[derive(Debug, Clone)]
pub struct Escalation {
    /// A step id, or [`SERVICE_CLOCK`].
    pub clock: String,
    pub level: i32,
    pub journal: NewJournal,
    pub notes: Vec<NewNotification>,
}

/// What a sweep records for one case: the levels of its clocks (the
/// current step's, the service's) that fire now, and when the sweep looks
/// at the case next (`None`: never), unless it moved on from `version`.
#[derive(Debug, Clone)]
pub struct CaseEscalation {
    pub case_id: i64,
    pub version: i64,
    pub levels: Vec<Escalation>,
    pub next_at: Option<i64>,
}

/// A worklist page: cases of one office whose current step belongs to one
/// of `actors` or which are assigned to `username`.
#[derive(Debug, Clone, Default)]
pub struct WorklistQuery {
    pub office: String,
    pub actors: Vec<String>,
    pub username: String,
    pub service: Option<String>,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// Only cases at these steps, as `service/step` (a unit's steps).
    pub steps: Option<Vec<String>>,
    pub limit: i64,
    pub offset: i64,
}

/// A query parameter of a statement built at run time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// SQL text with its `$n` parameters.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    /// Adds a parameter and returns its placeholder.
    fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }
}

/// Sorts open cases by due time with untimed ones last. Both backends index
/// this exact expression (`cases_open_worklist`), so a worklist page reads
/// the index in order and stops after one page.
pub(crate) const DUE_ORDER: &str = "COALESCE(nearest_due_at, 9223372036854775807), id";

impl WorklistQuery {
    /// The filters after office and actor, each only when given, so the
    /// planner sees a plain conjunction it can match to an index.
    fn filters(&self, sql: &mut Sql) -> String {
        let mut f = self.filters_but_service(sql);
        if let Some(v) = &self.service {
            f += &format!(" AND service = {}", sql.arg(Arg::Text(v.clone())));
        }
        f
    }

    fn filters_but_service(&self, sql: &mut Sql) -> String {
        let mut f = String::new();
        match &self.status {
            Some(st) => f += &format!(" AND status = {}", sql.arg(Arg::Text(st.clone()))),
            None => {
                let open: Vec<String> = Status::ALL
                    .iter()
                    .filter(|s| !s.is_final())
                    .map(|s| format!("'{}'", s.as_str()))
                    .collect();
                f += &format!(" AND status IN ({})", open.join(", "));
            }
        }
        if let Some(v) = &self.channel {
            f += &format!(" AND channel = {}", sql.arg(Arg::Text(v.clone())));
        }
        if let Some(v) = self.created_from {
            f += &format!(" AND created_at >= {}", sql.arg(Arg::Int(v)));
        }
        if let Some(v) = self.created_to {
            f += &format!(" AND created_at <= {}", sql.arg(Arg::Int(v)));
        }
        if let Some(keys) = &self.steps {
            let ps: Vec<String> = keys.iter().map(|k| sql.arg(Arg::Text(k.clone()))).collect();
            f += &match ps.is_empty() {
                true => " AND 1 = 0".to_string(),
                false => format!(" AND (service || '/' || current_step) IN ({})", ps.join(", ")),
            };
        }
        f
    }

    /// One ordered branch per actor name and one for the cases assigned to
    /// the user, each cut at the end of the asked page; their union sorted
    /// again. Each branch walks an index in due order, so a page costs
    /// about its own size, not the size of the worklist.
    pub(crate) fn page_sql(&self) -> Sql {
        let mut sql = Sql::default();
        let end = sql.arg(Arg::Int(self.offset.max(0) + self.limit.max(0)));
        let mut branches = Vec::new();
        let who: Vec<(&str, &String)> = self
            .actors
            .iter()
            .map(|a| ("current_actor", a))
            .chain(std::iter::once(("assignee", &self.username)))
            .collect();
        for (i, (column, value)) in who.into_iter().enumerate() {
            let office = sql.arg(Arg::Text(self.office.clone()));
            let v = sql.arg(Arg::Text(value.clone()));
            let filters = self.filters(&mut sql);
            branches.push(format!(
                "SELECT * FROM (SELECT * FROM cases WHERE office = {office} AND {column} = {v}{filters} \
                 ORDER BY {DUE_ORDER} LIMIT {end}) AS b{i}"
            ));
        }
        let limit = sql.arg(Arg::Int(self.limit));
        let offset = sql.arg(Arg::Int(self.offset));
        sql.text = format!(
            "SELECT * FROM ({}) AS w ORDER BY {DUE_ORDER} LIMIT {limit} OFFSET {offset}",
            branches.join(" UNION ")
        );
        sql
    }

    /// How many cases the worklist holds per service, under every filter
    /// but the service: the cases of its actors, plus those assigned to the
    /// user that another actor holds (counted once). Two branches without
    /// an OR, so each counts from an index alone; a service may come once
    /// from each (the store adds them up).
    pub(crate) fn counts_sql(&self) -> Sql {
        let mut sql = Sql::default();
        let office = sql.arg(Arg::Text(self.office.clone()));
        let actors: Vec<String> = self.actors.iter().map(|a| sql.arg(Arg::Text(a.clone()))).collect();
        let actors = if actors.is_empty() { "NULL".to_string() } else { actors.join(", ") };
        let user = sql.arg(Arg::Text(self.username.clone()));
        let filters = self.filters_but_service(&mut sql);
        sql.text = format!(
            "SELECT service, COUNT(*) FROM cases WHERE office = {office} AND current_actor IN ({actors}){filters} \
             GROUP BY service UNION ALL \
             SELECT service, COUNT(*) FROM cases WHERE office = {office} AND assignee = {user} \
             AND (current_actor IS NULL OR current_actor NOT IN ({actors})){filters} GROUP BY service"
        );
        sql
    }
}

/// One page of a worklist, how many cases it holds in all, and how many
/// per service (under the filters other than the service).
#[derive(Debug, Clone, Default)]
pub struct WorklistPage {
    pub cases: Vec<Case>,
    pub total: i64,
    pub per_service: Vec<(String, i64)>,
}

/// Everything one action writes besides the case row's new values.
#[derive(Debug, Default)]
pub struct CaseUpdate {
    pub change: CaseChange,
    pub journal: NewJournal,
    pub notes: Vec<NewNotification>,
    pub files: Vec<NewCaseFile>,
    /// Documents issued by this action, numbered inside its transaction.
    pub docs: Vec<crate::documents::DocumentDraft>,
    /// A case this action opens at another service (a step that hands the
    /// applicant on), created in the same transaction.
    pub linked: Option<Box<CaseCreate>>,
    /// The agreement this step signs (its PKS number, when empty, is that
    /// of the `pks` document issued by this action).
    pub agreement: Option<crate::NewAgreement>,
    /// An event of the agreement this case signed earlier (a later step's
    /// record: the Juknis).
    pub agreement_event: Option<crate::NewAgreementEvent>,
    /// Stock this step moves (a BAST's hand-over: out of the province, into
    /// the kab/kota); refused whole when a balance would go below zero.
    pub stock: Vec<crate::NewMovement>,
    /// The step this action ends (completed, returned or refused).
    pub step_done: Option<StepDone>,
}

/// A step a case left, as `case_steps` keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StepDone {
    pub office: String,
    pub service: String,
    pub step: String,
    /// A role, `pemohon` or `external`.
    pub actor: String,
    pub done_by: String,
    pub action: String,
    pub started_at: i64,
    pub ended_at: i64,
    pub due_at: Option<i64>,
    /// Working minutes on the office calendar, paused time excluded.
    pub work_minutes: i64,
    /// The standard's time for the step in working minutes, if any.
    pub limit_minutes: Option<i64>,
}

/// Synthetic open cases for `layanan bench`, made by the database itself in
/// one statement: `count` cases of one service numbered from `first`
/// (tracking codes `B<n>`), spread over `steps` (step id, actor), each
/// step started an hour before `now` and reaching its first escalation
/// moment at a time spread evenly over the `spread_ms` after `now`.
#[derive(Debug, Clone)]
pub struct CaseFill {
    pub office: String,
    pub service: String,
    pub version: i64,
    pub channel: String,
    pub steps: Vec<(String, String)>,
    pub first: i64,
    pub count: i64,
    pub now: i64,
    pub spread_ms: i64,
}

impl CaseFill {
    /// The generating INSERT; parameters `$1..$9` are bound by the store,
    /// then the step ids and actors.
    pub(crate) fn sql(&self) -> String {
        let k = self.steps.len().max(1);
        let pick = |offset: usize| {
            let arms: String = (0..k).map(|i| format!(" WHEN {i} THEN ${}", 10 + offset + i)).collect();
            format!("CASE n % {k}{arms} END")
        };
        format!(
            "WITH RECURSIVE g(n) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT n + 1 FROM g WHERE n < $2), \
             t AS (SELECT n, $7 - 3600000 AS s, $7 + 1000 + ((n * 7919) % $9) * ($8 / $9) AS x FROM g), \
             u AS (SELECT n, s, s + (x - s) * 5 / 4 AS d FROM t) \
             INSERT INTO cases (tracking_code, office, service, standard_version, channel, status, current_step, \
             current_actor, version, applicant_name, applicant, fields, created_by, created_at, updated_at, due_at, \
             service_started_at, step_started_at, step_due_at, escalate_at, nearest_due_at) \
             SELECT 'B' || n, $3, $4, $5, $6, 'in_progress', {}, {}, 1, 'Pemohon ' || n, '{{\"name\":\"Pemohon\"}}', '{{}}', 'bench', \
             s, s, d + 86400000, s, s, d, s + (d - s) * 4 / 5, d FROM u",
            pick(0),
            pick(k)
        )
    }
}

/// A case of a generated history with its times given (the dashboard's
/// tests and the bench): received (its service clock starts then), due,
/// finished or still open, and the steps it left.
#[derive(Debug, Clone, Default)]
pub struct HistoryCase {
    pub tracking_code: String,
    pub office: String,
    pub service: String,
    /// The standard's version it ran on.
    pub version: i64,
    pub channel: String,
    /// `completed`, `rejected` (with `finished_at`) or an open status.
    pub status: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub due_at: Option<i64>,
    pub steps: Vec<HistoryStep>,
}

/// One step a generated case left (a `case_steps` row).
#[derive(Debug, Clone, Default)]
pub struct HistoryStep {
    pub step: String,
    pub actor: String,
    pub done_by: String,
    pub action: String,
    pub started_at: i64,
    pub ended_at: i64,
    pub due_at: Option<i64>,
    pub work_minutes: i64,
    pub limit_minutes: Option<i64>,
}

/// The nearest due moment of a case's running clocks (the step's, the
/// service's), by which worklists sort: none while the case is paused, and
/// the service's clock stands still while an outside party has the step.
pub fn nearest_due(
    paused_at: Option<i64>,
    current_actor: Option<&str>,
    step_due: Option<i64>,
    service_due: Option<i64>,
) -> Option<i64> {
    if paused_at.is_some() {
        return None;
    }
    let service = service_due.filter(|_| current_actor != Some("external"));
    step_due.into_iter().chain(service).min()
}

/// When the sweep first looks at a case in this state: the earlier level 1
/// moment of its running clocks — the step's (`step`: started, due) and
/// the service's (`service`: started, due); never for a case that is not
/// active (waiting for the applicant, finished).
pub(crate) fn first_escalation(
    status: Status,
    step: (Option<i64>, Option<i64>),
    service: (Option<i64>, Option<i64>),
) -> Option<i64> {
    if !status.is_active() {
        return None;
    }
    [step, service]
        .into_iter()
        .filter_map(|clock| match clock {
            (Some(s), Some(d)) => Some(escalation_at(s, d, 1)),
            _ => None,
        })
        .min()
}

#[allow(unused_imports)]
use crate::*;

/// Cases: creating one, reading it, changing it under its version, its journal and files. Each write
/// goes with its journal, audit row, documents and notifications in one transaction.
#[async_trait::async_trait]
pub trait Cases: Send + Sync {
    /// Creates a case with its first journal rows and notifications.
    async fn create_case(
        &self,
        c: &NewCase,
        journal: &[NewJournal],
        notes: &[NewNotification],
        docs: Vec<DocumentDraft>,
    ) -> Result<Case>;
    async fn case(&self, id: i64) -> Result<Option<Case>>;
    async fn case_by_tracking(&self, code: &str) -> Result<Option<Case>>;
    /// The participants' cases of a group request, oldest first.
    async fn child_cases(&self, parent: i64) -> Result<Vec<Case>>;
    /// The cases a case's steps opened at other services, oldest first.
    async fn linked_cases(&self, from: i64) -> Result<Vec<Case>>;
    /// The duty cases of an agreement, oldest first.
    async fn duty_cases(&self, agreement: i64) -> Result<Vec<Case>>;
    /// Applies a change if the case is still at `expected_version`
    /// (`Stale` otherwise), with its journal row, audit row and
    /// notifications, in one transaction.
    async fn update_case(&self, id: i64, expected_version: i64, update: CaseUpdate) -> Result<Case>;
    async fn journal(&self, case_id: i64) -> Result<Vec<JournalEntry>>;
    async fn add_case_file(&self, case_id: i64, f: &NewCaseFile) -> Result<CaseFile>;
    async fn case_files(&self, case_id: i64) -> Result<Vec<CaseFile>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worklist_sql_has_only_the_given_filters() {
        let q = WorklistQuery {
            office: "16.06".into(),
            actors: vec!["verifikator".into()],
            username: "v".into(),
            service: Some("ktp-el".into()),
            limit: 25,
            offset: 50,
            ..Default::default()
        };
        let page = q.page_sql();
        assert_eq!(page.text.matches("SELECT * FROM cases").count(), 2, "{}", page.text);
        assert_eq!(page.text.matches("service = ").count(), 2);
        assert!(!page.text.contains("channel"));
        assert_eq!(page.args[0], Arg::Int(75), "each branch stops at the end of the page");
        assert_eq!(placeholders(&page.text), page.args.len(), "one argument per placeholder");
        let counts = q.counts_sql();
        assert!(counts.text.contains("current_actor IN ($2)"), "{}", counts.text);
        assert!(!counts.text.contains("service ="), "counts ignore the service filter: {}", counts.text);
        assert_eq!(placeholders(&counts.text), counts.args.len(), "{}", counts.text);
    }

    /// Distinct `$n` in a statement.
    fn placeholders(sql: &str) -> usize {
        let mut seen: Vec<String> =
            sql.split('$').skip(1).map(|s| s.chars().take_while(char::is_ascii_digit).collect()).collect();
        seen.sort();
        seen.dedup();
        seen.len()
    }

    #[test]
    fn only_running_timed_steps_are_swept() {
        let none = (None, None);
        assert_eq!(first_escalation(Status::InProgress, (Some(0), Some(100)), none), Some(80));
        assert_eq!(first_escalation(Status::Returned, (Some(0), Some(100)), none), None);
        assert_eq!(first_escalation(Status::Submitted, (Some(0), None), none), None);
        assert_eq!(first_escalation(Status::Completed, (Some(0), Some(100)), none), None);
        // An untimed step under a service promise: the service's moment.
        assert_eq!(first_escalation(Status::InProgress, (Some(50), None), (Some(0), Some(1000))), Some(800));
        // Both: whichever comes first.
        assert_eq!(nearest_due(None, Some("operator"), Some(150), Some(100)), Some(100));
        assert_eq!(nearest_due(None, Some("external"), Some(150), Some(100)), Some(150), "the service waits");
        assert_eq!(nearest_due(Some(1), Some("operator"), Some(150), Some(100)), None, "paused: last");
        assert_eq!(nearest_due(None, None, None, Some(100)), Some(100));
        assert_eq!(
            first_escalation(Status::InProgress, (Some(50), Some(150)), (Some(0), Some(1000))),
            Some(130)
        );
    }
}
