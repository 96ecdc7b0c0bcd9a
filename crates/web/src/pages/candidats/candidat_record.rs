//! What the pages of the candidate module share: the record read through the périmètre
//! (R12), the checks of R4 against every session of the candidate, and the views of the
//! record's sections and of its audit trail.

use ceres_domain::adresse;
use ceres_domain::candidat::{self, BirthDate, CheckReport, FRANCE, Field, Issue, postal_address};
use ceres_domain::candidat_data::{CandidatData, CandidatState, display_value};
use ceres_domain::print;
use ceres_domain::session::{Resultat, SessionState};
use ceres_store::audit;
use ceres_store::candidats::{self, CandidatRow, ParcoursRow};
use ceres_store::referentiel::{self, birth_place_reference};
use serde::Deserialize;
use tower_sessions::Session;

use super::review_candidat::NOTICE_KEY;
use crate::auth::CurrentUser;
use crate::pages::audit_view::AuditLine;
use crate::pages::short_date_text;
use crate::{AppError, AppState};

/// Where the agent came from: `?session=ID` when the candidate was opened from a session's
/// list or review screen, so that the pages lead back there.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Origin {
    #[serde(default)]
    pub session: Option<String>,
}

/// A candidate record with its registrations, read through the agent's périmètre.
pub struct CandidatContext {
    pub row: CandidatRow,
    pub parcours: Vec<ParcoursRow>,
    /// The session the agent came from, when it is one of the candidate's.
    pub origin: Option<String>,
}

impl CandidatContext {
    /// Loads the record (R12: 404 when missing or registered at no session of the
    /// périmètre, alike) and its registrations in the périmètre.
    pub async fn load(
        state: &AppState,
        user: &CurrentUser,
        candidat_id: i64,
        origin: &Origin,
    ) -> Result<CandidatContext, AppError> {
        let row = candidats::get_in_perimetre(&state.db, &user.perimetre, candidat_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let parcours =
            candidats::parcours_in_perimetre(&state.db, &user.perimetre, candidat_id).await?;
        let origin = origin
            .session
            .clone()
            .filter(|id| parcours.iter().any(|p| &p.session_id == id));
        Ok(CandidatContext {
            row,
            parcours,
            origin,
        })
    }

    pub fn state(&self) -> Option<CandidatState> {
        CandidatState::from_code(&self.row.state)
    }

    pub fn in_draft(&self) -> bool {
        self.state() == Some(CandidatState::Brouillon)
    }

    /// The candidate page, with `?session=` when the agent came from a session.
    pub fn page_href(&self) -> String {
        self.with_origin(format!("/candidats/{}", self.row.id))
    }

    /// The edit form.
    pub fn form_href(&self) -> String {
        self.with_origin(format!("/candidats/{}/modifier", self.row.id))
    }

    fn with_origin(&self, path: String) -> String {
        match &self.origin {
            Some(session) => format!("{path}?session={session}"),
            None => path,
        }
    }

    /// « Madame FAURIEL Colette », as the header names the candidate.
    pub fn title(&self) -> String {
        let data = &self.row.data;
        [
            data.civilite.map_or("", candidat::Civilite::label),
            &data.nom_naissance,
            &data.prenoms,
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// Whether an initial print request was made at one of the candidate's sessions: a
    /// correction then calls for a duplicata (the tutorial's case 1).
    pub fn already_sent(&self) -> bool {
        self.parcours
            .iter()
            .any(|p| p.initial_requested_on.is_some())
    }
}

/// R4: checks `data` at the start of every session the candidate is registered at (the age
/// is checked at each), or today when there is none. An issue found at several sessions is
/// told once.
pub async fn check_data(
    state: &AppState,
    candidat_id: i64,
    data: &CandidatData,
) -> Result<CheckReport, AppError> {
    let birth_place =
        birth_place_reference(&state.db, &data.pays_naissance, &data.commune_naissance).await?;
    let mut dates: Vec<jiff::civil::Date> = candidats::session_dates(&state.db, candidat_id)
        .await?
        .iter()
        .filter_map(|date| ceres_store::parse_date(date).ok())
        .collect();
    if dates.is_empty() {
        dates.push(state.clock.today_in_paris());
    }

    let mut report = CheckReport::default();
    let record = data.record(None, &birth_place);
    for date in dates {
        let at_session = candidat::check(&record, date);
        merge(&mut report.errors, at_session.errors);
        merge(&mut report.warnings, at_session.warnings);
    }
    Ok(report)
}

/// Adds the issues not told yet (same field, same check).
fn merge(into: &mut Vec<Issue>, issues: Vec<Issue>) {
    for issue in issues {
        if !into
            .iter()
            .any(|i| i.field == issue.field && i.check == issue.check)
        {
            into.push(issue);
        }
    }
}

/// Takes the one-shot notice left by the previous action.
pub async fn take_notice(session: &Session) -> Result<Option<String>, AppError> {
    session
        .remove(NOTICE_KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Leaves a one-shot notice for the next page.
pub async fn leave_notice(session: &Session, notice: String) -> Result<(), AppError> {
    session
        .insert(NOTICE_KEY, notice)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// One line of a section: a label and its value.
pub struct Line {
    pub label: &'static str,
    pub value: String,
}

/// « Identification du candidat ».
pub async fn identification(state: &AppState, row: &CandidatRow) -> Result<Vec<Line>, AppError> {
    let data = &row.data;
    let shown = |field: Field| display_value(field, &data.value(field));
    let mut lines = vec![
        Line {
            label: "Identifiant",
            value: row.id.to_string(),
        },
        Line {
            label: Field::NomNaissance.label(),
            value: shown(Field::NomNaissance),
        },
        Line {
            label: Field::NomUsage.label(),
            value: shown(Field::NomUsage),
        },
        Line {
            label: Field::Prenoms.label(),
            value: shown(Field::Prenoms),
        },
        Line {
            label: Field::DateNaissance.label(),
            value: birth_date_shown(&data.date_naissance),
        },
        Line {
            label: "Genre",
            value: data
                .civilite
                .map_or("(vide)".to_owned(), |c| c.genre().to_owned()),
        },
        Line {
            label: Field::PaysNaissance.label(),
            value: pays_shown(state, &data.pays_naissance).await?,
        },
    ];
    if data.pays_naissance == FRANCE {
        let nom = referentiel::commune_with_departement(&state.db, &data.commune_naissance).await?;
        lines.push(Line {
            label: Field::CommuneNaissance.label(),
            value: match nom {
                Some(nom) => format!("{nom} ({})", data.commune_naissance),
                None => shown(Field::CommuneNaissance),
            },
        });
    } else {
        lines.push(Line {
            label: Field::VilleNaissanceEtranger.label(),
            value: shown(Field::VilleNaissanceEtranger),
        });
    }
    Ok(lines)
}

/// « 23/04/1970 (né le 23/04/1970) »: the date and how documents print it.
fn birth_date_shown(stored: &str) -> String {
    match BirthDate::parse(stored) {
        Ok(date) if date.full().is_none() => format!("{} ({})", date.short(), date.phrase()),
        Ok(date) => date.short(),
        Err(_) if stored.is_empty() => "(vide)".to_owned(),
        Err(_) => stored.to_owned(),
    }
}

/// The name of a country code, « FRANCE (99100) ».
async fn pays_shown(state: &AppState, code: &str) -> Result<String, AppError> {
    let list = referentiel::pays_list(&state.db).await?;
    Ok(match list.iter().find(|p| p.code == code) {
        Some(pays) => format!("{} ({code})", pays.libelle.to_uppercase()),
        None if code.is_empty() => "(vide)".to_owned(),
        None => format!("code inconnu ({code})"),
    })
}

/// « Coordonnées »: the address as it will be printed, or as entered when the norm cannot
/// write it.
pub fn coordonnees(data: &CandidatData) -> (Vec<String>, bool, Vec<Line>) {
    let birth_place = Default::default();
    let record = data.record(None, &birth_place);
    let (lines, writable) = match adresse::format(&postal_address(&record)) {
        Ok(lines) => (lines, true),
        Err(_) => (
            [
                Field::AdresseComplement,
                Field::AdresseLigne,
                Field::CodePostal,
                Field::Ville,
                Field::AdressePays,
            ]
            .iter()
            .map(|field| data.value(*field))
            .filter(|line| !line.is_empty())
            .collect(),
            false,
        ),
    };
    let contact = [Field::Courriel, Field::Telephone]
        .into_iter()
        .map(|field| Line {
            label: field.label(),
            value: display_value(field, &data.value(field)),
        })
        .collect();
    (lines, writable, contact)
}

/// « Formation et emploi ».
pub fn formation(data: &CandidatData) -> Vec<Line> {
    [
        Field::NiveauFormation,
        Field::DernierDiplome,
        Field::SituationEmploi,
        Field::VoieAcces,
    ]
    .into_iter()
    .map(|field| Line {
        label: field.label(),
        value: display_value(field, &data.value(field)),
    })
    .collect()
}

/// A registration, as « Parcours de certification » lists it.
pub struct ParcoursView {
    pub session_id: String,
    pub session_href: String,
    pub titre: String,
    pub dates: String,
    pub centre: String,
    pub state: String,
    pub resultat: String,
    pub ccps: String,
    pub request: String,
    /// The review screen of the candidate's documents, once the session is validated.
    pub review_href: Option<String>,
}

pub fn parcours(candidat_id: i64, rows: &[ParcoursRow]) -> Vec<ParcoursView> {
    rows.iter()
        .map(|p| {
            let state = SessionState::from_code(&p.session_state);
            let code = p.code_tp.as_deref().unwrap_or(&p.rncp);
            let titre = match &p.arrete_date {
                Some(date) => format!("{code} {} ({})", p.intitule, short_date_text(date)),
                None => format!("{code} {}", p.intitule),
            };
            ParcoursView {
                session_id: p.session_id.clone(),
                session_href: format!("/sessions/{}/candidats", p.session_id),
                titre,
                dates: format!(
                    "du {} au {}",
                    short_date_text(&p.date_debut),
                    short_date_text(&p.date_fin)
                ),
                centre: p.centre_nom.clone(),
                state: state.map_or(p.session_state.clone(), |s| s.label().to_owned()),
                resultat: p
                    .resultat
                    .as_deref()
                    .and_then(Resultat::from_code)
                    .map_or("Résultat non saisi", Resultat::label)
                    .to_owned(),
                ccps: match p.ccps_obtenus.trim() {
                    "" => "—".to_owned(),
                    ccps => ccps.to_owned(),
                },
                request: p
                    .initial_requested_on
                    .as_deref()
                    .and_then(|on| ceres_store::parse_date(on).ok())
                    .map_or("Aucune demande d'impression".to_owned(), |on| {
                        print::initial_request_line(on)
                    }),
                review_href: state
                    .is_some_and(SessionState::allows_documents)
                    .then(|| format!("/sessions/{}/candidats/{candidat_id}", p.session_id)),
            }
        })
        .collect()
}

/// « Traçabilité du candidat »: the candidate's audit events in the périmètre, newest first.
pub async fn traceability(
    state: &AppState,
    user: &CurrentUser,
    candidat_id: i64,
) -> Result<Vec<AuditLine>, AppError> {
    let events = audit::list_for_candidat(&state.db, &user.perimetre, candidat_id).await?;
    Ok(events.iter().map(AuditLine::of).collect())
}
