//! The exported `tls` interface: WASI 0.2 has no TLS, so every entry point
//! fails with `tls-error.unsupported` (Python: `NotImplementedError`) and a
//! message; no context or session can be made, so their methods are never
//! reached and answer with neutral values.

use crate::exports::pysocket::socket::socket::Descriptor;
use crate::exports::pysocket::socket::tls::{
    BioStep, Certificate, CipherDescription, ConnectionInfo, Context, ContextBorrow, Guest,
    GuestContext, GuestSession, Session, TlsError, VerifyMode,
};
use crate::exports::pysocket::socket::types::Payload;
use crate::Adapter;

fn unsupported() -> TlsError {
    TlsError::Unsupported(
        "TLS is not available on a plain WASI 0.2 host (pysocket adapter over wasi:sockets); \
         run on the pysocket host for the ssl module"
            .to_string(),
    )
}

fn failed_step() -> BioStep {
    BioStep {
        outgoing: Vec::new(),
        failure: Some(unsupported()),
    }
}

/// A TLS context; never created (see the module docs).
pub struct NoContext;

/// A memory-BIO session; never created (see the module docs).
pub struct NoSession;

impl GuestContext for NoContext {
    fn create() -> Result<Context, TlsError> {
        Err(unsupported())
    }
    fn set_verify_mode(&self, _mode: VerifyMode) {}
    fn set_check_hostname(&self, _check: bool) {}
    fn set_versions(&self, _minimum: u16, _maximum: u16) {}
    fn set_alpn_protocols(&self, _protocols: Vec<Payload>) {}
    fn set_ciphers(&self, _spec: String) -> Result<(), TlsError> {
        Err(unsupported())
    }
    fn ciphers(&self) -> Vec<CipherDescription> {
        Vec::new()
    }
    fn set_server_cipher_preference(&self, _server_order: bool) {}
    fn set_num_tickets(&self, _count: u32) {}
    fn add_trust_pem(&self, _pem: Payload) -> Result<u32, TlsError> {
        Err(unsupported())
    }
    fn add_trust_der(&self, _der: Payload) -> Result<u32, TlsError> {
        Err(unsupported())
    }
    fn load_default_roots(&self) -> Result<u32, TlsError> {
        Err(unsupported())
    }
    fn trust_anchors(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
    fn load_cert_chain(
        &self,
        _chain: Payload,
        _key: Payload,
        _password: Option<Payload>,
    ) -> Result<(), TlsError> {
        Err(unsupported())
    }
}

impl GuestSession for NoSession {
    fn open(
        _ctx: ContextBorrow<'_>,
        _server_side: bool,
        _server_hostname: Option<String>,
    ) -> Result<Session, TlsError> {
        Err(unsupported())
    }
    fn handshake(&self, _incoming: Payload, _incoming_eof: bool) -> BioStep {
        failed_step()
    }
    fn read(&self, _incoming: Payload, _incoming_eof: bool, _max: u32) -> (Vec<u8>, BioStep) {
        (Vec::new(), failed_step())
    }
    fn write(&self, _data: Payload) -> (u32, BioStep) {
        (0, failed_step())
    }
    fn unwrap(&self, _incoming: Payload, _incoming_eof: bool) -> BioStep {
        failed_step()
    }
    fn pending(&self) -> u32 {
        0
    }
    fn describe(&self) -> Option<ConnectionInfo> {
        None
    }
    fn peer_certificates(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
}

impl Guest for Adapter {
    type Context = NoContext;
    type Session = NoSession;

    fn attach(
        _fd: Descriptor,
        _ctx: ContextBorrow<'_>,
        _server_side: bool,
        _server_hostname: Option<String>,
    ) -> Result<(), TlsError> {
        Err(unsupported())
    }
    fn handshake(_fd: Descriptor) -> Result<(), TlsError> {
        Err(unsupported())
    }
    fn read(_fd: Descriptor, _max: u32) -> Result<Vec<u8>, TlsError> {
        Err(unsupported())
    }
    fn write(_fd: Descriptor, _data: Payload) -> Result<u32, TlsError> {
        Err(unsupported())
    }
    fn pending(_fd: Descriptor) -> Result<u32, TlsError> {
        Err(unsupported())
    }
    fn unwrap(_fd: Descriptor) -> Result<(), TlsError> {
        Err(unsupported())
    }
    fn describe(_fd: Descriptor) -> Result<Option<ConnectionInfo>, TlsError> {
        Err(unsupported())
    }
    fn peer_certificates(_fd: Descriptor) -> Result<Vec<Vec<u8>>, TlsError> {
        Err(unsupported())
    }
    fn decode_certificate(_der: Payload) -> Result<Certificate, TlsError> {
        Err(unsupported())
    }
}
