//! French postal addresses under NF Z10-011 (DESIGN §5, notes in
//! `data/address/nf-z10-011-notes.md`): the lines of the address block as La Poste reads them,
//! and the rule a given address breaks when it cannot be written. Nothing is ever truncated.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Most characters a line may hold, spaces included.
pub const MAX_LINE_CHARS: usize = 38;

/// Past this length the street type of line 4 is abbreviated (AVENUE → AV), and not before.
pub const ABBREVIATE_VOIE_PAST: usize = 32;

/// A postal address as entered, field by field, in the order of the norm's lines. Empty
/// fields are left out of the block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PostalAddress {
    /// Line 1: the recipient (civilité, prénom, NOM) or the organisation.
    pub destinataire: String,
    /// Line 2: complement of the recipient (service, étage, appartement, « chez … »).
    pub complement_destinataire: String,
    /// Line 3: complement of the geographic point (bâtiment, résidence, immeuble).
    pub complement_point_geo: String,
    /// Line 4: number and street (« 5 bis rue des Lilas »).
    pub voie: String,
    /// Line 5: special distribution mention (BP, CS, TSA) or lieu-dit.
    pub mention_distribution: String,
    /// Line 6: the postcode, 5 digits for France (a space inside is tolerated and removed).
    pub code_postal: String,
    /// Line 6: the locality (libellé d'acheminement); may end with « CEDEX nn ».
    pub localite: String,
    /// Line 6: `Some("")` for « CEDEX », `Some("9")` for « CEDEX 9 », `None` without CEDEX.
    pub cedex: Option<String>,
    /// Line 7 abroad: the country, in French. `None`, France, or an overseas département
    /// (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte) means domestic, with no country
    /// line.
    pub pays: Option<String>,
}

/// One rule of NF Z10-011 an address breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressIssue {
    /// Stable id of the check, e.g. `R4.address.line_too_long`.
    pub check: &'static str,
    /// The line of the norm (1 to 7) the issue is about, when it is about one line.
    pub line: Option<u8>,
    /// What is wrong, in French, naming the rule.
    pub message: String,
}

impl AddressIssue {
    fn new(check: &'static str, line: Option<u8>, message: String) -> Self {
        AddressIssue {
            check,
            line,
            message,
        }
    }
}

/// Street types and their abbreviations, as La Poste writes them, used on line 4 past 32
/// characters only.
// Known limit: titles (GENERAL → GAL, SAINT → ST) and multi-word types (ZONE INDUSTRIELLE → ZI)
// are not abbreviated; add them when a real address needs them to fit.
const VOIE_ABBREVIATIONS: [(&str, &str); 18] = [
    ("ALLEE", "ALL"),
    ("AVENUE", "AV"),
    ("BOULEVARD", "BD"),
    ("CHAUSSEE", "CHS"),
    ("CHEMIN", "CHE"),
    ("COURS", "CRS"),
    ("FAUBOURG", "FG"),
    ("HAMEAU", "HAM"),
    ("IMPASSE", "IMP"),
    ("LOTISSEMENT", "LOT"),
    ("MONTEE", "MTE"),
    ("PASSAGE", "PAS"),
    ("PLACE", "PL"),
    ("PROMENADE", "PROM"),
    ("QUARTIER", "QUA"),
    ("RESIDENCE", "RES"),
    ("ROUTE", "RTE"),
    ("SQUARE", "SQ"),
];

/// Country names (in capitals without accents) that mean a domestic address: overseas
/// départements take no country line.
const DOMESTIC_PAYS: [&str; 8] = [
    "FRANCE",
    "GUADELOUPE",
    "MARTINIQUE",
    "GUYANE",
    "GUYANE FRANCAISE",
    "REUNION",
    "LA REUNION",
    "MAYOTTE",
];

/// The lines of the address block, top to bottom, empty lines left out: at most 6 (7 abroad,
/// the country last), at most 38 characters each, lines 4 and below in capitals without
/// accents or punctuation. Every rule the address breaks is returned at once.
// Known limit: the postcode is checked for its form only, not against the La Poste base, and
// is never compared with a département (DESIGN §5); CEDEX codes are not in the open base.
pub fn format(address: &PostalAddress) -> Result<Vec<String>, Vec<AddressIssue>> {
    let mut issues = Vec::new();
    let pays = address
        .pays
        .as_deref()
        .map(postal_capitals)
        .unwrap_or_default();
    let domestic = pays.is_empty() || DOMESTIC_PAYS.contains(&pays.as_str());

    // Lines 1 to 3 are free text: only spaces are tidied.
    let destinataire = collapse_spaces(&address.destinataire);
    if destinataire.is_empty() {
        issues.push(AddressIssue::new(
            "R4.address.recipient_missing",
            Some(1),
            "Ligne 1 : le destinataire est vide".to_string(),
        ));
    }
    let mut numbered = vec![
        (1, destinataire),
        (2, collapse_spaces(&address.complement_destinataire)),
        (3, collapse_spaces(&address.complement_point_geo)),
    ];

    // Lines 4 and 5: capitals, no accents, no punctuation; the street type abbreviated past
    // 32 characters.
    let mut voie = postal_capitals(&simplify_street_number(&address.voie));
    let abbreviated = voie.chars().count() > ABBREVIATE_VOIE_PAST;
    if abbreviated {
        voie = abbreviate_street_type(&voie);
    }
    let mention = postal_capitals(&address.mention_distribution);
    if voie.is_empty() && mention.is_empty() && address.cedex.is_none() {
        // A CEDEX code names the recipient by itself; otherwise a street or a BP is needed.
        if !postal_capitals(&address.localite)
            .split(' ')
            .any(|w| w == "CEDEX")
        {
            issues.push(AddressIssue::new(
                "R4.address.delivery_point_missing",
                Some(4),
                "Lignes 4 et 5 : ni voie, ni BP, CS ou lieu-dit, et pas de CEDEX".to_string(),
            ));
        }
    }
    numbered.push((4, voie));
    numbered.push((5, mention));

    // Line 6: postcode, locality, CEDEX.
    match locality_line(address, domestic) {
        Ok(line) => numbered.push((6, line)),
        Err(mut found) => issues.append(&mut found),
    }
    if !domestic {
        numbered.push((7, pays));
    }

    // No line beyond 38 characters, and no letter a French reader cannot print.
    for (number, line) in &numbered {
        let length = line.chars().count();
        if length > MAX_LINE_CHARS {
            let after = if *number == 4 && abbreviated {
                " après abréviation du type de voie"
            } else {
                ""
            };
            issues.push(AddressIssue::new(
                "R4.address.line_too_long",
                Some(*number),
                format!("Ligne {number} : {length} caractères{after}, {MAX_LINE_CHARS} au plus"),
            ));
        }
        if *number >= 4 && !line.is_ascii() {
            issues.push(AddressIssue::new(
                "R4.address.foreign_letter",
                Some(*number),
                format!("Ligne {number} : lettres hors de l'alphabet latin (« {line} »)"),
            ));
        }
    }

    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(numbered
        .into_iter()
        .map(|(_, line)| line)
        .filter(|line| !line.is_empty())
        .collect())
}

/// Line 6: « 75019 PARIS », « 12101 MILLAU CEDEX 11 ». Abroad, the postcode is written as
/// given, before the locality.
// Known limit: abroad, the postcode and locality keep the French order; the destination
// country's own layout (e.g. locality before postcode) is not applied.
fn locality_line(address: &PostalAddress, domestic: bool) -> Result<String, Vec<AddressIssue>> {
    let mut issues = Vec::new();
    let mut localite = postal_capitals(&address.localite);

    // A CEDEX may be written inside the locality (« TOURS CEDEX 1 ») or apart.
    let mut cedex = address.cedex.as_deref().map(collapse_spaces);
    let words: Vec<&str> = localite.split(' ').collect();
    if let Some(at) = words.iter().position(|w| *w == "CEDEX") {
        if cedex.is_some() {
            issues.push(AddressIssue::new(
                "R4.address.cedex_twice",
                Some(6),
                "Ligne 6 : CEDEX est écrit dans la localité et donné à part".to_string(),
            ));
        }
        cedex = Some(words[at + 1..].join(" "));
        localite = words[..at].join(" ");
    }
    if let Some(number) = &cedex {
        let well_formed = number.len() <= 2 && number.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            issues.push(AddressIssue::new(
                "R4.address.cedex_invalid",
                Some(6),
                format!("Ligne 6 : « CEDEX {number} » ; le numéro de CEDEX a 1 ou 2 chiffres"),
            ));
        }
    }
    if localite.is_empty() {
        issues.push(AddressIssue::new(
            "R4.address.locality_missing",
            Some(6),
            "Ligne 6 : la localité est vide".to_string(),
        ));
    }

    // The postcode: 5 digits for France, a space inside removed, never completed or guessed.
    let code_postal: String = address.code_postal.split_whitespace().collect();
    if domestic {
        if code_postal.len() != 5 || !code_postal.bytes().all(|b| b.is_ascii_digit()) {
            issues.push(AddressIssue::new(
                "R4.address.postcode_invalid",
                Some(6),
                format!(
                    "Ligne 6 : code postal « {} » ; il doit compter 5 chiffres sans espace",
                    address.code_postal.trim()
                ),
            ));
        }
    } else if cedex.is_some() {
        issues.push(AddressIssue::new(
            "R4.address.cedex_abroad",
            Some(6),
            "Ligne 6 : CEDEX n'existe qu'en France".to_string(),
        ));
    }

    if !issues.is_empty() {
        return Err(issues);
    }
    let mut line = collapse_spaces(&format!("{} {localite}", postal_capitals(&code_postal)));
    if let Some(number) = cedex {
        line = collapse_spaces(&format!("{line} CEDEX {number}"));
    }
    Ok(line)
}

/// Capitals without accents, letters, digits and single spaces only, as lines 4 and below
/// require: « Saint-Étienne » → « SAINT ETIENNE », « av. de l'Océan » → « AV DE L OCEAN ».
/// Dots are dropped (« C.S. » → « CS »); other punctuation becomes a space.
pub fn postal_capitals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            c if is_combining_mark(c) => {}
            '.' => {}
            'œ' | 'Œ' => out.push_str("OE"),
            'æ' | 'Æ' => out.push_str("AE"),
            'ß' => out.push_str("SS"),
            c if c.is_alphanumeric() => out.extend(c.to_uppercase()),
            _ => out.push(' '),
        }
    }
    collapse_spaces(&out)
}

/// One space between words, none at either end.
fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The street number as the norm writes it: « 5 bis » → « 5 B », « 5 ter » → « 5 T »,
/// « 12/14 » and « 4 à 8 » → the first number.
fn simplify_street_number(voie: &str) -> String {
    let voie = voie.trim();
    let digits = voie
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(voie.len());
    if digits == 0 {
        return voie.to_string();
    }
    let (number, mut rest) = voie.split_at(digits);

    // A range keeps its first number.
    for separator in ["/", "-", ",", " à ", " a ", " au "] {
        if let Some(after) = rest.strip_prefix(separator) {
            let after = after.trim_start();
            let end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            if end > 0 {
                rest = &after[end..];
                break;
            }
        }
    }

    // « bis », « ter », « quater » become one letter.
    let trimmed = rest.trim_start();
    let word_end = trimmed
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(trimmed.len());
    let suffix = match trimmed[..word_end].to_lowercase().as_str() {
        "bis" => Some("B"),
        "ter" => Some("T"),
        "quater" => Some("Q"),
        _ => None,
    };
    match suffix {
        Some(letter) => format!("{number} {letter} {}", &trimmed[word_end..]),
        None => format!("{number}{rest}"),
    }
}

/// The first street type of an already capitalised line 4, abbreviated.
fn abbreviate_street_type(voie: &str) -> String {
    let mut words: Vec<&str> = voie.split(' ').collect();
    if let Some(word) = words
        .iter_mut()
        .find(|w| VOIE_ABBREVIATIONS.iter().any(|(l, _)| l == *w))
    {
        let (_, short) = VOIE_ABBREVIATIONS.iter().find(|(l, _)| l == word).unwrap();
        *word = short;
    }
    words.join(" ")
}

/// Street types that start line 4, in capitals without accents, as written in office data.
const STREET_TYPES: [&str; 20] = [
    "RUE",
    "AVENUE",
    "AV",
    "BD",
    "BLD",
    "BOULEVARD",
    "PLACE",
    "PL",
    "CHEMIN",
    "ROUTE",
    "COURS",
    "VOIE",
    "PROMENADE",
    "QUAI",
    "ALLEE",
    "IMPASSE",
    "SQUARE",
    "QUARTIER",
    "ESPLANADE",
    "PASSAGE",
];

/// Words that put a part on line 2 (a complement of the recipient) rather than line 3.
const RECIPIENT_COMPLEMENTS: [&str; 14] = [
    "ETAGE",
    "PORTE",
    "HALL",
    "SERVICE",
    "SERVICES",
    "DIRECTION",
    "BUREAU",
    "APPARTEMENT",
    "ESCALIER",
    "PREFECTURE",
    "DDCS",
    "DDCSPP",
    "DDETS",
    "CHEZ",
];

/// Words (capitalised in the raw text) that start a building part glued after a street.
const BUILDING_WORDS: [&str; 8] = [
    "Cité",
    "Immeuble",
    "Bâtiment",
    "Résidence",
    "Porte",
    "Parc",
    "Centre",
    "Hall",
];

/// Reads one raw office address of the DDETS list (« 9,rue de la Grenouillère.CS 60425.01012
/// Bourg-en-Bresse cedex ») into its fields. The recipient is left empty: the caller names the
/// office. The parts are told apart by their words, so the result is to be checked with
/// [`format`] before use.
// Known limit: parts are told apart by keywords seen in the 2022 DDETS list; a zone with no
// street (ZI, ZAC, lieu-dit) is not moved to line 5, and non-standard abbreviations (« bld »)
// are kept as written. Lift it when the list is replaced by structured addresses.
pub fn parse_raw_office(raw: &str) -> Result<PostalAddress, Vec<AddressIssue>> {
    let text = collapse_spaces(raw);
    if text.is_empty() {
        return Err(vec![AddressIssue::new(
            "R4.address.empty",
            None,
            "Adresse vide".to_string(),
        )]);
    }

    // The postcode is the last 5 digits (or 2 + 3) followed by a word: the locality.
    let Some((start, end)) = find_postcode(&text) else {
        return Err(vec![AddressIssue::new(
            "R4.address.postcode_missing",
            Some(6),
            format!(
                "Ligne 6 : pas de code postal de 5 chiffres suivi d'une localité dans « {text} »"
            ),
        )]);
    };
    let code_postal: String = text[start..end].split_whitespace().collect();
    let (localite, cedex) = split_cedex(&text[end..]);

    // Before it: the BP or CS, then the parts, told apart by their words.
    let (head, mention) = extract_distribution(&text[..start]);
    let mut voie = String::new();
    let mut line2 = Vec::new();
    let mut line3 = Vec::new();
    for part in split_parts(&head).iter().flat_map(|p| split_glued_part(p)) {
        if voie.is_empty() && is_street(&part) {
            voie = part;
        } else if postal_capitals(&part)
            .split(' ')
            .any(|w| RECIPIENT_COMPLEMENTS.contains(&w))
        {
            line2.push(part);
        } else {
            line3.push(part);
        }
    }

    Ok(PostalAddress {
        destinataire: String::new(),
        complement_destinataire: line2.join(", "),
        complement_point_geo: line3.join(", "),
        voie,
        mention_distribution: mention.unwrap_or_default(),
        code_postal,
        localite,
        cedex,
        pays: None,
    })
}

/// Byte range of the last postcode followed by a word.
fn find_postcode(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = None;
    for start in 0..bytes.len() {
        if !bytes[start].is_ascii_digit() || (start > 0 && bytes[start - 1].is_ascii_digit()) {
            continue;
        }
        let run = |from: usize| {
            bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let first = run(start);
        let end = if first == 5 {
            start + 5
        } else if first == 2 && bytes.get(start + 2) == Some(&b' ') && run(start + 3) == 3 {
            start + 6
        } else {
            continue;
        };
        let followed_by_word = text[end..]
            .strip_prefix(' ')
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_alphabetic);
        if followed_by_word {
            found = Some((start, end));
        }
    }
    found
}

/// The locality and the CEDEX number, however CEDEX is spelled (cedex, Cédex, CEDEX).
fn split_cedex(tail: &str) -> (String, Option<String>) {
    let words: Vec<&str> = tail.split_whitespace().collect();
    match words.iter().position(|w| postal_capitals(w) == "CEDEX") {
        Some(at) => (words[..at].join(" "), Some(words[at + 1..].join(" "))),
        None => (words.join(" "), None),
    }
}

/// The head with its BP, CS or TSA mention replaced by a part separator, and the mention
/// written « BP 16002 ».
fn extract_distribution(head: &str) -> (String, Option<String>) {
    let chars: Vec<char> = head.chars().collect();
    let mut out = String::new();
    let mut mention = None;
    let mut i = 0;
    while i < chars.len() {
        // Only the first mention is taken out; a second one stays in its part.
        let found = if mention.is_none() {
            match_distribution(&chars, i)
        } else {
            None
        };
        if let Some((found, length)) = found {
            mention = Some(found);
            out.push('|');
            i += length;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    (out, mention)
}

/// A BP, CS or TSA mention starting at `i`: its tidy form and how many characters it spans.
fn match_distribution(chars: &[char], i: usize) -> Option<(String, usize)> {
    let patterns = [
        ("B.P.", "BP", false),
        ("C.S.", "CS", false),
        ("BP", "BP", true),
        ("CS", "CS", true),
        ("TSA", "TSA", true),
    ];
    for (pattern, label, needs_boundary) in patterns {
        if needs_boundary && i > 0 && chars[i - 1].is_alphanumeric() {
            continue;
        }
        let length = pattern.chars().count();
        if chars.len() < i + length || !chars[i..i + length].iter().copied().eq(pattern.chars()) {
            continue;
        }

        // Digits, possibly in groups (« BP 16 002 »).
        let mut j = i + length;
        let mut digits = String::new();
        while j < chars.len() {
            let next_is_digit = chars.get(j + 1).is_some_and(char::is_ascii_digit);
            let skippable_space = chars[j] == ' ' && (digits.is_empty() || next_is_digit);
            if chars[j].is_ascii_digit() {
                digits.push(chars[j]);
            } else if !skippable_space {
                break;
            }
            j += 1;
        }
        if !digits.is_empty() && !chars.get(j).is_some_and(|c| c.is_alphabetic()) {
            return Some((format!("{label} {digits}"), j - i));
        }
    }
    None
}

/// The parts of a head, split on commas, dashes and full stops ending a word; a comma after
/// a street number is no separator (« 9, rue », « 7,9 rue »).
fn split_parts(head: &str) -> Vec<String> {
    let chars: Vec<char> = head.chars().collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let separator = match c {
            '|' | '–' | '—' => true,
            ',' => {
                if ends_with_street_number(&current) {
                    let digit_follows = next.is_some_and(|n| n.is_ascii_digit());
                    current.push(if digit_follows { '/' } else { ' ' });
                    continue;
                }
                true
            }
            '-' => {
                let spaced = previous == Some(' ') || next == Some(' ') || next.is_none();
                let glued_word = chars[i + 1..]
                    .iter()
                    .collect::<String>()
                    .split(|c: char| !c.is_alphabetic())
                    .next()
                    .is_some_and(|w| BUILDING_WORDS.contains(&w) || w == "Rue");
                spaced || glued_word
            }
            '.' => {
                let word: String = current
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .collect();
                word.chars().count() > 3 || !previous.is_some_and(char::is_alphabetic)
            }
            _ => false,
        };
        if separator {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| collapse_spaces(p.trim_matches(|c: char| c == '-' || c.is_whitespace())))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether the text ends with a street number (« 9 », « 15 bis », « 66 A »).
fn ends_with_street_number(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_number = |w: &&str| w.bytes().all(|b| b.is_ascii_digit());
    match words.as_slice() {
        [.., last] if is_number(last) => true,
        [.., number, suffix] => {
            let suffix = suffix.to_lowercase();
            is_number(number) && (suffix == "bis" || suffix == "ter" || suffix.chars().count() == 1)
        }
        _ => false,
    }
}

/// Whether a part is a street: it starts with a number or a street type.
fn is_street(part: &str) -> bool {
    let first = part.split_whitespace().next().unwrap_or_default();
    first.starts_with(|c: char| c.is_ascii_digit()) || is_street_type(first)
}

fn is_street_type(word: &str) -> bool {
    STREET_TYPES.contains(&postal_capitals(word).as_str())
}

/// A part holding a building and a street without separator, split in two: « Cité
/// administrative 15 bis rue X », « Cité administrative place X », « 7 rue X Cité Tirlet ».
fn split_glued_part(part: &str) -> Vec<String> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let is_number = |w: &str| w.starts_with(|c: char| c.is_ascii_digit());
    let split_at = |at: usize| vec![words[..at].join(" "), words[at..].join(" ")];

    if is_street(part) {
        // A building glued after the street.
        let after = words
            .iter()
            .skip(2)
            .position(|w| BUILDING_WORDS.contains(w));
        return match after {
            Some(offset) => split_at(offset + 2),
            None => vec![part.to_string()],
        };
    }

    // A numbered street after a building: the number, an optional suffix, a street type.
    for at in 1..words.len() {
        let typed = |k: usize| words.get(k).is_some_and(|w| is_street_type(w));
        if is_number(words[at]) && (typed(at + 1) || typed(at + 2)) {
            return split_at(at);
        }
    }
    match words.iter().skip(1).position(|w| is_street_type(w)) {
        Some(offset) => split_at(offset + 1),
        None => vec![part.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> PostalAddress {
        PostalAddress {
            destinataire: "Mme Claire MARTIN".to_string(),
            voie: "12 rue de Meaux".to_string(),
            code_postal: "75019".to_string(),
            localite: "Paris".to_string(),
            ..PostalAddress::default()
        }
    }

    fn checks(issues: &[AddressIssue]) -> Vec<&'static str> {
        issues.iter().map(|i| i.check).collect()
    }

    #[test]
    fn a_plain_paris_address_gives_three_lines_in_capitals_from_the_street_down() {
        let lines = format(&paris()).unwrap();
        assert_eq!(
            lines,
            ["Mme Claire MARTIN", "12 RUE DE MEAUX", "75019 PARIS"]
        );
    }

    #[test]
    fn a_cedex_with_a_bp_puts_the_bp_on_line_5_and_cedex_after_the_locality() {
        let address = PostalAddress {
            destinataire: "DDETS de l'Aveyron".to_string(),
            voie: "9, rue de Bruxelles".to_string(),
            mention_distribution: "BP 3125".to_string(),
            code_postal: "12031".to_string(),
            localite: "Rodez".to_string(),
            cedex: Some("9".to_string()),
            ..PostalAddress::default()
        };
        let lines = format(&address).unwrap();
        assert_eq!(
            lines[1..],
            ["9 RUE DE BRUXELLES", "BP 3125", "12031 RODEZ CEDEX 9"]
        );
    }

    #[test]
    fn a_cedex_written_inside_the_locality_is_kept_after_it() {
        let address = PostalAddress {
            localite: "Tours Cédex 1".to_string(),
            ..paris()
        };
        assert_eq!(format(&address).unwrap()[2], "75019 TOURS CEDEX 1");
    }

    #[test]
    fn an_overseas_address_in_la_reunion_takes_no_country_line() {
        let address = PostalAddress {
            voie: "112 rue de la République".to_string(),
            code_postal: "97400".to_string(),
            localite: "Saint-Denis".to_string(),
            pays: Some("La Réunion".to_string()),
            ..paris()
        };
        let lines = format(&address).unwrap();
        assert_eq!(lines.last().unwrap(), "97400 SAINT DENIS");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn a_foreign_address_ends_with_the_country_in_french_capitals_without_accents() {
        let address = PostalAddress {
            voie: "Calle Mayor 5".to_string(),
            code_postal: "28013".to_string(),
            localite: "Madrid".to_string(),
            pays: Some("Espagne".to_string()),
            ..paris()
        };
        assert_eq!(
            format(&address).unwrap()[1..],
            ["CALLE MAYOR 5", "28013 MADRID", "ESPAGNE"]
        );

        let address = PostalAddress {
            pays: Some("Émirats arabes unis".to_string()),
            ..address
        };
        assert_eq!(
            format(&address).unwrap().last().unwrap(),
            "EMIRATS ARABES UNIS"
        );
    }

    #[test]
    fn a_line_too_long_is_refused_naming_the_line_and_its_length() {
        let address = PostalAddress {
            complement_point_geo: "Résidence des Grands Chênes, bâtiment C".to_string() + "12",
            ..paris()
        };
        let issues = format(&address).unwrap_err();
        assert_eq!(checks(&issues), ["R4.address.line_too_long"]);
        assert_eq!(issues[0].message, "Ligne 3 : 41 caractères, 38 au plus");
        assert_eq!(issues[0].line, Some(3));
    }

    #[test]
    fn the_street_type_is_abbreviated_only_past_32_characters() {
        // 32 characters: kept whole.
        let fits = PostalAddress {
            voie: "1 avenue des Fleurs du Printemps".to_string(),
            ..paris()
        };
        assert_eq!(
            format(&fits).unwrap()[1],
            "1 AVENUE DES FLEURS DU PRINTEMPS"
        );

        // 33 characters: abbreviated although 38 would fit.
        let long = PostalAddress {
            voie: "12 avenue des Fleurs du Printemps".to_string(),
            ..paris()
        };
        assert_eq!(format(&long).unwrap()[1], "12 AV DES FLEURS DU PRINTEMPS");

        // Abbreviation brings a 44-character street within 38.
        let longer = PostalAddress {
            voie: "145 boulevard du Maréchal de Lattre Tassigny".to_string(),
            ..paris()
        };
        let lines = format(&longer).unwrap();
        assert_eq!(lines[1], "145 BD DU MARECHAL DE LATTRE TASSIGNY");
    }

    #[test]
    fn a_street_still_too_long_after_abbreviation_is_refused_not_cut() {
        let address = PostalAddress {
            voie: "145 boulevard du Maréchal Jean de Lattre de Tassigny".to_string(),
            ..paris()
        };
        let issues = format(&address).unwrap_err();
        assert_eq!(
            issues[0].message,
            "Ligne 4 : 45 caractères après abréviation du type de voie, 38 au plus"
        );
    }

    #[test]
    fn a_spaced_postcode_is_normalised() {
        let address = PostalAddress {
            code_postal: "75 019".to_string(),
            ..paris()
        };
        assert_eq!(format(&address).unwrap()[2], "75019 PARIS");
    }

    #[test]
    fn a_four_digit_postcode_is_refused_and_never_completed() {
        let address = PostalAddress {
            code_postal: "7519".to_string(),
            ..paris()
        };
        let issues = format(&address).unwrap_err();
        assert_eq!(checks(&issues), ["R4.address.postcode_invalid"]);
        assert!(
            issues[0].message.contains("« 7519 »"),
            "{}",
            issues[0].message
        );
    }

    #[test]
    fn punctuation_is_removed_from_line_4_down_but_kept_above() {
        let address = PostalAddress {
            complement_destinataire: "Service R.H., 3e étage".to_string(),
            voie: "5 bis, av. de l'Europe".to_string(),
            mention_distribution: "B.P. 12".to_string(),
            localite: "Bourg-en-Bresse".to_string(),
            ..paris()
        };
        let lines = format(&address).unwrap();
        assert_eq!(lines[1], "Service R.H., 3e étage");
        assert_eq!(
            lines[2..],
            ["5 B AV DE L EUROPE", "BP 12", "75019 BOURG EN BRESSE"]
        );
    }

    #[test]
    fn a_street_number_range_keeps_its_first_number() {
        let address = PostalAddress {
            voie: "12/14 rue de Meaux".to_string(),
            ..paris()
        };
        assert_eq!(format(&address).unwrap()[1], "12 RUE DE MEAUX");
    }

    #[test]
    fn accents_are_removed_and_saint_is_kept_whole_on_the_last_lines() {
        // The notes give no SAINT → ST rule: the word is kept, the hyphen becomes a space.
        let address = PostalAddress {
            code_postal: "42000".to_string(),
            localite: "Saint-Étienne".to_string(),
            ..paris()
        };
        assert_eq!(format(&address).unwrap()[2], "42000 SAINT ETIENNE");
    }

    #[test]
    fn r4_address_recipient_missing_with_street_and_locality_lists_every_issue() {
        let issues = format(&PostalAddress::default()).unwrap_err();
        assert_eq!(
            checks(&issues),
            [
                "R4.address.recipient_missing",
                "R4.address.delivery_point_missing",
                "R4.address.locality_missing",
                "R4.address.postcode_invalid",
            ]
        );
    }

    #[test]
    fn r4_address_cedex_twice_inside_the_locality_and_apart_is_refused() {
        let address = PostalAddress {
            localite: "Tours Cedex 1".to_string(),
            cedex: Some("1".to_string()),
            ..paris()
        };
        let issues = format(&address).unwrap_err();
        assert_eq!(checks(&issues), ["R4.address.cedex_twice"]);
        assert_eq!(issues[0].line, Some(6));
    }

    #[test]
    fn r4_address_cedex_abroad_is_refused() {
        let address = PostalAddress {
            code_postal: "1000".to_string(),
            localite: "Bruxelles".to_string(),
            cedex: Some(String::new()),
            pays: Some("Belgique".to_string()),
            ..paris()
        };
        let issues = format(&address).unwrap_err();
        assert_eq!(checks(&issues), ["R4.address.cedex_abroad"]);
    }

    #[test]
    fn a_raw_office_address_with_dots_as_separators_is_read_into_its_fields() {
        let address =
            parse_raw_office("9,rue de la Grenouillère.CS 60425.01012 Bourg-en-Bresse cedex")
                .unwrap();
        assert_eq!(address.voie, "9 rue de la Grenouillère");
        assert_eq!(address.mention_distribution, "CS 60425");
        assert_eq!(address.code_postal, "01012");
        assert_eq!(address.localite, "Bourg-en-Bresse");
        assert_eq!(address.cedex.as_deref(), Some(""));
    }

    #[test]
    fn a_raw_office_address_with_a_building_glued_before_the_street_is_split() {
        let address = parse_raw_office(
            "Cité Administrative 15 bis rue Dupetit Thouars 49047 ANGERS CEDEX 01",
        )
        .unwrap();
        assert_eq!(address.complement_point_geo, "Cité Administrative");
        assert_eq!(address.voie, "15 bis rue Dupetit Thouars");
        assert_eq!(address.cedex.as_deref(), Some("01"));
    }

    #[test]
    fn a_raw_office_address_with_spaced_bp_and_postcode_is_read() {
        let address = parse_raw_office("5, rue des Silos – BP 16 002 – 05010 GAP Cedex").unwrap();
        assert_eq!(address.mention_distribution, "BP 16002");
        assert_eq!(address.code_postal, "05010");

        let address = parse_raw_office("935, avenue Jean Bru - 47 916 AGEN Cedex 9").unwrap();
        assert_eq!(address.code_postal, "47916");
        assert_eq!(address.voie, "935 avenue Jean Bru");
    }

    #[test]
    fn r4_address_postcode_missing_in_a_raw_office_address_is_refused() {
        let issues = parse_raw_office("89 rue Victoire de la Marne").unwrap_err();
        assert_eq!(checks(&issues), ["R4.address.postcode_missing"]);
        assert!(issues[0].message.contains("89 rue Victoire de la Marne"));
    }

    #[test]
    fn r4_address_empty_raw_office_text_is_refused() {
        assert_eq!(
            checks(&parse_raw_office("  ").unwrap_err()),
            ["R4.address.empty"]
        );
    }
}
