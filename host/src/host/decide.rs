//! One decision function per use of an address: `decide_connect` (also
//! sendto, sendmsg), `decide_bind`, `decide_listen`, `decide_lookup`, and
//! for inbound peers [`Inbound::accept`] and [`Inbound::receive`] (a value
//! that waiting calls hold, as the context is not `Sync`).
//!
//! Each asks [`Policy::decide`](crate::policy::Policy::decide) (or
//! `decide_lookup`), writes the audit line ([`crate::policy::audit`]) and
//! turns a denial into `PermissionError(EACCES)` whose message names the
//! operation, the address and the rule or the missing permission. These
//! are the only places the Host impls consult the policy about addresses,
//! so an embedder's hook belongs next to them.

use crate::net::{Address, Sock};
use crate::policy::{audit, Op, Pins, Policy, Verdict};
use crate::{PysocketImpl, SocketError};
use socket2::SockAddr;
use std::net::SocketAddr;

type R<T> = Result<T, SocketError>;

/// `HOST:PORT` as rules spell it (IPv6 in brackets).
pub(crate) fn display(sa: SocketAddr) -> String {
    match sa {
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}

fn denial(op: Op, what: &str, verdict: &Verdict) -> SocketError {
    let text = if verdict.rule.starts_with("--deny-net") {
        format!(
            "pysocket policy: {} {what} is denied by {}",
            op.verb(),
            verdict.rule
        )
    } else {
        format!(
            "pysocket policy: {} {what} is not allowed: {} (grant it with {})",
            op.verb(),
            verdict.rule,
            op.flag()
        )
    };
    SocketError::os(libc::EACCES, text)
}

/// What the inbound decisions need of a guest's context.
pub(crate) struct Inbound<'a> {
    policy: &'a Policy,
    pins: &'a Pins,
    guest: u64,
}

impl Inbound<'_> {
    fn verdict(&self, op: Op, addr: SocketAddr) -> Verdict {
        let v = self.policy.decide(op, addr, self.pins);
        audit::record(self.guest, op.name(), &display(addr), &v);
        v
    }

    /// `accept`: may a listening socket hand the guest a connection from
    /// `peer`? (AF_UNIX peers: yes, the directory rules decided who can
    /// reach it.)
    pub(crate) fn accept(&self, peer: &SockAddr) -> bool {
        match peer.as_socket() {
            Some(sa) => self.verdict(Op::Accept, sa).allowed,
            None => true,
        }
    }

    /// `recv*` on a datagram socket: may the guest see a datagram from
    /// `from` on `sock`? On a socket the guest bound, the accept rules
    /// decide; on one the OS bound for it (an unbound socket's
    /// `sendto`/`connect`), only peers it may send to or that an accept
    /// rule names.
    pub(crate) fn receive(&self, sock: &Sock, from: &SockAddr) -> bool {
        match from.as_socket() {
            Some(sa) => {
                let op = if sock.bound_by_guest() {
                    Op::Receive
                } else {
                    Op::ReceiveReply
                };
                self.verdict(op, sa).allowed
            }
            None => true,
        }
    }
}

impl PysocketImpl<'_> {
    /// The verdict for `addr` used for `op`, recorded in the audit log.
    pub(crate) fn verdict(&self, op: Op, addr: SocketAddr) -> Verdict {
        self.inbound().verdict(op, addr)
    }

    /// `connect`, `sendto`, `sendmsg` to `address` (`op` says which);
    /// `name` is the name the guest gave, if the address is what this
    /// call's lookup of it returned. AF_UNIX addresses were checked when
    /// they were mapped.
    pub(crate) fn decide_connect(&self, op: Op, address: &Address, name: Option<&str>) -> R<()> {
        self.decide_address(op, address, name)
    }

    /// `bind` to `address` (`name` as for [`Self::decide_connect`]).
    pub(crate) fn decide_bind(&self, address: &Address, name: Option<&str>) -> R<()> {
        self.decide_address(Op::Bind, address, name)
    }

    fn decide_address(&self, op: Op, address: &Address, name: Option<&str>) -> R<()> {
        match address.ip() {
            Some(sa) => {
                let v = match name {
                    Some(name) => {
                        let v = self.ctx.policy.decide_named(op, sa, name, &self.ctx.pins);
                        audit::record(self.ctx.guest, op.name(), &display(sa), &v);
                        v
                    }
                    None => self.verdict(op, sa),
                };
                if v.allowed {
                    Ok(())
                } else {
                    Err(denial(op, &display(sa), &v))
                }
            }
            None => Ok(()),
        }
    }

    /// `listen`: before listening on a socket with no port yet, the OS
    /// binds a wildcard address, which needs the bind permission too.
    pub(crate) fn decide_listen(&self, sock: &Sock) -> R<()> {
        if sock.family() != libc::AF_INET && sock.family() != libc::AF_INET6 {
            return Ok(());
        }
        let local = sock.local_addr()?;
        match Address::from_sockaddr(&local).and_then(|a| a.ip()) {
            Some(sa) if sa.port() == 0 => {
                let v = self.verdict(Op::Listen, sa);
                if v.allowed {
                    Ok(())
                } else {
                    Err(denial(Op::Listen, &display(sa), &v))
                }
            }
            _ => Ok(()),
        }
    }

    /// Do datagrams arriving on `sock` need a decision? On IPv4/IPv6
    /// datagram sockets the OS bound implicitly, always; on ones the guest
    /// bound, only when an `--allow-accept` or `--deny-net` rule exists
    /// (otherwise every sender is allowed, and the receive path stays as
    /// fast as without a policy).
    pub(crate) fn filters_datagrams(&self, sock: &Sock) -> bool {
        sock.is_inet_datagram()
            && (!sock.bound_by_guest() || self.ctx.policy.rules().filters_inbound())
    }

    /// The inbound decisions (accept, receive), as a value a waiting call
    /// can hold (the context itself is not `Sync`).
    pub(crate) fn inbound(&self) -> Inbound<'_> {
        Inbound {
            policy: &self.ctx.policy,
            pins: &self.ctx.pins,
            guest: self.ctx.guest,
        }
    }

    /// May the guest look up `name`?
    pub(crate) fn decide_lookup(&self, name: &str) -> R<()> {
        let v = self.ctx.policy.decide_lookup(name);
        audit::record(self.ctx.guest, "lookup", name, &v);
        if v.allowed {
            Ok(())
        } else if v.rule.starts_with("--deny-net") {
            Err(SocketError::os(
                libc::EACCES,
                format!(
                    "pysocket policy: looking up {name:?} is denied by {}",
                    v.rule
                ),
            ))
        } else {
            Err(SocketError::os(
                libc::EACCES,
                format!("pysocket policy: looking up {name:?} is not allowed (grant it with --allow-dns, or name it in --allow-net)"),
            ))
        }
    }
}
