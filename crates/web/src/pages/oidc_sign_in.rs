//! `GET /connexion/oidc` and `GET /connexion/oidc/retour`: sign-in through the configured
//! OpenID Connect provider (ProConnect for the State's agents).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_store::timestamp_text;
use ceres_store::users::{self, Change, User};
use serde::Deserialize;
use tower_sessions::Session;

use super::sign_in::SignInPage;
use crate::auth::{SignInMethod, start_web_session};
use crate::csrf::CsrfToken;
use crate::oidc::{Oidc, PendingSignIn, ProvenIdentity};
use crate::{AppError, AppState};

/// The key of the pending sign-in in the web session.
const PENDING_KEY: &str = "oidc_pending";

fn configured(state: &AppState) -> Result<&Oidc, AppError> {
    state.oidc.as_deref().ok_or(AppError::NotFound)
}

/// `GET /connexion/oidc`: sends the browser to the provider.
pub async fn start_oidc_sign_in(
    State(state): State<AppState>,
    session: Session,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let oidc = configured(&state)?;
    let (url, pending) = match oidc.begin().await {
        Ok(begun) => begun,
        Err(error) => {
            tracing::error!(error = %error, "OpenID Connect sign-in could not start");
            return Ok(SignInPage::new(&state, csrf).refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "Le fournisseur d'identité ne répond pas. Réessayez dans un instant, ou \
                 connectez-vous avec votre mot de passe CERES."
                    .to_owned(),
            ));
        }
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to(url.as_str()).into_response())
}

#[derive(Deserialize)]
pub struct ProviderAnswer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /connexion/oidc/retour`: the provider's answer.
pub async fn finish_oidc_sign_in(
    State(state): State<AppState>,
    session: Session,
    csrf: CsrfToken,
    Query(answer): Query<ProviderAnswer>,
) -> Result<Response, AppError> {
    let oidc = configured(&state)?;
    let page = SignInPage::new(&state, csrf);
    let pending: Option<PendingSignIn> = session
        .remove(PENDING_KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;

    // Check: a sign-in this browser started, answered with a code.
    let (Some(pending), Some(code), Some(answer_state)) = (pending, answer.code, answer.state)
    else {
        if let Some(error) = answer.error {
            tracing::info!(oidc.error = %error, "OpenID Connect sign-in refused by the provider");
        }
        return Ok(page.refusal(
            StatusCode::BAD_REQUEST,
            "La connexion par le fournisseur d'identité n'a pas abouti ou a expiré. \
             Recommencez depuis cette page."
                .to_owned(),
        ));
    };
    let identity = match oidc.finish(&pending, &code, &answer_state).await {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(error = %error, "OpenID Connect sign-in failed");
            return Ok(page.refusal(
                StatusCode::BAD_REQUEST,
                "Le fournisseur d'identité n'a pas pu confirmer votre identité. Recommencez \
                 depuis cette page."
                    .to_owned(),
            ));
        }
    };

    // Find the account: by its bound subject, else by e-mail address (then bound).
    let now = state.clock.now();
    let Some(user) = account_for(&state, &identity, &timestamp_text(now)).await? else {
        tracing::info!("OpenID Connect sign-in refused: no matching account");
        return Ok(page.refusal(
            StatusCode::FORBIDDEN,
            "Aucun compte CERES actif n'est ouvert pour l'identité que le fournisseur a \
             confirmée. Demandez à votre administrateur d'ouvrir un compte à votre adresse \
             électronique professionnelle."
                .to_owned(),
        ));
    };

    start_web_session(
        &session,
        &user.id,
        SignInMethod::Oidc,
        Some(identity.id_token),
        now,
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}

/// The active account the provider's identity belongs to.
async fn account_for(
    state: &AppState,
    identity: &ProvenIdentity,
    at: &str,
) -> Result<Option<User>, AppError> {
    if let Some(user) = users::find_by_oidc_subject(&state.db, &identity.subject).await? {
        return Ok(user.disabled_at.is_none().then_some(user));
    }
    let Some(email) = &identity.email else {
        return Ok(None);
    };
    let Some(user) = users::find_by_email(&state.db, email).await? else {
        return Ok(None);
    };
    if user.disabled_at.is_some() || user.oidc_subject.is_some() {
        // Bound to another subject: an address taken over at the provider is not enough.
        return Ok(None);
    }
    let change = Change {
        actor: &user.id,
        at,
    };
    if !users::bind_oidc_subject(&state.db, &user.id, &identity.subject, change).await? {
        return Ok(None);
    }
    Ok(Some(user))
}
