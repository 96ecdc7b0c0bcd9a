//! The agents' lists of plis: `GET /plis-non-distribues`, « Plis non distribués à traiter »
//! (R9), the plis the post returned for the sessions of the agent's périmètre; and `GET
//! /plis-sans-nouvelles`, the plis handed to the provider with no news for 30 days (R11's
//! counter). Each line links to the candidate's review screen, where the pli's history is.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ceres_domain::french;
use ceres_domain::ledger::{PliState, PndReason};
use ceres_store::ledger::{self, PliListRow};

use crate::auth::CurrentUser;
use crate::pages::Chrome;
use crate::{AppError, AppState};

/// A pli handed over without news for this long is listed.
pub const NO_NEWS_DAYS: i64 = 30;

pub struct PliLine {
    pub candidat: String,
    pub session_id: String,
    pub on: String,
    pub detail: &'static str,
    pub href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pnd.html")]
pub struct PliListPage {
    chrome: Option<Chrome>,
    title: &'static str,
    intro: &'static str,
    date_column: &'static str,
    detail_column: &'static str,
    empty: &'static str,
    plis: Vec<PliLine>,
}

fn lines(rows: Vec<PliListRow>, detail: impl Fn(&str) -> &'static str) -> Vec<PliLine> {
    rows.into_iter()
        .map(|row| PliLine {
            candidat: format!(
                "{} {} (n° {})",
                row.nom_naissance, row.prenoms, row.candidat_id
            ),
            on: row
                .at
                .as_deref()
                .and_then(|at| at.get(..10))
                .and_then(|day| ceres_store::parse_date(day).ok())
                .map(french::short_date)
                .unwrap_or_default(),
            detail: row.detail.as_deref().map_or("", &detail),
            href: format!("/sessions/{}/candidats/{}", row.session_id, row.candidat_id),
            session_id: row.session_id,
        })
        .collect()
}

pub async fn list_pnd(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<PliListPage, AppError> {
    let rows = ledger::pnd_in_perimetre(&state.db, &user.perimetre).await?;
    Ok(PliListPage {
        chrome: Chrome::of(&user),
        title: "Plis non distribués à traiter",
        intro: "La Poste a retourné ces plis à l'Afpa. Pour chacun : vérifiez l'adresse avec le \
                candidat, corrigez-la dans le module « Candidats » (revenir à l'état brouillon, \
                modifier, valider), puis, sur l'écran des documents du candidat, cliquez sur \
                « Informer l'Afpa » : le même pli sera posté de nouveau, sans nouvelle demande \
                ni duplicata.",
        date_column: "Retour enregistré le",
        detail_column: "Motif",
        empty: "Aucun pli non distribué à traiter.",
        plis: lines(rows, |code| {
            PndReason::from_code(code).map_or("", PndReason::label)
        }),
    })
}

pub async fn list_stale(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<PliListPage, AppError> {
    let before = ceres_store::timestamp_text(
        state.clock.now() - jiff::SignedDuration::from_hours(24 * NO_NEWS_DAYS),
    );
    let rows = ledger::stale_in_perimetre(&state.db, &user.perimetre, &before).await?;
    Ok(PliListPage {
        chrome: Chrome::of(&user),
        title: "Plis sans nouvelles depuis 30 jours",
        intro: "Ces plis ont été remis au prestataire il y a plus de 30 jours et n'ont pas été \
                signalés postés depuis. Consultez leur historique sur l'écran des documents du \
                candidat.",
        date_column: "Dernière nouvelle le",
        detail_column: "État",
        empty: "Aucun pli sans nouvelles.",
        plis: lines(rows, |code| {
            PliState::from_code(code).map_or("", PliState::label)
        }),
    })
}
