//! Renders the documents of the design brief (§4) and reads them back with poppler-utils
//! (`pdftotext`, `pdfinfo`, `pdffonts`, `pdftoppm`), as a reader of the PDF would.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use ceres_domain::document::{DocumentKind, DocumentModel, DocumentVersion};
use ceres_render::{RenderError, Renderer};
use support::{KINDS, pages_of, tutorial_model};

use DocumentVersion::{Apercu, Duplicata, Impression};

static RENDERER: LazyLock<Renderer> = LazyLock::new(Renderer::new);

/// The diploma's sentences as the tutorial writes them (design brief §4).
const DIPLOMA_SENTENCES: [&str; 7] = [
    "RÉPUBLIQUE FRANÇAISE",
    "TITRE PROFESSIONNEL",
    "Monsieur BERTRAND Henri, né le 23/04/1981 à Charleville-Mézières (FRANCE), a obtenu, \
     par décision du jury, le titre professionnel de : Ouvrier du paysage (arrêté du 20 \
     septembre 2018, publié au journal officiel du 26 septembre 2018)",
    "Ce titre est classé au niveau 3 du cadre national des certifications professionnelles, \
     dans le(s) domaine(s) d'activité 214r, 214s.",
    "Il est enregistré dans le répertoire national des certifications professionnelles \
     (RNCP399).",
    "Etabli à Paris 7e Arrondissement (Paris) le 16 novembre 2022",
    "Responsable de région",
];

/// What only the printed version carries (R2).
const PRINT_ONLY: [&str; 2] = ["Liberté Égalité Fraternité", "Cachet et signature"];

/// What only the preview carries (R2).
const PREVIEW_ONLY: [&str; 2] = [
    "Aperçu — document non valable",
    "Pour des raisons de sécurité, les tampons et signatures n'apparaissent pas lors de la \
     prévisualisation.",
];

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn render(model: &DocumentModel) -> Vec<u8> {
    match RENDERER.render_pdf(model) {
        Ok(pdf) => pdf,
        Err(error) => panic!("rendering failed: {error}"),
    }
}

/// Writes bytes to a fresh file of the test's scratch folder.
fn scratch_file(name: &str, bytes: &[u8]) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ceres-render-tests");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// Runs a poppler tool on the PDF and returns its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let path = scratch_file("doc.pdf", pdf);
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[] })
        .output()
        .unwrap_or_else(|error| panic!("{tool} (poppler-utils) must be installed: {error}"));
    assert!(
        output.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::remove_file(&path).ok();
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The text of the PDF as `pdftotext -layout` reads it, with whitespace normalised
/// (no-break spaces count as spaces, runs of blanks and line ends become one space).
fn pdf_text(pdf: &[u8]) -> String {
    normalise(&poppler("pdftotext", &["-layout", "-enc", "UTF-8"], pdf))
}

fn normalise(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_contains(text: &str, expected: &str) {
    let expected = normalise(expected);
    assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
}

fn assert_lacks(text: &str, unexpected: &str) {
    let unexpected = normalise(unexpected);
    assert!(
        !text.contains(&unexpected),
        "unexpected {unexpected:?} in:\n{text}"
    );
}

/// `pdfinfo` fields of the PDF.
fn pdf_info(pdf: &[u8]) -> String {
    let path = scratch_file("info.pdf", pdf);
    let output = Command::new("pdfinfo")
        .arg("-meta")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    let meta = String::from_utf8_lossy(&output.stdout).into_owned();
    let output = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    std::fs::remove_file(&path).ok();
    String::from_utf8_lossy(&output.stdout).into_owned() + &meta
}

fn assert_a4_pages(pdf: &[u8], pages: usize) {
    let info = pdf_info(pdf);
    assert!(
        info.contains(&format!("Pages:           {pages}\n")),
        "{info}"
    );
    assert!(info.contains("(A4)"), "{info}");
}

fn assert_one_a4_page(pdf: &[u8]) {
    assert_a4_pages(pdf, 1);
}

/// One word of `pdftotext -bbox`: xMin, yMin, xMax, yMax (points), then the word.
type WordBox = (f64, f64, f64, f64, String);

/// The page's width and height (points) and the words of every page (all pages of a
/// document have the same size).
fn word_boxes(pdf: &[u8]) -> (f64, f64, Vec<WordBox>) {
    let html = poppler("pdftotext", &["-bbox"], pdf);
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        let end = start + tag[start..].find('"').expect("closing quote");
        tag[start..end].parse().expect("number")
    };
    let page = html.split("<page ").nth(1).expect("a page");
    let (width, height) = (attr(page, "width"), attr(page, "height"));
    let words = html
        .split("<word ")
        .skip(1)
        .map(|tag| {
            let text =
                tag[tag.find('>').expect(">") + 1..tag.find("</word>").expect("end")].to_owned();
            (
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
                attr(tag, "yMax"),
                text,
            )
        })
        .collect();
    (width, height, words)
}

/// Every word lies inside the page, at least 5 mm from its edges: nothing overflows.
fn assert_nothing_overflows(pdf: &[u8]) {
    let (width, height, words) = word_boxes(pdf);
    let margin = 5.0 * 72.0 / 25.4;
    for (x0, y0, x1, y1, word) in words {
        assert!(
            x0 >= margin && y0 >= margin && x1 <= width - margin && y1 <= height - margin,
            "{word:?} at ({x0}, {y0})–({x1}, {y1}) leaves the page ({width} × {height})"
        );
    }
}

/// Share of the page's pixels that are not white, at 50 dpi in grey levels.
fn ink_ratio(pdf: &[u8]) -> f64 {
    let path = scratch_file("ink.pdf", pdf);
    let output = Command::new("pdftoppm")
        .args(["-gray", "-r", "50", "-singlefile"])
        .arg(&path)
        .output()
        .expect("pdftoppm");
    std::fs::remove_file(&path).ok();
    let page = support::parse_pgm(&output.stdout);
    let pixels = &page.pixels;
    let inked = pixels.iter().filter(|&&level| level < 250).count();
    inked as f64 / pixels.len() as f64
}

// ---------------------------------------------------------------------------------------
// The tutorial's documents
// ---------------------------------------------------------------------------------------

#[test]
fn diploma_prints_the_tutorial_wording_in_both_versions() {
    for version in [Apercu, Impression] {
        let pdf = render(&tutorial_model(DocumentKind::Diplome, version));
        let text = pdf_text(&pdf);

        for sentence in DIPLOMA_SENTENCES {
            assert_contains(&text, sentence);
        }
        for line in [
            "MINISTÈRE",
            "DU TRAVAIL,",
            "DU PLEIN EMPLOI",
            "ET DE L'INSERTION",
        ] {
            assert_contains(&text, line);
        }
        assert_one_a4_page(&pdf);
        assert_nothing_overflows(&pdf);
    }
}

#[test]
fn diploma_prints_the_signatory_name_only_on_the_printed_version() {
    let preview = pdf_text(&render(&tutorial_model(DocumentKind::Diplome, Apercu)));
    let print = pdf_text(&render(&tutorial_model(DocumentKind::Diplome, Impression)));

    assert_lacks(&preview, "Camille Durand");
    assert_contains(&print, "Camille Durand");
}

#[test]
fn diploma_omits_the_journal_officiel_when_unknown() {
    let mut model = tutorial_model(DocumentKind::Diplome, Impression);
    model.titre.journal_officiel = None;
    let text = pdf_text(&render(&model));

    assert_contains(
        &text,
        "Ouvrier du paysage (arrêté du 20 septembre 2018) Ce titre",
    );
    assert_lacks(&text, "journal officiel");
}

#[test]
fn diploma_omits_the_arrete_when_unknown() {
    let mut model = tutorial_model(DocumentKind::Diplome, Impression);
    model.titre.arrete = None;
    let text = pdf_text(&render(&model));

    assert_contains(
        &text,
        "titre professionnel de : Ouvrier du paysage Ce titre est classé",
    );
    assert_lacks(&text, "arrêté");
}

#[test]
fn diploma_agrees_with_a_woman_and_a_partial_birth_date() {
    let mut model = tutorial_model(DocumentKind::Diplome, Apercu);
    model.candidat.civilite = "Madame".into();
    model.candidat.nom = "FAURIEL".into();
    model.candidat.prenoms = "Colette".into();
    model.candidat.ne = "née".into();
    model.candidat.naissance = "en 1970".into();
    let text = pdf_text(&render(&model));

    assert_contains(
        &text,
        "Madame FAURIEL Colette, née en 1970 à Charleville-Mézières (FRANCE),",
    );
}

#[test]
fn cover_letter_prints_letterhead_recipient_and_subject() {
    for version in [Apercu, Impression] {
        let pdf = render(&tutorial_model(DocumentKind::LettreAccompagnement, version));
        let text = pdf_text(&pdf);

        for expected in [
            "DRIEETS Île-de-France",
            "19-21 rue Madeleine Vionnet",
            "93300 Aubervilliers",
            "Le 29/11/2022",
            "Monsieur Henri BERTRAND",
            "12 RUE DES TILLEULS",
            "08000 CHARLEVILLE-MEZIERES",
            "Candidat n°2122559",
            "Affaire suivie par :",
            "Téléphone :",
            "Courriel :",
            "Objet : Envoi de votre diplôme du titre professionnel d'Ouvrier du paysage",
            "livret de certification",
            "duplicata",
            "Responsable de région",
            "Camille Durand",
        ] {
            assert_contains(&text, expected);
        }
        assert_one_a4_page(&pdf);
        assert_nothing_overflows(&pdf);
    }
}

#[test]
fn refusal_letter_lists_the_ccp_obtained_and_encloses_the_livret() {
    let pdf = render(&tutorial_model(DocumentKind::NotificationEchec, Impression));
    let text = pdf_text(&pdf);

    for expected in [
        "Objet : Résultat de votre session d'examen du titre professionnel d'Ouvrier du \
         paysage",
        "par décision du jury de la session d'examen TITRE_B_2023_470415, vous n'avez pas \
         obtenu le titre professionnel d'Ouvrier du paysage.",
        "Vous avez toutefois obtenu le(s) certificat(s) de compétences professionnelles \
         suivant(s) :",
        "CP-00464 — Réaliser des travaux d'aménagement paysager",
        "livret de certification",
        "recours",
    ] {
        assert_contains(&text, expected);
    }
    assert_lacks(&text, "Entretenir des espaces paysagers");
    assert_one_a4_page(&pdf);
    assert_nothing_overflows(&pdf);
}

#[test]
fn refusal_letter_without_any_ccp_mentions_neither_ccp_nor_livret() {
    let mut model = tutorial_model(DocumentKind::NotificationEchec, Apercu);
    for ccp in &mut model.titre.ccps {
        ccp.obtenu = false;
    }
    let text = pdf_text(&render(&model));

    assert_lacks(&text, "Vous avez toutefois obtenu");
    assert_lacks(&text, "livret");
    assert_contains(&text, "vous n'avez pas obtenu le titre professionnel");
}

// ---------------------------------------------------------------------------------------
// R2: the preview has no security feature
// ---------------------------------------------------------------------------------------

#[test]
fn preview_lacks_the_print_marks_and_print_has_them() {
    for kind in KINDS {
        let preview_pdf = render(&tutorial_model(kind, Apercu));
        let print_pdf = render(&tutorial_model(kind, Impression));
        let preview = pdf_text(&preview_pdf);
        let print = pdf_text(&print_pdf);

        for mark in PRINT_ONLY {
            assert_lacks(&preview, mark);
            assert_contains(&print, mark);
        }
        assert_contains(&preview, PREVIEW_ONLY[0]);
        assert_lacks(&print, PREVIEW_ONLY[0]);

        // The watermark covers the printed page with ink; the preview stays mostly white.
        let (preview_ink, print_ink) = (ink_ratio(&preview_pdf), ink_ratio(&print_pdf));
        assert!(
            print_ink > preview_ink * 2.0 && print_ink > 0.2,
            "{kind:?}: ink {preview_ink:.3} on the preview, {print_ink:.3} printed"
        );
    }
}

#[test]
fn letters_keep_every_line_in_place_on_the_preview() {
    for kind in [
        DocumentKind::LettreAccompagnement,
        DocumentKind::NotificationEchec,
        DocumentKind::AttestationReussite,
    ] {
        let position = |version, word: &str| {
            let (_, _, words) = word_boxes(&render(&tutorial_model(kind, version)));
            let found = words.iter().find(|(.., text)| text == word);
            found
                .map(|&(x, y, ..)| (x.round(), y.round()))
                .expect("word on the page")
        };

        for word in ["FRANÇAISE", "MINISTÈRE", "BERTRAND", "Objet", "Durand"] {
            assert_eq!(
                position(Apercu, word),
                position(Impression, word),
                "{kind:?} {word}"
            );
        }
    }
}

#[test]
fn only_the_diploma_preview_explains_the_missing_stamps() {
    let diploma = pdf_text(&render(&tutorial_model(DocumentKind::Diplome, Apercu)));
    let print = pdf_text(&render(&tutorial_model(DocumentKind::Diplome, Impression)));

    assert_contains(&diploma, PREVIEW_ONLY[1]);
    assert_lacks(&print, PREVIEW_ONLY[1]);
}

// ---------------------------------------------------------------------------------------
// §4: data is data; names print exactly; nothing overflows
// ---------------------------------------------------------------------------------------

#[test]
fn typst_markup_in_names_prints_literally() {
    for kind in KINDS {
        let mut model = tutorial_model(kind, Impression);
        model.candidat.nom = "#set page(width: 1pt)".into();
        model.candidat.prenoms = "] <script>".into();
        model.candidat.lieu_naissance = "$x^2$ *gras* _it_ @ref \\ // #{1 + 1}".into();
        model.titre.intitule = "#panic(\"boom\") [x]".into();
        model.titre.de_intitule = "de #panic(\"boom\") [x]".into();
        if model.titre.ccs.is_some() {
            model.titre.ccs = Some("#panic(\"ccs\") ]".into());
        }
        let pdf = render(&model);
        let text = pdf_text(&pdf);

        match kind {
            DocumentKind::DiplomeCcs => {
                assert_contains(&text, "Monsieur #set page(width: 1pt) ] <script>, né le");
                assert_contains(&text, "#panic(\"ccs\") ]");
                assert_contains(
                    &text,
                    "associé au titre professionnel de #panic(\"boom\") [x]",
                );
            }
            DocumentKind::Diplome => {
                assert_contains(&text, "Monsieur #set page(width: 1pt) ] <script>, né le");
                assert_contains(&text, "à $x^2$ *gras* _it_ @ref \\ // #{1 + 1}, a obtenu");
                assert_contains(&text, "#panic(\"boom\") [x]");
            }
            DocumentKind::Livret => {
                assert_contains(
                    &text,
                    "Délivré à Monsieur #set page(width: 1pt) ] <script>, né",
                );
                assert_contains(&text, "à $x^2$ *gras* _it_ @ref \\ // #{1 + 1}.");
                assert_contains(&text, "#panic(\"boom\") [x]");
            }
            _ => {
                assert_contains(&text, "Monsieur ] <script> #set page(width: 1pt)");
                assert_contains(&text, "titre professionnel de #panic(\"boom\") [x]");
            }
        }
        assert_a4_pages(&pdf, pages_of(kind, Impression));
        assert_nothing_overflows(&pdf);
    }
}

#[test]
fn the_ccs_diploma_names_the_ccs_then_its_titre() {
    let print = pdf_text(&render(&tutorial_model(
        DocumentKind::DiplomeCcs,
        Impression,
    )));

    assert_contains(&print, "CERTIFICAT COMPLÉMENTAIRE DE SPÉCIALISATION");
    assert_contains(
        &print,
        "Monsieur BERTRAND Henri, né le 23/04/1981 à Charleville-Mézières (FRANCE), a obtenu, \
         par décision du jury, le certificat complémentaire de spécialisation : Réaliser des \
         travaux de maçonnerie paysagère associé au titre professionnel d'Ouvrier du paysage",
    );
    assert_contains(&print, "Il est enregistré dans le répertoire national");
    assert_contains(
        &print,
        "Etabli à Paris 7e Arrondissement (Paris) le 16 novembre 2022",
    );
    assert_lacks(&print, "TITRE PROFESSIONNEL");
    for sentence in PRINT_ONLY {
        assert_contains(&print, sentence);
    }
}

#[test]
fn the_cover_letter_names_what_the_envelope_holds() {
    use ceres_domain::session::SessionNature;

    let titre = pdf_text(&render(&tutorial_model(
        DocumentKind::LettreAccompagnement,
        Impression,
    )));
    assert_contains(
        &titre,
        "Envoi de votre diplôme du titre professionnel d'Ouvrier du paysage",
    );
    assert_contains(
        &titre,
        "Vous trouverez également ci-joint votre livret de certification",
    );

    let mut ccp = tutorial_model(DocumentKind::LettreAccompagnement, Impression);
    ccp.session.nature = SessionNature::Ccp;
    let ccp = pdf_text(&render(&ccp));
    assert_contains(
        &ccp,
        "Envoi de votre livret de certification du titre professionnel d'Ouvrier du paysage",
    );
    assert_contains(
        &ccp,
        "CP-00464 — Réaliser des travaux d'aménagement paysager",
    );
    assert_lacks(&ccp, "CP-00465");
    assert_lacks(&ccp, "diplôme");

    let mut ccs = tutorial_model(DocumentKind::LettreAccompagnement, Impression);
    ccs.session.nature = SessionNature::Ccs;
    ccs.titre.ccs = Some("Réaliser des travaux de maçonnerie paysagère".into());
    let ccs = pdf_text(&render(&ccs));
    assert_contains(
        &ccs,
        "Envoi de votre diplôme du certificat complémentaire de spécialisation « Réaliser des \
         travaux de maçonnerie paysagère »",
    );
    assert_lacks(&ccs, "livret");
}

#[test]
fn names_with_rare_letters_print_exactly_in_marianne() {
    let names = "Œdipe Ÿvonne Ñuñez Śliwa Straße Łukasz";
    for kind in KINDS {
        let mut model = tutorial_model(kind, Apercu);
        model.candidat.prenoms = names.into();
        let pdf = render(&model);

        assert_contains(&pdf_text(&pdf), names);
        // Marianne covers these letters: the fallback face is not needed.
        let fonts = poppler("pdffonts", &[], &pdf);
        assert!(fonts.contains("Marianne"), "{fonts}");
        assert!(!fonts.contains("DejaVu"), "{fonts}");
    }
}

#[test]
fn letters_outside_marianne_fall_back_to_dejavu_sans() {
    let mut model = tutorial_model(DocumentKind::Diplome, Apercu);
    model.candidat.lieu_naissance = "Αθήνα / Москва (GRÈCE)".into();
    let pdf = render(&model);

    assert_contains(&pdf_text(&pdf), "né le 23/04/1981 à Αθήνα / Москва (GRÈCE)");
    assert!(poppler("pdffonts", &[], &pdf).contains("DejaVuSans"));
}

const LONG_FIRST_NAMES: &str =
    "Marie-Thérèse Geneviève Anne-Sophie Françoise Bénédicte Maximilienne";
const LONG_LABEL: &str = "Technicien supérieur en conception et réalisation de systèmes \
                          automatisés, de réseaux de télécommunications et d'installations \
                          électriques industrielles et tertiaires à haute performance";

/// The tutorial's documents with every field as long as it can plausibly get, and longer.
fn long_model(kind: DocumentKind, nom: &str) -> DocumentModel {
    let mut model = tutorial_model(kind, Impression);
    model.candidat.nom = nom.into();
    model.candidat.prenoms = LONG_FIRST_NAMES.into();
    model.candidat.lieu_naissance = "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson (FRANCE)".into();
    model.titre.intitule = LONG_LABEL.into();
    model.titre.de_intitule = format!("de {LONG_LABEL}");
    model.titre.ccs = model.titre.ccs.map(|_| LONG_LABEL.into());
    model.emetteur.structure = "Direction régionale et interdépartementale de l'économie, \
                                de l'emploi, du travail et des solidarités d'Île-de-France"
        .into();
    model.emetteur.ministere = [
        "MINISTÈRE DU TRAVAIL, DE LA SANTÉ, DES SOLIDARITÉS ET DES \
         FAMILLES",
        "DE L'EMPLOI",
        "DU PLEIN EMPLOI",
        "ET DE L'INSERTION",
        "ET DU DIALOGUE SOCIAL",
    ]
    .map(String::from)
    .to_vec();
    model.candidat.adresse = vec![
        "Résidence des Grands Chênes Bâtiment B".into(),
        "Appartement 1204 Escalier 3 Étage 12".into(),
        "123 BOULEVARD DU GENERAL DE GAULLE".into(),
        "BP 12345 LIEU DIT LES TROIS MOULINS".into(),
        "97100 BASSE-TERRE CEDEX 12345".into(),
    ];
    for n in 0..8 {
        model.titre.ccps.push(ceres_domain::document::CcpLine {
            code: format!("CP-0{n}"),
            intitule: format!("Compétence {n} {LONG_LABEL}"),
            obtenu: true,
            obtenu_a: Some("session TITRE_B_2023_470415 du 16 novembre 2022".into()),
        });
    }
    model
}

#[test]
fn long_names_and_labels_wrap_or_shrink_on_one_page() {
    let long_name = "DE LA ROCHEFOUCAULD-MONTMORENCY-BEAUFORT-SAINT-ÉTIENNE-DU-ROUVRAY";
    // A name with no space, longer than any line of any document.
    let unbroken = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".repeat(6);

    for kind in KINDS {
        for nom in [long_name, unbroken.as_str()] {
            let pdf = render(&long_model(kind, nom));
            let text = pdf_text(&pdf);

            assert_a4_pages(&pdf, pages_of(kind, Impression));
            assert_nothing_overflows(&pdf);
            // Word by word: a wrapped line of the window sits beside the letterhead.
            let (_, _, words) = word_boxes(&pdf);
            for name in LONG_FIRST_NAMES.split(' ') {
                let found = words
                    .iter()
                    .any(|(.., word)| word.trim_end_matches(',') == name);
                assert!(found, "{kind:?}: {name}");
            }
            if kind == DocumentKind::Diplome {
                assert_contains(&text, LONG_LABEL);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// PDF properties
// ---------------------------------------------------------------------------------------

#[test]
fn output_is_pdf_a_2b_and_reproducible() {
    for kind in KINDS {
        let model = tutorial_model(kind, Impression);
        let first = render(&model);
        let second = Renderer::new().render_pdf(&model).expect("second renderer");

        assert_eq!(first, second, "{kind:?} differs between two renders");
        let info = pdf_info(&first);
        assert!(info.contains("<pdfaid:part>2</pdfaid:part>"), "{info}");
        assert!(
            info.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{info}"
        );
        assert!(info.contains("CreationDate:    Tue Nov 29 "), "{info}");
    }
}

#[test]
fn an_invalid_letter_date_is_refused_with_an_english_message() {
    let mut model = tutorial_model(DocumentKind::Diplome, Apercu);
    model.date_courrier = "2022-11-29".into();

    match RENDERER.render_pdf(&model) {
        Err(error @ RenderError::InvalidData(_)) => {
            assert!(error.to_string().contains("date_courrier"), "{error}");
        }
        other => panic!("expected InvalidData, got {other:?}"),
    }
}

#[test]
fn one_renderer_serves_several_threads() {
    let pdfs: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let handles: Vec<_> = KINDS
            .into_iter()
            .map(|kind| scope.spawn(move || render(&tutorial_model(kind, Impression))))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("thread"))
            .collect()
    });

    for (kind, pdf) in KINDS.into_iter().zip(&pdfs) {
        assert_eq!(pdf, &render(&tutorial_model(kind, Impression)), "{kind:?}");
    }
}

/// Writes a PNG of each kind and version to `target/tmp/ceres-render-png/`, for a human look.
#[test]
fn every_document_renders_to_png_for_inspection() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ceres-render-png");
    std::fs::create_dir_all(&dir).expect("png folder");

    for kind in KINDS {
        let versions = [
            ("apercu", tutorial_model(kind, Apercu)),
            ("impression", tutorial_model(kind, Impression)),
            ("long", long_model(kind, "DE LA ROCHEFOUCAULD-MONTMORENCY")),
        ];
        for (name, model) in versions {
            let pdf = render(&model);
            let path = dir.join(format!("{}-{name}.pdf", kind.slug()));
            std::fs::write(&path, &pdf).expect("pdf");
            let status = Command::new("pdftoppm")
                .args(["-png", "-r", "60", "-singlefile"])
                .arg(&path)
                .arg(dir.join(format!("{}-{name}", kind.slug())))
                .status()
                .expect("pdftoppm");
            assert!(status.success());
        }
    }
}

// ---------------------------------------------------------------------------------------
// The livret, the attestation, the duplicata, the number and its QR code
// ---------------------------------------------------------------------------------------

#[test]
fn livret_lists_every_ccp_with_its_result_and_session() {
    let pdf = render(&tutorial_model(DocumentKind::Livret, Apercu));
    let text = pdf_text(&pdf);

    assert_one_a4_page(&pdf);
    for expected in [
        "LIVRET DE CERTIFICATION",
        "Ouvrier du paysage",
        "TP-00463 — RNCP399 — classé au niveau 3 du cadre national des certifications \
         professionnelles",
        "Domaine(s) d'activité : 214r, 214s",
        "Délivré à Monsieur BERTRAND Henri, né le 23/04/1981 à Charleville-Mézières (FRANCE).",
        "Titre professionnel obtenu par décision du jury de la session TITRE_B_2023_470415.",
        "Etabli à Paris 7e Arrondissement (Paris) le 16 novembre 2022",
    ] {
        assert_contains(&text, expected);
    }
    // The table, row by row: each CCP's code, result and session stand on its line.
    let (_, _, words) = word_boxes(&pdf);
    let line_of = |word: &str| {
        let found = words.iter().filter(|(.., text)| text == word);
        found
            .map(|&(_, y0, _, y1, _)| (y0 + y1) / 2.0)
            .collect::<Vec<f64>>()
    };
    let on_line = |y: f64, word: &str| line_of(word).iter().any(|&other| (other - y).abs() < 8.0);
    let (obtained, missing) = (line_of("CP-00464")[0], line_of("CP-00465")[0]);
    assert!(on_line(obtained, "Obtenu") && on_line(obtained, "TITRE_B_2023_470415"));
    assert!(on_line(missing, "Non") && on_line(missing, "—") && !on_line(missing, "Obtenu"));
}

#[test]
fn livret_front_page_is_printed_and_never_previewed() {
    let preview = render(&tutorial_model(DocumentKind::Livret, Apercu));
    let print = render(&tutorial_model(DocumentKind::Livret, Impression));

    assert_a4_pages(&preview, 1);
    assert_a4_pages(&print, 2);
    let front = poppler("pdftotext", &["-l", "1"], &print);
    for line in [
        "LIVRET DE CERTIFICATION",
        "Titre professionnel",
        "Ouvrier du paysage",
        "Monsieur BERTRAND Henri",
    ] {
        assert_contains(&front, line);
    }
    assert_lacks(&front, "CP-00464");
}

#[test]
fn attestation_prints_the_tutorial_wording() {
    let text = pdf_text(&render(&tutorial_model(
        DocumentKind::AttestationReussite,
        Apercu,
    )));

    for expected in [
        "Candidat n°2122559",
        "Objet : Attestation de réussite à la session d'examen du titre professionnel \
         d'Ouvrier du paysage",
        "Je soussigné(e), Camille Durand, Responsable de région, DRIEETS Île-de-France, \
         certifie que :",
        "Monsieur Henri BERTRAND Né le 23/04/1981 à Charleville-Mézières (FRANCE) Candidat n° \
         2122559",
        "a obtenu, par décision du représentant territorial compétent du ministère chargé de \
         l'emploi après délibération du jury, le titre professionnel d'Ouvrier du paysage \
         (TP-00463) (arrêté du 20 septembre 2018).",
        "Ce titre est classé au niveau 3 du cadre national des certifications \
         professionnelles, dans le(s) domaine(s) d'activité 214r, 214s.",
        "Il est enregistré dans le répertoire national des certifications professionnelles \
         (RNCP399).",
        "Cette attestation lui est délivrée pour servir et faire valoir ce que de droit.",
    ] {
        assert_contains(&text, expected);
    }
}

#[test]
fn a_duplicata_diploma_carries_the_mention_and_its_date() {
    let duplicata = pdf_text(&render(&tutorial_model(DocumentKind::Diplome, Duplicata)));
    let print = pdf_text(&render(&tutorial_model(DocumentKind::Diplome, Impression)));

    assert_contains(&duplicata, "DUPLICATA délivré le 12 décembre 2022");
    assert_contains(&duplicata, PRINT_ONLY[1]);
    assert_lacks(&print, "DUPLICATA");
}

#[test]
fn a_duplicata_livret_is_a_reprint_without_mention() {
    let pdf = render(&tutorial_model(DocumentKind::Livret, Duplicata));

    assert_a4_pages(&pdf, 2);
    assert_lacks(&pdf_text(&pdf), "DUPLICATA");
}

/// The QR codes found on the first page, decoded.
fn qr_codes(pdf: &[u8]) -> Vec<String> {
    let path = scratch_file("qr.pdf", pdf);
    let output = Command::new("pdftoppm")
        .args(["-gray", "-r", "200", "-singlefile"])
        .arg(&path)
        .output()
        .expect("pdftoppm");
    std::fs::remove_file(&path).ok();
    let pgm = output.stdout;

    // Binary PGM: "P5\n<width> <height>\n<max>\n" then one byte a pixel.
    let header: Vec<&[u8]> = pgm.splitn(5, |b| b.is_ascii_whitespace()).take(4).collect();
    let number = |field: &[u8]| -> usize { std::str::from_utf8(field).unwrap().parse().unwrap() };
    let (width, height) = (number(header[1]), number(header[2]));
    let pixels = &pgm[pgm.len() - width * height..];
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    image
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

#[test]
fn printed_diplomas_and_livrets_carry_their_number_and_a_qr_code_of_the_verification_page() {
    for kind in [DocumentKind::Diplome, DocumentKind::Livret] {
        let preview = render(&tutorial_model(kind, Apercu));
        let print = render(&tutorial_model(kind, Impression));

        assert_contains(&pdf_text(&print), "Vérifier ce document");
        assert_contains(&pdf_text(&print), "N° DIP-2022-000042");
        assert_eq!(
            qr_codes(&print),
            vec!["http://127.0.0.1:8080/verifier/DIP-2022-000042.signature".to_owned()],
            "{kind:?}"
        );
        assert_lacks(&pdf_text(&preview), "DIP-2022-000042");
        assert!(qr_codes(&preview).is_empty(), "{kind:?}");
    }
}

#[test]
fn a_pli_puts_its_documents_in_one_pdf_in_envelope_order() {
    let letter = render(&tutorial_model(
        DocumentKind::LettreAccompagnement,
        Impression,
    ));
    let diploma = render(&tutorial_model(DocumentKind::Diplome, Impression));
    let livret = render(&tutorial_model(DocumentKind::Livret, Impression));
    let parts = [
        ceres_render::PliPart {
            pdf: &letter,
            pages: ceres_render::printed_pages(DocumentKind::LettreAccompagnement),
        },
        ceres_render::PliPart {
            pdf: &diploma,
            pages: ceres_render::printed_pages(DocumentKind::Diplome),
        },
        ceres_render::PliPart {
            pdf: &livret,
            pages: ceres_render::printed_pages(DocumentKind::Livret),
        },
    ];
    let pli = RENDERER
        .merge_pli("PLI-1", &parts)
        .unwrap_or_else(|error| panic!("merging failed: {error}"));
    assert_a4_pages(&pli, 4);

    // Each page carries the text of its document, the letter first, the livret's two
    // pages last: embedded as they were printed, text included.
    let page = |n: usize| {
        normalise(&poppler(
            "pdftotext",
            &["-f", &n.to_string(), "-l", &n.to_string(), "-layout"],
            &pli,
        ))
    };
    assert_eq!(page(1), pdf_text(&letter));
    assert_eq!(page(2), pdf_text(&diploma));
    assert_eq!(
        normalise(&format!("{} {}", page(3), page(4))),
        pdf_text(&livret)
    );
    // The same parts give the same bytes.
    assert_eq!(RENDERER.merge_pli("PLI-1", &parts).ok(), Some(pli));
}

#[test]
fn a_pli_whose_parts_have_fewer_pages_than_said_is_refused() {
    let diploma = render(&tutorial_model(DocumentKind::Diplome, Impression));
    let parts = [ceres_render::PliPart {
        pdf: &diploma,
        pages: 2,
    }];
    assert!(RENDERER.merge_pli("PLI-2", &parts).is_err());
}
