//! The public catalogue over HTTP: offices, services, the 14 components
//! (6 public, 8 for staff), steps, languages, errors.

use crate::common::{PASSWORD, TestApp};
use serde_json::Value;

const DELIVERY: [&str; 6] = ["biaya", "jangka_waktu", "pengaduan", "persyaratan", "produk", "prosedur"];

async fn catalogue_on(app: TestApp) {
    let (status, offices) = app.get_json("/api/v1/offices", None).await;
    assert_eq!(status, 200);
    let offices = offices.as_array().unwrap();
    let find = |code: &str| offices.iter().find(|o| o["code"] == code).cloned().unwrap_or(Value::Null);
    // The five seed offices with level, zone and parent; parents created for kab/kota.
    for (code, level, tz, parent) in [
        ("73", "province", "WITA", None),
        ("33.20", "kab_kota", "WIB", Some("33")),
        ("17", "province", "WIB", None),
        ("16.06", "kab_kota", "WIB", Some("16")),
        ("62.71", "kab_kota", "WIB", Some("62")),
        ("33", "province", "WIB", None),
    ] {
        let o = find(code);
        assert_eq!(o["level"], level, "{code}");
        assert_eq!(o["time_zone"], tz, "{code}");
        assert_eq!(o["parent"].as_str(), parent, "{code}");
    }
    assert_eq!(find("33")["name"], "Dinas Kependudukan dan Pencatatan Sipil Provinsi Jawa Tengah");
    assert_eq!(find("73")["address"], "Jl. Jenderal Urip Sumoharjo No. 269 Makassar 90231");

    let (_, all) = app.get_json("/api/v1/services", None).await;
    // 15 from the seeds, the verification of institutions at 4 offices,
    // Jepara's Capil revision the register search hands applicants on to,
    // Palangka Raya's monev (row 11 of its SOP, a duty of its agreements),
    // Sulsel's objection to a refused PPID request (UU 14/2008), and the
    // complaints procedure of each of the 5 offices.
    assert_eq!(all.as_array().unwrap().len(), 30);
    let (_, jepara) = app.get_json("/api/v1/services?office=33.20", None).await;
    assert_eq!(jepara.as_array().unwrap().len(), 10);
    let (status, err) = app.get_json("/api/v1/services?office=99.99", None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (404, Some("office")));

    // Anonymous: the 6 delivery components only.
    let (status, ktp) = app.get_json("/api/v1/services/16.06-ktp-el", None).await;
    assert_eq!(status, 200);
    let mut keys: Vec<_> = ktp["components"].as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, DELIVERY);
    assert!(ktp.get("sop").is_none());
    let minutes: Vec<_> =
        ktp["steps"].as_array().unwrap().iter().map(|s| s["duration"].as_str().unwrap()).collect();
    assert_eq!(minutes, ["5 menit", "5 menit", "5 menit", "5 menit", "5 menit", "3 menit", "2 menit"]);
    assert_eq!(ktp["sla"]["total"], "30 menit");

    // Staff: all 14 and the SOP header.
    app.add_user("muba.verif", "verifikator", "16.06", PASSWORD).await;
    let (token, _) = app.token("muba.verif", PASSWORD).await;
    let (_, ktp) = app.get_json("/api/v1/services/16.06-ktp-el", Some(&token)).await;
    assert_eq!(ktp["components"].as_object().unwrap().len(), 14);
    assert!(ktp["components"]["dasar_hukum"]["text"].as_str().unwrap().contains("Nomor 24 tahun 2013"));
    assert!(ktp["sop"]["kualifikasi_pelaksana"].as_str().unwrap().contains("Aplikasi SIAK"));

    let (status, err) = app.get_json("/api/v1/services/16.06-nope", None).await;
    assert_eq!((status, err["error"]["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn catalogue_sqlite() {
    catalogue_on(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn catalogue_postgres() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    catalogue_on(app).await;
}

#[tokio::test]
async fn ikd_has_three_channels_with_their_own_clocks() {
    let app = TestApp::sqlite().await;
    let (_, ikd) = app.get_json("/api/v1/services/73-aktivasi-ikd", None).await;
    let channels: Vec<(String, String)> = ikd["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().into(), c["sla"].as_str().unwrap().into()))
        .collect();
    let expected = [("counter", "10 menit"), ("online", "3x24 jam"), ("jemput_bola", "3x24 jam")];
    assert_eq!(channels, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    let online_steps =
        ikd["steps"].as_array().unwrap().iter().filter(|s| s["channels"][0] == "online").count();
    assert_eq!(online_steps, 10);
}

#[tokio::test]
async fn pages_are_in_indonesian_with_an_english_switch_and_hide_internal_components() {
    let app = TestApp::sqlite().await;
    let (status, home) = app.get_text("/", None).await;
    assert_eq!(status, 200);
    assert!(home.contains("<html lang=\"id\">") && home.contains("Masuk"));
    assert!(home.contains("Dinas Kependudukan dan Pencatatan Sipil Kabupaten Jepara"));
    let (_, en) = app.get_text("/?lang=en", None).await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Log in"));
    let (_, en_cookie) = app.get_text("/", Some("lang=en")).await;
    assert!(en_cookie.contains("Log in"));

    let (status, page) = app.get_text("/services/16.06-ktp-el", None).await;
    assert_eq!(status, 200);
    assert!(page.contains("Operator SIAK menerbitkan KTP-el"));
    assert!(page.contains("30 menit"));
    assert!(!page.contains("Dasar Hukum"), "internal component shown to the public");
    assert!(page.contains("belum menerbitkan maklumat"));

    app.add_user("muba.kadin", "kepala_dinas", "16.06", PASSWORD).await;
    let (token, _) = app.token("muba.kadin", PASSWORD).await;
    let (_, staff_page) =
        app.get_text("/services/16.06-ktp-el", Some(&format!("layanan_session={token}"))).await;
    assert!(staff_page.contains("Dasar Hukum") && staff_page.contains("Kualifikasi Pelaksana"));

    let (status, _) = app.get_text("/offices/99", None).await;
    assert_eq!(status, 404);
    let (status, kios) = app.get_text("/services/33.20-kios-desa", None).await;
    assert_eq!(status, 200);
    assert!(kios.contains("tidak dinyatakan"));
}

#[tokio::test]
async fn ops_endpoints_and_security_headers() {
    let app = TestApp::sqlite().await;
    assert_eq!(app.get_text("/healthz", None).await, (200, "ok".to_string()));
    assert_eq!(app.get_text("/readyz", None).await.0, 200);
    assert_eq!(app.get_json("/api/v1/offices", None).await.0, 200);
    let (_, metrics) = app.get_text("/metrics", None).await;
    assert!(metrics.contains("layanan_standards_loaded 30"), "{metrics}");
    // Per route (the pattern, never an id), with a latency histogram.
    assert!(
        metrics.contains("layanan_http_requests_total{route=\"/api/v1/offices\",class=\"2xx\"}"),
        "{metrics}"
    );
    assert!(
        metrics
            .contains("layanan_http_request_duration_seconds_bucket{route=\"/api/v1/offices\",le=\"0.005\"}")
    );
    assert!(metrics.contains("layanan_outbox_pending{channel=\"email\"}"), "the outbox depth is reported");
    let res = app.http.get(app.url("/")).send().await.unwrap();
    let h = res.headers();
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    // Nothing dynamic is kept by a browser or proxy (answers may hold a
    // NIK); the style sheet is.
    assert_eq!(h["cache-control"], "no-store");
    let res = app.http.get(app.url("/api/v1/offices")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let res = app.http.get(app.url("/static/style.css")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "public, max-age=3600");

    // Behind TLS: HSTS, and session cookies marked Secure.
    let config = web::Config { cookie_secure: true, ..Default::default() };
    let tls = TestApp::with_config(config).await;
    let res = tls.http.get(tls.url("/")).send().await.unwrap();
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
    tls.add_user("admin.tls", "admin", "33.20", crate::common::PASSWORD).await;
    let res = tls
        .http
        .post(tls.url("/api/v1/login"))
        .json(&serde_json::json!({"username": "admin.tls", "password": crate::common::PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite"),
        "{cookie}"
    );
}

#[tokio::test]
async fn openapi_describes_every_api_route() {
    let app = TestApp::sqlite().await;
    let (status, doc) = app.get_json("/api/openapi.json", None).await;
    assert_eq!(status, 200);
    let paths = doc["paths"].as_object().unwrap();
    let routes = [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/openapi.json",
        "/api/v1/offices",
        "/api/v1/services",
        "/api/v1/services/{id}",
        "/api/v1/regions",
        "/api/v1/regions/{id}",
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/me",
        "/api/v1/offices/{code}/settings",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/applications",
        "/api/v1/track/{code}",
        "/api/v1/track/{code}/actions",
        "/api/v1/worklist",
        "/api/v1/supervisor",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/timeline",
        "/api/v1/cases/{id}/actions",
        "/api/v1/notifications",
        "/",
        "/offices/{code}",
        "/services/{id}",
        "/login",
        "/logout",
        "/admin/office",
    ];
    for p in routes {
        assert!(paths.contains_key(p), "{p} missing from OpenAPI");
    }
    // Every documented path is served (no 404 for the route itself).
    for (p, item) in paths {
        let concrete = p.replace("{id}", "1").replace("{code}", "73");
        for method in item.as_object().unwrap().keys() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app.http.request(m, app.url(&concrete)).send().await.unwrap();
            let status = res.status();
            assert_ne!(status, 405, "{method} {p} is documented but not routed");
            // Our own 404s explain themselves; the router's bare 404 means no such route.
            let body = res.text().await.unwrap();
            assert!(status != 404 || !body.is_empty(), "{method} {p} is documented but not routed");
        }
    }
    // And each public GET without parameters answers.
    for (p, item) in paths {
        let needs_login = item["get"]["responses"].get("401").is_some()
            || p.starts_with("/admin/")
            || p.starts_with("/staff")
            || p.starts_with("/akun/")
            || *p == "/lembaga"
            || p.starts_with("/perjanjian")
            || *p == "/stok"
            || *p == "/register"
            || *p == "/legalisasi"
            || *p == "/antrian/panggil"
            || *p == "/kios"
            || *p == "/pengaduan/catat"
            || *p == "/pengaduan/rekap"
            || *p == "/survei/kertas"
            || p.starts_with("/dasbor")
            || *p == "/kinerja";
        let required =
            item["get"]["parameters"].as_array().is_some_and(|ps| ps.iter().any(|x| x["required"] == true));
        if item.get("get").is_some() && !p.contains('{') && !needs_login && !required {
            assert!(app.http.get(app.url(p)).send().await.unwrap().status().is_success(), "{p}");
        }
    }
}

/// The generated document keeps every operation and status of the contract
/// (it may add), every response schema it references exists, and the
/// schemas come from the types: a field of a view appears in its schema.
#[tokio::test]
async fn openapi_keeps_the_contract() {
    let app = TestApp::sqlite().await;
    let (_, doc) = app.get_json("/api/openapi.json", None).await;
    assert_eq!(doc["openapi"], "3.1.0");
    for line in include_str!("openapi-contract.txt").lines().filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut words = line.split_whitespace();
        let (method, path) = (words.next().unwrap().to_lowercase(), words.next().unwrap());
        let op = &doc["paths"][path][&method];
        assert!(op.is_object(), "{method} {path} dropped from OpenAPI");
        for status in words {
            assert!(op["responses"].get(status).is_some(), "{method} {path}: status {status} dropped");
        }
        for name in path.split('{').skip(1).filter_map(|r| r.split_once('}').map(|(n, _)| n)) {
            let declared =
                op["parameters"].as_array().unwrap().iter().any(|p| p["name"] == name && p["in"] == "path");
            assert!(declared, "{method} {path}: path parameter {name} undeclared");
        }
    }
    // Every `$ref` points at a schema that exists.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for piece in text.split("\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling reference to {name}");
    }
    // Generated from the types the handlers return and read.
    let props =
        |name: &str| schemas[name]["properties"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for field in ["tracking_code", "status", "current_step", "version", "due_at", "sla"] {
        assert!(props("CaseSummary").contains(&field.to_string()), "CaseSummary.{field}");
    }
    for field in ["items", "total", "page", "per_page", "per_service"] {
        assert!(props("WorklistView").contains(&field.to_string()), "WorklistView.{field}");
    }
    assert!(props("Action").contains(&"expected_version".to_string()));
    assert!(props("Application").contains(&"applicant".to_string()));
    assert!(props("Error").contains(&"error".to_string()));
    let status = &schemas["Status"];
    assert!(status.to_string().contains("in_progress"), "Status enum: {status}");
    let worklist = &doc["paths"]["/api/v1/worklist"]["get"];
    let query: Vec<&str> = worklist["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(query, ["service", "status", "channel", "unit", "from", "to", "page", "per_page", "format"]);
}

#[tokio::test]
async fn regions_are_served() {
    let app = TestApp::sqlite().await;
    let (_, provinces) = app.get_json("/api/v1/regions", None).await;
    assert_eq!(provinces.as_array().unwrap().len(), 38);
    let (status, r) = app.get_json("/api/v1/regions/62.71", None).await;
    assert_eq!((status, r["name"].as_str()), (200, Some("Kota Palangkaraya")));
    assert_eq!(app.get_json("/api/v1/regions/00.00", None).await.0, 404);
}

/// Copies `standards/` to a temporary folder so a test can edit it.
fn standards_copy() -> store::testing::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.path().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let dir = store::testing::TempDir::new("standards");
    copy(&crate::common::standards_dir(), &dir.0);
    dir
}

#[tokio::test]
async fn an_office_sets_its_letter_numbers_and_a_bad_pattern_is_refused() {
    let app = TestApp::sqlite().await;
    let dir = standards_copy();
    let office = dir.0.join("33.20/office.toml");
    let base = std::fs::read_to_string(&office).unwrap();
    std::fs::write(
        &office,
        format!("{base}\n[numbering]\nsurat_keterangan_keabsahan = \"474/{{seq}}/SKK/{{year}}\"\n"),
    )
    .unwrap();
    let catalog = app::Catalog::load(app.db.store.as_ref()).await.unwrap().with_templates(&dir.0).unwrap();
    let p = catalog.pattern("33.20", "surat_keterangan_keabsahan").unwrap();
    assert_eq!(
        p.format(5, chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), "33.20"),
        "474/5/SKK/2026"
    );
    assert!(catalog.pattern("73", "surat_keterangan_keabsahan").is_none());
    std::fs::write(
        &office,
        format!("{base}\n[numbering]\nsurat_keterangan_keabsahan = \"474/SKK/{{year}}\"\n"),
    )
    .unwrap();
    let err = app::Catalog::load(app.db.store.as_ref())
        .await
        .unwrap()
        .with_templates(&dir.0)
        .unwrap_err()
        .to_string();
    assert!(err.contains("office.toml") && err.contains("{seq}"), "{err}");
}

/// Two types with one name would share one schema in the OpenAPI document
/// (utoipa names a schema by its type's name), so one endpoint would be
/// documented with the other's shape — schemathesis found the queue's
/// board described as the compliance board. Every schema type has its
/// own name.
#[test]
fn schema_types_have_distinct_names() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut clashes = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("tests") {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && path.to_string_lossy().contains("/src/")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut derives_schema = false;
                // `#[schema(as = Name)]` names the schema itself.
                let mut named: Option<String> = None;
                for line in text.lines().map(str::trim) {
                    if line.starts_with("#[derive(") {
                        derives_schema = line.contains("ToSchema");
                        named = None;
                    } else if let Some(rest) = line.strip_prefix("#[schema(as = ") {
                        named = Some(rest.trim_end_matches(")]").to_string());
                    } else if derives_schema
                        && (line.starts_with("pub struct ")
                            || line.starts_with("pub enum ")
                            || line.starts_with("struct ")
                            || line.starts_with("enum "))
                    {
                        let name = line
                            .split_whitespace()
                            .find(|w| !matches!(*w, "pub" | "struct" | "enum"))
                            .unwrap();
                        let name = named.take().unwrap_or_else(|| {
                            name.trim_end_matches(['{', ';', '(']).split('<').next().unwrap().to_string()
                        });
                        let here = path.display().to_string();
                        if let Some(first) = seen.insert(name.clone(), here.clone()) {
                            clashes.push(format!("{name}: {first} and {here}"));
                        }
                        derives_schema = false;
                    } else if !line.starts_with("#[") && !line.starts_with("///") {
                        derives_schema = false;
                    }
                }
            }
        }
    }
    assert!(seen.len() > 50, "found only {} schema types", seen.len());
    assert!(clashes.is_empty(), "schema names used twice:\n{}", clashes.join("\n"));
}
