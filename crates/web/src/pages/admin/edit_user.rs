//! `GET /admin/utilisateurs/{id}` and `POST /admin/utilisateurs/{id}`: an account's name,
//! address, role, structure and state; a new password; the failed attempts forgotten.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ceres_domain::clock::paris;
use ceres_domain::role::Role;
use ceres_store::users::{self, AccountError, Change, User};
use ceres_store::{audit, sign_in_failures, timestamp_text};

use super::FieldError;
use super::user_form::{UserForm, UserFormPage};
use crate::auth::{AdminUser, CurrentUser, hash_password, sign_in_name_key};
use crate::pages::Chrome;
use crate::pages::audit_view::AuditLine;
use crate::{AppError, AppState};

async fn page_for(
    state: &AppState,
    admin: &CurrentUser,
    account: &User,
    form: UserForm,
    errors: Vec<FieldError>,
) -> Result<UserFormPage, AppError> {
    let mut page = UserFormPage::new(
        state,
        Chrome::of(admin),
        account.display_name.clone(),
        format!("/admin/utilisateurs/{}", account.id),
        form,
    )
    .await?;
    page.errors = errors;
    page.oidc_bound = account.oidc_subject.is_some();
    page.locked_until = sign_in_failures::locked_until(
        &state.db,
        &sign_in_name_key(&account.email),
        state.clock.now(),
    )
    .await?
    .map(|until| {
        until
            .to_zoned_datetime(paris())
            .strftime("%d/%m/%Y %H:%M")
            .to_string()
    });
    let history = audit::list_for_entity(&state.db, "app_user", &account.id).await?;
    page.history = Some(history.iter().map(AuditLine::of).collect());
    Ok(page)
}

/// `GET /admin/utilisateurs/{id}`
pub async fn show_user(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<UserFormPage, AppError> {
    let account = users::get(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    page_for(&state, &admin, &account, UserForm::of(&account), Vec::new()).await
}

/// `POST /admin/utilisateurs/{id}`
pub async fn update_user(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    Form(form): Form<UserForm>,
) -> Result<Response, AppError> {
    let stored = users::get(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = timestamp_text(state.clock.now());
    let refuse = async |errors: Vec<FieldError>| -> Result<Response, AppError> {
        let page = page_for(&state, &admin, &stored, form.clone(), errors).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };

    // Check: the form, and an administrator never locks themself out.
    let account = match form.parse(&state, &stored, &now).await {
        Ok(account) => account,
        Err(errors) => return refuse(errors).await,
    };
    if account.id == admin.id
        && (account.role != Role::Admin.code() || account.disabled_at.is_some())
    {
        return refuse(vec![FieldError::new(
            "role",
            "Vous ne pouvez ni retirer votre propre rôle d'administrateur ni désactiver votre \
             propre compte : demandez-le à un autre administrateur.",
        )])
        .await;
    }

    // Write: the account, then the password and the failed attempts, each traced.
    let change = Change {
        actor: &admin.id,
        at: &now,
    };
    match users::update(&state.db, &account, change).await {
        Ok(Some(())) => {}
        Ok(None) => return Err(AppError::NotFound),
        Err(AccountError::EmailTaken) => {
            return refuse(vec![FieldError::new(
                "email",
                "Adresse électronique : un autre compte l'utilise déjà.",
            )])
            .await;
        }
        Err(AccountError::Store(error)) => return Err(error.into()),
    }
    if !form.password.is_empty() {
        let password = form.password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        users::set_password(&state.db, &account.id, &hash, change).await?;
    }
    if form.debloquer.as_deref() == Some("oui") {
        sign_in_failures::clear(&state.db, &sign_in_name_key(&account.email)).await?;
        sign_in_failures::clear(&state.db, &sign_in_name_key(&stored.email)).await?;
    }

    let mut page = page_for(&state, &admin, &account, UserForm::of(&account), Vec::new()).await?;
    page.notice = Some("Le compte est enregistré.".to_owned());
    Ok(page.into_response())
}
