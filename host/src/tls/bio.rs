//! [`BioSession`]: TLS over memory buffers (`SSLObject`, asyncio's
//! `sslproto`). The guest hands in what arrived from the peer and takes
//! out what to send; the host does no I/O. Each step returns the outgoing
//! bytes together with its outcome, because a step can both produce bytes
//! and need more input (a client's first handshake step sends its hello
//! and then wants the server's answer).

use super::conn::{Plain, TlsConn};
use super::error::{TlsError, TlsResult};

/// What a step produced: bytes for the peer, and the failure that ended it.
#[derive(Debug, Default)]
pub struct Step {
    pub outgoing: Vec<u8>,
    pub failure: Option<TlsError>,
}

/// A memory-BIO TLS session.
#[derive(Debug)]
pub struct BioSession {
    tls: TlsConn,
}

impl BioSession {
    pub fn new(tls: TlsConn) -> Self {
        BioSession { tls }
    }

    pub fn tls(&self) -> &TlsConn {
        &self.tls
    }

    /// Takes the incoming bytes, runs `op`, collects the outgoing bytes.
    fn step<T>(
        &mut self,
        incoming: &[u8],
        eof: bool,
        op: impl FnOnce(&mut TlsConn) -> TlsResult<T>,
    ) -> (Option<T>, Step) {
        if !incoming.is_empty() {
            self.tls.push_input(incoming);
        }
        if eof {
            self.tls.push_eof();
        }
        let result = self.tls.feed().and_then(|()| op(&mut self.tls));
        let mut step = Step::default();
        self.tls.drain_output(&mut step.outgoing);
        match result {
            Ok(v) => (Some(v), step),
            Err(e) => {
                step.failure = Some(e);
                (None, step)
            }
        }
    }

    /// `do_handshake()`.
    pub fn handshake(&mut self, incoming: &[u8], eof: bool) -> Step {
        self.step(incoming, eof, |tls| {
            if !tls.is_handshaking() {
                return Ok(());
            }
            if tls.eof {
                return Err(TlsError::unexpected_eof());
            }
            Err(TlsError::WantRead)
        })
        .1
    }

    /// `read(max)`.
    pub fn read(&mut self, incoming: &[u8], eof: bool, max: usize) -> (Vec<u8>, Step) {
        let (data, step) = self.step(incoming, eof, |tls| {
            if tls.is_handshaking() {
                return Err(if tls.eof {
                    TlsError::unexpected_eof()
                } else {
                    TlsError::WantRead
                });
            }
            match tls.read_available(max)? {
                Plain::Data(d) => Ok(d),
                Plain::Closed => Err(TlsError::ZeroReturn),
                Plain::Truncated => Err(TlsError::unexpected_eof()),
                Plain::Empty => Err(TlsError::WantRead),
            }
        });
        (data.unwrap_or_default(), step)
    }

    /// `write(data)`: encrypts all of it (the output side is memory, so
    /// nothing ever has to wait).
    pub fn write(&mut self, data: &[u8]) -> (u32, Step) {
        let (n, step) = self.step(&[], false, |tls| {
            if tls.is_handshaking() {
                return Err(TlsError::WantRead);
            }
            let mut taken = 0;
            let mut sink = Vec::new();
            while taken < data.len() {
                let n = tls.write_plain(&data[taken..])?;
                taken += n;
                // Move the records out so rustls's buffer limit never stops
                // the write; they go out in order with this step's output.
                tls.drain_output(&mut sink);
            }
            Ok((taken, sink))
        });
        match n {
            Some((taken, sink)) => {
                let mut step = step;
                let mut out = sink;
                out.extend_from_slice(&step.outgoing);
                step.outgoing = out;
                (taken as u32, step)
            }
            None => (0, step),
        }
    }

    /// `unwrap()`: sends close_notify; done once the peer's has arrived.
    pub fn unwrap(&mut self, incoming: &[u8], eof: bool) -> Step {
        self.step(incoming, eof, |tls| {
            tls.close_notify();
            while let Plain::Data(_) = tls.read_plain(64 * 1024)? {}
            if tls.peer_closed() {
                Ok(())
            } else if tls.eof {
                Err(TlsError::unexpected_eof())
            } else {
                Err(TlsError::WantRead)
            }
        })
        .1
    }

    /// `pending()`.
    pub fn pending(&mut self) -> usize {
        let _ = self.tls.feed();
        self.tls.plaintext_buffered()
    }
}
