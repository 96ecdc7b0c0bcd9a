//! The print provider's console (`/prestataire/…`): the same lots, plis and events as the
//! API, for the provider's operators in a browser (role `provider`). They see what printing
//! and posting need and nothing of the candidates' records (design brief §6).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::ledger::{PliEventKind, PliState, PndReason};
use ceres_store::ledger::{self, EventOutcome, LotRow};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::ProviderUser;
use crate::documents::pdf_response;
use crate::pages::Chrome;
use crate::provider_api::{ManifestPli, manifest};
use crate::{AppError, AppState};

const NOTICE_KEY: &str = "provider_notice";

#[derive(Template, WebTemplate)]
#[template(path = "provider_lots.html")]
pub struct LotsPage {
    chrome: Option<Chrome>,
    lots: Vec<LotRow>,
}

/// `GET /prestataire/lots`
pub async fn list_provider_lots(
    State(state): State<AppState>,
    operator: ProviderUser,
) -> Result<LotsPage, AppError> {
    Ok(LotsPage {
        chrome: Chrome::of(&operator.user),
        lots: ledger::lots_of(&state.db, &operator.provider).await?,
    })
}

pub struct PliView {
    pub pli: ManifestPli,
    pub state_label: &'static str,
    /// A fresh key for each form: sending the same form twice records the event once.
    pub form_key: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "provider_lot.html")]
pub struct LotPage {
    chrome: Option<Chrome>,
    lot: LotRow,
    plis: Vec<PliView>,
    reasons: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn lot_of(state: &AppState, operator: &ProviderUser, id: &str) -> Result<LotRow, AppError> {
    ledger::lot_of(&state.db, &operator.provider, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn lot_page(
    state: &AppState,
    operator: &ProviderUser,
    lot: LotRow,
    notice: Option<String>,
    error: Option<String>,
) -> Result<LotPage, AppError> {
    let manifest = manifest(state, &lot)
        .await
        .map_err(|_| AppError::Internal(format!("cannot read lot {}", lot.id)))?;
    Ok(LotPage {
        chrome: Chrome::of(&operator.user),
        plis: manifest
            .plis
            .into_iter()
            .map(|pli| PliView {
                state_label: PliState::from_code(&pli.state).map_or("", PliState::label),
                form_key: ceres_store::new_id(),
                pli,
            })
            .collect(),
        lot,
        reasons: PndReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        notice,
        error,
    })
}

/// `GET /prestataire/lots/{lot_id}`
pub async fn show_provider_lot(
    State(state): State<AppState>,
    operator: ProviderUser,
    session: Session,
    Path(lot_id): Path<String>,
) -> Result<LotPage, AppError> {
    let lot = lot_of(&state, &operator, &lot_id).await?;
    let notice = session.remove::<String>(NOTICE_KEY).await.ok().flatten();
    lot_page(&state, &operator, lot, notice, None).await
}

/// `POST /prestataire/lots/{lot_id}/prise-en-charge`
pub async fn acknowledge_provider_lot(
    State(state): State<AppState>,
    operator: ProviderUser,
    session: Session,
    Path(lot_id): Path<String>,
) -> Result<Redirect, AppError> {
    let lot = lot_of(&state, &operator, &lot_id).await?;
    let outcome =
        ledger::acknowledge_lot(&state.db, &lot, &operator.user.id, state.clock.now()).await?;
    let notice = match outcome {
        ledger::Acknowledged::Now => "Le lot est pris en charge.".to_owned(),
        ledger::Acknowledged::Already(at) => {
            format!(
                "Ce lot était déjà pris en charge ({}) : rien n'a changé.",
                crate::pages::audit_view::paris_time(&at)
            )
        }
    };
    let _ = session.insert(NOTICE_KEY, notice).await;
    Ok(Redirect::to(&format!("/prestataire/lots/{}", lot.id)))
}

/// `GET /prestataire/plis/{pli_id}/documents/{file}`
pub async fn download_provider_document(
    State(state): State<AppState>,
    operator: ProviderUser,
    Path((pli_id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let pli = ledger::pli_of_provider(&state.db, &operator.provider, &pli_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let document = crate::provider_api::find_document(&state, &pli, &file)
        .await?
        .ok_or(AppError::NotFound)?;
    let pdf = state
        .files
        .get_intact(&document.file_key, &document.sha256)
        .await?;
    Ok(pdf_response(
        pdf,
        format!("attachment; filename=\"{file}\""),
    ))
}

/// `GET /prestataire/lots/{lot_id}/lot.zip`: the lot's ZIP, as the API gives it.
pub async fn download_provider_lot_zip(
    State(state): State<AppState>,
    operator: ProviderUser,
    Path(lot_id): Path<String>,
) -> Result<Response, AppError> {
    let lot = lot_of(&state, &operator, &lot_id).await?;
    let zip = crate::provider_api::archive::lot_zip(&state, &lot)
        .await
        .map_err(|e| AppError::Internal(format!("lot {} as a ZIP: {e:?}", lot.id)))?;
    Ok(crate::provider_api::archive::zip_response(&lot.id, zip))
}

/// `GET /prestataire/plis/{pli_id}/pli.pdf`: the pli's documents in one PDF.
pub async fn download_provider_pli(
    State(state): State<AppState>,
    operator: ProviderUser,
    Path(pli_id): Path<String>,
) -> Result<Response, AppError> {
    let pli = ledger::pli_of_provider(&state.db, &operator.provider, &pli_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let pdf = crate::provider_api::pli_pdf(&state, &pli).await?;
    Ok(pdf_response(
        pdf,
        format!("attachment; filename=\"pli-{}.pdf\"", pli.id),
    ))
}

#[derive(Deserialize)]
pub struct EventForm {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    tracking_number: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    key: String,
}

/// What is wrong with an event form, in French; or the event's values.
fn check_event(
    form: &EventForm,
) -> Result<
    (
        PliEventKind,
        Option<String>,
        Option<String>,
        Option<PndReason>,
    ),
    String,
> {
    let kind = PliEventKind::from_code(&form.kind)
        .ok_or_else(|| "Choisissez ce qui est arrivé au pli.".to_owned())?;
    let date = match form.date.trim() {
        "" if kind == PliEventKind::Poste => {
            return Err("Date de dépôt : à renseigner pour un pli posté.".into());
        }
        "" => None,
        text => Some(
            text.parse::<jiff::civil::Date>()
                .map(ceres_store::date_text)
                .map_err(|_| format!("Date de dépôt : « {text} » n'est pas une date."))?,
        ),
    };
    let reason = match (kind, form.reason.trim()) {
        (PliEventKind::Pnd, "") => {
            return Err("Motif du retour : choisissez-en un pour un pli non distribué.".into());
        }
        (PliEventKind::Pnd, code) => Some(
            PndReason::from_code(code).ok_or_else(|| "Motif du retour : inconnu.".to_owned())?,
        ),
        _ => None,
    };
    let tracking = Some(form.tracking_number.trim().to_owned())
        .filter(|t| !t.is_empty() && kind == PliEventKind::Poste);
    Ok((kind, date, tracking, reason))
}

/// `POST /prestataire/plis/{pli_id}/evenements`
pub async fn record_provider_event(
    State(state): State<AppState>,
    operator: ProviderUser,
    session: Session,
    Path(pli_id): Path<String>,
    Form(form): Form<EventForm>,
) -> Result<Response, AppError> {
    let pli = ledger::pli_of_provider(&state.db, &operator.provider, &pli_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lot_id = pli.lot_id.clone().unwrap_or_default();
    let refuse = |message: String| async {
        let lot = lot_of(&state, &operator, &lot_id).await?;
        let page = lot_page(&state, &operator, lot, None, Some(message)).await?;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let (kind, date, tracking, reason) = match check_event(&form) {
        Ok(values) => values,
        Err(message) => return refuse(message).await,
    };
    let key = if form.key.trim().is_empty() {
        ceres_store::new_id()
    } else {
        format!("console-{}", form.key.trim())
    };
    let outcome = crate::provider_api::record(
        &state,
        &pli,
        kind,
        date,
        tracking,
        reason,
        &key,
        &operator.user.id,
    )
    .await
    .map_err(|_| AppError::Internal(format!("cannot record an event of pli {}", pli.id)))?;
    let notice = match outcome {
        EventOutcome::Recorded(state) => format!("Pli enregistré : {}.", state.label()),
        EventOutcome::Replayed(_) => {
            "Cet événement était déjà enregistré : rien n'a changé.".into()
        }
        EventOutcome::KeyReused => "Ce formulaire a déjà servi : rechargez la page.".into(),
        EventOutcome::Impossible(_) => {
            return refuse(impossible_message(kind)).await;
        }
    };
    let _ = session.insert(NOTICE_KEY, notice).await;
    Ok(Redirect::to(&format!("/prestataire/lots/{lot_id}")).into_response())
}

/// Why the pli's state refuses an event, for an operator.
fn impossible_message(kind: PliEventKind) -> String {
    match kind {
        PliEventKind::Imprime => "Ce pli ne peut pas être marqué imprimé : il l'est déjà.".into(),
        PliEventKind::Poste => {
            "Ce pli ne peut pas être marqué posté : il doit d'abord être imprimé (ou, après un \
             retour, attendre la correction de l'adresse)."
                .into()
        }
        PliEventKind::Pnd => {
            "Ce pli ne peut pas être marqué non distribué : il n'a pas été posté.".into()
        }
    }
}
