//! [`Sock`]: one OS socket with CPython's timeout model.
//!
//! The OS socket is always non-blocking; blocking behaviour is emulated the
//! way CPython's `sock_call_ex` does it for sockets with a timeout: try the
//! system call, and if it would block, wait for readiness (until the
//! deadline, if any) and retry. Waiting is a tokio readiness future, so the
//! guest that waits is suspended and nothing else is held up.

use super::error::{NetError, NetResult};
use socket2::{SockAddr, Socket};
use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::time::Instant;

const NO_TIMEOUT: u64 = u64::MAX;

/// How long a call may wait, fixed when the call starts.
#[derive(Debug, Clone, Copy)]
pub enum Wait {
    /// Timeout 0 (or MSG_DONTWAIT): fail with EAGAIN instead of waiting.
    NonBlocking,
    /// Timeout None: wait as long as it takes.
    Forever,
    /// Timeout > 0: wait until this instant, then fail with a timeout.
    Until(Instant),
}

/// The descriptor of a [`Sock`] as the reactor sees it (the `Sock` owns it).
#[derive(Debug)]
pub(crate) struct FdRef(RawFd);

impl AsRawFd for FdRef {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// An OS socket, its reactor registration, and what Python knows of it.
///
/// The socket is registered with the reactor lazily, the first time a call
/// has to wait. Registering earlier would be wrong: epoll reports an
/// unconnected stream socket as hung up, and tokio keeps "closed" readiness
/// forever, so a socket registered before `connect`/`listen` would look
/// ready for good and every wait on it would spin.
#[derive(Debug)]
pub struct Sock {
    /// Declared before `socket`: deregistration happens before the close.
    registration: Mutex<Option<Arc<AsyncFd<FdRef>>>>,
    socket: Socket,
    family: i32,
    sock_type: i32,
    proto: i32,
    /// Nanoseconds; `NO_TIMEOUT` for None (blocking).
    timeout_ns: AtomicU64,
    /// Whether the guest bound it with `bind` (not the OS implicitly, on
    /// `sendto`/`connect`/`listen`): the policy hears datagrams differently.
    bound_by_guest: AtomicBool,
}

impl Sock {
    /// Wraps an OS socket that is already non-blocking (created with
    /// SOCK_NONBLOCK, accepted with accept4, or dup'ed from one).
    pub fn new(socket: Socket, family: i32, sock_type: i32, proto: i32) -> NetResult<Sock> {
        Ok(Sock {
            registration: Mutex::new(None),
            socket,
            family,
            sock_type,
            proto,
            timeout_ns: AtomicU64::new(NO_TIMEOUT),
            bound_by_guest: AtomicBool::new(false),
        })
    }

    /// Like [`Sock::new`], reading family, type and protocol from the OS
    /// (SO_DOMAIN, SO_TYPE, SO_PROTOCOL), as `socket(fileno=...)` does.
    pub fn from_os(socket: Socket) -> NetResult<Sock> {
        let family = get_int_opt(socket.as_raw_fd(), libc::SOL_SOCKET, libc::SO_DOMAIN)?;
        let sock_type = get_int_opt(socket.as_raw_fd(), libc::SOL_SOCKET, libc::SO_TYPE)?;
        let proto = get_int_opt(socket.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PROTOCOL)?;
        socket.set_nonblocking(true)?;
        Sock::new(socket, family, sock_type, proto)
    }

    /// The reactor registration, made on first use. Must run inside a
    /// tokio runtime. Only waiting calls need it, so the lock and the
    /// reference count stay off the fast path.
    pub(crate) fn io(&self) -> NetResult<Arc<AsyncFd<FdRef>>> {
        let mut slot = self.registration.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(io) = slot.as_ref() {
            return Ok(io.clone());
        }
        // SAFETY: `self.socket` owns the descriptor and outlives the
        // registration (field order; `reset_registration` drops it early),
        // and the descriptor is never replaced.
        let io = unsafe {
            AsyncFd::register_with_interest(
                FdRef(self.raw_fd()),
                Interest::READABLE | Interest::WRITABLE,
            )
        }
        .map_err(|e| NetError::Io(e.into_parts().1))?;
        let io = Arc::new(io);
        *slot = Some(io.clone());
        Ok(io)
    }

    /// Forgets the reactor registration, so the next wait registers afresh
    /// and sees the socket's current state instead of stale "closed" or
    /// "error" readiness (which tokio never clears) from an earlier failure.
    fn reset_registration(&self) {
        self.registration
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }

    /// The underlying OS socket.
    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The OS descriptor.
    pub fn raw_fd(&self) -> RawFd {
        self.socket.as_raw_fd()
    }

    pub fn family(&self) -> i32 {
        self.family
    }

    pub fn sock_type(&self) -> i32 {
        self.sock_type
    }

    pub fn proto(&self) -> i32 {
        self.proto
    }

    /// The timeout: None = blocking, 0 = non-blocking, > 0 = deadline.
    pub fn timeout(&self) -> Option<Duration> {
        match self.timeout_ns.load(Ordering::Relaxed) {
            NO_TIMEOUT => None,
            ns => Some(Duration::from_nanos(ns)),
        }
    }

    pub fn set_timeout(&self, timeout: Option<Duration>) {
        let ns = timeout.map_or(NO_TIMEOUT, |t| {
            u64::try_from(t.as_nanos()).unwrap_or(NO_TIMEOUT - 1)
        });
        self.timeout_ns.store(ns, Ordering::Relaxed);
    }

    /// The wait policy of a call starting now with these MSG_* flags.
    pub fn wait_for_call(&self, flags: i32) -> Wait {
        if flags & libc::MSG_DONTWAIT != 0 {
            return Wait::NonBlocking;
        }
        match self.timeout() {
            None => Wait::Forever,
            Some(t) if t.is_zero() => Wait::NonBlocking,
            Some(t) => Wait::Until(Instant::now() + t),
        }
    }

    /// CPython's `sock_call_ex`: run `op`; while it would block, wait for
    /// `interest` (bounded by `wait`) and run it again. EINTR is retried.
    pub async fn call<T>(
        &self,
        interest: Interest,
        wait: Wait,
        mut op: impl FnMut(&Socket) -> io::Result<T>,
    ) -> NetResult<T> {
        match op(&self.socket) {
            Err(e)
                if e.kind() == io::ErrorKind::WouldBlock
                    || e.kind() == io::ErrorKind::Interrupted => {}
            other => return other.map_err(NetError::Io),
        }
        let io = self.io()?;
        let mut missed = false;
        loop {
            let ready = io.ready(interest);
            let mut guard = match wait {
                Wait::NonBlocking => return Err(NetError::would_block()),
                Wait::Forever => ready.await?,
                Wait::Until(deadline) => match tokio::time::timeout_at(deadline, ready).await {
                    Ok(guard) => guard?,
                    Err(_) => return Err(NetError::Timeout),
                },
            };
            match guard.try_io(|_| op(&self.socket)) {
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Ok(result) => return result.map_err(NetError::Io),
                // Not ready after all (the readiness was stale and is now
                // cleared). A second miss in a row means readiness tokio
                // cannot clear ("closed" states): let other tasks run before
                // waiting again, so it never spins a worker.
                Err(_would_block) => {
                    if missed {
                        tokio::task::yield_now().await;
                    }
                    missed = true;
                    continue;
                }
            }
        }
    }

    /// Waits until the socket is ready for `interest` (bounded by `wait`),
    /// without doing any I/O.
    pub async fn wait_ready(&self, interest: Interest, wait: Wait) -> NetResult<()> {
        let io = self.io()?;
        let ready = io.ready(interest);
        match wait {
            Wait::NonBlocking => Err(NetError::would_block()),
            Wait::Forever => ready.await.map(|_| ()).map_err(NetError::Io),
            Wait::Until(deadline) => match tokio::time::timeout_at(deadline, ready).await {
                Ok(guard) => guard.map(|_| ()).map_err(NetError::Io),
                Err(_) => Err(NetError::Timeout),
            },
        }
    }

    /// Clears cached readiness after an operation found the socket not ready.
    pub fn clear_readiness(&self, interest: Interest) {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let Some(io) = self
            .registration
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        else {
            return;
        };
        let mut ready = std::pin::pin!(io.ready(interest));
        if let std::task::Poll::Ready(Ok(mut guard)) = ready.as_mut().poll(&mut cx) {
            guard.clear_ready();
        }
    }

    /// `bind(2)`.
    pub fn bind(&self, addr: &SockAddr) -> NetResult<()> {
        self.socket().bind(addr)?;
        self.bound_by_guest.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Did a `bind` call (rather than the OS, implicitly) bind it?
    pub fn bound_by_guest(&self) -> bool {
        self.bound_by_guest.load(Ordering::Relaxed)
    }

    /// Marks it as bound by the guest (a `dup` of such a socket).
    pub fn set_bound_by_guest(&self, yes: bool) {
        self.bound_by_guest.store(yes, Ordering::Relaxed);
    }

    /// An IPv4/IPv6 datagram socket: one whose senders the policy filters.
    pub fn is_inet_datagram(&self) -> bool {
        self.sock_type == libc::SOCK_DGRAM
            && (self.family == libc::AF_INET || self.family == libc::AF_INET6)
    }

    /// `listen(2)`.
    pub fn listen(&self, backlog: i32) -> NetResult<()> {
        Ok(self.socket().listen(backlog)?)
    }

    /// `connect(2)` with CPython's timeout handling: a non-blocking connect,
    /// then wait for writability and read SO_ERROR.
    pub async fn connect(&self, addr: &SockAddr) -> NetResult<()> {
        let wait = self.wait_for_call(0);
        match self.socket().connect(addr) {
            Ok(()) => return Ok(()),
            Err(e)
                if e.raw_os_error() == Some(libc::EINPROGRESS)
                    || e.raw_os_error() == Some(libc::EINTR) =>
            {
                if matches!(wait, Wait::NonBlocking) {
                    return Err(NetError::Io(e));
                }
                // A new attempt (possibly after a failed one): start from
                // the socket's current readiness.
                self.reset_registration();
            }
            Err(e) => return Err(NetError::Io(e)),
        }
        // On loopback the handshake is usually over by the time connect(2)
        // returns: look before involving the reactor (which would register
        // the socket with epoll and wake this task through it).
        let mut ready_now = super::poll::ready_now(self.raw_fd(), libc::POLLOUT)
            & (libc::POLLOUT | libc::POLLERR | libc::POLLHUP)
            != 0;
        loop {
            if !ready_now {
                self.wait_ready(Interest::WRITABLE, wait).await?;
            }
            ready_now = false;
            match self.socket().take_error()? {
                Some(e) => {
                    if wait_is_blocking(wait) {
                        // A blocking connect(2) leaves a failed socket ready
                        // for a new attempt; a non-blocking one needs one
                        // more connect(2) (which fails with ECONNABORTED) to
                        // get there. Make it, so blocking sockets behave as
                        // in CPython.
                        let _ = self.socket().connect(addr);
                    }
                    return Err(NetError::Io(e));
                }
                None => match self.socket().peer_addr() {
                    Ok(_) => return Ok(()),
                    // Spurious wake-up: still connecting.
                    Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => {
                        self.clear_readiness(Interest::WRITABLE)
                    }
                    Err(e) => return Err(NetError::Io(e)),
                },
            }
        }
    }

    /// `accept4(2)`: the new socket (non-blocking, close-on-exec) and the
    /// peer's address.
    pub async fn accept(&self) -> NetResult<(Socket, SockAddr)> {
        self.accept_filtered(|_| true).await
    }

    /// Like [`Sock::accept`], but connections from peers `allow` refuses
    /// are reset (SO_LINGER 0, then close) and never returned; the wait
    /// goes on, within the same deadline.
    pub async fn accept_filtered(
        &self,
        allow: impl Fn(&SockAddr) -> bool,
    ) -> NetResult<(Socket, SockAddr)> {
        let wait = self.wait_for_call(0);
        self.call(Interest::READABLE, wait, |s| loop {
            let (conn, peer) = accept4(s)?;
            if allow(&peer) {
                return Ok((conn, peer));
            }
            // A reset, not an orderly close: the peer learns at once.
            let _ = conn.set_linger(Some(Duration::ZERO));
            drop(conn);
        })
        .await
    }

    /// `recv(2)` of at most `len` bytes.
    pub async fn recv(&self, len: usize, flags: i32) -> NetResult<Vec<u8>> {
        let wait = self.wait_for_call(flags);
        let mut buf = Vec::<u8>::with_capacity(len);
        let n = self
            .call(Interest::READABLE, wait, |s| {
                s.recv_with_flags(buf.spare_capacity_mut(), flags)
            })
            .await?;
        // SAFETY: recv initialised the first `n` bytes of the spare capacity.
        unsafe { buf.set_len(n.min(len)) };
        pad_truncated(&mut buf, n);
        Ok(buf)
    }

    /// `recvfrom(2)` of at most `len` bytes, with the sender's address.
    pub async fn recv_from(&self, len: usize, flags: i32) -> NetResult<(Vec<u8>, SockAddr)> {
        self.recv_from_filtered(len, flags, |_| true).await
    }

    /// Like [`Sock::recv_from`], but datagrams from senders `allow` refuses
    /// are consumed and dropped (also under MSG_PEEK) and the wait goes
    /// on, within the same deadline.
    pub async fn recv_from_filtered(
        &self,
        len: usize,
        flags: i32,
        allow: impl Fn(&SockAddr) -> bool,
    ) -> NetResult<(Vec<u8>, SockAddr)> {
        let wait = self.wait_for_call(flags);
        let mut buf = Vec::<u8>::with_capacity(len);
        let (n, addr) = self
            .call(Interest::READABLE, wait, |s| loop {
                let (n, from) = s.recv_from_with_flags(buf.spare_capacity_mut(), flags)?;
                if allow(&from) {
                    return Ok((n, from));
                }
                if flags & libc::MSG_PEEK != 0 {
                    discard_datagram(s)?;
                }
            })
            .await?;
        // SAFETY: recvfrom initialised the first `n` bytes (MSG_TRUNC may
        // report more than the buffer held, hence the clamp).
        unsafe { buf.set_len(n.min(len)) };
        pad_truncated(&mut buf, n);
        Ok((buf, addr))
    }

    /// `send(2)`: how many bytes the OS took.
    pub async fn send(&self, data: &[u8], flags: i32) -> NetResult<usize> {
        let wait = self.wait_for_call(flags);
        self.call(Interest::WRITABLE, wait, |s| {
            s.send_with_flags(data, flags | libc::MSG_NOSIGNAL)
        })
        .await
    }

    /// `sendall`: sends everything; the timeout covers the whole call.
    pub async fn send_all(&self, mut data: &[u8], flags: i32) -> NetResult<()> {
        let wait = self.wait_for_call(flags);
        while !data.is_empty() {
            let n = self
                .call(Interest::WRITABLE, wait, |s| {
                    s.send_with_flags(data, flags | libc::MSG_NOSIGNAL)
                })
                .await?;
            data = &data[n..];
        }
        Ok(())
    }

    /// `sendto(2)`.
    pub async fn send_to(&self, data: &[u8], flags: i32, addr: &SockAddr) -> NetResult<usize> {
        let wait = self.wait_for_call(flags);
        self.call(Interest::WRITABLE, wait, |s| {
            s.send_to_with_flags(data, addr, flags | libc::MSG_NOSIGNAL)
        })
        .await
    }

    /// `shutdown(2)`.
    pub fn shutdown(&self, how: i32) -> NetResult<()> {
        let how = match how {
            libc::SHUT_RD => std::net::Shutdown::Read,
            libc::SHUT_WR => std::net::Shutdown::Write,
            libc::SHUT_RDWR => std::net::Shutdown::Both,
            _ => return Err(NetError::errno(libc::EINVAL)),
        };
        Ok(self.socket().shutdown(how)?)
    }

    /// `getsockname(2)`.
    pub fn local_addr(&self) -> NetResult<SockAddr> {
        Ok(self.socket().local_addr()?)
    }

    /// `getpeername(2)`.
    pub fn peer_addr(&self) -> NetResult<SockAddr> {
        Ok(self.socket().peer_addr()?)
    }

    /// `dup(2)` (close-on-exec), as a new OS socket.
    pub fn dup_os(&self) -> NetResult<Socket> {
        Ok(self.socket().try_clone()?)
    }
}

/// With MSG_TRUNC the OS reports a datagram's real length, which may
/// exceed the buffer; CPython then returns that many bytes (the tail is
/// zeros), so a guest can learn the length the same way.
fn pad_truncated(buf: &mut Vec<u8>, reported: usize) {
    if reported > buf.len() {
        buf.resize(reported, 0);
    }
}

fn wait_is_blocking(wait: Wait) -> bool {
    matches!(wait, Wait::Forever)
}

/// Consumes the next datagram (after a MSG_PEEK showed it was refused).
pub(crate) fn discard_datagram(s: &Socket) -> io::Result<()> {
    let mut one = [std::mem::MaybeUninit::<u8>::uninit(); 1];
    s.recv_with_flags(&mut one, libc::MSG_DONTWAIT | libc::MSG_TRUNC)
        .map(|_| ())
}

/// `accept4` with SOCK_NONBLOCK | SOCK_CLOEXEC in one system call.
fn accept4(listener: &Socket) -> io::Result<(Socket, SockAddr)> {
    // SAFETY: `try_init` hands us valid storage and length pointers; on
    // success accept4 returns a new descriptor that we own.
    let (fd, addr) = unsafe {
        SockAddr::try_init(|storage, len| {
            let fd = libc::accept4(
                listener.as_raw_fd(),
                storage.cast(),
                len,
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            );
            if fd < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(fd)
            }
        })?
    };
    // SAFETY: `fd` is a fresh descriptor returned by accept4.
    Ok((unsafe { Socket::from_raw_fd(fd) }, addr))
}

/// `getsockopt(2)` of an `int` option.
pub fn get_int_opt(fd: RawFd, level: i32, name: i32) -> io::Result<i32> {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: value and len are valid for writes of the declared size.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(value)
}

/// `getsockopt(2)` into a buffer of `buflen` bytes; returns what the OS wrote.
pub fn get_bytes_opt(fd: RawFd, level: i32, name: i32, buflen: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; buflen];
    let mut len = buflen as libc::socklen_t;
    // SAFETY: buf is valid for `buflen` bytes; len tells the OS so.
    let rc = unsafe { libc::getsockopt(fd, level, name, buf.as_mut_ptr().cast(), &mut len) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    buf.truncate(len as usize);
    Ok(buf)
}

/// `setsockopt(2)` with raw bytes (`None` = a NULL value of `len` bytes).
pub fn set_opt(
    fd: RawFd,
    level: i32,
    name: i32,
    value: Option<&[u8]>,
    len: usize,
) -> io::Result<()> {
    let ptr = value.map_or(std::ptr::null(), |v| v.as_ptr().cast());
    // SAFETY: ptr is NULL or valid for `len` bytes (callers pass v.len()).
    let rc = unsafe { libc::setsockopt(fd, level, name, ptr, len as libc::socklen_t) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Sock>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use socket2::{Domain, Type};

    fn pair() -> (Sock, Sock) {
        let (a, b) = Socket::pair_raw(Domain::UNIX, Type::STREAM.nonblocking(), None).unwrap();
        (
            Sock::new(a, libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap(),
            Sock::new(b, libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap(),
        )
    }

    #[tokio::test]
    async fn recv_times_out_on_a_silent_peer() {
        let (a, _b) = pair();
        a.set_timeout(Some(Duration::from_millis(100)));
        let started = std::time::Instant::now();
        let err = a.recv(10, 0).await.unwrap_err();
        assert!(matches!(err, NetError::Timeout), "{err:?}");
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(90) && waited < Duration::from_secs(5),
            "{waited:?}"
        );
    }

    #[tokio::test]
    async fn non_blocking_recv_is_eagain_and_data_arrives() {
        let (a, b) = pair();
        a.set_timeout(Some(Duration::ZERO));
        assert_eq!(
            a.recv(10, 0).await.unwrap_err().raw_errno(),
            Some(libc::EAGAIN)
        );
        b.send_all(b"hi", 0).await.unwrap();
        a.set_timeout(None);
        assert_eq!(a.recv(10, 0).await.unwrap(), b"hi");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tcp_exchange_then_timeout() {
        let new = |d: Domain| {
            Sock::new(
                Socket::new_raw(d, Type::STREAM.nonblocking(), None).unwrap(),
                libc::AF_INET,
                libc::SOCK_STREAM,
                0,
            )
            .unwrap()
        };
        let l = new(Domain::IPV4);
        l.bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
        l.listen(8).unwrap();
        let c = new(Domain::IPV4);
        c.connect(&l.local_addr().unwrap()).await.unwrap();
        let (s, _) = l.accept().await.unwrap();
        let s = Sock::new(s, libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        c.send_all(b"hello", 0).await.unwrap();
        assert_eq!(s.recv(100, 0).await.unwrap(), b"hello");
        s.send_all(b"HELLO", 0).await.unwrap();
        assert_eq!(c.recv(100, 0).await.unwrap(), b"HELLO");
        c.set_timeout(Some(Duration::from_millis(200)));
        let started = std::time::Instant::now();
        assert!(matches!(
            c.recv(100, 0).await.unwrap_err(),
            NetError::Timeout
        ));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
