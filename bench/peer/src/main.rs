//! `bench-peer`: the native end of pysocket's benchmarks.
//!
//! ```text
//! bench-peer [--max-secs S] MODE [N]
//! ```
//! Binds 127.0.0.1:0 (TCP, or UDP for `udp-echo`), prints the port on
//! stdout, then serves connections, one thread each, until stdin closes or
//! `S` seconds (default 600) have passed. Modes:
//!
//! * `echo`         writes back whatever it reads.
//! * `sink`         reads to EOF, then writes the decimal byte count.
//! * `source N`     writes N bytes, then closes.
//! * `accept-close` accepts and closes at once.
//! * `udp-echo`     sends every datagram back to its sender.
//! * `first-byte`   prints `first-byte` on stdout when a connection's first
//!                  byte arrives (for cold-start timing), then reads to EOF.
//!
//! TLS modes (rustls with ring, a self-signed ECDSA P-256 certificate for
//! `localhost`/127.0.0.1 made at start and printed in PEM after the port,
//! ending with its `-----END CERTIFICATE-----` line):
//!
//! * `tls-handshake` completes the handshake, then reads until the client goes.
//! * `tls-sink`      reads an 8-byte big-endian length, then that many bytes,
//!                   then writes the decimal byte count and close_notify.
//! * `tls-source N`  writes N bytes, then close_notify.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::process::exit;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::Duration;

/// The TLS server configuration of the TLS modes.
static TLS: OnceLock<Arc<rustls::ServerConfig>> = OnceLock::new();

/// How long one blocked read or write on a connection may wait.
const IO_TIMEOUT: Duration = Duration::from_secs(60);

fn die(msg: impl std::fmt::Display) -> ! {
    eprintln!("bench-peer: {msg}");
    exit(2);
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut max_secs = 600u64;
    if args.first().map(String::as_str) == Some("--max-secs") {
        max_secs = args.get(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| die("--max-secs needs a number"));
        args.drain(..2);
    }
    let mode = args.first().cloned().unwrap_or_else(|| die("usage: bench-peer [--max-secs S] MODE [N]"));
    let count: u64 = match mode.as_str() {
        "source" | "tls-source" => args.get(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| die("source needs a byte count")),
        _ => 0,
    };
    start_watchdogs(max_secs);
    if mode == "udp-echo" {
        serve_udp();
    }
    let handler: fn(TcpStream, u64) -> io::Result<()> = match mode.as_str() {
        "echo" => echo,
        "sink" => sink,
        "source" => source,
        "first-byte" => first_byte,
        "accept-close" => |_, _| Ok(()),
        "tls-handshake" => tls_handshake,
        "tls-sink" => tls_sink,
        "tls-source" => tls_source,
        other => die(format!("unknown mode {other}")),
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| die(e));
    announce(listener.local_addr().unwrap_or_else(|e| die(e)).port());
    if mode.starts_with("tls-") {
        let pem = tls_setup();
        announce(pem.trim_end());
    }
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        if mode == "accept-close" {
            continue; // dropped here: closed right after accept
        }
        thread::spawn(move || {
            let _ = conn.set_nodelay(true);
            let _ = conn.set_read_timeout(Some(IO_TIMEOUT));
            let _ = conn.set_write_timeout(Some(IO_TIMEOUT));
            if let Err(e) = handler(conn, count) {
                eprintln!("bench-peer: connection: {e}");
            }
        });
    }
}

/// Exits when stdin reaches EOF (the harness went away) or after `max_secs`.
fn start_watchdogs(max_secs: u64) {
    thread::spawn(|| {
        let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
        exit(0);
    });
    thread::spawn(move || {
        thread::sleep(Duration::from_secs(max_secs));
        eprintln!("bench-peer: --max-secs {max_secs} reached");
        exit(3);
    });
}

fn announce(line: impl std::fmt::Display) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn echo(mut conn: TcpStream, _: u64) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        conn.write_all(&buf[..n])?;
    }
}

fn sink(mut conn: TcpStream, _: u64) -> io::Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    conn.write_all(total.to_string().as_bytes())?;
    conn.shutdown(Shutdown::Write)
}

fn source(mut conn: TcpStream, count: u64) -> io::Result<()> {
    let chunk = vec![0x5au8; 64 * 1024];
    let mut left = count;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        conn.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    conn.shutdown(Shutdown::Write)
}

fn first_byte(mut conn: TcpStream, _: u64) -> io::Result<()> {
    let mut buf = [0u8; 4096];
    if conn.read(&mut buf)? > 0 {
        announce("first-byte");
        while conn.read(&mut buf)? > 0 {}
    }
    Ok(())
}

fn serve_udp() -> ! {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| die(e));
    announce(sock.local_addr().unwrap_or_else(|e| die(e)).port());
    let mut buf = vec![0u8; 65536];
    loop {
        match sock.recv_from(&mut buf) {
            Ok((n, from)) => {
                let _ = sock.send_to(&buf[..n], from);
            }
            Err(e) => eprintln!("bench-peer: udp: {e}"),
        }
    }
}

/// Makes the certificate and the server configuration; returns the PEM.
fn tls_setup() -> String {
    let key = rcgen::KeyPair::generate().unwrap_or_else(|e| die(e));
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap_or_else(|e| die(e));
    let cert = params.self_signed(&key).unwrap_or_else(|e| die(e));
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| die(e))
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key_der)
        .unwrap_or_else(|e| die(e));
    let _ = TLS.set(Arc::new(config));
    cert.pem()
}

type Tls = rustls::StreamOwned<rustls::ServerConnection, TcpStream>;

fn tls_accept(conn: TcpStream) -> io::Result<Tls> {
    let config = TLS.get().expect("TLS set up").clone();
    let server = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(server, conn);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock)?;
    }
    Ok(tls)
}

fn tls_close(mut tls: Tls) -> io::Result<()> {
    tls.conn.send_close_notify();
    tls.flush()?;
    tls.sock.shutdown(Shutdown::Write)
}

fn tls_handshake(conn: TcpStream, _: u64) -> io::Result<()> {
    let mut tls = tls_accept(conn)?;
    let mut buf = [0u8; 4096];
    // The client closes right after its handshake; EOF with or without
    // close_notify both end the connection.
    while matches!(tls.read(&mut buf), Ok(n) if n > 0) {}
    Ok(())
}

fn tls_sink(conn: TcpStream, _: u64) -> io::Result<()> {
    let mut tls = tls_accept(conn)?;
    let mut len = [0u8; 8];
    tls.read_exact(&mut len)?;
    let mut left = u64::from_be_bytes(len);
    let total = left;
    let mut buf = vec![0u8; 256 * 1024];
    while left > 0 {
        let n = tls.read(&mut buf[..left.min(256 * 1024) as usize])?;
        if n == 0 {
            return Err(io::Error::other("client closed early"));
        }
        left -= n as u64;
    }
    tls.write_all(total.to_string().as_bytes())?;
    tls_close(tls)
}

fn tls_source(conn: TcpStream, count: u64) -> io::Result<()> {
    let mut tls = tls_accept(conn)?;
    let chunk = vec![0x5au8; 64 * 1024];
    let mut left = count;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        tls.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    tls_close(tls)
}
