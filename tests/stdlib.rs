//! Stdlib networking layers, unmodified, inside guests: client and server
//! in two guests of one host where the protocol needs both at once (the
//! guest CPython has no threads).

use pysocket_host::runtime::PythonGuest;
use pysocket_tests::*;

/// Runs a server guest and a client guest sharing a directory (for the
/// port handoff); returns both outcomes.
async fn pair(server: &str, client: &str) -> (Outcome, Outcome) {
    let shared =
        std::env::temp_dir().join(format!("pysocket-pair-{}-{server}", std::process::id()));
    std::fs::create_dir_all(&shared).unwrap();
    let with_dir = |g: PythonGuest| PythonGuest {
        config: g.config.dir(&shared, "/shared", true),
        ..g
    };
    let server = tokio::spawn(run(with_dir(guest(
        server,
        &["/shared".into()],
        loopback_policy(),
    ))));
    let client = run(with_dir(guest(
        client,
        &["/shared".into()],
        loopback_policy(),
    )))
    .await;
    let server = server.await.unwrap();
    let _ = std::fs::remove_dir_all(&shared);
    (server, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xmlrpc_client_and_server() {
    let (server, client) = pair("xmlrpc_server.py", "xmlrpc_client.py").await;
    client.assert_ok();
    server.assert_ok();
    assert_eq!(client.expect("add"), "42");
    assert_eq!(client.expect("reverse"), "tekcosyp");
    assert_eq!(server.expect("served"), "2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtplib_against_an_asyncio_smtp_server() {
    let (server, client) = pair("smtp_server.py", "smtp_client.py").await;
    client.assert_ok();
    server.assert_ok();
    assert_eq!(client.expect("refused"), "{}");
    assert_eq!(server.expect("subject"), "Subject: hello from a wasm guest");
    assert_eq!(
        server.expect("last_line"),
        "sent with smtplib over pysocket"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asyncio_server_with_100_concurrent_clients() {
    let out = run(guest("asyncio_100.py", &[], loopback_policy())).await;
    out.assert_ok();
    assert_eq!(out.expect("clients"), "100");
    let expected: usize = (0..100)
        .map(|i: usize| {
            (0..10)
                .map(|j: usize| format!("client {i} message {j}\n").len())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(out.expect("bytes"), expected.to_string());
}
