//! [`TlsConn`]: one rustls connection plus the ciphertext that arrived for
//! it but was not yet taken in, and what both shapes of TLS (on a
//! descriptor, over memory buffers) ask of it. No I/O happens here.

use super::ciphers;
use super::context::TlsContext;
use super::error::{from_rustls, TlsError, TlsResult};
use rustls::pki_types::ServerName;
use rustls::server::{Acceptor, ServerConfig};
use rustls::{ClientConnection, Connection, HandshakeKind, ServerConnection};
use std::io::{self, Read, Write};
use std::sync::Arc;

/// What the handshake agreed on (see the WIT record `connection-info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    pub version: &'static str,
    pub cipher: &'static str,
    pub cipher_protocol: &'static str,
    pub secret_bits: u32,
    pub alpn: Option<String>,
    pub session_reused: bool,
    pub server_name: Option<String>,
}

/// What a plaintext read found.
#[derive(Debug, PartialEq, Eq)]
pub enum Plain {
    Data(Vec<u8>),
    /// Nothing buffered; more ciphertext is needed.
    Empty,
    /// The peer sent close_notify.
    Closed,
    /// The transport ended without close_notify.
    Truncated,
}

/// A server connection waiting for the client's hello. rustls's server
/// refuses a client whose ALPN offer it cannot meet (RFC 7301); OpenSSL,
/// and so CPython, carries on without ALPN. The hello is therefore read
/// with an `Acceptor` first, and a client offering none of the server's
/// protocols gets a connection configured without ALPN.
struct Accepting {
    acceptor: Acceptor,
    config: Arc<ServerConfig>,
}

/// A rustls connection and its unprocessed incoming ciphertext.
pub struct TlsConn {
    /// The connection; for a server still in [`Accepting`], a placeholder
    /// that never sees input (it reports "handshaking" and nothing to send).
    pub(crate) conn: Connection,
    accepting: Option<Box<Accepting>>,
    /// An alert to send that no connection holds (a hello the acceptor
    /// rejected).
    alert: Vec<u8>,
    /// Ciphertext received but not yet taken by rustls (it takes at most
    /// its buffer's worth of plaintext at a time).
    inbuf: Vec<u8>,
    in_pos: usize,
    /// The peer's side of the transport has ended.
    pub(crate) eof: bool,
    /// Bytes of the caller's current `write` already encrypted: a write
    /// interrupted by `want-write` is retried with the same data, as with
    /// OpenSSL, and continues where it stopped.
    pub(crate) write_taken: usize,
    /// The fatal error that ended the session: every later operation
    /// reports it again, as OpenSSL does.
    failed: Option<rustls::Error>,
}

impl std::fmt::Debug for TlsConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConn")
            .field("server", &matches!(self.conn, Connection::Server(_)))
            .field("handshaking", &self.conn.is_handshaking())
            .finish_non_exhaustive()
    }
}

/// The placeholder name of a client connection made without
/// `server_hostname`: an address, so no SNI is sent (and no name is
/// checked: CPython requires a name whenever `check_hostname` is on).
const NO_NAME: &str = "0.0.0.0";

impl TlsConn {
    /// A connection with the settings of `ctx`.
    pub fn new(
        ctx: &mut TlsContext,
        server_side: bool,
        server_hostname: Option<&str>,
    ) -> TlsResult<TlsConn> {
        let mut accepting = None;
        let conn = if server_side {
            let config = ctx.server_config()?;
            if !config.alpn_protocols.is_empty() {
                accepting = Some(Box::new(Accepting {
                    acceptor: Acceptor::default(),
                    config: config.clone(),
                }));
            }
            Connection::Server(ServerConnection::new(config).map_err(from_rustls)?)
        } else {
            let name = server_hostname.unwrap_or(NO_NAME);
            let name =
                ServerName::try_from(name.trim_end_matches('.').to_string()).map_err(|_| {
                    TlsError::Net(crate::net::NetError::Invalid(format!(
                        "server_hostname {name:?} is not a valid DNS name or IP address"
                    )))
                })?;
            Connection::Client(
                ClientConnection::new(ctx.client_config()?, name).map_err(from_rustls)?,
            )
        };
        Ok(TlsConn {
            conn,
            accepting,
            alert: Vec::new(),
            inbuf: Vec::new(),
            in_pos: 0,
            eof: false,
            write_taken: 0,
            failed: None,
        })
    }

    pub fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// Ciphertext waiting to be taken in.
    pub fn has_input(&self) -> bool {
        self.in_pos < self.inbuf.len()
    }

    /// Appends received ciphertext.
    pub fn push_input(&mut self, data: &[u8]) {
        if self.in_pos == self.inbuf.len() {
            self.inbuf.clear();
            self.in_pos = 0;
        }
        self.inbuf.extend_from_slice(data);
    }

    /// Receives up to `want` bytes straight into the input buffer with
    /// `recv` (no intermediate copy); 0 bytes means the end of input.
    pub fn receive_with(
        &mut self,
        want: usize,
        recv: impl FnOnce(&mut [std::mem::MaybeUninit<u8>]) -> io::Result<usize>,
    ) -> io::Result<usize> {
        if self.in_pos == self.inbuf.len() {
            self.inbuf.clear();
            self.in_pos = 0;
        } else if self.in_pos > self.inbuf.len() / 2 {
            self.inbuf.drain(..self.in_pos);
            self.in_pos = 0;
        }
        self.inbuf.reserve(want);
        let n = recv(&mut self.inbuf.spare_capacity_mut()[..want])?;
        let n = n.min(want);
        // SAFETY: `recv` initialised the first `n` bytes of the spare
        // capacity (a socket receive writes what it reports).
        unsafe { self.inbuf.set_len(self.inbuf.len() + n) };
        if n == 0 {
            self.eof = true;
        }
        Ok(n)
    }

    /// Notes that the peer's side of the transport ended.
    pub fn push_eof(&mut self) {
        self.eof = true;
    }

    /// Gives rustls what it can take of the input (and the end of input)
    /// and processes it. A protocol error leaves an alert to send.
    pub fn feed(&mut self) -> TlsResult<()> {
        if let Some(e) = &self.failed {
            return Err(from_rustls(e.clone()));
        }
        if self.accepting.is_some() {
            self.accept()?;
            if self.accepting.is_some() {
                return Ok(()); // the hello is not complete yet
            }
        }
        while self.has_input() {
            let mut rest = &self.inbuf[self.in_pos..];
            match self.conn.read_tls(&mut rest) {
                Ok(0) => break, // after close_notify rustls takes nothing more
                Ok(n) => {
                    self.in_pos += n;
                    self.process()?;
                }
                // Its plaintext buffer is full: the reader must drain it.
                Err(e) if e.kind() == io::ErrorKind::Other => break,
                Err(e) => return Err(e.into()),
            }
        }
        if self.eof && !self.has_input() {
            let _ = self.conn.read_tls(&mut io::empty());
            self.process()?;
        }
        Ok(())
    }

    /// Reads the client's hello (see [`Accepting`]) and makes the
    /// connection once it is complete.
    fn accept(&mut self) -> TlsResult<()> {
        let Some(accepting) = self.accepting.as_mut() else {
            return Ok(());
        };
        loop {
            let mut rest = &self.inbuf[self.in_pos..];
            let n = if rest.is_empty() {
                0
            } else {
                accepting.acceptor.read_tls(&mut rest)?
            };
            self.in_pos += n;
            let outcome = match accepting.acceptor.accept() {
                Ok(None) if n == 0 => {
                    if self.eof {
                        return Err(TlsError::unexpected_eof());
                    }
                    return Ok(());
                }
                Ok(None) => continue,
                Ok(Some(accepted)) => {
                    let ours = &accepting.config.alpn_protocols;
                    let overlap = accepted
                        .client_hello()
                        .alpn()
                        .map(|mut theirs| theirs.any(|p| ours.iter().any(|o| o == p)));
                    let config = if overlap == Some(false) {
                        let mut plain = (*accepting.config).clone();
                        plain.alpn_protocols.clear();
                        Arc::new(plain)
                    } else {
                        accepting.config.clone()
                    };
                    accepted.into_connection(config)
                }
                Err(failure) => Err(failure),
            };
            return match outcome {
                Ok(conn) => {
                    self.conn = Connection::Server(conn);
                    self.accepting = None;
                    Ok(())
                }
                Err((e, mut alert)) => {
                    let _ = alert.write_all(&mut self.alert);
                    self.failed = Some(e.clone());
                    Err(from_rustls(e))
                }
            };
        }
    }

    /// Whether there are bytes to send to the peer.
    pub fn wants_write(&self) -> bool {
        !self.alert.is_empty() || self.conn.wants_write()
    }

    /// Writes bytes for the peer to `wr` (as `Connection::write_tls`).
    pub fn write_tls(&mut self, wr: &mut dyn Write) -> io::Result<usize> {
        if !self.alert.is_empty() {
            let n = wr.write(&self.alert)?;
            self.alert.drain(..n);
            return Ok(n);
        }
        self.conn.write_tls(wr)
    }

    fn process(&mut self) -> TlsResult<()> {
        self.conn
            .process_new_packets()
            .map(|_| ())
            .map_err(from_rustls)
    }

    /// Takes up to `max` bytes of plaintext, as much as the input already
    /// received yields (rustls hands out at most 16 KiB at a time; this
    /// keeps taking in input until `max` is reached or the input runs dry).
    pub fn read_available(&mut self, max: usize) -> TlsResult<Plain> {
        let mut out = vec![0u8; max];
        let mut filled = 0;
        loop {
            self.feed()?;
            let n = match self.conn.reader().read(&mut out[filled..]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && filled == 0 => {
                    return Ok(Plain::Truncated)
                }
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => 0,
                Err(e) => return Err(e.into()),
            };
            if n == 0 {
                break;
            }
            filled += n;
            if filled == max {
                break;
            }
        }
        if filled > 0 {
            out.truncate(filled);
            return Ok(Plain::Data(out));
        }
        // Nothing: say why (closed, truncated, or nothing yet).
        self.read_plain(max.min(1))
    }

    /// Takes up to `max` bytes of plaintext.
    pub fn read_plain(&mut self, max: usize) -> TlsResult<Plain> {
        let mut buf = vec![0u8; max.min(self.plaintext_buffered().max(1))];
        if max == 0 {
            return Ok(Plain::Data(Vec::new()));
        }
        match self.conn.reader().read(&mut buf) {
            Ok(0) => Ok(Plain::Closed),
            Ok(n) => {
                buf.truncate(n);
                Ok(Plain::Data(buf))
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Plain::Empty),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(Plain::Truncated),
            Err(e) => Err(e.into()),
        }
    }

    /// Plaintext ready to read now (`pending()`).
    pub fn plaintext_buffered(&mut self) -> usize {
        match self.conn.process_new_packets() {
            Ok(state) => state.plaintext_bytes_to_read(),
            Err(_) => 0,
        }
    }

    /// Encrypts as much of `data` as rustls buffers; returns how much.
    pub fn write_plain(&mut self, data: &[u8]) -> TlsResult<usize> {
        Ok(std::io::Write::write(&mut self.conn.writer(), data)?)
    }

    /// Queues close_notify.
    pub fn close_notify(&mut self) {
        self.conn.send_close_notify();
    }

    /// Whether the peer's close_notify arrived.
    pub fn peer_closed(&mut self) -> bool {
        matches!(self.conn.process_new_packets(), Ok(s) if s.peer_has_closed())
    }

    /// Moves everything rustls has to send into `out`.
    pub fn drain_output(&mut self, out: &mut Vec<u8>) {
        while self.wants_write() {
            if self.write_tls(out).is_err() {
                break;
            }
        }
    }

    /// What the handshake agreed on; `None` before it is done.
    pub fn describe(&self) -> Option<ConnectionInfo> {
        if self.conn.is_handshaking() {
            return None;
        }
        let version = match self.conn.protocol_version()? {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3",
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2",
            _ => "unknown",
        };
        let suite = ciphers::info(self.conn.negotiated_cipher_suite()?.suite())?;
        Some(ConnectionInfo {
            version,
            cipher: suite.openssl_name,
            cipher_protocol: suite.protocol,
            secret_bits: suite.bits,
            alpn: self
                .conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned()),
            session_reused: self.conn.handshake_kind() == Some(HandshakeKind::Resumed),
            server_name: match &self.conn {
                Connection::Server(s) => s.server_name().map(str::to_owned),
                Connection::Client(_) => None,
            },
        })
    }

    /// The peer's certificates (DER, leaf first) as it sent them.
    pub fn peer_certificates(&self) -> Vec<Vec<u8>> {
        self.conn
            .peer_certificates()
            .map(|certs| certs.iter().map(|c| c.to_vec()).collect())
            .unwrap_or_default()
    }
}
