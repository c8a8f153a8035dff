//! The socket core: real OS sockets (socket2 + tokio) with CPython's
//! semantics. Nothing in here knows about WIT or wasmtime; the `host`
//! module adapts it to the bindings.
//!
//! The host is Linux-only for now: protocol numbers travel as Linux's and
//! are passed to the OS unchanged.

#[cfg(not(target_os = "linux"))]
compile_error!("pysocket-host currently supports Linux hosts only");

pub mod addr;
pub mod error;
pub mod hosts_file;
pub mod hosts_table;
pub mod msg;
pub mod options;
pub mod poll;
pub mod resolve;
pub mod sock;
pub mod table;

pub use addr::Address;
pub use error::{NetError, NetResult};
pub use hosts_table::HostsTable;
pub use sock::{Sock, Wait};
pub use table::FdTable;
