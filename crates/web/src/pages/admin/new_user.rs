//! `GET /admin/utilisateurs/nouveau` and `POST /admin/utilisateurs`: a new account.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_store::users::{self, AccountError, Change, User};
use ceres_store::{new_id, timestamp_text};

use super::FieldError;
use super::user_form::{UserForm, UserFormPage};
use crate::auth::{AdminUser, CurrentUser, hash_password};
use crate::pages::Chrome;
use crate::{AppError, AppState};

const TITLE: &str = "Nouveau compte";
const ACTION: &str = "/admin/utilisateurs";

async fn page(
    state: &AppState,
    user: &CurrentUser,
    form: UserForm,
    errors: Vec<FieldError>,
) -> Result<UserFormPage, AppError> {
    let mut page =
        UserFormPage::new(state, Chrome::of(user), TITLE.into(), ACTION.into(), form).await?;
    page.creating = true;
    page.errors = errors;
    Ok(page)
}

/// `GET /admin/utilisateurs/nouveau`
pub async fn show_new_user(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
) -> Result<UserFormPage, AppError> {
    let form = UserForm {
        role: "agent".into(),
        actif: Some("oui".into()),
        ..UserForm::default()
    };
    page(&state, &user, form, Vec::new()).await
}

/// `POST /admin/utilisateurs`
pub async fn create_user(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    Form(form): Form<UserForm>,
) -> Result<Response, AppError> {
    let now = timestamp_text(state.clock.now());
    let base = User {
        id: new_id(),
        email: String::new(),
        display_name: String::new(),
        password_hash: String::new(),
        role: String::new(),
        structure_id: None,
        created_at: now.clone(),
        disabled_at: None,
        oidc_subject: None,
    };
    let mut account = match form.parse(&state, &base, &now).await {
        Ok(account) => account,
        Err(errors) => {
            let page = page(&state, &user, form, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if !form.password.is_empty() {
        let password = form.password.clone();
        account.password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }

    let change = Change {
        actor: &user.id,
        at: &now,
    };
    match users::create(&state.db, &account, change).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/utilisateurs/{}", account.id)).into_response()),
        Err(AccountError::EmailTaken) => {
            let errors = vec![FieldError::new(
                "email",
                "Adresse électronique : un autre compte l'utilise déjà.",
            )];
            let page = page(&state, &user, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AccountError::Store(error)) => Err(error.into()),
    }
}
