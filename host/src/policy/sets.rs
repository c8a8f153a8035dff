//! Named sets of networks usable in rules: `loopback`, `private`,
//! `link-local` and `special`.
//!
//! `special` is every block of IANA's IPv4 and IPv6 Special-Purpose Address
//! Registries (RFC 6890 and its updates, as of 2025), plus multicast, the
//! deprecated IPv6 site-local and IPv4-compatible ranges: every address
//! that is not ordinary public unicast. It includes the other three sets.
//! The translation prefixes (NAT64 `64:ff9b::/96`, 6to4 `2002::/16`,
//! Teredo in `2001::/23`) are in it because they carry an IPv4 address
//! inside an IPv6 one: a rule on IPv4 `127.0.0.1` must not be walked
//! around through its IPv6 spelling. IPv4-mapped addresses
//! (`::ffff:a.b.c.d`) are checked as the IPv4 address they carry.
//!
//! `*` in a rule means any address *outside* `special` (see
//! [`super::pattern`]).

use super::pattern::in_net;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A named set of networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamedSet {
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918), fc00::/7 (ULA).
    Private,
    /// 169.254.0.0/16 (the cloud metadata service lives there), fe80::/10.
    LinkLocal,
    /// Every special-purpose range (see the module docs).
    Special,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> (IpAddr, u8) {
    (IpAddr::V4(Ipv4Addr::new(a, b, c, d)), prefix)
}

const fn v6(segments: [u16; 8], prefix: u8) -> (IpAddr, u8) {
    let [a, b, c, d, e, f, g, h] = segments;
    (IpAddr::V6(Ipv6Addr::new(a, b, c, d, e, f, g, h)), prefix)
}

const LOOPBACK: &[(IpAddr, u8)] = &[v4(127, 0, 0, 0, 8), v6([0, 0, 0, 0, 0, 0, 0, 1], 128)];

const PRIVATE: &[(IpAddr, u8)] = &[
    v4(10, 0, 0, 0, 8),
    v4(172, 16, 0, 0, 12),
    v4(192, 168, 0, 0, 16),
    v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7),
];

const LINK_LOCAL: &[(IpAddr, u8)] = &[
    v4(169, 254, 0, 0, 16),
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),
];

/// The special-purpose blocks beyond the three sets above.
const OTHER_SPECIAL: &[(IpAddr, u8)] = &[
    // IPv4 Special-Purpose Address Registry.
    v4(0, 0, 0, 0, 8),       // "this network"
    v4(100, 64, 0, 0, 10),   // shared address space (CGN)
    v4(192, 0, 0, 0, 24),    // IETF protocol assignments
    v4(192, 0, 2, 0, 24),    // documentation (TEST-NET-1)
    v4(192, 31, 196, 0, 24), // AS112-v4
    v4(192, 52, 193, 0, 24), // AMT
    v4(192, 88, 99, 0, 24),  // deprecated 6to4 relay anycast
    v4(192, 175, 48, 0, 24), // direct delegation AS112
    v4(198, 18, 0, 0, 15),   // benchmarking
    v4(198, 51, 100, 0, 24), // documentation (TEST-NET-2)
    v4(203, 0, 113, 0, 24),  // documentation (TEST-NET-3)
    v4(240, 0, 0, 0, 4),     // reserved, and the limited broadcast address
    v4(224, 0, 0, 0, 4),     // multicast
    // IPv6 Special-Purpose Address Registry.
    v6([0, 0, 0, 0, 0, 0, 0, 0], 96), // unspecified and deprecated IPv4-compatible
    v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), // IPv4-mapped (checked as IPv4 first)
    v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), // NAT64
    v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), // local-use NAT64
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64), // discard-only
    v6([0x100, 0, 0, 1, 0, 0, 0, 0], 64), // dummy prefix
    v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), // IETF protocol assignments (Teredo, ...)
    v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), // documentation
    v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16), // 6to4
    v6([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48), // direct delegation AS112
    v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), // documentation
    v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16), // segment routing (SRv6) SIDs
    v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), // deprecated site-local
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), // multicast
];

impl NamedSet {
    /// The set a rule names, if `word` is one of the set names.
    pub fn parse(word: &str) -> Option<NamedSet> {
        match word {
            "loopback" => Some(NamedSet::Loopback),
            "private" => Some(NamedSet::Private),
            "link-local" => Some(NamedSet::LinkLocal),
            "special" => Some(NamedSet::Special),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NamedSet::Loopback => "loopback",
            NamedSet::Private => "private",
            NamedSet::LinkLocal => "link-local",
            NamedSet::Special => "special",
        }
    }

    fn blocks(self) -> impl Iterator<Item = &'static (IpAddr, u8)> {
        type Blocks = &'static [(IpAddr, u8)];
        let (a, b, c, d): (Blocks, Blocks, Blocks, Blocks) = match self {
            NamedSet::Loopback => (LOOPBACK, &[], &[], &[]),
            NamedSet::Private => (PRIVATE, &[], &[], &[]),
            NamedSet::LinkLocal => (LINK_LOCAL, &[], &[], &[]),
            NamedSet::Special => (LOOPBACK, PRIVATE, LINK_LOCAL, OTHER_SPECIAL),
        };
        a.iter().chain(b).chain(c).chain(d)
    }

    /// Is `ip` in the set? (IPv4-mapped addresses as their IPv4 address.)
    pub fn contains(self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.blocks().any(|(net, prefix)| in_net(ip, *net, *prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn sets() {
        assert!(NamedSet::Loopback.contains(ip("127.3.2.1")));
        assert!(NamedSet::Loopback.contains(ip("::ffff:127.0.0.1")));
        assert!(NamedSet::Loopback.contains(ip("::1")));
        assert!(!NamedSet::Loopback.contains(ip("10.0.0.1")));
        assert!(NamedSet::Private.contains(ip("172.31.255.255")));
        assert!(!NamedSet::Private.contains(ip("172.32.0.0")));
        assert!(NamedSet::Private.contains(ip("fd12::1")));
        assert!(NamedSet::LinkLocal.contains(ip("169.254.169.254")));
        assert!(NamedSet::LinkLocal.contains(ip("fe80::1")));
        for s in ["0.1.2.3", "255.255.255.255", "::", "2001:db8::1", "ff02::1"] {
            assert!(NamedSet::Special.contains(ip(s)), "{s}");
        }
        for s in ["1.1.1.1", "93.184.216.34", "2606:4700::1111"] {
            assert!(!NamedSet::Special.contains(ip(s)), "{s}");
        }
    }
}
