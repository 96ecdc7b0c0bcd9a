//! The audit trail (R13): who changed what, when, with the values before and after.

use sqlx::{AnyConnection, FromRow};

use crate::{Db, StoreError, new_id};

/// One change to record.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    /// RFC 3339 instant, from [`crate::timestamp_text`].
    pub at: &'a str,
    /// The user id of who made the change.
    pub actor: &'a str,
    /// `session`, `candidat`, `print_request`, …
    pub entity_kind: &'a str,
    pub entity_id: &'a str,
    /// The session the change belongs to, for the session's Traçabilité tab.
    pub session_id: Option<&'a str>,
    /// Stable action code, e.g. `print_request.created`.
    pub action: &'a str,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Appends an event inside the caller's transaction, so it lands with the change.
pub async fn record(conn: &mut AnyConnection, event: &NewAuditEvent<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_event (id, at, actor, entity_kind, entity_id, session_id, action, \
             before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(event.at)
    .bind(event.actor)
    .bind(event.entity_kind)
    .bind(event.entity_id)
    .bind(event.session_id)
    .bind(event.action)
    .bind(&event.before_json)
    .bind(&event.after_json)
    .execute(conn)
    .await?;
    Ok(())
}

/// An event as the Traçabilité tab shows it.
#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub at: String,
    pub actor_name: Option<String>,
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The events of a session, newest first.
pub async fn list_for_session(db: &Db, session_id: &str) -> Result<Vec<AuditRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT e.at, u.display_name AS actor_name, e.entity_kind, e.entity_id, e.action, \
             e.before_json, e.after_json \
         FROM audit_event e LEFT JOIN app_user u ON u.id = e.actor \
         WHERE e.session_id = $1 ORDER BY e.at DESC, e.id DESC",
    )
    .bind(session_id)
    .fetch_all(db.pool())
    .await?)
}

/// The events of a candidate, newest first: the changes to the record, and the print
/// requests and numbered documents of the candidate at sessions of the périmètre (R12: the
/// events of a session outside it are left out).
pub async fn list_for_candidat(
    db: &Db,
    perimetre: &ceres_domain::perimetre::Perimetre,
    candidat_id: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let (condition, value) = crate::sessions::perimetre_filter(perimetre);
    let sql = format!(
        "SELECT e.at, u.display_name AS actor_name, e.entity_kind, e.entity_id, e.action, \
             e.before_json, e.after_json \
         FROM audit_event e LEFT JOIN app_user u ON u.id = e.actor \
         WHERE ((e.entity_kind = 'candidat' AND e.entity_id = $2) \
             OR (e.entity_kind = 'print_request' AND e.entity_id IN \
                 (SELECT r.id FROM print_request r WHERE r.candidat_id = $3)) \
             OR (e.entity_kind = 'issued_document' AND e.entity_id IN \
                 (SELECT d.numero FROM issued_document d WHERE d.candidat_id = $3))) \
           AND (e.session_id IS NULL OR e.session_id IN \
                 (SELECT s.id FROM exam_session s WHERE {condition})) \
         ORDER BY e.at DESC, e.id DESC"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .bind(candidat_id.to_string())
        .bind(candidat_id)
        .fetch_all(db.pool())
        .await?)
}
