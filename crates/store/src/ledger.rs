//! The ledger of the exchange with the print provider (design brief §6): the documents
//! rendered for a request, its pli, the lots and the events. Every write is keyed so that
//! doing it again changes nothing: a job that dies half-way is simply run again.

use ceres_domain::ledger::{ImpossibleTransition, PliEventKind, PliState, PndReason, next_state};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::audit::{self, NewAuditEvent};
use crate::{Db, StoreError, new_id, timestamp_text};

/// The print provider every lot goes to.
///
/// Known limit: one provider (the Afpa, as in the tutorial); lots, tokens and the console
/// are keyed by provider so that a second one would see only its own lots.
pub const DEFAULT_PROVIDER: &str = "afpa";

/// A print request, as the render job reads it.
#[derive(Debug, Clone, FromRow)]
pub struct RequestRow {
    pub id: String,
    pub session_id: String,
    pub candidat_id: i64,
    pub kind: String,
    pub sequence: i64,
    pub requested_by: String,
}

/// Loads a print request by id.
pub async fn request(db: &Db, id: &str) -> Result<Option<RequestRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, session_id, candidat_id, kind, sequence, requested_by \
         FROM print_request WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// A rendered print version, kept in the file store.
#[derive(Debug, Clone, FromRow)]
pub struct PrintDocument {
    pub id: String,
    pub print_request_id: String,
    pub position: i64,
    pub kind: String,
    pub numero: Option<String>,
    pub file_key: String,
    pub sha256: String,
    pub size_bytes: i64,
}

/// What to record of a rendered document.
#[derive(Debug, Clone)]
pub struct NewPrintDocument<'a> {
    pub print_request_id: &'a str,
    pub position: i64,
    pub kind: &'a str,
    pub numero: Option<&'a str>,
    pub file_key: &'a str,
    pub pdf: &'a [u8],
}

/// The hex SHA-256 of a file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Records a rendered document once: a second record of the same (request, kind) is
/// ignored, whatever its bytes.
pub async fn record_document(
    db: &Db,
    new: &NewPrintDocument<'_>,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO print_document (id, print_request_id, position, kind, numero, file_key, \
             sha256, size_bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (print_request_id, kind) DO NOTHING",
    )
    .bind(new_id())
    .bind(new.print_request_id)
    .bind(new.position)
    .bind(new.kind)
    .bind(new.numero)
    .bind(new.file_key)
    .bind(sha256_hex(new.pdf))
    .bind(new.pdf.len() as i64)
    .bind(timestamp_text(now))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The documents of a request, in envelope order.
pub async fn documents_of(db: &Db, request_id: &str) -> Result<Vec<PrintDocument>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, print_request_id, position, kind, numero, file_key, sha256, size_bytes \
         FROM print_document WHERE print_request_id = $1 ORDER BY position",
    )
    .bind(request_id)
    .fetch_all(db.pool())
    .await?)
}

/// A pli to create, once its documents are rendered.
#[derive(Debug, Clone)]
pub struct NewPli<'a> {
    pub request: &'a RequestRow,
    /// `candidat` or `deets` (R8).
    pub destination: &'a str,
    pub territoire: Option<&'a str>,
    pub adresse_lignes: &'a [String],
}

/// Creates the pli of a request, once: answers false when it existed.
pub async fn create_pli(db: &Db, new: &NewPli<'_>, now: Timestamp) -> Result<bool, StoreError> {
    let at = timestamp_text(now);
    let id = new_id();
    let lines = serde_json::to_string(new.adresse_lignes)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "INSERT INTO pli (id, print_request_id, session_id, candidat_id, destination, \
             territoire, adresse_lignes, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (print_request_id) DO NOTHING",
    )
    .bind(&id)
    .bind(&new.request.id)
    .bind(&new.request.session_id)
    .bind(new.request.candidat_id)
    .bind(new.destination)
    .bind(new.territoire)
    .bind(&lines)
    .bind(PliState::AttenteLot.code())
    .bind(&at)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let after = json!({
        "print_request_id": new.request.id,
        "candidat_id": new.request.candidat_id,
        "destination": new.destination,
        "territoire": new.territoire,
        "state": PliState::AttenteLot.code(),
    });
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor: "ceres",
            entity_kind: "pli",
            entity_id: &id,
            session_id: Some(&new.request.session_id),
            action: "pli.created",
            before_json: None,
            after_json: Some(after.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(pli.id = %id, print_request.id = %new.request.id, "pli created");
    Ok(true)
}

/// A lot as the provider lists it.
#[derive(Debug, Clone, FromRow)]
pub struct LotRow {
    pub id: String,
    pub provider: String,
    pub created_at: String,
    pub pli_count: i64,
    pub acknowledged_at: Option<String>,
}

/// Puts every pli waiting for a lot into one new lot for `provider`: the plis for a DEETS
/// first, grouped by territory (R8), then those for candidates by postcode. Answers the
/// lot, or `None` when no pli was waiting. Two processes doing this at once put each pli
/// in exactly one lot: a pli is taken only while it has none.
pub async fn build_lot(
    db: &Db,
    provider: &str,
    now: Timestamp,
) -> Result<Option<LotRow>, StoreError> {
    let at = timestamp_text(now);
    let mut tx = db.begin_write().await?;
    let waiting: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, destination, territoire, adresse_lignes FROM pli \
         WHERE state IN ($1, $2) AND lot_id IS NULL ORDER BY created_at, id",
    )
    .bind(PliState::AttenteLot.code())
    .bind(PliState::AReposter.code())
    .fetch_all(&mut *tx)
    .await?;
    if waiting.is_empty() {
        return Ok(None);
    }
    let mut ordered: Vec<(String, (u8, String, String))> = waiting
        .into_iter()
        .map(|(id, destination, territoire, lines)| {
            let last_line = serde_json::from_str::<Vec<String>>(&lines)
                .ok()
                .and_then(|l| l.last().cloned())
                .unwrap_or_default();
            let group = u8::from(destination != "deets");
            (id, (group, territoire.unwrap_or_default(), last_line))
        })
        .collect();
    ordered.sort_by(|a, b| a.1.cmp(&b.1));

    let lot_id = new_id();
    sqlx::query("INSERT INTO lot (id, provider, created_at, pli_count) VALUES ($1, $2, $3, 0)")
        .bind(&lot_id)
        .bind(provider)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    let mut position = 0_i64;
    for (pli_id, _) in &ordered {
        // A pli to post again keeps its state: it is printed already.
        let taken = sqlx::query(
            "UPDATE pli SET lot_id = $1, lot_position = $2, updated_at = $4, \
                 state = CASE WHEN state = $6 THEN $3 ELSE state END \
             WHERE id = $5 AND lot_id IS NULL AND state IN ($6, $7)",
        )
        .bind(&lot_id)
        .bind(position + 1)
        .bind(PliState::EnLot.code())
        .bind(&at)
        .bind(pli_id)
        .bind(PliState::AttenteLot.code())
        .bind(PliState::AReposter.code())
        .execute(&mut *tx)
        .await?;
        position += taken.rows_affected() as i64;
    }
    if position == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    sqlx::query("UPDATE lot SET pli_count = $1 WHERE id = $2")
        .bind(position)
        .bind(&lot_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor: "ceres",
            entity_kind: "lot",
            entity_id: &lot_id,
            session_id: None,
            action: "lot.created",
            before_json: None,
            after_json: Some(json!({ "provider": provider, "plis": position }).to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(lot.id = %lot_id, plis = position, "lot built");
    Ok(Some(LotRow {
        id: lot_id,
        provider: provider.to_owned(),
        created_at: at,
        pli_count: position,
        acknowledged_at: None,
    }))
}

/// The lots of a provider, newest first.
pub async fn lots_of(db: &Db, provider: &str) -> Result<Vec<LotRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, provider, created_at, pli_count, acknowledged_at FROM lot \
         WHERE provider = $1 ORDER BY created_at DESC, id DESC LIMIT 500",
    )
    .bind(provider)
    .fetch_all(db.pool())
    .await?)
}

/// One lot of a provider; `None` for another provider's lot, as for a missing one.
pub async fn lot_of(db: &Db, provider: &str, id: &str) -> Result<Option<LotRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, provider, created_at, pli_count, acknowledged_at FROM lot \
         WHERE provider = $1 AND id = $2",
    )
    .bind(provider)
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// What acknowledging a lot did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acknowledged {
    Now,
    /// It was acknowledged before, at this instant: nothing changed.
    Already(String),
}

/// Records that the provider took a lot.
pub async fn acknowledge_lot(
    db: &Db,
    lot: &LotRow,
    actor: &str,
    now: Timestamp,
) -> Result<Acknowledged, StoreError> {
    let at = timestamp_text(now);
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE lot SET acknowledged_at = $1 WHERE id = $2 AND acknowledged_at IS NULL",
    )
    .bind(&at)
    .bind(&lot.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let (when,): (Option<String>,) =
            sqlx::query_as("SELECT acknowledged_at FROM lot WHERE id = $1")
                .bind(&lot.id)
                .fetch_one(&mut *tx)
                .await?;
        return Ok(Acknowledged::Already(when.unwrap_or_default()));
    }
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor,
            entity_kind: "lot",
            entity_id: &lot.id,
            session_id: None,
            action: "lot.acknowledged",
            before_json: None,
            after_json: Some(json!({ "acknowledged_at": at }).to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Acknowledged::Now)
}

/// A pli as the provider sees it: what printing and posting need, nothing of the
/// candidate's record beyond the address lines (design brief §6).
#[derive(Debug, Clone, FromRow)]
pub struct PliRow {
    pub id: String,
    pub print_request_id: String,
    pub session_id: String,
    pub candidat_id: i64,
    pub destination: String,
    pub territoire: Option<String>,
    pub adresse_lignes: String,
    pub state: String,
    pub lot_id: Option<String>,
    pub lot_position: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// The sequence of its print request: 0 initial, 1.. duplicatas.
    pub request_sequence: i64,
}

impl PliRow {
    /// The recipient's lines.
    pub fn lines(&self) -> Vec<String> {
        serde_json::from_str(&self.adresse_lignes).unwrap_or_default()
    }
}

const PLI_COLUMNS: &str = "p.id, p.print_request_id, p.session_id, p.candidat_id, \
    p.destination, p.territoire, p.adresse_lignes, p.state, p.lot_id, p.lot_position, \
    p.created_at, p.updated_at, \
    (SELECT r.sequence FROM print_request r WHERE r.id = p.print_request_id) AS request_sequence";

/// The plis of a lot, in lot order.
pub async fn plis_of_lot(db: &Db, lot_id: &str) -> Result<Vec<PliRow>, StoreError> {
    let sql =
        format!("SELECT {PLI_COLUMNS} FROM pli p WHERE p.lot_id = $1 ORDER BY p.lot_position");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(lot_id)
        .fetch_all(db.pool())
        .await?)
}

/// A pli in one of the provider's lots; `None` otherwise (not yet in a lot, another
/// provider's, or missing: the provider cannot tell them apart).
pub async fn pli_of_provider(
    db: &Db,
    provider: &str,
    id: &str,
) -> Result<Option<PliRow>, StoreError> {
    let sql = format!(
        "SELECT {PLI_COLUMNS} FROM pli p JOIN lot l ON l.id = p.lot_id \
         WHERE l.provider = $1 AND p.id = $2"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(provider)
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// The plis of a candidate at a session, newest first (R10: the candidate page answers
/// from them whether a PND was recorded).
pub async fn plis_of_candidat(
    db: &Db,
    session_id: &str,
    candidat_id: i64,
) -> Result<Vec<PliRow>, StoreError> {
    let sql = format!(
        "SELECT {PLI_COLUMNS} FROM pli p WHERE p.session_id = $1 AND p.candidat_id = $2 \
         ORDER BY p.created_at DESC"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .bind(candidat_id)
        .fetch_all(db.pool())
        .await?)
}

/// R9: after a PND, the agent corrected the address and tells the provider: the same pli,
/// with its new lines, waits for the next lot to be posted again (no new request, no new
/// document). Answers false when the pli is not (or no longer) returned.
pub async fn requeue_after_pnd(
    db: &Db,
    pli: &PliRow,
    lines: &[String],
    actor: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let at = timestamp_text(now);
    let new_lines = serde_json::to_string(lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE pli SET adresse_lignes = $1, state = $2, lot_id = NULL, lot_position = NULL, \
             updated_at = $3 WHERE id = $4 AND state = $5",
    )
    .bind(&new_lines)
    .bind(PliState::AReposter.code())
    .bind(&at)
    .bind(&pli.id)
    .bind(PliState::Pnd.code())
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor,
            entity_kind: "pli",
            entity_id: &pli.id,
            session_id: Some(&pli.session_id),
            action: "pli.requeued",
            before_json: Some(
                json!({ "state": PliState::Pnd.code(), "lot_id": pli.lot_id }).to_string(),
            ),
            after_json: Some(json!({ "state": PliState::AReposter.code() }).to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(pli.id = %pli.id, "pli queued again after a PND");
    Ok(true)
}

/// A pli in one of the agents' lists, with what the list shows: returned (R9: `at` is the
/// return, `detail` its reason) or without news (`at` its last change, `detail` its state).
#[derive(Debug, Clone, FromRow)]
pub struct PliListRow {
    pub pli_id: String,
    pub session_id: String,
    pub candidat_id: i64,
    pub nom_naissance: String,
    pub prenoms: String,
    pub at: Option<String>,
    pub detail: Option<String>,
}

/// The returned plis of a périmètre's sessions, oldest return first (R9, R12).
pub async fn pnd_in_perimetre(
    db: &Db,
    perimetre: &ceres_domain::perimetre::Perimetre,
) -> Result<Vec<PliListRow>, StoreError> {
    let (condition, value) = crate::sessions::perimetre_filter(perimetre);
    let sql = format!(
        "SELECT p.id AS pli_id, p.session_id, p.candidat_id, k.nom_naissance, k.prenoms, \
             (SELECT MAX(e.recorded_at) FROM pli_event e WHERE e.pli_id = p.id \
                 AND e.kind = 'pnd') AS at, \
             (SELECT MAX(e.pnd_reason) FROM pli_event e WHERE e.pli_id = p.id \
                 AND e.kind = 'pnd' AND e.recorded_at = (SELECT MAX(f.recorded_at) \
                 FROM pli_event f WHERE f.pli_id = p.id AND f.kind = 'pnd')) AS detail \
         FROM pli p JOIN exam_session s ON s.id = p.session_id \
         JOIN candidat k ON k.id = p.candidat_id \
         WHERE p.state = 'pnd' AND {condition} ORDER BY at, p.id LIMIT 1000"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(db.pool())
        .await?)
}

/// The plis of a périmètre's sessions handed over and without news since `before` (a
/// stored instant): not reported posted, oldest first (the board's second counter).
pub async fn stale_in_perimetre(
    db: &Db,
    perimetre: &ceres_domain::perimetre::Perimetre,
    before: &str,
) -> Result<Vec<PliListRow>, StoreError> {
    let (condition, value) = crate::sessions::perimetre_filter(perimetre);
    let sql = format!(
        "SELECT p.id AS pli_id, p.session_id, p.candidat_id, k.nom_naissance, k.prenoms, \
             p.updated_at AS at, p.state AS detail \
         FROM pli p JOIN exam_session s ON s.id = p.session_id \
         JOIN candidat k ON k.id = p.candidat_id \
         WHERE p.state IN ('en_lot', 'imprime', 'a_reposter') AND p.updated_at < $2 \
           AND {condition} ORDER BY p.updated_at, p.id LIMIT 1000"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .bind(before)
        .fetch_all(db.pool())
        .await?)
}

/// How many returned plis wait in a périmètre (the counter of the home page).
pub async fn pnd_count(
    db: &Db,
    perimetre: &ceres_domain::perimetre::Perimetre,
) -> Result<i64, StoreError> {
    let (condition, value) = crate::sessions::perimetre_filter(perimetre);
    let sql = format!(
        "SELECT COUNT(*) FROM pli p JOIN exam_session s ON s.id = p.session_id \
         WHERE p.state = 'pnd' AND {condition}"
    );
    let (count,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_one(db.pool())
        .await?;
    Ok(count)
}

/// A pli by id, whatever its lot (for the jobs).
pub async fn pli(db: &Db, id: &str) -> Result<Option<PliRow>, StoreError> {
    let sql = format!("SELECT {PLI_COLUMNS} FROM pli p WHERE p.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// The pli an event belongs to.
pub async fn pli_of_event(db: &Db, event_id: &str) -> Result<Option<String>, StoreError> {
    let found: Option<(String,)> = sqlx::query_as("SELECT pli_id FROM pli_event WHERE id = $1")
        .bind(event_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(found.map(|(id,)| id))
}

/// An event of a pli's history.
#[derive(Debug, Clone, FromRow)]
pub struct PliEventRow {
    pub kind: String,
    pub recorded_at: String,
    pub occurred_on: Option<String>,
    pub tracking_number: Option<String>,
    pub pnd_reason: Option<String>,
}

/// A pli's events, oldest first.
pub async fn events_of(db: &Db, pli_id: &str) -> Result<Vec<PliEventRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT kind, recorded_at, occurred_on, tracking_number, pnd_reason FROM pli_event \
         WHERE pli_id = $1 ORDER BY recorded_at, id",
    )
    .bind(pli_id)
    .fetch_all(db.pool())
    .await?)
}

/// An event told by the provider.
#[derive(Debug, Clone)]
pub struct NewPliEvent<'a> {
    pub kind: PliEventKind,
    /// The posting date (ISO), for `poste`.
    pub occurred_on: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub pnd_reason: Option<PndReason>,
    /// Chosen by the provider; the same key again is a replay.
    pub idempotency_key: &'a str,
    pub actor: &'a str,
}

/// What recording an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventOutcome {
    /// Recorded; the pli is now in this state.
    Recorded(PliState),
    /// This key was recorded before, for this pli: nothing changed.
    Replayed(PliState),
    /// This key was used for another pli or another event.
    KeyReused,
    /// The pli's state does not allow it.
    Impossible(ImpossibleTransition),
}

/// Records an event of a pli and moves its state, once per idempotency key.
pub async fn record_event(
    db: &Db,
    pli: &PliRow,
    event: &NewPliEvent<'_>,
    now: Timestamp,
) -> Result<EventOutcome, StoreError> {
    let at = timestamp_text(now);
    // Keys are scoped by who sent them, so two providers' keys never collide.
    let key = format!("{}:{}", event.actor, event.idempotency_key);
    let mut tx = db.begin_write().await?;

    let earlier: Option<(String, String)> =
        sqlx::query_as("SELECT pli_id, kind FROM pli_event WHERE idempotency_key = $1")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
    let (state,): (String,) = sqlx::query_as("SELECT state FROM pli WHERE id = $1")
        .bind(&pli.id)
        .fetch_one(&mut *tx)
        .await?;
    let state = PliState::from_code(&state)
        .ok_or_else(|| StoreError::Invalid(format!("pli {} has state {state:?}", pli.id)))?;
    if let Some((pli_id, kind)) = earlier {
        return Ok(if pli_id == pli.id && kind == event.kind.code() {
            EventOutcome::Replayed(state)
        } else {
            EventOutcome::KeyReused
        });
    }
    let next = match next_state(state, event.kind) {
        Ok(next) => next,
        Err(impossible) => return Ok(EventOutcome::Impossible(impossible)),
    };

    // The state is changed only from the state read: a concurrent event loses here.
    let moved =
        sqlx::query("UPDATE pli SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
            .bind(next.code())
            .bind(&at)
            .bind(&pli.id)
            .bind(state.code())
            .execute(&mut *tx)
            .await?;
    if moved.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(StoreError::Invalid(format!(
            "pli {} changed while the event was recorded; try again",
            pli.id
        )));
    }
    let event_id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO pli_event (id, pli_id, kind, recorded_at, occurred_on, tracking_number, \
             pnd_reason, idempotency_key, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&event_id)
    .bind(&pli.id)
    .bind(event.kind.code())
    .bind(&at)
    .bind(event.occurred_on)
    .bind(event.tracking_number)
    .bind(event.pnd_reason.map(PndReason::code))
    .bind(&key)
    .bind(event.actor)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // The same key won a race: this attempt is the replay.
        tx.rollback().await?;
        return Ok(EventOutcome::Replayed(next));
    }
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor: event.actor,
            entity_kind: "pli",
            entity_id: &pli.id,
            session_id: Some(&pli.session_id),
            action: "pli.event",
            before_json: Some(json!({ "state": state.code() }).to_string()),
            after_json: Some(
                json!({
                    "state": next.code(),
                    "event": event.kind.code(),
                    "occurred_on": event.occurred_on,
                    "pnd_reason": event.pnd_reason.map(PndReason::code),
                })
                .to_string(),
            ),
        },
    )
    .await?;
    if event.kind == PliEventKind::Pnd {
        // The agents are told by e-mail; the job commits with the event (outbox).
        crate::jobs::enqueue(&mut tx, crate::jobs::kind::NOTIFY_PND, &event_id, now).await?;
    }
    tx.commit().await?;
    tracing::info!(pli.id = %pli.id, event = event.kind.code(), "pli event recorded");
    Ok(EventOutcome::Recorded(next))
}

/// Issues a new API token for a provider; answers the token, shown once and kept only as
/// its SHA-256.
pub async fn add_token(
    db: &Db,
    provider: &str,
    label: &str,
    token: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO provider_token (id, provider, label, token_sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(provider)
    .bind(label)
    .bind(sha256_hex(token.as_bytes()))
    .bind(timestamp_text(now))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The provider a bearer token belongs to, unless unknown or revoked.
pub async fn provider_of_token(db: &Db, token: &str) -> Result<Option<String>, StoreError> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT provider FROM provider_token WHERE token_sha256 = $1 AND revoked_at IS NULL",
    )
    .bind(sha256_hex(token.as_bytes()))
    .fetch_optional(db.pool())
    .await?;
    Ok(found.map(|(provider,)| provider))
}

/// A session's rendered documents, and its plis that are in a lot.
pub async fn session_progress(db: &Db, session_id: &str) -> Result<(i64, i64), StoreError> {
    let (documents,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM print_document d JOIN print_request r ON r.id = d.print_request_id \
         WHERE r.session_id = $1",
    )
    .bind(session_id)
    .fetch_one(db.pool())
    .await?;
    let (plis,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM pli WHERE session_id = $1 AND lot_id IS NOT NULL")
            .bind(session_id)
            .fetch_one(db.pool())
            .await?;
    Ok((documents, plis))
}

/// Counts for the administrators' view of the pipeline.
#[derive(Debug, Clone, Default)]
pub struct PipelineCounts {
    pub requests: i64,
    pub documents: i64,
    pub plis_waiting: i64,
    pub plis_in_lots: i64,
    pub lots: i64,
}

/// Where the pipeline stands.
pub async fn pipeline_counts(db: &Db) -> Result<PipelineCounts, StoreError> {
    let one = |sql: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await?;
        Ok::<i64, StoreError>(n)
    };
    Ok(PipelineCounts {
        requests: one("SELECT COUNT(*) FROM print_request").await?,
        documents: one("SELECT COUNT(*) FROM print_document").await?,
        plis_waiting: one("SELECT COUNT(*) FROM pli WHERE lot_id IS NULL").await?,
        plis_in_lots: one("SELECT COUNT(*) FROM pli WHERE lot_id IS NOT NULL").await?,
        lots: one("SELECT COUNT(*) FROM lot").await?,
    })
}
