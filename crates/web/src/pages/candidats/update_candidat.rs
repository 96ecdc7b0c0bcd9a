//! `POST /candidats/{candidat_id}/modifier`: saves the brouillon (R4, R13).
//!
//! A value that cannot be stored (a date that is no date) saves nothing: the form comes
//! back with every value as typed and the error beside its field. Values that can be
//! stored are saved even when the checks find errors: a brouillon may be incomplete, and
//! the agent's work is kept; « Valider » is what the errors stop. A change made meanwhile
//! by someone else is never overwritten unseen.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::candidat_data::CandidatInput;
use ceres_store::candidat_changes::{self, Author, ChangeOutcome};
use serde::Deserialize;
use tower_sessions::Session;

use super::candidat_record::{CandidatContext, Origin, check_data, leave_notice};
use super::edit_candidat::{Alert, FormPage};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(flatten)]
    input: CandidatInput,
    /// The revision of the record the form was shown.
    #[serde(default)]
    revision: String,
    #[serde(default)]
    session: Option<String>,
}

pub async fn update_candidat(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(candidat_id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let origin = Origin {
        session: form.session.clone(),
    };
    let context = CandidatContext::load(&state, &user, candidat_id, &origin).await?;
    let revision: i64 = form.revision.trim().parse().unwrap_or(-1);
    let refused = |status: StatusCode, errors, alert: Alert| {
        let (state, user, context, input) = (&state, &user, &context, &form.input);
        async move {
            let page = FormPage::build(state, user, context, input, errors, &[])
                .await?
                .with_alert(alert);
            Ok::<Response, AppError>((status, page).into_response())
        }
    };
    if !context.in_draft() {
        let alert = Alert {
            kind: "error",
            title: "Rien n'a été enregistré".to_owned(),
            text: "La fiche du candidat n'est pas à l'état brouillon (elle a peut-être été \
                   validée entre-temps). Revenez à l'état brouillon pour la modifier."
                .to_owned(),
        };
        return refused(StatusCode::CONFLICT, &[], alert).await;
    }

    // Read: what cannot be stored saves nothing.
    let data = match form.input.parse() {
        Ok(data) => data,
        Err(issues) => {
            let alert = Alert {
                kind: "error",
                title: "Rien n'a été enregistré".to_owned(),
                text: "Certaines valeurs ne peuvent pas être lues ; corrigez les champs \
                       signalés et enregistrez à nouveau. Vos saisies sont conservées."
                    .to_owned(),
            };
            let page = FormPage::build(&state, &user, &context, &form.input, &issues, &[])
                .await?
                .with_alert(alert)
                .with_revision(revision);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    // Check, then write from the revision the form was shown.
    let report = check_data(&state, candidat_id, &data).await?;
    let author = Author {
        actor: &user.id,
        now: state.clock.now(),
    };
    let outcome =
        candidat_changes::save_draft(&state.db, candidat_id, revision, &data, author).await?;
    match outcome {
        ChangeOutcome::Done { .. } | ChangeOutcome::Unchanged => {}
        ChangeOutcome::Missing => return Err(AppError::NotFound),
        ChangeOutcome::Stale | ChangeOutcome::WrongState => {
            let alert = Alert {
                kind: "error",
                title: "Rien n'a été enregistré : la fiche a été modifiée entre-temps".to_owned(),
                text: "Un autre enregistrement a eu lieu pendant votre saisie (voir la \
                       traçabilité du candidat). Vos saisies sont conservées ci-dessous : \
                       vérifiez-les, puis enregistrez à nouveau pour les appliquer."
                    .to_owned(),
            };
            return refused(StatusCode::CONFLICT, &report.errors, alert).await;
        }
    }

    // Answer: the form again while errors remain, else the record, ready to validate.
    let unchanged = outcome == ChangeOutcome::Unchanged;
    if report.errors.is_empty() {
        let notice = if unchanged {
            "Aucune modification : les informations étaient déjà celles-ci."
        } else {
            "Modifications enregistrées. La fiche est à l'état brouillon : validez-la pour \
             que ses documents puissent être envoyés."
        };
        leave_notice(&session, notice.to_owned()).await?;
        return Ok(Redirect::to(&context.page_href()).into_response());
    }
    let count = report.errors.len();
    leave_notice(
        &session,
        format!(
            "Brouillon enregistré. {count} erreur(s) empêchent encore la validation : elles \
             sont signalées à côté des champs."
        ),
    )
    .await?;
    Ok(Redirect::to(&context.form_href()).into_response())
}
