//! `GET /sessions/{id}/candidats/{candidat_id}/attestation-reussite.pdf`: the attestation de
//! réussite (R7), a letter produced on the fly for an Admis candidate once the initial print
//! request is recorded; each download is written in the traçabilité.

use axum::extract::{Path, State};
use axum::response::Response;
use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_domain::print::attestation_offered;
use ceres_domain::session::Resultat;
use ceres_store::candidat_changes::{self, Author};

use super::review_candidat::ReviewContext;
use crate::auth::CurrentUser;
use crate::documents::{build_model, pdf_response, render_pdf};
use crate::{AppError, AppState};

pub async fn download_attestation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((session_id, candidat_id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    let row = context.candidat();
    let resultat = row.resultat.as_deref().and_then(Resultat::from_code);
    // Not offered answers like a missing document: the link is never shown for it.
    if !context.session_allows_documents()
        || !attestation_offered(resultat, row.initial_requested_on.is_some())
    {
        return Err(AppError::NotFound);
    }

    // The print version: the letter is signed, as the one the office would post.
    let model = build_model(
        &state,
        &context.session,
        row,
        DocumentKind::AttestationReussite,
        DocumentVersion::Impression,
    )
    .await?;
    let pdf = render_pdf(&state, model).await?;
    candidat_changes::record_attestation_issued(
        &state.db,
        row.id,
        &context.session.id,
        Author {
            actor: &user.id,
            now: state.clock.now(),
        },
    )
    .await?;

    let disposition = format!("attachment; filename=\"attestation-reussite-{candidat_id}.pdf\"");
    Ok(pdf_response(pdf, disposition))
}
