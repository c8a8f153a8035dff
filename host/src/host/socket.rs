//! `pysocket:socket/socket`: socket objects.

use super::duration;
use crate::bindings::socket::{AncillaryItem, Host, ReceivedMessage, SocketInfo, SockoptValue};
use crate::bindings::types::Address as WitAddress;
use crate::net::msg::{ControlIn, ControlOut};
use crate::net::sock::{get_bytes_opt, get_int_opt, set_opt};
use crate::net::{options, Address, NetError, Sock};
use crate::policy::Op;
use crate::policy_hook::SocketUse;
use crate::{PysocketImpl, SocketError};
use socket2::{Domain, Socket, Type};
use std::sync::Arc;

type R<T> = Result<T, SocketError>;

/// The obsolete packet socket type (Linux numbering).
const SOCK_PACKET: i32 = 10;

/// SOCK_NONBLOCK | SOCK_CLOEXEC, which Python strips from `type`.
const TYPE_FLAGS: i32 = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;

/// Checks what `socket()` may create: IPv4, IPv6 and AF_UNIX; stream,
/// datagram and (AF_UNIX) seqpacket sockets.
fn check_kind(family: i32, sock_type: i32) -> R<()> {
    match family {
        libc::AF_INET | libc::AF_INET6 | libc::AF_UNIX => {}
        libc::AF_PACKET | libc::AF_NETLINK => {
            return Err(SocketError::os(libc::EACCES, format!("pysocket refuses address family {family}: it could let the guest leave its network sandbox")))
        }
        _ => return Err(NetError::unsupported(libc::EAFNOSUPPORT, &format!("address family {family}")).into()),
    }
    match sock_type {
        libc::SOCK_STREAM | libc::SOCK_DGRAM => Ok(()),
        libc::SOCK_SEQPACKET if family == libc::AF_UNIX => Ok(()),
        libc::SOCK_RAW | SOCK_PACKET => Err(SocketError::os(
            libc::EACCES,
            "pysocket refuses raw sockets: they could let the guest leave its network sandbox",
        )),
        libc::SOCK_SEQPACKET | libc::SOCK_RDM | libc::SOCK_DCCP => {
            Err(NetError::errno(libc::ESOCKTNOSUPPORT).into())
        }
        // What Linux says of a type it does not know.
        _ => Err(NetError::errno(libc::EINVAL).into()),
    }
}

impl PysocketImpl<'_> {
    fn sock(&self, fd: u32) -> R<Arc<Sock>> {
        Ok(self.ctx.fds.get(fd)?)
    }

    fn max_read(&self, bufsize: u32) -> usize {
        (bufsize as usize).min(self.ctx.policy().max_read())
    }
}

impl PysocketImpl<'_> {
    /// SO_SNDBUF/SO_RCVBUF are capped at the policy's `max_buffer`, given
    /// as an int or as the bytes of one.
    fn clamp_buffer_size(&self, level: i32, name: i32, value: SockoptValue) -> SockoptValue {
        if level != libc::SOL_SOCKET || (name != libc::SO_SNDBUF && name != libc::SO_RCVBUF) {
            return value;
        }
        let cap = i32::try_from(self.ctx.policy().limits().max_buffer).unwrap_or(i32::MAX);
        match value {
            SockoptValue::Int(v) => SockoptValue::Int(v.min(cap)),
            // The kernel reads an int from the first 4 bytes of longer values.
            SockoptValue::Bytes(b) => match b.get(..4).and_then(|x| <[u8; 4]>::try_from(x).ok()) {
                Some(raw) => SockoptValue::Int(i32::from_ne_bytes(raw).min(cap)),
                None => SockoptValue::Bytes(b),
            },
            other => other,
        }
    }
}

/// The largest ancillary buffer a guest may ask for.
const MAX_ANCILLARY: usize = 64 * 1024;

impl PysocketImpl<'_> {
    /// Takes sockets received by SCM_RIGHTS into the guest's table;
    /// returns their new numbers. Descriptors that are not sockets (a
    /// native peer may pass files) cannot be used by the guest and are
    /// closed.
    fn adopt_fds(&mut self, fds: Vec<std::os::fd::OwnedFd>) -> Vec<u32> {
        let mut out = Vec::with_capacity(fds.len());
        for fd in fds {
            let Ok(sock) = Sock::from_os(Socket::from(fd)) else {
                continue;
            };
            if let Ok(n) = self.ctx.fds.insert(sock) {
                out.push(n);
            }
        }
        out
    }
}

impl Host for PysocketImpl<'_> {
    fn create(&mut self, family: i32, socket_type: i32, proto: i32) -> R<u32> {
        let base_type = socket_type & !TYPE_FLAGS;
        check_kind(family, base_type)?;
        let os = Socket::new_raw(
            Domain::from(family),
            Type::from(base_type | TYPE_FLAGS),
            if proto == 0 { None } else { Some(proto.into()) },
        )?;
        let sock = Sock::new(os, family, base_type, proto)?;
        if socket_type & libc::SOCK_NONBLOCK != 0 {
            sock.set_timeout(Some(std::time::Duration::ZERO));
        }
        Ok(self.ctx.fds.insert(sock)?)
    }

    fn info(&mut self, fd: u32) -> R<SocketInfo> {
        let sock = self.sock(fd)?;
        let raw = sock.raw_fd();
        Ok(SocketInfo {
            family: get_int_opt(raw, libc::SOL_SOCKET, libc::SO_DOMAIN)?,
            socket_type: get_int_opt(raw, libc::SOL_SOCKET, libc::SO_TYPE)?,
            proto: get_int_opt(raw, libc::SOL_SOCKET, libc::SO_PROTOCOL)?,
            timeout: sock
                .timeout()
                .map(|t| u64::try_from(t.as_nanos()).unwrap_or(u64::MAX)),
        })
    }

    async fn bind(&mut self, fd: u32, address: WitAddress) -> R<()> {
        let sock = self.sock(fd)?;
        let addr = self
            .resolve_address(address, sock.family(), Op::Bind)
            .await?;
        self.check_use(SocketUse::Bind, &addr).await?;
        Ok(sock.bind(&addr.to_sockaddr()?)?)
    }

    async fn listen(&mut self, fd: u32, backlog: i32) -> R<()> {
        let sock = self.sock(fd)?;
        self.decide_listen(&sock)?;
        if self.ctx.policy().hook().is_some() {
            if let Some(local) = Address::from_sockaddr(&sock.local_addr()?) {
                self.check_use(SocketUse::Listen, &local).await?;
            }
        }
        Ok(sock.listen(self.ctx.policy().limits().backlog(backlog))?)
    }

    async fn accept(&mut self, fd: u32) -> R<(u32, WitAddress)> {
        let sock = self.sock(fd)?;
        let inbound = self.inbound();
        let (os, peer) = sock.accept_filtered(|peer| inbound.accept(peer)).await?;
        if let Some(from) = Address::from_sockaddr(&peer) {
            // Denied by the hook: `os` is dropped, which closes the connection.
            self.check_use(SocketUse::Accept, &from).await?;
        }
        let accepted = Sock::new(os, sock.family(), sock.sock_type(), sock.proto())?;
        let fd = self.ctx.fds.insert(accepted)?;
        Ok((fd, self.sockaddr_to_wit(&peer)))
    }

    async fn connect(&mut self, fd: u32, address: WitAddress) -> R<()> {
        let sock = self.sock(fd)?;
        let addr = self
            .resolve_address(address, sock.family(), Op::Connect)
            .await?;
        self.check_use(SocketUse::Connect, &addr).await?;
        Ok(sock.connect(&addr.to_sockaddr()?).await?)
    }

    fn getsockname(&mut self, fd: u32) -> R<WitAddress> {
        let local = self.sock(fd)?.local_addr()?;
        Ok(self.sockaddr_to_wit(&local))
    }

    fn getpeername(&mut self, fd: u32) -> R<WitAddress> {
        let peer = self.sock(fd)?.peer_addr()?;
        Ok(self.sockaddr_to_wit(&peer))
    }

    async fn recv(&mut self, fd: u32, bufsize: u32, flags: i32) -> R<Vec<u8>> {
        let sock = self.sock(fd)?;
        if self.filters_datagrams(&sock) {
            let inbound = self.inbound();
            let (data, _) = sock
                .recv_from_filtered(self.max_read(bufsize), flags, |from| {
                    inbound.receive(&sock, from)
                })
                .await?;
            return Ok(data);
        }
        Ok(sock.recv(self.max_read(bufsize), flags).await?)
    }

    async fn recvfrom(
        &mut self,
        fd: u32,
        bufsize: u32,
        flags: i32,
    ) -> R<(Vec<u8>, Option<WitAddress>)> {
        let sock = self.sock(fd)?;
        let inbound = self.inbound();
        let (data, from) = if self.filters_datagrams(&sock) {
            sock.recv_from_filtered(self.max_read(bufsize), flags, |from| {
                inbound.receive(&sock, from)
            })
            .await?
        } else {
            sock.recv_from(self.max_read(bufsize), flags).await?
        };
        Ok((
            data,
            Address::from_sockaddr(&from).map(|a| self.address_to_wit(&a)),
        ))
    }

    async fn recvmsg(
        &mut self,
        fd: u32,
        bufsize: u32,
        ancbufsize: u32,
        flags: i32,
    ) -> R<ReceivedMessage> {
        let sock = self.sock(fd)?;
        let ancbufsize = (ancbufsize as usize).min(MAX_ANCILLARY);
        let inbound = self.inbound();
        let got = if self.filters_datagrams(&sock) {
            sock.recv_msg_filtered(self.max_read(bufsize), ancbufsize, flags, |from| {
                inbound.receive(&sock, from)
            })
            .await?
        } else {
            sock.recv_msg(self.max_read(bufsize), ancbufsize, flags)
                .await?
        };
        let mut ancillary = Vec::with_capacity(got.control.len());
        for item in got.control {
            ancillary.push(match item {
                ControlIn::Rights(fds) => AncillaryItem {
                    level: libc::SOL_SOCKET,
                    kind: libc::SCM_RIGHTS,
                    data: self
                        .adopt_fds(fds)
                        .iter()
                        .flat_map(|fd| (*fd as i32).to_ne_bytes())
                        .collect(),
                },
                ControlIn::Other { level, kind, data } => AncillaryItem { level, kind, data },
            });
        }
        Ok(ReceivedMessage {
            data: got.data,
            ancillary,
            flags: got.flags,
            address: got
                .from
                .as_ref()
                .and_then(Address::from_sockaddr)
                .map(|a| self.address_to_wit(&a)),
        })
    }

    async fn send(&mut self, fd: u32, data: Vec<u8>, flags: i32) -> R<u32> {
        let sock = self.sock(fd)?;
        Ok(sock.send(&data, flags).await? as u32)
    }

    async fn sendall(&mut self, fd: u32, data: Vec<u8>, flags: i32) -> R<()> {
        let sock = self.sock(fd)?;
        Ok(sock.send_all(&data, flags).await?)
    }

    async fn sendto(&mut self, fd: u32, data: Vec<u8>, flags: i32, address: WitAddress) -> R<u32> {
        let sock = self.sock(fd)?;
        let addr = self
            .resolve_address(address, sock.family(), Op::SendTo)
            .await?;
        self.check_use(SocketUse::Send, &addr).await?;
        Ok(sock.send_to(&data, flags, &addr.to_sockaddr()?).await? as u32)
    }

    async fn sendmsg(
        &mut self,
        fd: u32,
        buffers: Vec<Vec<u8>>,
        ancillary: Vec<AncillaryItem>,
        flags: i32,
        address: Option<WitAddress>,
    ) -> R<u32> {
        let sock = self.sock(fd)?;
        let to = match address {
            Some(a) => {
                let addr = self.resolve_address(a, sock.family(), Op::SendMsg).await?;
                self.check_use(SocketUse::Send, &addr).await?;
                Some(addr.to_sockaddr()?)
            }
            None => None,
        };
        // The sockets passed must stay open until the message is sent.
        let mut passed: Vec<Arc<Sock>> = Vec::new();
        let mut control = Vec::with_capacity(ancillary.len());
        for item in ancillary {
            if item.level == libc::SOL_SOCKET && item.kind == libc::SCM_RIGHTS {
                let mut raw = Vec::new();
                for chunk in item.data.chunks(4) {
                    let bytes: [u8; 4] = chunk
                        .try_into()
                        .map_err(|_| NetError::errno(libc::EINVAL))?;
                    let guest_fd =
                        u32::try_from(i32::from_ne_bytes(bytes)).map_err(|_| NetError::bad_fd())?;
                    let s = self.ctx.fds.get(guest_fd)?;
                    raw.push(s.raw_fd());
                    passed.push(s);
                }
                control.push(ControlOut::Rights(raw));
            } else if item.level == libc::SOL_SOCKET && item.kind == libc::SCM_CREDENTIALS {
                return Err(SocketError::os(
                    libc::EACCES,
                    "pysocket refuses SCM_CREDENTIALS: the guest would speak for the host process",
                ));
            } else {
                control.push(ControlOut::Other {
                    level: item.level,
                    kind: item.kind,
                    data: item.data,
                });
            }
        }
        let n = sock
            .send_msg(&buffers, &control, flags, to.as_ref())
            .await?;
        drop(passed);
        Ok(n as u32)
    }

    fn shutdown(&mut self, fd: u32, how: i32) -> R<()> {
        Ok(self.sock(fd)?.shutdown(how)?)
    }

    fn set_timeout(&mut self, fd: u32, timeout: Option<u64>) -> R<()> {
        self.sock(fd)?.set_timeout(timeout.map(duration));
        Ok(())
    }

    fn setsockopt(&mut self, fd: u32, level: i32, name: i32, value: SockoptValue) -> R<()> {
        let sock = self.sock(fd)?;
        options::check_set(level, name)?;
        let fd = sock.raw_fd();
        let value = self.clamp_buffer_size(level, name, value);
        match value {
            SockoptValue::Int(v) => set_opt(fd, level, name, Some(&v.to_ne_bytes()), 4)?,
            SockoptValue::Bytes(b) => set_opt(fd, level, name, Some(&b), b.len())?,
            SockoptValue::Null(len) => set_opt(fd, level, name, None, len as usize)?,
        }
        Ok(())
    }

    fn getsockopt_int(&mut self, fd: u32, level: i32, name: i32) -> R<i32> {
        let sock = self.sock(fd)?;
        options::check_get(level, name)?;
        Ok(get_int_opt(sock.raw_fd(), level, name)?)
    }

    fn getsockopt_bytes(&mut self, fd: u32, level: i32, name: i32, buflen: u32) -> R<Vec<u8>> {
        let sock = self.sock(fd)?;
        if !(1..=1024).contains(&buflen) {
            return Err(SocketError::os(
                libc::EINVAL,
                "getsockopt buflen out of range",
            ));
        }
        options::check_get(level, name)?;
        Ok(get_bytes_opt(sock.raw_fd(), level, name, buflen as usize)?)
    }

    fn dup(&mut self, fd: u32) -> R<u32> {
        let sock = self.sock(fd)?;
        dup_sock(self, &sock)
    }

    fn close(&mut self, fd: u32) -> R<()> {
        self.ctx.fds.remove(fd)?;
        // A TLS session on the descriptor ends with it.
        self.ctx.tls.remove(fd);
        Ok(())
    }

    fn socketpair(&mut self, family: i32, socket_type: i32, proto: i32) -> R<(u32, u32)> {
        let base_type = socket_type & !TYPE_FLAGS;
        if family != libc::AF_UNIX {
            return Err(SocketError::os(
                libc::EOPNOTSUPP,
                "Operation not supported (socketpair needs AF_UNIX)",
            ));
        }
        check_kind(family, base_type)?;
        let (a, b) = Socket::pair_raw(
            Domain::from(family),
            Type::from(base_type | TYPE_FLAGS),
            if proto == 0 { None } else { Some(proto.into()) },
        )?;
        let mut fds = Vec::with_capacity(2);
        for os in [a, b] {
            let sock = Sock::new(os, family, base_type, proto)?;
            if socket_type & libc::SOCK_NONBLOCK != 0 {
                sock.set_timeout(Some(std::time::Duration::ZERO));
            }
            match self.ctx.fds.insert(sock) {
                Ok(fd) => fds.push(fd),
                Err(e) => {
                    for fd in fds {
                        let _ = self.ctx.fds.remove(fd);
                    }
                    return Err(e.into());
                }
            }
        }
        Ok((fds[0], fds[1]))
    }
}

/// A new descriptor for the same OS socket, with the same timeout.
fn dup_sock(this: &mut PysocketImpl<'_>, sock: &Sock) -> R<u32> {
    let copy = Sock::new(
        sock.dup_os()?,
        sock.family(),
        sock.sock_type(),
        sock.proto(),
    )?;
    copy.set_timeout(sock.timeout());
    copy.set_bound_by_guest(sock.bound_by_guest());
    Ok(this.ctx.fds.insert(copy)?)
}
