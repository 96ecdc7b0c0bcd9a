//! Import of the reference data: the titres professionnels of the RNCP export with their
//! NSF codes, blocks and known TP codes, and the INSEE geography.
//!
//! The parsers are pure functions over bytes, so the binary can embed the files of
//! `data/` with `include_bytes!`. The import checks everything before writing anything,
//! then writes in one transaction: a bad file leaves the database as it was, and the error
//! names the file, the line and the field.
//!
//! Re-running the import is idempotent. Rows with an identity (titres, blocks, titre
//! versions, régions, départements, communes, countries) are upserted by key, so that the
//! sessions that refer to a titre version stay valid; the NSF codes, the former commune
//! codes and the import report are replaced.
//!
//! Known limit: a row that disappears from a newer source is kept (it may be referred to),
//! and a titre version takes the intitulé and level of the latest import; both wait for
//! the first real update of the referential, which will say how versions evolve.
//!
//! `geo/communes_historiques_asp.csv` (birth places as they were at the birth date, R4) is
//! replaced as a whole by each import: nothing refers to its rows.
//!
//! Not imported yet: `geo/codes_postaux.csv` (the La Poste locality); the issue that uses
//! it will.

mod geo;
mod load;
mod rncp;
mod table;
mod tp_codes;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::{Db, StoreError, timestamp_text};

/// Where each file lies in the `data/` folder of the repository.
pub mod paths {
    /// The fiches of the RNCP export.
    pub const RNCP_INFO: &str = "referentiel/rncp-2021/rncp_info.v1.4.csv";
    /// The NSF codes of the RNCP export.
    pub const RNCP_NSF: &str = "referentiel/rncp-2021/rncp_nsf.v1.4.csv";
    /// The blocks of the RNCP export.
    pub const RNCP_BLOCS: &str = "referentiel/rncp-2021/rncp_blocs_competences.v1.4.csv";
    /// The certifiers of the RNCP export.
    pub const RNCP_CERTIFICATEURS: &str = "referentiel/rncp-2021/rncp_certificateurs.v1.4.csv";
    /// The known links between TP codes and RNCP numbers.
    pub const TP_CODES: &str = "referentiel/tp-codes-known.csv";
    /// The régions of the 2026 COG.
    pub const REGIONS: &str = "geo/regions_2026.csv";
    /// The départements of the 2026 COG.
    pub const DEPARTEMENTS: &str = "geo/departements_2026.csv";
    /// The communes of the 2026 COG.
    pub const COMMUNES: &str = "geo/communes_2026.csv";
    /// The countries and territories since 1943.
    pub const PAYS: &str = "geo/pays_insee_depuis_1943.csv";
    /// The communes of the past, with their periods of validity (ASP).
    pub const COMMUNES_HISTORIQUES: &str = "geo/communes_historiques_asp.csv";
}

/// The contents of the reference files, as published (see `data/SOURCES.md`).
#[derive(Debug, Clone, Copy)]
pub struct ReferentielFiles<'a> {
    /// `rncp_info.v1.4.csv`: the fiches (Windows-1252, `;`).
    pub rncp_info: &'a [u8],
    /// `rncp_nsf.v1.4.csv`: NSF codes of the fiches (Windows-1252, `;`).
    pub rncp_nsf: &'a [u8],
    /// `rncp_blocs_competences.v1.4.csv`: blocks of the fiches (Windows-1252, `;`).
    pub rncp_blocs: &'a [u8],
    /// `rncp_certificateurs.v1.4.csv`: certifiers of the fiches (Windows-1252, `;`).
    pub rncp_certificateurs: &'a [u8],
    /// `tp-codes-known.csv`: TP codes known to match a fiche (UTF-8, `;`).
    pub tp_codes: &'a [u8],
    /// `regions_2026.csv` (UTF-8, `,`).
    pub regions: &'a [u8],
    /// `departements_2026.csv` (UTF-8, `,`).
    pub departements: &'a [u8],
    /// `communes_2026.csv` (UTF-8, `,`).
    pub communes: &'a [u8],
    /// `pays_insee_depuis_1943.csv` (UTF-8, `,`).
    pub pays: &'a [u8],
    /// `communes_historiques_asp.csv` (ASCII, `;`, dates `DD/MM/YYYY`).
    pub communes_historiques: &'a [u8],
}

/// The reference files read from a folder laid out as `data/`.
#[derive(Debug, Clone, Default)]
pub struct ReferentielData {
    files: [Vec<u8>; 10],
}

impl ReferentielData {
    /// Reads the files of [`paths`] under `dir`.
    pub fn read_dir(dir: &Path) -> Result<ReferentielData, ImportError> {
        let mut data = ReferentielData::default();
        let paths = [
            paths::RNCP_INFO,
            paths::RNCP_NSF,
            paths::RNCP_BLOCS,
            paths::RNCP_CERTIFICATEURS,
            paths::TP_CODES,
            paths::REGIONS,
            paths::DEPARTEMENTS,
            paths::COMMUNES,
            paths::PAYS,
            paths::COMMUNES_HISTORIQUES,
        ];
        for (file, path) in data.files.iter_mut().zip(paths) {
            let path = dir.join(path);
            *file = std::fs::read(&path).map_err(|source| ImportError::Read { path, source })?;
        }
        Ok(data)
    }

    /// The files, as the import takes them.
    pub fn files(&self) -> ReferentielFiles<'_> {
        let [
            info,
            nsf,
            blocs,
            certificateurs,
            tp_codes,
            regions,
            departements,
            communes,
            pays,
            communes_historiques,
        ] = &self.files;
        ReferentielFiles {
            rncp_info: info,
            rncp_nsf: nsf,
            rncp_blocs: blocs,
            rncp_certificateurs: certificateurs,
            tp_codes,
            regions,
            departements,
            communes,
            pays,
            communes_historiques,
        }
    }
}

/// What an import wrote, and what it found worth a look.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    /// Lines of the RNCP export whose `CodeTypeCertif` is `TP`.
    pub rncp_lines: usize,
    /// Titres professionnels (fiches listed twice count once).
    pub titres: usize,
    /// NSF codes of the titres.
    pub nsf: usize,
    /// Blocks of the titres, CCPs and CCSs.
    pub blocs: usize,
    /// Blocks that are CCSs.
    pub ccs: usize,
    /// TP codes linked to a titre.
    pub tp_codes: usize,
    /// Titre versions: one per titre.
    pub titre_versions: usize,
    /// Régions.
    pub regions: usize,
    /// Départements.
    pub departements: usize,
    /// Communes, communes déléguées and associées, arrondissements municipaux.
    pub communes: usize,
    /// Former codes of communes.
    pub anciens_codes: usize,
    /// Periods of validity of the communes of the past and present (ASP table).
    pub communes_historiques: usize,
    /// Countries and territories, one per period of validity.
    pub pays: usize,
    /// Conflicts and oddities of the sources, also written to `import_report`.
    pub remarks: Vec<ImportRemark>,
    /// Time spent parsing and writing.
    pub elapsed: Duration,
}

/// Something in the sources an administrator should know about: a conflict left
/// unresolved, a row skipped, a value read in a non-obvious way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRemark {
    /// What kind of remark, stable for screens and tests.
    pub kind: RemarkKind,
    /// The file the remark is about.
    pub source: &'static str,
    /// The line in that file, when one line is concerned.
    pub line: Option<u64>,
    /// The remark, in English, naming RNCP numbers and TP codes.
    pub message: String,
}

impl ImportRemark {
    fn new(kind: RemarkKind, source: &'static str, line: Option<u64>, message: String) -> Self {
        ImportRemark {
            kind,
            source,
            line,
            message,
        }
    }
}

/// The kinds of [`ImportRemark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemarkKind {
    /// A fiche is listed on several lines of the RNCP export; they were merged.
    DuplicateFiche,
    /// A line of the NSF or block file repeats a key; the first line is kept.
    DuplicateLine,
    /// A block is read as a CCS from the words inside its label.
    CcsFromLabel,
    /// A TP fiche is not certified by the ministry in charge of employment.
    CertificateurNotEmployment,
    /// A fiche certified by the ministry in charge of employment is not a TP fiche.
    EmploymentFicheNotTp,
    /// A TP code cell cannot be read.
    TpCodeUnreadable,
    /// A TP code is marked as unverified.
    TpCodeUnverified,
    /// A TP code row names no RNCP number.
    TpCodeWithoutRncp,
    /// A TP code row names several RNCP numbers, or contradicts another row.
    TpCodeConflict,
    /// A TP code row names an RNCP number absent from the export.
    RncpNotInExport,
    /// A TP code row's intitulé or level differs from the export's.
    TpRowMismatch,
    /// A TP code row states several arrêté or JO dates.
    ArreteDatesAmbiguous,
    /// Periods of the historical commune table that hold on no day were skipped.
    CommunePeriodSkipped,
    /// Periods of the historical commune table were read with another start date.
    CommunePeriodAdjusted,
}

impl RemarkKind {
    /// The value stored in `import_report.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            RemarkKind::DuplicateFiche => "duplicate_fiche",
            RemarkKind::DuplicateLine => "duplicate_line",
            RemarkKind::CcsFromLabel => "ccs_from_label",
            RemarkKind::CertificateurNotEmployment => "certificateur_not_employment",
            RemarkKind::EmploymentFicheNotTp => "employment_fiche_not_tp",
            RemarkKind::TpCodeUnreadable => "tp_code_unreadable",
            RemarkKind::TpCodeUnverified => "tp_code_unverified",
            RemarkKind::TpCodeWithoutRncp => "tp_code_without_rncp",
            RemarkKind::TpCodeConflict => "tp_code_conflict",
            RemarkKind::RncpNotInExport => "rncp_not_in_export",
            RemarkKind::TpRowMismatch => "tp_row_mismatch",
            RemarkKind::ArreteDatesAmbiguous => "arrete_dates_ambiguous",
            RemarkKind::CommunePeriodSkipped => "commune_period_skipped",
            RemarkKind::CommunePeriodAdjusted => "commune_period_adjusted",
        }
    }
}

/// Why an import failed; when it does, nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A field holds a value the import cannot read.
    #[error("{file} line {line}, field {field}: {message}")]
    Field {
        file: &'static str,
        line: u64,
        field: &'static str,
        message: String,
    },
    /// A line cannot be read as a record (wrong number of fields, bad CSV, bad encoding).
    #[error("{file} line {line}: {message}")]
    Line {
        file: &'static str,
        line: u64,
        message: String,
    },
    /// The file as a whole cannot be read.
    #[error("{file}: {message}")]
    File { file: &'static str, message: String },
    /// A file of the `data/` folder cannot be read.
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The database refused the writes; the transaction was rolled back.
    #[error("database error during the import")]
    Database(#[from] sqlx::Error),
}

/// A titre as it stands at an arrêté; one per titre, dated when `tp-codes-known.csv`
/// gives the dates.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TitreVersion {
    /// `RNCP399@2018-09-20`, or `RNCP4821@inconnu` when the arrêté is not known.
    id: String,
    rncp: String,
    intitule: String,
    niveau: i64,
    arrete_date: Option<Date>,
    journal_officiel_date: Option<Date>,
}

/// Imports the reference files in one transaction, reading the clock for the report's
/// date; see [`import_referentiel_at`].
pub async fn import_referentiel(
    db: &Db,
    files: &ReferentielFiles<'_>,
) -> Result<ImportSummary, ImportError> {
    import_referentiel_at(db, files, Timestamp::now()).await
}

/// Imports the reference files in one transaction; `now` dates the rows of
/// `import_report`.
///
/// Every file is parsed and checked before the first write; an error names the file, line
/// and field, and leaves the database untouched.
pub async fn import_referentiel_at(
    db: &Db,
    files: &ReferentielFiles<'_>,
    now: Timestamp,
) -> Result<ImportSummary, ImportError> {
    let started = Instant::now();

    // Parse and check everything first (a few hundred milliseconds of CPU).
    let mut remarks = Vec::new();
    let rncp_files = rncp::RncpFiles {
        info: files.rncp_info,
        nsf: files.rncp_nsf,
        blocs: files.rncp_blocs,
        certificateurs: files.rncp_certificateurs,
    };
    let export = rncp::parse(rncp_files, &mut remarks)?;
    let links = tp_codes::parse(files.tp_codes, &export.titres, &mut remarks)?;
    let geography = geo::parse(
        geo::GeoFiles {
            regions: files.regions,
            departements: files.departements,
            communes: files.communes,
            pays: files.pays,
            communes_historiques: files.communes_historiques,
        },
        &mut remarks,
    )?;
    let versions = titre_versions(&export.titres, &links);
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "reference files parsed"
    );

    // Write in one transaction; dropping it on an error rolls it back.
    let imported_at = timestamp_text(now);
    let batch = load::Batch {
        export: &export,
        links: &links,
        versions: &versions,
        geography: &geography,
        remarks: &remarks,
        imported_at: &imported_at,
    };
    let mut transaction = db.pool().begin().await?;
    load::write(&mut transaction, db.backend(), &batch).await?;
    transaction.commit().await?;

    let summary = ImportSummary {
        rncp_lines: export.info_lines,
        titres: export.titres.len(),
        nsf: export.nsf.len(),
        blocs: export.blocs.len(),
        ccs: export
            .blocs
            .iter()
            .filter(|bloc| bloc.kind == rncp::BlocKind::Ccs)
            .count(),
        tp_codes: links.len(),
        titre_versions: versions.len(),
        regions: geography.regions.len(),
        departements: geography.departements.len(),
        communes: geography.communes.len(),
        anciens_codes: geography.anciens_codes.len(),
        communes_historiques: geography.communes_historiques.len(),
        pays: geography.pays.len(),
        remarks,
        elapsed: started.elapsed(),
    };
    tracing::info!(
        titres = summary.titres,
        tp_codes = summary.tp_codes,
        communes = summary.communes,
        remarks = summary.remarks.len(),
        elapsed_ms = summary.elapsed.as_millis() as u64,
        "reference data imported"
    );

    Ok(summary)
}

/// Whether the reference data has been imported (titres and communes are present), so
/// that the application can import it on first start.
pub async fn referentiel_is_loaded(db: &Db) -> Result<bool, StoreError> {
    let (titres, communes): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM titre), (SELECT COUNT(*) FROM commune)")
            .fetch_one(db.pool())
            .await?;
    Ok(titres > 0 && communes > 0)
}

/// One version per titre: at the arrêté of its TP code row when known, undated otherwise.
fn titre_versions(titres: &[rncp::Titre], links: &[tp_codes::TpLink]) -> Vec<TitreVersion> {
    titres
        .iter()
        .map(|titre| {
            let link = links.iter().find(|link| link.rncp == titre.rncp);
            let arrete_date = link.and_then(|link| link.arrete_date);
            let arrete = arrete_date.map_or_else(|| "inconnu".to_owned(), crate::date_text);
            TitreVersion {
                id: format!("{}@{arrete}", titre.rncp),
                rncp: titre.rncp.clone(),
                intitule: titre.intitule.clone(),
                niveau: titre.niveau,
                arrete_date,
                journal_officiel_date: link.and_then(|link| link.journal_officiel_date),
            }
        })
        .collect()
}
