//! Issuing documents for cases. Inside the transaction of the action that
//! issues a document: its number (from the store's counter, so no gap and
//! no duplicate) and its signed QR payload. After the commit: the PDF,
//! rendered, sealed with the office key and stored durably by the producer
//! job (or on the first download), so rendering never holds the writer.
//! A crash in between leaves a numbered, signed row whose PDF the producer
//! makes on restart; a download makes it at once.

use crate::{App, Error};
use ::documents::keys;
use ::documents::numbering::default_pattern;
use ::documents::payload::{Payload, content_digest, key_id};
use ::documents::render::{Letter, Letterhead, Signer, render};
use chrono::NaiveDate;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use store::{Document, DocumentDraft, Made, OfficeKey};

/// 16 characters from 32: 80 bits, not guessable, not sequential.
pub fn document_code() -> String {
    const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    buf.iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect()
}

/// The office's active signing key, created on first use.
pub async fn office_key(app: &App, office: &str) -> Result<(String, SigningKey), Error> {
    let stored = app.store.office_keys(Some(office)).await?;
    if let Some(k) = stored.iter().find(|k| k.retired_at.is_none()) {
        let key = keys::decrypt(&app.document_secret, &k.private_key_enc)
            .map_err(|e| Error::internal(format!("office {office} key: {e}")))?;
        return Ok((k.id.clone(), key));
    }
    rotate(app, office, "system").await
}

/// A new key for an office; the old one is kept for verification.
pub async fn rotate(app: &App, office: &str, actor: &str) -> Result<(String, SigningKey), Error> {
    let key = keys::generate();
    let id = key_id(&key.verifying_key());
    let row = OfficeKey {
        id: id.clone(),
        office: office.into(),
        public_key: hex::encode(key.verifying_key().as_bytes()),
        private_key_enc: keys::encrypt(&app.document_secret, &key),
        created_at: app.now().timestamp_millis(),
        retired_at: None,
    };
    app.store.add_office_key(actor, &row).await?;
    Ok((id, key))
}

/// An office's public key as layanan publishes it, for anyone checking a
/// document's signed payload themselves (the verify page's script, a
/// phone, an auditor's tool).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishedKey {
    /// The id a payload names (`key_id`).
    pub key_id: String,
    pub office: String,
    /// The raw ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// Retired keys are still published: what they signed stays genuine.
    pub retired: bool,
}

pub async fn published_keys(app: &App) -> Result<Vec<PublishedKey>, Error> {
    Ok(app
        .store
        .office_keys(None)
        .await?
        .into_iter()
        .map(|k| PublishedKey {
            key_id: k.id,
            office: k.office,
            public_key: k.public_key,
            retired: k.retired_at.is_some(),
        })
        .collect())
}

/// Every office public key ever used, by key id.
pub async fn verifying_keys(app: &App) -> Result<Vec<(String, VerifyingKey)>, Error> {
    Ok(app
        .store
        .office_keys(None)
        .await?
        .into_iter()
        .filter_map(|k| keys::public_from_hex(&k.public_key).ok().map(|v| (k.id, v)))
        .collect())
}

/// What goes on a letter besides the number and the QR.
pub struct Content {
    pub doc_type: String,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub holder: String,
    pub signer: Signer,
    /// Where the QR code points instead of the verification page (an
    /// application receipt points at its tracking page).
    pub qr_target: Option<String>,
}

/// A document's letter as it waits for its PDF: everything the PDF is made
/// from but the number (in the row) and the logo (in the catalogue). Kept
/// in the document row, so the PDF can be produced after the commit, by
/// the producer job, on a download, or after a restart.
#[derive(Debug, Serialize, Deserialize)]
struct Sheet {
    doc_type: String,
    title: String,
    date: NaiveDate,
    paragraphs: Vec<String>,
    holder: String,
    signer: SignerLine,
    /// The letterhead as it was when the document was issued.
    government: String,
    office_name: String,
    head_lines: Vec<String>,
    qr_url: String,
    verify_url: String,
    /// The office key that signed the payload (and will seal the PDF).
    key_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct SignerLine {
    place: String,
    position: String,
    name: String,
    nip: Option<String>,
    wet_signature: bool,
}

impl Sheet {
    /// The signed fields; the same at issue and at production.
    fn payload(&self, number: &str, office: &str) -> Payload {
        let mut parts: Vec<&str> = vec![&self.title, number, &self.holder];
        parts.extend(self.paragraphs.iter().map(String::as_str));
        Payload {
            doc_type: self.doc_type.clone(),
            number: number.to_string(),
            date: self.date.format("%Y-%m-%d").to_string(),
            office: office.to_string(),
            holder: self.holder.clone(),
            digest: content_digest(&parts),
            key_id: self.key_id.clone(),
        }
    }
}

/// The office's kop surat: its government (the kab/kota, or the
/// province), the Dinas, its contact lines and its logo.
pub async fn letterhead(app: &App, office: &str) -> Result<Letterhead, Error> {
    let o = app.store.office(office).await?.ok_or_else(|| Error::not_found(format!("office {office}")))?;
    let parent = match &o.parent {
        Some(p) => app.store.region(office).await?.map(|r| r.name).unwrap_or_else(|| p.clone()),
        None => app.store.region(office).await?.map(|r| format!("Provinsi {}", r.name)).unwrap_or_default(),
    };
    Ok(Letterhead {
        government: format!("Pemerintah {parent}"),
        office: "Dinas Kependudukan dan Pencatatan Sipil".into(),
        lines: [Some(o.address.clone()).filter(|a| a != "tidak dinyatakan"), o.phone, o.website, o.email]
            .into_iter()
            .flatten()
            .collect(),
        logo: app.catalog.logo(office).map(<[u8]>::to_vec),
    })
}

/// A draft the store numbers, signs and records inside its transaction;
/// the PDF follows after the commit (`produce`).
pub async fn draft(app: &App, office: &str, actor: &str, content: Content) -> Result<DocumentDraft, Error> {
    let (kid, key) = office_key(app, office).await?;
    let head = letterhead(app, office).await?;
    let code = document_code();
    let verify_url = format!("{}/verify/{code}", app.config.public_url.trim_end_matches('/'));
    let sheet = Sheet {
        doc_type: content.doc_type.clone(),
        title: content.title,
        date: app.today(office),
        paragraphs: content.paragraphs,
        holder: content.holder.clone(),
        signer: SignerLine {
            place: content.signer.place,
            position: content.signer.position,
            name: content.signer.name,
            nip: content.signer.nip,
            wet_signature: content.signer.wet_signature,
        },
        government: head.government,
        office_name: head.office,
        head_lines: head.lines,
        qr_url: content.qr_target.unwrap_or_else(|| verify_url.clone()),
        verify_url,
        key_id: kid,
    };
    let stored = serde_json::to_string(&sheet).map_err(Error::internal)?;
    let pattern = app
        .catalog
        .pattern(office, &content.doc_type)
        .cloned()
        .unwrap_or_else(|| default_pattern(&content.doc_type));
    let office_code = office.to_string();
    let year = chrono::Datelike::year(&sheet.date);
    let make = Box::new(move |seq: i64| -> Result<Made, String> {
        let number = pattern.format(seq, sheet.date, &office_code);
        let payload = sheet.payload(&number, &office_code).sign(&key).map_err(|e| e.to_string())?;
        Ok(Made { number, payload })
    });
    Ok(DocumentDraft {
        code,
        office: office.into(),
        case_id: None,
        doc_type: content.doc_type,
        year,
        holder: content.holder,
        actor: actor.into(),
        content: stored,
        make,
    })
}

/// Renders, seals and stores (durably) the PDF of an issued document;
/// returns the file's hash. CPU-bound: run it off the async threads.
fn render_pdf(
    doc: &Document,
    key: &SigningKey,
    logo: Option<Vec<u8>>,
    files: &dyn store::files::FileStore,
) -> Result<String, String> {
    let content = doc.content.as_deref().ok_or("the document has no stored letter")?;
    let sheet: Sheet = serde_json::from_str(content).map_err(|e| format!("stored letter: {e}"))?;
    let head = Letterhead {
        government: sheet.government.clone(),
        office: sheet.office_name.clone(),
        lines: sheet.head_lines.clone(),
        logo,
    };
    let payload = sheet.payload(&doc.number, &doc.office);
    let letter = Letter {
        title: sheet.title,
        number: doc.number.clone(),
        date: sheet.date,
        paragraphs: sheet.paragraphs,
        signer: Signer {
            place: sheet.signer.place,
            position: sheet.signer.position,
            name: sheet.signer.name,
            nip: sheet.signer.nip,
            wet_signature: sheet.signer.wet_signature,
        },
        qr: format!("{}#{}", sheet.qr_url, doc.payload),
        qr_caption: format!("Pindai untuk memeriksa keaslian dokumen: {}", sheet.verify_url),
    };
    let pdf = render(&head, &letter).map_err(|e| e.to_string())?;
    let sealed = ::documents::seal::seal(&pdf, payload, key).map_err(|e| e.to_string())?;
    files.put(&sealed).map_err(|e| e.to_string())
}

/// The signing key a document was issued with (retired keys still seal
/// what they signed).
async fn key_of(app: &App, doc: &Document) -> Result<SigningKey, Error> {
    let sheet_key = doc
        .content
        .as_deref()
        .and_then(|c| serde_json::from_str::<Sheet>(c).ok())
        .map(|s| s.key_id)
        .ok_or_else(|| Error::internal(format!("document {} has no readable letter", doc.code)))?;
    let k = app
        .store
        .office_keys(Some(&doc.office))
        .await?
        .into_iter()
        .find(|k| k.id == sheet_key)
        .ok_or_else(|| Error::internal(format!("office key {sheet_key} is gone")))?;
    keys::decrypt(&app.document_secret, &k.private_key_enc)
        .map_err(|e| Error::internal(format!("office {} key: {e}", doc.office)))
}

/// Renders and stores the PDF of a pending document: `(code, sha256)`, for
/// the caller to record.
async fn produce(app: &App, doc: Document) -> Result<(String, String), Error> {
    let key = key_of(app, &doc).await?;
    let logo = app.catalog.logo(&doc.office).map(<[u8]>::to_vec);
    let files = app.files.clone();
    let code = doc.code.clone();
    let sha = tokio::task::spawn_blocking(move || render_pdf(&doc, &key, logo, files.as_ref()))
        .await
        .map_err(Error::internal)?
        .map_err(|e| Error::internal(format!("document {code}: {e}")))?;
    Ok((code, sha))
}

/// A document with its PDF: produced now if it was still pending (a
/// download or verification right after the action that issued it).
pub async fn produced(app: &App, code: &str) -> Result<Option<Document>, Error> {
    let Some(doc) = app.store.document(code).await? else { return Ok(None) };
    if doc.produced_at.is_some() {
        return Ok(Some(doc));
    }
    let done = produce(app, doc).await?;
    app.store.documents_produced(std::slice::from_ref(&done)).await?;
    Ok(app.store.document(code).await?)
}

/// Documents produced per round of the producer.
const PRODUCE_BATCH: i64 = 32;

/// One round of the producer: the oldest pending documents, produced one
/// after the other, recorded in one transaction. Returns how many.
pub async fn produce_pending(app: &App) -> Result<usize, Error> {
    let pending = app.store.pending_documents(PRODUCE_BATCH).await?;
    let mut done = Vec::with_capacity(pending.len());
    for doc in pending {
        match produce(app, doc).await {
            Ok(d) => done.push(d),
            // Left pending: the next round (or a download) tries again.
            Err(e) => tracing::warn!(error = %e, "document not produced yet"),
        }
    }
    if done.is_empty() {
        return Ok(0);
    }
    let marked = app.store.documents_produced(&done).await?;
    metrics::counter!("layanan_documents_produced_total").increment(marked as u64);
    Ok(done.len())
}

/// Tells the producer that documents wait (after an action that issued one).
pub fn wake_producer(app: &App) {
    app.produce.notify_one();
}

/// The producer job: PDFs of issued documents, after their commit. On start
/// it first catches up with what a crash or stop left pending.
pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match produce_pending(&app).await {
                Ok(n) if n as i64 == PRODUCE_BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "document producer"),
            }
            // Woken by an issue, or every few seconds to retry failures.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), app.produce.notified()).await;
        }
    })
}

/// A letter in the office's agenda (its kartu agenda and what the
/// Subbag Umum recorded on receiving it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgendaEntry {
    /// Nomor agenda.
    pub number: String,
    pub case_id: Option<i64>,
    pub tracking_code: Option<String>,
    /// `tanggal_terima`, `asal_surat`, `perihal` as recorded.
    pub received_on: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    /// When it was entered (RFC 3339, office time).
    pub entered_at: Option<String>,
}

/// The office's agenda of incoming letters, newest first (at most 200).
pub async fn agenda(app: &App, office: &str) -> Result<Vec<AgendaEntry>, Error> {
    let zone = crate::clock::office_zone(office);
    let mut out = Vec::new();
    for d in app.store.office_documents(office, AGENDA, 200).await? {
        let case = match d.case_id {
            Some(id) => app.store.case(id).await?,
            None => None,
        };
        let mut recorded = serde_json::Map::new();
        if let Some(c) = &case {
            for j in app.store.journal(c.id).await? {
                if let Some(serde_json::Value::Object(v)) = j.data.and_then(|x| serde_json::from_str(&x).ok())
                {
                    recorded.extend(v);
                }
            }
        }
        let get = |k: &str| recorded.get(k).and_then(|v| v.as_str()).map(str::to_string);
        out.push(AgendaEntry {
            number: d.number,
            case_id: d.case_id,
            tracking_code: case.map(|c| c.tracking_code),
            received_on: get("tanggal_terima"),
            sender: get("asal_surat"),
            subject: get("perihal"),
            entered_at: crate::clock::rfc3339(Some(d.issued_at), zone),
        });
    }
    Ok(out)
}

/// The document kind whose number is a letter's agenda number.
pub const AGENDA: &str = "kartu_agenda";

/// A document in a case's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentItem {
    pub code: String,
    pub number: String,
    /// The document type (`tanda_terima`, `surat_keterangan`, ...).
    pub kind: String,
    pub issued_at: Option<String>,
    pub revoked: bool,
}

/// The documents issued for a case, oldest first.
pub async fn of_case(app: &App, c: &store::Case) -> Result<Vec<DocumentItem>, Error> {
    let zone = crate::clock::office_zone(&c.office);
    let docs = app.store.case_documents(c.id).await?;
    Ok(docs
        .into_iter()
        .map(|d| DocumentItem {
            code: d.code,
            number: d.number,
            kind: d.doc_type,
            issued_at: crate::clock::rfc3339(Some(d.issued_at), zone),
            revoked: d.revoked_at.is_some(),
        })
        .collect())
}

/// What a verification shows: the signed fields, never personal data.
/// An unknown code shows only `status` and `code`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// `valid`, `revoked` or `unknown`.
    pub status: &'static str,
    pub code: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// Initials only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// Present (as `null` when not revoked) for every known document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoke_reason: Option<Option<String>>,
}

pub async fn verify(app: &App, code: &str) -> Result<Verification, Error> {
    let unknown = |code: &str| Verification {
        status: "unknown",
        code: code.to_string(),
        doc_type: None,
        number: None,
        office: None,
        holder: None,
        issued_at: None,
        revoked_at: None,
        revoke_reason: None,
    };
    let Some(doc) = app.store.document(code.trim()).await? else {
        return Ok(unknown(code));
    };
    let keys = verifying_keys(app).await?;
    let genuine = Payload::verify(&doc.payload, &keys).is_ok();
    let zone = crate::clock::office_zone(&doc.office);
    let status = match (genuine, doc.revoked_at) {
        (false, _) => "unknown",
        (true, Some(_)) => "revoked",
        (true, None) => "valid",
    };
    Ok(Verification {
        status,
        code: doc.code,
        doc_type: Some(doc.doc_type),
        number: Some(doc.number),
        office: Some(doc.office),
        holder: Some(doc.holder),
        issued_at: crate::clock::rfc3339(Some(doc.issued_at), zone),
        revoked_at: Some(crate::clock::rfc3339(doc.revoked_at, zone)),
        revoke_reason: Some(doc.revoke_reason),
    })
}

/// Fills a body template: `{name}` from `values`, `{SECTION.CODE}` from the
/// sections of `data` — `fields` (the application's form) and `recorded`
/// (what staff recorded on completing steps, e.g. the approved quantity) —
/// empty when absent, anything else left as written. Paragraphs are
/// separated by blank lines; empty ones are dropped, and so is one marked
/// `?` at its start when any of its placeholders is empty (the register
/// entry a search found, on a case that recorded none).
pub fn fill(template: &str, values: &[(&str, String)], data: &serde_json::Value) -> Vec<String> {
    template
        .split("\n\n")
        .filter_map(|p| {
            let (optional, p) = match p.trim_start().strip_prefix('?') {
                Some(rest) => (true, rest),
                None => (false, p),
            };
            let (text, all_filled) = fill_paragraph(p, values, data);
            (all_filled || !optional).then(|| text.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// The most characters one filled-in value (an applicant's or an
/// officer's text) takes in a letter.
pub const VALUE_CHARS: usize = 1_000;

/// A value as it goes into a letter: on one line (its line breaks and
/// control characters are spaces, so it cannot start paragraphs that read
/// as the office's own wording) and at most [`VALUE_CHARS`] characters,
/// cut with "…".
fn quoted_value(v: &str) -> String {
    let flat: String = v.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let words = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= VALUE_CHARS {
        return words;
    }
    let cut: String = words.chars().take(VALUE_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// One paragraph filled, and whether every placeholder it names had a value.
fn fill_paragraph(template: &str, values: &[(&str, String)], data: &serde_json::Value) -> (String, bool) {
    let mut out = String::new();
    let mut all_filled = true;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(len) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + len];
        let value = if let Some((_, v)) = values.iter().find(|(k, _)| *k == name) {
            Some(v.clone())
        } else if let Some((section, code)) = name.split_once('.')
            && let Some(section) = data.get(section)
        {
            Some(match &section[code] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(v) => v.clone(),
                other => other.to_string(),
            })
        } else {
            None
        };
        match value {
            Some(v) => {
                all_filled &= !v.trim().is_empty();
                out.push_str(&quoted_value(&v));
            }
            None => out.push_str(&rest[open..=open + len]),
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    (out, all_filled)
}

#[cfg(test)]
mod tests {
    use super::fill;
    use serde_json::json;

    #[test]
    fn a_value_stays_in_its_place_and_is_cut_to_its_length() {
        let body = "Keterangan: \"{fields.catatan}\". Demikian.";
        let stuffed = format!("baris satu\n\nKAMI MENERANGKAN BAHWA\r\n{}", "x".repeat(5_000));
        let got = fill(body, &[], &json!({"fields": {"catatan": stuffed}}));
        assert_eq!(got.len(), 1, "no new paragraph: {got:?}");
        let p = &got[0];
        assert!(p.starts_with("Keterangan: \"baris satu KAMI MENERANGKAN BAHWA xxx"), "{p}");
        assert!(p.ends_with("…\". Demikian."), "cut, and the template's text after it kept: {p}");
        let value = p.trim_start_matches("Keterangan: \"").trim_end_matches("\". Demikian.");
        assert_eq!(value.chars().count(), super::VALUE_CHARS);
    }

    #[test]
    fn templates_fill_known_names_and_keep_unknown_ones() {
        let body = "Atas nama {applicant}, akta {fields.nomor_akta}{fields.absent}, {recorded.jumlah} keping.\n\n{note}\n\nLihat {typo}.";
        let got = fill(
            body,
            &[("applicant", "Budi".into()), ("note", String::new())],
            &json!({"fields": {"nomor_akta": "X-1"}, "recorded": {"jumlah": 40}}),
        );
        assert_eq!(got, ["Atas nama Budi, akta X-1, 40 keping.", "Lihat {typo}."]);
    }

    #[test]
    fn a_paragraph_marked_optional_is_dropped_when_a_value_is_missing() {
        let body = "Satu {applicant}.\n\n?Register {recorded.register_nama} buku {recorded.register_buku}.\n\n?Catatan: {note}";
        let data = json!({"recorded": {"register_nama": "SITI", "register_buku": "12"}});
        let got = fill(body, &[("applicant", "Budi".into()), ("note", String::new())], &data);
        assert_eq!(got, ["Satu Budi.", "Register SITI buku 12."]);
        let got =
            fill(body, &[("applicant", "Budi".into()), ("note", "ok".into())], &json!({"recorded": {}}));
        assert_eq!(got, ["Satu Budi.", "Catatan: ok"]);
    }
}
