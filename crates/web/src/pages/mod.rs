//! The pages, one file per action, grouped by area. Shared view pieces live here.

pub mod admin;
pub mod audit_view;
pub mod board;
pub mod board_chart;
pub mod candidats;
pub mod health;
pub mod oidc_sign_in;
pub mod pnd;
pub mod provider_console;
pub mod sessions;
pub mod sign_in;
pub mod sign_out;
pub mod verify_document;

use ceres_domain::candidat::{BirthDate, Civilite};
use ceres_domain::french;
use ceres_domain::print;
use ceres_domain::session::{Resultat, SessionState};
use ceres_store::candidats::InscriptionRow;
use ceres_store::sessions::SessionRow;

use ceres_domain::role::Role;

use crate::auth::CurrentUser;
use crate::csrf::CsrfToken;

/// What every page's frame needs: the user block of the header, and the CSRF token that
/// forms write with `{% include "csrf.html" %}`.
pub struct Chrome {
    /// Empty when nobody is signed in (the sign-in page).
    pub user_name: String,
    pub structure_name: String,
    /// Whether the header links to the administration pages.
    pub is_admin: bool,
    /// Whether the header links to the print provider's console.
    pub is_provider: bool,
    pub csrf: CsrfToken,
}

impl Chrome {
    /// The frame of a signed-in user's page.
    pub fn of(user: &CurrentUser) -> Option<Chrome> {
        let structure_name = match user.structure_name() {
            name if name == user.display_name => "",
            name => name,
        };
        Some(Chrome {
            user_name: user.display_name.clone(),
            structure_name: structure_name.to_owned(),
            is_admin: user.role == Role::Admin,
            is_provider: user.role == Role::Provider,
            csrf: user.csrf.clone(),
        })
    }

    /// The frame of a page shown before sign-in that holds a form.
    pub fn anonymous(csrf: CsrfToken) -> Option<Chrome> {
        Some(Chrome {
            user_name: String::new(),
            structure_name: String::new(),
            is_admin: false,
            is_provider: false,
            csrf,
        })
    }
}

/// A date stored as ISO text, shown as `JJ/MM/AAAA` (or as stored when unreadable).
pub fn short_date_text(iso: &str) -> String {
    ceres_store::parse_date(iso)
        .map(french::short_date)
        .unwrap_or_else(|_| iso.to_owned())
}

/// The session's state, with its label and badge style.
pub fn state_label_and_class(code: &str) -> (String, &'static str) {
    match SessionState::from_code(code) {
        Some(state @ SessionState::Validee) => (state.label().to_owned(), "fr-badge--success"),
        Some(state @ (SessionState::NonFinalisee | SessionState::NonFinaliseeEnAttenteDePj)) => {
            (state.label().to_owned(), "fr-badge--warning")
        }
        Some(state) => (state.label().to_owned(), "fr-badge--info"),
        None => (code.to_owned(), ""),
    }
}

/// "TP-00463 Ouvrier du paysage (20/09/2018)", as the session header writes the titre.
pub fn titre_line(session: &SessionRow) -> String {
    let code = session.code_tp.as_deref().unwrap_or(&session.rncp);
    match &session.arrete_date {
        Some(date) => format!("{code} {} ({})", session.intitule, short_date_text(date)),
        None => format!("{code} {}", session.intitule),
    }
}

/// The header of every tab of a session.
pub struct SessionHeader {
    pub id: String,
    pub titre: String,
    pub centre: String,
    pub state: String,
    pub state_class: &'static str,
    pub validated: Option<String>,
    pub updated: String,
}

impl SessionHeader {
    pub fn of(session: &SessionRow) -> SessionHeader {
        let (state, state_class) = state_label_and_class(&session.state);
        let validated = session.validated_on.as_ref().map(|on| {
            format!(
                "Session validée le {} par {}",
                short_date_text(on),
                session.validated_by.as_deref().unwrap_or("—")
            )
        });
        let updated_on = session.updated_at.get(..10).unwrap_or(&session.updated_at);
        SessionHeader {
            id: session.id.clone(),
            titre: titre_line(session),
            centre: session.centre_nom.clone(),
            state,
            state_class,
            validated,
            updated: format!(
                "Dernière modification le {} par {}",
                short_date_text(updated_on),
                session.updated_by
            ),
        }
    }
}

/// A link of the session's side menu.
pub struct Tab {
    pub label: &'static str,
    pub href: String,
    pub active: bool,
}

/// The tabs of a session, as the tutorial names them; `active` is the slug shown.
pub fn session_tabs(session_id: &str, active: &str) -> Vec<Tab> {
    [
        ("informations", "Informations pratiques"),
        ("responsable", "Responsable de session"),
        ("candidats", "Liste des candidats"),
        ("jures", "Liste des jurés"),
        ("surveillant", "Surveillant"),
        ("tracabilite", "Traçabilité de la session"),
    ]
    .into_iter()
    .map(|(slug, label)| Tab {
        label,
        href: format!("/sessions/{session_id}/{slug}"),
        active: slug == active,
    })
    .collect()
}

/// A candidate as the list and the review screen show it.
pub struct CandidatView {
    pub civilite: &'static str,
    pub nom: String,
    pub prenoms: String,
    pub ne: &'static str,
    pub naissance: String,
    pub lieu_naissance: String,
    pub resultat: &'static str,
    pub initial_request: Option<String>,
    /// R6: « Dernière demande de duplicatas transmise le JJ/MM/AAAA (n) ».
    pub duplicata_request: Option<String>,
    pub review_href: String,
    /// The candidate module's page, opened from this session.
    pub record_href: String,
    /// R7: the attestation de réussite, once it is offered.
    pub attestation_href: Option<String>,
}

impl CandidatView {
    pub fn of(session_id: &str, row: &InscriptionRow) -> CandidatView {
        let civilite = row.civilite.as_deref().and_then(Civilite::from_code);
        let naissance = match BirthDate::parse(&row.date_naissance) {
            Ok(date) => date.phrase(),
            Err(_) => format!("le {}", row.date_naissance),
        };
        let initial_request = row
            .initial_requested_on
            .as_deref()
            .and_then(|on| ceres_store::parse_date(on).ok())
            .map(print::initial_request_line);
        let duplicata_request = row
            .last_requested_on
            .as_deref()
            .and_then(|on| ceres_store::parse_date(on).ok())
            .filter(|_| row.duplicata_count > 0)
            .map(|on| print::duplicata_request_line(on, row.duplicata_count as usize));
        CandidatView {
            duplicata_request,
            civilite: civilite.map_or("", Civilite::label),
            nom: row.nom_naissance.clone(),
            prenoms: row.prenoms.clone(),
            ne: civilite.map_or("Né(e)", Civilite::ne_capitalised),
            naissance,
            lieu_naissance: birth_place(row),
            resultat: row
                .resultat
                .as_deref()
                .and_then(Resultat::from_code)
                .map_or("Résultat non saisi", Resultat::label),
            initial_request,
            review_href: format!("/sessions/{session_id}/candidats/{}", row.id),
            record_href: format!("/candidats/{}?session={session_id}", row.id),
            attestation_href: print::attestation_offered(
                row.resultat.as_deref().and_then(Resultat::from_code),
                row.initial_requested_on.is_some(),
            )
            .then(|| {
                format!(
                    "/sessions/{session_id}/candidats/{}/attestation-reussite.pdf",
                    row.id
                )
            }),
        }
    }
}

/// "Charleville-Mézières (FRANCE)", or the foreign town with its country.
pub fn birth_place(row: &InscriptionRow) -> String {
    let country = row
        .pays_libelle
        .as_deref()
        .unwrap_or("pays inconnu")
        .to_uppercase();
    if row.pays_naissance == ceres_domain::candidat::FRANCE {
        let commune = row
            .commune_nom
            .clone()
            .unwrap_or_else(|| format!("commune inconnue ({})", row.commune_naissance));
        format!("{commune} ({country})")
    } else {
        format!("{} ({country})", row.ville_naissance_etranger)
    }
}
