//! The documents ceres edits, and the data handed to their templates.
//!
//! Every string in a [`DocumentModel`] is already in the French of the document (gender
//! agreement, elision, long dates are composed here, in the domain, where they are tested).
//! The render crate passes the model to Typst as JSON data; templates only lay it out and
//! never parse text into markup.

use serde::Serialize;

/// The kinds of document of the design brief, §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Diplôme de titre professionnel.
    Diplome,
    /// Lettre d'accompagnement (cover letter) sent with the diploma.
    LettreAccompagnement,
    /// Notification d'échec (refusal letter).
    NotificationEchec,
}

impl DocumentKind {
    /// Stable slug, used in URLs and file names.
    pub fn slug(self) -> &'static str {
        match self {
            DocumentKind::Diplome => "diplome",
            DocumentKind::LettreAccompagnement => "lettre-accompagnement",
            DocumentKind::NotificationEchec => "notification-echec",
        }
    }

    /// Parses a slug made by [`DocumentKind::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        [
            Self::Diplome,
            Self::LettreAccompagnement,
            Self::NotificationEchec,
        ]
        .into_iter()
        .find(|kind| kind.slug() == slug)
    }

    /// Label shown to agents.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Diplome => "Diplôme",
            DocumentKind::LettreAccompagnement => "Lettre d'accompagnement",
            DocumentKind::NotificationEchec => "Notification d'échec",
        }
    }
}

/// Which rendering of a document: the harmless preview (R2) or a printed version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentVersion {
    /// R2: no stamp, signature, Marque État logo, watermark; never numbered.
    Apercu,
    /// The version the print provider prints, with its security features.
    Impression,
}

/// Everything a template needs, as data.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentModel {
    pub kind: DocumentKind,
    pub version: DocumentVersion,
    /// Letterhead and signatory, from the structure's settings (never from the template).
    pub emetteur: Emetteur,
    pub candidat: CandidatBlock,
    pub titre: TitreBlock,
    pub session: SessionBlock,
    /// "Etabli à … le …" of the diploma.
    pub etabli: Etabli,
    /// Date written at the top of letters, `JJ/MM/AAAA`.
    pub date_courrier: String,
}

/// The office that issues the document.
#[derive(Debug, Clone, Serialize)]
pub struct Emetteur {
    /// Lines of the ministry's block, e.g. ["MINISTÈRE", "DU TRAVAIL,", …].
    pub ministere: Vec<String>,
    /// e.g. "DRIEETS Île-de-France".
    pub structure: String,
    /// Postal address lines of the office.
    pub adresse: Vec<String>,
    /// Name of the signatory, e.g. "Camille Durand".
    pub signataire_nom: String,
    /// Title of the signatory, e.g. "Responsable de région".
    pub signataire_titre: String,
}

/// The candidate as printed.
#[derive(Debug, Clone, Serialize)]
pub struct CandidatBlock {
    /// "Monsieur" or "Madame".
    pub civilite: String,
    /// Birth name in capitals, e.g. "BERTRAND".
    pub nom: String,
    /// First names, e.g. "Henri".
    pub prenoms: String,
    /// "né" or "née".
    pub ne: String,
    /// Birth date phrase after né/née: "le 23/04/1981", or "en 1970" for a partial date.
    pub naissance: String,
    /// Birth place, e.g. "Charleville-Mézières (FRANCE)".
    pub lieu_naissance: String,
    /// CERES id, e.g. "2122559".
    pub numero: String,
    /// Postal address lines (already formatted), for letters.
    pub adresse: Vec<String>,
}

/// The titre as it stood at the jury's decision.
#[derive(Debug, Clone, Serialize)]
pub struct TitreBlock {
    /// e.g. "Ouvrier du paysage".
    pub intitule: String,
    /// With its elided preposition, e.g. "d'Ouvrier du paysage", "de Conseiller …".
    pub de_intitule: String,
    /// e.g. "TP-00463", when known.
    pub code_tp: Option<String>,
    /// e.g. "RNCP399".
    pub rncp: String,
    /// Level phrase, e.g. "niveau 3".
    pub niveau: String,
    /// NSF codes in a stable order, e.g. ["214r", "214s"].
    pub nsf: Vec<String>,
    /// Long date of the arrêté, e.g. "20 septembre 2018", when known.
    pub arrete: Option<String>,
    /// Long date of publication in the Journal officiel, when known.
    pub journal_officiel: Option<String>,
    /// The blocks (CCP) of the titre and whether the candidate obtained each.
    pub ccps: Vec<CcpLine>,
}

/// One CCP of the titre.
#[derive(Debug, Clone, Serialize)]
pub struct CcpLine {
    pub code: String,
    pub intitule: String,
    pub obtenu: bool,
}

/// The exam session.
#[derive(Debug, Clone, Serialize)]
pub struct SessionBlock {
    /// e.g. "TITRE_B_2023_470415".
    pub code: String,
    /// Result: "Admis" or "Non admis".
    pub resultat: String,
}

/// Place and date of issue.
#[derive(Debug, Clone, Serialize)]
pub struct Etabli {
    /// e.g. "Paris 7e Arrondissement (Paris)".
    pub lieu: String,
    /// Long date, e.g. "16 novembre 2022".
    pub date: String,
}
