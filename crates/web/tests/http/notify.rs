//! Email notifications leave the outbox through a real SMTP conversation
//! (with a minimal SMTP server in the test as the office's relay).

use crate::common::TestApp;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts SMTP sessions and returns each message's DATA through a channel.
async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 relay ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            let _ = tx.send(std::mem::take(d));
                            data = None;
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or_default().to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 relay\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn email_goes_out_through_the_relay_once_and_whatsapp_stays_in_the_outbox() {
    let app = TestApp::sqlite().await;
    let body = json!({
        "service": "33.20-informasi-online", "channel": "online",
        "applicant": {"name": "Dewi", "nik": "3320024505920004", "email": "dewi@example.id", "phone": "08123"},
        "fields": {"pertanyaan": "Bagaimana cara mengurus KIA?"}
    });
    let res = app.http.post(app.url("/api/v1/applications")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);

    let (port, mut rx) = smtp_sink().await;
    let adapters: Vec<Box<dyn app::outbox::Adapter>> =
        vec![Box::new(app::outbox::SmtpRelay::new("127.0.0.1", port, "layanan@jeparakab.go.id").unwrap())];
    assert_eq!(app::outbox::dispatch(app.app(), &adapters).await, 1);
    let mail = rx.recv().await.unwrap();
    assert!(mail.contains("Subject: Permohonan diterima") && mail.contains("dewi@example.id"), "{mail}");
    // Sent once: a second run finds nothing.
    assert_eq!(app::outbox::dispatch(app.app(), &adapters).await, 0);
    let outbox = app.db.store.notifications("33.20", 10).await.unwrap();
    let status = |ch: &str| outbox.iter().find(|n| n.channel == ch).map(|n| n.status.clone());
    assert_eq!(status("email").as_deref(), Some("sent"));
    assert_eq!(status("whatsapp").as_deref(), Some("pending"), "no WhatsApp gateway: it stays in the outbox");
}

#[tokio::test]
async fn without_a_relay_email_waits_and_is_retried_after_the_lease() {
    let app = TestApp::sqlite().await;
    let body = json!({
        "service": "33.20-informasi-online", "channel": "online",
        "applicant": {"name": "Dewi", "nik": "3320024505920004", "email": "dewi@example.id"},
        "fields": {"pertanyaan": "?"}
    });
    app.http.post(app.url("/api/v1/applications")).json(&body).send().await.unwrap();
    // A relay that is down: the message stays pending.
    let adapters: Vec<Box<dyn app::outbox::Adapter>> =
        vec![Box::new(app::outbox::SmtpRelay::new("127.0.0.1", 1, "a@b.id").unwrap())];
    assert_eq!(app::outbox::dispatch(app.app(), &adapters).await, 0);
    let n = &app.db.store.notifications("33.20", 10).await.unwrap()[0];
    assert_eq!(n.status, "pending");
    // Still leased: not offered again at once; after the lease it is.
    let now = store::now_ms();
    assert!(app.db.store.claim_notifications("email", now, 300_000, 10).await.unwrap().is_empty());
    assert_eq!(app.db.store.claim_notifications("email", now + 301_000, 300_000, 10).await.unwrap().len(), 1);
}
