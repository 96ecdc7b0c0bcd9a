//! The tutorial's candidate (design brief §4), shared by the tests and the benchmark.

#![allow(dead_code)]

use ceres_domain::document::{DocumentKind, DocumentVersion};

pub use ceres_render::sample::tutorial_model;

/// Every kind of document.
pub const KINDS: [DocumentKind; 6] = DocumentKind::all();

/// How many pages a document has: the printed livret opens on its front page (R2).
pub fn pages_of(kind: DocumentKind, version: DocumentVersion) -> usize {
    if kind == DocumentKind::Livret && version.is_printed() {
        2
    } else {
        1
    }
}

/// A page rasterised in grey levels.
pub struct Grey {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Binary PGM: "P5", width, height, maximum, each followed by one blank, then the pixels.
pub fn parse_pgm(pgm: &[u8]) -> Grey {
    let mut fields = Vec::new();
    let mut start = None;
    let mut end = 0;
    for (i, byte) in pgm.iter().enumerate() {
        match (byte.is_ascii_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                fields.push(
                    std::str::from_utf8(&pgm[s..i])
                        .expect("ASCII header")
                        .to_owned(),
                );
                start = None;
                if fields.len() == 4 {
                    end = i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        fields.first().map(String::as_str),
        Some("P5"),
        "not a binary PGM"
    );
    assert_eq!(fields[3], "255", "8-bit grey levels expected");
    let width = fields[1].parse().expect("width");
    let height = fields[2].parse().expect("height");
    let pixels = pgm[end..].to_vec();
    assert_eq!(pixels.len(), (width * height) as usize, "truncated PGM");
    Grey {
        width,
        height,
        pixels,
    }
}
