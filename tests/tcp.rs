//! TCP through pysocket: real Python guests against native loopback peers.

use pysocket_tests::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_over_ipv4() {
    let (addr, server) = echo_server("127.0.0.1:0", 1);
    let out = run(guest(
        "tcp_roundtrip.py",
        &["127.0.0.1".into(), addr.port().to_string()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("echo"), "hello over pysocket");
    assert_eq!(out.expect("family"), "AF_INET");
    assert_eq!(out.expect("peer_port"), addr.port().to_string());
    assert_eq!(out.expect("peer_len"), "2");
    assert_eq!(out.expect("line"), "line one");
    server.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_over_ipv6() {
    let (addr, server) = echo_server("[::1]:0", 1);
    let out = run(guest(
        "tcp_roundtrip.py",
        &["::1".into(), addr.port().to_string()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("echo"), "hello over pysocket");
    assert_eq!(out.expect("family"), "AF_INET6");
    assert_eq!(out.expect("peer_len"), "4");
    server.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connection_is_connection_refused_error() {
    let (port, _holder) = refusing_port();
    let out = run(guest("refused.py", &[port.to_string()], loopback_policy())).await;
    out.assert_ok();
    assert_eq!(out.expect("exc"), "ConnectionRefusedError");
    assert_eq!(out.expect("errno_ok"), "True");
    assert_eq!(out.expect("strerror"), "Connection refused");
    assert_eq!(out.expect("connect_ex_ok"), "True");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recv_timeout_raises_timeout_error_after_the_timeout() {
    let (addr, hang_up, peer) = silent_peer();
    let out = run(guest(
        "recv_timeout.py",
        &[addr.port().to_string(), "0.5".into()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("exc"), "TimeoutError");
    assert_eq!(out.expect("is_socket_timeout"), "True");
    assert_eq!(out.expect("args"), "('timed out',)");
    assert_eq!(out.expect("errno"), "None");
    let elapsed: f64 = out.expect("elapsed").parse().unwrap();
    assert!(
        (0.45..10.0).contains(&elapsed),
        "waited {elapsed}s for a 0.5s timeout"
    );
    hang_up.send(()).unwrap();
    peer.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_zero_gives_blocking_io_error() {
    let (addr, hang_up, peer) = silent_peer();
    let out = run(guest(
        "nonblocking.py",
        &[addr.port().to_string()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert!(
        out.stdout.contains("timeout=0.0 blocking=False"),
        "{}",
        out.stdout
    );
    assert_eq!(out.expect("recv_exc"), "BlockingIOError eagain=True");
    assert_eq!(out.expect("after_setblocking"), "None");
    assert_eq!(out.expect("accept_exc"), "BlockingIOError");
    assert_eq!(out.expect("connect_ex_inprogress"), "True");
    hang_up.send(()).unwrap();
    peer.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_timeout_against_a_full_backlog() {
    let (addr, _keep) = full_backlog_listener();
    let out = run(guest(
        "connect_timeout.py",
        &[addr.port().to_string()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("exc"), "TimeoutError");
    assert_eq!(out.expect("args"), "('timed out',)");
    let elapsed: f64 = out.expect("elapsed").parse().unwrap();
    assert!(
        (0.45..10.0).contains(&elapsed),
        "waited {elapsed}s for a 0.5s timeout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sendall_of_64_mib_arrives_intact() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(BOUND)).unwrap();
        let mut buf = vec![0u8; 1 << 16];
        let (mut total, mut mismatches) = (0usize, 0usize);
        loop {
            let n = conn.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            mismatches += buf[..n]
                .iter()
                .enumerate()
                .filter(|(i, b)| **b != pattern_byte(total + i))
                .count();
            total += n;
        }
        conn.write_all(format!("{total} bytes, {mismatches} wrong").as_bytes())
            .unwrap();
    });
    let out = run(guest(
        "sendall_big.py",
        &[port.to_string(), "64".into()],
        loopback_policy(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(
        out.expect("verdict"),
        format!("{} bytes, 0 wrong", 64 << 20)
    );
    sink.join().unwrap();
    let _ = Duration::ZERO;
}
