//! Structures (offices) and their settings.

use ceres_domain::perimetre::{Perimetre, StructureKind};
use sqlx::FromRow;

use crate::{Db, StoreError};

/// A structure as stored.
#[derive(Debug, Clone, FromRow)]
pub struct Structure {
    pub id: String,
    pub kind: String,
    pub nom: String,
    pub region_code: String,
    pub departement_code: Option<String>,
    /// JSON array of address lines.
    pub adresse_lignes: String,
    pub lieu_etablissement_commune: Option<String>,
    pub signataire_nom: String,
    pub signataire_titre: String,
    pub telephone: String,
    pub courriel: String,
}

impl Structure {
    /// The kind, when the stored code is known.
    pub fn kind(&self) -> Option<StructureKind> {
        StructureKind::from_code(&self.kind)
    }

    /// The périmètre of this structure's agents (R12).
    pub fn perimetre(&self) -> Perimetre {
        match self.kind() {
            Some(kind) => {
                Perimetre::of_structure(kind, &self.region_code, self.departement_code.as_deref())
            }
            None => Perimetre::Aucun,
        }
    }

    /// The address lines.
    pub fn adresse(&self) -> Vec<String> {
        serde_json::from_str(&self.adresse_lignes).unwrap_or_default()
    }
}

const COLUMNS: &str = "id, kind, nom, region_code, departement_code, adresse_lignes, \
                       lieu_etablissement_commune, signataire_nom, signataire_titre, telephone, \
                       courriel";

/// Loads a structure by id.
pub async fn get(db: &Db, id: &str) -> Result<Option<Structure>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM structure WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// The structure that edits documents for sessions of a région: its DREETS (or the DEETS
/// of an overseas territory, which is its own région).
pub async fn issuer_for(
    db: &Db,
    region_code: &str,
    departement_code: &str,
) -> Result<Option<Structure>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM structure \
         WHERE (kind = 'dreets' AND region_code = $1) \
            OR (kind = 'deets' AND departement_code = $2) \
         ORDER BY kind LIMIT 1"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(region_code)
        .bind(departement_code)
        .fetch_optional(db.pool())
        .await?)
}

/// Inserts or replaces a structure.
pub async fn upsert(db: &Db, s: &Structure) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO structure (id, kind, nom, region_code, departement_code, adresse_lignes, \
             lieu_etablissement_commune, signataire_nom, signataire_titre, telephone, courriel) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, nom = excluded.nom, \
             region_code = excluded.region_code, departement_code = excluded.departement_code, \
             adresse_lignes = excluded.adresse_lignes, \
             lieu_etablissement_commune = excluded.lieu_etablissement_commune, \
             signataire_nom = excluded.signataire_nom, \
             signataire_titre = excluded.signataire_titre, \
             telephone = excluded.telephone, courriel = excluded.courriel",
    )
    .bind(&s.id)
    .bind(&s.kind)
    .bind(&s.nom)
    .bind(&s.region_code)
    .bind(&s.departement_code)
    .bind(&s.adresse_lignes)
    .bind(&s.lieu_etablissement_commune)
    .bind(&s.signataire_nom)
    .bind(&s.signataire_titre)
    .bind(&s.telephone)
    .bind(&s.courriel)
    .execute(db.pool())
    .await?;
    Ok(())
}
