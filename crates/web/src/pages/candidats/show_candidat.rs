//! `GET /candidats/{candidat_id}`: the candidate module, as in the tutorial: Identification
//! du candidat, Coordonnées, Formation et emploi, Parcours de certification, Traçabilité du
//! candidat, and the « ⋮ » menu that returns the record to brouillon (R4).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use ceres_domain::candidat::CheckReport;
use ceres_domain::candidat::Field;
use ceres_domain::candidat_data::{CandidatState, display_value};
use tower_sessions::Session;

use super::candidat_record::{
    self, CandidatContext, Line, Origin, ParcoursView, check_data, take_notice,
};
use crate::auth::CurrentUser;
use crate::pages::Chrome;
use crate::pages::audit_view::AuditLine;
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "candidat.html")]
pub struct CandidatPage {
    chrome: Option<Chrome>,
    id: i64,
    title: String,
    state_label: &'static str,
    in_draft: bool,
    voie_acces: Option<String>,
    revision: i64,
    origin: Option<String>,
    origin_review_href: Option<String>,
    form_href: String,
    notice: Option<String>,
    /// Why a validation just attempted was refused.
    refusal: Option<String>,
    errors: Vec<String>,
    warnings: Vec<String>,
    identification: Vec<Line>,
    adresse: Vec<String>,
    adresse_writable: bool,
    contact: Vec<Line>,
    formation: Vec<Line>,
    parcours: Vec<ParcoursView>,
    /// « Traçabilité du candidat », laid out by `audit_table.html`.
    audit: Vec<AuditLine>,
    empty: &'static str,
}

impl CandidatPage {
    /// Builds the page; `refusal` says why a validation just attempted was refused.
    pub async fn build(
        state: &AppState,
        user: &CurrentUser,
        context: &CandidatContext,
        report: &CheckReport,
        notice: Option<String>,
        refusal: Option<String>,
    ) -> Result<CandidatPage, AppError> {
        let row = &context.row;
        let (adresse, adresse_writable, contact) = candidat_record::coordonnees(&row.data);
        let voie_acces = row
            .data
            .voie_acces
            .map(|_| display_value(Field::VoieAcces, &row.data.value(Field::VoieAcces)));
        let origin_review_href = context.origin.as_ref().and_then(|session| {
            candidat_record::parcours(row.id, &context.parcours)
                .into_iter()
                .find(|p| &p.session_id == session)
                .and_then(|p| p.review_href)
        });

        Ok(CandidatPage {
            chrome: Chrome::of(user),
            id: row.id,
            title: context.title(),
            state_label: context.state().map_or("État inconnu", CandidatState::label),
            in_draft: context.in_draft(),
            voie_acces,
            revision: row.revision,
            origin: context.origin.clone(),
            origin_review_href,
            form_href: context.form_href(),
            notice,
            refusal,
            errors: report.errors.iter().map(|i| i.message.clone()).collect(),
            warnings: report.warnings.iter().map(|i| i.message.clone()).collect(),
            identification: candidat_record::identification(state, row).await?,
            adresse,
            adresse_writable,
            contact,
            formation: candidat_record::formation(&row.data),
            parcours: candidat_record::parcours(row.id, &context.parcours),
            audit: candidat_record::traceability(state, user, row.id).await?,
            empty: "Aucune modification enregistrée.",
        })
    }
}

pub async fn show_candidat(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(candidat_id): Path<i64>,
    Query(origin): Query<Origin>,
) -> Result<CandidatPage, AppError> {
    let context = CandidatContext::load(&state, &user, candidat_id, &origin).await?;
    let report = check_data(&state, candidat_id, &context.row.data).await?;
    let notice = take_notice(&session).await?;

    CandidatPage::build(&state, &user, &context, &report, notice, None).await
}
