//! `GET /healthz`: 200 when the database answers.

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

pub async fn check_health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.db.ping().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
