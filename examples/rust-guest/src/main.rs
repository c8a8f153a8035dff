//! A Rust guest of pysocket: a TCP client with a timeout, written straight
//! against the `pysocket:socket` WIT interface (wit-bindgen guest
//! bindings), with no Python involved. Built for wasm32-wasip2 as a
//! `wasi:cli/run` command; run it with
//!
//! ```sh
//! pysocket run --allow-net 127.0.0.1 build/rust-guest.wasm ECHO REFUSED SILENT
//! ```
//!
//! where each argument is a loopback `HOST:PORT`: ECHO echoes what it gets,
//! nothing listens on REFUSED, SILENT accepts and never sends. The guest
//! prints one `key=value` line per step (what the tests and
//! `examples/embed` check):
//!
//! - `echo=...`: connected to ECHO, sent a line, read it back with a 10 s
//!   timeout;
//! - `refused=ECONNREFUSED`: the errno name of the failed connect to REFUSED;
//! - `timeout=timed out after N ms`: a 200 ms receive timeout on SILENT;
//! - `denied=...`: a connect the policy refuses (to REFUSED's port + 0 on
//!   a host outside the usual `--allow-net 127.0.0.1`: 127.0.0.2), if a 4th
//!   argument `check-denied` is given.
//!
//! It exits with status 1 (and a message on stderr) if any step does not go
//! as described.

mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "pysocket:socket/imports",
    });
}

use bindings::pysocket::socket::socket::{self, Descriptor};
use bindings::pysocket::socket::types::{Address, Errno, Error, InetAddress, Payload};
use std::fmt;
use std::net::SocketAddrV4;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Linux numbers, as everywhere in `pysocket:socket`.
const AF_INET: i32 = 2;
const SOCK_STREAM: i32 = 1;

/// The one place that knows how `payload` is spelled in the WIT: `list<u8>`,
/// the caller's bytes.
fn payload(data: &[u8]) -> Payload {
    data.to_vec()
}

/// The C name of an errno (`ECONNREFUSED`). wit-bindgen gives a WIT enum
/// that is not itself an error type only a `Debug` form (`Errno::Econnrefused`).
fn errno_name(code: Errno) -> String {
    let debug = format!("{code:?}");
    debug
        .rsplit("::")
        .next()
        .unwrap_or(&debug)
        .to_ascii_uppercase()
}

/// A WIT error, printed as Python would name it.
struct Failure(Error);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Error::Os(e) => write!(f, "{} ({})", errno_name(e.code), e.message),
            Error::Timeout => f.write_str("timed out"),
            Error::Gai(e) => write!(f, "gaierror {}: {}", e.code, e.message),
            Error::Host(e) => write!(f, "herror {}: {}", e.code, e.message),
            Error::Invalid(m) => write!(f, "invalid: {m}"),
            Error::Overflow(m) => write!(f, "overflow: {m}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure(e)
    }
}

/// A TCP socket descriptor of the guest, closed when dropped.
struct Socket(Descriptor);

impl Socket {
    fn tcp() -> Result<Socket, Failure> {
        Ok(Socket(socket::create(AF_INET, SOCK_STREAM, 0)?))
    }

    /// CPython's `settimeout`: `None` blocks, zero is non-blocking.
    fn set_timeout(&self, timeout: Option<Duration>) -> Result<(), Failure> {
        let nanos = timeout.map(|t| u64::try_from(t.as_nanos()).unwrap_or(u64::MAX));
        Ok(socket::set_timeout(self.0, nanos)?)
    }

    fn connect(&self, to: SocketAddrV4) -> Result<(), Failure> {
        Ok(socket::connect(self.0, &inet(to))?)
    }

    fn sendall(&self, data: &[u8]) -> Result<(), Failure> {
        Ok(socket::sendall(self.0, &payload(data), 0)?)
    }

    fn recv(&self, size: u32) -> Result<Vec<u8>, Failure> {
        Ok(socket::recv(self.0, size, 0)?)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = socket::close(self.0);
    }
}

fn inet(a: SocketAddrV4) -> Address {
    Address::Inet(InetAddress {
        host: a.ip().to_string(),
        port: a.port(),
    })
}

/// Connects, sends a line, reads it all back under a 10 s timeout.
fn echo(to: SocketAddrV4) -> Result<String, Failure> {
    let sock = Socket::tcp()?;
    sock.set_timeout(Some(Duration::from_secs(10)))?;
    sock.connect(to)?;
    let line = b"hello from a Rust guest";
    sock.sendall(line)?;
    let mut got = Vec::new();
    while got.len() < line.len() {
        let chunk = sock.recv(1024)?;
        if chunk.is_empty() {
            break;
        }
        got.extend(chunk);
    }
    Ok(String::from_utf8_lossy(&got).into_owned())
}

/// Connects and waits for data that never comes, under a 200 ms
/// timeout; returns what `recv` returned.
fn silent(to: SocketAddrV4) -> Result<Vec<u8>, Failure> {
    let sock = Socket::tcp()?;
    sock.set_timeout(Some(Duration::from_secs(10)))?;
    sock.connect(to)?;
    sock.set_timeout(Some(Duration::from_millis(200)))?;
    sock.recv(16)
}

fn run(args: &[String]) -> Result<(), String> {
    let addr = |i: usize| -> Result<SocketAddrV4, String> {
        let text = args
            .get(i)
            .ok_or("usage: rust-guest ECHO REFUSED SILENT [check-denied]")?;
        text.parse()
            .map_err(|e| format!("{text:?} is not HOST:PORT: {e}"))
    };
    let (echo_to, refused_to, silent_to) = (addr(0)?, addr(1)?, addr(2)?);

    let reply = echo(echo_to).map_err(|e| format!("echo: {e}"))?;
    println!("echo={reply}");

    match Socket::tcp()
        .and_then(|s| s.connect(refused_to))
        .map_err(|f| f.0)
    {
        Err(Error::Os(e)) => println!("refused={}", errno_name(e.code)),
        Err(other) => return Err(format!("refused: unexpected {}", Failure(other))),
        Ok(()) => return Err("refused: the connect succeeded".into()),
    }

    let start = Instant::now();
    match silent(silent_to).map_err(|f| f.0) {
        Err(Error::Timeout) => println!(
            "timeout=timed out after {} ms",
            start.elapsed().as_millis().max(1)
        ),
        Err(other) => return Err(format!("timeout: unexpected {}", Failure(other))),
        Ok(data) => return Err(format!("timeout: recv returned {} bytes", data.len())),
    }

    if args.get(3).map(String::as_str) == Some("check-denied") {
        let outside = SocketAddrV4::new([127, 0, 0, 2].into(), refused_to.port());
        match Socket::tcp()
            .and_then(|s| s.connect(outside))
            .map_err(|f| f.0)
        {
            Err(Error::Os(e)) => println!("denied={}: {}", errno_name(e.code), e.message),
            Err(other) => return Err(format!("denied: unexpected {}", Failure(other))),
            Ok(()) => return Err(format!("denied: the connect to {outside} succeeded")),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rust-guest: {e}");
            ExitCode::FAILURE
        }
    }
}
