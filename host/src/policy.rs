//! The network policy: deny by default, allow by rule.
//!
//! A [`Policy`] says which addresses a guest may connect/send to, which it
//! may bind, whether it may look up names, and its resource limits. Rules
//! are spelled like Deno's `--allow-net`:
//!
//! | rule                    | matches                                   |
//! |-------------------------|-------------------------------------------|
//! | `127.0.0.1:8080`        | that address, that port                   |
//! | `127.0.0.1`             | that address, any port                    |
//! | `127.0.0.0/8:1000-2000` | that network, ports 1000 to 2000          |
//! | `[::1]:*`               | IPv6 loopback, any port                   |
//! | `localhost:8080`        | the name `localhost` (see below), port 8080 |
//! | `*` / `*:443`           | any host (any port / port 443)            |
//!
//! A name rule matches when the guest uses that name (in an address tuple
//! or with `getaddrinfo`); the addresses it resolves to are then allowed
//! for this guest with the rule's ports ("resolve and pin", see
//! [`crate::PysocketCtx`]). Using a name covered by a rule needs no DNS
//! permission; any other lookup needs [`PolicyBuilder::allow_dns`].
//!
//! Port 0 (an ephemeral port, for bind) matches only rules whose ports are
//! `*` or include 0.

use crate::net::HostsTable;
use crate::policy_hook::{PolicyHook, SocketUse};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

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

/// Which hosts a rule covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    Any,
    /// An address and a prefix length (32/128 for a single address).
    Net(IpAddr, u8),
    /// A host name, lower case, without a trailing dot.
    Name(String),
}

/// One allow rule: hosts and ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetRule {
    pub host: HostPattern,
    pub ports: PortSet,
}

/// A rule that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

fn normalize_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

fn in_net(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (canonical(ip), net) {
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
            HostPattern::Net(canonical(ip), prefix)
        } else if let Ok(ip) = host.parse::<IpAddr>() {
            let ip = canonical(ip);
            HostPattern::Net(ip, if ip.is_ipv4() { 32 } else { 128 })
        } else if !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        {
            HostPattern::Name(normalize_name(host))
        } else {
            return Err(bad("not an address, network or host name"));
        };
        Ok(NetRule { host, ports })
    }

    fn matches_ip(&self, addr: SocketAddr) -> bool {
        let host_ok = match &self.host {
            HostPattern::Any => true,
            HostPattern::Net(net, prefix) => in_net(addr.ip(), *net, *prefix),
            HostPattern::Name(_) => false,
        };
        host_ok && self.ports.contains(addr.port())
    }

    fn matches_name(&self, name: &str) -> bool {
        match &self.host {
            HostPattern::Any => true,
            HostPattern::Name(n) => *n == normalize_name(name),
            HostPattern::Net(..) => false,
        }
    }
}

/// What a policy decides about.
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

/// Default limit of open sockets per guest.
pub const DEFAULT_MAX_SOCKETS: usize = 1024;
/// Default limit of bytes one read may ask for (larger reads are clamped,
/// which stream sockets cannot tell from a short read).
pub const DEFAULT_MAX_READ: usize = 16 << 20;

/// The network rules and limits of a guest. Immutable; share it freely.
#[derive(Debug, Clone)]
pub struct Policy {
    connect: Vec<NetRule>,
    bind: Vec<NetRule>,
    dns: bool,
    max_sockets: usize,
    max_read: usize,
    hostname: Option<String>,
    unix_dirs: Vec<UnixDir>,
    abstract_names: bool,
    hosts_table: Option<Arc<HostsTable>>,
    /// The embedder's per-use hook (see [`crate::policy_hook`]).
    hook: Option<PolicyHook>,
}

/// A directory where a guest may bind and connect AF_UNIX sockets: guest
/// paths under `guest` are host paths under `host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixDir {
    pub host: PathBuf,
    pub guest: PathBuf,
}

impl UnixDir {
    /// Parses `HOST_DIR[::GUEST_DIR]` (the same path in both when no
    /// GUEST_DIR is given). Both must be absolute.
    pub fn parse(spec: &str) -> Result<UnixDir, RuleError> {
        let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
        let host = std::path::absolute(host)
            .map_err(|e| RuleError(format!("bad AF_UNIX directory {spec:?}: {e}")))?;
        let guest = PathBuf::from(guest);
        if !guest.is_absolute() {
            return Err(RuleError(format!(
                "bad AF_UNIX directory {spec:?}: the guest path must be absolute"
            )));
        }
        Ok(UnixDir { host, guest })
    }
}

/// Splits an absolute path into normal components; `None` for relative
/// paths or paths with `..`.
fn plain_components(path: &Path) -> Option<Vec<&std::ffi::OsStr>> {
    if !path.is_absolute() {
        return None;
    }
    let mut out = Vec::new();
    for c in path.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(n) => out.push(n),
            Component::ParentDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// `path` relative to `base`, if it lies strictly below it.
fn below<'a>(path: &'a Path, base: &Path) -> Option<Vec<&'a std::ffi::OsStr>> {
    let p = plain_components(path)?;
    let b = plain_components(base)?;
    (p.len() > b.len() && p[..b.len()] == b[..]).then(|| p[b.len()..].to_vec())
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

    fn rules(&self, purpose: Purpose) -> &[NetRule] {
        match purpose {
            Purpose::Connect => &self.connect,
            Purpose::Bind => &self.bind,
        }
    }

    /// Does a numeric-address rule allow `addr` for `purpose`?
    pub fn allows(&self, purpose: Purpose, addr: SocketAddr) -> bool {
        let addr = SocketAddr::new(canonical(addr.ip()), addr.port());
        self.rules(purpose).iter().any(|r| r.matches_ip(addr))
    }

    /// The port sets of the rules that name `name` for `purpose`.
    pub fn name_ports(&self, purpose: Purpose, name: &str) -> Vec<PortSet> {
        self.rules(purpose)
            .iter()
            .filter(|r| r.matches_name(name))
            .map(|r| r.ports)
            .collect()
    }

    /// May the guest look up `name`? Yes with DNS permission, or when a
    /// rule names it.
    pub fn may_resolve(&self, name: &str) -> bool {
        self.dns
            || self
                .connect
                .iter()
                .chain(&self.bind)
                .any(|r| matches!(&r.host, HostPattern::Name(_)) && r.matches_name(name))
    }

    /// May the guest do lookups of its own (`--allow-dns`)?
    pub fn dns_allowed(&self) -> bool {
        self.dns
    }

    pub fn max_sockets(&self) -> usize {
        self.max_sockets
    }

    pub fn max_read(&self) -> usize {
        self.max_read
    }

    /// The name `gethostname()` reports, if the embedder set one.
    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    /// The host path for an AF_UNIX guest path, if a `--allow-unix`
    /// directory covers it.
    pub fn unix_host_path(&self, guest: &Path) -> Option<PathBuf> {
        self.unix_dirs.iter().find_map(|d| {
            below(guest, &d.guest).map(|rest| rest.iter().fold(d.host.clone(), |p, c| p.join(c)))
        })
    }

    /// The guest path for a host path under a `--allow-unix` directory.
    pub fn unix_guest_path(&self, host: &Path) -> Option<PathBuf> {
        self.unix_dirs.iter().find_map(|d| {
            below(host, &d.host).map(|rest| rest.iter().fold(d.guest.clone(), |p, c| p.join(c)))
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
                connect: Vec::new(),
                bind: Vec::new(),
                dns: false,
                max_sockets: DEFAULT_MAX_SOCKETS,
                max_read: DEFAULT_MAX_READ,
                hostname: None,
                unix_dirs: Vec::new(),
                abstract_names: false,
                hosts_table: None,
                hook: None,
            },
        }
    }

    /// Allows connecting/sending to what `rule` matches.
    pub fn allow_connect(mut self, rule: NetRule) -> Self {
        self.policy.connect.push(rule);
        self
    }

    /// Allows binding what `rule` matches.
    pub fn allow_bind(mut self, rule: NetRule) -> Self {
        self.policy.bind.push(rule);
        self
    }

    /// `--allow-net SPEC`.
    pub fn allow_net_spec(self, spec: &str) -> Result<Self, RuleError> {
        Ok(self.allow_connect(NetRule::parse(spec)?))
    }

    /// `--allow-bind SPEC`.
    pub fn allow_bind_spec(self, spec: &str) -> Result<Self, RuleError> {
        Ok(self.allow_bind(NetRule::parse(spec)?))
    }

    /// Allows name lookups of any name.
    pub fn allow_dns(mut self, yes: bool) -> Self {
        self.policy.dns = yes;
        self
    }

    /// At most `n` open sockets per guest.
    pub fn max_sockets(mut self, n: usize) -> Self {
        self.policy.max_sockets = n;
        self
    }

    /// At most `n` bytes per read call.
    pub fn max_read(mut self, n: usize) -> Self {
        self.policy.max_read = n.max(1);
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

    pub fn build(self) -> Policy {
        self.policy
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
        for bad in [
            "",
            "127.0.0.1:99999",
            "127.0.0.1:9-1",
            "[::1",
            "a b",
            "127.0.0.1/40",
            "x:y",
        ] {
            assert!(NetRule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deny_by_default() {
        let p = Policy::default();
        assert!(!p.allows(Purpose::Connect, sa("127.0.0.1:80")));
        assert!(!p.allows(Purpose::Bind, sa("127.0.0.1:0")));
        assert!(!p.may_resolve("localhost"));
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

    #[test]
    fn name_rules_allow_their_lookup() {
        let p = Policy::builder()
            .allow_net_spec("LocalHost:80")
            .unwrap()
            .build();
        assert!(p.may_resolve("localhost"));
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
}
