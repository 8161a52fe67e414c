// The SQL of `Register`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

/// Rows per INSERT statement: 15 binds each stays under SQLite's limit of
/// 32,766 variables.
const REGISTER_CHUNK: usize = 500;

#[async_trait]
impl Register for This {
    async fn import_register(&self, office: &str, actor: &str, entries: &[NewRegisterEntry]) -> Result<u64> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let mut words: Vec<(&str, i64)> = Vec::new();
        for chunk in entries.chunks(REGISTER_CHUNK) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO register_entries (office, akta_type, number, year, name, father, mother, place, \
                 event_date, book, page, name_folded, name_key, imported_by, imported_at) ",
            );
            q.push_values(chunk, |mut b, e| {
                b.push_bind(office)
                    .push_bind(e.akta_type.as_str())
                    .push_bind(e.number.as_str())
                    .push_bind(e.year)
                    .push_bind(e.name.as_str())
                    .push_bind(e.father.as_str())
                    .push_bind(e.mother.as_str())
                    .push_bind(e.place.as_str())
                    .push_bind(e.event_date.as_str())
                    .push_bind(e.book.as_str())
                    .push_bind(e.page.as_str())
                    .push_bind(e.name_folded.as_str())
                    .push_bind(e.name_key.as_str())
                    .push_bind(actor)
                    .push_bind(now);
            });
            q.push(" ON CONFLICT (office, akta_type, year, number) DO NOTHING RETURNING id, akta_type, year, number");
            let new: Vec<(i64, String, i32, String)> = q.build_query_as().fetch_all(&mut *tx).await?;
            let index: HashMap<(&str, i32, &str), &NewRegisterEntry> =
                chunk.iter().map(|e| ((e.akta_type.as_str(), e.year, e.number.as_str()), e)).collect();
            for (id, kind, year, number) in &new {
                if let Some(e) = index.get(&(kind.as_str(), *year, number.as_str())) {
                    words.extend(e.words.iter().map(|w| (w.as_str(), *id)));
                }
            }
        }
        let mut counts: HashMap<&str, i64> = HashMap::new();
        for chunk in words.chunks(REGISTER_CHUNK * 5) {
            let mut q = sqlx::QueryBuilder::<Db>::new("INSERT INTO register_words (office, word, entry_id) ");
            q.push_values(chunk, |mut b, (word, id)| {
                b.push_bind(office).push_bind(*word).push_bind(*id);
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut *tx).await?;
            for (word, _) in chunk {
                *counts.entry(word).or_default() += 1;
            }
        }
        let counts: Vec<(&str, i64)> = counts.into_iter().collect();
        for chunk in counts.chunks(REGISTER_CHUNK * 5) {
            let mut q = sqlx::QueryBuilder::<Db>::new("INSERT INTO register_word_counts (office, word, n) ");
            q.push_values(chunk, |mut b, (word, n)| {
                b.push_bind(office).push_bind(*word).push_bind(*n);
            });
            q.push(" ON CONFLICT (office, word) DO UPDATE SET n = register_word_counts.n + excluded.n");
            q.build().execute(&mut *tx).await?;
        }
        let imported = words.iter().map(|(_, id)| *id).collect::<std::collections::HashSet<_>>().len() as u64;
        sqlx::query(
            "INSERT INTO register_sizes (office, entries) VALUES ($1, $2) \
             ON CONFLICT (office) DO UPDATE SET entries = register_sizes.entries + excluded.entries",
        )
        .bind(office)
        .bind(imported as i64)
        .execute(&mut *tx)
        .await?;
        let object = format!("register:{office}");
        let detail = format!("{imported} entri baru dari {} baris", entries.len());
        Self::append_audit(&mut tx, NewAudit::change(actor, "register.import", &object, detail)).await?;
        tx.commit().await?;
        Ok(imported)
    }

    async fn register_entry(&self, id: i64) -> Result<Option<RegisterEntry>> {
        Ok(sqlx::query_as("SELECT * FROM register_entries WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn register_by_number(&self, office: &str, number: &str, limit: i64) -> Result<Vec<RegisterEntry>> {
        Ok(sqlx::query_as(
            "SELECT * FROM register_entries WHERE office = $1 AND number = $2 ORDER BY year, akta_type LIMIT $3",
        )
        .bind(office)
        .bind(number)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    async fn register_candidates(
        &self,
        office: &str,
        q: &NameQuery,
        limit: i64,
    ) -> Result<Vec<RegisterEntry>> {
        // Two lookups, one per index: an `OR` of the two columns after
        // `office =` makes SQLite scan the office's whole register.
        let mut found: Vec<RegisterEntry> = Vec::new();
        for sql in [
            "SELECT * FROM register_entries WHERE office = $1 AND name_folded = $2 LIMIT $3",
            "SELECT * FROM register_entries WHERE office = $1 AND name_key = $2 LIMIT $3",
        ] {
            let key = if sql.contains("name_folded") { &q.folded } else { &q.key };
            let rows: Vec<RegisterEntry> =
                sqlx::query_as(sql).bind(office).bind(key).bind(limit).fetch_all(&self.read).await?;
            for e in rows {
                if !found.iter().any(|f| f.id == e.id) {
                    found.push(e);
                }
            }
        }
        if q.words.is_empty() {
            return Ok(found);
        }
        let mut c = sqlx::QueryBuilder::<Db>::new("SELECT word, n FROM register_word_counts WHERE office = ");
        c.push_bind(office).push(" AND word IN (");
        let mut list = c.separated(", ");
        for w in &q.words {
            list.push_bind(w.as_str());
        }
        c.push(")");
        let mut counts: Vec<(String, i64)> = c.build_query_as().fetch_all(&self.read).await?;
        if counts.len() < q.words.len() {
            // A word no entry holds: no entry holds them all.
            return Ok(found);
        }
        counts.sort_by_key(|(_, n)| *n);
        let mut s = sqlx::QueryBuilder::<Db>::new(
            "SELECT e.* FROM register_words w JOIN register_entries e ON e.id = w.entry_id WHERE w.office = ",
        );
        s.push_bind(office).push(" AND w.word = ").push_bind(counts[0].0.as_str());
        for (word, _) in &counts[1..] {
            s.push(" AND EXISTS (SELECT 1 FROM register_words x WHERE x.office = w.office AND x.entry_id = w.entry_id AND x.word = ")
                .push_bind(word.as_str())
                .push(")");
        }
        s.push(" LIMIT ").push_bind(limit);
        let by_words: Vec<RegisterEntry> = s.build_query_as().fetch_all(&self.read).await?;
        for e in by_words {
            if !found.iter().any(|f| f.id == e.id) {
                found.push(e);
            }
        }
        Ok(found)
    }

    async fn register_size(&self, office: &str) -> Result<i64> {
        let n: Option<(i64,)> = sqlx::query_as("SELECT entries FROM register_sizes WHERE office = $1")
            .bind(office)
            .fetch_optional(&self.read)
            .await?;
        Ok(n.map_or(0, |(n,)| n))
    }
}
