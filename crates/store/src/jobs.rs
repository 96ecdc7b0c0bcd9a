//! Database-backed jobs (design brief §7): written in the same transaction as the change
//! that asks for them (an outbox), claimed under a lease by one worker at a time, retried
//! with back-off, parked after too many failures and then shown to administrators.
//!
//! Several `ceres` processes may share one PostgreSQL database: a claim is one `UPDATE`
//! that re-checks the lease, so two workers never hold the same job. A worker that dies
//! leaves its lease to expire, and the job is claimed again. The work itself must be
//! idempotent (the ledger's unique keys make it so): a job may run more than once, its
//! effects happen once.

use jiff::{SignedDuration, Timestamp};
use sqlx::FromRow;

use crate::{Db, StoreError, new_id, timestamp_text};

/// How long a claimed job is reserved for its worker.
pub const LEASE: SignedDuration = SignedDuration::from_secs(120);

/// A job is parked after this many failed attempts.
pub const MAX_ATTEMPTS: i64 = 6;

/// Kinds of job.
pub mod kind {
    /// Render the print versions of a request and make its pli; subject: the request id.
    pub const RENDER_REQUEST: &str = "render_request";
    /// Put every waiting pli into a lot; subject: the cut-off day, or a manual run's id.
    pub const BUILD_LOTS: &str = "build_lots";
    /// Tell the agents of a session's périmètre that a pli came back (R9); subject: the
    /// PND event's id.
    pub const NOTIFY_PND: &str = "notify_pnd";
}

/// A job as claimed.
#[derive(Debug, Clone, FromRow)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub attempts: i64,
    pub lease_owner: Option<String>,
}

/// A job shown to administrators.
#[derive(Debug, Clone, FromRow)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub state: String,
    pub attempts: i64,
    pub run_after: String,
    pub last_error: Option<String>,
    pub created_at: String,
}

/// Asks for a job inside the caller's transaction; asking again for the same (kind,
/// subject) changes nothing. Answers whether a job was created.
pub async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    kind: &str,
    subject: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let at = timestamp_text(now);
    let done = sqlx::query(
        "INSERT INTO job (id, kind, subject, state, attempts, run_after, created_at) \
         VALUES ($1, $2, $3, 'pending', 0, $4, $4) ON CONFLICT (kind, subject) DO NOTHING",
    )
    .bind(new_id())
    .bind(kind)
    .bind(subject)
    .bind(&at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims the oldest job that is due and not leased, for `owner`, until `now + LEASE`.
pub async fn claim(db: &Db, owner: &str, now: Timestamp) -> Result<Option<Job>, StoreError> {
    let at = timestamp_text(now);
    let until = timestamp_text(now + LEASE);
    // Two workers may pick the same candidate row; the outer condition is checked again
    // on the row itself, so only one of them updates it (the other retries).
    for _ in 0..5 {
        let candidate: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM job WHERE state = 'pending' AND run_after <= $1 \
                 AND (lease_until IS NULL OR lease_until < $1) \
             ORDER BY run_after, id LIMIT 1",
        )
        .bind(&at)
        .fetch_optional(db.pool())
        .await?;
        let Some((id,)) = candidate else {
            return Ok(None);
        };
        let claimed: Option<Job> = sqlx::query_as(
            "UPDATE job SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id = $3 AND state = 'pending' AND (lease_until IS NULL OR lease_until < $4) \
             RETURNING id, kind, subject, attempts, lease_owner",
        )
        .bind(owner)
        .bind(&until)
        .bind(&id)
        .bind(&at)
        .fetch_optional(db.pool())
        .await?;
        if claimed.is_some() {
            return Ok(claimed);
        }
    }
    Ok(None)
}

/// Marks a claimed job done, if `owner` still holds it.
pub async fn complete(db: &Db, job: &Job, owner: &str, now: Timestamp) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE job SET state = 'done', finished_at = $1, lease_owner = NULL, \
             lease_until = NULL, last_error = NULL \
         WHERE id = $2 AND lease_owner = $3",
    )
    .bind(timestamp_text(now))
    .bind(&job.id)
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records a failed attempt: the job runs again after a back-off that doubles from 10 s,
/// or is parked after [`MAX_ATTEMPTS`]. Answers whether it was parked.
pub async fn fail(
    db: &Db,
    job: &Job,
    owner: &str,
    error: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let parked = job.attempts >= MAX_ATTEMPTS;
    let run_after = now + backoff(job.attempts);
    sqlx::query(
        "UPDATE job SET state = $1, run_after = $2, last_error = $3, lease_owner = NULL, \
             lease_until = NULL \
         WHERE id = $4 AND lease_owner = $5",
    )
    .bind(if parked { "parked" } else { "pending" })
    .bind(timestamp_text(run_after))
    .bind(error)
    .bind(&job.id)
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(parked)
}

/// The wait before attempt `attempts + 1`: 10 s, 20 s, 40 s, … at most an hour.
pub fn backoff(attempts: i64) -> SignedDuration {
    let exponent = attempts.clamp(1, 20) - 1;
    SignedDuration::from_secs((10_i64 << exponent).min(3600))
}

/// Puts a parked job back in the queue, at once (an administrator's action).
pub async fn retry_parked(db: &Db, id: &str, now: Timestamp) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE job SET state = 'pending', attempts = 0, run_after = $1 \
         WHERE id = $2 AND state = 'parked'",
    )
    .bind(timestamp_text(now))
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The jobs that are parked or still to run, oldest first.
pub async fn unfinished(db: &Db) -> Result<Vec<JobRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, kind, subject, state, attempts, run_after, last_error, created_at \
         FROM job WHERE state <> 'done' ORDER BY state DESC, created_at LIMIT 500",
    )
    .fetch_all(db.pool())
    .await?)
}

/// How many jobs are still to run (pending, leased or not).
pub async fn pending_count(db: &Db) -> Result<i64, StoreError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM job WHERE state = 'pending'")
        .fetch_one(db.pool())
        .await?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_up_to_an_hour() {
        let secs: Vec<i64> = (1..=10).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]);
    }
}
