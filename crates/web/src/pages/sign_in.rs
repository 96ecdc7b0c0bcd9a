//! `GET /connexion` and `POST /connexion`: sign-in with a local account (argon2id), slowed
//! down after failed attempts, with the OpenID Connect button when it is configured.

use std::sync::LazyLock;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::clock::paris;
use ceres_store::sign_in_failures::{self, Attempt};
use ceres_store::users;
use serde::Deserialize;
use tower_sessions::Session;

use super::Chrome;
use crate::auth::{SignInMethod, sign_in_name_key, start_web_session, verify_password};
use crate::csrf::CsrfToken;
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    chrome: Option<Chrome>,
    email: String,
    error: Option<String>,
    notice: Option<&'static str>,
    /// The OpenID Connect button's label, when it is configured.
    oidc_label: Option<String>,
}

impl SignInPage {
    /// The page, with an error or a notice.
    pub fn new(state: &AppState, csrf: CsrfToken) -> SignInPage {
        SignInPage {
            chrome: Chrome::anonymous(csrf),
            email: String::new(),
            error: None,
            notice: None,
            oidc_label: state
                .oidc
                .as_ref()
                .map(|oidc| oidc.settings().button_label.clone()),
        }
    }

    /// The page with an error, answered with `status`.
    pub fn refusal(mut self, status: StatusCode, error: String) -> Response {
        self.error = Some(error);
        (status, self).into_response()
    }
}

#[derive(Deserialize)]
pub struct SignInQuery {
    session: Option<String>,
}

/// `GET /connexion`
pub async fn show_sign_in(
    State(state): State<AppState>,
    csrf: CsrfToken,
    Query(query): Query<SignInQuery>,
) -> SignInPage {
    let mut page = SignInPage::new(&state, csrf);
    if query.session.as_deref() == Some("expiree") {
        page.notice = Some("Votre session a expiré : identifiez-vous de nouveau.");
    }
    page
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

/// A hash checked when the account does not exist or is deactivated, so that the time
/// taken does not tell which addresses have accounts.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    crate::auth::hash_password("no account has this password").unwrap_or_default()
});

/// `POST /connexion`
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    csrf: CsrfToken,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut page = SignInPage::new(&state, csrf);
    page.email = form.email.clone();

    // Every attempt counts as a failure until the password is proven right, whether an
    // account has this address or not (the count tells nothing about accounts).
    let name_key = sign_in_name_key(&form.email);
    if let Attempt::Locked { until } =
        sign_in_failures::take_attempt(&state.db, &name_key, now).await?
    {
        tracing::info!("sign-in refused: too many failed attempts");
        let time = until
            .to_zoned_datetime(paris())
            .strftime("%H:%M")
            .to_string();
        return Ok(page.refusal(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Trop de tentatives de connexion ont échoué avec cette adresse. Par sécurité, \
                 réessayez à partir de {time}."
            ),
        ));
    }

    let user = users::find_by_email(&state.db, &form.email)
        .await?
        .filter(|user| user.disabled_at.is_none() && !user.password_hash.is_empty());
    let password = form.password;
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH.clone(), |u| u.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;

    match user {
        Some(user) if matches => {
            sign_in_failures::clear(&state.db, &name_key).await?;
            start_web_session(&session, &user.id, SignInMethod::Password, None, now).await?;
            Ok(Redirect::to("/").into_response())
        }
        _ => {
            tracing::info!("sign-in refused: wrong address or password");
            Ok(page.refusal(
                StatusCode::UNAUTHORIZED,
                "Adresse électronique ou mot de passe incorrect.".to_owned(),
            ))
        }
    }
}
