//! The counter queue at an office's entrance: a number per service and
//! day, priority groups served first (PermenPANRB 15/2014's *pelayanan
//! khusus*: older people, people with disabilities, pregnant women and
//! those with small children), and the waiting time of each number.

/// The priority groups, with what the ticket page says of each.
pub const PRIORITY_GROUPS: [(&str, &str); 3] = [
    ("lansia", "Lansia (60 tahun ke atas)"),
    ("disabilitas", "Penyandang disabilitas"),
    ("ibu_anak", "Ibu hamil atau membawa anak kecil"),
];

/// Whether `group` is one of the priority groups.
pub fn is_priority_group(group: &str) -> bool {
    PRIORITY_GROUPS.iter().any(|(code, _)| *code == group)
}

/// A service's letters on its numbers: the initials of its slug's words,
/// at most three (`legalisir` → `L`, `register-akta-offline` → `RAO`).
pub fn prefix(slug: &str) -> String {
    slug.split('-').filter_map(|w| w.chars().next()).take(3).collect::<String>().to_uppercase()
}

/// The number a ticket shows: the service's letters and its place in the
/// day, a priority ticket marked `P` (`L-007`, `LP-003`).
pub fn number(prefix: &str, priority: bool, seq: i64) -> String {
    format!("{prefix}{}-{seq:03}", if priority { "P" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_services_letters_and_mark_priority() {
        assert_eq!(prefix("legalisir"), "L");
        assert_eq!(prefix("register-akta-offline"), "RAO");
        assert_eq!(prefix("pencarian-register-akta-online"), "PRA");
        assert_eq!(number("L", false, 7), "L-007");
        assert_eq!(number("RAO", true, 12), "RAOP-012");
        assert!(is_priority_group("lansia") && !is_priority_group("vip"));
    }
}
