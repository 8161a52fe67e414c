//! A rendered letter is a real PDF whose text `pdftotext` reads back, and
//! whose first page `pdftoppm` turns into a PNG to look at
//! (`target/…/documents-snapshot.png`). Needs poppler-utils:
//! `scripts/setup-test-deps.sh` installs it.

use chrono::NaiveDate;
use documents::render::{Letter, Letterhead, Signer, render};
use std::process::Command;

fn tool(name: &str) -> bool {
    let ok = Command::new(name).arg("-v").output().is_ok();
    assert!(ok || std::env::var("CI").is_err(), "{name} is missing: run scripts/setup-test-deps.sh");
    if !ok {
        eprintln!("skipping: {name} is missing (run scripts/setup-test-deps.sh)");
    }
    ok
}

fn sample() -> (Letterhead, Letter) {
    let head = Letterhead {
        government: "Pemerintah Kabupaten Jepara".into(),
        office: "Dinas Kependudukan dan Pencatatan Sipil".into(),
        lines: vec!["WA Dinas 08112600335 · pelayanan.disdukcapil.jeparakab.go.id".into()],
        logo: None,
    };
    let letter = Letter {
        title: "Surat Keterangan Keabsahan".into(),
        number: "470/12/Disdukcapil/SKK/XI/2026".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        paragraphs: vec![
            "Yang bertanda tangan di bawah ini menerangkan bahwa Kutipan Akta Kelahiran Nomor 3320-LT-01012020-0001 atas nama BUDI SANTOSO tercatat dalam register akta pencatatan sipil Dinas Kependudukan dan Pencatatan Sipil Kabupaten Jepara.".into(),
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.".into(),
        ],
        signer: Signer {
            place: "Jepara".into(),
            position: "Kepala Bidang Pemanfaatan Data dan Inovasi Pelayanan".into(),
            name: "NAMA PEJABAT".into(),
            nip: Some("19650805 199203 0 017".into()),
            wet_signature: false,
        },
        qr: "https://layanan.example/verify/ABCDEFGHJKMNPQRS#v1.payload.signature".into(),
        qr_caption: "Pindai untuk memeriksa keaslian: /verify/ABCDEFGHJKMNPQRS".into(),
    };
    (head, letter)
}

#[test]
fn a_letter_reads_back_with_its_number_names_and_date() {
    let (head, letter) = sample();
    let pdf = render(&head, &letter).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if !tool("pdftotext") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("layanan-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The file as issued carries its seal after %%EOF; readers still open it.
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let payload = documents::payload::Payload {
        doc_type: "skk".into(),
        number: letter.number.clone(),
        date: "2026-11-24".into(),
        office: "33.20".into(),
        holder: "B*** S******".into(),
        digest: String::new(),
        key_id: documents::payload::key_id(&key.verifying_key()),
    };
    let sealed = documents::seal::seal(&pdf, payload, &key).unwrap();
    let file = dir.join("skk.pdf");
    std::fs::write(&file, &sealed).unwrap();
    let out = Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "PEMERINTAH KABUPATEN JEPARA",
        "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "SURAT KETERANGAN KEABSAHAN",
        "Nomor: 470/12/Disdukcapil/SKK/XI/2026",
        "BUDI SANTOSO",
        "Jepara, 24 November 2026",
        "NAMA PEJABAT",
        "NIP. 19650805 199203 0 017",
    ] {
        assert!(text.contains(needle), "`{needle}` not in:\n{text}");
    }
    // A PNG of the page for a person to look at.
    if tool("pdftoppm") {
        let png = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("documents-snapshot");
        let st = Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-singlefile"])
            .arg(&file)
            .arg(&png)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_office_logo_is_drawn_in_the_letterhead() {
    if !tool("pdftoppm") || !tool("pdfimages") {
        return;
    }
    // A PNG to use as a logo: a page of a logo-less letter, rendered small.
    let (mut head, letter) = sample();
    let dir = std::env::temp_dir().join(format!("layanan-logo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plain.pdf"), render(&head, &letter).unwrap()).unwrap();
    let st = Command::new("pdftoppm")
        .args(["-png", "-r", "10", "-singlefile"])
        .arg(dir.join("plain.pdf"))
        .arg(dir.join("logo"))
        .status()
        .unwrap();
    assert!(st.success());
    head.logo = Some(std::fs::read(dir.join("logo.png")).unwrap());
    std::fs::write(dir.join("with-logo.pdf"), render(&head, &letter).unwrap()).unwrap();
    let list = Command::new("pdfimages").arg("-list").arg(dir.join("with-logo.pdf")).output().unwrap();
    let images = String::from_utf8_lossy(&list.stdout).lines().skip(2).count();
    assert_eq!(images, 1, "{}", String::from_utf8_lossy(&list.stdout));
    let bad = Letterhead { logo: Some(b"not an image".to_vec()), ..head };
    assert!(render(&bad, &letter).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A letter whose body is far longer than a page (an applicant's 5,000
/// characters, and more) flows onto further pages: every word is there,
/// each page says which of how many it is, and the signature block and the
/// QR code's caption are whole on the last page, after the last word.
#[test]
fn a_long_letter_flows_onto_pages_with_the_signature_and_qr_on_the_last() {
    let (head, mut letter) = sample();
    let stuffing: String = (0..700).map(|i| format!("kata{i} ")).collect();
    assert!(stuffing.len() > 5_000);
    letter.paragraphs.insert(1, format!("Keterangan pemohon: \"{stuffing}\""));
    let pdf = render(&head, &letter).unwrap();
    if !tool("pdftotext") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("layanan-long-letter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("long.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let page = |n: usize| {
        let out = Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&file)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let info = Command::new("pdfinfo").arg(&file).output().unwrap();
    let pages: usize = String::from_utf8(info.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    assert!(pages >= 2, "{pages} page(s)");
    let all: String = (1..=pages).map(page).collect::<Vec<_>>().join("\n");
    for i in [0, 350, 699] {
        assert!(all.contains(&format!("kata{i}")), "word {i} lost");
    }
    for n in 1..=pages {
        assert!(page(n).contains(&format!("Halaman {n} dari {pages}")), "page {n} has no count");
    }
    let last = page(pages);
    for part in
        ["NAMA PEJABAT", "NIP. 19650805 199203 0 017", "Pindai untuk memeriksa keaslian", "Demikian surat"]
    {
        assert!(last.contains(part), "`{part}` is not on the last page: {last}");
    }
    assert!(page(2).contains("Nomor: 470/12/Disdukcapil/SKK/XI/2026 (lanjutan)"));
    let _ = std::fs::remove_dir_all(&dir);
}
