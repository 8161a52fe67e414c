//! Delivering the notification outbox. Every message is first written to
//! the outbox in the transaction of the change it reports; adapters then
//! deliver what they can. Email goes through an SMTP relay when one is
//! configured and otherwise waits in the outbox; WhatsApp and SMS have no
//! gateway here, so their adapter is the outbox itself (shown to staff).

use crate::App;
use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::Notification;

/// The active accounts of `office` holding one of `roles`: who an
/// office-wide reminder reaches (read once per office, not per reminder).
pub(crate) async fn reminded(
    app: &App,
    office: &str,
    roles: &[domain::Role],
) -> Result<Vec<String>, crate::Error> {
    let staff = app.store.users(Some(office)).await?;
    Ok(staff.into_iter().filter(|u| u.active && roles.contains(&u.role)).map(|u| u.username).collect())
}

/// An office-wide reminder: on the notices of each of `staff` (usernames)
/// and by e-mail to the office's own address, if it has one.
pub(crate) fn office_reminder(
    office: &store::Office,
    staff: &[String],
    subject: &str,
    body: &str,
) -> Vec<store::NewNotification> {
    let note = |channel: &str, recipient: &str| store::NewNotification {
        office: office.code.clone(),
        channel: channel.into(),
        recipient: recipient.into(),
        subject: subject.into(),
        body: body.into(),
    };
    let mut notes: Vec<_> = staff.iter().map(|u| note("staff", u)).collect();
    notes.extend(office.email.iter().map(|e| note("email", e)));
    notes
}

#[async_trait]
pub trait Adapter: Send + Sync {
    /// The outbox channel it delivers (`email`, `whatsapp`, `sms`).
    fn channel(&self) -> &'static str;
    async fn send(&self, n: &Notification) -> Result<(), String>;
}

/// Email through an SMTP relay (the office's MTA, which handles TLS and
/// onward delivery).
pub struct SmtpRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpRelay {
    pub fn new(host: &str, port: u16, from: &str) -> Result<SmtpRelay, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("smtp_from `{from}`: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        Ok(SmtpRelay { transport, from })
    }
}

#[async_trait]
impl Adapter for SmtpRelay {
    fn channel(&self) -> &'static str {
        "email"
    }

    async fn send(&self, n: &Notification) -> Result<(), String> {
        let to: Mailbox = n.recipient.parse().map_err(|e| format!("recipient: {e}"))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(n.subject.clone())
            .body(n.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(msg).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// A claimed message that is not sent within this time is offered again.
const LEASE_MS: i64 = 5 * 60_000;

/// Sends what the adapters can; returns how many were delivered.
pub async fn dispatch(app: &App, adapters: &[Box<dyn Adapter>]) -> usize {
    let mut sent = 0;
    for a in adapters {
        let batch = match app
            .store
            .claim_notifications(a.channel(), app.now().timestamp_millis(), LEASE_MS, 100)
            .await
        {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "outbox unavailable");
                continue;
            }
        };
        for n in batch {
            match a.send(&n).await {
                Ok(()) => match app.store.mark_notification_sent(n.id, app.now().timestamp_millis()).await {
                    Ok(()) => {
                        sent += 1;
                        metrics::counter!("layanan_notifications_sent_total", "channel" => a.channel())
                            .increment(1);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, id = n.id, "sent but not marked; it may be sent again")
                    }
                },
                // Left pending: the lease runs out and it is tried again.
                Err(e) => tracing::warn!(id = n.id, channel = a.channel(), "delivery failed: {e}"),
            }
        }
    }
    sent
}

/// Delivers the outbox every `every` until the process ends.
pub fn spawn(
    app: App,
    adapters: Vec<Box<dyn Adapter>>,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    let adapters = std::sync::Arc::new(adapters);
    crate::repeat(every, move || {
        let (app, adapters) = (app.clone(), adapters.clone());
        async move {
            let n = dispatch(&app, &adapters).await;
            if n > 0 {
                tracing::info!(sent = n, "notifications delivered");
            }
        }
    })
}
