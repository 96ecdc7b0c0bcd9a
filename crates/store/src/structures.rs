//! Structures (offices) and their settings.

use ceres_domain::perimetre::{Perimetre, StructureKind};
use serde_json::json;
use sqlx::FromRow;

use crate::audit;
use crate::users::Change;
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
    /// « Affaire suivie par » on the letters.
    pub contact_nom: String,
    /// « Téléphone » on the letters.
    pub telephone: String,
    /// « Courriel » on the letters.
    pub courriel: String,
    /// JSON array of the lines of the ministry's block at the head of the documents.
    pub entete_lignes: String,
}

/// The ministry's block a new structure prints until an administrator changes it.
pub const DEFAULT_ENTETE: [&str; 4] = [
    "MINISTÈRE",
    "DU TRAVAIL,",
    "DU PLEIN EMPLOI",
    "ET DE L'INSERTION",
];

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

    /// The lines of the ministry's block.
    pub fn entete(&self) -> Vec<String> {
        serde_json::from_str(&self.entete_lignes).unwrap_or_default()
    }

    /// What the traçabilité records of a structure's settings.
    fn audit_json(&self) -> String {
        json!({
            "kind": self.kind,
            "nom": self.nom,
            "region_code": self.region_code,
            "departement_code": self.departement_code,
            "adresse": self.adresse(),
            "lieu_etablissement_commune": self.lieu_etablissement_commune,
            "signataire_nom": self.signataire_nom,
            "signataire_titre": self.signataire_titre,
            "contact_nom": self.contact_nom,
            "telephone": self.telephone,
            "courriel": self.courriel,
            "entete": self.entete(),
        })
        .to_string()
    }
}

const COLUMNS: &str = "id, kind, nom, region_code, departement_code, adresse_lignes, \
                       lieu_etablissement_commune, signataire_nom, signataire_titre, contact_nom, \
                       telephone, courriel, entete_lignes";

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

/// The DEETS of an overseas territory, which receives the plis of its sessions (R8).
pub async fn deets_of(db: &Db, territoire: &str) -> Result<Option<Structure>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM structure WHERE kind = 'deets' AND departement_code = $1 \
         ORDER BY id LIMIT 1"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(territoire)
        .fetch_optional(db.pool())
        .await?)
}

/// Every structure, by name.
pub async fn list(db: &Db) -> Result<Vec<Structure>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM structure ORDER BY nom");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.pool())
        .await?)
}

/// Inserts a structure unless its id exists (the demo's structures: an administrator's
/// later changes stay); answers whether it was inserted.
pub async fn insert_if_absent(db: &Db, s: &Structure) -> Result<bool, StoreError> {
    let done = bind_all(
        sqlx::query(
            "INSERT INTO structure (id, kind, nom, region_code, departement_code, \
                 adresse_lignes, lieu_etablissement_commune, signataire_nom, signataire_titre, \
                 contact_nom, telephone, courriel, entete_lignes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (id) DO NOTHING",
        ),
        s,
    )
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds the columns of a structure as $1…$13, in the order of `COLUMNS`.
fn bind_all<'q>(query: AnyQuery<'q>, s: &'q Structure) -> AnyQuery<'q> {
    query
        .bind(&s.id)
        .bind(&s.kind)
        .bind(&s.nom)
        .bind(&s.region_code)
        .bind(&s.departement_code)
        .bind(&s.adresse_lignes)
        .bind(&s.lieu_etablissement_commune)
        .bind(&s.signataire_nom)
        .bind(&s.signataire_titre)
        .bind(&s.contact_nom)
        .bind(&s.telephone)
        .bind(&s.courriel)
        .bind(&s.entete_lignes)
}

/// Creates a structure, with its traçabilité entry; answers false when the id is taken.
pub async fn create(db: &Db, s: &Structure, change: Change<'_>) -> Result<bool, StoreError> {
    let mut tx = db.pool().begin().await?;
    let done = bind_all(
        sqlx::query(
            "INSERT INTO structure (id, kind, nom, region_code, departement_code, \
                 adresse_lignes, lieu_etablissement_commune, signataire_nom, signataire_titre, \
                 contact_nom, telephone, courriel, entete_lignes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (id) DO NOTHING",
        ),
        s,
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        &change.event(
            ("structure", &s.id),
            "structure.created",
            None,
            Some(s.audit_json()),
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(structure.id = %s.id, "structure created");
    Ok(true)
}

/// Replaces a structure's settings, with its traçabilité entry; answers false when there
/// is no such structure. The documents read the new settings from their next rendering.
pub async fn update(db: &Db, s: &Structure, change: Change<'_>) -> Result<bool, StoreError> {
    let mut tx = db.pool().begin().await?;
    let sql = format!("SELECT {COLUMNS} FROM structure WHERE id = $1");
    let Some(before): Option<Structure> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&s.id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(false);
    };

    bind_all(
        sqlx::query(
            "UPDATE structure SET id = $1, kind = $2, nom = $3, region_code = $4, \
                 departement_code = $5, adresse_lignes = $6, lieu_etablissement_commune = $7, \
                 signataire_nom = $8, signataire_titre = $9, contact_nom = $10, \
                 telephone = $11, courriel = $12, entete_lignes = $13 \
             WHERE id = $1",
        ),
        s,
    )
    .execute(&mut *tx)
    .await?;
    if before.audit_json() != s.audit_json() {
        audit::record(
            &mut tx,
            &change.event(
                ("structure", &s.id),
                "structure.updated",
                Some(before.audit_json()),
                Some(s.audit_json()),
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
