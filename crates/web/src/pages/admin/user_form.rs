//! The form of an account, shared by creation and update.

use askama::Template;
use askama_web::WebTemplate;
use ceres_domain::role::Role;
use ceres_store::structures;
use ceres_store::users::User;
use serde::Deserialize;

use super::structure_form::looks_like_email;
use super::{Choice, FieldError, error_for};
use crate::pages::Chrome;
use crate::pages::audit_view::AuditLine;
use crate::{AppError, AppState};

/// Fewest characters of a password an administrator sets.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// What the form sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub structure_id: String,
    /// « oui » when the box « Compte actif » is ticked.
    #[serde(default)]
    pub actif: Option<String>,
    /// A new password; empty keeps the current one (or none: OpenID Connect only).
    #[serde(default)]
    pub password: String,
    /// « oui » to forget the failed sign-in attempts.
    #[serde(default)]
    pub debloquer: Option<String>,
}

impl UserForm {
    /// The form filled with a stored account.
    pub fn of(user: &User) -> UserForm {
        UserForm {
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role.clone(),
            structure_id: user.structure_id.clone().unwrap_or_default(),
            actif: user.disabled_at.is_none().then(|| "oui".to_owned()),
            password: String::new(),
            debloquer: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.actif.as_deref() == Some("oui")
    }

    /// Checks the form; `base` holds what the form does not set (id, dates, hashes).
    pub async fn parse(
        &self,
        state: &AppState,
        base: &User,
        now: &str,
    ) -> Result<User, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = self.email.trim();
        if !looks_like_email(email) {
            errors.push(FieldError::new(
                "email",
                "Adresse électronique : ce n'est pas une adresse (nom@domaine.fr).",
            ));
        }
        if self.display_name.trim().is_empty() {
            errors.push(FieldError::new(
                "display_name",
                "Nom affiché : à renseigner.",
            ));
        }
        let role = Role::from_code(&self.role);
        if role.is_none() {
            errors.push(FieldError::new("role", "Rôle : choisissez un rôle."));
        }
        let structure_id = self.structure_id.trim();
        let needs_structure = role.is_some_and(Role::needs_structure);
        if needs_structure && !matches!(structures::get(&state.db, structure_id).await, Ok(Some(_)))
        {
            errors.push(FieldError::new(
                "structure_id",
                "Structure : un agent appartient à une structure, choisissez-la.",
            ));
        }
        if !self.password.is_empty() && self.password.chars().count() < MIN_PASSWORD_CHARS {
            errors.push(FieldError::new(
                "password",
                format!("Mot de passe : {MIN_PASSWORD_CHARS} caractères au moins."),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        Ok(User {
            email: email.to_owned(),
            display_name: self.display_name.trim().to_owned(),
            role: role.map(Role::code).unwrap_or_default().to_owned(),
            structure_id: needs_structure.then(|| structure_id.to_owned()),
            disabled_at: match (&base.disabled_at, self.is_active()) {
                (_, true) => None,
                (Some(since), false) => Some(since.clone()),
                (None, false) => Some(now.to_owned()),
            },
            ..base.clone()
        })
    }
}

/// The form's page, for creation and update.
#[derive(Template, WebTemplate)]
#[template(path = "admin_user_form.html")]
pub struct UserFormPage {
    pub chrome: Option<Chrome>,
    pub title: String,
    pub action: String,
    pub creating: bool,
    pub form: UserForm,
    pub errors: Vec<FieldError>,
    pub roles: Vec<Choice>,
    pub structures: Vec<Choice>,
    /// The account's failed sign-in attempts lock it until this time (Paris), if they do.
    pub locked_until: Option<String>,
    /// Whether the account signs in through OpenID Connect (a `sub` is bound).
    pub oidc_bound: bool,
    pub history: Option<Vec<AuditLine>>,
    pub notice: Option<String>,
}

impl UserFormPage {
    pub async fn new(
        state: &AppState,
        chrome: Option<Chrome>,
        title: String,
        action: String,
        form: UserForm,
    ) -> Result<UserFormPage, AppError> {
        let roles = Role::ALL
            .into_iter()
            .map(|role| Choice {
                value: role.code().to_owned(),
                label: role.label().to_owned(),
                selected: form.role == role.code(),
            })
            .collect();
        let structures = structures::list(&state.db)
            .await?
            .into_iter()
            .map(|s| Choice {
                selected: s.id == form.structure_id,
                value: s.id,
                label: s.nom,
            })
            .collect();
        Ok(UserFormPage {
            chrome,
            title,
            action,
            creating: false,
            form,
            errors: Vec::new(),
            roles,
            structures,
            locked_until: None,
            oidc_bound: false,
            history: None,
            notice: None,
        })
    }

    /// The message of a field, for the template.
    pub fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}
