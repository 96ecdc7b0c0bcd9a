//! `POST /sessions/{id}/candidats/{candidat_id}/duplicata`: « Envoyer un duplicata » (R6).
//! Offered after the initial request; refused before the 7th calendar day (Europe/Paris)
//! after the last request, naming the date from which it is possible. The duplicata goes
//! through the same ledger as the initial request; two clicks on the same page make one.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::candidat_data::CandidatState;
use ceres_domain::print::{self, DuplicataMotif};
use ceres_store::print_requests::{self, DuplicataOutcome, NewDuplicata};
use serde::Deserialize;
use tower_sessions::Session;

use super::check_candidat;
use super::review_candidat::{NOTICE_KEY, ReviewContext};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub struct DuplicataForm {
    /// « Données vérifiées et conformes »; absent when not ticked.
    verifie: Option<String>,
    #[serde(default)]
    motif: String,
    /// The last request's sequence as the page showed it.
    #[serde(default)]
    apres: String,
}

pub async fn send_duplicata(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path((session_id, candidat_id)): Path<(String, i64)>,
    Form(form): Form<DuplicataForm>,
) -> Result<Response, AppError> {
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    let row = context.candidat();
    if !context.session_allows_documents() || row.last_request_sequence.is_none() {
        return Err(AppError::NotFound);
    }

    let mut refusals = Vec::new();
    let motif = DuplicataMotif::from_code(&form.motif);
    if motif.is_none() {
        refusals.push(
            "Motif du duplicata : choisissez erreur de saisie, courrier perdu ou autre.".to_owned(),
        );
    }
    if row.state == CandidatState::Brouillon.code() {
        refusals.push(print::Refusal::CandidatInDraft.message());
    } else if let Some(sentence) = check_candidat(&context.session, row).refusal() {
        refusals.push(sentence);
    }
    if form.verifie.as_deref() != Some("oui") {
        refusals.push(print::Refusal::NotVerified.message());
    }
    let after_sequence = form.apres.trim().parse::<i64>().ok();
    if after_sequence.is_none() {
        refusals.push("Le formulaire est incomplet : rechargez la page.".to_owned());
    }
    if let (true, Some(motif), Some(after_sequence)) = (refusals.is_empty(), motif, after_sequence)
    {
        let outcome = print_requests::create_duplicata(
            &state.db,
            &NewDuplicata {
                session_id: &context.session.id,
                candidat_id: row.id,
                after_sequence,
                motif: motif.code(),
                actor: &user.id,
                now: state.clock.now(),
                today: state.clock.today_in_paris(),
            },
        )
        .await?;
        match outcome {
            DuplicataOutcome::Created { sequence, .. } => {
                let notice = format!(
                    "{} pour {} {}.",
                    print::duplicata_request_line(state.clock.today_in_paris(), sequence as usize),
                    row.nom_naissance,
                    row.prenoms
                );
                session
                    .insert(NOTICE_KEY, notice)
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                return Ok(Redirect::to(&format!(
                    "/sessions/{}/candidats/{}",
                    context.session.id, row.id
                ))
                .into_response());
            }
            DuplicataOutcome::AlreadyMade { requested_on } => refusals.push(format!(
                "Une demande a déjà été transmise le {} pour ce candidat : aucun nouveau \
                 duplicata n'a été demandé.",
                ceres_domain::french::short_date(requested_on)
            )),
            DuplicataOutcome::TooEarly(sentence) => refusals.push(sentence),
            DuplicataOutcome::NoInitialRequest => return Err(AppError::NotFound),
        }
    }

    // Reload: another agent's duplicata shows on the page that explains the refusal.
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    let page = context.page(&user, state.clock.today_in_paris(), None, refusals);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
