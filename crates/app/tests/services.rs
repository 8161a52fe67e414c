//! The application layer without HTTP: services called directly on an
//! `App` over a fresh SQLite store, with a clock the test moves forward.

use app::clock::ShiftedClock;
use app::{App, Error, Principal};
use domain::Status;
use domain::case::Party;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

fn standards_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../standards")
}

struct Fixture {
    app: App,
    clock: Arc<ShiftedClock>,
    _db: store::testing::TestStore,
    _files: store::scratch::TempDir,
}

async fn fixture() -> Fixture {
    let db = store::testing::sqlite().await;
    store::reference::ensure_loaded(db.store.as_ref()).await.unwrap();
    app::catalog::sync_dir(db.store.as_ref(), &standards_dir()).await.unwrap();
    let catalog =
        app::Catalog::load(db.store.as_ref()).await.unwrap().with_templates(&standards_dir()).unwrap();
    let files = store::scratch::TempDir::new("app-files");
    let config = app::Config { files_dir: files.0.clone(), ..Default::default() };
    let clock = Arc::new(ShiftedClock::new());
    let app = App::new(db.store.clone(), catalog, config).with_clock(clock.clone());
    Fixture { app, clock, _db: db, _files: files }
}

async fn staff(app: &App, username: &str, role: domain::Role) -> Principal {
    let user = store::NewUser {
        username: username.into(),
        display_name: username.into(),
        password_hash: "not used here".into(),
        role,
        office: "16.06".into(),
        unit: None,
        nip: None,
    };
    Principal::of(app.store.create_user("test", &user).await.unwrap())
}

fn counter_application() -> app::cases::Submission {
    serde_json::from_value(serde_json::json!({
        "service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": "1606015708900001"},
        "fields": {"jenis_permohonan": "rekam"}
    }))
    .unwrap()
}

fn party(p: &Principal) -> Party {
    Party::Staff { username: p.user.username.clone(), role: p.role, office: p.user.office.clone() }
}

fn input(action: &str, version: i64) -> app::cases::engine::ActionInput {
    serde_json::from_value(serde_json::json!({"action": action, "expected_version": version})).unwrap()
}

#[tokio::test]
async fn a_counter_application_gets_its_receipt_and_refusals_are_typed() {
    let f = fixture().await;
    let op = staff(&f.app, "muba.op", domain::Role::Operator).await;
    let verif = staff(&f.app, "muba.verif", domain::Role::Verifikator).await;

    // Anonymous at the counter: refused before anything is written.
    let err = app::cases::submit(&f.app, &counter_application(), &[], None).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized), "{err:?}");
    let mut bad = counter_application();
    bad.applicant.nik = Some("123".into());
    let err = app::cases::submit(&f.app, &bad, &[], Some(&op)).await.unwrap_err();
    assert_eq!(err.field(), Some("applicant.nik"));

    let case = app::cases::submit(&f.app, &counter_application(), &[], Some(&op)).await.unwrap();
    assert_eq!(case.status, Status::Submitted);
    assert_eq!(case.applicant.name, "Siti Aminah");
    // The receipt is numbered and signed at once; its PDF follows.
    let docs = f.app.store.case_documents(case.id).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert!(docs[0].payload.starts_with("v1."));
    assert_eq!(app::documents::produce_pending(&f.app).await.unwrap(), 1);
    let produced = f.app.store.document(&docs[0].code).await.unwrap().unwrap();
    assert!(produced.produced_at.is_some() && !produced.pdf_sha256.is_empty());
    assert_eq!(app::documents::produce_pending(&f.app).await.unwrap(), 0, "nothing is produced twice");

    // Step 2 is the operator's: a verifikator may not act on it, and a
    // stale version is answered as stale.
    let err = app::cases::act(&f.app, &case, &party(&verif), &input("advance", 1), &[]).await.unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    let err = app::cases::act(&f.app, &case, &party(&op), &input("advance", 7), &[]).await.unwrap_err();
    assert!(matches!(err, Error::Stale(_)), "{err:?}");
    let moved = app::cases::act(&f.app, &case, &party(&op), &input("advance", 1), &[]).await.unwrap();
    assert_eq!((moved.status, moved.version), (Status::InProgress, 2));
}

#[tokio::test]
async fn a_late_step_escalates_when_time_moves_on() {
    let f = fixture().await;
    let op = staff(&f.app, "muba.op", domain::Role::Operator).await;
    let case = app::cases::submit(&f.app, &counter_application(), &[], Some(&op)).await.unwrap();
    let every = Duration::from_millis(20);
    let job = app::cases::sweep::spawn(f.app.clone(), every);
    let escalations = async || {
        f.app.store.journal(case.id).await.unwrap().iter().filter(|j| j.action == "escalate").count()
    };
    tokio::time::sleep(every * 5).await;
    assert_eq!(escalations().await, 0, "the step has time left");
    // A month on, the 3-minute step and the 30-minute service are both
    // past twice their time: three levels of each clock.
    f.clock.advance(chrono::Duration::days(30));
    for _ in 0..500 {
        if escalations().await == 6 {
            break;
        }
        tokio::time::sleep(every).await;
    }
    tokio::time::sleep(every * 5).await;
    job.abort();
    assert_eq!(escalations().await, 6);
}

async fn staff_at(app: &App, username: &str, role: domain::Role, office: &str) -> Principal {
    let user = store::NewUser {
        username: username.into(),
        display_name: username.into(),
        password_hash: "not used here".into(),
        role,
        office: office.into(),
        unit: None,
        nip: None,
    };
    Principal::of(app.store.create_user("test", &user).await.unwrap())
}

/// A property, checked over seeded random walks: the PPID counter's "1 jam"
/// covers the case until the reply letter (step 3). However long the office
/// takes between actions, the service clock escalates only while steps 2
/// or 3 are open, never on the steps after its span, and it is gone once
/// the letter is out.
#[tokio::test]
async fn a_span_clock_ignores_the_steps_outside_its_span() {
    let f = fixture().await;
    let op = staff_at(&f.app, "sulsel.op", domain::Role::Operator, "73").await;
    let ppid = staff_at(&f.app, "sulsel.ppid", domain::Role::Ppid, "73").await;
    let mut seed: u64 = 0x5eed_1a7a;
    let mut next = move |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let application: app::cases::Submission = serde_json::from_value(serde_json::json!({
        "service": "73-penyediaan-data-informasi", "channel": "counter",
        "applicant": {"name": "Andi", "nik": "7371011203950002"},
        "fields": {"data_diminta": "Jumlah penduduk", "maksud_tujuan": "Penelitian",
            "jenis_data": "agregat", "mencantumkan_sumber": "bersedia"}
    }))
    .unwrap();
    let mut service_levels = 0;
    for _walk in 0..10 {
        let mut case = app::cases::submit(&f.app, &application, &[], Some(&op)).await.unwrap();
        while case.status != Status::Completed {
            // Minutes or days pass, then the sweeper runs.
            let minutes = if next(2) == 0 { next(90) } else { next(4 * 24 * 60) };
            f.clock.advance(chrono::Duration::minutes(minutes as i64));
            app::cases::sweep::sweep(&f.app).await.unwrap();
            case = f.app.store.case(case.id).await.unwrap().unwrap();
            let past_letter = !matches!(case.current_step.as_deref(), Some("2" | "3"));
            if past_letter {
                assert_eq!((case.service_started_at, case.due_at), (None, None), "the span is over");
            }
            let mut advance = input("advance", case.version);
            // Step 3 records who decided and why; step 4 what was given.
            advance.data =
                Some(serde_json::json!({"diputuskan_oleh": "Kepala Dinas", "alasan": "data agregat",
                "tindak_lanjut": "rekap jumlah penduduk"}));
            case = app::cases::act(&f.app, &case, &party(&ppid), &advance, &[]).await.unwrap();
        }
        for j in f.app.store.journal(case.id).await.unwrap().iter().filter(|j| j.action == "escalate") {
            let data: serde_json::Value = serde_json::from_str(j.data.as_deref().unwrap()).unwrap();
            if data["clock"] == store::SERVICE_CLOCK {
                service_levels += 1;
                assert!(
                    matches!(j.from_step.as_deref(), Some("2" | "3")),
                    "escalated outside the span: {j:?}"
                );
            }
        }
    }
    assert!(service_levels > 0, "some walks were late inside the span (the property is not vacuous)");
}
