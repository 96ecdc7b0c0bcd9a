//! Candidates and the checks of their data before anything is printed (R4).

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::adresse::{self, PostalAddress};
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

    /// Reads a civilité as forms and files write it: « Monsieur », « M. », « Mr »,
    /// « Madame », « Mme », in any case. « Mademoiselle » is not read: it left official
    /// use in 2012, and the agent must ask which civilité applies.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().trim_end_matches('.').to_lowercase().as_str() {
            "monsieur" | "m" | "mr" => Some(Civilite::Monsieur),
            "madame" | "mme" => Some(Civilite::Madame),
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

    /// The first and last days the birth may have fallen on: the date itself when it is
    /// full, the whole month or the whole year when day or month are unknown.
    pub fn possible_days(self) -> (Date, Date) {
        if let Some(date) = self.full() {
            return (date, date);
        }
        let (first_month, last_month) = match self.month {
            0 => (1, 12),
            month => (month, month),
        };
        let first = Date::new(self.year, first_month, 1).expect("a parsed month exists");
        let last_first = Date::new(self.year, last_month, 1).expect("a parsed month exists");
        (first, last_first.last_of_month())
    }

    /// The youngest and oldest ages the candidate may have on `at`: equal for a full date,
    /// one year apart when day or month are unknown and the birthday may or may not be past.
    pub fn age_range_on(self, at: Date) -> (i32, i32) {
        let (first, last) = self.possible_days();
        let age = |born: Date| {
            let before_birthday = (at.month(), at.day()) < (born.month(), born.day());
            i32::from(at.year()) - i32::from(born.year()) - i32::from(before_birthday)
        };
        (age(last), age(first))
    }
}

impl fmt::Display for BirthDate {
    /// The stored form, `YYYY-MM-DD` with `00` for unknown parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A field of the candidate record, with the label agents read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Civilite,
    NomNaissance,
    NomUsage,
    Prenoms,
    DateNaissance,
    PaysNaissance,
    CommuneNaissance,
    VilleNaissanceEtranger,
    AdresseComplement,
    AdresseLigne,
    CodePostal,
    Ville,
    AdressePays,
    Courriel,
    Telephone,
    NiveauFormation,
    DernierDiplome,
    SituationEmploi,
    VoieAcces,
}

impl Field {
    /// Every field, in the order of the candidate module's sections.
    pub const ALL: [Field; 19] = [
        Field::Civilite,
        Field::NomNaissance,
        Field::NomUsage,
        Field::Prenoms,
        Field::DateNaissance,
        Field::PaysNaissance,
        Field::CommuneNaissance,
        Field::VilleNaissanceEtranger,
        Field::AdresseComplement,
        Field::AdresseLigne,
        Field::CodePostal,
        Field::Ville,
        Field::AdressePays,
        Field::Courriel,
        Field::Telephone,
        Field::NiveauFormation,
        Field::DernierDiplome,
        Field::SituationEmploi,
        Field::VoieAcces,
    ];

    /// The key of the field: its column in the database, its name in forms, in import
    /// files and in the audit trail.
    pub fn key(self) -> &'static str {
        match self {
            Field::Civilite => "civilite",
            Field::NomNaissance => "nom_naissance",
            Field::NomUsage => "nom_usage",
            Field::Prenoms => "prenoms",
            Field::DateNaissance => "date_naissance",
            Field::PaysNaissance => "pays_naissance",
            Field::CommuneNaissance => "commune_naissance",
            Field::VilleNaissanceEtranger => "ville_naissance_etranger",
            Field::AdresseComplement => "adresse_complement",
            Field::AdresseLigne => "adresse_ligne",
            Field::CodePostal => "code_postal",
            Field::Ville => "ville",
            Field::AdressePays => "adresse_pays",
            Field::Courriel => "courriel",
            Field::Telephone => "telephone",
            Field::NiveauFormation => "niveau_formation",
            Field::DernierDiplome => "dernier_diplome",
            Field::SituationEmploi => "situation_emploi",
            Field::VoieAcces => "voie_acces",
        }
    }

    /// The field of a key made by [`Field::key`].
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.key() == key)
    }

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
            Field::VilleNaissanceEtranger => "Ville de naissance à l'étranger",
            Field::AdresseComplement => "Complément d'adresse",
            Field::AdresseLigne => "Numéro et voie",
            Field::CodePostal => "Code postal",
            Field::Ville => "Localité",
            Field::AdressePays => "Pays de l'adresse",
            Field::Courriel => "Courriel",
            Field::Telephone => "Téléphone",
            Field::NiveauFormation => "Niveau de formation",
            Field::DernierDiplome => "Dernier diplôme obtenu",
            Field::SituationEmploi => "Situation professionnelle",
            Field::VoieAcces => "Voie d'accès à la certification",
        }
    }

    /// The label of the field in R3's refusal sentence: the fields of the postal address
    /// are named together, as « Adresse postale ».
    pub fn refusal_label(self) -> &'static str {
        match self {
            Field::AdresseComplement
            | Field::AdresseLigne
            | Field::CodePostal
            | Field::Ville
            | Field::AdressePays => "Adresse postale",
            Field::VilleNaissanceEtranger => Field::CommuneNaissance.label(),
            field => field.label(),
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
        let mut labels: Vec<&'static str> = self
            .errors
            .iter()
            .map(|i| i.field.refusal_label())
            .collect();
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

/// One period during which an INSEE code named a commune or a country, as the referential
/// gives it. The caller looks the periods up; the checks pick those that hold at the birth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacePeriod {
    /// INSEE code, five characters (`08105`, `2A004`, `99352`).
    pub code: String,
    /// The name the referential gives for this period.
    pub nom: String,
    /// First day of validity.
    pub date_debut: Date,
    /// Last day of validity; `None` while the code is still in force.
    pub date_fin: Option<Date>,
}

/// What the referentials know of a birth place, looked up by the caller so that the checks
/// stay pure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthPlaceReference {
    /// Every period of the birth country's code in the INSEE list; empty when unknown.
    pub pays: Vec<PlacePeriod>,
    /// Every period of the communes that the birth commune field names: those of its code
    /// when it reads as a code ([`is_commune_code`]), those of every commune whose name has
    /// the same [`commune_name_key`] otherwise. Empty when nothing matches.
    pub communes: Vec<PlacePeriod>,
}

/// The candidate data that the checks read. Reference look-ups (which periods of this
/// commune or country code exist?) are done by the caller and handed in, so the rules stay
/// pure.
#[derive(Debug, Clone)]
pub struct CandidatRecord<'a> {
    pub civilite: Option<Civilite>,
    /// The genre as a source gives it apart from the civilité (« Homme », « F »…), `None`
    /// when the record has no such field.
    pub genre: Option<&'a str>,
    pub nom_naissance: &'a str,
    pub nom_usage: &'a str,
    pub prenoms: &'a str,
    /// Stored form, `YYYY-MM-DD` with `00` for unknown parts.
    pub date_naissance: &'a str,
    /// INSEE country code, `99100` for France.
    pub pays_naissance: &'a str,
    /// INSEE commune code for a birth in France, or the commune's name when the code is
    /// not known (accepted only when the name is unambiguous at the birth date).
    pub commune_naissance: &'a str,
    /// Town of birth abroad, free text.
    pub ville_naissance_etranger: &'a str,
    /// The periods of the birth country and commune in the referentials.
    pub birth_place: &'a BirthPlaceReference,
    /// Complement of the address (bâtiment, appartement, « chez … »), free text.
    pub adresse_complement: &'a str,
    /// Number and street, or a lieu-dit or BP.
    pub adresse_ligne: &'a str,
    pub code_postal: &'a str,
    pub ville: &'a str,
    /// The country of the address in French (« Espagne »), empty for France. An overseas
    /// département given here (« La Réunion ») is domestic: no country line.
    pub adresse_pays: &'a str,
    pub courriel: &'a str,
    pub telephone: &'a str,
}

/// The country code of France in the INSEE list.
pub const FRANCE: &str = "99100";

/// Letters of French civil status besides ASCII letters (circular of 23 July 2014 on the
/// letters usable in civil status), lower case; upper case forms are accepted too.
const FRENCH_LETTERS: &str = "àâäçéèêëîïôöùûüÿœæ";

/// R4: the youngest and oldest plausible ages at the session.
const AGE_RANGE: std::ops::RangeInclusive<i32> = 14..=100;

/// The first day of the INSEE country list: a country listed from that day may have
/// existed before it, so such a period is taken as open at its start.
const PAYS_LIST_START: Date = Date::constant(1943, 1, 1);

/// The first day of the historical commune table, read the same way.
const COMMUNES_LIST_START: Date = Date::constant(1900, 1, 1);

/// Most commune codes listed in the message of an ambiguous name.
const AMBIGUOUS_CODES_SHOWN: usize = 6;

/// Normalises a name as stored: NFC, trimmed, inner runs of spaces collapsed.
pub fn normalise_name(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a birth commune field reads as an INSEE commune code (`08105`, `2A004`) rather
/// than a name.
pub fn is_commune_code(text: &str) -> bool {
    let bytes = text.trim().as_bytes();
    let corsica = bytes.starts_with(b"2A") || bytes.starts_with(b"2B");
    let digits_from = if corsica { 2 } else { 0 };
    bytes.len() == 5 && bytes[digits_from..].iter().all(u8::is_ascii_digit)
}

/// The key under which commune names are compared: capitals without accents, punctuation
/// turned into single spaces (« Saint-Étienne », « ST ETIENNE » and « SAINT-ETIENNE » differ
/// only by the abbreviation, which is not expanded).
pub fn commune_name_key(name: &str) -> String {
    crate::adresse::postal_capitals(name)
}

/// What a character of a name is, for the checks of R4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameChar {
    /// A letter of the French list (ASCII letters included).
    French,
    /// Another letter of the Latin script (ñ, ś, ł): accepted with a warning.
    OtherLatin,
    /// A letter of another script (Cyrillic, Greek, Arabic…).
    OtherScript,
    /// Space, hyphen, apostrophe ' or ’.
    Separator,
    /// Digits, symbols, punctuation, combining marks left alone after NFC.
    Forbidden,
}

fn classify(c: char) -> NameChar {
    let latin_block = matches!(c,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}');
    match c {
        ' ' | '-' | '\'' | '’' => NameChar::Separator,
        c if c.is_ascii_alphabetic() => NameChar::French,
        c if c.is_alphabetic() && latin_block => {
            if c.to_lowercase().all(|l| FRENCH_LETTERS.contains(l)) {
                NameChar::French
            } else {
                NameChar::OtherLatin
            }
        }
        // ª, º and µ are alphabetic but no letter of a name.
        c if c.is_alphabetic() && u32::from(c) > 0x24F => NameChar::OtherScript,
        _ => NameChar::Forbidden,
    }
}

/// The characters of `name` of one kind, each once, as the messages show them.
fn shown(name: &str, kind: NameChar) -> String {
    let mut seen = Vec::new();
    for c in name.chars().filter(|c| classify(*c) == kind) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    let quoted: Vec<String> = seen.iter().map(|c| format!("« {c} »")).collect();
    quoted.join(", ")
}

/// The first misplaced run of separators in a normalised, non-empty name: a name starts
/// and ends with a letter, and between two letters stands one space, one hyphen, one
/// apostrophe, or the double hyphen of the double names given from 2005 to 2011
/// (« DUPONT--DURAND »).
fn misplaced_separator(name: &str) -> Option<String> {
    let starts_or_ends = |c: Option<char>| c.is_some_and(|c| classify(c) == NameChar::Separator);
    if starts_or_ends(name.chars().next()) || starts_or_ends(name.chars().last()) {
        return Some("le nom commence ou finit par un trait d'union ou une apostrophe".into());
    }
    let mut run = String::new();
    for c in name.chars() {
        if classify(c) == NameChar::Separator {
            run.push(c);
            continue;
        }
        if !run.is_empty() && !matches!(run.as_str(), " " | "-" | "--" | "'" | "’") {
            return Some(format!(
                "« {run} » entre deux lettres ; seuls une espace, un trait d'union, un double \
                 trait d'union (nom double) ou une apostrophe sont admis"
            ));
        }
        run.clear();
    }
    None
}

/// R4: checks a name field (birth name, usage name, first names).
fn check_name(field: Field, value: &str, required: bool, report: &mut CheckReport) {
    let label = field.label();
    let error = |check, message: String| Issue {
        field,
        check,
        message: format!("{label} : {message}."),
    };
    let name = normalise_name(value);
    if name.is_empty() {
        if required {
            report
                .errors
                .push(error("R4.name.empty", "le champ est vide".into()));
        }
        return;
    }

    // One error per field, the most basic first.
    let has = |kind| name.chars().any(|c| classify(c) == kind);
    let refusal = if has(NameChar::Forbidden) {
        Some((
            "R4.name.forbidden_character",
            format!(
                "caractère non admis par l'état civil : {}",
                shown(&name, NameChar::Forbidden)
            ),
        ))
    } else if has(NameChar::OtherScript) {
        Some((
            "R4.name.non_latin_letter",
            format!(
                "lettre d'un autre alphabet que le latin : {} ; l'état civil français s'écrit \
                 en lettres latines",
                shown(&name, NameChar::OtherScript)
            ),
        ))
    } else if !has(NameChar::French) && !has(NameChar::OtherLatin) {
        Some((
            "R4.name.no_letter",
            "le nom ne contient aucune lettre".into(),
        ))
    } else {
        misplaced_separator(&name).map(|why| ("R4.name.misplaced_separator", why))
    };
    if let Some((check, message)) = refusal {
        report.errors.push(error(check, message));
        return;
    }

    if has(NameChar::OtherLatin) {
        report.warnings.push(error(
            "R4.name.foreign_letter",
            format!(
                "lettre hors de l'alphabet de l'état civil français : {} ; vérifiez-la",
                shown(&name, NameChar::OtherLatin)
            ),
        ));
    }
    if name != value {
        report.warnings.push(error(
            "R4.name.not_normalised",
            format!("espaces ou accents à normaliser ; le nom se lit « {name} »"),
        ));
    }
}

/// R4: checks a candidate record against the date of the session it is printed for.
pub fn check(record: &CandidatRecord<'_>, session_date: Date) -> CheckReport {
    let mut report = CheckReport::default();

    check_civilite(record, &mut report);

    check_name(Field::NomNaissance, record.nom_naissance, true, &mut report);
    check_name(Field::NomUsage, record.nom_usage, false, &mut report);
    check_name(Field::Prenoms, record.prenoms, false, &mut report);

    // The birth place is checked at the birth date only when that date is plausible;
    // otherwise only the existence of the codes is checked, so that one wrong date is
    // reported once, under its own field.
    let birth = check_birth_date(record.date_naissance, session_date, &mut report);
    check_birth_place(record, birth.map(BirthDate::possible_days), &mut report);
    check_address(record, &mut report);
    check_contact(record, &mut report);

    report
}

/// The civilité a genre as sources write it stands for.
fn civilite_of_genre(genre: &str) -> Option<Civilite> {
    match genre.trim().to_lowercase().as_str() {
        "homme" | "h" | "m" | "masculin" => Some(Civilite::Monsieur),
        "femme" | "f" | "féminin" | "feminin" => Some(Civilite::Madame),
        _ => None,
    }
}

fn check_civilite(record: &CandidatRecord<'_>, report: &mut CheckReport) {
    let issue = |check, message: String| Issue {
        field: Field::Civilite,
        check,
        message: format!("Genre : {message}."),
    };
    let Some(civilite) = record.civilite else {
        report.errors.push(issue(
            "R4.civilite.missing",
            "la civilité n'est pas renseignée".into(),
        ));
        return;
    };
    let Some(genre) = record.genre.filter(|genre| !genre.trim().is_empty()) else {
        return;
    };
    match civilite_of_genre(genre) {
        None => report.errors.push(issue(
            "R4.civilite.genre_unknown",
            format!("genre « {} » illisible ; Homme ou Femme", genre.trim()),
        )),
        Some(of_genre) if of_genre != civilite => report.errors.push(issue(
            "R4.civilite.genre_mismatch",
            format!(
                "la civilité « {} » ne correspond pas au genre « {} »",
                civilite.label(),
                genre.trim()
            ),
        )),
        Some(_) => {}
    }
}

/// Checks the birth date and returns it when it is plausible.
fn check_birth_date(text: &str, session_date: Date, report: &mut CheckReport) -> Option<BirthDate> {
    let mut refuse = |check, message: String| {
        report.errors.push(Issue {
            field: Field::DateNaissance,
            check,
            message: format!("Date de naissance : {message}."),
        });
        None
    };
    if text.trim().is_empty() {
        return refuse("R4.birth_date.missing", "la date est vide".into());
    }
    match BirthDate::parse(text) {
        Err(BirthDateError::Format) => refuse(
            "R4.birth_date.format",
            "date illisible ; elle s'écrit AAAA-MM-JJ, 00 pour un jour ou un mois inconnu".into(),
        ),
        Err(BirthDateError::NoSuchDay) => {
            refuse("R4.birth_date.no_such_day", "ce jour n'existe pas".into())
        }
        Ok(date) => {
            // With an unknown day or month, the age may be one of two: the date is kept
            // when one of them is plausible.
            let (youngest, oldest) = date.age_range_on(session_date);
            if oldest < *AGE_RANGE.start() || youngest > *AGE_RANGE.end() {
                let age = if youngest == oldest {
                    format!("{youngest} ans")
                } else {
                    format!("{youngest} ou {oldest} ans")
                };
                return refuse(
                    "R4.birth_date.incoherent_year",
                    format!("année de naissance incohérente ({age} à la date de la session)"),
                );
            }
            Some(date)
        }
    }
}

/// Whether `period` holds on at least one of the days `first..=last`, or exists at all
/// when the days are not known. A period starting on the first day of its list is taken
/// as open at its start.
fn holds(period: &PlacePeriod, days: Option<(Date, Date)>, list_start: Date) -> bool {
    let Some((first, last)) = days else {
        return true;
    };
    let started = period.date_debut <= list_start || period.date_debut <= last;
    let not_ended = period.date_fin.is_none_or(|fin| fin >= first);
    started && not_ended
}

/// « en vigueur du 01/01/1900 au 31/12/1975 », for the messages.
fn periods_phrase(periods: &[PlacePeriod], list_start: Date) -> String {
    let phrases: Vec<String> = periods
        .iter()
        .map(|p| {
            let open_start = p.date_debut <= list_start;
            match (open_start, p.date_fin) {
                (true, None) => "toujours en vigueur".to_owned(),
                (true, Some(fin)) => format!("jusqu'au {}", french::short_date(fin)),
                (false, None) => format!("à partir du {}", french::short_date(p.date_debut)),
                (false, Some(fin)) => format!(
                    "du {} au {}",
                    french::short_date(p.date_debut),
                    french::short_date(fin)
                ),
            }
        })
        .collect();
    format!("en vigueur {}", phrases.join(", "))
}

/// R4: a birth place is a commune valid at the birth date, or a country valid at that date
/// with a town. `birth` holds the days the birth may have fallen on (one for a full date),
/// `None` when the birth date is not plausible.
fn check_birth_place(
    record: &CandidatRecord<'_>,
    birth: Option<(Date, Date)>,
    report: &mut CheckReport,
) {
    let issue = |field: Field, check, message: String| Issue {
        field,
        check,
        message: format!("{} : {message}.", field.label()),
    };
    let pays_code = record.pays_naissance.trim();

    // The country, valid at the birth date.
    let pays = &record.birth_place.pays;
    if pays.is_empty() {
        report.errors.push(issue(
            Field::PaysNaissance,
            "R4.birth_place.unknown_country",
            format!("code pays « {pays_code} » inconnu de la liste INSEE"),
        ));
        return;
    }
    // Known limit: a protectorate before its independence (Maroc before 2 March 1956,
    // Tunisie before 20 March 1956) has no code in the INSEE list, so such a birth cannot be
    // recorded; lift it when the business says which code civil status uses for it.
    if !pays.iter().any(|p| holds(p, birth, PAYS_LIST_START)) {
        report.errors.push(issue(
            Field::PaysNaissance,
            "R4.birth_place.country_not_valid_at_birth",
            format!(
                "le code {pays_code} ({}) n'était pas en vigueur à la date de naissance ({})",
                pays[0].nom,
                periods_phrase(pays, PAYS_LIST_START)
            ),
        ));
        return;
    }

    // Abroad: a town, free text.
    if pays_code != FRANCE {
        if normalise_name(record.ville_naissance_etranger).is_empty() {
            report.errors.push(issue(
                Field::VilleNaissanceEtranger,
                "R4.birth_place.missing_town",
                "le champ est vide ; indiquez la ville de naissance, en texte libre".into(),
            ));
        }
        return;
    }

    // In France: a commune, by its code or by an unambiguous name.
    let commune = normalise_name(record.commune_naissance);
    let communes = &record.birth_place.communes;
    let valid: Vec<&PlacePeriod> = communes
        .iter()
        .filter(|p| holds(p, birth, COMMUNES_LIST_START))
        .collect();
    let found = if commune.is_empty() {
        Err((
            "R4.birth_place.commune_missing",
            "le code INSEE de la commune est vide".into(),
        ))
    } else if communes.is_empty() && is_commune_code(&commune) {
        Err((
            "R4.birth_place.unknown_commune",
            format!("le code « {commune} » n'est pas un code INSEE de commune"),
        ))
    } else if communes.is_empty() {
        Err((
            "R4.birth_place.unknown_commune",
            format!("aucune commune ne porte le nom « {commune} » ; indiquez le code INSEE"),
        ))
    } else if valid.is_empty() {
        Err((
            "R4.birth_place.commune_not_valid_at_birth",
            format!(
                "« {commune} » ({}) n'était pas en vigueur à la date de naissance ({})",
                communes[0].nom,
                periods_phrase(communes, COMMUNES_LIST_START)
            ),
        ))
    } else {
        Ok(valid)
    };
    let valid = match found {
        Ok(valid) => valid,
        Err((check, message)) => {
            report
                .errors
                .push(issue(Field::CommuneNaissance, check, message));
            return;
        }
    };
    if is_commune_code(&commune) {
        return;
    }

    // A name stands for a commune only when one code bore it at the birth date.
    let mut codes: Vec<&str> = valid.iter().map(|p| p.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    if let [code] = codes.as_slice() {
        report.warnings.push(issue(
            Field::CommuneNaissance,
            "R4.birth_place.commune_by_name",
            format!(
                "commune donnée par son nom ; son code INSEE à la date de naissance est {code}, \
                 saisissez-le"
            ),
        ));
        return;
    }
    let mut listed = codes
        .iter()
        .take(AMBIGUOUS_CODES_SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if codes.len() > AMBIGUOUS_CODES_SHOWN {
        listed.push_str(", …");
    }
    report.errors.push(issue(
        Field::CommuneNaissance,
        "R4.birth_place.ambiguous_commune_name",
        format!(
            "{} communes portaient le nom « {commune} » à la date de naissance ({listed}) ; \
             indiquez le code INSEE",
            codes.len()
        ),
    ));
}

/// R4: the address must be writable under NF Z10-011 by [`adresse::format`]. The
/// recipient line is composed by each document from the name fields checked above, so
/// issues about line 1 are left to the document.
// Known limit: the postcode is checked for its form, not against the locality (the La Poste
// base has no CEDEX codes, and DESIGN §5 forbids deriving a département from it).
fn check_address(record: &CandidatRecord<'_>, report: &mut CheckReport) {
    let Err(issues) = adresse::format(&postal_address(record)) else {
        return;
    };
    for found in issues.into_iter().filter(|issue| issue.line != Some(1)) {
        report.errors.push(Issue {
            field: address_field(&found),
            check: found.check,
            message: format!("Adresse postale : {}.", found.message),
        });
    }
}

/// The candidate's postal address, as the formatter reads it; the recipient is the
/// civilité, first names and birth name.
pub fn postal_address(record: &CandidatRecord<'_>) -> PostalAddress {
    let destinataire = [
        record.civilite.map_or("", Civilite::label),
        &normalise_name(record.prenoms),
        &normalise_name(record.nom_naissance),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    let pays = record.adresse_pays.trim();
    PostalAddress {
        destinataire,
        complement_point_geo: record.adresse_complement.to_owned(),
        voie: record.adresse_ligne.to_owned(),
        code_postal: record.code_postal.to_owned(),
        localite: record.ville.to_owned(),
        pays: (!pays.is_empty()).then(|| pays.to_owned()),
        ..PostalAddress::default()
    }
}

/// The field of the candidate record an address issue is about, so that a form shows it
/// beside the right input.
fn address_field(issue: &adresse::AddressIssue) -> Field {
    match (issue.check, issue.line) {
        ("R4.address.postcode_invalid", _) => Field::CodePostal,
        ("R4.address.delivery_point_missing", _) => Field::AdresseLigne,
        (_, Some(2 | 3)) => Field::AdresseComplement,
        (_, Some(4 | 5)) => Field::AdresseLigne,
        (_, Some(7)) => Field::AdressePays,
        _ => Field::Ville,
    }
}

/// R4, contact details: a courriel and a telephone number that look like one. Nothing is
/// posted to them, so a doubt is a warning, never an error.
fn check_contact(record: &CandidatRecord<'_>, report: &mut CheckReport) {
    let courriel = record.courriel.trim();
    if !courriel.is_empty() && !looks_like_email(courriel) {
        report.warnings.push(Issue {
            field: Field::Courriel,
            check: "R4.contact.email_invalid",
            message: format!(
                "Courriel : « {courriel} » n'a pas la forme d'une adresse électronique \
                 (nom@domaine.fr) ; vérifiez-le."
            ),
        });
    }
    let telephone = record.telephone.trim();
    if !telephone.is_empty() && !looks_like_phone(telephone) {
        report.warnings.push(Issue {
            field: Field::Telephone,
            check: "R4.contact.phone_invalid",
            message: format!(
                "Téléphone : « {telephone} » n'est ni un numéro français à 10 chiffres, ni un \
                 numéro international (+ et 8 à 15 chiffres) ; vérifiez-le."
            ),
        });
    }
}

/// One `@` between a local part and a domain holding a dot, no space.
fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && !text.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty())
}

/// A French number of 10 digits starting with 0, or `+` and 8 to 15 digits; spaces, dots
/// and hyphens between digits are allowed.
fn looks_like_phone(text: &str) -> bool {
    let international = text.starts_with('+');
    let rest = text.strip_prefix('+').unwrap_or(text);
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'))
    {
        return false;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if international {
        (8..=15).contains(&digits.len())
    } else {
        digits.len() == 10 && digits.starts_with('0')
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    const SESSION: Date = date(2022, 11, 16);

    fn period(code: &str, nom: &str, debut: Date, fin: Option<Date>) -> PlacePeriod {
        PlacePeriod {
            code: code.to_owned(),
            nom: nom.to_owned(),
            date_debut: debut,
            date_fin: fin,
        }
    }

    fn france() -> PlacePeriod {
        period(FRANCE, "France", date(1943, 1, 1), None)
    }

    /// A reference handed to a record; leaked, as tests are short-lived.
    fn reference(
        pays: Vec<PlacePeriod>,
        communes: Vec<PlacePeriod>,
    ) -> &'static BirthPlaceReference {
        Box::leak(Box::new(BirthPlaceReference { pays, communes }))
    }

    /// Charleville-Mézières as the ASP table lists it.
    fn charleville() -> &'static BirthPlaceReference {
        reference(
            vec![france()],
            vec![
                period(
                    "08105",
                    "CHARLEVILLE-MEZIERES",
                    date(1900, 1, 1),
                    Some(date(1999, 12, 31)),
                ),
                period("08105", "CHARLEVILLE-MEZIERES", date(2000, 1, 1), None),
            ],
        )
    }

    fn henri() -> CandidatRecord<'static> {
        CandidatRecord {
            civilite: Some(Civilite::Monsieur),
            genre: None,
            nom_naissance: "BERTRAND",
            nom_usage: "",
            prenoms: "Henri",
            date_naissance: "1981-04-23",
            pays_naissance: FRANCE,
            commune_naissance: "08105",
            ville_naissance_etranger: "",
            birth_place: charleville(),
            adresse_complement: "",
            adresse_ligne: "12 rue de la République",
            code_postal: "08000",
            ville: "Charleville-Mézières",
            adresse_pays: "",
            courriel: "",
            telephone: "",
        }
    }

    fn checks(report: &CheckReport) -> Vec<&'static str> {
        report.errors.iter().map(|issue| issue.check).collect()
    }

    fn warnings(report: &CheckReport) -> Vec<&'static str> {
        report.warnings.iter().map(|issue| issue.check).collect()
    }

    fn errors_of(record: CandidatRecord<'_>) -> Vec<&'static str> {
        checks(&check(&record, SESSION))
    }

    fn named(name: &'static str) -> Vec<&'static str> {
        errors_of(CandidatRecord {
            nom_naissance: name,
            ..henri()
        })
    }

    fn born(on: &'static str) -> Vec<&'static str> {
        errors_of(CandidatRecord {
            date_naissance: on,
            ..henri()
        })
    }

    /// A record born on `on` in the commune `code` of the periods given.
    fn born_in(on: &'static str, code: &'static str, communes: Vec<PlacePeriod>) -> CheckReport {
        let record = CandidatRecord {
            date_naissance: on,
            commune_naissance: code,
            birth_place: reference(vec![france()], communes),
            ..henri()
        };
        check(&record, SESSION)
    }

    /// A record born on `on` abroad, in the country of the periods given.
    fn born_abroad(on: &'static str, code: &'static str, pays: Vec<PlacePeriod>) -> CheckReport {
        let record = CandidatRecord {
            date_naissance: on,
            pays_naissance: code,
            commune_naissance: "",
            ville_naissance_etranger: "Alger",
            birth_place: reference(pays, Vec::new()),
            ..henri()
        };
        check(&record, SESSION)
    }

    fn algerie() -> Vec<PlacePeriod> {
        vec![period("99352", "Algérie", date(1962, 7, 5), None)]
    }

    fn lived_at(
        voie: &'static str,
        code_postal: &'static str,
        ville: &'static str,
    ) -> Vec<&'static str> {
        errors_of(CandidatRecord {
            adresse_ligne: voie,
            code_postal,
            ville,
            ..henri()
        })
    }

    // The tutorial.

    #[test]
    fn r4_the_tutorials_first_candidate_is_valid() {
        let report = check(&henri(), SESSION);

        assert!(report.is_valid(), "{report:?}");
        assert!(report.warnings.is_empty(), "{report:?}");
        assert_eq!(report.refusal(), None);
    }

    #[test]
    fn r4_r3_the_tutorials_second_candidate_is_refused_naming_both_fields() {
        let colette = CandidatRecord {
            civilite: Some(Civilite::Madame),
            nom_naissance: "FAURIEL1",
            prenoms: "Colette",
            date_naissance: "0970-04-23",
            commune_naissance: "11132",
            birth_place: reference(
                vec![france()],
                vec![period("11132", "FABREZAN", date(1900, 1, 1), None)],
            ),
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

    // Civilité and genre.

    #[test]
    fn r4_civilite_missing_is_refused() {
        let record = CandidatRecord {
            civilite: None,
            ..henri()
        };

        assert_eq!(errors_of(record), ["R4.civilite.missing"]);
    }

    #[test]
    fn r4_civilite_genre_unknown_a_genre_that_cannot_be_read_is_refused() {
        let record = CandidatRecord {
            genre: Some("X"),
            ..henri()
        };

        assert_eq!(errors_of(record), ["R4.civilite.genre_unknown"]);
    }

    #[test]
    fn r4_civilite_genre_mismatch_madame_with_genre_homme_is_refused() {
        let mismatch = CandidatRecord {
            civilite: Some(Civilite::Madame),
            genre: Some("Homme"),
            ..henri()
        };
        let consistent = CandidatRecord {
            genre: Some("H"),
            ..henri()
        };

        let report = check(&mismatch, SESSION);

        assert_eq!(checks(&report), ["R4.civilite.genre_mismatch"]);
        assert_eq!(
            report.errors[0].message,
            "Genre : la civilité « Madame » ne correspond pas au genre « Homme »."
        );
        assert!(check(&consistent, SESSION).is_valid());
    }

    // Names.

    #[test]
    fn r4_names_accept_civil_status_letters_and_refuse_symbols() {
        for good in [
            "D'ARTAGNAN",
            "LE GOFF",
            "MÜLLER-ŒUVRAY",
            "N’DIAYE",
            "Jean-Marie Ælis",
            "L'HAŸ",
            "DUPONT--DURAND",
        ] {
            assert!(named(good).is_empty(), "{good}");
        }
        for bad in [
            "DUPONT2",
            "#set page(width: 1pt)",
            "<script>",
            "MARTIN_",
            "A.B",
            "ª",
        ] {
            assert_eq!(named(bad), ["R4.name.forbidden_character"], "{bad}");
        }
    }

    #[test]
    fn r4_name_forbidden_character_names_the_characters_once() {
        let record = CandidatRecord {
            nom_naissance: "DU2PONT2",
            ..henri()
        };

        let report = check(&record, SESSION);

        assert_eq!(
            report.errors[0].message,
            "Nom de naissance : caractère non admis par l'état civil : « 2 »."
        );
    }

    #[test]
    fn r4_name_non_latin_letter_cyrillic_or_greek_is_refused() {
        assert_eq!(named("ИВАНОВ"), ["R4.name.non_latin_letter"]);
        assert_eq!(named("ΠΑΠΑΣ"), ["R4.name.non_latin_letter"]);
    }

    #[test]
    fn r4_name_no_letter_a_name_of_hyphens_and_apostrophes_is_refused() {
        assert_eq!(named("-"), ["R4.name.no_letter"]);
        assert_eq!(named("' - ’"), ["R4.name.no_letter"]);
    }

    #[test]
    fn r4_name_misplaced_separator_leading_trailing_or_tripled_is_refused() {
        for bad in [
            "-DUPONT",
            "DUPONT-",
            "D'",
            "’N",
            "JEAN - MARIE",
            "DUPONT---DURAND",
            "D''ARTAGNAN",
            "D' ARTAGNAN",
            "O'-NEIL",
        ] {
            assert_eq!(named(bad), ["R4.name.misplaced_separator"], "{bad}");
        }
    }

    #[test]
    fn r4_name_foreign_letter_is_a_warning_not_an_error() {
        let record = CandidatRecord {
            nom_naissance: "ÑUÑEZ",
            prenoms: "Łukasz",
            ..henri()
        };

        let report = check(&record, SESSION);

        assert!(report.is_valid());
        assert_eq!(
            warnings(&report),
            ["R4.name.foreign_letter", "R4.name.foreign_letter"]
        );
        assert_eq!(
            report.warnings[0].message,
            "Nom de naissance : lettre hors de l'alphabet de l'état civil français : « Ñ » ; \
             vérifiez-la."
        );
    }

    #[test]
    fn r4_name_empty_birth_name_is_refused_an_empty_first_name_is_not() {
        let no_name = CandidatRecord {
            nom_naissance: "   ",
            ..henri()
        };
        let no_first_name = CandidatRecord {
            prenoms: "",
            ..henri()
        };

        assert_eq!(errors_of(no_name), ["R4.name.empty"]);
        assert!(check(&no_first_name, SESSION).is_valid());
    }

    #[test]
    fn r4_name_not_normalised_spaces_and_decomposed_accents_are_a_warning() {
        assert_eq!(normalise_name("  LE   GOFF "), "LE GOFF");
        assert_eq!(normalise_name("E\u{301}LODIE"), "ÉLODIE");
        let record = CandidatRecord {
            nom_naissance: " LE  GOFF",
            ..henri()
        };

        let report = check(&record, SESSION);

        assert!(report.is_valid());
        assert_eq!(warnings(&report), ["R4.name.not_normalised"]);
        assert!(report.warnings[0].message.ends_with("« LE GOFF »."));
    }

    // Birth dates.

    #[test]
    fn r4_birth_date_missing_is_refused() {
        assert_eq!(born(" "), ["R4.birth_date.missing"]);
    }

    #[test]
    fn r4_birth_date_format_other_than_iso_is_refused() {
        assert_eq!(born("23/04/1981"), ["R4.birth_date.format"]);
        assert_eq!(born("1981-4-23"), ["R4.birth_date.format"]);
    }

    #[test]
    fn r4_birth_date_no_such_day_29_february_only_in_leap_years() {
        assert!(BirthDate::parse("2000-02-29").is_ok());
        assert_eq!(born("1999-02-29"), ["R4.birth_date.no_such_day"]);
        assert_eq!(born("1900-02-29"), ["R4.birth_date.no_such_day"]);
        assert!(born("1996-02-29").is_empty());
        assert_eq!(born("1981-13-01"), ["R4.birth_date.no_such_day"]);
        assert_eq!(born("1981-00-12"), ["R4.birth_date.no_such_day"]);
        assert_eq!(born("1981-04-31"), ["R4.birth_date.no_such_day"]);
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
        assert!(born("1970-00-00").is_empty());
        assert!(born("1970-04-00").is_empty());
    }

    #[test]
    fn r4_birth_date_incoherent_year_age_at_the_session_must_be_between_14_and_100() {
        assert!(born("2008-11-16").is_empty(), "14 on the day");
        assert_eq!(born("2008-11-17"), ["R4.birth_date.incoherent_year"]);
        assert!(born("1922-11-16").is_empty(), "100 on the day");
        assert_eq!(born("1921-11-15"), ["R4.birth_date.incoherent_year"]);
        assert_eq!(born("2030-01-01"), ["R4.birth_date.incoherent_year"]);
    }

    #[test]
    fn r4_birth_date_incoherent_year_says_the_age() {
        let record = CandidatRecord {
            date_naissance: "0970-04-23",
            ..henri()
        };

        let report = check(&record, SESSION);

        assert_eq!(
            report.errors[0].message,
            "Date de naissance : année de naissance incohérente (1052 ans à la date de la \
             session)."
        );
    }

    #[test]
    fn r4_a_partial_birth_date_is_plausible_when_one_of_its_possible_ages_is() {
        // Born in 2008, the candidate is 13 or 14 on 16 November 2022.
        assert!(born("2008-00-00").is_empty());
        assert_eq!(born("2009-00-00"), ["R4.birth_date.incoherent_year"]);
        // Born in 1921, 100 or 101.
        assert!(born("1921-00-00").is_empty());
        assert_eq!(born("1920-00-00"), ["R4.birth_date.incoherent_year"]);
        // Born in December 2008, 13 only.
        assert_eq!(born("2008-12-00"), ["R4.birth_date.incoherent_year"]);
    }

    // Birth places.

    #[test]
    fn r4_birth_place_unknown_country_is_refused() {
        let record = CandidatRecord {
            pays_naissance: "99999",
            birth_place: reference(Vec::new(), Vec::new()),
            ..henri()
        };

        assert_eq!(errors_of(record), ["R4.birth_place.unknown_country"]);
    }

    #[test]
    fn r4_birth_place_country_not_valid_at_birth_algeria_only_from_5_july_1962() {
        let before = born_abroad("1960-03-01", "99352", algerie());
        let after = born_abroad("1962-07-05", "99352", algerie());

        assert_eq!(
            checks(&before),
            ["R4.birth_place.country_not_valid_at_birth"]
        );
        assert_eq!(
            before.errors[0].message,
            "Pays de naissance : le code 99352 (Algérie) n'était pas en vigueur à la date de \
             naissance (en vigueur à partir du 05/07/1962)."
        );
        assert!(after.is_valid(), "{after:?}");
        assert!(!born_abroad("1962-07-04", "99352", algerie()).is_valid());
    }

    #[test]
    fn r4_a_country_listed_from_1943_is_valid_for_a_birth_before_1943() {
        let spain = vec![period("99134", "Espagne", date(1943, 1, 1), None)];

        assert!(born_abroad("1930-05-02", "99134", spain).is_valid());
    }

    #[test]
    fn r4_birth_place_missing_town_abroad_is_refused() {
        let record = CandidatRecord {
            pays_naissance: "99134",
            commune_naissance: "",
            birth_place: reference(
                vec![period("99134", "Espagne", date(1943, 1, 1), None)],
                Vec::new(),
            ),
            ..henri()
        };
        let with_town = CandidatRecord {
            ville_naissance_etranger: "Madrid",
            ..record.clone()
        };

        assert_eq!(errors_of(record), ["R4.birth_place.missing_town"]);
        assert!(check(&with_town, SESSION).is_valid());
    }

    #[test]
    fn r4_birth_place_commune_missing_in_france_is_refused() {
        let report = born_in("1981-04-23", " ", Vec::new());

        assert_eq!(checks(&report), ["R4.birth_place.commune_missing"]);
    }

    #[test]
    fn r4_birth_place_unknown_commune_code_or_name_is_refused() {
        let by_code = born_in("1981-04-23", "08999", Vec::new());
        let by_name = born_in("1981-04-23", "Atlantide", Vec::new());

        assert_eq!(checks(&by_code), ["R4.birth_place.unknown_commune"]);
        assert_eq!(checks(&by_name), ["R4.birth_place.unknown_commune"]);
        assert!(by_name.errors[0].message.contains("« Atlantide »"));
    }

    fn ajaccio() -> Vec<PlacePeriod> {
        vec![
            period(
                "20004",
                "AJACCIO",
                date(1900, 1, 1),
                Some(date(1975, 12, 31)),
            ),
            period(
                "2A004",
                "AJACCIO",
                date(1976, 1, 1),
                Some(date(1999, 12, 31)),
            ),
            period("2A004", "AJACCIO", date(2000, 1, 1), None),
        ]
    }

    fn of_code(periods: Vec<PlacePeriod>, code: &str) -> Vec<PlacePeriod> {
        periods.into_iter().filter(|p| p.code == code).collect()
    }

    #[test]
    fn r4_a_commune_code_of_corsica_before_1976_is_valid_at_a_1970_birth() {
        let report = born_in("1970-03-12", "20004", of_code(ajaccio(), "20004"));

        assert!(report.is_valid(), "{report:?}");
    }

    #[test]
    fn r4_birth_place_commune_not_valid_at_birth_corsica_20xxx_after_1975() {
        let old_code_late = born_in("1980-03-12", "20004", of_code(ajaccio(), "20004"));
        let new_code_early = born_in("1970-03-12", "2A004", of_code(ajaccio(), "2A004"));

        assert_eq!(
            checks(&old_code_late),
            ["R4.birth_place.commune_not_valid_at_birth"]
        );
        assert_eq!(
            old_code_late.errors[0].message,
            "Commune de naissance : « 20004 » (AJACCIO) n'était pas en vigueur à la date de \
             naissance (en vigueur jusqu'au 31/12/1975)."
        );
        assert_eq!(
            checks(&new_code_early),
            ["R4.birth_place.commune_not_valid_at_birth"]
        );
        assert!(born_in("1980-03-12", "2A004", of_code(ajaccio(), "2A004")).is_valid());
    }

    #[test]
    fn r4_a_commune_code_of_mayotte_985xx_is_valid_only_before_2008() {
        let mamoudzou = || {
            vec![period(
                "98511",
                "MAMOUDZOU",
                date(1900, 1, 1),
                Some(date(2007, 12, 31)),
            )]
        };
        let today = || vec![period("97611", "MAMOUDZOU", date(2008, 1, 1), None)];

        assert!(born_in("2000-06-01", "98511", mamoudzou()).is_valid());
        assert!(!born_in("2008-06-01", "98511", mamoudzou()).is_valid());
        assert!(born_in("2008-06-01", "97611", today()).is_valid());
        assert!(!born_in("2000-06-01", "97611", today()).is_valid());
    }

    #[test]
    fn r4_a_code_of_french_algeria_and_of_essonne_is_decided_by_the_birth_date() {
        // One code, two places: French Algeria until 2 July 1962, Essonne from 1968.
        let shared = || {
            vec![
                period("91352", "ALGER", date(1900, 1, 1), Some(date(1962, 7, 2))),
                period("91352", "ESSONNE", date(1968, 1, 1), None),
            ]
        };

        assert!(born_in("1960-01-10", "91352", shared()).is_valid());
        assert!(born_in("1970-01-10", "91352", shared()).is_valid());
        assert_eq!(
            checks(&born_in("1965-01-10", "91352", shared())),
            ["R4.birth_place.commune_not_valid_at_birth"]
        );
    }

    #[test]
    fn r4_a_partial_birth_date_is_valid_at_a_place_valid_some_day_of_that_year_or_month() {
        // Born in 1962: in French Algeria until 2 July, or in Algeria from 5 July.
        let alger = || {
            vec![period(
                "91803",
                "ALGER ALGERIE FRANCAISE",
                date(1900, 1, 1),
                Some(date(1962, 7, 2)),
            )]
        };

        assert!(born_abroad("1962-00-00", "99352", algerie()).is_valid());
        assert!(born_in("1962-00-00", "91803", alger()).is_valid());
        assert!(born_abroad("1962-07-00", "99352", algerie()).is_valid());
        assert!(!born_abroad("1962-06-00", "99352", algerie()).is_valid());
        assert!(!born_in("1962-08-00", "91803", alger()).is_valid());
    }

    #[test]
    fn r4_an_implausible_birth_date_checks_the_place_only_for_existing() {
        let report = born_in("0970-04-23", "20004", of_code(ajaccio(), "20004"));

        assert_eq!(checks(&report), ["R4.birth_date.incoherent_year"]);
    }

    #[test]
    fn r4_birth_place_commune_by_name_is_accepted_with_a_warning_when_unambiguous() {
        let report = born_in(
            "1981-04-23",
            "Charleville-Mézières",
            charleville().communes.clone(),
        );

        assert!(report.is_valid(), "{report:?}");
        assert_eq!(warnings(&report), ["R4.birth_place.commune_by_name"]);
        assert!(report.warnings[0].message.contains("08105"));
    }

    #[test]
    fn r4_birth_place_ambiguous_commune_name_requires_the_code() {
        let saint_denis = vec![
            period("11339", "SAINT-DENIS", date(1900, 1, 1), None),
            period("93066", "SAINT-DENIS", date(1968, 1, 1), None),
            period("97411", "SAINT-DENIS", date(1943, 1, 1), None),
        ];

        let report = born_in("1981-04-23", "Saint-Denis", saint_denis.clone());
        let before_1943 = born_in("1930-04-23", "Saint-Denis", saint_denis);

        assert_eq!(checks(&report), ["R4.birth_place.ambiguous_commune_name"]);
        assert_eq!(
            report.errors[0].message,
            "Commune de naissance : 3 communes portaient le nom « Saint-Denis » à la date de \
             naissance (11339, 93066, 97411) ; indiquez le code INSEE."
        );
        assert_eq!(warnings(&before_1943), ["R4.birth_place.commune_by_name"]);
    }

    #[test]
    fn r4_commune_codes_and_names_are_told_apart() {
        assert!(is_commune_code("08105"));
        assert!(is_commune_code("2A004"));
        assert!(is_commune_code(" 2B033 "));
        assert!(!is_commune_code("8105"));
        assert!(!is_commune_code("2C004"));
        assert!(!is_commune_code("Paris"));
        assert_eq!(commune_name_key("Saint-Étienne"), "SAINT ETIENNE");
        assert_eq!(commune_name_key("L'Haÿ-les-Roses"), "L HAY LES ROSES");
    }

    // Addresses, through the NF Z10-011 formatter.

    #[test]
    fn r4_address_delivery_point_missing_without_street_or_bp_is_refused() {
        assert_eq!(
            lived_at("", "08000", "Charleville-Mézières"),
            ["R4.address.delivery_point_missing"]
        );
        assert!(lived_at("BP 12", "08000", "Charleville-Mézières").is_empty());
    }

    #[test]
    fn r4_address_line_too_long_past_38_characters_is_refused() {
        assert_eq!(
            lived_at(
                "12 rue du Professeur Jean-Baptiste Charcot-Lévêque",
                "08000",
                "Charleville-Mézières"
            ),
            ["R4.address.line_too_long"]
        );
        // Long enough to be abbreviated, short enough once it is.
        assert!(
            lived_at(
                "112 boulevard Jean Jaurès prolongé",
                "93300",
                "Aubervilliers"
            )
            .is_empty()
        );
    }

    #[test]
    fn r4_address_foreign_letter_outside_the_latin_alphabet_is_refused() {
        assert_eq!(
            lived_at("12 οδός Ερμού", "08000", "Charleville-Mézières"),
            ["R4.address.foreign_letter"]
        );
    }

    #[test]
    fn r4_address_cedex_invalid_number_is_refused() {
        assert_eq!(
            lived_at("12 rue Nationale", "37000", "Tours Cedex 123"),
            ["R4.address.cedex_invalid"]
        );
        assert!(lived_at("12 rue Nationale", "37000", "Tours Cedex 1").is_empty());
    }

    #[test]
    fn r4_address_locality_missing_is_refused() {
        assert_eq!(
            lived_at("12 rue Nationale", "37000", " "),
            ["R4.address.locality_missing"]
        );
    }

    #[test]
    fn r4_address_postcode_invalid_is_refused_a_space_inside_is_tolerated() {
        assert_eq!(
            lived_at("12 rue Nationale", "3700", "Tours"),
            ["R4.address.postcode_invalid"]
        );
        assert_eq!(
            lived_at("12 rue Nationale", "", "Tours"),
            ["R4.address.postcode_invalid"]
        );
        assert!(lived_at("12 rue Nationale", "37 000", "Tours").is_empty());
    }

    #[test]
    fn r4_address_complement_is_a_line_of_its_own() {
        let long = CandidatRecord {
            adresse_complement: "Résidence des Tilleuls, bâtiment B, escalier 4",
            ..henri()
        };
        let short = CandidatRecord {
            adresse_complement: "Résidence des Tilleuls",
            ..henri()
        };

        assert_eq!(errors_of(long), ["R4.address.line_too_long"]);
        assert!(errors_of(short).is_empty());
    }

    #[test]
    fn r4_address_errors_are_told_beside_the_field_they_are_about() {
        let record = CandidatRecord {
            adresse_complement: "Résidence des Tilleuls, bâtiment B, escalier 4",
            code_postal: "8000",
            ..henri()
        };

        let fields: Vec<Field> = check(&record, SESSION)
            .errors
            .iter()
            .map(|issue| issue.field)
            .collect();

        assert_eq!(fields, [Field::CodePostal, Field::AdresseComplement]);
    }

    #[test]
    fn r4_an_address_abroad_takes_its_country_and_no_french_postcode() {
        let madrid = CandidatRecord {
            adresse_ligne: "Calle Mayor 5",
            code_postal: "28013",
            ville: "Madrid",
            adresse_pays: "Espagne",
            ..henri()
        };
        let reunion = CandidatRecord {
            code_postal: "97400",
            ville: "Saint-Denis",
            adresse_pays: "La Réunion",
            ..henri()
        };

        assert!(check(&madrid, SESSION).is_valid());
        assert_eq!(
            adresse::format(&postal_address(&madrid))
                .unwrap()
                .last()
                .unwrap(),
            "ESPAGNE"
        );
        assert_eq!(
            adresse::format(&postal_address(&reunion))
                .unwrap()
                .last()
                .unwrap(),
            "97400 SAINT DENIS"
        );
    }

    #[test]
    fn r4_address_cedex_abroad_is_refused_beside_the_locality() {
        let record = CandidatRecord {
            ville: "Bruxelles Cedex 1",
            adresse_pays: "Belgique",
            ..henri()
        };

        let report = check(&record, SESSION);

        assert_eq!(checks(&report), ["R4.address.cedex_abroad"]);
        assert_eq!(report.errors[0].field, Field::Ville);
        assert_eq!(
            report.refusal().as_deref(),
            Some("Les informations du candidat sont invalides : Adresse postale")
        );
    }

    #[test]
    fn r4_contact_email_invalid_is_a_warning_only() {
        for bad in [
            "colette.fauriel",
            "colette@",
            "a b@example.fr",
            "x@localhost",
        ] {
            let record = CandidatRecord {
                courriel: bad,
                ..henri()
            };
            let report = check(&record, SESSION);
            assert!(report.is_valid(), "{bad}");
            assert_eq!(warnings(&report), ["R4.contact.email_invalid"], "{bad}");
        }
        let good = CandidatRecord {
            courriel: "colette.fauriel@example.fr",
            ..henri()
        };
        assert!(check(&good, SESSION).warnings.is_empty());
    }

    #[test]
    fn r4_contact_phone_invalid_is_a_warning_only() {
        for good in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
            "+262262123456",
        ] {
            let record = CandidatRecord {
                telephone: good,
                ..henri()
            };
            assert!(check(&record, SESSION).warnings.is_empty(), "{good}");
        }
        for bad in ["06 12 34", "6123456789", "tel: 0612345678", "+33 6"] {
            let record = CandidatRecord {
                telephone: bad,
                ..henri()
            };
            let report = check(&record, SESSION);
            assert!(report.is_valid(), "{bad}");
            assert_eq!(warnings(&report), ["R4.contact.phone_invalid"], "{bad}");
        }
    }

    #[test]
    fn r4_a_long_recipient_name_does_not_make_the_address_invalid() {
        let record = CandidatRecord {
            nom_naissance: "DE LA TOUR D'AUVERGNE-LAURAGUAIS-MONTMORENCY",
            ..henri()
        };

        assert!(check(&record, SESSION).is_valid());
    }

    // Properties.

    /// A word of the French civil-status letters.
    fn french_word() -> impl Strategy<Value = String> {
        "[a-zA-ZàâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ]{1,12}"
    }

    /// A name: words joined by one admitted separator each.
    fn french_name() -> impl Strategy<Value = String> {
        (
            french_word(),
            prop::collection::vec(
                (
                    prop::sample::select(vec![" ", "-", "--", "'", "’"]),
                    french_word(),
                ),
                0..4,
            ),
        )
            .prop_map(|(first, rest)| {
                let mut name = first;
                for (separator, word) in rest {
                    name.push_str(separator);
                    name.push_str(&word);
                }
                name
            })
    }

    /// Any date from 1901 to 2008 (ages 14 to 100 at the session, give or take a year).
    fn any_date() -> impl Strategy<Value = Date> {
        (1901i16..=2008, 1i8..=12, 1i8..=31).prop_map(|(year, month, day)| {
            let first = Date::new(year, month, 1).unwrap();
            Date::new(year, month, day.min(first.days_in_month())).unwrap()
        })
    }

    proptest! {
        #[test]
        fn r4_property_names_of_french_letters_and_single_separators_are_valid(
            name in french_name()
        ) {
            let record = CandidatRecord { nom_naissance: &name, prenoms: &name, ..henri() };
            let report = check(&record, SESSION);
            prop_assert!(report.is_valid(), "{name}: {report:?}");
            prop_assert!(report.warnings.is_empty(), "{name}: {report:?}");
        }

        #[test]
        fn r4_property_a_digit_anywhere_in_a_name_is_refused(
            name in french_name(), at in any::<prop::sample::Index>(), digit in 0u32..10
        ) {
            let mut chars: Vec<char> = name.chars().collect();
            let index = at.index(chars.len() + 1);
            chars.insert(index, char::from_digit(digit, 10).unwrap());
            let name: String = chars.into_iter().collect();
            let record = CandidatRecord { nom_naissance: &name, ..henri() };
            prop_assert_eq!(errors_of(record), ["R4.name.forbidden_character"]);
        }

        #[test]
        fn r4_property_normalising_is_idempotent_and_leaves_single_inner_spaces(
            raw in "[ a-zA-Zé\u{301}\t-]{0,30}"
        ) {
            let once = normalise_name(&raw);
            prop_assert_eq!(&normalise_name(&once), &once);
            prop_assert!(!once.contains("  "));
            prop_assert_eq!(once.trim(), once.as_str());
        }

        #[test]
        fn r4_property_every_calendar_date_parses_back_to_itself(day in any_date()) {
            let text = day.to_string();
            let parsed = BirthDate::parse(&text).unwrap();
            prop_assert_eq!(parsed.full(), Some(day));
            prop_assert_eq!(parsed.to_string(), text);
        }

        #[test]
        fn r4_property_a_day_past_the_end_of_its_month_does_not_exist(
            year in 1900i16..2100, month in 1i8..=12, past in 1i8..=5
        ) {
            let last = Date::new(year, month, 1).unwrap().days_in_month();
            let text = format!("{year:04}-{month:02}-{:02}", last + past);
            prop_assert!(BirthDate::parse(&text).is_err());
        }

        #[test]
        fn r4_property_partial_dates_parse_and_cover_their_month_or_year(
            year in 1900i16..2100, month in 0i8..=12
        ) {
            let date = BirthDate::parse(&format!("{year:04}-{month:02}-00")).unwrap();
            let (first, last) = date.possible_days();
            prop_assert_eq!(first.year(), year);
            prop_assert_eq!(last.year(), year);
            prop_assert!(first <= last);
            prop_assert_eq!(first.day(), 1);
            prop_assert_eq!(last, last.last_of_month());
        }

        #[test]
        fn r4_property_ages_from_14_to_100_at_the_session_are_plausible(
            years in 14i16..=100, back in 0i64..365
        ) {
            let birthday = SESSION
                .checked_sub(jiff::Span::new().years(years))
                .unwrap()
                .checked_sub(jiff::Span::new().days(back))
                .unwrap();
            let youngest = SESSION
                .checked_sub(jiff::Span::new().years(101))
                .unwrap()
                .tomorrow()
                .unwrap();
            prop_assume!(birthday >= youngest);
            let text = birthday.to_string();
            prop_assert!(born_text(&text).is_empty(), "{text}");
        }
    }

    fn born_text(on: &str) -> Vec<&'static str> {
        errors_of(CandidatRecord {
            date_naissance: on,
            ..henri()
        })
    }
}
