//! `GET /plis-non-distribues`: « Plis non distribués à traiter » (R9): the plis the post
//! returned, for the sessions of the agent's périmètre, each with a link to the candidate's
//! review screen where the agent corrects the address and informs the Afpa.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ceres_domain::french;
use ceres_domain::ledger::PndReason;
use ceres_store::ledger;

use crate::auth::CurrentUser;
use crate::pages::Chrome;
use crate::{AppError, AppState};

pub struct PndLine {
    pub candidat: String,
    pub session_id: String,
    pub returned_on: String,
    pub reason: &'static str,
    pub href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pnd.html")]
pub struct PndPage {
    chrome: Option<Chrome>,
    plis: Vec<PndLine>,
}

pub async fn list_pnd(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<PndPage, AppError> {
    let rows = ledger::pnd_in_perimetre(&state.db, &user.perimetre).await?;
    Ok(PndPage {
        chrome: Chrome::of(&user),
        plis: rows
            .into_iter()
            .map(|row| PndLine {
                candidat: format!("{} {} (n° {})", row.nom_naissance, row.prenoms, row.candidat_id),
                returned_on: row
                    .returned_at
                    .as_deref()
                    .and_then(|at| at.get(..10))
                    .and_then(|day| ceres_store::parse_date(day).ok())
                    .map(french::short_date)
                    .unwrap_or_default(),
                reason: row
                    .pnd_reason
                    .as_deref()
                    .and_then(PndReason::from_code)
                    .map_or("", PndReason::label),
                href: format!("/sessions/{}/candidats/{}", row.session_id, row.candidat_id),
                session_id: row.session_id,
            })
            .collect(),
    })
}
