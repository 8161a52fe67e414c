//! Complaints, suggestions and feedback (*pengaduan, saran dan masukan*):
//! the channels the seeds name for them, how each reaches the case engine
//! (a complaint is a case of the office's `pengaduan` procedure,
//! `standards/shared/pengaduan.toml`), and the rows of a SP4N-LAPOR! export.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The slug of the complaints procedure every office runs.
pub const SERVICE: &str = "pengaduan";

/// A channel a complaint arrives by. The seeds name them in their
/// *Penanganan Pengaduan* component: Sulsel "secara langsung maupun kanal
/// pengaduan SP4N-LAPOR serta form pengaduan pada Website" and Instagram,
/// Jepara "Kotak saran/aduan, WA Centre, petugas penerima pengaduan",
/// Bengkulu the suggestion box, the officer in person and "line telephon …
/// fax".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The public web form (anonymous allowed).
    Web,
    /// In person at the desk.
    Langsung,
    /// Telephone or fax.
    Telepon,
    Whatsapp,
    Email,
    /// Social media (Instagram): staff enter it with the post's link.
    MediaSosial,
    /// The suggestion box: staff enter each slip.
    KotakSaran,
    /// SP4N-LAPOR!, imported from its export file.
    Lapor,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::Web,
        Channel::Langsung,
        Channel::Telepon,
        Channel::Whatsapp,
        Channel::Email,
        Channel::MediaSosial,
        Channel::KotakSaran,
        Channel::Lapor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Langsung => "langsung",
            Channel::Telepon => "telepon",
            Channel::Whatsapp => "whatsapp",
            Channel::Email => "email",
            Channel::MediaSosial => "media_sosial",
            Channel::KotakSaran => "kotak_saran",
            Channel::Lapor => "lapor",
        }
    }

    /// The case engine's channel it runs on: the web form and WhatsApp are
    /// the complainant's own; every other one is entered by staff at the
    /// office (`counter`).
    pub fn case_channel(self) -> &'static str {
        match self {
            Channel::Web => "online",
            Channel::Whatsapp => "whatsapp",
            _ => "counter",
        }
    }

    /// A social media post is entered with its link, so anyone can find it.
    pub fn needs_link(self) -> bool {
        self == Channel::MediaSosial
    }
}

impl std::str::FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Channel, String> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            let known: Vec<_> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            format!("unknown channel `{s}` (expected one of: {})", known.join(", "))
        })
    }
}

/// The longest complaint text taken (a LAPOR! report is at most a few
/// thousand characters; a slip far less).
pub const MAX_TEXT: usize = 5_000;

/// Checks a post's link: an `https://` address without spaces.
pub fn check_link(link: &str) -> Result<(), String> {
    let l = link.trim();
    if !l.starts_with("https://") || l.len() < 12 || l.len() > 500 || l.contains(char::is_whitespace) {
        return Err("give the post's link, starting with https:// (at most 500 characters)".into());
    }
    Ok(())
}

/// One report of a SP4N-LAPOR! export. The export's columns are read by
/// name (`id_laporan`, `tanggal`, `judul`, `isi`, `nama`, `kontak`, and
/// `kategori`); its report number keeps an import from taking a report twice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaporRow {
    pub id: String,
    pub date: String,
    pub title: String,
    pub text: String,
    pub name: String,
    pub contact: String,
}

/// The export's columns, in the order a file without a header gives them.
pub const LAPOR_COLUMNS: [&str; 6] = ["id_laporan", "tanggal", "judul", "isi", "nama", "kontak"];

impl LaporRow {
    /// A row from its cells by column (`None`: the file lacks it); the
    /// report's number and text are required.
    pub fn from_cells(cells: &[String], columns: &[Option<usize>; 6]) -> Result<LaporRow, String> {
        let get = |i: usize| {
            columns[i].and_then(|c| cells.get(c)).map(|s| s.trim().to_string()).unwrap_or_default()
        };
        LaporRow { id: get(0), date: get(1), title: get(2), text: get(3), name: get(4), contact: get(5) }
            .checked()
    }

    /// A row from one object of the JSON export (keys as the CSV's columns;
    /// numbers accepted where text is expected).
    pub fn from_json(v: &Value) -> Result<LaporRow, String> {
        let get = |k: &str| match v.get(k) {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        LaporRow {
            id: get("id_laporan"),
            date: get("tanggal"),
            title: get("judul"),
            text: get("isi"),
            name: get("nama"),
            contact: get("kontak"),
        }
        .checked()
    }

    fn checked(self) -> Result<LaporRow, String> {
        if self.id.is_empty() || self.id.len() > 64 {
            return Err("id_laporan: the report's number is required (at most 64 characters)".into());
        }
        if self.text.is_empty() {
            return Err("isi: the report's text is required".into());
        }
        if self.text.chars().count() + self.title.chars().count() > MAX_TEXT {
            return Err(format!("isi: at most {MAX_TEXT} characters"));
        }
        if self.name.chars().count() > 200 || self.contact.chars().count() > 254 {
            return Err("nama/kontak: a name of at most 200 and a contact of at most 254 characters".into());
        }
        Ok(self)
    }

    /// The complaint's text: the title as its first line.
    pub fn complaint_text(&self) -> String {
        if self.title.is_empty() { self.text.clone() } else { format!("{}\n{}", self.title, self.text) }
    }

    /// The contact as a phone number or an e-mail address.
    pub fn phone_or_email(&self) -> (Option<String>, Option<String>) {
        let c = self.contact.trim();
        if c.is_empty() {
            (None, None)
        } else if c.contains('@') {
            (None, Some(c.to_string()))
        } else {
            (Some(c.to_string()), None)
        }
    }
}

/// Splits a CSV text into records, keeping a quoted cell's line breaks
/// inside its record (a report's text has paragraphs).
pub fn csv_records(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(line);
        if cur.matches('"').count().is_multiple_of(2) {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_parses_back_and_runs_on_an_engine_channel() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(c));
            assert!(crate::standard::CHANNELS.contains(&c.case_channel()), "{c:?}");
        }
        assert!("instagram".parse::<Channel>().unwrap_err().contains("media_sosial"));
        assert_eq!(Channel::KotakSaran.case_channel(), "counter");
        assert_eq!(Channel::Web.case_channel(), "online");
    }

    #[test]
    fn a_post_is_entered_with_its_link() {
        assert!(check_link("https://www.instagram.com/p/Cx1/").is_ok());
        assert!(check_link("instagram.com/p/Cx1").is_err());
        assert!(check_link("https://x y").is_err());
        assert!(Channel::MediaSosial.needs_link() && !Channel::KotakSaran.needs_link());
    }

    #[test]
    fn a_lapor_row_needs_its_number_and_text() {
        let cells: Vec<String> =
            ["LAP-1", "2026-11-02", "Antrian", "Lama sekali", "Budi", "0812"].map(String::from).to_vec();
        let cols = std::array::from_fn(Some);
        let row = LaporRow::from_cells(&cells, &cols).unwrap();
        assert_eq!(row.complaint_text(), "Antrian\nLama sekali");
        assert_eq!(row.phone_or_email(), (Some("0812".into()), None));
        let no_text: Vec<String> = ["LAP-2", "", "", "", "", ""].map(String::from).to_vec();
        assert!(LaporRow::from_cells(&no_text, &cols).unwrap_err().starts_with("isi"));
        let json = serde_json::json!({"id_laporan": 42, "isi": "x", "kontak": "a@b.id"});
        let row = LaporRow::from_json(&json).unwrap();
        assert_eq!((row.id.as_str(), row.phone_or_email().1.as_deref()), ("42", Some("a@b.id")));
        assert!(LaporRow::from_json(&serde_json::json!({"isi": "x"})).unwrap_err().starts_with("id_laporan"));
    }

    #[test]
    fn a_quoted_cell_keeps_its_line_breaks() {
        let text = "id_laporan,isi\n1,\"baris satu\nbaris dua\"\n2,pendek\n";
        assert_eq!(csv_records(text), vec!["id_laporan,isi", "1,\"baris satu\nbaris dua\"", "2,pendek"]);
    }
}
