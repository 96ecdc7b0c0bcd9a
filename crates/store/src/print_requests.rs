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

    // The board's counter (R11), kept in the request's transaction.
    sqlx::query(
        "UPDATE exam_session SET demandes_initiales = demandes_initiales + 1 WHERE id = $1",
    )
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
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

/// What asking for a duplicata did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuplicataOutcome {
    /// Recorded (and audited) now, with its sequence (1 for the first duplicata).
    Created { id: String, sequence: i64 },
    /// The request the agent saw is no longer the last one: another agent (or a second
    /// click) made a duplicata in between, on this date. Nothing was written.
    AlreadyMade { requested_on: Date },
    /// R6: too early; the sentence names the date from which it is possible.
    TooEarly(String),
    /// No initial request: a duplicata has nothing to replace.
    NoInitialRequest,
}

/// What a duplicata request says.
#[derive(Debug, Clone)]
pub struct NewDuplicata<'a> {
    pub session_id: &'a str,
    pub candidat_id: i64,
    /// The sequence of the last request as the agent's page showed it: the duplicata takes
    /// the next one, so two clicks on the same page make one duplicata (R5's rule for R6).
    pub after_sequence: i64,
    /// A `DuplicataMotif` code.
    pub motif: &'a str,
    pub actor: &'a str,
    pub now: Timestamp,
    /// Today in Europe/Paris.
    pub today: Date,
}

/// Records a duplicata request (R6), with its render job, unless it is too early or
/// another one was just made.
pub async fn create_duplicata(
    db: &Db,
    new: &NewDuplicata<'_>,
) -> Result<DuplicataOutcome, StoreError> {
    let at = timestamp_text(new.now);
    let on = date_text(new.today);
    let mut tx = db.begin_write().await?;
    let last: Option<(i64, String)> = sqlx::query_as(
        "SELECT sequence, requested_on FROM print_request \
         WHERE session_id = $1 AND candidat_id = $2 ORDER BY sequence DESC LIMIT 1",
    )
    .bind(new.session_id)
    .bind(new.candidat_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((last_sequence, last_on)) = last else {
        return Ok(DuplicataOutcome::NoInitialRequest);
    };
    let last_on = parse_date(&last_on)?;
    if last_sequence != new.after_sequence {
        return Ok(DuplicataOutcome::AlreadyMade {
            requested_on: last_on,
        });
    }
    if let Some(refusal) = ceres_domain::print::duplicata_refusal(last_on, new.today) {
        return Ok(DuplicataOutcome::TooEarly(refusal));
    }

    let id = new_id();
    let sequence = last_sequence + 1;
    let inserted = sqlx::query(
        "INSERT INTO print_request (id, session_id, candidat_id, kind, sequence, requested_at, \
             requested_on, requested_by, motif) \
         VALUES ($1, $2, $3, 'duplicata', $4, $5, $6, $7, $8) \
         ON CONFLICT (session_id, candidat_id, sequence) DO NOTHING",
    )
    .bind(&id)
    .bind(new.session_id)
    .bind(new.candidat_id)
    .bind(sequence)
    .bind(&at)
    .bind(&on)
    .bind(new.actor)
    .bind(new.motif)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(DuplicataOutcome::AlreadyMade {
            requested_on: new.today,
        });
    }
    let after = json!({
        "kind": "duplicata",
        "candidat_id": new.candidat_id,
        "sequence": sequence,
        "motif": new.motif,
        "requested_on": on,
    });
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor: new.actor,
            entity_kind: "print_request",
            entity_id: &id,
            session_id: Some(new.session_id),
            action: "print_request.duplicata_created",
            before_json: None,
            after_json: Some(after.to_string()),
        },
    )
    .await?;
    jobs::enqueue(&mut tx, jobs::kind::RENDER_REQUEST, &id, new.now).await?;
    tx.commit().await?;
    tracing::info!(
        print_request.id = %id,
        session.id = %new.session_id,
        candidat.id = new.candidat_id,
        sequence,
        "duplicata request recorded"
    );
    Ok(DuplicataOutcome::Created { id, sequence })
}
