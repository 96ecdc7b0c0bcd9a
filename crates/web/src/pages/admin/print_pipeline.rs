//! `GET /admin/impression`: where the sending to the print provider stands: requests,
//! rendered documents, plis waiting for a lot, lots, and the background jobs still to run
//! or parked after failing, with their error. `POST /admin/impression/lot` puts the waiting
//! plis into a lot now; `POST /admin/impression/taches/{id}/relancer` retries a parked job.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Redirect;
use ceres_store::{jobs, ledger};
use tower_sessions::Session;

use crate::auth::AdminUser;
use crate::pages::Chrome;
use crate::{AppError, AppState};

const NOTICE_KEY: &str = "admin_impression_notice";

pub struct JobLine {
    pub id: String,
    pub kind: &'static str,
    pub subject: String,
    pub parked: bool,
    pub attempts: i64,
    pub run_after: String,
    pub error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_print_pipeline.html")]
pub struct PipelinePage {
    chrome: Option<Chrome>,
    counts: ledger::PipelineCounts,
    jobs: Vec<JobLine>,
    lots: Vec<ledger::LotRow>,
    notice: Option<String>,
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        jobs::kind::RENDER_REQUEST => "Production des documents d'une demande",
        jobs::kind::BUILD_LOTS => "Constitution des lots",
        _ => "Autre tâche",
    }
}

pub async fn show_print_pipeline(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    session: Session,
) -> Result<PipelinePage, AppError> {
    let notice = session.remove::<String>(NOTICE_KEY).await.ok().flatten();
    let jobs = jobs::unfinished(&state.db)
        .await?
        .into_iter()
        .map(|job| JobLine {
            kind: kind_label(&job.kind),
            parked: job.state == "parked",
            error: job.last_error.unwrap_or_default(),
            id: job.id,
            subject: job.subject,
            attempts: job.attempts,
            run_after: job.run_after,
        })
        .collect();
    Ok(PipelinePage {
        chrome: Chrome::of(&user),
        counts: ledger::pipeline_counts(&state.db).await?,
        jobs,
        lots: ledger::lots_of(&state.db, ledger::DEFAULT_PROVIDER)
            .await?
            .into_iter()
            .take(20)
            .collect(),
        notice,
    })
}

/// `POST /admin/impression/lot`
pub async fn request_lot(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    session: Session,
) -> Result<Redirect, AppError> {
    crate::pipeline::request_lot_now(&state).await?;
    tracing::info!(user.id = %user.id, "lot requested by an administrator");
    let _ = session
        .insert(
            NOTICE_KEY,
            "La constitution d'un lot est demandée : les plis en attente y entreront dans \
             quelques instants.",
        )
        .await;
    Ok(Redirect::to("/admin/impression"))
}

/// `POST /admin/impression/taches/{id}/relancer`
pub async fn retry_job(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    session: Session,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    if !jobs::retry_parked(&state.db, &id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(user.id = %user.id, job.id = %id, "parked job retried by an administrator");
    let _ = session.insert(NOTICE_KEY, "La tâche est relancée.").await;
    Ok(Redirect::to("/admin/impression"))
}
