//! `ceres import candidats --session ID FILE`: the import of candidates of the upload form
//! (`docs/import-candidats.md`), from the command line, with the same report.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use ceres_domain::Clock;
use ceres_domain::perimetre::Perimetre;
use ceres_store::candidat_changes::Author;
use ceres_store::candidat_import::{self, CLI_ACTOR, ImportReport, ImportRequest};
use ceres_store::{Db, sessions};

/// Imports the candidates of `file` into the session `session_id`.
pub async fn import_candidats(
    db: &Db,
    clock: &dyn Clock,
    session_id: &str,
    file: &Path,
) -> anyhow::Result<ImportReport> {
    let session = sessions::get_in_perimetre(db, &Perimetre::National, session_id)
        .await?
        .with_context(|| format!("no session {session_id}"))?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let file_name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();

    let report = candidat_import::import_candidats(
        db,
        &ImportRequest {
            session: &session,
            perimetre: &Perimetre::National,
            file_name: &file_name,
            bytes: &bytes,
            author: Author {
                actor: CLI_ACTOR,
                now: clock.now(),
            },
        },
    )
    .await?;
    Ok(report)
}

/// Writes the report: a line per row, its reasons and warnings indented below, then the
/// outcome. The reasons are the French messages agents read.
pub fn write_report(report: &ImportReport, out: &mut impl Write) -> std::io::Result<()> {
    let format = report.format.map(|f| f.label()).unwrap_or_default();
    writeln!(
        out,
        "{} -> session {} ({format}, {} row(s))",
        report.file_name,
        report.session_id,
        report.rows.len()
    )?;
    for row in &report.rows {
        let id = row.candidat_id.map(|id| id.to_string()).unwrap_or_default();
        writeln!(
            out,
            "line {:>4}  {id:>9}  {}: {}",
            row.line,
            row.nom,
            row.status.label()
        )?;
        for error in &row.errors {
            writeln!(out, "        error   {}: {}", error.check, error.message)?;
        }
        for warning in &row.warnings {
            writeln!(
                out,
                "        warning {}: {}",
                warning.check, warning.message
            )?;
        }
    }
    writeln!(out, "{}", report.summary())
}
