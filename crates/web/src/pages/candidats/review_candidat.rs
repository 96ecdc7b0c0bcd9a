//! `GET /sessions/{id}/candidats/{candidat_id}`: the review screen of a candidate's
//! documents, before the print request (R2, R3).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use ceres_domain::french;
use ceres_domain::ledger::{PliEventKind, PliState, PndReason};
use ceres_domain::print::{self, DuplicataMotif, documents_for};
use ceres_domain::session::{Resultat, SessionNature, SessionState};
use ceres_store::candidats::{self, InscriptionRow};
use ceres_store::ledger::{self, PliEventRow, PliRow};
use ceres_store::sessions::{self, SessionRow};
use tower_sessions::Session;

use super::check_candidat;
use crate::auth::CurrentUser;
use crate::pages::{CandidatView, Chrome};
use crate::{AppError, AppState};

/// The key of the one-shot notice shown after a redirect.
pub(crate) const NOTICE_KEY: &str = "notice";

pub struct DocumentLink {
    label: &'static str,
    href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub struct ReviewPage {
    chrome: Option<Chrome>,
    session_id: String,
    c: CandidatView,
    position: usize,
    total: usize,
    notice: Option<String>,
    refusals: Vec<String>,
    invalid: Option<String>,
    issues: Vec<String>,
    warnings: Vec<String>,
    documents: Vec<DocumentLink>,
    can_send: bool,
    send_href: String,
    previous_href: Option<String>,
    next_href: Option<String>,
    /// R6: the duplicata form, once the initial request is made.
    duplicata: Option<DuplicataForm>,
    /// R10: the plis sent to the candidate, newest first, with their history.
    plis: Vec<PliHistory>,
    /// R10: whether a PND was recorded, answered at once.
    pnd_answer: Option<String>,
}

/// The duplicata form of the review screen (R6).
pub struct DuplicataForm {
    pub href: String,
    /// The last request's sequence, sent back so that two clicks make one duplicata.
    pub after_sequence: i64,
    /// « Un duplicata pourra être demandé à partir du … » while it is too early.
    pub not_before: Option<String>,
    pub motifs: Vec<(&'static str, &'static str)>,
}

/// One pli of the candidate, as the review screen shows it (R9, R10).
pub struct PliHistory {
    pub title: String,
    pub state_label: &'static str,
    pub lines: Vec<String>,
    pub events: Vec<String>,
    /// R9: « Informer l'Afpa » once the address is corrected, for a returned pli.
    pub inform_href: Option<String>,
}

/// Everything the review screen and the print request need, loaded in the périmètre.
pub struct ReviewContext {
    pub session: SessionRow,
    pub candidats: Vec<InscriptionRow>,
    /// Index of the reviewed candidate in `candidats`.
    pub index: usize,
    /// The reviewed candidate's plis at this session, newest first, with their events.
    pub plis: Vec<(PliRow, Vec<PliEventRow>)>,
}

impl ReviewContext {
    /// Loads the session (R12: 404 outside the périmètre) and its candidates, and finds the
    /// reviewed one (404 when not registered there).
    pub async fn load(
        state: &AppState,
        user: &CurrentUser,
        session_id: &str,
        candidat_id: i64,
    ) -> Result<ReviewContext, AppError> {
        let session = sessions::get_in_perimetre(&state.db, &user.perimetre, session_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let candidats = candidats::list_for_session(&state.db, &session.id).await?;
        let index = candidats
            .iter()
            .position(|c| c.id == candidat_id)
            .ok_or(AppError::NotFound)?;
        let mut plis = Vec::new();
        for pli in ledger::plis_of_candidat(&state.db, &session.id, candidat_id).await? {
            let events = ledger::events_of(&state.db, &pli.id).await?;
            plis.push((pli, events));
        }
        Ok(ReviewContext {
            session,
            candidats,
            index,
            plis,
        })
    }

    pub fn candidat(&self) -> &InscriptionRow {
        &self.candidats[self.index]
    }

    /// What the session certifies; a session with an unknown code is read as a titre
    /// session (the column is written by ceres only, with known codes).
    pub fn nature(&self) -> SessionNature {
        SessionNature::from_code(&self.session.nature).unwrap_or(SessionNature::Titre)
    }

    pub fn session_allows_documents(&self) -> bool {
        SessionState::from_code(&self.session.state).is_some_and(SessionState::allows_documents)
    }

    /// The review URL of the candidate `offset` places away, if there is one.
    pub fn neighbour_href(&self, offset: isize) -> Option<String> {
        let index = self.index.checked_add_signed(offset)?;
        self.candidats
            .get(index)
            .map(|c| format!("/sessions/{}/candidats/{}", self.session.id, c.id))
    }

    /// Builds the page, with the refusals of a print request just attempted, if any.
    pub fn page(
        &self,
        user: &CurrentUser,
        today: jiff::civil::Date,
        notice: Option<String>,
        refusals: Vec<String>,
    ) -> ReviewPage {
        let row = self.candidat();
        let report = check_candidat(&self.session, row);
        let base = format!("/sessions/{}/candidats/{}", self.session.id, row.id);

        let resultat = row.resultat.as_deref().and_then(Resultat::from_code);
        let ccps_obtenus = row.ccps_obtenus.split_whitespace().count();
        let documents = resultat
            .map(|resultat| documents_for(self.nature(), resultat, ccps_obtenus))
            .unwrap_or_default()
            .into_iter()
            .map(|kind| DocumentLink {
                label: kind.label(),
                href: format!("{base}/apercu/{}.pdf", kind.slug()),
            })
            .collect();

        ReviewPage {
            chrome: Chrome::of(user),
            session_id: self.session.id.clone(),
            c: CandidatView::of(&self.session.id, row),
            position: self.index + 1,
            total: self.candidats.len(),
            notice,
            refusals,
            invalid: report.refusal(),
            issues: report.errors.iter().map(|i| i.message.clone()).collect(),
            warnings: report.warnings.iter().map(|i| i.message.clone()).collect(),
            documents,
            can_send: self.session_allows_documents()
                && resultat.is_some()
                && row.initial_requested_on.is_none(),
            send_href: format!("{base}/demande-impression"),
            previous_href: self.neighbour_href(-1),
            next_href: self.neighbour_href(1),
            duplicata: self.duplicata_form(&base, today),
            plis: self.pli_histories(&base),
            pnd_answer: self.pnd_answer(),
        }
    }

    fn duplicata_form(&self, base: &str, today: jiff::civil::Date) -> Option<DuplicataForm> {
        let row = self.candidat();
        let after_sequence = row.last_request_sequence?;
        if !self.session_allows_documents() {
            return None;
        }
        let last_on = row
            .last_requested_on
            .as_deref()
            .and_then(|on| ceres_store::parse_date(on).ok())?;
        let from = print::duplicata_possible_from(last_on);
        Some(DuplicataForm {
            href: format!("{base}/duplicata"),
            after_sequence,
            not_before: (today < from).then(|| {
                format!(
                    "Un duplicata pourra être demandé à partir du {} (7 jours après la dernière \
                     demande, transmise le {}).",
                    french::short_date(from),
                    french::short_date(last_on)
                )
            }),
            motifs: DuplicataMotif::ALL
                .iter()
                .map(|m| (m.code(), m.label()))
                .collect(),
        })
    }

    fn pli_histories(&self, base: &str) -> Vec<PliHistory> {
        self.plis
            .iter()
            .map(|(pli, events)| {
                let state = PliState::from_code(&pli.state);
                let request = match pli.request_sequence {
                    0 => "demande initiale".to_owned(),
                    n => format!("duplicata n° {n}"),
                };
                PliHistory {
                    title: format!("Pli du {} ({request})", short_instant(&pli.created_at)),
                    state_label: state.map_or("", PliState::label),
                    lines: pli.lines(),
                    events: events.iter().map(event_line).collect(),
                    inform_href: (state == Some(PliState::Pnd))
                        .then(|| format!("{base}/plis/{}/informer-prestataire", pli.id)),
                }
            })
            .collect()
    }

    /// R10: the answer to « a-t-on reçu un retour de pli ? », from the plis' history.
    fn pnd_answer(&self) -> Option<String> {
        if self.plis.is_empty() {
            return None;
        }
        let returns: Vec<&PliEventRow> = self
            .plis
            .iter()
            .flat_map(|(_, events)| events.iter().filter(|e| e.kind == PliEventKind::Pnd.code()))
            .collect();
        Some(match returns.last() {
            None => "Aucun retour de pli non distribué (PND) n'a été enregistré pour ce \
                     candidat."
                .to_owned(),
            Some(last) => format!(
                "Un retour de pli non distribué (PND) a été enregistré le {}{}.",
                short_instant(&last.recorded_at),
                last.pnd_reason
                    .as_deref()
                    .and_then(PndReason::from_code)
                    .map(|r| format!(" : {}", r.label()))
                    .unwrap_or_default()
            ),
        })
    }
}

pub async fn review_candidat(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path((session_id, candidat_id)): Path<(String, i64)>,
) -> Result<ReviewPage, AppError> {
    let context = ReviewContext::load(&state, &user, &session_id, candidat_id).await?;
    if !context.session_allows_documents() {
        // R1: no document screen before validation.
        return Err(AppError::NotFound);
    }

    let notice: Option<String> = session
        .remove(NOTICE_KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(context.page(&user, state.clock.today_in_paris(), notice, Vec::new()))
}

/// « 04/12/2026 » from a stored instant (its UTC date is enough for a history line).
fn short_instant(at: &str) -> String {
    at.get(..10)
        .and_then(|day| ceres_store::parse_date(day).ok())
        .map_or_else(|| at.to_owned(), french::short_date)
}

/// One event of a pli's history, in French.
fn event_line(event: &PliEventRow) -> String {
    let label = PliEventKind::from_code(&event.kind).map_or("Événement", PliEventKind::label);
    let mut line = format!("{} — {label}", short_instant(&event.recorded_at));
    if let Some(on) = event
        .occurred_on
        .as_deref()
        .and_then(|d| ceres_store::parse_date(d).ok())
    {
        line.push_str(&format!(", déposé le {}", french::short_date(on)));
    }
    if let Some(tracking) = &event.tracking_number {
        line.push_str(&format!(", suivi {tracking}"));
    }
    if let Some(reason) = event.pnd_reason.as_deref().and_then(PndReason::from_code) {
        line.push_str(&format!(" : {}", reason.label()));
    }
    line
}
