//! Server-rendered pages and APIs of ceres, in French, with the French state design system.
//!
//! `router.rs` lists every route; each action lives in its own file under `pages/`.

pub mod auth;
mod documents;
mod error;
mod pages;
mod router;
mod session_store;
mod static_files;

use std::sync::Arc;

use ceres_domain::Clock;
use ceres_render::Renderer;
use ceres_store::Db;

pub use error::AppError;
pub use router::router;

/// What every handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub renderer: Arc<Renderer>,
    pub clock: Arc<dyn Clock>,
    /// Whether cookies get the `Secure` attribute (off only for plain-HTTP development).
    pub secure_cookies: bool,
}
