//! [`TlsStream`]: TLS run by the host directly on one of a guest's sockets
//! (`SSLSocket`), so ciphertext never enters the guest.
//!
//! Every operation follows CPython's `_ssl.c` over `sock_call`: the deadline
//! is fixed when the call starts (the socket's timeout: `None` waits, 0
//! fails with want-read/want-write instead of waiting, `t` bounds the whole
//! call), and each wait for readiness suspends only the calling guest (see
//! [`crate::net::Sock::call`]).
//!
//! Ciphertext is received in chunks of up to 64 KiB (rustls alone would
//! read 4 KiB at a time), so more than one record may be buffered in the
//! host; `poll` reports such a socket readable (see `host::poll`), so
//! `select()` on an `SSLSocket` does not miss data, which OpenSSL's
//! one-record buffering leaves to `pending()`.

use super::conn::{Plain, TlsConn};
use super::error::{TlsError, TlsResult};
use crate::net::{NetError, Sock, Wait};
use socket2::Socket;
use std::io;
use std::sync::Arc;
use tokio::io::Interest;

/// How much ciphertext one receive takes at most.
const READ_CHUNK: usize = 64 * 1024;

/// TLS on a guest's socket.
#[derive(Debug)]
pub struct TlsStream {
    sock: Arc<Sock>,
    tls: TlsConn,
}

/// `io::Write` over a non-blocking socket (send with MSG_NOSIGNAL).
struct SockWriter<'a>(&'a Socket);

impl io::Write for SockWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.send_with_flags(buf, libc::MSG_NOSIGNAL)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.0.send_vectored_with_flags(bufs, libc::MSG_NOSIGNAL)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A would-block failure of a non-blocking call becomes want-read/write.
fn blocked(e: NetError, want: TlsError) -> TlsError {
    if e.raw_errno() == Some(libc::EAGAIN) {
        want
    } else {
        TlsError::Net(e)
    }
}

impl TlsStream {
    pub fn new(sock: Arc<Sock>, tls: TlsConn) -> Self {
        TlsStream { sock, tls }
    }

    /// The socket this session runs on.
    pub fn sock(&self) -> &Arc<Sock> {
        &self.sock
    }

    /// The TLS state (for `describe`, `peer-certificates`).
    pub fn tls(&self) -> &TlsConn {
        &self.tls
    }

    /// Whether a `read` would return at once (buffered plaintext, or an
    /// end of session to report), without any I/O.
    pub fn readable_now(&mut self) -> bool {
        if self.tls.feed().is_err() {
            return true; // the read reports the error at once
        }
        self.tls.plaintext_buffered() > 0 || self.tls.peer_closed()
    }

    /// `pending()`.
    pub fn pending(&mut self) -> usize {
        let _ = self.tls.feed();
        self.tls.plaintext_buffered()
    }

    /// Sends what rustls has queued.
    async fn flush(&mut self, wait: Wait) -> TlsResult<()> {
        let TlsStream { sock, tls } = self;
        while tls.wants_write() {
            sock.call(Interest::WRITABLE, wait, |s| {
                tls.write_tls(&mut SockWriter(s))
            })
            .await
            .map_err(|e| blocked(e, TlsError::WantWrite))?;
        }
        Ok(())
    }

    /// After a protocol error: try to send the alert rustls queued, without
    /// waiting (the error is what the caller reports).
    async fn send_alert(&mut self) {
        let _ = self.flush(Wait::NonBlocking).await;
    }

    /// Receives one chunk of ciphertext (or the end of the stream).
    async fn fill(&mut self, wait: Wait) -> TlsResult<()> {
        let TlsStream { sock, tls } = self;
        sock.call(Interest::READABLE, wait, |s| {
            tls.receive_with(READ_CHUNK, |spare| s.recv_with_flags(spare, 0))
        })
        .await
        .map_err(|e| blocked(e, TlsError::WantRead))?;
        Ok(())
    }

    /// Takes in buffered ciphertext; on a protocol error sends the alert.
    async fn feed(&mut self) -> TlsResult<()> {
        if let Err(e) = self.tls.feed() {
            self.send_alert().await;
            return Err(e);
        }
        Ok(())
    }

    async fn drive_handshake(&mut self, wait: Wait) -> TlsResult<()> {
        loop {
            self.feed().await?;
            self.flush(wait).await?;
            if !self.tls.is_handshaking() {
                return Ok(());
            }
            if self.tls.eof {
                return Err(TlsError::unexpected_eof());
            }
            self.fill(wait).await?;
        }
    }

    /// `do_handshake()`.
    pub async fn handshake(&mut self) -> TlsResult<()> {
        let wait = self.sock.wait_for_call(0);
        self.drive_handshake(wait).await
    }

    /// `read(max)`: at least one byte of plaintext, at most `max`.
    pub async fn read(&mut self, max: usize) -> TlsResult<Vec<u8>> {
        let wait = self.sock.wait_for_call(0);
        if self.tls.is_handshaking() {
            self.drive_handshake(wait).await?;
        }
        loop {
            self.feed().await?;
            let got = match self.tls.read_available(max) {
                Ok(got) => got,
                Err(e) => {
                    self.send_alert().await;
                    return Err(e);
                }
            };
            match got {
                Plain::Data(data) => {
                    // Answers to post-handshake messages (key updates) go
                    // out with the next write or read that waits.
                    return Ok(data);
                }
                Plain::Closed => return Err(TlsError::ZeroReturn),
                Plain::Truncated => return Err(TlsError::unexpected_eof()),
                Plain::Empty => {}
            }
            if self.tls.wants_write() {
                self.flush(wait).await?;
            }
            self.fill(wait).await?;
        }
    }

    /// `write(data)`: all of it, or an error (see the WIT doc for the
    /// retry rule of want-write).
    pub async fn write(&mut self, data: &[u8]) -> TlsResult<usize> {
        let wait = self.sock.wait_for_call(0);
        if self.tls.is_handshaking() {
            self.drive_handshake(wait).await?;
        }
        let mut taken = self.tls.write_taken.min(data.len());
        loop {
            while taken < data.len() {
                let n = self.tls.write_plain(&data[taken..])?;
                if n == 0 {
                    break;
                }
                taken += n;
            }
            self.tls.write_taken = taken;
            match self.flush(wait).await {
                Ok(()) => {}
                Err(TlsError::WantWrite) => return Err(TlsError::WantWrite),
                Err(e) => {
                    self.tls.write_taken = 0;
                    return Err(e);
                }
            }
            if taken == data.len() {
                self.tls.write_taken = 0;
                return Ok(data.len());
            }
        }
    }

    /// `unwrap()`: close_notify both ways. Plaintext that arrives in the
    /// meantime is dropped, as OpenSSL's `SSL_shutdown` drops it.
    pub async fn unwrap(&mut self) -> TlsResult<()> {
        let wait = self.sock.wait_for_call(0);
        self.tls.close_notify();
        self.flush(wait).await?;
        loop {
            self.feed().await?;
            while let Plain::Data(_) = self.tls.read_plain(READ_CHUNK)? {}
            if self.tls.peer_closed() {
                return Ok(());
            }
            if self.tls.eof {
                return Err(TlsError::unexpected_eof());
            }
            self.fill(wait).await?;
        }
    }
}
