//! The Rust guest of `examples/rust-guest` (a `wasi:cli/command` written
//! against `pysocket:socket`, no Python) composed with the adapter, on a
//! host with wasmtime-wasi alone: composition serves any component that
//! imports `pysocket:socket`, not only the Python one. Its peers are
//! native sockets on loopback.

use pysocket_plain_host::{engine, imports, run_command};
use socket2::{Domain, Socket, Type};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::Duration;
use wasmtime::component::Component;

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
    let names = imports(&engine, &component);
    assert!(
        names.iter().all(|n| n.starts_with("wasi:")),
        "non-WASI imports: {names:?}"
    );

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
    assert!(
        stdout.contains("echo=hello from a Rust guest\n"),
        "{stdout}"
    );
    assert!(stdout.contains("refused=ECONNREFUSED\n"), "{stdout}");
    let waited: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("timeout=timed out after "))
        .and_then(|rest| rest.strip_suffix(" ms"))
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("no timeout line: {stdout}"));
    // The adapter kept CPython's timeout model: the 200 ms receive timeout
    // expired, not the 10 s connect one.
    assert!((200..10_000).contains(&waited), "{waited} ms");
    echo_thread.join().unwrap();
}
