//! The reference data built into the binary: copies of `data/` (see `data/SOURCES.md`), so
//! that a fresh machine needs nothing else.

use std::path::Path;

use ceres_store::Db;
use ceres_store::import::{self, ReferentielData, ReferentielFiles};

macro_rules! data_file {
    ($path:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/", $path))
    };
}

/// The built-in copies of the reference files.
pub const BUILT_IN: ReferentielFiles<'static> = ReferentielFiles {
    rncp_info: data_file!("referentiel/rncp-2021/rncp_info.v1.4.csv"),
    rncp_nsf: data_file!("referentiel/rncp-2021/rncp_nsf.v1.4.csv"),
    rncp_blocs: data_file!("referentiel/rncp-2021/rncp_blocs_competences.v1.4.csv"),
    rncp_certificateurs: data_file!("referentiel/rncp-2021/rncp_certificateurs.v1.4.csv"),
    tp_codes: data_file!("referentiel/tp-codes-known.csv"),
    regions: data_file!("geo/regions_2026.csv"),
    departements: data_file!("geo/departements_2026.csv"),
    communes: data_file!("geo/communes_2026.csv"),
    pays: data_file!("geo/pays_insee_depuis_1943.csv"),
    communes_historiques: data_file!("geo/communes_historiques_asp.csv"),
};

/// Whether the reference data is loaded.
pub async fn is_loaded(db: &Db) -> anyhow::Result<bool> {
    Ok(import::referentiel_is_loaded(db).await?)
}

/// Imports the reference data, from `dir` (laid out as `data/`) or from the built-in
/// copies, and describes what was loaded.
pub async fn import(db: &Db, dir: Option<&Path>) -> anyhow::Result<String> {
    let owned;
    let files = match dir {
        Some(dir) => {
            owned = ReferentielData::read_dir(dir)?;
            owned.files()
        }
        None => BUILT_IN,
    };
    let summary = import::import_referentiel(db, &files).await?;
    for remark in &summary.remarks {
        tracing::warn!(
            remark.kind = remark.kind.as_str(),
            remark.source = remark.source,
            remark.line = remark.line,
            "reference import: {}",
            remark.message
        );
    }
    Ok(format!(
        "reference data imported: {} titres, {} blocks, {} TP codes, {} communes, {} pays, \
         {} remarks",
        summary.titres,
        summary.blocs,
        summary.tp_codes,
        summary.communes,
        summary.pays,
        summary.remarks.len()
    ))
}
