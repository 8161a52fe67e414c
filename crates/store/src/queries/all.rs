// The queries of both backends, written once. Not a module of its own:
// `common.rs` includes this file twice, once with `This`/`Db` set to the
// SQLite types and once to the PostgreSQL ones, so the two cannot drift.
// Placeholders are `$n`, which SQLite and PostgreSQL both accept; times are
// BIGINT milliseconds; JSON lists are TEXT. CI runs rustfmt on this file.

impl This {
    /// One case action inside `tx`. A stale version is found by the
    /// first statement, before anything is written, so a caller
    /// sharing `tx` with other actions can go on with them.
    pub(crate) async fn apply_update(
        tx: &mut sqlx::Transaction<'static, Db>,
        id: i64,
        expected_version: i64,
        u: CaseUpdate,
    ) -> Result<Case> {
        let now = now_ms();
        let ch = &u.change;
        let updated: Option<Case> = sqlx::query_as(
            "UPDATE cases SET status = $3, current_step = $4, current_actor = $5, assignee = $6, due_at = $7, \
             step_started_at = $8, step_due_at = $9, paused_at = $10, case_left_ms = $11, step_left_ms = $12, \
             finished_at = $13, updated_at = $14, escalate_at = $15, version = version + 1 \
             WHERE id = $1 AND version = $2 RETURNING *",
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
        .bind(first_escalation(ch.status, ch.step_started_at, ch.step_due_at))
        .fetch_optional(&mut **tx)
        .await?;
        let Some(case) = updated else {
            return Err(StoreError::Stale(format!("case {id} is no longer at version {expected_version}")));
        };
        Self::insert_journal(tx, id, now, &u.journal).await?;
        for f in &u.files {
            Self::insert_file(tx, id, now, f).await?;
        }
        for mut d in u.docs {
            d.case_id = Some(id);
            Self::insert_document(tx, d).await?;
        }
        Self::insert_notifications(tx, Some(id), now, &u.notes).await?;
        Ok(case)
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
             step_started_at, step_due_at, escalate_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,1,$9,$10,$11,$12,$13,$13,$14,$15,$16,$17) RETURNING *",
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
        .bind(first_escalation(c.status, c.step_started_at, c.step_due_at))
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

    /// The bench baseline's one plain row, inside `tx`.
    pub(crate) async fn insert_raw(tx: &mut sqlx::Transaction<'static, Db>, payload: &str) -> Result<()> {
        sqlx::query("INSERT INTO bench_raw (at, payload) VALUES ($1, $2)")
            .bind(now_ms())
            .bind(payload)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Appends one row to the audit chain inside the caller's
    /// transaction, so the change and its record commit together.
    async fn append_audit(tx: &mut sqlx::Transaction<'static, Db>, a: NewAudit<'_>) -> Result<()> {
        let chain = Self::lock_audit(tx, Self::audit_chain(a.object)).await?;
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1")
                .bind(chain)
                .fetch_optional(&mut **tx)
                .await?;
        let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_string()));
        let seq = prev_seq + 1;
        let at = now_ms();
        let kind = a.kind.as_str();
        let hash = chain_hash(&prev_hash, seq, at, kind, a.actor, a.action, a.object, &a.detail);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, kind, actor, action, object, detail, prev_hash, hash, chain) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
        )
        .bind(seq)
        .bind(at)
        .bind(kind)
        .bind(a.actor)
        .bind(a.action)
        .bind(a.object)
        .bind(&a.detail)
        .bind(&prev_hash)
        .bind(&hash)
        .bind(chain)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn insert_journal(
        tx: &mut sqlx::Transaction<'static, Db>,
        case_id: i64,
        at: i64,
        j: &NewJournal,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO case_journal (case_id, at, actor, on_behalf, action, from_status, to_status, \
             from_step, to_step, note, data) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(case_id)
        .bind(at)
        .bind(&j.actor)
        .bind(j.on_behalf)
        .bind(&j.action)
        .bind(&j.from_status)
        .bind(&j.to_status)
        .bind(&j.from_step)
        .bind(&j.to_step)
        .bind(&j.note)
        .bind(&j.data)
        .execute(&mut **tx)
        .await?;
        // The audit row names the case, never the applicant.
        let object = format!("case:{case_id}");
        let detail = format!(
            "{} -> {} step {}",
            j.from_status.as_deref().unwrap_or("-"),
            j.to_status,
            j.to_step.as_deref().unwrap_or("-")
        );
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

    /// Takes the next number of (office, type, year) and stores the
    /// document, inside the caller's transaction: the counter row is
    /// locked until commit, so concurrent issuers queue, and a
    /// rollback returns the number.
    async fn insert_document(tx: &mut sqlx::Transaction<'static, Db>, d: DocumentDraft) -> Result<Document> {
        // Locks in one order everywhere: case row, audit chain, then
        // the number counter.
        Self::lock_audit(tx, Self::audit_chain(&format!("document:{}", d.code))).await?;
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO doc_counters (office, doc_type, year, last) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (office, doc_type, year) DO UPDATE SET last = doc_counters.last + 1 RETURNING last",
        )
        .bind(&d.office)
        .bind(&d.doc_type)
        .bind(d.year)
        .fetch_one(&mut **tx)
        .await?;
        let (code, office, case_id, doc_type, year, holder, actor, content) =
            (d.code, d.office, d.case_id, d.doc_type, d.year, d.holder, d.actor, d.content);
        let made = (d.make)(seq).map_err(StoreError::Invalid)?;
        let doc: Document = sqlx::query_as(
            "INSERT INTO documents (code, office, case_id, doc_type, number, seq, year, issued_at, holder, payload, \
             pdf_sha256, content) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'',$11) RETURNING *",
        )
        .bind(&code)
        .bind(&office)
        .bind(case_id)
        .bind(&doc_type)
        .bind(&made.number)
        .bind(seq)
        .bind(year)
        .bind(now_ms())
        .bind(&holder)
        .bind(&made.payload)
        .bind(&content)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::from_write(e, "document"))?;
        let detail = format!("{} {}", doc_type, made.number);
        Self::append_audit(
            tx,
            NewAudit::change(&actor, "document.issue", &format!("document:{code}"), detail),
        )
        .await?;
        Ok(doc)
    }

    pub(crate) async fn apply_migrations(
        tx: &mut sqlx::Transaction<'static, Db>,
        list: &[(i64, &'static str)],
    ) -> Result<()> {
        for (version, sql) in list {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut **tx)
                    .await?;
            if done.is_none() {
                sqlx::raw_sql(*sql).execute(&mut **tx).await?;
                sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                    .bind(version)
                    .bind(now_ms())
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Store for This {
    fn backend(&self) -> &'static str {
        NAME
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<()> {
        self.run_migrations().await
    }

    async fn region_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM regions").fetch_one(&self.read).await?)
    }

    async fn import_regions(&self, rows: &[Region]) -> Result<u64> {
        let mut tx = self.begin().await?;
        let mut n = 0;
        for chunk in rows.chunks(BATCH) {
            let sql = format!(
                "INSERT INTO regions (code, name, level, parent) VALUES {} \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                values_list(chunk.len(), 4)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q.bind(&r.code).bind(&r.name).bind(r.level).bind(&r.parent);
            }
            n += q.execute(&mut *tx).await?.rows_affected();
        }
        let detail = format!("{n} rows");
        Self::append_audit(&mut tx, NewAudit::change("system", "regions.import", "regions", detail)).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn region(&self, code: &str) -> Result<Option<Region>> {
        Ok(sqlx::query_as("SELECT code, name, level, parent FROM regions WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn region_children(&self, parent: Option<&str>) -> Result<Vec<Region>> {
        let q = match parent {
            Some(p) => sqlx::query_as(
                "SELECT code, name, level, parent FROM regions WHERE parent = $1 ORDER BY code",
            )
            .bind(p.to_string()),
            None => sqlx::query_as(
                "SELECT code, name, level, parent FROM regions WHERE parent IS NULL ORDER BY code",
            ),
        };
        Ok(q.fetch_all(&self.read).await?)
    }

    async fn import_holidays(&self, rows: &[Holiday]) -> Result<u64> {
        let mut tx = self.begin().await?;
        let mut n = 0;
        for chunk in rows.chunks(BATCH) {
            let sql = format!(
                "INSERT INTO holidays (date, kind, name) VALUES {} ON CONFLICT (date, name) DO NOTHING",
                values_list(chunk.len(), 3)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for h in chunk {
                q = q.bind(&h.date).bind(&h.kind).bind(&h.name);
            }
            n += q.execute(&mut *tx).await?.rows_affected();
        }
        let detail = format!("{n} rows");
        Self::append_audit(&mut tx, NewAudit::change("system", "holidays.import", "holidays", detail))
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn holidays(&self, from: &str, to: &str) -> Result<Vec<Holiday>> {
        Ok(sqlx::query_as(
            "SELECT date, kind, name FROM holidays WHERE date >= $1 AND date <= $2 ORDER BY date, name",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    async fn upsert_office(&self, actor: &str, o: &Office) -> Result<()> {
        let units = serde_json::to_string(&o.units).unwrap_or_else(|_| "[]".into());
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO offices (code, name, level, parent, time_zone, address, phone, website, email, \
             units, cuti_bersama_off, maklumat, hours) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, \
             parent = excluded.parent, time_zone = excluded.time_zone, address = excluded.address, \
             phone = excluded.phone, website = excluded.website, email = excluded.email, \
             units = excluded.units, cuti_bersama_off = excluded.cuti_bersama_off, \
             maklumat = excluded.maklumat, hours = excluded.hours",
        )
        .bind(&o.code)
        .bind(&o.name)
        .bind(&o.level)
        .bind(&o.parent)
        .bind(o.time_zone.as_str())
        .bind(&o.address)
        .bind(&o.phone)
        .bind(&o.website)
        .bind(&o.email)
        .bind(&units)
        .bind(o.cuti_bersama_off)
        .bind(&o.maklumat)
        .bind(&o.hours)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "office"))?;
        let detail = serde_json::to_string(o).unwrap_or_default();
        Self::append_audit(&mut tx, NewAudit::change(actor, "office.upsert", &o.code, detail)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn offices(&self) -> Result<Vec<Office>> {
        let rows: Vec<OfficeRow> =
            sqlx::query_as("SELECT * FROM offices ORDER BY code").fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(Office::from).collect())
    }

    async fn office(&self, code: &str) -> Result<Option<Office>> {
        let row: Option<OfficeRow> = sqlx::query_as("SELECT * FROM offices WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(Office::from))
    }

    async fn put_standard(&self, actor: &str, s: &StoredStandard) -> Result<PutOutcome> {
        let mut tx = self.begin().await?;
        let existing: Option<String> = sqlx::query_scalar(
            "SELECT content_hash FROM standards WHERE office = $1 AND slug = $2 AND version = $3",
        )
        .bind(&s.office)
        .bind(&s.slug)
        .bind(s.version)
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some(h) if h == s.content_hash => return Ok(PutOutcome::Unchanged),
            Some(_) => {
                return Err(StoreError::Conflict(format!(
                    "standard {}-{} version {} is already published with other content; raise `version`",
                    s.office, s.slug, s.version
                )));
            }
            None => {}
        }
        sqlx::query(
            "INSERT INTO standards (office, slug, version, title, content, content_hash, loaded_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(&s.office)
        .bind(&s.slug)
        .bind(s.version)
        .bind(&s.title)
        .bind(&s.content)
        .bind(&s.content_hash)
        .bind(s.loaded_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "standard"))?;
        let object = format!("{}-{}@{}", s.office, s.slug, s.version);
        let detail = format!("sha256 {}", s.content_hash);
        Self::append_audit(&mut tx, NewAudit::change(actor, "standard.publish", &object, detail)).await?;
        tx.commit().await?;
        Ok(PutOutcome::Inserted)
    }

    async fn standards(&self, office: Option<&str>) -> Result<Vec<StoredStandard>> {
        let sql = "SELECT s.* FROM standards s WHERE ($1 IS NULL OR s.office = $1) AND s.version = \
                   (SELECT MAX(v.version) FROM standards v WHERE v.office = s.office AND v.slug = s.slug) \
                   ORDER BY s.office, s.slug";
        Ok(sqlx::query_as(sql).bind(office).fetch_all(&self.read).await?)
    }

    async fn standard(
        &self,
        office: &str,
        slug: &str,
        version: Option<i64>,
    ) -> Result<Option<StoredStandard>> {
        let sql = "SELECT * FROM standards WHERE office = $1 AND slug = $2 AND ($3 IS NULL OR version = $3) \
                   ORDER BY version DESC LIMIT 1";
        Ok(sqlx::query_as(sql).bind(office).bind(slug).bind(version).fetch_optional(&self.read).await?)
    }

    async fn create_user(&self, actor: &str, u: &NewUser) -> Result<User> {
        let mut tx = self.begin().await?;
        let sql = format!(
            "INSERT INTO users (username, display_name, password_hash, role, office, unit, created_at, nip) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING {USER_COLS}"
        );
        let user: User = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.as_str())
            .bind(&u.office)
            .bind(&u.unit)
            .bind(now_ms())
            .bind(&u.nip)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, &format!("user `{}`", u.username)))?;
        let detail = format!("role {} office {}", u.role, u.office);
        Self::append_audit(&mut tx, NewAudit::change(actor, "user.create", &u.username, detail)).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn user(&self, id: i64) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?)
    }

    async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE username = $1");
        let user: Option<User> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(&self.read).await?;
        let Some(user) = user else { return Ok(None) };
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&self.read)
            .await?;
        Ok(Some((user, hash)))
    }

    async fn users(&self, office: Option<&str>) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLS} FROM users WHERE ($1 IS NULL OR office = $1) ORDER BY office, username"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(office).fetch_all(&self.read).await?)
    }

    async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.read).await?)
    }

    async fn record_failed_login(&self, user_id: i64, lock_until: Option<i64>) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, \
             locked_until = COALESCE($2, locked_until) WHERE id = $1",
        )
        .bind(user_id)
        .bind(lock_until)
        .execute(&mut *tx)
        .await?;
        let (action, detail) = match lock_until {
            Some(t) => ("user.locked", format!("locked until {t}")),
            None => ("user.login_failed", String::new()),
        };
        Self::append_audit(&mut tx, NewAudit::change("system", action, &format!("user:{user_id}"), detail))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_successful_login(&self, user_id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let object = format!("user:{user_id}");
        Self::append_audit(&mut tx, NewAudit::change(&object, "user.login", &object, String::new())).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(&self, s: &Session) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1,$2,$3,$4,$5)",
        )
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "session"))?;
        let who = format!("user:{}", s.user_id);
        let detail = format!("expires {}", s.expires_at);
        Self::append_audit(&mut tx, NewAudit::change(&who, "session.create", &who, detail)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(Session, User)>> {
        let s: Option<Session> =
            sqlx::query_as("SELECT * FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.read)
                .await?;
        let Some(s) = s else { return Ok(None) };
        Ok(self.user(s.user_id).await?.filter(|u| u.active).map(|u| (s, u)))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let user: Option<i64> =
            sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(id) = user {
            let who = format!("user:{id}");
            Self::append_audit(&mut tx, NewAudit::change(&who, "session.delete", &who, String::new()))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn log_access(&self, actor: &str, whose: &str, purpose: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let a = NewAudit::access(actor, "personal_data.read", whose, purpose.to_string());
        Self::append_audit(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }

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

    async fn update_case(&self, id: i64, expected_version: i64, u: CaseUpdate) -> Result<Case> {
        self.commit_update(id, expected_version, u).await
    }

    async fn journal(&self, case_id: i64) -> Result<Vec<JournalEntry>> {
        Ok(sqlx::query_as("SELECT * FROM case_journal WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&self.read)
            .await?)
    }

    async fn worklist(&self, q: &WorklistQuery) -> Result<WorklistPage> {
        let page = q.page_sql();
        let cases: Vec<Case> = bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(page.text)), page.args)
            .fetch_all(&self.read)
            .await?;
        let counts = q.counts_sql();
        let rows: Vec<(String, i64)> =
            bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(counts.text)), counts.args)
                .fetch_all(&self.read)
                .await?;
        let mut per_service: Vec<(String, i64)> = Vec::new();
        for (service, n) in rows {
            match per_service.iter_mut().find(|(s, _)| *s == service) {
                Some(e) => e.1 += n,
                None => per_service.push((service, n)),
            }
        }
        per_service.sort();
        let total = per_service
            .iter()
            .filter(|(s, _)| q.service.as_ref().is_none_or(|want| want == s))
            .map(|(_, n)| n)
            .sum();
        Ok(WorklistPage { cases, total, per_service })
    }

    async fn open_case_counts(&self, office: &str) -> Result<Vec<(String, String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT service, COALESCE(current_step, ''), status, COUNT(*) FROM cases \
             WHERE office = $1 AND status IN ('submitted', 'in_progress', 'returned') \
             GROUP BY service, current_step, status ORDER BY service, current_step, status",
        )
        .bind(office)
        .fetch_all(&self.report)
        .await?)
    }

    async fn open_cases(&self, office: &str, limit: i64) -> Result<Vec<Case>> {
        let sql = format!(
            "SELECT * FROM cases WHERE office = $1 AND status IN ('submitted', 'in_progress', 'returned') \
             ORDER BY {DUE_ORDER} LIMIT $2"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(office).bind(limit).fetch_all(&self.report).await?)
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

    async fn cases_to_escalate(&self, now: i64, limit: i64) -> Result<Vec<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE escalate_at <= $1 ORDER BY escalate_at LIMIT $2")
            .bind(now)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    async fn bench_prepare(&self) -> Result<()> {
        sqlx::query(Self::BENCH_RAW_TABLE).execute(&self.write).await?;
        Ok(())
    }

    async fn bench_raw_insert(&self, payload: &str) -> Result<()> {
        self.commit_raw(payload).await
    }

    async fn bench_fill_cases(&self, f: &CaseFill) -> Result<u64> {
        let sql = f.sql();
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(f.first)
            .bind(f.first + f.count - 1)
            .bind(&f.office)
            .bind(&f.service)
            .bind(f.version)
            .bind(&f.channel)
            .bind(f.now)
            .bind(f.spread_ms)
            .bind(f.count.max(1));
        for (step, _) in &f.steps {
            q = q.bind(step);
        }
        for (_, actor) in &f.steps {
            q = q.bind(actor);
        }
        let mut tx = self.begin().await?;
        let before: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM cases").fetch_one(&mut *tx).await?;
        let n = q.execute(&mut *tx).await?.rows_affected();
        // Each generated case carries what a real one does: its
        // submission in the journal, and an audit row. The audit rows
        // sit on a chain of their own (99, outside the live chains)
        // with placeholder hashes: the bench's scratch database is
        // never verified, and the live chains stay intact.
        sqlx::query(
            "INSERT INTO case_journal (case_id, at, actor, on_behalf, action, from_status, to_status, from_step, to_step) \
             SELECT id, created_at, 'bench', false, 'submit', NULL, 'submitted', NULL, current_step FROM cases WHERE id > $1",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit_log (seq, at, kind, actor, action, object, detail, prev_hash, hash, chain) \
             SELECT 1000000000000 + id, created_at, 'change', 'bench', 'case.submit', 'case:' || id, \
             '- -> submitted', 'bench', 'bench', 99 FROM cases WHERE id > $1",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Self::after_bulk_load(&self.write).await?;
        Ok(n)
    }

    async fn escalate(&self, batch: &[CaseEscalation]) -> Result<usize> {
        let now = now_ms();
        let mut sorted: Vec<&CaseEscalation> = batch.iter().collect();
        sorted.sort_by_key(|c| c.case_id);
        let mut tx = self.begin().await?;
        // Case rows first and in id order, as every case action
        // takes its row before the audit chain (see insert_document
        // for the lock order): two sweepers never deadlock.
        for c in &sorted {
            sqlx::query("UPDATE cases SET escalate_at = $3 WHERE id = $1 AND version = $2")
                .bind(c.case_id)
                .bind(c.version)
                .bind(c.next_at)
                .execute(&mut *tx)
                .await?;
        }
        let mut fired = 0;
        for c in &sorted {
            for e in &c.levels {
                let inserted = sqlx::query(
                    "INSERT INTO escalations (case_id, step, level, fired_at) VALUES ($1,$2,$3,$4) \
                     ON CONFLICT (case_id, step, level) DO NOTHING",
                )
                .bind(c.case_id)
                .bind(&c.step)
                .bind(e.level)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted > 0 {
                    Self::insert_journal(&mut tx, c.case_id, now, &e.journal).await?;
                    Self::insert_notifications(&mut tx, Some(c.case_id), now, &e.notes).await?;
                    fired += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(fired)
    }

    async fn escalations_fired(&self, case_id: i64, step: &str) -> Result<Vec<i32>> {
        Ok(sqlx::query_scalar(
            "SELECT level FROM escalations WHERE case_id = $1 AND step = $2 ORDER BY level",
        )
        .bind(case_id)
        .bind(step)
        .fetch_all(&self.read)
        .await?)
    }

    async fn notifications(&self, office: &str, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as("SELECT * FROM notifications WHERE office = $1 ORDER BY id DESC LIMIT $2")
            .bind(office)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    async fn claim_notifications(
        &self,
        channel: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let expired = now - lease_ms;
        let candidates: Vec<Notification> = sqlx::query_as(
            "SELECT * FROM notifications WHERE channel = $1 AND status = 'pending' \
             AND (sent_at IS NULL OR sent_at < $2) ORDER BY id LIMIT $3",
        )
        .bind(channel)
        .bind(expired)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let mut claimed = Vec::new();
        for n in candidates {
            let won = sqlx::query(
                "UPDATE notifications SET sent_at = $2 WHERE id = $1 AND status = 'pending' \
                 AND (sent_at IS NULL OR sent_at < $3)",
            )
            .bind(n.id)
            .bind(now)
            .bind(expired)
            .execute(&self.write)
            .await?
            .rows_affected();
            if won == 1 {
                claimed.push(n);
            }
        }
        Ok(claimed)
    }

    async fn mark_notification_sent(&self, id: i64, now: i64) -> Result<()> {
        sqlx::query("UPDATE notifications SET status = 'sent', sent_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn outbox_pending(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT channel, COUNT(*) FROM notifications WHERE status = 'pending' GROUP BY channel ORDER BY channel",
        )
        .fetch_all(&self.read)
        .await?)
    }

    async fn case_notifications(&self, case_id: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as("SELECT * FROM notifications WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&self.read)
            .await?)
    }

    async fn issue_document(&self, draft: DocumentDraft) -> Result<Document> {
        let mut tx = self.begin().await?;
        let doc = Self::insert_document(&mut tx, draft).await?;
        tx.commit().await?;
        Ok(doc)
    }

    async fn pending_documents(&self, limit: i64) -> Result<Vec<Document>> {
        Ok(sqlx::query_as("SELECT * FROM documents WHERE produced_at IS NULL ORDER BY issued_at LIMIT $1")
            .bind(limit)
            .fetch_all(&self.write)
            .await?)
    }

    async fn documents_produced(&self, produced: &[(String, String)]) -> Result<usize> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let mut marked = 0;
        for (code, sha) in produced {
            let done = sqlx::query(
                "UPDATE documents SET pdf_sha256 = $2, produced_at = $3 WHERE code = $1 AND produced_at IS NULL",
            )
            .bind(code)
            .bind(sha)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                marked += 1;
                let detail = format!("pdf sha256 {sha}");
                Self::append_audit(
                    &mut tx,
                    NewAudit::change("system", "document.produce", &format!("document:{code}"), detail),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(marked)
    }

    async fn document(&self, code: &str) -> Result<Option<Document>> {
        Ok(sqlx::query_as("SELECT * FROM documents WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn add_office_key(&self, actor: &str, k: &OfficeKey) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE office_keys SET retired_at = $2 WHERE office = $1 AND retired_at IS NULL")
            .bind(&k.office)
            .bind(k.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO office_keys (id, office, public_key, private_key_enc, created_at) VALUES ($1,$2,$3,$4,$5)",
        )
        .bind(&k.id)
        .bind(&k.office)
        .bind(&k.public_key)
        .bind(&k.private_key_enc)
        .bind(k.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "office key"))?;
        let detail = format!("public {}", k.public_key);
        Self::append_audit(
            &mut tx,
            NewAudit::change(actor, "office_key.add", &format!("key:{}", k.id), detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn office_keys(&self, office: Option<&str>) -> Result<Vec<OfficeKey>> {
        Ok(sqlx::query_as(
            "SELECT * FROM office_keys WHERE ($1 IS NULL OR office = $1) ORDER BY office, created_at DESC, id",
        )
        .bind(office)
        .fetch_all(&self.read)
        .await?)
    }

    async fn case_documents(&self, case_id: i64) -> Result<Vec<Document>> {
        Ok(sqlx::query_as("SELECT * FROM documents WHERE case_id = $1 ORDER BY issued_at, code")
            .bind(case_id)
            .fetch_all(&self.read)
            .await?)
    }

    async fn revoke_document(&self, code: &str, actor: &str, reason: &str) -> Result<Document> {
        let mut tx = self.begin().await?;
        let doc: Option<Document> = sqlx::query_as(
            "UPDATE documents SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 \
             WHERE code = $1 AND revoked_at IS NULL RETURNING *",
        )
        .bind(code)
        .bind(now_ms())
        .bind(actor)
        .bind(reason)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(doc) = doc else {
            return Err(StoreError::Conflict(format!("document {code} is unknown or already revoked")));
        };
        Self::append_audit(
            &mut tx,
            NewAudit::change(actor, "document.revoke", &format!("document:{code}"), reason.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(doc)
    }

    async fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as("SELECT * FROM audit_log WHERE seq > $1 ORDER BY at, chain, seq LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    async fn create_data_request(
        &self,
        case_id: i64,
        office: &str,
        due_at: i64,
        note: &NewNotification,
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
        Self::insert_notifications(&mut tx, Some(case_id), now, std::slice::from_ref(note)).await?;
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

    async fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut counts = Vec::new();
        for table in crate::TABLES {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&self.read).await?;
            counts.push((table.to_string(), n));
        }
        Ok(counts)
    }

    async fn backup_into(&self, path: &std::path::Path) -> Result<()> {
        self.backup_to(path).await
    }

    async fn audit_chains(&self) -> Result<Vec<i32>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT chain FROM audit_log ORDER BY chain")
            .fetch_all(&self.read)
            .await?)
    }

    async fn audit_chain_entries(&self, chain: i32, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as("SELECT * FROM audit_log WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(chain)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }
}
