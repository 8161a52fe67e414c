//! Issuing documents for cases: the office key, the PDF letter with its
//! signed QR code and file seal, the number from the store, all inside the
//! transaction of the action that issues it.

use crate::error::ApiError;
use crate::state::AppState;
use chrono::{NaiveDate, Utc};
use documents::keys;
use documents::numbering::default_pattern;
use documents::payload::{Payload, content_digest, key_id};
use documents::render::{Letter, Letterhead, Signer, render};
use ed25519_dalek::{SigningKey, VerifyingKey};
use store::{DocumentDraft, Made, OfficeKey, now_ms};

/// 16 characters from 32: 80 bits, not guessable, not sequential.
pub fn document_code() -> String {
    const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    buf.iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect()
}

/// The office's active signing key, created on first use.
pub async fn office_key(state: &AppState, office: &str) -> Result<(String, SigningKey), ApiError> {
    let stored = state.store.office_keys(Some(office)).await?;
    if let Some(k) = stored.iter().find(|k| k.retired_at.is_none()) {
        let key = keys::decrypt(&state.document_secret, &k.private_key_enc).map_err(|e| {
            tracing::error!(office, "{e}");
            ApiError::internal()
        })?;
        return Ok((k.id.clone(), key));
    }
    rotate(state, office, "system").await
}

/// A new key for an office; the old one is kept for verification.
pub async fn rotate(state: &AppState, office: &str, actor: &str) -> Result<(String, SigningKey), ApiError> {
    let key = keys::generate();
    let id = key_id(&key.verifying_key());
    let row = OfficeKey {
        id: id.clone(),
        office: office.into(),
        public_key: hex::encode(key.verifying_key().as_bytes()),
        private_key_enc: keys::encrypt(&state.document_secret, &key),
        created_at: now_ms(),
        retired_at: None,
    };
    state.store.add_office_key(actor, &row).await?;
    Ok((id, key))
}

/// Every office public key ever used, by key id.
pub async fn verifying_keys(state: &AppState) -> Result<Vec<(String, VerifyingKey)>, ApiError> {
    Ok(state
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

/// A draft the store numbers and stores inside its transaction.
pub async fn draft(
    state: &AppState,
    office: &str,
    actor: &str,
    content: Content,
) -> Result<DocumentDraft, ApiError> {
    let (kid, key) = office_key(state, office).await?;
    let o =
        state.store.office(office).await?.ok_or_else(|| ApiError::not_found(format!("office {office}")))?;
    let parent = match &o.parent {
        Some(p) => state.store.region(office).await?.map(|r| r.name).unwrap_or_else(|| p.clone()),
        None => state.store.region(office).await?.map(|r| format!("Provinsi {}", r.name)).unwrap_or_default(),
    };
    let head = Letterhead {
        government: format!("Pemerintah {parent}"),
        office: "Dinas Kependudukan dan Pencatatan Sipil".into(),
        lines: [
            Some(o.address.clone()).filter(|a| a != "tidak dinyatakan"),
            o.phone.clone(),
            o.website.clone(),
            o.email.clone(),
        ]
        .into_iter()
        .flatten()
        .collect(),
        logo: state.catalog.logo(office).map(<[u8]>::to_vec),
    };
    let code = document_code();
    let today: NaiveDate =
        Utc::now().with_timezone(&crate::cases::clock::office_zone(office).offset()).date_naive();
    let files = state.files.clone();
    let verify_url = format!("{}/verify/{code}", state.config.public_url.trim_end_matches('/'));
    let qr_url = content.qr_target.clone().unwrap_or_else(|| verify_url.clone());
    let office_code = office.to_string();
    let doc_type = content.doc_type.clone();
    let holder = content.holder.clone();
    let pattern = state
        .catalog
        .pattern(office, &content.doc_type)
        .cloned()
        .unwrap_or_else(|| default_pattern(&content.doc_type));
    let make = Box::new(move |seq: i64| -> Result<Made, String> {
        let number = pattern.format(seq, today, &office_code);
        let mut parts: Vec<&str> = vec![&content.title, &number, &content.holder];
        parts.extend(content.paragraphs.iter().map(String::as_str));
        let payload = Payload {
            doc_type: content.doc_type.clone(),
            number: number.clone(),
            date: today.format("%Y-%m-%d").to_string(),
            office: office_code.clone(),
            holder: content.holder.clone(),
            digest: content_digest(&parts),
            key_id: kid.clone(),
        };
        let signed = payload.sign(&key).map_err(|e| e.to_string())?;
        let letter = Letter {
            title: content.title,
            number: number.clone(),
            date: today,
            paragraphs: content.paragraphs,
            signer: content.signer,
            qr: format!("{qr_url}#{signed}"),
            qr_caption: format!("Pindai untuk memeriksa keaslian dokumen: {verify_url}"),
        };
        let pdf = render(&head, &letter).map_err(|e| e.to_string())?;
        let sealed = documents::seal::seal(&pdf, payload, &key).map_err(|e| e.to_string())?;
        let sha = files.put(&sealed).map_err(|e| e.to_string())?;
        Ok(Made { number, payload: signed, pdf_sha256: sha })
    });
    Ok(DocumentDraft {
        code,
        office: office.into(),
        case_id: None,
        doc_type,
        year: chrono::Datelike::year(&today),
        holder,
        actor: actor.into(),
        make,
    })
}

/// What a verification shows: the signed fields, never personal data.
pub async fn verify(state: &AppState, code: &str) -> Result<serde_json::Value, ApiError> {
    let Some(doc) = state.store.document(code.trim()).await? else {
        return Ok(serde_json::json!({"status": "unknown", "code": code}));
    };
    let keys = verifying_keys(state).await?;
    let genuine = Payload::verify(&doc.payload, &keys).is_ok();
    let zone = crate::cases::clock::office_zone(&doc.office);
    let status = match (genuine, doc.revoked_at) {
        (false, _) => "unknown",
        (true, Some(_)) => "revoked",
        (true, None) => "valid",
    };
    Ok(serde_json::json!({
        "status": status,
        "code": doc.code,
        "type": doc.doc_type,
        "number": doc.number,
        "office": doc.office,
        "holder": doc.holder,
        "issued_at": crate::cases::clock::rfc3339(Some(doc.issued_at), zone),
        "revoked_at": crate::cases::clock::rfc3339(doc.revoked_at, zone),
        "revoke_reason": doc.revoke_reason,
    }))
}

/// Fills a body template: `{name}` from `values`, `{fields.CODE}` from the
/// application's fields (empty when absent), anything else left as written.
/// Paragraphs are separated by blank lines; empty ones are dropped.
pub fn fill(template: &str, values: &[(&str, String)], fields: &serde_json::Value) -> Vec<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(len) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + len];
        if let Some((_, v)) = values.iter().find(|(k, _)| *k == name) {
            out.push_str(v);
        } else if let Some(code) = name.strip_prefix("fields.") {
            match &fields[code] {
                serde_json::Value::Null => {}
                serde_json::Value::String(v) => out.push_str(v),
                other => out.push_str(&other.to_string()),
            }
        } else {
            out.push_str(&rest[open..=open + len]);
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fill;
    use serde_json::json;

    #[test]
    fn templates_fill_known_names_and_keep_unknown_ones() {
        let body =
            "Atas nama {applicant}, akta {fields.nomor_akta}{fields.absent}.\n\n{note}\n\nLihat {typo}.";
        let got = fill(
            body,
            &[("applicant", "Budi".into()), ("note", String::new())],
            &json!({"nomor_akta": "X-1"}),
        );
        assert_eq!(got, ["Atas nama Budi, akta X-1.", "Lihat {typo}."]);
    }
}
