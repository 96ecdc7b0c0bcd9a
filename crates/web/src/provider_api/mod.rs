//! The print provider's API, under `/api/provider/v1` (design brief §6), described by the
//! OpenAPI document it serves at `/api/provider/v1/openapi.json`.
//!
//! A provider authenticates with a bearer token issued by `ceres provider add-token`; it
//! sees its own lots only, and of each pli only what printing and posting need: the
//! recipient's lines and the PDFs (data minimisation). Every write is idempotent: acknowledging
//! a lot twice, or posting an event again with the same `Idempotency-Key`, changes nothing
//! and says so. An impossible transition is refused with 409 and the reason.

pub(crate) mod archive;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ceres_domain::document::DocumentKind;
use ceres_domain::ledger::{PliEventKind, PndReason};
use ceres_store::ledger::{self, Acknowledged, EventOutcome, LotRow, NewPliEvent, PliRow};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;

/// The OpenAPI document of this API.
pub const OPENAPI: &str = include_str!("openapi.json");

/// An error of the API, as JSON: `{"error": code, "message": sentence}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            axum::Json(json!({ "error": self.code, "message": self.message })),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"ceres\""),
            );
        }
        response
    }
}

impl From<ceres_store::StoreError> for ApiError {
    fn from(error: ceres_store::StoreError) -> ApiError {
        let id = uuid::Uuid::now_v7().simple().to_string();
        tracing::error!(error.id = %id, error = %error, "provider API: store error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the database did not answer as expected (reference {id}); retry later"),
        )
    }
}

impl From<crate::AppError> for ApiError {
    fn from(error: crate::AppError) -> ApiError {
        let id = uuid::Uuid::now_v7().simple().to_string();
        tracing::error!(error.id = %id, error = %error, "provider API: error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("unexpected error (reference {id}); retry later"),
        )
    }
}

/// The provider a request's bearer token belongs to.
pub struct Provider(pub String);

impl FromRequestParts<AppState> for Provider {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let unauthorized = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid bearer token is required (Authorization: Bearer <token>)",
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(unauthorized)?;
        let provider = ledger::provider_of_token(&state.db, token)
            .await?
            .ok_or_else(unauthorized)?;
        Ok(Provider(provider))
    }
}

/// `GET /api/provider/v1/openapi.json`
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Serialize)]
struct LotSummary {
    id: String,
    created_at: String,
    plis: i64,
    acknowledged_at: Option<String>,
}

impl From<&LotRow> for LotSummary {
    fn from(lot: &LotRow) -> Self {
        LotSummary {
            id: lot.id.clone(),
            created_at: lot.created_at.clone(),
            plis: lot.pli_count,
            acknowledged_at: lot.acknowledged_at.clone(),
        }
    }
}

/// `GET /api/provider/v1/lots`: the provider's lots, newest first.
pub async fn list_lots(
    State(state): State<AppState>,
    Provider(provider): Provider,
) -> Result<Response, ApiError> {
    let lots = ledger::lots_of(&state.db, &provider).await?;
    let lots: Vec<LotSummary> = lots.iter().map(LotSummary::from).collect();
    Ok(axum::Json(json!({ "lots": lots })).into_response())
}

/// One document of a pli, as the manifest lists it.
#[derive(Serialize)]
pub(crate) struct ManifestDocument {
    pub position: i64,
    pub kind: String,
    pub numero: Option<String>,
    pub sha256: String,
    pub size_bytes: i64,
    pub file: String,
    pub url: String,
    /// Where the file is in the file store; not for the provider.
    #[serde(skip)]
    pub file_key: String,
}

/// One pli of a lot's manifest.
#[derive(Serialize)]
pub(crate) struct ManifestPli {
    pub id: String,
    pub position: i64,
    pub destination: String,
    pub territoire: Option<String>,
    pub address_lines: Vec<String>,
    pub state: String,
    /// The pli's documents in one PDF, in envelope order.
    pub pdf_url: String,
    pub documents: Vec<ManifestDocument>,
}

/// A lot's manifest.
#[derive(Serialize)]
pub(crate) struct Manifest {
    pub id: String,
    pub created_at: String,
    pub acknowledged_at: Option<String>,
    pub plis: Vec<ManifestPli>,
}

/// The file name of a document inside a pli's folder, e.g. `01-diplome.pdf`.
fn document_file(position: i64, kind: &str) -> String {
    format!("{position:02}-{kind}.pdf")
}

/// The document of a pli that the manifest names `file`, if there is one.
pub(crate) async fn find_document(
    state: &AppState,
    pli: &PliRow,
    file: &str,
) -> Result<Option<ledger::PrintDocument>, ceres_store::StoreError> {
    Ok(ledger::documents_of(&state.db, &pli.print_request_id)
        .await?
        .into_iter()
        .find(|d| document_file(d.position, &d.kind) == file))
}

pub(crate) async fn manifest(state: &AppState, lot: &LotRow) -> Result<Manifest, ApiError> {
    let mut plis = Vec::new();
    for pli in ledger::plis_of_lot(&state.db, &lot.id).await? {
        let documents = ledger::documents_of(&state.db, &pli.print_request_id)
            .await?
            .into_iter()
            .map(|d| {
                let file = document_file(d.position, &d.kind);
                ManifestDocument {
                    url: format!("/api/provider/v1/plis/{}/documents/{file}", pli.id),
                    position: d.position,
                    kind: d.kind,
                    numero: d.numero,
                    sha256: d.sha256,
                    size_bytes: d.size_bytes,
                    file,
                    file_key: d.file_key,
                }
            })
            .collect();
        plis.push(ManifestPli {
            pdf_url: format!("/api/provider/v1/plis/{}/pli.pdf", pli.id),
            position: pli.lot_position.unwrap_or_default(),
            address_lines: pli.lines(),
            id: pli.id,
            destination: pli.destination,
            territoire: pli.territoire,
            state: pli.state,
            documents,
        });
    }
    Ok(Manifest {
        id: lot.id.clone(),
        created_at: lot.created_at.clone(),
        acknowledged_at: lot.acknowledged_at.clone(),
        plis,
    })
}

async fn lot_of(state: &AppState, provider: &str, id: &str) -> Result<LotRow, ApiError> {
    ledger::lot_of(&state.db, provider, id)
        .await?
        .ok_or_else(|| ApiError::not_found("lot"))
}

/// `GET /api/provider/v1/lots/{lot_id}`: the lot's manifest.
pub async fn show_lot(
    State(state): State<AppState>,
    Provider(provider): Provider,
    Path(lot_id): Path<String>,
) -> Result<Response, ApiError> {
    let lot = lot_of(&state, &provider, &lot_id).await?;
    Ok(axum::Json(manifest(&state, &lot).await?).into_response())
}

/// `GET /api/provider/v1/lots/{lot_id}/archive.zip`: every PDF of the lot, one folder per
/// pli, and the manifest as CSV (UTF-8 with BOM, `;`-separated, cells made inert).
pub async fn download_lot(
    State(state): State<AppState>,
    Provider(provider): Provider,
    Path(lot_id): Path<String>,
) -> Result<Response, ApiError> {
    let lot = lot_of(&state, &provider, &lot_id).await?;
    let zip = archive::lot_zip(&state, &lot).await?;
    Ok(archive::zip_response(&lot.id, zip))
}

/// `POST /api/provider/v1/lots/{lot_id}/acknowledgement`: the provider took the lot.
pub async fn acknowledge_lot(
    State(state): State<AppState>,
    Provider(provider): Provider,
    Path(lot_id): Path<String>,
) -> Result<Response, ApiError> {
    let lot = lot_of(&state, &provider, &lot_id).await?;
    let actor = format!("provider:{provider}");
    let outcome = ledger::acknowledge_lot(&state.db, &lot, &actor, state.clock.now()).await?;
    let (status, replayed, at) = match outcome {
        Acknowledged::Now => (
            StatusCode::OK,
            false,
            ledger::lot_of(&state.db, &provider, &lot.id)
                .await?
                .and_then(|l| l.acknowledged_at),
        ),
        Acknowledged::Already(at) => (StatusCode::OK, true, Some(at)),
    };
    Ok((
        status,
        axum::Json(json!({ "lot": lot.id, "acknowledged_at": at, "replayed": replayed })),
    )
        .into_response())
}

async fn pli_of(state: &AppState, provider: &str, id: &str) -> Result<PliRow, ApiError> {
    ledger::pli_of_provider(&state.db, provider, id)
        .await?
        .ok_or_else(|| ApiError::not_found("pli"))
}

/// `GET /api/provider/v1/plis/{pli_id}/documents/{file}`: one PDF of a pli, e.g.
/// `01-lettre-accompagnement.pdf`, as the manifest names it.
pub async fn download_document(
    State(state): State<AppState>,
    Provider(provider): Provider,
    Path((pli_id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let pli = pli_of(&state, &provider, &pli_id).await?;
    let document = find_document(&state, &pli, &file)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    let Some(pdf) = state
        .files
        .get_verified(&document.file_key, &document.sha256)
        .await?
    else {
        tracing::error!(pli.id = %pli.id, file = %document.file_key, "stored PDF does not match its SHA-256");
        return Err(corrupt_file());
    };
    Ok(pdf_response(&file, pdf, &document.sha256))
}

/// The documents of a pli in one PDF, in envelope order, made from the stored files once
/// each is checked against its SHA-256.
pub(crate) async fn pli_pdf(state: &AppState, pli: &PliRow) -> Result<Vec<u8>, crate::AppError> {
    use crate::AppError;
    let documents = ledger::documents_of(&state.db, &pli.print_request_id).await?;
    if documents.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut pdfs = Vec::with_capacity(documents.len());
    let mut pages = Vec::with_capacity(documents.len());
    for document in &documents {
        let pdf = state
            .files
            .get_intact(&document.file_key, &document.sha256)
            .await?;
        let kind = DocumentKind::from_slug(&document.kind).ok_or_else(|| {
            AppError::Internal(format!(
                "pli {} holds a document of unknown kind {}",
                pli.id, document.kind
            ))
        })?;
        pdfs.push(pdf);
        pages.push(ceres_render::printed_pages(kind));
    }
    let renderer = state.renderer.clone();
    let ident = pli.id.clone();
    tokio::task::spawn_blocking(move || {
        let parts: Vec<ceres_render::PliPart<'_>> = pdfs
            .iter()
            .zip(pages)
            .map(|(pdf, pages)| ceres_render::PliPart { pdf, pages })
            .collect();
        renderer.merge_pli(&ident, &parts)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))
}

fn corrupt_file() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "corrupt_file",
        "the stored file does not match its SHA-256; it is not served",
    )
}

/// `GET /api/provider/v1/plis/{pli_id}/pli.pdf`: the pli's documents in one PDF.
pub async fn download_pli(
    State(state): State<AppState>,
    Provider(provider): Provider,
    Path(pli_id): Path<String>,
) -> Result<Response, ApiError> {
    let pli = pli_of(&state, &provider, &pli_id).await?;
    let pdf = pli_pdf(&state, &pli).await.map_err(|error| match error {
        crate::AppError::NotFound => ApiError::not_found("document"),
        other => ApiError::from(other),
    })?;
    let sha256 = ledger::sha256_hex(&pdf);
    Ok(pdf_response(&format!("pli-{}.pdf", pli.id), pdf, &sha256))
}

/// A PDF to download, with its SHA-256 as ETag.
fn pdf_response(file: &str, pdf: Vec<u8>, sha256: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::ETAG, format!("\"{sha256}\"")),
        ],
        pdf,
    )
        .into_response()
}

/// The body of `POST …/events`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventBody {
    #[serde(rename = "type")]
    kind: String,
    /// The posting date, `YYYY-MM-DD`, required for `poste`.
    date: Option<String>,
    tracking_number: Option<String>,
    /// For `pnd`: n_habite_pas, adresse_incomplete, refuse or autre.
    reason: Option<String>,
}

/// Checks an event's body; names what is wrong.
fn parse_event(
    body: &[u8],
) -> Result<
    (
        PliEventKind,
        Option<String>,
        Option<String>,
        Option<PndReason>,
    ),
    ApiError,
> {
    let invalid =
        |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", message);
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| invalid(format!("the body is not a valid event: {e}")))?;
    if let Some(field) = value
        .as_object()
        .and_then(|fields| fields.iter().find(|(_, v)| v.is_null()))
    {
        return Err(invalid(format!(
            "{} may not be null: leave it out",
            field.0
        )));
    }
    let body: EventBody = serde_json::from_value(value)
        .map_err(|e| invalid(format!("the body is not a valid event: {e}")))?;
    let kind = PliEventKind::from_code(&body.kind).ok_or_else(|| {
        invalid(format!(
            "type {:?} is not one of imprime, poste, pnd",
            body.kind
        ))
    })?;
    let date = match (&body.date, kind) {
        (Some(_), PliEventKind::Imprime | PliEventKind::Pnd) => {
            return Err(invalid("date is only for poste".into()));
        }
        (Some(date), PliEventKind::Poste) => {
            let shaped = date.len() == 10
                && date.char_indices().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                });
            let parsed: jiff::civil::Date = date
                .parse()
                .ok()
                .filter(|_| shaped)
                .ok_or_else(|| invalid(format!("date {date:?} is not a date YYYY-MM-DD")))?;
            Some(ceres_store::date_text(parsed))
        }
        (None, PliEventKind::Poste) => {
            return Err(invalid("date (YYYY-MM-DD) is required for poste".into()));
        }
        (None, PliEventKind::Imprime | PliEventKind::Pnd) => None,
    };
    let reason = match (&body.reason, kind) {
        (Some(reason), PliEventKind::Pnd) => Some(PndReason::from_code(reason).ok_or_else(|| {
            invalid(format!(
                "reason {reason:?} is not one of n_habite_pas, adresse_incomplete, refuse, autre"
            ))
        })?),
        (None, PliEventKind::Pnd) => {
            return Err(invalid(
                "reason is required for pnd: n_habite_pas, adresse_incomplete, refuse or autre"
                    .into(),
            ));
        }
        (Some(_), _) => return Err(invalid("reason is only for pnd".into())),
        (None, _) => None,
    };
    if body.tracking_number.is_some() && kind != PliEventKind::Poste {
        return Err(invalid("tracking_number is only for poste".into()));
    }
    let tracking = body.tracking_number;
    if let Some(number) = &tracking
        && (number.is_empty()
            || number.len() > 64
            || !number
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(invalid(
            "tracking_number must have 1 to 64 letters, digits or hyphens".into(),
        ));
    }
    Ok((kind, date, tracking, reason))
}

/// The `Idempotency-Key` header: required on writes, 1 to 128 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() || key.len() > 128 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
            "an Idempotency-Key header of 1 to 128 visible ASCII characters is required",
        ));
    }
    Ok(key.to_owned())
}

/// `POST /api/provider/v1/plis/{pli_id}/events`: printed, posted or returned (PND).
pub async fn post_event(
    State(state): State<AppState>,
    Provider(provider): Provider,
    Path(pli_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let pli = pli_of(&state, &provider, &pli_id).await?;
    let (kind, date, tracking, reason) = parse_event(&body)?;
    let actor = format!("provider:{provider}");
    let outcome = record(&state, &pli, kind, date, tracking, reason, &key, &actor).await?;
    Ok(event_response(&pli, outcome))
}

/// Records an event for the API and the console alike.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    state: &AppState,
    pli: &PliRow,
    kind: PliEventKind,
    date: Option<String>,
    tracking: Option<String>,
    reason: Option<PndReason>,
    key: &str,
    actor: &str,
) -> Result<EventOutcome, ApiError> {
    Ok(ledger::record_event(
        &state.db,
        pli,
        &NewPliEvent {
            kind,
            occurred_on: date.as_deref(),
            tracking_number: tracking.as_deref(),
            pnd_reason: reason,
            idempotency_key: key,
            actor,
        },
        state.clock.now(),
    )
    .await?)
}

fn event_response(pli: &PliRow, outcome: EventOutcome) -> Response {
    match outcome {
        EventOutcome::Recorded(state) => (
            StatusCode::CREATED,
            axum::Json(json!({ "pli": pli.id, "state": state.code(), "replayed": false })),
        )
            .into_response(),
        EventOutcome::Replayed(state) => (
            StatusCode::OK,
            axum::Json(json!({ "pli": pli.id, "state": state.code(), "replayed": true })),
        )
            .into_response(),
        EventOutcome::KeyReused => ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_key_reused",
            "this Idempotency-Key was used for another event; use a new key for a new event",
        )
        .into_response(),
        EventOutcome::Impossible(reason) => {
            ApiError::new(StatusCode::CONFLICT, "impossible_transition", reason.0).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_checked_and_what_is_wrong_is_named() {
        let ok = parse_event(br#"{"type":"poste","date":"2026-12-04","tracking_number":"1A"}"#);
        assert!(ok.is_ok());
        for (body, named) in [
            (&br#"{"type":"poste"}"#[..], "date"),
            (br#"{"type":"pnd"}"#, "reason"),
            (br#"{"type":"pnd","reason":"parti"}"#, "parti"),
            (br#"{"type":"envole"}"#, "envole"),
            (br#"{"type":"imprime","reason":"refuse"}"#, "only for pnd"),
            (br#"{"type":"poste","date":"04/12/2026"}"#, "04/12/2026"),
            (br#"{"type":"imprime","colour":"bleu"}"#, "colour"),
            (
                br#"{"type":"imprime","date":"2026-12-04"}"#,
                "only for poste",
            ),
            (br#"{"type":"poste","date":"20261204"}"#, "20261204"),
            (
                br#"{"type":"poste","date":"2026-12-04","tracking_number":" 1A"}"#,
                "hyphens",
            ),
            (
                br#"{"type":"poste","date":"2026-12-04","tracking_number":null}"#,
                "null",
            ),
            (b"not json", "not a valid event"),
        ] {
            let error = parse_event(body).unwrap_err();
            assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                error.message.contains(named),
                "{}: {}",
                named,
                error.message
            );
        }
    }

    #[test]
    fn the_openapi_document_is_json_and_names_every_operation() {
        let document: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        let paths = document["paths"].as_object().unwrap();
        for path in [
            "/api/provider/v1/lots",
            "/api/provider/v1/lots/{lot_id}",
            "/api/provider/v1/lots/{lot_id}/archive.zip",
            "/api/provider/v1/lots/{lot_id}/acknowledgement",
            "/api/provider/v1/plis/{pli_id}/documents/{file}",
            "/api/provider/v1/plis/{pli_id}/events",
        ] {
            assert!(paths.contains_key(path), "{path}");
        }
    }
}
