//! `GET /admin/structures/nouvelle` and `POST /admin/structures`: a new structure.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_store::structures;
use ceres_store::users::Change;
use ceres_store::{new_id, timestamp_text};

use super::FieldError;
use super::structure_form::{StructureForm, StructureFormPage};
use crate::auth::AdminUser;
use crate::pages::Chrome;
use crate::{AppError, AppState};

const TITLE: &str = "Nouvelle structure";

/// `GET /admin/structures/nouvelle`
pub async fn show_new_structure(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
) -> Result<StructureFormPage, AppError> {
    let form = StructureForm {
        kind: "ud".into(),
        ..StructureForm::blank()
    };
    StructureFormPage::new(&state, Chrome::of(&user), TITLE.into(), action(), form).await
}

fn action() -> String {
    "/admin/structures".to_owned()
}

/// `POST /admin/structures`
pub async fn create_structure(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    Form(form): Form<StructureForm>,
) -> Result<Response, AppError> {
    let id = new_id();
    let structure = match form.parse(&state, &id).await {
        Ok(structure) => structure,
        Err(errors) => return refused(&state, &user, form, errors).await,
    };

    let at = timestamp_text(state.clock.now());
    let change = Change {
        actor: &user.id,
        at: &at,
    };
    structures::create(&state.db, &structure, change).await?;
    Ok(Redirect::to(&format!("/admin/structures/{id}")).into_response())
}

async fn refused(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    form: StructureForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let mut page =
        StructureFormPage::new(state, Chrome::of(user), TITLE.into(), action(), form).await?;
    page.errors = errors;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
