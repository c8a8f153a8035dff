//! One guest's trouble is its own: blocking, denials and bad input.

use pysocket_host::policy::PolicyBuilder;
use pysocket_host::runtime::PythonGuest;
use pysocket_tests::*;

/// A guest blocked in recv() with no timeout suspends only itself: another
/// guest of the same host finishes 1,000 round trips meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_guest_does_not_stop_another() {
    let (silent, hang_up, peer) = silent_peer();
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let blocked = tokio::spawn(run(guest(
        "blocked_recv.py",
        &[silent.port().to_string()],
        loopback_policy(),
    )));
    let busy = run(guest(
        "pingpong.py",
        &[echo.port().to_string(), "1000".into()],
        loopback_policy(),
    ))
    .await;
    busy.assert_ok();
    assert_eq!(busy.expect("done"), "1000");
    assert!(
        !blocked.is_finished(),
        "the blocked guest should still be waiting in recv()"
    );
    hang_up.send(()).unwrap();
    let blocked = blocked.await.unwrap();
    blocked.assert_ok();
    assert_eq!(blocked.expect("timeout"), "None");
    assert_eq!(blocked.expect("got"), "b''");
    peer.join().unwrap();
    server.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_addresses_raise_permission_error() {
    let (echo, _server) = echo_server("127.0.0.1:0", 1);
    let out = run(guest(
        "denied.py",
        &[echo.port().to_string()],
        PolicyBuilder::new(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("connect"), "PermissionError eacces=True");
    assert_eq!(out.expect("bind"), "PermissionError eacces=True");
    assert_eq!(out.expect("lookup"), "PermissionError eacces=True");
    assert!(
        out.expect("connect_msg").contains("--allow-net"),
        "{}",
        out.stdout
    );
    // Unblock the echo server's accept so its thread ends.
    drop(std::net::TcpStream::connect(echo).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_are_python_exceptions_and_others_keep_running() {
    let (echo_a, server_a) = echo_server("127.0.0.1:0", 1);
    let (echo_b, server_b) = echo_server("127.0.0.1:0", 1);
    let bad = tokio::spawn(run(guest(
        "bad_args.py",
        &[echo_a.port().to_string()],
        loopback_policy(),
    )));
    let good = run(guest(
        "pingpong.py",
        &[echo_b.port().to_string(), "200".into()],
        loopback_policy(),
    ))
    .await;
    good.assert_ok();
    let bad = bad.await.unwrap();
    bad.assert_ok();
    assert_eq!(bad.expect("roundtrip"), "still fine");
    let results = bad.expect("results");
    for r in results.split(',') {
        assert!(r.ends_with(":ok"), "{r} (all: {results})");
    }
    assert_eq!(results.split(',').count(), 29);
    server_a.join().unwrap();
    server_b.join().unwrap();
}

/// Sending must not grow guest memory: componentize-py 0.25.1's Python
/// bindings leak every `list<u8>` argument, which is why every `payload`
/// goes through the native core (see `types.wit`). 256 MiB sent through
/// `sendall`/`send`/`sendmsg` from bytes, bytearray and memoryview (received
/// by `recv` and `recv_into`), and 256 MiB more through the TLS write paths
/// (memory-BIO session and descriptor); the guest must stay far below that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_does_not_grow_guest_memory() {
    let out = run(guest(
        "send_volume.py",
        &["256".into()],
        PolicyBuilder::new(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("received"), (256usize << 20).to_string());
    assert_eq!(out.expect("tls_calls"), (256 * 16).to_string());
    println!("guest memory peak: {} MiB", out.peak_memory >> 20);
    assert!(out.peak_memory > 0, "the memory meter saw nothing");
    assert!(
        out.peak_memory < 128 << 20,
        "guest memory peaked at {} MiB after sending 256 MiB",
        out.peak_memory >> 20
    );
}

/// A guest that exits without closing its sockets (os._exit skips Python's
/// cleanup) leaves nothing open: dropping its store closes them, and the
/// peer sees end-of-stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exiting_guest_leaves_no_socket_open() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = run(guest("abandon.py", &[port.to_string()], loopback_policy())).await;
    // os._exit(3) leaves through wasi:cli/exit.exit-with-code.
    assert_eq!(out.status, 3, "{}", out.stderr);
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(BOUND)).unwrap();
    let mut got = Vec::new();
    conn.read_to_end(&mut got)
        .expect("the guest's socket was never closed");
    assert_eq!(got, b"bye");
}

/// A CPU-bound guest yields like CPython's GIL does: on a single-threaded
/// executor, a guest spinning in pure Python (no socket calls) still lets
/// another guest finish 200 round trips; then the spinner is told to stop.
#[tokio::test(flavor = "current_thread")]
async fn a_cpu_bound_guest_yields_to_others() {
    let shared = std::env::temp_dir().join(format!("pysocket-spin-{}", std::process::id()));
    std::fs::create_dir_all(&shared).unwrap();
    let flag = shared.join("stop");
    let spinner = guest("spin.py", &["/shared/stop".into()], PolicyBuilder::new());
    let spinner = PythonGuest {
        config: spinner.config.dir(&shared, "/shared", true),
        ..spinner
    };
    let spinning = tokio::spawn(run(spinner));
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let busy = run(guest(
        "pingpong.py",
        &[echo.port().to_string(), "200".into()],
        loopback_policy(),
    ))
    .await;
    busy.assert_ok();
    assert!(
        !spinning.is_finished(),
        "the spinner should still be spinning"
    );
    std::fs::write(&flag, b"stop").unwrap();
    let spun = spinning.await.unwrap();
    spun.assert_ok();
    assert_eq!(spun.expect("stopped_by_flag"), "True");
    server.join().unwrap();
    let _ = std::fs::remove_dir_all(&shared);
}

/// After data was consumed by a direct call, a poll for more waits out its
/// timeout and reports nothing. (The host once kept a stale wake-up alive
/// for a socket polled for POLLIN that was writable, and spun; that race
/// showed up in the smtplib test and is not reliably reproducible here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_readiness_does_not_make_poll_spin() {
    let out = run(guest("stale_poll.py", &[], PolicyBuilder::new())).await;
    out.assert_ok();
    assert!(out.stdout.contains("first=[]"), "{}", out.stdout);
    assert!(out.stdout.contains("second=[]"), "{}", out.stdout);
    let waited: f64 = out
        .stdout
        .lines()
        .find_map(|l| l.split("waited_second=").nth(1))
        .unwrap()
        .parse()
        .unwrap();
    assert!((0.45..10.0).contains(&waited), "second poll took {waited}s");
}
