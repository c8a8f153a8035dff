//! [`TlsError`]: what a TLS operation reports, in the terms of CPython's
//! `_ssl` (which speaks OpenSSL's language), and the translation of rustls's
//! errors into them.
//!
//! Python programs and libraries look at `SSLError.reason` (OpenSSL's reason
//! name, e.g. `WRONG_VERSION_NUMBER`), at `SSLCertVerificationError.verify_code`
//! (`X509_V_ERR_*`) and at message texts, so rustls's errors are given the
//! names OpenSSL uses for the same failure where there is one, and a name
//! derived from rustls's own otherwise.

use crate::net::NetError;
use rustls::{AlertDescription, CertificateError, Error as RustlsError, PeerIncompatible};
use std::fmt;

/// A certificate verification failure with OpenSSL's `X509_V_ERR_*` code and
/// text. Verifiers put it inside `CertificateError::Other` so that it
/// survives rustls's error path intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyFailure {
    pub code: i32,
    pub message: String,
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "certificate verify failed: {}", self.message)
    }
}

impl std::error::Error for VerifyFailure {}

/// OpenSSL's `X509_V_ERR_*` codes used here.
pub mod verify_code {
    pub const UNSPECIFIED: i32 = 1;
    pub const CERT_SIGNATURE_FAILURE: i32 = 7;
    pub const CERT_NOT_YET_VALID: i32 = 9;
    pub const CERT_HAS_EXPIRED: i32 = 10;
    pub const DEPTH_ZERO_SELF_SIGNED_CERT: i32 = 18;
    pub const SELF_SIGNED_CERT_IN_CHAIN: i32 = 19;
    pub const UNABLE_TO_GET_ISSUER_CERT_LOCALLY: i32 = 20;
    pub const CERT_REVOKED: i32 = 23;
    pub const INVALID_PURPOSE: i32 = 26;
    pub const HOSTNAME_MISMATCH: i32 = 62;
    pub const IP_ADDRESS_MISMATCH: i32 = 64;
}

impl VerifyFailure {
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        VerifyFailure {
            code,
            message: message.into(),
        }
    }

    /// Wraps the failure as the rustls error a verifier returns.
    pub fn into_rustls(self) -> RustlsError {
        RustlsError::InvalidCertificate(CertificateError::Other(rustls::OtherError(
            std::sync::Arc::new(self),
        )))
    }
}

/// A failure of a TLS operation; one case per kind of Python exception.
#[derive(Debug)]
pub enum TlsError {
    /// A socket failure (`OSError`, `TimeoutError`, ...).
    Net(NetError),
    /// `SSLWantReadError`.
    WantRead,
    /// `SSLWantWriteError`.
    WantWrite,
    /// `SSLZeroReturnError`: the peer sent close_notify.
    ZeroReturn,
    /// `SSLEOFError`: the transport ended without close_notify.
    Eof(String),
    /// `SSLError` with OpenSSL's library and reason names.
    Ssl {
        library: &'static str,
        reason: String,
        message: String,
    },
    /// `SSLCertVerificationError`.
    Verify(VerifyFailure),
    /// `NotImplementedError`.
    Unsupported(String),
}

/// Result of TLS operations.
pub type TlsResult<T> = Result<T, TlsError>;

/// The message of an `SSLEOFError` for a transport that ended mid-session.
pub const UNEXPECTED_EOF: &str =
    "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol";

impl TlsError {
    /// An `SSLError` of library `SSL`.
    pub fn ssl(reason: &str, message: impl Into<String>) -> Self {
        TlsError::Ssl {
            library: "SSL",
            reason: reason.to_string(),
            message: message.into(),
        }
    }

    /// An `SSLError` of another OpenSSL library (`X509`, `PEM`, `EVP`).
    pub fn lib(library: &'static str, reason: &str, message: impl Into<String>) -> Self {
        TlsError::Ssl {
            library,
            reason: reason.to_string(),
            message: message.into(),
        }
    }

    /// The transport ended without close_notify.
    pub fn unexpected_eof() -> Self {
        TlsError::Eof(UNEXPECTED_EOF.to_string())
    }

    /// `EBADF`: no TLS on this descriptor.
    pub fn no_tls() -> Self {
        TlsError::Net(NetError::refused(
            libc::EBADF,
            "Bad file descriptor (no TLS session on this socket)",
        ))
    }
}

impl From<NetError> for TlsError {
    fn from(e: NetError) -> Self {
        TlsError::Net(e)
    }
}

impl From<std::io::Error> for TlsError {
    fn from(e: std::io::Error) -> Self {
        TlsError::Net(e.into())
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::Net(e) => write!(f, "{e}"),
            TlsError::WantRead => f.write_str("The operation did not complete (read)"),
            TlsError::WantWrite => f.write_str("The operation did not complete (write)"),
            TlsError::ZeroReturn => f.write_str("TLS/SSL connection has been closed (EOF)"),
            TlsError::Eof(m) | TlsError::Unsupported(m) => f.write_str(m),
            TlsError::Ssl {
                library,
                reason,
                message,
            } => write!(f, "[{library}: {reason}] {message}"),
            TlsError::Verify(v) => write!(f, "[SSL: CERTIFICATE_VERIFY_FAILED] {v}"),
        }
    }
}

impl std::error::Error for TlsError {}

/// Translates a rustls error into what CPython + OpenSSL would report.
pub fn from_rustls(e: RustlsError) -> TlsError {
    match e {
        RustlsError::InvalidCertificate(c) => TlsError::Verify(certificate_failure(c)),
        RustlsError::AlertReceived(alert) => alert_received(alert),
        RustlsError::InvalidMessage(rustls::InvalidMessage::InvalidContentType)
        | RustlsError::InvalidMessage(rustls::InvalidMessage::UnknownProtocolVersion) => {
            TlsError::ssl("WRONG_VERSION_NUMBER", "wrong version number")
        }
        RustlsError::InvalidMessage(m) => {
            TlsError::ssl("DECODE_ERROR", format!("decode error ({m:?})"))
        }
        RustlsError::DecryptError => TlsError::ssl(
            "DECRYPTION_FAILED_OR_BAD_RECORD_MAC",
            "decryption failed or bad record mac",
        ),
        RustlsError::PeerIncompatible(p) => peer_incompatible(p),
        RustlsError::NoApplicationProtocol => {
            TlsError::ssl("NO_APPLICATION_PROTOCOL", "no application protocol")
        }
        RustlsError::NoCertificatesPresented => TlsError::ssl(
            "PEER_DID_NOT_RETURN_A_CERTIFICATE",
            "peer did not return a certificate",
        ),
        RustlsError::PeerSentOversizedRecord => {
            TlsError::ssl("RECORD_LENGTH_MISMATCH", "record length mismatch")
        }
        RustlsError::InappropriateMessage { .. }
        | RustlsError::InappropriateHandshakeMessage { .. } => {
            TlsError::ssl("UNEXPECTED_MESSAGE", "unexpected message")
        }
        other => TlsError::ssl(&rustls_reason(&other), other.to_string()),
    }
}

/// A reason name for a rustls error OpenSSL has no name for: the error's
/// variant name in upper snake case (`PeerMisbehaved(..)` → `PEER_MISBEHAVED`).
fn rustls_reason(e: &RustlsError) -> String {
    let debug = format!("{e:?}");
    let variant: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn peer_incompatible(p: PeerIncompatible) -> TlsError {
    match p {
        PeerIncompatible::NoCipherSuitesInCommon => {
            TlsError::ssl("NO_SHARED_CIPHER", "no shared cipher")
        }
        PeerIncompatible::ServerDoesNotSupportTls12Or13
        | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
        | PeerIncompatible::SupportedVersionsExtensionRequired
        | PeerIncompatible::Tls12NotOffered
        | PeerIncompatible::Tls12NotOfferedOrEnabled => {
            TlsError::ssl("UNSUPPORTED_PROTOCOL", "unsupported protocol")
        }
        PeerIncompatible::NoKxGroupsInCommon => {
            TlsError::ssl("NO_SUITABLE_KEY_SHARE", "no suitable key share")
        }
        PeerIncompatible::NoSignatureSchemesInCommon
        | PeerIncompatible::NoCertificateRequestSignatureSchemesInCommon => TlsError::ssl(
            "NO_SUITABLE_SIGNATURE_ALGORITHM",
            "no suitable signature algorithm",
        ),
        other => TlsError::ssl("PEER_INCOMPATIBLE", format!("peer incompatible: {other:?}")),
    }
}

/// An alert from the peer: OpenSSL's `SSLV3_ALERT_*`/`TLSV1_ALERT_*` reasons.
fn alert_received(alert: AlertDescription) -> TlsError {
    use AlertDescription as A;
    let (reason, text) = match alert {
        A::UnexpectedMessage => (
            "SSLV3_ALERT_UNEXPECTED_MESSAGE",
            "sslv3 alert unexpected message",
        ),
        A::BadRecordMac => ("SSLV3_ALERT_BAD_RECORD_MAC", "sslv3 alert bad record mac"),
        A::HandshakeFailure => (
            "SSLV3_ALERT_HANDSHAKE_FAILURE",
            "sslv3 alert handshake failure",
        ),
        A::BadCertificate => ("SSLV3_ALERT_BAD_CERTIFICATE", "sslv3 alert bad certificate"),
        A::UnsupportedCertificate => (
            "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
            "sslv3 alert unsupported certificate",
        ),
        A::CertificateRevoked => (
            "SSLV3_ALERT_CERTIFICATE_REVOKED",
            "sslv3 alert certificate revoked",
        ),
        A::CertificateExpired => (
            "SSLV3_ALERT_CERTIFICATE_EXPIRED",
            "sslv3 alert certificate expired",
        ),
        A::CertificateUnknown => (
            "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
            "sslv3 alert certificate unknown",
        ),
        A::IllegalParameter => (
            "SSLV3_ALERT_ILLEGAL_PARAMETER",
            "sslv3 alert illegal parameter",
        ),
        A::UnknownCA => ("TLSV1_ALERT_UNKNOWN_CA", "tlsv1 alert unknown ca"),
        A::AccessDenied => ("TLSV1_ALERT_ACCESS_DENIED", "tlsv1 alert access denied"),
        A::DecodeError => ("TLSV1_ALERT_DECODE_ERROR", "tlsv1 alert decode error"),
        A::DecryptError => ("TLSV1_ALERT_DECRYPT_ERROR", "tlsv1 alert decrypt error"),
        A::ProtocolVersion => (
            "TLSV1_ALERT_PROTOCOL_VERSION",
            "tlsv1 alert protocol version",
        ),
        A::InsufficientSecurity => (
            "TLSV1_ALERT_INSUFFICIENT_SECURITY",
            "tlsv1 alert insufficient security",
        ),
        A::InternalError => ("TLSV1_ALERT_INTERNAL_ERROR", "tlsv1 alert internal error"),
        A::InappropriateFallback => (
            "TLSV1_ALERT_INAPPROPRIATE_FALLBACK",
            "tlsv1 alert inappropriate fallback",
        ),
        A::UserCanceled => ("TLSV1_ALERT_USER_CANCELLED", "tlsv1 alert user cancelled"),
        A::NoRenegotiation => (
            "TLSV1_ALERT_NO_RENEGOTIATION",
            "tlsv1 alert no renegotiation",
        ),
        A::MissingExtension => (
            "TLSV13_ALERT_MISSING_EXTENSION",
            "tlsv13 alert missing extension",
        ),
        A::UnsupportedExtension => (
            "TLSV1_ALERT_UNSUPPORTED_EXTENSION",
            "tlsv1 alert unsupported extension",
        ),
        A::UnrecognisedName => ("TLSV1_UNRECOGNIZED_NAME", "tlsv1 unrecognized name"),
        A::CertificateRequired => (
            "TLSV13_ALERT_CERTIFICATE_REQUIRED",
            "tlsv13 alert certificate required",
        ),
        A::NoApplicationProtocol => (
            "TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
            "tlsv1 alert no application protocol",
        ),
        other => {
            return TlsError::ssl(
                "TLSV1_ALERT_UNKNOWN",
                format!("tls alert {other:?} ({})", u8::from(other)),
            )
        }
    };
    TlsError::ssl(reason, text)
}

/// A rustls certificate error as OpenSSL's verify code and text. Verifiers
/// that know better (hostname mismatch, self-signed) return a
/// [`VerifyFailure`] inside `CertificateError::Other`, which is kept.
pub fn certificate_failure(c: CertificateError) -> VerifyFailure {
    use verify_code::*;
    match c {
        CertificateError::Other(other) => match other.0.downcast_ref::<VerifyFailure>() {
            Some(v) => v.clone(),
            None => VerifyFailure::new(UNSPECIFIED, other.to_string()),
        },
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            VerifyFailure::new(CERT_HAS_EXPIRED, "certificate has expired")
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            VerifyFailure::new(CERT_NOT_YET_VALID, "certificate is not yet valid")
        }
        CertificateError::UnknownIssuer => VerifyFailure::new(
            UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
            "unable to get local issuer certificate",
        ),
        CertificateError::Revoked => VerifyFailure::new(CERT_REVOKED, "certificate revoked"),
        CertificateError::BadSignature => {
            VerifyFailure::new(CERT_SIGNATURE_FAILURE, "certificate signature failure")
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            VerifyFailure::new(INVALID_PURPOSE, "unsupported certificate purpose")
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            VerifyFailure::new(HOSTNAME_MISMATCH, "Hostname mismatch")
        }
        other => VerifyFailure::new(UNSPECIFIED, format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_failures_survive_rustls() {
        let e = VerifyFailure::new(
            verify_code::DEPTH_ZERO_SELF_SIGNED_CERT,
            "self-signed certificate",
        )
        .into_rustls();
        match from_rustls(e) {
            TlsError::Verify(v) => {
                assert_eq!(v.code, 18);
                assert_eq!(v.message, "self-signed certificate");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn alerts_and_garbage_have_openssl_names() {
        match from_rustls(RustlsError::AlertReceived(AlertDescription::UnknownCA)) {
            TlsError::Ssl {
                reason, message, ..
            } => {
                assert_eq!(reason, "TLSV1_ALERT_UNKNOWN_CA");
                assert_eq!(message, "tlsv1 alert unknown ca");
            }
            other => panic!("{other:?}"),
        }
        match from_rustls(RustlsError::InvalidMessage(
            rustls::InvalidMessage::InvalidContentType,
        )) {
            TlsError::Ssl { reason, .. } => assert_eq!(reason, "WRONG_VERSION_NUMBER"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            rustls_reason(&RustlsError::HandshakeNotComplete),
            "HANDSHAKE_NOT_COMPLETE"
        );
    }
}
