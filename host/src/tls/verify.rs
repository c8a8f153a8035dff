//! Certificate verification with CPython's switches and OpenSSL's verdicts.
//!
//! rustls's stock verifiers always check the chain *and* the name. CPython
//! separates them: `verify_mode` says whether the chain is checked,
//! `check_hostname` whether the name is. [`ServerVerifier`] implements that
//! on rustls's building blocks (`verify_server_cert_signed_by_trust_anchor`,
//! `verify_server_name`); handshake signatures are always verified, so even
//! `CERT_NONE` keeps the connection bound to the key of the certificate it
//! shows. [`ClientVerifier`] wraps rustls's client verifier for servers.
//!
//! Failures are reported the way OpenSSL reports them (see
//! [`classify_chain_failure`]): an unknown issuer is "self-signed
//! certificate" (18) when the peer sent only a self-signed leaf,
//! "self-signed certificate in certificate chain" (19) when it sent its own
//! root, else "unable to get local issuer certificate" (20).

use super::error::{verify_code::*, VerifyFailure};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::ParsedCertificate;
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, Error, RootCertStore,
    SignatureScheme,
};
use std::sync::Arc;

/// Verifies a server's certificate for a client context.
#[derive(Debug)]
pub struct ServerVerifier {
    pub roots: Arc<RootCertStore>,
    /// `verify_mode != CERT_NONE`.
    pub verify_chain: bool,
    /// `check_hostname`.
    pub check_name: bool,
    pub algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for ServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if !self.verify_chain {
            return Ok(ServerCertVerified::assertion());
        }
        let cert = ParsedCertificate::try_from(end_entity)?;
        verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.algorithms.all,
        )
        .map_err(|e| classify_chain_failure(e, end_entity, intermediates))?;
        if self.check_name {
            verify_server_name(&cert, server_name).map_err(|_| name_mismatch(server_name))?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// OpenSSL's hostname/IP mismatch verdict.
fn name_mismatch(name: &ServerName<'_>) -> Error {
    match name {
        ServerName::IpAddress(ip) => VerifyFailure::new(
            IP_ADDRESS_MISMATCH,
            format!(
                "IP address mismatch, certificate is not valid for '{}'.",
                std::net::IpAddr::from(*ip)
            ),
        ),
        other => VerifyFailure::new(
            HOSTNAME_MISMATCH,
            format!(
                "Hostname mismatch, certificate is not valid for '{}'.",
                other.to_str()
            ),
        ),
    }
    .into_rustls()
}

/// Turns webpki's "unknown issuer" into the verdict OpenSSL gives for the
/// same chain; other errors pass through.
pub fn classify_chain_failure(
    e: Error,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> Error {
    if !matches!(
        e,
        Error::InvalidCertificate(CertificateError::UnknownIssuer)
    ) {
        return e;
    }
    let last = intermediates.last().unwrap_or(end_entity);
    if !self_issued(last) {
        return e;
    }
    if intermediates.is_empty() {
        VerifyFailure::new(DEPTH_ZERO_SELF_SIGNED_CERT, "self-signed certificate").into_rustls()
    } else {
        VerifyFailure::new(
            SELF_SIGNED_CERT_IN_CHAIN,
            "self-signed certificate in certificate chain",
        )
        .into_rustls()
    }
}

/// Whether a certificate names itself as its issuer.
fn self_issued(der: &CertificateDer<'_>) -> bool {
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => cert.subject().as_raw() == cert.issuer().as_raw(),
        Err(_) => false,
    }
}

/// Verifies clients' certificates for a server context (rustls's verifier,
/// with OpenSSL's verdicts).
#[derive(Debug)]
pub struct ClientVerifier {
    pub inner: Arc<dyn ClientCertVerifier>,
}

impl ClientCertVerifier for ClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        self.inner
            .verify_client_cert(end_entity, intermediates, now)
            .map_err(|e| classify_chain_failure(e, end_entity, intermediates))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
