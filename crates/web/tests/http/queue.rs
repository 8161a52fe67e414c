//! The counter queue end to end: numbers per service and day, a priority
//! group called first, the waiting time measured, two counters never
//! calling the same number, and bad input named.

use crate::common::{PASSWORD, TestApp, on_both_backends};
use serde_json::{Value, json};

const SERVICE: &str = "33.20-legalisir";

async fn take(app: &TestApp, priority: &str) -> Value {
    let body = json!({"office": "33.20", "service": SERVICE, "priority": priority});
    let (s, r) = app.post_json("/api/v1/queue/tickets", None, body).await;
    assert_eq!(s, 201, "{r}");
    r
}

on_both_backends!(
    priority_first_and_no_number_called_twice_sqlite,
    priority_first_and_no_number_called_twice_postgres,
    priority_first
);

async fn priority_first(app: TestApp) {
    app.add_user("jp.op", "operator", "33.20", PASSWORD).await;
    app.add_user("jp.op2", "operator", "33.20", PASSWORD).await;
    let op = app.token("jp.op", PASSWORD).await.0;
    let op2 = app.token("jp.op2", PASSWORD).await.0;
    let call = |token: &str, counter: &str| {
        let body = json!({"counter": counter, "service": SERVICE});
        let (app, token) = (&app, token.to_string());
        async move { app.post_json("/api/v1/queue/call", Some(&token), body).await }
    };
    assert_eq!(call(&op, "Loket 1").await.0, 404, "nobody waits yet");

    let first = take(&app, "").await;
    assert_eq!((first["ticket"]["number"].as_str(), first["ahead"].as_u64()), (Some("L-001"), Some(0)));
    assert_eq!(take(&app, "").await["ticket"]["number"], "L-002");
    let lansia = take(&app, "lansia").await;
    assert_eq!(
        (lansia["ticket"]["number"].as_str(), lansia["ahead"].as_u64()),
        (Some("LP-001"), Some(0)),
        "{lansia}"
    );
    for (body, field) in [
        (json!({"office": "33.20", "service": SERVICE, "priority": "vip"}), "priority"),
        (json!({"office": "33.20", "service": "33.20-informasi-online"}), "service"),
        (json!({"office": "16.06", "service": SERVICE}), "service"),
    ] {
        let (s, e) = app.post_json("/api/v1/queue/tickets", None, body).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some(field)), "{e}");
    }

    // Five minutes on, the priority number is called first, then in order.
    app.clock.advance(chrono::Duration::minutes(5));
    let (s, t) = call(&op, "Loket 1").await;
    assert_eq!(
        (s, t["number"].as_str(), t["counter"].as_str()),
        (200, Some("LP-001"), Some("Loket 1")),
        "{t}"
    );
    assert_eq!(call(&op2, "Loket 2").await.1["number"], "L-001");
    let (_, board) = app.get_json("/api/v1/queue/33.20", None).await;
    let called: Vec<(&str, &str)> = board["called"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["counter"].as_str().unwrap(), t["number"].as_str().unwrap()))
        .collect();
    assert_eq!(called, [("Loket 2", "L-001"), ("Loket 1", "LP-001")]);
    assert_eq!(board["waiting"][0]["number"], "L-002");
    assert_eq!(board["median_wait_minutes"], 5);
    // Only counter staff call; a counter is named.
    app.add_user("jp.kadin", "kepala_dinas", "33.20", PASSWORD).await;
    let kadin = app.token("jp.kadin", PASSWORD).await.0;
    assert_eq!(call(&kadin, "Loket 9").await.0, 403);
    let (s, e) = call(&op, " ").await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("counter")));

    // Two counters calling at once never take the same number.
    for _ in 0..10 {
        take(&app, "").await;
    }
    let mut calls = Vec::new();
    for i in 0..12 {
        let token = if i % 2 == 0 { op.clone() } else { op2.clone() };
        calls.push(async move { call(&token, &format!("Loket {}", 1 + i % 2)).await });
    }
    let results = futures_util::future::join_all(calls).await;
    let mut numbers: Vec<String> = results
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, t)| t["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(numbers.len(), 11, "11 waited: {results:?}");
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 11, "each called once");
    assert!(results.iter().filter(|(s, _)| *s != 200).all(|(s, _)| *s == 404));
}

#[tokio::test]
async fn the_queue_pages_give_a_ticket_and_show_the_board() {
    let app = TestApp::sqlite().await;
    let res = app.http.get(app.url("/antrian/33.20")).send().await.unwrap();
    let cookie =
        res.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("value=\"{SERVICE}\"")) && page.contains("value=\"lansia\""), "{page}");
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = [("csrf", csrf.as_str()), ("service", SERVICE), ("priority", "disabilitas")];
    let res =
        app.http.post(app.url("/antrian/33.20")).header("cookie", &cookie).form(&form).send().await.unwrap();
    let ticket = res.text().await.unwrap();
    assert!(ticket.contains("LP-001") && ticket.contains("Antrean prioritas"), "{ticket}");
    let forged = [("csrf", "salah"), ("service", SERVICE), ("priority", "")];
    let res = app
        .http
        .post(app.url("/antrian/33.20"))
        .header("cookie", &cookie)
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let (s, display) = app.get_text("/antrian/33.20/layar", None).await;
    assert_eq!(s, 200);
    assert!(display.contains("LP-001") && display.contains("/static/refresh.js"), "{display}");
    assert_eq!(app.get_text("/antrian/99.99/layar", None).await.0, 404);
}
