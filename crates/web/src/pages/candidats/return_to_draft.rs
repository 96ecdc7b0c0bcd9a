//! `POST /candidats/{candidat_id}/brouillon`: « Revenir à l'état brouillon », from the « ⋮ »
//! menu (R4). Allowed after a print request too: the tutorial's case 1 corrects the record,
//! then asks for a duplicata.
// Known limit: nothing stops a correction while the print provider is printing the
// candidate's pli; the pli carries the data of its request (lifted when the provider ledger
// says which plis are in progress, so that the page can warn).

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::Redirect;
use ceres_store::candidat_changes::{self, Author, ChangeOutcome};
use tower_sessions::Session;

use super::candidat_record::{CandidatContext, Origin, leave_notice};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub async fn return_to_draft(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(candidat_id): Path<i64>,
    form: Result<Form<Origin>, FormRejection>,
) -> Result<Redirect, AppError> {
    // The form carries only where the agent came from: without it, the action stands.
    let origin = form.map(|Form(origin)| origin).unwrap_or_default();
    let context = CandidatContext::load(&state, &user, candidat_id, &origin).await?;

    let author = Author {
        actor: &user.id,
        now: state.clock.now(),
    };
    let outcome = candidat_changes::return_to_draft(&state.db, candidat_id, author).await?;

    let notice = match outcome {
        ChangeOutcome::Done { .. } => {
            "La fiche du candidat est revenue à l'état brouillon : vous pouvez modifier ses \
             informations, puis les valider."
        }
        ChangeOutcome::WrongState => "La fiche du candidat était déjà à l'état brouillon.",
        ChangeOutcome::Missing => return Err(AppError::NotFound),
        ChangeOutcome::Unchanged | ChangeOutcome::Stale => {
            "La fiche a été modifiée entre-temps ; vérifiez son état."
        }
    };
    leave_notice(&session, notice.to_owned()).await?;
    Ok(Redirect::to(&context.form_href()))
}
