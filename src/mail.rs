//! E-mail out: staff are told of each new help request through the configured SMTP server
//! (`[mail]`). The only module that names lettre.

use std::time::Duration;

use lettre::message::header::ContentTransferEncoding;
use lettre::message::{Body, Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailSettings;

/// How long one conversation with the SMTP server may take.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail.smtp_url: {0}")]
    Settings(String),
    #[error("`{0}` is not an e-mail address")]
    Address(String),
    #[error("the message could not be built: {0}")]
    Message(String),
    #[error("the SMTP server refused or could not be reached: {0}")]
    Send(String),
}

/// The body in 8 bits when its lines allow it, so that French text stays readable in the raw
/// message (every SMTP server of this century takes 8BITMIME); else as the library chooses
/// (quoted-printable or base64).
fn readable(body: String) -> Body {
    Body::new_with_encoding(body.clone(), ContentTransferEncoding::EightBit)
        .unwrap_or_else(|_| Body::new(body))
}

/// A connection pool to the SMTP server, and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// None when no `mail.smtp_url` is set: no mail is sent.
    pub fn from_settings(settings: &MailSettings) -> Result<Option<Self>, MailError> {
        let url = settings.smtp_url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Settings(e.to_string()))?
            .timeout(Some(TIMEOUT))
            .build();
        let from = settings
            .from
            .trim()
            .parse()
            .map_err(|_| MailError::Address(settings.from.trim().to_owned()))?;
        Ok(Some(Self { transport, from }))
    }

    /// Sends a plain-text message to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to: Mailbox = to
            .trim()
            .parse()
            .map_err(|_| MailError::Address(to.trim().to_owned()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .singlepart(SinglePart::plain(readable(body)))
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}
