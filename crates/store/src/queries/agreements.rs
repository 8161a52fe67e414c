// The SQL of `Agreements`, written once: `crates/store/src/common.rs`
// includes this file for each backend (`This` and `Db` are that backend's types).

impl This {
    /// A new agreement and its `created` event, inside the signing step's
    /// transaction.
    pub(crate) async fn insert_agreement(
        tx: &mut sqlx::Transaction<'static, Db>,
        a: &NewAgreement,
    ) -> Result<Agreement> {
        let agreement: Agreement = sqlx::query_as(
            "INSERT INTO agreements (office, case_id, institution_id, party, counterparty, purpose, legal_basis, \
             data_elements, access_mode, pks_number, pks_date, juknis_number, juknis_date, signed_by, starts_on, \
             ends_on, renews, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) \
             RETURNING *",
        )
        .bind(&a.office)
        .bind(a.case_id)
        .bind(a.institution_id)
        .bind(&a.party)
        .bind(&a.counterparty)
        .bind(&a.purpose)
        .bind(&a.legal_basis)
        .bind(&a.data_elements)
        .bind(&a.access_mode)
        .bind(&a.pks_number)
        .bind(&a.pks_date)
        .bind(&a.juknis_number)
        .bind(&a.juknis_date)
        .bind(&a.signed_by)
        .bind(&a.starts_on)
        .bind(&a.ends_on)
        .bind(a.renews)
        .bind(now_ms())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::from_write(e, "an agreement of this case"))?;
        let created = NewAgreementEvent {
            actor: a.actor.clone(),
            kind: "created".into(),
            summary: format!(
                "PKS {} ditandatangani, berlaku {} s/d {}",
                a.pks_number, a.starts_on, a.ends_on
            ),
            ..Default::default()
        };
        Self::insert_agreement_event(tx, agreement.id, &created).await?;
        if let Some(old) = a.renews {
            sqlx::query(
                "UPDATE agreements SET renewal_case_id = COALESCE(renewal_case_id, $2) WHERE id = $1",
            )
            .bind(old)
            .bind(a.case_id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(agreement)
    }

    /// An event, what it changes on the agreement, its audit row and its
    /// notifications, inside `tx`.
    pub(crate) async fn insert_agreement_event(
        tx: &mut sqlx::Transaction<'static, Db>,
        id: i64,
        e: &NewAgreementEvent,
    ) -> Result<AgreementEvent> {
        let now = now_ms();
        let event: AgreementEvent = sqlx::query_as(
            "INSERT INTO agreement_events (agreement_id, at, actor, kind, summary, data) \
             VALUES ($1,$2,$3,$4,$5,$6) RETURNING *",
        )
        .bind(id)
        .bind(now)
        .bind(&e.actor)
        .bind(&e.kind)
        .bind(&e.summary)
        .bind(&e.data)
        .fetch_one(&mut **tx)
        .await
        .map_err(|err| StoreError::from_write(err, &format!("`{}` of agreement {id}", e.kind)))?;
        let (juknis_number, juknis_date) = e.juknis.clone().unzip();
        sqlx::query(
            "UPDATE agreements SET juknis_number = COALESCE($2, juknis_number), \
             juknis_date = COALESCE($3, juknis_date), \
             suspension_recommended_at = CASE WHEN $4 THEN COALESCE(suspension_recommended_at, $6) \
             ELSE suspension_recommended_at END, \
             revoked_at = CASE WHEN $5 THEN COALESCE(revoked_at, $6) ELSE revoked_at END, \
             renewal_case_id = COALESCE($7, renewal_case_id) WHERE id = $1",
        )
        .bind(id)
        .bind(juknis_number)
        .bind(juknis_date)
        .bind(e.suspension_recommended)
        .bind(e.revoked)
        .bind(now)
        .bind(e.renewal_case_id)
        .execute(&mut **tx)
        .await?;
        let object = format!("agreement:{id}");
        let action = format!("agreement.{}", e.kind);
        Self::append_audit(tx, NewAudit::change(&e.actor, &action, &object, e.summary.clone())).await?;
        Self::insert_notifications(tx, None, now, &e.notes).await?;
        Ok(event)
    }
}

#[async_trait]
impl Agreements for This {
    async fn agreement(&self, id: i64) -> Result<Option<Agreement>> {
        Ok(sqlx::query_as("SELECT * FROM agreements WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn agreement_of_case(&self, case_id: i64) -> Result<Option<Agreement>> {
        Ok(sqlx::query_as("SELECT * FROM agreements WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn agreement_renewed_by(&self, case_id: i64) -> Result<Option<Agreement>> {
        Ok(sqlx::query_as("SELECT * FROM agreements WHERE renewal_case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn agreements(&self, office: Option<&str>, institution: Option<i64>) -> Result<Vec<Agreement>> {
        Ok(sqlx::query_as(
            "SELECT * FROM agreements WHERE ($1 IS NULL OR office = $1) AND ($2 IS NULL OR institution_id = $2) \
             ORDER BY id DESC LIMIT 1000",
        )
        .bind(office)
        .bind(institution)
        .fetch_all(&self.read)
        .await?)
    }

    async fn running_agreements(&self, today: &str) -> Result<Vec<Agreement>> {
        Ok(sqlx::query_as("SELECT * FROM agreements WHERE revoked_at IS NULL AND ends_on >= $1 ORDER BY id")
            .bind(today)
            .fetch_all(&self.read)
            .await?)
    }

    async fn agreement_events(&self, id: i64) -> Result<Vec<AgreementEvent>> {
        Ok(sqlx::query_as("SELECT * FROM agreement_events WHERE agreement_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&self.read)
            .await?)
    }

    async fn record_agreement_event(&self, id: i64, e: &NewAgreementEvent) -> Result<AgreementEvent> {
        let mut tx = self.begin().await?;
        let event = Self::insert_agreement_event(&mut tx, id, e).await?;
        tx.commit().await?;
        Ok(event)
    }

    async fn record_agreement_letter(
        &self,
        id: i64,
        e: &NewAgreementEvent,
        letter: DocumentDraft,
    ) -> Result<(AgreementEvent, Document)> {
        let mut tx = self.begin().await?;
        let doc = Self::insert_document(&mut tx, letter).await?;
        let event = Self::insert_agreement_event(&mut tx, id, e).await?;
        tx.commit().await?;
        Ok((event, doc))
    }

    async fn agreement_user_ids(&self, id: i64) -> Result<Vec<AgreementUserId>> {
        Ok(sqlx::query_as("SELECT * FROM agreement_user_ids WHERE agreement_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&self.read)
            .await?)
    }

    async fn add_agreement_user_id(
        &self,
        id: i64,
        u: &NewUserId,
        e: &NewAgreementEvent,
    ) -> Result<AgreementUserId> {
        let mut tx = self.begin().await?;
        let row: AgreementUserId = sqlx::query_as(
            "INSERT INTO agreement_user_ids (agreement_id, user_id, environment, issued_on, endpoint, test_result, \
             recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *",
        )
        .bind(id)
        .bind(&u.user_id)
        .bind(&u.environment)
        .bind(&u.issued_on)
        .bind(&u.endpoint)
        .bind(&u.test_result)
        .bind(&e.actor)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|err| StoreError::from_write(err, &format!("User ID `{}`", u.user_id)))?;
        Self::insert_agreement_event(&mut tx, id, e).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn set_agreement_user_id_status(
        &self,
        id: i64,
        user_id: &str,
        status: &str,
        e: &NewAgreementEvent,
    ) -> Result<Option<AgreementUserId>> {
        let mut tx = self.begin().await?;
        let row: Option<AgreementUserId> = sqlx::query_as(
            "UPDATE agreement_user_ids SET status = $3 WHERE agreement_id = $1 AND user_id = $2 RETURNING *",
        )
        .bind(id)
        .bind(user_id)
        .bind(status)
        .fetch_optional(&mut *tx)
        .await?;
        if row.is_some() {
            Self::insert_agreement_event(&mut tx, id, e).await?;
            tx.commit().await?;
        }
        Ok(row)
    }
}
