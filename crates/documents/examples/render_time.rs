//! Prints how long rendering and sealing one letter takes (mean of 50).
//! `cargo run --release -p documents --example render_time`

use chrono::NaiveDate;
use documents::payload::{Payload, key_id};
use documents::render::{Letter, Letterhead, Signer, render};
use std::time::Instant;

fn main() {
    let head = Letterhead {
        government: "Pemerintah Kabupaten Jepara".into(),
        office: "Dinas Kependudukan dan Pencatatan Sipil".into(),
        lines: vec!["WA Dinas 08112600335".into()],
        logo: None,
    };
    let letter = Letter {
        title: "Surat Keterangan Keabsahan".into(),
        number: "470/12/Disdukcapil/SKK/XI/2026".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
        paragraphs: vec![
            "Yang bertanda tangan di bawah ini menerangkan bahwa akta tercatat dalam register.".repeat(4),
        ],
        signer: Signer {
            place: "Jepara".into(),
            position: "Kepala Bidang".into(),
            name: "NAMA".into(),
            nip: None,
            wet_signature: false,
        },
        qr: format!("https://layanan.example/verify/ABCDEFGHJKMNPQRS#v1.{}", "x".repeat(300)),
        qr_caption: "Pindai untuk memeriksa keaslian".into(),
    };
    let key = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
    let payload = Payload {
        doc_type: "skk".into(),
        number: letter.number.clone(),
        date: "2026-11-24".into(),
        office: "33.20".into(),
        holder: "B***".into(),
        digest: String::new(),
        key_id: key_id(&key.verifying_key()),
    };
    // The first render loads the fonts.
    let _ = render(&head, &letter);
    let n = 50;
    let start = Instant::now();
    let mut size = 0;
    for _ in 0..n {
        let pdf = render(&head, &letter).unwrap_or_default();
        let sealed = documents::seal::seal(&pdf, payload.clone(), &key).unwrap_or_default();
        size = sealed.len();
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
    println!(
        "{{\"name\": \"document_render_ms\", \"value\": {ms:.2}, \"unit\": \"ms\", \"pdf_bytes\": {size}}}"
    );
}
