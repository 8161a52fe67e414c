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

    async fn change_user(&self, actor: &str, id: i64, change: &UserChange) -> Result<Option<User>> {
        let mut tx = self.begin().await?;
        let before: Option<User> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLS} FROM users WHERE id = $1")))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(before) = before else { return Ok(None) };
        let set = match change {
            UserChange::Active(_) => "active = $2",
            UserChange::Password { .. } => "password_hash = $2, must_change_password = $3",
            UserChange::Role(_) | UserChange::Unit(_) => "role = $2, unit = $3",
            UserChange::Office(_) => "office = $2",
            UserChange::Unlock => "failed_logins = 0, locked_until = NULL",
            UserChange::SecondFactor { .. } => "totp_secret = $2, totp_step = $3, totp_pending = NULL",
            // Only the codes change (below); the no-op still returns the row.
            UserChange::RecoveryCodes(_) => "id = id",
            UserChange::SecondFactorReset => "totp_secret = NULL, totp_step = NULL, totp_pending = NULL",
        };
        let sql = format!("UPDATE users SET {set} WHERE id = $1 RETURNING {USER_COLS}");
        let q = sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql)).bind(id);
        let q = match change {
            UserChange::Active(a) => q.bind(*a),
            UserChange::Password { hash, temporary } => q.bind(hash.clone()).bind(*temporary),
            UserChange::Role(r) => q.bind(r.as_str()).bind(before.unit.clone()),
            UserChange::Unit(u) => q.bind(before.role.as_str()).bind(u.clone()),
            UserChange::Office(o) => q.bind(o.clone()),
            UserChange::SecondFactor { sealed, step, .. } => q.bind(sealed.clone()).bind(*step),
            UserChange::Unlock | UserChange::RecoveryCodes(_) | UserChange::SecondFactorReset => q,
        };
        let user = q.fetch_one(&mut *tx).await.map_err(|e| StoreError::from_write(e, "office"))?;
        if let UserChange::Unlock = change {
            sqlx::query("DELETE FROM login_failures WHERE username = $1")
                .bind(&before.username)
                .execute(&mut *tx)
                .await?;
        }
        let recovery = match change {
            UserChange::SecondFactor { recovery, .. } | UserChange::RecoveryCodes(recovery) => {
                Some(&recovery[..])
            }
            UserChange::SecondFactorReset => Some(&[][..]),
            _ => None,
        };
        if let Some(hashes) = recovery {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            for hash in hashes {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                    .bind(id)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if change.ends_sessions() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        if let UserChange::Office(_) = change {
            // Mutasi: the cases the account held go back to their step's
            // worklist in the office it leaves.
            sqlx::query(
                "UPDATE cases SET assignee = NULL WHERE office = $1 AND assignee = $2 \
                 AND status IN ('submitted', 'in_progress', 'returned')",
            )
            .bind(&before.office)
            .bind(&before.username)
            .execute(&mut *tx)
            .await?;
        }
        let (action, detail) = change.audit();
        Self::append_audit(&mut tx, NewAudit::change(actor, action, &user.username, detail)).await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    async fn login_failures(&self, username: &str, address: &str, since: i64) -> Result<LoginFailures> {
        let (locked_until, recent): (Option<i64>, i64) = sqlx::query_as(
            "SELECT (SELECT locked_until FROM login_failures WHERE username = $1 AND address = $2), \
             (SELECT CAST(COALESCE(SUM(failures), 0) AS BIGINT) FROM login_failures \
              WHERE username = $1 AND last_at >= $3)",
        )
        .bind(username)
        .bind(address)
        .bind(since)
        .fetch_one(&self.write)
        .await?;
        Ok(LoginFailures { locked_until, recent })
    }

    async fn record_failed_login(&self, f: &FailedLogin<'_>) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM login_failures WHERE last_at < $1")
            .bind(f.now - 86_400_000)
            .execute(&mut *tx)
            .await?;
        let locked: Option<i64> = sqlx::query_scalar(
            "INSERT INTO login_failures (username, address, failures, last_at, locked_until) \
             VALUES ($1, $2, 1, $3, CASE WHEN 1 >= $4 THEN $5 END) \
             ON CONFLICT (username, address) DO UPDATE SET failures = login_failures.failures + 1, \
             last_at = $3, locked_until = CASE WHEN login_failures.failures + 1 >= $4 THEN $5 \
             ELSE login_failures.locked_until END \
             RETURNING locked_until",
        )
        .bind(f.username)
        .bind(f.address)
        .bind(f.now)
        .bind(f.lock_after)
        .bind(f.lock_until)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(user_id) = f.user_id {
            // The account's own columns say what its admin sees: failures
            // since its last login, and the latest lock from any address.
            sqlx::query(
                "UPDATE users SET failed_logins = failed_logins + 1, \
                 locked_until = COALESCE($2, locked_until) WHERE id = $1",
            )
            .bind(user_id)
            .bind(locked.filter(|t| *t > f.now))
            .execute(&mut *tx)
            .await?;
            let (action, detail) = match locked.filter(|t| *t > f.now) {
                Some(t) => ("user.locked", format!("from {} until {t}", f.address)),
                None => ("user.login_failed", format!("from {}", f.address)),
            };
            Self::append_audit(
                &mut tx,
                NewAudit::change("system", action, &format!("user:{user_id}"), detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record_successful_login(&self, user_id: i64, address: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "DELETE FROM login_failures WHERE address = $2 \
             AND username = (SELECT username FROM users WHERE id = $1)",
        )
        .bind(user_id)
        .bind(address)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET failed_logins = 0 WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let object = format!("user:{user_id}");
        Self::append_audit(&mut tx, NewAudit::change(&object, "user.login", &object, String::new())).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_acting(&self, actor: &str, a: &NewActing) -> Result<Acting> {
        let mut tx = self.begin().await?;
        let row: Acting = sqlx::query_as(
            "INSERT INTO acting (office, username, role, kind, for_username, starts_at, ends_at, created_by, \
             created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *",
        )
        .bind(&a.office)
        .bind(&a.username)
        .bind(a.role.as_str())
        .bind(&a.kind)
        .bind(&a.for_username)
        .bind(a.starts_at)
        .bind(a.ends_at)
        .bind(actor)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "acting"))?;
        let detail = format!("{} from {} to {}", row.describe(), row.starts_at, row.ends_at);
        Self::append_audit(&mut tx, NewAudit::change(actor, "user.acting", &row.username, detail)).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn acting_now(&self, username: &str, at: i64) -> Result<Option<Acting>> {
        Ok(sqlx::query_as(
            "SELECT * FROM acting WHERE username = $1 AND starts_at <= $2 AND ends_at > $2 \
             ORDER BY starts_at DESC, id DESC LIMIT 1",
        )
        .bind(username)
        .bind(at)
        .fetch_optional(&self.read)
        .await?)
    }

    async fn actings(&self, office: &str) -> Result<Vec<Acting>> {
        Ok(sqlx::query_as("SELECT * FROM acting WHERE office = $1 ORDER BY starts_at DESC, id DESC")
            .bind(office)
            .fetch_all(&self.read)
            .await?)
    }

    async fn second_factor(&self, user_id: i64) -> Result<SecondFactor> {
        let row: Option<(Option<String>, Option<String>, Option<i64>, i64)> = sqlx::query_as(
            "SELECT totp_secret, totp_pending, totp_step, \
             (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL) \
             FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.write)
        .await?;
        Ok(row
            .map(|(secret, pending, last_step, recovery_left)| SecondFactor {
                secret,
                pending,
                last_step,
                recovery_left,
            })
            .unwrap_or_default())
    }

    async fn begin_second_factor(&self, user_id: i64, sealed: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET totp_pending = $2 WHERE id = $1")
            .bind(user_id)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn use_second_factor(&self, user_id: i64, factor: &Factor, now: i64) -> Result<bool> {
        let mut tx = self.begin().await?;
        let taken = match factor {
            Factor::Step(step) => sqlx::query(
                "UPDATE users SET totp_step = $2 WHERE id = $1 AND (totp_step IS NULL OR totp_step < $2)",
            )
            .bind(user_id)
            .bind(step)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            Factor::Recovery(hash) => sqlx::query(
                "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
            )
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        } == 1;
        if taken && let Factor::Recovery(_) = factor {
            let who = format!("user:{user_id}");
            Self::append_audit(
                &mut tx,
                NewAudit::change(&who, "user.recovery_code_used", &who, String::new()),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(taken)
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
