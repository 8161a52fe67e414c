//! The blanko KTP-el stock ledger of an office: append-only movements,
//! each with a reason and the document it rests on, from which the balance
//! is derived. A movement that would take the balance below zero is
//! refused (the store checks it in the movement's own transaction).

use serde::{Deserialize, Serialize};

/// How a service moves stock (Sulsel's blanko distribution): the step that
/// approves an amount (its `approved` record, compared with the `requested`
/// form field: a different amount needs the `reason` record), and the
/// applicant's step that confirms the hand-over of `document` (the BAST),
/// which moves the approved amount from the office to the applicant's
/// office (named by the `receiver` form field: an office under this one)
/// in that step's transaction. In TOML: `[stock]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockRule {
    pub approve_step: String,
    pub approved: String,
    pub requested: String,
    pub reason: String,
    pub receiver: String,
    pub hand_over_step: String,
    pub document: String,
}

/// The approved amount against the request: a positive whole number, and a
/// reason when it differs. Errors name the record (`data.CODE`).
pub fn check_approval(
    rule: &StockRule,
    approved: Option<&str>,
    requested: Option<&str>,
    reason: Option<&str>,
) -> Result<i64, (String, String)> {
    let field = |c: &str| format!("data.{c}");
    let approved = approved
        .and_then(|a| a.trim().parse::<i64>().ok())
        .filter(|a| (1..=MAX_QUANTITY).contains(a))
        .ok_or_else(|| (field(&rule.approved), format!("a number of blanks from 1 to {MAX_QUANTITY}")))?;
    let requested = requested.and_then(|r| r.trim().parse::<i64>().ok());
    let explained = reason.is_some_and(|r| !r.trim().is_empty());
    match requested {
        Some(r) if r != approved && !explained => {
            Err((field(&rule.reason), format!("{approved} approved where {r} were requested: say why")))
        }
        _ => Ok(approved),
    }
}

/// What moved the stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Blanks received from the ministry (Ditjen Dukcapil).
    Receipt,
    /// Blanks handed to a kab/kota office on a signed BAST.
    TransferOut,
    /// Blanks received from the province on a signed BAST.
    TransferIn,
    /// Cards printed (personalised) from blanks.
    Printed,
    /// Blanks spoiled (rusak) in printing or handling.
    Spoiled,
}

impl MovementKind {
    pub const ALL: [MovementKind; 5] = [
        MovementKind::Receipt,
        MovementKind::TransferOut,
        MovementKind::TransferIn,
        MovementKind::Printed,
        MovementKind::Spoiled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receipt => "receipt",
            MovementKind::TransferOut => "transfer_out",
            MovementKind::TransferIn => "transfer_in",
            MovementKind::Printed => "printed",
            MovementKind::Spoiled => "spoiled",
        }
    }

    /// +1 for what comes in, -1 for what goes out.
    pub fn sign(self) -> i64 {
        match self {
            MovementKind::Receipt | MovementKind::TransferIn => 1,
            MovementKind::TransferOut | MovementKind::Printed | MovementKind::Spoiled => -1,
        }
    }

    /// Transfers move only with a BAST's hand-over (both offices at once);
    /// the others an office's staff record themselves.
    pub fn recorded_by_hand(self) -> bool {
        !matches!(self, MovementKind::TransferOut | MovementKind::TransferIn)
    }
}

impl std::str::FromStr for MovementKind {
    type Err = String;
    fn from_str(s: &str) -> Result<MovementKind, String> {
        MovementKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<_> = MovementKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("`{s}` is not a movement (known: {})", known.join(", "))
        })
    }
}

/// A movement as entered, before the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub kind: MovementKind,
    pub quantity: i64,
    pub reason: &'a str,
    pub source_document: &'a str,
    pub serial_from: Option<&'a str>,
    pub serial_to: Option<&'a str>,
}

/// The most blanks one movement may carry (a ministry delivery is tens of
/// thousands; this only stops a mistyped number).
pub const MAX_QUANTITY: i64 = 10_000_000;

/// Checks an entry: a positive quantity, a reason and a source document,
/// and a serial range given whole, its numbers agreeing with the quantity
/// when both ends are numbers of the same form. The error names its field.
pub fn check(e: &Entry) -> Result<(), (&'static str, String)> {
    if e.quantity <= 0 || e.quantity > MAX_QUANTITY {
        return Err(("quantity", format!("a number of blanks from 1 to {MAX_QUANTITY}")));
    }
    if e.reason.trim().is_empty() || e.reason.chars().count() > 500 {
        return Err(("reason", "say why the stock moves (at most 500 characters)".into()));
    }
    if e.source_document.trim().is_empty() || e.source_document.chars().count() > 200 {
        return Err(("source_document", "the document it rests on: a BAST, letter or report number".into()));
    }
    match (e.serial_from.filter(|s| !s.trim().is_empty()), e.serial_to.filter(|s| !s.trim().is_empty())) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(("serial_to", "a serial range has both ends".into())),
        (None, Some(_)) => Err(("serial_from", "a serial range has both ends".into())),
        (Some(from), Some(to)) => check_range(from.trim(), to.trim(), e.quantity),
    }
}

/// `AB000101`–`AB000500` holds 400 blanks: same prefix, numeric tails of
/// the same width, in order. Ranges in another form are kept as written.
fn check_range(from: &str, to: &str, quantity: i64) -> Result<(), (&'static str, String)> {
    let split = |s: &str| {
        let digits = s.chars().rev().take_while(char::is_ascii_digit).count();
        let (prefix, tail) = s.split_at(s.len() - digits);
        (prefix.to_string(), tail.to_string())
    };
    let ((p1, t1), (p2, t2)) = (split(from), split(to));
    if t1.is_empty() || t2.is_empty() || p1 != p2 || t1.len() != t2.len() || t1.len() > 18 {
        return Ok(());
    }
    let (a, b): (i64, i64) = (t1.parse().unwrap_or(0), t2.parse().unwrap_or(0));
    if b < a {
        return Err(("serial_to", format!("the range ends before it starts ({from} > {to})")));
    }
    if b - a + 1 != quantity {
        return Err(("serial_to", format!("{from}–{to} holds {} blanks, not {quantity}", b - a + 1)));
    }
    Ok(())
}

/// `2026-11`: a report month, checked (`field` names it in the error).
pub fn month(text: &str, field: &'static str) -> Result<chrono::NaiveDate, (&'static str, String)> {
    chrono::NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map_err(|_| (field, format!("a month as YYYY-MM, not `{}`", text.trim())))
}

/// The months from `first` up to the one before `current` (each `YYYY-MM`)
/// that have no report in `filed`, oldest first: the monthly reports an
/// office still owes.
pub fn missing_months(first: chrono::NaiveDate, current: chrono::NaiveDate, filed: &[String]) -> Vec<String> {
    use chrono::Datelike;
    let mut out = Vec::new();
    let mut m = first.with_day(1).unwrap_or(first);
    let end = current.with_day(1).unwrap_or(current);
    while m < end {
        let label = m.format("%Y-%m").to_string();
        if !filed.contains(&label) {
            out.push(label);
        }
        m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(quantity: i64, from: Option<&'static str>, to: Option<&'static str>) -> Entry<'static> {
        Entry {
            kind: MovementKind::Receipt,
            quantity,
            reason: "Kiriman Ditjen Dukcapil",
            source_document: "BAST 470/12/Dukcapil",
            serial_from: from,
            serial_to: to,
        }
    }

    #[test]
    fn an_entry_names_what_is_wrong() {
        assert_eq!(check(&entry(400, None, None)), Ok(()));
        assert_eq!(check(&entry(0, None, None)).unwrap_err().0, "quantity");
        assert_eq!(check(&Entry { reason: " ", ..entry(1, None, None) }).unwrap_err().0, "reason");
        assert_eq!(
            check(&Entry { source_document: "", ..entry(1, None, None) }).unwrap_err().0,
            "source_document"
        );
        assert_eq!(check(&entry(400, Some("AB000101"), None)).unwrap_err().0, "serial_to");
        assert_eq!(check(&entry(400, Some("AB000101"), Some("AB000500"))), Ok(()));
        let (field, msg) = check(&entry(500, Some("AB000101"), Some("AB000500"))).unwrap_err();
        assert_eq!((field, msg.as_str()), ("serial_to", "AB000101–AB000500 holds 400 blanks, not 500"));
        assert_eq!(check(&entry(1, Some("AB000500"), Some("AB000101"))).unwrap_err().0, "serial_to");
        assert_eq!(check(&entry(7, Some("lot A"), Some("lot B"))), Ok(()), "another form is kept as written");
    }

    #[test]
    fn an_amount_other_than_the_request_needs_its_reason() {
        let rule = StockRule {
            approve_step: "4".into(),
            approved: "jumlah_disetujui".into(),
            requested: "jumlah_permintaan".into(),
            reason: "alasan_jumlah".into(),
            receiver: "kab_kota".into(),
            hand_over_step: "8".into(),
            document: "bast_blangko".into(),
        };
        assert_eq!(check_approval(&rule, Some("500"), Some("500"), None), Ok(500));
        let (field, msg) = check_approval(&rule, Some("400"), Some("500"), Some(" ")).unwrap_err();
        assert_eq!(
            (field.as_str(), msg.as_str()),
            ("data.alasan_jumlah", "400 approved where 500 were requested: say why")
        );
        assert_eq!(check_approval(&rule, Some("400"), Some("500"), Some("Stok provinsi terbatas")), Ok(400));
        assert_eq!(
            check_approval(&rule, Some("0"), Some("500"), None).unwrap_err().0,
            "data.jumlah_disetujui"
        );
        assert_eq!(
            check_approval(&rule, Some("empat ratus"), None, None).unwrap_err().0,
            "data.jumlah_disetujui"
        );
    }

    #[test]
    fn the_months_owed_are_those_before_this_one_without_a_report() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let filed = ["2026-09".to_string()];
        assert_eq!(
            missing_months(d("2026-08-20"), d("2026-12-01"), &filed),
            ["2026-08", "2026-10", "2026-11"]
        );
        assert!(
            missing_months(d("2026-12-01"), d("2026-12-31"), &[]).is_empty(),
            "this month is not due yet"
        );
        assert_eq!(month("2026-11", "month").unwrap(), d("2026-11-01"));
        assert_eq!(month("11/2026", "month").unwrap_err().0, "month");
    }

    #[test]
    fn kinds_read_back_and_carry_their_sign() {
        for k in MovementKind::ALL {
            assert_eq!(k.as_str().parse::<MovementKind>(), Ok(k));
        }
        assert_eq!(MovementKind::Receipt.sign() + MovementKind::Printed.sign(), 0);
        assert!("hilang".parse::<MovementKind>().unwrap_err().contains("receipt"));
        assert!(!MovementKind::TransferIn.recorded_by_hand());
    }
}
