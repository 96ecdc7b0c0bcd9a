//! Every route of the web app, in one place.

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::http::header;
use axum::response::Redirect;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::AppState;
use crate::pages::candidats::{
    edit_candidat::edit_candidat,
    import_candidats::{IMPORT_MAX_BYTES, import_candidats},
    list_candidats::list_candidats,
    preview_document::preview_document,
    return_to_draft::return_to_draft,
    review_candidat::review_candidat,
    send_for_printing::send_for_printing,
    show_candidat::show_candidat,
    update_candidat::update_candidat,
    validate_candidat::validate_candidat,
};
use crate::pages::health::check_health;
use crate::pages::sessions::{
    list_sessions::list_sessions,
    show_session::{show_session, show_session_tab},
};
use crate::pages::sign_in::{show_sign_in, sign_in, sign_out};
use crate::pages::verify_document::{show_verify_form, verify_document};
use crate::session_store::DbSessionStore;
use crate::static_files::serve_static;

/// The app: pages, static files and health check, with sessions and request tracing.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("ceres_session")
        .with_secure(state.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));

    let pages = Router::new()
        .route("/", get(|| async { Redirect::to("/sessions") }))
        .route("/connexion", get(show_sign_in).post(sign_in))
        .route("/deconnexion", post(sign_out))
        .route("/sessions", get(list_sessions))
        .route("/sessions/{id}", get(show_session))
        .route("/sessions/{id}/candidats", get(list_candidats))
        .route("/sessions/{id}/{tab}", get(show_session_tab))
        .route(
            "/sessions/{id}/candidats/{candidat_id}",
            get(review_candidat),
        )
        .route(
            "/sessions/{id}/candidats/{candidat_id}/apercu/{file}",
            get(preview_document),
        )
        .route(
            "/sessions/{id}/candidats/{candidat_id}/demande-impression",
            post(send_for_printing),
        )
        .route(
            "/sessions/{id}/candidats/import",
            post(import_candidats).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
        // The candidate module (R4): the record, back to brouillon, edit, validate.
        .route("/candidats/{candidat_id}", get(show_candidat))
        .route("/candidats/{candidat_id}/brouillon", post(return_to_draft))
        .route(
            "/candidats/{candidat_id}/modifier",
            get(edit_candidat).post(update_candidat),
        )
        .route("/candidats/{candidat_id}/valider", post(validate_candidat))
        .layer(sessions);

    Router::new()
        .merge(pages)
        .route("/healthz", get(check_health))
        // Public, without sign-in: anyone holding a printed document may check it.
        .route("/verifier", get(show_verify_form))
        .route("/verifier/{code}", get(verify_document))
        .route("/static/{*path}", get(serve_static))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                // The route template, never the raw path: paths carry ids only, but templates
                // group the log by action.
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", MatchedPath::as_str);
                tracing::info_span!("request", method = %request.method(), route)
            }),
        )
        .with_state(state)
}
