//! The background work between "Envoyer pour impression" and the print provider (design
//! brief §6): a worker claims jobs from the database, renders each request's print versions
//! into the file store, makes its pli, and puts waiting plis into lots at the daily cut-off
//! or when an administrator asks.
//!
//! Every step can be run again after a crash without doing anything twice: a numbered
//! document keeps its number (issued_documents), a document is recorded once per (request,
//! kind), a pli once per request, and a pli enters one lot only while it has none.

use std::time::Duration;

use ceres_domain::document::DocumentVersion;
use ceres_domain::ledger::{Destination, destination_for_session};
use ceres_domain::perimetre::Perimetre;
use ceres_domain::print::documents_for;
use ceres_domain::session::Resultat;
use ceres_store::jobs::{self, Job, kind};
use ceres_store::ledger::{self, NewPli, NewPrintDocument, RequestRow};
use ceres_store::{candidats, sessions, structures};

use crate::documents::{self, session_nature};
use crate::{AppError, AppState};

/// When the worker looks again after finding nothing to do.
const IDLE_PAUSE: Duration = Duration::from_millis(500);

/// The hour (Europe/Paris) of the daily cut-off after which waiting plis go into a lot.
pub const DEFAULT_CUTOFF_HOUR: i8 = 18;

/// Runs jobs until the process ends; started by `ceres serve`.
pub async fn run_forever(state: AppState, owner: String, cutoff_hour: i8) {
    // The day whose lot this worker has asked for: once a day is enough.
    let mut scheduled: Option<jiff::civil::Date> = None;
    loop {
        match schedule_cutoff(&state, cutoff_hour, scheduled).await {
            Ok(Some(day)) => scheduled = Some(day),
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "could not schedule the daily lot"),
        }
        match run_one(&state, &owner).await {
            Ok(true) => {}
            Ok(false) => tokio::time::sleep(IDLE_PAUSE).await,
            Err(error) => {
                tracing::error!(%error, "job worker error");
                tokio::time::sleep(IDLE_PAUSE).await;
            }
        }
    }
}

/// Runs jobs until none is due; answers how many ran. For tests, the command line and the
/// benchmark.
pub async fn run_until_idle(state: &AppState, owner: &str) -> Result<usize, AppError> {
    let mut ran = 0;
    while run_one(state, owner).await? {
        ran += 1;
    }
    Ok(ran)
}

/// Claims and runs one job; answers whether there was one.
pub async fn run_one(state: &AppState, owner: &str) -> Result<bool, AppError> {
    let Some(job) = jobs::claim(&state.db, owner, state.clock.now()).await? else {
        return Ok(false);
    };
    let outcome = match job.kind.as_str() {
        kind::RENDER_REQUEST => render_request(state, &job.subject).await,
        kind::BUILD_LOTS => build_lots(state).await.map(|_| ()),
        kind::NOTIFY_PND => notify_pnd(state, &job.subject).await,
        other => Err(AppError::Internal(format!("unknown job kind {other:?}"))),
    };
    finish(state, &job, owner, outcome).await?;
    Ok(true)
}

async fn finish(
    state: &AppState,
    job: &Job,
    owner: &str,
    outcome: Result<(), AppError>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    match outcome {
        Ok(()) => jobs::complete(&state.db, job, owner, now).await?,
        Err(error) => {
            let message = error.to_string();
            let parked = jobs::fail(&state.db, job, owner, &message, now).await?;
            tracing::warn!(
                job.id = %job.id,
                job.kind = %job.kind,
                job.attempts = job.attempts,
                parked,
                error = %message,
                "job failed"
            );
        }
    }
    Ok(())
}

/// Asks for the day's lot once the cut-off hour has passed: once a day (the job's subject is
/// the date, so several processes make one job). Answers the day asked for, if it did.
async fn schedule_cutoff(
    state: &AppState,
    cutoff_hour: i8,
    already: Option<jiff::civil::Date>,
) -> Result<Option<jiff::civil::Date>, AppError> {
    let now = state.clock.now();
    let paris = now.to_zoned_datetime(ceres_domain::clock::paris());
    if paris.hour() < cutoff_hour || already == Some(paris.date()) {
        return Ok(None);
    }
    let subject = format!("cutoff-{}", paris.date());
    let mut conn = state
        .db
        .pool()
        .acquire()
        .await
        .map_err(ceres_store::StoreError::from)?;
    jobs::enqueue(&mut conn, kind::BUILD_LOTS, &subject, now).await?;
    Ok(Some(paris.date()))
}

/// Asks for a lot now (an administrator's action); answers whether the job was created.
pub async fn request_lot_now(state: &AppState) -> Result<bool, AppError> {
    let now = state.clock.now();
    let subject = format!("manual-{}", ceres_store::new_id());
    let mut conn = state
        .db
        .pool()
        .acquire()
        .await
        .map_err(ceres_store::StoreError::from)?;
    Ok(jobs::enqueue(&mut conn, kind::BUILD_LOTS, &subject, now).await?)
}

/// Puts every waiting pli into lots for the provider; answers how many lots were made.
pub async fn build_lots(state: &AppState) -> Result<usize, AppError> {
    let mut made = 0;
    while ledger::build_lot(&state.db, ledger::DEFAULT_PROVIDER, state.clock.now())
        .await?
        .is_some()
    {
        made += 1;
    }
    Ok(made)
}

/// The file key of a request's document.
fn file_key(request: &RequestRow, position: usize, slug: &str) -> String {
    format!("demandes/{}/{:02}-{slug}.pdf", request.id, position)
}

/// Renders the print versions of a request that are not rendered yet, then makes its pli.
pub async fn render_request(state: &AppState, request_id: &str) -> Result<(), AppError> {
    let db = &state.db;
    let request = ledger::request(db, request_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("no print request {request_id}")))?;
    let session = sessions::get_in_perimetre(db, &Perimetre::National, &request.session_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("no session {}", request.session_id)))?;
    let row = candidats::get_inscription(db, &request.session_id, request.candidat_id)
        .await?
        .ok_or_else(|| {
            AppError::Internal(format!(
                "candidate {} is not registered at session {}",
                request.candidat_id, request.session_id
            ))
        })?;
    let resultat = row
        .resultat
        .as_deref()
        .and_then(Resultat::from_code)
        .ok_or_else(|| AppError::Internal(format!("no result for candidate {}", row.id)))?;
    let kinds = documents_for(
        session_nature(&session)?,
        resultat,
        row.ccps_obtenus.split_whitespace().count(),
    );
    let version = if request.kind == "duplicata" {
        DocumentVersion::Duplicata
    } else {
        DocumentVersion::Impression
    };

    let done = ledger::documents_of(db, &request.id).await?;
    for (index, kind) in kinds.iter().enumerate() {
        if done.iter().any(|d| d.kind == kind.slug()) {
            continue;
        }
        let (model, pdf) = documents::render_print_version(
            state,
            &session,
            &row,
            *kind,
            version,
            &request.requested_by,
            Some(request.sequence),
        )
        .await?;
        let key = file_key(&request, index + 1, kind.slug());
        // The file first, then its record: a crash between them leaves a file that the
        // next run writes again with the same bytes, never a record without its file.
        state.files.put(&key, pdf.clone()).await?;
        ledger::record_document(
            db,
            &NewPrintDocument {
                print_request_id: &request.id,
                position: index as i64 + 1,
                kind: kind.slug(),
                numero: model.numerotation.as_ref().map(|n| n.numero.as_str()),
                file_key: &key,
                pdf: &pdf,
            },
            state.clock.now(),
        )
        .await?;
    }

    let destination = destination_for_session(&session.departement_code);
    let lines = match &destination {
        Destination::Candidat => documents::address_lines(&row),
        Destination::Deets(territoire) => structures::deets_of(db, territoire)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "no DEETS structure for territory {territoire}: its plis cannot be routed"
                ))
            })?
            .adresse(),
    };
    let territoire = match &destination {
        Destination::Deets(territoire) => Some(territoire.as_str()),
        Destination::Candidat => None,
    };
    ledger::create_pli(
        db,
        &NewPli {
            request: &request,
            destination: destination.code(),
            territoire,
            adresse_lignes: &lines,
        },
        state.clock.now(),
    )
    .await?;
    Ok(())
}

/// Tells the agents of the session's périmètre that the post returned a pli (R9). The
/// message names the session and the candidate's number, which these agents may see, and
/// links to their list; never the address.
///
/// Known limit: a job that fails after some messages left sends them all again on retry
/// (at-least-once delivery); messages are not recorded one by one.
pub async fn notify_pnd(state: &AppState, event_id: &str) -> Result<(), AppError> {
    let db = &state.db;
    let pli_id = ledger::pli_of_event(db, event_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("no pli event {event_id}")))?;
    let pli = ledger::pli(db, &pli_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("no pli {pli_id}")))?;
    let session = sessions::get_in_perimetre(db, &Perimetre::National, &pli.session_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("no session {}", pli.session_id)))?;
    let agents =
        ceres_store::users::agents_for_session(db, &session.region_code, &session.departement_code)
            .await?;
    let link = format!(
        "{}/plis-non-distribues",
        state.public_url.trim_end_matches('/')
    );
    let subject = format!(
        "CERES : un pli non distribué est à traiter (session {})",
        session.id
    );
    for (email, name) in &agents {
        let body = format!(
            "Bonjour {name},\n\n\
             La Poste a retourné à l'Afpa le pli du candidat n° {} de la session {}.\n\
             Vérifiez son adresse avec lui, corrigez-la dans le module « Candidats », puis \
             cliquez sur « Informer l'Afpa » pour que le même pli soit posté de nouveau.\n\n\
             Plis non distribués à traiter : {link}\n\n\
             Ce message est envoyé automatiquement par CERES.\n",
            pli.candidat_id, session.id
        );
        state.mailer.send(email, &subject, body).await?;
    }
    tracing::info!(pli.id = %pli.id, recipients = agents.len(), "PND notification sent");
    Ok(())
}
