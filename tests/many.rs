//! Many guests in one host: a thousand blocked guests do not hold up a
//! busy one, a CPU-bound guest does not starve I/O-bound ones,
//! `--instances`, `--switch-interval`, and `pysocket serve` (a fresh guest
//! per connection, concurrency limit, timeout, signals).

use pysocket_host::runtime::{Allocator, EngineOptions, EpochTicker, PythonGuest, PythonRuntime};
use pysocket_tests::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::sync::{mpsc, Arc, OnceLock};

/// How many guests the first test blocks at once: 1,000 with
/// `PYSOCKET_MANY_BLOCKED=1000` (what `make test-many` sets; about a
/// minute on 2 busy cores), a bounded slice of 200 in `make test`.
fn blocked_count() -> usize {
    std::env::var("PYSOCKET_MANY_BLOCKED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

/// The runtime of these tests: the allocator `pysocket` uses, with room
/// for all the guests of the largest test.
fn many_python() -> Arc<PythonRuntime> {
    static RUNTIME: OnceLock<(Arc<PythonRuntime>, EpochTicker)> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            new_python(&EngineOptions {
                allocator: Allocator::Pooling {
                    guests: blocked_count() as u32 + 64,
                },
                ..EngineOptions::default()
            })
        })
        .0
        .clone()
}

/// A native peer for `count` guests: accepts them all, reads each
/// one's "ready" byte, reports when all are ready, then waits to be told
/// to release them (each gets "go").
fn holding_peer(
    count: usize,
) -> (
    u16,
    mpsc::Receiver<()>,
    mpsc::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (ready_tx, ready_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::with_capacity(count);
        for _ in 0..count {
            let (mut conn, _) = listener.accept().expect("accept");
            conn.set_read_timeout(Some(BOUND)).unwrap();
            let mut byte = [0u8];
            conn.read_exact(&mut byte).expect("ready byte");
            assert_eq!(&byte, b"r");
            held.push(conn);
        }
        ready_tx.send(()).unwrap();
        release_rx.recv_timeout(BOUND).expect("release");
        for mut conn in held {
            conn.write_all(b"go").unwrap();
        }
    });
    (port, ready_rx, release_tx, handle)
}

/// 1,000 guests blocked in recv() with no timeout, in one host, while one
/// more completes 1,000 round trips; then all are released and finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_blocked_guests_do_not_hold_up_a_busy_one() {
    let python = many_python();
    let count = blocked_count();
    let (port, ready, release, peer) = holding_peer(count);
    let blocked: Vec<_> = (0..count)
        .map(|_| {
            let g = guest("many_blocked.py", &[port.to_string()], loopback_policy());
            tokio::spawn(run_on(python.clone(), g, BOUND))
        })
        .collect();
    tokio::task::spawn_blocking(move || ready.recv_timeout(BOUND))
        .await
        .unwrap()
        .expect("not every guest connected and said it was ready");
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let busy = run_on(
        python.clone(),
        guest(
            "pingpong.py",
            &[echo.port().to_string(), "1000".into()],
            loopback_policy(),
        ),
        BOUND,
    )
    .await;
    busy.assert_ok();
    assert_eq!(busy.expect("done"), "1000");
    let finished = blocked.iter().filter(|t| t.is_finished()).count();
    assert_eq!(finished, 0, "guests blocked in recv() should still wait");
    release.send(()).unwrap();
    for task in blocked {
        let out = task.await.unwrap();
        out.assert_ok();
        assert_eq!(out.expect("got"), "b'go'");
    }
    peer.join().unwrap();
    server.join().unwrap();
}

/// On one thread, a guest spinning in pure Python does not starve twenty
/// I/O-bound guests: each finishes 50 round trips while it spins.
#[tokio::test(flavor = "current_thread")]
async fn a_cpu_bound_guest_does_not_starve_io_bound_guests() {
    let python = many_python();
    let shared = TempDir::new("many-spin");
    let spinner = guest("spin.py", &["/shared/stop".into()], loopback_policy());
    let spinner = PythonGuest {
        config: spinner.config.dir(shared.path(), "/shared", true),
        ..spinner
    };
    let spinning = tokio::spawn(run_on(python.clone(), spinner, BOUND));
    let mut servers = Vec::new();
    let mut busy = Vec::new();
    for _ in 0..20 {
        let (echo, server) = echo_server("127.0.0.1:0", 1);
        servers.push(server);
        let g = guest(
            "pingpong.py",
            &[echo.port().to_string(), "50".into()],
            loopback_policy(),
        );
        busy.push(tokio::spawn(run_on(python.clone(), g, BOUND)));
    }
    for task in busy {
        let out = task.await.unwrap();
        out.assert_ok();
        assert_eq!(out.expect("done"), "50");
    }
    assert!(
        !spinning.is_finished(),
        "the spinner should still be spinning"
    );
    std::fs::write(shared.path().join("stop"), b"stop").unwrap();
    let spun = spinning.await.unwrap();
    spun.assert_ok();
    assert_eq!(spun.expect("stopped_by_flag"), "True");
    for s in servers {
        s.join().unwrap();
    }
}

/// `--instances N`: N guests of one program, each with its own
/// PYSOCKET_INSTANCE; one that fails makes the status non-zero and the
/// summary says how many.
#[test]
fn instances_each_know_their_number_and_failures_are_counted() {
    let code = "import os, sys\n\
                n = os.environ['PYSOCKET_INSTANCE']\n\
                print('instance=' + n)\n\
                sys.exit(3 if n == '7' else 0)";
    let mut command = pysocket_command();
    command.args(["python", "--instances", "20", "-c", code]);
    let out = output_with_input(command, "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut seen: Vec<usize> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("instance="))
        .map(|n| n.parse().unwrap())
        .collect();
    seen.sort();
    assert_eq!(seen, (0..20).collect::<Vec<_>>(), "{stderr}");
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("pysocket: 19 ok, 1 failed"), "{stderr}");
}

/// `pysocket run --instances`: one component, several instances at once.
#[test]
fn run_instances_share_one_component() {
    let app = repo_root().join("build/cli-app.wasm");
    assert!(
        app.is_file(),
        "{} is missing: run `make test`",
        app.display()
    );
    let (echo, server) = echo_server("127.0.0.1:0", 4);
    let mut command = pysocket_command();
    command.args(["run", "--instances", "4", "--allow-net", "127.0.0.1"]);
    command
        .arg(&app)
        .args([echo.port().to_string(), "hi".into()]);
    let out = output_with_input(command, "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.matches("reply=hi").count(), 4, "{stdout}");
    assert!(stderr.contains("pysocket: 4 ok, 0 failed"), "{stderr}");
    server.join().unwrap();
}

/// `--switch-interval MS` is what the guest's sys.getswitchinterval()
/// reports; the default is CPython's 5 ms.
#[test]
fn the_switch_interval_is_what_the_guest_reports() {
    let code = "import sys; print(f'interval={sys.getswitchinterval():.4f}')";
    for (flag, expected) in [
        (None, "0.0050"),
        (Some("2"), "0.0020"),
        (Some("0.5"), "0.0005"),
    ] {
        let mut command = pysocket_command();
        command.arg("python");
        if let Some(ms) = flag {
            command.args(["--switch-interval", ms]);
        }
        command.args(["-c", code]);
        let out = output_with_input(command, "");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(stdout.trim(), format!("interval={expected}"), "{:?}", out);
    }
    let mut command = pysocket_command();
    command.args(["python", "--switch-interval", "0", "-c", "pass"]);
    assert_eq!(output_with_input(command, "").status.code(), Some(2));
}

/// A running `pysocket serve`, stopped (SIGKILL) when dropped.
struct Server {
    child: Option<Child>,
    port: u16,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Server {
    fn start(args: &[&str], script: &str) -> Server {
        let mut command = pysocket_command();
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .arg(repo_root().join("tests/python").join(script))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("starting pysocket serve");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).expect("reading serve's stderr");
        let port = line
            .trim()
            .strip_prefix("pysocket: listening on 127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("serve did not say where it listens: {line:?}"));
        Server {
            child: Some(child),
            port,
            stderr,
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connecting to serve");
        s.set_read_timeout(Some(BOUND)).unwrap();
        s
    }

    /// Sends `signal` (0: none), then waits (bounded) for the exit;
    /// returns its status and the rest of its stderr.
    fn stop(mut self, signal: i32) -> (Option<i32>, String) {
        let mut child = self.child.take().unwrap();
        if signal != 0 {
            // SAFETY: kill(2) on our own child, not yet reaped.
            unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        }
        let (tx, rx) = mpsc::channel();
        let pid = child.id();
        std::thread::spawn(move || tx.send(child.wait()));
        let status = match rx.recv_timeout(BOUND) {
            Ok(status) => status.unwrap(),
            Err(_) => {
                // SAFETY: kill(2) on our own child, not yet reaped.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                panic!("serve did not exit within {BOUND:?}");
            }
        };
        let mut stderr = String::new();
        let _ = self.stderr.read_to_string(&mut stderr);
        (status.code(), stderr)
    }

    /// Sends `signal` and leaves the server running.
    fn signal(&self, signal: i32) {
        let pid = self.child.as_ref().unwrap().id();
        // SAFETY: kill(2) on our own child, not yet reaped.
        unsafe { libc::kill(pid as libc::pid_t, signal) };
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends a line and reads one back.
fn ask(conn: &mut TcpStream, line: &str) -> String {
    conn.write_all(line.as_bytes()).unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut reply = String::new();
    reader.read_line(&mut reply).expect("reply");
    reply
}

/// 200 concurrent connections, each served by its own guest: every guest
/// is alive at once (each waits for its client's "bye") and none sees
/// another's state; SIGTERM then ends the server with status 0.
#[test]
fn serve_gives_each_of_200_concurrent_connections_its_own_guest() {
    let server = Server::start(&["--max-concurrent", "256"], "serve_state.py");
    let mut conns: Vec<TcpStream> = (0..200).map(|_| server.connect()).collect();
    for (i, conn) in conns.iter_mut().enumerate() {
        conn.write_all(format!("hello {i}\n").as_bytes()).unwrap();
    }
    for (i, conn) in conns.iter_mut().enumerate() {
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        let mut reply = String::new();
        reader.read_line(&mut reply).expect("reply");
        assert_eq!(
            reply,
            format!("served=1 before=0 peer=127.0.0.1 echo=hello {i}\n"),
            "connection {i}"
        );
    }
    for conn in conns.iter_mut() {
        conn.write_all(b"bye\n").unwrap();
    }
    for conn in conns.iter_mut() {
        let mut rest = String::new();
        conn.read_to_string(&mut rest).expect("end of the guest");
        assert_eq!(rest, "bye\n");
    }
    let (status, stderr) = server.stop(libc::SIGTERM);
    assert_eq!(status, Some(0), "{stderr}");
}

/// With --max-concurrent 2, a third connection waits (not dropped) until a
/// guest ends, then gets its own guest.
#[test]
fn serve_holds_excess_connections_in_the_backlog() {
    let server = Server::start(&["--max-concurrent", "2"], "serve_state.py");
    let mut first = server.connect();
    let mut second = server.connect();
    assert!(ask(&mut first, "a\n").starts_with("served=1 "));
    assert!(ask(&mut second, "b\n").starts_with("served=1 "));
    let mut third = server.connect();
    third.write_all(b"c\n").unwrap();
    // No guest for it yet: nothing comes back while the two others live.
    third
        .set_read_timeout(Some(std::time::Duration::from_millis(300)))
        .unwrap();
    let mut byte = [0u8];
    let early = third.read(&mut byte);
    assert!(
        matches!(&early, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the third connection was served beyond the limit: {early:?}"
    );
    third.set_read_timeout(Some(BOUND)).unwrap();
    assert_eq!(ask(&mut first, "bye\n"), "bye\n");
    let mut reader = BufReader::new(third.try_clone().unwrap());
    let mut reply = String::new();
    reader.read_line(&mut reply).unwrap();
    assert_eq!(reply, "served=1 before=0 peer=127.0.0.1 echo=c\n");
    assert_eq!(ask(&mut second, "bye\n"), "bye\n");
    assert_eq!(ask(&mut third, "bye\n"), "bye\n");
}

/// --instance-timeout ends a guest that runs too long (its connection
/// closes); the server goes on serving others.
#[test]
fn serve_stops_a_guest_past_its_timeout() {
    let server = Server::start(&["--instance-timeout", "0.5"], "serve_state.py");
    let mut stuck = server.connect();
    assert!(ask(&mut stuck, "x\n").starts_with("served=1 "));
    // It now waits for "bye" that never comes: the timeout closes it.
    let mut rest = Vec::new();
    stuck.read_to_end(&mut rest).expect("closed by the timeout");
    assert!(rest.is_empty());
    let mut next = server.connect();
    assert!(ask(&mut next, "y\n").starts_with("served=1 "));
    assert_eq!(ask(&mut next, "bye\n"), "bye\n");
    let (status, stderr) = server.stop(libc::SIGINT);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("--instance-timeout"), "{stderr}");
}

/// SIGTERM stops accepting at once, but a live guest may finish within the
/// grace period; then the server exits 0.
#[test]
fn serve_lets_live_guests_finish_after_sigterm() {
    let mut server = Server::start(&["--grace", "60"], "serve_state.py");
    let mut live = server.connect();
    assert!(ask(&mut live, "x\n").starts_with("served=1 "));
    server.signal(libc::SIGTERM);
    let mut line = String::new();
    server.stderr.read_line(&mut line).unwrap();
    assert!(line.contains("1 guest(s) still running"), "{line}");
    // The listener is closed: a new connection is refused.
    let refused = TcpStream::connect(("127.0.0.1", server.port));
    assert!(refused.is_err(), "serve still accepts after SIGTERM");
    assert_eq!(ask(&mut live, "bye\n"), "bye\n");
    let (status, stderr) = server.stop(0);
    assert_eq!(status, Some(0), "{stderr}");
}
