//! E-mail to agents (issue 6: a returned pli in their périmètre). Through the `lettre`
//! crate: SMTP when `CERES_SMTP_URL` is set, otherwise each message is written as an
//! `.eml` file into a folder, so that nothing is needed to run.

use std::path::Path;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::AppError;

/// How messages leave.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Folder(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Mailer {
    /// The SMTP URL may hold a password: only the kind of transport is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Folder(_) => "folder",
            Transport::Smtp(_) => "smtp",
        };
        f.debug_struct("Mailer").field("transport", &kind).finish()
    }
}

impl Mailer {
    /// Messages written as files into `folder` (created if needed).
    pub fn folder(folder: &Path, from: &str) -> Result<Mailer, String> {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        Ok(Mailer {
            from: from.parse().map_err(|e| format!("sender {from:?}: {e}"))?,
            transport: Transport::Folder(AsyncFileTransport::new(folder)),
        })
    }

    /// Messages sent through the SMTP server of `url`, e.g. `smtp://relay.example:25`, or
    /// `smtps://user:password@smtp.example:465` (lettre's URL format).
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("CERES_SMTP_URL: {e}"))?
            .build();
        Ok(Mailer {
            from: from.parse().map_err(|e| format!("sender {from:?}: {e}"))?,
            transport: Transport::Smtp(transport),
        })
    }

    /// Sends a plain-text message to one recipient.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), AppError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| AppError::Internal(format!("recipient address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| AppError::Internal(format!("cannot build the message: {e}")))?;
        match &self.transport {
            Transport::Folder(transport) => {
                transport
                    .send(message)
                    .await
                    .map_err(|e| AppError::Internal(format!("cannot write the message: {e}")))?;
            }
            Transport::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .map_err(|e| AppError::Internal(format!("SMTP: {e}")))?;
            }
        }
        Ok(())
    }
}
