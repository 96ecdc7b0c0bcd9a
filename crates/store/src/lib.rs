//! Database access of ceres.
//!
//! One code path on SQLite (the embedded default) and PostgreSQL, through sqlx's `Any`
//! driver. Columns hold only text and 64-bit integers: ids are UUIDv7 text, instants are
//! RFC 3339 UTC text with microseconds (which sorts correctly), dates are ISO text.

pub mod audit;
pub mod board;
pub mod candidat_changes;
pub mod candidat_import;
pub mod candidats;
mod db;
pub mod import;
pub mod issued_documents;
pub mod jobs;
pub mod ledger;
pub mod national;
pub mod print_requests;
pub mod referentiel;
pub mod retention;
pub mod sessions;
pub mod sign_in_failures;
pub mod structures;
mod text;
pub mod users;
pub mod web_sessions;

pub use db::{Backend, Db, StoreError};
pub use text::{date_text, parse_date, timestamp_text};

/// A new UUIDv7 id, as stored.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
