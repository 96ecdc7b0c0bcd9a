//! The fonts bundled in the binary (sources and licences in `fonts/README.md`).

use typst::foundations::Bytes;
use typst::text::Font;

/// Font files embedded at compile time: Marianne (the State's typeface) first, then DejaVu
/// Sans, which only serves as Typst's fallback for characters Marianne lacks.
const FONT_FILES: [&[u8]; 7] = [
    include_bytes!("../fonts/Marianne-Regular.ttf"),
    include_bytes!("../fonts/Marianne-Regular_Italic.ttf"),
    include_bytes!("../fonts/Marianne-Light.ttf"),
    include_bytes!("../fonts/Marianne-Medium.ttf"),
    include_bytes!("../fonts/Marianne-Bold.ttf"),
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
];

/// Parses every bundled font face.
///
/// The files are compile-time assets: a file Typst cannot parse is a build defect, caught by
/// the tests below, so a face that fails to parse is simply absent rather than an error.
pub(crate) fn load() -> Vec<Font> {
    FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Letters that names from French civil status and from abroad bring, which the brief
    /// asks to print exactly.
    const NAME_LETTERS: &str = "œŒæÆŸÿñÑśŚßłŁçÇéèêëàâäîïôöùûüÉÈÊÀÂÎÔÙÛăâșțğıĐđ’";

    fn family(fonts: &[Font], name: &str) -> Vec<Font> {
        fonts
            .iter()
            .filter(|font| font.info().family == name)
            .cloned()
            .collect()
    }

    #[test]
    fn every_bundled_file_parses_as_a_font() {
        assert_eq!(load().len(), FONT_FILES.len());
    }

    #[test]
    fn marianne_covers_the_letters_of_names_in_every_weight() {
        let marianne = family(&load(), "Marianne");
        assert_eq!(marianne.len(), 5, "Regular, Italic, Light, Medium and Bold");

        for font in &marianne {
            for letter in NAME_LETTERS.chars() {
                assert!(
                    font.info().coverage.contains(letter as u32),
                    "Marianne {:?} lacks {letter}",
                    font.info().variant
                );
            }
        }
    }

    #[test]
    fn dejavu_fallback_covers_what_marianne_lacks() {
        let fonts = load();
        let marianne = &family(&fonts, "Marianne")[0];
        let dejavu = &family(&fonts, "DejaVu Sans")[0];

        // Greek, Cyrillic and the micro sign are outside Marianne.
        for letter in "µΩжД".chars() {
            assert!(!marianne.info().coverage.contains(letter as u32));
            assert!(dejavu.info().coverage.contains(letter as u32));
        }
    }
}
