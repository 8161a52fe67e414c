// The SQL of `Accounts`, written once: `crates/store/src/common.rs` includes
// this file for each backend (`This` and `Db` are that backend's types).

#[async_trait]
impl Accounts for This {
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

    async fn set_user_active(&self, actor: &str, id: i64, active: bool) -> Result<Option<User>> {
        let mut tx = self.begin().await?;
        let sql = format!("UPDATE users SET active = $2 WHERE id = $1 RETURNING {USER_COLS}");
        let user: Option<User> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(active).fetch_optional(&mut *tx).await?;
        let Some(user) = user else { return Ok(None) };
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        let action = if active { "user.activate" } else { "user.deactivate" };
        Self::append_audit(&mut tx, NewAudit::change(actor, action, &user.username, String::new())).await?;
        tx.commit().await?;
        Ok(Some(user))
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
}
