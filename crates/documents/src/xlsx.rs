//! Spreadsheets (Office Open XML, `.xlsx`) of plain tables: the exports an
//! office hands on (an institution's access log per semester, report
//! tables). A workbook is a zip of a few XML parts; this writes the
//! smallest set Excel, LibreOffice and Google Sheets open: one sheet per
//! table, the first row bold and frozen, columns sized to their text.
//! Text cells are inline strings, never formulas, so a cell that begins
//! with `=` stays text.

use flate2::Crc;
use flate2::write::DeflateEncoder;
use std::io::Write;

/// One cell: text, or a number (counts, durations).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as written in a CSV file or a printed table.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}

/// A table: its sheet's name, the header row, then the rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The most characters a cell holds (Excel's limit).
const CELL_MAX: usize = 32_767;

/// The workbook's bytes.
pub fn workbook(sheets: &[Sheet]) -> Vec<u8> {
    let mut zip = Zip::default();
    let n = sheets.len().max(1);
    zip.add("[Content_Types].xml", &content_types(n));
    zip.add("_rels/.rels", RELS);
    zip.add("xl/workbook.xml", &workbook_xml(sheets));
    zip.add("xl/_rels/workbook.xml.rels", &workbook_rels(n));
    zip.add("xl/styles.xml", STYLES);
    if sheets.is_empty() {
        zip.add("xl/worksheets/sheet1.xml", &sheet_xml(&Sheet::default()));
    }
    for (i, s) in sheets.iter().enumerate() {
        zip.add(&format!("xl/worksheets/sheet{}.xml", i + 1), &sheet_xml(s));
    }
    zip.finish()
}

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
/// Two cell formats: plain (0) and the header's bold (1).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

fn content_types(sheets: usize) -> String {
    let mut s = format!(
        r#"{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
    );
    for i in 1..=sheets {
        s.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
    }
    s + "</Types>"
}

fn workbook_xml(sheets: &[Sheet]) -> String {
    let mut s = format!(r#"{XML_DECL}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>"#);
    let mut used: Vec<String> = Vec::new();
    for i in 0..sheets.len().max(1) {
        let name = sheet_name(sheets.get(i).map(|s| s.name.as_str()).unwrap_or_default(), i, &used);
        s.push_str(&format!(r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#, escape(&name), i + 1, i + 1));
        used.push(name.to_lowercase());
    }
    s + "</sheets></workbook>"
}

/// A name Excel accepts: at most 31 characters, none of `[]:*?/\`, not
/// empty, unique in the workbook (ignoring case).
fn sheet_name(wanted: &str, i: usize, used: &[String]) -> String {
    let clean: String =
        wanted.chars().filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control()).take(31).collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    if clean.is_empty() || used.contains(&clean.to_lowercase()) {
        let suffix = format!(" {}", i + 1);
        let stem: String = clean.chars().take(31 - suffix.len()).collect();
        let name = format!("{}{suffix}", if stem.is_empty() { "Sheet" } else { stem.trim() });
        return name.trim().to_string();
    }
    clean
}

fn workbook_rels(sheets: usize) -> String {
    let mut s = format!(
        r#"{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    );
    for i in 1..=sheets {
        s.push_str(&format!(
            r#"<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>"#
        ));
    }
    s.push_str(&format!(
        r#"<Relationship Id="rId{}" Type="{REL_NS}/styles" Target="styles.xml"/>"#,
        sheets + 1
    ));
    s + "</Relationships>"
}

fn sheet_xml(sheet: &Sheet) -> String {
    let columns = sheet.rows.iter().map(Vec::len).chain([sheet.header.len()]).max().unwrap_or(0);
    let mut widths = vec![8usize; columns];
    let text_len = |c: &Cell| match c {
        Cell::Text(t) => t.chars().count(),
        Cell::Number(n) => n.to_string().len(),
    };
    for (i, h) in sheet.header.iter().enumerate() {
        widths[i] = widths[i].max(h.chars().count() + 2);
    }
    for row in &sheet.rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(text_len(c) + 1);
        }
    }
    let mut s = format!(r#"{XML_DECL}<worksheet xmlns="{MAIN_NS}">"#);
    if !sheet.header.is_empty() {
        s.push_str(r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#);
    }
    if columns > 0 {
        s.push_str("<cols>");
        for (i, w) in widths.iter().enumerate() {
            s.push_str(&format!(
                r#"<col min="{0}" max="{0}" width="{1}" customWidth="1"/>"#,
                i + 1,
                (*w).min(80)
            ));
        }
        s.push_str("</cols>");
    }
    s.push_str("<sheetData>");
    let header: Vec<Cell> = sheet.header.iter().map(|h| Cell::Text(h.clone())).collect();
    let rows =
        (!header.is_empty()).then_some((&header, 1)).into_iter().chain(sheet.rows.iter().map(|r| (r, 0)));
    for (r, (row, style)) in rows.enumerate() {
        s.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            let style = if style == 1 { r#" s="1""# } else { "" };
            match cell {
                Cell::Number(n) if n.is_finite() => {
                    s.push_str(&format!(r#"<c r="{at}"{style}><v>{n}</v></c>"#))
                }
                Cell::Number(_) => {}
                Cell::Text(t) => {
                    let t: String = t.chars().take(CELL_MAX).collect();
                    s.push_str(&format!(
                        r#"<c r="{at}"{style} t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        escape(&t)
                    ));
                }
            }
        }
        s.push_str("</row>");
    }
    s + "</sheetData></worksheet>"
}

/// `A`, …, `Z`, `AA`, … for a column from 0.
fn column(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// XML text: the five special characters escaped, and the control
/// characters XML 1.0 cannot carry dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A zip archive written in memory: deflated entries, then the central
/// directory (PKWARE APPNOTE 4.3; no zip64, so a workbook stays under 4 GB).
#[derive(Default)]
struct Zip {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

/// 1980-01-01 00:00 in MS-DOS form: the parts carry no time of their own,
/// so the same table gives the same bytes.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl Zip {
    fn add(&mut self, name: &str, text: &str) {
        let mut crc = Crc::new();
        crc.update(text.as_bytes());
        let mut enc = DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing to a Vec cannot fail.
        let _ = enc.write_all(text.as_bytes());
        let data = enc.finish().unwrap_or_default();
        let offset = self.out.len() as u32;
        let fields = |buf: &mut Vec<u8>| {
            for v in [20u16, 0, 8, DOS_TIME, DOS_DATE] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            for v in [crc.sum(), data.len() as u32, text.len() as u32] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        };
        self.out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut self.out);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(&data);
        self.central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        self.central.extend_from_slice(&20u16.to_le_bytes()); // made by
        fields(&mut self.central);
        for v in [0u16, 0, 0] {
            // comment length, disk, internal attributes
            self.central.extend_from_slice(&v.to_le_bytes());
        }
        self.central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name.as_bytes());
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let at = self.out.len() as u32;
        self.out.extend_from_slice(&self.central);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for v in [0u16, 0, self.entries, self.entries] {
            self.out.extend_from_slice(&v.to_le_bytes());
        }
        self.out.extend_from_slice(&(self.central.len() as u32).to_le_bytes());
        self.out.extend_from_slice(&at.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes()); // no comment
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_sheet_names_follow_excels_rules() {
        assert_eq!(
            [0, 25, 26, 27, 51, 52, 701, 702].map(column),
            ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
        assert_eq!(sheet_name("Log [2026/1]", 0, &[]), "Log 20261");
        assert_eq!(sheet_name("", 1, &[]), "Sheet 2");
        assert_eq!(sheet_name("log", 2, &["log".into()]), "log 3");
        assert_eq!(sheet_name(&"x".repeat(40), 0, &[]).chars().count(), 31);
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
