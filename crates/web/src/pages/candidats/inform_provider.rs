//! `POST /sessions/{id}/candidats/{candidat_id}/plis/{pli_id}/informer-prestataire`:
//! « Informer l'Afpa » (R9). After a returned pli (PND), the agent corrects the address in
//! the candidate module (draft, edit, validate), then tells the provider: the same pli, with
//! the new address lines, is queued to be posted again. No new request, no new document
//! number, no duplicata.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::candidat::Field;
use ceres_domain::candidat_data::CandidatState;
use ceres_domain::ledger::PliState;
use ceres_store::ledger;
use tower_sessions::Session;

use super::check_candidat;
use super::review_candidat::{NOTICE_KEY, ReviewContext};
use crate::auth::CurrentUser;
use crate::documents::address_lines;
use crate::{AppError, AppState};

pub async fn inform_provider(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path((session_id, candidat_id, pli_id)): Path<(String, i64, String)>,
) -> Result<Response, AppError> {
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    let Some((pli, _)) = context.plis.iter().find(|(p, _)| p.id == pli_id) else {
        return Err(AppError::NotFound);
    };
    let row = context.candidat();
    let today = state.clock.today_in_paris();

    let mut refusals = Vec::new();
    if pli.state != PliState::Pnd.code() {
        refusals.push("Ce pli n'est pas un retour à traiter : rien n'a été transmis.".to_owned());
    }
    if row.state == CandidatState::Brouillon.code() {
        refusals.push(
            "Le candidat est à l'état brouillon : validez ses informations corrigées avant \
             d'informer l'Afpa."
                .to_owned(),
        );
    }
    let report = check_candidat(&context.session, row);
    let address_fields = [
        Field::AdresseComplement,
        Field::AdresseLigne,
        Field::CodePostal,
        Field::Ville,
        Field::AdressePays,
    ];
    if report
        .errors
        .iter()
        .any(|issue| address_fields.contains(&issue.field))
    {
        refusals.push(
            "L'adresse du candidat ne respecte pas la norme postale : corrigez-la dans le \
             module « Candidats » avant d'informer l'Afpa."
                .to_owned(),
        );
    }
    let lines = match pli.destination.as_str() {
        // A pli for a DEETS goes back to the same office: only a candidate's address changes.
        "deets" => pli.lines(),
        _ => address_lines(row),
    };
    if refusals.is_empty() && lines == pli.lines() && pli.destination != "deets" {
        refusals.push(
            "L'adresse n'a pas changé depuis l'envoi du pli : corrigez-la dans le module \
             « Candidats » (revenir à l'état brouillon, modifier, valider), puis informez \
             l'Afpa."
                .to_owned(),
        );
    }
    if !refusals.is_empty() {
        let page = context.page(&user, today, None, refusals);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    if !ledger::requeue_after_pnd(&state.db, pli, &lines, &user.id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    session
        .insert(
            NOTICE_KEY,
            "L'Afpa est informée : le pli sera posté de nouveau à la nouvelle adresse.",
        )
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to(&format!(
        "/sessions/{}/candidats/{}",
        context.session.id, row.id
    ))
    .into_response())
}
