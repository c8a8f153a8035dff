//! [`TlsContext`]: what an `ssl.SSLContext` holds (settings, trust roots,
//! the certificate to present) and the rustls configurations made from it.
//!
//! Settings change rarely and connections are made often, so the rustls
//! `ClientConfig`/`ServerConfig` is built on first use and kept until a
//! setting changes. A server's session store and ticket keys belong to the
//! context and survive such rebuilds, so clients that offer a session (an
//! OpenSSL client with `session=`) resume it, as with OpenSSL's per-`SSL_CTX`
//! cache. Clients never resume: CPython resumes only sessions handed to it
//! explicitly, which the guest cannot do here.

use super::ciphers;
use super::error::{from_rustls, TlsError, TlsResult};
use super::pem;
use super::roots::TrustRoots;
use super::verify::{ClientVerifier, ServerVerifier};
use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ProducesTickets, ServerSessionMemoryCache, WebPkiClientVerifier};
use rustls::{CipherSuite, ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};
use std::sync::Arc;

/// CPython's `verify_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyMode {
    None,
    Optional,
    Required,
}

/// TLS wire version numbers.
pub const TLS12: u16 = 0x0303;
pub const TLS13: u16 = 0x0304;

/// How many sessions a context's server store remembers.
const SERVER_SESSIONS: usize = 1024;

/// The certificate chain and key a context presents.
struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

/// One `SSLContext`'s state in the host.
pub struct TlsContext {
    verify_mode: VerifyMode,
    check_hostname: bool,
    min_version: u16,
    max_version: u16,
    alpn: Vec<Vec<u8>>,
    suites: Option<Vec<CipherSuite>>,
    num_tickets: usize,
    server_order: bool,
    roots: RootCertStore,
    anchors: Vec<CertificateDer<'static>>,
    identity: Option<Identity>,
    server_sessions: Arc<ServerSessionMemoryCache>,
    ticketer: Option<Arc<dyn ProducesTickets>>,
    client_config: Option<Arc<ClientConfig>>,
    server_config: Option<Arc<ServerConfig>>,
}

impl std::fmt::Debug for TlsContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsContext")
            .field("verify_mode", &self.verify_mode)
            .field("check_hostname", &self.check_hostname)
            .field("roots", &self.anchors.len())
            .field("has_identity", &self.identity.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for TlsContext {
    fn default() -> Self {
        Self::new()
    }
}

impl TlsContext {
    /// CPython's defaults for a new `SSLContext` (see the WIT constructor).
    pub fn new() -> Self {
        TlsContext {
            verify_mode: VerifyMode::None,
            check_hostname: false,
            min_version: 0,
            max_version: 0,
            alpn: Vec::new(),
            suites: None,
            num_tickets: 2,
            server_order: false,
            roots: RootCertStore::empty(),
            anchors: Vec::new(),
            identity: None,
            server_sessions: ServerSessionMemoryCache::new(SERVER_SESSIONS),
            ticketer: None,
            client_config: None,
            server_config: None,
        }
    }

    fn changed(&mut self) {
        self.client_config = None;
        self.server_config = None;
    }

    pub fn set_verify_mode(&mut self, mode: VerifyMode) {
        self.verify_mode = mode;
        self.changed();
    }

    pub fn set_check_hostname(&mut self, check: bool) {
        self.check_hostname = check;
        self.changed();
    }

    /// Wire numbers; 0 = unbounded.
    pub fn set_versions(&mut self, min: u16, max: u16) {
        self.min_version = min;
        self.max_version = max;
        self.changed();
    }

    pub fn set_alpn(&mut self, protocols: Vec<Vec<u8>>) {
        self.alpn = protocols;
        self.changed();
    }

    pub fn set_ciphers(&mut self, spec: &str) -> TlsResult<()> {
        self.suites = Some(ciphers::select(spec)?);
        self.changed();
        Ok(())
    }

    /// OpenSSL's `OP_CIPHER_SERVER_PREFERENCE`.
    pub fn set_server_cipher_preference(&mut self, server_order: bool) {
        self.server_order = server_order;
        self.changed();
    }

    pub fn set_num_tickets(&mut self, n: usize) {
        self.num_tickets = n;
        self.changed();
    }

    /// The suites connections may use, by OpenSSL's names.
    pub fn ciphers(&self) -> Vec<&'static ciphers::SuiteInfo> {
        ciphers::filter(
            &rustls::crypto::ring::default_provider().cipher_suites,
            self.suites.as_deref(),
        )
        .iter()
        .filter_map(|s| ciphers::info(s.suite()))
        .filter(|s| {
            let version = if s.protocol == "TLSv1.3" {
                rustls::ProtocolVersion::TLSv1_3
            } else {
                rustls::ProtocolVersion::TLSv1_2
            };
            self.protocols().iter().any(|v| v.version == version)
        })
        .collect()
    }

    /// Adds trust roots; returns how many were added.
    pub fn add_roots(&mut self, certs: Vec<CertificateDer<'static>>) -> TlsResult<u32> {
        let mut added = 0;
        for cert in certs {
            self.roots.add(cert.clone()).map_err(|e| {
                TlsError::lib(
                    "X509",
                    "CERTIFICATE_PARSE_ERROR",
                    format!("bad CA certificate: {e}"),
                )
            })?;
            self.anchors.push(cert);
            added += 1;
        }
        self.changed();
        Ok(added)
    }

    /// `load_verify_locations(cadata=str)`.
    pub fn add_roots_pem(&mut self, pem_text: &[u8]) -> TlsResult<u32> {
        let certs = pem::certificates(pem_text)?;
        if certs.is_empty() {
            return Err(no_certificate());
        }
        self.add_roots(certs)
    }

    /// `load_verify_locations(cadata=bytes)`.
    pub fn add_roots_der(&mut self, der: &[u8]) -> TlsResult<u32> {
        let certs = pem::der_certificates(der)?;
        if certs.is_empty() {
            return Err(no_certificate());
        }
        self.add_roots(certs)
    }

    /// `load_default_certs()`: the embedder's roots.
    pub fn add_default_roots(&mut self, defaults: &TrustRoots) -> TlsResult<u32> {
        let certs = defaults.certificates()?;
        let mut added = 0;
        for cert in certs.iter() {
            // A system store may hold certificates webpki cannot use (old
            // v1 roots, odd encodings): skip them, as OpenSSL skips what it
            // cannot load from a bundle.
            if self.roots.add(cert.clone()).is_ok() {
                self.anchors.push(cert.clone());
                added += 1;
            }
        }
        self.changed();
        Ok(added)
    }

    /// The DER of every trust root.
    pub fn anchors(&self) -> &[CertificateDer<'static>] {
        &self.anchors
    }

    /// `load_cert_chain`.
    pub fn load_cert_chain(
        &mut self,
        chain_pem: &[u8],
        key_pem: &[u8],
        password: Option<&[u8]>,
    ) -> TlsResult<()> {
        let chain = pem::certificates(chain_pem)?;
        if chain.is_empty() {
            return Err(TlsError::lib(
                "PEM",
                "NO_START_LINE",
                "no start line (no certificate found)",
            ));
        }
        let key = pem::private_key(key_pem, password)?;
        let provider = provider(None);
        rustls::sign::CertifiedKey::from_der(chain.clone(), key.clone_key(), &provider).map_err(
            |e| match e {
                rustls::Error::InconsistentKeys(_) => {
                    TlsError::lib("X509", "KEY_VALUES_MISMATCH", "key values mismatch")
                }
                other => TlsError::lib("SSL", "PEM_LIB", format!("PEM lib ({other})")),
            },
        )?;
        self.identity = Some(Identity { chain, key });
        self.changed();
        Ok(())
    }

    fn protocols(&self) -> Vec<&'static SupportedProtocolVersion> {
        let max = if self.max_version == 0 {
            u16::MAX
        } else {
            self.max_version
        };
        let min = self.min_version;
        let mut out = Vec::new();
        if max >= TLS13 && min <= TLS13 {
            out.push(&rustls::version::TLS13);
        }
        if max >= TLS12 && min <= TLS12 {
            out.push(&rustls::version::TLS12);
        }
        out
    }

    fn checked_protocols(&self) -> TlsResult<Vec<&'static SupportedProtocolVersion>> {
        let p = self.protocols();
        if p.is_empty() {
            return Err(TlsError::ssl(
                "NO_PROTOCOLS_AVAILABLE",
                "no protocols available",
            ));
        }
        Ok(p)
    }

    /// The client configuration (built now if a setting changed).
    pub fn client_config(&mut self) -> TlsResult<Arc<ClientConfig>> {
        if let Some(c) = &self.client_config {
            return Ok(c.clone());
        }
        let provider = Arc::new(provider(self.suites.as_deref()));
        let verifier = Arc::new(ServerVerifier {
            roots: Arc::new(self.roots.clone()),
            verify_chain: self.verify_mode != VerifyMode::None,
            check_name: self.check_hostname,
            algorithms: provider.signature_verification_algorithms,
        });
        let builder = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&self.checked_protocols()?)
            .map_err(config_error)?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match &self.identity {
            Some(id) => builder
                .with_client_auth_cert(id.chain.clone(), id.key.clone_key())
                .map_err(config_error)?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = self.alpn.clone();
        // CPython resumes a client session only when given one
        // (`session=`), which pysocket does not support: no resumption,
        // so `session_reused` and the cost of a handshake are CPython's.
        config.resumption = Resumption::disabled();
        let config = Arc::new(config);
        self.client_config = Some(config.clone());
        Ok(config)
    }

    /// The server configuration (built now if a setting changed).
    pub fn server_config(&mut self) -> TlsResult<Arc<ServerConfig>> {
        if let Some(c) = &self.server_config {
            return Ok(c.clone());
        }
        let Some(id) = &self.identity else {
            return Err(TlsError::ssl(
                "NO_CERTIFICATE_ASSIGNED",
                "no certificate assigned (call load_cert_chain on a server context)",
            ));
        };
        let provider = Arc::new(provider(self.suites.as_deref()));
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&self.checked_protocols()?)
            .map_err(config_error)?;
        let builder = match (self.verify_mode, self.roots.is_empty()) {
            (VerifyMode::None, _) | (VerifyMode::Optional, true) => builder.with_no_client_auth(),
            (VerifyMode::Required, true) => {
                return Err(TlsError::ssl(
                    "NO_CERTIFICATE_AUTHORITIES",
                    "CERT_REQUIRED on a server needs trust roots for client certificates \
                     (load_verify_locations)",
                ))
            }
            (mode, false) => {
                let mut b = WebPkiClientVerifier::builder_with_provider(
                    Arc::new(self.roots.clone()),
                    provider,
                );
                if mode == VerifyMode::Optional {
                    b = b.allow_unauthenticated();
                }
                let inner = b
                    .build()
                    .map_err(|e| TlsError::ssl("CERTIFICATE_VERIFY_FAILED", e.to_string()))?;
                builder.with_client_cert_verifier(Arc::new(ClientVerifier { inner }))
            }
        };
        let mut config = builder
            .with_single_cert(id.chain.clone(), id.key.clone_key())
            .map_err(config_error)?;
        config.alpn_protocols = self.alpn.clone();
        config.session_storage = self.server_sessions.clone();
        config.send_tls13_tickets = self.num_tickets;
        config.ignore_client_order = self.server_order;
        if self.num_tickets > 0 {
            if self.ticketer.is_none() {
                self.ticketer = Some(rustls::crypto::ring::Ticketer::new().map_err(from_rustls)?);
            }
            config.ticketer = self.ticketer.clone().expect("set above");
        }
        let config = Arc::new(config);
        self.server_config = Some(config.clone());
        Ok(config)
    }
}

/// The ring provider, its suites restricted to `suites`.
fn provider(suites: Option<&[CipherSuite]>) -> CryptoProvider {
    let base = rustls::crypto::ring::default_provider();
    CryptoProvider {
        cipher_suites: ciphers::filter(&base.cipher_suites, suites),
        ..base
    }
}

fn config_error(e: rustls::Error) -> TlsError {
    match e {
        rustls::Error::General(m) if m.contains("no usable cipher suites") => {
            TlsError::ssl("NO_CIPHERS_AVAILABLE", "no ciphers available")
        }
        other => from_rustls(other),
    }
}

fn no_certificate() -> TlsError {
    TlsError::lib(
        "X509",
        "NO_CERTIFICATE_OR_CRL_FOUND",
        "no certificate or crl found",
    )
}
