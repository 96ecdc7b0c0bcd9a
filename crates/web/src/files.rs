//! The file store of generated documents: a local folder by default, an S3-compatible
//! object storage when configured (design brief §7), both through the `object_store`
//! crate. Files are written under a key made from the ledger's ids, so writing the same
//! document again replaces it with the same bytes.

use std::path::Path;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

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

    /// An S3-compatible bucket, from a URL `s3://bucket` or `s3://bucket/folder`; the
    /// credentials, region and endpoint come from the usual `AWS_*` variables
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`,
    /// `AWS_ALLOW_HTTP` for an endpoint in plain HTTP). Nothing is read from the bucket
    /// here: a wrong setting shows at the first write, in the job's error.
    pub fn s3(url: &str) -> Result<FileStore, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        if parsed.scheme() != "s3" {
            return Err(format!(
                "{url:?}: only s3://bucket[/folder] is supported, or a local folder"
            ));
        }
        let bucket = parsed
            .host_str()
            .filter(|bucket| !bucket.is_empty())
            .ok_or_else(|| format!("{url:?} names no bucket"))?;
        // The bucket is reached over reqwest's rustls, which takes the process's provider.
        crate::install_tls_provider();
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("{url:?}: {e}"))?;
        let folder = parsed.path().trim_matches('/');
        Ok(FileStore {
            inner: if folder.is_empty() {
                Arc::new(store)
            } else {
                Arc::new(PrefixStore::new(store, folder))
            },
        })
    }

    /// Any object store.
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

    /// Reads a file that must still have the SHA-256 recorded for it: one that does not is
    /// an internal error, never served.
    pub async fn get_intact(&self, key: &str, sha256: &str) -> Result<Vec<u8>, AppError> {
        self.get_verified(key, sha256).await?.ok_or_else(|| {
            AppError::Internal(format!("stored file {key} does not match its SHA-256"))
        })
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
