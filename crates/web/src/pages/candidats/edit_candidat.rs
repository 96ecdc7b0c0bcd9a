//! `GET /candidats/{candidat_id}/modifier`: the edit form of a record in brouillon (R4),
//! every error of the checks beside its field. The form's view is shared with the action
//! that saves it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use ceres_domain::candidat::{Civilite, Field, Issue};
use ceres_domain::candidat_data::{CandidatInput, NiveauFormation, SituationEmploi, VoieAcces};
use ceres_store::referentiel;
use tower_sessions::Session;

use super::candidat_record::{CandidatContext, Origin, check_data, take_notice};
use crate::auth::CurrentUser;
use crate::pages::Chrome;
use crate::{AppError, AppState};

/// A value a select or a radio offers.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// How a field is entered.
#[derive(PartialEq, Eq)]
enum Kind {
    Text,
    Select,
    Radio,
}

/// One field of the form, with what the checks say about it.
pub struct FormField {
    key: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    kind: Kind,
    input_type: &'static str,
    autocomplete: &'static str,
    choices: Vec<Choice>,
    errors: Vec<String>,
    warnings: Vec<String>,
}

impl FormField {
    pub fn is_select(&self) -> bool {
        self.kind == Kind::Select
    }

    pub fn is_radio(&self) -> bool {
        self.kind == Kind::Radio
    }

    pub fn has_error(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn has_messages(&self) -> bool {
        !self.errors.is_empty() || !self.warnings.is_empty()
    }
}

/// A fieldset of the form.
pub struct FormSection {
    title: &'static str,
    fields: Vec<FormField>,
}

/// An alert at the top of the form.
pub struct Alert {
    /// `error`, `warning` or `info`.
    pub kind: &'static str,
    pub title: String,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "candidat_form.html")]
pub struct FormPage {
    chrome: Option<Chrome>,
    id: i64,
    title: String,
    page_href: String,
    revision: i64,
    origin: Option<String>,
    editable: bool,
    notice: Option<String>,
    alert: Option<Alert>,
    /// Every error, linked to its field.
    summary: Vec<(&'static str, String)>,
    sections: Vec<FormSection>,
}

/// What a field's input says: the label it shows, its hint, how it is entered.
fn describe(field: Field) -> (&'static str, &'static str, Kind, &'static str, &'static str) {
    match field {
        Field::Civilite => ("Civilité", "", Kind::Radio, "text", "honorific-prefix"),
        Field::NomNaissance => (
            field.label(),
            "Lettres de l'état civil français, trait d'union, apostrophe ; pas de chiffre.",
            Kind::Text,
            "text",
            "family-name",
        ),
        Field::NomUsage => (
            field.label(),
            "Vide s'il n'y en a pas.",
            Kind::Text,
            "text",
            "off",
        ),
        Field::Prenoms => (
            field.label(),
            "Dans l'ordre de l'état civil ; vide s'il n'en porte pas.",
            Kind::Text,
            "text",
            "given-name",
        ),
        Field::DateNaissance => (
            field.label(),
            "JJ/MM/AAAA ; 00 pour un jour ou un mois inconnu (00/00/1970).",
            Kind::Text,
            "text",
            "bday",
        ),
        Field::PaysNaissance => (field.label(), "", Kind::Select, "text", "off"),
        Field::CommuneNaissance => (
            field.label(),
            "Naissance en France : code INSEE de la commune à la date de naissance (08105 ; \
             20004 pour Ajaccio avant 1976), ou son nom s'il est unique.",
            Kind::Text,
            "text",
            "off",
        ),
        Field::VilleNaissanceEtranger => (
            field.label(),
            "Naissance à l'étranger : la ville, en texte libre.",
            Kind::Text,
            "text",
            "off",
        ),
        Field::AdresseComplement => (
            field.label(),
            "Résidence, bâtiment, escalier, « chez … ».",
            Kind::Text,
            "text",
            "address-line2",
        ),
        Field::AdresseLigne => (
            field.label(),
            "Numéro et voie, lieu-dit ou BP (5 bis rue des Lilas).",
            Kind::Text,
            "text",
            "address-line1",
        ),
        Field::CodePostal => (
            field.label(),
            "5 chiffres pour la France.",
            Kind::Text,
            "text",
            "postal-code",
        ),
        Field::Ville => (field.label(), "", Kind::Text, "text", "address-level2"),
        Field::AdressePays => (
            field.label(),
            "Vide pour la France, outre-mer compris ; sinon le pays, en français (Espagne).",
            Kind::Text,
            "text",
            "country-name",
        ),
        Field::Courriel => (field.label(), "", Kind::Text, "email", "email"),
        Field::Telephone => (field.label(), "", Kind::Text, "tel", "tel"),
        Field::DernierDiplome => (field.label(), "Son intitulé.", Kind::Text, "text", "off"),
        Field::NiveauFormation | Field::SituationEmploi | Field::VoieAcces => {
            (field.label(), "", Kind::Select, "text", "off")
        }
    }
}

/// The values a list field offers, `value` selected; the empty choice first.
fn choices(field: Field, value: &str, pays: &[referentiel::PaysEntry]) -> Vec<Choice> {
    let choice = |code: &str, label: String| Choice {
        selected: code == value,
        value: code.to_owned(),
        label,
    };
    let empty = || choice("", "— Non renseigné —".to_owned());
    let list = |values: Vec<(&'static str, &'static str)>| {
        std::iter::once(empty())
            .chain(values.into_iter().map(|(c, l)| choice(c, l.to_owned())))
            .collect()
    };
    match field {
        Field::Civilite => [Civilite::Madame, Civilite::Monsieur]
            .into_iter()
            .map(|c| Choice {
                selected: Civilite::parse(value) == Some(c),
                value: c.code().to_owned(),
                label: c.label().to_owned(),
            })
            .collect(),
        Field::NiveauFormation => list(
            NiveauFormation::ALL
                .iter()
                .map(|v| (v.code(), v.label()))
                .collect(),
        ),
        Field::SituationEmploi => list(
            SituationEmploi::ALL
                .iter()
                .map(|v| (v.code(), v.label()))
                .collect(),
        ),
        Field::VoieAcces => list(
            VoieAcces::ALL
                .iter()
                .map(|v| (v.code(), v.label()))
                .collect(),
        ),
        Field::PaysNaissance => {
            let mut options: Vec<Choice> = pays
                .iter()
                .map(|p| {
                    let label = match &p.date_fin {
                        Some(fin) => format!(
                            "{} ({}, jusqu'au {})",
                            p.libelle,
                            p.code,
                            crate::pages::short_date_text(fin)
                        ),
                        None => format!("{} ({})", p.libelle, p.code),
                    };
                    choice(&p.code, label)
                })
                .collect();
            if !value.is_empty() && !pays.iter().any(|p| p.code == value) {
                options.insert(0, choice(value, format!("Code inconnu ({value})")));
            }
            options
        }
        _ => Vec::new(),
    }
}

impl FormPage {
    /// The form showing `input`, with the errors and warnings of each field.
    pub async fn build(
        state: &AppState,
        user: &CurrentUser,
        context: &CandidatContext,
        input: &CandidatInput,
        errors: &[Issue],
        warnings: &[Issue],
    ) -> Result<FormPage, AppError> {
        let pays = referentiel::pays_list(&state.db).await?;
        let messages = |issues: &[Issue], field: Field| -> Vec<String> {
            issues
                .iter()
                .filter(|i| i.field == field)
                .map(|i| i.message.clone())
                .collect()
        };
        let section = |title, fields: &[Field]| FormSection {
            title,
            fields: fields
                .iter()
                .map(|field| {
                    let (label, hint, kind, input_type, autocomplete) = describe(*field);
                    FormField {
                        key: field.key(),
                        label,
                        hint,
                        value: input.get(*field).to_owned(),
                        choices: choices(*field, input.get(*field), &pays),
                        kind,
                        input_type,
                        autocomplete,
                        errors: messages(errors, *field),
                        warnings: messages(warnings, *field),
                    }
                })
                .collect(),
        };
        let sections = vec![
            section(
                "Identification du candidat",
                &[
                    Field::Civilite,
                    Field::NomNaissance,
                    Field::NomUsage,
                    Field::Prenoms,
                    Field::DateNaissance,
                    Field::PaysNaissance,
                    Field::CommuneNaissance,
                    Field::VilleNaissanceEtranger,
                ],
            ),
            section(
                "Coordonnées",
                &[
                    Field::AdresseComplement,
                    Field::AdresseLigne,
                    Field::CodePostal,
                    Field::Ville,
                    Field::AdressePays,
                    Field::Courriel,
                    Field::Telephone,
                ],
            ),
            section(
                "Formation et emploi",
                &[
                    Field::NiveauFormation,
                    Field::DernierDiplome,
                    Field::SituationEmploi,
                    Field::VoieAcces,
                ],
            ),
        ];

        Ok(FormPage {
            chrome: Chrome::of(user),
            id: context.row.id,
            title: context.title(),
            page_href: context.page_href(),
            revision: context.row.revision,
            origin: context.origin.clone(),
            editable: context.in_draft(),
            notice: None,
            alert: None,
            summary: errors
                .iter()
                .map(|i| (i.field.key(), i.message.clone()))
                .collect(),
            sections,
        })
    }

    pub fn with_notice(mut self, notice: Option<String>) -> FormPage {
        self.notice = notice;
        self
    }

    pub fn with_alert(mut self, alert: Alert) -> FormPage {
        self.alert = Some(alert);
        self
    }

    /// Keeps the revision the agent's values were typed against, so that a change made
    /// meanwhile is not overwritten unseen.
    pub fn with_revision(mut self, revision: i64) -> FormPage {
        self.revision = revision;
        self
    }
}

pub async fn edit_candidat(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(candidat_id): Path<i64>,
    Query(origin): Query<Origin>,
) -> Result<FormPage, AppError> {
    let context = CandidatContext::load(&state, &user, candidat_id, &origin).await?;
    let report = check_data(&state, candidat_id, &context.row.data).await?;
    let notice = take_notice(&session).await?;

    let page = FormPage::build(
        &state,
        &user,
        &context,
        &context.row.data.to_input(),
        &report.errors,
        &report.warnings,
    )
    .await?
    .with_notice(notice);
    if !context.in_draft() {
        return Ok(page.with_alert(Alert {
            kind: "info",
            title: "La fiche du candidat est validée".to_owned(),
            text: "Pour modifier ses informations, revenez d'abord à l'état brouillon avec le \
                   menu « ⋮ » de la fiche."
                .to_owned(),
        }));
    }
    Ok(page)
}
