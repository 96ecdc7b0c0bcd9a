//! Every route of the web app, in one place.
//!
//! Routes are added through [`Routes`], which also lists them: [`route_list`] gives every
//! method and path template, and the route-walk test (`crates/ceres/tests/app/perimetre.rs`)
//! fails when a route is here and not in its table of what each role may see (R12).

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::csrf::require_csrf_token;
use crate::pages::admin::print_pipeline::{request_lot, retry_job, show_print_pipeline};
use crate::pages::admin::{
    edit_structure::{show_structure, update_structure},
    edit_user::{show_user, update_user},
    list_structures::list_structures,
    list_users::list_users,
    new_structure::{create_structure, show_new_structure},
    new_user::{create_user, show_new_user},
};
use crate::pages::board::show_board;
use crate::pages::candidats::{
    download_attestation::download_attestation,
    edit_candidat::edit_candidat,
    import_candidats::{IMPORT_MAX_BYTES, import_candidats},
    inform_provider::inform_provider,
    list_candidats::list_candidats,
    preview_document::preview_document,
    return_to_draft::return_to_draft,
    review_candidat::review_candidat,
    send_duplicata::send_duplicata,
    send_for_printing::send_for_printing,
    show_candidat::show_candidat,
    update_candidat::update_candidat,
    validate_candidat::validate_candidat,
};
use crate::pages::health::check_health;
use crate::pages::oidc_sign_in::{finish_oidc_sign_in, start_oidc_sign_in};
use crate::pages::pnd::{list_pnd, list_stale};
use crate::pages::provider_console::{
    acknowledge_provider_lot, download_provider_document, download_provider_lot_zip,
    download_provider_pli, list_provider_lots, record_provider_event, show_provider_lot,
};
use crate::pages::sessions::{
    list_sessions::{export_sessions, export_sessions_xlsx, list_sessions},
    show_session::{show_session, show_session_tab},
};
use crate::pages::sign_in::{show_sign_in, sign_in};
use crate::pages::sign_out::sign_out;
use crate::pages::verify_document::{show_verify_form, verify_document};
use crate::provider_api::{
    acknowledge_lot, download_document, download_lot, download_pli, list_lots, openapi, post_event,
    show_lot,
};
use crate::security_headers::add_security_headers;
use crate::session_store::DbSessionStore;
use crate::static_files::serve_static;
use crate::{AppError, AppState};

/// One route: its method and path template, as axum matches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
}

/// The router under construction, and the list of what it routes.
struct Routes {
    router: Router<AppState>,
    list: Vec<RouteSpec>,
}

impl Routes {
    fn new() -> Routes {
        Routes {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    fn add<H, T>(mut self, method: &'static str, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = match method {
            "GET" => MethodFilter::GET,
            "POST" => MethodFilter::POST,
            "PUT" => MethodFilter::PUT,
            "PATCH" => MethodFilter::PATCH,
            _ => MethodFilter::DELETE,
        };
        self.router = self.router.route(path, on(filter, handler));
        self.list.push(RouteSpec { method, path });
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Routes {
        self.add("GET", path, handler)
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Routes {
        self.add("POST", path, handler)
    }
}

/// Every route of the app.
fn routes() -> Routes {
    Routes::new()
        // Public, without sign-in.
        .get("/healthz", check_health)
        .get("/static/{*path}", serve_static)
        // Anyone holding a printed document may check it.
        .get("/verifier", show_verify_form)
        .get("/verifier/{code}", verify_document)
        // Signing in and out.
        .get("/connexion", show_sign_in)
        .post("/connexion", sign_in)
        .get("/connexion/oidc", start_oidc_sign_in)
        .get("/connexion/oidc/retour", finish_oidc_sign_in)
        .post("/deconnexion", sign_out)
        // Agents: sessions and candidates of their périmètre (R12).
        .get("/", show_board)
        .get("/sessions", list_sessions)
        .get("/sessions/export.csv", export_sessions)
        .get("/sessions/export.xlsx", export_sessions_xlsx)
        .get("/sessions/{id}", show_session)
        .get("/sessions/{id}/candidats", list_candidats)
        .get("/sessions/{id}/{tab}", show_session_tab)
        .get("/sessions/{id}/candidats/{candidat_id}", review_candidat)
        .get(
            "/sessions/{id}/candidats/{candidat_id}/apercu/{file}",
            preview_document,
        )
        .get(
            "/sessions/{id}/candidats/{candidat_id}/attestation-reussite.pdf",
            download_attestation,
        )
        .post(
            "/sessions/{id}/candidats/{candidat_id}/demande-impression",
            send_for_printing,
        )
        .post(
            "/sessions/{id}/candidats/{candidat_id}/duplicata",
            send_duplicata,
        )
        .post(
            "/sessions/{id}/candidats/{candidat_id}/plis/{pli_id}/informer-prestataire",
            inform_provider,
        )
        .get("/plis-non-distribues", list_pnd)
        .get("/plis-sans-nouvelles", list_stale)
        .post(
            "/sessions/{id}/candidats/import",
            import_candidats.layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
        // The candidate module (R4): the record, back to brouillon, edit, validate.
        .get("/candidats/{candidat_id}", show_candidat)
        .post("/candidats/{candidat_id}/brouillon", return_to_draft)
        .get("/candidats/{candidat_id}/modifier", edit_candidat)
        .post("/candidats/{candidat_id}/modifier", update_candidat)
        .post("/candidats/{candidat_id}/valider", validate_candidat)
        // National administration.
        .get("/admin/structures", list_structures)
        .get("/admin/structures/nouvelle", show_new_structure)
        .post("/admin/structures", create_structure)
        .get("/admin/structures/{id}", show_structure)
        .post("/admin/structures/{id}", update_structure)
        .get("/admin/utilisateurs", list_users)
        .get("/admin/utilisateurs/nouveau", show_new_user)
        .post("/admin/utilisateurs", create_user)
        .get("/admin/utilisateurs/{id}", show_user)
        .post("/admin/utilisateurs/{id}", update_user)
        .get("/admin/impression", show_print_pipeline)
        .post("/admin/impression/lot", request_lot)
        .post("/admin/impression/taches/{id}/relancer", retry_job)
        // The print provider's console, for its operators.
        .get("/prestataire/lots", list_provider_lots)
        .get("/prestataire/lots/{lot_id}", show_provider_lot)
        .post(
            "/prestataire/lots/{lot_id}/prise-en-charge",
            acknowledge_provider_lot,
        )
        .get(
            "/prestataire/lots/{lot_id}/lot.zip",
            download_provider_lot_zip,
        )
        .get(
            "/prestataire/plis/{pli_id}/documents/{file}",
            download_provider_document,
        )
        .get("/prestataire/plis/{pli_id}/pli.pdf", download_provider_pli)
        .post(
            "/prestataire/plis/{pli_id}/evenements",
            record_provider_event,
        )
        // The print provider's API: bearer tokens, JSON, described by its OpenAPI document.
        .get("/api/provider/v1/openapi.json", openapi)
        .get("/api/provider/v1/lots", list_lots)
        .get("/api/provider/v1/lots/{lot_id}", show_lot)
        .get("/api/provider/v1/lots/{lot_id}/archive.zip", download_lot)
        .post(
            "/api/provider/v1/lots/{lot_id}/acknowledgement",
            acknowledge_lot,
        )
        .get(
            "/api/provider/v1/plis/{pli_id}/documents/{file}",
            download_document,
        )
        .get("/api/provider/v1/plis/{pli_id}/pli.pdf", download_pli)
        .post("/api/provider/v1/plis/{pli_id}/events", post_event)
}

/// What answers a path no route matches: the same page as a session outside the périmètre
/// (R12).
async fn not_found() -> AppError {
    AppError::NotFound
}

/// Every route the app answers, method and path template.
pub fn route_list() -> Vec<RouteSpec> {
    routes().list
}

/// The app: every route, behind the CSRF layer, the web sessions, the security headers and
/// request tracing.
pub fn router(state: AppState) -> Router {
    // A `__Host-` cookie is bound to this host, over HTTPS only, for the whole site.
    let cookie_name = if state.secure_cookies {
        "__Host-ceres_session"
    } else {
        "ceres_session"
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(cookie_name)
        .with_secure(state.secure_cookies)
        .with_http_only(true)
        // Lax, not Strict: the OpenID Connect provider sends the browser back with a
        // top-level GET that must carry the cookie. Forms are guarded by the CSRF layer.
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));

    let form_target = state.oidc.as_ref().and_then(|oidc| oidc.issuer_origin());
    let app = routes()
        .router
        .fallback(not_found)
        .layer(axum::middleware::from_fn(require_csrf_token))
        .layer(sessions);
    add_security_headers(app, form_target.as_deref(), state.secure_cookies)
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
