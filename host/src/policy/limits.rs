//! Resource limits of a guest, all with defaults and all configurable
//! ([`super::PolicyBuilder`], the CLI's `--max-*` options).
//!
//! | limit            | default  | what happens beyond it                               |
//! |------------------|----------|------------------------------------------------------|
//! | `max_sockets`    | 1024     | `socket()`, `accept()`, TLS objects: EMFILE          |
//! | `max_read`       | 16 MiB   | one read asks for at most this much (a short read)   |
//! | `max_lookups`    | 8        | name lookups in the resolver pool at once, for all guests of one policy; more wait their turn |
//! | `max_backlog`    | 128      | `listen(n)` gets `min(n, max_backlog)`               |
//! | `max_buffer`     | 4 MiB    | `SO_SNDBUF`/`SO_RCVBUF` are clamped to it            |
//!
//! Bytes a guest can have buffered in the kernel are then at most
//! `max_sockets × 2 × max_buffer` (Linux doubles the value set); what the
//! host holds for it at once is bounded by `max_read` per call (a guest
//! makes one call at a time). Linear memory (`--max-memory`, default 1 GiB)
//! and wall-clock time (`--timeout`) are limits of the runner
//! ([`crate::runtime::GuestConfig`]), not of the socket policy.
//!
//! One guest cannot have two lookups at once (its calls are sequential),
//! so the lookup limit is shared by the guests of one policy: a host that
//! runs many guests under one policy (a server with a guest per
//! connection) keeps at most `max_lookups` resolver threads busy for them.

/// Default limit of open sockets per guest.
pub const DEFAULT_MAX_SOCKETS: usize = 1024;
/// Default limit of bytes one read may ask for (larger reads are clamped,
/// which stream sockets cannot tell from a short read).
pub const DEFAULT_MAX_READ: usize = 16 << 20;
/// Default limit of concurrent resolver-pool lookups per policy.
pub const DEFAULT_MAX_LOOKUPS: usize = 8;
/// Default cap of a listen backlog.
pub const DEFAULT_MAX_BACKLOG: i32 = 128;
/// Default cap of SO_SNDBUF/SO_RCVBUF.
pub const DEFAULT_MAX_BUFFER: usize = 4 << 20;

/// The limits of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_sockets: usize,
    pub max_read: usize,
    pub max_lookups: usize,
    pub max_backlog: i32,
    pub max_buffer: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sockets: DEFAULT_MAX_SOCKETS,
            max_read: DEFAULT_MAX_READ,
            max_lookups: DEFAULT_MAX_LOOKUPS,
            max_backlog: DEFAULT_MAX_BACKLOG,
            max_buffer: DEFAULT_MAX_BUFFER,
        }
    }
}

impl Limits {
    /// The backlog `listen(backlog)` gets.
    pub fn backlog(&self, backlog: i32) -> i32 {
        backlog.clamp(0, self.max_backlog.min(libc::SOMAXCONN))
    }
}
