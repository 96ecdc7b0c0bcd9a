//! PDF rendering of the documents of ceres (design brief §4), with Typst embedded as a library.
//!
//! A [`Renderer`] is built once and shared: it holds the fonts and the templates, both
//! embedded in the binary. Each call to [`Renderer::render_pdf`] hands a
//! [`DocumentModel`] to the template of its kind as a JSON file; the templates only lay the
//! data out, so a name such as `#set page(width: 1pt)` prints as written.
//!
//! Output is PDF/A-2b on A4 paper, one page (two for the printed livret, whose front page
//! the preview omits), and reproducible: the same model gives the same bytes.

pub mod bench;
mod diagnostics;
mod fonts;
pub mod sample;
mod world;

use std::sync::atomic::{AtomicU64, Ordering};

use ceres_domain::document::{DocumentKind, DocumentModel};
use typst::comemo;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::world::{Assets, DocumentWorld};

/// How many documents are rendered between two evictions of Typst's memoisation cache.
const EVICT_EVERY: u64 = 10;

/// Age, in evictions, after which an unused cache entry is dropped (see STACK-NOTES: keeps
/// memory flat at full speed, where evicting everything halves throughput).
const EVICT_MAX_AGE: usize = 2;

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The model could not be written as JSON for the template.
    #[error("could not serialise the document data: {0}")]
    Data(#[from] serde_json::Error),

    /// The model holds a value the renderer cannot use.
    #[error("invalid document data: {0}")]
    InvalidData(String),

    /// Typst refused the template with this data; the diagnostics say where and why.
    #[error("Typst could not compile the {kind} template: {diagnostics}")]
    Compile {
        /// Slug of the document kind.
        kind: &'static str,
        /// Typst's errors, one per line, with file, line and column.
        diagnostics: String,
    },

    /// The laid-out document does not have the pages its kind has.
    #[error("the {kind} document has {pages} pages instead of {expected}")]
    PageCount {
        /// Slug of the document kind.
        kind: &'static str,
        /// Number of pages Typst produced.
        pages: usize,
        /// Number of pages a document of this kind and version has.
        expected: usize,
    },

    /// The verification address is too long for a QR code.
    #[error("cannot draw the verification QR code: {0}")]
    QrCode(String),

    /// The PDF export failed (for instance a PDF/A-2b conformance error).
    #[error("Typst could not export the {kind} document to PDF: {diagnostics}")]
    Export {
        /// Slug of the document kind.
        kind: &'static str,
        /// Typst's errors, one per line.
        diagnostics: String,
    },
}

/// Renders [`DocumentModel`]s to PDF. Build one with [`Renderer::new`] and share it (it is
/// `Send + Sync`); each render is independent and may run on any thread.
pub struct Renderer {
    assets: Assets,
    standards: PdfStandards,
    rendered: AtomicU64,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// Loads the embedded fonts and templates. Build it once and share it: documents then
    /// reuse the parsed fonts and Typst's caches.
    pub fn new() -> Renderer {
        let standards = PdfStandards::new(&[PdfStandard::A_2b])
            .expect("PDF/A-2b alone is a valid set of standards");

        Renderer {
            assets: Assets::new(),
            standards,
            rendered: AtomicU64::new(0),
        }
    }

    /// Renders one document to the bytes of an A4 PDF/A-2b file.
    ///
    /// The PDF's creation date is the document's date (`date_courrier`) and its identifier is
    /// derived from the kind, version, session and candidate, so the same model always gives
    /// the same bytes.
    pub fn render_pdf(&self, model: &DocumentModel) -> Result<Vec<u8>, RenderError> {
        let pdf = self.render(model);
        self.evict_cache_now_and_then();
        pdf
    }

    fn render(&self, model: &DocumentModel) -> Result<Vec<u8>, RenderError> {
        let kind = model.kind.slug();
        let timestamp = Timestamp::new_utc(document_date(&model.date_courrier)?);
        let data = serde_json::to_vec(model)?;

        let mut world = DocumentWorld::new(&self.assets, model.kind, data);
        if let Some(numerotation) = &model.numerotation {
            world = world.with_qr(qr_svg(&numerotation.url)?);
        }
        let document = compile(&world, kind, expected_pages(model))?;

        // Export with a fixed identity and date, so output is byte-identical for the same data.
        let options = PdfOptions {
            ident: Smart::Custom(document_ident(model)),
            creator: Smart::Custom(Some("ceres".to_owned())),
            timestamp: Some(timestamp),
            standards: self.standards.clone(),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|errors| RenderError::Export {
            kind,
            diagnostics: diagnostics::describe(&world, &errors),
        })
    }

    /// Puts the PDFs of one envelope into one PDF, in the given order, every page as it is
    /// (embedded, not redrawn): what the provider's inserter takes, one file per pli.
    /// `ident` names the pli; the same parts give the same bytes.
    pub fn merge_pli(&self, ident: &str, parts: &[PliPart<'_>]) -> Result<Vec<u8>, RenderError> {
        const KIND: &str = "pli";
        let data = PliData {
            title: ident,
            documents: parts
                .iter()
                .enumerate()
                .map(|(index, part)| PliDocument {
                    path: world::pli_document_path(index),
                    pages: part.pages,
                })
                .collect(),
        };
        let world = DocumentWorld::pli(
            &self.assets,
            serde_json::to_vec(&data)?,
            parts.iter().map(|part| part.pdf.to_vec()).collect(),
        );
        let expected = parts.iter().map(|part| part.pages).sum();
        let document = compile(&world, KIND, expected)?;
        let options = PdfOptions {
            ident: Smart::Custom(format!("ceres/pli/{ident}")),
            creator: Smart::Custom(Some("ceres".to_owned())),
            ..PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| RenderError::Export {
            kind: KIND,
            diagnostics: diagnostics::describe(&world, &errors),
        });
        self.evict_cache_now_and_then();
        pdf
    }

    /// Drops old entries of Typst's global memoisation cache every [`EVICT_EVERY`] documents,
    /// so a long-running process keeps a flat memory footprint.
    fn evict_cache_now_and_then(&self) {
        let rendered = self.rendered.fetch_add(1, Ordering::Relaxed) + 1;
        if rendered.is_multiple_of(EVICT_EVERY) {
            comemo::evict(EVICT_MAX_AGE);
        }
    }
}

/// How many pages a document has: the printed livret has its front page (R2).
fn expected_pages(model: &DocumentModel) -> usize {
    pages_of(model.kind, model.version.is_printed())
}

/// How many pages the print version of a kind of document has.
pub fn printed_pages(kind: DocumentKind) -> usize {
    pages_of(kind, true)
}

fn pages_of(kind: DocumentKind, printed: bool) -> usize {
    match (kind, printed) {
        (DocumentKind::Livret, true) => 2,
        _ => 1,
    }
}

/// One PDF of a pli, with its number of pages.
pub struct PliPart<'a> {
    pub pdf: &'a [u8],
    pub pages: usize,
}

#[derive(serde::Serialize)]
struct PliData<'a> {
    title: &'a str,
    documents: Vec<PliDocument>,
}

#[derive(serde::Serialize)]
struct PliDocument {
    path: String,
    pages: usize,
}

/// The QR code of a verification address, as SVG, without its quiet zone (the template
/// leaves the margin around it).
fn qr_svg(url: &str) -> Result<String, RenderError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| RenderError::QrCode(e.to_string()))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(false)
        .min_dimensions(200, 200)
        .build())
}

/// Lays the template out against the data, and checks its number of pages.
fn compile(
    world: &DocumentWorld,
    kind: &'static str,
    expected: usize,
) -> Result<PagedDocument, RenderError> {
    let compiled = typst::compile::<PagedDocument>(world);
    if !compiled.warnings.is_empty() {
        let warnings = diagnostics::describe(world, &compiled.warnings);
        tracing::warn!(document.kind = kind, %warnings, "Typst warned while rendering");
    }

    let document = compiled.output.map_err(|errors| RenderError::Compile {
        kind,
        diagnostics: diagnostics::describe(world, &errors),
    })?;
    match document.pages().len() {
        pages if pages == expected => Ok(document),
        pages => Err(RenderError::PageCount {
            kind,
            pages,
            expected,
        }),
    }
}

/// Parses the `JJ/MM/AAAA` date of the letter into the PDF's creation date.
fn document_date(date: &str) -> Result<Datetime, RenderError> {
    let invalid = || RenderError::InvalidData(format!("date_courrier {date:?} is not JJ/MM/AAAA"));
    let mut parts = date.split('/');
    let (Some(day), Some(month), Some(year), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let day = day.parse().map_err(|_| invalid())?;
    let month = month.parse().map_err(|_| invalid())?;
    let year = year.parse().map_err(|_| invalid())?;

    Datetime::from_ymd(year, month, day).ok_or_else(invalid)
}

/// A stable identifier of the document: the same document rendered again keeps its PDF id,
/// and a numbered document is identified by its number.
fn document_ident(model: &DocumentModel) -> String {
    let mut ident = format!(
        "ceres/{}/{}/{}/{}",
        model.kind.slug(),
        model.version.slug(),
        model.session.code,
        model.candidat.numero
    );
    if let Some(numerotation) = &model.numerotation {
        ident = format!("{ident}/{}", numerotation.numero);
    }
    if let Some(date) = &model.duplicata_date {
        ident = format!("{ident}/{date}");
    }
    ident
}

/// Compile-time check that a shared renderer can be used from several threads.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Renderer>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_errors_name_the_file_line_and_cause() {
        let assets = Assets::new();
        let world = DocumentWorld::new(&assets, DocumentKind::Diplome, b"{}".to_vec());

        match compile(&world, "diplome", 1) {
            Err(RenderError::Compile { kind, diagnostics }) => {
                assert_eq!(kind, "diplome");
                assert!(
                    diagnostics.contains("/templates/common.typ:"),
                    "{diagnostics}"
                );
                assert!(diagnostics.contains("version"), "{diagnostics}");
            }
            Err(other) => panic!("expected a compile error, got {other}"),
            Ok(_) => panic!("expected a compile error, got a document"),
        }
    }

    #[test]
    fn document_date_reads_french_numeric_dates() {
        assert_eq!(
            document_date("29/11/2022").ok(),
            Datetime::from_ymd(2022, 11, 29)
        );
    }

    #[test]
    fn document_date_refuses_other_shapes() {
        for date in ["2022-11-29", "31/02/2022", "29/11", "29/11/2022/1", ""] {
            assert!(document_date(date).is_err(), "{date}");
        }
    }
}
