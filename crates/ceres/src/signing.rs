//! The key that signs verification codes: from `CERES_SIGNING_KEY`, or from the key file of
//! the data folder, generated on first start for the embedded SQLite default.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::{Context, bail};
use ceres_domain::verification::SigningSecret;
use rand::RngCore;

use crate::settings::Settings;

/// Name of the key file in the data folder.
const KEY_FILE: &str = "signing-key";

/// Loads the signing key, generating it on first start when the database is the embedded
/// SQLite file. With PostgreSQL the key must be configured: every process sharing the
/// database must sign with the same key, and a key made up by one of them would not be.
pub fn load_signing_key(settings: &Settings) -> anyhow::Result<SigningSecret> {
    if let Some(configured) = &settings.signing_key {
        return SigningSecret::from_base64(configured).context("CERES_SIGNING_KEY");
    }

    let path = settings.data_dir.join(KEY_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return SigningSecret::from_base64(&text)
            .with_context(|| format!("signing key file {}", path.display()));
    }
    if !settings.database_url.starts_with("sqlite:") {
        bail!(
            "CERES_SIGNING_KEY is not set: with PostgreSQL, give every ceres process the same \
             key (32 random bytes in base64, e.g. `openssl rand -base64 32`)"
        );
    }
    generate(&path)
}

/// Draws a new key from the operating system's random source and writes it, readable by
/// its owner only. `create_new` refuses to overwrite a key another process just wrote.
fn generate(path: &Path) -> anyhow::Result<SigningSecret> {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    let secret = SigningSecret::from_seed(seed);

    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create the signing key file {}", path.display()))?;
    writeln!(file, "{}", secret.to_base64())?;
    file.sync_all()?;

    tracing::info!(path = %path.display(), "generated the signing key of verification codes");
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path, database_url: &str) -> Settings {
        Settings {
            database_url: database_url.to_owned(),
            data_dir: dir.to_owned(),
            secure_cookies: None,
            signing_key: None,
            public_url: "http://127.0.0.1:8080".to_owned(),
            oidc: None,
            files_dir: dir.join("fichiers"),
            files_url: None,
            cutoff_hour: 18,
            smtp_url: None,
            clock_offset_days: 0,
            mail_from: "ceres@example.test".to_owned(),
        }
    }

    fn scratch() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ceres-key-{}", uuid_like()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn uuid_like() -> String {
        let mut bytes = [0u8; 8];
        rand::rng().fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn the_embedded_default_generates_its_key_once_and_keeps_it() {
        let dir = scratch();
        let settings = settings(&dir, "sqlite://x.sqlite");

        let first = load_signing_key(&settings).unwrap();
        let second = load_signing_key(&settings).unwrap();

        assert_eq!(first.public(), second.public());
        let mode = std::fs::metadata(dir.join(KEY_FILE)).unwrap().permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o600
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn postgres_without_a_configured_key_is_refused() {
        let dir = scratch();
        let error = load_signing_key(&settings(&dir, "postgres://db/ceres")).unwrap_err();

        assert!(error.to_string().contains("CERES_SIGNING_KEY"), "{error}");
        assert!(!dir.join(KEY_FILE).exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_configured_key_wins_and_a_bad_one_is_refused() {
        let dir = scratch();
        let configured = SigningSecret::from_seed([7; 32]);
        let mut with_key = settings(&dir, "postgres://db/ceres");
        with_key.signing_key = Some(configured.to_base64());

        assert_eq!(
            load_signing_key(&with_key).unwrap().public(),
            configured.public()
        );
        with_key.signing_key = Some("too short".into());
        assert!(load_signing_key(&with_key).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
