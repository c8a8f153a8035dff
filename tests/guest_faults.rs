//! Guests that die with sockets open — by `os._exit`, by a trap (`os.abort`)
//! or killed by the host while waiting in a host call — leave nothing
//! behind, and the host keeps serving another guest meanwhile. The host's
//! open descriptors (/proc/self/fd) are counted before and after 1,000 such
//! guests (`PYSOCKET_FAULT_GUESTS` changes the number). Alone in its test
//! binary, so no other test opens descriptors meanwhile.

use pysocket_host::runtime::PythonGuest;
use pysocket_tests::*;
use std::time::Duration;

/// Guests run at once.
const BATCH: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dying_guests_leave_nothing_open() {
    let total: usize = std::env::var("PYSOCKET_FAULT_GUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    // The peer every doomed guest connects to: a listener that never
    // accepts (the kernel completes the handshakes and queues them), so
    // the test itself holds no descriptor per guest.
    let listener =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    listener
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    listener.listen(4096).unwrap();
    let port = listener.local_addr().unwrap().as_socket().unwrap().port();
    let doomed = |how: &str, killed_after: Option<Duration>| {
        let g = guest(
            "doomed.py",
            &[how.into(), port.to_string()],
            loopback_policy(),
        );
        PythonGuest {
            config: pysocket_host::runtime::GuestConfig {
                timeout: killed_after,
                ..g.config
            },
            ..g
        }
    };
    // Warm up (compiled code, runtime threads, the resolver's files).
    run(doomed("exit", None)).await;
    let before = open_fds();

    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let busy = tokio::spawn(run(guest(
        "pingpong.py",
        &[echo.port().to_string(), "2000".into()],
        loopback_policy(),
    )));
    let started = std::time::Instant::now();
    let mut statuses = [0usize; 3];
    let mut done = 0;
    while done < total {
        let n = BATCH.min(total - done);
        let mut batch = Vec::with_capacity(n);
        for i in done..done + n {
            let g = match i % 3 {
                0 => doomed("exit", None),
                1 => doomed("trap", None),
                _ => doomed("block", Some(Duration::from_millis(300))),
            };
            batch.push((i % 3, tokio::spawn(run(g))));
        }
        for (kind, task) in batch {
            let out = task.await.unwrap();
            let expected = match kind {
                0 => 0,
                1 => 1,
                _ => pysocket_host::runtime::TIMEOUT_STATUS,
            };
            assert_eq!(out.status, expected, "kind {kind}: {}", out.stderr);
            // A trap, not a Python exception (which would also give 1).
            assert!(!out.stderr.contains("Traceback"), "{}", out.stderr);
            statuses[kind] += 1;
        }
        done += n;
    }
    let busy = busy.await.unwrap();
    busy.assert_ok();
    assert_eq!(busy.expect("done"), "2000");
    server.join().unwrap();
    let after = open_fds();
    println!(
        "{total} dying guests ({} exited, {} trapped, {} killed) in {:.1}s; host fds before {before}, after {after}",
        statuses[0],
        statuses[1],
        statuses[2],
        started.elapsed().as_secs_f64()
    );
    assert_eq!(after, before, "descriptors leaked");
    drop(listener);
}
