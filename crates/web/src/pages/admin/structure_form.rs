//! The form of a structure's settings, shared by creation and update: what it reads, how it
//! is checked, and how it is shown again with its errors.

use askama::Template;
use askama_web::WebTemplate;
use ceres_domain::adresse::MAX_LINE_CHARS;
use ceres_domain::perimetre::StructureKind;
use ceres_store::referentiel::{self, Area};
use ceres_store::structures::Structure;
use serde::Deserialize;

use super::{Choice, FieldError, error_for};
use crate::pages::Chrome;
use crate::pages::audit_view::AuditLine;
use crate::{AppError, AppState};

/// What the form sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StructureForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub nom: String,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub departement_code: String,
    /// One line of the postal address per line of text.
    #[serde(default)]
    pub adresse: String,
    #[serde(default)]
    pub lieu_etablissement_commune: String,
    #[serde(default)]
    pub signataire_nom: String,
    #[serde(default)]
    pub signataire_titre: String,
    #[serde(default)]
    pub contact_nom: String,
    #[serde(default)]
    pub telephone: String,
    #[serde(default)]
    pub courriel: String,
    /// One line of the ministry's block per line of text.
    #[serde(default)]
    pub entete: String,
}

/// The ministry's block holds at most this many lines …
const MAX_ENTETE_LINES: usize = 6;
/// … of at most this many characters, so that it fits its column on every document.
const MAX_ENTETE_CHARS: usize = 60;

impl StructureForm {
    /// The form filled with a stored structure.
    pub fn of(s: &Structure) -> StructureForm {
        StructureForm {
            kind: s.kind.clone(),
            nom: s.nom.clone(),
            region_code: s.region_code.clone(),
            departement_code: s.departement_code.clone().unwrap_or_default(),
            adresse: s.adresse().join("\n"),
            lieu_etablissement_commune: s.lieu_etablissement_commune.clone().unwrap_or_default(),
            signataire_nom: s.signataire_nom.clone(),
            signataire_titre: s.signataire_titre.clone(),
            contact_nom: s.contact_nom.clone(),
            telephone: s.telephone.clone(),
            courriel: s.courriel.clone(),
            entete: s.entete().join("\n"),
        }
    }

    /// A new structure's form, with the ministry's usual block.
    pub fn blank() -> StructureForm {
        StructureForm {
            entete: ceres_store::structures::DEFAULT_ENTETE.join("\n"),
            ..StructureForm::default()
        }
    }

    /// The address lines, trimmed, without blank lines.
    fn adresse_lines(&self) -> Vec<String> {
        lines_of(&self.adresse)
    }

    /// The lines of the ministry's block, trimmed, without blank lines.
    fn entete_lines(&self) -> Vec<String> {
        lines_of(&self.entete)
    }

    /// Checks the form against the referential and turns it into the structure `id`, or
    /// names every field that is wrong.
    pub async fn parse(&self, state: &AppState, id: &str) -> Result<Structure, Vec<FieldError>> {
        let regions = referentiel::regions(&state.db).await.unwrap_or_default();
        let departements = referentiel::departements(&state.db)
            .await
            .unwrap_or_default();
        let mut errors = check_fields(self, &regions, &departements);

        let lieu = self.lieu_etablissement_commune.trim();
        if !lieu.is_empty()
            && !matches!(
                referentiel::commune_with_departement(&state.db, lieu).await,
                Ok(Some(_))
            )
        {
            errors.push(FieldError::new(
                "lieu_etablissement_commune",
                format!(
                    "Lieu d'établissement : {lieu} n'est pas le code INSEE d'une commune actuelle."
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let kind = StructureKind::from_code(&self.kind).unwrap_or(StructureKind::Ud);
        Ok(Structure {
            id: id.to_owned(),
            kind: kind.code().to_owned(),
            nom: self.nom.trim().to_owned(),
            region_code: self.region_code.trim().to_owned(),
            departement_code: (kind != StructureKind::Dreets)
                .then(|| self.departement_code.trim().to_owned()),
            adresse_lignes: serde_json::to_string(&self.adresse_lines()).unwrap_or_default(),
            lieu_etablissement_commune: (!lieu.is_empty()).then(|| lieu.to_owned()),
            signataire_nom: self.signataire_nom.trim().to_owned(),
            signataire_titre: self.signataire_titre.trim().to_owned(),
            contact_nom: self.contact_nom.trim().to_owned(),
            telephone: self.telephone.trim().to_owned(),
            courriel: self.courriel.trim().to_owned(),
            entete_lignes: serde_json::to_string(&self.entete_lines()).unwrap_or_default(),
        })
    }
}

/// Text lines, each trimmed with its inner blanks collapsed, without blank lines.
fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect()
}

/// The ministry's block: present, and short enough for the head of every document.
fn check_entete(lines: &[String]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if lines.is_empty() {
        errors.push(FieldError::new(
            "entete",
            "En-tête des documents : à renseigner.",
        ));
    } else if lines.len() > MAX_ENTETE_LINES {
        errors.push(FieldError::new(
            "entete",
            format!(
                "En-tête des documents : {} lignes, {MAX_ENTETE_LINES} au plus.",
                lines.len()
            ),
        ));
    }
    for (index, line) in lines.iter().enumerate() {
        let count = line.chars().count();
        if count > MAX_ENTETE_CHARS {
            errors.push(FieldError::new(
                "entete",
                format!(
                    "En-tête des documents, ligne {} : {count} caractères, \
                     {MAX_ENTETE_CHARS} au plus.",
                    index + 1
                ),
            ));
        }
    }
    errors
}

/// The checks that need no database but the lists of régions and départements.
fn check_fields(form: &StructureForm, regions: &[Area], departements: &[Area]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let required = |value: &str, field: &'static str, label: &str, errors: &mut Vec<_>| {
        if value.trim().is_empty() {
            errors.push(FieldError::new(field, format!("{label} : à renseigner.")));
        }
    };

    let kind = StructureKind::from_code(&form.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "Type de structure : choisissez DREETS, DDETS, UD ou DEETS.",
        ));
    }
    required(&form.nom, "nom", "Nom", &mut errors);
    let region = form.region_code.trim();
    if !regions.iter().any(|r| r.code == region) {
        errors.push(FieldError::new(
            "region_code",
            "Région : choisissez une région.",
        ));
    }
    let departement = form.departement_code.trim();
    match kind {
        Some(StructureKind::Dreets) if !departement.is_empty() => errors.push(FieldError::new(
            "departement_code",
            "Département : une DREETS couvre toute sa région, laissez ce champ vide.",
        )),
        Some(StructureKind::Ddets | StructureKind::Ud | StructureKind::Deets) => {
            match departements.iter().find(|d| d.code == departement) {
                None => errors.push(FieldError::new(
                    "departement_code",
                    "Département : choisissez le département ou le territoire de la structure.",
                )),
                Some(d) if d.region_code != region => errors.push(FieldError::new(
                    "departement_code",
                    format!(
                        "Département : {} {} n'est pas dans la région choisie.",
                        d.code, d.nom
                    ),
                )),
                Some(_) => {}
            }
        }
        _ => {}
    }

    errors.extend(check_address(&form.adresse_lines()));
    errors.extend(check_entete(&form.entete_lines()));
    required(
        &form.signataire_nom,
        "signataire_nom",
        "Nom du signataire",
        &mut errors,
    );
    required(
        &form.signataire_titre,
        "signataire_titre",
        "Titre du signataire",
        &mut errors,
    );
    let telephone = form.telephone.trim();
    if !telephone.is_empty()
        && !telephone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '(' | ')'))
    {
        errors.push(FieldError::new(
            "telephone",
            "Téléphone : seuls les chiffres, les espaces, le + et les points sont acceptés.",
        ));
    }
    let courriel = form.courriel.trim();
    if !courriel.is_empty() && !looks_like_email(courriel) {
        errors.push(FieldError::new(
            "courriel",
            "Courriel : ce n'est pas une adresse électronique (nom@domaine.fr).",
        ));
    }
    errors
}

/// The lines of an office's postal address under NF Z10-011 (design brief §5): 2 to 6 lines
/// of at most 38 characters, the last one a postcode of 5 digits and a locality.
pub fn check_address(lines: &[String]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !(2..=6).contains(&lines.len()) {
        errors.push(FieldError::new(
            "adresse",
            format!(
                "Adresse postale : {} ligne(s) ; la norme NF Z10-011 en demande de 2 à 6, \
                 la dernière étant le code postal et la localité.",
                lines.len()
            ),
        ));
    }
    for (index, line) in lines.iter().enumerate() {
        let length = line.chars().count();
        if length > MAX_LINE_CHARS {
            errors.push(FieldError::new(
                "adresse",
                format!(
                    "Adresse postale, ligne {} : {length} caractères, {MAX_LINE_CHARS} au plus \
                     (norme NF Z10-011).",
                    index + 1
                ),
            ));
        }
    }
    if let Some(last) = lines.last() {
        let (postcode, locality) = last.split_once(' ').unwrap_or((last, ""));
        if postcode.len() != 5
            || !postcode.chars().all(|c| c.is_ascii_digit())
            || locality.is_empty()
        {
            errors.push(FieldError::new(
                "adresse",
                format!(
                    "Adresse postale, dernière ligne : « {last} » ne commence pas par un code \
                     postal de 5 chiffres suivi de la localité."
                ),
            ));
        }
    }
    errors
}

/// A plausible e-mail address: one @, something on each side, a dot in the domain.
pub fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// The form's page, for creation and update.
#[derive(Template, WebTemplate)]
#[template(path = "admin_structure_form.html")]
pub struct StructureFormPage {
    pub chrome: Option<Chrome>,
    pub title: String,
    pub action: String,
    pub form: StructureForm,
    pub errors: Vec<FieldError>,
    pub kinds: Vec<Choice>,
    pub regions: Vec<Choice>,
    pub departements: Vec<Choice>,
    pub history: Option<Vec<AuditLine>>,
    pub notice: Option<String>,
}

impl StructureFormPage {
    /// The page around a form, with the choices of its lists.
    pub async fn new(
        state: &AppState,
        chrome: Option<Chrome>,
        title: String,
        action: String,
        form: StructureForm,
    ) -> Result<StructureFormPage, AppError> {
        let kinds = [
            (StructureKind::Dreets, "DREETS (une région)"),
            (StructureKind::Ddets, "DDETS (un département)"),
            (StructureKind::Ud, "UD d'une DREETS (un département)"),
            (StructureKind::Deets, "DEETS (un territoire d'outre-mer)"),
        ]
        .into_iter()
        .map(|(kind, label)| Choice {
            value: kind.code().to_owned(),
            label: label.to_owned(),
            selected: form.kind == kind.code(),
        })
        .collect();
        let areas = |areas: Vec<Area>, selected: &str| {
            areas
                .into_iter()
                .map(|a| Choice {
                    selected: a.code == selected,
                    label: format!("{} {}", a.code, a.nom),
                    value: a.code,
                })
                .collect()
        };
        Ok(StructureFormPage {
            chrome,
            title,
            action,
            regions: areas(referentiel::regions(&state.db).await?, &form.region_code),
            departements: areas(
                referentiel::departements(&state.db).await?,
                &form.departement_code,
            ),
            kinds,
            form,
            errors: Vec::new(),
            history: None,
            notice: None,
        })
    }

    /// The message of a field, for the template.
    pub fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn an_office_address_follows_nf_z10_011() {
        let good = lines(&[
            "DRIEETS Île-de-France",
            "19-21 rue Madeleine Vionnet",
            "93300 Aubervilliers",
        ]);
        let long = lines(&[
            "DRIEETS Île-de-France — Unité départementale de Paris",
            "75019 Paris",
        ]);
        let no_postcode = lines(&["DEETS", "112 rue de la République", "Saint-Denis"]);

        assert_eq!(check_address(&good), []);
        assert_eq!(
            check_address(&long)[0].message,
            "Adresse postale, ligne 1 : 53 caractères, 38 au plus (norme NF Z10-011)."
        );
        assert!(
            check_address(&no_postcode)[0]
                .message
                .contains("code postal de 5 chiffres")
        );
        assert_eq!(check_address(&lines(&["75019 Paris"])).len(), 1);
    }

    #[test]
    fn a_departement_must_lie_in_the_region_chosen() {
        let regions = [Area {
            code: "11".into(),
            nom: "Île-de-France".into(),
            region_code: String::new(),
        }];
        let departements = [Area {
            code: "974".into(),
            nom: "La Réunion".into(),
            region_code: "04".into(),
        }];
        let form = StructureForm {
            kind: "ud".into(),
            nom: "UD".into(),
            region_code: "11".into(),
            departement_code: "974".into(),
            adresse: "UD\n1 rue X\n75001 Paris".into(),
            signataire_nom: "A".into(),
            signataire_titre: "B".into(),
            ..StructureForm::blank()
        };

        let errors = check_fields(&form, &regions, &departements);

        assert_eq!(
            errors,
            [FieldError::new(
                "departement_code",
                "Département : 974 La Réunion n'est pas dans la région choisie."
            )]
        );
    }

    #[test]
    fn the_ministry_block_is_required_and_short_enough_for_the_documents() {
        assert_eq!(
            check_entete(&[]),
            [FieldError::new(
                "entete",
                "En-tête des documents : à renseigner."
            )]
        );
        let long = "M".repeat(61);
        assert_eq!(
            check_entete(&[long]),
            [FieldError::new(
                "entete",
                "En-tête des documents, ligne 1 : 61 caractères, 60 au plus."
            )]
        );
        let seven: Vec<String> = (1..=7).map(|n| format!("LIGNE {n}")).collect();
        assert_eq!(check_entete(&seven).len(), 1);
        let default: Vec<String> = StructureForm::blank().entete_lines();
        assert!(check_entete(&default).is_empty());
    }

    #[test]
    fn e_mail_addresses_are_told_from_other_text() {
        assert!(looks_like_email("ddets-75@travail.gouv.fr"));
        assert!(!looks_like_email("ddets-75"));
        assert!(!looks_like_email("a b@c.fr"));
        assert!(!looks_like_email("a@fr"));
    }
}
