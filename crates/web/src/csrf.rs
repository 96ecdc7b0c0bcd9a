//! Protection against cross-site request forgery, in one layer for every route.
//!
//! Each web session holds a random token. Every form that changes something carries it in a
//! hidden field written by `{% include "csrf.html" %}`; [`require_csrf_token`] refuses any
//! POST, PUT, PATCH or DELETE whose token is missing or wrong, before a handler runs. A form
//! added without the include therefore fails at its first test with a 403.
//!
//! Requests that carry an `Authorization` header, and every request under `/api/` (the
//! provider's API, with its bearer tokens), are let through: a browser never adds that header
//! to a forged request by itself, and the API does not read the session cookie; without a
//! token the API answers its own 401.

use std::fmt;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::AppError;

/// The key of the token in the web session.
const SESSION_KEY: &str = "csrf_token";

/// The name of the form field (and, as `X-CSRF-Token`, of the header) carrying the token.
pub const FIELD: &str = "csrf_token";

/// The largest body the layer reads to find the token; forms and uploads stay under it.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// The session's token. Written in a template, it is the hidden field of a form.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CsrfToken(String);

impl CsrfToken {
    /// The token's text.
    pub fn value(&self) -> &str {
        &self.0
    }

    /// The session's token, created on first use.
    pub async fn of(session: &Session) -> Result<CsrfToken, AppError> {
        let existing: Option<String> = session
            .get(SESSION_KEY)
            .await
            .map_err(|e| AppError::Internal(format!("session: {e}")))?;
        if let Some(token) = existing {
            return Ok(CsrfToken(token));
        }
        Self::renew(session).await
    }

    /// Replaces the session's token: at sign-in, so that a token seen before cannot be reused.
    pub async fn renew(session: &Session) -> Result<CsrfToken, AppError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        session
            .insert(SESSION_KEY, &token)
            .await
            .map_err(|e| AppError::Internal(format!("session: {e}")))?;
        Ok(CsrfToken(token))
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfToken(…)")
    }
}

/// The hidden field of a form; the token is base64url, so it needs no escaping.
impl fmt::Display for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            r#"<input type="hidden" name="{FIELD}" value="{}">"#,
            self.0
        )
    }
}

impl askama::filters::HtmlSafe for CsrfToken {}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal("no session layer".into()))?;
        CsrfToken::of(&session).await
    }
}

/// The layer: refuses an unsafe request whose token does not match the session's.
pub async fn require_csrf_token(session: Session, request: Request, next: Next) -> Response {
    // The provider's API authenticates each request by its bearer token and never by the
    // session cookie, so a forged cross-site request carries nothing it would accept.
    if request.method().is_safe()
        || request.headers().contains_key(header::AUTHORIZATION)
        || request.uri().path().starts_with("/api/")
    {
        return next.run(request).await;
    }

    let expected: Option<String> = session.get(SESSION_KEY).await.ok().flatten();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return AppError::PayloadTooLarge.into_response();
    };
    let presented = presented_token(&parts.headers, &bytes).await;

    let matches = match (&expected, &presented) {
        (Some(expected), Some(presented)) => {
            bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
        }
        _ => false,
    };
    if !matches {
        tracing::warn!(
            method = %parts.method,
            token.present = presented.is_some(),
            session.has_token = expected.is_some(),
            "request refused: CSRF token missing or wrong"
        );
        return AppError::CsrfRejected.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The token the request presents: the `X-CSRF-Token` header, or the form field of a
/// URL-encoded or multipart body.
async fn presented_token(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    if let Some(value) = headers.get("x-csrf-token") {
        return value.to_str().ok().map(str::to_owned);
    }
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return url::form_urlencoded::parse(body)
            .find(|(name, _)| name == FIELD)
            .map(|(_, value)| value.into_owned());
    }
    let boundary = multer::parse_boundary(content_type).ok()?;
    let chunk = Ok::<_, std::convert::Infallible>(body.clone());
    let mut multipart =
        multer::Multipart::new(futures_util::stream::once(async { chunk }), boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every form that posts carries the token: a template with a POST form and no
    /// `{% include "csrf.html" %}` inside it fails here, before any browser sees it.
    #[test]
    fn every_post_form_of_every_template_includes_the_token() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut checked = 0;
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for form in text.split("<form").skip(1) {
                let form = form.split("</form>").next().unwrap_or_default();
                let tag = form.split('>').next().unwrap_or_default().to_lowercase();
                if !tag.contains(r#"method="post""#) {
                    continue;
                }
                checked += 1;
                assert!(
                    form.contains(r#"{% include "csrf.html" %}"#),
                    "a POST form of {} has no {{% include \"csrf.html\" %}}",
                    path.display()
                );
            }
        }
        assert!(
            checked > 0,
            "no POST form found: the check reads the wrong folder"
        );
    }
}
