//! The rule lists and the decision they give for one address: deny rules
//! first (deny wins over any allow), then allow rules.
//!
//! | list                  | flag             | decides                              |
//! |-----------------------|------------------|--------------------------------------|
//! | `connect`             | `--allow-net`    | connect, sendto/sendmsg to           |
//! | `deny`                | `--deny-net`     | every peer: connect, send, accept, receive; names looked up |
//! | `bind`                | `--allow-bind`   | bind, and the implicit bind of listen |
//! | `accept`              | `--allow-accept` | peers a listening socket accepts, senders a datagram socket hears |
//!
//! Every list is checked against the *address* a call uses, after any
//! name was resolved: a name rule never vouches for an address by itself
//! (see [`super::pins`]).

use super::pattern::NetRule;
use super::sets::NamedSet;
use std::net::SocketAddr;

/// The rule (or missing rule) behind a decision, for messages and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    /// `--allow-net 127.0.0.0/8`, `--deny-net loopback`, `no --allow-net
    /// rule`, `pinned: --allow-net localhost:80 (localhost)`, ...
    pub rule: String,
}

impl Verdict {
    pub fn allow(rule: impl Into<String>) -> Verdict {
        Verdict {
            allowed: true,
            rule: rule.into(),
        }
    }

    pub fn deny(rule: impl Into<String>) -> Verdict {
        Verdict {
            allowed: false,
            rule: rule.into(),
        }
    }
}

/// The four rule lists of a policy.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub connect: Vec<NetRule>,
    pub deny: Vec<NetRule>,
    pub bind: Vec<NetRule>,
    pub accept: Vec<NetRule>,
}

fn first_ip(rules: &[NetRule], addr: SocketAddr) -> Option<&NetRule> {
    rules.iter().find(|r| r.matches_ip(addr))
}

impl Rules {
    /// The deny rule covering this address, if any.
    pub fn denied_ip(&self, addr: SocketAddr) -> Option<Verdict> {
        first_ip(&self.deny, addr).map(|r| Verdict::deny(format!("--deny-net {r}")))
    }

    /// The deny rule covering this name, if any (names are denied by
    /// `Name`, `*.domain` and `*` deny rules).
    pub fn denied_name(&self, name: &str) -> Option<Verdict> {
        self.deny
            .iter()
            .find(|r| r.is_name_rule() && r.matches_name(name))
            .map(|r| Verdict::deny(format!("--deny-net {r}")))
    }

    /// connect/sendto by the numeric rules alone (pins are added by the
    /// caller).
    pub fn connect_ip(&self, addr: SocketAddr) -> Verdict {
        if let Some(v) = self.denied_ip(addr) {
            return v;
        }
        match first_ip(&self.connect, addr) {
            Some(r) => Verdict::allow(format!("--allow-net {r}")),
            None if NamedSet::Special.contains(addr.ip())
                && self
                    .connect
                    .iter()
                    .any(|r| r.host == super::HostPattern::Any) =>
            {
                Verdict::deny("no --allow-net rule (* covers public addresses only)")
            }
            None => Verdict::deny("no --allow-net rule"),
        }
    }

    /// bind (deny rules are about peers and do not apply).
    pub fn bind_ip(&self, addr: SocketAddr) -> Verdict {
        match first_ip(&self.bind, addr) {
            Some(r) => Verdict::allow(format!("--allow-bind {r}")),
            None => Verdict::deny("no --allow-bind rule"),
        }
    }

    /// A peer knocking at a listening socket: deny rules, then
    /// `--allow-accept`; with no `--allow-accept` rule at all, any peer
    /// (the `--allow-bind` rule already chose where the guest listens).
    pub fn accept_ip(&self, addr: SocketAddr) -> Verdict {
        if let Some(v) = self.denied_ip(addr) {
            return v;
        }
        if self.accept.is_empty() {
            return Verdict::allow("no --allow-accept rules: any peer");
        }
        match first_ip(&self.accept, addr) {
            Some(r) => Verdict::allow(format!("--allow-accept {r}")),
            None => Verdict::deny("no --allow-accept rule"),
        }
    }

    /// Whether any rule restricts inbound peers.
    pub fn filters_inbound(&self) -> bool {
        !self.accept.is_empty() || !self.deny.is_empty()
    }
}
