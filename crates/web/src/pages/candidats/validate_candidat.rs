//! `POST /candidats/{candidat_id}/valider`: « Valider » a record in brouillon (R4). The
//! checks run again on what is stored; errors keep it in brouillon, warnings do not.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_store::candidat_changes::{self, Author, ChangeOutcome};
use serde::Deserialize;
use tower_sessions::Session;

use super::candidat_record::{CandidatContext, Origin, check_data, leave_notice};
use super::show_candidat::CandidatPage;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub struct ValidateForm {
    /// The revision of the record the agent saw.
    #[serde(default)]
    revision: String,
    #[serde(default)]
    session: Option<String>,
}

pub async fn validate_candidat(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(candidat_id): Path<i64>,
    Form(form): Form<ValidateForm>,
) -> Result<Response, AppError> {
    let origin = Origin {
        session: form.session,
    };
    let context = CandidatContext::load(&state, &user, candidat_id, &origin).await?;
    if !context.in_draft() {
        leave_notice(
            &session,
            "La fiche du candidat est déjà validée.".to_owned(),
        )
        .await?;
        return Ok(Redirect::to(&context.page_href()).into_response());
    }

    // Check what is stored, at every session of the candidate.
    let report = check_data(&state, candidat_id, &context.row.data).await?;
    let refused = |status: StatusCode, refusal: String| {
        let (state, user, context, report) = (&state, &user, &context, &report);
        async move {
            let page =
                CandidatPage::build(state, user, context, report, None, Some(refusal)).await?;
            Ok::<Response, AppError>((status, page).into_response())
        }
    };
    if let Some(refusal) = report.refusal() {
        let refusal = format!("La fiche ne peut pas être validée. {refusal}");
        return refused(StatusCode::UNPROCESSABLE_ENTITY, refusal).await;
    }

    // Write, from the revision that was checked.
    let revision: i64 = form.revision.trim().parse().unwrap_or(-1);
    let author = Author {
        actor: &user.id,
        now: state.clock.now(),
    };
    let checked = revision == context.row.revision;
    let outcome = if checked {
        candidat_changes::validate(&state.db, candidat_id, revision, author).await?
    } else {
        ChangeOutcome::Stale
    };
    match outcome {
        ChangeOutcome::Done { .. } => {}
        ChangeOutcome::Missing => return Err(AppError::NotFound),
        _ => {
            let refusal = "La fiche n'a pas été validée : elle a été modifiée entre-temps. \
                           Vérifiez les informations ci-dessous, puis validez à nouveau."
                .to_owned();
            return refused(StatusCode::CONFLICT, refusal).await;
        }
    }

    // Answer: a correction after a print request calls for a duplicata (tutorial, case 1).
    let mut notice = "Les informations du candidat sont validées.".to_owned();
    if !report.warnings.is_empty() {
        notice.push_str(" Des points restent à vérifier (voir ci-dessous).");
    }
    if context.already_sent() {
        notice.push_str(
            " Une demande d'impression a déjà été transmise : les documents envoyés portent \
             les informations d'avant la correction ; demandez un duplicata si le candidat \
             doit recevoir des documents corrigés.",
        );
    }
    leave_notice(&session, notice).await?;
    Ok(Redirect::to(&context.page_href()).into_response())
}
