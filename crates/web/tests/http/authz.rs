//! The authorization matrix: every operation of the OpenAPI document × every role × own
//! office, another office, a disabled account and no login (the test fails if an operation
//! is missing). Allowed callers get exactly the status the route names (its answer, or the
//! field error of a body refused on purpose, so the matrix changes nothing); the rest get
//! 403, 404 where the thing is another office's, or 401 without a login (a page: the login
//! form). An auditor reads but never changes; an institution sees nothing of an office's
//! cases; a Palangka Raya account sees nothing of Muba's. Routes that serve files serve the
//! uploaded file itself.

use crate::common::{PASSWORD, TestApp};
use domain::Role;
use serde_json::{Value, json};

/// Who may call a route.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// Anyone, without a login.
    Public,
    /// Any logged-in account.
    LoggedIn,
    /// These roles of the case's own office.
    Roles(fn(Role) -> bool),
    /// These roles, of any office: the route shows the caller's own office
    /// (checked for leaks below).
    OwnOffice(fn(Role) -> bool),
}

/// Office staff: every role but an institution's.
fn evaluates(r: Role) -> bool {
    matches!(r, Role::KepalaDinas | Role::Validator | Role::Verifikator | Role::Admin | Role::Auditor)
}

fn enters_complaints(r: Role) -> bool {
    matches!(r, Role::ComplaintHandler | Role::Operator)
}

fn staff(r: Role) -> bool {
    r.is_staff()
}

/// Staff who may change a case: everyone but the auditor.
fn actors(r: Role) -> bool {
    r.is_staff() && r != Role::Auditor
}

struct Route {
    method: &'static str,
    path: String,
    body: Option<Value>,
    who: Who,
}

/// A route whose allowed callers get exactly `ok` (routes added since the
/// matrix began say what they answer, not only that they let one in);
/// `form` posts the body as a form, as a page does.
struct Exact {
    route: Route,
    ok: u16,
    form: bool,
}

/// The pre-session form token every request carries as a cookie, so a
/// public form's `csrf` field can match it (double submit).
const FORM: &str = "0123456789abcdef0123456789abcdef";

const SUPERVISORS: &[Role] = &[Role::Validator, Role::KepalaDinas, Role::Admin, Role::Auditor];

const OWN: &str = "16.06";
const OTHER: &str = "62.71";

async fn call(app: &TestApp, r: &Route, token: Option<&str>) -> u16 {
    send(app, r, token, false).await
}

async fn send(app: &TestApp, r: &Route, token: Option<&str>, form: bool) -> u16 {
    let url = app.url(&r.path);
    let mut req = match r.method {
        "GET" => app.http.get(url),
        "POST" => app.http.post(url),
        "PUT" => app.http.put(url),
        m => panic!("method {m}"),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req = req.header("cookie", format!("form_csrf={FORM}"));
    match r.body.as_ref().filter(|b| !b.is_null()) {
        // A page's multipart form: each field a text part.
        Some(Value::Object(fields)) if form && fields.contains_key("multipart") => {
            let mut parts = reqwest::multipart::Form::new();
            for (k, v) in fields.iter().filter(|(k, _)| *k != "multipart") {
                parts = parts.text(k.clone(), v.as_str().unwrap_or_default().to_string());
            }
            req = req.multipart(parts);
        }
        Some(b) if form => req = req.form(b),
        Some(b) => req = req.json(b),
        None => {}
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_route_for_every_role_and_office() {
    let config = web::Config { login_per_minute: 10_000, public_per_minute: 10_000, ..Default::default() };
    let app = TestApp::with_config(config).await;
    // One account per role in the case's office and in another office.
    let mut tokens = Vec::new();
    for role in Role::ALL {
        for office in [OWN, OTHER] {
            let name = format!("{role}.{office}");
            app.add_user(&name, role.as_str(), office, PASSWORD).await;
            tokens.push((role, office, app.token(&name, PASSWORD).await.0));
        }
    }
    // The own office's institution account belongs to a verified
    // institution (the others are bare `lembaga` accounts).
    let bank = store::NewInstitution {
        office: OWN.into(),
        name: "PT Bank Uji".into(),
        kind: domain::InstitutionKind::Swasta,
        legal_basis: "Akta 1/2020".into(),
        address: "Sekayu".into(),
        officer_name: "Rina".into(),
        officer_position: "Kepatuhan".into(),
        email: "rina@bank.example".into(),
        phone: "0714 1".into(),
    };
    let account = store::NewUser {
        username: "bank.16.06".into(),
        display_name: "Rina".into(),
        password_hash: app::accounts::hash_password(PASSWORD).unwrap(),
        role: Role::Lembaga,
        office: OWN.into(),
        unit: None,
        nip: None,
    };
    let (inst, _) = app.db.store.register_institution(&bank, &account).await.unwrap();
    let slot = tokens.iter().position(|(r, o, _)| *r == Role::Lembaga && *o == OWN).unwrap();
    tokens[slot].2 = app.token("bank.16.06", PASSWORD).await.0;
    let token_of = |role: Role, office: &str| {
        tokens.iter().find(|(r, o, _)| *r == role && *o == office).map(|t| t.2.clone()).unwrap()
    };
    // A counter application at Muba, with its receipt.
    let application = json!({
        "service": "16.06-ktp-el", "channel": "counter",
        "applicant": {"name": "Siti Aminah", "nik": "1606015708900001"},
        "fields": {"jenis_permohonan": "rekam"}
    });
    let form = reqwest::multipart::Form::new()
        .text("application", application.to_string())
        .part("file.f102", reqwest::multipart::Part::bytes(crate::common::pdf()).file_name("f102.pdf"));
    let res = app
        .http
        .post(app.url("/api/v1/applications"))
        .bearer_auth(token_of(Role::Operator, OWN))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.unwrap();
    let (id, code) =
        (receipt["id"].as_i64().unwrap(), receipt["tracking_code"].as_str().unwrap().to_string());
    let doc = app.db.store.case_documents(id).await.unwrap()[0].code.clone();
    let file = app.db.store.case_files(id).await.unwrap()[0].id;
    // The bank is verified (its verification case stands in as the Muba
    // case here) and applies by letter: a case of its own, with a receipt.
    app.db.store.set_institution_case(inst.id, id).await.unwrap();
    app.db.store.decide_institution("test", id, true).await.unwrap();
    let by_letter = json!({"service": "16.06-ktp-el", "channel": "counter",
        "fields": {"jenis_permohonan": "rekam"}, "letter": {"number": "1/BU/2026", "date": "2026-11-02"}});
    let (s, own) =
        app.post_json("/api/v1/applications", Some(&token_of(Role::Lembaga, OWN)), &by_letter).await;
    assert_eq!(s, 201, "{own}");
    let own_case = own["id"].as_i64().unwrap();
    let own_doc = app.db.store.case_documents(own_case).await.unwrap()[0].code.clone();
    // The bank's case signs an agreement (as a PKS step would).
    let c = app.db.store.case(own_case).await.unwrap().unwrap();
    let signs = store::CaseUpdate {
        change: store::CaseChange::from_case(&c),
        journal: store::NewJournal {
            actor: "test".into(),
            action: "note".into(),
            to_status: c.status.as_str().into(),
            ..Default::default()
        },
        agreement: Some(store::NewAgreement {
            office: OWN.into(),
            case_id: own_case,
            institution_id: Some(inst.id),
            party: "PT Bank Uji".into(),
            access_mode: "web_service".into(),
            pks_number: "119/PKS/2026".into(),
            pks_date: "2026-11-02".into(),
            starts_on: "2026-11-02".into(),
            ends_on: "2031-11-01".into(),
            actor: "test".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    app.db.store.update_case(own_case, c.version, signs).await.unwrap();
    let agreement = app.db.store.agreement_of_case(own_case).await.unwrap().unwrap().id;
    let some_user = app.db.store.users(Some(OWN)).await.unwrap()[0].id;
    let nik = json!({"nik": "1606015708900001"});
    let res =
        app.http.post(app.url(&format!("/api/v1/track/{code}/access-log"))).json(&nik).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let request = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let exact = |method, path: String, body: Value, who, ok, form| Exact {
        route: Route { method, path, body: Some(body), who },
        ok,
        form,
    };
    let get = |path: String, who, ok| exact("GET", path, Value::Null, who, ok, false);
    let supervisors = Who::OwnOffice(|r| SUPERVISORS.contains(&r));
    let revokers = Who::Roles(|r| matches!(r, Role::KepalaDinas | Role::Validator | Role::Admin));
    let admin_or_auditor = |r| matches!(r, Role::Admin | Role::Auditor);
    let mut routes = vec![
        get("/api/v1/offices".into(), Who::Public, 200),
        get("/api/v1/services".into(), Who::Public, 200),
        get("/api/v1/services/16.06-ktp-el".into(), Who::Public, 200),
        get("/api/v1/regions?parent=16".into(), Who::Public, 200),
        get(format!("/api/v1/track/{code}"), Who::Public, 200),
        get(format!("/api/v1/documents/{doc}/verify"), Who::Public, 200),
        get("/api/v1/me".into(), Who::LoggedIn, 200),
        get(format!("/api/v1/cases/{id}"), Who::Roles(staff), 200),
        get(format!("/api/v1/cases/{id}/timeline"), Who::Roles(staff), 200),
        get(format!("/api/v1/cases/{id}/documents"), Who::Roles(staff), 200),
        get(format!("/api/v1/cases/{id}/files/{file}"), Who::Roles(staff), 200),
        get(format!("/api/v1/documents/{doc}/pdf"), Who::Roles(staff), 200),
        get("/api/v1/supervisor".into(), supervisors, 200),
        get(format!("/api/v1/users?office={OWN}"), Who::Roles(admin_or_auditor), 200),
        get(format!("/api/v1/users/{some_user}"), Who::Roles(admin_or_auditor), 200),
        // The staff pages, as a browser with a session would get them.
        get("/staff".into(), Who::OwnOffice(staff), 200),
        get(format!("/staff/cases/{id}"), Who::Roles(staff), 200),
        get(format!("/staff/cases/{id}/files/{file}"), Who::Roles(staff), 200),
        get(format!("/staff/cases/{id}/receipt"), Who::Roles(staff), 200),
        get(format!("/staff/documents/{doc}/pdf"), Who::Roles(staff), 200),
        get("/staff/intake".into(), Who::OwnOffice(|r| r == Role::Operator), 200),
        get("/staff/intake/16.06-ktp-el".into(), Who::Roles(|r| r == Role::Operator), 200),
        get("/staff/supervisor".into(), supervisors, 200),
        get("/staff/outbox".into(), Who::OwnOffice(staff), 200),
        get("/admin/office".into(), Who::OwnOffice(|r| r == Role::Admin), 200),
        get("/admin/users".into(), Who::OwnOffice(admin_or_auditor), 200),
        get("/api/v1/outages".into(), Who::OwnOffice(staff), 200),
        // Bodies an admin gets past the checks with (a refused field, an
        // unknown outage), so the matrix changes nothing.
        exact(
            "POST",
            "/api/v1/users".into(),
            json!({"username": "baru", "role": "operator", "password": "pendek"}),
            Who::OwnOffice(|r| r == Role::Admin),
            422,
            false,
        ),
        // Turning one's own account off is refused.
        exact(
            "PUT",
            format!("/api/v1/users/{some_user}/active"),
            json!({"active": false}),
            Who::Roles(|r| r == Role::Admin),
            422,
            false,
        ),
        exact(
            "POST",
            "/api/v1/outages".into(),
            json!({"reason": ""}),
            Who::OwnOffice(|r| r == Role::Admin),
            422,
            false,
        ),
        exact(
            "POST",
            "/api/v1/outages/999/end".into(),
            json!({}),
            Who::OwnOffice(|r| r == Role::Admin),
            404,
            false,
        ),
        exact("POST", format!("/api/v1/track/{code}/access-log"), nik.clone(), Who::Public, 201, false),
        get(
            "/api/v1/data-requests".into(),
            Who::OwnOffice(|r| matches!(r, Role::Ppid | Role::Admin | Role::Auditor)),
            200,
        ),
        exact(
            "POST",
            format!("/api/v1/data-requests/{request}/export"),
            json!({}),
            Who::Roles(|r| matches!(r, Role::Ppid | Role::Admin)),
            200,
            false,
        ),
        exact(
            "PUT",
            format!("/api/v1/offices/{OWN}/settings"),
            json!({}),
            Who::Roles(|r| r == Role::Admin),
            200,
            false,
        ),
        // An empty reason is refused by field (the document stays valid).
        exact("POST", format!("/api/v1/documents/{doc}/revoke"), json!({"reason": ""}), revokers, 422, false),
        // A verified institution applies too (here refused for want of its
        // letter), and a village kiosk of the office.
        exact(
            "POST",
            "/api/v1/applications".into(),
            json!({"service": "16.06-ktp-el", "channel": "counter", "applicant": {"name": ""}}),
            Who::Roles(|r| matches!(r, Role::Operator | Role::Lembaga | Role::Desa)),
            422,
            false,
        ),
    ];
    // `some_user` is the own office's admin (first by name): a reset of
    // one's own password is refused (422), an unlock is harmless.
    let admin_only = Who::Roles(|r| r == Role::Admin);
    routes.extend([
        exact("PUT", format!("/api/v1/users/{some_user}"), json!({}), admin_only, 422, false),
        exact("POST", format!("/api/v1/users/{some_user}/password-reset"), json!({}), admin_only, 422, false),
        exact("POST", format!("/api/v1/users/{some_user}/unlock"), json!({}), admin_only, 200, false),
        exact(
            "PUT",
            "/api/v1/me/password".into(),
            json!({"current": "bukan kata sandinya", "password": "kata sandi baru yang panjang"}),
            Who::LoggedIn,
            422,
            false,
        ),
        exact("GET", "/akun/sandi".into(), Value::Null, Who::LoggedIn, 200, false),
        exact(
            "POST",
            format!("/admin/users/{some_user}/change"),
            json!({"csrf": "-", "change": "unlock"}),
            admin_only,
            303,
            true,
        ),
        exact(
            "POST",
            "/akun/sandi".into(),
            json!({"csrf": "-", "current": "bukan kata sandinya", "password": "kata sandi baru yang panjang"}),
            Who::LoggedIn,
            422,
            true,
        ),
    ]);

    let lembaga = Who::Roles(|r| r == Role::Lembaga);
    let registration = json!({"office": "99.99", "name": "X", "kind": "swasta", "legal_basis": "-",
        "address": "-", "officer_name": "-", "officer_position": "-", "email": "a@b.id", "phone": "1",
        "username": "x.bank", "password": "kata sandi yang panjang"});
    routes.extend([
        exact("POST", "/api/v1/institutions".into(), registration, Who::Public, 422, false),
        exact(
            "GET",
            "/api/v1/acting".into(),
            Value::Null,
            Who::OwnOffice(|r| matches!(r, Role::Admin | Role::Auditor)),
            200,
            false,
        ),
        exact(
            "POST",
            "/api/v1/acting".into(),
            json!({"username": "nobody", "role": "kepala_dinas", "kind": "plt",
            "starts_on": "2026-12-01", "ends_on": "2026-12-02"}),
            Who::OwnOffice(|r| r == Role::Admin),
            422,
            false,
        ),
        exact(
            "POST",
            "/admin/acting".into(),
            json!({"csrf": "-", "username": "nobody", "role": "kepala_dinas", "kind": "plt",
            "starts_on": "2026-12-01", "ends_on": "2026-12-02"}),
            Who::OwnOffice(|r| r == Role::Admin),
            422,
            true,
        ),
        exact(
            "GET",
            format!("/api/v1/institutions?office={OWN}"),
            Value::Null,
            Who::Roles(staff),
            200,
            false,
        ),
        exact(
            "GET",
            format!("/api/v1/institutions/{}", inst.id),
            Value::Null,
            Who::Roles(|r| r.is_staff() || r == Role::Lembaga),
            200,
            false,
        ),
        exact(
            "GET",
            format!("/api/v1/institutions/{}/access-log?semester=2026-2", inst.id),
            Value::Null,
            Who::Roles(|r| matches!(r, Role::Lembaga | Role::Admin | Role::Auditor | Role::KepalaDinas | Role::Ppid)),
            200,
            false,
        ),
        exact("GET", "/api/v1/my/cases".into(), Value::Null, lembaga, 200, false),
        exact("GET", format!("/api/v1/my/cases/{own_case}"), Value::Null, lembaga, 200, false),
        exact(
            "GET",
            format!("/api/v1/my/cases/{own_case}/documents/{own_doc}"),
            Value::Null,
            lembaga,
            200,
            false,
        ),
        // The agreement register: each account its own office's, or its institution's.
        // (A village kiosk's account has none.)
        exact("GET", "/api/v1/agreements".into(), Value::Null, Who::OwnOffice(|r| r != Role::Desa), 200, false),
        exact("GET", "/perjanjian".into(), Value::Null, Who::OwnOffice(|r| r != Role::Desa), 200, false),
        // The kiosk pages: the office's village kiosk accounts only.
        exact("GET", "/kios".into(), Value::Null, Who::OwnOffice(|r| r == Role::Desa), 200, false),
        exact("GET", format!("/api/v1/agreements/{agreement}"), Value::Null, Who::Roles(|r| r.is_staff() || r == Role::Lembaga), 200, false),
        exact("GET", format!("/perjanjian/{agreement}"), Value::Null, Who::Roles(|r| r.is_staff() || r == Role::Lembaga), 200, false),
        // Invalid bodies (422): what the ministry issued is recorded by these roles only.
        exact(
            "POST",
            format!("/api/v1/agreements/{agreement}/user-ids"),
            json!({"user_id": "", "environment": "development", "issued_on": "2026-11-02", "endpoint": "10.0.0.1"}),
            Who::Roles(|r| matches!(r, Role::Verifikator | Role::Validator | Role::KepalaDinas | Role::Admin)),
            422,
            false,
        ),
        exact(
            "POST",
            format!("/api/v1/agreements/{agreement}/ministry-letters"),
            json!({"number": "", "date": "2026-11-02", "decision": "revoke_agreement"}),
            Who::Roles(|r| matches!(r, Role::Verifikator | Role::Validator | Role::KepalaDinas | Role::Admin)),
            422,
            false,
        ),
        exact(
            "POST",
            format!("/api/v1/agreements/{agreement}/renewal"),
            json!({"number": "", "date": "2026-11-02"}),
            Who::Roles(|r| matches!(r, Role::Operator | Role::Lembaga)),
            422,
            false,
        ),
        exact(
            "POST",
            format!("/api/v1/agreements/{agreement}/suspension-recommendation"),
            json!({"reason": "laporan semester tidak disampaikan"}),
            // Nothing is missing here, so the Kepala Dinas is refused with 422.
            Who::Roles(|r| r == Role::KepalaDinas),
            422,
            false,
        ),
        exact("GET", "/api/v1/compliance".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        // The NIK batch: staff who handle personal data, of any office (the body is checked as CSV text).
        exact("POST", "/api/v1/nik/batch".into(), json!("nik"), Who::OwnOffice(|r| r.handles_personal_data()), 200, false),
        exact("GET", "/perjanjian/kepatuhan".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        // The blanko stock: an office's staff read it; its keepers record by hand (a bad quantity: 422).
        exact("GET", "/api/v1/stock".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", format!("/api/v1/stock?office={OWN}"), Value::Null, Who::Roles(staff), 200, false),
        exact(
            "POST",
            "/api/v1/stock/movements".into(),
            json!({"office": OWN, "kind": "receipt", "quantity": 0, "reason": "uji", "source_document": "BAST 1"}),
            Who::Roles(|r| matches!(r, Role::Operator | Role::Verifikator | Role::Admin)),
            422,
            false,
        ),
        exact("GET", "/api/v1/stock/overview".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", "/stok".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        // The register index: the office's staff search their own; its admin imports.
        exact("GET", "/api/v1/register?name=siti".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", "/register?name=siti".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", "/api/v1/legalisations".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", "/api/v1/reports/kiosks".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", "/api/v1/canned-answers".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        // The queue: the counter staff call (nobody waits: 404); the board is public.
        exact("POST", "/api/v1/queue/call".into(), json!({"counter": "Loket 1"}), Who::OwnOffice(|r| matches!(r, Role::Operator | Role::Verifikator)), 404, false),
        exact("GET", "/antrian/panggil".into(), Value::Null, Who::OwnOffice(|r| matches!(r, Role::Operator | Role::Verifikator)), 200, false),
        exact("GET", "/legalisasi".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("POST", "/api/v1/register/import".into(), json!("jenis_akta,nomor_akta"), Who::OwnOffice(|r| r == Role::Admin), 200, false),
        // Slots: the office's staff list them; its schedulers offer (Muba's KTP-el books none: 422)
        // and book (the case is not at a booking step: 422).
        exact("GET", format!("/api/v1/slots?service={OWN}-ktp-el"), Value::Null, Who::Roles(staff), 200, false),
        exact("GET", "/api/v1/reports/ikd?from=2026-01&to=2026-12".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        // Complaints: anyone files one on the web form (an empty text: 422); the
        // office's complaints officers and operators enter and import the rest
        // (an empty export: 422) and turn a desk question into one (Muba's case
        // is none: 422); its staff read the recap.
        exact("POST", "/api/v1/complaints".into(), json!({"office": OWN, "channel": "web", "text": ""}), Who::Public, 422, false),
        exact("GET", "/pengaduan".into(), Value::Null, Who::Public, 200, false),
        exact("POST", "/api/v1/complaints/lapor".into(), json!({"data": []}), Who::OwnOffice(enters_complaints), 422, false),
        exact("GET", "/pengaduan/catat".into(), Value::Null, Who::OwnOffice(enters_complaints), 200, false),
        exact("POST", "/pengaduan/catat".into(), json!({"csrf": "-", "channel": "kotak_saran", "text": ""}), Who::OwnOffice(enters_complaints), 422, true),
        exact(
            "POST",
            format!("/api/v1/cases/{id}/complaint"),
            Value::Null,
            Who::Roles(|r| matches!(r, Role::Operator | Role::Verifikator | Role::ComplaintHandler)),
            422,
            false,
        ),
        exact("GET", "/api/v1/reports/complaints?month=2026-11".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", "/pengaduan/rekap?month=2026-11".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        // The survey: anyone answers (an unknown service: 422) and reads the
        // IKM; the office's staff enter paper questionnaires (none filled: 422)
        // and download the SKM workbook.
        exact(
            "POST",
            "/api/v1/surveys".into(),
            json!({"service": "-", "answers": {}, "respondent": {"sex": "p", "age_band": "21-30", "education": "s1", "occupation": "pns"}}),
            Who::Public,
            422,
            false,
        ),
        exact("GET", format!("/api/v1/reports/ikm?office={OWN}"), Value::Null, Who::Public, 200, false),
        exact("GET", format!("/ikm/{OWN}"), Value::Null, Who::Public, 200, false),
        exact("GET", "/survei".into(), Value::Null, Who::Public, 200, false),
        exact("GET", format!("/api/v1/reports/skm?office={OWN}"), Value::Null, Who::Roles(staff), 200, false),
        exact("GET", "/survei/kertas".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("POST", "/survei/kertas".into(), json!({"csrf": "-"}), Who::OwnOffice(staff), 422, true),
        // The dashboard for the office's staff; staff performance and the
        // evaluation for the officials who evaluate, the admin and the auditor.
        exact("GET", "/api/v1/dashboard".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        exact("GET", "/dasbor".into(), Value::Null, Who::OwnOffice(staff), 200, false),
        // The roll-up is a province's: neither Muba nor Palangka Raya has one.
        exact("GET", "/api/v1/dashboard/rollup".into(), Value::Null, Who::OwnOffice(|_| false), 200, false),
        exact("GET", "/dasbor/provinsi".into(), Value::Null, Who::OwnOffice(|_| false), 200, false),
        exact("GET", "/api/v1/reports/officers".into(), Value::Null, Who::OwnOffice(evaluates), 200, false),
        exact("GET", "/kinerja".into(), Value::Null, Who::OwnOffice(evaluates), 200, false),
        exact("GET", "/api/v1/reports/evaluation".into(), Value::Null, Who::OwnOffice(evaluates), 200, false),
        // Staff evaluations: read by the evaluators, the admin and the
        // auditor; recorded by the Kepala Dinas and the Kabid (Muba's
        // standards schedule none: 422).
        exact(
            "GET",
            "/api/v1/staff-evaluations".into(),
            Value::Null,
            Who::OwnOffice(|r| matches!(r, Role::KepalaDinas | Role::Validator | Role::Admin | Role::Auditor)),
            200,
            false,
        ),
        exact(
            "POST",
            "/api/v1/staff-evaluations".into(),
            json!({"period": "2026-06", "findings": "x", "actions": "x"}),
            Who::OwnOffice(|r| matches!(r, Role::KepalaDinas | Role::Validator)),
            422,
            false,
        ),
        exact(
            "POST",
            "/kinerja/evaluasi".into(),
            json!({"csrf": "-", "period": "2026-06", "findings": "x", "actions": "x"}),
            Who::OwnOffice(|r| matches!(r, Role::KepalaDinas | Role::Validator)),
            422,
            true,
        ),
        exact(
            "POST",
            "/api/v1/slots".into(),
            json!({"service": format!("{OWN}-ktp-el"), "starts_at": "2030-01-02T09:00", "minutes": 30, "capacity": 5, "meeting_link": "https://zoom.us/j/1"}),
            Who::Roles(|r| matches!(r, Role::Operator | Role::Verifikator | Role::Admin)),
            422,
            false,
        ),
        exact(
            "POST",
            format!("/api/v1/cases/{id}/booking"),
            json!({"slot_id": 1}),
            Who::Roles(|r| matches!(r, Role::Operator | Role::Verifikator | Role::Admin)),
            422,
            false,
        ),
        exact("GET", "/api/v1/keys".into(), Value::Null, Who::Public, 200, false),
        exact("GET", "/api/v1/notifications/failed".into(), Value::Null, Who::OwnOffice(|r| r == Role::Admin), 200, false),
        // No such dead letter: the admin gets past the checks to a 404.
        exact("POST", "/api/v1/notifications/999999/resend".into(), json!({}), Who::OwnOffice(|r| r == Role::Admin), 404, false),
        exact("POST", "/staff/outbox/999999/resend".into(), json!({"csrf": "-"}), Who::OwnOffice(|r| r == Role::Admin), 404, true),
        // A malformed NIK: refused by field before any code is spent.
        exact(
            "POST",
            "/api/v1/my-applications/access-log".into(),
            json!({"nik": "123", "code": "000000", "tracking_code": code}),
            Who::Public,
            422,
            false,
        ),
        // Not returned: nothing to resubmit (422), and nothing changes.
        exact(
            "POST",
            format!("/api/v1/my/cases/{own_case}/actions"),
            json!({"action": "resubmit", "expected_version": 2}),
            lembaga,
            422,
            false,
        ),
    ]);

    // One register entry of the office, to read by id.
    let admin = token_of(Role::Admin, OWN);
    let csv = "jenis_akta,nomor_akta,tahun,nama,nama_ayah,nama_ibu,tempat_peristiwa,tanggal_peristiwa,buku,halaman\n\
               kelahiran,1606-LT-01011990-0042,1990,SUHARTO,KARTO,SUKINAH,Sekayu,1990-01-01,12,34\n";
    let res =
        app.http.post(app.url("/api/v1/register/import")).bearer_auth(&admin).body(csv).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (_, found) = app.get_json("/api/v1/register?name=SUHARTO", Some(&admin)).await;
    let entry = found["hits"][0]["id"].as_i64().unwrap();
    // A second account to log in with through the public login routes.
    app.add_user("matrix.login", "operator", OWN, PASSWORD).await;
    let login = json!({"username": "matrix.login", "password": PASSWORD});
    let login_form = json!({"csrf": FORM, "username": "matrix.login", "password": PASSWORD});
    let public_form = |fields: Value| {
        let mut body = json!({"csrf": FORM});
        body.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        body
    };
    let multipart = |fields: Value| {
        let mut body = public_form(fields);
        body["multipart"] = json!("");
        body
    };
    let own_admin = Who::OwnOffice(|r| r == Role::Admin);
    let operator = Who::Roles(|r| r == Role::Operator);
    let counter = Who::OwnOffice(|r| matches!(r, Role::Operator | Role::Verifikator));
    let keepers = Who::Roles(|r| matches!(r, Role::Operator | Role::Verifikator | Role::Admin));
    routes.extend([
        // The machine's routes and the static files: anyone.
        get("/".into(), Who::Public, 200),
        get("/healthz".into(), Who::Public, 200),
        get("/readyz".into(), Who::Public, 200),
        get("/metrics".into(), Who::Public, 200),
        get("/api/openapi.json".into(), Who::Public, 200),
        get("/static/style.css".into(), Who::Public, 200),
        get("/static/canned.js".into(), Who::Public, 200),
        get("/static/print.js".into(), Who::Public, 200),
        get("/static/refresh.js".into(), Who::Public, 200),
        get("/static/verify.js".into(), Who::Public, 200),
        // The public pages and their forms (each form's token matching its cookie).
        get("/login".into(), Who::Public, 200),
        exact("POST", "/login".into(), login_form, Who::Public, 303, true),
        exact("POST", "/api/v1/login".into(), login, Who::Public, 200, false),
        get(format!("/offices/{OWN}"), Who::Public, 200),
        get("/services/16.06-ktp-el".into(), Who::Public, 200),
        get("/services/33.20-informasi-online/apply".into(), Who::Public, 200),
        exact("POST", "/services/33.20-informasi-online/apply".into(), multipart(json!({})), Who::Public, 422, true),
        get("/track".into(), Who::Public, 200),
        get(format!("/track/{code}"), Who::Public, 200),
        exact("POST", format!("/track/{code}"), multipart(json!({"action": "nope", "nik": "123"})), Who::Public, 422, true),
        exact("POST", format!("/track/{code}/documents/{doc}"), public_form(json!({"nik": "123"})), Who::Public, 422, true),
        exact("POST", format!("/api/v1/track/{code}/actions"), json!({"action": "nope"}), Who::Public, 422, false),
        exact("POST", format!("/api/v1/track/{code}/documents/{doc}"), json!({"nik": "123"}), Who::Public, 422, false),
        get(format!("/verify/{doc}"), Who::Public, 200),
        get("/api/v1/regions/16".into(), Who::Public, 200),
        get("/lembaga/daftar".into(), Who::Public, 200),
        exact("POST", "/lembaga/daftar".into(), public_form(json!({})), Who::Public, 422, true),
        exact("POST", "/pengaduan".into(), public_form(json!({"office": OWN, "text": ""})), Who::Public, 422, true),
        exact("POST", "/survei".into(), public_form(json!({"service": "-"})), Who::Public, 422, true),
        exact("POST", "/api/v1/my-applications/code".into(), json!({"nik": "123"}), Who::Public, 422, false),
        exact("POST", "/api/v1/my-applications".into(), json!({"nik": "123", "code": "000000"}), Who::Public, 422, false),
        // A service that has no queue: refused by field.
        exact(
            "POST",
            "/api/v1/queue/tickets".into(),
            json!({"office": "33.20", "service": "33.20-informasi-online"}),
            Who::Public,
            422,
            false,
        ),
        exact("POST", "/antrian/33.20".into(), public_form(json!({"service": "33.20-informasi-online"})), Who::Public, 422, true),
        get(format!("/antrian/{OWN}/layar"), Who::Public, 200),
        get(format!("/api/v1/queue/{OWN}"), Who::Public, 200),
        // The WhatsApp webhook is off here (no `[whatsapp]`): not found for anyone.
        get("/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1".into(), Who::Public, 404),
        exact("POST", "/api/v1/whatsapp/webhook".into(), json!({}), Who::Public, 404, false),
        // One's own account: its second factor (a code that is not the app's: 422).
        get("/akun/faktor".into(), Who::LoggedIn, 200),
        exact("POST", "/akun/faktor".into(), json!({"csrf": "-", "action": "confirm", "code": "000000"}), Who::LoggedIn, 422, true),
        get("/api/v1/me/second-factor".into(), Who::LoggedIn, 200),
        exact("POST", "/api/v1/me/second-factor/confirm".into(), json!({"code": "000000"}), Who::LoggedIn, 422, false),
        exact("POST", "/api/v1/me/second-factor/recovery-codes".into(), json!({"code": "000000"}), Who::LoggedIn, 422, false),
        // Beginning an enrolment puts nothing in force.
        exact("POST", "/api/v1/me/second-factor".into(), json!({}), Who::LoggedIn, 201, false),
        // An institution's home page: its own account only.
        get("/lembaga".into(), Who::Roles(|r| r == Role::Lembaga), 200),
        // Staff reads.
        get("/api/v1/agenda".into(), Who::OwnOffice(staff), 200),
        get("/api/v1/notifications".into(), Who::OwnOffice(staff), 200),
        get(format!("/api/v1/register/{entry}"), Who::Roles(staff), 200),
        get("/api/v1/stock/reports".into(), Who::OwnOffice(staff), 200),
        get(format!("/api/v1/cases/{id}/participants"), Who::Roles(staff), 200),
        // Staff forms and writes, each refused by field (nothing changes).
        exact("POST", format!("/api/v1/cases/{id}/participants"), json!({"participants": []}), operator, 422, false),
        exact(
            "POST",
            "/api/v1/stock/reports".into(),
            json!({"office": OWN, "month": "x", "printed": 0, "spoiled": 0, "stated_balance": 0, "recap": "x"}),
            keepers,
            422,
            false,
        ),
        exact(
            "POST",
            "/stok".into(),
            json!({"csrf": "-", "office": OWN, "kind": "receipt", "quantity": "0", "reason": "uji", "source_document": "BAST 1"}),
            keepers,
            422,
            true,
        ),
        exact("POST", "/admin/office".into(), json!({"csrf": "-", "maklumat": "", "hours": "bukan jam"}), own_admin, 422, true),
        exact("POST", "/admin/outages".into(), json!({"csrf": "-", "reason": ""}), own_admin, 422, true),
        exact("POST", "/admin/outages/999/end".into(), json!({"csrf": "-"}), own_admin, 404, true),
        exact("POST", "/admin/users".into(), json!({"csrf": "-", "username": "baru", "role": "operator", "password": "pendek"}), own_admin, 422, true),
        exact("POST", format!("/admin/users/{some_user}/active"), json!({"csrf": "-", "active": "0"}), admin_only, 422, true),
        exact("POST", format!("/api/v1/users/{some_user}/second-factor-reset"), json!({}), admin_only, 422, false),
        // Nobody waits: the caller's page says so.
        exact("POST", "/antrian/panggil".into(), json!({"csrf": "-", "counter": "Loket 1"}), counter, 200, true),
        exact("POST", "/register/import".into(), multipart(json!({})), own_admin, 422, true),
        exact("POST", format!("/staff/cases/{id}/action"), json!({"csrf": "-", "action": "note", "note": "", "expected_version": "1"}), Who::Roles(actors), 422, true),
        exact(
            "POST",
            format!("/staff/cases/{id}/complaint"),
            json!({"csrf": "-"}),
            Who::Roles(|r| matches!(r, Role::Operator | Role::Verifikator | Role::ComplaintHandler)),
            422,
            true,
        ),
        exact(
            "POST",
            format!("/staff/documents/{doc}/revoke"),
            json!({"csrf": "-", "case": id, "reason": ""}),
            revokers,
            422,
            true,
        ),
        exact("POST", "/staff/intake/16.06-ktp-el".into(), multipart(json!({"csrf": "-"})), operator, 422, true),
        exact("POST", "/pengaduan/lapor".into(), multipart(json!({"csrf": "-"})), Who::OwnOffice(enters_complaints), 422, true),
        get("/kios/16.06-ktp-el".into(), Who::Roles(|r| r == Role::Desa), 200),
        exact("POST", "/kios/16.06-ktp-el".into(), multipart(json!({"csrf": "-"})), Who::Roles(|r| r == Role::Desa), 422, true),
    ]);

    // Every operation of the OpenAPI document is in the matrix.
    let (_, doc) = app.get_json("/api/openapi.json", None).await;
    let mut unlisted = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().map(|m| m.to_uppercase()) {
            // Checked on their own below: a case action per version, the
            // worklists per office, and logging out (which ends the session).
            let elsewhere = [
                "POST /api/v1/cases/{id}/actions",
                "GET /api/v1/worklist",
                "POST /api/v1/logout",
                "POST /logout",
            ];
            let listed = elsewhere.contains(&format!("{method} {template}").as_str())
                || routes.iter().any(|e| {
                    e.route.method == method
                        && matches_template(e.route.path.split('?').next().unwrap(), template)
                });
            if !listed {
                unlisted.push(format!("{method} {template}"));
            }
        }
    }
    assert!(unlisted.is_empty(), "{} operations not in the matrix:\n{}", unlisted.len(), unlisted.join("\n"));

    // A session of an account turned off afterwards is refused everywhere.
    app.add_user("disabled.op", "operator", OWN, PASSWORD).await;
    let disabled = app.token("disabled.op", PASSWORD).await.0;
    let off = app.db.store.user_for_login("disabled.op").await.unwrap().unwrap().0.id;
    app.db.store.change_user("test", off, &store::UserChange::Active(false)).await.unwrap();

    let mut wrong = Vec::new();
    for Exact { route: r, ok, form } in &routes {
        let call = |app, r, token| send(app, r, token, *form);
        let as_disabled = call(&app, r, Some(&disabled)).await;
        let refused = if r.path.starts_with("/api/") { 401 } else { 303 };
        if !matches!(r.who, Who::Public) && as_disabled != refused {
            wrong.push(format!("{} {} as a disabled account: {as_disabled}", r.method, r.path));
        }
        // Without a login: a public route answers as to anyone; the rest
        // 401 from the API, the login form for a page.
        let anon = call(&app, r, None).await;
        let login = if r.path.starts_with("/api/") { 401 } else { 303 };
        let expect_anon = if matches!(r.who, Who::Public) { *ok } else { login };
        if anon != expect_anon {
            wrong.push(format!("{} {} anonymous: {anon}, not {expect_anon}", r.method, r.path));
        }
        for (role, office, token) in &tokens {
            let allowed = match r.who {
                Who::Public | Who::LoggedIn => true,
                Who::Roles(may) => may(*role) && *office == OWN,
                Who::OwnOffice(may) => may(*role),
            };
            let status = call(&app, r, Some(token)).await;
            // Another office's account or service is not even found there.
            let hidden = r.path.contains("/users/")
                || r.path.starts_with("/staff/intake/")
                || r.path.starts_with("/api/v1/institutions/")
                || r.path.starts_with("/api/v1/my/cases/")
                || r.path.starts_with("/api/v1/agreements/")
                || r.path.starts_with("/perjanjian/")
                || r.path.starts_with("/api/v1/register/")
                || r.path.starts_with("/staff/documents/")
                || r.path.starts_with("/kios/");
            // Another office's case is not found, exactly as a missing one:
            // its ids cannot be counted across offices.
            let foreign_case =
                r.path.contains(&format!("/cases/{id}")) && *office == OTHER && role.is_staff();
            // Allowed: exactly the route's answer. Refused: 403, or 404
            // where the thing is another office's.
            let right = if allowed {
                status == *ok
            } else {
                status == 403 || (status == 404 && (hidden || foreign_case))
            };
            if !right {
                let expected = if allowed { ok.to_string() } else { "refused".into() };
                wrong
                    .push(format!("{} {} as {role} of {office}: {status}, not {expected}", r.method, r.path));
            }
            if foreign_case && status != 404 {
                wrong.push(format!("{} {} as {role} of {office}: {status}, not 404", r.method, r.path));
            }
        }
    }

    // Case actions: a note may be written by the office's staff but never
    // by the auditor, an institution, or another office; each try uses the
    // case's current version, so only the role decides.
    for (role, office, token) in &tokens {
        let version = app.db.store.case(id).await.unwrap().unwrap().version;
        let r = Route {
            method: "POST",
            path: format!("/api/v1/cases/{id}/actions"),
            body: Some(json!({"action": "note", "note": "uji", "expected_version": version})),
            who: Who::Roles(actors),
        };
        let allowed = actors(*role) && *office == OWN;
        let status = call(&app, &r, Some(token)).await;
        let refused = if *office == OTHER && role.is_staff() { 404 } else { 403 };
        if allowed != (status == 200) || (!allowed && status != refused) {
            wrong.push(format!("note as {role} of {office}: {status}"));
        }
    }
    let version = app.db.store.case(id).await.unwrap().unwrap().version;
    let note = json!({"action": "note", "note": "uji", "expected_version": version});
    let anon =
        app.http.post(app.url(&format!("/api/v1/cases/{id}/actions"))).json(&note).send().await.unwrap();
    if anon.status() != 401 {
        wrong.push(format!("note anonymous: {}", anon.status()));
    }

    // Worklists: each account sees its own office only.
    for (role, office, token) in &tokens {
        let (status, v) = app.get_json("/api/v1/worklist", Some(token)).await;
        let has_case = v["items"].as_array().is_some_and(|a| a.iter().any(|c| c["id"] == id));
        match (role.is_staff(), status) {
            (false, 403) => {}
            (true, 200) if *office == OTHER && has_case => {
                wrong.push(format!("worklist of {role} of {office} shows a Muba case"))
            }
            (true, 200) => {}
            _ => wrong.push(format!("worklist as {role} of {office}: {status}")),
        }
    }
    // The supervisor view of another office counts none of Muba's cases.
    for role in SUPERVISORS {
        let (_, v) = app.get_json("/api/v1/supervisor", Some(&token_of(*role, OTHER))).await;
        if v.to_string().contains("ktp-el") {
            wrong.push(format!("supervisor view of {role} of {OTHER} shows Muba's cases: {v}"));
        }
        let (_, mine) = app.get_json("/api/v1/supervisor", Some(&token_of(*role, OWN))).await;
        if !mine.to_string().contains("ktp-el") {
            wrong.push(format!("supervisor view of {role} of {OWN} misses its case: {mine}"));
        }
    }
    // Logging out, as every account (a session of its own, ended) and as nobody.
    for (role, office, _) in &tokens {
        let name = if *role == Role::Lembaga && *office == OWN {
            "bank.16.06".into()
        } else {
            format!("{role}.{office}")
        };
        for (path, ok) in [("/api/v1/logout", 200), ("/logout", 303)] {
            let token = app.token(&name, PASSWORD).await.0;
            let r = Route {
                method: "POST",
                path: path.into(),
                body: Some(json!({"csrf": "-"})),
                who: Who::LoggedIn,
            };
            let status = send(&app, &r, Some(&token), path == "/logout").await;
            let (after, _) = app.get_json("/api/v1/me", Some(&token)).await;
            if (status, after) != (ok, 401) {
                wrong.push(format!("{path} as {role} of {office}: {status}, then /api/v1/me {after}"));
            }
        }
    }
    for (path, expected) in [("/api/v1/logout", 401), ("/logout", 303)] {
        let r =
            Route { method: "POST", path: path.into(), body: Some(json!({"csrf": "-"})), who: Who::LoggedIn };
        let status = send(&app, &r, None, path == "/logout").await;
        if status != expected {
            wrong.push(format!("{path} anonymous: {status}"));
        }
    }
    // A route that serves files serves the uploaded file itself.
    for path in [format!("/api/v1/cases/{id}/files/{file}"), format!("/staff/cases/{id}/files/{file}")] {
        let res =
            app.http.get(app.url(&path)).bearer_auth(token_of(Role::Verifikator, OWN)).send().await.unwrap();
        assert_eq!(res.bytes().await.unwrap().to_vec(), crate::common::pdf(), "{path}");
    }
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
}

/// Whether a concrete path is an instance of an OpenAPI path template
/// (`/api/v1/cases/{id}` and `/api/v1/cases/7`).
fn matches_template(path: &str, template: &str) -> bool {
    let (p, t): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), template.split('/').collect());
    p.len() == t.len() && p.iter().zip(&t).all(|(a, b)| a == b || (b.starts_with('{') && b.ends_with('}')))
}
