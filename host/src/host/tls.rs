//! `pysocket:socket/tls`: TLS contexts, TLS on descriptors, memory-BIO
//! sessions. Each method looks up its descriptor or resource and delegates
//! to [`crate::tls`].

use crate::bindings::tls::{
    BioStep, Certificate, CipherDescription, ConnectionInfo, Host, HostContext, HostSession,
    NameAttribute, SslFailure, TlsError as WitTlsError, VerifyFailure, VerifyMode,
};
use crate::error::net_error_to_wit;
use crate::tls::bio::{BioSession, Step};
use crate::tls::conn::{ConnectionInfo as CoreInfo, TlsConn};
use crate::tls::{certinfo, TlsContext, TlsError, TlsStream};
use crate::PysocketImpl;
use wasmtime::component::{Resource, ResourceTableError};

/// The error of the TLS functions: a failure for the guest, or a trap.
#[derive(Debug)]
pub enum TlsFailure {
    Tls(TlsError),
    Trap(wasmtime::Error),
}

impl From<TlsError> for TlsFailure {
    fn from(e: TlsError) -> Self {
        TlsFailure::Tls(e)
    }
}

impl From<crate::net::NetError> for TlsFailure {
    fn from(e: crate::net::NetError) -> Self {
        TlsFailure::Tls(TlsError::Net(e))
    }
}

impl From<ResourceTableError> for TlsFailure {
    fn from(e: ResourceTableError) -> Self {
        TlsFailure::Trap(wasmtime::Error::new(e))
    }
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsFailure::Tls(e) => write!(f, "{e}"),
            TlsFailure::Trap(e) => write!(f, "trap: {e}"),
        }
    }
}

impl std::error::Error for TlsFailure {}

type R<T> = Result<T, TlsFailure>;

/// The WIT form of a TLS failure.
pub fn tls_error_to_wit(e: TlsError) -> WitTlsError {
    match e {
        TlsError::Net(n) => WitTlsError::Net(net_error_to_wit(n)),
        TlsError::WantRead => WitTlsError::WantRead,
        TlsError::WantWrite => WitTlsError::WantWrite,
        TlsError::ZeroReturn => WitTlsError::ZeroReturn,
        TlsError::Eof(m) => WitTlsError::Eof(m),
        TlsError::Ssl {
            library,
            reason,
            message,
        } => WitTlsError::Ssl(SslFailure {
            library: library.to_string(),
            reason,
            message,
        }),
        TlsError::Verify(v) => WitTlsError::Verification(VerifyFailure {
            code: v.code,
            message: v.message,
        }),
        TlsError::Unsupported(m) => WitTlsError::Unsupported(m),
    }
}

fn info_to_wit(i: CoreInfo) -> ConnectionInfo {
    ConnectionInfo {
        version: i.version.to_string(),
        cipher: i.cipher.to_string(),
        cipher_protocol: i.cipher_protocol.to_string(),
        secret_bits: i.secret_bits,
        alpn: i.alpn,
        session_reused: i.session_reused,
        server_name: i.server_name,
    }
}

fn step_to_wit(s: Step) -> BioStep {
    BioStep {
        outgoing: s.outgoing,
        failure: s.failure.map(tls_error_to_wit),
    }
}

impl PysocketImpl<'_> {
    fn tls_context(&mut self, ctx: &Resource<TlsContext>) -> R<&mut TlsContext> {
        Ok(self.ctx.tls_resources.get_mut(ctx)?)
    }
}

impl Host for PysocketImpl<'_> {
    fn convert_tls_error(&mut self, err: TlsFailure) -> wasmtime::Result<WitTlsError> {
        match err {
            TlsFailure::Tls(e) => Ok(tls_error_to_wit(e)),
            TlsFailure::Trap(t) => Err(t),
        }
    }

    fn attach(
        &mut self,
        fd: u32,
        ctx: Resource<TlsContext>,
        server_side: bool,
        server_hostname: Option<String>,
    ) -> R<()> {
        let sock = self.ctx.fds.get(fd)?;
        let tls = TlsConn::new(
            self.tls_context(&ctx)?,
            server_side,
            server_hostname.as_deref(),
        )?;
        self.ctx.tls.insert(fd, TlsStream::new(sock, tls))?;
        Ok(())
    }

    async fn handshake(&mut self, fd: u32) -> R<()> {
        Ok(self.ctx.tls.get_mut(fd)?.handshake().await?)
    }

    async fn read(&mut self, fd: u32, max: u32) -> R<Vec<u8>> {
        let max = (max as usize).min(self.ctx.policy().max_read());
        Ok(self.ctx.tls.get_mut(fd)?.read(max).await?)
    }

    async fn write(&mut self, fd: u32, data: Vec<u8>) -> R<u32> {
        Ok(self.ctx.tls.get_mut(fd)?.write(&data).await? as u32)
    }

    fn pending(&mut self, fd: u32) -> R<u32> {
        Ok(self.ctx.tls.get_mut(fd)?.pending() as u32)
    }

    async fn unwrap(&mut self, fd: u32) -> R<()> {
        self.ctx.tls.get_mut(fd)?.unwrap().await?;
        self.ctx.tls.remove(fd);
        Ok(())
    }

    fn describe(&mut self, fd: u32) -> R<Option<ConnectionInfo>> {
        Ok(self.ctx.tls.get_mut(fd)?.tls().describe().map(info_to_wit))
    }

    fn peer_certificates(&mut self, fd: u32) -> R<Vec<Vec<u8>>> {
        Ok(self.ctx.tls.get_mut(fd)?.tls().peer_certificates())
    }

    fn decode_certificate(&mut self, der: Vec<u8>) -> R<Certificate> {
        let info = certinfo::decode(&der)?;
        let name = |n: certinfo::Name| {
            n.into_iter()
                .map(|rdn| {
                    rdn.into_iter()
                        .map(|(name, value)| NameAttribute { name, value })
                        .collect()
                })
                .collect()
        };
        Ok(Certificate {
            subject: name(info.subject),
            issuer: name(info.issuer),
            version: info.version,
            serial_number: info.serial_number,
            not_before: info.not_before,
            not_after: info.not_after,
            subject_alt_names: info.subject_alt_names,
            ocsp: info.ocsp,
            ca_issuers: info.ca_issuers,
            crl_distribution_points: info.crl_distribution_points,
        })
    }
}

/// EMFILE for a guest that holds as many TLS objects of a kind as it may
/// have sockets.
fn check_limit(held: usize, limit: usize, what: &str) -> R<()> {
    if held >= limit {
        return Err(crate::net::NetError::refused(
            libc::EMFILE,
            format!("Too many open TLS {what} (this guest may have {limit})"),
        )
        .into());
    }
    Ok(())
}

impl HostContext for PysocketImpl<'_> {
    fn create(&mut self) -> R<Resource<TlsContext>> {
        check_limit(
            self.ctx.tls_contexts,
            self.ctx.policy().max_sockets(),
            "contexts",
        )?;
        let ctx = self.ctx.tls_resources.push(TlsContext::new())?;
        self.ctx.tls_contexts += 1;
        Ok(ctx)
    }

    fn set_verify_mode(
        &mut self,
        ctx: Resource<TlsContext>,
        mode: VerifyMode,
    ) -> wasmtime::Result<()> {
        let mode = match mode {
            VerifyMode::None => crate::tls::VerifyMode::None,
            VerifyMode::Optional => crate::tls::VerifyMode::Optional,
            VerifyMode::Required => crate::tls::VerifyMode::Required,
        };
        self.ctx.tls_resources.get_mut(&ctx)?.set_verify_mode(mode);
        Ok(())
    }

    fn set_check_hostname(
        &mut self,
        ctx: Resource<TlsContext>,
        check: bool,
    ) -> wasmtime::Result<()> {
        self.ctx
            .tls_resources
            .get_mut(&ctx)?
            .set_check_hostname(check);
        Ok(())
    }

    fn set_versions(
        &mut self,
        ctx: Resource<TlsContext>,
        minimum: u16,
        maximum: u16,
    ) -> wasmtime::Result<()> {
        self.ctx
            .tls_resources
            .get_mut(&ctx)?
            .set_versions(minimum, maximum);
        Ok(())
    }

    fn set_alpn_protocols(
        &mut self,
        ctx: Resource<TlsContext>,
        protocols: Vec<Vec<u8>>,
    ) -> wasmtime::Result<()> {
        self.ctx.tls_resources.get_mut(&ctx)?.set_alpn(protocols);
        Ok(())
    }

    fn set_ciphers(&mut self, ctx: Resource<TlsContext>, spec: String) -> R<()> {
        Ok(self.tls_context(&ctx)?.set_ciphers(&spec)?)
    }

    fn ciphers(&mut self, ctx: Resource<TlsContext>) -> wasmtime::Result<Vec<CipherDescription>> {
        Ok(self
            .ctx
            .tls_resources
            .get(&ctx)?
            .ciphers()
            .into_iter()
            .map(|s| CipherDescription {
                id: u16::from(s.suite),
                name: s.openssl_name.to_string(),
                protocol: s.protocol.to_string(),
                bits: s.bits,
                kea: s.kea.to_string(),
                auth: s.auth.to_string(),
                symmetric: s.symmetric.to_string(),
                digest: s.digest.to_string(),
            })
            .collect())
    }

    fn set_server_cipher_preference(
        &mut self,
        ctx: Resource<TlsContext>,
        server_order: bool,
    ) -> wasmtime::Result<()> {
        self.ctx
            .tls_resources
            .get_mut(&ctx)?
            .set_server_cipher_preference(server_order);
        Ok(())
    }

    fn set_num_tickets(&mut self, ctx: Resource<TlsContext>, count: u32) -> wasmtime::Result<()> {
        self.ctx
            .tls_resources
            .get_mut(&ctx)?
            .set_num_tickets(count as usize);
        Ok(())
    }

    fn add_trust_pem(&mut self, ctx: Resource<TlsContext>, pem: Vec<u8>) -> R<u32> {
        Ok(self.tls_context(&ctx)?.add_roots_pem(&pem)?)
    }

    fn add_trust_der(&mut self, ctx: Resource<TlsContext>, der: Vec<u8>) -> R<u32> {
        Ok(self.tls_context(&ctx)?.add_roots_der(&der)?)
    }

    fn load_default_roots(&mut self, ctx: Resource<TlsContext>) -> R<u32> {
        let roots = self.ctx.trust_roots.clone();
        Ok(self.tls_context(&ctx)?.add_default_roots(&roots)?)
    }

    fn trust_anchors(&mut self, ctx: Resource<TlsContext>) -> wasmtime::Result<Vec<Vec<u8>>> {
        Ok(self
            .ctx
            .tls_resources
            .get(&ctx)?
            .anchors()
            .iter()
            .map(|c| c.to_vec())
            .collect())
    }

    fn load_cert_chain(
        &mut self,
        ctx: Resource<TlsContext>,
        chain: Vec<u8>,
        key: Vec<u8>,
        password: Option<Vec<u8>>,
    ) -> R<()> {
        Ok(self
            .tls_context(&ctx)?
            .load_cert_chain(&chain, &key, password.as_deref())?)
    }

    fn drop(&mut self, ctx: Resource<TlsContext>) -> wasmtime::Result<()> {
        self.ctx.tls_resources.delete(ctx)?;
        self.ctx.tls_contexts -= 1;
        Ok(())
    }
}

impl HostSession for PysocketImpl<'_> {
    fn open(
        &mut self,
        ctx: Resource<TlsContext>,
        server_side: bool,
        server_hostname: Option<String>,
    ) -> R<Resource<BioSession>> {
        check_limit(
            self.ctx.tls_bio_sessions,
            self.ctx.policy().max_sockets(),
            "sessions",
        )?;
        let tls = TlsConn::new(
            self.tls_context(&ctx)?,
            server_side,
            server_hostname.as_deref(),
        )?;
        let session = self.ctx.tls_resources.push(BioSession::new(tls))?;
        self.ctx.tls_bio_sessions += 1;
        Ok(session)
    }

    fn handshake(
        &mut self,
        s: Resource<BioSession>,
        incoming: Vec<u8>,
        incoming_eof: bool,
    ) -> wasmtime::Result<BioStep> {
        let session = self.ctx.tls_resources.get_mut(&s)?;
        Ok(step_to_wit(session.handshake(&incoming, incoming_eof)))
    }

    fn read(
        &mut self,
        s: Resource<BioSession>,
        incoming: Vec<u8>,
        incoming_eof: bool,
        max: u32,
    ) -> wasmtime::Result<(Vec<u8>, BioStep)> {
        let max = (max as usize).min(self.ctx.policy().max_read());
        let session = self.ctx.tls_resources.get_mut(&s)?;
        let (data, step) = session.read(&incoming, incoming_eof, max);
        Ok((data, step_to_wit(step)))
    }

    fn write(
        &mut self,
        s: Resource<BioSession>,
        data: Vec<u8>,
    ) -> wasmtime::Result<(u32, BioStep)> {
        let session = self.ctx.tls_resources.get_mut(&s)?;
        let (n, step) = session.write(&data);
        Ok((n, step_to_wit(step)))
    }

    fn unwrap(
        &mut self,
        s: Resource<BioSession>,
        incoming: Vec<u8>,
        incoming_eof: bool,
    ) -> wasmtime::Result<BioStep> {
        let session = self.ctx.tls_resources.get_mut(&s)?;
        Ok(step_to_wit(session.unwrap(&incoming, incoming_eof)))
    }

    fn pending(&mut self, s: Resource<BioSession>) -> wasmtime::Result<u32> {
        Ok(self.ctx.tls_resources.get_mut(&s)?.pending() as u32)
    }

    fn describe(&mut self, s: Resource<BioSession>) -> wasmtime::Result<Option<ConnectionInfo>> {
        Ok(self
            .ctx
            .tls_resources
            .get(&s)?
            .tls()
            .describe()
            .map(info_to_wit))
    }

    fn peer_certificates(&mut self, s: Resource<BioSession>) -> wasmtime::Result<Vec<Vec<u8>>> {
        Ok(self.ctx.tls_resources.get(&s)?.tls().peer_certificates())
    }

    fn drop(&mut self, s: Resource<BioSession>) -> wasmtime::Result<()> {
        self.ctx.tls_resources.delete(s)?;
        self.ctx.tls_bio_sessions -= 1;
        Ok(())
    }
}
