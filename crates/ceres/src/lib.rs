//! Wiring of the `ceres` binary: settings, database start-up, reference data, demo, server.

pub mod audit_command;
pub mod bench_pipeline;
pub mod demo;
pub mod import_command;
pub mod refdata;
pub mod render_command;
pub mod settings;
pub mod signing;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use ceres_domain::Clock;
use ceres_domain::verification::SigningSecret;
use ceres_render::Renderer;
use ceres_store::Db;
use ceres_web::AppState;
use ceres_web::files::FileStore;
use tokio::net::TcpListener;

use crate::settings::Settings;

/// Logs to stderr, at `info` unless `RUST_LOG` says otherwise.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Connects to the database and applies the migrations; creates the SQLite folder.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("cannot create {}", settings.data_dir.display()))?;
    }
    let db = Db::connect(&settings.database_url)
        .await
        .context("cannot open the database")?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
}

/// Opens the database and imports the built-in reference data when it is not there yet.
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = open_database(settings).await?;
    if !refdata::is_loaded(&db).await? {
        let started = std::time::Instant::now();
        let summary = refdata::import(&db, None).await?;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "{summary}"
        );
    }
    Ok(db)
}

/// Builds the app state around a database, a clock and the key of verification codes.
pub fn app_state(
    db: Db,
    clock: Arc<dyn Clock>,
    secure_cookies: bool,
    signing: SigningSecret,
    public_url: &str,
    files: FileStore,
    mailer: ceres_web::mail::Mailer,
) -> AppState {
    ceres_web::install_tls_provider();
    AppState {
        db,
        renderer: Arc::new(Renderer::new()),
        clock,
        secure_cookies,
        signing: Arc::new(signing),
        public_url: public_url.to_owned(),
        oidc: None,
        files,
        mailer,
    }
}

/// Adds OpenID Connect sign-in to an app state.
pub fn with_oidc(
    mut state: AppState,
    settings: ceres_web::oidc::OidcSettings,
) -> anyhow::Result<AppState> {
    let oidc = ceres_web::oidc::Oidc::new(settings, state.clock.clone())
        .context("invalid OpenID Connect settings")?;
    state.oidc = Some(Arc::new(oidc));
    Ok(state)
}

/// The app state of a command that works without serving (`render`, `work`, `bench
/// pipeline`): the database prepared, and the key, clock, file store and mailer of the
/// settings, as `serve` has them.
pub async fn command_state(settings: &Settings) -> anyhow::Result<AppState> {
    let db = prepare_database(settings).await?;
    let signing = signing::load_signing_key(settings)?;
    Ok(app_state(
        db,
        settings.clock(),
        true,
        signing,
        &settings.public_url,
        settings.file_store()?,
        settings.mailer()?,
    ))
}

/// A new bearer token for the provider's API: 32 random bytes, in hex.
pub fn new_api_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Serves the web app until interrupted.
pub async fn serve(
    settings: &Settings,
    listen: &str,
    demo: bool,
    port_file: Option<&Path>,
) -> anyhow::Result<()> {
    let db = prepare_database(settings).await?;
    let signing = signing::load_signing_key(settings)?;
    let clock: Arc<dyn Clock> = settings.clock();
    if demo {
        demo::load(&db, clock.as_ref()).await?;
    }

    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot bind {listen}"))?;
    let address: SocketAddr = listener.local_addr()?;
    let secure = settings
        .secure_cookies
        .unwrap_or(!address.ip().is_loopback());
    let files = settings.file_store()?;
    let mailer = settings.mailer()?;
    let mut state = app_state(
        db,
        clock,
        secure,
        signing,
        &settings.public_url,
        files,
        mailer,
    );
    if let Some(oidc) = &settings.oidc {
        state = with_oidc(state, oidc.clone())?;
        tracing::info!(oidc.issuer = %oidc.issuer, "OpenID Connect sign-in enabled");
    }
    // The job worker: renders requests and builds lots (one per process; several processes
    // on one PostgreSQL share the jobs).
    let owner = format!("{}-{}", std::process::id(), ceres_store::new_id());
    tokio::spawn(ceres_web::pipeline::run_forever(
        state.clone(),
        owner,
        settings.cutoff_hour,
    ));
    let app = ceres_web::router(state);

    if let Some(path) = port_file {
        // Written to a temporary name then renamed, so a reader never sees half an address.
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, address.to_string())?;
        std::fs::rename(&temporary, path)?;
    }
    tracing::info!(%address, "ceres is serving");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so that requests under way finish before the process ends.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}
