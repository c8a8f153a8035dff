//! UDP sockets on `wasi:sockets/udp`: datagrams travel through the pair of
//! streams `stream()` returns, which needs a bound socket, so a socket is
//! bound implicitly (wildcard address, ephemeral port) on first use, as
//! POSIX does. `connect` re-creates the streams with the remote address.

use crate::addr::{family_of, wildcard, with_network};
use crate::errors::{from_wasi, os};
use crate::exports::pysocket::socket::types::Errno;
use crate::wait::{retry, Deadline, Step};
use crate::Error;
use wasi::io::poll::Pollable;
use wasi::sockets::network::{ErrorCode, IpSocketAddress};
use wasi::sockets::udp::{
    IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream, UdpSocket,
};
use wasi::sockets::udp_create_socket::create_udp_socket;

/// The two datagram streams of a bound socket (dropped before it).
struct Streams {
    incoming: IncomingDatagramStream,
    outgoing: OutgoingDatagramStream,
}

/// A UDP socket as the guest sees it.
pub struct Udp {
    pub family: i32,
    streams: Option<Streams>,
    sock: UdpSocket,
    connected: Option<IpSocketAddress>,
    /// A datagram read for `MSG_PEEK`, handed out first.
    peeked: Option<(Vec<u8>, IpSocketAddress)>,
}

/// Whether two socket addresses are the same.
fn same(a: &IpSocketAddress, b: &IpSocketAddress) -> bool {
    match (a, b) {
        (IpSocketAddress::Ipv4(a), IpSocketAddress::Ipv4(b)) => {
            a.port == b.port && a.address == b.address
        }
        (IpSocketAddress::Ipv6(a), IpSocketAddress::Ipv6(b)) => {
            a.port == b.port && a.address == b.address && a.scope_id == b.scope_id
        }
        _ => false,
    }
}

/// A received datagram: its bytes (cut to the buffer), whether it was cut,
/// and its sender.
pub struct Datagram {
    pub data: Vec<u8>,
    pub truncated: bool,
    pub from: IpSocketAddress,
}

impl Udp {
    /// `socket(family, SOCK_DGRAM)`.
    pub fn new(family: i32) -> Result<Udp, Error> {
        Ok(Udp {
            family,
            streams: None,
            sock: create_udp_socket(family_of(family)).map_err(from_wasi)?,
            connected: None,
            peeked: None,
        })
    }

    /// The WASI socket, for option calls.
    pub fn wasi(&self) -> &UdpSocket {
        &self.sock
    }

    fn open_streams(&mut self, remote: Option<IpSocketAddress>) -> Result<(), Error> {
        self.streams = None;
        let (incoming, outgoing) = self.sock.stream(remote).map_err(from_wasi)?;
        self.streams = Some(Streams { incoming, outgoing });
        Ok(())
    }

    /// `bind(address)`.
    pub fn bind(&mut self, address: IpSocketAddress) -> Result<(), Error> {
        if self.streams.is_some() {
            return Err(os(Errno::Einval));
        }
        with_network(|net| self.sock.start_bind(net, address)).map_err(from_wasi)?;
        retry(Deadline::Never, || match self.sock.finish_bind() {
            Err(ErrorCode::WouldBlock) => Ok(Step::Wait(self.sock.subscribe())),
            other => other.map(Step::Done).map_err(from_wasi),
        })?;
        self.open_streams(None)
    }

    fn ensure_bound(&mut self) -> Result<(), Error> {
        if self.streams.is_none() {
            self.bind(wildcard(self.family))?;
        }
        Ok(())
    }

    /// `connect(address)`: fixes the peer (binding first if needed).
    pub fn connect(&mut self, address: IpSocketAddress) -> Result<(), Error> {
        self.ensure_bound()?;
        self.open_streams(Some(address))?;
        self.connected = Some(address);
        self.peeked = None;
        Ok(())
    }

    /// `send`/`sendto`: one datagram to `to` (or the connected peer).
    pub fn send(
        &mut self,
        data: &[u8],
        to: Option<IpSocketAddress>,
        deadline: Deadline,
    ) -> Result<usize, Error> {
        if to.is_none() && self.connected.is_none() {
            return Err(os(Errno::Edestaddrreq));
        }
        self.ensure_bound()?;
        // A connected stream takes no address, or only the connected one.
        let remote = match (to, self.connected) {
            (Some(a), Some(c)) if same(&a, &c) => None,
            (to, _) => to,
        };
        let streams = self.streams.as_ref().ok_or_else(|| os(Errno::Ebadf))?;
        retry(deadline, || {
            let room = streams.outgoing.check_send().map_err(from_wasi)?;
            if room == 0 {
                return Ok(Step::Wait(streams.outgoing.subscribe()));
            }
            let datagram = OutgoingDatagram {
                data: data.to_vec(),
                remote_address: remote,
            };
            match streams.outgoing.send(&[datagram]).map_err(from_wasi)? {
                0 => Ok(Step::Wait(streams.outgoing.subscribe())),
                _ => Ok(Step::Done(data.len())),
            }
        })
    }

    /// `recvfrom(max)`: one datagram within `deadline`; with `peek` it
    /// stays to be received again.
    pub fn recv(&mut self, max: usize, peek: bool, deadline: Deadline) -> Result<Datagram, Error> {
        let (data, from) = match self.peeked.take() {
            Some(d) => d,
            None => {
                let Some(streams) = &self.streams else {
                    // Nothing can ever arrive on an unbound socket.
                    deadline.wait_out()?;
                    return Err(os(Errno::Eagain));
                };
                retry(deadline, || {
                    let mut got = streams.incoming.receive(1).map_err(from_wasi)?;
                    match got.pop() {
                        Some(d) => Ok(Step::Done((d.data, d.remote_address))),
                        None => Ok(Step::Wait(streams.incoming.subscribe())),
                    }
                })?
            }
        };
        let truncated = data.len() > max;
        let cut = data[..max.min(data.len())].to_vec();
        if peek {
            self.peeked = Some((data, from));
        }
        Ok(Datagram {
            data: cut,
            truncated,
            from,
        })
    }

    /// `getsockname()`: the wildcard address until bound.
    pub fn local_address(&self) -> Result<IpSocketAddress, Error> {
        if self.streams.is_none() {
            return Ok(wildcard(self.family));
        }
        self.sock.local_address().map_err(from_wasi)
    }

    /// `getpeername()`.
    pub fn remote_address(&self) -> Result<IpSocketAddress, Error> {
        self.connected.ok_or_else(|| os(Errno::Enotconn))
    }

    /// As [`crate::tcp::Tcp::poll_sources`].
    pub fn poll_sources(&self, events: u16) -> (u16, Vec<(Pollable, u16)>) {
        const POLLIN: u16 = 1;
        const POLLOUT: u16 = 4;
        let mut now = 0;
        let mut later = Vec::new();
        match &self.streams {
            None => now |= events & POLLOUT,
            Some(s) => {
                if events & POLLIN != 0 {
                    if self.peeked.is_some() {
                        now |= POLLIN;
                    } else {
                        later.push((s.incoming.subscribe(), POLLIN));
                    }
                }
                if events & POLLOUT != 0 {
                    later.push((s.outgoing.subscribe(), POLLOUT));
                }
            }
        }
        (now, later)
    }
}
