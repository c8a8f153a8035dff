//! Test support: one shared Python runtime per test process, helpers to
//! run guest scripts from `tests/python/`, and native loopback peers.
//!
//! The guests are real: pysocket's prebuilt Python component (built by
//! `make build` into `build/`), run by the real host with real sockets.

pub mod rust_guest_output;
pub mod tls;

use pysocket_host::policy::PolicyBuilder;
use pysocket_host::runtime::{
    new_engine_with, EngineOptions, EpochTicker, GuestConfig, PythonGuest, PythonRuntime,
};
use socket2::{Domain, Socket, Type};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// Every wait in the tests is bounded by this.
pub const BOUND: Duration = Duration::from_secs(120);

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// The Python runtime shared by all tests of this process (compiling the
/// component once; the disk cache makes later processes fast).
pub fn python() -> Arc<PythonRuntime> {
    static RUNTIME: OnceLock<(Arc<PythonRuntime>, EpochTicker)> = OnceLock::new();
    RUNTIME
        .get_or_init(|| new_python(&EngineOptions::default()))
        .0
        .clone()
}

/// A new Python runtime on an engine made with `options`, and the ticker
/// that makes its guests yield (keep it alive as long as the runtime).
pub fn new_python(options: &EngineOptions) -> (Arc<PythonRuntime>, EpochTicker) {
    let build = repo_root().join("build");
    let wasm = std::env::var_os("PYSOCKET_PYTHON_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| build.join("pysocket-python.wasm"));
    let stdlib = std::env::var_os("PYSOCKET_STDLIB")
        .map(PathBuf::from)
        .unwrap_or_else(|| build.join("stdlib"));
    assert!(
        wasm.is_file(),
        "{} is missing: run `make build` first",
        wasm.display()
    );
    let engine = new_engine_with(options).expect("engine");
    let ticker = EpochTicker::every(&engine, options.switch_interval);
    let mut runtime =
        PythonRuntime::new(&engine, &wasm, &stdlib).expect("loading the Python component");
    runtime.set_switch_interval(options.switch_interval);
    (Arc::new(runtime), ticker)
}

/// What a guest script did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    /// The guest's peak linear memory, in bytes.
    pub peak_memory: usize,
}

impl Outcome {
    /// Asserts a zero exit status, showing the guest's output otherwise.
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.status, 0,
            "guest failed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The value of the last `KEY=value` line the guest printed.
    pub fn value(&self, key: &str) -> Option<String> {
        let prefix = format!("{key}=");
        self.stdout
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
    }

    /// Like `value`, but the line must be there.
    pub fn expect(&self, key: &str) -> String {
        self.value(key).unwrap_or_else(|| {
            panic!(
                "guest printed no {key}=...\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A guest running `tests/python/<script>` with `args` under `policy`.
pub fn guest(script: &str, args: &[String], policy: PolicyBuilder) -> PythonGuest {
    PythonGuest::script(
        repo_root().join("tests/python").join(script),
        args.to_vec(),
        GuestConfig {
            policy: Arc::new(policy.build()),
            capture_output: true,
            ..GuestConfig::default()
        },
    )
}

/// Runs a guest to completion (bounded by [`BOUND`]). The guest runs as
/// its own task, so even a guest stuck in a host call cannot keep the
/// bound from firing.
pub async fn run(g: PythonGuest) -> Outcome {
    run_within(g, BOUND).await
}

/// Like [`run`], with another bound (for long suites).
pub async fn run_within(g: PythonGuest, bound: Duration) -> Outcome {
    run_on(python(), g, bound).await
}

/// Like [`run_within`], in the runtime `python`.
pub async fn run_on(python: Arc<PythonRuntime>, g: PythonGuest, bound: Duration) -> Outcome {
    let task = tokio::spawn(async move { python.run(&g).await });
    let (status, out) = tokio::time::timeout(bound, task)
        .await
        .expect("guest did not finish in time")
        .expect("guest task panicked")
        .expect("running the guest");
    Outcome {
        status,
        stdout: out.stdout_text(),
        stderr: out.stderr_text(),
        peak_memory: out.memory.peak(),
    }
}

/// The `pysocket` binary of this tree (built by `make build`), as a
/// command to add arguments to. `RUST_LOG` is not passed on: the tests
/// that compare stderr expect pysocket's default (silent) log level.
pub fn pysocket_command() -> std::process::Command {
    let bin = repo_root().join("target/release/pysocket");
    assert!(
        bin.is_file(),
        "{} is missing: run `make build` first",
        bin.display()
    );
    let mut command = std::process::Command::new(bin);
    command.env_remove("RUST_LOG");
    command
}

/// Runs `command` with `stdin` as its whole input and returns what it did;
/// the wait is bounded by [`BOUND`] (the process is killed past it).
pub fn output_with_input(mut command: std::process::Command, stdin: &str) -> std::process::Output {
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting pysocket");
    let pid = child.id();
    let mut input = child.stdin.take().expect("stdin pipe");
    let text = stdin.to_owned();
    // Written from a thread: a child that does not read must not block us.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(BOUND) {
        Ok(output) => output.expect("waiting for pysocket"),
        Err(_) => {
            // SAFETY: kill(2) on the pid of our own child, which has not
            // been reaped (its waiter has not returned).
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("pysocket did not finish within {BOUND:?}");
        }
    };
    let _ = writer.join();
    output
}

/// A new empty directory for one test (`name` keeps tests apart), removed
/// when dropped. Canonical, so it can be compared with guest paths.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("pysocket-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a test directory");
        TempDir(dir.canonicalize().expect("canonical test directory"))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A policy allowing loopback connections and ephemeral loopback binds.
pub fn loopback_policy() -> PolicyBuilder {
    PolicyBuilder::new()
        .allow_net_spec("127.0.0.0/8")
        .unwrap()
        .allow_net_spec("[::1]")
        .unwrap()
        .allow_bind_spec("127.0.0.1:*")
        .unwrap()
        .allow_bind_spec("[::1]:*")
        .unwrap()
}

/// A native echo server on `addr` serving connections one after another
/// on a thread, until `connections` have been served.
pub fn echo_server(addr: &str, connections: usize) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind(addr).expect("bind echo server");
    let local = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        for _ in 0..connections {
            let (mut conn, _) = listener.accept().expect("accept");
            conn.set_read_timeout(Some(BOUND)).unwrap();
            let mut buf = [0u8; 65536];
            loop {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if conn.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                }
            }
        }
    });
    (local, handle)
}

/// A native peer that accepts one connection and says nothing until told
/// to hang up (by dropping the returned sender or sending on it).
pub fn silent_peer() -> (SocketAddr, std::sync::mpsc::Sender<()>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind silent peer");
    let local = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let handle = std::thread::spawn(move || {
        let (conn, _) = listener.accept().expect("accept");
        let _ = rx.recv_timeout(BOUND);
        drop(conn);
    });
    (local, tx, handle)
}

/// A loopback port on which nothing listens: a bound, non-listening
/// socket holds it, so connections are refused and nobody else takes it.
pub fn refusing_port() -> (u16, Socket) {
    let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    s.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    let port = s.local_addr().unwrap().as_socket().unwrap().port();
    (port, s)
}

/// Fills the accept queue of a loopback listener that never accepts, so
/// that further connections hang in SYN-SENT: the way to test a connect
/// timeout without leaving loopback. Returns the address and what must be
/// kept alive.
pub fn full_backlog_listener() -> (SocketAddr, (Socket, Vec<TcpStream>)) {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut held = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => return (addr, (listener, held)),
        }
    }
    panic!("could not fill the backlog of {addr}");
}

/// A deterministic payload: byte i is i mod 251.
pub fn pattern_byte(i: usize) -> u8 {
    (i % 251) as u8
}

/// A trap: a TCP listener and a UDP socket on one loopback port that a
/// policy must keep the guest away from. Nothing is ever answered;
/// [`Trap::arrivals`] counts the connections and datagrams that reached it.
pub struct Trap {
    tcp: TcpListener,
    udp: std::net::UdpSocket,
}

impl Trap {
    /// A trap on `ip` (a loopback address), on a port free for TCP and UDP.
    pub fn new(ip: &str) -> Trap {
        for _ in 0..100 {
            let tcp = TcpListener::bind((ip, 0)).expect("bind trap");
            let port = tcp.local_addr().unwrap().port();
            if let Ok(udp) = std::net::UdpSocket::bind((ip, port)) {
                tcp.set_nonblocking(true).unwrap();
                udp.set_nonblocking(true).unwrap();
                return Trap { tcp, udp };
            }
        }
        panic!("no port free for both TCP and UDP on {ip}");
    }

    pub fn port(&self) -> u16 {
        self.tcp.local_addr().unwrap().port()
    }

    /// Connections and datagrams that arrived so far (taken off the
    /// queues: each is counted once).
    pub fn arrivals(&self) -> usize {
        let mut n = 0;
        while self.tcp.accept().is_ok() {
            n += 1;
        }
        let mut buf = [0u8; 2048];
        while self.udp.recv_from(&mut buf).is_ok() {
            n += 1;
        }
        n
    }
}

/// How many descriptors this process has open (entries of /proc/self/fd).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("reading /proc/self/fd")
        .count()
}
