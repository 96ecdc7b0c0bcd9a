//! Passwords, the signed-in user, and the périmètre that follows from the account (R12).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::perimetre::Perimetre;
use ceres_store::structures::{self, Structure};
use ceres_store::users;
use tower_sessions::Session;

use crate::{AppError, AppState};

/// The key of the user id in the web session.
pub(crate) const USER_ID_KEY: &str = "user_id";

/// Hashes a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    Ok(hash.to_string())
}

/// Checks a password against a PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// The signed-in user, with what the account may see.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub display_name: String,
    pub role: String,
    pub structure: Option<Structure>,
    pub perimetre: Perimetre,
}

impl CurrentUser {
    /// The name of the user's structure, for the header.
    pub fn structure_name(&self) -> &str {
        self.structure.as_ref().map_or("", |s| s.nom.as_str())
    }
}

/// Why no user could be read from the request.
pub enum AuthRejection {
    /// Not signed in: go to the sign-in page.
    SignIn,
    Error(AppError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignIn => Redirect::to("/connexion").into_response(),
            AuthRejection::Error(error) => error.into_response(),
        }
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
            .map_err(|_| AuthRejection::Error(AppError::Internal("no session layer".into())))?;
        let user_id: Option<String> = session
            .get(USER_ID_KEY)
            .await
            .map_err(|e| AuthRejection::Error(AppError::Internal(e.to_string())))?;
        let Some(user_id) = user_id else {
            return Err(AuthRejection::SignIn);
        };

        let user = users::get(&state.db, &user_id)
            .await
            .map_err(|e| AuthRejection::Error(e.into()))?
            .ok_or(AuthRejection::SignIn)?;
        let structure = match &user.structure_id {
            Some(id) => structures::get(&state.db, id)
                .await
                .map_err(|e| AuthRejection::Error(e.into()))?,
            None => None,
        };

        let perimetre = match (user.role.as_str(), &structure) {
            ("admin", _) => Perimetre::National,
            ("agent", Some(structure)) => structure.perimetre(),
            _ => Perimetre::Aucun,
        };
        Ok(CurrentUser {
            id: user.id,
            display_name: user.display_name,
            role: user.role,
            structure,
            perimetre,
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
    }
}
