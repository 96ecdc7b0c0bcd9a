//! `GET /verifier/{code}` and `GET /verifier?code=…`: the public verification page of a
//! printed diplôme or livret, with no sign-in (design brief §4).
//!
//! The signature of the code is checked first, with the public key alone: a forged code is
//! recognised as forged without a look-up. A genuine code is then looked up to say whether a
//! later duplicata superseded the document. The page shows only what the paper prints.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ceres_domain::document::PrintedFacts;
use ceres_domain::french;
use ceres_domain::verification::CodeCheck;
use ceres_store::issued_documents;
use serde::Deserialize;

use super::Chrome;
use crate::{AppError, AppState};

/// What the page concludes.
pub enum Verdict {
    /// Nothing asked yet: the page shows the form only.
    Ask,
    /// Issued by ceres and still in force.
    Genuine,
    /// Issued by ceres, then replaced by a duplicata.
    Superseded { numero: String, on: String },
    /// The signature does not match: not issued by ceres.
    Forged,
    /// Signed, but no document bears this number.
    Unknown,
    /// Not a verification code.
    Malformed,
}

#[derive(Template, WebTemplate)]
#[template(path = "verify.html")]
pub struct VerifyPage {
    chrome: Option<Chrome>,
    code: String,
    verdict: Verdict,
    numero: String,
    issued_on: String,
    facts: Option<PrintedFacts>,
}

#[derive(Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

/// `GET /verifier?code=…`: the form, and the answer for a typed code.
pub async fn show_verify_form(
    State(state): State<AppState>,
    Query(query): Query<CodeQuery>,
) -> Result<Response, AppError> {
    match query.code.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => answer(&state, code).await,
        _ => Ok(respond(VerifyPage {
            chrome: None,
            code: String::new(),
            verdict: Verdict::Ask,
            numero: String::new(),
            issued_on: String::new(),
            facts: None,
        })),
    }
}

/// `GET /verifier/{code}`: the address the QR code of a printed document encodes.
pub async fn verify_document(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    answer(&state, &code).await
}

async fn answer(state: &AppState, code: &str) -> Result<Response, AppError> {
    let mut page = VerifyPage {
        chrome: None,
        code: code.to_owned(),
        verdict: Verdict::Malformed,
        numero: String::new(),
        issued_on: String::new(),
        facts: None,
    };

    let numero = match state.signing.public().check(code) {
        CodeCheck::Signed(numero) => numero,
        CodeCheck::Forged => {
            page.verdict = Verdict::Forged;
            return Ok(respond(page));
        }
        CodeCheck::Malformed => return Ok(respond(page)),
    };
    page.numero = numero.to_string();

    let Some(issued) = issued_documents::find(&state.db, &numero).await? else {
        tracing::warn!(document.numero = %numero, "signed verification code of no document");
        page.verdict = Verdict::Unknown;
        return Ok(respond(page));
    };
    page.issued_on = french::short_date(issued.issued_on);
    page.facts = Some(
        serde_json::from_str(&issued.printed_json)
            .map_err(|e| AppError::Internal(format!("printed facts of {numero}: {e}")))?,
    );
    page.verdict = match issued.superseded_by {
        Some((numero, on)) => Verdict::Superseded {
            numero: numero.to_string(),
            on: french::short_date(on),
        },
        None => Verdict::Genuine,
    };
    Ok(respond(page))
}

/// The page, kept out of caches and search engines: it names a person.
fn respond(page: VerifyPage) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        page,
    )
        .into_response()
}
