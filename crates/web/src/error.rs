//! The one place where errors become HTTP responses.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Errors a handler can end with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// R12: missing, or outside the user's périmètre; the two are never told apart.
    #[error("not found")]
    NotFound,
    /// A form sent without the session's CSRF token, or with another one.
    #[error("CSRF token missing or wrong")]
    CsrfRejected,
    /// A body larger than the CSRF layer reads.
    #[error("request body too large")]
    PayloadTooLarge,
    #[error(transparent)]
    Store(#[from] ceres_store::StoreError),
    #[error(transparent)]
    Render(#[from] ceres_render::RenderError),
    #[error("{0}")]
    Internal(String),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Option<crate::pages::Chrome>,
    status: u16,
    title: &'static str,
    message: &'static str,
    code: &'static str,
    error_id: String,
}

impl AppError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str, &'static str) {
        match self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page non trouvée",
                "La page que vous cherchez n'existe pas ou ne fait pas partie de votre \
                 périmètre.",
                "E404",
            ),
            AppError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                "Formulaire expiré",
                "Ce formulaire a expiré ou ne vient pas de CERES : rien n'a été enregistré. \
                 Rechargez la page, puis recommencez.",
                "E403-CSRF",
            ),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Envoi trop volumineux",
                "Les données envoyées dépassent la taille acceptée : rien n'a été enregistré.",
                "E413",
            ),
            AppError::Store(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur inattendue",
                "La base de données n'a pas répondu comme prévu. Rien n'a été perdu de ce qui \
                 était enregistré ; réessayez dans un instant.",
                "E500-DB",
            ),
            AppError::Render(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur inattendue",
                "Le document n'a pas pu être produit. L'erreur a été enregistrée.",
                "E500-PDF",
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur inattendue",
                "Une erreur inattendue est survenue. L'erreur a été enregistrée.",
                "E500",
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message, code) = self.parts();
        let error_id = uuid::Uuid::now_v7().simple().to_string();
        if status.is_server_error() {
            tracing::error!(error.id = %error_id, error.code = code, error = ?anyhow_chain(&self),
                "request failed");
        }

        let page = ErrorPage {
            chrome: None,
            status: status.as_u16(),
            title,
            message,
            code,
            error_id,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title).into_response(),
        }
    }
}

/// The error and its causes, one after the other, for the log.
fn anyhow_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
