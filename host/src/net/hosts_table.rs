//! A fixed table of names that answers a guest's name lookups in place of
//! the OS resolver (`--hosts FILE`, [`crate::PolicyBuilder::hosts_table`]).
//!
//! With a table, no lookup of a guest ever reaches the OS resolver, so no
//! DNS query leaves the host whatever name the guest asks for: names the
//! table lists resolve to its addresses, reverse lookups find its entries,
//! and every other name fails as an unknown name does (`EAI_NONAME`,
//! `herror(HOST_NOT_FOUND)`). Tests use it to make names resolve to
//! loopback; embedders to give a sandbox a closed, known name space.
//!
//! The text format is hosts(5): `ADDRESS CANONICAL_NAME [ALIAS...]` per
//! line, `#` starts a comment. Names match without regard to ASCII case.
//! Services, ports and numeric hosts are still read by glibc with
//! `AI_NUMERICHOST`/`NI_NUMERICHOST`, which never touches the network.
//!
//! (`hosts_file` is something else: it tells which lookups the *system*
//! hosts file answers, so that those can skip the blocking pool.)

use super::addr::Address;
use super::error::{NetError, NetResult};
use super::resolve::{self, AddrInfo, HostEntry};
use socket2::SockAddr;
use std::net::IpAddr;
use std::path::Path;

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    address: IpAddr,
    canonical: String,
    aliases: Vec<String>,
}

impl Entry {
    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.canonical.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    fn has_name(&self, name: &str) -> bool {
        self.names().any(|n| n.eq_ignore_ascii_case(name))
    }

    fn in_family(&self, family: i32) -> bool {
        match family {
            libc::AF_INET => self.address.is_ipv4(),
            libc::AF_INET6 => self.address.is_ipv6(),
            _ => true,
        }
    }
}

/// Names and their addresses, in the order given (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostsTable {
    entries: Vec<Entry>,
}

fn unknown_name() -> NetError {
    NetError::Gai {
        code: libc::EAI_NONAME,
        message: "Name or service not known".into(),
    }
}

fn unknown_host() -> NetError {
    NetError::Herror {
        code: 1, // HOST_NOT_FOUND
        message: "Unknown host".into(),
    }
}

impl HostsTable {
    /// An empty table: every name is unknown.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a line: `address` named `canonical`, also known as `aliases`.
    pub fn add(
        mut self,
        address: IpAddr,
        canonical: impl Into<String>,
        aliases: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.entries.push(Entry {
            address,
            canonical: canonical.into(),
            aliases: aliases.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Parses hosts(5) text. Errors name the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut table = HostsTable::new();
        for (number, line) in text.lines().enumerate() {
            let mut words = line
                .split('#')
                .next()
                .unwrap_or_default()
                .split_whitespace();
            let Some(address) = words.next() else {
                continue;
            };
            let address: IpAddr = address
                .parse()
                .map_err(|_| format!("line {}: {address:?} is not an IP address", number + 1))?;
            let canonical = words
                .next()
                .ok_or_else(|| format!("line {}: {address} has no name", number + 1))?;
            table = table.add(address, canonical, words);
        }
        Ok(table)
    }

    /// Reads and parses a hosts(5) file.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The canonical name of the first entry naming `name` in `family`
    /// (AF_INET, AF_INET6 or AF_UNSPEC) and every address of that family
    /// that `name` has, in table order, without repeats.
    pub fn forward(&self, name: &str, family: i32) -> Option<(&str, Vec<IpAddr>)> {
        let mut matching = self
            .entries
            .iter()
            .filter(|e| e.in_family(family) && e.has_name(name));
        let first = matching.next()?;
        let mut addresses = vec![first.address];
        for e in matching {
            if !addresses.contains(&e.address) {
                addresses.push(e.address);
            }
        }
        Some((&first.canonical, addresses))
    }

    /// The first entry for `address` (v4-mapped IPv6 addresses match their
    /// IPv4 entry): its canonical name and aliases.
    pub fn reverse(&self, address: IpAddr) -> Option<(&str, &[String])> {
        let address = address.to_canonical();
        self.entries
            .iter()
            .find(|e| e.address.to_canonical() == address)
            .map(|e| (e.canonical.as_str(), e.aliases.as_slice()))
    }

    /// `getaddrinfo(name, service, ...)` answered from the table: one
    /// numeric lookup per address (for the socket types, protocols and
    /// port glibc would give), the canonical name on the first result
    /// when `AI_CANONNAME` asks for it.
    pub fn getaddrinfo(
        &self,
        name: &str,
        service: Option<&str>,
        family: i32,
        socktype: i32,
        proto: i32,
        flags: i32,
    ) -> NetResult<Vec<AddrInfo>> {
        let (canonical, addresses) = self.forward(name, family).ok_or_else(unknown_name)?;
        let mut out = Vec::new();
        for ip in addresses {
            out.extend(resolve::getaddrinfo(
                Some(&ip.to_string()),
                service,
                family,
                socktype,
                proto,
                (flags & !libc::AI_CANONNAME) | libc::AI_NUMERICHOST,
            )?);
        }
        if flags & libc::AI_CANONNAME != 0 {
            if let Some(first) = out.first_mut() {
                first.canonname = canonical.to_owned();
            }
        }
        Ok(out)
    }

    /// `gethostbyname_ex(name)` (IPv4, as CPython's): the canonical name,
    /// the aliases of the first entry and every IPv4 address of `name`.
    pub fn gethostbyname_ex(&self, name: &str) -> NetResult<HostEntry> {
        let (canonical, addresses) = self.forward(name, libc::AF_INET).ok_or_else(unknown_name)?;
        let aliases = self
            .entries
            .iter()
            .find(|e| e.canonical == canonical && e.has_name(name))
            .map(|e| e.aliases.clone())
            .unwrap_or_default();
        Ok(HostEntry {
            name: canonical.to_owned(),
            aliases,
            addresses: addresses.iter().map(IpAddr::to_string).collect(),
        })
    }

    /// `gethostbyaddr(host)`: `host` is an address, or a name the table
    /// resolves (its first address is looked up, as CPython does).
    pub fn gethostbyaddr(&self, host: &str) -> NetResult<HostEntry> {
        let ip = match host.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => match self.forward(host, libc::AF_UNSPEC) {
                Some((_, addresses)) => addresses[0],
                None => return Err(unknown_name()),
            },
        };
        let (canonical, aliases) = self.reverse(ip).ok_or_else(unknown_host)?;
        Ok(HostEntry {
            name: canonical.to_owned(),
            aliases: aliases.to_vec(),
            addresses: vec![ip.to_string()],
        })
    }

    /// `getnameinfo(address, flags)`: the service as glibc gives it (from
    /// the services file, or numeric), the host from the table unless
    /// `NI_NUMERICHOST`; an address the table lacks is shown numerically,
    /// or fails with `EAI_NONAME` under `NI_NAMEREQD`.
    pub fn getnameinfo(&self, address: &Address, flags: i32) -> NetResult<(String, String)> {
        let sa: SockAddr = address.to_sockaddr()?;
        let (numeric, service) = resolve::getnameinfo(&sa, flags | libc::NI_NUMERICHOST)?;
        if flags & libc::NI_NUMERICHOST != 0 {
            return Ok((numeric, service));
        }
        let name = address
            .ip()
            .and_then(|sa| self.reverse(sa.ip()))
            .map(|(canonical, _)| canonical.to_owned());
        match name {
            Some(name) => Ok((name, service)),
            None if flags & libc::NI_NAMEREQD != 0 => Err(unknown_name()),
            None => Ok((numeric, service)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4};

    const TEXT: &str = "\
# test names
127.0.0.1   localhost  loopback   # trailing comment
::1         localhost ip6-localhost
127.0.0.2   Service.Test svc
";

    #[test]
    fn parses_hosts_format_and_rejects_bad_lines() {
        let table = HostsTable::parse(TEXT).unwrap();
        assert_eq!(table.entries.len(), 3);
        assert_eq!(table.entries[0].aliases, ["loopback"]);
        assert!(HostsTable::parse("300.1.1.1 x")
            .unwrap_err()
            .contains("line 1"));
        assert!(HostsTable::parse("\n127.0.0.1\n")
            .unwrap_err()
            .contains("line 2"));
    }

    #[test]
    fn forward_lookups_by_family_and_case() {
        let table = HostsTable::parse(TEXT).unwrap();
        let (canonical, all) = table.forward("LOCALHOST", libc::AF_UNSPEC).unwrap();
        assert_eq!(canonical, "localhost");
        assert_eq!(
            all,
            [
                IpAddr::from(Ipv4Addr::LOCALHOST),
                Ipv6Addr::LOCALHOST.into()
            ]
        );
        let (_, v6) = table.forward("localhost", libc::AF_INET6).unwrap();
        assert_eq!(v6, [IpAddr::from(Ipv6Addr::LOCALHOST)]);
        assert_eq!(table.forward("svc", libc::AF_INET6), None);
        assert_eq!(table.forward("example.com", libc::AF_UNSPEC), None);
    }

    #[test]
    fn getaddrinfo_gives_glibc_shaped_results_without_the_network() {
        let table = HostsTable::parse(TEXT).unwrap();
        let list = table
            .getaddrinfo(
                "svc",
                Some("80"),
                libc::AF_INET,
                libc::SOCK_STREAM,
                0,
                libc::AI_CANONNAME,
            )
            .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].canonname, "Service.Test");
        assert_eq!(
            list[0].address,
            Address::Inet(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 2), 80))
        );
        assert!(matches!(
            table.getaddrinfo("nowhere.invalid", None, 0, 0, 0, 0),
            Err(NetError::Gai { code, .. }) if code == libc::EAI_NONAME
        ));
    }

    #[test]
    fn reverse_lookups() {
        let table = HostsTable::parse(TEXT).unwrap();
        let entry = table.gethostbyaddr("127.0.0.2").unwrap();
        assert_eq!(
            (entry.name.as_str(), entry.aliases.as_slice()),
            ("Service.Test", &["svc".to_string()][..])
        );
        assert_eq!(table.gethostbyaddr("svc").unwrap().addresses, ["127.0.0.2"]);
        assert!(matches!(
            table.gethostbyaddr("127.0.0.9"),
            Err(NetError::Herror { code: 1, .. })
        ));
        let addr = Address::Inet(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80));
        assert_eq!(table.getnameinfo(&addr, 0).unwrap().0, "localhost");
        let unknown = Address::Inet(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 9), 80));
        assert_eq!(table.getnameinfo(&unknown, 0).unwrap().0, "127.0.0.9");
        assert!(table.getnameinfo(&unknown, libc::NI_NAMEREQD).is_err());
    }
}
