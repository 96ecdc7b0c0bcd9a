//! A minimal Typst [`World`]: embedded fonts, embedded templates, and one JSON data file.
//!
//! Nothing here reads the file system or the clock. The only input that changes between
//! documents is `/data.json`; templates read it with `json("/data.json")` and print its
//! strings as values, so data never becomes Typst markup.

use ceres_domain::document::DocumentKind;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts;

/// Virtual path of the document data read by every template.
const DATA_PATH: &str = "/data.json";

/// Virtual path of the QR code of the verification code, on numbered printed documents.
const QR_PATH: &str = "/verification-qr.svg";

/// The template that puts the PDFs of one envelope one after the other.
const PLI_TEMPLATE: &str = "/templates/pli.typ";

/// Templates embedded at compile time, with their virtual paths.
const TEMPLATES: [(&str, &str); 7] = [
    (
        "/templates/common.typ",
        include_str!("../templates/common.typ"),
    ),
    (
        "/templates/diplome.typ",
        include_str!("../templates/diplome.typ"),
    ),
    (
        "/templates/lettre-accompagnement.typ",
        include_str!("../templates/lettre-accompagnement.typ"),
    ),
    (
        "/templates/notification-echec.typ",
        include_str!("../templates/notification-echec.typ"),
    ),
    (
        "/templates/livret.typ",
        include_str!("../templates/livret.typ"),
    ),
    (
        "/templates/attestation-reussite.typ",
        include_str!("../templates/attestation-reussite.typ"),
    ),
    (PLI_TEMPLATE, include_str!("../templates/pli.typ")),
];

/// What every document shares: standard library, fonts, parsed templates. Built once.
pub(crate) struct Assets {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: Vec<Source>,
    data_id: FileId,
    qr_id: FileId,
}

impl Assets {
    pub(crate) fn new() -> Self {
        let fonts = fonts::load();
        let book = FontBook::from_fonts(&fonts);
        let sources = TEMPLATES
            .iter()
            .map(|(path, text)| Source::new(file_id(path), (*text).to_owned()))
            .collect();

        Self {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
            sources,
            data_id: file_id(DATA_PATH),
            qr_id: file_id(QR_PATH),
        }
    }

    /// The main template of a kind of document. The CCS diploma is the diploma's template,
    /// which reads the kind to word its title and decision.
    fn main_of(kind: DocumentKind) -> FileId {
        let template = match kind {
            DocumentKind::DiplomeCcs => DocumentKind::Diplome,
            other => other,
        };
        file_id(&format!("/templates/{}.typ", template.slug()))
    }
}

/// Interns a virtual path of the project root.
///
/// Only called with the constant paths above and [`pli_document_path`], which are valid
/// virtual paths.
fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("embedded template paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Virtual path of the `index`th PDF of a pli, as the pli's data names it.
pub(crate) fn pli_document_path(index: usize) -> String {
    format!("/pli/{index}.pdf")
}

/// The world of one document: the shared assets plus this document's data.
pub(crate) struct DocumentWorld<'a> {
    assets: &'a Assets,
    main: FileId,
    data: Bytes,
    qr: Option<Bytes>,
    /// The PDFs a pli puts together, at [`pli_document_path`].
    pdfs: Vec<(FileId, Bytes)>,
}

impl<'a> DocumentWorld<'a> {
    /// A world whose main file is the template of `kind`, reading `data` as `/data.json`.
    pub(crate) fn new(assets: &'a Assets, kind: DocumentKind, data: Vec<u8>) -> Self {
        Self {
            assets,
            main: Assets::main_of(kind),
            data: Bytes::new(data),
            qr: None,
            pdfs: Vec::new(),
        }
    }

    /// A world whose main file lays out the given PDFs one after the other; `data` says
    /// how many pages each has.
    pub(crate) fn pli(assets: &'a Assets, data: Vec<u8>, pdfs: Vec<Vec<u8>>) -> Self {
        Self {
            assets,
            main: file_id(PLI_TEMPLATE),
            data: Bytes::new(data),
            qr: None,
            pdfs: pdfs
                .into_iter()
                .enumerate()
                .map(|(index, pdf)| (file_id(&pli_document_path(index)), Bytes::new(pdf)))
                .collect(),
        }
    }

    /// Adds the SVG of the verification QR code, which templates read as an image.
    pub(crate) fn with_qr(mut self, svg: String) -> Self {
        self.qr = Some(Bytes::from_string(svg));
        self
    }
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.assets.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.assets.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.assets.sources.iter().find(|source| source.id() == id) {
            Some(source) => Ok(source.clone()),
            None if id == self.assets.data_id
                || id == self.assets.qr_id
                || self.pdfs.iter().any(|(pdf, _)| *pdf == id) =>
            {
                Err(FileError::NotSource)
            }
            None => Err(not_found(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.assets.data_id {
            return Ok(self.data.clone());
        }
        if id == self.assets.qr_id {
            return self.qr.clone().ok_or_else(|| not_found(id));
        }
        if let Some((_, pdf)) = self.pdfs.iter().find(|(pdf, _)| *pdf == id) {
            return Ok(pdf.clone());
        }
        self.source(id)
            .map(|source| Bytes::from_string(source.text().to_owned()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.assets.fonts.get(index).cloned()
    }

    /// Documents carry their dates as data; templates never ask for today.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
