//! `POST /deconnexion`: ends the web session, and the provider's too after an OpenID
//! Connect sign-in.

use axum::extract::State;
use axum::response::Redirect;
use tower_sessions::Session;

use crate::auth::{SignInMethod, SignedIn};
use crate::{AppError, AppState};

pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<Redirect, AppError> {
    let signed_in = SignedIn::of(&session).await?;
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;

    if let Some(signed_in) = signed_in {
        tracing::info!(user.id = %signed_in.user_id, "signed out");
        if signed_in.method == SignInMethod::Oidc
            && let (Some(oidc), Some(id_token)) = (&state.oidc, &signed_in.id_token)
            && let Some(url) = oidc.logout_url(id_token).await
        {
            return Ok(Redirect::to(url.as_str()));
        }
    }
    Ok(Redirect::to("/connexion"))
}
