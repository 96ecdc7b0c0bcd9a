//! `GET /sessions/{id}/candidats/{candidat_id}`: the review screen of a candidate's
//! documents, before the print request (R2, R3).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use ceres_domain::print::documents_for;
use ceres_domain::session::{Resultat, SessionNature, SessionState};
use ceres_store::candidats::{self, InscriptionRow};
use ceres_store::sessions::{self, SessionRow};
use tower_sessions::Session;

use super::check_candidat;
use crate::auth::CurrentUser;
use crate::pages::{CandidatView, Chrome};
use crate::{AppError, AppState};

/// The key of the one-shot notice shown after a redirect.
pub(crate) const NOTICE_KEY: &str = "notice";

pub struct DocumentLink {
    label: &'static str,
    href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub struct ReviewPage {
    chrome: Option<Chrome>,
    session_id: String,
    c: CandidatView,
    position: usize,
    total: usize,
    notice: Option<String>,
    refusals: Vec<String>,
    invalid: Option<String>,
    issues: Vec<String>,
    warnings: Vec<String>,
    documents: Vec<DocumentLink>,
    can_send: bool,
    send_href: String,
    previous_href: Option<String>,
    next_href: Option<String>,
}

/// Everything the review screen and the print request need, loaded in the périmètre.
pub struct ReviewContext {
    pub session: SessionRow,
    pub candidats: Vec<InscriptionRow>,
    /// Index of the reviewed candidate in `candidats`.
    pub index: usize,
}

impl ReviewContext {
    /// Loads the session (R12: 404 outside the périmètre) and its candidates, and finds the
    /// reviewed one (404 when not registered there).
    pub async fn load(
        state: &AppState,
        user: &CurrentUser,
        session_id: &str,
        candidat_id: i64,
    ) -> Result<ReviewContext, AppError> {
        let session = sessions::get_in_perimetre(&state.db, &user.perimetre, session_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let candidats = candidats::list_for_session(&state.db, &session.id).await?;
        let index = candidats
            .iter()
            .position(|c| c.id == candidat_id)
            .ok_or(AppError::NotFound)?;
        Ok(ReviewContext {
            session,
            candidats,
            index,
        })
    }

    pub fn candidat(&self) -> &InscriptionRow {
        &self.candidats[self.index]
    }

    /// What the session certifies; a session with an unknown code is read as a titre
    /// session (the column is written by ceres only, with known codes).
    pub fn nature(&self) -> SessionNature {
        SessionNature::from_code(&self.session.nature).unwrap_or(SessionNature::Titre)
    }

    pub fn session_allows_documents(&self) -> bool {
        SessionState::from_code(&self.session.state).is_some_and(SessionState::allows_documents)
    }

    /// The review URL of the candidate `offset` places away, if there is one.
    pub fn neighbour_href(&self, offset: isize) -> Option<String> {
        let index = self.index.checked_add_signed(offset)?;
        self.candidats
            .get(index)
            .map(|c| format!("/sessions/{}/candidats/{}", self.session.id, c.id))
    }

    /// Builds the page, with the refusals of a print request just attempted, if any.
    pub fn page(
        &self,
        user: &CurrentUser,
        notice: Option<String>,
        refusals: Vec<String>,
    ) -> ReviewPage {
        let row = self.candidat();
        let report = check_candidat(&self.session, row);
        let base = format!("/sessions/{}/candidats/{}", self.session.id, row.id);

        let resultat = row.resultat.as_deref().and_then(Resultat::from_code);
        let ccps_obtenus = row.ccps_obtenus.split_whitespace().count();
        let documents = resultat
            .map(|resultat| documents_for(self.nature(), resultat, ccps_obtenus))
            .unwrap_or_default()
            .into_iter()
            .map(|kind| DocumentLink {
                label: kind.label(),
                href: format!("{base}/apercu/{}.pdf", kind.slug()),
            })
            .collect();

        ReviewPage {
            chrome: Chrome::of(user),
            session_id: self.session.id.clone(),
            c: CandidatView::of(&self.session.id, row),
            position: self.index + 1,
            total: self.candidats.len(),
            notice,
            refusals,
            invalid: report.refusal(),
            issues: report.errors.iter().map(|i| i.message.clone()).collect(),
            warnings: report.warnings.iter().map(|i| i.message.clone()).collect(),
            documents,
            can_send: self.session_allows_documents()
                && resultat.is_some()
                && row.initial_requested_on.is_none(),
            send_href: format!("{base}/demande-impression"),
            previous_href: self.neighbour_href(-1),
            next_href: self.neighbour_href(1),
        }
    }
}

pub async fn review_candidat(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path((session_id, candidat_id)): Path<(String, i64)>,
) -> Result<ReviewPage, AppError> {
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    if !context.session_allows_documents() {
        // R1: no document screen before validation.
        return Err(AppError::NotFound);
    }

    let notice: Option<String> = session
        .remove(NOTICE_KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(context.page(&user, notice, Vec::new()))
}
