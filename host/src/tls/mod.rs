//! The TLS core: what CPython's `_ssl` does with OpenSSL, done with rustls
//! (crypto provider: `ring`). Nothing in here knows about WIT; the
//! `host::tls` module adapts it to the bindings.
//!
//! - [`context`]: an `SSLContext`'s settings and the rustls configurations
//!   made from them; [`verify`] the certificate checks with CPython's
//!   switches (`verify_mode`, `check_hostname`) and OpenSSL's verdicts.
//! - [`conn`]: one rustls connection and its buffered input; [`stream`] TLS
//!   on a guest's socket (`SSLSocket`), with CPython's timeout model;
//!   [`bio`] TLS over memory buffers (`SSLObject`, asyncio).
//! - [`error`]: failures in OpenSSL's terms; [`pem`] certificates and keys;
//!   [`roots`] the embedder's default trust roots; [`certinfo`] certificates
//!   decoded for `getpeercert()`; [`ciphers`] suites by OpenSSL's names.
//!
//! Why `ring` and not `aws-lc-rs` (rustls's default): ring builds with only
//! a C compiler, while aws-lc-rs needs cmake (and, for some targets, clang
//! or nasm) on every machine that builds pysocket, and takes several
//! minutes longer to compile on CI's two cores. Both are constant-time and
//! use the CPU's AES/SHA instructions; ring has all the suites and key
//! types TLS 1.2/1.3 on the web needs (no post-quantum key exchange yet).

pub mod bio;
pub mod certinfo;
pub mod ciphers;
pub mod conn;
pub mod context;
pub mod error;
pub mod pem;
pub mod roots;
pub mod stream;
pub mod verify;

pub use context::{TlsContext, VerifyMode};
pub use error::{TlsError, TlsResult};
pub use roots::TrustRoots;
pub use stream::TlsStream;

use std::collections::HashMap;

/// The TLS sessions running on a guest's descriptors, by descriptor number.
/// Closing a descriptor ends its session; dropping the table (with the
/// guest's context) ends them all.
#[derive(Debug, Default)]
pub struct TlsTable {
    streams: HashMap<u32, TlsStream>,
}

impl TlsTable {
    pub fn insert(&mut self, fd: u32, stream: TlsStream) -> TlsResult<()> {
        if self.streams.contains_key(&fd) {
            return Err(TlsError::Net(crate::net::NetError::refused(
                libc::EINVAL,
                "Invalid argument (TLS is already running on this socket)",
            )));
        }
        self.streams.insert(fd, stream);
        Ok(())
    }

    pub fn get_mut(&mut self, fd: u32) -> TlsResult<&mut TlsStream> {
        self.streams.get_mut(&fd).ok_or_else(TlsError::no_tls)
    }

    /// Ends the session on `fd`, if any.
    pub fn remove(&mut self, fd: u32) -> Option<TlsStream> {
        self.streams.remove(&fd)
    }

    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    pub fn len(&self) -> usize {
        self.streams.len()
    }
}

#[cfg(test)]
mod tests {
    //! The TLS core without wasm: both ends in one process, over memory
    //! buffers and over a socketpair.
    use super::bio::BioSession;
    use super::conn::TlsConn;
    use super::*;
    use crate::net::Sock;
    use socket2::{Domain, Socket, Type};
    use std::sync::Arc;
    use std::time::Duration;

    struct Pki {
        ca: String,
        cert: String,
        key: String,
    }

    fn pki() -> Pki {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&key, &ca_cert, &ca_key)
            .unwrap();
        Pki {
            ca: ca_cert.pem(),
            cert: cert.pem(),
            key: key.serialize_pem(),
        }
    }

    fn contexts(p: &Pki) -> (TlsContext, TlsContext) {
        let mut client = TlsContext::new();
        client.set_verify_mode(VerifyMode::Required);
        client.set_check_hostname(true);
        assert_eq!(client.add_roots_pem(p.ca.as_bytes()).unwrap(), 1);
        let mut server = TlsContext::new();
        server
            .load_cert_chain(p.cert.as_bytes(), p.key.as_bytes(), None)
            .unwrap();
        (client, server)
    }

    /// Moves bytes between two memory-BIO sessions until both are done.
    fn handshake(c: &mut BioSession, s: &mut BioSession) -> (Option<TlsError>, Option<TlsError>) {
        let mut to_client = Vec::new();
        let (mut ce, mut se) = (None, None);
        let fatal =
            |e: &Option<TlsError>| e.as_ref().is_some_and(|e| !matches!(e, TlsError::WantRead));
        for _ in 0..10 {
            let step = c.handshake(&to_client, false);
            let to_server = step.outgoing;
            ce = step.failure;
            let step = s.handshake(&to_server, false);
            to_client = step.outgoing;
            se = step.failure;
            if (ce.is_none() && se.is_none()) || fatal(&ce) || fatal(&se) {
                break;
            }
        }
        (ce, se)
    }

    #[test]
    fn memory_bio_handshake_and_data() {
        let p = pki();
        let (mut cctx, mut sctx) = contexts(&p);
        let mut c = BioSession::new(TlsConn::new(&mut cctx, false, Some("localhost")).unwrap());
        let mut s = BioSession::new(TlsConn::new(&mut sctx, true, None).unwrap());
        let (ce, se) = handshake(&mut c, &mut s);
        assert!(ce.is_none() && se.is_none(), "{ce:?} {se:?}");
        let info = c.tls().describe().unwrap();
        assert_eq!(info.version, "TLSv1.3");
        assert_eq!(c.tls().peer_certificates().len(), 1);
        let (n, step) = c.write(&[7u8; 100_000]);
        assert_eq!(n, 100_000);
        let mut got = Vec::new();
        let mut incoming = step.outgoing;
        while got.len() < 100_000 {
            let (data, step) = s.read(&incoming, false, 65536);
            incoming.clear();
            assert!(step.failure.is_none() || got.len() + data.len() == 100_000);
            got.extend(data);
        }
        assert!(got.iter().all(|b| *b == 7));
    }

    #[test]
    fn alpn_without_overlap_goes_on_without_alpn_as_openssl() {
        let p = pki();
        let (mut cctx, mut sctx) = contexts(&p);
        cctx.set_alpn(vec![b"h2".to_vec()]);
        sctx.set_alpn(vec![b"http/1.1".to_vec()]);
        let mut c = BioSession::new(TlsConn::new(&mut cctx, false, Some("localhost")).unwrap());
        let mut s = BioSession::new(TlsConn::new(&mut sctx, true, None).unwrap());
        let (ce, se) = handshake(&mut c, &mut s);
        assert!(ce.is_none() && se.is_none(), "{ce:?} {se:?}");
        assert_eq!(c.tls().describe().unwrap().alpn, None);
        // With an overlap the server's choice is made as usual.
        cctx.set_alpn(vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
        let mut c = BioSession::new(TlsConn::new(&mut cctx, false, Some("localhost")).unwrap());
        let mut s = BioSession::new(TlsConn::new(&mut sctx, true, None).unwrap());
        let (ce, se) = handshake(&mut c, &mut s);
        assert!(ce.is_none() && se.is_none(), "{ce:?} {se:?}");
        assert_eq!(
            s.tls().describe().unwrap().alpn.as_deref(),
            Some("http/1.1")
        );
    }

    #[test]
    fn wrong_name_is_a_hostname_mismatch() {
        let p = pki();
        let (mut cctx, mut sctx) = contexts(&p);
        let mut c = BioSession::new(TlsConn::new(&mut cctx, false, Some("example.org")).unwrap());
        let mut s = BioSession::new(TlsConn::new(&mut sctx, true, None).unwrap());
        match handshake(&mut c, &mut s).0 {
            Some(TlsError::Verify(v)) => {
                assert_eq!(v.code, 62);
                assert_eq!(
                    v.message,
                    "Hostname mismatch, certificate is not valid for 'example.org'."
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn server_without_certificate_is_refused() {
        let mut ctx = TlsContext::new();
        match TlsConn::new(&mut ctx, true, None) {
            Err(TlsError::Ssl { reason, .. }) => assert_eq!(reason, "NO_CERTIFICATE_ASSIGNED"),
            other => panic!("{other:?}"),
        }
    }

    fn pair() -> (Arc<Sock>, Arc<Sock>) {
        let (a, b) = Socket::pair_raw(Domain::UNIX, Type::STREAM.nonblocking(), None).unwrap();
        let wrap = |s| Arc::new(Sock::new(s, libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap());
        (wrap(a), wrap(b))
    }

    #[tokio::test]
    async fn descriptor_tls_over_a_socketpair() {
        let p = pki();
        let (mut cctx, mut sctx) = contexts(&p);
        let (a, b) = pair();
        let mut client = TlsStream::new(
            a,
            TlsConn::new(&mut cctx, false, Some("localhost")).unwrap(),
        );
        let mut server = TlsStream::new(b, TlsConn::new(&mut sctx, true, None).unwrap());
        let (c, s) = tokio::join!(client.handshake(), server.handshake());
        c.unwrap();
        s.unwrap();
        let (w, r) = tokio::join!(client.write(b"hello"), server.read(100));
        assert_eq!(w.unwrap(), 5);
        assert_eq!(r.unwrap(), b"hello");
        let (cu, su) = tokio::join!(client.unwrap(), server.unwrap());
        cu.unwrap();
        su.unwrap();
    }

    #[tokio::test]
    async fn descriptor_tls_times_out_and_would_block() {
        let p = pki();
        let (mut cctx, _) = contexts(&p);
        let (a, _silent) = pair();
        a.set_timeout(Some(Duration::from_millis(100)));
        let mut client = TlsStream::new(
            a.clone(),
            TlsConn::new(&mut cctx, false, Some("localhost")).unwrap(),
        );
        let started = std::time::Instant::now();
        match client.handshake().await {
            Err(TlsError::Net(crate::net::NetError::Timeout)) => {}
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() >= Duration::from_millis(90));
        a.set_timeout(Some(Duration::ZERO));
        assert!(matches!(client.handshake().await, Err(TlsError::WantRead)));
    }
}
