//! Every runnable standard, on every channel, runs to completion through
//! the one engine, and each step the standard marks with a document issues
//! it (plus the receipt at submission). No service-specific code.

use crate::common::{PASSWORD, TestApp, pdf};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

const ROLES: [&str; 6] =
    ["operator", "verifikator", "validator", "kepala_dinas", "ppid", "complaint_handler"];

#[tokio::test]
async fn every_standard_completes_and_issues_its_documents() {
    // Many logins and applications from one address: lift the rate limits.
    let app = TestApp::with_config(web::Config {
        login_per_minute: 10_000,
        public_per_minute: 10_000,
        ..Default::default()
    })
    .await;
    let (_, services) = app.get_json("/api/v1/services", None).await;
    let mut tokens: HashMap<(String, String), String> = HashMap::new();
    let mut runs = 0;
    let pdftotext = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    assert!(pdftotext || std::env::var("CI").is_err(), "pdftotext missing: run scripts/setup-test-deps.sh");
    for s in services.as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let (_, std) = app.get_json(&format!("/api/v1/services/{id}"), None).await;
        let office = std["office"].as_str().unwrap().to_string();
        if std["steps"].as_array().unwrap().is_empty() {
            continue; // Jepara's kios: no procedure in the seed.
        }
        if std["objection"].is_object() {
            continue; // An objection needs a refused request: cases.rs tests it.
        }
        for role in ROLES {
            let key = (office.clone(), role.to_string());
            if let std::collections::hash_map::Entry::Vacant(slot) = tokens.entry(key) {
                let name = format!("{office}.{role}");
                app.add_user(&name, role, &office, PASSWORD).await;
                slot.insert(app.token(&name, PASSWORD).await.0);
            }
        }
        if std["fields"].as_array().unwrap().iter().any(|f| f["code"] == "kab_kota") {
            let receipt = json!({"office": office, "kind": "receipt", "quantity": 1000,
                "reason": "Kiriman Ditjen Dukcapil", "source_document": "BAST 1"});
            let operator = &tokens[&(office.clone(), "operator".to_string())];
            let (s, r) = app.post_json("/api/v1/stock/movements", Some(operator), &receipt).await;
            assert_eq!(s, 201, "{r}");
        }
        for channel in std["channels"].as_array().unwrap() {
            let channel = channel["code"].as_str().unwrap();
            let mut fields = Map::new();
            for f in std["fields"].as_array().unwrap() {
                // A field naming the requesting kab/kota office (the blanko
                // distribution, whose hand-over moves the province's stock).
                let v = if f["code"] == "kab_kota" {
                    json!(format!("{office}.09"))
                } else if f["kind"] == "number" {
                    json!("10")
                } else if f["kind"] == "email" {
                    json!("a@b.id")
                } else if f["kind"] == "date" {
                    json!(chrono::Utc::now().format("%Y-%m-%d").to_string())
                } else if f["kind"] == "choice" {
                    f["options"][0].clone()
                } else {
                    json!("contoh")
                };
                fields.insert(f["code"].as_str().unwrap().into(), v);
            }
            // A service for institutions only gets an institution's letter at the counter.
            // (the first kind it names; an OPD when it names none).
            let applicant = if std["applicants"]["persons"] == false {
                let kind = std["applicants"]["institutions"][0].as_str().unwrap_or("opd");
                json!({"name": "Dinas Komunikasi dan Informatika", "organisation": {"name": "Dinas Komunikasi dan Informatika", "kind": kind}})
            } else {
                json!({"name": "Uji Coba", "nik": "3320010101900003"})
            };
            let application =
                json!({"service": id, "channel": channel, "applicant": applicant, "fields": fields});
            let mut form = reqwest::multipart::Form::new().text("application", application.to_string());
            for r in std["requirements"].as_array().unwrap().iter().filter(|r| r["upload"] == true) {
                form = form.part(
                    format!("file.{}", r["code"].as_str().unwrap()),
                    reqwest::multipart::Part::bytes(pdf()).file_name("x.pdf"),
                );
            }
            let mut operator = tokens[&(office.clone(), "operator".into())].clone();
            let mut req = app.http.post(app.url("/api/v1/applications")).multipart(form);
            if !matches!(channel, "online" | "whatsapp") {
                req = req.bearer_auth(&operator);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 201, "{id} {channel}");
            let case_id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

            // Walk the case: whoever owns the current step completes it.
            let mut guard = 0;
            loop {
                let (_, c) = app.get_json(&format!("/api/v1/cases/{case_id}"), Some(&operator)).await;
                if c["status"] == "completed" {
                    break;
                }
                let actor = c["current_actor"].as_str().unwrap_or("operator");
                let role = if matches!(actor, "pemohon" | "external") { "operator" } else { actor };
                let token = &tokens[&(office.clone(), role.to_string())];
                // What the step records on completion (the approved quantity of blangko).
                let mut data = json!({"reference": "470/123/2026"});
                let step = std["steps"].as_array().unwrap().iter().find(|st| st["id"] == c["current_step"]);
                // A disposition names an account holding the next step's role.
                let steps: Vec<_> = std["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|st| {
                        let chs = st["channels"].as_array().unwrap();
                        chs.is_empty() || chs.iter().any(|c| c == channel)
                    })
                    .collect();
                let at = steps.iter().position(|st| st["id"] == c["current_step"]);
                let next_role = at.and_then(|i| steps.get(i + 1)).and_then(|st| st["actor"].as_str());
                for r in step.and_then(|st| st["records"].as_array()).into_iter().flatten() {
                    let v = match (r["code"].as_str(), r["kind"].as_str()) {
                        (Some("kepada"), _) => format!("{office}.{}", next_role.unwrap_or("operator")),
                        (_, Some("number")) => "40".to_string(),
                        (Some("berlaku_sampai"), _) => {
                            (chrono::Utc::now() + chrono::Days::new(1825)).format("%Y-%m-%d").to_string()
                        }
                        (_, Some("date")) => chrono::Utc::now().format("%Y-%m-%d").to_string(),
                        (_, Some("choice")) => r["options"][0].as_str().unwrap().to_string(),
                        // The entry a register search found, in the office's index.
                        (_, Some("register")) => crate::register::one_entry(&app, &office).await.to_string(),
                        _ => "contoh".to_string(),
                    };
                    data[r["code"].as_str().unwrap()] = json!(v);
                }
                // A group request's participants are entered before its visit is done.
                if step.is_some_and(|st| st["participants"] == true) {
                    let csv = "nama,nik\nAndi Makkasau,7371011203950002\nRina Wulandari,7371015506880005\n";
                    let res = app
                        .http
                        .post(app.url(&format!("/api/v1/cases/{case_id}/participants")))
                        .bearer_auth(&operator)
                        .header("content-type", "text/csv")
                        .body(csv)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 201, "{id}: {}", res.text().await.unwrap());
                }
                // A step that books a slot books one first (offered for tomorrow).
                if step.is_some_and(|st| st["books_slot"] == true) {
                    let starts = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
                    let slot = json!({"service": id, "starts_at": starts, "minutes": 30, "capacity": 5,
                        "meeting_link": "https://zoom.us/j/123456789"});
                    let (s, slot) = app.post_json("/api/v1/slots", Some(&operator), &slot).await;
                    assert!(s == 201 || s == 409, "{id}: {slot}");
                    let (_, slots) =
                        app.get_json(&format!("/api/v1/slots?service={id}"), Some(&operator)).await;
                    let booking = json!({"slot_id": slots[0]["id"]});
                    let path = format!("/api/v1/cases/{case_id}/booking");
                    let (s, b) = app.post_json(&path, Some(&operator), &booking).await;
                    assert_eq!(s, 201, "{id}: {b}");
                }
                let body = json!({"action": "advance", "expected_version": c["version"], "note": "selesai diperiksa", "data": data});
                let res = app
                    .http
                    .post(app.url(&format!("/api/v1/cases/{case_id}/actions")))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                // A step with an earliest time ("minimal 1 jam") is finished once it has come.
                if res.status() == 422 {
                    let err: Value = res.json().await.unwrap();
                    assert_eq!(err["error"]["code"], "too_early", "{id} {channel}: {err}");
                    app.clock.advance(chrono::Duration::days(5));
                    // (Five days on, the sessions have expired.)
                    for (key, token) in tokens.iter_mut() {
                        *token = app.token(&format!("{}.{}", key.0, key.1), PASSWORD).await.0;
                    }
                    operator = tokens[&(office.clone(), "operator".into())].clone();
                    guard += 1;
                    continue;
                }
                assert_eq!(
                    res.status(),
                    200,
                    "{id} {channel} at {}: {}",
                    c["current_step"],
                    res.text().await.unwrap()
                );
                guard += 1;
                assert!(guard < 40, "{id} does not finish");
            }

            let expected = 1 + std["steps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|st| {
                    st["channels"].as_array().unwrap().is_empty()
                        || st["channels"].as_array().unwrap().iter().any(|c| c == channel)
                })
                // After a group request's visit the steps are its participants' cases.
                .scan(false, |past_visit, st| {
                    let mine = !*past_visit;
                    *past_visit |= st["participants"] == true;
                    Some((mine, st))
                })
                .filter(|(mine, st)| *mine && st["document"].is_string())
                // A step issuing per sheet signs one page for each (10 here).
                .map(|(_, st)| if st["per_sheet"].is_string() { 10 } else { 1 })
                .sum::<usize>();
            let (_, docs) =
                app.get_json(&format!("/api/v1/cases/{case_id}/documents"), Some(&operator)).await;
            assert_eq!(docs.as_array().unwrap().len(), expected, "{id} {channel}: {docs}");
            // A procedure that signs an agreement leaves one in the register.
            let (_, register) = app.get_json("/api/v1/agreements", Some(&operator)).await;
            let made = register.as_array().unwrap().iter().any(|a| a["case_id"] == case_id);
            assert_eq!(made, std["agreement"].is_object(), "{id} {channel}: agreement {register}");
            for d in docs.as_array().unwrap() {
                let code = d["code"].as_str().unwrap();
                let (_, v) = app.get_json(&format!("/api/v1/documents/{code}/verify"), None).await;
                assert_eq!(v["status"], "valid", "{id}: {v}");
                // Each document type reads back: its title and number are in the text.
                if pdftotext {
                    let pdf = app
                        .http
                        .get(app.url(&format!("/api/v1/documents/{code}/pdf")))
                        .bearer_auth(&operator)
                        .send()
                        .await
                        .unwrap();
                    let path = app.files.0.join(format!("{code}.pdf"));
                    std::fs::write(&path, pdf.bytes().await.unwrap()).unwrap();
                    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
                    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
                    let title =
                        domain::document::kind(d["kind"].as_str().unwrap()).unwrap().title.to_uppercase();
                    assert!(text.contains(d["number"].as_str().unwrap()), "{id}: number missing in {text}");
                    assert!(text.contains(&title), "{id}: `{title}` missing in {text}");
                    if d["kind"] == "bast_blangko" {
                        assert!(
                            text.contains("diserahkan: 40 keping"),
                            "the BAST prints the approved quantity: {text}"
                        );
                    }
                    // Names and the date: the applicant in the body (initials on a receipt),
                    // the issue date in Indonesian long form in the signature block.
                    let zone = domain::TimeZone::for_province(&office[..2]).offset();
                    // (The app clock may have been moved on for earliest times: a
                    // letter carries the day it was made, from today to the clock's day.)
                    let day = |t: chrono::DateTime<chrono::Utc>| {
                        documents::render::tanggal(t.with_timezone(&zone).date_naive())
                    };
                    let moved = (app.app().now() - chrono::Utc::now()).num_days().max(0);
                    let days: Vec<_> = (0..=moved + 1)
                        .map(|n| day(chrono::Utc::now() + chrono::Duration::days(n)))
                        .collect();
                    let name = applicant["name"].as_str().unwrap();
                    let who = if d["kind"] == "tanda_terima" {
                        app::cases::engine::masked_name(name)
                    } else {
                        name.to_string()
                    };
                    assert!(text.contains(&who), "{id}: `{who}` missing in {text}");
                    assert!(days.iter().any(|d| text.contains(d)), "{id}: date {days:?} missing in {text}");
                }
            }
            runs += 1;
        }
    }
    // 14 runnable standards; PPID, IKD (3) and online information have several channels; the
    // verification of institutions at 4 offices; Jepara's Capil revision (revisi-akta); and
    // Palangka Raya's monev (monev-pks); the semester usage reports of Bengkulu, Sulsel and Palangka Raya
    // (laporan-pemanfaatan-data); the complaints procedure of the 5 offices on its 3 channels.
    assert_eq!(runs, 42);
}
