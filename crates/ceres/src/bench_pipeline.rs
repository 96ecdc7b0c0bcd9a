//! `ceres bench pipeline`: a national peak day (issue 5). N candidates of one validated
//! session are sent for printing at once; the workers render every document and make every
//! pli, then the plis go into lots. Prints the time of each stage and the process's peak
//! memory. It writes a session of its own (`BENCH_…`) into the configured database: run it
//! on a scratch database.

use std::time::Instant;

use anyhow::Context;
use ceres_domain::Clock;
use ceres_store::candidats::{self, NewCandidat};
use ceres_store::sessions::{self, NewSession};
use ceres_store::{Db, date_text, print_requests, referentiel, timestamp_text};
use ceres_web::AppState;

/// What one run measured.
#[derive(Debug)]
pub struct PipelineReport {
    pub candidats: usize,
    pub documents: i64,
    pub plis: i64,
    pub lots: usize,
    pub setup_ms: u128,
    pub requests_ms: u128,
    pub render_ms: u128,
    pub lots_ms: u128,
    pub peak_rss_kb: Option<u64>,
}

impl std::fmt::Display for PipelineReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let render_s = self.render_ms as f64 / 1000.0;
        writeln!(f, "{} candidates sent for printing", self.candidats)?;
        writeln!(f, "  set-up (session and candidates): {} ms", self.setup_ms)?;
        writeln!(
            f,
            "  requests recorded (with their jobs): {} ms",
            self.requests_ms
        )?;
        writeln!(
            f,
            "  documents rendered and plis made: {} ms ({} documents, {:.1} documents/s, {} plis)",
            self.render_ms,
            self.documents,
            self.documents as f64 / render_s.max(0.001),
            self.plis
        )?;
        writeln!(
            f,
            "  plis put into lots: {} ms ({} lot(s))",
            self.lots_ms, self.lots
        )?;
        writeln!(
            f,
            "  from the send to every pli in a lot: {} ms",
            self.requests_ms + self.render_ms + self.lots_ms
        )?;
        match self.peak_rss_kb {
            Some(kb) => write!(f, "  peak memory (VmHWM): {:.1} MB", kb as f64 / 1024.0),
            None => write!(f, "  peak memory: unknown"),
        }
    }
}

/// Runs the peak day with `workers` job workers in this process.
pub async fn run(
    state: &AppState,
    candidats: usize,
    workers: usize,
) -> anyhow::Result<PipelineReport> {
    let db = &state.db;
    let started = Instant::now();
    crate::demo::load(db, state.clock.as_ref()).await?;
    let session = create_session(db, state.clock.as_ref(), candidats).await?;
    let setup_ms = started.elapsed().as_millis();

    let started = Instant::now();
    let now = state.clock.now();
    let today = state.clock.today_in_paris();
    let ids = candidats::ids_of_session(db, &session).await?;
    for candidat in &ids {
        print_requests::create_initial(db, &session, *candidat, "bench", now, today).await?;
    }
    let requests_ms = started.elapsed().as_millis();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..workers.max(1) {
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            ceres_web::pipeline::run_until_idle(&state, &format!("bench-{n}")).await
        }));
    }
    for task in tasks {
        task.await??;
    }
    let render_ms = started.elapsed().as_millis();

    let started = Instant::now();
    let lots = ceres_web::pipeline::build_lots(state).await?;
    let lots_ms = started.elapsed().as_millis();

    let (documents, plis) = ceres_store::ledger::session_progress(db, &session).await?;
    let unfinished = ceres_store::jobs::unfinished(db).await?;
    if let Some(job) = unfinished.iter().find(|j| j.state == "parked") {
        anyhow::bail!("a job failed: {:?}", job.last_error);
    }
    Ok(PipelineReport {
        candidats: ids.len(),
        documents,
        plis,
        lots,
        setup_ms,
        requests_ms,
        render_ms,
        lots_ms,
        peak_rss_kb: ceres_render::bench::peak_rss_kb(),
    })
}

/// A validated session of the tutorial's titre with `count` Admis candidates whose data are
/// valid; answers its id.
async fn create_session(db: &Db, clock: &dyn Clock, count: usize) -> anyhow::Result<String> {
    let now = clock.now();
    let at = timestamp_text(now);
    let id = format!("BENCH_{}", now.as_second());
    let titre_version_id = referentiel::titre_version_id(db, "TP-00463", Some("2018-09-20"))
        .await?
        .context("the titre TP-00463 is not in the referential")?;
    let today = clock.today_in_paris();
    let start = date_text(today.checked_sub(jiff::SignedDuration::from_hours(24 * 20))?);
    let validated = date_text(today.checked_sub(jiff::SignedDuration::from_hours(24 * 10))?);
    sessions::insert_session(
        db,
        &NewSession {
            id: &id,
            titre_version_id: &titre_version_id,
            centre_id: "klee-idf",
            departement_code: "75",
            region_code: "11",
            state: "validee",
            nature: "titre",
            date_debut: &start,
            date_fin: &start,
            date_jury: Some(&start),
            validated_on: Some(&validated),
            validated_by: Some("bench"),
            responsable_nom: "Claude Bernard",
            responsable_courriel: "responsable.session@demo.ceres.fr",
            updated_at: &at,
            updated_by: "bench",
        },
    )
    .await?;
    let first = candidats::next_free_id(db).await?;
    for n in 0..count {
        let candidat = first + n as i64;
        let nom = format!("BERTRAND{}", ceres_render::bench::to_letters(n));
        let adresse = format!("{} rue des Lilas", 1 + n % 200);
        candidats::insert_candidat(
            db,
            &NewCandidat {
                id: candidat,
                civilite: Some(if n % 2 == 0 { "monsieur" } else { "madame" }),
                nom_naissance: &nom,
                prenoms: "Henri",
                date_naissance: "1981-04-23",
                pays_naissance: ceres_domain::candidat::FRANCE,
                commune_naissance: "08105",
                adresse_ligne: &adresse,
                code_postal: "75012",
                ville: "Paris",
                state: "valide",
                updated_at: &at,
                ..NewCandidat::default()
            },
        )
        .await?;
        candidats::insert_inscription(db, &id, candidat, Some("admis"), "").await?;
    }
    Ok(id)
}
