//! # pysocket-host
//!
//! The host side of pysocket: CPython's `_socket` API for Python running in
//! WebAssembly, served by wasmtime with real OS sockets.
//!
//! ```text
//! guest Python ── pysocket:socket (WIT) ── host::* (thin) ── net::* (socket2 + tokio) ── OS
//!                                              └── policy: checked before any syscall that names an address
//! ```
//!
//! - [`bindings`]: the generated WIT bindings.
//! - [`host`]: the `Host` trait impls; each one looks up a descriptor, checks
//!   policy and delegates to [`net`].
//! - [`net`]: the socket core. It knows nothing of WIT: descriptors, CPython's
//!   timeout model (`sock_call`), addresses, options, name lookups, poll.
//! - [`tls`]: the TLS core behind `ssl` (rustls): contexts, TLS on a
//!   descriptor, memory-BIO sessions, certificates; WIT-free like `net`.
//! - [`policy`]: deny-by-default network rules ([`Policy`], built with
//!   [`PolicyBuilder`]).
//! - [`policy_hook`]: the embedder's async per-use decision
//!   ([`PolicyBuilder::policy_hook`]), asked after the rules allow.
//! - [`runtime`]: engine configuration (async, epoch yielding), the
//!   compiled-code cache and the runners behind the `pysocket` CLI.
//!
//! Embedding: put a [`PysocketCtx`] in your store data, implement
//! [`PysocketView`] for it and call [`add_to_linker`].

pub mod bindings;
mod ctx;
mod error;
pub mod host;
pub mod net;
pub mod policy;
pub mod policy_hook;
pub mod runtime;
pub mod tls;

pub use ctx::{
    add_to_linker, HasPysocket, PysocketCtx, PysocketCtxBuilder, PysocketImpl, PysocketView,
};
pub use error::SocketError;
pub use policy::{Policy, PolicyBuilder};
pub use policy_hook::{PolicyHook, SocketUse};
pub use tls::TrustRoots;
