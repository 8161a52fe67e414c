//! The engine's decisions on the shipped standards, with no service code:
//! who may do what, where returns go, and what only some steps may do.

use domain::case::{Action, ActionError, CaseView, Clock, Party, Request, Status, decide, start};
use domain::{Role, Standard};

fn load(office: &str, slug: &str) -> Standard {
    let path = format!("{}/../../standards/{office}/{slug}.toml", env!("CARGO_MANIFEST_DIR"));
    Standard::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn staff(role: Role, office: &str) -> Party {
    Party::Staff { username: format!("{role}@{office}"), role, office: office.into() }
}

struct Case {
    office: &'static str,
    channel: &'static str,
    status: Status,
    step: Option<String>,
}

impl Case {
    fn view(&self) -> CaseView<'_> {
        CaseView {
            office: self.office,
            channel: self.channel,
            status: self.status,
            current_step: self.step.as_deref(),
            assignee: None,
        }
    }

    fn act(
        &mut self,
        std: &Standard,
        party: &Party,
        action: Action,
        req: Request<'_>,
    ) -> Result<Clock, ActionError> {
        let t = decide(std, &self.view(), party, action, &req)?;
        self.status = t.status;
        self.step = t.step;
        Ok(t.clock)
    }
}

fn note(n: &str) -> Request<'_> {
    Request { note: Some(n), ..Default::default() }
}

#[test]
fn musi_banyuasin_ktp_el_runs_its_sop() {
    let std = load("16.06", "ktp-el");
    let (first, done) = start(&std, "counter").unwrap();
    assert_eq!((first.as_str(), done), ("2", vec!["1".to_string()]));
    let mut c = Case { office: "16.06", channel: "counter", status: Status::Submitted, step: Some(first) };
    let op = staff(Role::Operator, "16.06");
    let verif = staff(Role::Verifikator, "16.06");

    // A verifikator of Jepara, or of Muba at the operator's step: 403.
    let jepara = staff(Role::Verifikator, "33.20");
    assert!(matches!(c.act(&std, &jepara, Action::Advance, note("x")), Err(ActionError::Forbidden(_))));
    assert!(matches!(c.act(&std, &verif, Action::Advance, note("x")), Err(ActionError::Forbidden(_))));
    assert!(matches!(
        c.act(&std, &staff(Role::Auditor, "16.06"), Action::Note, note("x")),
        Err(ActionError::Forbidden(_))
    ));

    assert_eq!(c.act(&std, &op, Action::Advance, Request::default()), Ok(Clock::StartStep));
    assert_eq!(c.step.as_deref(), Some("3"));
    // Step 3 may not reject; a return needs its reason.
    assert!(matches!(c.act(&std, &verif, Action::Reject, note("x")), Err(ActionError::NotAllowed(_))));
    assert!(matches!(
        c.act(&std, &verif, Action::Return, Request::default()),
        Err(ActionError::Invalid { field: "note", .. })
    ));
    assert_eq!(
        c.act(&std, &verif, Action::Return, note("Form F-1.02 belum ditandatangani")),
        Ok(Clock::Pause)
    );
    assert_eq!((c.status, c.step.as_deref()), (Status::Returned, Some("3")));
    assert!(matches!(
        c.act(&std, &verif, Action::Advance, Request::default()),
        Err(ActionError::NotAllowed(_))
    ));
    // The applicant resubmits (at the counter, the operator for them).
    assert!(matches!(
        c.act(&std, &verif, Action::Resubmit, Request::default()),
        Err(ActionError::Forbidden(_))
    ));
    assert_eq!(c.act(&std, &Party::Applicant, Action::Resubmit, Request::default()), Ok(Clock::Resume));
    assert_eq!((c.status, c.step.as_deref()), (Status::InProgress, Some("3")));

    c.act(&std, &verif, Action::Advance, Request::default()).unwrap();
    c.act(&std, &staff(Role::Validator, "16.06"), Action::Advance, Request::default()).unwrap();
    assert_eq!(c.step.as_deref(), Some("5"));
    c.act(&std, &staff(Role::KepalaDinas, "16.06"), Action::Advance, Request::default()).unwrap();
    c.act(&std, &op, Action::Advance, Request::default()).unwrap();
    assert_eq!(c.step.as_deref(), Some("7"));
    // Step 7 is the applicant's: the operator hands over for them.
    let t = decide(&std, &c.view(), &op, Action::Advance, &Request::default()).unwrap();
    assert!(t.on_behalf);
    assert_eq!((t.status, t.step, t.clock), (Status::Completed, None, Clock::Stop));
}

#[test]
fn only_the_steps_the_seed_allows_may_reject() {
    let std = load("16.06", "ktp-el");
    let mut c =
        Case { office: "16.06", channel: "counter", status: Status::InProgress, step: Some("5".into()) };
    assert!(
        c.act(&std, &staff(Role::KepalaDinas, "16.06"), Action::Reject, note("Dokumen tidak lengkap"))
            .is_ok()
    );
    assert_eq!(c.status, Status::Rejected);
    assert!(matches!(
        c.act(&std, &Party::Applicant, Action::Withdraw, Request::default()),
        Err(ActionError::NotAllowed(_))
    ));
}

#[test]
fn returns_to_an_earlier_staff_step_restart_it() {
    let std = load("16.06", "ktp-el");
    let mut c =
        Case { office: "16.06", channel: "counter", status: Status::InProgress, step: Some("4".into()) };
    let r = Request { note: Some("cek ulang"), to_step: Some("2"), ..Default::default() };
    assert_eq!(c.act(&std, &staff(Role::Validator, "16.06"), Action::Return, r), Ok(Clock::StartStep));
    assert_eq!((c.status, c.step.as_deref()), (Status::InProgress, Some("2")));
    let later = Request { note: Some("x"), to_step: Some("6"), ..Default::default() };
    assert!(matches!(
        c.act(&std, &staff(Role::Operator, "16.06"), Action::Return, later),
        Err(ActionError::Invalid { field: "to_step", .. })
    ));
}

#[test]
fn optional_steps_may_be_passed_over_and_others_not() {
    let std = load("33.20", "legalisir");
    let mut c =
        Case { office: "33.20", channel: "counter", status: Status::InProgress, step: Some("3".into()) };
    let verif = staff(Role::Verifikator, "33.20");
    // 3 → 5 passes over optional 4.
    c.act(&std, &verif, Action::Advance, Request { to_step: Some("5"), ..Default::default() }).unwrap();
    assert_eq!(c.step.as_deref(), Some("5"));
    // 5 → 8 would pass over 7, which is not optional (5 is the signing official's: the Kabid's).
    let kabid = staff(Role::Validator, "33.20");
    let r = c.act(&std, &kabid, Action::Advance, Request { to_step: Some("8"), ..Default::default() });
    assert!(matches!(r, Err(ActionError::Invalid { field: "to_step", .. })), "{r:?}");
}

#[test]
fn outside_parties_are_recorded_by_an_operator() {
    let std = load("62.71", "pemanfaatan-data");
    let (first, _) = start(&std, "counter").unwrap();
    assert_eq!(first, "2", "the Lembaga's letter is the submission");
    let c = Case { office: "62.71", channel: "counter", status: Status::Submitted, step: Some(first) };
    let t = decide(&std, &c.view(), &staff(Role::Operator, "62.71"), Action::Advance, &Request::default())
        .unwrap();
    assert!(t.on_behalf);
    assert!(
        decide(&std, &c.view(), &staff(Role::KepalaDinas, "62.71"), Action::Advance, &Request::default())
            .is_err()
    );
}

#[test]
fn channels_have_their_own_steps_and_unknown_channels_are_refused() {
    let std = load("73", "aktivasi-ikd");
    assert_eq!(start(&std, "online").unwrap().0, "b3");
    assert_eq!(start(&std, "counter").unwrap().0, "a3");
    assert_eq!(start(&std, "jemput_bola").unwrap().0, "c2");
    assert!(matches!(start(&std, "kiosk"), Err(ActionError::Invalid { field: "channel", .. })));
    assert!(matches!(start(&load("33.20", "kios-desa"), "kiosk"), Err(ActionError::NotAllowed(_))));
}

#[test]
fn assignment_names_someone_and_gives_them_the_step() {
    let std = load("33.20", "register-akta-online");
    let c = Case { office: "33.20", channel: "online", status: Status::Submitted, step: Some("2".into()) };
    let kadin = staff(Role::KepalaDinas, "33.20");
    let t = decide(
        &std,
        &c.view(),
        &kadin,
        Action::Assign,
        &Request { assignee: Some("budi"), ..Default::default() },
    )
    .unwrap();
    assert_eq!(t.assignee, Some(Some("budi".to_string())));
    let verif = staff(Role::Verifikator, "33.20");
    assert!(
        decide(
            &std,
            &c.view(),
            &verif,
            Action::Assign,
            &Request { assignee: Some("budi"), ..Default::default() }
        )
        .is_err()
    );
    // The assignee may then do the step although it is not their role's.
    let budi = Party::Staff { username: "budi".into(), role: Role::Verifikator, office: "33.20".into() };
    let view = CaseView { assignee: Some("budi"), ..c.view() };
    assert!(decide(&std, &view, &budi, Action::Advance, &Request::default()).is_ok());
}

#[test]
fn a_jepara_search_that_finds_nothing_ends_at_the_kabid_with_its_own_letter() {
    let std = load("33.20", "register-akta-offline");
    let kabid = staff(Role::Validator, "33.20");
    let at_six =
        || Case { office: "33.20", channel: "counter", status: Status::InProgress, step: Some("6".into()) };
    let found = serde_json::json!({"hasil_pencarian": "ditemukan"});
    let mut c = at_six();
    c.act(&std, &kabid, Action::Advance, Request { data: Some(&found), ..Default::default() }).unwrap();
    assert_eq!((c.status, c.step.as_deref()), (Status::InProgress, Some("7")));
    let nothing = serde_json::json!({"hasil_pencarian": "tidak_ditemukan"});
    let mut c = at_six();
    let clock =
        c.act(&std, &kabid, Action::Advance, Request { data: Some(&nothing), ..Default::default() }).unwrap();
    assert_eq!((c.status, c.step, clock), (Status::Completed, None, Clock::Stop));
    let six = std.steps.iter().find(|s| s.id == "6").unwrap();
    assert_eq!(six.ends_when.as_ref().unwrap().document, "surat_keterangan_tidak_ditemukan");
}
