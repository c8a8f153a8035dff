//! The `Host` trait impls of the WIT interfaces. Each method looks up the
//! descriptor, checks the policy and delegates to [`crate::net`].

mod address;
mod decide;
mod poll;
mod resolve;
mod socket;
pub mod tls;

use crate::bindings::types;
use crate::{PysocketImpl, SocketError};

impl types::Host for PysocketImpl<'_> {
    fn convert_error(&mut self, err: SocketError) -> wasmtime::Result<types::Error> {
        err.into_wit()
    }
}

/// Converts a WIT duration (nanoseconds) to a `Duration`.
pub(crate) fn duration(ns: u64) -> std::time::Duration {
    std::time::Duration::from_nanos(ns)
}
