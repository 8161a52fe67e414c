//! SKM responses: one row each with its nine answers, at most one per case;
//! the IKM's sums per service and the respondent profile are added up in
//! the database, and the period's population of cases beside them.

#[allow(unused_imports)]
use crate::*;

/// A response to store.
#[derive(Debug, Clone, Default)]
pub struct NewSurvey {
    pub office: String,
    /// The service's slug.
    pub service: String,
    pub case_id: Option<i64>,
    /// `case`, `web` or `paper`.
    pub channel: String,
    /// U1 to U9, each 1–4.
    pub answers: [u8; 9],
    pub sex: String,
    pub age_band: String,
    pub education: String,
    pub occupation: String,
    pub comment: Option<String>,
    /// The staff member who entered a paper questionnaire.
    pub entered_by: Option<String>,
    pub at: i64,
}

/// One service's responses in a period: how many, and each unsur's sum.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct SurveyTally {
    pub service: String,
    pub respondents: i64,
    pub s1: i64,
    pub s2: i64,
    pub s3: i64,
    pub s4: i64,
    pub s5: i64,
    pub s6: i64,
    pub s7: i64,
    pub s8: i64,
    pub s9: i64,
}

impl SurveyTally {
    pub fn sums(&self) -> [i64; 9] {
        [self.s1, self.s2, self.s3, self.s4, self.s5, self.s6, self.s7, self.s8, self.s9]
    }
}

/// How many respondents gave one value of one profile question.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProfileCount {
    /// `sex`, `age_band`, `education` or `occupation`.
    pub question: String,
    pub value: String,
    pub respondents: i64,
}

#[async_trait::async_trait]
pub trait Surveys: Send + Sync {
    /// Stores a response; a second one for the same case is a conflict.
    async fn add_survey(&self, s: &NewSurvey) -> Result<i64>;
    /// Whether the case has its response already.
    async fn case_surveyed(&self, case_id: i64) -> Result<bool>;
    /// The responses of an office in `[from, to)` (ms), per service.
    async fn survey_tallies(&self, office: &str, from: i64, to: i64) -> Result<Vec<SurveyTally>>;
    /// The respondent profile of an office's responses in `[from, to)`, for
    /// one service or all.
    async fn survey_profile(
        &self,
        office: &str,
        service: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<ProfileCount>>;
    /// The comments left in `[from, to)`, newest first, at most `limit`.
    async fn survey_comments(
        &self,
        office: &str,
        service: Option<&str>,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<String>>;
    /// The population the sample is drawn from: the office's cases per
    /// service received in `[from, to)`.
    async fn cases_per_service(&self, office: &str, from: i64, to: i64) -> Result<Vec<(String, i64)>>;
}
