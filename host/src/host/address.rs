//! Guest addresses → OS addresses: parsing hosts like CPython's
//! `setipaddr`, name resolution off the executor, and the policy check.

use crate::bindings::types::{Address as WitAddress, Inet6Address, InetAddress};
use crate::net::hosts_file::answered_by_hosts_file;
use crate::net::resolve;
use crate::net::{Address, NetError};
use crate::policy::{pins, Op, PortSet, Purpose};
use crate::{PysocketImpl, SocketError};
use std::ffi::OsStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

/// An OS address as the guest sees it (AF_UNIX paths unmapped).
pub(crate) fn to_wit(addr: &Address) -> WitAddress {
    match addr {
        Address::Inet(a) => WitAddress::Inet(InetAddress {
            host: a.ip().to_string(),
            port: a.port(),
        }),
        Address::Inet6(a) => WitAddress::Inet6(Inet6Address {
            host: a.ip().to_string(),
            port: a.port(),
            flowinfo: a.flowinfo(),
            scope_id: a.scope_id(),
        }),
        Address::Unix(path) => WitAddress::Unix(path.clone()),
    }
}

/// Parses a numeric host of `family` without any lookup; `None` if `host`
/// is a name.
fn numeric_host(host: &str, family: i32) -> Result<Option<(IpAddr, u32)>, SocketError> {
    if family == libc::AF_INET {
        match host {
            "" => return Ok(Some((Ipv4Addr::UNSPECIFIED.into(), 0))),
            "<broadcast>" => return Ok(Some((Ipv4Addr::BROADCAST.into(), 0))),
            _ => {}
        }
        if let Ok(ip) = host.parse::<Ipv4Addr>() {
            return Ok(Some((ip.into(), 0)));
        }
    } else {
        if host.is_empty() {
            return Ok(Some((Ipv6Addr::UNSPECIFIED.into(), 0)));
        }
        if let Ok(ip) = host.parse::<Ipv6Addr>() {
            return Ok(Some((ip.into(), 0)));
        }
    }
    // Other numeric spellings ("127.1", "fe80::1%eth0") via the resolver,
    // which never touches the network with AI_NUMERICHOST.
    match resolve::getaddrinfo(Some(host), None, family, 0, 0, libc::AI_NUMERICHOST) {
        Ok(list) => Ok(list.into_iter().find_map(|ai| match ai.address {
            Address::Inet(a) => Some((IpAddr::V4(*a.ip()), 0)),
            Address::Inet6(a) => Some((IpAddr::V6(*a.ip()), a.scope_id())),
            Address::Unix(_) => None,
        })),
        Err(NetError::Gai { code, .. }) if code == libc::EAI_NONAME => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl PysocketImpl<'_> {
    /// An OS address as the guest sees it: AF_UNIX host paths under an
    /// `--allow-unix` directory become guest paths; other paths are shown
    /// as they are.
    pub(crate) fn address_to_wit(&self, addr: &Address) -> WitAddress {
        match addr {
            Address::Unix(path) if path.first().is_some_and(|b| *b != 0) => {
                let host = Path::new(OsStr::from_bytes(path));
                match self.ctx.policy().unix_guest_path(host) {
                    Some(guest) => WitAddress::Unix(guest.into_os_string().into_vec()),
                    None => WitAddress::Unix(path.clone()),
                }
            }
            other => to_wit(other),
        }
    }

    /// An OS address from `getsockname`-like calls, as the guest sees it.
    pub(crate) fn sockaddr_to_wit(&self, sa: &socket2::SockAddr) -> WitAddress {
        match Address::from_sockaddr(sa) {
            Some(a) => self.address_to_wit(&a),
            // An unspecified address (e.g. an unconnected datagram peer).
            None => WitAddress::Unix(Vec::new()),
        }
    }

    /// The host address for an AF_UNIX guest address, per the policy.
    fn unix_address(&self, path: Vec<u8>) -> Result<Address, SocketError> {
        let policy = self.ctx.policy();
        if path.is_empty() || path[0] == 0 {
            // Abstract names (and autobind, the empty name) live outside the
            // file system, shared by the whole host.
            if policy.abstract_names_allowed() {
                return Ok(Address::Unix(path));
            }
            return Err(SocketError::os(
                libc::EACCES,
                "pysocket policy: abstract AF_UNIX names are not allowed (grant them with --allow-abstract-unix)",
            ));
        }
        let guest = Path::new(OsStr::from_bytes(&path));
        match policy.unix_host_path(guest) {
            Some(host) => Ok(Address::Unix(host.into_os_string().into_vec())),
            None => Err(SocketError::os(
                libc::EACCES,
                format!("pysocket policy: AF_UNIX path {} is not allowed (grant a directory with --allow-unix)", guest.display()),
            )),
        }
    }

    /// Resolves a name in the blocking pool (policy permitting) and pins
    /// what it resolved to for the rules that name it.
    pub(crate) async fn lookup(
        &mut self,
        name: &str,
        service: Option<String>,
        family: i32,
        socktype: i32,
        proto: i32,
        flags: i32,
    ) -> Result<Vec<resolve::AddrInfo>, SocketError> {
        self.decide_lookup(name)?;
        self.ctx.lookups += 1;
        if let Some(table) = self.ctx.policy().hosts_table() {
            let list =
                table.getaddrinfo(name, service.as_deref(), family, socktype, proto, flags)?;
            self.pin_resolved(name, &list);
            return Ok(list);
        }
        let host = name.to_owned();
        let lookup = move || {
            resolve::getaddrinfo(
                Some(&host),
                service.as_deref(),
                family,
                socktype,
                proto,
                flags,
            )
        };
        // A name the hosts file answers cannot wait on the network: no
        // hop to the blocking pool (which cost 48 µs of a 68 µs lookup).
        let list = if answered_by_hosts_file(name, family) {
            lookup()?
        } else {
            // At most `max_lookups` of the policy's guests wait on the
            // resolver at once.
            let permit = self.ctx.policy().lookup_permit().await;
            let list = tokio::task::spawn_blocking(lookup).await.map_err(|e| {
                SocketError::Trap(wasmtime::Error::msg(format!("resolver task failed: {e}")))
            })??;
            drop(permit);
            list
        };
        self.pin_resolved(name, &list);
        Ok(list)
    }

    /// Pins what `name` resolved to for the rules that name it, but for
    /// addresses a name rule may not vouch for (see
    /// [`crate::policy::pins`]).
    fn pin_resolved(&mut self, name: &str, list: &[resolve::AddrInfo]) {
        for purpose in [Purpose::Connect, Purpose::Bind] {
            let rules: Vec<(PortSet, String)> = self
                .ctx
                .policy()
                .name_rules(purpose, name)
                .into_iter()
                .map(|r| (r.ports, format!("{} {r} ({name})", purpose.flag())))
                .collect();
            for ai in list {
                let Some(sa) = ai.address.ip() else { continue };
                if !pins::pinnable(name, sa.ip()) {
                    continue;
                }
                for (ports, why) in &rules {
                    self.ctx.pin(purpose, sa.ip(), *ports, why.clone());
                }
            }
        }
    }

    /// The OS address for a guest address on a socket of `family`,
    /// resolving names and checking the policy for `op` (connect, sendto,
    /// sendmsg or bind). A name is looked up once; the address used is one
    /// of those it resolved to that the policy allows (the first, in the
    /// resolver's order), never the result of a second lookup.
    pub(crate) async fn resolve_address(
        &mut self,
        addr: WitAddress,
        family: i32,
        op: Op,
    ) -> Result<Address, SocketError> {
        let (host, port, flowinfo, scope) = match addr {
            WitAddress::Inet(a) if family == libc::AF_INET => (a.host, a.port, 0, 0),
            WitAddress::Inet6(a) if family == libc::AF_INET6 => (a.host, a.port, a.flowinfo, a.scope_id),
            WitAddress::Unix(path) if family == libc::AF_UNIX => return self.unix_address(path),
            _ => return Err(SocketError::os(libc::EAFNOSUPPORT, "Address family not supported by protocol (the address does not match the socket's family)")),
        };
        let make = |ip: IpAddr, numeric_scope: u32| match ip {
            IpAddr::V4(ip) => Address::Inet(SocketAddrV4::new(ip, port)),
            IpAddr::V6(ip) => Address::Inet6(SocketAddrV6::new(
                ip,
                port,
                flowinfo,
                if scope != 0 { scope } else { numeric_scope },
            )),
        };
        let decide = |this: &Self, address: &Address, name: Option<&str>| match op {
            Op::Bind => this.decide_bind(address, name),
            _ => this.decide_connect(op, address, name),
        };
        if let Some((ip, numeric_scope)) = numeric_host(&host, family)? {
            let address = make(ip, numeric_scope);
            decide(&*self, &address, None)?;
            return Ok(address);
        }
        let list = self.lookup(&host, None, family, 0, 0, 0).await?;
        let mut first_denial = None;
        for ip in list
            .iter()
            .filter_map(|ai| ai.address.ip())
            .map(|sa| sa.ip())
        {
            let address = make(ip, 0);
            match decide(&*self, &address, Some(&host)) {
                Ok(()) => return Ok(address),
                Err(e) => {
                    first_denial.get_or_insert(e);
                }
            }
        }
        Err(first_denial.unwrap_or_else(|| {
            NetError::Gai {
                code: libc::EAI_NONAME,
                message: "Name or service not known".into(),
            }
            .into()
        }))
    }
}
