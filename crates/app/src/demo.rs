//! Demo accounts for a first look: created only on an empty database and
//! never with `--no-demo`. Passwords are random and printed once at start;
//! nothing fixed ships in the code.

use crate::accounts::{Principal, hash_password_blocking, random_password};
use crate::{App, Error};
use domain::case::Party;
use domain::standard::Standard;
use domain::{InstitutionKind, Role};
use std::sync::Arc;
use store::{Case, NewUser};

/// One created account, with the only copy of its password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub office: &'static str,
    pub password: String,
}

/// The seed offices, their short names, and the roles each has besides
/// admin, operator and every role its standards' steps name.
const ACCOUNTS: &[(&str, &str, &[Role])] = {
    use Role::*;
    &[
        ("73", "sulsel", &[Ppid, ComplaintHandler, Auditor]),
        ("33.20", "jepara", &[Desa]),
        ("17", "bengkulu", &[]),
        ("16.06", "muba", &[]),
        ("62.71", "palangkaraya", &[]),
    ]
};

/// The instance flag that marks a demo database (`web` shows a banner).
pub const FLAG: &str = "demo";

/// The roles an office's demo accounts get: admin and operator, every role
/// a step of its standards names (so every demo case can be taken to its
/// end), and `extra`.
fn roles_for(app: &App, office: &str, extra: &[Role]) -> Vec<Role> {
    let named: Vec<Role> = app
        .catalog
        .for_office_or_all(Some(office))
        .flat_map(|s| s.steps.iter())
        .filter_map(|step| match step.actor {
            domain::standard::Actor::Staff(r) => Some(r),
            _ => None,
        })
        .collect();
    Role::ALL
        .into_iter()
        .filter(|r| [Role::Admin, Role::Operator].contains(r) || named.contains(r) || extra.contains(r))
        .collect()
}

/// Demo applicants: (name, NIK). NIKs are structurally valid demo numbers;
/// each case varies the last four digits.
const PEOPLE: &[(&str, &str)] = &[
    ("Siti Aminah", "1606015708900001"),
    ("Ahmad Fauzi", "1606011203850002"),
    ("Budi Santoso", "3320010101900003"),
    ("Dewi Lestari", "3320024505920004"),
    ("Andi Makkasau", "7371011203950002"),
    ("Rina Wulandari", "6271015506880005"),
    ("Yusuf Hidayat", "1771011010800006"),
];

/// The institution a demo case of `std` comes from, when a person may not
/// apply (an institution's verification; a service for institutions only).
fn demo_institution(std: &Standard) -> Option<(&'static str, InstitutionKind)> {
    if std.slug == crate::institutions::VERIFICATION {
        return Some(("PT Bank Contoh Sejahtera", InstitutionKind::Swasta));
    }
    let kind = std.applicants.as_ref().filter(|a| !a.persons)?.institutions.first().copied();
    Some(match kind.unwrap_or(InstitutionKind::Opd) {
        InstitutionKind::Opd => ("Dinas Kesehatan", InstitutionKind::Opd),
        InstitutionKind::InstansiPemerintah => {
            ("Kantor Pelayanan Pajak Pratama", InstitutionKind::InstansiPemerintah)
        }
        InstitutionKind::Bumn => ("PT Bank Negara Contoh (Persero)", InstitutionKind::Bumn),
        InstitutionKind::Bumd => ("PT Bank Pembangunan Daerah Contoh", InstitutionKind::Bumd),
        InstitutionKind::Swasta => ("PT Bank Contoh Sejahtera", InstitutionKind::Swasta),
        InstitutionKind::DinasKabkota => ("Dinas Dukcapil Kabupaten Contoh", InstitutionKind::DinasKabkota),
    })
}

/// Where the demo leaves a case: waiting at a step (its index), returned
/// to the applicant, or completed (with whatever documents its steps
/// issue). Every third case was filed ten days ago, so some are overdue.
#[derive(Clone, Copy)]
enum Stage {
    Steps(usize),
    Returned,
    Completed,
}

/// Sample applications spread over every office, service, channel and
/// step, so each demo role finds work on its worklist.
pub async fn sample_cases(app: &App) -> Result<usize, Error> {
    let shifted = crate::clock::ShiftedClock::new();
    shifted.advance(-chrono::Duration::days(10));
    let earlier = App { clock: Arc::new(shifted), ..app.clone() };
    let standards: Vec<_> = app.catalog.for_office_or_all(None).cloned().collect();
    let mut created = 0;
    // A standard that states no procedure cannot be applied for; an
    // objection needs a refused request of its own applicant first, which
    // the demo does not make.
    for (n, std) in standards.iter().filter(|s| !s.steps.is_empty() && s.objection.is_none()).enumerate() {
        let staff = app.store.users(Some(std.office.as_str())).await?;
        if std.stock.is_some() {
            demo_stock(app, std.office.as_str()).await?;
        }
        let register = match std.steps.iter().flat_map(|s| &s.records).any(|r| r.kind == "register") {
            true => Some(demo_register(app, std.office.as_str()).await?),
            false => None,
        };
        // A case waiting at every step, then the returned and completed ones.
        let longest = std.channels.iter().map(|c| std.steps_for(&c.code).count()).max().unwrap_or(0);
        let stages = (0..longest).map(Stage::Steps).chain([Stage::Returned, Stage::Completed]);
        for (i, stage) in stages.enumerate() {
            let k = n * 16 + i;
            let channel = &std.channels[k % std.channels.len()].code;
            let on = if k % 3 == 0 { &earlier } else { app };
            match sample_case(on, std, &staff, (channel, register), k, stage).await {
                Ok(()) => created += 1,
                Err(e) => tracing::warn!(service = std.id(), "demo case not created: {}", e),
            }
        }
    }
    Ok(created)
}

/// One demo case of `std` on `channel`, taken to `stage` by the office's `staff`.
async fn sample_case(
    app: &App,
    std: &Standard,
    staff: &[store::User],
    // The channel, and the register entry a search step finds (if any).
    (channel, register): (&str, Option<i64>),
    k: usize,
    stage: Stage,
) -> Result<(), Error> {
    use crate::cases::{Applicant, Submission, submit};
    let holder = |role: Role| staff.iter().find(|u| u.role == role).cloned();
    // Staffed channels are registered by the office's operator.
    let by = if crate::cases::engine::is_self_service(channel) {
        None
    } else {
        Some(Principal::of(holder(Role::Operator).ok_or_else(|| Error::NotFound("demo operator".into()))?))
    };
    let (name, nik) = PEOPLE[k % PEOPLE.len()];
    let nik = format!("{}{:04}", &nik[..12], 1 + k % 9000);
    let mut fields: serde_json::Map<String, serde_json::Value> = std
        .fields
        .iter()
        // Required fields, and dates (a clock may start on one, see
        // `domain::standard::ClockStart::FromField`).
        .filter(|f| f.required || f.kind == "date")
        .map(|f| (f.code.clone(), example(app, f)))
        .collect();
    // A request counted in sheets asks for two.
    for f in std.steps.iter().filter_map(|s| s.per_sheet.as_ref()) {
        fields.insert(f.clone(), serde_json::Value::String("2".into()));
    }
    // A stock request names one of the office's kab/kota offices.
    if let Some(rule) = &std.stock {
        let offices = app.store.offices().await?;
        let under = offices.iter().find(|o| o.parent.as_deref() == Some(std.office.as_str()));
        let code = under.map(|o| o.code.clone()).unwrap_or_default();
        fields.insert(rule.receiver.clone(), serde_json::Value::String(code));
    }
    let applicant = match demo_institution(std) {
        Some((name, kind)) => Applicant {
            name: name.into(),
            organisation: Some(domain::Organisation {
                name: name.into(),
                kind: Some(kind.as_str().into()),
                contact_person: None,
            }),
            ..Applicant::default()
        },
        None => Applicant { name: name.into(), nik: Some(nik), phone: None, email: None, organisation: None },
    };
    let sub = Submission { service: std.id(), channel: channel.into(), applicant, fields, letter: None };
    // Every document the standard lets an applicant upload, as a one-page PDF.
    let uploads: Vec<_> = std
        .requirements
        .iter()
        .filter(|r| r.upload)
        .map(|r| crate::cases::Upload {
            requirement: r.code.clone(),
            filename: format!("{}.pdf", r.code),
            bytes: sample_pdf(&r.name),
        })
        .collect();
    let mut case = submit(app, &sub, &uploads, by.as_ref()).await?;
    let steps = std.steps_for(channel).count();
    let moves = match stage {
        Stage::Steps(n) => n.min(steps.saturating_sub(1)),
        Stage::Returned => 1.min(steps.saturating_sub(1)),
        Stage::Completed => steps,
    };
    let act_as = |case: &Case| {
        let actor = case.current_actor.as_deref().unwrap_or("operator");
        // The applicant's counter steps and outside parties' outcomes are recorded by the operator.
        let role = actor.parse::<Role>().unwrap_or(Role::Operator);
        holder(role).or_else(|| holder(Role::Operator))
    };
    for _ in 0..moves {
        if case.status.is_final() {
            break;
        }
        let Some(u) = act_as(&case) else { break };
        // What the step records on completion (e.g. the approved quantity).
        let steps: Vec<_> = std.steps_for(channel).collect();
        let at = steps.iter().position(|s| Some(&s.id) == case.current_step.as_ref());
        let mut records: serde_json::Map<_, _> = at
            .map(|i| steps[i].records.iter().map(|r| (r.code.clone(), example(app, r))).collect())
            .unwrap_or_default();
        // A search step finds the demo register's entry.
        for r in at
            .map(|i| steps[i].records.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|r| r.kind == "register")
        {
            records.insert(r.code.clone(), register.map_or(serde_json::Value::Null, serde_json::Value::from));
        }
        // A disposition goes to the demo account holding the next step's role.
        if let Some(i) = at.filter(|i| steps[*i].disposition)
            && let Some(domain::standard::Actor::Staff(next)) = steps.get(i + 1).map(|s| s.actor)
            && let Some(to) = holder(next)
        {
            records.insert("kepada".into(), serde_json::Value::String(to.username));
        }
        let data = (!records.is_empty()).then_some(serde_json::Value::Object(records));
        // A group request's participants are entered at its visit.
        if let Some(i) = at.filter(|i| steps[*i].participants)
            && let Some(op) = holder(Role::Operator)
        {
            let people: Vec<_> = PEOPLE
                .iter()
                .take(3)
                .enumerate()
                .map(|(j, (name, nik))| crate::cases::group::Participant {
                    name: (*name).into(),
                    nik: format!("{}{:04}", &nik[..12], 1 + (k * 3 + j + i) % 9000),
                    phone: None,
                    email: None,
                })
                .collect();
            crate::cases::group::add_participants(app, &Principal::of(op), &case, &people).await?;
        }
        // A step that books a video-verification slot books the next one.
        if let Some(i) = at.filter(|i| steps[*i].books_slot)
            && let Some(op) = holder(Role::Operator)
        {
            demo_booking(app, std, &case, &Principal::of(op), k + i).await?;
        }
        case = act(app, &case, &u, "advance", None, data).await?;
    }
    if matches!(stage, Stage::Returned)
        && !case.status.is_final()
        && let Some(u) = act_as(&case)
    {
        act(app, &case, &u, "return", Some("Berkas kurang jelas; unggah ulang scan yang terbaca."), None)
            .await?;
    }
    Ok(())
}

/// Books a demo slot (tomorrow at a time of its own, offered when missing)
/// for `case`.
async fn demo_booking(app: &App, std: &Standard, case: &Case, op: &Principal, n: usize) -> Result<(), Error> {
    let zone = crate::clock::office_zone(std.office.as_str()).offset();
    let day = (app.now().with_timezone(&zone) + chrono::Days::new(1)).date_naive();
    let starts = format!("{}T{:02}:00", day.format("%Y-%m-%d"), 8 + n % 7);
    let input = crate::slots::SlotInput {
        service: std.id(),
        starts_at: starts,
        minutes: 30,
        capacity: 20,
        meeting_link: "https://zoom.us/j/1234567890".into(),
    };
    let slot = match crate::slots::create(app, op, &input).await {
        Ok(s) => s,
        Err(Error::Conflict(_)) => {
            let at = crate::clock::parse_moment(&input.starts_at, std.office.as_str())
                .map(|t| t.timestamp_millis());
            let slots = crate::slots::upcoming(app, op, &input.service).await?;
            slots
                .into_iter()
                .find(|s| Some(s.starts_at) == at)
                .ok_or_else(|| Error::NotFound("demo slot".into()))?
        }
        Err(e) => return Err(e),
    };
    crate::slots::book(app, op, case, slot.id).await.map(|_| ())
}

/// A few entries of the office's register index, so its search page and
/// search steps find something (once: a restart finds them kept). The
/// first entry's id.
async fn demo_register(app: &App, office: &str) -> Result<i64, Error> {
    let mut import = crate::register::Import::new(app, office, "demo").await?;
    import.line(app, &domain::register::COLUMNS.join(",")).await?;
    for (i, (name, _)) in PEOPLE.iter().enumerate() {
        let line = format!(
            "kelahiran,DEMO-{office}-{i:04},{},{name},Ayah {name},Ibu {name},,,1,{}",
            1980 + i,
            i + 1
        );
        import.line(app, &line).await?;
    }
    import.finish(app).await?;
    let first = app.store.register_by_number(office, &format!("DEMO-{office}-0000"), 1).await?;
    first.first().map(|e| e.id).ok_or_else(|| Error::internal("the demo register is empty"))
}

/// The blanks a province received, so its demo hand-overs can move them
/// (once: a restart finds the ledger kept).
async fn demo_stock(app: &App, office: &str) -> Result<(), Error> {
    if app.store.stock_balance(office).await? > 0 {
        return Ok(());
    }
    let receipt = store::NewMovement {
        office: office.into(),
        kind: "receipt".into(),
        quantity: 20_000,
        sign: 1,
        reason: "Kiriman blangko KTP-el dari Ditjen Dukcapil (demo)".into(),
        source_document: "BAST 470/1/Dukcapil/demo".into(),
        actor: "demo".into(),
        at: app.now().timestamp_millis(),
        ..Default::default()
    };
    app.store.record_movements(&[receipt]).await?;
    Ok(())
}

/// An example value the field's own checks accept (see
/// `domain::applicant::check_fields`).
fn example(app: &App, f: &domain::standard::Field) -> serde_json::Value {
    let v = match f.kind.as_str() {
        // An agreement's end comes after its start (today).
        "date" if f.code == "berlaku_sampai" => {
            (app.now() + chrono::Days::new(5 * 365)).format("%Y-%m-%d").to_string()
        }
        "choice" => f.options.first().cloned().unwrap_or_default(),
        "number" => "100".to_string(),
        "email" => "pemohon@contoh.id".to_string(),
        "date" => app.now().format("%Y-%m-%d").to_string(),
        _ => format!("Contoh: {}", f.label),
    };
    serde_json::Value::String(v)
}

/// A one-page PDF saying it is a demo copy of `what` (ASCII only: the
/// built-in Helvetica has no other glyphs).
fn sample_pdf(what: &str) -> Vec<u8> {
    let text: String = format!("Contoh berkas (demo): {what}")
        .chars()
        .map(|c| if c.is_ascii() && !"()\\".contains(c) { c } else { ' ' })
        .take(90)
        .collect();
    let stream = format!("BT /F1 11 Tf 50 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for off in offsets {
        pdf.push_str(&format!("{off:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

async fn act(
    app: &App,
    case: &Case,
    u: &store::User,
    action: &str,
    note: Option<&str>,
    data: Option<serde_json::Value>,
) -> Result<Case, Error> {
    let party = Party::Staff { username: u.username.clone(), role: u.role, office: u.office.clone() };
    let input = crate::cases::engine::ActionInput {
        action: action.into(),
        note: note.map(str::to_string),
        expected_version: case.version,
        to_step: None,
        assignee: None,
        data,
    };
    match crate::cases::act(app, case, &party, &input, &[]).await {
        // A step the standard says cannot be finished yet ("minimal 1 jam"):
        // the demo finishes it at its earliest moment.
        Err(Error::TooEarly { earliest, .. }) => {
            let later = crate::clock::ShiftedClock::new();
            later.set(earliest + chrono::Duration::minutes(1));
            let later = App { clock: Arc::new(later), ..app.clone() };
            crate::cases::act(&later, case, &party, &input, &[]).await
        }
        other => other,
    }
}

/// The first desa/kelurahan of the office's first kecamatan (region data).
async fn first_village(store: &dyn store::Store, office: &str) -> Result<Option<String>, Error> {
    let Some(kecamatan) = store.region_children(Some(office)).await?.into_iter().next() else {
        return Ok(None);
    };
    Ok(store.region_children(Some(&kecamatan.code)).await?.into_iter().next().map(|r| r.code))
}

/// Creates the demo accounts when the store has no user at all, and marks
/// the database as a demo.
pub async fn seed(app: &App) -> Result<Vec<DemoAccount>, Error> {
    let store = app.store.as_ref();
    if store.user_count().await? > 0 {
        return Ok(Vec::new());
    }
    let mut created = Vec::new();
    for (office, short, extra) in ACCOUNTS {
        if store.office(office).await?.is_none() {
            continue;
        }
        for role in roles_for(app, office, extra) {
            // A village kiosk's account is bound to a village of the office.
            let unit = match role {
                Role::Desa => match first_village(store, office).await? {
                    Some(v) => Some(v),
                    None => continue,
                },
                _ => None,
            };
            let username = format!("{short}.{role}");
            let password = random_password();
            let hash = hash_password_blocking(&password).await?;
            let user = NewUser {
                username: username.clone(),
                display_name: format!("Demo {role} {short}"),
                password_hash: hash,
                role,
                office: (*office).into(),
                unit,
                nip: None,
            };
            store.create_user("demo", &user).await?;
            created.push(DemoAccount { username, role, office, password });
        }
    }
    if !created.is_empty() {
        store.set_instance_flag("demo", FLAG).await?;
    }
    Ok(created)
}
