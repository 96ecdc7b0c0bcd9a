//! A session's candidates: the list, the review screen, previews and the print request.

pub mod list_candidats;
pub mod preview_document;
pub mod review_candidat;
pub mod send_for_printing;

use ceres_domain::candidat::{self, CandidatRecord, CheckReport, Civilite};
use ceres_store::candidats::InscriptionRow;
use ceres_store::sessions::SessionRow;

/// R4: checks a registration's candidate data against the session's start date.
pub fn check_candidat(session: &SessionRow, row: &InscriptionRow) -> CheckReport {
    let session_date = ceres_store::parse_date(&session.date_debut)
        .unwrap_or_else(|_| jiff::civil::date(2000, 1, 1));
    let record = CandidatRecord {
        civilite: row.civilite.as_deref().and_then(Civilite::from_code),
        // Known limit: the candidate table has no genre apart from the civilité; pass it
        // here when an import brings one.
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
    };
    candidat::check(&record, session_date)
}
