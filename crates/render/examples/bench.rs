//! Throughput of the renderer: N documents of one kind (print version) on THREADS threads
//! sharing one `Renderer`.
//!
//! `cargo run --release -p ceres-render --example bench -- N THREADS [KIND]`, KIND being a
//! document slug (default `diplome`; `all` runs every kind in turn).
//!
//! Prints documents per second, average PDF size and the peak resident memory of the process
//! (`VmHWM` of `/proc/self/status`).

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_render::Renderer;

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let threads: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
    let kinds = match args.next().as_deref() {
        None => vec![DocumentKind::Diplome],
        Some("all") => DocumentKind::all().to_vec(),
        Some(slug) => vec![DocumentKind::from_slug(slug).expect("a document slug or `all`")],
    };

    let started = Instant::now();
    let renderer = Renderer::new();
    let first = support::tutorial_model(DocumentKind::Diplome, DocumentVersion::Impression);
    renderer.render_pdf(&first).expect("first document");
    println!(
        "start-up and first document: {} ms",
        started.elapsed().as_millis()
    );

    for kind in kinds {
        bench(&renderer, kind, count, threads);
    }
    println!(
        "peak RSS (VmHWM): {}",
        peak_rss().unwrap_or_else(|| "unknown".into())
    );
}

fn bench(renderer: &Renderer, kind: DocumentKind, count: usize, threads: usize) {
    let model = support::tutorial_model(kind, DocumentVersion::Impression);

    // Every document has its own candidate, so no two compile the same data.
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut model = model.clone();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        break;
                    }
                    model.candidat.numero = format!("{}", 3_000_000 + n);
                    model.candidat.nom = format!("BERTRAND{}", to_letters(n));
                    let pdf = renderer.render_pdf(&model).expect("document");
                    bytes.fetch_add(pdf.len(), Ordering::Relaxed);
                }
            });
        }
    });
    let elapsed = started.elapsed().as_secs_f64();

    println!(
        "{count} × {} on {threads} thread(s): {elapsed:.2} s, {:.1} documents/s, \
         {:.1} KB/document",
        kind.slug(),
        count as f64 / elapsed,
        bytes.load(Ordering::Relaxed) as f64 / count as f64 / 1024.0,
    );
}

/// A number written in capital letters (names hold no digits).
fn to_letters(mut n: usize) -> String {
    let mut letters = String::new();
    loop {
        letters.insert(0, char::from(b'A' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return letters;
        }
    }
}

fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    Some(line.trim_start_matches("VmHWM:").trim().to_owned())
}
