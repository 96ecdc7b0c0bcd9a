//! Candidates and the checks of their data before anything is printed (R4).

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::french;

/// Civilité, which also drives gender agreement (né / née).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Civilite {
    Monsieur,
    Madame,
}

impl Civilite {
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Civilite::Monsieur => "monsieur",
            Civilite::Madame => "madame",
        }
    }

    /// Parses a code made by [`Civilite::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "monsieur" => Some(Civilite::Monsieur),
            "madame" => Some(Civilite::Madame),
            _ => None,
        }
    }

    /// "Monsieur" or "Madame".
    pub fn label(self) -> &'static str {
        match self {
            Civilite::Monsieur => "Monsieur",
            Civilite::Madame => "Madame",
        }
    }

    /// "Né" or "Née", as at the start of a line.
    pub fn ne_capitalised(self) -> &'static str {
        match self {
            Civilite::Monsieur => "Né",
            Civilite::Madame => "Née",
        }
    }

    /// "né" or "née".
    pub fn ne(self) -> &'static str {
        match self {
            Civilite::Monsieur => "né",
            Civilite::Madame => "née",
        }
    }

    /// "Homme" or "Femme", the genre of the candidate record.
    pub fn genre(self) -> &'static str {
        match self {
            Civilite::Monsieur => "Homme",
            Civilite::Madame => "Femme",
        }
    }
}

/// A birth date as French civil status knows it: day or month may be unknown (`00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthDate {
    year: i16,
    /// 0 when unknown.
    month: i8,
    /// 0 when unknown.
    day: i8,
}

/// Why a birth date cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BirthDateError {
    #[error("not of the form YYYY-MM-DD")]
    Format,
    #[error("this day does not exist")]
    NoSuchDay,
}

impl BirthDate {
    /// Parses `YYYY-MM-DD`, where `MM` and `DD` may be `00` (unknown, as civil status allows;
    /// an unknown month implies an unknown day).
    pub fn parse(text: &str) -> Result<BirthDate, BirthDateError> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            return Err(BirthDateError::Format);
        };
        let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
            return Err(BirthDateError::Format);
        }
        let year: i16 = year.parse().map_err(|_| BirthDateError::Format)?;
        let month: i8 = month.parse().map_err(|_| BirthDateError::Format)?;
        let day: i8 = day.parse().map_err(|_| BirthDateError::Format)?;

        let date = BirthDate { year, month, day };
        match (month, day) {
            (0, 0) => Ok(date),
            (0, _) | (13.., _) => Err(BirthDateError::NoSuchDay),
            (_, 0) => Ok(date),
            _ => Date::new(year, month, day)
                .map(|_| date)
                .map_err(|_| BirthDateError::NoSuchDay),
        }
    }

    /// The year of birth.
    pub fn year(self) -> i16 {
        self.year
    }

    /// The full date, when day and month are known.
    pub fn full(self) -> Option<Date> {
        Date::new(self.year, self.month, self.day).ok()
    }

    /// What comes after "né" / "née": "le 23/04/1981", "en avril 1970", "en 1970".
    pub fn phrase(self) -> String {
        match (self.full(), self.month) {
            (Some(date), _) => format!("le {}", french::short_date(date)),
            (None, 0) => format!("en {}", self.year),
            (None, month) => format!("en {} {}", french::month_name(month), self.year),
        }
    }

    /// As shown in forms and lists: "23/04/1981", "00/00/1970".
    pub fn short(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// The age in whole years on `at`, counting an unknown month or day as the earliest.
    pub fn age_on(self, at: Date) -> i32 {
        let month = self.month.max(1);
        let day = self.day.max(1);
        let before_birthday = (at.month(), at.day()) < (month, day);
        i32::from(at.year()) - i32::from(self.year) - i32::from(before_birthday)
    }
}

impl fmt::Display for BirthDate {
    /// The stored form, `YYYY-MM-DD` with `00` for unknown parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A field of the candidate record, with the label agents read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Civilite,
    NomNaissance,
    NomUsage,
    Prenoms,
    DateNaissance,
    PaysNaissance,
    CommuneNaissance,
    Adresse,
}

impl Field {
    /// The label of the field in the candidate module.
    pub fn label(self) -> &'static str {
        match self {
            Field::Civilite => "Genre",
            Field::NomNaissance => "Nom de naissance",
            Field::NomUsage => "Nom d'usage",
            Field::Prenoms => "Prénom(s)",
            Field::DateNaissance => "Date de naissance",
            Field::PaysNaissance => "Pays de naissance",
            Field::CommuneNaissance => "Commune de naissance",
            Field::Adresse => "Adresse postale",
        }
    }
}

/// One problem found in a candidate record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub field: Field,
    /// Stable id of the check, e.g. `R4.name.forbidden_character`.
    pub check: &'static str,
    /// What is wrong, in French.
    pub message: String,
}

/// The outcome of checking a candidate: errors block printing, warnings do not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl CheckReport {
    /// Whether the record may be printed.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The labels of the invalid fields, each once, in alphabetical order, as the tutorial
    /// lists them ("Date de naissance, Nom de naissance").
    pub fn invalid_field_labels(&self) -> Vec<&'static str> {
        let mut labels: Vec<&'static str> = self.errors.iter().map(|i| i.field.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        labels
    }

    /// R3's refusal sentence, when there are errors.
    pub fn refusal(&self) -> Option<String> {
        (!self.is_valid()).then(|| {
            format!(
                "Les informations du candidat sont invalides : {}",
                self.invalid_field_labels().join(", ")
            )
        })
    }
}

/// The candidate data that the checks read. Reference look-ups (is this commune code known?)
/// are done by the caller and handed in, so the rules stay pure.
#[derive(Debug, Clone)]
pub struct CandidatRecord<'a> {
    pub civilite: Option<Civilite>,
    pub nom_naissance: &'a str,
    pub nom_usage: &'a str,
    pub prenoms: &'a str,
    /// Stored form, `YYYY-MM-DD` with `00` for unknown parts.
    pub date_naissance: &'a str,
    /// INSEE country code, `99100` for France.
    pub pays_naissance: &'a str,
    /// Whether the country code was found in the country referential.
    pub pays_naissance_known: bool,
    /// INSEE commune code, for a birth in France.
    pub commune_naissance: &'a str,
    /// Whether the commune code was found in the commune referential.
    pub commune_naissance_known: bool,
    /// Town of birth abroad, free text.
    pub ville_naissance_etranger: &'a str,
    pub adresse_ligne: &'a str,
    pub code_postal: &'a str,
    pub ville: &'a str,
}

/// The country code of France in the INSEE list.
pub const FRANCE: &str = "99100";

/// Letters of French civil status besides ASCII letters (instruction of 2014 on civil
/// status), lower case; upper case forms are accepted too.
const FRENCH_LETTERS: &str = "àâäçéèêëîïôöùûüÿœæ";

/// R4: the youngest and oldest plausible ages at the session.
const AGE_RANGE: std::ops::RangeInclusive<i32> = 14..=100;

/// Normalises a name as stored: NFC, trimmed, inner runs of spaces collapsed.
pub fn normalise_name(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// R4: checks a name field. Returns the problems found (at most one error and one warning).
fn check_name(field: Field, value: &str, required: bool, report: &mut CheckReport) {
    let name = normalise_name(value);
    if name.is_empty() {
        if required {
            report.errors.push(Issue {
                field,
                check: "R4.name.empty",
                message: format!("{} : le champ est vide.", field.label()),
            });
        }
        return;
    }

    let forbidden: Vec<char> = name
        .chars()
        .filter(|c| !(c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’')))
        .collect();
    if !forbidden.is_empty() {
        let shown: Vec<String> = forbidden.iter().map(|c| format!("« {c} »")).collect();
        report.errors.push(Issue {
            field,
            check: "R4.name.forbidden_character",
            message: format!(
                "{} : caractère non admis par l'état civil : {}.",
                field.label(),
                shown.join(", ")
            ),
        });
        return;
    }

    let foreign: Vec<char> = name
        .chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii_alphabetic())
        .filter(|c| !c.to_lowercase().all(|l| FRENCH_LETTERS.contains(l)))
        .collect();
    if !foreign.is_empty() {
        let shown: Vec<String> = foreign.iter().map(|c| format!("« {c} »")).collect();
        report.warnings.push(Issue {
            field,
            check: "R4.name.foreign_letter",
            message: format!(
                "{} : lettre hors de l'alphabet de l'état civil français : {} ; vérifiez-la.",
                field.label(),
                shown.join(", ")
            ),
        });
    }
}

/// R4: checks a candidate record against the date of the session it is printed for.
pub fn check(record: &CandidatRecord<'_>, session_date: Date) -> CheckReport {
    let mut report = CheckReport::default();

    if record.civilite.is_none() {
        report.errors.push(Issue {
            field: Field::Civilite,
            check: "R4.civilite.missing",
            message: "Genre : la civilité n'est pas renseignée.".to_owned(),
        });
    }

    check_name(Field::NomNaissance, record.nom_naissance, true, &mut report);
    check_name(Field::NomUsage, record.nom_usage, false, &mut report);
    check_name(Field::Prenoms, record.prenoms, false, &mut report);

    check_birth_date(record.date_naissance, session_date, &mut report);
    check_birth_place(record, &mut report);
    check_address(record, &mut report);

    report
}

fn check_birth_date(text: &str, session_date: Date, report: &mut CheckReport) {
    let issue = |check, message: &str| Issue {
        field: Field::DateNaissance,
        check,
        message: format!("Date de naissance : {message}"),
    };
    match BirthDate::parse(text) {
        Err(BirthDateError::Format) => {
            report
                .errors
                .push(issue("R4.birth_date.format", "date illisible."));
        }
        Err(BirthDateError::NoSuchDay) => {
            report
                .errors
                .push(issue("R4.birth_date.no_such_day", "ce jour n'existe pas."));
        }
        Ok(date) if !AGE_RANGE.contains(&date.age_on(session_date)) => {
            report.errors.push(issue(
                "R4.birth_date.incoherent_year",
                &format!(
                    "année de naissance incohérente ({} ans à la date de la session).",
                    date.age_on(session_date)
                ),
            ));
        }
        Ok(_) => {}
    }
}

fn check_birth_place(record: &CandidatRecord<'_>, report: &mut CheckReport) {
    if !record.pays_naissance_known {
        report.errors.push(Issue {
            field: Field::PaysNaissance,
            check: "R4.birth_place.unknown_country",
            message: "Pays de naissance : pays inconnu du référentiel INSEE.".to_owned(),
        });
        return;
    }

    let in_france = record.pays_naissance == FRANCE;
    if in_france && !record.commune_naissance_known {
        report.errors.push(Issue {
            field: Field::CommuneNaissance,
            check: "R4.birth_place.unknown_commune",
            message: "Commune de naissance : commune inconnue du référentiel INSEE.".to_owned(),
        });
    }
    if !in_france && normalise_name(record.ville_naissance_etranger).is_empty() {
        report.errors.push(Issue {
            field: Field::CommuneNaissance,
            check: "R4.birth_place.missing_town",
            message: "Commune de naissance : la ville de naissance à l'étranger est vide."
                .to_owned(),
        });
    }
}

fn check_address(record: &CandidatRecord<'_>, report: &mut CheckReport) {
    // Known limit: only the presence of the lines and the postcode's form are checked here;
    // the full NF Z10-011 formatter comes with the candidate-data issue.
    let mut problems = Vec::new();
    if record.adresse_ligne.trim().is_empty() {
        problems.push("la ligne de voie est vide");
    }
    let postcode = record.code_postal.trim();
    if postcode.len() != 5 || !postcode.bytes().all(|b| b.is_ascii_digit()) {
        problems.push("le code postal doit compter 5 chiffres");
    }
    if record.ville.trim().is_empty() {
        problems.push("la localité est vide");
    }
    if !problems.is_empty() {
        report.errors.push(Issue {
            field: Field::Adresse,
            check: "R4.address.incomplete",
            message: format!("Adresse postale : {}.", problems.join(", ")),
        });
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn henri() -> CandidatRecord<'static> {
        CandidatRecord {
            civilite: Some(Civilite::Monsieur),
            nom_naissance: "BERTRAND",
            nom_usage: "",
            prenoms: "Henri",
            date_naissance: "1981-04-23",
            pays_naissance: FRANCE,
            pays_naissance_known: true,
            commune_naissance: "08105",
            commune_naissance_known: true,
            ville_naissance_etranger: "",
            adresse_ligne: "12 rue de la République",
            code_postal: "08000",
            ville: "Charleville-Mézières",
        }
    }

    const SESSION: Date = date(2022, 11, 16);

    fn checks(report: &CheckReport) -> Vec<&'static str> {
        report.errors.iter().map(|issue| issue.check).collect()
    }

    #[test]
    fn r4_the_tutorials_first_candidate_is_valid() {
        let report = check(&henri(), SESSION);

        assert!(report.is_valid(), "{report:?}");
        assert_eq!(report.refusal(), None);
    }

    #[test]
    fn r4_r3_the_tutorials_second_candidate_is_refused_naming_both_fields() {
        let colette = CandidatRecord {
            civilite: Some(Civilite::Madame),
            nom_naissance: "FAURIEL1",
            prenoms: "Colette",
            date_naissance: "0970-04-23",
            ..henri()
        };

        let report = check(&colette, SESSION);

        assert_eq!(
            checks(&report),
            vec![
                "R4.name.forbidden_character",
                "R4.birth_date.incoherent_year"
            ]
        );
        assert_eq!(
            report.refusal().as_deref(),
            Some(
                "Les informations du candidat sont invalides : Date de naissance, Nom de naissance"
            )
        );
    }

    #[test]
    fn r4_names_accept_civil_status_letters_and_refuse_symbols() {
        for good in [
            "D'ARTAGNAN",
            "LE GOFF",
            "MÜLLER-ŒUVRAY",
            "N’DIAYE",
            "Jean-Marie Ælis",
        ] {
            let record = CandidatRecord {
                nom_naissance: good,
                ..henri()
            };
            assert!(check(&record, SESSION).is_valid(), "{good}");
        }
        for bad in [
            "DUPONT2",
            "#set page(width: 1pt)",
            "<script>",
            "MARTIN_",
            "A.B",
        ] {
            let record = CandidatRecord {
                nom_naissance: bad,
                ..henri()
            };
            assert_eq!(
                checks(&check(&record, SESSION)),
                vec!["R4.name.forbidden_character"]
            );
        }
    }

    #[test]
    fn r4_letters_outside_the_french_list_are_a_warning_not_an_error() {
        let record = CandidatRecord {
            nom_naissance: "ÑUÑEZ",
            prenoms: "Łukasz",
            ..henri()
        };

        let report = check(&record, SESSION);

        assert!(report.is_valid());
        assert_eq!(report.warnings.len(), 2);
    }

    #[test]
    fn r4_an_empty_birth_name_is_refused_an_empty_first_name_is_not() {
        let no_name = CandidatRecord {
            nom_naissance: "   ",
            ..henri()
        };
        let no_first_name = CandidatRecord {
            prenoms: "",
            ..henri()
        };

        assert_eq!(checks(&check(&no_name, SESSION)), vec!["R4.name.empty"]);
        assert!(check(&no_first_name, SESSION).is_valid());
    }

    #[test]
    fn r4_names_are_normalised_to_nfc_with_single_spaces() {
        assert_eq!(normalise_name("  LE   GOFF "), "LE GOFF");
        assert_eq!(normalise_name("E\u{301}LODIE"), "ÉLODIE");
    }

    #[test]
    fn r4_birth_dates_must_exist_29_february_only_in_leap_years() {
        assert!(BirthDate::parse("2000-02-29").is_ok());
        assert_eq!(
            BirthDate::parse("1999-02-29"),
            Err(BirthDateError::NoSuchDay)
        );
        assert_eq!(
            BirthDate::parse("1981-13-01"),
            Err(BirthDateError::NoSuchDay)
        );
        assert_eq!(
            BirthDate::parse("1981-00-12"),
            Err(BirthDateError::NoSuchDay)
        );
        assert_eq!(BirthDate::parse("23/04/1981"), Err(BirthDateError::Format));
    }

    #[test]
    fn r4_partial_birth_dates_are_accepted_and_printed_as_they_are() {
        let year_only = BirthDate::parse("1970-00-00").unwrap();
        let month_known = BirthDate::parse("1970-04-00").unwrap();

        assert_eq!(year_only.phrase(), "en 1970");
        assert_eq!(month_known.phrase(), "en avril 1970");
        assert_eq!(
            BirthDate::parse("1981-04-23").unwrap().phrase(),
            "le 23/04/1981"
        );
        assert_eq!(year_only.short(), "00/00/1970");
        let record = CandidatRecord {
            date_naissance: "1970-00-00",
            ..henri()
        };
        assert!(check(&record, SESSION).is_valid());
    }

    #[test]
    fn r4_age_at_the_session_must_be_between_14_and_100() {
        let at = |birth| {
            let record = CandidatRecord {
                date_naissance: birth,
                ..henri()
            };
            checks(&check(&record, SESSION))
        };

        assert!(at("2008-11-16").is_empty(), "14 on the day");
        assert_eq!(at("2008-11-17"), vec!["R4.birth_date.incoherent_year"]);
        assert!(at("1922-11-16").is_empty(), "100 on the day");
        assert_eq!(at("1921-11-15"), vec!["R4.birth_date.incoherent_year"]);
    }

    #[test]
    fn r4_birth_place_in_france_needs_a_known_commune_abroad_a_town() {
        let unknown_commune = CandidatRecord {
            commune_naissance_known: false,
            ..henri()
        };
        let abroad_no_town = CandidatRecord {
            pays_naissance: "99134",
            ..henri()
        };
        let abroad = CandidatRecord {
            pays_naissance: "99134",
            ville_naissance_etranger: "Madrid",
            ..henri()
        };

        assert_eq!(
            checks(&check(&unknown_commune, SESSION)),
            vec!["R4.birth_place.unknown_commune"]
        );
        assert_eq!(
            checks(&check(&abroad_no_town, SESSION)),
            vec!["R4.birth_place.missing_town"]
        );
        assert!(check(&abroad, SESSION).is_valid());
    }
}
