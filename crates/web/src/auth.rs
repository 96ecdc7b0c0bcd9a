//! Passwords, the signed-in user, and the périmètre that follows from the account (R12).
//!
//! A web session is opened by [`start_web_session`] once a user has proven who they are (a
//! local password, or OpenID Connect), and read back on each request by the [`CurrentUser`]
//! extractor, which ends it after [`SESSION_IDLE_TIMEOUT`] without a request or
//! [`SESSION_MAX_AGE`] in all, by the injected clock, and as soon as the account is
//! deactivated.
//!
//! [`SESSION_IDLE_TIMEOUT`]: ceres_domain::sign_in::SESSION_IDLE_TIMEOUT
//! [`SESSION_MAX_AGE`]: ceres_domain::sign_in::SESSION_MAX_AGE

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::perimetre::Perimetre;
use ceres_domain::role::Role;
use ceres_domain::sign_in::session_has_expired;
use ceres_store::structures::{self, Structure};
use ceres_store::users;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use crate::csrf::CsrfToken;
use crate::{AppError, AppState};

/// The key of [`SignedIn`] in the web session.
const SIGNED_IN_KEY: &str = "signed_in";

/// How often the last request's instant is written back to the web session.
const LAST_SEEN_RESOLUTION: SignedDuration = SignedDuration::from_mins(1);

/// Hashes a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    Ok(hash.to_string())
}

/// Checks a password against a PHC string; a malformed hash (or none) never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// The key failed attempts are counted under: the SHA-256 of the normalised e-mail
/// address, so that the table never holds an address in clear.
pub fn sign_in_name_key(email: &str) -> String {
    hex::encode(Sha256::digest(users::normalise_email(email).as_bytes()))
}

/// How the user proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    Password,
    Oidc,
}

/// What the web session knows of its signed-in user.
#[derive(Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: String,
    pub signed_in_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub method: SignInMethod,
    /// The OpenID Connect ID token, handed back to the provider at sign-out.
    pub id_token: Option<String>,
}

impl SignedIn {
    /// What the web session of this request knows, if someone signed in.
    pub async fn of(session: &Session) -> Result<Option<SignedIn>, AppError> {
        session
            .get(SIGNED_IN_KEY)
            .await
            .map_err(|e| AppError::Internal(format!("session: {e}")))
    }
}

/// Opens the web session of a user who has just proven who they are: a new session id
/// (against fixation) and a new CSRF token.
pub async fn start_web_session(
    session: &Session,
    user_id: &str,
    method: SignInMethod,
    id_token: Option<String>,
    now: Timestamp,
) -> Result<(), AppError> {
    let internal = |e: tower_sessions::session::Error| AppError::Internal(format!("session: {e}"));
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(
            SIGNED_IN_KEY,
            SignedIn {
                user_id: user_id.to_owned(),
                signed_in_at: now,
                last_seen_at: now,
                method,
                id_token,
            },
        )
        .await
        .map_err(internal)?;
    CsrfToken::renew(session).await?;
    tracing::info!(user.id = %user_id, method = ?method, "signed in");
    Ok(())
}

/// The signed-in user, with what the account may see.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub display_name: String,
    pub role: Role,
    pub structure: Option<Structure>,
    pub perimetre: Perimetre,
    /// The web session's CSRF token, for the forms of the page.
    pub csrf: CsrfToken,
}

impl CurrentUser {
    /// The name of the user's structure, for the header.
    pub fn structure_name(&self) -> &str {
        match (&self.structure, self.role) {
            (Some(structure), _) => structure.nom.as_str(),
            (None, Role::Admin) => "Administration nationale",
            (None, Role::Provider) => "Prestataire d'impression",
            (None, Role::Agent) => "",
        }
    }
}

/// Why no user could be read from the request.
pub enum AuthRejection {
    /// Not signed in: go to the sign-in page.
    SignIn,
    /// The web session has just ended: go to the sign-in page, which says so.
    Expired,
    Error(AppError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignIn => Redirect::to("/connexion").into_response(),
            AuthRejection::Expired => Redirect::to("/connexion?session=expiree").into_response(),
            AuthRejection::Error(error) => error.into_response(),
        }
    }
}

impl From<AppError> for AuthRejection {
    fn from(error: AppError) -> Self {
        AuthRejection::Error(error)
    }
}

impl From<ceres_store::StoreError> for AuthRejection {
    fn from(error: ceres_store::StoreError) -> Self {
        AuthRejection::Error(error.into())
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal("no session layer".into()))?;
        let internal = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
        let Some(mut signed_in) = SignedIn::of(&session).await? else {
            return Err(AuthRejection::SignIn);
        };

        // The session ends on the injected clock, and with the account.
        let now = state.clock.now();
        if session_has_expired(signed_in.signed_in_at, signed_in.last_seen_at, now) {
            session.flush().await.map_err(internal)?;
            tracing::info!(user.id = %signed_in.user_id, "web session expired");
            return Err(AuthRejection::Expired);
        }
        let user = users::get(&state.db, &signed_in.user_id).await?;
        let Some(user) = user.filter(|u| u.disabled_at.is_none()) else {
            session.flush().await.map_err(internal)?;
            return Err(AuthRejection::SignIn);
        };
        if now.duration_since(signed_in.last_seen_at) >= LAST_SEEN_RESOLUTION {
            signed_in.last_seen_at = now;
            session
                .insert(SIGNED_IN_KEY, &signed_in)
                .await
                .map_err(internal)?;
        }

        let role = Role::from_code(&user.role).ok_or_else(|| {
            AppError::Internal(format!("account {} has an unknown role", user.id))
        })?;
        let structure = match &user.structure_id {
            Some(id) => structures::get(&state.db, id).await?,
            None => None,
        };
        let perimetre = role.perimetre(structure.as_ref().map(Structure::perimetre));
        Ok(CurrentUser {
            id: user.id,
            display_name: user.display_name,
            role,
            structure,
            perimetre,
            csrf: CsrfToken::of(&session).await?,
        })
    }
}

/// A signed-in national administrator. Anyone else gets the same 404 as for a page that
/// does not exist (R12: never a 403 that tells the page is there).
#[derive(Debug, Clone)]
pub struct AdminUser(pub CurrentUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.role != Role::Admin {
            return Err(AuthRejection::Error(AppError::NotFound));
        }
        Ok(AdminUser(user))
    }
}

/// A signed-in operator of the print provider, with the provider they work for. Anyone
/// else gets the same 404 as for a page that does not exist (R12).
///
/// Known limit: every operator works for the one provider of the ledger
/// (`ledger::DEFAULT_PROVIDER`); accounts do not name their provider yet.
#[derive(Debug, Clone)]
pub struct ProviderUser {
    pub user: CurrentUser,
    pub provider: String,
}

impl FromRequestParts<AppState> for ProviderUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.role != Role::Provider {
            return Err(AuthRejection::Error(AppError::NotFound));
        }
        Ok(ProviderUser {
            user,
            provider: ceres_store::ledger::DEFAULT_PROVIDER.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("ceres-demo-2026").unwrap();

        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("ceres-demo-2026", &hash));
        assert!(!verify_password("ceres-demo-2027", &hash));
        assert!(!verify_password("ceres-demo-2026", "not a hash"));
        assert!(!verify_password("", ""));
    }

    #[test]
    fn failures_are_counted_under_a_digest_of_the_normalised_address() {
        let key = sign_in_name_key(" Agent.UD75@demo.ceres.fr ");

        assert_eq!(key, sign_in_name_key("agent.ud75@demo.ceres.fr"));
        assert_eq!(key.len(), 64);
        assert!(!key.contains("ud75"));
    }
}
