//! Faults seen from a guest: a peer that resets, a peer that is gone, a
//! half-closed connection. Each raises what CPython raises, and the host
//! process lives on (a SIGPIPE would kill this test process).

use pysocket_tests::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// A native peer that accepts one connection and runs `then` on it.
fn peer(
    then: impl FnOnce(std::net::TcpStream) + Send + 'static,
) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(BOUND)).unwrap();
        then(conn);
    });
    (port, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_reset_mid_recv_is_connection_reset_error() {
    let (port, handle) = peer(|mut conn| {
        let mut byte = [0u8; 1];
        conn.read_exact(&mut byte).unwrap();
        socket2::SockRef::from(&conn)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(conn);
    });
    let out = run(guest(
        "faults.py",
        &["reset".into(), port.to_string()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("got"), "ConnectionResetError");
    handle.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_gone_mid_sendall_is_broken_pipe_error() {
    let (port, handle) = peer(|mut conn| {
        let mut byte = [0u8; 1];
        conn.read_exact(&mut byte).unwrap();
        drop(conn);
    });
    let out = run(guest(
        "faults.py",
        &["gone".into(), port.to_string()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("eof"), "b''");
    assert_eq!(out.expect("sendall"), "BrokenPipeError");
    handle.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_close_delivers_everything_then_eof() {
    let (port, handle) = peer(|mut conn| {
        let mut all = Vec::new();
        conn.read_to_end(&mut all).unwrap();
        conn.write_all(&all).unwrap();
    });
    let out = run(guest(
        "faults.py",
        &["half_close".into(), port.to_string()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("echoed"), "100000");
    handle.join().unwrap();
}
