//! How the session search compares text.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text as the search compares it, for what is searched and what is typed alike: lowercase
/// and without accents, œ and æ spelt out, so that « hygiene » finds « Agent de propreté et
/// d'hygiène » and « ILE » finds « Île-de-France ». Other characters are kept.
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            c if is_combining_mark(c) => {}
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_do_not_count() {
        assert_eq!(search_key("Propreté et HYGIÈNE"), "proprete et hygiene");
        assert_eq!(search_key("ÎLE-DE-FRANCE"), "ile-de-france");
        assert_eq!(search_key("Cœur Ça"), "coeur ca");
        // Decomposed input (e + combining acute) folds the same as composed.
        assert_eq!(search_key("Ope\u{301}rateur"), search_key("Opérateur"));
        assert_eq!(
            search_key("TP-00463 07/11/2022 50%_"),
            "tp-00463 07/11/2022 50%_"
        );
    }
}
