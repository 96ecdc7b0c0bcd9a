//! `POST /sessions/{id}/candidats/import`: imports candidates into a session from a CSV or
//! JSON file sent from the candidate list (multipart), and answers the report in French:
//! every refused row with its line and reasons. The file is imported whole or not at all
//! (`docs/import-candidats.md`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ceres_store::candidat_changes::Author;
use ceres_store::candidat_import::{
    self, ImportReport, ImportRequest, REQUIRED_COLUMNS, RowStatus, known_columns,
};
use ceres_store::sessions;

use crate::auth::CurrentUser;
use crate::pages::{Chrome, SessionHeader, Tab, session_tabs};
use crate::{AppError, AppState};

/// The largest file accepted, in bytes (about 20,000 rows of CSV).
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

/// The name of the file input of the upload form.
const FILE_FIELD: &str = "fichier";

/// A row of the report.
pub struct RowView {
    line: u64,
    candidat: String,
    status: &'static str,
    refused: bool,
    errors: Vec<String>,
    warnings: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "import_report.html")]
pub struct ImportPage {
    chrome: Option<Chrome>,
    header: SessionHeader,
    tabs: Vec<Tab>,
    file_name: String,
    format: String,
    imported: bool,
    summary: String,
    rows: Vec<RowView>,
    columns: Vec<(&'static str, bool)>,
}

pub async fn import_candidats(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let session = sessions::get_in_perimetre(&state.db, &user.perimetre, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = |file_name: String, format: String, imported, summary, rows| ImportPage {
        chrome: Chrome::of(&user),
        header: SessionHeader::of(&session),
        tabs: session_tabs(&session.id, "candidats"),
        file_name,
        format,
        imported,
        summary,
        rows,
        columns: known_columns()
            .into_iter()
            .map(|c| (c, REQUIRED_COLUMNS.contains(&c)))
            .collect(),
    };

    // The file, or why it did not come.
    let (file_name, bytes) = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err((status, message)) => {
            let page = page(String::new(), String::new(), false, message, Vec::new());
            return Ok((status, page).into_response());
        }
    };

    let report = candidat_import::import_candidats(
        &state.db,
        &ImportRequest {
            session: &session,
            perimetre: &user.perimetre,
            file_name: &file_name,
            bytes: &bytes,
            author: Author {
                actor: &user.id,
                now: state.clock.now(),
            },
        },
    )
    .await?;

    let status = if report.imported {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let format = report.format.map(|f| f.label()).unwrap_or_default();
    let page = page(
        file_name,
        format,
        report.imported,
        report.summary(),
        row_views(&report),
    );
    Ok((status, page).into_response())
}

/// The name and bytes of the uploaded file, or the status and French message of why not.
async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>), (StatusCode, String)> {
    let mut multipart = multipart.map_err(|_| unreadable(StatusCode::BAD_REQUEST))?;
    let no_file = || {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Aucun fichier n'a été choisi.".to_owned(),
        )
    };
    loop {
        let field = multipart.next_field().await.map_err(upload_error)?;
        let Some(field) = field else {
            return Err(no_file());
        };
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(upload_error)?;
        if name.is_empty() && bytes.is_empty() {
            return Err(no_file());
        }
        return Ok((name, bytes.to_vec()));
    }
}

fn unreadable(status: StatusCode) -> (StatusCode, String) {
    (
        status,
        "Le formulaire d'import n'a pas pu être lu ; choisissez le fichier et envoyez-le de \
         nouveau."
            .to_owned(),
    )
}

/// A file over the size limit says so; any other failure of the upload is unreadable.
fn upload_error(error: MultipartError) -> (StatusCode, String) {
    if error.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return unreadable(error.status());
    }
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "Le fichier dépasse {} Mo : découpez-le et importez chaque partie.",
            IMPORT_MAX_BYTES / (1024 * 1024)
        ),
    )
}

fn row_views(report: &ImportReport) -> Vec<RowView> {
    report
        .rows
        .iter()
        .map(|row| RowView {
            line: row.line,
            candidat: match row.candidat_id {
                Some(id) => format!("{id} — {}", row.nom),
                None => row.nom.clone(),
            },
            status: row.status.label(),
            refused: row.status == RowStatus::Refused,
            errors: row.errors.iter().map(|e| e.message.clone()).collect(),
            warnings: row.warnings.iter().map(|w| w.message.clone()).collect(),
        })
        .collect()
}
