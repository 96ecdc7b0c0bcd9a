//! Candidates and their registrations at sessions.

use ceres_domain::candidat::{BirthPlaceReference, Field};
use ceres_domain::candidat_data::CandidatData;
use ceres_domain::perimetre::Perimetre;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::referentiel::birth_place_reference;
use crate::sessions::perimetre_filter;
use crate::{Db, StoreError};

/// A candidate registered at a session, with the result, the names the referential gives
/// to the birth place, and the dates of the print requests made so far.
#[derive(Debug, Clone, FromRow)]
pub struct InscriptionRow {
    pub id: i64,
    pub civilite: Option<String>,
    pub nom_naissance: String,
    pub nom_usage: String,
    pub prenoms: String,
    pub date_naissance: String,
    pub pays_naissance: String,
    pub commune_naissance: String,
    pub ville_naissance_etranger: String,
    pub adresse_complement: String,
    pub adresse_ligne: String,
    pub code_postal: String,
    pub ville: String,
    /// The country of the address, empty for France.
    pub adresse_pays: String,
    pub courriel: String,
    pub telephone: String,
    pub state: String,
    pub resultat: Option<String>,
    pub ccps_obtenus: String,
    /// Name of the birth commune in the referential, when the code is known.
    pub commune_nom: Option<String>,
    /// Name of the birth country in the referential, when the code is known.
    pub pays_libelle: Option<String>,
    /// Europe/Paris date of the initial print request, if made.
    pub initial_requested_on: Option<String>,
    /// The sequence of the last print request (0 initial, 1.. duplicatas), if any.
    pub last_request_sequence: Option<i64>,
    /// Europe/Paris date of the last print request, initial or duplicata (R6's delay).
    pub last_requested_on: Option<String>,
    /// How many duplicatas were requested (R6's list line).
    pub duplicata_count: i64,
    /// The periods of the birth country and commune in the referentials (R4), read after
    /// the row.
    #[sqlx(skip)]
    pub birth_place: BirthPlaceReference,
}

const SELECT: &str = "SELECT k.id, k.civilite, k.nom_naissance, k.nom_usage, k.prenoms, \
        k.date_naissance, k.pays_naissance, k.commune_naissance, k.ville_naissance_etranger, \
        k.adresse_complement, k.adresse_ligne, k.code_postal, k.ville, k.adresse_pays, \
        k.courriel, k.telephone, k.state, i.resultat, i.ccps_obtenus, \
        (SELECT MIN(c.nom) FROM commune c WHERE c.code = k.commune_naissance \
            AND c.type IN ('commune-actuelle', 'arrondissement-municipal')) AS commune_nom, \
        (SELECT MIN(p.libelle) FROM pays p WHERE p.cog = k.pays_naissance) AS pays_libelle, \
        (SELECT r.requested_on FROM print_request r WHERE r.session_id = i.session_id \
            AND r.candidat_id = k.id AND r.sequence = 0) AS initial_requested_on, \
        (SELECT MAX(r.sequence) FROM print_request r WHERE r.session_id = i.session_id \
            AND r.candidat_id = k.id) AS last_request_sequence, \
        (SELECT MAX(r.requested_on) FROM print_request r WHERE r.session_id = i.session_id \
            AND r.candidat_id = k.id) AS last_requested_on, \
        (SELECT COUNT(*) FROM print_request r WHERE r.session_id = i.session_id \
            AND r.candidat_id = k.id AND r.sequence > 0) AS duplicata_count \
    FROM inscription i JOIN candidat k ON k.id = i.candidat_id";

/// The candidates of a session, in alphabetical order (A-Z) of birth name and first names.
pub async fn list_for_session(
    db: &Db,
    session_id: &str,
) -> Result<Vec<InscriptionRow>, StoreError> {
    let sql = format!("{SELECT} WHERE i.session_id = $1 ORDER BY k.nom_naissance, k.prenoms, k.id");
    let mut rows: Vec<InscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(db.pool())
        .await?;
    for row in &mut rows {
        with_birth_place(db, row).await?;
    }
    Ok(rows)
}

/// Reads the referential periods of the row's birth place.
async fn with_birth_place(db: &Db, row: &mut InscriptionRow) -> Result<(), StoreError> {
    row.birth_place =
        birth_place_reference(db, &row.pays_naissance, &row.commune_naissance).await?;
    Ok(())
}

/// One registration, or `None` when the candidate is not registered at the session.
pub async fn get_inscription(
    db: &Db,
    session_id: &str,
    candidat_id: i64,
) -> Result<Option<InscriptionRow>, StoreError> {
    let sql = format!("{SELECT} WHERE i.session_id = $1 AND k.id = $2");
    let mut row: Option<InscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .bind(candidat_id)
        .fetch_optional(db.pool())
        .await?;
    if let Some(row) = &mut row {
        with_birth_place(db, row).await?;
    }
    Ok(row)
}

/// A candidate record to insert.
#[derive(Debug, Clone, Default)]
pub struct NewCandidat<'a> {
    pub id: i64,
    pub civilite: Option<&'a str>,
    pub nom_naissance: &'a str,
    pub nom_usage: &'a str,
    pub prenoms: &'a str,
    pub date_naissance: &'a str,
    pub pays_naissance: &'a str,
    pub commune_naissance: &'a str,
    pub ville_naissance_etranger: &'a str,
    pub adresse_complement: &'a str,
    pub adresse_ligne: &'a str,
    pub code_postal: &'a str,
    pub ville: &'a str,
    pub courriel: &'a str,
    pub telephone: &'a str,
    pub state: &'a str,
    pub updated_at: &'a str,
}

/// The candidates registered at a session.
pub async fn ids_of_session(db: &Db, session_id: &str) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT candidat_id FROM inscription WHERE session_id = $1 ORDER BY candidat_id",
    )
    .bind(session_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The first candidate id above every id in use (for generated candidates).
pub async fn next_free_id(db: &Db) -> Result<i64, StoreError> {
    let (next,): (i64,) =
        sqlx::query_as("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) + 1 FROM candidat")
            .fetch_one(db.pool())
            .await?;
    Ok(next)
}

/// Inserts a candidate unless the id exists.
pub async fn insert_candidat(db: &Db, c: &NewCandidat<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO candidat (id, civilite, nom_naissance, nom_usage, prenoms, date_naissance, \
             pays_naissance, commune_naissance, ville_naissance_etranger, adresse_complement, \
             adresse_ligne, code_postal, ville, courriel, telephone, state, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(c.id)
    .bind(c.civilite)
    .bind(c.nom_naissance)
    .bind(c.nom_usage)
    .bind(c.prenoms)
    .bind(c.date_naissance)
    .bind(c.pays_naissance)
    .bind(c.commune_naissance)
    .bind(c.ville_naissance_etranger)
    .bind(c.adresse_complement)
    .bind(c.adresse_ligne)
    .bind(c.code_postal)
    .bind(c.ville)
    .bind(c.courriel)
    .bind(c.telephone)
    .bind(c.state)
    .bind(c.updated_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Registers a candidate at a session with a result, unless already registered.
pub async fn insert_inscription(
    db: &Db,
    session_id: &str,
    candidat_id: i64,
    resultat: Option<&str>,
    ccps_obtenus: &str,
) -> Result<(), StoreError> {
    let mut conn = db.pool().acquire().await?;
    insert_inscription_in(&mut conn, session_id, candidat_id, resultat, ccps_obtenus).await?;
    Ok(())
}

/// Registers a candidate at a session inside the caller's transaction, unless registered
/// already; answers whether it was.
pub(crate) async fn insert_inscription_in(
    conn: &mut sqlx::AnyConnection,
    session_id: &str,
    candidat_id: i64,
    resultat: Option<&str>,
    ccps_obtenus: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO inscription (session_id, candidat_id, resultat, ccps_obtenus) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, candidat_id) DO NOTHING",
    )
    .bind(session_id)
    .bind(candidat_id)
    .bind(resultat)
    .bind(ccps_obtenus)
    .execute(&mut *conn)
    .await?;
    let inserted = done.rows_affected() == 1;
    if inserted && resultat.is_some() {
        // The board's counter (R11), kept with the row.
        sqlx::query("UPDATE exam_session SET resultats = resultats + 1 WHERE id = $1")
            .bind(session_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(inserted)
}

/// A candidate record as stored, for the candidate module.
#[derive(Debug, Clone)]
pub struct CandidatRow {
    pub id: i64,
    pub data: CandidatData,
    /// `brouillon` or `valide` (`ceres_domain::candidat_data::CandidatState`).
    pub state: String,
    /// Incremented by every change; a form or a validation carries the revision it read.
    pub revision: i64,
    pub updated_at: String,
}

impl FromRow<'_, AnyRow> for CandidatRow {
    /// Reads the columns named by [`Field::key`]; the civilité is the one that may be NULL.
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let mut failure = None;
        let data = CandidatData::from_stored(|field| {
            let text: Result<Option<String>, sqlx::Error> = row.try_get(field.key());
            text.unwrap_or_else(|error| {
                failure.get_or_insert(error);
                None
            })
            .unwrap_or_default()
        });
        if let Some(error) = failure {
            return Err(error);
        }
        Ok(CandidatRow {
            id: row.try_get("id")?,
            data,
            state: row.try_get("state")?,
            revision: row.try_get("revision")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

/// The columns of a [`CandidatRow`], on the table aliased `k`.
pub(crate) fn candidat_columns() -> String {
    let fields: Vec<String> = Field::ALL
        .iter()
        .map(|f| format!("k.{}", f.key()))
        .collect();
    format!(
        "k.id, {}, k.state, k.revision, k.updated_at",
        fields.join(", ")
    )
}

/// A candidate record, or `None` when it does not exist or is registered at no session of
/// the périmètre (R12: the caller cannot tell the two apart).
pub async fn get_in_perimetre(
    db: &Db,
    perimetre: &Perimetre,
    id: i64,
) -> Result<Option<CandidatRow>, StoreError> {
    let (condition, value) = perimetre_filter(perimetre);
    let sql = format!(
        "SELECT {} FROM candidat k WHERE k.id = $2 AND EXISTS (SELECT 1 FROM inscription i \
             JOIN exam_session s ON s.id = i.session_id WHERE i.candidat_id = k.id AND {condition})",
        candidat_columns()
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// A candidate record, whatever the périmètre: for the import and the command line.
pub async fn get(db: &Db, id: i64) -> Result<Option<CandidatRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM candidat k WHERE k.id = $1",
        candidat_columns()
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// A registration of the candidate, as « Parcours de certification » shows it.
#[derive(Debug, Clone, FromRow)]
pub struct ParcoursRow {
    pub session_id: String,
    pub session_state: String,
    pub date_debut: String,
    pub date_fin: String,
    pub code_tp: Option<String>,
    pub rncp: String,
    pub intitule: String,
    pub arrete_date: Option<String>,
    pub centre_nom: String,
    pub resultat: Option<String>,
    pub ccps_obtenus: String,
    /// Europe/Paris date of the initial print request, if made.
    pub initial_requested_on: Option<String>,
}

/// The candidate's registrations at sessions of the périmètre, newest first.
pub async fn parcours_in_perimetre(
    db: &Db,
    perimetre: &Perimetre,
    candidat_id: i64,
) -> Result<Vec<ParcoursRow>, StoreError> {
    let (condition, value) = perimetre_filter(perimetre);
    let sql = format!(
        "SELECT s.id AS session_id, s.state AS session_state, s.date_debut, s.date_fin, \
             t.code_tp, v.rncp, v.intitule, v.arrete_date, c.nom AS centre_nom, i.resultat, \
             i.ccps_obtenus, \
             (SELECT r.requested_on FROM print_request r WHERE r.session_id = s.id \
                 AND r.candidat_id = i.candidat_id AND r.sequence = 0) AS initial_requested_on \
         FROM inscription i \
         JOIN exam_session s ON s.id = i.session_id \
         JOIN titre_version v ON v.id = s.titre_version_id \
         LEFT JOIN titre t ON t.rncp = v.rncp \
         JOIN centre c ON c.id = s.centre_id \
         WHERE i.candidat_id = $2 AND {condition} \
         ORDER BY s.date_debut DESC, s.id"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .bind(candidat_id)
        .fetch_all(db.pool())
        .await?)
}

/// The start dates of every session the candidate is registered at, in any périmètre:
/// R4 checks the age at each of them.
pub async fn session_dates(db: &Db, candidat_id: i64) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT s.date_debut FROM inscription i JOIN exam_session s ON s.id = i.session_id \
         WHERE i.candidat_id = $1 ORDER BY s.date_debut",
    )
    .bind(candidat_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(date,)| date).collect())
}
