// The SQL of `Privacy`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Privacy for This {
    async fn create_data_request(
        &self,
        case_id: i64,
        office: &str,
        due_at: i64,
        notes: &[NewNotification],
    ) -> Result<DataRequest> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let r: DataRequest = sqlx::query_as(
            "INSERT INTO data_requests (office, case_id, kind, requested_at, due_at) \
             VALUES ($1, $2, 'access_log', $3, $4) RETURNING *",
        )
        .bind(office)
        .bind(case_id)
        .bind(now)
        .bind(due_at)
        .fetch_one(&mut *tx)
        .await?;
        let object = format!("case:{case_id}");
        let detail = format!("data request {} due {due_at}", r.id);
        Self::append_audit(&mut tx, NewAudit::change("pemohon", "data_request.create", &object, detail))
            .await?;
        Self::insert_notifications(&mut tx, Some(case_id), now, notes).await?;
        tx.commit().await?;
        Ok(r)
    }

    async fn data_requests(&self, office: &str) -> Result<Vec<DataRequest>> {
        Ok(sqlx::query_as("SELECT * FROM data_requests WHERE office = $1 ORDER BY id DESC LIMIT 500")
            .bind(office)
            .fetch_all(&self.read)
            .await?)
    }

    async fn data_request(&self, id: i64) -> Result<Option<DataRequest>> {
        Ok(sqlx::query_as("SELECT * FROM data_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn answer_data_request(&self, id: i64, actor: &str) -> Result<DataRequest> {
        let mut tx = self.begin().await?;
        let r: Option<DataRequest> = sqlx::query_as(
            "UPDATE data_requests SET answered_at = COALESCE(answered_at, $2), \
             answered_by = COALESCE(answered_by, $3) WHERE id = $1 RETURNING *",
        )
        .bind(id)
        .bind(now_ms())
        .bind(actor)
        .fetch_optional(&mut *tx)
        .await?;
        let r = r.ok_or_else(|| StoreError::NotFound(format!("data request {id}")))?;
        let object = format!("case:{}", r.case_id);
        let detail = format!("data request {id} answered");
        Self::append_audit(&mut tx, NewAudit::change(actor, "data_request.export", &object, detail)).await?;
        tx.commit().await?;
        Ok(r)
    }

    async fn institution_access_log(&self, institution: i64, from: i64, to: i64) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(
            "SELECT * FROM audit_log WHERE kind = 'access' AND at >= $2 AND at < $3 \
             AND actor IN (SELECT username FROM users WHERE institution_id = $1) ORDER BY at, chain, seq",
        )
        .bind(institution)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    async fn case_access_log(&self, case_id: i64) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(
            "SELECT * FROM audit_log WHERE kind = 'access' AND (object = $1 OR object LIKE $2) \
             ORDER BY at, chain, seq",
        )
        .bind(format!("case:{case_id}"))
        .bind(format!("case:{case_id} %"))
        .fetch_all(&self.read)
        .await?)
    }

    async fn purge_uploads(&self, before: i64) -> Result<Vec<CaseFile>> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let files: Vec<CaseFile> = sqlx::query_as(
            "UPDATE case_files SET purged_at = $2 WHERE purged_at IS NULL AND case_id IN \
             (SELECT id FROM cases WHERE status IN ('completed', 'rejected', 'withdrawn') \
             AND finished_at < $1) RETURNING *",
        )
        .bind(before)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let mut cases: Vec<i64> = files.iter().map(|f| f.case_id).collect();
        cases.sort_unstable();
        cases.dedup();
        for id in cases {
            let n = files.iter().filter(|f| f.case_id == id).count();
            let detail = format!("{n} uploads purged under the retention period");
            let object = format!("case:{id}");
            Self::append_audit(&mut tx, NewAudit::change("system", "case.files.purge", &object, detail))
                .await?;
        }
        tx.commit().await?;
        Ok(files)
    }

    async fn file_in_use(&self, sha256: &str) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM case_files WHERE sha256 = $1 AND purged_at IS NULL")
                .bind(sha256)
                .fetch_one(&self.read)
                .await?;
        Ok(n > 0)
    }

    async fn applicant_cases(&self, nik: &str, limit: i64) -> Result<Vec<Case>> {
        // The applicant is stored as JSON text; a NIK is 16 digits, so the
        // pattern has no wildcard of its own.
        if !(nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit())) {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as("SELECT * FROM cases WHERE applicant LIKE $1 ORDER BY id DESC LIMIT $2")
            .bind(format!("%\"nik\":\"{nik}\"%"))
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    async fn issue_access_code(&self, code: &NewAccessCode, note: &NewNotification) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO access_codes (nik_key, code_hash, sent_to, expires_at, created_at) VALUES ($1,$2,$3,$4,$5)",
        )
        .bind(&code.nik_key)
        .bind(&code.code_hash)
        .bind(&code.sent_to)
        .bind(code.expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::insert_notifications(&mut tx, None, now, std::slice::from_ref(note)).await?;
        let detail = format!("sent by {} until {}", note.channel, code.expires_at);
        Self::append_audit(&mut tx, NewAudit::change("pemohon", "access_code.issue", "applicant", detail))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn use_access_code(
        &self,
        nik_key: &str,
        code_hash: &str,
        now: i64,
        max_attempts: i32,
    ) -> Result<Option<String>> {
        let mut tx = self.begin().await?;
        let live: Option<(i64, String, String, i32)> = sqlx::query_as(
            "SELECT id, code_hash, sent_to, attempts FROM access_codes \
             WHERE nik_key = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(nik_key)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, hash, sent_to, attempts)) = live else { return Ok(None) };
        let ok = attempts < max_attempts && hash == code_hash;
        sqlx::query(
            "UPDATE access_codes SET attempts = attempts + 1, \
             used_at = CASE WHEN $3 THEN $2 ELSE used_at END WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .bind(ok)
        .execute(&mut *tx)
        .await?;
        let action = if ok { "access_code.use" } else { "access_code.wrong" };
        Self::append_audit(&mut tx, NewAudit::change("pemohon", action, "applicant", format!("code {id}")))
            .await?;
        tx.commit().await?;
        Ok(ok.then_some(sent_to))
    }
}
