//! Resolve and pin: what a name allowed by a name rule resolved to.
//!
//! A name rule (`--allow-net example.com:443`, `*.example.com`) allows the
//! name, not an address. A connect (sendto, bind) that names the host is
//! decided on the addresses its own lookup returned
//! ([`super::Policy::decide_named`]) and goes to the first one allowed:
//! the host never looks the name up a second time between the check and
//! the system call. A lookup the guest makes itself (`getaddrinfo`) pins
//! what it returned for this guest with the rule's ports, so that the
//! numeric address it then connects to is allowed too, until the pin
//! expires.
//!
//! What a name rule never pins (the DNS-rebinding and wildcard-DNS
//! bypasses, e.g. `127.0.0.1.nip.io`):
//! - an address in [`NamedSet::Special`] (loopback, private, link-local,
//!   ...), unless the name is `localhost` or below `.localhost` (RFC 6761)
//!   and the address is loopback. Such addresses need a numeric rule or a
//!   named set (`--allow-net loopback`);
//! - an address a `--deny-net` rule covers (checked again at use).
//!
//! Pins expire: `getaddrinfo` reports no TTL, so a pin lives for a fixed
//! bound, [`DEFAULT_PIN_TTL`] unless the policy sets another
//! ([`super::PolicyBuilder::pin_ttl`]). Using the name again re-resolves and
//! re-pins; a numeric address whose pin expired is denied.

use super::pattern::PortSet;
use super::sets::NamedSet;
use super::Purpose;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// How long a pin lives (no DNS TTL is available through getaddrinfo).
pub const DEFAULT_PIN_TTL: Duration = Duration::from_secs(60);

/// Whether a name rule may pin `ip` for `name` (see the module docs).
pub fn pinnable(name: &str, ip: IpAddr) -> bool {
    let name = super::pattern::normalize_name(name);
    let localhost = name == "localhost" || name.ends_with(".localhost");
    !NamedSet::Special.contains(ip) || (localhost && NamedSet::Loopback.contains(ip))
}

#[derive(Debug, Clone)]
struct Pin {
    ports: PortSet,
    /// The rule that pinned it and the name, for messages and the log.
    why: String,
    until: Instant,
}

/// The pinned addresses of one guest.
#[derive(Debug, Default)]
pub struct Pins {
    map: HashMap<(Purpose, IpAddr), Vec<Pin>>,
}

impl Pins {
    /// Pins `ip` for `purpose` on `ports` until `now + ttl`.
    pub fn pin(
        &mut self,
        purpose: Purpose,
        ip: IpAddr,
        ports: PortSet,
        why: String,
        ttl: Duration,
    ) {
        let until = Instant::now() + ttl;
        let entry = self.map.entry((purpose, ip.to_canonical())).or_default();
        entry.retain(|p| p.ports != ports);
        entry.push(Pin { ports, why, until });
    }

    /// The live pin covering `addr` for `purpose`, as the text of why.
    pub fn lookup(&self, purpose: Purpose, addr: SocketAddr) -> Option<&str> {
        let now = Instant::now();
        self.map
            .get(&(purpose, addr.ip().to_canonical()))?
            .iter()
            .find(|p| p.until > now && p.ports.contains(addr.port()))
            .map(|p| p.why.as_str())
    }

    /// Drops expired pins (called as pins are added, so the map stays as
    /// small as what the guest resolved within one TTL).
    pub fn expire(&mut self) {
        let now = Instant::now();
        self.map.retain(|_, pins| {
            pins.retain(|p| p.until > now);
            !pins.is_empty()
        });
    }

    pub fn len(&self) -> usize {
        self.map.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_pin_public_addresses_and_localhost_pins_loopback() {
        assert!(pinnable("example.com", "93.184.216.34".parse().unwrap()));
        assert!(!pinnable("example.com", "127.0.0.1".parse().unwrap()));
        assert!(!pinnable("127.0.0.1.nip.io", "127.0.0.1".parse().unwrap()));
        assert!(!pinnable("evil.test", "169.254.169.254".parse().unwrap()));
        assert!(!pinnable("evil.test", "::ffff:10.0.0.1".parse().unwrap()));
        assert!(pinnable("localhost", "127.0.0.1".parse().unwrap()));
        assert!(pinnable("LocalHost.", "::1".parse().unwrap()));
        assert!(pinnable("app.localhost", "127.0.0.2".parse().unwrap()));
        assert!(!pinnable("localhost", "10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn pins_expire() {
        let mut pins = Pins::default();
        let ip: IpAddr = "93.184.216.34".parse().unwrap();
        pins.pin(
            Purpose::Connect,
            ip,
            PortSet::Range(80, 80),
            "r".into(),
            Duration::ZERO,
        );
        pins.pin(
            Purpose::Connect,
            ip,
            PortSet::Range(443, 443),
            "r".into(),
            Duration::from_secs(60),
        );
        assert!(pins
            .lookup(Purpose::Connect, SocketAddr::new(ip, 80))
            .is_none());
        assert!(pins
            .lookup(Purpose::Connect, SocketAddr::new(ip, 443))
            .is_some());
        assert!(pins
            .lookup(Purpose::Bind, SocketAddr::new(ip, 443))
            .is_none());
        pins.expire();
        assert_eq!(pins.len(), 1);
    }
}
