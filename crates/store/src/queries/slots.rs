// The SQL of `Slots`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Slots for This {
    async fn create_slot(&self, s: &NewSlot) -> Result<Slot> {
        let mut tx = self.begin().await?;
        let slot: Slot = sqlx::query_as(
            "INSERT INTO slots (office, service, starts_at, minutes, capacity, meeting_link, created_by, \
             created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *",
        )
        .bind(&s.office)
        .bind(&s.service)
        .bind(s.starts_at)
        .bind(s.minutes)
        .bind(s.capacity)
        .bind(&s.meeting_link)
        .bind(&s.created_by)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "a slot at this time"))?;
        let detail = format!("slot {} {} kapasitas {}", slot.service, slot.starts_at, slot.capacity);
        let object = format!("slot:{}", slot.id);
        Self::append_audit(&mut tx, NewAudit::change(&s.created_by, "slot.create", &object, detail)).await?;
        tx.commit().await?;
        Ok(slot)
    }

    async fn slot(&self, id: i64) -> Result<Option<Slot>> {
        Ok(sqlx::query_as("SELECT * FROM slots WHERE id = $1").bind(id).fetch_optional(&self.read).await?)
    }

    async fn slots(&self, office: &str, service: &str, from: i64, limit: i64) -> Result<Vec<Slot>> {
        Ok(sqlx::query_as(
            "SELECT * FROM slots WHERE office = $1 AND service = $2 AND starts_at >= $3 \
             ORDER BY starts_at LIMIT $4",
        )
        .bind(office)
        .bind(service)
        .bind(from)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    async fn book_slot(
        &self,
        slot_id: i64,
        case_id: i64,
        journal: &NewJournal,
        notes: &[NewNotification],
    ) -> Result<Booking> {
        let mut tx = self.begin().await?;
        let taken: Option<(i64,)> = sqlx::query_as(
            "UPDATE slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity RETURNING id",
        )
        .bind(slot_id)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_none() {
            return Err(StoreError::Conflict(format!("slot {slot_id} is full")));
        }
        let now = journal.at.unwrap_or_else(now_ms);
        let booking: Booking = sqlx::query_as(
            "INSERT INTO slot_bookings (slot_id, case_id, booked_by, at) VALUES ($1,$2,$3,$4) RETURNING *",
        )
        .bind(slot_id)
        .bind(case_id)
        .bind(&journal.actor)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("a booking of case {case_id}")))?;
        Self::insert_journal(&mut tx, case_id, now, journal).await?;
        Self::insert_notifications(&mut tx, Some(case_id), now, notes).await?;
        tx.commit().await?;
        Ok(booking)
    }

    async fn booking_of_case(&self, case_id: i64) -> Result<Option<Booking>> {
        Ok(sqlx::query_as("SELECT * FROM slot_bookings WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.read)
            .await?)
    }
}
