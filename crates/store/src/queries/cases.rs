// The SQL of `Cases`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

impl This {
    /// One case action inside `tx`. A stock movement the balance cannot
    /// cover, and a stale version, are found before anything is written, so
    /// a caller sharing `tx` with other actions can go on with them.
    pub(crate) async fn apply_update(
        tx: &mut sqlx::Transaction<'static, Db>,
        id: i64,
        expected_version: i64,
        u: CaseUpdate,
    ) -> Result<Case> {
        Self::check_movements(tx, &u.stock).await?;
        let now = now_ms();
        let ch = &u.change;
        let updated: Option<Case> = sqlx::query_as(
            "UPDATE cases SET status = $3, current_step = $4, current_actor = $5, assignee = $6, due_at = $7, \
             step_started_at = $8, step_due_at = $9, paused_at = $10, case_left_ms = $11, step_left_ms = $12, \
             finished_at = $13, updated_at = $14, escalate_at = $15, service_started_at = $16, \
             nearest_due_at = $17, version = version + 1 WHERE id = $1 AND version = $2 RETURNING *",
        )
        .bind(id)
        .bind(expected_version)
        .bind(ch.status.as_str())
        .bind(&ch.current_step)
        .bind(&ch.current_actor)
        .bind(&ch.assignee)
        .bind(ch.due_at)
        .bind(ch.step_started_at)
        .bind(ch.step_due_at)
        .bind(ch.paused_at)
        .bind(ch.case_left_ms)
        .bind(ch.step_left_ms)
        .bind(ch.finished_at)
        .bind(now)
        .bind(first_escalation(ch.status, (ch.step_started_at, ch.step_due_at), (ch.service_started_at, ch.due_at)))
        .bind(ch.service_started_at)
        .bind(nearest_due(ch.paused_at, ch.current_actor.as_deref(), ch.step_due_at, ch.due_at))
        .fetch_optional(&mut **tx)
        .await?;
        let Some(case) = updated else {
            return Err(StoreError::Stale(format!("case {id} is no longer at version {expected_version}")));
        };
        Self::insert_journal(tx, id, now, &u.journal).await?;
        for f in &u.files {
            Self::insert_file(tx, id, now, f).await?;
        }
        let mut pks = None;
        for mut d in u.docs {
            d.case_id = Some(id);
            let doc = Self::insert_document(tx, d).await?;
            if doc.doc_type == "pks" {
                pks = Some(doc.number);
            }
        }
        Self::insert_notifications(tx, Some(id), now, &u.notes).await?;
        if let Some(mut a) = u.agreement {
            if a.pks_number.is_empty() {
                a.pks_number =
                    pks.ok_or_else(|| StoreError::Invalid("the agreement has no PKS number".into()))?;
            }
            Self::insert_agreement(tx, &a).await?;
        }
        if let Some(e) = &u.agreement_event {
            let agreement: Option<i64> = sqlx::query_scalar("SELECT id FROM agreements WHERE case_id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            if let Some(agreement) = agreement {
                Self::insert_agreement_event(tx, agreement, e).await?;
            }
        }
        if !u.stock.is_empty() {
            Self::insert_movements(tx, &u.stock).await?;
        }
        if let Some(done) = &u.step_done {
            Self::insert_step_done(tx, id, done).await?;
        }
        if let Some(linked) = u.linked {
            Self::apply_create(tx, *linked).await?;
        }
        Ok(case)
    }

    async fn insert_step_done(
        tx: &mut sqlx::Transaction<'static, Db>,
        case_id: i64,
        d: &StepDone,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO case_steps (case_id, office, service, step, actor, done_by, action, started_at, \
             ended_at, due_at, work_minutes, limit_minutes) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        )
        .bind(case_id)
        .bind(&d.office)
        .bind(&d.service)
        .bind(&d.step)
        .bind(&d.actor)
        .bind(&d.done_by)
        .bind(&d.action)
        .bind(d.started_at)
        .bind(d.ended_at)
        .bind(d.due_at)
        .bind(d.work_minutes)
        .bind(d.limit_minutes)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A new case with its first journal rows, files, documents and
    /// notifications, inside `tx`.
    pub(crate) async fn apply_create(
        tx: &mut sqlx::Transaction<'static, Db>,
        new: crate::cases::CaseCreate,
    ) -> Result<Case> {
        let now = now_ms();
        let c = &new.case;
        let case: Case = sqlx::query_as(
            "INSERT INTO cases (tracking_code, office, service, standard_version, channel, status, current_step, \
             current_actor, version, applicant_name, applicant, fields, created_by, created_at, updated_at, due_at, \
             step_started_at, step_due_at, escalate_at, service_started_at, nearest_due_at, institution_id, \
             parent_id, linked_from, agreement_id, duty_period) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,1,$9,$10,$11,$12,$13,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24) \
             RETURNING *",
        )
        .bind(&c.tracking_code)
        .bind(&c.office)
        .bind(&c.service)
        .bind(c.standard_version)
        .bind(&c.channel)
        .bind(c.status.as_str())
        .bind(&c.current_step)
        .bind(&c.current_actor)
        .bind(&c.applicant_name)
        .bind(serde_json::to_string(&c.applicant).map_err(|e| StoreError::Invalid(format!("applicant: {e}")))?)
        .bind(&c.fields)
        .bind(&c.created_by)
        .bind(c.created_at)
        .bind(c.due_at)
        .bind(c.step_started_at)
        .bind(c.step_due_at)
        .bind(first_escalation(c.status, (c.step_started_at, c.step_due_at), (c.service_started_at, c.due_at)))
        .bind(c.service_started_at)
        .bind(nearest_due(None, c.current_actor.as_deref(), c.step_due_at, c.due_at))
        .bind(c.institution_id)
        .bind(c.parent_id)
        .bind(c.linked_from)
        .bind(c.agreement_id)
        .bind(&c.duty_period)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::from_write(e, "case"))?;
        for j in &new.journal {
            Self::insert_journal(tx, case.id, now, j).await?;
        }
        for f in &c.files {
            Self::insert_file(tx, case.id, now, f).await?;
        }
        for mut d in new.docs {
            d.case_id = Some(case.id);
            Self::insert_document(tx, d).await?;
        }
        Self::insert_notifications(tx, Some(case.id), now, &new.notes).await?;
        Ok(case)
    }

    async fn insert_journal(
        tx: &mut sqlx::Transaction<'static, Db>,
        case_id: i64,
        at: i64,
        j: &NewJournal,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO case_journal (case_id, at, actor, on_behalf, action, from_status, to_status, \
             from_step, to_step, note, data, acting) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        )
        .bind(case_id)
        .bind(j.at.unwrap_or(at))
        .bind(&j.actor)
        .bind(j.on_behalf)
        .bind(&j.action)
        .bind(&j.from_status)
        .bind(&j.to_status)
        .bind(&j.from_step)
        .bind(&j.to_step)
        .bind(&j.note)
        .bind(&j.data)
        .bind(&j.acting)
        .execute(&mut **tx)
        .await?;
        // The audit row names the case, never the applicant.
        let object = format!("case:{case_id}");
        let mut detail = format!(
            "{} -> {} step {}",
            j.from_status.as_deref().unwrap_or("-"),
            j.to_status,
            j.to_step.as_deref().unwrap_or("-")
        );
        if let Some(a) = &j.acting {
            detail.push_str(&format!(" (as {a})"));
        }
        let action = format!("case.{}", j.action);
        Self::append_audit(tx, NewAudit::change(&j.actor, &action, &object, detail)).await
    }

    async fn insert_notifications(
        tx: &mut sqlx::Transaction<'static, Db>,
        case_id: Option<i64>,
        at: i64,
        notes: &[NewNotification],
    ) -> Result<()> {
        for n in notes {
            sqlx::query(
                "INSERT INTO notifications (case_id, office, channel, recipient, subject, body, status, created_at) \
                 VALUES ($1,$2,$3,$4,$5,$6,'pending',$7)",
            )
            .bind(case_id)
            .bind(&n.office)
            .bind(&n.channel)
            .bind(&n.recipient)
            .bind(&n.subject)
            .bind(&n.body)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// A reminder sent once: `claim` inserts its row (binding the office,
    /// the period and the time) and returns a row only the first time;
    /// then the notifications go out in the same transaction. `false` when
    /// it was claimed before.
    async fn remind_once(
        &self,
        claim: &'static str,
        office: &str,
        period: &str,
        notes: &[NewNotification],
        at: i64,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let new: Option<(String,)> =
            sqlx::query_as(claim).bind(office).bind(period).bind(at).fetch_optional(&mut *tx).await?;
        if new.is_none() {
            return Ok(false);
        }
        Self::insert_notifications(&mut tx, None, at, notes).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn insert_file(
        tx: &mut sqlx::Transaction<'static, Db>,
        case_id: i64,
        at: i64,
        f: &NewCaseFile,
    ) -> Result<CaseFile> {
        let file: CaseFile = sqlx::query_as(
            "INSERT INTO case_files (case_id, requirement, filename, content_type, size, sha256, uploaded_at, \
             uploaded_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *",
        )
        .bind(case_id)
        .bind(&f.requirement)
        .bind(&f.filename)
        .bind(&f.content_type)
        .bind(f.size)
        .bind(&f.sha256)
        .bind(at)
        .bind(&f.uploaded_by)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::from_write(e, "file"))?;
        let object = format!("case:{case_id}");
        let detail = format!("{} {} bytes sha256 {}", f.requirement, f.size, f.sha256);
        Self::append_audit(tx, NewAudit::change(&f.uploaded_by, "case.file", &object, detail)).await?;
        Ok(file)
    }
}

#[async_trait]
impl Cases for This {
    async fn create_case(
        &self,
        c: &NewCase,
        journal: &[NewJournal],
        notes: &[NewNotification],
        docs: Vec<DocumentDraft>,
    ) -> Result<Case> {
        let new = crate::cases::CaseCreate {
            case: c.clone(),
            journal: journal.to_vec(),
            notes: notes.to_vec(),
            docs,
        };
        self.commit_create(new).await
    }

    async fn case(&self, id: i64) -> Result<Option<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE id = $1").bind(id).fetch_optional(&self.read).await?)
    }

    async fn case_by_tracking(&self, code: &str) -> Result<Option<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE tracking_code = $1")
            .bind(code)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn child_cases(&self, parent: i64) -> Result<Vec<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE parent_id = $1 ORDER BY id")
            .bind(parent)
            .fetch_all(&self.read)
            .await?)
    }

    async fn linked_cases(&self, from: i64) -> Result<Vec<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE linked_from = $1 ORDER BY id")
            .bind(from)
            .fetch_all(&self.read)
            .await?)
    }

    async fn duty_cases(&self, agreement: i64) -> Result<Vec<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE agreement_id = $1 ORDER BY id")
            .bind(agreement)
            .fetch_all(&self.read)
            .await?)
    }

    async fn update_case(&self, id: i64, expected_version: i64, u: CaseUpdate) -> Result<Case> {
        self.commit_update(id, expected_version, u).await
    }

    async fn journal(&self, case_id: i64) -> Result<Vec<JournalEntry>> {
        Ok(sqlx::query_as("SELECT * FROM case_journal WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&self.read)
            .await?)
    }

    async fn add_case_file(&self, case_id: i64, f: &NewCaseFile) -> Result<CaseFile> {
        let mut tx = self.begin().await?;
        let file = Self::insert_file(&mut tx, case_id, now_ms(), f).await?;
        tx.commit().await?;
        Ok(file)
    }

    async fn case_files(&self, case_id: i64) -> Result<Vec<CaseFile>> {
        Ok(sqlx::query_as("SELECT * FROM case_files WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&self.read)
            .await?)
    }
}
