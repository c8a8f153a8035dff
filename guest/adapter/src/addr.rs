//! Addresses: Python's address records (WIT `address`) to and from
//! `wasi:sockets` socket addresses, and name resolution on
//! `wasi:sockets/ip-name-lookup`.

use crate::errors::{from_wasi, gai, unsupported};
use crate::exports::pysocket::socket::types::{Address, Errno, Inet6Address, InetAddress};
use crate::Error;
use std::net::{Ipv4Addr, Ipv6Addr};
use wasi::sockets::instance_network::instance_network;
use wasi::sockets::ip_name_lookup::resolve_addresses;
use wasi::sockets::network::{
    ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
    Network,
};

/// Linux's AF_INET.
pub const AF_INET: i32 = 2;
/// Linux's AF_INET6.
pub const AF_INET6: i32 = 10;
/// Linux's AF_UNIX.
pub const AF_UNIX: i32 = 1;

thread_local! {
    static NETWORK: Network = instance_network();
}

/// Runs `f` with the instance's network (fetched once).
pub fn with_network<T>(f: impl FnOnce(&Network) -> T) -> T {
    NETWORK.with(f)
}

/// The WASI family of a Linux family number.
pub fn family_of(family: i32) -> IpAddressFamily {
    if family == AF_INET6 {
        IpAddressFamily::Ipv6
    } else {
        IpAddressFamily::Ipv4
    }
}

/// The wildcard address of a family, port 0 (what an implicit bind uses).
pub fn wildcard(family: i32) -> IpSocketAddress {
    if family == AF_INET6 {
        IpSocketAddress::Ipv6(Ipv6SocketAddress {
            port: 0,
            flow_info: 0,
            address: (0, 0, 0, 0, 0, 0, 0, 0),
            scope_id: 0,
        })
    } else {
        IpSocketAddress::Ipv4(Ipv4SocketAddress {
            port: 0,
            address: (0, 0, 0, 0),
        })
    }
}

/// The loopback address of a family with `port`.
pub fn loopback(family: i32, port: u16) -> IpSocketAddress {
    if family == AF_INET6 {
        IpSocketAddress::Ipv6(Ipv6SocketAddress {
            port,
            flow_info: 0,
            address: (0, 0, 0, 0, 0, 0, 0, 1),
            scope_id: 0,
        })
    } else {
        IpSocketAddress::Ipv4(Ipv4SocketAddress {
            port,
            address: (127, 0, 0, 1),
        })
    }
}

/// Whether `a` is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
pub fn is_v4_mapped(a: &IpSocketAddress) -> bool {
    matches!(a, IpSocketAddress::Ipv6(a) if v6(a.address).to_ipv4_mapped().is_some())
}

/// A WASI IPv4 address as Rust's.
pub fn v4(a: (u8, u8, u8, u8)) -> Ipv4Addr {
    Ipv4Addr::new(a.0, a.1, a.2, a.3)
}

/// A WASI IPv6 address as Rust's.
pub fn v6(a: (u16, u16, u16, u16, u16, u16, u16, u16)) -> Ipv6Addr {
    Ipv6Addr::new(a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7)
}

fn wasi_v4(a: Ipv4Addr) -> (u8, u8, u8, u8) {
    let o = a.octets();
    (o[0], o[1], o[2], o[3])
}

fn wasi_v6(a: Ipv6Addr) -> (u16, u16, u16, u16, u16, u16, u16, u16) {
    let s = a.segments();
    (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
}

/// A WASI socket address as Python's address record.
pub fn to_python(a: &IpSocketAddress) -> Address {
    match a {
        IpSocketAddress::Ipv4(a) => Address::Inet(InetAddress {
            host: v4(a.address).to_string(),
            port: a.port,
        }),
        IpSocketAddress::Ipv6(a) => Address::Inet6(Inet6Address {
            host: v6(a.address).to_string(),
            port: a.port,
            flowinfo: a.flow_info,
            scope_id: a.scope_id,
        }),
    }
}

/// A WASI IP address as text (dotted quad or RFC 5952).
pub fn ip_text(a: &IpAddress) -> String {
    match a {
        IpAddress::Ipv4(a) => v4(*a).to_string(),
        IpAddress::Ipv6(a) => v6(*a).to_string(),
    }
}

/// A WASI IP address with a port, as a socket address.
pub fn with_port(ip: IpAddress, port: u16) -> IpSocketAddress {
    match ip {
        IpAddress::Ipv4(address) => IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address }),
        IpAddress::Ipv6(address) => IpSocketAddress::Ipv6(Ipv6SocketAddress {
            port,
            flow_info: 0,
            address,
            scope_id: 0,
        }),
    }
}

/// A numeric host of `family` (no lookup), if `host` is one.
pub fn numeric(host: &str, family: i32) -> Option<IpAddress> {
    if family == AF_INET6 {
        let bare = host.split_once('%').map_or(host, |(a, _)| a);
        bare.parse::<Ipv6Addr>()
            .ok()
            .map(|a| IpAddress::Ipv6(wasi_v6(a)))
    } else {
        host.parse::<Ipv4Addr>()
            .ok()
            .map(|a| IpAddress::Ipv4(wasi_v4(a)))
    }
}

/// Every address `name` resolves to on the host (`wasi:sockets/ip-name-lookup`),
/// in the resolver's order. A lookup has no timeout, as in CPython.
pub fn lookup(name: &str) -> Result<Vec<IpAddress>, Error> {
    let stream = with_network(|net| resolve_addresses(net, name)).map_err(|e| match e {
        ErrorCode::InvalidArgument => gai(-2),
        other => from_wasi(other),
    })?;
    let mut found = Vec::new();
    loop {
        match stream.resolve_next_address() {
            Ok(Some(a)) => found.push(a),
            Ok(None) => return Ok(found),
            Err(ErrorCode::WouldBlock) => stream.subscribe().block(),
            Err(e) => return Err(from_wasi(e)),
        }
    }
}

/// The first address of `family` that `name` resolves to.
fn lookup_family(name: &str, family: i32) -> Result<IpAddress, Error> {
    let want_v6 = family == AF_INET6;
    lookup(name)?
        .into_iter()
        .find(|a| matches!(a, IpAddress::Ipv6(_)) == want_v6)
        .ok_or_else(|| gai(if want_v6 { -9 } else { -2 }))
}

/// Python's address record as a WASI socket address for a socket of
/// `family`, resolving a host name as CPython's `setipaddr` does.
pub fn from_python(address: &Address, family: i32) -> Result<IpSocketAddress, Error> {
    match address {
        Address::Inet(a) => {
            if family != AF_INET {
                return Err(crate::errors::os(Errno::Eafnosupport));
            }
            let ip = match a.host.as_str() {
                "" => Ipv4Addr::UNSPECIFIED,
                "<broadcast>" => Ipv4Addr::BROADCAST,
                host => match numeric(host, AF_INET) {
                    Some(IpAddress::Ipv4(ip)) => v4(ip),
                    _ => match lookup_family(host, AF_INET)? {
                        IpAddress::Ipv4(ip) => v4(ip),
                        IpAddress::Ipv6(_) => return Err(gai(-2)),
                    },
                },
            };
            Ok(IpSocketAddress::Ipv4(Ipv4SocketAddress {
                port: a.port,
                address: wasi_v4(ip),
            }))
        }
        Address::Inet6(a) => {
            if family != AF_INET6 {
                return Err(crate::errors::os(Errno::Eafnosupport));
            }
            let (host, scope) = match a.host.split_once('%') {
                Some((h, s)) => (h, s.parse::<u32>().ok()),
                None => (a.host.as_str(), None),
            };
            let ip = if host.is_empty() {
                Ipv6Addr::UNSPECIFIED
            } else {
                match numeric(host, AF_INET6) {
                    Some(IpAddress::Ipv6(ip)) => v6(ip),
                    _ => match lookup_family(host, AF_INET6)? {
                        IpAddress::Ipv6(ip) => v6(ip),
                        IpAddress::Ipv4(_) => return Err(gai(-9)),
                    },
                }
            };
            Ok(IpSocketAddress::Ipv6(Ipv6SocketAddress {
                port: a.port,
                flow_info: a.flowinfo,
                address: wasi_v6(ip),
                scope_id: scope.unwrap_or(a.scope_id),
            }))
        }
        Address::Unix(_) => Err(unsupported(Errno::Eafnosupport, "AF_UNIX addresses")),
    }
}
