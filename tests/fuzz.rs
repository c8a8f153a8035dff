//! Fuzzing the host's `Host` implementations (no wasm): proptest generates
//! sequences of socket operations — valid and invalid descriptors, every
//! address form the rules know (numbers, IPv4-mapped IPv6, names that
//! resolve to loopback, allowed and denied ports) — and runs them on real
//! loopback sockets. After every sequence:
//! - nothing panicked and no call trapped (bad input is an error code);
//! - no descriptor leaked: the process's open descriptors are back to
//!   what they were once the guest's context is dropped;
//! - no policy violation: the traps (a denied port and a port no rule
//!   names, TCP and UDP) received nothing.
//!
//! Time-bounded: `PYSOCKET_FUZZ_SECS` (default 60; `make fuzz` gives
//! 600). Prints the number of sequences and operations executed. Alone in
//! its test binary, so descriptor counts are not disturbed by other tests.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use pysocket_host::bindings::resolve::Host as ResolveHost;
use pysocket_host::bindings::socket::{Host as SocketHost, SockoptValue};
use pysocket_host::bindings::types::{Address, Inet6Address, InetAddress};
use pysocket_host::net::HostsTable;
use pysocket_host::policy::PolicyBuilder;
use pysocket_host::{PysocketCtx, PysocketImpl, SocketError};
use pysocket_tests::{open_fds, Trap};
use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where an operation points.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// The allowed sink (127.0.0.1 or [::1], allowed port).
    Allowed,
    /// The trap on a port a deny rule covers.
    Denied,
    /// The trap on a port no rule names.
    Unlisted,
    /// `localhost` (a name rule with the allowed port).
    Localhost,
    /// `rebind.test`, a name rule whose name resolves to 127.0.0.1.
    Rebind,
    /// The denied trap spelled as an IPv4-mapped IPv6 address.
    Mapped,
    /// Port 0.
    Zero,
}

#[derive(Debug, Clone)]
enum Op {
    Create { v6: bool, dgram: bool },
    Bind { s: u8, target: Target },
    Listen { s: u8, backlog: i32 },
    Connect { s: u8, target: Target },
    SendTo { s: u8, target: Target, len: u16 },
    SendMsg { s: u8, target: Target },
    Send { s: u8, len: u16 },
    Recv { s: u8, len: u16 },
    RecvFrom { s: u8 },
    Accept { s: u8 },
    Shutdown { s: u8, how: i32 },
    Dup { s: u8 },
    Close { s: u8 },
    SetBuf { s: u8, value: i32 },
    Lookup { target: Target },
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::Allowed),
        Just(Target::Denied),
        Just(Target::Unlisted),
        Just(Target::Localhost),
        Just(Target::Rebind),
        Just(Target::Mapped),
        Just(Target::Zero),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let s = any::<u8>();
    prop_oneof![
        3 => (any::<bool>(), any::<bool>()).prop_map(|(v6, dgram)| Op::Create { v6, dgram }),
        2 => (s, target()).prop_map(|(s, target)| Op::Bind { s, target }),
        1 => (s, -2i32..10_000).prop_map(|(s, backlog)| Op::Listen { s, backlog }),
        3 => (s, target()).prop_map(|(s, target)| Op::Connect { s, target }),
        3 => (s, target(), 0u16..2048).prop_map(|(s, target, len)| Op::SendTo { s, target, len }),
        1 => (s, target()).prop_map(|(s, target)| Op::SendMsg { s, target }),
        1 => (s, 0u16..4096).prop_map(|(s, len)| Op::Send { s, len }),
        1 => (s, 0u16..4096).prop_map(|(s, len)| Op::Recv { s, len }),
        1 => s.prop_map(|s| Op::RecvFrom { s }),
        1 => s.prop_map(|s| Op::Accept { s }),
        1 => (s, -1i32..4).prop_map(|(s, how)| Op::Shutdown { s, how }),
        1 => s.prop_map(|s| Op::Dup { s }),
        1 => s.prop_map(|s| Op::Close { s }),
        1 => (s, any::<i32>()).prop_map(|(s, value)| Op::SetBuf { s, value }),
        1 => target().prop_map(|target| Op::Lookup { target }),
    ]
}

struct World {
    allowed_v4: std::net::TcpListener,
    allowed_v6: Option<std::net::TcpListener>,
    allowed_udp: std::net::UdpSocket,
    allowed: u16,
    denied: Trap,
    unlisted: Trap,
    policy: Arc<pysocket_host::Policy>,
}

impl World {
    fn new() -> World {
        let allowed_v4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let allowed = allowed_v4.local_addr().unwrap().port();
        let allowed_v6 = std::net::TcpListener::bind(("::1", allowed)).ok();
        let allowed_udp = std::net::UdpSocket::bind(("127.0.0.1", allowed)).unwrap();
        for l in std::iter::once(&allowed_v4).chain(allowed_v6.as_ref()) {
            l.set_nonblocking(true).unwrap();
        }
        allowed_udp.set_nonblocking(true).unwrap();
        let denied = Trap::new("127.0.0.1");
        let unlisted = Trap::new("127.0.0.1");
        let policy = PolicyBuilder::new()
            .allow_net_spec(&format!("127.0.0.1:{allowed}"))
            .unwrap()
            .allow_net_spec(&format!("[::1]:{allowed}"))
            .unwrap()
            .allow_net_spec(&format!("localhost:{allowed}"))
            .unwrap()
            .allow_net_spec("rebind.test")
            .unwrap()
            .allow_net_spec("*")
            .unwrap()
            .deny_net_spec(&format!("127.0.0.1:{}", denied.port()))
            .unwrap()
            .allow_bind_spec("127.0.0.1:*")
            .unwrap()
            .allow_bind_spec("[::1]:*")
            .unwrap()
            .max_sockets(64)
            .hosts_table(
                HostsTable::parse("127.0.0.1 localhost\n::1 localhost\n127.0.0.1 rebind.test\n")
                    .unwrap(),
            )
            .build();
        World {
            allowed_v4,
            allowed_v6,
            allowed_udp,
            allowed,
            denied,
            unlisted,
            policy: Arc::new(policy),
        }
    }

    /// Takes what reached the allowed sink off its queues; how much.
    fn drain_allowed(&self) -> usize {
        let mut n = 0;
        for l in std::iter::once(&self.allowed_v4).chain(self.allowed_v6.as_ref()) {
            while l.accept().is_ok() {
                n += 1;
            }
        }
        let mut buf = [0u8; 4096];
        while self.allowed_udp.recv_from(&mut buf).is_ok() {
            n += 1;
        }
        n
    }

    fn address(&self, target: Target, v6: bool) -> Address {
        let (host, port) = match target {
            Target::Allowed => (
                if v6 { "::1" } else { "127.0.0.1" }.to_owned(),
                self.allowed,
            ),
            Target::Denied => (
                if v6 { "::1" } else { "127.0.0.1" }.to_owned(),
                self.denied.port(),
            ),
            Target::Unlisted => ("127.0.0.1".to_owned(), self.unlisted.port()),
            Target::Localhost => ("localhost".to_owned(), self.allowed),
            Target::Rebind => ("rebind.test".to_owned(), self.denied.port()),
            Target::Mapped => ("::ffff:127.0.0.1".to_owned(), self.denied.port()),
            Target::Zero => (if v6 { "::1" } else { "127.0.0.1" }.to_owned(), 0),
        };
        if v6 {
            Address::Inet6(Inet6Address {
                host,
                port,
                flowinfo: 0,
                scope_id: 0,
            })
        } else {
            Address::Inet(InetAddress { host, port })
        }
    }
}

/// An error a call may give: an OS-style error is fine, a trap is not.
fn no_trap<T>(r: Result<T, SocketError>, op: &Op) -> Result<Option<T>, TestCaseError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(SocketError::Trap(e)) => Err(TestCaseError::fail(format!("{op:?} trapped: {e}"))),
        Err(_) => Ok(None),
    }
}

/// Runs one sequence in a fresh guest context.
async fn run_sequence(world: &World, ops: &[Op]) -> Result<usize, TestCaseError> {
    let mut ctx = PysocketCtx::builder().policy(world.policy.clone()).build();
    let mut h = PysocketImpl { ctx: &mut ctx };
    // Descriptors the sequence made, with their family; s picks one (or,
    // one time in 16, a number that is probably not open).
    let mut fds: Vec<(u32, bool)> = Vec::new();
    let pick = |fds: &Vec<(u32, bool)>, s: u8| -> (u32, bool) {
        if fds.is_empty() || s >= 240 {
            (u32::from(s), false)
        } else {
            fds[usize::from(s) % fds.len()]
        }
    };
    let mut executed = 0;
    for op in ops {
        executed += 1;
        match op {
            Op::Create { v6, dgram } => {
                let family = if *v6 { libc::AF_INET6 } else { libc::AF_INET };
                let kind = if *dgram {
                    libc::SOCK_DGRAM
                } else {
                    libc::SOCK_STREAM
                };
                if let Some(fd) = no_trap(SocketHost::create(&mut h, family, kind, 0), op)? {
                    // Non-blocking, so that no call waits.
                    no_trap(SocketHost::set_timeout(&mut h, fd, Some(0)), op)?;
                    fds.push((fd, *v6));
                }
            }
            Op::Bind { s, target } => {
                let (fd, v6) = pick(&fds, *s);
                let a = world.address(*target, v6);
                no_trap(SocketHost::bind(&mut h, fd, a).await, op)?;
            }
            Op::Listen { s, backlog } => {
                let (fd, _) = pick(&fds, *s);
                no_trap(SocketHost::listen(&mut h, fd, *backlog).await, op)?;
            }
            Op::Connect { s, target } => {
                let (fd, v6) = pick(&fds, *s);
                let a = world.address(*target, v6);
                no_trap(SocketHost::connect(&mut h, fd, a).await, op)?;
            }
            Op::SendTo { s, target, len } => {
                let (fd, v6) = pick(&fds, *s);
                let a = world.address(*target, v6);
                let data = vec![b'x'; usize::from(*len)];
                no_trap(SocketHost::sendto(&mut h, fd, data, 0, a).await, op)?;
            }
            Op::SendMsg { s, target } => {
                let (fd, v6) = pick(&fds, *s);
                let a = world.address(*target, v6);
                no_trap(
                    SocketHost::sendmsg(&mut h, fd, vec!["m".into()], Vec::new(), 0, Some(a)).await,
                    op,
                )?;
            }
            Op::Send { s, len } => {
                let (fd, _) = pick(&fds, *s);
                let data = vec![b'y'; usize::from(*len)];
                no_trap(SocketHost::send(&mut h, fd, data, 0).await, op)?;
            }
            Op::Recv { s, len } => {
                let (fd, _) = pick(&fds, *s);
                no_trap(SocketHost::recv(&mut h, fd, u32::from(*len), 0).await, op)?;
            }
            Op::RecvFrom { s } => {
                let (fd, _) = pick(&fds, *s);
                no_trap(SocketHost::recvfrom(&mut h, fd, 2048, 0).await, op)?;
            }
            Op::Accept { s } => {
                let (fd, v6) = pick(&fds, *s);
                if let Some((new, _)) = no_trap(SocketHost::accept(&mut h, fd).await, op)? {
                    fds.push((new, v6));
                }
            }
            Op::Shutdown { s, how } => {
                let (fd, _) = pick(&fds, *s);
                no_trap(SocketHost::shutdown(&mut h, fd, *how), op)?;
            }
            Op::Dup { s } => {
                let (fd, v6) = pick(&fds, *s);
                if let Some(new) = no_trap(SocketHost::dup(&mut h, fd), op)? {
                    fds.push((new, v6));
                }
            }
            Op::Close { s } => {
                let (fd, _) = pick(&fds, *s);
                if no_trap(SocketHost::close(&mut h, fd), op)?.is_some() {
                    fds.retain(|(f, _)| *f != fd);
                }
            }
            Op::SetBuf { s, value } => {
                let (fd, _) = pick(&fds, *s);
                no_trap(
                    SocketHost::setsockopt(
                        &mut h,
                        fd,
                        libc::SOL_SOCKET,
                        libc::SO_SNDBUF,
                        SockoptValue::Int(*value),
                    ),
                    op,
                )?;
            }
            Op::Lookup { target } => {
                let name = match world.address(*target, false) {
                    Address::Inet(a) => a.host,
                    _ => unreachable!(),
                };
                no_trap(
                    ResolveHost::getaddrinfo(&mut h, Some(name), None, 0, 0, 0, 0).await,
                    op,
                )?;
            }
        }
    }
    drop(ctx);
    Ok(executed)
}

#[test]
fn random_operation_sequences_keep_the_host_sound() {
    let budget = Duration::from_secs(
        std::env::var("PYSOCKET_FUZZ_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let world = World::new();
    let _guard = rt.enter();
    // Warm up: the first sequence opens what the runtime keeps (epoll).
    let warm_up = [
        Op::Create {
            v6: false,
            dgram: false,
        },
        Op::Lookup {
            target: Target::Mapped,
        },
        Op::Lookup {
            target: Target::Localhost,
        },
    ];
    rt.block_on(run_sequence(&world, &warm_up)).unwrap();
    // The harness reaches real sockets: an allowed connect and send arrive.
    let control = [
        Op::Create {
            v6: false,
            dgram: false,
        },
        Op::Connect {
            s: 0,
            target: Target::Allowed,
        },
        Op::Create {
            v6: false,
            dgram: true,
        },
        Op::SendTo {
            s: 1,
            target: Target::Localhost,
            len: 3,
        },
    ];
    rt.block_on(run_sequence(&world, &control)).unwrap();
    assert_eq!(
        world.drain_allowed(),
        2,
        "the control sequence did not arrive"
    );
    let baseline = open_fds();
    let started = Instant::now();
    let (sequences, operations, reached) = (Cell::new(0u64), Cell::new(0u64), Cell::new(0u64));
    let strategy = proptest::collection::vec(op(), 1..40);
    while started.elapsed() < budget {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&strategy, |ops| {
            let executed = rt.block_on(run_sequence(&world, &ops))?;
            operations.set(operations.get() + executed as u64);
            sequences.set(sequences.get() + 1);
            let fds = open_fds();
            prop_assert_eq!(fds, baseline, "descriptors leaked");
            prop_assert_eq!(world.denied.arrivals(), 0, "the denied port was reached");
            prop_assert_eq!(world.unlisted.arrivals(), 0, "an unlisted port was reached");
            reached.set(reached.get() + world.drain_allowed() as u64);
            Ok(())
        });
        if let Err(e) = result {
            panic!("fuzz finding after {} sequences: {e}", sequences.get());
        }
    }
    println!(
        "fuzz: {} sequences, {} operations ({} connections/datagrams reached the allowed peer, none a trap) in {:.0}s, no finding",
        sequences.get(),
        operations.get(),
        reached.get(),
        started.elapsed().as_secs_f64()
    );
    assert!(sequences.get() > 0);
}
