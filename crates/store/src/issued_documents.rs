//! Numbered documents: each printed diplôme and livret gets a unique number once, and a
//! duplicata supersedes the document it replaces (design brief §4, R6).

use ceres_domain::document::DocumentKind;
use ceres_domain::verification::DocumentNumber;
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use sqlx::FromRow;

use crate::audit::{self, NewAuditEvent};
use crate::{Db, StoreError, date_text, parse_date, timestamp_text};

/// Which print of a document is being numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// The print of the initial request (sequence 0): numbered once, whatever the number of
    /// renders.
    Initial,
    /// A new duplicata: a new number, which supersedes the newest earlier one.
    Duplicata,
    /// The duplicata of the print request of this sequence (1..): numbered once, like the
    /// initial print, so that rendering the request again keeps its number.
    DuplicataOfRequest(i64),
}

/// What to number.
#[derive(Debug, Clone)]
pub struct NewIssuedDocument<'a> {
    pub kind: DocumentKind,
    pub session_id: &'a str,
    pub candidat_id: i64,
    pub issue: Issue,
    /// What the document prints, for the verification page (see `DocumentModel`).
    pub printed_json: String,
    /// Who asks, for the audit trail: a user id, or `cli` for the command line.
    pub actor: &'a str,
    pub now: Timestamp,
    /// Today in Europe/Paris.
    pub today: Date,
}

/// A numbered document as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    pub numero: DocumentNumber,
    pub session_id: String,
    pub candidat_id: i64,
    /// 0 for the initial print, 1.. for duplicatas.
    pub sequence: i64,
    pub issued_on: Date,
    pub printed_json: String,
    /// The duplicata that replaced it, with its date of issue.
    pub superseded_by: Option<(DocumentNumber, Date)>,
}

#[derive(FromRow)]
struct Row {
    numero: String,
    session_id: String,
    candidat_id: i64,
    sequence: i64,
    issued_on: String,
    printed_json: String,
    superseded_by: Option<String>,
    superseded_on: Option<String>,
}

const SELECT: &str = "SELECT d.numero, d.session_id, d.candidat_id, d.sequence, d.issued_on, \
                          d.printed_json, d.superseded_by, s.issued_on AS superseded_on \
                      FROM issued_document d \
                      LEFT JOIN issued_document s ON s.numero = d.superseded_by";

impl TryFrom<Row> for IssuedDocument {
    type Error = StoreError;

    fn try_from(row: Row) -> Result<Self, StoreError> {
        let number = |text: &str| {
            DocumentNumber::parse(text).map_err(|e| StoreError::Invalid(e.to_string()))
        };
        let superseded_by = match (&row.superseded_by, &row.superseded_on) {
            (Some(numero), Some(on)) => Some((number(numero)?, parse_date(on)?)),
            _ => None,
        };
        Ok(IssuedDocument {
            numero: number(&row.numero)?,
            session_id: row.session_id,
            candidat_id: row.candidat_id,
            sequence: row.sequence,
            issued_on: parse_date(&row.issued_on)?,
            printed_json: row.printed_json,
            superseded_by,
        })
    }
}

/// Gives a document its number, or returns the number it already has.
///
/// The initial print is keyed by (session, candidate, kind, sequence 0): rendering it again,
/// or two processes rendering it at once, keeps one number. A duplicata takes the next
/// sequence and marks the newest earlier document as superseded, in the same transaction.
/// A duplicata of a document never printed is refused.
pub async fn issue(db: &Db, new: &NewIssuedDocument<'_>) -> Result<IssuedDocument, StoreError> {
    let kind = new.kind.slug();
    let latest = latest_sequence(db, new).await?;
    let sequence = match (new.issue, latest) {
        (Issue::Initial, _) => 0,
        (Issue::DuplicataOfRequest(sequence), Some(_)) => sequence,
        (Issue::Duplicata, Some(latest)) => latest + 1,
        (Issue::Duplicata | Issue::DuplicataOfRequest(_), None) => {
            return Err(StoreError::Invalid(format!(
                "no printed {kind} to make a duplicata of for candidate {} at session {}",
                new.candidat_id, new.session_id
            )));
        }
    };
    if matches!(new.issue, Issue::Initial | Issue::DuplicataOfRequest(_))
        && let Some(existing) = find_by_key(db, new, sequence).await?
    {
        return Ok(existing);
    }

    let at = timestamp_text(new.now);
    let on = date_text(new.today);
    let mut tx = db.pool().begin().await?;

    // The next number of the year: the counter row is created on the year's first document.
    let year = i64::from(new.today.year());
    sqlx::query(
        "INSERT INTO document_number_counter (year, last_sequence) VALUES ($1, 0) \
         ON CONFLICT (year) DO NOTHING",
    )
    .bind(year)
    .execute(&mut *tx)
    .await?;
    let (next,): (i64,) = sqlx::query_as(
        "UPDATE document_number_counter SET last_sequence = last_sequence + 1 \
         WHERE year = $1 RETURNING last_sequence",
    )
    .bind(year)
    .fetch_one(&mut *tx)
    .await?;
    let numero = DocumentNumber::new(new.kind, new.today.year(), next as u64);

    let inserted: Option<(String,)> = sqlx::query_as(
        "INSERT INTO issued_document (numero, kind, session_id, candidat_id, sequence, \
             issued_at, issued_on, printed_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (session_id, candidat_id, kind, sequence) DO NOTHING RETURNING numero",
    )
    .bind(numero.as_str())
    .bind(kind)
    .bind(new.session_id)
    .bind(new.candidat_id)
    .bind(sequence)
    .bind(&at)
    .bind(&on)
    .bind(&new.printed_json)
    .fetch_optional(&mut *tx)
    .await?;
    if inserted.is_none() {
        // Another process numbered the same print a moment ago: keep its number, and give
        // the counter back its value.
        tx.rollback().await?;
        return find_by_key(db, new, sequence)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("issued {kind} {sequence} vanished")));
    }

    if sequence > 0 {
        sqlx::query(
            "UPDATE issued_document SET superseded_by = $1 \
             WHERE session_id = $2 AND candidat_id = $3 AND kind = $4 AND sequence < $5 \
               AND superseded_by IS NULL",
        )
        .bind(numero.as_str())
        .bind(new.session_id)
        .bind(new.candidat_id)
        .bind(kind)
        .bind(sequence)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &at,
            actor: new.actor,
            entity_kind: "issued_document",
            entity_id: numero.as_str(),
            session_id: Some(new.session_id),
            action: "issued_document.numbered",
            before_json: None,
            after_json: Some(
                json!({
                    "kind": kind,
                    "candidat_id": new.candidat_id,
                    "sequence": sequence,
                })
                .to_string(),
            ),
        },
    )
    .await?;
    tx.commit().await?;

    tracing::info!(
        document.numero = %numero,
        session.id = %new.session_id,
        candidat.id = new.candidat_id,
        sequence,
        "document numbered"
    );
    find(db, &numero)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("issued document {numero} vanished")))
}

/// The document with this number, if ceres issued one.
pub async fn find(db: &Db, numero: &DocumentNumber) -> Result<Option<IssuedDocument>, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE d.numero = $1")))
            .bind(numero.as_str())
            .fetch_optional(db.pool())
            .await?;
    row.map(IssuedDocument::try_from).transpose()
}

async fn find_by_key(
    db: &Db,
    new: &NewIssuedDocument<'_>,
    sequence: i64,
) -> Result<Option<IssuedDocument>, StoreError> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE d.session_id = $1 AND d.candidat_id = $2 AND d.kind = $3 \
           AND d.sequence = $4"
    )))
    .bind(new.session_id)
    .bind(new.candidat_id)
    .bind(new.kind.slug())
    .bind(sequence)
    .fetch_optional(db.pool())
    .await?;
    row.map(IssuedDocument::try_from).transpose()
}

async fn latest_sequence(db: &Db, new: &NewIssuedDocument<'_>) -> Result<Option<i64>, StoreError> {
    let (latest,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(sequence) FROM issued_document \
         WHERE session_id = $1 AND candidat_id = $2 AND kind = $3",
    )
    .bind(new.session_id)
    .bind(new.candidat_id)
    .bind(new.kind.slug())
    .fetch_one(db.pool())
    .await?;
    Ok(latest)
}
