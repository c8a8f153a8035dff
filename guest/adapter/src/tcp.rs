//! TCP sockets on `wasi:sockets/tcp`: the state machine `wasi:sockets`
//! imposes (bind and connect are two-phase, a connected socket is a pair of
//! streams, a failed connect ends the WASI socket) behind POSIX's
//! behaviour, with CPython's timeouts (see [`crate::wait`]).
//!
//! States: `Open` → (`bind`) → `Bound` → (`listen`) → `Listening`;
//! `Open`/`Bound` → (`connect`) → `Connecting` → `Connected`, or → `Failed`
//! when the connection could not be made (a new WASI socket is made for a
//! later `connect`, as POSIX lets a failed socket connect again).

use crate::addr::{family_of, wildcard, with_network};
use crate::errors::{errno_of, from_stream, from_wasi, os};
use crate::exports::pysocket::socket::types::Errno;
use crate::wait::{retry, Deadline, Step};
use crate::Error;
use wasi::io::poll::Pollable;
use wasi::io::streams::{InputStream, OutputStream, StreamError};
use wasi::sockets::network::{ErrorCode, IpSocketAddress};
use wasi::sockets::tcp::{ShutdownType, TcpSocket};
use wasi::sockets::tcp_create_socket::create_tcp_socket;

/// Linux's MSG_PEEK.
pub const MSG_PEEK: i32 = 0x2;
/// Linux's MSG_WAITALL.
pub const MSG_WAITALL: i32 = 0x100;

/// A connected socket: its streams, dropped before the socket itself.
pub struct Conn {
    input: InputStream,
    output: OutputStream,
    sock: TcpSocket,
}

/// Where a TCP socket is in its life (see the module docs).
pub enum State {
    Open(TcpSocket),
    Bound(TcpSocket),
    Connecting(TcpSocket),
    Connected(Conn),
    Listening(TcpSocket),
    Failed(TcpSocket),
    /// Only while a transition is under way.
    Gone,
}

/// A TCP socket as the guest sees it.
pub struct Tcp {
    pub family: i32,
    state: State,
    /// What `SO_ERROR` reports: the failure of a non-blocking connect.
    pub pending_error: Option<Errno>,
    /// Bytes read for `MSG_PEEK`, handed out before the stream's.
    peeked: Vec<u8>,
    read_shut: bool,
    write_shut: bool,
    /// The peer's end of stream was seen (by `confirm_readable`).
    eof: bool,
}

fn new_socket(family: i32) -> Result<TcpSocket, Error> {
    create_tcp_socket(family_of(family)).map_err(from_wasi)
}

/// Finishes a two-phase operation: retries `finish` while it would block.
fn finish<T>(
    sock: &TcpSocket,
    deadline: Deadline,
    finish: impl Fn(&TcpSocket) -> Result<T, ErrorCode>,
) -> Result<Result<T, ErrorCode>, Error> {
    retry(deadline, || match finish(sock) {
        Err(ErrorCode::WouldBlock) => Ok(Step::Wait(sock.subscribe())),
        other => Ok(Step::Done(other)),
    })
}

impl Tcp {
    /// `socket(family, SOCK_STREAM)`.
    pub fn new(family: i32) -> Result<Tcp, Error> {
        Ok(Tcp::with_state(family, State::Open(new_socket(family)?)))
    }

    fn with_state(family: i32, state: State) -> Tcp {
        Tcp {
            family,
            state,
            pending_error: None,
            peeked: Vec::new(),
            read_shut: false,
            write_shut: false,
            eof: false,
        }
    }

    /// The WASI socket, in any state.
    fn socket(&self) -> Option<&TcpSocket> {
        match &self.state {
            State::Open(s)
            | State::Bound(s)
            | State::Connecting(s)
            | State::Listening(s)
            | State::Failed(s) => Some(s),
            State::Connected(c) => Some(&c.sock),
            State::Gone => None,
        }
    }

    /// The WASI socket for option calls; `ebadf` never happens in practice.
    pub fn wasi(&self) -> Result<&TcpSocket, Error> {
        self.socket().ok_or_else(|| os(Errno::Ebadf))
    }

    pub fn is_listening(&self) -> bool {
        matches!(self.state, State::Listening(_))
    }

    /// `bind(address)`: only an unbound socket can be bound.
    pub fn bind(&mut self, address: IpSocketAddress) -> Result<(), Error> {
        let State::Open(sock) = &self.state else {
            return Err(os(Errno::Einval));
        };
        with_network(|net| sock.start_bind(net, address)).map_err(from_wasi)?;
        finish(sock, Deadline::Never, |s| s.finish_bind())?.map_err(from_wasi)?;
        self.state = match std::mem::replace(&mut self.state, State::Gone) {
            State::Open(s) => State::Bound(s),
            other => other,
        };
        Ok(())
    }

    /// `listen(backlog)`: an unbound socket is first bound to the wildcard
    /// address and an ephemeral port, as POSIX does.
    pub fn listen(&mut self, backlog: i32) -> Result<(), Error> {
        if matches!(self.state, State::Open(_)) {
            self.bind(wildcard(self.family))?;
        }
        let size = u64::try_from(backlog.max(1)).unwrap_or(1);
        match &self.state {
            State::Listening(s) => {
                // A second listen() changes the backlog, as on Linux.
                s.set_listen_backlog_size(size).map_err(from_wasi)
            }
            State::Bound(s) => {
                // Best effort: wasi:sockets may refuse to tune the backlog.
                let _ = s.set_listen_backlog_size(size);
                s.start_listen().map_err(from_wasi)?;
                finish(s, Deadline::Never, |s| s.finish_listen())?.map_err(from_wasi)?;
                self.state = match std::mem::replace(&mut self.state, State::Gone) {
                    State::Bound(s) => State::Listening(s),
                    other => other,
                };
                Ok(())
            }
            _ => Err(os(Errno::Einval)),
        }
    }

    /// `connect(address)` within `deadline` (see [`crate::wait`]):
    /// `einprogress` when non-blocking, `timeout` when the deadline passes
    /// (the connection attempt goes on, as in CPython).
    pub fn connect(&mut self, address: IpSocketAddress, deadline: Deadline) -> Result<(), Error> {
        if let State::Failed(_) = self.state {
            self.state = State::Open(new_socket(self.family)?);
            self.pending_error = None;
        }
        match &self.state {
            State::Open(s) | State::Bound(s) => {
                with_network(|net| s.start_connect(net, address)).map_err(from_wasi)?;
                self.state = match std::mem::replace(&mut self.state, State::Gone) {
                    State::Open(s) | State::Bound(s) => State::Connecting(s),
                    other => other,
                };
                if let Deadline::Now = deadline {
                    return Err(os(Errno::Einprogress));
                }
            }
            State::Connecting(_) => {
                if let Deadline::Now = deadline {
                    self.drive_connect();
                    return match &self.state {
                        State::Connecting(_) => Err(os(Errno::Ealready)),
                        State::Connected(_) => Err(os(Errno::Eisconn)),
                        _ => Err(os(self.pending_error.take().unwrap_or(Errno::Econnrefused))),
                    };
                }
            }
            State::Connected(_) | State::Listening(_) => return Err(os(Errno::Eisconn)),
            State::Failed(_) | State::Gone => return Err(os(Errno::Ebadf)),
        }
        let State::Connecting(sock) = &self.state else {
            return Err(os(Errno::Ebadf));
        };
        let result = finish(sock, deadline, |s| s.finish_connect())?;
        self.settle_connect(result).map_err(os)
    }

    /// Records the outcome of `finish-connect`.
    fn settle_connect(
        &mut self,
        result: Result<(InputStream, OutputStream), ErrorCode>,
    ) -> Result<(), Errno> {
        let sock = match std::mem::replace(&mut self.state, State::Gone) {
            State::Connecting(s) => s,
            other => {
                self.state = other;
                return Ok(());
            }
        };
        match result {
            Ok((input, output)) => {
                self.state = State::Connected(Conn {
                    input,
                    output,
                    sock,
                });
                Ok(())
            }
            Err(e) => {
                self.state = State::Failed(sock);
                Err(errno_of(e))
            }
        }
    }

    /// Moves a pending non-blocking connect on without waiting; a failure
    /// becomes the pending `SO_ERROR`.
    pub fn drive_connect(&mut self) {
        let State::Connecting(sock) = &self.state else {
            return;
        };
        match sock.finish_connect() {
            Err(ErrorCode::WouldBlock) => {}
            result => {
                if let Err(code) = self.settle_connect(result) {
                    self.pending_error = Some(code);
                }
            }
        }
    }

    /// `_accept()` within `deadline`: the new connection and its peer.
    pub fn accept(&mut self, deadline: Deadline) -> Result<(Tcp, IpSocketAddress), Error> {
        let State::Listening(sock) = &self.state else {
            return Err(os(Errno::Einval));
        };
        let (s, input, output) = retry(deadline, || match sock.accept() {
            Ok(conn) => Ok(Step::Done(conn)),
            Err(ErrorCode::WouldBlock) => Ok(Step::Wait(sock.subscribe())),
            Err(e) => Err(from_wasi(e)),
        })?;
        let peer = s.remote_address().map_err(from_wasi)?;
        let conn = Conn {
            input,
            output,
            sock: s,
        };
        Ok((Tcp::with_state(self.family, State::Connected(conn)), peer))
    }

    fn conn(&self) -> Result<&Conn, Error> {
        match &self.state {
            State::Connected(c) => Ok(c),
            _ => Err(os(Errno::Enotconn)),
        }
    }

    /// One read of at most `max` bytes: data, empty at end of stream, or
    /// the pollable to wait for.
    fn read_once(&mut self, max: usize) -> Result<Step<Vec<u8>>, Error> {
        if !self.peeked.is_empty() {
            let n = max.min(self.peeked.len());
            return Ok(Step::Done(self.peeked.drain(..n).collect()));
        }
        if self.read_shut || self.eof {
            return Ok(Step::Done(Vec::new()));
        }
        let conn = self.conn()?;
        match conn.input.read(max as u64) {
            Ok(data) if data.is_empty() => Ok(Step::Wait(conn.input.subscribe())),
            Ok(data) => Ok(Step::Done(data)),
            Err(StreamError::Closed) => Ok(Step::Done(Vec::new())),
            Err(StreamError::LastOperationFailed(e)) => Err(from_stream(&e, Errno::Econnreset)),
        }
    }

    /// `recv(max, flags)` within `deadline`; flags: MSG_PEEK, MSG_WAITALL.
    pub fn recv(&mut self, max: usize, flags: i32, deadline: Deadline) -> Result<Vec<u8>, Error> {
        if max == 0 {
            return Ok(Vec::new());
        }
        if flags & MSG_PEEK != 0 {
            if self.peeked.is_empty() {
                let data = retry(deadline, || self.read_once(max))?;
                self.peeked = data;
            }
            return Ok(self.peeked[..max.min(self.peeked.len())].to_vec());
        }
        let mut data = retry(deadline, || self.read_once(max))?;
        if flags & MSG_WAITALL != 0 {
            while data.len() < max {
                let more = retry(deadline, || self.read_once(max - data.len()))?;
                if more.is_empty() {
                    break;
                }
                data.extend_from_slice(&more);
            }
        }
        Ok(data)
    }

    /// One write of as much of `data` as the stream takes now.
    fn write_once(&self, data: &[u8]) -> Result<Step<usize>, Error> {
        if self.write_shut {
            return Err(os(Errno::Epipe));
        }
        let conn = match &self.state {
            State::Connected(c) => c,
            // Linux: send on a stream socket that never connected.
            _ => return Err(os(Errno::Epipe)),
        };
        let fail = |e: StreamError| match e {
            StreamError::Closed => os(Errno::Epipe),
            StreamError::LastOperationFailed(e) => from_stream(&e, Errno::Epipe),
        };
        let room = conn.output.check_write().map_err(fail)?;
        if room == 0 {
            return Ok(Step::Wait(conn.output.subscribe()));
        }
        let n = data.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        conn.output.write(&data[..n]).map_err(fail)?;
        Ok(Step::Done(n))
    }

    /// `send(data)` within `deadline`: how many bytes were taken.
    pub fn send(&self, data: &[u8], deadline: Deadline) -> Result<usize, Error> {
        if data.is_empty() {
            return Ok(0);
        }
        retry(deadline, || self.write_once(data))
    }

    /// `sendall(data)`: the deadline covers the whole call.
    pub fn sendall(&self, data: &[u8], deadline: Deadline) -> Result<(), Error> {
        let mut sent = 0;
        while sent < data.len() {
            sent += retry(deadline, || self.write_once(&data[sent..]))?;
        }
        Ok(())
    }

    /// Waits (within `deadline`) until what was written has left the
    /// output stream, so a shutdown or close does not cut it off.
    pub fn flush(&self, deadline: Deadline) -> Result<(), Error> {
        let State::Connected(conn) = &self.state else {
            return Ok(());
        };
        if conn.output.flush().is_err() {
            return Ok(());
        }
        retry(deadline, || match conn.output.check_write() {
            Ok(0) => Ok(Step::Wait(conn.output.subscribe())),
            _ => Ok(Step::Done(())),
        })
    }

    /// `shutdown(how)`: SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2.
    pub fn shutdown(&mut self, how: i32, deadline: Deadline) -> Result<(), Error> {
        let kind = match how {
            0 => ShutdownType::Receive,
            1 => ShutdownType::Send,
            2 => ShutdownType::Both,
            _ => return Err(os(Errno::Einval)),
        };
        self.conn()?;
        if how != 0 {
            self.flush(deadline)?;
        }
        self.conn()?.sock.shutdown(kind).map_err(from_wasi)?;
        self.read_shut |= how != 1;
        self.write_shut |= how != 0;
        Ok(())
    }

    /// `getsockname()`: an unbound socket reports the wildcard address.
    pub fn local_address(&self) -> Result<IpSocketAddress, Error> {
        match &self.state {
            State::Open(_) | State::Gone => Ok(wildcard(self.family)),
            _ => match self.wasi()?.local_address() {
                Ok(a) => Ok(a),
                Err(ErrorCode::InvalidState) => Ok(wildcard(self.family)),
                Err(e) => Err(from_wasi(e)),
            },
        }
    }

    /// `getpeername()`.
    pub fn remote_address(&self) -> Result<IpSocketAddress, Error> {
        self.conn()?.sock.remote_address().map_err(from_wasi)
    }

    /// Whether a `recv` would not block now, found by reading (into the
    /// peek buffer) rather than trusting the stream's pollable alone.
    pub fn confirm_readable(&mut self) -> bool {
        if !self.peeked.is_empty() || self.read_shut || self.eof {
            return true;
        }
        let State::Connected(conn) = &self.state else {
            return true;
        };
        match conn.input.read(65536) {
            Ok(data) if data.is_empty() => false,
            Ok(data) => {
                self.peeked = data;
                true
            }
            Err(StreamError::Closed) => {
                self.eof = true;
                true
            }
            Err(StreamError::LastOperationFailed(_)) => true,
        }
    }

    /// Both directions are finished: Linux's POLLHUP.
    pub fn hung_up(&self) -> bool {
        matches!(self.state, State::Connected(_)) && self.write_shut && (self.eof || self.read_shut)
    }

    /// What to wait on for `poll`: events ready now, and pollables with the
    /// events each one stands for. (POLLIN = 1, POLLOUT = 4, POLLHUP = 16.)
    pub fn poll_sources(&mut self, events: u16) -> (u16, Vec<(Pollable, u16)>) {
        const POLLIN: u16 = 1;
        const POLLOUT: u16 = 4;
        const POLLERR: u16 = 8;
        const POLLHUP: u16 = 16;
        self.drive_connect();
        let mut now = 0;
        let mut later = Vec::new();
        match &self.state {
            State::Open(_) | State::Bound(_) => now |= POLLOUT & events | POLLHUP,
            State::Failed(_) | State::Gone => now |= POLLOUT & events | POLLERR | POLLHUP,
            State::Connecting(s) => later.push((s.subscribe(), events & POLLOUT)),
            State::Listening(s) => later.push((s.subscribe(), events & POLLIN)),
            State::Connected(c) => {
                if self.write_shut && (self.eof || self.read_shut) {
                    now |= POLLHUP;
                }
                if events & POLLIN != 0 {
                    if !self.peeked.is_empty() || self.read_shut || self.eof {
                        now |= POLLIN;
                    } else {
                        later.push((c.input.subscribe(), POLLIN));
                    }
                }
                if events & POLLOUT != 0 {
                    if self.write_shut {
                        now |= POLLOUT;
                    } else {
                        later.push((c.output.subscribe(), POLLOUT));
                    }
                }
            }
        }
        (now, later)
    }
}
