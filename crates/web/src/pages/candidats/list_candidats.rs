//! `GET /sessions/{id}/candidats`: "Liste des candidats".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use ceres_domain::session::SessionState;
use ceres_store::{candidats, sessions};
use tower_sessions::Session;

use super::review_candidat::NOTICE_KEY;

use crate::auth::CurrentUser;
use crate::pages::{CandidatView, Chrome, SessionHeader, Tab, session_tabs};
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "candidats.html")]
pub struct CandidatsPage {
    chrome: Option<Chrome>,
    header: SessionHeader,
    tabs: Vec<Tab>,
    candidats: Vec<CandidatView>,
    documents_allowed: bool,
    notice: Option<String>,
}

pub async fn list_candidats(
    State(state): State<AppState>,
    user: CurrentUser,
    web_session: Session,
    Path(id): Path<String>,
) -> Result<CandidatsPage, AppError> {
    let session = sessions::get_in_perimetre(&state.db, &user.perimetre, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = candidats::list_for_session(&state.db, &session.id).await?;
    let notice: Option<String> = web_session
        .remove(NOTICE_KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;

    Ok(CandidatsPage {
        chrome: Chrome::of(&user),
        header: SessionHeader::of(&session),
        tabs: session_tabs(&session.id, "candidats"),
        candidats: rows
            .iter()
            .map(|row| CandidatView::of(&session.id, row))
            .collect(),
        documents_allowed: SessionState::from_code(&session.state)
            .is_some_and(SessionState::allows_documents),
        notice,
    })
}
