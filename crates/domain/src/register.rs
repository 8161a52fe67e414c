//! The register index: one row per akta in an office's digitised civil
//! registers (Jepara's *pencarian register akta*), its checks on import, and
//! how names are compared. Indonesian names are written many ways: the old
//! spelling (Soeharto, Djoko, Tjahjo), diacritics from Arabic names (Ma'ruf,
//! Zulaikhā), doubled letters (Mohammad, Muhamad), a dropped final h
//! (Fatimah, Fatima), abbreviations (M., Moch., Muh.). A name is searched
//! on two keys: its *folded* form (lower case, letters only: the exact
//! match) and one *phonetic key* per word, which these spellings share.

use chrono::NaiveDate;

/// The akta kinds of the civil registers (UU 24/2013 Pasal 27–56 and the
/// register books of Permendagri 109/2019).
pub const AKTA_TYPES: &[&str] = &[
    "kelahiran",
    "kematian",
    "perkawinan",
    "perceraian",
    "pengakuan_anak",
    "pengesahan_anak",
    "pengangkatan_anak",
    "perubahan_nama",
    "perubahan_kewarganegaraan",
];

/// The columns of an import file, in this order when it has no header.
pub const COLUMNS: [&str; 10] = [
    "jenis_akta",
    "nomor_akta",
    "tahun",
    "nama",
    "nama_ayah",
    "nama_ibu",
    "tempat_peristiwa",
    "tanggal_peristiwa",
    "buku",
    "halaman",
];

/// One entry of the index as read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub akta_type: String,
    pub number: String,
    pub year: i32,
    pub name: String,
    pub father: String,
    pub mother: String,
    pub place: String,
    /// `YYYY-MM-DD`, or empty when the register does not say.
    pub event_date: String,
    pub book: String,
    pub page: String,
}

/// Why a row was not imported: the column and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub field: &'static str,
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> RowError {
    RowError { field, message: message.into() }
}

/// Checks one row (`cells` in `COLUMNS` order; missing trailing cells are
/// empty): the kind is one of `AKTA_TYPES`, number and name are present, the
/// year is a year, the event date (if any) is a date in that year or
/// before, and no cell is longer than 200 characters.
pub fn check_row(cells: [&str; 10]) -> Result<Entry, RowError> {
    for (i, c) in cells.iter().enumerate() {
        if c.chars().count() > 200 {
            return Err(bad(COLUMNS[i], "longer than 200 characters"));
        }
    }
    let [kind, number, year, name, father, mother, place, date, book, page] = cells.map(str::trim);
    let akta_type = kind.to_lowercase().replace([' ', '-'], "_");
    if !AKTA_TYPES.contains(&akta_type.as_str()) {
        return Err(bad("jenis_akta", format!("`{kind}` is not one of {}", AKTA_TYPES.join(", "))));
    }
    if number.is_empty() {
        return Err(bad("nomor_akta", "empty"));
    }
    let year: i32 = year.parse().map_err(|_| bad("tahun", format!("`{year}` is not a year")))?;
    if !(1850..=2100).contains(&year) {
        return Err(bad("tahun", format!("{year} is outside 1850–2100")));
    }
    if fold(name).is_empty() {
        return Err(bad("nama", "no name"));
    }
    let event_date = match date {
        "" | "-" => String::new(),
        d => {
            let parsed = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(d, "%d-%m-%Y"))
                .or_else(|_| NaiveDate::parse_from_str(d, "%d/%m/%Y"))
                .map_err(|_| bad("tanggal_peristiwa", format!("`{d}` is not a date (YYYY-MM-DD)")))?;
            if chrono::Datelike::year(&parsed) > year {
                return Err(bad("tanggal_peristiwa", format!("{parsed} is after the akta's year {year}")));
            }
            parsed.format("%Y-%m-%d").to_string()
        }
    };
    Ok(Entry {
        akta_type,
        number: number.to_string(),
        year,
        name: name.to_string(),
        father: father.to_string(),
        mother: mother.to_string(),
        place: place.to_string(),
        event_date,
        book: book.to_string(),
        page: page.to_string(),
    })
}

/// A letter without its diacritic (Latin-1 and Latin Extended-A vowels and
/// the consonants names carry), or itself.
fn plain(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'è'..='ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ì'..='ï' | 'ī' | 'į' | 'ı' => 'i',
        'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù'..='ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' | 'ć' | 'č' => 'c',
        'ñ' | 'ń' => 'n',
        'ś' | 'š' | 'ş' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        'ḥ' => 'h',
        'ṭ' => 't',
        'ḍ' => 'd',
        c => c,
    }
}

/// The name as compared exactly: lower case, diacritics dropped,
/// apostrophes dropped (Ma'ruf = Maruf), anything else not a letter a
/// space, spaces collapsed.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase).map(plain) {
        match c {
            'a'..='z' => out.push(c),
            '\'' | '`' | '’' | 'ʼ' | 'ʻ' => {}
            _ if !out.ends_with(' ') && !out.is_empty() => out.push(' '),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Spellings that sound the same, rewritten in this order (the old
/// spelling first, so `dj` becomes `j` before `j` and `y` meet).
const SOUNDS: &[(&str, &str)] = &[
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "kh"),
    ("kh", "h"),
    ("dz", "z"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("sy", "s"),
    ("q", "k"),
    ("x", "ks"),
    ("v", "f"),
    ("j", "y"),
    ("y", "i"),
    ("o", "u"),
];

/// Words that abbreviate or respell Muhammad.
const MUHAMMAD: &[&str] = &["m", "mhd", "moh", "moch", "much", "muh", "mohd", "mochamad", "mochammad"];

/// The phonetic key of one folded word: the `SOUNDS` rewrites, doubled
/// letters made single, a final h dropped (Fatimah = Fatima).
pub fn word_key(word: &str) -> String {
    if MUHAMMAD.contains(&word) {
        return "muhamad".into();
    }
    let mut w = word.to_string();
    for (from, to) in SOUNDS {
        if w.contains(from) {
            w = w.replace(from, to);
        }
    }
    let mut key = String::with_capacity(w.len());
    for c in w.chars() {
        if !key.ends_with(c) {
            key.push(c);
        }
    }
    if key.len() > 2 && key.ends_with('h') {
        key.pop();
    }
    key
}

/// The phonetic keys of a name's words, each once, in order.
pub fn word_keys(name: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for k in fold(name).split(' ').filter(|w| !w.is_empty()).map(word_key) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// The whole name's phonetic key: its words' keys run together, so a name
/// written with its words joined or split differently (Nurhaliza, Nur
/// Haliza) keeps its key.
pub fn name_key(name: &str) -> String {
    fold(name).split(' ').filter(|w| !w.is_empty()).map(word_key).collect()
}

/// How alike two names are, from 0 to 1: one minus their folded forms'
/// edit distance over the longer length. Ranks a search's candidates.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (fold(a).chars().collect(), fold(b).chars().collect());
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    1.0 - row[b.len()] as f64 / longest as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, year: &str, name: &str, date: &str) -> [String; 10] {
        [kind, "3320-LT-01012001-0001", year, name, "Ayah", "Ibu", "Jepara", date, "12", "34"]
            .map(String::from)
    }

    fn check(r: &[String; 10]) -> Result<Entry, RowError> {
        check_row(std::array::from_fn(|i| r[i].as_str()))
    }

    #[test]
    fn a_row_names_the_column_that_is_wrong() {
        assert!(check(&row("Kelahiran", "2001", "Siti Aminah", "2000-12-31")).is_ok());
        assert_eq!(check(&row("lahir", "2001", "Siti", "")).unwrap_err().field, "jenis_akta");
        assert_eq!(check(&row("kelahiran", "20x1", "Siti", "")).unwrap_err().field, "tahun");
        assert_eq!(check(&row("kelahiran", "1700", "Siti", "")).unwrap_err().field, "tahun");
        assert_eq!(check(&row("kelahiran", "2001", "  '' ", "")).unwrap_err().field, "nama");
        assert_eq!(
            check(&row("kelahiran", "2001", "Siti", "2001-02-30")).unwrap_err().field,
            "tanggal_peristiwa"
        );
        assert_eq!(
            check(&row("kelahiran", "2001", "Siti", "2002-01-01")).unwrap_err().field,
            "tanggal_peristiwa"
        );
        assert_eq!(
            check(&row("pengakuan anak", "2001", "Siti", "31/12/2000")).unwrap().event_date,
            "2000-12-31"
        );
        let mut long = row("kematian", "2001", "Siti", "");
        long[8] = "x".repeat(201);
        assert_eq!(check(&long).unwrap_err().field, "buku");
    }

    #[test]
    fn old_spellings_diacritics_and_abbreviations_share_a_key() {
        for (a, b) in [
            ("Soeharto", "Suharto"),
            ("Djoko Tjahjono", "Joko Cahyono"),
            ("Ma'ruf", "Maruf"),
            ("Zulaikhā", "Zulaiha"),
            ("Mohammad Rizki", "Muhamad Rizky"),
            ("M. Rizki", "Muhammad Rizki"),
            ("Fatimah", "Fatima"),
            ("Chairul Anwar", "Khairul Anwar"),
            ("Syamsul", "Samsul"),
            ("Yusuf", "Jusuf"),
            ("Nurhaliza", "Nur Haliza"),
        ] {
            assert_eq!(name_key(a), name_key(b), "{a} / {b}");
        }
        assert_eq!(word_keys("Djoko Tjahjono"), word_keys("joko  cahyono"));
        assert_ne!(name_key("Siti Aminah"), name_key("Siti Aisyah"));
    }

    #[test]
    fn folding_keeps_letters_and_single_spaces() {
        assert_eq!(fold("  SITI-Nur'aini  Ä. "), "siti nuraini a");
        assert_eq!(fold("123"), "");
    }

    #[test]
    fn similarity_ranks_the_closer_spelling_higher() {
        assert_eq!(similarity("Siti Aminah", "SITI AMINAH"), 1.0);
        assert!(similarity("Siti Aminah", "Siti Aminah") > similarity("Siti Aminah", "Siti Amina"));
        assert!(similarity("Siti Aminah", "Siti Amina") > similarity("Siti Aminah", "Sri Aminah Putri"));
    }
}
