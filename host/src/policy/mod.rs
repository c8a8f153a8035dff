//! The network policy: deny by default, allow by rule, deny rules win.
//!
//! A [`Policy`] says which peers a guest may connect/send to, which it may
//! never reach, what it may bind, which peers may reach it, whether it may
//! look up names, and its resource limits. One module per job:
//!
//! - [`pattern`]: rule patterns (`HOST[:PORTS]`: IP, CIDR, name,
//!   `*.domain`, `*` = the public internet, named sets);
//! - [`sets`]: the named sets `loopback`, `private`, `link-local`,
//!   `special` (IANA's special-purpose registries);
//! - [`rules`]: the rule lists and the [`Verdict`] for one address;
//! - [`pins`]: resolve-and-pin for name rules, with expiry;
//! - [`limits`]: resource limits and their defaults;
//! - [`audit`]: one log event per decision (`--log-net`);
//! - [`unix`]: AF_UNIX directories.
//!
//! [`Policy::decide`] is the one decision for an address, per use
//! ([`Op`]); the host's Host impls call it through one function per use
//! (`crate::host::decide`), which also writes the audit line and turns a
//! denial into `PermissionError(EACCES)` naming the operation, the address
//! and the rule or the missing permission.

pub mod audit;
pub mod limits;
pub mod pattern;
pub mod pins;
pub mod rules;
pub mod sets;
pub mod unix;

pub use limits::{
    Limits, DEFAULT_MAX_BACKLOG, DEFAULT_MAX_BUFFER, DEFAULT_MAX_LOOKUPS, DEFAULT_MAX_READ,
    DEFAULT_MAX_SOCKETS,
};
pub use pattern::{HostPattern, NetRule, PortSet};
pub use pins::{Pins, DEFAULT_PIN_TTL};
pub use rules::{Rules, Verdict};
pub use sets::NamedSet;
pub use unix::UnixDir;

use crate::net::HostsTable;
use crate::policy_hook::{PolicyHook, SocketUse};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A rule that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

/// Which allow list a pin belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// `connect`, `sendto`, `sendmsg` with an address.
    Connect,
    /// `bind` (and `listen` on an unbound socket).
    Bind,
}

impl Purpose {
    /// The CLI flag that grants this purpose, for messages.
    pub fn flag(self) -> &'static str {
        match self {
            Purpose::Connect => "--allow-net",
            Purpose::Bind => "--allow-bind",
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            Purpose::Connect => "connecting to",
            Purpose::Bind => "binding",
        }
    }
}

/// A use of an address that the policy decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Connect,
    SendTo,
    SendMsg,
    Bind,
    /// The implicit bind of `listen` on a socket with no port.
    Listen,
    /// A peer a listening socket accepted.
    Accept,
    /// The sender of a datagram on a socket the guest bound.
    Receive,
    /// The sender of a datagram on a socket the OS bound implicitly (by
    /// `sendto` or `connect`): only peers the guest may send to, or that
    /// an `--allow-accept` rule names.
    ReceiveReply,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Connect => "connect",
            Op::SendTo => "sendto",
            Op::SendMsg => "sendmsg",
            Op::Bind => "bind",
            Op::Listen => "listen",
            Op::Accept => "accept",
            Op::Receive => "recv",
            Op::ReceiveReply => "recv",
        }
    }

    /// The allow list this use draws on.
    pub fn purpose(self) -> Purpose {
        match self {
            Op::Bind | Op::Listen => Purpose::Bind,
            _ => Purpose::Connect,
        }
    }

    /// How a denial message words it: "connecting to 1.2.3.4:80".
    pub fn verb(self) -> &'static str {
        match self {
            Op::Connect => "connecting to",
            Op::SendTo | Op::SendMsg => "sending to",
            Op::Bind => "binding",
            Op::Listen => "listening on",
            Op::Accept => "accepting",
            Op::Receive | Op::ReceiveReply => "receiving from",
        }
    }

    /// The flag that grants it, for messages.
    pub fn flag(self) -> &'static str {
        match self {
            Op::Bind | Op::Listen => "--allow-bind",
            Op::Accept | Op::Receive => "--allow-accept",
            _ => "--allow-net",
        }
    }
}

/// The network rules and limits of a guest. Immutable (but for the shared
/// lookup limiter); share it freely.
#[derive(Debug, Clone)]
pub struct Policy {
    rules: Rules,
    dns: bool,
    limits: Limits,
    pin_ttl: Duration,
    hostname: Option<String>,
    unix_dirs: Vec<UnixDir>,
    abstract_names: bool,
    hosts_table: Option<Arc<HostsTable>>,
    /// The embedder's per-use hook (see [`crate::policy_hook`]).
    hook: Option<PolicyHook>,
    /// Permits for resolver-pool lookups (`max_lookups`), shared by every
    /// guest of this policy.
    lookups: Arc<tokio::sync::Semaphore>,
}

impl Default for Policy {
    /// Denies everything.
    fn default() -> Self {
        PolicyBuilder::new().build()
    }
}

impl Policy {
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::new()
    }

    /// The decision for `addr` used for `op`, given the guest's pins:
    /// deny rules first, then the allow list of the use, then pins.
    pub fn decide(&self, op: Op, addr: SocketAddr, pins: &Pins) -> Verdict {
        let addr = SocketAddr::new(addr.ip().to_canonical(), addr.port());
        match op {
            Op::Connect | Op::SendTo | Op::SendMsg => {
                let v = self.rules.connect_ip(addr);
                if v.allowed || self.rules.denied_ip(addr).is_some() {
                    return v;
                }
                match pins.lookup(Purpose::Connect, addr) {
                    Some(why) => Verdict::allow(why.to_owned()),
                    None => v,
                }
            }
            Op::Bind | Op::Listen => {
                let v = self.rules.bind_ip(addr);
                if v.allowed {
                    return v;
                }
                match pins.lookup(Purpose::Bind, addr) {
                    Some(why) => Verdict::allow(why.to_owned()),
                    None => v,
                }
            }
            Op::Accept | Op::Receive => self.rules.accept_ip(addr),
            Op::ReceiveReply => {
                if let Some(v) = self.rules.denied_ip(addr) {
                    return v;
                }
                if let Some(r) = self.rules.accept.iter().find(|r| r.matches_ip(addr)) {
                    return Verdict::allow(format!("--allow-accept {r}"));
                }
                let v = self.decide(Op::Connect, addr, pins);
                if v.allowed {
                    v
                } else {
                    Verdict::deny("not a peer the guest may send to (implicitly bound socket), no --allow-accept rule")
                }
            }
        }
    }

    /// Like [`Policy::decide`], for an address the guest's call named as
    /// `name` and that the lookup for this very call returned: a name rule
    /// covering `name` and the port allows it (if a name rule may vouch
    /// for the address, see [`pins`]), whether or not its pin is still
    /// live. Deny rules still win.
    pub fn decide_named(&self, op: Op, addr: SocketAddr, name: &str, pins: &Pins) -> Verdict {
        let v = self.decide(op, addr, pins);
        if v.allowed
            || v.rule.starts_with("--deny-net")
            || matches!(op, Op::Accept | Op::Receive | Op::ReceiveReply)
            || !pins::pinnable(name, addr.ip())
        {
            return v;
        }
        match self
            .name_rules(op.purpose(), name)
            .into_iter()
            .find(|r| r.ports.contains(addr.port()))
        {
            Some(r) => Verdict::allow(format!("{} {r} ({name})", op.purpose().flag())),
            None => v,
        }
    }

    /// Does a numeric rule allow `addr` for `purpose` (no pins)?
    pub fn allows(&self, purpose: Purpose, addr: SocketAddr) -> bool {
        let op = match purpose {
            Purpose::Connect => Op::Connect,
            Purpose::Bind => Op::Bind,
        };
        self.decide(op, addr, &Pins::default()).allowed
    }

    /// The rules that name `name` for `purpose`, with their text.
    pub fn name_rules(&self, purpose: Purpose, name: &str) -> Vec<&NetRule> {
        let list = match purpose {
            Purpose::Connect => &self.rules.connect,
            Purpose::Bind => &self.rules.bind,
        };
        list.iter()
            .filter(|r| r.is_name_rule() && r.matches_name(name))
            .collect()
    }

    /// The port sets of the rules that name `name` for `purpose`.
    pub fn name_ports(&self, purpose: Purpose, name: &str) -> Vec<PortSet> {
        self.name_rules(purpose, name)
            .iter()
            .map(|r| r.ports)
            .collect()
    }

    /// The decision on looking up `name`: a deny rule naming it refuses;
    /// then DNS permission, a hosts table, or a rule naming it allow.
    pub fn decide_lookup(&self, name: &str) -> Verdict {
        if let Some(v) = self.rules.denied_name(name) {
            return v;
        }
        if self.hosts_table.is_some() {
            return Verdict::allow("--hosts");
        }
        if self.dns {
            return Verdict::allow("--allow-dns");
        }
        match self
            .rules
            .connect
            .iter()
            .map(|r| ("--allow-net", r))
            .chain(self.rules.bind.iter().map(|r| ("--allow-bind", r)))
            .find(|(_, r)| r.is_name_rule() && r.matches_name(name))
        {
            Some((flag, r)) => Verdict::allow(format!("{flag} {r}")),
            None => Verdict::deny("no --allow-dns, and no rule names it"),
        }
    }

    /// May the guest look up `name`? Yes with DNS permission, or when a
    /// rule names it, unless a deny rule names it.
    pub fn may_resolve(&self, name: &str) -> bool {
        self.rules.denied_name(name).is_none()
            && (self.dns
                || self
                    .rules
                    .connect
                    .iter()
                    .chain(&self.rules.bind)
                    .any(|r| r.is_name_rule() && r.matches_name(name)))
    }

    /// May the guest do lookups of its own (`--allow-dns`)?
    pub fn dns_allowed(&self) -> bool {
        self.dns
    }

    /// The rule lists.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn max_sockets(&self) -> usize {
        self.limits.max_sockets
    }

    pub fn max_read(&self) -> usize {
        self.limits.max_read
    }

    /// How long a pin lives.
    pub fn pin_ttl(&self) -> Duration {
        self.pin_ttl
    }

    /// Waits for a resolver-pool permit (`max_lookups`).
    pub(crate) async fn lookup_permit(&self) -> tokio::sync::OwnedSemaphorePermit {
        self.lookups
            .clone()
            .acquire_owned()
            .await
            .expect("the lookup semaphore is never closed")
    }

    /// The name `gethostname()` reports, if the embedder set one.
    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    /// The host path for an AF_UNIX guest path, if a `--allow-unix`
    /// directory covers it.
    pub fn unix_host_path(&self, guest: &Path) -> Option<PathBuf> {
        self.unix_dirs.iter().find_map(|d| {
            unix::below(guest, &d.guest)
                .map(|rest| rest.iter().fold(d.host.clone(), |p, c| p.join(c)))
        })
    }

    /// The guest path for a host path under a `--allow-unix` directory.
    pub fn unix_guest_path(&self, host: &Path) -> Option<PathBuf> {
        self.unix_dirs.iter().find_map(|d| {
            unix::below(host, &d.host)
                .map(|rest| rest.iter().fold(d.guest.clone(), |p, c| p.join(c)))
        })
    }

    /// May the guest use abstract AF_UNIX names (and autobind)?
    pub fn abstract_names_allowed(&self) -> bool {
        self.abstract_names
    }

    /// The table that answers the guest's name lookups instead of the OS
    /// resolver, if the embedder gave one (see [`HostsTable`]).
    pub fn hosts_table(&self) -> Option<&HostsTable> {
        self.hosts_table.as_deref()
    }

    /// The embedder's per-use hook, if one was registered.
    pub fn hook(&self) -> Option<&PolicyHook> {
        self.hook.as_ref()
    }
}

/// Builds a [`Policy`]. Starts denying everything.
#[derive(Debug, Clone)]
pub struct PolicyBuilder {
    policy: Policy,
}

impl Default for PolicyBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl PolicyBuilder {
    pub fn new() -> Self {
        PolicyBuilder {
            policy: Policy {
                rules: Rules::default(),
                dns: false,
                limits: Limits::default(),
                pin_ttl: DEFAULT_PIN_TTL,
                hostname: None,
                unix_dirs: Vec::new(),
                abstract_names: false,
                hosts_table: None,
                hook: None,
                lookups: Arc::new(tokio::sync::Semaphore::new(DEFAULT_MAX_LOOKUPS)),
            },
        }
    }

    /// Allows connecting/sending to what `rule` matches.
    pub fn allow_connect(mut self, rule: NetRule) -> Self {
        self.policy.rules.connect.push(rule);
        self
    }

    /// Denies what `rule` matches as a peer (connect, send, accept,
    /// receive) and, for name patterns, looking the names up; wins over
    /// every allow rule.
    pub fn deny(mut self, rule: NetRule) -> Self {
        self.policy.rules.deny.push(rule);
        self
    }

    /// Allows binding what `rule` matches.
    pub fn allow_bind(mut self, rule: NetRule) -> Self {
        self.policy.rules.bind.push(rule);
        self
    }

    /// Restricts the peers listening sockets accept (others are reset
    /// before the guest sees them) and the senders datagram sockets hear
    /// (others are dropped) to what the `allow_accept` rules match. With
    /// none, any peer no deny rule covers.
    pub fn allow_accept(mut self, rule: NetRule) -> Self {
        self.policy.rules.accept.push(rule);
        self
    }

    /// `--allow-net SPEC`.
    pub fn allow_net_spec(self, spec: &str) -> Result<Self, RuleError> {
        Ok(self.allow_connect(NetRule::parse(spec)?))
    }

    /// `--deny-net SPEC`.
    pub fn deny_net_spec(self, spec: &str) -> Result<Self, RuleError> {
        Ok(self.deny(NetRule::parse(spec)?))
    }

    /// `--allow-bind SPEC`.
    pub fn allow_bind_spec(self, spec: &str) -> Result<Self, RuleError> {
        Ok(self.allow_bind(NetRule::parse(spec)?))
    }

    /// `--allow-accept SPEC`.
    pub fn allow_accept_spec(self, spec: &str) -> Result<Self, RuleError> {
        Ok(self.allow_accept(NetRule::parse(spec)?))
    }

    /// Allows name lookups of any name (but those a deny rule names).
    pub fn allow_dns(mut self, yes: bool) -> Self {
        self.policy.dns = yes;
        self
    }

    /// At most `n` open sockets per guest.
    pub fn max_sockets(mut self, n: usize) -> Self {
        self.policy.limits.max_sockets = n;
        self
    }

    /// At most `n` bytes per read call.
    pub fn max_read(mut self, n: usize) -> Self {
        self.policy.limits.max_read = n.max(1);
        self
    }

    /// At most `n` resolver-pool lookups at once for the guests of this
    /// policy (at least 1).
    pub fn max_lookups(mut self, n: usize) -> Self {
        self.policy.limits.max_lookups = n.max(1);
        self
    }

    /// Caps listen backlogs at `n`.
    pub fn max_backlog(mut self, n: i32) -> Self {
        self.policy.limits.max_backlog = n.max(0);
        self
    }

    /// Caps SO_SNDBUF/SO_RCVBUF at `n` bytes.
    pub fn max_buffer(mut self, n: usize) -> Self {
        self.policy.limits.max_buffer = n;
        self
    }

    /// How long what a name resolved to stays pinned.
    pub fn pin_ttl(mut self, ttl: Duration) -> Self {
        self.policy.pin_ttl = ttl;
        self
    }

    /// Lets the guest bind and connect AF_UNIX sockets under `dir`.
    pub fn allow_unix(mut self, dir: UnixDir) -> Self {
        self.policy.unix_dirs.push(dir);
        self
    }

    /// `--allow-unix HOST_DIR[::GUEST_DIR]`.
    pub fn allow_unix_spec(self, spec: &str) -> Result<Self, RuleError> {
        Ok(self.allow_unix(UnixDir::parse(spec)?))
    }

    /// Lets the guest use abstract AF_UNIX names.
    pub fn allow_abstract_unix(mut self, yes: bool) -> Self {
        self.policy.abstract_names = yes;
        self
    }

    /// Answers every name lookup of the guest from `table` alone: the OS
    /// resolver is never asked, so no DNS query leaves the host. Lookups
    /// then need no DNS permission (they cannot reach the network); what a
    /// name resolves to must still be allowed by the connect/bind rules,
    /// or pinned by a rule that names it. `--hosts FILE`.
    pub fn hosts_table(mut self, table: HostsTable) -> Self {
        self.policy.hosts_table = Some(Arc::new(table));
        self
    }

    /// After the rules allow a use of an address, also asks `hook(use,
    /// address)`, which may deny it (it can only narrow the rules; see
    /// [`crate::policy_hook`] for the uses and when it is called).
    /// Registering another hook replaces this one.
    pub fn policy_hook<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(SocketUse, SocketAddr) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = bool> + Send + 'static,
    {
        self.policy.hook = Some(PolicyHook::new(hook));
        self
    }

    /// The name `gethostname()` reports (default: the host's).
    pub fn hostname(mut self, name: impl Into<String>) -> Self {
        self.policy.hostname = Some(name.into());
        self
    }

    pub fn build(mut self) -> Policy {
        self.policy.lookups = Arc::new(tokio::sync::Semaphore::new(self.policy.limits.max_lookups));
        self.policy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sa(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn decide(p: &Policy, op: Op, addr: &str) -> bool {
        p.decide(op, sa(addr), &Pins::default()).allowed
    }

    #[test]
    fn deny_by_default() {
        let p = Policy::default();
        assert!(!p.allows(Purpose::Connect, sa("127.0.0.1:80")));
        assert!(!p.allows(Purpose::Bind, sa("127.0.0.1:0")));
        assert!(!p.may_resolve("localhost"));
        assert!(!decide(&p, Op::ReceiveReply, "127.0.0.1:53"));
    }

    #[test]
    fn addresses_networks_and_ports() {
        let p = Policy::builder()
            .allow_net_spec("127.0.0.0/8:1000-2000")
            .unwrap()
            .allow_bind_spec("[::1]")
            .unwrap()
            .build();
        assert!(p.allows(Purpose::Connect, sa("127.1.2.3:1500")));
        assert!(p.allows(Purpose::Connect, sa("[::ffff:127.0.0.1]:1000")));
        assert!(!p.allows(Purpose::Connect, sa("127.0.0.1:999")));
        assert!(!p.allows(Purpose::Connect, sa("[::1]:1500")));
        assert!(p.allows(Purpose::Bind, sa("[::1]:0")));
        assert!(!p.allows(Purpose::Bind, sa("127.0.0.1:0")));
    }

    #[test]
    fn ephemeral_port_needs_a_wildcard_port() {
        let p = Policy::builder()
            .allow_bind_spec("127.0.0.1:8080")
            .unwrap()
            .build();
        assert!(!p.allows(Purpose::Bind, sa("127.0.0.1:0")));
        assert!(p.allows(Purpose::Bind, sa("127.0.0.1:8080")));
    }

    #[test]
    fn deny_wins_everywhere() {
        let p = Policy::builder()
            .allow_net_spec("127.0.0.0/8")
            .unwrap()
            .allow_net_spec("localhost")
            .unwrap()
            .allow_accept_spec("loopback")
            .unwrap()
            .deny_net_spec("127.0.0.1:9")
            .unwrap()
            .deny_net_spec("*.evil.test")
            .unwrap()
            .build();
        let v = p.decide(Op::Connect, sa("127.0.0.1:9"), &Pins::default());
        assert!(!v.allowed);
        assert_eq!(v.rule, "--deny-net 127.0.0.1:9");
        assert!(decide(&p, Op::Connect, "127.0.0.1:10"));
        assert!(!decide(&p, Op::Accept, "127.0.0.1:9"));
        assert!(!decide(&p, Op::Receive, "[::ffff:127.0.0.1]:9"));
        // A pin never outranks a deny rule.
        let mut pins = Pins::default();
        pins.pin(
            Purpose::Connect,
            "127.0.0.1".parse().unwrap(),
            PortSet::Any,
            "pinned".into(),
            DEFAULT_PIN_TTL,
        );
        assert!(!p.decide(Op::SendTo, sa("127.0.0.1:9"), &pins).allowed);
        assert!(!p.may_resolve("a.evil.test"));
        assert!(!p.decide_lookup("a.evil.test").allowed);
        assert!(p.may_resolve("localhost"));
    }

    #[test]
    fn accept_rules() {
        let open = Policy::default();
        assert!(decide(&open, Op::Accept, "10.0.0.1:5"));
        let p = Policy::builder()
            .allow_accept_spec("127.0.0.2")
            .unwrap()
            .allow_net_spec("127.0.0.3:53")
            .unwrap()
            .build();
        assert!(decide(&p, Op::Accept, "127.0.0.2:5"));
        assert!(!decide(&p, Op::Accept, "127.0.0.1:5"));
        assert!(decide(&p, Op::ReceiveReply, "127.0.0.3:53"));
        assert!(decide(&p, Op::ReceiveReply, "127.0.0.2:1"));
        assert!(!decide(&p, Op::ReceiveReply, "127.0.0.3:54"));
    }

    #[test]
    fn star_needs_special_ranges_named() {
        let p = Policy::builder().allow_net_spec("*").unwrap().build();
        let v = p.decide(Op::Connect, sa("127.0.0.1:80"), &Pins::default());
        assert!(!v.allowed);
        assert!(v.rule.contains("public"), "{}", v.rule);
        assert!(!decide(&p, Op::Connect, "169.254.169.254:80"));
        assert!(decide(&p, Op::Connect, "1.1.1.1:80"));
        let p = Policy::builder()
            .allow_net_spec("*")
            .unwrap()
            .allow_net_spec("loopback:8080")
            .unwrap()
            .build();
        assert!(decide(&p, Op::Connect, "127.0.0.1:8080"));
        assert!(!decide(&p, Op::Connect, "127.0.0.1:8081"));
    }

    #[test]
    fn name_rules_allow_their_lookup() {
        let p = Policy::builder()
            .allow_net_spec("LocalHost:80")
            .unwrap()
            .allow_net_spec("*.example.com:443")
            .unwrap()
            .build();
        assert!(p.may_resolve("localhost"));
        assert!(p.may_resolve("www.example.com"));
        assert!(!p.may_resolve("example.com"));
        assert!(!p.may_resolve("example.org"));
        assert_eq!(
            p.name_ports(Purpose::Connect, "localhost."),
            vec![PortSet::Range(80, 80)]
        );
        assert!(Policy::builder()
            .allow_dns(true)
            .build()
            .may_resolve("example.org"));
    }

    #[test]
    fn limits_have_defaults_and_setters() {
        let p = Policy::default();
        assert_eq!(*p.limits(), Limits::default());
        assert_eq!(p.lookups.available_permits(), DEFAULT_MAX_LOOKUPS);
        assert_eq!(p.limits().backlog(100_000), DEFAULT_MAX_BACKLOG);
        assert_eq!(p.limits().backlog(-5), 0);
        let p = Policy::builder().max_lookups(2).max_backlog(5).build();
        assert_eq!(p.lookups.available_permits(), 2);
        assert_eq!(p.limits().backlog(10), 5);
    }

    #[test]
    fn unix_paths_map_between_guest_and_host() {
        let p = Policy::builder()
            .allow_unix_spec("/srv/sockets::/run/app")
            .unwrap()
            .build();
        assert_eq!(
            p.unix_host_path(Path::new("/run/app/a.sock")),
            Some(PathBuf::from("/srv/sockets/a.sock"))
        );
        assert_eq!(
            p.unix_guest_path(Path::new("/srv/sockets/a.sock")),
            Some(PathBuf::from("/run/app/a.sock"))
        );
        assert_eq!(p.unix_host_path(Path::new("/run/app/../etc/x")), None);
        assert_eq!(p.unix_host_path(Path::new("/run/app")), None);
        assert_eq!(p.unix_host_path(Path::new("/run/other/x")), None);
        assert_eq!(p.unix_host_path(Path::new("run/app/x")), None);
        assert!(!p.abstract_names_allowed());
    }
}
