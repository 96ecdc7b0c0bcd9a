//! Reference renders (design brief §4): the tutorial's documents, rasterised by poppler's
//! `pdftoppm`, compared pixel by pixel with the images kept in `tests/reference/`.
//!
//! A layout change that moves, drops or adds ink beyond anti-aliasing fails here even when
//! the text is unchanged. After an intended change, regenerate the images with
//! `CERES_UPDATE_REFERENCES=1 cargo test -p ceres-render --test reference_images` and look at
//! them before committing.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_render::Renderer;
use support::{Grey, parse_pgm, tutorial_model};

/// Resolution of the comparison: enough to see a moved line, small enough to keep in git.
const DPI: &str = "40";

/// A pixel differs when its grey level moved by more than this (anti-aliasing moves less).
const LEVEL_TOLERANCE: u8 = 48;

/// Share of differing pixels a page may have (font hinting differences stay far below).
const SHARE_TOLERANCE: f64 = 0.002;

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference")
}

/// Page `page` (from 1) of the PDF, through `pdftoppm -gray` (a binary PGM).
fn rasterise(pdf: &[u8], page: usize) -> Grey {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ceres-reference-images");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    // Tests run in parallel threads of one process: each file gets its own name.
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{}-{n}-{page}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("scratch file");
    let page = page.to_string();
    let output = Command::new("pdftoppm")
        .args(["-gray", "-r", DPI, "-f", &page, "-l", &page, "-singlefile"])
        .arg(&path)
        .output()
        .unwrap_or_else(|error| panic!("pdftoppm (poppler-utils) must be installed: {error}"));
    std::fs::remove_file(&path).ok();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse_pgm(&output.stdout)
}

fn read_png(path: &Path) -> Option<Grey> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("buffer size")];
    let frame = reader.next_frame(&mut pixels).expect("PNG pixels");
    assert_eq!(
        frame.color_type,
        png::ColorType::Grayscale,
        "{}",
        path.display()
    );
    assert_eq!(frame.bit_depth, png::BitDepth::Eight, "{}", path.display());
    pixels.truncate(frame.buffer_size());
    Some(Grey {
        width: frame.width,
        height: frame.height,
        pixels,
    })
}

fn write_png(path: &Path, image: &Grey) {
    let file = std::fs::File::create(path).expect("PNG file");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), image.width, image.height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(&image.pixels).expect("PNG data");
}

/// Share of pixels whose grey level moved beyond [`LEVEL_TOLERANCE`].
fn differing_share(actual: &Grey, expected: &Grey) -> f64 {
    let differing = actual
        .pixels
        .iter()
        .zip(&expected.pixels)
        .filter(|(a, e)| a.abs_diff(**e) > LEVEL_TOLERANCE)
        .count();
    differing as f64 / actual.pixels.len() as f64
}

/// Compares every page of the tutorial's document with its reference image.
fn check(kind: DocumentKind, version: DocumentVersion) {
    let renderer = Renderer::new();
    let pdf = renderer
        .render_pdf(&tutorial_model(kind, version))
        .expect("the tutorial's document renders");
    let pages = support::pages_of(kind, version);
    for page in 1..=pages {
        let name = format!("{}-{}-{page}.png", kind.slug(), version.slug());
        let path = reference_dir().join(&name);
        let actual = rasterise(&pdf, page);
        if std::env::var_os("CERES_UPDATE_REFERENCES").is_some() {
            write_png(&path, &actual);
            continue;
        }
        let expected = read_png(&path).unwrap_or_else(|| {
            panic!("no reference image {name}; run with CERES_UPDATE_REFERENCES=1 to make it")
        });
        assert_eq!(
            (actual.width, actual.height),
            (expected.width, expected.height),
            "{name}: the page size changed"
        );
        let share = differing_share(&actual, &expected);
        if share > SHARE_TOLERANCE {
            let seen = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(&name);
            write_png(&seen, &actual);
            panic!(
                "{name}: {:.3} % of the pixels differ from the reference (at most {:.3} %); \
                 the render is in {}",
                share * 100.0,
                SHARE_TOLERANCE * 100.0,
                seen.display()
            );
        }
    }
}

#[test]
fn diploma_preview_and_print_match_their_references() {
    check(DocumentKind::Diplome, DocumentVersion::Apercu);
    check(DocumentKind::Diplome, DocumentVersion::Impression);
    check(DocumentKind::Diplome, DocumentVersion::Duplicata);
}

#[test]
fn ccs_diploma_matches_its_reference() {
    check(DocumentKind::DiplomeCcs, DocumentVersion::Impression);
}

#[test]
fn livret_preview_and_print_with_its_front_page_match_their_references() {
    check(DocumentKind::Livret, DocumentVersion::Apercu);
    check(DocumentKind::Livret, DocumentVersion::Impression);
}

#[test]
fn letters_match_their_references() {
    for kind in [
        DocumentKind::LettreAccompagnement,
        DocumentKind::NotificationEchec,
        DocumentKind::AttestationReussite,
    ] {
        check(kind, DocumentVersion::Impression);
    }
}

/// The comparison itself: a page with a line of ink moved is caught, the same page is not.
#[test]
fn a_moved_line_is_caught_and_the_same_page_is_not() {
    let renderer = Renderer::new();
    let pdf = renderer
        .render_pdf(&tutorial_model(
            DocumentKind::Diplome,
            DocumentVersion::Apercu,
        ))
        .expect("renders");
    let page = rasterise(&pdf, 1);
    assert_eq!(differing_share(&page, &rasterise(&pdf, 1)), 0.0);

    let mut moved = tutorial_model(DocumentKind::Diplome, DocumentVersion::Apercu);
    moved.candidat.nom = "BERTRANDE-DUPONTEL".into();
    let other = rasterise(&renderer.render_pdf(&moved).expect("renders"), 1);
    assert!(differing_share(&other, &page) > SHARE_TOLERANCE);
}
