//! Changes to a candidate record (R4, R13): back to brouillon, a draft saved, validated
//! again. Each change is conditional on the revision the agent saw, and writes its audit
//! event in the same transaction.

use std::sync::LazyLock;

use ceres_domain::candidat::Field;
use ceres_domain::candidat_data::{CandidatData, CandidatState};
use jiff::Timestamp;
use serde_json::json;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::audit::{self, NewAuditEvent};
use crate::candidats::{CandidatRow, candidat_columns};
use crate::{Db, StoreError, timestamp_text};

/// Who makes a change, and when.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    /// The user id (or `cli` for the command line).
    pub actor: &'a str,
    pub now: Timestamp,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// Written and audited; the record is now at this revision.
    Done { revision: i64 },
    /// The values are those already stored: nothing written.
    Unchanged,
    /// The record is not in the state the change starts from (e.g. not in brouillon).
    WrongState,
    /// The record changed since the agent read it: nothing written.
    Stale,
    /// No such record.
    Missing,
}

/// `UPDATE candidat SET <every field> …` conditional on the revision and the brouillon
/// state; the fields are bound first, in [`Field::ALL`] order.
static UPDATE_DRAFT: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = Field::ALL
        .iter()
        .enumerate()
        .map(|(i, field)| format!("{} = ${}", field.key(), i + 1))
        .collect();
    let n = Field::ALL.len();
    format!(
        "UPDATE candidat SET {}, revision = revision + 1, updated_at = ${} \
         WHERE id = ${} AND revision = ${} AND state = 'brouillon' RETURNING revision",
        sets.join(", "),
        n + 1,
        n + 2,
        n + 3
    )
});

/// `INSERT INTO candidat (<every field>, id, state, revision, updated_at) …`, unless the id
/// exists; the fields are bound first.
static INSERT: LazyLock<String> = LazyLock::new(|| {
    let keys: Vec<&str> = Field::ALL.iter().map(|field| field.key()).collect();
    let n = keys.len();
    let placeholders: Vec<String> = (1..=n + 3).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO candidat ({}, id, state, updated_at, revision) VALUES ({}, 0) \
         ON CONFLICT (id) DO NOTHING",
        keys.join(", "),
        placeholders.join(", ")
    )
});

/// Binds every field of `data`, in [`Field::ALL`] order; an empty civilité is NULL.
fn bind_data<'q>(
    mut query: Query<'q, Any, AnyArguments>,
    data: &CandidatData,
) -> Query<'q, Any, AnyArguments> {
    for field in Field::ALL {
        let value = data.value(field);
        query = if field == Field::Civilite {
            query.bind((!value.is_empty()).then_some(value))
        } else {
            query.bind(value)
        };
    }
    query
}

/// An event of a candidate record, for [`record_event`].
pub(crate) struct CandidatEvent<'a> {
    pub candidat_id: i64,
    /// The session the event belongs to (an import), `None` for the record itself.
    pub session_id: Option<&'a str>,
    pub action: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: serde_json::Value,
}

/// Records an event of a candidate record in the caller's transaction (R13).
// Known limit: a change to the record itself belongs to no session, so it is listed in the
// candidate's Traçabilité, not in the Traçabilité tab of its sessions (lifted when that tab
// also reads the events of the session's candidates).
pub(crate) async fn record_event(
    conn: &mut AnyConnection,
    at: &str,
    actor: &str,
    event: CandidatEvent<'_>,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        &NewAuditEvent {
            at,
            actor,
            entity_kind: "candidat",
            entity_id: &event.candidat_id.to_string(),
            session_id: event.session_id,
            action: event.action,
            before_json: event.before.map(|before| before.to_string()),
            after_json: Some(event.after.to_string()),
        },
    )
    .await
}

/// Reads a record inside a transaction.
async fn read(conn: &mut AnyConnection, id: i64) -> Result<Option<CandidatRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM candidat k WHERE k.id = $1",
        candidat_columns()
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Opens the transaction of a change and reads the record in it, or says why the change
/// cannot start: no record, not in state `from`, or changed since `expected_revision`.
async fn start(
    db: &Db,
    id: i64,
    from: CandidatState,
    expected_revision: Option<i64>,
) -> Result<Result<(Transaction<'static, Any>, CandidatRow), ChangeOutcome>, StoreError> {
    let mut tx = db.pool().begin().await?;
    let Some(current) = read(&mut tx, id).await? else {
        return Ok(Err(ChangeOutcome::Missing));
    };
    if current.state != from.code() {
        return Ok(Err(ChangeOutcome::WrongState));
    }
    if expected_revision.is_some_and(|revision| revision != current.revision) {
        return Ok(Err(ChangeOutcome::Stale));
    }
    Ok(Ok((tx, current)))
}

/// Moves a record between states, from the revision the agent saw, with its audit event.
async fn transition(
    db: &Db,
    id: i64,
    from: CandidatState,
    to: CandidatState,
    expected_revision: Option<i64>,
    action: &str,
    author: Author<'_>,
) -> Result<ChangeOutcome, StoreError> {
    let at = timestamp_text(author.now);
    let (mut tx, current) = match start(db, id, from, expected_revision).await? {
        Ok(started) => started,
        Err(outcome) => return Ok(outcome),
    };

    let updated: Option<(i64,)> = sqlx::query_as(
        "UPDATE candidat SET state = $1, revision = revision + 1, updated_at = $2 \
         WHERE id = $3 AND state = $4 AND revision = $5 RETURNING revision",
    )
    .bind(to.code())
    .bind(&at)
    .bind(id)
    .bind(from.code())
    .bind(current.revision)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((revision,)) = updated else {
        return Ok(ChangeOutcome::Stale);
    };
    let event = CandidatEvent {
        candidat_id: id,
        session_id: None,
        action,
        before: Some(json!({ "state": from.code() })),
        after: json!({ "state": to.code() }),
    };
    record_event(&mut tx, &at, author.actor, event).await?;
    tx.commit().await?;

    tracing::info!(candidat.id = id, action, "candidate record changed");
    Ok(ChangeOutcome::Done { revision })
}

/// R4: a validated record goes back to brouillon, so that it can be edited. Allowed after
/// a print request too (the tutorial's case 1: the correction is followed by a duplicata).
pub async fn return_to_draft(
    db: &Db,
    id: i64,
    author: Author<'_>,
) -> Result<ChangeOutcome, StoreError> {
    transition(
        db,
        id,
        CandidatState::Valide,
        CandidatState::Brouillon,
        None,
        "candidat.returned_to_draft",
        author,
    )
    .await
}

/// R4: a record in brouillon is validated again. The caller has checked the data of
/// `expected_revision`; a change made since refuses the validation ([`ChangeOutcome::Stale`]).
pub async fn validate(
    db: &Db,
    id: i64,
    expected_revision: i64,
    author: Author<'_>,
) -> Result<ChangeOutcome, StoreError> {
    transition(
        db,
        id,
        CandidatState::Brouillon,
        CandidatState::Valide,
        Some(expected_revision),
        "candidat.validated",
        author,
    )
    .await
}

/// Saves the fields of a record in brouillon, from the revision the form was shown. The
/// audit event holds the changed fields only, before and after.
pub async fn save_draft(
    db: &Db,
    id: i64,
    expected_revision: i64,
    data: &CandidatData,
    author: Author<'_>,
) -> Result<ChangeOutcome, StoreError> {
    let at = timestamp_text(author.now);
    let started = start(db, id, CandidatState::Brouillon, Some(expected_revision)).await?;
    let (mut tx, current) = match started {
        Ok(started) => started,
        Err(outcome) => return Ok(outcome),
    };
    let changed = current.data.changed_fields(data);
    if changed.is_empty() {
        return Ok(ChangeOutcome::Unchanged);
    }

    let updated = bind_data(
        sqlx::query(sqlx::AssertSqlSafe(UPDATE_DRAFT.as_str())),
        data,
    )
    .bind(&at)
    .bind(id)
    .bind(expected_revision)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = updated else {
        return Ok(ChangeOutcome::Stale);
    };
    let revision: i64 = row.try_get(0)?;
    let event = CandidatEvent {
        candidat_id: id,
        session_id: None,
        action: "candidat.updated",
        before: Some(current.data.audit_json(&changed)),
        after: data.audit_json(&changed),
    };
    record_event(&mut tx, &at, author.actor, event).await?;
    tx.commit().await?;

    let fields: Vec<&str> = changed.iter().map(|field| field.key()).collect();
    tracing::info!(candidat.id = id, fields = %fields.join(","), "candidate draft saved");
    Ok(ChangeOutcome::Done { revision })
}

/// R7, R13: an attestation de réussite was produced for the candidate at a session; it is
/// rendered on the fly and never stored, so the traçabilité is its only record.
pub async fn record_attestation_issued(
    db: &Db,
    candidat_id: i64,
    session_id: &str,
    author: Author<'_>,
) -> Result<(), StoreError> {
    let at = timestamp_text(author.now);
    let mut tx = db.pool().begin().await?;
    let event = CandidatEvent {
        candidat_id,
        session_id: Some(session_id),
        action: "attestation.issued",
        before: None,
        after: json!({ "kind": "attestation-reussite", "session_id": session_id }),
    };
    record_event(&mut tx, &at, author.actor, event).await?;
    tx.commit().await?;
    tracing::info!(candidat.id = candidat_id, "attestation de réussite issued");
    Ok(())
}

/// Inserts a validated record inside the caller's transaction, unless the id exists;
/// answers whether it was inserted.
pub(crate) async fn insert_valid(
    conn: &mut AnyConnection,
    id: i64,
    data: &CandidatData,
    at: &str,
) -> Result<bool, StoreError> {
    let done = bind_data(sqlx::query(sqlx::AssertSqlSafe(INSERT.as_str())), data)
        .bind(id)
        .bind(CandidatState::Valide.code())
        .bind(at)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
