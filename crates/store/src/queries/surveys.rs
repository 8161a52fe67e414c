// The SQL of `Surveys`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Surveys for This {
    async fn add_survey(&self, s: &NewSurvey) -> Result<i64> {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO surveys (office, service, case_id, channel, u1, u2, u3, u4, u5, u6, u7, u8, u9, \
             sex, age_band, education, occupation, comment, entered_by, created_at) VALUES (",
        );
        let mut v = q.separated(", ");
        v.push_bind(&s.office).push_bind(&s.service).push_bind(s.case_id).push_bind(&s.channel);
        for a in s.answers {
            v.push_bind(i16::from(a));
        }
        v.push_bind(&s.sex).push_bind(&s.age_band).push_bind(&s.education).push_bind(&s.occupation);
        v.push_bind(&s.comment).push_bind(&s.entered_by).push_bind(s.at);
        q.push(") RETURNING id");
        let mut tx = self.begin().await?;
        let (id,): (i64,) = q
            .build_query_as()
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, "a response for this case"))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn case_surveyed(&self, case_id: i64) -> Result<bool> {
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM surveys WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.read)
            .await?;
        Ok(found.is_some())
    }

    async fn survey_tallies(&self, office: &str, from: i64, to: i64) -> Result<Vec<SurveyTally>> {
        Ok(sqlx::query_as(
            "SELECT service, COUNT(*) AS respondents, \
             SUM(u1) AS s1, SUM(u2) AS s2, SUM(u3) AS s3, SUM(u4) AS s4, SUM(u5) AS s5, \
             SUM(u6) AS s6, SUM(u7) AS s7, SUM(u8) AS s8, SUM(u9) AS s9 \
             FROM surveys WHERE office = $1 AND created_at >= $2 AND created_at < $3 \
             GROUP BY service ORDER BY service",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }

    async fn survey_profile(
        &self,
        office: &str,
        service: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<ProfileCount>> {
        // One count per answer of each profile question; `$2` empty: all services.
        macro_rules! per {
            ($column:literal) => {
                concat!(
                    "SELECT '",
                    $column,
                    "' AS question, ",
                    $column,
                    " AS value, COUNT(*) AS respondents \
                     FROM surveys WHERE office = $1 AND ($2 = '' OR service = $2) \
                     AND created_at >= $3 AND created_at < $4 GROUP BY ",
                    $column
                )
            };
        }
        const SQL: &str = concat!(
            per!("sex"),
            " UNION ALL ",
            per!("age_band"),
            " UNION ALL ",
            per!("education"),
            " UNION ALL ",
            per!("occupation"),
            " ORDER BY question, value"
        );
        Ok(sqlx::query_as(SQL)
            .bind(office)
            .bind(service.unwrap_or_default())
            .bind(from)
            .bind(to)
            .fetch_all(&self.report)
            .await?)
    }

    async fn survey_comments(
        &self,
        office: &str,
        service: Option<&str>,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT comment FROM surveys WHERE office = $1 AND ($2 = '' OR service = $2) \
             AND created_at >= $3 AND created_at < $4 AND comment IS NOT NULL AND comment <> '' \
             ORDER BY created_at DESC, id DESC LIMIT $5",
        )
        .bind(office)
        .bind(service.unwrap_or_default())
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.report)
        .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    async fn cases_per_service(&self, office: &str, from: i64, to: i64) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT service, COUNT(*) FROM cases WHERE office = $1 AND created_at >= $2 AND created_at < $3 \
             AND channel IS NOT NULL \
             GROUP BY service ORDER BY service",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&self.report)
        .await?)
    }
}
