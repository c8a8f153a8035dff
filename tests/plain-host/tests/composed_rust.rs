//! The Rust guest of `examples/rust-guest` (a `wasi:cli/command` written
//! against `pysocket:socket`, no Python) composed with the adapter, on a
//! host with wasmtime-wasi alone: composition serves any component that
//! imports `pysocket:socket`, not only the Python one. Its peers are
//! native sockets on loopback.

use pysocket_plain_host::{check_imports_only_wasi, engine, run_command};
use socket2::{Domain, Socket, Type};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::Duration;
use wasmtime::component::Component;

#[path = "../../support/rust_guest_output.rs"]
mod rust_guest_output;

/// The bound on every wait of the test.
const BOUND: Duration = Duration::from_secs(60);

fn composed_rust_guest() -> PathBuf {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../build/rust-guest-composed.wasm");
    assert!(
        path.exists(),
        "{} is missing: run `make test` (or `make build/rust-guest-composed.wasm`)",
        path.display()
    );
    path
}

/// Echoes one connection back until the guest closes it.
fn echo_once() -> (SocketAddr, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let thread = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(BOUND)).unwrap();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = conn.read(&mut buf) {
            conn.write_all(&buf[..n]).unwrap();
        }
    });
    (addr, thread)
}

#[tokio::test(flavor = "current_thread")]
async fn composed_rust_guest_runs_on_wasmtime_wasi_alone() {
    let engine = engine().unwrap();
    let component = Component::from_file(&engine, composed_rust_guest()).unwrap();
    check_imports_only_wasi(&engine, &component).unwrap();

    let (echo, echo_thread) = echo_once();
    // Refused: a bound socket that does not listen holds the port.
    let refusing = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    refusing
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    let refused = refusing.local_addr().unwrap().as_socket().unwrap();
    // Silent: a listener that never accepts; the kernel completes the
    // handshake, nothing is ever sent.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let args: Vec<String> = ["rust-guest".to_string()]
        .into_iter()
        .chain([echo, refused, silent.local_addr().unwrap()].map(|a| a.to_string()))
        .collect();

    let outcome = tokio::time::timeout(BOUND, run_command(&engine, &component, &args))
        .await
        .expect("the composed Rust guest took over a minute")
        .expect("running the composed Rust guest");
    let (stdout, stderr) = (&outcome.stdout, &outcome.stderr);
    assert_eq!(outcome.status, 0, "{stdout}\n{stderr}");
    // The adapter kept the WIT's meaning: errno names, CPython's timeouts.
    rust_guest_output::assert_steps(stdout);
    echo_thread.join().unwrap();
}
