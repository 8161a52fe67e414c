//! Data-access agreements end to end: a bank applies to Palangka Raya by
//! letter, the case runs the SOP's 12 rows with their roles (the Walikota
//! and the Dinas Provinsi as outside parties), the PKS signed at row 5
//! makes an agreement in the register, the Juknis and the User IDs follow,
//! warnings come 90 and 30 days before it ends, a renewal opens a new case,
//! and the ministry's letters suspend a User ID and revoke the agreement.
//! Who may see it: the office's staff and the bank, nobody else.

use crate::common::{PASSWORD, TestApp, on_both_backends, pdf, start};
use crate::institutions::bank;
use serde_json::json;

on_both_backends!(palangka_raya_agreement_sqlite, palangka_raya_agreement_postgres, palangka_raya_agreement);

/// The date `days` from the app's today, as the API takes it.
fn day(app: &TestApp, days: i64) -> String {
    (app.app().now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

async fn palangka_raya_agreement(app: TestApp) {
    let staff = [
        ("pky.op", "operator"),
        ("pky.verif", "verifikator"),
        ("pky.kabid", "validator"),
        ("pky.kadin", "kepala_dinas"),
    ];
    for (name, role) in staff {
        app.add_user(name, role, "62.71", PASSWORD).await;
    }
    app.add_user("jpr.verif", "verifikator", "33.20", PASSWORD).await;
    let mut tokens = std::collections::HashMap::new();
    for (name, role) in staff {
        tokens.insert(role, app.token(name, PASSWORD).await.0);
    }
    let bank_token = app.verified_institution(bank("bank.kalteng"), &tokens["verifikator"]).await;
    let mut other = bank("bank.lain");
    other["name"] = json!("PT Bank Lain");
    let other_bank = app.verified_institution(other, &tokens["verifikator"]).await;

    let application = json!({"service": "62.71-pemanfaatan-data", "channel": "counter",
        "fields": {"elemen_data": "NIK, nama lengkap, tanggal lahir"},
        "letter": {"number": "500/77/BKS-KEP/XI/2026", "date": day(&app, 0)}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&bank_token), &application).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();

    // The SOP's 12 rows in order, each by its column's role (the Walikota's
    // and the Dinas Provinsi's as outside parties); the bank does its own
    // rows, staff record the outside parties' answers.
    // Row 1 is the bank's letter itself: submitting it completes the row.
    let journal = app.db.store.journal(id).await.unwrap();
    assert!(journal[0].data.as_deref().unwrap().contains("\"completed_steps\":[\"1\"]"), "{journal:?}");
    let rows = [
        ("2", "external"),
        ("3", "kepala_dinas"),
        ("4a", "verifikator"),
        ("4b", "external"),
        ("5", "validator"),
        ("6", "verifikator"),
        ("7", "verifikator"),
        ("8", "pemohon"),
        ("9", "pemohon"),
        ("10", "pemohon"),
        ("11", "verifikator"),
    ];
    let mut agreement = None;
    for (step, actor) in rows {
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&tokens["operator"])).await;
        assert_eq!(
            (c["current_step"].as_str(), c["current_actor"].as_str()),
            (Some(step), Some(actor)),
            "{c}"
        );
        // Each row is timed as the SOP times it; "Tentatif" (row 9) is not,
        // and "6 bulan sekali" (row 11) is the monev's rhythm, not a deadline.
        assert_eq!(c["step_due_at"].is_string(), !matches!(step, "9" | "11"), "row {step}: {c}");
        let version = c["version"].as_i64().unwrap();
        let mut body = json!({"action": "advance", "expected_version": version});
        match step {
            "5" => {
                // Someone else's step is refused; the agreement's validity is required and checked.
                let (s, _) = app
                    .post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens["verifikator"]), &body)
                    .await;
                assert_eq!(s, 403);
                body["data"] = json!({"berlaku_mulai": day(&app, 0), "berlaku_sampai": day(&app, -1), "mode_akses": "web_service"});
                let (s, e) = app
                    .post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens["validator"]), &body)
                    .await;
                assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.berlaku_sampai")), "{e}");
                body["data"]["berlaku_sampai"] = json!(day(&app, 100));
            }
            "6" => body["data"] = json!({"nomor_juknis": "JUKNIS/062/2026", "tanggal_juknis": day(&app, 0)}),
            // The Walikota's and the Dinas Provinsi's answers are their letters.
            _ if actor == "external" => {
                let (s, e) = app
                    .post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens["operator"]), &body)
                    .await;
                assert_eq!((s, e["error"]["field"].as_str()), (422, Some("data.nomor_surat")), "{e}");
                body["data"] =
                    json!({"nomor_surat": format!("{step}/PKY/2026"), "tanggal_surat": day(&app, 0)});
            }
            _ => {}
        }
        let (s, r) = match actor {
            "pemohon" => {
                app.post_json(&format!("/api/v1/my/cases/{id}/actions"), Some(&bank_token), &body).await
            }
            "external" => {
                app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens["operator"]), &body).await
            }
            role => app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens[role]), &body).await,
        };
        assert_eq!(s, 200, "row {step}: {r}");
        if step == "5" {
            let (_, list) = app.get_json("/api/v1/agreements", Some(&tokens["operator"])).await;
            assert_eq!(list.as_array().unwrap().len(), 1, "row 5 signs the agreement: {list}");
            agreement = list[0]["id"].as_i64();
        }
        // User IDs as the Ditjen issues them, after the bank asks (rows 8 and 10).
        let agreement = agreement.unwrap_or_default();
        let user_ids = format!("/api/v1/agreements/{agreement}/user-ids");
        if step == "8" {
            let dev = json!({"user_id": "BKS-DEV-01", "environment": "development", "issued_on": day(&app, 0), "endpoint": "10.62.1.15"});
            let (s, e) = app.post_json(&user_ids, Some(&tokens["verifikator"]), &dev).await;
            assert_eq!(s, 201, "{e}");
            assert_eq!(app.post_json(&user_ids, Some(&tokens["verifikator"]), &dev).await.0, 409, "twice");
            let mut password = dev.clone();
            password["password"] = json!("rahasia");
            assert_eq!(app.post_json(&user_ids, Some(&tokens["verifikator"]), &password).await.0, 422);
        }
        if step == "10" {
            let mut prod = json!({"user_id": "BKS-PROD-01", "environment": "production", "issued_on": day(&app, 0), "endpoint": "vpn.bankkalteng.example"});
            let (s, e) = app.post_json(&user_ids, Some(&tokens["verifikator"]), &prod).await;
            assert_eq!((s, e["error"]["field"].as_str()), (422, Some("test_result")), "PoC first: {e}");
            prod["test_result"] = json!("lulus");
            assert_eq!(
                app.post_json(&user_ids, Some(&tokens["operator"]), &prod).await.0,
                403,
                "an operator"
            );
            assert_eq!(app.post_json(&user_ids, Some(&tokens["verifikator"]), &prod).await.0, 201);
        }
    }
    let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&tokens["operator"])).await;
    assert_eq!(c["status"], "completed", "{c}");

    // The agreement: the PKS letter's number, the Juknis, both User IDs, its timeline.
    let agreement = agreement.unwrap();
    let path = format!("/api/v1/agreements/{agreement}");
    let (s, a) = app.get_json(&path, Some(&bank_token)).await;
    assert_eq!(s, 200, "{a}");
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&tokens["operator"])).await;
    let pks = docs.as_array().unwrap().iter().find(|d| d["kind"] == "pks").unwrap();
    assert_eq!(a["pks_number"], pks["number"], "{a}");
    assert_eq!(
        (a["party"].as_str(), a["access_mode"].as_str(), a["status"].as_str()),
        (Some("PT Bank Kalteng Sejahtera"), Some("web_service"), Some("active"))
    );
    assert_eq!(
        (a["juknis_number"].as_str(), a["data_elements"].as_str()),
        (Some("JUKNIS/062/2026"), Some("NIK, nama lengkap, tanggal lahir"))
    );
    assert!(a["legal_basis"].as_str().unwrap().contains("OJK"), "the institution's legal basis: {a}");
    assert!(a["signed_by"].as_str().unwrap().contains("Kepala Bidang"), "{a}");
    let ids: Vec<_> =
        a["user_ids"].as_array().unwrap().iter().map(|u| u["user_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["BKS-DEV-01", "BKS-PROD-01"]);
    let kinds: Vec<_> = a["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[0], "created");
    assert!(kinds.contains(&"user_id") && kinds.contains(&"step"), "{kinds:?}");

    // Nobody else sees it: another office's staff, another bank, nobody signed in.
    let (jpr, _) = app.token("jpr.verif", PASSWORD).await;
    assert_eq!(app.get_json(&path, Some(&jpr)).await.0, 404);
    assert_eq!(app.get_json(&path, Some(&other_bank)).await.0, 404);
    assert_eq!(app.get_json(&path, None).await.0, 401);
    assert_eq!(app.get_json("/api/v1/agreements?office=62.71", Some(&jpr)).await.0, 403);
    let (_, theirs) = app.get_json("/api/v1/agreements", Some(&other_bank)).await;
    assert_eq!(theirs, json!([]));
    let (s, page) =
        app.get_text(&format!("/perjanjian/{agreement}"), Some(&cookie(&app, "pky.verif").await)).await;
    assert_eq!(s, 200);
    assert!(page.contains("BKS-PROD-01") && page.contains("JUKNIS/062/2026"), "{page}");
    assert!(!page.contains("access-log"), "a verifikator does not export the institution's access log");
    let bank_page = app
        .get_text(&format!("/perjanjian/{agreement}"), Some(&format!("layanan_session={bank_token}")))
        .await
        .1;
    let institution = a["institution_id"].as_i64().unwrap();
    use chrono::Datelike;
    let today = app.app().today("62.71");
    let semester = format!("{}-{}", today.year(), if today.month() <= 6 { 1 } else { 2 });
    let link = format!("/api/v1/institutions/{institution}/access-log?semester={semester}&amp;format=xlsx");
    assert!(bank_page.contains(&link), "the bank downloads its own log: {bank_page}");

    // Renewal, by the bank's letter: one at a time.
    let renewal = format!("{path}/renewal");
    let letter = json!({"number": "500/99/BKS-KEP/XII/2026", "date": day(&app, 0)});
    let (s, r) = app.post_json(&renewal, Some(&bank_token), &letter).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(app.post_json(&renewal, Some(&bank_token), &letter).await.0, 409);
    let (_, a) = app.get_json(&path, Some(&bank_token)).await;
    assert_eq!(a["renewal_case"], r["tracking_code"]);

    // Warnings at 90 and 30 days before the end, each once, to the bank.
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 0);
    app.clock.advance(chrono::Duration::days(11));
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 1);
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 0, "once");
    app.clock.advance(chrono::Duration::days(60));
    assert_eq!(app::agreements::warn(app.app()).await.unwrap(), 1);
    let outbox = app.db.store.notifications("62.71", 100).await.unwrap();
    let warned = outbox
        .iter()
        .filter(|n| n.recipient == "kepatuhan@bankkalteng.example" && n.body.contains("hari lagi"));
    assert_eq!(warned.count(), 2);
    let verif = app.token("pky.verif", PASSWORD).await.0;
    let (_, a) = app.get_json(&path, Some(&verif)).await;
    assert_eq!(a["status"], "expiring", "{a}");

    // The ministry's letters: a User ID suspended, then the agreement revoked.
    let letters = format!("{path}/ministry-letters");
    let suspend = json!({"number": "470/1234/Dukcapil", "date": day(&app, 0), "decision": "suspend_user_id", "user_id": "BKS-PROD-01"});
    assert_eq!(app.post_json(&letters, Some(&verif), &suspend).await.0, 201);
    let mut unknown = suspend.clone();
    unknown["user_id"] = json!("TIDAK-ADA");
    let (s, e) = app.post_json(&letters, Some(&verif), &unknown).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("user_id")), "{e}");
    let revoke = json!({"number": "470/1300/Dukcapil", "date": day(&app, 0), "decision": "revoke_agreement"});
    assert_eq!(app.post_json(&letters, Some(&verif), &revoke).await.0, 201);
    let (_, a) = app.get_json(&path, Some(&verif)).await;
    assert_eq!(a["status"], "revoked_by_ministry");
    assert_eq!(a["user_ids"][1]["status"], "suspended");
    let again = json!({"user_id": "BKS-DEV-02", "environment": "development", "issued_on": day(&app, 0), "endpoint": "10.62.1.16"});
    assert_eq!(app.post_json(&format!("{path}/user-ids"), Some(&verif), &again).await.0, 409, "revoked");
    assert!(app.db.store.audit_verify().await.unwrap().ok);
}

/// A signed-in browser's cookie for `username`.
pub(crate) async fn cookie(app: &TestApp, username: &str) -> String {
    let res = app.login(username, PASSWORD).await;
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One office's data-access procedure as these tests run it: its staff
/// (`{prefix}.{role}`), the institution that applies (`holder`) and what it
/// applies with, and the duty its agreement owes each semester.
struct Flow {
    office: &'static str,
    prefix: &'static str,
    roles: &'static [&'static str],
    holder: Holder,
    service: &'static str,
    fields: serde_json::Value,
    duty: &'static str,
}

/// The institution that holds an agreement: its account, name, kind and
/// e-mail, and words of its name the recommendation letter prints.
struct Holder {
    username: &'static str,
    name: &'static str,
    kind: &'static str,
    email: &'static str,
    short: &'static str,
}

impl Flow {
    /// The office's staff, the institution registered and verified, and its
    /// application by letter: the staff's tokens, the institution's, the case.
    async fn apply(&self, app: &TestApp) -> (std::collections::HashMap<&'static str, String>, String, i64) {
        for role in self.roles {
            app.add_user(&format!("{}.{role}", self.prefix), role, self.office, PASSWORD).await;
        }
        let tokens = signed_in(app, self.prefix, self.roles).await;
        let h = &self.holder;
        let mut body = bank(h.username);
        for (k, v) in [("office", self.office), ("name", h.name), ("kind", h.kind), ("email", h.email)] {
            body[k] = json!(v);
        }
        let token = app.verified_institution(body, &tokens["verifikator"]).await;
        let application = json!({"service": self.service, "channel": "counter", "fields": self.fields,
            "letter": {"number": format!("500/7/{}/2026", self.prefix.to_uppercase()), "date": day(app, 0)}});
        let (s, receipt) = app.post_json("/api/v1/applications", Some(&token), &application).await;
        assert_eq!(s, 201, "{receipt}");
        (tokens, token, receipt["id"].as_i64().unwrap())
    }

    /// The institution's one agreement.
    async fn agreement(&self, app: &TestApp, token: &str) -> i64 {
        let (_, list) = app.get_json("/api/v1/agreements", Some(token)).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        list[0]["id"].as_i64().unwrap()
    }
}

// An OPD of Jepara, through the akses NIK procedure (11 steps, two Dirjen
// decisions outside), to an agreement whose usage report (Standar
// Pelayanan 2) then lapses.
on_both_backends!(
    jepara_semester_report_missing_flagged_and_recommended_sqlite,
    jepara_semester_report_missing_flagged_and_recommended_postgres,
    jepara_semester_report
);

async fn jepara_semester_report(app: TestApp) {
    let flow = Flow {
        office: "33.20",
        prefix: "jpr",
        roles: &["operator", "verifikator", "validator", "kepala_dinas"],
        holder: Holder {
            username: "diskominfo.jepara",
            name: "Dinas Komunikasi dan Informatika Kabupaten Jepara",
            kind: "opd",
            email: "diskominfo@jepara.example",
            short: "Dinas Komunikasi dan Informatika",
        },
        service: "33.20-akses-nik",
        fields: json!({"data_diminta": "NIK dan nama untuk verifikasi penerima bantuan"}),
        duty: "laporan-data-warehouse",
    };
    let (tokens, token, id) = flow.apply(&app).await;
    run_case(&app, id, flow.prefix, &tokens, None).await;
    let agreement = flow.agreement(&app, &token).await;
    semester_report_lapses(&app, &flow, agreement).await;
}

// Palangka Raya's agreement owes the semester usage report its SOP records
// (beside the office's own monev): the report lapses, the bank is flagged
// and the suspension recommended.
on_both_backends!(
    palangka_raya_semester_report_lapses_sqlite,
    palangka_raya_semester_report_lapses_postgres,
    palangka_raya_report
);

async fn palangka_raya_report(app: TestApp) {
    let flow = Flow {
        office: "62.71",
        prefix: "pky",
        roles: &["operator", "verifikator", "validator", "kepala_dinas"],
        holder: Holder {
            username: "bank.kalteng",
            name: "PT Bank Kalteng Sejahtera",
            kind: "swasta",
            email: "kepatuhan@bankkalteng.example",
            short: "Bank Kalteng",
        },
        service: "62.71-pemanfaatan-data",
        fields: json!({"elemen_data": "NIK, nama, tanggal lahir"}),
        duty: "laporan-pemanfaatan-data",
    };
    let (tokens, token, id) = flow.apply(&app).await;
    run_case(&app, id, flow.prefix, &tokens, None).await;
    let agreement = flow.agreement(&app, &token).await;
    semester_report_lapses(&app, &flow, agreement).await;
}

// Bengkulu's nine steps (the agenda, three dispositions down the line, the
// Ditjen's letter outside, the PKS and Juknis signed by the Kepala Dinas)
// to an agreement whose semester report then lapses.
on_both_backends!(
    bengkulu_agreement_and_its_lapsed_report_sqlite,
    bengkulu_agreement_and_its_lapsed_report_postgres,
    bengkulu_agreement
);

async fn bengkulu_agreement(app: TestApp) {
    let flow = Flow {
        office: "17",
        prefix: "bkl",
        roles: &["operator", "verifikator", "validator", "kepala_dinas"],
        holder: Holder {
            username: "dinkes.bengkulu",
            name: "Dinas Kesehatan Provinsi Bengkulu",
            kind: "opd",
            email: "dinkes@bengkuluprov.example",
            short: "Dinas Kesehatan",
        },
        service: "17-pemanfaatan-data",
        fields: json!({"data_diminta": "NIK dan nama untuk verifikasi peserta JKN daerah"}),
        duty: "laporan-pemanfaatan-data",
    };
    let (tokens, token, id) = flow.apply(&app).await;
    run_case(&app, id, flow.prefix, &tokens, None).await;
    let steps: Vec<_> =
        app.db.store.journal(id).await.unwrap().into_iter().filter_map(|j| j.from_step).collect();
    assert_eq!(
        steps,
        ["1", "2a", "2b", "2c", "3", "4", "5", "6", "7", "8", "9"],
        "each step of the seed, once"
    );
    let agreement = flow.agreement(&app, &token).await;
    semester_report_lapses(&app, &flow, agreement).await;
}

// Sulawesi Selatan's facilitation when the Minister approves: the Ditjen,
// the Sekjen/Itjen and the Minister each by letter, the User ID papers the
// bank attaches at step 7, the PKS the Ditjen signs — an agreement
// facilitated by the province, whose semester report then lapses.
on_both_backends!(
    sulawesi_selatan_facilitated_agreement_and_its_lapsed_report_sqlite,
    sulawesi_selatan_facilitated_agreement_and_its_lapsed_report_postgres,
    sulawesi_selatan_agreement
);

async fn sulawesi_selatan_agreement(app: TestApp) {
    let flow = Flow {
        office: "73",
        prefix: "ssl",
        roles: &["operator", "verifikator", "kepala_dinas"],
        holder: Holder {
            username: "bank.sulsel",
            name: "PT Bank Sulselbar",
            kind: "swasta",
            email: "kepatuhan@banksulselbar.example",
            short: "Bank Sulselbar",
        },
        service: "73-pks-pemanfaatan-data",
        fields: json!({"jenis_layanan": "web_service", "maksud_tujuan": "verifikasi nasabah"}),
        duty: "laporan-pemanfaatan-data",
    };
    let (tokens, bank_token, id) = flow.apply(&app).await;
    // Step 7 is the bank's: the User ID papers, which it attaches itself.
    run_case(&app, id, flow.prefix, &tokens, Some("7")).await;
    let (_, mine) = app.get_json(&format!("/api/v1/my/cases/{id}"), Some(&bank_token)).await;
    let advance = json!({"action": "advance", "expected_version": mine["case"]["version"]});
    let path = format!("/api/v1/my/cases/{id}/actions");
    let (s, e) = app.post_json(&path, Some(&bank_token), &advance).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("files.sptjm")), "{e}");
    let mut form = reqwest::multipart::Form::new().text("action", advance.to_string());
    for code in ["sptjm", "nda", "jarkomdat"] {
        let part = reqwest::multipart::Part::bytes(pdf()).file_name(format!("{code}.pdf"));
        form = form.part(format!("file.{code}"), part);
    }
    let res = app.http.post(app.url(&path)).bearer_auth(&bank_token).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let filed: Vec<_> =
        app.db.store.case_files(id).await.unwrap().into_iter().map(|f| f.requirement).collect();
    assert_eq!(filed, ["sptjm", "nda", "jarkomdat"]);
    run_case(&app, id, flow.prefix, &tokens, None).await;
    let agreement = flow.agreement(&app, &bank_token).await;
    let (_, a) = app.get_json(&format!("/api/v1/agreements/{agreement}"), Some(&bank_token)).await;
    assert_eq!(
        a["counterparty"], "Direktorat Jenderal Kependudukan dan Pencatatan Sipil Kementerian Dalam Negeri",
        "the ministry signs what the province facilitated: {a}"
    );
    semester_report_lapses(&app, &flow, agreement).await;
}

/// Drives case `id` to its end (or to step `until`): each step done by the
/// account holding its actor's role (`{prefix}.{role}`; the applicant's and
/// outside bodies' steps recorded by the operator), recording what the step
/// asks for (`step_records`).
async fn run_case(
    app: &TestApp,
    id: i64,
    prefix: &str,
    tokens: &std::collections::HashMap<&'static str, String>,
    until: Option<&str>,
) {
    for _ in 0..20 {
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&tokens["operator"])).await;
        if c["status"] == "completed" || (until.is_some() && c["current_step"].as_str() == until) {
            return;
        }
        let std = app.app().catalog.service(c["service"].as_str().unwrap()).unwrap();
        let step = c["current_step"].as_str().unwrap();
        let body = json!({"action": "advance", "expected_version": c["version"], "data": step_records(app, &std, step, prefix)});
        let actor = match c["current_actor"].as_str().unwrap() {
            "external" | "pemohon" => "operator",
            role => role,
        };
        let (s, r) = app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&tokens[actor]), &body).await;
        assert_eq!(s, 200, "step {step}: {r}");
    }
    panic!("case {id} did not end in 20 steps");
}

/// What a step records, each required record filled: a date (today; an
/// agreement valid five years), a count, the first choice, an outside
/// body's letter, a disposition to the account holding the next step's role.
fn step_records(
    app: &TestApp,
    std: &domain::standard::Standard,
    step: &str,
    prefix: &str,
) -> serde_json::Value {
    use domain::standard::Actor;
    let i = std.steps.iter().position(|s| s.id == step).unwrap();
    let next_role = std.steps.get(i + 1).map(|s| match s.actor {
        Actor::Staff(r) => r.to_string(),
        _ => "operator".into(),
    });
    let mut data = serde_json::Map::new();
    for r in std.steps[i].records.iter().filter(|r| r.required) {
        let v = match (r.code.as_str(), r.options.first()) {
            ("berlaku_sampai", _) => day(app, 1826),
            ("kepada", _) => format!("{prefix}.{}", next_role.clone().unwrap()),
            ("nomor_surat", _) => format!("470/{}/Dukcapil/2026", i + 1),
            (_, Some(first)) => first.clone(),
            _ if r.code.starts_with("tanggal") || r.code.starts_with("berlaku") => day(app, 0),
            _ if r.code.starts_with("jumlah") => "1".into(),
            (code, _) => format!("{code} {}", i + 1),
        };
        data.insert(r.code.clone(), v.into());
    }
    serde_json::Value::Object(data)
}

/// An agreement owing a report each semester, to the end of its duty: the
/// semester ends, its case opens and the institution is told; the grace
/// days pass without a report, the agreement is flagged and the institution
/// reminded, once; the Kepala Dinas recommends suspension to the Ditjen with
/// a signed letter; the report filed afterwards shows as late.
async fn semester_report_lapses(app: &TestApp, flow: &Flow, agreement: i64) {
    let (office, prefix, roles, holder, service) =
        (flow.office, flow.prefix, flow.roles, &flow.holder, flow.duty);
    // Nothing is due before the semester ends; then its case opens, once.
    assert_eq!(app::duties::open_due(app.app()).await.unwrap(), 0);
    let today = app.app().today(office);
    let (semester, ends) = {
        use chrono::Datelike;
        let y = today.year();
        if today.month() <= 6 { (format!("{y}-1"), (y, 7)) } else { (format!("{y}-2"), (y + 1, 1)) }
    };
    let ends = chrono::NaiveDate::from_ymd_opt(ends.0, ends.1, 1).unwrap();
    app.clock.advance(chrono::Duration::days((ends - today).num_days()));
    assert_eq!(app::duties::open_due(app.app()).await.unwrap(), 1);
    assert_eq!(app::duties::open_due(app.app()).await.unwrap(), 0, "one case per period");
    let duty = app.db.store.duty_cases(agreement).await.unwrap().remove(0);
    assert_eq!((duty.service.as_str(), duty.duty_period.as_deref()), (service, Some(semester.as_str())));
    assert_eq!(duty.current_actor.as_deref(), Some("pemohon"), "it waits for the institution");
    let outbox = app.db.store.notifications(office, 200).await.unwrap();
    assert!(
        outbox.iter().any(|n| n.recipient == holder.email && n.body.contains(&format!("periode {semester}")))
    );
    let mut tokens = signed_in(app, prefix, roles).await;
    // The first cell of the duty's table on the office's compliance board.
    let state = |board: &serde_json::Value| {
        let tables = board["tables"].as_array().unwrap();
        let table = tables.iter().find(|t| t["service"] == service).unwrap();
        table["rows"][0]["cells"][0]["state"].as_str().unwrap().to_string()
    };
    let (_, board) = app.get_json("/api/v1/compliance", Some(&tokens["verifikator"])).await;
    assert_eq!(state(&board), "open", "{board}");

    // No recommendation while nothing is missing.
    let recommend = format!("/api/v1/agreements/{agreement}/suspension-recommendation");
    let reason = json!({"reason": "Laporan semester tidak disampaikan."});
    let (s, e) = app.post_json(&recommend, Some(&tokens["kepala_dinas"]), &reason).await;
    assert_eq!(s, 422, "{e}");

    // The grace days pass: missing, flagged once, the institution reminded.
    app.clock.advance(chrono::Duration::days(31));
    assert_eq!(app::duties::flag_missing(app.app()).await.unwrap(), 1);
    assert_eq!(app::duties::flag_missing(app.app()).await.unwrap(), 0, "flagged once");
    let outbox = app.db.store.notifications(office, 200).await.unwrap();
    assert!(outbox.iter().any(|n| n.recipient == holder.email && n.body.contains("belum disampaikan")));
    tokens = signed_in(app, prefix, roles).await;
    let (_, board) = app.get_json("/api/v1/compliance", Some(&tokens["verifikator"])).await;
    assert_eq!(state(&board), "missing", "{board}");
    // The dashboard counts the board's periods by state.
    let (_, d) = app.get_json("/api/v1/dashboard", Some(&tokens["verifikator"])).await;
    assert_eq!(d["agreements"]["missing"], 1, "{d}");
    let session = format!("layanan_session={}", tokens["verifikator"]);
    let (_, page) = app.get_text("/dasbor", Some(&session)).await;
    assert!(
        page.contains("Kepatuhan perjanjian kerja sama") && page.contains("Tidak disampaikan: 1"),
        "{page}"
    );
    let elsewhere = if office == "62.71" { "73" } else { "62.71" };
    let (_, other) =
        app.get_json(&format!("/api/v1/compliance?office={elsewhere}"), Some(&tokens["verifikator"])).await;
    assert_eq!(other["error"]["code"], "forbidden", "another office's board");

    // The Kepala Dinas recommends suspension: a signed letter, once.
    let (s, e) = app.post_json(&recommend, Some(&tokens["verifikator"]), &reason).await;
    assert_eq!(s, 403, "{e}");
    let (s, r) = app.post_json(&recommend, Some(&tokens["kepala_dinas"]), &reason).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["letter"]["kind"], "surat_rekomendasi_penangguhan");
    assert_eq!(app.post_json(&recommend, Some(&tokens["kepala_dinas"]), &reason).await.0, 409);
    let holder_token = app.token(holder.username, "kata sandi bank yang panjang").await.0;
    let (_, a) = app.get_json(&format!("/api/v1/agreements/{agreement}"), Some(&holder_token)).await;
    assert_eq!(a["status"], "suspension_recommended", "{a}");
    let code = r["letter"]["code"].as_str().unwrap();
    let (_, v) = app.get_json(&format!("/api/v1/documents/{code}/verify"), None).await;
    assert_eq!(v["status"], "valid", "{v}");
    if std::process::Command::new("pdftotext").arg("-v").output().is_ok() {
        let pdf = app
            .http
            .get(app.url(&format!("/api/v1/documents/{code}/pdf")))
            .bearer_auth(&tokens["kepala_dinas"])
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.status(), 200);
        let path = app.files.0.join("rekomendasi.pdf");
        std::fs::write(&path, pdf.bytes().await.unwrap()).unwrap();
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        for needle in ["REKOMENDASI PENANGGUHAN", holder.short, &semester, "ditangguhkan"] {
            assert!(text.contains(needle), "`{needle}` missing in {text}");
        }
    }

    // The institution files afterwards, with what the report must say: late.
    let (_, mine) = app.get_json(&format!("/api/v1/my/cases/{}", duty.id), Some(&holder_token)).await;
    let file = |data: serde_json::Value| json!({"action": "advance", "expected_version": mine["case"]["version"], "data": data});
    let path = format!("/api/v1/my/cases/{}/actions", duty.id);
    let (s, e) = app.post_json(&path, Some(&holder_token), &file(json!({"jumlah_akses": 1200}))).await;
    assert_eq!(s, 422, "the report's contents are required: {e}");
    let report = json!({"jumlah_akses": "1200", "akses_per_tujuan": "verifikasi bansos: 1200", "insiden": "tidak ada", "data_balikan": "35 data perbaikan alamat"});
    let (s, e) = app.post_json(&path, Some(&holder_token), &file(report)).await;
    assert_eq!(s, 200, "{e}");
    let (_, board) = app.get_json("/api/v1/compliance", Some(&tokens["verifikator"])).await;
    assert_eq!(state(&board), "late", "{board}");
}

/// A fresh session per role of an office's staff (`{prefix}.{role}`; a
/// moved clock ends the old).
async fn signed_in(
    app: &TestApp,
    prefix: &str,
    roles: &[&'static str],
) -> std::collections::HashMap<&'static str, String> {
    let mut out = std::collections::HashMap::new();
    for role in roles {
        out.insert(*role, app.token(&format!("{prefix}.{role}"), PASSWORD).await.0);
    }
    out
}

/// Palangka Raya's row 11 recurs: six months after an agreement starts its
/// monev case opens on the office's worklist; the staff member records the
/// session's date, findings and follow-up, which print on the monev report;
/// the board shows the period filed.
#[tokio::test]
async fn palangka_raya_monev_every_six_months() {
    let app = start(Some(store::testing::sqlite().await)).await.unwrap();
    app.add_user("pky.verif", "verifikator", "62.71", PASSWORD).await;
    let verif = app.token("pky.verif", PASSWORD).await.0;
    let bank_token = app.verified_institution(bank("bank.kalteng"), &verif).await;
    let application = json!({"service": "62.71-pemanfaatan-data", "channel": "counter",
        "fields": {"elemen_data": "NIK"}, "letter": {"number": "500/1/BKS/2026", "date": day(&app, 0)}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&bank_token), &application).await;
    assert_eq!(s, 201, "{receipt}");
    // The PKS as row 5 signs it (its steps are walked in the test above).
    let c = app.db.store.case(receipt["id"].as_i64().unwrap()).await.unwrap().unwrap();
    let signs = store::CaseUpdate {
        change: store::CaseChange::from_case(&c),
        journal: store::NewJournal {
            actor: "pky.kabid".into(),
            action: "note".into(),
            to_status: c.status.as_str().into(),
            ..Default::default()
        },
        agreement: Some(store::NewAgreement {
            office: "62.71".into(),
            case_id: c.id,
            institution_id: c.institution_id,
            party: "PT Bank Kalteng Sejahtera".into(),
            access_mode: "web_service".into(),
            pks_number: "119/PKS/DKPS/2026".into(),
            pks_date: day(&app, 0),
            starts_on: day(&app, 0),
            ends_on: day(&app, 1825),
            actor: "pky.kabid".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    app.db.store.update_case(c.id, c.version, signs).await.unwrap();
    let agreement = app.db.store.agreement_of_case(c.id).await.unwrap().unwrap();

    assert_eq!(app::duties::open_due(app.app()).await.unwrap(), 0);
    app.clock.advance(chrono::Duration::days(185));
    // The first monev, and the report of the semester that ended meanwhile.
    assert_eq!(app::duties::open_due(app.app()).await.unwrap(), 2);
    let duties = app.db.store.duty_cases(agreement.id).await.unwrap();
    let monev = duties.into_iter().find(|c| c.service == "monev-pks").expect("the first monev");
    assert_eq!((monev.service.as_str(), monev.current_actor.as_deref()), ("monev-pks", Some("verifikator")));
    let verif = app.token("pky.verif", PASSWORD).await.0;
    let (_, worklist) = app.get_json("/api/v1/worklist", Some(&verif)).await;
    assert!(worklist.to_string().contains(&monev.tracking_code), "on the office's worklist: {worklist}");
    let done = json!({"action": "advance", "expected_version": monev.version, "data": {
        "tanggal_monev": day(&app, 0), "temuan": "Log akses lengkap; satu akun tidak aktif.",
        "tindak_lanjut": "Akun tidak aktif dinonaktifkan."}});
    let (s, r) = app.post_json(&format!("/api/v1/cases/{}/actions", monev.id), Some(&verif), &done).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("completed")), "{r}");
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{}/documents", monev.id), Some(&verif)).await;
    let report =
        docs.as_array().unwrap().iter().find(|d| d["kind"] == "laporan_monev").expect("the monev report");
    let code = report["code"].as_str().unwrap();
    if std::process::Command::new("pdftotext").arg("-v").output().is_ok() {
        let pdf = app
            .http
            .get(app.url(&format!("/api/v1/documents/{code}/pdf")))
            .bearer_auth(&verif)
            .send()
            .await
            .unwrap();
        let path = app.files.0.join("monev.pdf");
        std::fs::write(&path, pdf.bytes().await.unwrap()).unwrap();
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        assert!(text.contains("satu akun tidak aktif") && text.contains("PT Bank Kalteng"), "{text}");
    }
    let (_, board) = app.get_json("/api/v1/compliance", Some(&verif)).await;
    let monev = board["tables"].as_array().unwrap().iter().find(|t| t["service"] == "monev-pks").unwrap();
    assert_eq!(monev["rows"][0]["cells"][0]["state"], "filed", "{board}");
}

// Sulawesi Selatan facilitates: the province checks the letter and sends it
// on, the Ditjen and the Sekjen/Itjen pass it along, and the Minister
// refuses. The refusal is recorded from the Minister's letter (required)
// and ends the case with a surat penolakan the institution downloads; no
// agreement is made.
on_both_backends!(
    sulawesi_selatan_facilitation_ends_with_the_ministers_refusal_sqlite,
    sulawesi_selatan_facilitation_ends_with_the_ministers_refusal_postgres,
    ministers_refusal
);

async fn ministers_refusal(app: TestApp) {
    for role in ["operator", "verifikator"] {
        app.add_user(&format!("ssl.{role}"), role, "73", PASSWORD).await;
    }
    let op = app.token("ssl.operator", PASSWORD).await.0;
    let verif = app.token("ssl.verifikator", PASSWORD).await.0;
    let mut body = bank("bank.sulsel");
    body["office"] = json!("73");
    body["address"] = json!("Jl. Ahmad Yani No. 8, Makassar");
    let bank_token = app.verified_institution(body, &verif).await;
    let application = json!({"service": "73-pks-pemanfaatan-data", "channel": "counter",
        "fields": {"jenis_layanan": "web_service", "maksud_tujuan": "verifikasi nasabah"},
        "letter": {"number": "500/3/BSS/2026", "date": day(&app, 0)}});
    let (s, receipt) = app.post_json("/api/v1/applications", Some(&bank_token), &application).await;
    assert_eq!(s, 201, "{receipt}");
    let id = receipt["id"].as_i64().unwrap();
    let act = |body: serde_json::Value, token: String| {
        let app = &app;
        async move { app.post_json(&format!("/api/v1/cases/{id}/actions"), Some(&token), &body).await }
    };
    let letter = |n: &str| json!({"nomor_surat": n, "tanggal_surat": day(&app, 0)});
    for (step, token, data) in
        [("2", &verif, json!({})), ("3", &op, letter("471/1/Dukcapil")), ("4", &op, letter("700/2/Itjen"))]
    {
        let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
        assert_eq!(c["current_step"], step, "{c}");
        let (s, r) =
            act(json!({"action": "advance", "expected_version": c["version"], "data": data}), token.clone())
                .await;
        assert_eq!(s, 200, "step {step}: {r}");
    }
    let (_, c) = app.get_json(&format!("/api/v1/cases/{id}"), Some(&op)).await;
    assert_eq!((c["current_step"].as_str(), c["current_actor"].as_str()), (Some("5"), Some("external")));
    let refuse = json!({"action": "reject", "expected_version": c["version"], "note": "Menteri Dalam Negeri tidak memberikan izin: tujuan pemanfaatan tidak sesuai Pasal 58 UU 24/2013."});
    let (s, e) = act(refuse.clone(), op.clone()).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("data.nomor_surat")),
        "the refusal is the Minister's letter: {e}"
    );
    let mut refuse = refuse;
    refuse["data"] = letter("470/9/Mendagri");
    // The staff page of the outside step asks for the scan of its letter.
    let page = app.get_text(&format!("/staff/cases/{id}"), Some(&cookie(&app, "ssl.operator").await)).await.1;
    assert!(page.contains(r#"enctype="multipart/form-data""#) && page.contains(r#"name="file.surat_luar""#));
    // The Minister's letter comes with the refusal, as multipart; only that
    // letter, and only on an outside body's step.
    let with_file = |body: &serde_json::Value, part: &str| {
        let form = reqwest::multipart::Form::new()
            .text("action", body.to_string())
            .part(part.to_string(), reqwest::multipart::Part::bytes(pdf()).file_name("surat-mendagri.pdf"));
        app.http.post(app.url(&format!("/api/v1/cases/{id}/actions"))).bearer_auth(&op).multipart(form)
    };
    let r = with_file(&refuse, "file.ktp").send().await.unwrap();
    let (s, e) = (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap());
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("files.ktp")), "{e}");
    let r = with_file(&refuse, "file.surat_luar").send().await.unwrap();
    let (s, r) = (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap());
    assert_eq!((s, r["status"].as_str()), (200, Some("rejected")), "{r}");
    let files = app.db.store.case_files(id).await.unwrap();
    assert_eq!(
        files.iter().map(|f| (f.requirement.as_str(), f.filename.as_str())).collect::<Vec<_>>(),
        [("surat_luar.5", "surat-mendagri.pdf")],
        "the letter is filed under its step"
    );
    let (_, mine) = app.get_json(&format!("/api/v1/my/cases/{id}"), Some(&bank_token)).await;
    let kinds: Vec<_> =
        mine["documents"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"surat_penolakan"), "{mine}");
    let (_, list) = app.get_json("/api/v1/agreements", Some(&bank_token)).await;
    assert_eq!(list, json!([]), "no agreement");
    let timeline = app.db.store.journal(id).await.unwrap();
    assert!(timeline.last().unwrap().data.as_deref().unwrap().contains("470/9/Mendagri"));
}
