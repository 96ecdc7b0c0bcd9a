//! `ceres render`: the preview or print versions of a session's documents, or of one
//! candidate's, written to a folder, for operators and tests.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ceres_domain::candidat_data::CandidatState;
use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_domain::perimetre::Perimetre;
use ceres_domain::print::{Refusal, documents_for};
use ceres_domain::session::{Resultat, SessionState};
use ceres_store::{candidats, sessions};
use ceres_web::AppState;
use ceres_web::documents::{build_model, render_print_version};

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    pub session_id: String,
    /// One candidate of the session, or all of them.
    pub candidat_id: Option<i64>,
    pub version: DocumentVersion,
    /// Only these kinds; by default every document the candidate receives (R7's attestation
    /// de réussite only when asked for).
    pub kinds: Vec<DocumentKind>,
    pub out: PathBuf,
}

/// One file written.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub path: PathBuf,
    pub candidat_id: i64,
    pub kind: DocumentKind,
    /// The document number of a numbered print version.
    pub numero: Option<String>,
}

/// Renders the documents and writes them as `<out>/<session>/<candidat>-<kind>-<version>.pdf`.
///
/// Print versions are refused for a session that is not validated (R1) and skipped, with the
/// reasons, for a candidate whose data are invalid (R3) or in brouillon (R4); numbered documents get their number
/// (a duplicata diploma a new one each time). Previews are written for every candidate.
pub async fn render(state: &AppState, request: &RenderRequest) -> anyhow::Result<RenderReport> {
    let session = sessions::get_in_perimetre(&state.db, &Perimetre::National, &request.session_id)
        .await?
        .with_context(|| format!("no session {}", request.session_id))?;
    let session_state = SessionState::from_code(&session.state);
    if !session_state.is_some_and(SessionState::allows_documents) {
        bail!(
            "session {} is in state {:?}: documents are edited only once it is validated (R1)",
            session.id,
            session.state
        );
    }

    let mut registered = candidats::list_for_session(&state.db, &session.id).await?;
    if let Some(id) = request.candidat_id {
        registered.retain(|row| row.id == id);
        if registered.is_empty() {
            bail!("candidate {id} is not registered at session {}", session.id);
        }
    }

    let folder = request.out.join(&session.id);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;

    let nature = ceres_web::documents::session_nature(&session)?;
    let mut report = RenderReport::default();
    for row in &registered {
        let Some(resultat) = row.resultat.as_deref().and_then(Resultat::from_code) else {
            report
                .skipped
                .push((row.id, "no result recorded for this candidate".into()));
            continue;
        };
        if request.version.is_printed() {
            if row.state == CandidatState::Brouillon.code() {
                report
                    .skipped
                    .push((row.id, Refusal::CandidatInDraft.message()));
                continue;
            }
            let check = ceres_web::check_candidat(&session, row);
            if let Some(refusal) = check.refusal() {
                report.skipped.push((row.id, refusal));
                continue;
            }
        }

        let ccps = row.ccps_obtenus.split_whitespace().count();
        let kinds = if request.kinds.is_empty() {
            documents_for(nature, resultat, ccps)
        } else {
            request.kinds.clone()
        };
        for kind in kinds {
            if kind == DocumentKind::AttestationReussite && resultat != Resultat::Admis {
                report.skipped.push((
                    row.id,
                    "attestation de réussite: the candidate is not Admis".into(),
                ));
                continue;
            }
            let (model, pdf) = if request.version.is_printed() {
                render_print_version(state, &session, row, kind, request.version, "cli", None)
                    .await?
            } else {
                let model = build_model(state, &session, row, kind, request.version).await?;
                let pdf = state.renderer.render_pdf(&model)?;
                (model, pdf)
            };
            let path = file_path(&folder, row.id, kind, request.version);
            std::fs::write(&path, &pdf)
                .with_context(|| format!("cannot write {}", path.display()))?;
            report.rendered.push(Rendered {
                path,
                candidat_id: row.id,
                kind,
                numero: model.numerotation.map(|n| n.numero),
            });
        }
    }
    Ok(report)
}

fn file_path(
    folder: &Path,
    candidat_id: i64,
    kind: DocumentKind,
    version: DocumentVersion,
) -> PathBuf {
    folder.join(format!(
        "{candidat_id}-{}-{}.pdf",
        kind.slug(),
        version.slug()
    ))
}

/// What `render` did.
#[derive(Debug, Default)]
pub struct RenderReport {
    pub rendered: Vec<Rendered>,
    /// Candidates (or documents) left out, with the reason.
    pub skipped: Vec<(i64, String)>,
}
