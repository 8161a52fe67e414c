//! The WhatsApp Business Cloud API adapter, off unless `[whatsapp]` is
//! configured: the outbox's `whatsapp` messages are sent to the Cloud API
//! (`POST {api_url}/{phone_number_id}/messages`), and the inbound webhook's
//! text messages — only with a valid `X-Hub-Signature-256`, the HMAC-SHA256
//! of the body under the app secret — become questions at the office's
//! information desk (`crate::informasi`). Without it WhatsApp messages wait
//! in the outbox, shown to staff, and the webhook answers not-found.

use crate::{App, Error};
use async_trait::async_trait;
use hmac::{KeyInit, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::Notification;

/// `[whatsapp]` in `layanan.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The Graph API base, e.g. `https://graph.facebook.com/v21.0`.
    pub api_url: String,
    /// The business phone number's id (the sender).
    pub phone_number_id: String,
    /// The system user's access token.
    pub access_token: String,
    /// The app secret that signs the webhook's bodies.
    pub app_secret: String,
    /// What the webhook's subscription handshake must echo.
    pub verify_token: String,
    /// The office whose information desk receives the messages.
    pub office: String,
}

/// Whether `signature` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under
/// `secret`, compared in constant time.
pub fn signature_ok(secret: &str, body: &[u8], signature: Option<&str>) -> bool {
    let Some(sig) =
        signature.and_then(|s| s.trim().strip_prefix("sha256=")).and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// The signature the Cloud API would send with `body` (for tests and tools).
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// One inbound text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub id: String,
    /// The sender's number (international, digits only).
    pub from: String,
    /// The sender's profile name, or the number when there is none.
    pub name: String,
    pub text: String,
}

/// The text messages of a webhook body (`entry[].changes[].value`: its
/// `contacts` name the senders, its `messages` hold the texts; statuses
/// and other kinds are not questions).
pub fn messages(body: &Value) -> Vec<Inbound> {
    let values = body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["changes"].as_array().into_iter().flatten());
    let mut out = Vec::new();
    for v in values.map(|c| &c["value"]) {
        let name_of = |wa: &str| {
            v["contacts"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["wa_id"] == wa)
                .and_then(|c| c["profile"]["name"].as_str())
        };
        for m in v["messages"].as_array().into_iter().flatten().filter(|m| m["type"] == "text") {
            let (Some(from), Some(text)) = (m["from"].as_str(), m["text"]["body"].as_str()) else { continue };
            out.push(Inbound {
                id: m["id"].as_str().unwrap_or_default().into(),
                from: from.into(),
                name: name_of(from).unwrap_or(from).into(),
                text: text.into(),
            });
        }
    }
    out
}

/// The webhook: checks the signature, then asks each text message at the
/// configured office's information desk. The tracking codes of the
/// questions opened.
pub async fn receive(app: &App, body: &[u8], signature: Option<&str>) -> Result<Vec<String>, Error> {
    let Some(cfg) = &app.config.whatsapp else {
        return Err(Error::NotFound("WhatsApp is not configured".into()));
    };
    if !signature_ok(&cfg.app_secret, body, signature) {
        return Err(Error::Unauthorized);
    }
    let json: Value = serde_json::from_slice(body).map_err(|e| Error::invalid("body", e.to_string()))?;
    let mut codes = Vec::new();
    for m in messages(&json) {
        let applicant = crate::cases::Applicant { name: m.name, phone: Some(m.from), ..Default::default() };
        let case = crate::informasi::ask(app, &cfg.office, "whatsapp", applicant, &m.text).await?;
        tracing::info!(message = %m.id, case = case.id, "WhatsApp question received");
        codes.push(case.tracking_code);
    }
    Ok(codes)
}

/// The subscription handshake: the challenge, when the token is ours.
pub fn handshake(app: &App, mode: &str, token: &str, challenge: &str) -> Result<String, Error> {
    let Some(cfg) = &app.config.whatsapp else {
        return Err(Error::NotFound("WhatsApp is not configured".into()));
    };
    match mode == "subscribe" && crate::constant_time_eq(token, &cfg.verify_token) {
        true => Ok(challenge.to_string()),
        false => Err(Error::forbidden("wrong verify token")),
    }
}

/// A number as the Cloud API takes it: digits only, a leading 0 read as
/// Indonesia's 62.
pub fn international(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('0') {
        Some(rest) => format!("62{rest}"),
        None => digits,
    }
}

/// The outbox's WhatsApp channel, sent through the Cloud API over HTTPS
/// (rustls with ring and Mozilla's roots; plain HTTP only to this machine,
/// for a stand-in server).
pub struct CloudApi {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    settings: Settings,
}

impl CloudApi {
    /// The adapter; `Err` when `api_url` is not HTTPS (or loopback).
    pub fn new(settings: Settings) -> Result<CloudApi, String> {
        let url = settings.api_url.as_str();
        let loopback =
            ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| url.starts_with(p));
        if !url.starts_with("https://") && !loopback {
            return Err(format!("whatsapp.api_url `{url}`: the Cloud API is reached over https"));
        }
        let https = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("WhatsApp TLS: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(CloudApi { client: Client::builder(TokioExecutor::new()).build(https), settings })
    }
}

#[async_trait]
impl crate::outbox::Adapter for CloudApi {
    fn channel(&self) -> &'static str {
        "whatsapp"
    }

    async fn send(&self, n: &Notification) -> Result<(), String> {
        let s = &self.settings;
        let url = format!("{}/{}/messages", s.api_url.trim_end_matches('/'), s.phone_number_id);
        let text = format!("*{}*\n{}", n.subject, n.body);
        let body = serde_json::json!({"messaging_product": "whatsapp", "to": international(&n.recipient),
            "type": "text", "text": {"preview_url": false, "body": text}});
        let req = hyper::Request::post(url)
            .header(hyper::header::AUTHORIZATION, format!("Bearer {}", s.access_token))
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .map_err(|e| e.to_string())?;
        let res = tokio::time::timeout(std::time::Duration::from_secs(20), self.client.request(req))
            .await
            .map_err(|_| "Cloud API: no answer within 20 s".to_string())?
            .map_err(|e| format!("Cloud API: {e}"))?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let text = res.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        Err(format!("Cloud API {status}: {}", String::from_utf8_lossy(&text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_for_its_body_only() {
        let body = br#"{"entry":[]}"#;
        let good = sign("rahasia", body);
        assert!(signature_ok("rahasia", body, Some(&good)));
        assert!(!signature_ok("rahasia", br#"{"entry":[1]}"#, Some(&good)));
        assert!(!signature_ok("lain", body, Some(&good)));
        assert!(!signature_ok("rahasia", body, None));
        assert!(!signature_ok("rahasia", body, Some("sha256=zz")));
        assert!(!signature_ok("rahasia", body, Some(good.trim_start_matches("sha256="))));
    }

    #[test]
    fn text_messages_are_read_with_their_senders_names() {
        let body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "contacts": [{"wa_id": "6281234567890", "profile": {"name": "Siti"}}],
        "messages": [
            {"id": "wamid.1", "from": "6281234567890", "type": "text", "text": {"body": "Syarat KTP?"}},
            {"id": "wamid.2", "from": "6289999999999", "type": "text", "text": {"body": "Akta?"}},
            {"id": "wamid.3", "from": "6281234567890", "type": "image", "image": {}}
        ]}}]}]});
        let got = messages(&body);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].name.as_str(), got[0].text.as_str()), ("Siti", "Syarat KTP?"));
        assert_eq!(got[1].name, "6289999999999");
        assert_eq!(international("0812-3456 7890"), "6281234567890");
        assert_eq!(international("+62 812"), "62812");
    }

    #[test]
    fn the_cloud_api_is_reached_over_https_or_on_this_machine() {
        let settings = |url: &str| Settings {
            api_url: url.into(),
            phone_number_id: "1".into(),
            access_token: "t".into(),
            app_secret: "s".into(),
            verify_token: "v".into(),
            office: "33.20".into(),
        };
        assert!(CloudApi::new(settings("https://graph.facebook.com/v21.0")).is_ok());
        assert!(CloudApi::new(settings("http://127.0.0.1:9/v21.0")).is_ok());
        assert!(CloudApi::new(settings("http://graph.facebook.com/v21.0")).is_err());
    }
}
