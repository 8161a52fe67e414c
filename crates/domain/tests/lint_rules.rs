//! Each lint rule fails on a file broken in exactly that way. The broken
//! files are made from the shipped Musi Banyuasin SOP by one edit each.

use domain::lint::{Finding, Severity, lint};

fn muba() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../standards/16.06/ktp-el.toml");
    std::fs::read_to_string(path).unwrap()
}

fn errors_of(text: &str) -> Vec<Finding> {
    let (_, findings) = lint(text, Some(("16.06", "ktp-el")));
    findings.into_iter().filter(|f| f.severity == Severity::Error).collect()
}

/// The messages of the errors of `text` as `standards/<office>/<service>.toml`.
fn error_messages(text: &str, office: &str, service: &str) -> Vec<String> {
    let (_, findings) = lint(text, Some((office, service)));
    findings.into_iter().filter(|f| f.severity == Severity::Error).map(|f| f.message).collect()
}

fn one_error(text: &str, needle: &str) -> Finding {
    let errs = errors_of(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].message.contains(needle), "{:?} lacks {needle:?}", errs[0].message);
    errs[0].clone()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_original_is_clean() {
    assert!(errors_of(&muba()).is_empty());
}

#[test]
fn a_schema_error_names_its_line() {
    let text = muba().replace("version = 2", "version = \"one\"");
    let f = one_error(&text, "invalid type");
    assert_eq!(f.line, line_of(&text, "version = \"one\""));
}

#[test]
fn an_unknown_role_is_an_error_at_its_line() {
    let text = muba().replacen("actor = \"validator\"", "actor = \"kabid\"", 1);
    let f = one_error(&text, "unknown role `kabid`");
    assert_eq!(f.line, line_of(&text, "actor = \"kabid\""));
}

#[test]
fn steps_that_do_not_add_up_say_by_how_much() {
    let text = muba().replacen("duration = \"3 menit\"", "duration = \"8 menit\"", 1);
    let f =
        one_error(&text, "steps add up to 35 menit but the stated total is 30 menit (differ by +5 menit)");
    assert_eq!(f.line, line_of(&text, "total = \"30 menit\""));
}

#[test]
fn an_sop_step_without_duration_or_output_is_incomplete() {
    let text = muba().replacen("duration = \"3 menit\"\n", "", 1);
    one_error(&text, "step 6 (`6`): an SOP step states its duration");
    let text = muba().replacen("output = \"Berkas pemohon\"\n", "", 1);
    one_error(&text, "step 1 (`1`): an SOP step states its output");
}

#[test]
fn a_standar_pelayanan_needs_all_fourteen_components() {
    let text = muba()
        .replace("kind = \"sop\"", "kind = \"standar_pelayanan\"")
        .replace("sarana = \"tidak dinyatakan\"\n", "");
    one_error(&text, "component `sarana`");
}

#[test]
fn unknown_and_empty_components_are_errors() {
    one_error(
        &muba().replace("biaya = \"tidak dinyatakan\"", "tarif = \"Gratis\""),
        "unknown component `tarif`",
    );
    one_error(
        &muba().replace("biaya = \"tidak dinyatakan\"", "biaya = \"  \""),
        "component `biaya` is empty",
    );
}

#[test]
fn untimed_steps_are_warnings_not_errors() {
    let text = muba().replacen("duration = \"2 menit\"", "duration = \"tentatif\"", 1);
    let (_, findings) = lint(&text, Some(("16.06", "ktp-el")));
    assert!(findings.iter().all(|f| f.severity == Severity::Warning), "{findings:#?}");
    assert!(findings.iter().any(|f| f.message.contains("untimed")));
}

#[test]
fn a_file_in_the_wrong_folder_is_caught() {
    let (_, findings) = lint(&muba(), Some(("33.20", "ktp-el")));
    assert!(findings.iter().any(|f| f.message.contains("declares office `16.06`")));
}

#[test]
fn returns_must_go_to_an_earlier_step_and_ids_be_unique() {
    one_error(
        &muba().replacen("returns_to = \"1\"", "returns_to = \"6\"", 1),
        "returns_to `6` is not an earlier step",
    );
    one_error(&muba().replacen("no = \"7\"", "no = \"6\"", 1), "id is used twice");
}

#[test]
fn channels_and_external_parties_are_checked() {
    one_error(&muba().replace("code = \"counter\"", "code = \"fax\""), "unknown channel `fax`");
    let text = muba().replacen("actor = \"kepala_dinas\"", "actor = \"external\"", 1);
    let found: Vec<_> = errors_of(&text).into_iter().map(|f| f.message).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().any(|m| m.contains("an external step names its `party`")), "{found:#?}");
    // An outside body's step records its letter, also when it refuses.
    assert!(
        found.iter().any(|m| m.contains("records its letter (`nomor_surat`, `tanggal_surat`")),
        "{found:#?}"
    );
    let named = text.replacen("actor = \"external\"", "actor = \"external\"\nparty = \"Ditjen Dukcapil\"", 1);
    one_error(&named, "records its letter");
}

#[test]
fn a_clock_start_in_words_needs_its_rule_and_the_rule_a_real_step_or_date() {
    let channel = "code = \"counter\"\nname = \"Loket pelayanan\"\n";
    let words = muba().replacen(channel, &format!("{channel}clock_starts = \"sejak berkas diterima\"\n"), 1);
    assert!(errors_of(&words).is_empty());
    let (_, findings) = lint(&words, Some(("16.06", "ktp-el")));
    let w = findings.iter().find(|f| f.severity == Severity::Warning && f.message.contains("has no rule"));
    assert_eq!(w.map(|f| f.line), Some(line_of(&words, "[[channels]]")), "{findings:#?}");
    let ruled = words.replacen(
        "clock_starts = \"sejak berkas diterima\"\n",
        "clock_starts = \"sejak berkas diterima\"\nstarts = { after_step = \"2\" }\n",
        1,
    );
    let (_, findings) = lint(&ruled, Some(("16.06", "ktp-el")));
    assert!(!findings.iter().any(|f| f.message.contains("has no rule")), "{findings:#?}");
    one_error(&ruled.replace("after_step = \"2\"", "after_step = \"99\""), "starts after step `99`");
    one_error(
        &ruled.replace("{ after_step = \"2\" }", "{ from_field = \"jenis_permohonan\" }"),
        "not a date field",
    );
}

#[test]
fn a_minimal_time_needs_its_reading_and_a_branch_a_recorded_choice() {
    let text = muba().replacen("duration = \"3 menit\"", "duration = \"minimal 3 menit\"", 1);
    let (_, findings) = lint(&text, Some(("16.06", "ktp-el")));
    assert!(
        findings.iter().any(|f| f.severity == Severity::Warning && f.message.contains("has no reading")),
        "{findings:#?}"
    );
    let read = text.replacen(
        "duration = \"minimal 3 menit\"",
        "duration = \"minimal 3 menit\"\nminimal = \"earliest\"",
        1,
    );
    let (_, findings) = lint(&read, Some(("16.06", "ktp-el")));
    assert!(!findings.iter().any(|f| f.message.contains("has no reading")), "{findings:#?}");
    one_error(
        &muba().replacen("duration = \"3 menit\"", "duration = \"3 menit\"\nminimal = \"earliest\"", 1),
        "`minimal` is set but its time is not",
    );
    let branch = read.replacen(
        "minimal = \"earliest\"",
        "minimal = \"earliest\"\nearliest_when = { record = \"cara\", value = \"kirim\" }",
        1,
    );
    one_error(&branch, "earliest_when names `cara` = `kirim`");
}

#[test]
fn an_ending_names_a_value_the_step_records_and_a_known_letter() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../standards/33.20/register-akta-offline.toml");
    let jepara = std::fs::read_to_string(path).unwrap();
    let errors = |text: &str| -> Vec<String> {
        let (_, findings) = lint(text, Some(("33.20", "register-akta-offline")));
        findings.into_iter().filter(|f| f.severity == Severity::Error).map(|f| f.message).collect()
    };
    assert!(errors(&jepara).is_empty(), "{:?}", errors(&jepara));
    let value = jepara.replace("value = \"tidak_ditemukan\"", "value = \"hilang\"");
    assert_eq!(
        errors(&value),
        ["step 6 (`6`): ends_when names `hasil_pencarian` = `hilang`, which the step does not record"]
    );
    let letter =
        jepara.replace("document = \"surat_keterangan_tidak_ditemukan\"", "document = \"surat_hilang\"");
    assert_eq!(errors(&letter), ["step 6 (`6`): ends_when issues `surat_hilang`, which is no document kind"]);
}

#[test]
fn a_disposition_records_whom_and_what_and_prints_its_sheet() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../standards/17/pemanfaatan-data.toml");
    let bengkulu = std::fs::read_to_string(path).unwrap();
    let errors = |text: &str| -> Vec<String> {
        let (_, findings) = lint(text, Some(("17", "pemanfaatan-data")));
        findings.into_iter().filter(|f| f.severity == Severity::Error).map(|f| f.message).collect()
    };
    assert!(errors(&bengkulu).is_empty(), "{:?}", errors(&bengkulu));
    let no_sheet =
        bengkulu.replacen("disposition = true\ndocument = \"lembar_disposisi\"", "disposition = true", 1);
    assert_eq!(
        errors(&no_sheet),
        ["step 2 (`2a`): a disposition records `kepada` and `instruksi` and prints a `lembar_disposisi`"]
    );
}

#[test]
fn an_agreement_step_records_its_validity_and_its_number() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../standards/62.71/pemanfaatan-data.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let errors = |t: &str| error_messages(t, "62.71", "pemanfaatan-data");
    assert_eq!(errors(&text), Vec::<String>::new());
    // The step does not exist.
    let gone = text.replacen("[agreement]\nstep = \"5\"", "[agreement]\nstep = \"55\"", 1);
    assert!(errors(&gone).iter().any(|m| m.contains("names step `55`")), "{:?}", errors(&gone));
    // Row 6 issues no PKS and records neither validity nor number.
    let six = text.replacen("[agreement]\nstep = \"5\"", "[agreement]\nstep = \"6\"", 1);
    let found = errors(&six);
    for code in ["berlaku_mulai", "berlaku_sampai", "mode_akses", "nomor_pks", "tanggal_pks"] {
        assert!(found.iter().any(|m| m.contains(&format!("`{code}`"))), "{code}: {found:?}");
    }
    // An access mode outside the four.
    let modem = text.replacen("\"data_warehouse\"]", "\"modem\"]", 1);
    assert!(errors(&modem).iter().any(|m| m.contains("`modem`")), "{:?}", errors(&modem));
}

#[test]
fn a_refusal_rule_names_a_choice_of_the_form() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../standards/73/penyediaan-data-informasi.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let errors = |t: &str| error_messages(t, "73", "penyediaan-data-informasi");
    assert_eq!(errors(&text), Vec::<String>::new());
    let typo = text.replacen("value = \"data_perseorangan\"", "value = \"perseorangan\"", 1);
    assert!(
        errors(&typo).iter().any(|m| m.contains("refuses_when names `jenis_data` = `perseorangan`")),
        "{:?}",
        errors(&typo)
    );
}

#[test]
fn a_requirement_of_a_step_names_one_of_the_applicants_steps() {
    let at = |step: &str| {
        muba().replacen(
            "name = \"Form F-1.02\"\n",
            &format!("name = \"Form F-1.02\"\nstep = \"{step}\"\n"),
            1,
        )
    };
    assert!(errors_of(&at("7")).is_empty(), "step 7 is the applicant's");
    let e = one_error(&at("2"), "requirement `f102`: step `2` is not one of the applicant's steps");
    assert_eq!(e.line, line_of(&muba(), "code = \"f102\"") - 1, "at its [[requirements]]");
    one_error(&at("99"), "step `99`");
}

/// Found by the standards fuzz target: a hand-over step named before the
/// approval is a finding, not a panic.
#[test]
fn a_stock_hand_over_before_the_approval_is_an_error() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../standards/73/distribusi-blangko.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let errors = |t: &str| error_messages(t, "73", "distribusi-blangko");
    assert_eq!(errors(&text), Vec::<String>::new());
    let early = text.replacen("hand_over_step = \"8\"", "hand_over_step = \"2\"", 1);
    assert!(early != text);
    let found = errors(&early);
    assert!(found.iter().any(|m| m.contains("is the applicant's step after the approval")), "{found:?}");
}
