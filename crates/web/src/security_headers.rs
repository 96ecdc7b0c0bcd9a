//! The headers every answer carries: a Content-Security-Policy the DSFR pages work under
//! (scripts, styles, fonts and images from ceres only; no inline script or style), no
//! framing by other sites, no referrer sent elsewhere, no caching of pages that may name a
//! person, and HSTS behind HTTPS.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy; `form_target` is an origin forms may also lead to (the
/// OpenID Connect provider, where sign-out redirects).
pub fn content_security_policy(form_target: Option<&str>) -> String {
    let form_action = match form_target {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'self'; frame-src 'self'; \
         frame-ancestors 'self'; base-uri 'none'; form-action {form_action}"
    )
}

/// Adds the headers to every answer of `router`, unless a handler set its own.
pub fn add_security_headers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    form_target: Option<&str>,
    https: bool,
) -> Router<S> {
    let csp = HeaderValue::from_str(&content_security_policy(form_target))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let fixed: [(HeaderName, HeaderValue); 7] = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    let mut router = router;
    for (name, value) in fixed {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    if https {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        ));
    }
    router
}
