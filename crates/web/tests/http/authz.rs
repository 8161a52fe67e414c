//! The authorization matrix: every API route and staff page × every role × own office,
//! another office, a disabled account and no login. Allowed requests must get past the
//! checks (any status but 401/403, or exactly the status an `Exact` route names); the
//! rest get 403, or 401 without a login. An auditor reads but never changes; an institution sees nothing
//! of an office's cases; a Palangka Raya account sees nothing of Muba's.

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
    if let Some(b) = r.body.as_ref().filter(|b| !b.is_null()) {
        req = if form { req.form(b) } else { req.json(b) };
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
    let res = app
        .http
        .post(app.url("/api/v1/applications"))
        .bearer_auth(token_of(Role::Operator, OWN))
        .json(&application)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.unwrap();
    let (id, code) =
        (receipt["id"].as_i64().unwrap(), receipt["tracking_code"].as_str().unwrap().to_string());
    let doc = app.db.store.case_documents(id).await.unwrap()[0].code.clone();
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

    let get = |path: String, who| Route { method: "GET", path, body: None, who };
    let routes = vec![
        get("/api/v1/offices".into(), Who::Public),
        get("/api/v1/services".into(), Who::Public),
        get("/api/v1/services/16.06-ktp-el".into(), Who::Public),
        get("/api/v1/regions?parent=16".into(), Who::Public),
        get(format!("/api/v1/track/{code}"), Who::Public),
        get(format!("/api/v1/documents/{doc}/verify"), Who::Public),
        get("/api/v1/me".into(), Who::LoggedIn),
        get(format!("/api/v1/cases/{id}"), Who::Roles(staff)),
        get(format!("/api/v1/cases/{id}/timeline"), Who::Roles(staff)),
        get(format!("/api/v1/cases/{id}/documents"), Who::Roles(staff)),
        get(format!("/api/v1/cases/{id}/files/1"), Who::Roles(staff)),
        get(format!("/api/v1/documents/{doc}/pdf"), Who::Roles(staff)),
        get("/api/v1/supervisor".into(), Who::OwnOffice(|r| SUPERVISORS.contains(&r))),
        get(format!("/api/v1/users?office={OWN}"), Who::Roles(|r| matches!(r, Role::Admin | Role::Auditor))),
        get(format!("/api/v1/users/{some_user}"), Who::Roles(|r| matches!(r, Role::Admin | Role::Auditor))),
        // The staff pages, as a browser with a session would get them.
        get("/staff".into(), Who::OwnOffice(staff)),
        get(format!("/staff/cases/{id}"), Who::Roles(staff)),
        get(format!("/staff/cases/{id}/files/1"), Who::Roles(staff)),
        get(format!("/staff/cases/{id}/receipt"), Who::Roles(staff)),
        get(format!("/staff/documents/{doc}/pdf"), Who::Roles(staff)),
        get("/staff/intake".into(), Who::OwnOffice(|r| r == Role::Operator)),
        get("/staff/intake/16.06-ktp-el".into(), Who::Roles(|r| r == Role::Operator)),
        get("/staff/supervisor".into(), Who::OwnOffice(|r| SUPERVISORS.contains(&r))),
        get("/staff/outbox".into(), Who::OwnOffice(staff)),
        get("/admin/office".into(), Who::OwnOffice(|r| r == Role::Admin)),
        get("/admin/users".into(), Who::OwnOffice(|r| matches!(r, Role::Admin | Role::Auditor))),
        get("/api/v1/outages".into(), Who::OwnOffice(staff)),
        // Bodies an admin gets past the checks with (a refused field, an
        // unknown outage), so the matrix changes nothing.
        Route {
            method: "POST",
            path: "/api/v1/users".into(),
            body: Some(json!({"username": "baru", "role": "operator", "password": "pendek"})),
            who: Who::OwnOffice(|r| r == Role::Admin),
        },
        Route {
            method: "PUT",
            path: format!("/api/v1/users/{some_user}/active"),
            body: Some(json!({"active": true})),
            who: Who::Roles(|r| r == Role::Admin),
        },
        Route {
            method: "POST",
            path: "/api/v1/outages".into(),
            body: Some(json!({"reason": ""})),
            who: Who::OwnOffice(|r| r == Role::Admin),
        },
        Route {
            method: "POST",
            path: "/api/v1/outages/999/end".into(),
            body: Some(json!({})),
            who: Who::OwnOffice(|r| r == Role::Admin),
        },
        Route {
            method: "POST",
            path: format!("/api/v1/track/{code}/access-log"),
            body: Some(nik.clone()),
            who: Who::Public,
        },
        get(
            "/api/v1/data-requests".into(),
            Who::OwnOffice(|r| matches!(r, Role::Ppid | Role::Admin | Role::Auditor)),
        ),
        Route {
            method: "POST",
            path: format!("/api/v1/data-requests/{request}/export"),
            body: Some(json!({})),
            who: Who::Roles(|r| matches!(r, Role::Ppid | Role::Admin)),
        },
        Route {
            method: "PUT",
            path: format!("/api/v1/offices/{OWN}/settings"),
            body: Some(json!({})),
            who: Who::Roles(|r| r == Role::Admin),
        },
        Route {
            method: "POST",
            path: format!("/api/v1/documents/{doc}/revoke"),
            body: Some(json!({"reason": "uji hak akses"})),
            who: Who::Roles(|r| matches!(r, Role::KepalaDinas | Role::Validator | Role::Admin)),
        },
        Route {
            method: "POST",
            path: "/api/v1/applications".into(),
            body: Some(application.clone()),
            // A verified institution applies too (here refused for want of its
            // letter), and a village kiosk of the office.
            who: Who::Roles(|r| matches!(r, Role::Operator | Role::Lembaga | Role::Desa)),
        },
    ];

    let mut routes: Vec<Exact> =
        routes.into_iter().map(|route| Exact { route, ok: 0, form: false }).collect();
    let exact = |method, path: String, body: Value, who, ok, form| Exact {
        route: Route { method, path, body: Some(body), who },
        ok,
        form,
    };
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
        // No login.
        // Without a login: 401 from the API, the login form for a page.
        let anon = call(&app, r, None).await;
        let expect_anon = !matches!(r.who, Who::Public);
        let login = if r.path.starts_with("/api/") { 401 } else { 303 };
        if expect_anon != (anon == login) {
            wrong.push(format!("{} {} anonymous: {anon}", r.method, r.path));
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
                || r.path.starts_with("/perjanjian/");
            // Another office's case is not found, exactly as a missing one:
            // its ids cannot be counted across offices.
            let foreign_case =
                r.path.contains(&format!("/cases/{id}")) && *office == OTHER && role.is_staff();
            let denied = status == 403 || (status == 404 && (hidden || foreign_case));
            if allowed == (denied || status == 401) || (allowed && *ok != 0 && status != *ok) {
                wrong.push(format!("{} {} as {role} of {office}: {status}", r.method, r.path));
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
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
}
