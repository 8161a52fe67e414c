// The SQL of `Institutions`, written once: `crates/store/src/common.rs`
// includes this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Institutions for This {
    async fn register_institution(&self, i: &NewInstitution, a: &NewUser) -> Result<(Institution, User)> {
        let mut tx = self.begin().await?;
        let inst: Institution = sqlx::query_as(
            "INSERT INTO institutions (office, name, kind, legal_basis, address, officer_name, officer_position, \
             email, phone, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *",
        )
        .bind(&i.office)
        .bind(&i.name)
        .bind(i.kind.as_str())
        .bind(&i.legal_basis)
        .bind(&i.address)
        .bind(&i.officer_name)
        .bind(&i.officer_position)
        .bind(&i.email)
        .bind(&i.phone)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "institution"))?;
        let sql = format!(
            "INSERT INTO users (username, display_name, password_hash, role, office, unit, created_at, nip, \
             institution_id) VALUES ($1,$2,$3,$4,$5,NULL,$6,NULL,$7) RETURNING {USER_COLS}"
        );
        let user: User = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&a.username)
            .bind(&a.display_name)
            .bind(&a.password_hash)
            .bind(a.role.as_str())
            .bind(&a.office)
            .bind(now_ms())
            .bind(inst.id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, &format!("user `{}`", a.username)))?;
        let object = format!("institution:{}", inst.id);
        let detail = format!("{} ({}) at office {}", inst.name, inst.kind, inst.office);
        Self::append_audit(&mut tx, NewAudit::change(&a.username, "institution.register", &object, detail))
            .await?;
        let detail = format!("role {} office {} institution {}", a.role, a.office, inst.id);
        Self::append_audit(&mut tx, NewAudit::change(&a.username, "user.create", &a.username, detail))
            .await?;
        tx.commit().await?;
        Ok((inst, user))
    }

    async fn set_institution_case(&self, id: i64, case_id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE institutions SET case_id = $2 WHERE id = $1")
            .bind(id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn institution(&self, id: i64) -> Result<Option<Institution>> {
        Ok(sqlx::query_as("SELECT * FROM institutions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn institution_of_case(&self, case_id: i64) -> Result<Option<Institution>> {
        Ok(sqlx::query_as("SELECT * FROM institutions WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn institutions(&self, office: &str) -> Result<Vec<Institution>> {
        Ok(sqlx::query_as("SELECT * FROM institutions WHERE office = $1 ORDER BY id DESC")
            .bind(office)
            .fetch_all(&self.read)
            .await?)
    }

    async fn decide_institution(
        &self,
        actor: &str,
        case_id: i64,
        verified: bool,
    ) -> Result<Option<Institution>> {
        let mut tx = self.begin().await?;
        let status = if verified { "verified" } else { "refused" };
        let inst: Option<Institution> = sqlx::query_as(
            "UPDATE institutions SET status = $2, decided_at = $3 WHERE case_id = $1 AND status = 'pending' \
             RETURNING *",
        )
        .bind(case_id)
        .bind(status)
        .bind(now_ms())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(inst) = inst else { return Ok(None) };
        let object = format!("institution:{}", inst.id);
        let action = format!("institution.{status}");
        Self::append_audit(&mut tx, NewAudit::change(actor, &action, &object, format!("case {case_id}")))
            .await?;
        tx.commit().await?;
        Ok(Some(inst))
    }

    async fn institution_cases(&self, institution: i64, limit: i64) -> Result<Vec<Case>> {
        Ok(sqlx::query_as("SELECT * FROM cases WHERE institution_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(institution)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }
}
