// The SQL of `Directory`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

impl This {
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
impl Directory for This {
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

    async fn set_instance_flag(&self, actor: &str, name: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let set = sqlx::query(
            "INSERT INTO instance_flags (name, set_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if set.rows_affected() > 0 {
            Self::append_audit(&mut tx, NewAudit::change(actor, "instance.flag", name, String::new()))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn instance_flag(&self, name: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM instance_flags WHERE name = $1")
            .bind(name)
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

    async fn durability(&self) -> Result<Vec<crate::Durability>> {
        self.durability_settings().await
    }

    async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}
