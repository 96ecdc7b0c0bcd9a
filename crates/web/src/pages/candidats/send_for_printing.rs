//! `POST /sessions/{id}/candidats/{candidat_id}/demande-impression`: "Envoyer pour
//! impression et passer au candidat suivant" (R1, R3, R5).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::candidat_data::CandidatState;
use ceres_domain::print::{self, InitialRequestContext, Refusal};
use ceres_domain::session::SessionState;
use ceres_store::print_requests::{self, InitialOutcome};
use serde::Deserialize;
use tower_sessions::Session;

use super::check_candidat;
use super::review_candidat::{NOTICE_KEY, ReviewContext};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub struct SendForm {
    /// The box « Données vérifiées et conformes »; absent when not ticked.
    verifie: Option<String>,
}

pub async fn send_for_printing(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path((session_id, candidat_id)): Path<(String, i64)>,
    Form(form): Form<SendForm>,
) -> Result<Response, AppError> {
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    let row = context.candidat();

    // Check: every reason to refuse, named to the agent.
    let report = check_candidat(&context.session, row);
    let existing_initial = row
        .initial_requested_on
        .as_deref()
        .and_then(|on| ceres_store::parse_date(on).ok());
    let session_state =
        SessionState::from_code(&context.session.state).unwrap_or(SessionState::EnPreparation);
    let refusals = print::refusals_for_initial_request(&InitialRequestContext {
        session_state,
        existing_initial,
        verified_box_ticked: form.verifie.as_deref() == Some("oui"),
        candidat_in_draft: row.state == CandidatState::Brouillon.code(),
        check: &report,
    });
    if !refusals.is_empty() {
        return Ok(refused(&state, &context, &user, &refusals));
    }

    // Write: R5 is held by the store's unique key, whatever the race.
    let now = state.clock.now();
    let today = state.clock.today_in_paris();
    let outcome = print_requests::create_initial(
        &state.db,
        &context.session.id,
        row.id,
        &user.id,
        now,
        today,
    )
    .await?;
    if let InitialOutcome::AlreadyExists { requested_on } = outcome {
        return Ok(refused(
            &state,
            &context,
            &user,
            &[Refusal::AlreadyRequested(requested_on)],
        ));
    }

    // Answer: on to the next candidate, or back to the list after the last one.
    let notice = format!(
        "{} pour {} {} {}.",
        print::initial_request_line(today),
        row.civilite
            .as_deref()
            .and_then(ceres_domain::candidat::Civilite::from_code)
            .map_or("", |c| c.label()),
        row.nom_naissance,
        row.prenoms
    );
    session
        .insert(NOTICE_KEY, notice)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let next = context
        .neighbour_href(1)
        .unwrap_or_else(|| format!("/sessions/{}/candidats", context.session.id));
    Ok(Redirect::to(&next).into_response())
}

fn refused(
    state: &AppState,
    context: &ReviewContext,
    user: &CurrentUser,
    refusals: &[Refusal],
) -> Response {
    let messages = refusals.iter().map(Refusal::message).collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        context.page(user, state.clock.today_in_paris(), None, messages),
    )
        .into_response()
}
