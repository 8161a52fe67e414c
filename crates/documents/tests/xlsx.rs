//! A workbook read back by an independent reader: Python's `zipfile`
//! (which checks every entry's CRC) and its XML parser, following the
//! relationships from `[Content_Types].xml` and `_rels/.rels` the way a
//! spreadsheet program does.

use documents::xlsx::{Cell, Sheet, workbook};
use std::process::Command;

const READER: &str = r##"
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, "a CRC is wrong"
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
types = ET.fromstring(z.read("[Content_Types].xml"))
root = ET.fromstring(z.read("_rels/.rels")).find("p:Relationship", ns).get("Target")
book = ET.fromstring(z.read(root))
rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
for sheet in book.find("m:sheets", ns):
    part = "xl/" + rels[sheet.get("{%s}id" % ns["r"])]
    assert any(o.get("PartName") == "/" + part for o in types), part + " has no content type"
    print("#" + sheet.get("name"))
    for row in ET.fromstring(z.read(part)).find("m:sheetData", ns):
        cells = []
        for c in row:
            t = c.find("m:is/m:t", ns)
            cells.append(c.get("r") + "=" + (t.text or "" if t is not None else "n:" + c.find("m:v", ns).text))
        print("\t".join(cells))
"##;

fn read_back(bytes: &[u8]) -> String {
    // Tests run at once: each file has its own name.
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("layanan-xlsx-{}-{n}.xlsx", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("python3").arg("-c").arg(READER).arg(&path).output().expect("python3 runs");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_workbook_reads_back_cell_by_cell() {
    let long = "x".repeat(40_000);
    let sheets = [
        Sheet {
            name: "Log akses 2026-1".into(),
            header: vec!["waktu".into(), "akun".into(), "jumlah".into()],
            rows: vec![
                vec!["2026-02-03T09:15:00+07:00".into(), "bank.sulteng <&> \"x\"".into(), Cell::from(3)],
                vec!["=HYPERLINK(\"http://evil\")".into(), "Siti\nAminah".into(), Cell::Number(2.5)],
                vec![long.as_str().into()],
            ],
        },
        Sheet { name: "Log akses 2026-1".into(), header: vec![], rows: vec![] },
    ];
    let text = read_back(&workbook(&sheets));
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[0], "#Log akses 2026-1");
    assert_eq!(lines[1], "A1=waktu\tB1=akun\tC1=jumlah");
    assert_eq!(lines[2], "A2=2026-02-03T09:15:00+07:00\tB2=bank.sulteng <&> \"x\"\tC2=n:3");
    // A formula-looking text stays text; a line break stays in its cell.
    assert_eq!(lines[3], "A3==HYPERLINK(\"http://evil\")\tB3=Siti");
    assert_eq!(lines[4], "Aminah\tC3=n:2.5");
    assert_eq!(lines[5], format!("A4={}", "x".repeat(32_767)), "cut at Excel's cell limit");
    assert_eq!(lines[6], "#Log akses 2026-1 2", "sheet names are unique");
}

#[test]
fn an_empty_workbook_still_opens() {
    assert_eq!(read_back(&workbook(&[])), "#Sheet 1\n");
}
