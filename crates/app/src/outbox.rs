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

/// Who a notice for `role` reaches: the people who hold it in the office —
/// those of `unit` when some there do (a Kabid of the step's bidang is its
/// unit head) —, or, when nobody holds it, the role's address at the
/// office, which the office's outbox shows.
pub(crate) fn holders(
    staff: &[store::User],
    role: domain::Role,
    unit: Option<&str>,
    office: &str,
) -> Vec<String> {
    let of_role: Vec<&store::User> = staff.iter().filter(|u| u.role == role).collect();
    let in_unit: Vec<&store::User> =
        of_role.iter().copied().filter(|u| unit.is_some() && u.unit.as_deref() == unit).collect();
    let people = if in_unit.is_empty() { of_role } else { in_unit };
    if people.is_empty() {
        return vec![format!("{role}@{office}")];
    }
    people.into_iter().map(|u| u.username.clone()).collect()
}

/// An office-wide reminder: on the notices of each of `staff` (usernames)
/// and by e-mail to the office's own address, if it has one.
pub(crate) fn office_reminder(
    office: &store::Office,
    staff: &[String],
    subject: &str,
    body: &str,
) -> Vec<store::NewNotification> {
    let mut notes = staff_notices(&office.code, staff, subject, body);
    notes.extend(office.email.iter().map(|e| store::NewNotification {
        office: office.code.clone(),
        channel: "email".into(),
        recipient: e.clone(),
        subject: subject.into(),
        body: body.into(),
    }));
    notes
}

/// One staff notice (channel `staff`) for each of `recipients`.
pub(crate) fn staff_notices(
    office: &str,
    recipients: &[String],
    subject: &str,
    body: &str,
) -> Vec<store::NewNotification> {
    recipients
        .iter()
        .map(|r| store::NewNotification {
            office: office.to_string(),
            channel: "staff".into(),
            recipient: r.clone(),
            subject: subject.to_string(),
            body: body.to_string(),
        })
        .collect()
}

#[async_trait]
pub trait Adapter: Send + Sync {
    /// The outbox channel it delivers (`email`, `whatsapp`, `sms`).
    fn channel(&self) -> &'static str;
    async fn send(&self, n: &Notification) -> Result<(), String>;
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: a relay on the same machine or network only.
    #[default]
    None,
    /// Plain, then STARTTLS before anything is sent (refused without it; port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// Where e-mail goes: the office's relay or a mail provider's submission
/// server, with TLS (rustls, the Mozilla roots) and a login when it needs one.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub from: String,
    pub tls: SmtpTls,
    /// Login name and password, sent only over TLS.
    pub login: Option<(String, String)>,
}

/// Email through an SMTP server.
pub struct SmtpRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpRelay {
    /// A plain relay (the office's MTA on its own network).
    pub fn new(host: &str, port: u16, from: &str) -> Result<SmtpRelay, String> {
        let plain =
            SmtpSettings { host: host.into(), port, from: from.into(), tls: SmtpTls::None, login: None };
        SmtpRelay::with(&plain)
    }

    pub fn with(s: &SmtpSettings) -> Result<SmtpRelay, String> {
        use lettre::transport::smtp::authentication::Credentials;
        let from: Mailbox = s.from.parse().map_err(|e| format!("smtp_from `{}`: {e}", s.from))?;
        let builder = match s.tls {
            SmtpTls::None if s.login.is_some() => {
                return Err("smtp_username: a password is sent only over TLS (set smtp_tls)".into());
            }
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
                .map_err(|e| format!("smtp_host `{}`: {e}", s.host))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
                .map_err(|e| format!("smtp_host `{}`: {e}", s.host))?,
        };
        let mut builder = builder.port(s.port);
        if let Some((user, password)) = &s.login {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpRelay { transport: builder.build(), from })
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
                Err(e) => {
                    let retry_at = retry_at(n.attempts + 1, app.now().timestamp_millis());
                    tracing::warn!(
                        id = n.id,
                        channel = a.channel(),
                        attempt = n.attempts + 1,
                        last = retry_at.is_none(),
                        "delivery failed: {e}"
                    );
                    if let Err(e) = app.store.mark_notification_failed(n.id, &e, retry_at).await {
                        // Still pending: the lease runs out and it is tried again.
                        tracing::warn!(error = %e, id = n.id, "the failed try could not be recorded");
                    }
                }
            }
        }
    }
    sent
}

/// Tries of one message before it is a dead letter.
pub const MAX_ATTEMPTS: i32 = 6;

/// When a message whose `attempts`-th try just failed is tried again: a
/// minute after the first, four times longer after each further one (1,
/// 4, 16, 64, 256 minutes: about five and a half hours in all), never
/// after the last.
pub fn retry_at(attempts: i32, now: i64) -> Option<i64> {
    (attempts < MAX_ATTEMPTS).then(|| now + 60_000 * 4_i64.pow(attempts.clamp(1, MAX_ATTEMPTS) as u32 - 1))
}

/// The office's dead letters, for its admin.
pub async fn failed(app: &App, who: &crate::accounts::Principal) -> Result<Vec<Notification>, crate::Error> {
    who.require(&[domain::Role::Admin], &who.user.office)?;
    Ok(app.store.failed_notifications(&who.user.office, 200).await?)
}

/// Offers a dead letter of the admin's office for delivery again.
pub async fn resend(
    app: &App,
    who: &crate::accounts::Principal,
    id: i64,
) -> Result<Notification, crate::Error> {
    who.require(&[domain::Role::Admin], &who.user.office)?;
    app.store.resend_notification(&who.user.username, &who.user.office, id).await?.ok_or_else(|| {
        crate::Error::not_found(format!("no undelivered message {id} in office {}", who.user.office))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_message_waits_longer_each_time_and_not_after_the_last_try() {
        let waits: Vec<Option<i64>> =
            (1..=MAX_ATTEMPTS).map(|a| retry_at(a, 0).map(|t| t / 60_000)).collect();
        assert_eq!(waits, [Some(1), Some(4), Some(16), Some(64), Some(256), None]);
    }

    #[test]
    fn a_password_is_never_sent_in_clear() {
        let s = SmtpSettings {
            host: "smtp.example.go.id".into(),
            port: 587,
            from: "layanan@example.go.id".into(),
            tls: SmtpTls::None,
            login: Some(("layanan".into(), "rahasia".into())),
        };
        assert!(SmtpRelay::with(&s).err().unwrap().contains("smtp_tls"));
        assert!(SmtpRelay::with(&SmtpSettings { tls: SmtpTls::Starttls, ..s.clone() }).is_ok());
        assert!(SmtpRelay::with(&SmtpSettings { tls: SmtpTls::Tls, port: 465, ..s }).is_ok());
    }
}
