//! Demo accounts for a first look: created only on an empty database and
//! never with `--no-demo`. Passwords are random and printed once at start;
//! nothing fixed ships in the code.

use crate::accounts::{Principal, hash_password_blocking, random_password};
use crate::{App, Error};
use domain::Role;
use store::{NewUser, Store};

/// One created account, with the only copy of its password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub office: &'static str,
    pub password: String,
}

/// The seed offices and the roles their standards need.
const ACCOUNTS: &[(&str, &str, &[Role])] = {
    use Role::*;
    &[
        (
            "73",
            "sulsel",
            &[Admin, Operator, Verifikator, Validator, KepalaDinas, Ppid, ComplaintHandler, Auditor],
        ),
        ("33.20", "jepara", &[Admin, Operator, Verifikator, Validator, KepalaDinas]),
        ("17", "bengkulu", &[Admin, Operator, Verifikator, KepalaDinas]),
        ("16.06", "muba", &[Admin, Operator, Verifikator, Validator, KepalaDinas]),
        ("62.71", "palangkaraya", &[Admin, Operator, Verifikator, Validator, KepalaDinas]),
    ]
};

/// A few sample applications so the worklists have something to show:
/// one per seed office's first runnable service, at different stages.
pub async fn sample_cases(app: &App) -> Result<usize, Error> {
    use crate::cases::{Applicant, Submission, submit};
    // (service, channel, name, NIK) — NIKs are structurally valid demo numbers.
    const SAMPLES: &[(&str, &str, &str, &str)] = &[
        ("16.06-ktp-el", "counter", "Siti Aminah", "1606015708900001"),
        ("16.06-ktp-el", "counter", "Ahmad Fauzi", "1606011203850002"),
        ("33.20-legalisir", "counter", "Budi Santoso", "3320010101900003"),
        ("33.20-informasi-online", "online", "Dewi Lestari", "3320024505920004"),
        ("73-aktivasi-ikd", "jemput_bola", "Andi Makkasau", "7371011203950002"),
        ("62.71-pemanfaatan-data", "counter", "Rina Wulandari", "6271015506880005"),
        ("17-pemanfaatan-data", "counter", "Yusuf Hidayat", "1771011010800006"),
    ];
    let mut created = 0;
    for (service, channel, name, nik) in SAMPLES {
        let Some(std) = app.catalog.get(service).cloned() else { continue };
        let office = std.office.to_string();
        // Staffed channels are registered by the office's operator.
        let operator = app.store.users(Some(&office)).await?.into_iter().find(|u| u.role == Role::Operator);
        let by = match (operator, crate::cases::engine::is_self_service(channel)) {
            (_, true) => None,
            (Some(u), false) => Some(Principal::of(u)),
            (None, false) => continue,
        };
        let fields = std
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| {
                // An example the form's own checks accept (see engine::check_fields).
                let v = match f.kind.as_str() {
                    "number" => "100".to_string(),
                    "email" => "pemohon@contoh.id".to_string(),
                    "date" => app.now().format("%Y-%m-%d").to_string(),
                    _ => format!("Contoh: {}", f.label),
                };
                (f.code.clone(), serde_json::Value::String(v))
            })
            .collect();
        let sub = Submission {
            service: (*service).into(),
            channel: (*channel).into(),
            applicant: Applicant {
                name: (*name).into(),
                nik: Some((*nik).into()),
                phone: None,
                email: None,
                organisation: None,
            },
            fields,
        };
        match submit(app, &sub, &[], by.as_ref()).await {
            Ok(_) => created += 1,
            Err(e) => tracing::warn!(service, "demo case not created: {}", e),
        }
    }
    Ok(created)
}

/// Creates the demo accounts when the store has no user at all.
pub async fn seed(store: &dyn Store) -> Result<Vec<DemoAccount>, Error> {
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
            let hash = hash_password_blocking(&password).await?;
            let user = NewUser {
                username: username.clone(),
                display_name: format!("Demo {role} {short}"),
                password_hash: hash,
                role: *role,
                office: (*office).into(),
                unit: None,
                nip: None,
            };
            store.create_user("demo", &user).await?;
            created.push(DemoAccount { username, role: *role, office, password });
        }
    }
    Ok(created)
}
