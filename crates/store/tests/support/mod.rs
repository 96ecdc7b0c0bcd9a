//! What the store's integration tests stand on: scratch databases (an SQLite file, and a
//! PostgreSQL database when `DATABASE_URL` points at a server), removed when dropped.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ceres_store::import::ReferentielData;
use ceres_store::{Backend, Db};
use sqlx::AssertSqlSafe;

/// The files of the repository's `data/` folder.
pub fn real_data() -> ReferentielData {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    ReferentielData::read_dir(&dir).unwrap()
}

/// A database that exists for one test: an SQLite file, or a PostgreSQL database created
/// on the server of `DATABASE_URL`. Both are removed when dropped, even after a failure.
pub enum Scratch {
    Sqlite { path: PathBuf },
    Postgres { admin_url: String, name: String },
}

/// An SQLite scratch database, and a PostgreSQL one when `DATABASE_URL` is set.
pub async fn scratch_databases() -> Vec<Scratch> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let mut databases = vec![Scratch::Sqlite {
        path: std::env::temp_dir().join(format!("ceres-import-{id}.sqlite")),
    }];

    if let Ok(admin_url) = std::env::var("DATABASE_URL")
        && admin_url.starts_with("postgres")
    {
        let name = format!("ceres_import_test_{id}");
        let admin = Db::connect(&admin_url).await.unwrap();
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(admin.pool())
            .await
            .unwrap();
        admin.pool().close().await;
        databases.push(Scratch::Postgres { admin_url, name });
    }
    databases
}

impl Scratch {
    /// A migrated connection to this database.
    pub async fn db(&self) -> Db {
        let url = match self {
            Scratch::Sqlite { path } => format!("sqlite://{}", path.display()),
            Scratch::Postgres { admin_url, name } => database_url(admin_url, name),
        };
        let db = Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        assert_eq!(
            db.backend() == Backend::Sqlite,
            matches!(self, Scratch::Sqlite { .. })
        );
        db
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match self {
            Scratch::Sqlite { path } => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Scratch::Postgres { admin_url, name } => {
                // Drop runs inside the test's runtime: drop the database from another thread.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(async {
                        let admin = Db::connect(&admin_url).await.unwrap();
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        sqlx::query(AssertSqlSafe(sql))
                            .execute(admin.pool())
                            .await
                            .unwrap();
                        admin.pool().close().await;
                    });
                });
                let _ = dropped.join();
            }
        }
    }
}

/// `admin_url` with its database replaced by `name`.
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let server = match base.rsplit_once('/') {
        Some((server, _database)) if server.contains("//") && !server.ends_with('/') => server,
        _ => base,
    };
    format!("{server}/{name}{query}")
}
