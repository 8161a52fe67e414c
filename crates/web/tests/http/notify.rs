//! Email notifications leave the outbox through a real SMTP conversation
//! (with a minimal SMTP server in the test as the office's relay).

use crate::common::{PASSWORD, TestApp};
use app::clock::Clock;
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

/// A relay that is down: each failed try is recorded with its error and
/// the message waits, longer each time (1, 4, 16, 64, 256 minutes), until
/// the sixth try fails; then it is a dead letter its office's admin sees
/// and may send again, and it goes out once the relay is back.
#[tokio::test]
async fn a_failing_relay_is_retried_with_backoff_then_a_dead_letter_is_sent_again() {
    let app = TestApp::sqlite().await;
    let body = json!({
        "service": "33.20-informasi-online", "channel": "online",
        "applicant": {"name": "Dewi", "nik": "3320024505920004", "email": "dewi@example.id"},
        "fields": {"pertanyaan": "?"}
    });
    app.http.post(app.url("/api/v1/applications")).json(&body).send().await.unwrap();
    let down: Vec<Box<dyn app::outbox::Adapter>> =
        vec![Box::new(app::outbox::SmtpRelay::new("127.0.0.1", 1, "a@b.id").unwrap())];
    let email = |app: &TestApp| {
        let store = app.db.store.clone();
        async move {
            let all = store.notifications("33.20", 10).await.unwrap();
            all.into_iter().find(|n| n.channel == "email").unwrap()
        }
    };
    for (attempt, wait_minutes) in [(1, 1), (2, 4), (3, 16), (4, 64), (5, 256)] {
        assert_eq!(app::outbox::dispatch(app.app(), &down).await, 0);
        let n = email(&app).await;
        assert_eq!((n.status.as_str(), n.attempts), ("pending", attempt), "{n:?}");
        assert!(n.last_error.as_deref().is_some_and(|e| !e.is_empty()), "{n:?}");
        let wait = n.next_at.unwrap() - app.clock.now().timestamp_millis();
        assert!((wait - wait_minutes * 60_000).abs() < 5_000, "try {attempt}: waits {wait} ms");
        // Not offered again before its time.
        assert_eq!(app::outbox::dispatch(app.app(), &down).await, 0);
        assert_eq!(email(&app).await.attempts, attempt, "tried again too soon");
        app.clock.advance(chrono::Duration::minutes(wait_minutes + 1));
    }
    assert_eq!(app::outbox::dispatch(app.app(), &down).await, 0);
    let dead = email(&app).await;
    assert_eq!((dead.status.as_str(), dead.attempts, dead.next_at), ("failed", 6, None));

    // The dead letters: the office's admin sees them (API and page) and sends one again.
    app.add_user("jepara.admin", "admin", "33.20", PASSWORD).await;
    app.add_user("jepara.op", "operator", "33.20", PASSWORD).await;
    app.add_user("pky.admin", "admin", "62.71", PASSWORD).await;
    let (admin, csrf) = app.token("jepara.admin", PASSWORD).await;
    let (op, _) = app.token("jepara.op", PASSWORD).await;
    let (other, _) = app.token("pky.admin", PASSWORD).await;
    let (s, list) = app.get_json("/api/v1/notifications/failed", Some(&admin)).await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().map(|l| l.len()), Some(1), "{list}");
    assert_eq!(list[0]["attempts"], 6);
    assert!(list[0]["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{list}");
    assert_eq!(app.get_json("/api/v1/notifications/failed", Some(&op)).await.0, 403);
    let (_, none) = app.get_json("/api/v1/notifications/failed", Some(&other)).await;
    assert_eq!(none, json!([]), "another office's dead letters");
    let (_, page) = app.get_text("/staff/outbox", Some(&format!("layanan_session={admin}"))).await;
    assert!(page.contains(&format!("/staff/outbox/{}/resend", dead.id)), "no re-send button");
    let resend = format!("/api/v1/notifications/{}/resend", dead.id);
    assert_eq!(app.post_json(&resend, Some(&other), json!({})).await.0, 404);
    assert_eq!(app.post_json(&resend, Some(&op), json!({})).await.0, 403);
    let res = app
        .http
        .post(app.url(&format!("/staff/outbox/{}/resend", dead.id)))
        .header("cookie", format!("layanan_session={admin}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let again = email(&app).await;
    assert_eq!((again.status.as_str(), again.attempts), ("pending", 0));
    assert_eq!(app.post_json(&resend, Some(&admin), json!({})).await.0, 404, "no longer a dead letter");
    let audit = app.db.store.audit_entries(0, 10_000).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "notification.resend" && a.actor == "jepara.admin"));
    // The relay is back: it goes out once.
    let (port, mut rx) = smtp_sink().await;
    let up: Vec<Box<dyn app::outbox::Adapter>> =
        vec![Box::new(app::outbox::SmtpRelay::new("127.0.0.1", port, "layanan@jeparakab.go.id").unwrap())];
    assert_eq!(app::outbox::dispatch(app.app(), &up).await, 1);
    assert!(rx.recv().await.unwrap().contains("dewi@example.id"));
    assert_eq!(email(&app).await.status, "sent");
}
