//! The network policy, one test per rule and per bypass class (issue 13):
//! real guests, real loopback sockets; names resolve from a hosts table the
//! test controls. A trap (TCP listener + UDP socket) sits on every target a
//! guest must not reach and counts what arrives: it must stay at zero.

use pysocket_host::net::HostsTable;
use pysocket_host::policy::PolicyBuilder;
use pysocket_host::runtime::{GuestConfig, PythonGuest, TIMEOUT_STATUS};
use pysocket_tests::*;
use std::sync::Arc;

fn probe(case: &str, args: &[String], policy: PolicyBuilder) -> PythonGuest {
    let mut all = vec![case.to_owned()];
    all.extend_from_slice(args);
    guest("policy_probe.py", &all, policy)
}

fn hosts(text: &str) -> HostsTable {
    HostsTable::parse(text).expect("hosts table")
}

/// `--allow-net '*'` is the public internet: loopback and link-local
/// stay out unless named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn star_means_the_public_internet_only() {
    let trap = Trap::new("127.0.0.1");
    let p = trap.port().to_string();
    let out = run(probe(
        "connect",
        &[
            "loop".into(),
            "127.0.0.1".into(),
            p.clone(),
            "mapped".into(),
            "::ffff:127.0.0.1".into(),
            p,
        ],
        PolicyBuilder::new().allow_net_spec("*").unwrap(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("loop"), "PermissionError");
    assert!(out.expect("loop_msg").contains("public"), "{}", out.stdout);
    // An IPv4-mapped spelling on an AF_INET socket is not even an address
    // there; either way it must not arrive.
    assert_ne!(out.expect("mapped"), "ok");
    assert_eq!(trap.arrivals(), 0);
}

/// Naming a set allows it: `*` plus `loopback:PORT` reaches that port.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_sets_are_allowed_explicitly() {
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let trap = Trap::new("127.0.0.1");
    let out = run(probe(
        "connect",
        &[
            "echo".into(),
            "127.0.0.1".into(),
            echo.port().to_string(),
            "other".into(),
            "127.0.0.1".into(),
            trap.port().to_string(),
        ],
        PolicyBuilder::new()
            .allow_net_spec("*")
            .unwrap()
            .allow_net_spec(&format!("loopback:{}", echo.port()))
            .unwrap(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("echo"), "ok");
    assert_eq!(out.expect("other"), "PermissionError");
    assert_eq!(trap.arrivals(), 0);
    server.join().unwrap();
}

/// Deny wins over allow, for numbers, networks and names, and the denial
/// names the rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_wins_over_allow() {
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let trap = Trap::new("127.0.0.1");
    let t = trap.port().to_string();
    let out = run(probe(
        "connect",
        &[
            "denied".into(),
            "127.0.0.1".into(),
            t.clone(),
            "denied_name".into(),
            "localhost".into(),
            t.clone(),
            "blocked_name".into(),
            "api.blocked.test".into(),
            t,
            "echo".into(),
            "localhost".into(),
            echo.port().to_string(),
        ],
        PolicyBuilder::new()
            .allow_net_spec("127.0.0.0/8")
            .unwrap()
            .allow_net_spec("localhost")
            .unwrap()
            .allow_net_spec("*.blocked.test")
            .unwrap()
            .deny_net_spec(&format!("127.0.0.1:{}", trap.port()))
            .unwrap()
            .deny_net_spec("*.blocked.test")
            .unwrap()
            .hosts_table(hosts("127.0.0.1 localhost\n127.0.0.1 api.blocked.test\n")),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("denied"), "PermissionError");
    assert_eq!(
        out.expect("denied_msg"),
        format!(
            "pysocket policy: connecting to 127.0.0.1:{} is denied by --deny-net 127.0.0.1:{}",
            trap.port(),
            trap.port()
        )
    );
    assert_eq!(out.expect("denied_name"), "PermissionError");
    assert_eq!(out.expect("blocked_name"), "PermissionError");
    assert!(
        out.expect("blocked_name_msg")
            .contains("--deny-net *.blocked.test"),
        "{}",
        out.stdout
    );
    assert_eq!(out.expect("echo"), "ok");
    assert_eq!(trap.arrivals(), 0);
    server.join().unwrap();
}

/// DNS rebinding and wildcard DNS: a name rule does not vouch for the
/// loopback address the name resolves to, neither by name nor by the
/// address the lookup returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_resolving_to_loopback_are_denied() {
    let trap = Trap::new("127.0.0.1");
    let t = trap.port().to_string();
    for (name, rule) in [
        ("rebind.test", "rebind.test".to_owned()),
        ("127.0.0.1.nip.test", "*.nip.test".to_owned()),
        ("anything.test", "*".to_owned()),
    ] {
        let out = run(probe(
            "lookup_then_numeric",
            &[name.into(), t.clone()],
            PolicyBuilder::new()
                .allow_net_spec(&rule)
                .unwrap()
                .hosts_table(hosts(&format!("127.0.0.1 {name}\n"))),
        ))
        .await;
        out.assert_ok();
        assert_eq!(out.expect("lookup"), "ok", "{name}");
        assert_eq!(out.expect("resolved"), "127.0.0.1");
        assert_eq!(out.expect("numeric"), "PermissionError", "{name}");
        assert_eq!(out.expect("by_name"), "PermissionError", "{name}");
        assert_eq!(trap.arrivals(), 0, "{name}");
    }
}

/// `localhost` (RFC 6761) is the one name whose rule pins loopback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localhost_rules_reach_loopback() {
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let out = run(probe(
        "connect",
        &["echo".into(), "localhost".into(), echo.port().to_string()],
        PolicyBuilder::new()
            .allow_net_spec(&format!("localhost:{}", echo.port()))
            .unwrap()
            .hosts_table(hosts("127.0.0.1 localhost\n")),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("echo"), "ok");
    server.join().unwrap();
}

/// A name with a denied and an allowed address: the connect goes to the
/// allowed one, which the check saw (the denied one's trap stays empty).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_goes_only_to_a_vetted_address() {
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let trap = std::net::TcpListener::bind(("127.0.0.2", echo.port())).unwrap();
    trap.set_nonblocking(true).unwrap();
    let out = run(probe(
        "connect",
        &[
            "twofaced".into(),
            "twofaced.test".into(),
            echo.port().to_string(),
        ],
        PolicyBuilder::new()
            .allow_net_spec(&format!("127.0.0.1:{}", echo.port()))
            .unwrap()
            .hosts_table(hosts("127.0.0.2 twofaced.test\n127.0.0.1 twofaced.test\n")),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("twofaced"), "ok");
    assert!(trap.accept().is_err(), "the unvetted address was reached");
    server.join().unwrap();
}

/// sendto and sendmsg (UDP and TCP) are checked like connect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sendto_and_sendmsg_are_checked() {
    let trap = Trap::new("127.0.0.1");
    let out = run(probe(
        "sendto",
        &["127.0.0.1".into(), trap.port().to_string()],
        PolicyBuilder::new()
            .allow_net_spec("127.0.0.0/8")
            .unwrap()
            .deny_net_spec(&format!("127.0.0.1:{}", trap.port()))
            .unwrap(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("sendto"), "PermissionError");
    assert_eq!(out.expect("sendmsg"), "PermissionError");
    assert_eq!(out.expect("tcp_sendmsg"), "PermissionError");
    assert!(
        out.expect("sendmsg_msg").contains("sending to"),
        "{}",
        out.stdout
    );
    assert_eq!(trap.arrivals(), 0);
}

/// Implicit binds: listen on an unbound socket needs --allow-bind; an
/// unbound UDP socket that sent to a peer hears that peer only (a third
/// party's datagram, sent first, is dropped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_binds_are_checked() {
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(BOUND)).unwrap();
    let stranger = std::net::UdpSocket::bind("127.0.0.2:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    let replier = std::thread::spawn(move || {
        let mut buf = [0u8; 100];
        let (_, from) = peer.recv_from(&mut buf).unwrap();
        // The stranger's datagram is queued before the reply.
        stranger.send_to(b"stranger", from).unwrap();
        peer.send_to(b"reply", from).unwrap();
    });
    let out = run(probe(
        "implicit_bind",
        &[port.to_string()],
        PolicyBuilder::new()
            .allow_net_spec(&format!("127.0.0.1:{port}"))
            .unwrap(),
    ))
    .await;
    out.assert_ok();
    replier.join().unwrap();
    assert_eq!(out.expect("listen"), "PermissionError");
    assert_eq!(out.expect("reply"), "reply from_port=True");
    assert_eq!(out.expect("more"), "BlockingIOError");
}

/// TLS does not skip the connect policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_connects_are_checked() {
    let trap = Trap::new("127.0.0.1");
    let out = run(probe(
        "tls",
        &["127.0.0.1".into(), trap.port().to_string()],
        PolicyBuilder::new().allow_net_spec("127.0.0.1:1").unwrap(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("tls_connect"), "PermissionError");
    assert_eq!(out.expect("create_connection"), "PermissionError");
    assert_eq!(trap.arrivals(), 0);
}

/// A rule with a port is that port only, and port 0 (ephemeral) needs a
/// port range that has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_in_a_rule_is_that_port_only() {
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let trap = Trap::new("127.0.0.1");
    let out = run(probe(
        "ports",
        &[echo.port().to_string(), trap.port().to_string()],
        PolicyBuilder::new()
            .allow_net_spec(&format!("127.0.0.1:{}", echo.port()))
            .unwrap()
            .allow_bind_spec(&format!("127.0.0.1:{}", echo.port()))
            .unwrap(),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("good_port"), "ok");
    assert_eq!(out.expect("other_port"), "PermissionError");
    assert_eq!(out.expect("bind_ephemeral"), "PermissionError");
    assert_eq!(out.expect("bind_named"), "PermissionError");
    assert_eq!(trap.arrivals(), 0);
    server.join().unwrap();
}

fn local_three() -> PolicyBuilder {
    PolicyBuilder::new()
        .allow_net_spec("127.0.0.1")
        .unwrap()
        .allow_bind_spec("127.0.0.1:*")
        .unwrap()
        .allow_bind_spec("127.0.0.2:*")
        .unwrap()
        .allow_bind_spec("127.0.0.3:*")
        .unwrap()
        .allow_accept_spec("127.0.0.2")
        .unwrap()
}

/// --allow-accept: a peer it does not name is reset before the guest sees
/// it; the one it names is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_filters_peers() {
    let out = run(probe("accept", &[], local_three())).await;
    out.assert_ok();
    assert_eq!(out.expect("accepted"), "127.0.0.2");
    assert_eq!(out.expect("allowed_got"), "hi");
    assert_eq!(out.expect("denied_recv"), "ConnectionResetError");
    assert_eq!(out.expect("second_accept"), "BlockingIOError");
}

/// UDP receive filtering matches accept filtering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_receive_filters_senders() {
    let out = run(probe("udp_receive", &[], local_three())).await;
    out.assert_ok();
    assert_eq!(out.expect("first"), "127.0.0.2 from=127.0.0.2");
    assert_eq!(out.expect("more"), "BlockingIOError");
}

/// Limits with defaults: socket buffers are capped (4 MiB, doubled by
/// Linux), linear memory is 1 GiB unless configured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_limits_hold() {
    let out = run(probe("limits", &[], PolicyBuilder::new())).await;
    out.assert_ok();
    let rcvbuf: usize = out.expect("rcvbuf").parse().unwrap();
    assert!(rcvbuf <= 8 << 20, "SO_RCVBUF {rcvbuf}");
    assert_eq!(out.expect("memory"), "MemoryError");
    assert!(out.peak_memory <= 1 << 30, "{}", out.peak_memory);
}

/// A name nobody knows is a gaierror.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_failure_is_gaierror() {
    let out = run(probe(
        "dns_failure",
        &["nowhere.test".into()],
        PolicyBuilder::new().hosts_table(hosts("127.0.0.1 localhost\n")),
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("gai"), "gaierror True");
}

/// --timeout stops a spinning guest with status 124 (library path).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_stops_a_spinning_guest() {
    let g = PythonGuest::new(
        pysocket_host::runtime::Program::Command("while True: pass".into()),
        Vec::new(),
        GuestConfig {
            policy: Arc::new(PolicyBuilder::new().build()),
            capture_output: true,
            timeout: Some(std::time::Duration::from_millis(500)),
            ..GuestConfig::default()
        },
    );
    let out = run(g).await;
    assert_eq!(out.status, TIMEOUT_STATUS);
}

/// The CLI: --log-net writes one line per decision, naming guest,
/// operation, address, verdict and rule; --timeout ends a guest blocked in
/// a host call with a message and status 124.
#[test]
fn cli_log_net_and_timeout() {
    let (echo, server) = echo_server("127.0.0.1:0", 1);
    let trap = Trap::new("127.0.0.1");
    let code = format!(
        "import socket\n\
         socket.create_connection(('127.0.0.1', {e}), timeout=30).close()\n\
         try:\n    socket.create_connection(('127.0.0.1', {t}), timeout=30)\n\
         except PermissionError:\n    print('denied')\n",
        e = echo.port(),
        t = trap.port()
    );
    let mut cmd = pysocket_command();
    cmd.args([
        "python",
        "--log-net",
        "--allow-net",
        "127.0.0.0/8",
        "--deny-net",
        &format!("127.0.0.1:{}", trap.port()),
        "-c",
        &code,
    ]);
    let out = output_with_input(cmd, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "denied\n");
    let allow = format!(
        "op=connect addr=127.0.0.1:{} verdict=allow rule=\"--allow-net 127.0.0.0/8\"",
        echo.port()
    );
    let deny = format!(
        "op=connect addr=127.0.0.1:{t} verdict=deny rule=\"--deny-net 127.0.0.1:{t}\"",
        t = trap.port()
    );
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("pysocket_net"))
        .collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].contains(&allow) && lines[0].contains("guest="),
        "{stderr}"
    );
    assert!(lines[1].contains(&deny), "{stderr}");
    assert_eq!(trap.arrivals(), 0);
    server.join().unwrap();

    let (silent, _hang_up, _peer) = silent_peer();
    let mut cmd = pysocket_command();
    cmd.args([
        "python",
        "--timeout",
        "1",
        "--allow-net",
        "127.0.0.1",
        "-c",
        &format!(
            "import socket\ns = socket.create_connection(('127.0.0.1', {}))\ns.recv(1)\n",
            silent.port()
        ),
    ]);
    let out = output_with_input(cmd, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(124), "{stderr}");
    assert!(stderr.contains("--timeout 1s"), "{stderr}");
}

/// Host-level checks (no wasm): a connect to a name looks it up exactly
/// once and goes to the vetted address; pins expire (TTL 0 here), after
/// which the number alone is denied while the name still works (a fresh
/// lookup pins again).
mod host_level {
    use super::*;
    use pysocket_host::bindings::resolve::Host as _;
    use pysocket_host::bindings::socket::Host as _;
    use pysocket_host::bindings::types::{Address, InetAddress};
    use pysocket_host::{PysocketCtx, PysocketImpl};

    fn inet(host: &str, port: u16) -> Address {
        Address::Inet(InetAddress {
            host: host.into(),
            port,
        })
    }

    #[tokio::test(flavor = "current_thread")]
    async fn one_lookup_per_connect_and_pins_expire() {
        let (echo, server) = echo_server("127.0.0.1:0", 3);
        let port = echo.port();
        let policy = PolicyBuilder::new()
            .allow_net_spec(&format!("localhost:{port}"))
            .unwrap()
            .pin_ttl(std::time::Duration::ZERO)
            .hosts_table(hosts("127.0.0.1 localhost\n"))
            .build();
        let mut ctx = PysocketCtx::builder().policy(policy).build();
        let mut h = PysocketImpl { ctx: &mut ctx };

        let fd = h.create(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        h.connect(fd, inet("localhost", port)).await.unwrap();
        assert_eq!(h.ctx.lookups(), 1, "one lookup for one connect by name");
        match h.getpeername(fd).unwrap() {
            Address::Inet(a) => assert_eq!((a.host.as_str(), a.port), ("127.0.0.1", port)),
            other => panic!("{other:?}"),
        }
        h.close(fd).unwrap();

        // The lookup's pin lived 0 s: the number alone is denied...
        h.getaddrinfo(Some("localhost".into()), None, libc::AF_INET, 0, 0, 0)
            .await
            .unwrap();
        let fd = h.create(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        let denied = h.connect(fd, inet("127.0.0.1", port)).await;
        assert!(denied.is_err(), "an expired pin still allowed the address");
        // ...while the name is looked up afresh and allowed.
        h.connect(fd, inet("localhost", port)).await.unwrap();
        assert_eq!(h.ctx.lookups(), 3);
        h.close(fd).unwrap();
        drop(ctx);
        // Unblock the echo server's remaining accepts.
        for _ in 0..2 {
            drop(std::net::TcpStream::connect(echo));
        }
        server.join().unwrap();
    }
}
