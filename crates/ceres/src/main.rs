//! The `ceres` command: serve the web app, migrate, import reference data, load the demo.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use ceres::settings::Settings;

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
    /// Load the demo scene into the database.
    Demo,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// The titres professionnels (RNCP export) and the INSEE geography, from a folder laid
    /// out as `data/` (default: the copies built into the binary).
    Referentiel {
        #[arg(long)]
        dir: Option<PathBuf>,
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
        Command::Demo => {
            let db = ceres::prepare_database(&settings).await?;
            ceres::demo::load(&db, &ceres_domain::SystemClock).await?;
            println!("demo scene loaded; sign in with the accounts listed in the README");
            Ok(())
        }
    }
}
