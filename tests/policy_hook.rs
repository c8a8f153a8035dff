//! The embedder's per-use policy hook (`PolicyBuilder::policy_hook`): a
//! Python guest's connect, bind, listen, accept and send go to it, after
//! the built-in rules; what it denies is `PermissionError` naming the hook.

use pysocket_host::policy::PolicyBuilder;
use pysocket_host::SocketUse;
use pysocket_tests::*;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

type Seen = Arc<Mutex<Vec<(SocketUse, SocketAddr)>>>;

/// Rules allowing loopback connects and binds on 127.0.0.1/127.0.0.2, and
/// a hook that records every use and refuses connects and sends to
/// `denied` and connections accepted from 127.0.0.2.
fn hooked_policy(denied: u16) -> (PolicyBuilder, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let policy = PolicyBuilder::new()
        .allow_net_spec("127.0.0.0/8")
        .unwrap()
        .allow_bind_spec("127.0.0.1:*")
        .unwrap()
        .allow_bind_spec("127.0.0.2:*")
        .unwrap()
        .policy_hook(move |what, addr| {
            log.lock().unwrap().push((what, addr));
            // An async decision: it may wait (here: one yield) while other
            // guests run.
            async move {
                tokio::task::yield_now().await;
                match what {
                    SocketUse::Connect | SocketUse::Send => addr.port() != denied,
                    SocketUse::Accept => addr.ip() != std::net::Ipv4Addr::new(127, 0, 0, 2),
                    SocketUse::Bind | SocketUse::Listen => true,
                }
            }
        });
    (policy, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_decides_each_use_after_the_rules() {
    let (echo, echo_thread) = echo_server("127.0.0.1:0", 1);
    let (denied, _held) = refusing_port();
    let (policy, seen) = hooked_policy(denied);
    let out = run(guest(
        "policy_hook.py",
        &[echo.port().to_string(), denied.to_string()],
        policy,
    ))
    .await;
    out.assert_ok();

    // The rules refuse before the hook is asked.
    assert_eq!(out.expect("rules_bind"), "PermissionError eacces=True");
    let rules_msg = out.expect("rules_bind_msg");
    assert!(
        rules_msg.contains("binding 127.0.0.3:0 is not allowed")
            && rules_msg.contains("(grant it with --allow-bind)"),
        "{}",
        out.stdout
    );
    // A connect the hook denies; one it allows.
    assert_eq!(out.expect("hook_connect"), "PermissionError eacces=True");
    assert_eq!(
        out.expect("hook_connect_msg"),
        format!("pysocket policy hook: connecting to 127.0.0.1:{denied} was denied by the embedder's policy hook")
    );
    assert_eq!(out.expect("echo"), "through the hook");
    // Accepting: allowed from 127.0.0.1, denied from 127.0.0.2, whose
    // connection is closed; the listener goes on.
    assert_eq!(out.expect("accepted_from"), "127.0.0.1");
    assert_eq!(out.expect("hook_accept"), "PermissionError eacces=True");
    assert!(out
        .expect("hook_accept_msg")
        .starts_with("pysocket policy hook: accepting a connection from 127.0.0.2:"));
    let closed = out.expect("refused_peer_got");
    assert!(closed == "b''" || closed == "reset", "{closed}");
    assert_eq!(out.expect("listener_still_accepts"), "True");
    // Sending to an address.
    assert_eq!(out.expect("datagram"), "to self");
    assert_eq!(out.expect("hook_send"), "PermissionError eacces=True");
    assert!(out
        .expect("hook_send_msg")
        .contains(&format!("sending to 127.0.0.1:{denied} was denied")));

    // What the hook saw, one call per use, in order.
    let server_port: u16 = out.expect("server_port").parse().unwrap();
    let seen = seen.lock().unwrap().clone();
    let uses: Vec<SocketUse> = seen.iter().map(|(u, _)| *u).collect();
    use SocketUse::*;
    assert_eq!(
        uses,
        vec![
            Connect, Connect, // denied, allowed
            Bind, Listen, Connect, Accept, // own server, first client
            Bind, Connect, Accept, // client from 127.0.0.2: denied
            Connect, Accept, // create_connection, accepted
            Bind, Send, Send, // UDP: to itself, to DENIED
        ],
        "{seen:?}"
    );
    let addr = |s: String| s.parse::<SocketAddr>().unwrap();
    assert_eq!(seen[0].1, addr(format!("127.0.0.1:{denied}")));
    assert_eq!(seen[1].1, echo);
    assert_eq!(seen[2].1, addr("127.0.0.1:0".into()));
    assert_eq!(seen[3].1, addr(format!("127.0.0.1:{server_port}")));
    assert_eq!(seen[6].1, addr("127.0.0.2:0".into()));
    assert_eq!(seen[8].1.ip().to_string(), "127.0.0.2");
    assert_eq!(seen[13].1, addr(format!("127.0.0.1:{denied}")));
    assert!(
        !seen.iter().any(|(_, a)| a.ip().to_string() == "127.0.0.3"),
        "the hook was asked about what the rules refused: {seen:?}"
    );
    echo_thread.join().unwrap();
}

/// Without a hook nothing changes: the same guest steps the hook refused
/// are allowed by the rules alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_hook_the_rules_alone_decide() {
    let (echo, echo_thread) = echo_server("127.0.0.1:0", 2);
    let policy = PolicyBuilder::new()
        .allow_net_spec("127.0.0.0/8")
        .unwrap()
        .allow_bind_spec("127.0.0.1:*")
        .unwrap()
        .allow_bind_spec("127.0.0.2:*")
        .unwrap();
    // DENIED is the echo server too: the "denied" connect succeeds now.
    let out = run(guest(
        "policy_hook.py",
        &[echo.port().to_string(), echo.port().to_string()],
        policy,
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("rules_bind"), "PermissionError eacces=True");
    assert_eq!(out.expect("hook_connect"), "allowed");
    assert_eq!(out.expect("hook_accept"), "allowed");
    assert_eq!(out.expect("hook_send"), "allowed");
    echo_thread.join().unwrap();
}
