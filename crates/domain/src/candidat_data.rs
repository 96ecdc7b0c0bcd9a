//! The candidate record as agents edit it and import files carry it: every field of the
//! candidate module, read from the text of a form or a file (R4), and compared field by
//! field for the audit trail (R13).
//!
//! Reading is the first half of R4: a value that cannot even be stored (a date that is no
//! date, a civilité that is neither Monsieur nor Madame, a code outside its list) is an
//! input issue and nothing is written. The second half, [`crate::candidat::check`], runs on
//! what was read: its errors keep a record in brouillon, never out of the database.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::adresse;
use crate::candidat::{
    BirthDate, BirthDateError, BirthPlaceReference, CandidatRecord, Civilite, Field, Issue,
    normalise_name,
};

/// The longest value a text field may hold, in characters: far beyond any real name or
/// address, short enough that a pasted document is caught.
pub const MAX_TEXT_CHARS: usize = 200;

/// An enum of codes stored as text, with the label agents read.
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $name:ident { $($variant:ident => ($code:literal, $label:literal),)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The code stored in the database and written in import files.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The label agents read.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// The value of a code, or of a label written in any case and with or without
            /// accents, as a spreadsheet may hold it.
            pub fn parse(text: &str) -> Option<$name> {
                let key = adresse::postal_capitals(text);
                Self::ALL.iter().copied().find(|value| {
                    value.code() == text.trim()
                        || adresse::postal_capitals(value.code()) == key
                        || adresse::postal_capitals(value.label()) == key
                })
            }
        }
    };
}

code_list! {
    /// The level of the highest diploma obtained, in the levels of the cadre national des
    /// certifications professionnelles.
    NiveauFormation {
        SansDiplome => ("sans_diplome", "Sans diplôme (niveaux 1 et 2)"),
        Niveau3 => ("niveau_3", "Niveau 3 (CAP, BEP)"),
        Niveau4 => ("niveau_4", "Niveau 4 (baccalauréat)"),
        Niveau5 => ("niveau_5", "Niveau 5 (bac + 2 : BTS, DUT)"),
        Niveau6 => ("niveau_6", "Niveau 6 (bac + 3 : licence)"),
        Niveau7 => ("niveau_7", "Niveau 7 (bac + 5 : master)"),
        Niveau8 => ("niveau_8", "Niveau 8 (doctorat)"),
    }
}

code_list! {
    /// The candidate's situation at registration.
    SituationEmploi {
        Salarie => ("salarie", "Salarié(e)"),
        DemandeurEmploi => ("demandeur_emploi", "Demandeur(se) d'emploi"),
        Independant => ("independant", "Travailleur(se) indépendant(e)"),
        FormationInitiale => ("formation_initiale", "En formation initiale"),
        SansActivite => ("sans_activite", "Sans activité professionnelle"),
    }
}

code_list! {
    /// How the candidate comes to the certification.
    VoieAcces {
        Formation => ("formation", "Parcours de formation"),
        Vae => ("vae", "VAE"),
        Apprentissage => ("apprentissage", "Contrat d'apprentissage"),
        Professionnalisation => ("professionnalisation", "Contrat de professionnalisation"),
    }
}

/// The state of a candidate record (R4): editing a validated record first returns it to
/// brouillon, and it is validated again, checks passed, after the edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidatState {
    Brouillon,
    Valide,
}

impl CandidatState {
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            CandidatState::Brouillon => "brouillon",
            CandidatState::Valide => "valide",
        }
    }

    /// Parses a code made by [`CandidatState::code`].
    pub fn from_code(code: &str) -> Option<CandidatState> {
        match code {
            "brouillon" => Some(CandidatState::Brouillon),
            "valide" => Some(CandidatState::Valide),
            _ => None,
        }
    }

    /// « Brouillon » or « Validé ».
    pub fn label(self) -> &'static str {
        match self {
            CandidatState::Brouillon => "Brouillon",
            CandidatState::Valide => "Validé",
        }
    }
}

/// The candidate record as stored: names normalised, the birth date as `YYYY-MM-DD` with
/// `00` for unknown parts, codes from their lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CandidatData {
    pub civilite: Option<Civilite>,
    pub nom_naissance: String,
    pub nom_usage: String,
    pub prenoms: String,
    pub date_naissance: String,
    /// INSEE country code, `99100` for France.
    pub pays_naissance: String,
    /// INSEE commune code, or a name (accepted with a warning when unambiguous).
    pub commune_naissance: String,
    pub ville_naissance_etranger: String,
    pub adresse_complement: String,
    pub adresse_ligne: String,
    pub code_postal: String,
    pub ville: String,
    /// Empty for France.
    pub adresse_pays: String,
    pub courriel: String,
    pub telephone: String,
    pub niveau_formation: Option<NiveauFormation>,
    pub dernier_diplome: String,
    pub situation_emploi: Option<SituationEmploi>,
    pub voie_acces: Option<VoieAcces>,
}

/// The record as typed in a form or written in a file, one text per field (names are the
/// keys of [`Field::key`]). Kept as typed, so that a form refused shows it again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CandidatInput {
    /// « Monsieur » or « Madame » (also M., Mme, or the codes).
    pub civilite: String,
    pub nom_naissance: String,
    pub nom_usage: String,
    pub prenoms: String,
    /// `JJ/MM/AAAA` (or `AAAA-MM-JJ`), `00` for an unknown day or month.
    pub date_naissance: String,
    pub pays_naissance: String,
    pub commune_naissance: String,
    pub ville_naissance_etranger: String,
    pub adresse_complement: String,
    pub adresse_ligne: String,
    pub code_postal: String,
    pub ville: String,
    pub adresse_pays: String,
    pub courriel: String,
    pub telephone: String,
    pub niveau_formation: String,
    pub dernier_diplome: String,
    pub situation_emploi: String,
    pub voie_acces: String,
}

/// The fields held as text, by [`Field`], for a struct whose fields are named by
/// [`Field::key`].
macro_rules! text_fields {
    ($type:ident { $($variant:ident => $name:ident,)+ }) => {
        impl $type {
            /// The text of `field`, `None` for a field held as a code.
            #[allow(unreachable_patterns)]
            fn text(&self, field: Field) -> Option<&String> {
                match field {
                    $(Field::$variant => Some(&self.$name),)+
                    _ => None,
                }
            }

            /// The text of `field`, to set; `None` for a field held as a code.
            #[allow(unreachable_patterns)]
            fn text_mut(&mut self, field: Field) -> Option<&mut String> {
                match field {
                    $(Field::$variant => Some(&mut self.$name),)+
                    _ => None,
                }
            }
        }
    };
}

text_fields!(CandidatInput {
    Civilite => civilite,
    NomNaissance => nom_naissance,
    NomUsage => nom_usage,
    Prenoms => prenoms,
    DateNaissance => date_naissance,
    PaysNaissance => pays_naissance,
    CommuneNaissance => commune_naissance,
    VilleNaissanceEtranger => ville_naissance_etranger,
    AdresseComplement => adresse_complement,
    AdresseLigne => adresse_ligne,
    CodePostal => code_postal,
    Ville => ville,
    AdressePays => adresse_pays,
    Courriel => courriel,
    Telephone => telephone,
    NiveauFormation => niveau_formation,
    DernierDiplome => dernier_diplome,
    SituationEmploi => situation_emploi,
    VoieAcces => voie_acces,
});

text_fields!(CandidatData {
    NomNaissance => nom_naissance,
    NomUsage => nom_usage,
    Prenoms => prenoms,
    DateNaissance => date_naissance,
    PaysNaissance => pays_naissance,
    CommuneNaissance => commune_naissance,
    VilleNaissanceEtranger => ville_naissance_etranger,
    AdresseComplement => adresse_complement,
    AdresseLigne => adresse_ligne,
    CodePostal => code_postal,
    Ville => ville,
    AdressePays => adresse_pays,
    Courriel => courriel,
    Telephone => telephone,
    DernierDiplome => dernier_diplome,
});

impl CandidatInput {
    /// The text of one field.
    pub fn get(&self, field: Field) -> &str {
        self.text(field).map_or("", String::as_str)
    }

    /// The text of one field, to set.
    pub fn get_mut(&mut self, field: Field) -> &mut String {
        self.text_mut(field)
            .expect("every field of an input is text")
    }

    /// Reads the record, or says every field that cannot be stored.
    pub fn parse(&self) -> Result<CandidatData, Vec<Issue>> {
        let mut issues = Vec::new();

        // Every text: no control character, no pasted page.
        for field in Field::ALL {
            if let Some(issue) = text_issue(field, self.get(field)) {
                issues.push(issue);
            }
        }

        let civilite = match self.civilite.trim() {
            "" => None,
            text => Civilite::parse(text).or_else(|| {
                issues.push(Issue {
                    field: Field::Civilite,
                    check: "R4.civilite.unknown",
                    message: format!("Genre : civilité « {text} » illisible ; Monsieur ou Madame."),
                });
                None
            }),
        };
        let date_naissance = birth_date_from_text(&self.date_naissance).unwrap_or_else(|error| {
            issues.push(birth_date_issue(&self.date_naissance, &error));
            String::new()
        });
        let niveau_formation = coded(
            Field::NiveauFormation,
            &self.niveau_formation,
            NiveauFormation::parse,
            NiveauFormation::ALL.iter().map(|v| v.label()),
            &mut issues,
        );
        let situation_emploi = coded(
            Field::SituationEmploi,
            &self.situation_emploi,
            SituationEmploi::parse,
            SituationEmploi::ALL.iter().map(|v| v.label()),
            &mut issues,
        );
        let voie_acces = coded(
            Field::VoieAcces,
            &self.voie_acces,
            VoieAcces::parse,
            VoieAcces::ALL.iter().map(|v| v.label()),
            &mut issues,
        );
        if !issues.is_empty() {
            return Err(issues);
        }

        let text = |value: &str| value.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(CandidatData {
            civilite,
            nom_naissance: normalise_name(&self.nom_naissance),
            nom_usage: normalise_name(&self.nom_usage),
            prenoms: normalise_name(&self.prenoms),
            date_naissance,
            pays_naissance: text(&self.pays_naissance),
            commune_naissance: text(&self.commune_naissance),
            ville_naissance_etranger: text(&self.ville_naissance_etranger),
            adresse_complement: text(&self.adresse_complement),
            adresse_ligne: text(&self.adresse_ligne),
            code_postal: text(&self.code_postal),
            ville: text(&self.ville),
            adresse_pays: text(&self.adresse_pays),
            courriel: text(&self.courriel),
            telephone: text(&self.telephone),
            niveau_formation,
            dernier_diplome: text(&self.dernier_diplome),
            situation_emploi,
            voie_acces,
        })
    }
}

/// Control characters and overlong texts, in any field.
fn text_issue(field: Field, value: &str) -> Option<Issue> {
    let label = field.label();
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some(Issue {
            field,
            check: "R4.text.control_character",
            message: format!("{label} : le texte contient un caractère de contrôle invisible."),
        });
    }
    let length = value.trim().chars().count();
    (length > MAX_TEXT_CHARS).then(|| Issue {
        field,
        check: "R4.text.too_long",
        message: format!("{label} : {length} caractères, {MAX_TEXT_CHARS} au plus."),
    })
}

/// A value of a code list, `None` when empty; an issue when it is not in the list.
fn coded<T>(
    field: Field,
    text: &str,
    parse: fn(&str) -> Option<T>,
    labels: impl Iterator<Item = &'static str>,
    issues: &mut Vec<Issue>,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let value = parse(text);
    if value.is_none() {
        let listed: Vec<String> = labels.map(|label| format!("« {label} »")).collect();
        issues.push(Issue {
            field,
            check: "R4.formation.unknown_value",
            message: format!(
                "{} : « {text} » n'est pas dans la liste ({}).",
                field.label(),
                listed.join(", ")
            ),
        });
    }
    value
}

/// A birth date as typed, `JJ/MM/AAAA` (a day or month of one digit is allowed) or
/// `AAAA-MM-JJ`, as stored: `AAAA-MM-JJ` with `00` for unknown parts. An empty text stays
/// empty (the check says it is missing).
pub fn birth_date_from_text(text: &str) -> Result<String, BirthDateError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let iso = match text.split('/').collect::<Vec<_>>().as_slice() {
        [day, month, year] => {
            let short =
                |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
            if !short(day) || !short(month) {
                return Err(BirthDateError::Format);
            }
            format!("{year}-{month:0>2}-{day:0>2}")
        }
        _ => text.to_owned(),
    };
    BirthDate::parse(&iso).map(|date| date.to_string())
}

fn birth_date_issue(text: &str, error: &BirthDateError) -> Issue {
    let text = text.trim();
    let (check, message) = match error {
        BirthDateError::Format => (
            "R4.birth_date.format",
            format!(
                "Date de naissance : « {text} » illisible ; elle s'écrit JJ/MM/AAAA, 00 pour un \
                 jour ou un mois inconnu."
            ),
        ),
        BirthDateError::NoSuchDay => (
            "R4.birth_date.no_such_day",
            format!("Date de naissance : le {text} n'existe pas dans le calendrier."),
        ),
    };
    Issue {
        field: Field::DateNaissance,
        check,
        message,
    }
}

impl CandidatData {
    /// The view the checks of R4 read. `genre` is the genre a source gives apart from the
    /// civilité, if any.
    pub fn record<'a>(
        &'a self,
        genre: Option<&'a str>,
        birth_place: &'a BirthPlaceReference,
    ) -> CandidatRecord<'a> {
        CandidatRecord {
            civilite: self.civilite,
            genre,
            nom_naissance: &self.nom_naissance,
            nom_usage: &self.nom_usage,
            prenoms: &self.prenoms,
            date_naissance: &self.date_naissance,
            pays_naissance: &self.pays_naissance,
            commune_naissance: &self.commune_naissance,
            ville_naissance_etranger: &self.ville_naissance_etranger,
            birth_place,
            adresse_complement: &self.adresse_complement,
            adresse_ligne: &self.adresse_ligne,
            code_postal: &self.code_postal,
            ville: &self.ville,
            adresse_pays: &self.adresse_pays,
            courriel: &self.courriel,
            telephone: &self.telephone,
        }
    }

    /// The stored text of one field: codes for lists, `AAAA-MM-JJ` for the date.
    pub fn value(&self, field: Field) -> String {
        let code = |code: Option<&'static str>| code.unwrap_or_default().to_owned();
        match field {
            Field::Civilite => code(self.civilite.map(Civilite::code)),
            Field::NiveauFormation => code(self.niveau_formation.map(NiveauFormation::code)),
            Field::SituationEmploi => code(self.situation_emploi.map(SituationEmploi::code)),
            Field::VoieAcces => code(self.voie_acces.map(VoieAcces::code)),
            _ => self.text(field).cloned().unwrap_or_default(),
        }
    }

    /// The record as stored, each field's text given by `stored` (codes read back to their
    /// values). Nothing is checked: stored data may predate a check.
    pub fn from_stored(mut stored: impl FnMut(Field) -> String) -> CandidatData {
        let mut data = CandidatData::default();
        for field in Field::ALL {
            let text = stored(field);
            match field {
                Field::Civilite => data.civilite = Civilite::from_code(&text),
                Field::NiveauFormation => data.niveau_formation = NiveauFormation::parse(&text),
                Field::SituationEmploi => data.situation_emploi = SituationEmploi::parse(&text),
                Field::VoieAcces => data.voie_acces = VoieAcces::parse(&text),
                _ => {
                    if let Some(slot) = data.text_mut(field) {
                        *slot = text;
                    }
                }
            }
        }
        data
    }

    /// The record in the form's text: the date as `JJ/MM/AAAA`, codes as they are.
    pub fn to_input(&self) -> CandidatInput {
        let mut input = CandidatInput::default();
        for field in Field::ALL {
            *input.get_mut(field) = self.value(field);
        }
        if let Ok(date) = BirthDate::parse(&self.date_naissance) {
            input.date_naissance = date.short();
        }
        input
    }

    /// The fields whose stored text differs in `after`.
    /// The fields whose stored text differs in `after`. In names, the apostrophes ' and ’
    /// are one: a name written with the other is the same name.
    pub fn changed_fields(&self, after: &CandidatData) -> Vec<Field> {
        let name = |text: String| text.replace('’', "'");
        Field::ALL
            .into_iter()
            .filter(|field| match field {
                Field::NomNaissance | Field::NomUsage | Field::Prenoms => {
                    name(self.value(*field)) != name(after.value(*field))
                }
                _ => self.value(*field) != after.value(*field),
            })
            .collect()
    }

    /// The stored text of `fields`, as a JSON object keyed by [`Field::key`], for the
    /// before and after of an audit event.
    pub fn audit_json(&self, fields: &[Field]) -> serde_json::Value {
        let object = fields
            .iter()
            .map(|field| (field.key().to_owned(), self.value(*field).into()))
            .collect();
        serde_json::Value::Object(object)
    }
}

/// A stored value as agents read it: the label of a code, the date as `JJ/MM/AAAA`,
/// « (vide) » for nothing.
pub fn display_value(field: Field, stored: &str) -> String {
    let label = match field {
        Field::Civilite => Civilite::from_code(stored).map(Civilite::label),
        Field::NiveauFormation => NiveauFormation::parse(stored).map(NiveauFormation::label),
        Field::SituationEmploi => SituationEmploi::parse(stored).map(SituationEmploi::label),
        Field::VoieAcces => VoieAcces::parse(stored).map(VoieAcces::label),
        _ => None,
    };
    if let Some(label) = label {
        return label.to_owned();
    }
    if field == Field::DateNaissance
        && let Ok(date) = BirthDate::parse(stored)
    {
        return date.short();
    }
    match stored.trim() {
        "" => "(vide)".to_owned(),
        text => text.nfc().collect(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn colette() -> CandidatInput {
        CandidatInput {
            civilite: "Madame".into(),
            nom_naissance: "FAURIEL1".into(),
            prenoms: "Colette".into(),
            date_naissance: "23/04/0970".into(),
            pays_naissance: "99100".into(),
            commune_naissance: "11132".into(),
            adresse_ligne: "10 rue des Lilas".into(),
            code_postal: "75012".into(),
            ville: "Paris".into(),
            ..CandidatInput::default()
        }
    }

    fn issue_checks(input: &CandidatInput) -> Vec<&'static str> {
        input.parse().unwrap_err().iter().map(|i| i.check).collect()
    }

    #[test]
    fn r4_a_readable_record_is_stored_with_an_iso_date_even_when_its_year_is_incoherent() {
        let data = colette().parse().unwrap();

        assert_eq!(data.civilite, Some(Civilite::Madame));
        assert_eq!(data.date_naissance, "0970-04-23");
        assert_eq!(data.to_input().date_naissance, "23/04/0970");
    }

    #[test]
    fn r4_birth_dates_are_read_in_the_french_form_with_partial_parts() {
        assert_eq!(birth_date_from_text("23/04/1970").unwrap(), "1970-04-23");
        assert_eq!(birth_date_from_text("3/4/1970").unwrap(), "1970-04-03");
        assert_eq!(birth_date_from_text("00/00/1970").unwrap(), "1970-00-00");
        assert_eq!(birth_date_from_text("00/04/1970").unwrap(), "1970-04-00");
        assert_eq!(birth_date_from_text("1970-04-23").unwrap(), "1970-04-23");
        assert_eq!(birth_date_from_text(" ").unwrap(), "");
        assert_eq!(
            birth_date_from_text("23 avril 1970"),
            Err(BirthDateError::Format)
        );
        assert_eq!(
            birth_date_from_text("29/02/1999"),
            Err(BirthDateError::NoSuchDay)
        );
    }

    #[test]
    fn r4_birth_date_format_unreadable_text_is_an_input_issue() {
        let input = CandidatInput {
            date_naissance: "23 avril 1970".into(),
            ..colette()
        };

        let issues = input.parse().unwrap_err();

        assert_eq!(issues[0].check, "R4.birth_date.format");
        assert_eq!(issues[0].field, Field::DateNaissance);
        assert!(issues[0].message.contains("« 23 avril 1970 »"));
    }

    #[test]
    fn r4_birth_date_no_such_day_typed_is_an_input_issue() {
        let input = CandidatInput {
            date_naissance: "31/02/1970".into(),
            ..colette()
        };

        assert_eq!(issue_checks(&input), ["R4.birth_date.no_such_day"]);
    }

    #[test]
    fn r4_civilite_unknown_is_an_input_issue_abbreviations_are_read() {
        let mademoiselle = CandidatInput {
            civilite: "Mlle".into(),
            ..colette()
        };

        assert_eq!(issue_checks(&mademoiselle), ["R4.civilite.unknown"]);
        for (text, civilite) in [
            ("Mme", Civilite::Madame),
            ("madame", Civilite::Madame),
            ("M.", Civilite::Monsieur),
            ("monsieur", Civilite::Monsieur),
        ] {
            let input = CandidatInput {
                civilite: text.into(),
                ..colette()
            };
            assert_eq!(input.parse().unwrap().civilite, Some(civilite), "{text}");
        }
    }

    #[test]
    fn r4_formation_unknown_value_lists_the_values_admitted() {
        let input = CandidatInput {
            niveau_formation: "bac pro".into(),
            voie_acces: "VAE".into(),
            situation_emploi: "Demandeur(se) d'emploi".into(),
            ..colette()
        };

        let issues = input.parse().unwrap_err();

        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].check, "R4.formation.unknown_value");
        assert!(
            issues[0]
                .message
                .starts_with("Niveau de formation : « bac pro »")
        );
        assert!(issues[0].message.contains("« Niveau 4 (baccalauréat) »"));
    }

    #[test]
    fn r4_formation_values_are_read_from_their_code_or_their_label() {
        let input = CandidatInput {
            niveau_formation: "niveau 4 (BACCALAUREAT)".into(),
            voie_acces: "vae".into(),
            situation_emploi: "Salarié(e)".into(),
            ..colette()
        };

        let data = input.parse().unwrap();

        assert_eq!(data.niveau_formation, Some(NiveauFormation::Niveau4));
        assert_eq!(data.voie_acces, Some(VoieAcces::Vae));
        assert_eq!(data.situation_emploi, Some(SituationEmploi::Salarie));
    }

    #[test]
    fn r4_text_too_long_past_200_characters_is_an_input_issue() {
        let input = CandidatInput {
            adresse_complement: "a".repeat(201),
            ..colette()
        };

        assert_eq!(issue_checks(&input), ["R4.text.too_long"]);
    }

    #[test]
    fn r4_text_control_character_is_an_input_issue() {
        let input = CandidatInput {
            ville: "Paris\u{0}".into(),
            ..colette()
        };

        let issues = input.parse().unwrap_err();

        assert_eq!(issues[0].check, "R4.text.control_character");
        assert_eq!(issues[0].field, Field::Ville);
    }

    #[test]
    fn every_unreadable_field_is_named_at_once() {
        let input = CandidatInput {
            civilite: "X".into(),
            date_naissance: "hier".into(),
            voie_acces: "bateau".into(),
            ..colette()
        };

        let fields: Vec<Field> = input.parse().unwrap_err().iter().map(|i| i.field).collect();

        assert_eq!(
            fields,
            [Field::Civilite, Field::DateNaissance, Field::VoieAcces]
        );
    }

    #[test]
    fn names_are_normalised_and_other_texts_trimmed_on_reading() {
        let input = CandidatInput {
            nom_naissance: "  LE   GOFF ".into(),
            prenoms: "E\u{301}lodie".into(),
            ville: " Paris  12 ".into(),
            ..colette()
        };

        let data = input.parse().unwrap();

        assert_eq!(data.nom_naissance, "LE GOFF");
        assert_eq!(data.prenoms, "Élodie");
        assert_eq!(data.ville, "Paris 12");
    }

    #[test]
    fn r13_the_changed_fields_and_their_values_make_the_audit_before_and_after() {
        let before = colette().parse().unwrap();
        let after = CandidatInput {
            nom_naissance: "FAURIEL".into(),
            date_naissance: "23/04/1970".into(),
            ..colette()
        }
        .parse()
        .unwrap();

        let changed = before.changed_fields(&after);

        assert_eq!(changed, [Field::NomNaissance, Field::DateNaissance]);
        assert_eq!(
            before.audit_json(&changed).to_string(),
            r#"{"date_naissance":"0970-04-23","nom_naissance":"FAURIEL1"}"#
        );
        assert_eq!(
            after.audit_json(&changed).to_string(),
            r#"{"date_naissance":"1970-04-23","nom_naissance":"FAURIEL"}"#
        );
    }

    #[test]
    fn a_record_reads_back_from_its_stored_values() {
        let data = CandidatInput {
            voie_acces: "vae".into(),
            ..colette()
        }
        .parse()
        .unwrap();

        let again = CandidatData::from_stored(|field| data.value(field));

        assert_eq!(again, data);
    }

    #[test]
    fn r4_names_with_either_apostrophe_are_one_name() {
        let typographic = CandidatInput {
            nom_naissance: "N’DIAYE".into(),
            ..colette()
        }
        .parse()
        .unwrap();
        let straight = CandidatInput {
            nom_naissance: "N'DIAYE".into(),
            ..colette()
        }
        .parse()
        .unwrap();
        let other = CandidatInput {
            nom_naissance: "NDIAYE".into(),
            ..colette()
        }
        .parse()
        .unwrap();

        assert!(typographic.changed_fields(&straight).is_empty());
        assert_eq!(typographic.changed_fields(&other), [Field::NomNaissance]);
    }

    #[test]
    fn stored_values_are_shown_with_their_labels() {
        assert_eq!(display_value(Field::Civilite, "madame"), "Madame");
        assert_eq!(
            display_value(Field::DateNaissance, "1970-04-00"),
            "00/04/1970"
        );
        assert_eq!(display_value(Field::VoieAcces, "vae"), "VAE");
        assert_eq!(display_value(Field::NomUsage, ""), "(vide)");
        assert_eq!(display_value(Field::NomNaissance, "FAURIEL"), "FAURIEL");
    }

    #[test]
    fn every_field_has_a_distinct_key_that_reads_back() {
        for field in Field::ALL {
            assert_eq!(Field::from_key(field.key()), Some(field));
        }
        assert_eq!(Field::from_key("nom"), None);
    }

    proptest! {
        #[test]
        fn r4_property_a_stored_record_reads_back_from_its_form_unchanged(
            day in 0u8..=28, month in 0u8..=12, year in 1900u16..2010,
            nom in "[A-Z][A-Za-zéèÉŒœ' -]{0,20}[a-z]"
        ) {
            let day = if month == 0 { 0 } else { day };
            let input = CandidatInput {
                nom_naissance: nom,
                date_naissance: format!("{day:02}/{month:02}/{year:04}"),
                ..colette()
            };
            let data = input.parse().unwrap();
            let again = data.to_input().parse().unwrap();
            prop_assert_eq!(&again, &data);
            prop_assert!(data.changed_fields(&again).is_empty());
        }
    }
}
