//! The `ceres` command: serve the web app, migrate, import reference data, load the demo.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use ceres::import_command;
use ceres::render_command::{self, RenderRequest};
use ceres::settings::Settings;
use ceres_domain::document::{DocumentKind, DocumentVersion};

#[derive(Parser)]
#[command(
    name = "ceres",
    version,
    about = "Édition et envoi des documents des titres professionnels"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web app (migrates and imports the reference data on first start).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free one).
        #[arg(long, env = "CERES_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Load the demo scene (the tutorial's session and a few more) before serving.
        #[arg(long)]
        demo: bool,
        /// Write the bound address to this file once ready to serve.
        #[arg(long)]
        port_file: Option<PathBuf>,
    },
    /// Create or update the database schema.
    Migrate,
    /// Import reference data.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Load the demo scene into the database; with `--scale national`, also a generated
    /// national volume (about 60,000 sessions and 900,000 candidates over five years).
    Demo {
        /// `tutorial` (the default) or `national`.
        #[arg(long, default_value = "tutorial")]
        scale: String,
        /// Sessions of the national volume.
        #[arg(long, default_value_t = 60_000)]
        sessions: u64,
        /// Candidates per session on average.
        #[arg(long, default_value_t = 15)]
        candidats_par_session: u64,
    },
    /// The traçabilité (R13).
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Purge the personal data past its retention period (docs/retention.md).
    Purge {
        /// Count what would be purged, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Render the documents of a session, or of one of its candidates, into a folder.
    ///
    /// Print versions number each diplôme and livret (a duplicata diploma gets a new number
    /// that supersedes the previous one) and skip candidates whose data are invalid.
    Render {
        /// The session, e.g. TITRE_B_2023_470415.
        #[arg(long)]
        session: String,
        /// Only this candidate (CERES id), e.g. 2122559.
        #[arg(long)]
        candidat: Option<i64>,
        /// apercu (the harmless preview), impression or duplicata.
        #[arg(long, default_value = "apercu", value_parser = parse_version)]
        version: DocumentVersion,
        /// Only these documents (diplome, diplome-ccs, livret, lettre-accompagnement,
        /// notification-echec, attestation-reussite); by default those the candidate
        /// receives.
        #[arg(long = "kind", value_parser = parse_kind)]
        kinds: Vec<DocumentKind>,
        /// Folder to write into; files go to <out>/<session>/.
        #[arg(long, default_value = "rendu")]
        out: PathBuf,
    },
    /// The print provider's access to its API.
    Provider {
        #[command(subcommand)]
        what: ProviderCommand,
    },
    /// Run the background jobs that are due (rendering requests, building lots), then stop.
    Work {
        /// Also put every waiting pli into a lot now, as at the daily cut-off.
        #[arg(long)]
        lot: bool,
    },
    /// Measure; prints figures, changes nothing.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Subcommand)]
enum ProviderCommand {
    /// Issue a bearer token for the provider's API; it is printed once and kept only as its
    /// SHA-256.
    AddToken {
        /// The provider, e.g. afpa.
        #[arg(long, default_value = ceres_store::ledger::DEFAULT_PROVIDER)]
        provider: String,
        /// What the token is for, e.g. "atelier de Lyon".
        #[arg(long)]
        label: String,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Render print versions of the tutorial's documents, each for its own candidate, and
    /// print documents per second and the process's peak memory (VmHWM).
    Render {
        /// Documents of each kind, per thread count.
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Thread counts to measure, in turn (repeat the option: --threads 1 --threads 2).
        #[arg(long, default_values_t = [1, 2])]
        threads: Vec<usize>,
        /// Only these documents (slugs as for `render`); by default every kind.
        #[arg(long = "kind", value_parser = parse_kind)]
        kinds: Vec<DocumentKind>,
    },
    /// A national peak day: N candidates of one session sent for printing at once, until
    /// every pli is in a lot. Writes its own session into the database: use a scratch one.
    Pipeline {
        #[arg(long, default_value_t = 5000)]
        candidats: usize,
        /// Job workers in this process.
        #[arg(long, default_value_t = 2)]
        workers: usize,
    },
}

fn parse_version(text: &str) -> Result<DocumentVersion, String> {
    DocumentVersion::from_slug(text)
        .ok_or_else(|| format!("{text:?} is not apercu, impression or duplicata"))
}

fn parse_kind(text: &str) -> Result<DocumentKind, String> {
    DocumentKind::from_slug(text).ok_or_else(|| {
        let kinds: Vec<&str> = DocumentKind::all().iter().map(|k| k.slug()).collect();
        format!("{text:?} is not one of {}", kinds.join(", "))
    })
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the audit entries from the first to the last, and name the
    /// first broken link (exit status 1 then).
    Verify {
        /// A head noted earlier, `SEQ:HASH`, which must still be in the chain.
        #[arg(long)]
        anchor: Option<ceres::audit_command::Anchor>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// The titres professionnels (RNCP export) and the INSEE geography, from a folder laid
    /// out as `data/` (default: the copies built into the binary).
    Referentiel {
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Candidates of a session, from a CSV or JSON file (docs/import-candidats.md): every
    /// row is checked as in the candidate module, and nothing is written if one is refused.
    Candidats {
        /// The session, e.g. TITRE_B_2023_470415.
        #[arg(long)]
        session: String,
        /// The file, UTF-8, CSV (`;` or `,`) or JSON.
        file: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ceres::init_tracing();
    let cli = Cli::parse();
    let settings = Settings::from_env()?;

    match cli.command {
        Command::Serve {
            listen,
            demo,
            port_file,
        } => ceres::serve(&settings, &listen, demo, port_file.as_deref()).await,
        Command::Migrate => {
            ceres::open_database(&settings).await?;
            println!("database migrated");
            Ok(())
        }
        Command::Import {
            what: ImportCommand::Referentiel { dir },
        } => {
            let db = ceres::open_database(&settings).await?;
            let summary = ceres::refdata::import(&db, dir.as_deref()).await?;
            println!("{summary}");
            Ok(())
        }
        Command::Import {
            what: ImportCommand::Candidats { session, file },
        } => {
            let db = ceres::prepare_database(&settings).await?;
            let clock = ceres_domain::SystemClock;
            let report = import_command::import_candidats(&db, &clock, &session, &file).await?;
            import_command::write_report(&report, &mut std::io::stdout().lock())?;
            match (&report.file_issue, report.imported) {
                (_, true) => {}
                (Some(issue), false) => {
                    anyhow::bail!("import refused ({}): nothing written", issue.check)
                }
                (None, false) => anyhow::bail!(
                    "import refused: {} row(s) refused, nothing written",
                    report.refused()
                ),
            }
            Ok(())
        }
        Command::Demo {
            scale,
            sessions,
            candidats_par_session,
        } => {
            let db = ceres::prepare_database(&settings).await?;
            ceres::demo::load(&db, &ceres_domain::SystemClock).await?;
            println!("demo scene loaded; sign in with the accounts listed in the README");
            match scale.as_str() {
                "tutorial" => {}
                "national" => {
                    ceres::demo::load_national(&db, sessions, candidats_par_session).await?;
                }
                other => anyhow::bail!("--scale must be tutorial or national, not {other:?}"),
            }
            Ok(())
        }
        Command::Audit {
            what: AuditCommand::Verify { anchor },
        } => {
            let db = ceres::open_database(&settings).await?;
            let (text, intact) = ceres::audit_command::verify(&db, anchor.as_ref()).await?;
            println!("{text}");
            if !intact {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Purge { dry_run } => {
            let db = ceres::open_database(&settings).await?;
            let now = ceres_domain::Clock::now(&ceres_domain::SystemClock);
            println!("{}", ceres::audit_command::purge(&db, now, dry_run).await?);
            Ok(())
        }
        Command::Render {
            session,
            candidat,
            version,
            kinds,
            out,
        } => {
            let state = ceres::command_state(&settings).await?;
            let request = RenderRequest {
                session_id: session,
                candidat_id: candidat,
                version,
                kinds,
                out,
            };
            let report = render_command::render(&state, &request).await?;
            for file in &report.rendered {
                match &file.numero {
                    Some(numero) => println!("{} (n° {numero})", file.path.display()),
                    None => println!("{}", file.path.display()),
                }
            }
            for (candidat, reason) in &report.skipped {
                eprintln!("skipped candidate {candidat}: {reason}");
            }
            if !report.skipped.is_empty() {
                anyhow::bail!(
                    "{} document(s) or candidate(s) skipped",
                    report.skipped.len()
                );
            }
            Ok(())
        }
        Command::Provider {
            what: ProviderCommand::AddToken { provider, label },
        } => {
            let db = ceres::open_database(&settings).await?;
            let token = ceres::new_api_token();
            let now = ceres_domain::Clock::now(&ceres_domain::SystemClock);
            ceres_store::ledger::add_token(&db, &provider, &label, &token, now).await?;
            println!("{token}");
            eprintln!("token for provider {provider} ({label}): shown once, keep it safe");
            Ok(())
        }
        Command::Work { lot } => {
            let state = ceres::command_state(&settings).await?;
            let owner = format!("work-{}", std::process::id());
            let ran = ceres_web::pipeline::run_until_idle(&state, &owner).await?;
            let lots = if lot {
                ceres_web::pipeline::build_lots(&state).await?
            } else {
                0
            };
            println!("{ran} job(s) run, {lots} lot(s) built");
            Ok(())
        }
        Command::Bench {
            what:
                BenchCommand::Render {
                    count,
                    threads,
                    kinds,
                },
        } => bench_render(count, &threads, kinds),
        Command::Bench {
            what: BenchCommand::Pipeline { candidats, workers },
        } => {
            let state = ceres::command_state(&settings).await?;
            let report = ceres::bench_pipeline::run(&state, candidats, workers).await?;
            println!("{report}");
            Ok(())
        }
    }
}

/// `ceres bench render`: one line per kind and thread count, then the peak memory.
fn bench_render(count: usize, threads: &[usize], kinds: Vec<DocumentKind>) -> anyhow::Result<()> {
    use ceres_render::bench;

    let kinds = if kinds.is_empty() {
        DocumentKind::all().to_vec()
    } else {
        kinds
    };
    let started = std::time::Instant::now();
    let renderer = ceres_render::Renderer::new();
    bench::run(&renderer, DocumentKind::Diplome, 1, 1)?;
    println!(
        "start-up and first document: {} ms",
        started.elapsed().as_millis()
    );
    for kind in kinds {
        for &threads in threads {
            let report = bench::run(&renderer, kind, count, threads)?;
            println!(
                "{count} × {} on {threads} thread(s): {:.2} s, {:.1} documents/s, \
                 {:.1} KB/document, peak RSS so far {}",
                kind.slug(),
                report.elapsed.as_secs_f64(),
                report.per_second(),
                report.average_bytes as f64 / 1024.0,
                report
                    .peak_rss_kb
                    .map_or("unknown".to_owned(), |kb| format!(
                        "{:.1} MB",
                        kb as f64 / 1024.0
                    )),
            );
        }
    }
    Ok(())
}
