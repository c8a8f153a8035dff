//! The exported `resolve` interface on `wasi:sockets/ip-name-lookup`:
//! forward lookups (`getaddrinfo`, `gethostbyname_ex`) and numeric
//! `getnameinfo`. WASI 0.2 has no reverse lookup, no interface list and no
//! host name: those fail with `eopnotsupp` and a message, and
//! `gethostname` answers `localhost`. Services and protocols come from a
//! small built-in table (the common entries of `/etc/services` and
//! `/etc/protocols`).

use crate::addr::{ip_text, lookup, numeric, to_python, with_port, AF_INET, AF_INET6};
use crate::errors::{gai, os_msg, unsupported};
use crate::exports::pysocket::socket::resolve::{Addrinfo, Guest, HostEntry};
use crate::exports::pysocket::socket::types::{Address, Errno};
use crate::{Adapter, Error};
use wasi::sockets::network::IpAddress;

const AI_PASSIVE: i32 = 0x1;
const AI_CANONNAME: i32 = 0x2;
const AI_NUMERICHOST: i32 = 0x4;
const AI_NUMERICSERV: i32 = 0x400;
const AI_KNOWN: i32 = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x400;
const NI_NUMERICHOST: i32 = 0x1;
const NI_NUMERICSERV: i32 = 0x2;
const NI_NAMEREQD: i32 = 0x8;
const NI_DGRAM: i32 = 0x10;

/// Service name, port, whether it is TCP, whether it is UDP.
const SERVICES: &[(&str, u16, bool, bool)] = &[
    ("echo", 7, true, true),
    ("discard", 9, true, true),
    ("daytime", 13, true, true),
    ("ftp-data", 20, true, false),
    ("ftp", 21, true, false),
    ("ssh", 22, true, false),
    ("telnet", 23, true, false),
    ("smtp", 25, true, false),
    ("domain", 53, true, true),
    ("http", 80, true, false),
    ("pop3", 110, true, false),
    ("ntp", 123, false, true),
    ("imap", 143, true, false),
    ("snmp", 161, false, true),
    ("ldap", 389, true, false),
    ("https", 443, true, false),
    ("submission", 587, true, false),
    ("imaps", 993, true, false),
    ("pop3s", 995, true, false),
];

/// Protocol name and number.
const PROTOCOLS: &[(&str, i32)] = &[
    ("ip", 0),
    ("icmp", 1),
    ("tcp", 6),
    ("udp", 17),
    ("ipv6", 41),
    ("ipv6-icmp", 58),
    ("raw", 255),
];

fn proto_allows(tcp: bool, udp: bool, proto: Option<&str>) -> bool {
    match proto {
        None => true,
        Some("tcp") => tcp,
        Some("udp") => udp,
        Some(_) => false,
    }
}

/// The port of a service given to `getaddrinfo`: a number, or a name of
/// the table (unless AI_NUMERICSERV).
fn service_port(port: Option<&str>, flags: i32) -> Result<u16, Error> {
    let Some(port) = port else { return Ok(0) };
    if let Ok(n) = port.parse::<u16>() {
        return Ok(n);
    }
    if flags & AI_NUMERICSERV != 0 {
        return Err(gai(-2));
    }
    SERVICES
        .iter()
        .find(|(name, ..)| *name == port)
        .map(|(_, p, ..)| *p)
        .ok_or_else(|| gai(-8))
}

impl Guest for Adapter {
    fn getaddrinfo(
        host: Option<String>,
        port: Option<String>,
        family: i32,
        socket_type: i32,
        proto: i32,
        flags: i32,
    ) -> Result<Vec<Addrinfo>, Error> {
        if flags & !AI_KNOWN != 0 {
            return Err(gai(-1));
        }
        if ![0, AF_INET, AF_INET6].contains(&family) {
            return Err(gai(-6));
        }
        if ![0, 1, 2, 3].contains(&socket_type) {
            return Err(gai(-7));
        }
        if host.is_none() && port.is_none() {
            return Err(gai(-2));
        }
        let port = service_port(port.as_deref(), flags)?;
        let addresses: Vec<IpAddress> = match host.as_deref() {
            None => {
                let passive = flags & AI_PASSIVE != 0;
                let v6 = IpAddress::Ipv6((0, 0, 0, 0, 0, 0, 0, u16::from(!passive)));
                let v4 = IpAddress::Ipv4(if passive {
                    (0, 0, 0, 0)
                } else {
                    (127, 0, 0, 1)
                });
                vec![v6, v4]
            }
            Some(h) => match numeric(h, AF_INET).or_else(|| numeric(h, AF_INET6)) {
                Some(a) => vec![a],
                None if flags & AI_NUMERICHOST != 0 => return Err(gai(-2)),
                None => lookup(h)?,
            },
        };
        let kinds: &[(i32, i32)] = match (socket_type, proto) {
            (0, 0) => &[(1, 6), (2, 17), (3, 0)],
            (1, _) => &[(1, 6)],
            (2, _) => &[(2, 17)],
            (3, _) => &[(3, 0)],
            (0, 6) => &[(1, 6)],
            (0, 17) => &[(2, 17)],
            _ => &[(3, 0)],
        };
        let mut out = Vec::new();
        for (i, ip) in addresses.into_iter().enumerate() {
            let fam = match ip {
                IpAddress::Ipv4(_) => AF_INET,
                IpAddress::Ipv6(_) => AF_INET6,
            };
            if family != 0 && fam != family {
                continue;
            }
            for (ty, pr) in kinds {
                let canonname = if i == 0 && out.is_empty() && flags & AI_CANONNAME != 0 {
                    host.clone().unwrap_or_default()
                } else {
                    String::new()
                };
                out.push(Addrinfo {
                    family: fam,
                    socket_type: *ty,
                    proto: if proto != 0 { proto } else { *pr },
                    canonname,
                    address: to_python(&with_port(ip, port)),
                });
            }
        }
        if out.is_empty() {
            return Err(gai(if family == 0 { -2 } else { -9 }));
        }
        Ok(out)
    }

    fn getnameinfo(address: Address, flags: i32) -> Result<(String, String), Error> {
        let (host, port) = match &address {
            Address::Inet(a) => (a.host.clone(), a.port),
            Address::Inet6(a) => (a.host.clone(), a.port),
            Address::Unix(_) => return Err(gai(-6)),
        };
        let family = if matches!(address, Address::Inet(_)) {
            AF_INET
        } else {
            AF_INET6
        };
        let ip = match numeric(&host, family) {
            Some(ip) => ip,
            None => lookup(&host)?.into_iter().next().ok_or_else(|| gai(-2))?,
        };
        if flags & NI_NUMERICHOST == 0 {
            if flags & NI_NAMEREQD != 0 {
                return Err(gai(-2));
            }
            return Err(unsupported(
                Errno::Eopnotsupp,
                "reverse name lookups (getnameinfo without NI_NUMERICHOST)",
            ));
        }
        let service = if flags & NI_NUMERICSERV != 0 {
            port.to_string()
        } else {
            let udp = flags & NI_DGRAM != 0;
            SERVICES
                .iter()
                .find(|(_, p, t, u)| *p == port && if udp { *u } else { *t })
                .map_or_else(|| port.to_string(), |(n, ..)| n.to_string())
        };
        Ok((ip_text(&ip), service))
    }

    fn gethostbyname_ex(name: String) -> Result<HostEntry, Error> {
        let addresses = match numeric(&name, AF_INET) {
            Some(a) => vec![a],
            None => lookup(&name)?,
        };
        let v4: Vec<String> = addresses
            .iter()
            .filter(|a| matches!(a, IpAddress::Ipv4(_)))
            .map(ip_text)
            .collect();
        if v4.is_empty() {
            return Err(gai(-2));
        }
        Ok(HostEntry {
            name,
            aliases: Vec::new(),
            addresses: v4,
        })
    }

    fn gethostbyaddr(_address: String) -> Result<HostEntry, Error> {
        Err(unsupported(
            Errno::Eopnotsupp,
            "reverse name lookups (gethostbyaddr)",
        ))
    }

    fn gethostname() -> Result<String, Error> {
        // WASI 0.2 has no host name; this one resolves on every host.
        Ok("localhost".to_string())
    }

    fn getservbyname(name: String, proto: Option<String>) -> Result<u16, Error> {
        SERVICES
            .iter()
            .find(|(n, _, t, u)| *n == name && proto_allows(*t, *u, proto.as_deref()))
            .map(|(_, p, ..)| *p)
            .ok_or_else(|| os_msg(Errno::Enoent, "service/proto not found"))
    }

    fn getservbyport(port: u16, proto: Option<String>) -> Result<String, Error> {
        SERVICES
            .iter()
            .find(|(_, p, t, u)| *p == port && proto_allows(*t, *u, proto.as_deref()))
            .map(|(n, ..)| n.to_string())
            .ok_or_else(|| os_msg(Errno::Enoent, "port/proto not found"))
    }

    fn getprotobyname(name: String) -> Result<i32, Error> {
        PROTOCOLS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| *p)
            .ok_or_else(|| os_msg(Errno::Enoent, "protocol not found"))
    }

    fn if_nameindex() -> Result<Vec<(u32, String)>, Error> {
        Err(unsupported(
            Errno::Eopnotsupp,
            "network interface lists (if_nameindex)",
        ))
    }
}
