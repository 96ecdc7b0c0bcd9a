//! Reads of the reference data: communes, countries, titre versions.

use ceres_domain::candidat::{
    BirthPlaceReference, FRANCE, PlacePeriod, commune_name_key, is_commune_code,
};
use sqlx::FromRow;

use crate::{Db, StoreError, parse_date};

/// A commune's name with its département's, as documents write a place: "Paris 7e
/// Arrondissement (Paris)".
pub async fn commune_with_departement(db: &Db, code: &str) -> Result<Option<String>, StoreError> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.nom, d.nom FROM commune c LEFT JOIN departement d ON d.code = c.departement_code \
         WHERE c.code = $1 AND c.type IN ('commune-actuelle', 'arrondissement-municipal') \
         ORDER BY c.type LIMIT 1",
    )
    .bind(code)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(commune, departement)| match departement {
        Some(departement) => format!("{commune} ({departement})"),
        None => commune,
    }))
}

/// What the referentials know of a birth place, for the checks of R4: every period of the
/// country code, and every period of the commune code, or of the communes of that name when
/// the field holds a name. The checks pick the periods that hold at the birth date.
pub async fn birth_place_reference(
    db: &Db,
    pays_code: &str,
    commune: &str,
) -> Result<BirthPlaceReference, StoreError> {
    let pays = periods(
        db,
        "SELECT cog, libelle, date_debut, date_fin FROM pays WHERE cog = $1 \
         ORDER BY date_debut",
        pays_code.trim(),
    )
    .await?;

    let commune = commune.trim();
    let communes = if commune.is_empty() {
        Vec::new()
    } else if is_commune_code(commune) {
        periods(
            db,
            "SELECT code, nom, date_debut, date_fin FROM commune_historique WHERE code = $1 \
             ORDER BY date_debut",
            commune,
        )
        .await?
    } else {
        periods(
            db,
            "SELECT code, nom, date_debut, date_fin FROM commune_historique \
             WHERE nom_cle = $1 ORDER BY code, date_debut",
            &commune_name_key(commune),
        )
        .await?
    };

    Ok(BirthPlaceReference { pays, communes })
}

/// The periods a query of (code, name, start, end) returns.
async fn periods(db: &Db, sql: &'static str, key: &str) -> Result<Vec<PlacePeriod>, StoreError> {
    let rows: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as(sql).bind(key).fetch_all(db.pool()).await?;
    rows.into_iter()
        .map(|(code, nom, debut, fin)| {
            Ok(PlacePeriod {
                code,
                nom,
                date_debut: parse_date(&debut)?,
                date_fin: fin.as_deref().map(parse_date).transpose()?,
            })
        })
        .collect()
}

/// A block of a titre.
#[derive(Debug, Clone, FromRow)]
pub struct BlocRow {
    pub code: String,
    pub intitule: String,
    pub kind: String,
}

/// The NSF codes of a titre, in a stable (alphabetical) order.
pub async fn nsf_codes(db: &Db, rncp: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT code FROM titre_nsf WHERE rncp = $1 ORDER BY code")
            .bind(rncp)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// The blocks (CCP, CCS) of a titre, in their order.
pub async fn blocs(db: &Db, rncp: &str) -> Result<Vec<BlocRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT code, intitule, kind FROM titre_bloc WHERE rncp = $1 ORDER BY position, code",
    )
    .bind(rncp)
    .fetch_all(db.pool())
    .await?)
}

/// The id of the titre version of a TP code or RNCP number with that arrêté date (or the
/// version with no known date when `arrete_date` is `None`).
pub async fn titre_version_id(
    db: &Db,
    code: &str,
    arrete_date: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT v.id FROM titre_version v LEFT JOIN titre t ON t.rncp = v.rncp \
         WHERE (t.code_tp = $1 OR v.rncp = $1) \
           AND (v.arrete_date = $2 OR ($2 IS NULL AND v.arrete_date IS NULL)) \
         ORDER BY v.id LIMIT 1",
    )
    .bind(code)
    .bind(arrete_date)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(id,)| id))
}

/// A country code of the INSEE list, with the name of its latest period and the end of that
/// period when the code is no longer in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaysEntry {
    pub code: String,
    pub libelle: String,
    pub date_fin: Option<String>,
}

/// Every country code of the INSEE list since 1943, France first, then by name.
pub async fn pays_list(db: &Db) -> Result<Vec<PaysEntry>, StoreError> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.cog, p.libelle, p.date_fin FROM pays p \
         WHERE p.date_debut = (SELECT MAX(q.date_debut) FROM pays q WHERE q.cog = p.cog)",
    )
    .fetch_all(db.pool())
    .await?;
    let mut list: Vec<PaysEntry> = rows
        .into_iter()
        .map(|(code, libelle, date_fin)| PaysEntry {
            code,
            libelle,
            date_fin,
        })
        .collect();
    list.sort_by_cached_key(|p| {
        (
            p.code != FRANCE,
            commune_name_key(&p.libelle),
            p.code.clone(),
        )
    });
    Ok(list)
}

/// A région or a département: code and name.
#[derive(Debug, Clone, FromRow)]
pub struct Area {
    pub code: String,
    pub nom: String,
    /// The région of a département; empty for a région.
    pub region_code: String,
}

/// Every région, by code.
pub async fn regions(db: &Db) -> Result<Vec<Area>, StoreError> {
    Ok(
        sqlx::query_as("SELECT code, nom, '' AS region_code FROM region ORDER BY code")
            .fetch_all(db.pool())
            .await?,
    )
}

/// Every département and overseas territory, by code.
pub async fn departements(db: &Db) -> Result<Vec<Area>, StoreError> {
    Ok(
        sqlx::query_as("SELECT code, nom, region_code FROM departement ORDER BY code")
            .fetch_all(db.pool())
            .await?,
    )
}
