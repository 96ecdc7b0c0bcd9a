//! Import of candidates into a session from a CSV or JSON file (format and policy in
//! `docs/import-candidats.md`).
//!
//! Each row goes through the checks of the candidate module (R4): what the file says must
//! be readable, then valid, as an agent's edit must. The policy is all or nothing: every row
//! is checked first, reading only; when none is refused, the rows are written in one short
//! transaction (rolled back if a row was written by someone else meanwhile); otherwise
//! nothing is written and the report names every refused row, its line and its reasons, so
//! that the agent fixes the file and imports it again. Nothing is ever half-applied.
//!
//! An import never changes a candidate record that exists: a row about a known CERES id
//! must say what the record says (it then only registers the candidate at the session), or
//! it is refused. Corrections go through the candidate module, with its brouillon and its
//! audit trail.

mod source;

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use ceres_domain::candidat::{self, BirthPlaceReference, FRANCE, Field, commune_name_key};
use ceres_domain::candidat_data::{CandidatData, CandidatInput};
use ceres_domain::perimetre::Perimetre;
use ceres_domain::session::Resultat;
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, NewAuditEvent};
use crate::candidat_changes::{Author, CandidatEvent, insert_valid, record_event};
use crate::candidats::{self, insert_inscription_in};
use crate::referentiel::{self, birth_place_reference};
use crate::sessions::SessionRow;
use crate::{Db, StoreError, parse_date, timestamp_text};

pub use source::{FileIssue, Format};

/// The actor the traçabilité records for an import made with `ceres import candidats`.
pub const CLI_ACTOR: &str = "cli";

/// The columns an import file may have besides the fields of the record.
pub const ID_COLUMN: &str = "id_ceres";
const GENRE_COLUMN: &str = "genre";
const RESULTAT_COLUMN: &str = "resultat";
const CCPS_COLUMN: &str = "ccps_obtenus";

/// The columns every CSV file must have (JSON objects must have these keys).
pub const REQUIRED_COLUMNS: [&str; 8] = [
    ID_COLUMN,
    "civilite",
    "nom_naissance",
    "prenoms",
    "date_naissance",
    "adresse_ligne",
    "code_postal",
    "ville",
];

/// Every column an import file may have, in the order of the documentation.
pub fn known_columns() -> Vec<&'static str> {
    let mut columns = vec![ID_COLUMN];
    columns.extend(Field::ALL.iter().map(|field| field.key()));
    columns.extend([GENRE_COLUMN, RESULTAT_COLUMN, CCPS_COLUMN]);
    columns
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// A new candidate, registered at the session.
    Created,
    /// A known candidate whose record says the same, now registered at the session.
    Registered,
    /// Already registered at the session with the same record and result: nothing to do.
    Unchanged,
    /// Refused, with the reasons.
    Refused,
    /// Valid, but not written: another row of the file was refused.
    NotImported,
}

impl RowStatus {
    /// As the report says it.
    pub fn label(self) -> &'static str {
        match self {
            RowStatus::Created => "Candidat créé et inscrit",
            RowStatus::Registered => "Candidat existant inscrit à la session",
            RowStatus::Unchanged => "Déjà inscrit, inchangé",
            RowStatus::Refused => "Refusée",
            RowStatus::NotImported => "Valide, non importée (le fichier est refusé)",
        }
    }
}

/// One reason about a row, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// Stable id, e.g. `R4.birth_date.incoherent_year` or `import.id_duplicate`.
    pub check: &'static str,
    pub message: String,
}

/// The report of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    /// The line of the file the row starts on.
    pub line: u64,
    pub candidat_id: Option<i64>,
    /// Civilité, birth name and first names as the file writes them, for the agent.
    pub nom: String,
    pub status: RowStatus,
    pub errors: Vec<RowIssue>,
    /// Points to check that do not refuse the row.
    pub warnings: Vec<RowIssue>,
}

/// What an import did, for the agent (web page) or the operator (command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub file_name: String,
    pub session_id: String,
    pub format: Option<Format>,
    /// Why the file could not be read at all.
    pub file_issue: Option<FileIssue>,
    pub rows: Vec<RowReport>,
    /// Whether the rows were written: true only when no row was refused.
    pub imported: bool,
}

impl ImportReport {
    fn count(&self, status: RowStatus) -> usize {
        self.rows.iter().filter(|row| row.status == status).count()
    }

    pub fn refused(&self) -> usize {
        self.count(RowStatus::Refused)
    }

    pub fn created(&self) -> usize {
        self.count(RowStatus::Created)
    }

    pub fn registered(&self) -> usize {
        self.count(RowStatus::Registered)
    }

    pub fn unchanged(&self) -> usize {
        self.count(RowStatus::Unchanged)
    }

    /// The one-sentence outcome, in French.
    pub fn summary(&self) -> String {
        if let Some(issue) = &self.file_issue {
            return format!("Fichier refusé, rien n'a été importé : {}", issue.message);
        }
        let total = self.rows.len();
        if !self.imported {
            return format!(
                "Fichier refusé, rien n'a été importé : {} ligne(s) sur {total} refusée(s). \
                 Corrigez-les et importez à nouveau le fichier entier.",
                self.refused()
            );
        }
        format!(
            "Import réussi : {total} ligne(s) lue(s), {} candidat(s) créé(s), {} candidat(s) \
             existant(s) inscrit(s), {} déjà inscrit(s).",
            self.created(),
            self.registered(),
            self.unchanged()
        )
    }
}

/// Who imports what, into which session.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    /// The session, read through the importer's périmètre.
    pub session: &'a SessionRow,
    /// The importer's périmètre: known candidates outside it are not described.
    pub perimetre: &'a Perimetre,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub author: Author<'a>,
}

/// Imports the candidates of a file into a session: every row is checked, and the rows are
/// written only if none is refused.
pub async fn import_candidats(
    db: &Db,
    request: &ImportRequest<'_>,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport {
        file_name: request.file_name.to_owned(),
        session_id: request.session.id.clone(),
        format: None,
        file_issue: None,
        rows: Vec::new(),
        imported: false,
    };
    let source = match source::read(request.file_name, request.bytes) {
        Ok(source) => source,
        Err(issue) => {
            report.file_issue = Some(issue);
            return Ok(report);
        }
    };
    report.format = Some(source.format);
    if let Some(issue) = source.columns.as_deref().and_then(column_issue) {
        report.file_issue = Some(issue);
        return Ok(report);
    }

    // What the rows are checked against.
    let context = RowContext {
        db,
        request,
        session_date: parse_date(&request.session.date_debut)?,
        pays: pays_by_name(db).await?,
        ccps: referentiel::blocs(db, &request.session.rncp)
            .await?
            .into_iter()
            .map(|bloc| bloc.code)
            .collect(),
        at: timestamp_text(request.author.now),
        birth_places: Mutex::default(),
    };

    // Check every row first, reading only: nothing is written while one may be refused.
    let mut seen: HashMap<i64, u64> = HashMap::new();
    let mut planned = Vec::new();
    for row in &source.rows {
        let (row_report, read) = context.check_row(row, &mut seen).await?;
        if let Some(read) = read {
            planned.push((report.rows.len(), read));
        }
        report.rows.push(row_report);
    }

    // Then write them in one transaction, short, and kept only if every row still holds.
    let mut tx = db.pool().begin().await?;
    if report.refused() == 0 {
        for (index, read) in &planned {
            let row = &mut report.rows[*index];
            context.write_row(&mut tx, read, row).await?;
            if row.status == RowStatus::Refused {
                break;
            }
        }
    }
    if report.refused() > 0 {
        tx.rollback().await?;
        for row in &mut report.rows {
            if row.status != RowStatus::Refused {
                row.status = RowStatus::NotImported;
            }
        }
        tracing::info!(
            session.id = %request.session.id,
            rows = report.rows.len(),
            refused = report.refused(),
            "candidate import refused"
        );
        return Ok(report);
    }

    audit::record(
        &mut tx,
        &NewAuditEvent {
            at: &context.at,
            actor: request.author.actor,
            entity_kind: "session",
            entity_id: &request.session.id,
            session_id: Some(&request.session.id),
            action: "session.candidats_imported",
            before_json: None,
            after_json: Some(
                json!({
                    "fichier": request.file_name,
                    "lignes": report.rows.len(),
                    "crees": report.created(),
                    "inscrits": report.registered(),
                    "inchanges": report.unchanged(),
                })
                .to_string(),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    report.imported = true;

    tracing::info!(
        session.id = %request.session.id,
        rows = report.rows.len(),
        created = report.created(),
        registered = report.registered(),
        "candidates imported"
    );
    Ok(report)
}

/// A header with an unknown, missing or repeated column.
fn column_issue(columns: &[String]) -> Option<FileIssue> {
    let known = known_columns();
    let unknown: Vec<&str> = columns
        .iter()
        .filter(|c| !c.is_empty() && !known.contains(&c.as_str()))
        .map(String::as_str)
        .collect();
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .filter(|c| !columns.iter().any(|column| column == *c))
        .copied()
        .collect();
    let mut repeated: Vec<&str> = columns
        .iter()
        .filter(|c| !c.is_empty() && columns.iter().filter(|o| o == c).count() > 1)
        .map(String::as_str)
        .collect();
    repeated.dedup();

    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("« {n} »"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut reasons = Vec::new();
    if !unknown.is_empty() {
        reasons.push(format!(
            "colonne(s) inconnue(s) : {} (colonnes admises : {})",
            quoted(&unknown),
            known.join(", ")
        ));
    }
    if !missing.is_empty() {
        reasons.push(format!(
            "colonne(s) obligatoire(s) absente(s) : {}",
            quoted(&missing)
        ));
    }
    if !repeated.is_empty() {
        reasons.push(format!("colonne(s) en double : {}", quoted(&repeated)));
    }
    (!reasons.is_empty()).then(|| FileIssue {
        check: "import.columns",
        message: format!(
            "L'en-tête du fichier (ligne 1) ne convient pas : {}.",
            reasons.join(" ; ")
        ),
    })
}

/// Country codes by the key of their names (capitals without accents).
async fn pays_by_name(db: &Db) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for pays in referentiel::pays_list(db).await? {
        by_name
            .entry(commune_name_key(&pays.libelle))
            .or_default()
            .push(pays.code);
    }
    Ok(by_name)
}

/// What every row is checked against.
struct RowContext<'a> {
    db: &'a Db,
    request: &'a ImportRequest<'a>,
    session_date: jiff::civil::Date,
    pays: HashMap<String, Vec<String>>,
    ccps: BTreeSet<String>,
    at: String,
    /// The birth places looked up so far, by (country, commune).
    birth_places: Mutex<HashMap<(String, String), BirthPlaceReference>>,
}

/// A row read, before it is written.
struct ReadRow {
    id: i64,
    data: CandidatData,
    resultat: Option<Resultat>,
    ccps: String,
}

impl RowContext<'_> {
    /// Checks one row, and says what writing it will do; the row read comes back when it
    /// is to be written.
    async fn check_row(
        &self,
        row: &source::SourceRow,
        seen: &mut HashMap<i64, u64>,
    ) -> Result<(RowReport, Option<ReadRow>), StoreError> {
        let value = |key: &str| row.values.get(key).map_or("", String::as_str);
        let mut report = RowReport {
            line: row.line,
            candidat_id: None,
            nom: [value("civilite"), value("nom_naissance"), value("prenoms")]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
            status: RowStatus::Refused,
            errors: Vec::new(),
            warnings: Vec::new(),
        };

        let read = self.read_row(row, seen, &mut report).await?;
        let Some(read) = read.filter(|_| report.errors.is_empty()) else {
            return Ok((report, None));
        };
        report.status = self.plan_row(&read, &mut report).await?;
        let written = matches!(report.status, RowStatus::Created | RowStatus::Registered);
        Ok((report, written.then_some(read)))
    }

    /// Reads and checks a row; the errors go into the report.
    async fn read_row(
        &self,
        row: &source::SourceRow,
        seen: &mut HashMap<i64, u64>,
        report: &mut RowReport,
    ) -> Result<Option<ReadRow>, StoreError> {
        let value = |key: &str| row.values.get(key).map_or("", String::as_str);
        let mut error = |check, message: String| report.errors.push(RowIssue { check, message });

        // The keys of a JSON object (a CSV header was checked as a whole).
        let known = known_columns();
        for key in row.values.keys().filter(|k| !known.contains(&k.as_str())) {
            error("import.columns", format!("clé inconnue « {key} »"));
        }
        for key in &row.unreadable {
            error(
                "import.columns",
                format!("« {key} » n'est pas une valeur texte ou nombre"),
            );
        }
        for key in REQUIRED_COLUMNS
            .iter()
            .filter(|k| !row.values.contains_key(**k))
        {
            error(
                "import.columns",
                format!("clé obligatoire « {key} » absente"),
            );
        }

        // The CERES id: a number, once in the file.
        let id_text = value(ID_COLUMN);
        let id = match id_text.parse::<i64>() {
            Ok(id) if id > 0 && id_text.bytes().all(|b| b.is_ascii_digit()) => Some(id),
            _ if id_text.is_empty() => {
                error(
                    "import.id_invalid",
                    "Identifiant CERES : le champ est vide.".into(),
                );
                None
            }
            _ => {
                error(
                    "import.id_invalid",
                    format!("Identifiant CERES : « {id_text} » n'est pas un nombre entier."),
                );
                None
            }
        };
        if let Some(id) = id {
            report.candidat_id = Some(id);
            if let Some(first) = seen.insert(id, row.line) {
                seen.insert(id, first);
                error(
                    "import.id_duplicate",
                    format!("Identifiant CERES : le candidat {id} figure déjà à la ligne {first}."),
                );
            }
        }

        // The record, through the candidate module's checks.
        let mut input = CandidatInput::default();
        for field in Field::ALL {
            *input.get_mut(field) = value(field.key()).to_owned();
        }
        match self.pays_code(&input.pays_naissance) {
            Ok(code) => input.pays_naissance = code,
            Err(message) => error("import.country_unknown", message),
        }
        let data = match input.parse() {
            Ok(data) => Some(data),
            Err(issues) => {
                for issue in issues {
                    error(issue.check, issue.message);
                }
                None
            }
        };
        if let Some(data) = &data {
            let birth_place = self
                .birth_place(&data.pays_naissance, &data.commune_naissance)
                .await?;
            let genre = Some(value(GENRE_COLUMN)).filter(|g| !g.is_empty());
            let checked = candidat::check(&data.record(genre, &birth_place), self.session_date);
            for issue in checked.errors {
                report.errors.push(RowIssue {
                    check: issue.check,
                    message: issue.message,
                });
            }
            for issue in checked.warnings {
                report.warnings.push(RowIssue {
                    check: issue.check,
                    message: issue.message,
                });
            }
        }

        // The result of the session, and the CCPs of its titre.
        let mut error = |check, message: String| report.errors.push(RowIssue { check, message });
        let resultat = match value(RESULTAT_COLUMN) {
            "" => None,
            text => {
                let key = commune_name_key(text);
                let found = [Resultat::Admis, Resultat::NonAdmis].into_iter().find(|r| {
                    commune_name_key(r.code()) == key || commune_name_key(r.label()) == key
                });
                if found.is_none() {
                    error(
                        "import.resultat_unknown",
                        format!("Résultat : « {text} » illisible ; Admis, Non admis ou vide."),
                    );
                }
                found
            }
        };
        let ccps: Vec<&str> = value(CCPS_COLUMN)
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|code| !code.is_empty())
            .collect();
        let unknown: Vec<&str> = ccps
            .iter()
            .filter(|code| !self.ccps.contains(**code))
            .copied()
            .collect();
        if !unknown.is_empty() {
            error(
                "import.ccp_unknown",
                format!(
                    "CCP obtenus : {} ne sont pas des blocs du titre {} ({}).",
                    unknown.join(", "),
                    self.request.session.rncp,
                    self.ccps.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
        }

        Ok(match (id, data) {
            (Some(id), Some(data)) => Some(ReadRow {
                id,
                data,
                resultat,
                ccps: ccps.join(" "),
            }),
            _ => None,
        })
    }

    /// What the referentials know of a birth place, looked up once per file: a file often
    /// names the same communes many times.
    async fn birth_place(
        &self,
        pays: &str,
        commune: &str,
    ) -> Result<BirthPlaceReference, StoreError> {
        let key = (pays.to_owned(), commune.to_owned());
        if let Some(known) = self.birth_places.lock().expect("not poisoned").get(&key) {
            return Ok(known.clone());
        }
        let found = birth_place_reference(self.db, pays, commune).await?;
        self.birth_places
            .lock()
            .expect("not poisoned")
            .insert(key, found.clone());
        Ok(found)
    }

    /// The INSEE code of the birth country: a code as given, France when empty, or the
    /// code of a name the list gives once.
    fn pays_code(&self, text: &str) -> Result<String, String> {
        let text = text.trim();
        let is_code =
            text.len() == 5 && text.starts_with("99") && text.bytes().all(|b| b.is_ascii_digit());
        if text.is_empty() {
            return Ok(FRANCE.to_owned());
        }
        if is_code {
            return Ok(text.to_owned());
        }
        match self.pays.get(&commune_name_key(text)).map(Vec::as_slice) {
            Some([code]) => Ok(code.clone()),
            Some(codes) => Err(format!(
                "Pays de naissance : plusieurs pays portent le nom « {text} » ({}) ; indiquez \
                 le code INSEE.",
                codes.join(", ")
            )),
            None => Err(format!(
                "Pays de naissance : « {text} » n'est pas un pays de la liste INSEE ; indiquez \
                 son nom ou son code (99134 pour l'Espagne)."
            )),
        }
    }

    /// What writing a checked row will do, from what is stored: a new candidate, a known
    /// one to register at the session, nothing, or a refusal when the file and the
    /// database disagree.
    async fn plan_row(
        &self,
        row: &ReadRow,
        report: &mut RowReport,
    ) -> Result<RowStatus, StoreError> {
        let session_id = &self.request.session.id;
        let Some(existing) = candidats::get(self.db, row.id).await? else {
            return Ok(RowStatus::Created);
        };

        let changed = existing.data.changed_fields(&row.data);
        if !changed.is_empty() {
            let visible = candidats::get_in_perimetre(self.db, self.request.perimetre, row.id)
                .await?
                .is_some();
            let which = if visible {
                let labels: Vec<&str> = changed.iter().map(|f| f.label()).collect();
                format!(" ({})", labels.join(", "))
            } else {
                String::new()
            };
            report.errors.push(RowIssue {
                check: "import.candidat_differs",
                message: format!(
                    "Le candidat {} existe déjà dans CERES avec d'autres informations{which} ; \
                     un import ne modifie pas une fiche existante : corrigez-la dans le \
                     module « Candidats » ou alignez la ligne sur la fiche.",
                    row.id
                ),
            });
            return Ok(RowStatus::Refused);
        }

        let registered: Option<(Option<String>, String)> = sqlx::query_as(
            "SELECT resultat, ccps_obtenus FROM inscription \
             WHERE session_id = $1 AND candidat_id = $2",
        )
        .bind(session_id)
        .bind(row.id)
        .fetch_optional(self.db.pool())
        .await?;
        match registered {
            None => Ok(RowStatus::Registered),
            Some((stored, ccps))
                if stored.as_deref() == row.resultat.map(Resultat::code) && ccps == row.ccps =>
            {
                Ok(RowStatus::Unchanged)
            }
            Some(_) => {
                report.errors.push(RowIssue {
                    check: "import.inscription_differs",
                    message: format!(
                        "Le candidat {} est déjà inscrit à la session {session_id} avec un autre \
                         résultat ou d'autres CCP ; un import ne modifie pas une inscription.",
                        row.id
                    ),
                });
                Ok(RowStatus::Refused)
            }
        }
    }

    /// Writes a planned row in the transaction, with its audit event. A candidate or a
    /// registration made by someone else since the check refuses the row.
    async fn write_row(
        &self,
        tx: &mut AnyConnection,
        row: &ReadRow,
        report: &mut RowReport,
    ) -> Result<(), StoreError> {
        let session_id = &self.request.session.id;
        let resultat = row.resultat.map(Resultat::code);
        let mut after = json!({
            "session_id": session_id,
            "resultat": resultat.unwrap_or_default(),
            "ccps_obtenus": row.ccps,
        });
        let action = match report.status {
            RowStatus::Created => {
                let created = insert_valid(&mut *tx, row.id, &row.data, &self.at).await?
                    && insert_inscription_in(&mut *tx, session_id, row.id, resultat, &row.ccps)
                        .await?;
                if !created {
                    changed_meanwhile(row.id, report);
                    return Ok(());
                }
                for (key, value) in row
                    .data
                    .audit_json(&Field::ALL)
                    .as_object()
                    .into_iter()
                    .flatten()
                {
                    after[key] = value.clone();
                }
                "candidat.imported"
            }
            RowStatus::Registered => {
                if !insert_inscription_in(&mut *tx, session_id, row.id, resultat, &row.ccps).await?
                {
                    changed_meanwhile(row.id, report);
                    return Ok(());
                }
                "inscription.created"
            }
            _ => return Ok(()),
        };
        let event = CandidatEvent {
            candidat_id: row.id,
            session_id: Some(session_id),
            action,
            before: None,
            after,
        };
        record_event(&mut *tx, &self.at, self.request.author.actor, event).await
    }
}

/// Refuses a row whose candidate or registration was written by someone else between the
/// check and the write.
fn changed_meanwhile(id: i64, report: &mut RowReport) {
    report.status = RowStatus::Refused;
    report.errors.push(RowIssue {
        check: "import.candidat_differs",
        message: format!(
            "Le candidat {id} a été créé ou inscrit par ailleurs pendant l'import ; importez à \
             nouveau le fichier."
        ),
    });
}
