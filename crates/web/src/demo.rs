//! Demo accounts for a first look: created only on an empty database and
//! never with `--no-demo`. Passwords are random and printed once at start;
//! nothing fixed ships in the code.

use crate::auth::{hash_password, random_password};
use crate::error::ApiError;
use store::{NewUser, Store};

/// One created account, with the only copy of its password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: &'static str,
    pub office: &'static str,
    pub password: String,
}

/// The seed offices and the roles their standards need.
const ACCOUNTS: &[(&str, &str, &[&str])] = &[
    (
        "73",
        "sulsel",
        &[
            "admin",
            "operator",
            "verifikator",
            "validator",
            "kepala_dinas",
            "ppid",
            "complaint_handler",
            "auditor",
        ],
    ),
    ("33.20", "jepara", &["admin", "operator", "verifikator", "validator", "kepala_dinas"]),
    ("17", "bengkulu", &["admin", "operator", "verifikator", "kepala_dinas"]),
    ("16.06", "muba", &["admin", "operator", "verifikator", "validator", "kepala_dinas"]),
    ("62.71", "palangkaraya", &["admin", "operator", "verifikator", "validator", "kepala_dinas"]),
];

/// Creates the demo accounts when the store has no user at all.
pub async fn seed(store: &dyn Store) -> Result<Vec<DemoAccount>, ApiError> {
    if store.user_count().await? > 0 {
        return Ok(Vec::new());
    }
    let mut created = Vec::new();
    for (office, short, roles) in ACCOUNTS {
        if store.office(office).await?.is_none() {
            continue;
        }
        for role in *roles {
            let username = format!("{short}.{role}");
            let password = random_password();
            let hash = {
                let p = password.clone();
                tokio::task::spawn_blocking(move || hash_password(&p))
                    .await
                    .map_err(|_| ApiError::internal())??
            };
            let user = NewUser {
                username: username.clone(),
                display_name: format!("Demo {role} {short}"),
                password_hash: hash,
                role: (*role).into(),
                office: (*office).into(),
                unit: None,
            };
            store.create_user("demo", &user).await?;
            created.push(DemoAccount { username, role, office, password });
        }
    }
    Ok(created)
}
