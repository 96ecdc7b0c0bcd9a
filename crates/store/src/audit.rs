//! The traçabilité (R13): who changed what, when, with the values before and after, in an
//! append-only, tamper-evident chain.
//!
//! Each entry carries its position (`seq`, from 1), the hash of the entry before it and its
//! own hash: SHA-256 over the entry's fields, the digests of its before and after values and
//! the previous hash. Changing, removing or inserting an entry breaks the chain from there
//! on, and [`verify`] names the first broken link. Triggers refuse UPDATE and DELETE, except
//! the retention purge's redaction of the values, which the digests survive.

use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow};

use crate::{Backend, Db, StoreError, new_id};

/// The hash the first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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

/// The fields an entry's hash covers.
#[derive(Debug, Clone, FromRow)]
struct Link {
    seq: i64,
    id: String,
    at: String,
    actor: String,
    entity_kind: String,
    entity_id: String,
    session_id: Option<String>,
    action: String,
    before_sha256: Option<String>,
    after_sha256: Option<String>,
    prev_hash: String,
}

impl Link {
    /// SHA-256 of the fields as a JSON array, in hexadecimal.
    fn hash(&self) -> String {
        let fields = json!([
            "ceres-audit-v1",
            self.seq,
            self.id,
            self.at,
            self.actor,
            self.entity_kind,
            self.entity_id,
            self.session_id,
            self.action,
            self.before_sha256,
            self.after_sha256,
            self.prev_hash,
        ]);
        sha256_hex(fields.to_string().as_bytes())
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn digest(value: &Option<String>) -> Option<String> {
    value.as_deref().map(|text| sha256_hex(text.as_bytes()))
}

/// Appends an event inside the caller's transaction, so it lands with the change.
///
/// The UPDATE of the chain head comes first: on PostgreSQL it holds the head's row lock until
/// the caller's transaction ends, so a concurrent append waits and then chains to this entry;
/// on SQLite the database has a single writer. Either way no two entries share a predecessor.
pub async fn record(conn: &mut AnyConnection, event: &NewAuditEvent<'_>) -> Result<(), StoreError> {
    let (seq, prev_hash): (i64, String) = sqlx::query_as(
        "UPDATE audit_chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
    )
    .fetch_one(&mut *conn)
    .await?;

    let link = Link {
        seq,
        id: new_id(),
        at: event.at.to_owned(),
        actor: event.actor.to_owned(),
        entity_kind: event.entity_kind.to_owned(),
        entity_id: event.entity_id.to_owned(),
        session_id: event.session_id.map(str::to_owned),
        action: event.action.to_owned(),
        before_sha256: digest(&event.before_json),
        after_sha256: digest(&event.after_json),
        prev_hash,
    };
    let hash = link.hash();

    sqlx::query(
        "INSERT INTO audit_event (id, at, actor, entity_kind, entity_id, session_id, action, \
             before_json, after_json, seq, before_sha256, after_sha256, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&link.id)
    .bind(&link.at)
    .bind(&link.actor)
    .bind(&link.entity_kind)
    .bind(&link.entity_id)
    .bind(&link.session_id)
    .bind(&link.action)
    .bind(&event.before_json)
    .bind(&event.after_json)
    .bind(link.seq)
    .bind(&link.before_sha256)
    .bind(&link.after_sha256)
    .bind(&link.prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_chain_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An event as the Traçabilité tabs show it.
#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    /// Position in the chain: the number `ceres audit verify` names.
    pub seq: i64,
    pub at: String,
    /// The actor's id (a user id, or `ceres-purge`).
    pub actor: String,
    pub actor_name: Option<String>,
    pub entity_kind: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// Whether the before and after values were redacted by the retention purge.
    pub redacted: i64,
}

const ROW_SELECT: &str = "SELECT e.seq, e.at, e.actor, u.display_name AS actor_name, e.entity_kind, \
        e.entity_id, e.action, e.before_json, e.after_json, \
        CAST(CASE WHEN e.redacted_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS redacted \
    FROM audit_event e LEFT JOIN app_user u ON u.id = e.actor";

/// The events of a session, newest first.
pub async fn list_for_session(db: &Db, session_id: &str) -> Result<Vec<AuditRow>, StoreError> {
    let sql = format!("{ROW_SELECT} WHERE e.session_id = $1 ORDER BY e.seq DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(db.pool())
        .await?)
}

/// The events of one entity (a structure, an account), newest first.
pub async fn list_for_entity(
    db: &Db,
    entity_kind: &str,
    entity_id: &str,
) -> Result<Vec<AuditRow>, StoreError> {
    let sql = format!(
        "{ROW_SELECT} WHERE e.entity_kind = $1 AND e.entity_id = $2 ORDER BY e.seq DESC LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(entity_kind)
        .bind(entity_id)
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
        "{ROW_SELECT} \
         WHERE ((e.entity_kind = 'candidat' AND e.entity_id = $2) \
             OR (e.entity_kind = 'print_request' AND e.entity_id IN \
                 (SELECT r.id FROM print_request r WHERE r.candidat_id = $3)) \
             OR (e.entity_kind = 'issued_document' AND e.entity_id IN \
                 (SELECT d.numero FROM issued_document d WHERE d.candidat_id = $3))) \
           AND (e.session_id IS NULL OR e.session_id IN \
                 (SELECT s.id FROM exam_session s WHERE {condition})) \
         ORDER BY e.seq DESC"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .bind(candidat_id.to_string())
        .bind(candidat_id)
        .fetch_all(db.pool())
        .await?)
}

/// Chains the entries written before the chain existed, creates its head, and installs the
/// triggers that make the table append-only. Run after every migration; idempotent.
pub(crate) async fn seal(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.pool().begin().await?;
    let created = sqlx::query(
        "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING",
    )
    .bind(GENESIS)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if created {
        // First run: the guards are not installed yet, so older entries can be chained.
        let older: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM audit_event WHERE seq IS NULL ORDER BY at, id")
                .fetch_all(&mut *tx)
                .await?;
        for (id,) in older {
            chain_existing(&mut tx, &id).await?;
        }
    }
    tx.commit().await?;

    let statements: &[&str] = match db.backend() {
        Backend::Sqlite => SQLITE_GUARDS,
        Backend::Postgres => POSTGRES_GUARDS,
    };
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*statement))
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

/// An entry written before the chain existed.
#[derive(FromRow)]
struct Unchained {
    at: String,
    actor: String,
    entity_kind: String,
    entity_id: String,
    session_id: Option<String>,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

/// Gives an entry written before the chain its place at the end of it.
async fn chain_existing(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    let (seq, prev_hash): (i64, String) = sqlx::query_as(
        "UPDATE audit_chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let entry: Unchained = sqlx::query_as(
        "SELECT at, actor, entity_kind, entity_id, session_id, action, before_json, after_json \
         FROM audit_event WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let link = Link {
        seq,
        id: id.to_owned(),
        at: entry.at,
        actor: entry.actor,
        entity_kind: entry.entity_kind,
        entity_id: entry.entity_id,
        session_id: entry.session_id,
        action: entry.action,
        before_sha256: digest(&entry.before_json),
        after_sha256: digest(&entry.after_json),
        prev_hash,
    };
    let hash = link.hash();
    sqlx::query(
        "UPDATE audit_event SET seq = $1, before_sha256 = $2, after_sha256 = $3, prev_hash = $4, \
             hash = $5 WHERE id = $6",
    )
    .bind(link.seq)
    .bind(&link.before_sha256)
    .bind(&link.after_sha256)
    .bind(&link.prev_hash)
    .bind(&hash)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_chain_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// SQLite: no DELETE, and no UPDATE but the redaction of the values; the head only moves on.
const SQLITE_GUARDS: &[&str] = &[
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event \
     BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_only_redaction BEFORE UPDATE ON audit_event \
     WHEN NOT (NEW.id IS OLD.id AND NEW.seq IS OLD.seq AND NEW.at IS OLD.at \
         AND NEW.actor IS OLD.actor AND NEW.entity_kind IS OLD.entity_kind \
         AND NEW.entity_id IS OLD.entity_id AND NEW.session_id IS OLD.session_id \
         AND NEW.action IS OLD.action AND NEW.before_sha256 IS OLD.before_sha256 \
         AND NEW.after_sha256 IS OLD.after_sha256 AND NEW.prev_hash IS OLD.prev_hash \
         AND NEW.hash IS OLD.hash AND NEW.before_json IS NULL AND NEW.after_json IS NULL \
         AND NEW.redacted_at IS NOT NULL) \
     BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head \
     BEGIN SELECT RAISE(ABORT, 'audit_chain_head cannot be deleted'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_chain_head_forward BEFORE UPDATE ON audit_chain_head \
     WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq \
     BEGIN SELECT RAISE(ABORT, 'audit_chain_head only moves forward'); END",
];

/// PostgreSQL: the same rules as functions, and no TRUNCATE either.
const POSTGRES_GUARDS: &[&str] = &[
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger \
     LANGUAGE plpgsql AS $$ \
     BEGIN \
         IF TG_OP = 'UPDATE' AND NEW.id IS NOT DISTINCT FROM OLD.id \
             AND NEW.seq IS NOT DISTINCT FROM OLD.seq AND NEW.at IS NOT DISTINCT FROM OLD.at \
             AND NEW.actor IS NOT DISTINCT FROM OLD.actor \
             AND NEW.entity_kind IS NOT DISTINCT FROM OLD.entity_kind \
             AND NEW.entity_id IS NOT DISTINCT FROM OLD.entity_id \
             AND NEW.session_id IS NOT DISTINCT FROM OLD.session_id \
             AND NEW.action IS NOT DISTINCT FROM OLD.action \
             AND NEW.before_sha256 IS NOT DISTINCT FROM OLD.before_sha256 \
             AND NEW.after_sha256 IS NOT DISTINCT FROM OLD.after_sha256 \
             AND NEW.prev_hash IS NOT DISTINCT FROM OLD.prev_hash \
             AND NEW.hash IS NOT DISTINCT FROM OLD.hash \
             AND NEW.before_json IS NULL AND NEW.after_json IS NULL \
             AND NEW.redacted_at IS NOT NULL THEN \
             RETURN NEW; \
         END IF; \
         RAISE EXCEPTION 'audit_event is append-only'; \
     END $$",
    "CREATE OR REPLACE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event \
     FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME; END $$",
    "CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event \
     FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()",
    "CREATE OR REPLACE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head \
     FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()",
    "CREATE OR REPLACE FUNCTION audit_chain_head_forward() RETURNS trigger \
     LANGUAGE plpgsql AS $$ \
     BEGIN \
         IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq >= OLD.seq THEN RETURN NEW; END IF; \
         RAISE EXCEPTION 'audit_chain_head only moves forward'; \
     END $$",
    "CREATE OR REPLACE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE \
     ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward()",
];

/// The first link of the chain that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The position of the entry where the chain breaks.
    pub seq: i64,
    /// The entry's id, when there is an entry at that position.
    pub id: Option<String>,
    pub reason: BreakReason,
}

/// Why a link does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakReason {
    /// No entry at this position: it was removed.
    Missing,
    /// The entry does not name the hash of the one before it: an entry before it was changed,
    /// removed or inserted.
    NotChainedToPrevious,
    /// The entry's fields no longer give its hash: it was changed.
    Altered,
    /// The before or after values no longer match their digests: they were changed.
    ValuesAltered,
    /// An entry with no position: written around the chain.
    OutsideTheChain,
    /// The chain ends before its recorded head: its last entries were removed.
    Truncated { head_seq: i64 },
    /// The entry at the anchor's position has another hash than the anchor recorded.
    AnchorMismatch { expected: String },
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry #{}", self.seq)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        match &self.reason {
            BreakReason::Missing => write!(f, " is missing: it was removed"),
            BreakReason::NotChainedToPrevious => write!(
                f,
                " does not carry the hash of entry #{}: an entry before it was changed, \
                 removed or inserted",
                self.seq - 1
            ),
            BreakReason::Altered => write!(f, " was changed: its fields no longer give its hash"),
            BreakReason::ValuesAltered => {
                write!(
                    f,
                    " has before or after values that no longer match their digests"
                )
            }
            BreakReason::OutsideTheChain => write!(f, " was written outside the chain"),
            BreakReason::Truncated { head_seq } => write!(
                f,
                " is the last one, but the chain's head says #{head_seq}: the entries after \
                 it were removed"
            ),
            BreakReason::AnchorMismatch { expected } => {
                write!(f, " does not have the anchored hash {expected}")
            }
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries checked.
    pub entries: i64,
    /// The last entry's hash ([`GENESIS`] when there is none).
    pub head_hash: String,
    /// Entries whose values were redacted by the retention purge (their digests still count).
    pub redacted: i64,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
}

#[derive(FromRow)]
struct StoredLink {
    #[sqlx(flatten)]
    link: Link,
    before_json: Option<String>,
    after_json: Option<String>,
    hash: String,
}

// Known limit: someone able to drop the triggers and recompute every hash after the entry
// they changed is caught only against an anchor noted outside the database (lifted when the
// head is signed, from time to time, with a key the database does not hold).
/// Checks the whole chain, in order, and names its first broken link. `anchor`, a
/// `(seq, hash)` noted earlier outside the database, must still be in the chain: without an
/// anchor, someone who rewrites every entry after the one changed goes unseen.
pub async fn verify(db: &Db, anchor: Option<(i64, &str)>) -> Result<ChainReport, StoreError> {
    let mut report = ChainReport {
        entries: 0,
        head_hash: GENESIS.to_owned(),
        redacted: 0,
        broken: None,
    };

    let outside: Option<(String,)> =
        sqlx::query_as("SELECT id FROM audit_event WHERE seq IS NULL OR hash IS NULL LIMIT 1")
            .fetch_optional(db.pool())
            .await?;
    if let Some((id,)) = outside {
        report.broken = Some(BrokenLink {
            seq: 0,
            id: Some(id),
            reason: BreakReason::OutsideTheChain,
        });
        return Ok(report);
    }

    // Page by page, in order, so that memory stays flat however long the chain.
    let mut expected_seq = 1;
    loop {
        let page: Vec<StoredLink> = sqlx::query_as(
            "SELECT seq, id, at, actor, entity_kind, entity_id, session_id, action, before_json, \
                 after_json, before_sha256, after_sha256, prev_hash, hash \
             FROM audit_event WHERE seq >= $1 ORDER BY seq LIMIT 1000",
        )
        .bind(expected_seq)
        .fetch_all(db.pool())
        .await?;
        if page.is_empty() {
            break;
        }
        for stored in page {
            if let Some(reason) = check_link(&stored, expected_seq, &report.head_hash) {
                let missing = reason == BreakReason::Missing;
                report.broken = Some(BrokenLink {
                    seq: expected_seq,
                    id: (!missing).then(|| stored.link.id.clone()),
                    reason,
                });
                return Ok(report);
            }
            if stored.before_json.is_none() && stored.link.before_sha256.is_some()
                || stored.after_json.is_none() && stored.link.after_sha256.is_some()
            {
                report.redacted += 1;
            }
            if let Some((seq, hash)) = anchor
                && seq == stored.link.seq
                && hash != stored.hash
            {
                report.broken = Some(BrokenLink {
                    seq,
                    id: Some(stored.link.id.clone()),
                    reason: BreakReason::AnchorMismatch {
                        expected: hash.to_owned(),
                    },
                });
                return Ok(report);
            }
            report.entries += 1;
            report.head_hash = stored.hash;
            expected_seq += 1;
        }
    }

    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
            .fetch_one(db.pool())
            .await?;
    if head_seq != report.entries || head_hash != report.head_hash {
        report.broken = Some(BrokenLink {
            seq: report.entries,
            id: None,
            reason: BreakReason::Truncated { head_seq },
        });
    } else if let Some((seq, _)) = anchor
        && seq > report.entries
    {
        report.broken = Some(BrokenLink {
            seq,
            id: None,
            reason: BreakReason::Missing,
        });
    }
    Ok(report)
}

/// Why one stored entry does not follow the chain, if it does not.
fn check_link(stored: &StoredLink, expected_seq: i64, prev_hash: &str) -> Option<BreakReason> {
    let link = &stored.link;
    if link.seq != expected_seq {
        return Some(BreakReason::Missing);
    }
    if link.prev_hash != prev_hash {
        return Some(BreakReason::NotChainedToPrevious);
    }
    if link.hash() != stored.hash {
        return Some(BreakReason::Altered);
    }
    let values_match = |value: &Option<String>, sha: &Option<String>| match value {
        Some(_) => digest(value) == *sha,
        None => true,
    };
    if !values_match(&stored.before_json, &link.before_sha256)
        || !values_match(&stored.after_json, &link.after_sha256)
    {
        return Some(BreakReason::ValuesAltered);
    }
    None
}
