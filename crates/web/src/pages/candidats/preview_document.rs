//! `GET /sessions/{id}/candidats/{candidat_id}/apercu/{kind}.pdf`: the preview of one
//! document (R2): read-only, without security features, never numbered.

use axum::extract::{Path, State};
use axum::response::Response;
use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_domain::print::documents_for;
use ceres_domain::session::Resultat;

use super::review_candidat::ReviewContext;
use crate::auth::CurrentUser;
use crate::documents::{build_model, pdf_response, render_pdf};
use crate::{AppError, AppState};

pub async fn preview_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((session_id, candidat_id, file)): Path<(String, i64, String)>,
) -> Result<Response, AppError> {
    let kind = file
        .strip_suffix(".pdf")
        .and_then(DocumentKind::from_slug)
        .ok_or(AppError::NotFound)?;
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    let resultat = context
        .candidat()
        .resultat
        .as_deref()
        .and_then(Resultat::from_code);
    let ccps_obtenus = context.candidat().ccps_obtenus.split_whitespace().count();
    let receives_it =
        resultat.is_some_and(|r| documents_for(context.nature(), r, ccps_obtenus).contains(&kind));
    if !context.session_allows_documents() || !receives_it {
        return Err(AppError::NotFound);
    }

    let model = build_model(
        &state,
        &context.session,
        context.candidat(),
        kind,
        DocumentVersion::Apercu,
    )
    .await?;
    let pdf = render_pdf(&state, model).await?;

    let disposition = format!(
        "inline; filename=\"apercu-{}-{}.pdf\"",
        kind.slug(),
        candidat_id
    );
    Ok(pdf_response(pdf, disposition))
}
