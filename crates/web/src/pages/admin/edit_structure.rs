//! `GET /admin/structures/{id}` and `POST /admin/structures/{id}`: a structure's settings
//! (postal address, signatory, contact of the letters), with their traçabilité. The
//! documents read them at their next rendering.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ceres_store::structures::{self, Structure};
use ceres_store::users::Change;
use ceres_store::{audit, timestamp_text};

use super::structure_form::{StructureForm, StructureFormPage};
use crate::auth::{AdminUser, CurrentUser};
use crate::pages::Chrome;
use crate::pages::audit_view::AuditLine;
use crate::{AppError, AppState};

async fn page_for(
    state: &AppState,
    user: &CurrentUser,
    structure: &Structure,
    form: StructureForm,
) -> Result<StructureFormPage, AppError> {
    let mut page = StructureFormPage::new(
        state,
        Chrome::of(user),
        structure.nom.clone(),
        format!("/admin/structures/{}", structure.id),
        form,
    )
    .await?;
    let history = audit::list_for_entity(&state.db, "structure", &structure.id).await?;
    page.history = Some(history.iter().map(AuditLine::of).collect());
    Ok(page)
}

/// `GET /admin/structures/{id}`
pub async fn show_structure(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    Path(id): Path<String>,
) -> Result<StructureFormPage, AppError> {
    let structure = structures::get(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    page_for(&state, &user, &structure, StructureForm::of(&structure)).await
}

/// `POST /admin/structures/{id}`
pub async fn update_structure(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    Path(id): Path<String>,
    Form(form): Form<StructureForm>,
) -> Result<Response, AppError> {
    let stored = structures::get(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let structure = match form.parse(&state, &id).await {
        Ok(structure) => structure,
        Err(errors) => {
            let mut page = page_for(&state, &user, &stored, form).await?;
            page.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let at = timestamp_text(state.clock.now());
    let change = Change {
        actor: &user.id,
        at: &at,
    };
    if !structures::update(&state.db, &structure, change).await? {
        return Err(AppError::NotFound);
    }
    let mut page = page_for(&state, &user, &structure, StructureForm::of(&structure)).await?;
    page.notice = Some("Les paramètres de la structure sont enregistrés.".to_owned());
    Ok(page.into_response())
}
