//! `GET /sessions`: the sessions of the agent's périmètre (R12).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ceres_domain::perimetre::Perimetre;
use ceres_store::sessions;

use crate::auth::CurrentUser;
use crate::pages::{Chrome, short_date_text, state_label_and_class, titre_line};
use crate::{AppError, AppState};

struct SessionLine {
    id: String,
    titre: String,
    centre: String,
    date_debut: String,
    state: String,
    state_class: &'static str,
    candidats: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions.html")]
pub struct SessionsPage {
    chrome: Option<Chrome>,
    perimetre_label: String,
    sessions: Vec<SessionLine>,
    /// R9: how many returned plis wait in the périmètre.
    pnd_count: i64,
}

fn perimetre_label(perimetre: &Perimetre) -> String {
    match perimetre {
        Perimetre::National => "périmètre national".to_owned(),
        Perimetre::Region(code) => format!("région {code}"),
        Perimetre::Departement(code) => format!("département {code}"),
        Perimetre::Aucun => "aucune session".to_owned(),
    }
}

pub async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<SessionsPage, AppError> {
    let rows = sessions::list_in_perimetre(&state.db, &user.perimetre).await?;

    let sessions = rows
        .iter()
        .map(|row| {
            let (state, state_class) = state_label_and_class(&row.state);
            SessionLine {
                id: row.id.clone(),
                titre: titre_line(row),
                centre: row.centre_nom.clone(),
                date_debut: short_date_text(&row.date_debut),
                state,
                state_class,
                candidats: row.candidats,
            }
        })
        .collect();

    Ok(SessionsPage {
        chrome: Chrome::of(&user),
        perimetre_label: perimetre_label(&user.perimetre),
        sessions,
        pnd_count: ceres_store::ledger::pnd_count(&state.db, &user.perimetre).await?,
    })
}
