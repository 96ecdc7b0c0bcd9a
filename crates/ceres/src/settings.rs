//! Settings, read once from the environment at start.

use std::path::PathBuf;

/// The typed settings of a `ceres` process.
#[derive(Clone)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`. Default: an SQLite file in the data
    /// folder, created on first start.
    pub database_url: String,
    /// `CERES_DATA_DIR`: where the embedded database lives (default `./var`).
    pub data_dir: PathBuf,
    /// `CERES_SECURE_COOKIES`: `true` or `false`. Default: secure unless the app listens on
    /// a loopback address (plain-HTTP development).
    pub secure_cookies: Option<bool>,
    /// `CERES_SIGNING_KEY`: the Ed25519 key that signs verification codes, 32 bytes in
    /// base64. Default: the key file of the data folder, generated on first start for the
    /// embedded SQLite database; required with PostgreSQL. Never printed.
    pub signing_key: Option<String>,
    /// `CERES_PUBLIC_URL`: the address the public reaches the app at; the QR codes of printed
    /// documents point at its `/verifier/…` page. Default `http://127.0.0.1:8080`.
    pub public_url: String,
    /// `CERES_OIDC_*`: sign-in through an OpenID Connect provider (ProConnect), when
    /// `CERES_OIDC_ISSUER` is set.
    pub oidc: Option<ceres_web::oidc::OidcSettings>,
    /// `CERES_FILES_DIR`: the folder of the rendered print versions (default: `fichiers` in
    /// the data folder).
    pub files_dir: PathBuf,
    /// `CERES_FILES_URL`: an S3-compatible bucket for the rendered print versions instead
    /// of the folder, `s3://bucket` or `s3://bucket/folder`, with the `AWS_*` variables.
    pub files_url: Option<String>,
    /// `CERES_SMTP_URL`: the SMTP server of the notifications, in lettre's URL format
    /// (`smtp://relay:25`, `smtps://user:password@host:465`). Default: none, messages are
    /// written as `.eml` files into `courriels` in the data folder. Never printed.
    pub smtp_url: Option<String>,
    /// `CERES_MAIL_FROM`: the sender of the notifications.
    pub mail_from: String,
    /// `CERES_CLOCK_OFFSET_DAYS`: days added to the machine's clock, for demonstrations and
    /// browser tests only (default 0, the machine's time).
    pub clock_offset_days: i64,
    /// `CERES_LOT_CUTOFF_HOUR`: the hour (0–23, Europe/Paris) after which the day's waiting
    /// plis go into a lot for the provider (default 18).
    pub cutoff_hour: i8,
}

impl std::fmt::Debug for Settings {
    /// The database URL may carry a password: only its scheme is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.database_url.split(':').next().unwrap_or("");
        f.debug_struct("Settings")
            .field("database", &scheme)
            .field("data_dir", &self.data_dir)
            .field("secure_cookies", &self.secure_cookies)
            .field("signing_key", &self.signing_key.as_ref().map(|_| "…"))
            .field("public_url", &self.public_url)
            .field("oidc", &self.oidc)
            .field("files_dir", &self.files_dir)
            .field("files_url", &self.files_url)
            .field("cutoff_hour", &self.cutoff_hour)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "…"))
            .field("mail_from", &self.mail_from)
            .field("clock_offset_days", &self.clock_offset_days)
            .finish()
    }
}

impl Settings {
    /// The file store of the rendered documents.
    pub fn file_store(&self) -> anyhow::Result<ceres_web::files::FileStore> {
        if let Some(url) = &self.files_url {
            return ceres_web::files::FileStore::s3(url)
                .map_err(|e| anyhow::anyhow!("CERES_FILES_URL: {e}"));
        }
        ceres_web::files::FileStore::local(&self.files_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot open the file store {}: {e}",
                self.files_dir.display()
            )
        })
    }

    /// The clock of the process: the machine's, moved by `CERES_CLOCK_OFFSET_DAYS` if set.
    pub fn clock(&self) -> std::sync::Arc<dyn ceres_domain::Clock> {
        if self.clock_offset_days == 0 {
            std::sync::Arc::new(ceres_domain::SystemClock)
        } else {
            tracing::warn!(
                days = self.clock_offset_days,
                "the clock is moved by CERES_CLOCK_OFFSET_DAYS"
            );
            std::sync::Arc::new(ceres_domain::OffsetClock {
                days: self.clock_offset_days,
            })
        }
    }

    /// The mailer of the notifications: SMTP when configured, a folder otherwise.
    pub fn mailer(&self) -> anyhow::Result<ceres_web::mail::Mailer> {
        match &self.smtp_url {
            Some(url) => ceres_web::mail::Mailer::smtp(url, &self.mail_from),
            None => {
                ceres_web::mail::Mailer::folder(&self.data_dir.join("courriels"), &self.mail_from)
            }
        }
        .map_err(|e| anyhow::anyhow!("e-mail settings: {e}"))
    }

    /// Reads the settings from the environment.
    pub fn from_env() -> anyhow::Result<Settings> {
        let data_dir = PathBuf::from(std::env::var("CERES_DATA_DIR").unwrap_or("var".into()));
        let database_url = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => format!("sqlite://{}", data_dir.join("ceres.sqlite").display()),
        };
        let secure_cookies = match std::env::var("CERES_SECURE_COOKIES").as_deref() {
            Ok("true") => Some(true),
            Ok("false") => Some(false),
            Ok(other) => anyhow::bail!("CERES_SECURE_COOKIES must be true or false, not {other:?}"),
            Err(_) => None,
        };
        let signing_key = std::env::var("CERES_SIGNING_KEY")
            .ok()
            .filter(|key| !key.trim().is_empty());
        let public_url = std::env::var("CERES_PUBLIC_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
        if !public_url.starts_with("http://") && !public_url.starts_with("https://") {
            anyhow::bail!(
                "CERES_PUBLIC_URL must start with http:// or https://, not {public_url:?}"
            );
        }
        let oidc = oidc_settings(&public_url)?;
        let files_dir = std::env::var("CERES_FILES_DIR")
            .ok()
            .filter(|dir| !dir.trim().is_empty())
            .map_or_else(|| data_dir.join("fichiers"), PathBuf::from);
        let files_url = std::env::var("CERES_FILES_URL")
            .ok()
            .filter(|url| !url.trim().is_empty());
        let cutoff_hour = match std::env::var("CERES_LOT_CUTOFF_HOUR") {
            Ok(text) => match text.trim().parse::<i8>() {
                Ok(hour) if (0..24).contains(&hour) => hour,
                _ => anyhow::bail!(
                    "CERES_LOT_CUTOFF_HOUR must be an hour from 0 to 23, not {text:?}"
                ),
            },
            Err(_) => ceres_web::pipeline::DEFAULT_CUTOFF_HOUR,
        };
        let smtp_url = std::env::var("CERES_SMTP_URL")
            .ok()
            .filter(|url| !url.trim().is_empty());
        let mail_from = std::env::var("CERES_MAIL_FROM")
            .ok()
            .filter(|from| !from.trim().is_empty())
            .unwrap_or_else(|| "CERES <ne-pas-repondre@ceres.localhost>".to_owned());
        let clock_offset_days = match std::env::var("CERES_CLOCK_OFFSET_DAYS") {
            Ok(text) if !text.trim().is_empty() => text.trim().parse::<i64>().map_err(|_| {
                anyhow::anyhow!("CERES_CLOCK_OFFSET_DAYS must be a number of days, not {text:?}")
            })?,
            _ => 0,
        };
        Ok(Settings {
            clock_offset_days,
            smtp_url,
            mail_from,
            files_dir,
            files_url,
            cutoff_hour,
            database_url,
            data_dir,
            secure_cookies,
            signing_key,
            public_url,
            oidc,
        })
    }
}

/// The OpenID Connect settings: none without `CERES_OIDC_ISSUER`; with it, the client id and
/// secret are required.
fn oidc_settings(public_url: &str) -> anyhow::Result<Option<ceres_web::oidc::OidcSettings>> {
    let read = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let Some(issuer) = read("CERES_OIDC_ISSUER") else {
        return Ok(None);
    };
    let required = |name: &str| {
        read(name).ok_or_else(|| anyhow::anyhow!("{name} is required with CERES_OIDC_ISSUER"))
    };
    let base = public_url.trim_end_matches('/');
    Ok(Some(ceres_web::oidc::OidcSettings {
        issuer,
        client_id: required("CERES_OIDC_CLIENT_ID")?,
        client_secret: required("CERES_OIDC_CLIENT_SECRET")?,
        redirect_url: format!("{base}/connexion/oidc/retour"),
        post_logout_redirect_url: format!("{base}/connexion"),
        scopes: read("CERES_OIDC_SCOPES")
            .unwrap_or_else(|| "email given_name usual_name".to_owned())
            .split_whitespace()
            .filter(|scope| *scope != "openid")
            .map(str::to_owned)
            .collect(),
        button_label: read("CERES_OIDC_LABEL")
            .unwrap_or_else(|| "S'identifier avec ProConnect".to_owned()),
    }))
}
