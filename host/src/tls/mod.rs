//! The TLS core: what CPython's `_ssl` does with OpenSSL, done with rustls
//! (crypto provider: `ring`). Nothing in here knows about WIT; the
//! `host::tls` module adapts it to the bindings.
//!
//! - [`context`]: an `SSLContext`'s settings and the rustls configurations
//!   made from them; [`verify`] the certificate checks with CPython's
//!   switches (`verify_mode`, `check_hostname`) and OpenSSL's verdicts.
//! - [`conn`]: one rustls connection and its buffered input; [`stream`] TLS
//!   on a guest's socket (`SSLSocket`), with CPython's timeout model;
//!   [`bio`] TLS over memory buffers (`SSLObject`, asyncio).
//! - [`error`]: failures in OpenSSL's terms; [`pem`] certificates and keys;
//!   [`roots`] the embedder's default trust roots; [`certinfo`] certificates
//!   decoded for `getpeercert()`; [`ciphers`] suites by OpenSSL's names.
//!
//! Why `ring` and not `aws-lc-rs` (rustls's default): ring builds with only
//! a C compiler, while aws-lc-rs needs cmake (and, for some targets, clang
//! or nasm) on every machine that builds pysocket, and takes several
//! minutes longer to compile on CI's two cores. Both are constant-time and
//! use the CPU's AES/SHA instructions; ring has all the suites and key
//! types TLS 1.2/1.3 on the web needs (no post-quantum key exchange yet).

pub mod bio;
pub mod certinfo;
pub mod ciphers;
pub mod conn;
pub mod context;
pub mod error;
pub mod pem;
pub mod roots;
pub mod stream;
pub mod verify;

pub use context::{TlsContext, VerifyMode};
pub use error::{TlsError, TlsResult};
pub use roots::TrustRoots;
pub use stream::TlsStream;

use std::collections::HashMap;

/// The TLS sessions running on a guest's descriptors, by descriptor number.
/// Closing a descriptor ends its session; dropping the table (with the
/// guest's context) ends them all.
#[derive(Debug, Default)]
pub struct TlsTable {
    streams: HashMap<u32, TlsStream>,
}

impl TlsTable {
    pub fn insert(&mut self, fd: u32, stream: TlsStream) -> TlsResult<()> {
        if self.streams.contains_key(&fd) {
            return Err(TlsError::Net(crate::net::NetError::refused(
                libc::EINVAL,
                "Invalid argument (TLS is already running on this socket)",
            )));
        }
        self.streams.insert(fd, stream);
        Ok(())
    }

    pub fn get_mut(&mut self, fd: u32) -> TlsResult<&mut TlsStream> {
        self.streams.get_mut(&fd).ok_or_else(TlsError::no_tls)
    }

    /// Ends the session on `fd`, if any.
    pub fn remove(&mut self, fd: u32) -> Option<TlsStream> {
        self.streams.remove(&fd)
    }

    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    pub fn len(&self) -> usize {
        self.streams.len()
    }
}
