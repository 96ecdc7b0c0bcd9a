//! `GET /admin/utilisateurs`: the accounts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ceres_domain::role::Role;
use ceres_store::users;

use crate::auth::AdminUser;
use crate::pages::Chrome;
use crate::{AppError, AppState};

pub struct UserLine {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub role: &'static str,
    pub structure: String,
    pub active: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    chrome: Option<Chrome>,
    users: Vec<UserLine>,
}

pub async fn list_users(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
) -> Result<UsersPage, AppError> {
    let rows = users::list(&state.db).await?;

    Ok(UsersPage {
        chrome: Chrome::of(&user),
        users: rows
            .into_iter()
            .map(|u| UserLine {
                role: Role::from_code(&u.role).map_or("rôle inconnu", Role::label),
                structure: u.structure_nom.unwrap_or_default(),
                active: u.disabled_at.is_none(),
                id: u.id,
                display_name: u.display_name,
                email: u.email,
            })
            .collect(),
    })
}
