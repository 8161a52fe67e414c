//! The register index end to end (Jepara's *pencarian register akta*): the
//! office's admin imports its digitised registers as CSV (bad rows reported
//! by row and column, a second import skips what is there), staff search by
//! number and by name with the spellings Indonesian names take, another
//! office sees nothing of it, and a case's search step records the entry
//! found, which the Kabid's Surat Keterangan Keabsahan quotes.

use crate::common::{PASSWORD, TestApp, on_both_backends, pdf};
use serde_json::{Value, json};

const REGISTER: &str = "\
jenis_akta,nomor_akta,tahun,nama,nama_ayah,nama_ibu,tempat_peristiwa,tanggal_peristiwa,buku,halaman
kelahiran,3320-LT-01011990-0042,1990,SUHARTO,KARTO DIMEJO,SUKINAH,Jepara,1990-01-01,12,34
kelahiran,3320-LT-02021991-0007,1991,Joko Cahyono,Slamet,Sri Rahayu,Tahunan,1991-02-02,13,2
kelahiran,3320-LT-03031992-0100,1992,Muhammad Rizki,Ahmad,Siti Aminah,Mlonggo,1992-03-03,14,8
kematian,3320-KM-05052001-0003,2001,Siti Aminah,Abdul Ma'ruf,Fatimah,Jepara,2001-05-05,2,40
lahir,X-1,1990,Salah Jenis,,,,,,
kelahiran,X-2,19x0,Salah Tahun,,,,,,
kelahiran,X-3,1995,Salah Tanggal,,,,1996-01-01,,
";

/// The office's admin imports `csv`; the answer's JSON.
pub async fn import(app: &TestApp, admin: &str, csv: &str) -> (u16, Value) {
    let res = app
        .http
        .post(app.url("/api/v1/register/import"))
        .bearer_auth(admin)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn staff(app: &TestApp, name: &str, role: &str, office: &str) -> String {
    app.add_user(name, role, office, PASSWORD).await;
    app.token(name, PASSWORD).await.0
}

/// The names of a search's hits, best first.
async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let (s, r) = app.get_json(&format!("/api/v1/register?{query}"), Some(token)).await;
    assert_eq!(s, 200, "{query}: {r}");
    r["hits"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap().to_string()).collect()
}

on_both_backends!(
    a_register_import_and_its_searches_sqlite,
    a_register_import_and_its_searches_postgres,
    import_and_search
);

async fn import_and_search(app: TestApp) {
    let admin = staff(&app, "jp.admin", "admin", "33.20").await;
    let op = staff(&app, "jp.op", "operator", "33.20").await;

    // Only the office's admin imports.
    assert_eq!(import(&app, &op, REGISTER).await.0, 403);
    let (s, r) = import(&app, &admin, REGISTER).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["rows"].as_u64(), r["imported"].as_u64(), r["invalid"].as_u64()),
        (Some(7), Some(4), Some(3))
    );
    let errors: Vec<(u64, &str)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [(5, "jenis_akta"), (6, "tahun"), (7, "tanggal_peristiwa")]);
    // Again: nothing new, nothing lost.
    let (_, again) = import(&app, &admin, REGISTER).await;
    assert_eq!((again["imported"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(4)), "{again}");

    // Exact, old spelling, abbreviation, word order and a parent.
    assert_eq!(names(&app, &op, "name=Suharto").await, ["SUHARTO"]);
    assert_eq!(names(&app, &op, "name=Soeharto").await, ["SUHARTO"]);
    assert_eq!(names(&app, &op, "name=Djoko%20Tjahjono").await, ["Joko Cahyono"]);
    assert_eq!(names(&app, &op, "name=M.%20Rizky").await, ["Muhammad Rizki"]);
    assert_eq!(names(&app, &op, "name=Aminah").await, ["Siti Aminah"]);
    assert_eq!(names(&app, &op, "name=siti%20aminah&akta_type=kelahiran").await, Vec::<String>::new());
    assert_eq!(names(&app, &op, "number=3320-KM-05052001-0003").await, ["Siti Aminah"]);
    let (_, exact) = app.get_json("/api/v1/register?name=suharto", Some(&op)).await;
    assert_eq!((exact["hits"][0]["exact"].as_bool(), exact["indexed"].as_i64()), (Some(true), Some(4)));
    let (_, fuzzy) = app.get_json("/api/v1/register?name=Soeharto", Some(&op)).await;
    let hit = &fuzzy["hits"][0];
    assert_eq!(
        (hit["exact"].as_bool(), hit["book"].as_str(), hit["page"].as_str()),
        (Some(false), Some("12"), Some("34"))
    );

    // Bad queries name their field; nobody outside the office's staff reads it.
    for (query, field) in [
        ("", "name"),
        ("name=a", "name"),
        ("name=siti&akta_type=lahir", "akta_type"),
        ("name=siti&limit=0", "limit"),
    ] {
        let (s, r) = app.get_json(&format!("/api/v1/register?{query}"), Some(&op)).await;
        assert_eq!((s, r["error"]["field"].as_str()), (422, Some(field)), "{query}: {r}");
    }
    assert_eq!(app.get_json("/api/v1/register?name=siti", None).await.0, 401);
    let id = hit["id"].as_i64().unwrap();
    let muba = staff(&app, "muba.op", "operator", "16.06").await;
    assert_eq!(names(&app, &muba, "name=Suharto").await, Vec::<String>::new());
    assert_eq!(app.get_json(&format!("/api/v1/register/{id}"), Some(&muba)).await.0, 404);
    let (s, e) = app.get_json(&format!("/api/v1/register/{id}"), Some(&op)).await;
    assert_eq!((s, e["father"].as_str()), (200, Some("KARTO DIMEJO")));
    // Every search is a logged read of personal data.
    let reads = app.db.store.audit_entries(0, 1000).await.unwrap();
    let searches =
        reads.iter().filter(|a| a.actor == "jp.op" && a.object.starts_with("register:33.20")).count();
    assert!(searches >= 9, "{searches} searches logged");
}

/// One entry in an office's register, written through the store (once:
/// again, the same entry): its id.
pub async fn one_entry(app: &TestApp, office: &str) -> i64 {
    let e = store::NewRegisterEntry {
        akta_type: "kelahiran".into(),
        number: "3320-LT-01011990-0042".into(),
        year: 1990,
        name: "Budi Santoso".into(),
        father: "Slamet".into(),
        mother: "Sri".into(),
        place: "Jepara".into(),
        event_date: "1990-01-01".into(),
        book: "12".into(),
        page: "34".into(),
        name_folded: domain::register::fold("Budi Santoso"),
        name_key: domain::register::name_key("Budi Santoso"),
        words: domain::register::word_keys("Budi Santoso"),
    };
    app.db.store.import_register(office, "test", &[e]).await.unwrap();
    let q = store::NameQuery { folded: "budi santoso".into(), ..Default::default() };
    app.db.store.register_candidates(office, &q, 1).await.unwrap()[0].id
}

on_both_backends!(
    the_search_step_records_the_entry_and_the_letter_quotes_it_sqlite,
    the_search_step_records_the_entry_and_the_letter_quotes_it_postgres,
    search_step_quotes_the_entry
);

async fn search_step_quotes_the_entry(app: TestApp) {
    let mut t = std::collections::HashMap::new();
    for role in ["operator", "verifikator", "validator", "admin"] {
        t.insert(role, staff(&app, &format!("jp.{role}"), role, "33.20").await);
    }
    let (s, r) = import(&app, &t["admin"], REGISTER).await;
    assert_eq!(s, 200, "{r}");
    let (_, found) = app.get_json("/api/v1/register?name=Soeharto", Some(&t["operator"])).await;
    let entry = found["hits"][0]["id"].as_i64().unwrap();
    let muba_entry = {
        let muba_admin = staff(&app, "muba.admin", "admin", "16.06").await;
        import(&app, &muba_admin, REGISTER).await;
        let muba = staff(&app, "muba.op", "operator", "16.06").await;
        app.get_json("/api/v1/register?name=Suharto", Some(&muba)).await.1["hits"][0]["id"].as_i64().unwrap()
    };

    const NIK: &str = "3320010101900003";
    let application = json!({"service": "33.20-register-akta-offline", "channel": "counter",
        "applicant": {"name": "Suharto", "nik": NIK},
        "fields": {"nomor_akta": "3320-LT-01011990-0042", "keperluan": "surat keterangan keabsahan"}});
    let files = [("akta", "akta.pdf", pdf()), ("ktp_el", "ktp.pdf", pdf()), ("kk", "kk.pdf", pdf())];
    let (s, r) = app.apply_with_files(Some(&t["operator"]), application, &files).await;
    assert_eq!(s, 201, "{r}");
    let (id, tracking) = (r["id"].as_i64().unwrap(), r["tracking_code"].as_str().unwrap().to_string());
    let path = format!("/api/v1/cases/{id}");
    let case = || app.get_json(&path, Some(&t["operator"]));
    loop {
        let c = case().await.1;
        if c["current_step"] == "5" {
            break;
        }
        let actor = c["current_actor"].as_str().unwrap();
        let (s, r) = app.act(&t[actor], id, "advance", c["version"].as_i64().unwrap(), json!({})).await;
        assert_eq!(s, 200, "{r}");
    }
    // The search step: its result, and the entry when found.
    let v = case().await.1["version"].as_i64().unwrap();
    for (data, field) in [
        (json!({}), "data.hasil_pencarian"),
        (json!({"hasil_pencarian": "ditemukan"}), "data.register"),
        (json!({"hasil_pencarian": "ditemukan", "register": "abc"}), "data.register"),
        (json!({"hasil_pencarian": "ditemukan", "register": muba_entry}), "data.register"),
    ] {
        let (s, r) = app.act(&t["operator"], id, "advance", v, json!({"data": data})).await;
        assert_eq!((s, r["error"]["field"].as_str()), (422, Some(field)), "{data}: {r}");
    }
    let data = json!({"hasil_pencarian": "ditemukan", "register": entry});
    let (s, r) = app.act(&t["operator"], id, "advance", v, json!({"data": data})).await;
    assert_eq!((s, r["current_step"].as_str()), (200, Some("6")), "{r}");
    // The Kabid signs: the Surat Keterangan Keabsahan, quoting the entry.
    // The note is stuffed (blank lines, then 4,900 characters): it stays in
    // its place, cut to its length, and the letter keeps its signature and
    // QR code.
    let stuffing = format!("Sesuai dengan register.\n\nKAMI MENERANGKAN BAHWA {}", "isian ".repeat(815));
    assert!(stuffing.chars().count() > 4_900);
    let note = json!({ "note": stuffing });
    let (s, r) = app.act(&t["validator"], id, "advance", r["version"].as_i64().unwrap(), note).await;
    assert_eq!((s, r["current_step"].as_str()), (200, Some("7")), "{r}");
    let (_, timeline) = app.get_json(&format!("/api/v1/cases/{id}/timeline"), Some(&t["operator"])).await;
    let search = timeline.as_array().unwrap().iter().find(|j| j["from_step"] == "5").unwrap();
    assert_eq!(search["data"]["register_buku"], "12", "{search}");
    let (_, docs) = app.get_json(&format!("/api/v1/cases/{id}/documents"), Some(&t["operator"])).await;
    let letter =
        crate::documents::applicant_letter(&app, &tracking, NIK, &docs, "surat_keterangan_keabsahan").await;
    if !letter.is_empty() {
        let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in [
            "Akta kelahiran Nomor 3320-LT-01011990-0042 tahun 1990 atas nama SUHARTO",
            "buku register 12 halaman 34",
            "Nama ayah: KARTO DIMEJO",
            "Jepara, 1 Januari 1990",
            "Sesuai dengan register. KAMI MENERANGKAN BAHWA isian",
            "…",
            "Surat keterangan ini diberikan untuk keperluan: surat keterangan keabsahan.",
            "Pindai untuk memeriksa keaslian dokumen",
        ] {
            assert!(flat.contains(needle), "`{needle}` missing in:\n{letter}");
        }
        assert!(flat.matches("isian").count() < 200, "the note was cut to its length");
    }
}

/// The page: staff search it; the admin's form imports a file and shows the refused rows.
#[tokio::test]
async fn the_register_page_searches_and_imports() {
    let app = TestApp::with_config(web::Config { login_per_minute: 1000, ..Default::default() }).await;
    app.add_user("jp.admin", "admin", "33.20", PASSWORD).await;
    let login = app.login("jp.admin", PASSWORD).await;
    let cookie =
        login.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let body: Value = login.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap().to_string();
    let upload = |csrf: String| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(REGISTER.as_bytes().to_vec()).file_name("register.csv"),
        );
        app.http.post(app.url("/register/import")).header("cookie", &cookie).multipart(form).send()
    };
    assert_eq!(upload("salah".into()).await.unwrap().status(), 403);
    let page = upload(csrf).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<dd>4</dd>") && html.contains("tanggal_peristiwa"), "{html}");
    let (s, html) = app.get_text("/register?name=Soeharto", Some(&cookie)).await;
    assert_eq!(s, 200);
    assert!(html.contains("SUHARTO") && html.contains("3320-LT-01011990-0042"), "{html}");
    let (_, html) = app.get_text("/register?name=Zzzz", Some(&cookie)).await;
    assert!(html.contains("Tidak ada entri yang cocok"), "{html}");
}
