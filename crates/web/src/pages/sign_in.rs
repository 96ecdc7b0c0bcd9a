//! Sign-in and sign-out with a local account.

use std::sync::LazyLock;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_store::users;
use serde::Deserialize;
use tower_sessions::Session;

use super::Chrome;
use crate::auth::{USER_ID_KEY, verify_password};
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Option<Chrome>,
    email: String,
    error: Option<&'static str>,
}

/// `GET /connexion`
pub async fn show_sign_in() -> impl IntoResponse {
    SignInPage {
        chrome: None,
        email: String::new(),
        error: None,
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

/// A hash checked when the account does not exist, so that the time taken does not tell
/// which addresses have accounts.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    crate::auth::hash_password("no account has this password").unwrap_or_default()
});

/// `POST /connexion`
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let user = users::find_by_email(&state.db, &form.email).await?;
    let password = form.password;
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH.clone(), |u| u.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;

    match user {
        Some(user) if matches => {
            session
                .cycle_id()
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            session
                .insert(USER_ID_KEY, &user.id)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            tracing::info!(user.id = %user.id, "signed in");
            Ok(Redirect::to("/sessions").into_response())
        }
        _ => {
            tracing::info!("sign-in refused");
            let page = SignInPage {
                chrome: None,
                email: form.email,
                error: Some("Adresse électronique ou mot de passe incorrect."),
            };
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

/// `POST /deconnexion`
pub async fn sign_out(session: Session) -> Result<Redirect, AppError> {
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/connexion"))
}
