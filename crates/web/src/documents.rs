//! Builds the data of a document from the stored session, candidate and structure, and
//! renders print versions with their number and verification code.

use ceres_domain::adresse;
use ceres_domain::candidat::{BirthDate, Civilite, postal_address};
use ceres_domain::document::{
    CandidatBlock, CcpLine, DocumentKind, DocumentModel, DocumentVersion, Emetteur, Etabli,
    Numerotation, SessionBlock, TitreBlock,
};
use ceres_domain::french;
use ceres_domain::session::{Resultat, SessionNature};
use ceres_domain::verification::is_numbered;
use ceres_store::candidats::InscriptionRow;
use ceres_store::issued_documents::{self, Issue, NewIssuedDocument};
use ceres_store::sessions::SessionRow;
use ceres_store::{parse_date, referentiel, structures};

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::pages::birth_place;
use crate::pages::candidats::record_of;
use crate::{AppError, AppState};

/// Gathers what a document prints about a candidate at a session.
pub async fn build_model(
    state: &AppState,
    session: &SessionRow,
    row: &InscriptionRow,
    kind: DocumentKind,
    version: DocumentVersion,
) -> Result<DocumentModel, AppError> {
    let issuer = structures::issuer_for(&state.db, &session.region_code, &session.departement_code)
        .await?
        .ok_or_else(|| {
            AppError::Internal(format!(
                "no issuing structure for région {}",
                session.region_code
            ))
        })?;
    let nsf = referentiel::nsf_codes(&state.db, &session.rncp).await?;
    let blocs = referentiel::blocs(&state.db, &session.rncp).await?;
    let lieu = match &issuer.lieu_etablissement_commune {
        Some(code) => referentiel::commune_with_departement(&state.db, code).await?,
        None => None,
    };

    let long = |iso: &Option<String>| {
        iso.as_deref()
            .and_then(|d| parse_date(d).ok())
            .map(french::long_date)
    };
    let obtained: Vec<&str> = row.ccps_obtenus.split_whitespace().collect();
    let resultat = row.resultat.as_deref().and_then(Resultat::from_code);
    let nature = session_nature(session)?;
    // After a CCS session: the CCS the candidate obtained, or the titre's only CCS.
    let ccs_blocs: Vec<_> = blocs.iter().filter(|b| b.kind == "ccs").collect();
    let ccs = (nature == SessionNature::Ccs)
        .then(|| {
            ccs_blocs
                .iter()
                .find(|b| obtained.contains(&b.code.as_str()))
                .or_else(|| (ccs_blocs.len() == 1).then(|| &ccs_blocs[0]))
                .map(|b| french::ccs_label(&b.intitule))
        })
        .flatten();
    let civilite = row.civilite.as_deref().and_then(Civilite::from_code);
    let etabli_date = session.validated_on.as_ref().or(session.date_jury.as_ref());
    let obtenu_a = long(&etabli_date.cloned())
        .map(|on| format!("session {} du {on}", session.id))
        .unwrap_or_else(|| format!("session {}", session.id));
    let today = state.clock.today_in_paris();

    Ok(DocumentModel {
        kind,
        version,
        emetteur: Emetteur {
            ministere: issuer.entete(),
            structure: issuer.nom.clone(),
            adresse: issuer.adresse(),
            signataire_nom: issuer.signataire_nom.clone(),
            signataire_titre: issuer.signataire_titre.clone(),
            contact_nom: issuer.contact_nom.clone(),
            telephone: issuer.telephone.clone(),
            courriel: issuer.courriel.clone(),
        },
        candidat: CandidatBlock {
            civilite: civilite.map_or("", Civilite::label).to_owned(),
            nom: row.nom_naissance.clone(),
            prenoms: row.prenoms.clone(),
            ne: civilite.map_or("né(e)", Civilite::ne).to_owned(),
            naissance: BirthDate::parse(&row.date_naissance)
                .map(BirthDate::phrase)
                .unwrap_or_else(|_| format!("le {}", row.date_naissance)),
            lieu_naissance: birth_place(row),
            numero: row.id.to_string(),
            adresse: address_lines(row),
        },
        titre: TitreBlock {
            intitule: session.intitule.clone(),
            de_intitule: french::de(&session.intitule),
            code_tp: session.code_tp.clone(),
            rncp: session.rncp.clone(),
            niveau: format!("niveau {}", session.niveau),
            nsf,
            arrete: long(&session.arrete_date),
            journal_officiel: long(&session.journal_officiel_date),
            ccps: blocs
                .iter()
                .filter(|b| b.kind == "ccp")
                .map(|b| {
                    // Known limit: a CCP obtained at an earlier session is shown as
                    // obtained at this one until candidates carry their parcours.
                    let obtenu = (nature == SessionNature::Titre
                        && resultat == Some(Resultat::Admis))
                        || obtained.contains(&b.code.as_str());
                    CcpLine {
                        code: b.code.clone(),
                        intitule: b.intitule.clone(),
                        obtenu,
                        obtenu_a: obtenu.then(|| obtenu_a.clone()),
                    }
                })
                .collect(),
            ccs,
        },
        session: SessionBlock {
            code: session.id.clone(),
            nature,
            resultat: resultat.map_or("", Resultat::label).to_owned(),
        },
        etabli: Etabli {
            lieu: lieu.unwrap_or_default(),
            date: long(&etabli_date.cloned()).unwrap_or_default(),
        },
        date_courrier: french::short_date(today),
        numerotation: None,
        duplicata_date: (version == DocumentVersion::Duplicata).then(|| french::long_date(today)),
    })
}

/// Renders the print version (`Impression` or `Duplicata`) of a document. A diplôme or a
/// livret is numbered first: the initial print keeps the number it was given the first
/// time, a duplicata diploma gets a new one that supersedes the previous (R6), and a
/// duplicata livret is a reprint under the same number (tutorial).
///
/// `request_sequence` names the print request being rendered (0 initial, 1.. duplicatas):
/// a duplicata diploma is then numbered once for that request, however often it is
/// rendered. Without it (the command line), each duplicata render takes a new number.
pub async fn render_print_version(
    state: &AppState,
    session: &SessionRow,
    row: &InscriptionRow,
    kind: DocumentKind,
    version: DocumentVersion,
    actor: &str,
    request_sequence: Option<i64>,
) -> Result<(DocumentModel, Vec<u8>), AppError> {
    if !version.is_printed() {
        return Err(AppError::Internal(
            "render_print_version is for print versions".into(),
        ));
    }
    let mut model = build_model(state, session, row, kind, version).await?;
    if kind == DocumentKind::Livret {
        model.duplicata_date = None;
    }

    if is_numbered(kind) {
        let issue = match (kind, version) {
            (DocumentKind::Diplome | DocumentKind::DiplomeCcs, DocumentVersion::Duplicata) => {
                match request_sequence {
                    Some(sequence) if sequence > 0 => Issue::DuplicataOfRequest(sequence),
                    _ => Issue::Duplicata,
                }
            }
            _ => Issue::Initial,
        };
        let printed_json = serde_json::to_string(&model.printed_facts())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let issued = issued_documents::issue(
            &state.db,
            &NewIssuedDocument {
                kind,
                session_id: &session.id,
                candidat_id: row.id,
                issue,
                printed_json,
                actor,
                now: state.clock.now(),
                today: state.clock.today_in_paris(),
            },
        )
        .await?;
        let code = state.signing.code_for(&issued.numero);
        model.numerotation = Some(Numerotation {
            numero: issued.numero.to_string(),
            url: format!("{}/verifier/{code}", state.public_url.trim_end_matches('/')),
            code,
        });
    }

    let pdf = render_pdf(state, model.clone()).await?;
    Ok((model, pdf))
}

/// What a stored session certifies.
pub fn session_nature(session: &SessionRow) -> Result<SessionNature, AppError> {
    SessionNature::from_code(&session.nature).ok_or_else(|| {
        AppError::Internal(format!(
            "session {} has an unknown nature {:?}",
            session.id, session.nature
        ))
    })
}

/// Renders a document off the async threads: Typst is CPU-bound.
pub async fn render_pdf(state: &AppState, model: DocumentModel) -> Result<Vec<u8>, AppError> {
    let renderer = state.renderer.clone();
    let pdf = tokio::task::spawn_blocking(move || renderer.render_pdf(&model))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(pdf)
}

/// A PDF answer, never cached; `disposition` is `inline` or `attachment` with its file name.
pub fn pdf_response(pdf: Vec<u8>, disposition: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response()
}

/// The recipient's lines on a letter, under NF Z10-011. An address the norm cannot write is
/// shown as entered: only previews get there, print requests being refused for it (R3).
pub fn address_lines(row: &InscriptionRow) -> Vec<String> {
    let address = postal_address(&record_of(row));
    if let Ok(lines) = adresse::format(&address) {
        return lines;
    }
    [
        address.destinataire,
        row.adresse_complement.clone(),
        row.adresse_ligne.clone(),
        format!("{} {}", row.code_postal, row.ville),
        row.adresse_pays.clone(),
    ]
    .into_iter()
    .filter(|line| !line.trim().is_empty())
    .collect()
}
