//! A lot as one ZIP: one folder per pli with its PDFs in envelope order, and the manifest
//! as CSV for a spreadsheet.

use std::io::Write;

use ceres_store::ledger::LotRow;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::{ApiError, Manifest, manifest};
use crate::AppState;
use crate::spreadsheet::inert;

/// The most address lines a pli has (NF Z10-011: 7 abroad).
const MAX_LINES: usize = 7;

/// The manifest as CSV: UTF-8 with a byte-order mark, `;`-separated, one row per pli.
pub(crate) fn manifest_csv(manifest: &Manifest) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let mut header = vec![
            "lot".to_owned(),
            "position".to_owned(),
            "pli".to_owned(),
            "destination".to_owned(),
            "territoire".to_owned(),
        ];
        header.extend((1..=MAX_LINES).map(|n| format!("ligne_{n}")));
        header.extend([
            "documents".to_owned(),
            "fichiers".to_owned(),
            "sha256".to_owned(),
        ]);
        writer.write_record(&header)?;
        for pli in &manifest.plis {
            let mut row = vec![
                manifest.id.clone(),
                pli.position.to_string(),
                pli.id.clone(),
                pli.destination.clone(),
                pli.territoire.clone().unwrap_or_default(),
            ];
            row.extend(
                (0..MAX_LINES).map(|i| pli.address_lines.get(i).cloned().unwrap_or_default()),
            );
            row.push(pli.documents.len().to_string());
            row.push(
                pli.documents
                    .iter()
                    .map(|d| format!("{}/{}", folder(pli.position, &pli.id), d.file))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            row.push(
                pli.documents
                    .iter()
                    .map(|d| d.sha256.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            writer.write_record(row.iter().map(|cell| inert(cell)))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// A pli's folder in the ZIP, e.g. `00042-<pli id>`.
fn folder(position: i64, pli_id: &str) -> String {
    format!("{position:05}-{pli_id}")
}

/// The ZIP of a lot. PDFs are stored, not deflated: they are compressed already.
pub(crate) async fn lot_zip(state: &AppState, lot: &LotRow) -> Result<Vec<u8>, ApiError> {
    let manifest = manifest(state, lot).await?;
    let internal = |e: String| ApiError::from(crate::AppError::Internal(e));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let csv = manifest_csv(&manifest).map_err(|e| internal(e.to_string()))?;
    zip.start_file("manifeste.csv", options)
        .map_err(|e| internal(e.to_string()))?;
    zip.write_all(&csv).map_err(|e| internal(e.to_string()))?;
    for pli in &manifest.plis {
        for document in &pli.documents {
            let pdf = state
                .files
                .get_intact(&document.file_key, &document.sha256)
                .await?;
            let name = format!("{}/{}", folder(pli.position, &pli.id), document.file);
            zip.start_file(name, options)
                .map_err(|e| internal(e.to_string()))?;
            zip.write_all(&pdf).map_err(|e| internal(e.to_string()))?;
        }
    }
    let cursor = zip.finish().map_err(|e| internal(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// The HTTP answer carrying a lot's ZIP, for the API and the console alike.
pub(crate) fn zip_response(lot_id: &str, zip: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"lot-{lot_id}.zip\""),
            ),
        ],
        zip,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_csv_starts_with_a_bom_and_keeps_accents() {
        let manifest = Manifest {
            id: "lot-1".into(),
            created_at: "2026-12-04T17:00:00.000000Z".into(),
            acknowledged_at: None,
            plis: vec![super::super::ManifestPli {
                id: "pli-1".into(),
                position: 1,
                destination: "candidat".into(),
                territoire: None,
                address_lines: vec!["Madame Hélène MÜLLER".into(), "=1+1".into()],
                state: "en_lot".into(),
                pdf_url: "/api/provider/v1/plis/pli-1/pli.pdf".into(),
                documents: vec![],
            }],
        };
        let csv = manifest_csv(&manifest).unwrap();
        assert!(csv.starts_with("\u{feff}".as_bytes()));
        let text = String::from_utf8(csv).unwrap();
        assert!(text.contains("Madame Hélène MÜLLER"));
        assert!(text.contains(";'=1+1;"), "{text}");
    }
}
