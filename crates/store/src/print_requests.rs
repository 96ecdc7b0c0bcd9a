//! Print requests: the initial one, recorded once per candidate and session (R5).

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::audit::{self, NewAuditEvent};
use crate::jobs;
use crate::{Db, StoreError, date_text, new_id, parse_date, timestamp_text};

/// What recording the initial request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitialOutcome {
    /// The request is recorded (and audited) now.
    Created { id: String, requested_on: Date },
    /// It existed already, from that date: nothing was written (R5).
    AlreadyExists { requested_on: Date },
}

/// Records the initial print request of a candidate at a session, unless one exists.
///
/// R5: the unique key (session, candidate, sequence 0) makes this safe when two agents
/// press the button at the same moment: exactly one insert wins, the other reads it back.
pub async fn create_initial(
    db: &Db,
    session_id: &str,
    candidat_id: i64,
    actor_id: &str,
    now: Timestamp,
    today: Date,
) -> Result<InitialOutcome, StoreError> {
    let id = new_id();
    let at = timestamp_text(now);
    let on = date_text(today);
    let mut tx = db.pool().begin().await?;

    let inserted: Option<(String,)> = sqlx::query_as(
        "INSERT INTO print_request (id, session_id, candidat_id, kind, sequence, requested_at, \
             requested_on, requested_by) VALUES ($1, $2, $3, 'initiale', 0, $4, $5, $6) \
         ON CONFLICT (session_id, candidat_id, sequence) DO NOTHING RETURNING id",
    )
    .bind(&id)
    .bind(session_id)
    .bind(candidat_id)
    .bind(&at)
    .bind(&on)
    .bind(actor_id)
    .fetch_optional(&mut *tx)
    .await?;

    if inserted.is_none() {
        let (existing,): (String,) = sqlx::query_as(
            "SELECT requested_on FROM print_request \
             WHERE session_id = $1 AND candidat_id = $2 AND sequence = 0",
        )
        .bind(session_id)
        .bind(candidat_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.rollback().await?;
        return Ok(InitialOutcome::AlreadyExists {
            requested_on: parse_date(&existing)?,
        });
    }

    let after = json!({
        "kind": "initiale",
        "candidat_id": candidat_id,
        "requested_on": on,
    });
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor: actor_id,
            entity_kind: "print_request",
            entity_id: &id,
            session_id: Some(session_id),
            action: "print_request.created",
            before_json: None,
            after_json: Some(after.to_string()),
        },
    )
    .await?;
    // The outbox: the job that renders the request commits with it, or not at all.
    jobs::enqueue(&mut tx, jobs::kind::RENDER_REQUEST, &id, now).await?;
    tx.commit().await?;

    tracing::info!(
        print_request.id = %id,
        session.id = %session_id,
        candidat.id = candidat_id,
        "initial print request recorded"
    );
    Ok(InitialOutcome::Created {
        id,
        requested_on: today,
    })
}
