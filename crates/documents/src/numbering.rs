//! Letter numbers in the style offices use, e.g.
//! `470/{seq}/Disdukcapil/{roman_month}/{year}` → `470/12/Disdukcapil/XI/2026`.
//! The pattern is an office setting per document type; the sequence comes
//! from the store, per office, type and year.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("pattern `{0}` has no {{seq}}: numbers would repeat")]
    NoSequence(String),
    #[error(
        "pattern `{pattern}` has an unknown placeholder `{{{name}}}` (known: seq, seq:0N, roman_month, month, year, office)"
    )]
    Unknown { pattern: String, name: String },
    #[error("pattern `{0}` has an unclosed `{{`")]
    Unclosed(String),
}

const ROMAN: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

/// A checked numbering pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(String);

impl Pattern {
    pub fn parse(pattern: &str) -> Result<Pattern, PatternError> {
        let p = Pattern(pattern.to_string());
        p.render(1, NaiveDate::MIN, "")?;
        if !pattern.contains("{seq") {
            return Err(PatternError::NoSequence(pattern.into()));
        }
        Ok(p)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number for sequence `seq` issued on `date` by `office`.
    pub fn format(&self, seq: i64, date: NaiveDate, office: &str) -> String {
        // Parsed patterns always render.
        self.render(seq, date, office).unwrap_or_default()
    }

    fn render(&self, seq: i64, date: NaiveDate, office: &str) -> Result<String, PatternError> {
        let mut out = String::new();
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').ok_or_else(|| PatternError::Unclosed(self.0.clone()))? + open;
            let name = &rest[open + 1..close];
            match name {
                "seq" => out.push_str(&seq.to_string()),
                "roman_month" => out.push_str(ROMAN[date.month0() as usize]),
                "month" => out.push_str(&format!("{:02}", date.month())),
                "year" => out.push_str(&date.year().to_string()),
                "office" => out.push_str(office),
                other => match other.strip_prefix("seq:0").and_then(|w| w.parse::<usize>().ok()) {
                    Some(width) if width <= 9 => out.push_str(&format!("{seq:0width$}")),
                    _ => return Err(PatternError::Unknown { pattern: self.0.clone(), name: other.into() }),
                },
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The pattern an office starts with for a document type (an admin changes
/// it): the type's initials in the middle, e.g. `tanda_terima` → `TT`.
pub fn default_pattern(doc_type: &str) -> Pattern {
    let initials: String =
        doc_type.split('_').filter_map(|w| w.chars().next()).collect::<String>().to_uppercase();
    Pattern(format!("470/{{seq}}/Disdukcapil/{initials}/{{roman_month}}/{{year}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_usual_pattern() {
        let p = Pattern::parse("470/{seq}/Disdukcapil/{roman_month}/{year}").unwrap();
        assert_eq!(p.format(12, d("2026-11-24"), "33.20"), "470/12/Disdukcapil/XI/2026");
        let p = Pattern::parse("{office}/SKK/{seq:04}/{month}.{year}").unwrap();
        assert_eq!(p.format(7, d("2026-01-02"), "33.20"), "33.20/SKK/0007/01.2026");
        assert_eq!(
            default_pattern("tanda_terima").format(3, d("2026-04-01"), "x"),
            "470/3/Disdukcapil/TT/IV/2026"
        );
    }

    #[test]
    fn bad_patterns_say_why() {
        assert!(matches!(Pattern::parse("470/Disdukcapil/{year}"), Err(PatternError::NoSequence(_))));
        assert!(matches!(Pattern::parse("470/{nomor}/{seq}"), Err(PatternError::Unknown { .. })));
        assert!(matches!(Pattern::parse("470/{seq"), Err(PatternError::Unclosed(_))));
    }
}
