//! Sessions: the list of the périmètre and the session's tabs.

pub mod list_sessions;
pub mod show_session;
