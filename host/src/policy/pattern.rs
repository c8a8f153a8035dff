//! Rule patterns: `HOST[:PORTS]`, spelled like Deno's `--allow-net`.
//!
//! | pattern                 | matches                                           |
//! |-------------------------|---------------------------------------------------|
//! | `127.0.0.1:8080`        | that address, that port                           |
//! | `127.0.0.1`             | that address, any port                            |
//! | `127.0.0.0/8:1000-2000` | that network, ports 1000 to 2000                  |
//! | `[::1]:*`               | IPv6 loopback, any port                           |
//! | `localhost:8080`        | the name `localhost`, port 8080                   |
//! | `*.example.com`         | names below `example.com` (at a label boundary:   |
//! |                         | `a.example.com`, not `evilexample.com` nor        |
//! |                         | `example.com` itself)                             |
//! | `loopback`, `private`,  | a named set of networks (see [`super::sets`])     |
//! | `link-local`, `special` |                                                   |
//! | `*` / `*:443`           | the **public** internet: any name, any address    |
//! |                         | outside the special-purpose ranges                |
//!
//! `*` leaving out loopback, private, link-local and the other
//! special-purpose ranges is deliberate: those are the targets of
//! server-side request forgery (a cloud metadata service at
//! 169.254.169.254, the host's own services on 127.0.0.1, the LAN). A
//! policy that wants them names them (`--allow-net loopback`).
//!
//! No port means any port, including 0: say `HOST:PORT` when one port is
//! meant. A rule prints back as it was parsed (normalised), so messages and
//! the audit log can name it.

use super::sets::NamedSet;
use super::RuleError;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// A set of ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortSet {
    /// Every port, including 0.
    Any,
    /// `first..=last`.
    Range(u16, u16),
}

impl PortSet {
    pub fn contains(&self, port: u16) -> bool {
        match self {
            PortSet::Any => true,
            PortSet::Range(a, b) => (*a..=*b).contains(&port),
        }
    }
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSet::Any => f.write_str("*"),
            PortSet::Range(a, b) if a == b => write!(f, "{a}"),
            PortSet::Range(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

/// Which hosts a rule covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// `*`: any name, and any address outside [`NamedSet::Special`].
    Any,
    /// An address and a prefix length (32/128 for a single address).
    Net(IpAddr, u8),
    /// A host name, lower case, without a trailing dot.
    Name(String),
    /// `*.DOMAIN`: names with DOMAIN as a proper suffix at a label
    /// boundary (stored lower case, without the `*.`).
    Subdomains(String),
    /// A named set of networks.
    Set(NamedSet),
}

/// One rule: hosts and ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetRule {
    pub host: HostPattern,
    pub ports: PortSet,
}

pub(crate) fn normalize_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn is_name(host: &str) -> bool {
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
}

/// Is `ip` in the network `net/prefix`? IPv4-mapped IPv6 addresses count
/// as the IPv4 address they carry.
pub(crate) fn in_net(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip.to_canonical(), net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if prefix == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(prefix))
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(prefix))
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

impl NetRule {
    /// Parses `HOST[:PORTS]` (see the module docs).
    pub fn parse(spec: &str) -> Result<NetRule, RuleError> {
        let bad = |why: &str| RuleError(format!("bad network rule {spec:?}: {why}"));
        let spec = spec.trim();
        if spec.is_empty() {
            return Err(bad("empty"));
        }
        let (host, ports) = if let Some(rest) = spec.strip_prefix('[') {
            let end = rest.find(']').ok_or_else(|| bad("missing ']'"))?;
            let ports = match &rest[end + 1..] {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| bad("expected ':' after ']'"))?,
                ),
            };
            (&rest[..end], ports)
        } else if spec.matches(':').count() > 1 {
            (spec, None)
        } else {
            match spec.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (spec, None),
            }
        };
        let ports = match ports {
            None | Some("*") => PortSet::Any,
            Some(p) => {
                let num = |s: &str| {
                    s.parse::<u16>()
                        .map_err(|_| bad("ports must be *, N or N-M with N, M in 0..=65535"))
                };
                match p.split_once('-') {
                    Some((a, b)) => {
                        let (a, b) = (num(a)?, num(b)?);
                        if a > b {
                            return Err(bad("port range is reversed"));
                        }
                        PortSet::Range(a, b)
                    }
                    None => {
                        let n = num(p)?;
                        PortSet::Range(n, n)
                    }
                }
            }
        };
        let host = if host == "*" {
            HostPattern::Any
        } else if let Some(set) = NamedSet::parse(host) {
            HostPattern::Set(set)
        } else if let Some(domain) = host.strip_prefix("*.") {
            let domain = normalize_name(domain);
            if !is_name(&domain) || domain.contains('*') || domain.starts_with('.') {
                return Err(bad("`*.` must be followed by a domain name"));
            }
            HostPattern::Subdomains(domain)
        } else if let Some((addr, prefix)) = host.split_once('/') {
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| bad("a network needs a numeric address"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix: u8 = prefix
                .parse()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| bad("bad prefix length"))?;
            HostPattern::Net(ip.to_canonical(), prefix)
        } else if let Ok(ip) = host.parse::<IpAddr>() {
            let ip = ip.to_canonical();
            HostPattern::Net(ip, if ip.is_ipv4() { 32 } else { 128 })
        } else if is_name(host) {
            HostPattern::Name(normalize_name(host))
        } else {
            return Err(bad(
                "not an address, network, host name, *.domain, * or named set",
            ));
        };
        Ok(NetRule { host, ports })
    }

    /// Does the rule cover this address (by number)? Name patterns never
    /// do: what a name resolves to is pinned separately.
    pub fn matches_ip(&self, addr: SocketAddr) -> bool {
        let ip = addr.ip().to_canonical();
        let host_ok = match &self.host {
            HostPattern::Any => !NamedSet::Special.contains(ip),
            HostPattern::Net(net, prefix) => in_net(ip, *net, *prefix),
            HostPattern::Set(set) => set.contains(ip),
            HostPattern::Name(_) | HostPattern::Subdomains(_) => false,
        };
        host_ok && self.ports.contains(addr.port())
    }

    /// Does the rule cover this host name (any port)?
    pub fn matches_name(&self, name: &str) -> bool {
        let name = normalize_name(name);
        match &self.host {
            HostPattern::Any => true,
            HostPattern::Name(n) => *n == name,
            HostPattern::Subdomains(d) => name
                .strip_suffix(d.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            HostPattern::Net(..) | HostPattern::Set(_) => false,
        }
    }

    /// Is the rule about names (`Name` or `*.domain`)?
    pub fn is_name_rule(&self) -> bool {
        matches!(self.host, HostPattern::Name(_) | HostPattern::Subdomains(_))
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Any => f.write_str("*"),
            HostPattern::Net(ip, p) if (ip.is_ipv4() && *p == 32) || *p == 128 => {
                write!(f, "{ip}")
            }
            HostPattern::Net(ip, p) => write!(f, "{ip}/{p}"),
            HostPattern::Name(n) => f.write_str(n),
            HostPattern::Subdomains(d) => write!(f, "*.{d}"),
            HostPattern::Set(s) => f.write_str(s.name()),
        }
    }
}

impl fmt::Display for NetRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v6 = matches!(self.host, HostPattern::Net(IpAddr::V6(_), _));
        match (v6, self.ports) {
            (true, PortSet::Any) => write!(f, "[{}]", self.host),
            (true, p) => write!(f, "[{}]:{p}", self.host),
            (false, PortSet::Any) => write!(f, "{}", self.host),
            (false, p) => write!(f, "{}:{p}", self.host),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sa(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_rule_shapes() {
        assert_eq!(
            NetRule::parse("127.0.0.1:8080").unwrap().ports,
            PortSet::Range(8080, 8080)
        );
        assert_eq!(NetRule::parse("127.0.0.1").unwrap().ports, PortSet::Any);
        assert_eq!(
            NetRule::parse("[::1]:*").unwrap().host,
            HostPattern::Net("::1".parse().unwrap(), 128)
        );
        assert_eq!(
            NetRule::parse("::1").unwrap().host,
            HostPattern::Net("::1".parse().unwrap(), 128)
        );
        assert_eq!(
            NetRule::parse("Example.COM.:1-2").unwrap().host,
            HostPattern::Name("example.com".into())
        );
        assert_eq!(NetRule::parse("*:443").unwrap().host, HostPattern::Any);
        assert_eq!(
            NetRule::parse("*.Example.com:443").unwrap().host,
            HostPattern::Subdomains("example.com".into())
        );
        assert_eq!(
            NetRule::parse("link-local").unwrap().host,
            HostPattern::Set(NamedSet::LinkLocal)
        );
        for bad in [
            "",
            "127.0.0.1:99999",
            "127.0.0.1:9-1",
            "[::1",
            "a b",
            "127.0.0.1/40",
            "x:y",
            "*.",
            "*.*.example.com",
            "*..example.com",
        ] {
            assert!(NetRule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_print_back() {
        for spec in [
            "127.0.0.1:8080",
            "10.0.0.0/8",
            "[::1]:1-2",
            "[fe80::]",
            "*.example.com:443",
            "loopback",
            "*",
            "*:443",
        ] {
            assert_eq!(NetRule::parse(spec).unwrap().to_string(), spec);
        }
    }

    #[test]
    fn subdomains_match_at_a_label_boundary() {
        let r = NetRule::parse("*.example.com").unwrap();
        assert!(r.matches_name("a.example.com"));
        assert!(r.matches_name("A.B.Example.Com."));
        assert!(!r.matches_name("example.com"));
        assert!(!r.matches_name("evilexample.com"));
        assert!(!r.matches_name(".example.com"));
        assert!(!r.matches_name("example.com.evil.org"));
    }

    #[test]
    fn star_is_the_public_internet_only() {
        let r = NetRule::parse("*").unwrap();
        assert!(r.matches_ip(sa("93.184.216.34:80")));
        assert!(r.matches_ip(sa("[2606:4700::1]:443")));
        for special in [
            "127.0.0.1:80",
            "10.1.2.3:80",
            "169.254.169.254:80",
            "[::1]:80",
            "[::ffff:127.0.0.1]:80",
            "[fe80::1]:80",
            "[fd00::1]:80",
            "0.0.0.0:80",
            "100.64.0.1:80",
            "224.0.0.1:80",
            "[64:ff9b::7f00:1]:80",
            "[2002:7f00:1::]:80",
        ] {
            assert!(!r.matches_ip(sa(special)), "{special}");
        }
    }

    #[test]
    fn networks_and_mapped_addresses() {
        let r = NetRule::parse("127.0.0.0/8:1000-2000").unwrap();
        assert!(r.matches_ip(sa("127.1.2.3:1500")));
        assert!(r.matches_ip(sa("[::ffff:127.0.0.1]:1000")));
        assert!(!r.matches_ip(sa("127.0.0.1:999")));
        assert!(!r.matches_ip(sa("[::1]:1500")));
    }
}
