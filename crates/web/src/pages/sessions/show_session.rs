//! `GET /sessions/{id}` and `GET /sessions/{id}/{tab}`: the session's tabs other than the
//! candidate list.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use ceres_store::{audit, sessions};

use crate::auth::CurrentUser;
use crate::pages::audit_view::AuditLine;
use crate::pages::{Chrome, SessionHeader, Tab, session_tabs, short_date_text};
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "session_tab.html")]
pub struct SessionTabPage {
    chrome: Option<Chrome>,
    header: SessionHeader,
    tabs: Vec<Tab>,
    title: &'static str,
    rows: Vec<(String, String)>,
    table_head: Vec<&'static str>,
    table_rows: Vec<Vec<String>>,
    empty: &'static str,
    /// The Traçabilité tab's entries.
    audit: Option<Vec<AuditLine>>,
}

/// `GET /sessions/{id}`: the first tab.
pub async fn show_session(
    state: State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<SessionTabPage, AppError> {
    show_session_tab(state, user, Path((id, "informations".to_owned()))).await
}

/// `GET /sessions/{id}/{tab}`
pub async fn show_session_tab(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, tab)): Path<(String, String)>,
) -> Result<SessionTabPage, AppError> {
    let session = sessions::get_in_perimetre(&state.db, &user.perimetre, &id)
        .await?
        .ok_or(AppError::NotFound)?;

    let mut page = SessionTabPage {
        chrome: Chrome::of(&user),
        header: SessionHeader::of(&session),
        tabs: session_tabs(&session.id, &tab),
        title: "",
        rows: Vec::new(),
        table_head: Vec::new(),
        table_rows: Vec::new(),
        empty: "",
        audit: None,
    };
    match tab.as_str() {
        "informations" => {
            page.title = "Informations pratiques";
            page.rows = vec![
                ("Identifiant".into(), session.id.clone()),
                ("Titre professionnel".into(), page.header.titre.clone()),
                ("RNCP".into(), session.rncp.clone()),
                ("Centre".into(), session.centre_nom.clone()),
                ("Début".into(), short_date_text(&session.date_debut)),
                ("Fin".into(), short_date_text(&session.date_fin)),
                (
                    "Jury".into(),
                    session
                        .date_jury
                        .as_deref()
                        .map(short_date_text)
                        .unwrap_or_default(),
                ),
                ("État".into(), page.header.state.clone()),
                ("Candidats inscrits".into(), session.candidats.to_string()),
            ];
        }
        "responsable" => {
            page.title = "Responsable de session";
            page.rows = vec![
                ("Nom".into(), session.responsable_nom.clone()),
                ("Courriel".into(), session.responsable_courriel.clone()),
            ];
        }
        "jures" => {
            page.title = "Liste des jurés";
            page.table_head = vec!["Nom", "Qualité"];
            page.empty = "Aucun juré enregistré.";
            page.table_rows = sessions::jures(&state.db, &session.id)
                .await?
                .into_iter()
                .map(|j| vec![j.nom, j.qualite])
                .collect();
        }
        "surveillant" => {
            page.title = "Surveillant";
            page.table_head = vec!["Nom"];
            page.empty = "Aucun surveillant enregistré.";
            page.table_rows = sessions::surveillants(&state.db, &session.id)
                .await?
                .into_iter()
                .map(|nom| vec![nom])
                .collect();
        }
        "tracabilite" => {
            page.title = "Traçabilité de la session";
            page.empty = "Aucune modification enregistrée.";
            let rows = audit::list_for_session(&state.db, &session.id).await?;
            page.audit = Some(rows.iter().map(AuditLine::of).collect());
        }
        _ => return Err(AppError::NotFound),
    }
    Ok(page)
}
