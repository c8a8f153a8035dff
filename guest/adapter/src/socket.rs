//! The exported `socket` interface: each function finds the descriptor,
//! checks what `wasi:sockets` can do, and delegates to [`crate::tcp`] or
//! [`crate::udp`] with the call's [`Deadline`].

use crate::addr::{from_python, loopback, to_python, AF_INET, AF_INET6, AF_UNIX};
use crate::errors::{os, unsupported};
use crate::exports::pysocket::socket::socket::{
    AncillaryItem, Descriptor, Guest, ReceivedMessage, SocketInfo, SockoptValue,
};
use crate::exports::pysocket::socket::types::{Address, Duration, Errno, Payload};
use crate::options;

use crate::table::{self, Entry, Kind, Socket};
use crate::tcp::{Tcp, MSG_PEEK, MSG_WAITALL};
use crate::udp::Udp;
use crate::wait::Deadline;
use crate::{Adapter, Error};
use std::cell::RefCell;
use std::rc::Rc;

const SOCK_STREAM: i32 = 1;
const SOCK_DGRAM: i32 = 2;
const SOCK_NONBLOCK: i32 = 0o4000;
const SOCK_CLOEXEC: i32 = 0o2000000;
const MSG_TRUNC: i32 = 0x20;
const MSG_DONTWAIT: i32 = 0x40;
const MSG_NOSIGNAL: i32 = 0x4000;

/// How long `close` lets unsent data drain when the socket has no
/// deadline of its own (CPython's `close` never waits; the kernel sends on,
/// but a WASI output stream dropped mid-write loses its data).
const CLOSE_DRAIN_NS: u64 = 5_000_000_000;

/// The deadline of a call on `entry` with `flags` (MSG_DONTWAIT: no wait).
fn deadline(entry: &Entry, flags: i32) -> Deadline {
    if flags & MSG_DONTWAIT != 0 {
        Deadline::Now
    } else {
        Deadline::start(entry.timeout)
    }
}

/// Refuses flags other than `allowed`.
fn check_flags(flags: i32, allowed: i32) -> Result<(), Error> {
    if flags & !allowed != 0 {
        return Err(unsupported(
            Errno::Eopnotsupp,
            &format!("message flags {:#x}", flags & !allowed),
        ));
    }
    Ok(())
}

fn new_entry(kind: Kind, proto: i32, timeout: Option<u64>) -> Entry {
    Entry {
        socket: Rc::new(RefCell::new(Socket {
            kind,
            proto,
            reuse_addr: 0,
        })),
        timeout,
    }
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `recvfrom` for both kinds: data, sender, MSG_* flags of the message.
fn receive(
    fd: Descriptor,
    bufsize: u32,
    flags: i32,
) -> Result<(Vec<u8>, Option<Address>, i32), Error> {
    check_flags(flags, MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT | MSG_TRUNC)?;
    let entry = table::get(fd)?;
    let deadline = deadline(&entry, flags);
    let mut sock = entry.socket.borrow_mut();
    let max = bufsize as usize;
    match &mut sock.kind {
        Kind::Tcp(t) => Ok((t.recv(max, flags, deadline)?, None, 0)),
        Kind::Udp(u) => {
            // MSG_TRUNC asks for the whole datagram's length (Linux).
            let max = if flags & MSG_TRUNC != 0 {
                usize::MAX
            } else {
                max
            };
            let d = u.recv(max, flags & MSG_PEEK != 0, deadline)?;
            let msg_flags = if d.truncated { MSG_TRUNC } else { 0 };
            Ok((d.data, Some(to_python(&d.from)), msg_flags))
        }
    }
}

/// `send`/`sendto`/`sendmsg` for both kinds.
fn transmit(
    fd: Descriptor,
    data: &[u8],
    flags: i32,
    address: Option<&Address>,
) -> Result<u32, Error> {
    check_flags(flags, MSG_DONTWAIT | MSG_NOSIGNAL)?;
    let entry = table::get(fd)?;
    let deadline = deadline(&entry, flags);
    let mut sock = entry.socket.borrow_mut();
    let family = sock.family();
    match &mut sock.kind {
        // On a connected stream socket Linux ignores the address.
        Kind::Tcp(t) => t.send(data, deadline).map(len_u32),
        Kind::Udp(u) => {
            let to = address.map(|a| from_python(a, family)).transpose()?;
            u.send(data, to, deadline).map(len_u32)
        }
    }
}

impl Guest for Adapter {
    fn create(family: i32, socket_type: i32, proto: i32) -> Result<Descriptor, Error> {
        let timeout = if socket_type & SOCK_NONBLOCK != 0 {
            Some(0)
        } else {
            None
        };
        let base = socket_type & !(SOCK_NONBLOCK | SOCK_CLOEXEC);
        if family == AF_UNIX {
            return Err(unsupported(Errno::Eafnosupport, "AF_UNIX sockets"));
        }
        if family != AF_INET && family != AF_INET6 {
            return Err(unsupported(
                Errno::Eafnosupport,
                &format!("address family {family} (wasi:sockets has only AF_INET and AF_INET6)"),
            ));
        }
        let kind = match (base, proto) {
            (SOCK_STREAM, 0 | 6) => Kind::Tcp(Tcp::new(family)?),
            (SOCK_DGRAM, 0 | 17) => Kind::Udp(Udp::new(family)?),
            (SOCK_STREAM | SOCK_DGRAM, _) => return Err(os(Errno::Eprotonosupport)),
            (3 | 4 | 5 | 10, _) => {
                return Err(unsupported(
                    Errno::Esocktnosupport,
                    &format!("socket type {base} (wasi:sockets has only TCP and UDP)"),
                ))
            }
            _ => return Err(os(Errno::Einval)),
        };
        table::insert(new_entry(kind, proto, timeout))
    }

    fn info(fd: Descriptor) -> Result<SocketInfo, Error> {
        let entry = table::get(fd)?;
        let sock = entry.socket.borrow();
        Ok(SocketInfo {
            family: sock.family(),
            socket_type: sock.socket_type(),
            proto: sock.proto,
            timeout: entry.timeout,
        })
    }

    fn bind(fd: Descriptor, address: Address) -> Result<(), Error> {
        let entry = table::get(fd)?;
        let mut sock = entry.socket.borrow_mut();
        let to = from_python(&address, sock.family())?;
        match &mut sock.kind {
            Kind::Tcp(t) => t.bind(to),
            Kind::Udp(u) => u.bind(to),
        }
    }

    fn listen(fd: Descriptor, backlog: i32) -> Result<(), Error> {
        let entry = table::get(fd)?;
        let mut sock = entry.socket.borrow_mut();
        match &mut sock.kind {
            Kind::Tcp(t) => t.listen(backlog.clamp(0, 4096)),
            Kind::Udp(_) => Err(os(Errno::Eopnotsupp)),
        }
    }

    fn accept(fd: Descriptor) -> Result<(Descriptor, Address), Error> {
        let entry = table::get(fd)?;
        let deadline = Deadline::start(entry.timeout);
        let mut sock = entry.socket.borrow_mut();
        let proto = sock.proto;
        let (conn, peer) = match &mut sock.kind {
            Kind::Tcp(t) => t.accept(deadline)?,
            Kind::Udp(_) => return Err(os(Errno::Eopnotsupp)),
        };
        let new = table::insert(new_entry(Kind::Tcp(conn), proto, None))?;
        Ok((new, to_python(&peer)))
    }

    fn connect(fd: Descriptor, address: Address) -> Result<(), Error> {
        let entry = table::get(fd)?;
        let deadline = Deadline::start(entry.timeout);
        let mut sock = entry.socket.borrow_mut();
        let to = from_python(&address, sock.family())?;
        match &mut sock.kind {
            // WASI's IPv6 sockets are IPv6-only: Linux's answer for them.
            Kind::Tcp(_) if crate::addr::is_v4_mapped(&to) => Err(os(Errno::Enetunreach)),
            Kind::Tcp(t) => t.connect(to, deadline),
            Kind::Udp(u) => u.connect(to),
        }
    }

    fn getsockname(fd: Descriptor) -> Result<Address, Error> {
        let entry = table::get(fd)?;
        let sock = entry.socket.borrow();
        let a = match &sock.kind {
            Kind::Tcp(t) => t.local_address()?,
            Kind::Udp(u) => u.local_address()?,
        };
        Ok(to_python(&a))
    }

    fn getpeername(fd: Descriptor) -> Result<Address, Error> {
        let entry = table::get(fd)?;
        let sock = entry.socket.borrow();
        let a = match &sock.kind {
            Kind::Tcp(t) => t.remote_address()?,
            Kind::Udp(u) => u.remote_address()?,
        };
        Ok(to_python(&a))
    }

    fn recv(fd: Descriptor, bufsize: u32, flags: i32) -> Result<Vec<u8>, Error> {
        receive(fd, bufsize, flags).map(|(data, _, _)| data)
    }

    fn recvfrom(
        fd: Descriptor,
        bufsize: u32,
        flags: i32,
    ) -> Result<(Vec<u8>, Option<Address>), Error> {
        receive(fd, bufsize, flags).map(|(data, from, _)| (data, from))
    }

    fn recvmsg(
        fd: Descriptor,
        bufsize: u32,
        _ancbufsize: u32,
        flags: i32,
    ) -> Result<ReceivedMessage, Error> {
        // No option that makes ancillary data arrive can be set here, so
        // there is never any to return.
        let (data, address, msg_flags) = receive(fd, bufsize, flags)?;
        Ok(ReceivedMessage {
            data,
            ancillary: Vec::new(),
            flags: msg_flags,
            address,
        })
    }

    fn send(fd: Descriptor, data: Payload, flags: i32) -> Result<u32, Error> {
        transmit(fd, &data, flags, None)
    }

    fn sendall(fd: Descriptor, data: Payload, flags: i32) -> Result<(), Error> {
        check_flags(flags, MSG_DONTWAIT | MSG_NOSIGNAL)?;
        let entry = table::get(fd)?;
        let deadline = deadline(&entry, flags);
        let mut sock = entry.socket.borrow_mut();
        match &mut sock.kind {
            Kind::Tcp(t) => t.sendall(&data, deadline),
            Kind::Udp(u) => u.send(&data, None, deadline).map(|_| ()),
        }
    }

    fn sendto(fd: Descriptor, data: Payload, flags: i32, address: Address) -> Result<u32, Error> {
        transmit(fd, &data, flags, Some(&address))
    }

    fn sendmsg(
        fd: Descriptor,
        buffers: Vec<Payload>,
        ancillary: Vec<AncillaryItem>,
        flags: i32,
        address: Option<Address>,
    ) -> Result<u32, Error> {
        if !ancillary.is_empty() {
            return Err(unsupported(Errno::Eopnotsupp, "ancillary data (sendmsg)"));
        }
        transmit(fd, &buffers.concat(), flags, address.as_ref())
    }

    fn shutdown(fd: Descriptor, how: i32) -> Result<(), Error> {
        let entry = table::get(fd)?;
        let deadline = Deadline::start(entry.timeout);
        let mut sock = entry.socket.borrow_mut();
        match &mut sock.kind {
            Kind::Tcp(t) => t.shutdown(how, deadline),
            Kind::Udp(_) if !(0..=2).contains(&how) => Err(os(Errno::Einval)),
            Kind::Udp(_) => Err(os(Errno::Enotconn)),
        }
    }

    fn set_timeout(fd: Descriptor, timeout: Option<Duration>) -> Result<(), Error> {
        table::set_timeout(fd, timeout)
    }

    fn setsockopt(fd: Descriptor, level: i32, name: i32, value: SockoptValue) -> Result<(), Error> {
        let entry = table::get(fd)?;
        let mut sock = entry.socket.borrow_mut();
        let value = match value {
            SockoptValue::Int(v) => v,
            SockoptValue::Bytes(b) if b.len() == 4 => i32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
            SockoptValue::Bytes(_) | SockoptValue::Null(_) => {
                return Err(unsupported(
                    Errno::Enoprotoopt,
                    &format!("socket option (level {level}, name {name}) with a buffer value"),
                ))
            }
        };
        options::set(&mut sock, level, name, value)
    }

    fn getsockopt_int(fd: Descriptor, level: i32, name: i32) -> Result<i32, Error> {
        let entry = table::get(fd)?;
        let mut sock = entry.socket.borrow_mut();
        options::get(&mut sock, level, name)
    }

    fn getsockopt_bytes(
        fd: Descriptor,
        level: i32,
        name: i32,
        buflen: u32,
    ) -> Result<Vec<u8>, Error> {
        if !(1..=1024).contains(&buflen) {
            return Err(crate::errors::invalid("getsockopt buflen out of range"));
        }
        let value = Self::getsockopt_int(fd, level, name)?;
        let mut bytes = value.to_ne_bytes().to_vec();
        bytes.truncate(buflen as usize);
        Ok(bytes)
    }

    fn dup(fd: Descriptor) -> Result<Descriptor, Error> {
        let entry = table::get(fd)?;
        table::insert(entry)
    }

    fn close(fd: Descriptor) -> Result<(), Error> {
        let entry = table::remove(fd)?;
        if Rc::strong_count(&entry.socket) == 1 {
            let sock = entry.socket.borrow();
            if let Kind::Tcp(t) = &sock.kind {
                let wait = entry.timeout.filter(|t| *t > 0).unwrap_or(CLOSE_DRAIN_NS);
                // Best effort: close never fails for unsent data.
                let _ = t.flush(Deadline::start(Some(wait)));
            }
        }
        Ok(())
    }

    fn socketpair(
        family: i32,
        socket_type: i32,
        proto: i32,
    ) -> Result<(Descriptor, Descriptor), Error> {
        if family == AF_UNIX {
            return Err(unsupported(Errno::Eafnosupport, "AF_UNIX socket pairs"));
        }
        if socket_type & !(SOCK_NONBLOCK | SOCK_CLOEXEC) != SOCK_STREAM {
            return Err(unsupported(
                Errno::Eopnotsupp,
                "socket pairs other than SOCK_STREAM",
            ));
        }
        // A connected pair over loopback, as CPython's own fallback does.
        let listener = Self::create(family, SOCK_STREAM, proto)?;
        let pair = (|| {
            let lo = loopback(family, 0);
            Self::bind(listener, to_python(&lo))?;
            Self::listen(listener, 1)?;
            let at = Self::getsockname(listener)?;
            let a = Self::create(family, SOCK_STREAM, proto)?;
            if let Err(e) = Self::connect(a, at) {
                let _ = Self::close(a);
                return Err(e);
            }
            let (b, _) = Self::accept(listener)?;
            Ok((a, b))
        })();
        let _ = Self::close(listener);
        let (a, b) = pair?;
        if socket_type & SOCK_NONBLOCK != 0 {
            table::set_timeout(a, Some(0))?;
            table::set_timeout(b, Some(0))?;
        }
        Ok((a, b))
    }
}
