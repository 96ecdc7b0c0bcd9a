//! The file store of generated documents: a local folder by default, any object storage
//! behind the same trait (design brief §7). Files are written under a key made from the
//! ledger's ids, so writing the same document again replaces it with the same bytes.

use std::path::Path;
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::{ObjectStore, PutPayload};

use crate::AppError;

/// Where generated files go.
#[derive(Clone, Debug)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
}

impl FileStore {
    /// A store in a local folder, created if needed.
    pub fn local(folder: &Path) -> std::io::Result<FileStore> {
        std::fs::create_dir_all(folder)?;
        let store = LocalFileSystem::new_with_prefix(folder)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(FileStore {
            inner: Arc::new(store),
        })
    }

    /// Any object store (S3, GCS, Azure … through the `object_store` crate's features).
    pub fn new(inner: Arc<dyn ObjectStore>) -> FileStore {
        FileStore { inner }
    }

    /// Writes a file, replacing what was under `key`.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        let path = object_store::path::Path::parse(key)
            .map_err(|e| AppError::Internal(format!("file key {key:?}: {e}")))?;
        self.inner
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(|e| AppError::Internal(format!("cannot write {key}: {e}")))?;
        Ok(())
    }

    /// Reads a file back if its bytes still have the SHA-256 recorded for them; `None` when
    /// they do not (the caller refuses to serve it).
    pub async fn get_verified(&self, key: &str, sha256: &str) -> Result<Option<Vec<u8>>, AppError> {
        let bytes = self.get(key).await?;
        Ok((ceres_store::ledger::sha256_hex(&bytes) == sha256).then_some(bytes))
    }

    /// Reads a file back.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let path = object_store::path::Path::parse(key)
            .map_err(|e| AppError::Internal(format!("file key {key:?}: {e}")))?;
        let found = self
            .inner
            .get(&path)
            .await
            .map_err(|e| AppError::Internal(format!("cannot read {key}: {e}")))?;
        let bytes = found
            .bytes()
            .await
            .map_err(|e| AppError::Internal(format!("cannot read {key}: {e}")))?;
        Ok(bytes.to_vec())
    }
}
