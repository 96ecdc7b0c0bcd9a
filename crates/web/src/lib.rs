//! Server-rendered pages and APIs of ceres, in French, with the French state design system.
//!
//! `router.rs` lists every route; each action lives in its own file under `pages/`.

pub mod auth;
pub mod csrf;
pub mod documents;
mod error;
pub mod files;
pub mod mail;
pub mod oidc;
mod pages;
pub mod pipeline;
pub mod provider_api;
mod router;
mod security_headers;
mod session_store;
pub mod spreadsheet;
mod static_files;

use std::sync::Arc;

use ceres_domain::Clock;
use ceres_domain::verification::SigningSecret;
use ceres_render::Renderer;
use ceres_store::Db;

pub use error::AppError;
pub use pages::candidats::check_candidat;
pub use router::{RouteSpec, route_list, router};

/// Installs the process's TLS provider (rustls with *ring*), which every HTTP client of the
/// process uses, the OpenID Connect one first; idempotent.
pub fn install_tls_provider() {
    // Already installed by an earlier call (or another copy of the app in the process):
    // that one serves.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// What every handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub renderer: Arc<Renderer>,
    pub clock: Arc<dyn Clock>,
    /// Whether cookies get the `Secure` attribute (off only for plain-HTTP development).
    pub secure_cookies: bool,
    /// Signs the verification codes of printed documents.
    pub signing: Arc<SigningSecret>,
    /// The address the public reaches the app at, e.g. `https://ceres.example.gouv.fr`:
    /// the QR codes of printed documents point at its `/verifier/…` page.
    pub public_url: String,
    /// Sign-in through OpenID Connect, when `CERES_OIDC_*` configure it.
    pub oidc: Option<Arc<oidc::Oidc>>,
    /// Where the rendered print versions are kept.
    pub files: files::FileStore,
    /// E-mail to agents.
    pub mailer: mail::Mailer,
}
