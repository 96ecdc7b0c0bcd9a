//! Throughput of the renderer (`ceres bench render`): N print versions of one kind of
//! document on T threads sharing one [`Renderer`], each for its own candidate so that no two
//! compile the same data, with the process's peak memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ceres_domain::document::{DocumentKind, DocumentVersion};

use crate::{RenderError, Renderer, sample};

/// What one run measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub kind: DocumentKind,
    pub count: usize,
    pub threads: usize,
    pub elapsed: Duration,
    /// Average size of a PDF, in bytes.
    pub average_bytes: usize,
    /// Peak resident memory of the process so far (`VmHWM`), in kB, when Linux tells it.
    pub peak_rss_kb: Option<u64>,
}

impl BenchReport {
    /// Documents rendered per second.
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }
}

/// Renders `count` print versions of `kind` on `threads` threads.
pub fn run(
    renderer: &Renderer,
    kind: DocumentKind,
    count: usize,
    threads: usize,
) -> Result<BenchReport, RenderError> {
    let model = sample::tutorial_model(kind, DocumentVersion::Impression);
    let threads = threads.max(1);
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<(), RenderError> {
                    let mut model = model.clone();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= count {
                            return Ok(());
                        }
                        model.candidat.numero = format!("{}", 3_000_000 + n);
                        model.candidat.nom = format!("BERTRAND{}", to_letters(n));
                        let pdf = renderer.render_pdf(&model)?;
                        bytes.fetch_add(pdf.len(), Ordering::Relaxed);
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|worker| worker.join().expect("a bench thread panicked"))
    })?;

    Ok(BenchReport {
        kind,
        count,
        threads,
        elapsed: started.elapsed(),
        average_bytes: bytes.load(Ordering::Relaxed) / count.max(1),
        peak_rss_kb: peak_rss_kb(),
    })
}

/// A number written in capital letters (names hold no digits).
pub fn to_letters(mut n: usize) -> String {
    let mut letters = String::new();
    loop {
        letters.insert(0, char::from(b'A' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return letters;
        }
    }
}

/// `VmHWM` of `/proc/self/status`, in kB.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_made_from_numbers_are_letters_only() {
        assert_eq!(to_letters(0), "A");
        assert_eq!(to_letters(25), "Z");
        assert_eq!(to_letters(26), "BA");
        assert!(
            (0..2_000)
                .map(to_letters)
                .all(|s| s.chars().all(|c| c.is_ascii_uppercase()))
        );
    }

    #[test]
    fn a_small_run_counts_every_document() {
        let renderer = Renderer::new();
        let report = run(&renderer, DocumentKind::Diplome, 4, 2).expect("renders");
        assert_eq!(report.count, 4);
        assert!(report.average_bytes > 10_000, "{report:?}");
        assert!(report.per_second() > 0.0);
    }
}
