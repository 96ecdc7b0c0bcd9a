//! Web sign-in sessions kept in the ceres database, behind `tower-sessions`.

use async_trait::async_trait;
use ceres_store::{Db, timestamp_text, web_sessions};
use jiff::Timestamp;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// A `tower-sessions` store over the `web_session` table.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }
}

fn backend(error: ceres_store::StoreError) -> Error {
    Error::Backend(error.to_string())
}

fn instant_text(at: OffsetDateTime) -> String {
    let at = Timestamp::from_second(at.unix_timestamp()).unwrap_or(Timestamp::MIN);
    timestamp_text(at)
}

fn now_text() -> String {
    // The session layer reads the machine's time for expiry; no domain rule depends on it.
    timestamp_text(Timestamp::now())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let expires = instant_text(record.expiry_date);
        while !web_sessions::create(&self.db, &record.id.to_string(), &data, &expires)
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let expires = instant_text(record.expiry_date);
        web_sessions::save(&self.db, &record.id.to_string(), &data, &expires)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some((data, expires)) = web_sessions::load(&self.db, &id.to_string(), &now_text())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        let expires: Timestamp = expires
            .parse()
            .map_err(|_| Error::Decode("expiry".into()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expires.as_second())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        web_sessions::delete(&self.db, &id.to_string())
            .await
            .map_err(backend)
    }
}
