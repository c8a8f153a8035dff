//! `pysocket:socket/resolve`: name and service lookups.

use super::address::to_wit;
use crate::bindings::resolve::{Addrinfo, Host, HostEntry};
use crate::bindings::types::Address as WitAddress;
use crate::net::{resolve, Address, NetError};
use crate::{PysocketImpl, SocketError};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

type R<T> = Result<T, SocketError>;

fn entry(e: resolve::HostEntry) -> HostEntry {
    HostEntry {
        name: e.name,
        aliases: e.aliases,
        addresses: e.addresses,
    }
}

/// Runs a blocking resolver call in the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, NetError> + Send + 'static,
) -> R<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SocketError::Trap(wasmtime::Error::msg(format!("resolver task failed: {e}"))))?
        .map_err(SocketError::from)
}

/// A numeric address for getnameinfo: CPython accepts only numeric hosts.
fn numeric_address(addr: WitAddress) -> R<Address> {
    let not_numeric = || {
        SocketError::from(NetError::Gai {
            code: libc::EAI_NONAME,
            message: "Name or service not known".into(),
        })
    };
    match addr {
        WitAddress::Inet(a) => {
            let ip: Ipv4Addr = a.host.parse().map_err(|_| not_numeric())?;
            Ok(Address::Inet(SocketAddrV4::new(ip, a.port)))
        }
        WitAddress::Inet6(a) => {
            let ip: Ipv6Addr = a
                .host
                .split('%')
                .next()
                .unwrap_or_default()
                .parse()
                .map_err(|_| not_numeric())?;
            Ok(Address::Inet6(SocketAddrV6::new(
                ip, a.port, a.flowinfo, a.scope_id,
            )))
        }
        WitAddress::Unix(_) => Err(NetError::Gai {
            code: libc::EAI_FAMILY,
            message: "ai_family not supported".into(),
        }
        .into()),
    }
}

impl PysocketImpl<'_> {
    fn check_reverse_lookup(&self) -> R<()> {
        if self.ctx.policy().dns_allowed() {
            Ok(())
        } else {
            Err(SocketError::os(
                libc::EACCES,
                "pysocket policy: reverse lookups are not allowed (grant them with --allow-dns)",
            ))
        }
    }
}

impl Host for PysocketImpl<'_> {
    async fn getaddrinfo(
        &mut self,
        host: Option<String>,
        port: Option<String>,
        family: i32,
        socket_type: i32,
        proto: i32,
        flags: i32,
    ) -> R<Vec<Addrinfo>> {
        // One attempt that never touches the network (AI_NUMERICHOST: only
        // numeric hosts, services from the local services file) answers
        // numeric and host-less lookups completely, on the spot. Only when
        // it reports that the host is a name does the lookup go through the
        // policy and the blocking pool.
        let numeric = resolve::getaddrinfo(
            host.as_deref(),
            port.as_deref(),
            family,
            socket_type,
            proto,
            flags | libc::AI_NUMERICHOST,
        );
        let list = match (numeric, host) {
            (Err(NetError::Gai { code, .. }), Some(name))
                if code == libc::EAI_NONAME && flags & libc::AI_NUMERICHOST == 0 =>
            {
                self.lookup(&name, port, family, socket_type, proto, flags)
                    .await?
            }
            (result, _) => result?,
        };
        Ok(list
            .into_iter()
            .map(|ai| Addrinfo {
                family: ai.family,
                socket_type: ai.socktype,
                proto: ai.proto,
                canonname: ai.canonname,
                address: to_wit(&ai.address),
            })
            .collect())
    }

    async fn getnameinfo(&mut self, address: WitAddress, flags: i32) -> R<(String, String)> {
        let addr = numeric_address(address)?;
        if let Some(table) = self.ctx.policy().hosts_table() {
            return Ok(table.getnameinfo(&addr, flags)?);
        }
        if flags & libc::NI_NUMERICHOST == 0 {
            self.check_reverse_lookup()?;
        }
        let sa = addr.to_sockaddr()?;
        let _permit = self.ctx.policy().lookup_permit().await;
        blocking(move || resolve::getnameinfo(&sa, flags)).await
    }

    async fn gethostbyname_ex(&mut self, name: String) -> R<HostEntry> {
        let numeric = name.parse::<Ipv4Addr>().is_ok();
        if !numeric {
            self.decide_lookup(&name)?;
            self.ctx.lookups += 1;
        }
        if let Some(table) = self.ctx.policy().hosts_table() {
            return match name.parse::<Ipv4Addr>() {
                Ok(ip) => Ok(HostEntry {
                    name: name.clone(),
                    aliases: Vec::new(),
                    addresses: vec![ip.to_string()],
                }),
                Err(_) => Ok(entry(table.gethostbyname_ex(&name)?)),
            };
        }
        let _permit = self.ctx.policy().lookup_permit().await;
        blocking(move || resolve::gethostbyname_ex(&name))
            .await
            .map(entry)
    }

    async fn gethostbyaddr(&mut self, address: String) -> R<HostEntry> {
        if let Some(table) = self.ctx.policy().hosts_table() {
            return Ok(entry(table.gethostbyaddr(&address)?));
        }
        self.check_reverse_lookup()?;
        let _permit = self.ctx.policy().lookup_permit().await;
        blocking(move || {
            let list = resolve::getaddrinfo(Some(&address), None, 0, 0, 0, 0)?;
            let first = list.into_iter().next().ok_or(NetError::Herror {
                code: 1,
                message: "Unknown host".into(),
            })?;
            resolve::gethostbyaddr(&first.address)
        })
        .await
        .map(entry)
    }

    fn gethostname(&mut self) -> R<String> {
        match self.ctx.policy().hostname() {
            Some(name) => Ok(name.to_owned()),
            None => Ok(resolve::gethostname()?),
        }
    }

    fn getservbyname(&mut self, name: String, proto: Option<String>) -> R<u16> {
        Ok(resolve::getservbyname(&name, proto.as_deref())?)
    }

    fn getservbyport(&mut self, port: u16, proto: Option<String>) -> R<String> {
        Ok(resolve::getservbyport(port, proto.as_deref())?)
    }

    fn getprotobyname(&mut self, name: String) -> R<i32> {
        Ok(resolve::getprotobyname(&name)?)
    }

    fn if_nameindex(&mut self) -> R<Vec<(u32, String)>> {
        Ok(resolve::if_nameindex()?)
    }
}
