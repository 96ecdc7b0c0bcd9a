//! The purge of personal data past its retention period (`docs/retention.md`).
//!
//! What the traçabilité (R13) and the public verification page need stays: audit entries
//! keep who, when, what and their digests (only their before and after values go), accounts
//! keep their id, candidates keep their état civil and results, issued documents keep what
//! they print.

use ceres_domain::retention::Cutoffs;
use jiff::Timestamp;
use sqlx::AnyConnection;

use crate::audit::{self, NewAuditEvent};
use crate::{Db, StoreError, date_text, timestamp_text};

/// The actor the traçabilité names for the purge's own changes.
pub const PURGE_ACTOR: &str = "ceres-purge";

/// How many records each step purged (or would purge, in a dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub web_sessions: u64,
    pub sign_in_failures: u64,
    pub candidats_contact: u64,
    pub audit_values: u64,
    pub accounts: u64,
}

/// Purges what is past its retention at `now`, in one transaction; with `dry_run`, counts
/// and rolls back.
pub async fn purge(db: &Db, now: Timestamp, dry_run: bool) -> Result<PurgeReport, StoreError> {
    let cutoffs = Cutoffs::at(now);
    let now_text = timestamp_text(now);
    let mut tx = db.pool().begin().await?;

    let report = PurgeReport {
        web_sessions: execute(
            &mut tx,
            "DELETE FROM web_session WHERE expires_at <= $1",
            &[&now_text],
        )
        .await?,
        sign_in_failures: execute(
            &mut tx,
            "DELETE FROM sign_in_failure WHERE last_failure_at < $1",
            &[&timestamp_text(cutoffs.sign_in_failures_before)],
        )
        .await?,
        candidats_contact: purge_contacts(&mut tx, &date_text(cutoffs.contact_before), &now_text)
            .await?,
        audit_values: execute(
            &mut tx,
            "UPDATE audit_event SET before_json = NULL, after_json = NULL, redacted_at = $1 \
             WHERE at < $2 AND redacted_at IS NULL \
               AND (before_json IS NOT NULL OR after_json IS NOT NULL)",
            &[&now_text, &timestamp_text(cutoffs.audit_payload_before)],
        )
        .await?,
        accounts: execute(
            &mut tx,
            "UPDATE app_user SET display_name = 'Compte supprimé', \
                 email = 'supprime-' || id || '@ceres.invalid', password_hash = '', \
                 oidc_subject = NULL, pseudonymised_at = $1 \
             WHERE disabled_at IS NOT NULL AND disabled_at < $2 AND pseudonymised_at IS NULL",
            &[&now_text, &timestamp_text(cutoffs.disabled_account_before)],
        )
        .await?,
    };

    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        tracing::info!(?report, "personal data past retention purged");
    }
    Ok(report)
}

async fn execute(
    conn: &mut AnyConnection,
    sql: &'static str,
    binds: &[&str],
) -> Result<u64, StoreError> {
    let mut query = sqlx::query(sql);
    for value in binds {
        query = query.bind(*value);
    }
    Ok(query.execute(conn).await?.rows_affected())
}

// Known limit: a candidate's last activity is the end of a session or a print request; the
// plis and their events (the provider's ledger, another branch) are not counted yet, nor are
// the addresses a pli keeps (lifted when that ledger joins this query and this purge).
/// Blanks the postal address, e-mail and telephone of the candidates with no session ended
/// and no print request made since `before` (ISO date), each with a traçabilité entry.
async fn purge_contacts(
    conn: &mut AnyConnection,
    before: &str,
    now: &str,
) -> Result<u64, StoreError> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT c.id FROM candidat c \
         WHERE (c.adresse_complement <> '' OR c.adresse_ligne <> '' OR c.code_postal <> '' \
                OR c.ville <> '' OR c.courriel <> '' OR c.telephone <> '') \
           AND NOT EXISTS (SELECT 1 FROM inscription i JOIN exam_session s ON s.id = i.session_id \
                           WHERE i.candidat_id = c.id AND s.date_fin >= $1) \
           AND NOT EXISTS (SELECT 1 FROM print_request p \
                           WHERE p.candidat_id = c.id AND p.requested_on >= $1) \
         ORDER BY c.id",
    )
    .bind(before)
    .fetch_all(&mut *conn)
    .await?;

    for (id,) in &due {
        sqlx::query(
            "UPDATE candidat SET adresse_complement = '', adresse_ligne = '', code_postal = '', \
                 ville = '', courriel = '', telephone = '', updated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        audit::record(
            conn,
            &NewAuditEvent {
                at: now,
                actor: PURGE_ACTOR,
                entity_kind: "candidat",
                entity_id: &id.to_string(),
                session_id: None,
                action: "candidat.contact_purged",
                before_json: None,
                after_json: None,
            },
        )
        .await?;
    }
    Ok(due.len() as u64)
}
