//! The national administration: structures (their address, signatory and the contact of
//! their letters) and user accounts. Only national administrators reach these pages
//! ([`crate::auth::AdminUser`]); anyone else gets the 404 of a page that does not exist.

pub mod edit_structure;
pub mod edit_user;
pub mod list_structures;
pub mod list_users;
pub mod new_structure;
pub mod new_user;
pub mod print_pipeline;
pub mod structure_form;
pub mod user_form;

/// A field of a form and what is wrong with it, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name, to mark it.
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// The message of a field, if it has one: what templates show under the field.
pub fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A choice of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}
