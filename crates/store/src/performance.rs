//! What the dashboards and the evaluation read: the cases of an office in a
//! period (light rows), and the step log (`case_steps`) added up per step
//! and per officer, with the escalations their steps received; and the
//! staff evaluations the officials record each period.

#[allow(unused_imports)]
use crate::*;

/// A case as the dashboard counts it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseLine {
    pub service: String,
    pub channel: String,
    pub status: String,
    pub created_at: i64,
    pub service_started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub due_at: Option<i64>,
}

/// Cases received of one service, channel and status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Received {
    pub service: String,
    pub channel: String,
    pub status: String,
    pub cases: i64,
}

/// The open cases of one service.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Backlog {
    pub service: String,
    pub open: i64,
    pub overdue: i64,
}

/// One step of one service in a period, added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct StepStat {
    pub service: String,
    pub step: String,
    pub actor: String,
    /// Steps ended (completed, returned or refused).
    pub done: i64,
    /// Of those, with a time limit of their own.
    pub timed: i64,
    /// Of the timed ones, ended by their due time.
    pub on_time: i64,
    pub returns: i64,
    pub work_minutes: i64,
}

/// One officer's work on one step of one service in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct OfficerStat {
    pub done_by: String,
    pub service: String,
    pub step: String,
    pub done: i64,
    pub timed: i64,
    pub on_time: i64,
    pub returns: i64,
    pub rejects: i64,
    pub work_minutes: i64,
    /// The standard's minutes for the timed ones, added up.
    pub limit_minutes: i64,
    /// Escalations raised on the steps they held.
    pub escalations: i64,
}

/// One period's evaluasi kinerja pelaksana: reminded, then recorded once.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StaffEvaluation {
    pub office: String,
    /// `2026-11` (a month), `2026-06` / `2026-12` (a half-year), `2026`.
    pub period: String,
    pub reminded_at: Option<i64>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<i64>,
    pub findings: Option<String>,
    pub actions: Option<String>,
}

#[async_trait::async_trait]
pub trait Performance: Send + Sync {
    /// The office's cases received in `[from, to)` (ms): how many per
    /// service, channel and status (as they stand).
    async fn received(&self, office: &str, from: i64, to: i64) -> Result<Vec<Received>>;
    /// The office's open cases per service, and how many are past due at `now`.
    async fn backlog(&self, office: &str, now: i64) -> Result<Vec<Backlog>>;
    /// The office's cases that ended in `[from, to)`.
    async fn finished_lines(&self, office: &str, from: i64, to: i64) -> Result<Vec<CaseLine>>;
    /// The steps the office's cases left in `[from, to)`, per service and step.
    async fn step_stats(&self, office: &str, from: i64, to: i64) -> Result<Vec<StepStat>>;
    /// The same per officer, with the escalations on their steps.
    async fn officer_stats(&self, office: &str, from: i64, to: i64) -> Result<Vec<OfficerStat>>;
    /// The working minutes each completion of one step took in `[from, to)`
    /// (the staffing model's observed times), at most `limit`, newest first.
    async fn step_minutes(
        &self,
        office: &str,
        service: &str,
        step: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<i64>>;
    /// The office's staff evaluations, newest period first.
    async fn staff_evaluations(&self, office: &str) -> Result<Vec<StaffEvaluation>>;
    /// Reminds an office once that its evaluation of `period` is owed: the
    /// reminder and its notifications in one transaction; `false` when
    /// that period was reminded (or recorded) before.
    async fn remind_staff_evaluation(
        &self,
        office: &str,
        period: &str,
        notes: &[NewNotification],
        at: i64,
    ) -> Result<bool>;
    /// Records a period's evaluation (its office, period, recorder, time,
    /// findings, actions) with its audit row; a period recorded before is
    /// a `Conflict`.
    async fn record_staff_evaluation(&self, e: &StaffEvaluation) -> Result<StaffEvaluation>;
}
