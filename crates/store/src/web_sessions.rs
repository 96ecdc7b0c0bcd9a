//! Storage of web sign-in sessions (the records of `tower-sessions`).

use crate::{Db, StoreError};

/// Loads a session record's data and expiry if it has not expired at `now` (RFC 3339 text).
pub async fn load(db: &Db, id: &str, now: &str) -> Result<Option<(String, String)>, StoreError> {
    Ok(
        sqlx::query_as(
            "SELECT data, expires_at FROM web_session WHERE id = $1 AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(db.pool())
        .await?,
    )
}

/// Inserts or replaces a session record.
pub async fn save(db: &Db, id: &str, data: &str, expires_at: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO web_session (id, data, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Inserts a session record unless the id is taken; answers whether it was inserted.
pub async fn create(db: &Db, id: &str, data: &str, expires_at: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO web_session (id, data, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a session record.
pub async fn delete(db: &Db, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM web_session WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes the records expired at `now`.
pub async fn delete_expired(db: &Db, now: &str) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM web_session WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
