//! A session's candidates (the list, the review screen, previews, the print request, the
//! import) and the candidate module (the record, back to brouillon, the edit form,
//! validation).

pub mod candidat_record;
pub mod download_attestation;
pub mod edit_candidat;
pub mod import_candidats;
pub mod inform_provider;
pub mod list_candidats;
pub mod preview_document;
pub mod return_to_draft;
pub mod review_candidat;
pub mod send_duplicata;
pub mod send_for_printing;
pub mod show_candidat;
pub mod update_candidat;
pub mod validate_candidat;

use ceres_domain::candidat::{self, CandidatRecord, CheckReport, Civilite};
use ceres_store::candidats::InscriptionRow;
use ceres_store::sessions::SessionRow;

/// The view of a registration's candidate data that the checks of R4 and the address
/// formatter read.
pub fn record_of(row: &InscriptionRow) -> CandidatRecord<'_> {
    CandidatRecord {
        civilite: row.civilite.as_deref().and_then(Civilite::from_code),
        // The genre of a source is checked against the civilité on import; the record
        // keeps the civilité alone.
        genre: None,
        nom_naissance: &row.nom_naissance,
        nom_usage: &row.nom_usage,
        prenoms: &row.prenoms,
        date_naissance: &row.date_naissance,
        pays_naissance: &row.pays_naissance,
        commune_naissance: &row.commune_naissance,
        ville_naissance_etranger: &row.ville_naissance_etranger,
        birth_place: &row.birth_place,
        adresse_complement: &row.adresse_complement,
        adresse_ligne: &row.adresse_ligne,
        code_postal: &row.code_postal,
        ville: &row.ville,
        adresse_pays: &row.adresse_pays,
        courriel: &row.courriel,
        telephone: &row.telephone,
    }
}

/// R4: checks a registration's candidate data against the session's start date.
pub fn check_candidat(session: &SessionRow, row: &InscriptionRow) -> CheckReport {
    let session_date = ceres_store::parse_date(&session.date_debut)
        .unwrap_or_else(|_| jiff::civil::date(2000, 1, 1));
    candidat::check(&record_of(row), session_date)
}
