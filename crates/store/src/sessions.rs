//! Exam sessions, always read through the reader's périmètre (R12).

use ceres_domain::perimetre::Perimetre;
use sqlx::FromRow;

use crate::{Db, StoreError};

/// A session with its titre version and centre, as lists and pages show it.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: String,
    pub state: String,
    /// What the session certifies: a `SessionNature` code.
    pub nature: String,
    pub date_debut: String,
    pub date_fin: String,
    pub date_jury: Option<String>,
    pub validated_on: Option<String>,
    pub validated_by: Option<String>,
    pub departement_code: String,
    pub region_code: String,
    pub responsable_nom: String,
    pub responsable_courriel: String,
    pub updated_at: String,
    pub updated_by: String,
    pub titre_version_id: String,
    pub rncp: String,
    pub code_tp: Option<String>,
    pub intitule: String,
    pub niveau: i64,
    pub arrete_date: Option<String>,
    pub journal_officiel_date: Option<String>,
    pub centre_nom: String,
    pub centre_commune_code: String,
    pub candidats: i64,
}

pub(crate) const SELECT: &str = "SELECT s.id, s.state, s.nature, s.date_debut, s.date_fin, s.date_jury, \
        s.validated_on, s.validated_by, s.departement_code, s.region_code, s.responsable_nom, \
        s.responsable_courriel, s.updated_at, s.updated_by, s.titre_version_id, v.rncp, \
        t.code_tp, v.intitule, v.niveau, v.arrete_date, v.journal_officiel_date, \
        c.nom AS centre_nom, c.commune_code AS centre_commune_code, \
        (SELECT COUNT(*) FROM inscription i WHERE i.session_id = s.id) AS candidats \
    FROM exam_session s \
    JOIN titre_version v ON v.id = s.titre_version_id \
    LEFT JOIN titre t ON t.rncp = v.rncp \
    JOIN centre c ON c.id = s.centre_id";

/// The SQL condition on `s` for a périmètre, and the value it binds as `$1`.
pub(crate) fn perimetre_filter(perimetre: &Perimetre) -> (&'static str, &str) {
    match perimetre {
        Perimetre::National => ("$1 = $1", ""),
        Perimetre::Region(code) => ("s.region_code = $1", code),
        Perimetre::Departement(code) => ("s.departement_code = $1", code),
        Perimetre::Aucun => ("1 = 0 AND $1 = $1", ""),
    }
}

/// The sessions of a périmètre, newest first.
///
/// Known limit: at most 500, with no paging; the search and tracking-board issue brings
/// paging, facets and full-text search.
pub async fn list_in_perimetre(
    db: &Db,
    perimetre: &Perimetre,
) -> Result<Vec<SessionRow>, StoreError> {
    let (condition, value) = perimetre_filter(perimetre);
    let sql = format!("{SELECT} WHERE {condition} ORDER BY s.date_debut DESC, s.id LIMIT 500");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(db.pool())
        .await?)
}

/// One session, or `None` when it does not exist or lies outside the périmètre (R12: the
/// caller cannot tell the two apart).
pub async fn get_in_perimetre(
    db: &Db,
    perimetre: &Perimetre,
    id: &str,
) -> Result<Option<SessionRow>, StoreError> {
    let (condition, value) = perimetre_filter(perimetre);
    let sql = format!("{SELECT} WHERE {condition} AND s.id = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// A juror of a session.
#[derive(Debug, Clone, FromRow)]
pub struct JureRow {
    pub nom: String,
    pub qualite: String,
}

/// The jurors of a session.
pub async fn jures(db: &Db, session_id: &str) -> Result<Vec<JureRow>, StoreError> {
    Ok(
        sqlx::query_as("SELECT nom, qualite FROM jure WHERE session_id = $1 ORDER BY nom")
            .bind(session_id)
            .fetch_all(db.pool())
            .await?,
    )
}

/// The names of the supervisors of a session.
pub async fn surveillants(db: &Db, session_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT nom FROM surveillant WHERE session_id = $1 ORDER BY nom")
            .bind(session_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(nom,)| nom).collect())
}

/// A training centre where sessions are held.
#[derive(Debug, Clone)]
pub struct NewCentre<'a> {
    pub id: &'a str,
    pub nom: &'a str,
    pub commune_code: &'a str,
    pub departement_code: &'a str,
    pub region_code: &'a str,
}

/// Inserts a centre unless its id exists.
pub async fn insert_centre(db: &Db, centre: &NewCentre<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO centre (id, nom, commune_code, departement_code, region_code) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
    )
    .bind(centre.id)
    .bind(centre.nom)
    .bind(centre.commune_code)
    .bind(centre.departement_code)
    .bind(centre.region_code)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A session to record, with ISO dates.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub titre_version_id: &'a str,
    pub centre_id: &'a str,
    pub departement_code: &'a str,
    pub region_code: &'a str,
    pub state: &'a str,
    /// A `SessionNature` code.
    pub nature: &'a str,
    pub date_debut: &'a str,
    pub date_fin: &'a str,
    pub date_jury: Option<&'a str>,
    pub validated_on: Option<&'a str>,
    pub validated_by: Option<&'a str>,
    pub responsable_nom: &'a str,
    pub responsable_courriel: &'a str,
    pub updated_at: &'a str,
    pub updated_by: &'a str,
}

/// Inserts a session unless its id exists; answers whether it was inserted.
pub async fn insert_session(db: &Db, s: &NewSession<'_>) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO exam_session (id, titre_version_id, centre_id, departement_code, \
             region_code, state, date_debut, date_fin, date_jury, validated_on, validated_by, \
             responsable_nom, responsable_courriel, updated_at, updated_by, nature) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(s.id)
    .bind(s.titre_version_id)
    .bind(s.centre_id)
    .bind(s.departement_code)
    .bind(s.region_code)
    .bind(s.state)
    .bind(s.date_debut)
    .bind(s.date_fin)
    .bind(s.date_jury)
    .bind(s.validated_on)
    .bind(s.validated_by)
    .bind(s.responsable_nom)
    .bind(s.responsable_courriel)
    .bind(s.updated_at)
    .bind(s.updated_by)
    .bind(s.nature)
    .execute(db.pool())
    .await?;
    let inserted = done.rows_affected() == 1;
    if inserted {
        fill_search_text(db, Some(s.id)).await?;
    }
    Ok(inserted)
}

/// Fills the searched text of one session, or of every session that has none: its code,
/// centre, titre label, TP code and RNCP code, folded as the search compares text
/// ([`search_key`](ceres_domain::search::search_key)). Returns how many were filled.
pub async fn fill_search_text(db: &Db, id: Option<&str>) -> Result<usize, StoreError> {
    let sql = format!(
        "SELECT s.id, s.id || ' ' || COALESCE(c.nom, '') || ' ' || COALESCE(v.intitule, '') \
             || ' ' || COALESCE(t.code_tp, '') || ' ' || COALESCE(v.rncp, '') \
         FROM exam_session s LEFT JOIN centre c ON c.id = s.centre_id \
             LEFT JOIN titre_version v ON v.id = s.titre_version_id \
             LEFT JOIN titre t ON t.rncp = v.rncp \
         WHERE {}",
        if id.is_some() {
            "s.id = $1"
        } else {
            "s.search_text = ''"
        }
    );
    let mut query = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        query = query.bind(id);
    }
    let texts = query.fetch_all(db.pool()).await?;
    // Written back a few hundred at a time, through a list of (id, text) both engines read.
    const CHUNK: usize = 500;
    let mut tx = db.pool().begin().await?;
    for chunk in texts.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|n| format!("(${}, ${})", 2 * n + 1, 2 * n + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "WITH v (id, t) AS (VALUES {values}) \
             UPDATE exam_session \
             SET search_text = (SELECT v.t FROM v WHERE v.id = exam_session.id) \
             WHERE id IN (SELECT v.id FROM v)"
        );
        let mut update = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, text) in chunk {
            update = update.bind(id).bind(ceres_domain::search::search_key(text));
        }
        update.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(texts.len())
}

/// Adds a juror to a session.
pub async fn insert_jure(
    db: &Db,
    session_id: &str,
    nom: &str,
    qualite: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO jure (id, session_id, nom, qualite) VALUES ($1, $2, $3, $4)")
        .bind(crate::new_id())
        .bind(session_id)
        .bind(nom)
        .bind(qualite)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Adds a supervisor to a session.
pub async fn insert_surveillant(db: &Db, session_id: &str, nom: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO surveillant (id, session_id, nom) VALUES ($1, $2, $3)")
        .bind(crate::new_id())
        .bind(session_id)
        .bind(nom)
        .execute(db.pool())
        .await?;
    Ok(())
}
