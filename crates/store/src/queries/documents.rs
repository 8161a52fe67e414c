// The SQL of `Documents`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

impl This {
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
}

#[async_trait]
impl Documents for This {
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

    async fn office_documents(&self, office: &str, doc_type: &str, limit: i64) -> Result<Vec<Document>> {
        Ok(sqlx::query_as(
            "SELECT * FROM documents WHERE office = $1 AND doc_type = $2 ORDER BY year DESC, seq DESC LIMIT $3",
        )
        .bind(office)
        .bind(doc_type)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    async fn documents_issued(
        &self,
        office: &str,
        doc_type: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<Document>> {
        Ok(sqlx::query_as(
            "SELECT * FROM documents WHERE office = $1 AND doc_type = $2 AND issued_at >= $3 AND issued_at < $4 \
             ORDER BY year, seq LIMIT $5",
        )
        .bind(office)
        .bind(doc_type)
        .bind(from)
        .bind(to)
        .bind(limit)
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
}
