//! French as documents write it: elision, gender agreement, dates.

use jiff::civil::Date;

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Words whose initial h is aspirated: no elision before them ("de Hauteur" is wrong,
/// but "de Hangar" is right). Compared in lower case, as prefixes.
const ASPIRATED_H: [&str; 24] = [
    "hach",
    "haie",
    "hall",
    "halte",
    "hamac",
    "hameau",
    "hanche",
    "handi",
    "hangar",
    "hardi",
    "harc",
    "haren",
    "hasard",
    "haut",
    "havre",
    "héros",
    "hibou",
    "hiérarch",
    "hockey",
    "homard",
    "hors",
    "houblon",
    "hublot",
    "hutte",
];

/// The name of the French month `month` (1–12).
pub fn month_name(month: i8) -> &'static str {
    MONTHS[usize::try_from(month - 1).expect("month is 1 to 12")]
}

/// A long French date: "20 septembre 2018", "1er janvier 2020".
pub fn long_date(date: Date) -> String {
    let day = if date.day() == 1 {
        "1er".to_owned()
    } else {
        date.day().to_string()
    };
    format!("{day} {} {}", month_name(date.month()), date.year())
}

/// A short French date: "23/04/1981".
pub fn short_date(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// Whether "de" elides before `word`: a vowel, or a mute h.
pub fn elides_before(word: &str) -> bool {
    let lower = word.trim_start().to_lowercase();
    let Some(first) = lower.chars().next() else {
        return false;
    };
    if "aàâäeéèêëiîïoôöuùûüyÿœæ".contains(first) {
        return true;
    }
    first == 'h' && !ASPIRATED_H.iter().any(|prefix| lower.starts_with(prefix))
}

/// "de" followed by `label`, elided where French requires it:
/// "d'Ouvrier du paysage", "de Conseiller", "d'Horloger".
pub fn de(label: &str) -> String {
    let label = label.trim();
    if elides_before(label) {
        format!("d'{label}")
    } else {
        format!("de {label}")
    }
}

/// The label of a CCS without the words that name its kind, as the RNCP export writes
/// them: "Certificat complémentaire de spécialisation : Animer …", "Certificat
/// complémentaire de spécialisation (CCS) - Réaliser …" or "CCS - …" all give the activity.
pub fn ccs_label(label: &str) -> String {
    const KIND: &str = "certificat complémentaire de spécialisation";
    let mut rest = label.trim();
    if rest.to_lowercase().starts_with(KIND) {
        rest = &rest[rest
            .char_indices()
            .nth(KIND.chars().count())
            .map_or(rest.len(), |(i, _)| i)..];
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("(CCS)") {
            rest = after;
        }
    } else if let Some(after) = rest.strip_prefix("CCS") {
        rest = after;
    }
    let activity = rest
        .trim_start_matches([' ', ':', '-', '–', '—', '\u{a0}'])
        .trim();
    if activity.is_empty() {
        label.trim().to_owned()
    } else {
        activity.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn ccs_labels_lose_the_words_naming_their_kind() {
        for (label, activity) in [
            (
                "Certificat complémentaire de spécialisation : Animer des actions de formation",
                "Animer des actions de formation",
            ),
            (
                "Certificat complémentaire de spécialisation (CCS) - Réaliser des travaux",
                "Réaliser des travaux",
            ),
            ("CCS - Piloter une équipe", "Piloter une équipe"),
            ("Conduire un engin", "Conduire un engin"),
            (
                "Certificat complémentaire de spécialisation",
                "Certificat complémentaire de spécialisation",
            ),
        ] {
            assert_eq!(ccs_label(label), activity, "{label}");
        }
    }

    #[test]
    fn long_dates_are_written_in_french() {
        assert_eq!(long_date(date(2018, 9, 20)), "20 septembre 2018");
        assert_eq!(long_date(date(2020, 1, 1)), "1er janvier 2020");
        assert_eq!(long_date(date(2022, 8, 4)), "4 août 2022");
        assert_eq!(long_date(date(2022, 12, 31)), "31 décembre 2022");
    }

    #[test]
    fn short_dates_pad_day_and_month() {
        assert_eq!(short_date(date(1981, 4, 23)), "23/04/1981");
        assert_eq!(short_date(date(2022, 1, 2)), "02/01/2022");
    }

    #[test]
    fn de_elides_before_vowels_and_mute_h() {
        assert_eq!(de("Ouvrier du paysage"), "d'Ouvrier du paysage");
        assert_eq!(
            de("Conseiller en insertion professionnelle"),
            "de Conseiller en insertion professionnelle"
        );
        assert_eq!(de("Horloger"), "d'Horloger");
        assert_eq!(
            de("Employé administratif et d'accueil"),
            "d'Employé administratif et d'accueil"
        );
        assert_eq!(
            de("Agent de propreté et d'hygiène"),
            "d'Agent de propreté et d'hygiène"
        );
        assert_eq!(de("Œnologue"), "d'Œnologue");
    }

    #[test]
    fn de_keeps_de_before_aspirated_h() {
        assert_eq!(de("Hautes technologies"), "de Hautes technologies");
        assert_eq!(de("Hangar"), "de Hangar");
    }
}
