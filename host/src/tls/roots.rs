//! [`TrustRoots`]: the trust roots an embedder gives its guests, which a
//! guest's `load_default_certs()` / `set_default_verify_paths()` adds to an
//! `SSLContext`.
//!
//! - The host's **system trust store**, read with `rustls-native-certs`: on
//!   Linux the file or directory OpenSSL would use (`SSL_CERT_FILE` /
//!   `SSL_CERT_DIR` of the *host* process if set, else the distribution's
//!   bundle, e.g. Debian's `/etc/ssl/certs/ca-certificates.crt` from the
//!   `ca-certificates` package). On by default; `pysocket --no-system-roots`
//!   turns it off.
//! - **CA files** of the embedder (PEM, `pysocket --ca-file`), added to it.
//!
//! Both are read once per [`TrustRoots`] value, on first use, and shared by
//! every guest and context using it.

use super::error::{TlsError, TlsResult};
use super::pem;
use rustls::pki_types::CertificateDer;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The embedder's default trust roots for guests.
#[derive(Debug, Default)]
pub struct TrustRoots {
    no_system: bool,
    ca_files: Vec<PathBuf>,
    loaded: OnceLock<Result<Arc<Vec<CertificateDer<'static>>>, String>>,
}

impl Clone for TrustRoots {
    fn clone(&self) -> Self {
        TrustRoots {
            no_system: self.no_system,
            ca_files: self.ca_files.clone(),
            loaded: OnceLock::new(),
        }
    }
}

impl TrustRoots {
    /// The host's system trust store and no extra CA file.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide default (system trust store, no CA file), loaded
    /// at most once however many guests use it.
    pub fn shared_default() -> Arc<TrustRoots> {
        static DEFAULT: OnceLock<Arc<TrustRoots>> = OnceLock::new();
        DEFAULT.get_or_init(|| Arc::new(TrustRoots::new())).clone()
    }

    /// Leaves the system trust store out (only CA files count).
    pub fn without_system_roots(mut self) -> Self {
        self.no_system = true;
        self
    }

    /// Adds the certificates of a PEM file. Use [`TrustRoots::check`] to
    /// find unreadable files up front; otherwise the guest's
    /// `load_default_certs()` reports them.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }

    /// Whether the system trust store is included.
    pub fn uses_system_roots(&self) -> bool {
        !self.no_system
    }

    /// The extra CA files.
    pub fn ca_files(&self) -> &[PathBuf] {
        &self.ca_files
    }

    /// Loads everything now; the error names a CA file that cannot be read
    /// or holds no certificate.
    pub fn check(&self) -> Result<usize, String> {
        self.loaded().map(|c| c.len())
    }

    fn loaded(&self) -> Result<Arc<Vec<CertificateDer<'static>>>, String> {
        self.loaded
            .get_or_init(|| self.load().map(Arc::new))
            .clone()
    }

    /// The root certificates (DER), loaded on first use.
    pub fn certificates(&self) -> TlsResult<Arc<Vec<CertificateDer<'static>>>> {
        self.loaded()
            .map_err(|e| TlsError::Net(crate::net::NetError::refused(libc::EIO, e)))
    }

    fn load(&self) -> Result<Vec<CertificateDer<'static>>, String> {
        let mut certs = Vec::new();
        if !self.no_system {
            // Individual unreadable entries of the system store are skipped,
            // as OpenSSL skips them.
            let found = rustls_native_certs::load_native_certs();
            certs.extend(found.certs);
        }
        for file in &self.ca_files {
            certs.extend(read_ca_file(file)?);
        }
        Ok(certs)
    }
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let text = std::fs::read(path).map_err(|e| {
        let why = e
            .raw_os_error()
            .map_or_else(|| e.to_string(), crate::net::error::strerror);
        format!("CA file {}: {why}", path.display())
    })?;
    let certs = pem::certificates(&text).map_err(|e| format!("CA file {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "CA file {}: no PEM certificate in it",
            path.display()
        ));
    }
    Ok(certs)
}
