//! The tutorial's candidate (design brief §4), with which the tests, the reference images
//! and `ceres bench render` render every kind of document.

use ceres_domain::document::{
    CandidatBlock, CcpLine, DocumentKind, DocumentModel, DocumentVersion, Emetteur, Etabli,
    Numerotation, SessionBlock, TitreBlock,
};
use ceres_domain::session::SessionNature;

/// Monsieur BERTRAND Henri, Ouvrier du paysage, as in the CERES 2.0 tutorial.
pub fn tutorial_model(kind: DocumentKind, version: DocumentVersion) -> DocumentModel {
    DocumentModel {
        kind,
        version,
        emetteur: Emetteur {
            ministere: [
                "MINISTÈRE",
                "DU TRAVAIL,",
                "DU PLEIN EMPLOI",
                "ET DE L'INSERTION",
            ]
            .map(String::from)
            .to_vec(),
            structure: "DRIEETS Île-de-France".into(),
            adresse: ["19-21 rue Madeleine Vionnet", "93300 Aubervilliers"]
                .map(String::from)
                .to_vec(),
            signataire_nom: "Camille Durand".into(),
            signataire_titre: "Responsable de région".into(),
            contact_nom: String::new(),
            telephone: String::new(),
            courriel: String::new(),
        },
        candidat: CandidatBlock {
            civilite: "Monsieur".into(),
            nom: "BERTRAND".into(),
            prenoms: "Henri".into(),
            ne: "né".into(),
            naissance: "le 23/04/1981".into(),
            lieu_naissance: "Charleville-Mézières (FRANCE)".into(),
            numero: "2122559".into(),
            adresse: ["12 RUE DES TILLEULS", "08000 CHARLEVILLE-MEZIERES"]
                .map(String::from)
                .to_vec(),
        },
        titre: TitreBlock {
            intitule: "Ouvrier du paysage".into(),
            de_intitule: "d'Ouvrier du paysage".into(),
            code_tp: Some("TP-00463".into()),
            rncp: "RNCP399".into(),
            niveau: "niveau 3".into(),
            nsf: vec!["214r".into(), "214s".into()],
            arrete: Some("20 septembre 2018".into()),
            journal_officiel: Some("26 septembre 2018".into()),
            ccps: vec![
                ccp(
                    "CP-00464",
                    "Réaliser des travaux d'aménagement paysager",
                    true,
                ),
                ccp("CP-00465", "Entretenir des espaces paysagers", false),
            ],
            ccs: (kind == DocumentKind::DiplomeCcs)
                .then(|| "Réaliser des travaux de maçonnerie paysagère".into()),
        },
        session: SessionBlock {
            code: "TITRE_B_2023_470415".into(),
            nature: match kind {
                DocumentKind::DiplomeCcs => SessionNature::Ccs,
                _ => SessionNature::Titre,
            },
            resultat: match kind {
                DocumentKind::NotificationEchec => "Non admis".into(),
                _ => "Admis".into(),
            },
        },
        etabli: Etabli {
            lieu: "Paris 7e Arrondissement (Paris)".into(),
            date: "16 novembre 2022".into(),
        },
        date_courrier: "29/11/2022".into(),
        numerotation: version.is_printed().then(|| Numerotation {
            numero: "DIP-2022-000042".into(),
            code: "DIP-2022-000042.signature".into(),
            url: "http://127.0.0.1:8080/verifier/DIP-2022-000042.signature".into(),
        }),
        duplicata_date: (version == DocumentVersion::Duplicata).then(|| "12 décembre 2022".into()),
    }
}

fn ccp(code: &str, intitule: &str, obtenu: bool) -> CcpLine {
    CcpLine {
        code: code.into(),
        intitule: intitule.into(),
        obtenu,
        obtenu_a: obtenu.then(|| "session TITRE_B_2023_470415 du 16 novembre 2022".into()),
    }
}
