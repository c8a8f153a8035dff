//! Per-guest state ([`PysocketCtx`]), how an embedder exposes it
//! ([`PysocketView`]) and [`add_to_linker`].

use crate::bindings;
use crate::net::FdTable;
use crate::policy::{Pins, Policy, PortSet, Purpose};
use crate::tls::{TlsTable, TrustRoots};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wasmtime::component::{HasData, Linker, ResourceTable};

/// The sockets, TLS sessions, policy and pinned addresses of one guest.
/// Dropping it closes every socket and ends every TLS session the guest
/// still has.
#[derive(Debug)]
pub struct PysocketCtx {
    pub(crate) fds: FdTable,
    pub(crate) policy: Arc<Policy>,
    /// Addresses that a name allowed by a rule resolved to, with that
    /// rule's ports ("resolve and pin", see [`crate::policy::pins`]).
    pub(crate) pins: Pins,
    /// This guest's number in the audit log (`guest=N`), unique per process.
    pub(crate) guest: u64,
    /// How many name lookups the guest's calls made (resolver or hosts
    /// table), for tests that a check is not followed by a second lookup.
    pub(crate) lookups: u64,
    /// TLS running on descriptors, by descriptor number.
    pub(crate) tls: TlsTable,
    /// TLS contexts and memory-BIO sessions (WIT resources), and how many
    /// of each the guest holds (each kind is limited like sockets).
    pub(crate) tls_resources: ResourceTable,
    pub(crate) tls_contexts: usize,
    pub(crate) tls_bio_sessions: usize,
    /// The roots `load_default_certs()` adds.
    pub(crate) trust_roots: Arc<TrustRoots>,
}

impl PysocketCtx {
    /// A context under `policy`, with the default trust roots (the host's
    /// system trust store, see [`TrustRoots`]).
    pub fn new(policy: Arc<Policy>) -> Self {
        PysocketCtx {
            fds: FdTable::new(policy.max_sockets()),
            policy,
            pins: Pins::default(),
            guest: NEXT_GUEST.fetch_add(1, Ordering::Relaxed),
            lookups: 0,
            tls: TlsTable::default(),
            tls_resources: ResourceTable::new(),
            tls_contexts: 0,
            tls_bio_sessions: 0,
            trust_roots: TrustRoots::shared_default(),
        }
    }

    /// Uses these trust roots for `load_default_certs()`.
    pub fn with_trust_roots(mut self, roots: Arc<TrustRoots>) -> Self {
        self.trust_roots = roots;
        self
    }

    /// How many descriptors have TLS running on them.
    pub fn tls_sessions(&self) -> usize {
        self.tls.len()
    }

    pub fn builder() -> PysocketCtxBuilder {
        PysocketCtxBuilder::default()
    }

    /// The guest's policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Hands the guest an OS socket the host opened (an accepted
    /// connection, for `pysocket serve`): it gets the lowest free
    /// descriptor number, which is returned. EMFILE at the guest's limit.
    pub fn adopt_socket(&mut self, socket: socket2::Socket) -> crate::net::NetResult<u32> {
        let sock = crate::net::Sock::from_os(socket)?;
        self.fds.insert(sock)
    }

    /// How many sockets the guest has open.
    pub fn open_sockets(&self) -> usize {
        self.fds.len()
    }

    /// This guest's number in the audit log.
    pub fn guest_id(&self) -> u64 {
        self.guest
    }

    /// How many name lookups the guest's calls have made.
    pub fn lookups(&self) -> u64 {
        self.lookups
    }

    /// How many addresses are pinned for the guest now.
    pub fn pinned(&self) -> usize {
        self.pins.len()
    }

    /// Records that `ip` may be used for `purpose` on `ports`, because
    /// `why` (a rule and the name) said so; expires after the policy's pin
    /// TTL.
    pub(crate) fn pin(&mut self, purpose: Purpose, ip: IpAddr, ports: PortSet, why: String) {
        self.pins.expire();
        let ttl = self.policy.pin_ttl();
        self.pins.pin(purpose, ip, ports, why, ttl);
    }
}

/// The next guest number for the audit log.
static NEXT_GUEST: AtomicU64 = AtomicU64::new(1);

/// Builds a [`PysocketCtx`].
#[derive(Debug, Default)]
pub struct PysocketCtxBuilder {
    policy: Option<Arc<Policy>>,
    trust_roots: Option<Arc<TrustRoots>>,
}

impl PysocketCtxBuilder {
    /// Uses this policy (default: deny everything).
    pub fn policy(mut self, policy: impl Into<Arc<Policy>>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// The trust roots the guest's `load_default_certs()` adds (default:
    /// the host's system trust store; see [`TrustRoots`] for CA files and
    /// leaving the system store out).
    pub fn trust_roots(mut self, roots: impl Into<Arc<TrustRoots>>) -> Self {
        self.trust_roots = Some(roots.into());
        self
    }

    pub fn build(self) -> PysocketCtx {
        let ctx = PysocketCtx::new(self.policy.unwrap_or_default());
        match self.trust_roots {
            Some(roots) => ctx.with_trust_roots(roots),
            None => ctx,
        }
    }
}

/// What the host functions operate on: the guest's context.
pub struct PysocketImpl<'a> {
    pub ctx: &'a mut PysocketCtx,
}

/// Implemented by store data that holds a [`PysocketCtx`].
pub trait PysocketView: Send {
    fn pysocket(&mut self) -> PysocketImpl<'_>;
}

/// Marker for `add_to_linker`: the data of a store as seen by pysocket.
pub struct HasPysocket;

impl HasData for HasPysocket {
    type Data<'a> = PysocketImpl<'a>;
}

/// Adds every `pysocket:socket` interface to `linker`. The engine must have
/// async support enabled.
pub fn add_to_linker<T: PysocketView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    bindings::types::add_to_linker::<T, HasPysocket>(linker, T::pysocket)?;
    bindings::socket::add_to_linker::<T, HasPysocket>(linker, T::pysocket)?;
    bindings::resolve::add_to_linker::<T, HasPysocket>(linker, T::pysocket)?;
    bindings::poll::add_to_linker::<T, HasPysocket>(linker, T::pysocket)?;
    bindings::tls::add_to_linker::<T, HasPysocket>(linker, T::pysocket)?;
    Ok(())
}
