//! Failed sign-in attempts in a row, per sign-in name (the SHA-256 of the e-mail address),
//! whether an account has that name or not.

use ceres_domain::sign_in::Failures;
use jiff::Timestamp;

use crate::{Db, StoreError, timestamp_text};

/// What taking an attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt may check the password; it counts as a failure until [`clear`] says it
    /// succeeded.
    Allowed,
    /// Too many failures: no attempt before this instant.
    Locked { until: Timestamp },
}

/// Takes an attempt for `name_sha256` at `now`: refused while locked, otherwise counted as a
/// failure at once, so that attempts made in parallel cannot outrun the count.
pub async fn take_attempt(
    db: &Db,
    name_sha256: &str,
    now: Timestamp,
) -> Result<Attempt, StoreError> {
    let now_text = timestamp_text(now);
    sqlx::query(
        "INSERT INTO sign_in_failure (name_sha256, failures, last_failure_at) VALUES ($1, 0, $2) \
         ON CONFLICT (name_sha256) DO NOTHING",
    )
    .bind(name_sha256)
    .bind(&now_text)
    .execute(db.pool())
    .await?;

    // Compare and set: only one of several attempts made at once moves the count from a
    // given value, the others read it again.
    loop {
        let (count, last_at_text): (i64, String) = sqlx::query_as(
            "SELECT failures, last_failure_at FROM sign_in_failure WHERE name_sha256 = $1",
        )
        .bind(name_sha256)
        .fetch_one(db.pool())
        .await?;
        let last_at: Timestamp = last_at_text
            .parse()
            .map_err(|_| StoreError::Invalid("sign-in failure instant".into()))?;
        let failures = Failures { count, last_at };
        if let Some(until) = failures.locked_until(now) {
            return Ok(Attempt::Locked { until });
        }

        let next = failures.still_counted(now) + 1;
        let done = sqlx::query(
            "UPDATE sign_in_failure SET failures = $1, last_failure_at = $2 \
             WHERE name_sha256 = $3 AND failures = $4 AND last_failure_at = $5",
        )
        .bind(next)
        .bind(&now_text)
        .bind(name_sha256)
        .bind(count)
        .bind(&last_at_text)
        .execute(db.pool())
        .await?;
        if done.rows_affected() == 1 {
            return Ok(Attempt::Allowed);
        }
    }
}

/// Forgets the failures of a name: after a successful sign-in, or when an administrator
/// unlocks the account.
pub async fn clear(db: &Db, name_sha256: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sign_in_failure WHERE name_sha256 = $1")
        .bind(name_sha256)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Whether a name is locked at `now`.
pub async fn locked_until(
    db: &Db,
    name_sha256: &str,
    now: Timestamp,
) -> Result<Option<Timestamp>, StoreError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT failures, last_failure_at FROM sign_in_failure WHERE name_sha256 = $1",
    )
    .bind(name_sha256)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|(count, last_at)| {
        let last_at = last_at.parse().ok()?;
        Failures { count, last_at }.locked_until(now)
    }))
}
