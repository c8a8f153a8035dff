//! pysocket's composition adapter: a component that **exports**
//! `pysocket:socket` (the `adapter` world of `wit/world.wit`) implemented on
//! the standard WASI 0.2 imports (`wasi:sockets`, `wasi:io/poll`,
//! `wasi:clocks/monotonic-clock`).
//!
//! Composed into a guest built for pysocket (`make compose`), it lets that
//! guest run on any WASI 0.2 host (the `wasmtime` CLI, a plain wasmtime-wasi
//! embedding, jco) with the subset of behaviour `wasi:sockets` allows: TCP
//! and UDP over IPv4 and IPv6, name lookups, CPython's timeouts and `poll`.
//! Everything else fails with `eopnotsupp`/`eafnosupport` (or TLS's
//! `unsupported`) and a message saying so; nothing traps.
//!
//! Layout: [`table`] holds the descriptors, [`tcp`] and [`udp`] the state of
//! each kind of socket, [`wait`] CPython's timeout model on `wasi:io/poll`,
//! [`errors`] the mapping from `wasi:sockets` error codes to errno names,
//! [`addr`] address conversion and name resolution; [`socket`], [`resolve`], [`poll`]
//! and [`tls`] implement the exported interfaces.

mod addr;
mod errors;
mod options;
mod poll;
mod resolve;
mod socket;
mod table;
mod tcp;
mod tls;
mod udp;
mod wait;

wit_bindgen::generate!({ path: "../../wit", world: "adapter" });

/// The component's exports.
struct Adapter;

export!(Adapter);

use exports::pysocket::socket::types::Error;
