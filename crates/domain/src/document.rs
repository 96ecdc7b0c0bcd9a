//! The documents ceres edits, and the data handed to their templates.
//!
//! Every string in a [`DocumentModel`] is already in the French of the document (gender
//! agreement, elision, long dates are composed here, in the domain, where they are tested).
//! The render crate passes the model to Typst as JSON data; templates only lay it out and
//! never parse text into markup.

use serde::{Deserialize, Serialize};

use crate::session::SessionNature;

/// The kinds of document of the design brief, §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Diplôme de titre professionnel.
    Diplome,
    /// Diplôme of a certificat complémentaire de spécialisation (CCS), after a CCS session.
    DiplomeCcs,
    /// Livret de certification: the titre's CCPs, which were obtained and at which session.
    /// Its printed version has a front page; the preview shows only its inside (R2).
    Livret,
    /// Lettre d'accompagnement (cover letter) sent with the diploma and the livret, with the
    /// CCS diploma, or with the livret alone after a CCP session.
    LettreAccompagnement,
    /// Notification d'échec (refusal letter), with the livret when CCPs were obtained.
    NotificationEchec,
    /// Attestation de réussite: a letter an Admis candidate can be handed at once (R7).
    AttestationReussite,
}

/// Every kind, in a stable order.
const KINDS: [DocumentKind; 6] = [
    DocumentKind::Diplome,
    DocumentKind::DiplomeCcs,
    DocumentKind::Livret,
    DocumentKind::LettreAccompagnement,
    DocumentKind::NotificationEchec,
    DocumentKind::AttestationReussite,
];

impl DocumentKind {
    /// Stable slug, used in URLs and file names.
    pub fn slug(self) -> &'static str {
        match self {
            DocumentKind::Diplome => "diplome",
            DocumentKind::DiplomeCcs => "diplome-ccs",
            DocumentKind::Livret => "livret",
            DocumentKind::LettreAccompagnement => "lettre-accompagnement",
            DocumentKind::NotificationEchec => "notification-echec",
            DocumentKind::AttestationReussite => "attestation-reussite",
        }
    }

    /// Parses a slug made by [`DocumentKind::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        KINDS.into_iter().find(|kind| kind.slug() == slug)
    }

    /// Label shown to agents.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Diplome => "Diplôme",
            DocumentKind::DiplomeCcs => "Diplôme de CCS",
            DocumentKind::Livret => "Livret de certification",
            DocumentKind::LettreAccompagnement => "Lettre d'accompagnement",
            DocumentKind::NotificationEchec => "Notification d'échec",
            DocumentKind::AttestationReussite => "Attestation de réussite",
        }
    }

    /// Every kind, in a stable order.
    pub const fn all() -> [DocumentKind; 6] {
        KINDS
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
    /// R6: an official re-issue, printed with its security features and the mention
    /// DUPLICATA with its date.
    Duplicata,
}

impl DocumentVersion {
    /// Stable slug, used on the command line and in file names.
    pub fn slug(self) -> &'static str {
        match self {
            DocumentVersion::Apercu => "apercu",
            DocumentVersion::Impression => "impression",
            DocumentVersion::Duplicata => "duplicata",
        }
    }

    /// Parses a slug made by [`DocumentVersion::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        [Self::Apercu, Self::Impression, Self::Duplicata]
            .into_iter()
            .find(|version| version.slug() == slug)
    }

    /// Whether this version carries the security features (stamp, signature, Marque État,
    /// watermark, livret front page, number and verification code).
    pub fn is_printed(self) -> bool {
        self != DocumentVersion::Apercu
    }
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
    /// The number and verification code of a printed diplôme or livret; none on a preview
    /// (R2) and on letters.
    pub numerotation: Option<Numerotation>,
    /// R6: the long date of the duplicata, e.g. "12 décembre 2022", on a duplicata only.
    pub duplicata_date: Option<String>,
}

/// What identifies a printed document, printed on it.
#[derive(Debug, Clone, Serialize)]
pub struct Numerotation {
    /// e.g. "DIP-2026-000042".
    pub numero: String,
    /// The signed verification code.
    pub code: String,
    /// The address of the public verification page for this code, encoded in the QR code.
    pub url: String,
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
    /// « Affaire suivie par » on the letters; empty when the structure names nobody.
    pub contact_nom: String,
    /// « Téléphone » on the letters.
    pub telephone: String,
    /// « Courriel » on the letters.
    pub courriel: String,
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
    /// After a CCS session: the certificat complémentaire de spécialisation obtained, its
    /// label without the words "Certificat complémentaire de spécialisation".
    pub ccs: Option<String>,
}

/// One CCP of the titre.
#[derive(Debug, Clone, Serialize)]
pub struct CcpLine {
    pub code: String,
    pub intitule: String,
    pub obtenu: bool,
    /// Where it was obtained, e.g. "session TITRE_B_2023_470415 du 16 novembre 2022".
    pub obtenu_a: Option<String>,
}

/// The exam session.
#[derive(Debug, Clone, Serialize)]
pub struct SessionBlock {
    /// e.g. "TITRE_B_2023_470415".
    pub code: String,
    /// What the session certifies; the cover letter and the CCS diploma follow it.
    pub nature: SessionNature,
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

/// What a printed document says, kept with its number for the public verification page,
/// which shows this and nothing more (design brief §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedFacts {
    /// e.g. "Diplôme".
    pub document: String,
    /// e.g. "Monsieur BERTRAND Henri".
    pub titulaire: String,
    /// e.g. "né le 23/04/1981 à Charleville-Mézières (FRANCE)".
    pub naissance: String,
    /// e.g. "Ouvrier du paysage".
    pub titre: String,
    /// e.g. "RNCP399".
    pub rncp: String,
    /// e.g. "TITRE_B_2023_470415".
    pub session: String,
    /// e.g. "Paris 7e Arrondissement (Paris) le 16 novembre 2022".
    pub etabli: String,
    /// R6: on a duplicata, its long date.
    pub duplicata_date: Option<String>,
}

impl DocumentModel {
    /// What this document prints about its holder and its titre.
    pub fn printed_facts(&self) -> PrintedFacts {
        let c = &self.candidat;
        PrintedFacts {
            document: self.kind.label().to_owned(),
            titulaire: format!("{} {} {}", c.civilite, c.nom, c.prenoms),
            naissance: format!("{} {} à {}", c.ne, c.naissance, c.lieu_naissance),
            titre: match &self.titre.ccs {
                Some(ccs) if self.kind == DocumentKind::DiplomeCcs => {
                    format!("{} (CCS : {ccs})", self.titre.intitule)
                }
                _ => self.titre.intitule.clone(),
            },
            rncp: self.titre.rncp.clone(),
            session: self.session.code.clone(),
            etabli: format!("{} le {}", self.etabli.lieu, self.etabli.date),
            duplicata_date: self.duplicata_date.clone(),
        }
    }
}
