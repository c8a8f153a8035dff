//! TLS through pysocket (`ssl` in the guest, rustls in the host) against
//! real TLS peers on loopback: `openssl s_server` and host CPython with
//! OpenSSL (`tests/tls_peers/peer.py`). Certificates are made at test time
//! (`support::tls::pki`).

use pysocket_host::runtime::{Program, PythonGuest};
use pysocket_host::TrustRoots;
use pysocket_tests::tls::*;
use pysocket_tests::*;
use std::process::Command;
use std::sync::Arc;

/// A guest that may read the test PKI.
fn tls_guest(script: &str, args: &[String]) -> PythonGuest {
    let g = guest(
        script,
        args,
        loopback_policy().allow_net_spec("localhost").unwrap(),
    );
    PythonGuest {
        config: g.config.dir(&pki().dir, pki().dir.to_string_lossy(), false),
        ..g
    }
}

/// A native TLS server (`peer.py serve`) with the `localhost` certificate.
fn echo_server(extra: &[&str]) -> NativePeer {
    let (cert, key) = (pki().arg("server.pem"), pki().arg("server.key"));
    let mut args = vec!["serve", "--cert", &cert, "--key", &key];
    args.extend_from_slice(extra);
    NativePeer::python(&args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_tls13_with_alpn_against_openssl() {
    let peer = echo_server(&["--alpn", "h2,http/1.1"]);
    let out = run(tls_guest(
        "tls_client.py",
        &[
            peer.port.to_string(),
            pki().arg("ca.pem"),
            "http/1.1,h2".into(),
        ],
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("version"), "TLSv1.3");
    assert_eq!(out.expect("cipher"), "TLS_AES_256_GCM_SHA384 TLSv1.3 256");
    assert_eq!(out.expect("alpn"), "h2", "the server's preference wins");
    assert_eq!(out.expect("peer_cn"), "localhost");
    assert_eq!(
        out.expect("san"),
        "(('DNS', 'localhost'), ('IP Address', '127.0.0.1'))"
    );
    assert_eq!(out.expect("der_is_bytes"), "True");
    assert_eq!(out.expect("sslsocket"), "SSLSocket fileno_ok=True");
    assert_eq!(out.expect("echo_ok"), "True");
    assert_eq!(out.expect("select_sees_buffered"), "True pending=90");
    let log = peer.finish();
    assert!(log.contains("ALPN h2 VERSION TLSv1.3"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_tls12_against_openssl() {
    let peer = echo_server(&["--tls12"]);
    let out = run(tls_guest(
        "tls_client.py",
        &[peer.port.to_string(), pki().arg("ca.pem")],
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("version"), "TLSv1.2");
    assert_eq!(
        out.expect("cipher"),
        "ECDHE-ECDSA-AES256-GCM-SHA384 TLSv1.2 256"
    );
    assert_eq!(out.expect("alpn"), "None");
    assert_eq!(out.expect("echo_ok"), "True");
}

/// http.client (cafile=) against `openssl s_server -www`, whose status page
/// names the protocol and cipher it negotiated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_client_against_openssl_s_server() {
    let p = pki();
    let server = NativePeer::s_server(
        &p.path("server.pem"),
        &p.path("server.key"),
        &["-www", "-naccept", "1"],
    );
    let script = std::env::temp_dir().join(format!("pysocket-s-server-{}.py", std::process::id()));
    std::fs::write(
        &script,
        "import http.client, ssl, sys\n\
         ctx = ssl.create_default_context(cafile=sys.argv[2])\n\
         c = http.client.HTTPSConnection('localhost', int(sys.argv[1]), context=ctx, timeout=30)\n\
         c.request('GET', '/')\n\
         r = c.getresponse()\n\
         body = r.read().decode()\n\
         print(f'status={r.status}')\n\
         print('protocol=' + [l for l in body.splitlines() if 'Protocol' in l][0].split(':')[1].strip())\n",
    )
    .unwrap();
    let mut g = tls_guest("tls_client.py", &[]);
    g.program = Program::Script(script.clone());
    g.args = vec![server.port.to_string(), p.arg("ca.pem")];
    g.config = g.config.dir(
        std::env::temp_dir(),
        std::env::temp_dir().to_string_lossy(),
        false,
    );
    let out = run(g).await;
    let _ = std::fs::remove_file(&script);
    out.assert_ok();
    assert_eq!(out.expect("status"), "200");
    assert_eq!(out.expect("protocol"), "TLSv1.3");
    server.finish();
}

/// The four common verification failures give what CPython + OpenSSL give:
/// the script runs natively and in the guest, line for line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_failures_match_cpython_with_openssl() {
    let p = pki();
    let servers = |count: &str| {
        [
            ("mismatch", "wrong-name"),
            ("selfsigned", "self-signed"),
            ("unknownca", "server"),
            ("expired", "expired"),
            ("ok", "server"),
        ]
        .map(|(case, file)| {
            let cert = p.arg(&format!("{file}.pem"));
            let key = p.arg(&format!("{file}.key"));
            let peer =
                NativePeer::python(&["serve", "--cert", &cert, "--key", &key, "--count", count]);
            (case, peer)
        })
    };
    let args = |peers: &[(&str, NativePeer); 5]| {
        let mut a = vec![p.arg("ca.pem"), p.arg("other-ca.pem")];
        a.extend(
            peers
                .iter()
                .map(|(case, peer)| format!("{case}={}", peer.port)),
        );
        a
    };
    let native_peers = servers("1");
    let native = Command::new("python3")
        .arg(repo_root().join("tests/python/tls_verify.py"))
        .args(args(&native_peers))
        .output()
        .unwrap();
    let native = String::from_utf8_lossy(&native.stdout).into_owned();
    let guest_peers = servers("1");
    let out = run(tls_guest("tls_verify.py", &args(&guest_peers))).await;
    out.assert_ok();
    assert_eq!(
        out.expect("mismatch"),
        "SSLCertVerificationError|62|Hostname mismatch, certificate is not valid for 'localhost'.|SSL|CERTIFICATE_VERIFY_FAILED|1|[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'localhost'.|isValueError=True"
    );
    for case in ["mismatch", "selfsigned", "unknownca", "expired", "ok"] {
        assert_eq!(
            out.value(case),
            value_of(&native, case),
            "case {case}: guest vs native CPython\n--- native\n{native}\n--- guest\n{}",
            out.stdout
        );
    }
    assert!(out
        .expect("expired")
        .contains("|10|certificate has expired|"));
    assert!(out
        .expect("selfsigned")
        .contains("|18|self-signed certificate|"));
    assert!(out
        .expect("unknownca")
        .contains("|20|unable to get local issuer certificate|"));
    assert_eq!(out.expect("ok"), "connected TLSv1.3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_server_against_native_client_with_client_certificate() {
    let p = pki();
    let shared = std::env::temp_dir().join(format!("pysocket-tls-srv-{}", std::process::id()));
    std::fs::create_dir_all(&shared).unwrap();
    let port_file = shared.join("port");
    let client = python_client(&[
        "--port-file",
        &port_file.to_string_lossy(),
        "--ca",
        &p.arg("ca.pem"),
        "--cert",
        &p.arg("client.pem"),
        "--key",
        &p.arg("client.key"),
        "--alpn",
        "http/1.1",
        "--send",
        "hi from OpenSSL",
    ]);
    let g = tls_guest(
        "tls_server.py",
        &[
            "/shared".into(),
            p.arg("server.pem"),
            p.arg("server.key"),
            p.arg("ca.pem"),
        ],
    );
    let g = PythonGuest {
        config: g.config.dir(&shared, "/shared", true),
        ..g
    };
    let out = run(g).await;
    let client_out = finish_client(client).await;
    let _ = std::fs::remove_dir_all(&shared);
    out.assert_ok();
    assert_eq!(out.expect("version"), "TLSv1.3");
    assert_eq!(out.expect("alpn"), "http/1.1");
    assert_eq!(out.expect("client_cn"), "test client");
    assert_eq!(out.expect("received"), "hi from OpenSSL");
    assert_eq!(
        value_of(&client_out, "reply").as_deref(),
        Some("echo:hi from OpenSSL"),
        "{client_out}"
    );
    assert_eq!(value_of(&client_out, "version").as_deref(), Some("TLSv1.3"));
    assert_eq!(
        value_of(&client_out, "peer_cn").as_deref(),
        Some("localhost")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_against_a_silent_peer_times_out() {
    let (addr, hang_up, peer) = silent_peer();
    let out = run(tls_guest("tls_timeout.py", &[addr.port().to_string()])).await;
    out.assert_ok();
    assert_eq!(out.expect("exc"), "TimeoutError");
    assert_eq!(out.expect("is_socket_timeout"), "True");
    assert_eq!(out.expect("message"), "The handshake operation timed out");
    let elapsed: f64 = out.expect("elapsed").parse().unwrap();
    assert!((0.45..10.0).contains(&elapsed), "{elapsed}");
    hang_up.send(()).unwrap();
    peer.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_close_gives_zero_return_or_eof() {
    let close = echo_server(&["--then", "close"]);
    let abort = echo_server(&["--then", "abort"]);
    let abort2 = echo_server(&["--then", "abort"]);
    let out = run(tls_guest(
        "tls_eof.py",
        &[
            pki().arg("ca.pem"),
            close.port.to_string(),
            abort.port.to_string(),
            abort2.port.to_string(),
        ],
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("close_notify_read"), "b''");
    assert_eq!(out.expect("abort"), "SSLEOFError errno=8 eof=True");
    assert_eq!(out.expect("abort_suppressed"), "b''");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unwrap_returns_to_plain_text() {
    let peer = echo_server(&["--then", "unwrap"]);
    let out = run(tls_guest(
        "tls_unwrap.py",
        &[peer.port.to_string(), pki().arg("ca.pem")],
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("plain_type"), "SSLSocket same=True");
    assert_eq!(out.expect("version_after"), "None");
    assert_eq!(out.expect("reply"), "b'plain:over tls\\nNOW PLAIN\\n'");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urllib_and_http_client_over_https() {
    let p = pki();
    let server = NativePeer::python(&[
        "https",
        "--cert",
        &p.arg("server.pem"),
        "--key",
        &p.arg("server.key"),
        "--count",
        "3",
    ]);
    let mut g = tls_guest(
        "tls_https.py",
        &[
            server.port.to_string(),
            p.arg("ca.pem"),
            p.arg("other-ca.pem"),
        ],
    );
    // urllib's default context trusts the embedder's roots: --ca-file.
    g.config.trust_roots = Some(Arc::new(
        TrustRoots::new()
            .without_system_roots()
            .ca_file(p.path("ca.pem")),
    ));
    let out = run(g).await;
    out.assert_ok();
    assert_eq!(out.expect("urllib"), "200 hello over https");
    assert_eq!(out.expect("http_client"), "200 hello over https");
    assert_eq!(out.expect("untrusted"), "SSLCertVerificationError 20");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asyncio_tls_server_with_50_concurrent_clients() {
    let p = pki();
    let out = run(tls_guest(
        "tls_asyncio.py",
        &[p.arg("server.pem"), p.arg("server.key"), p.arg("ca.pem")],
    ))
    .await;
    out.assert_ok();
    assert_eq!(out.expect("clients"), "50");
    let expected: usize = (0..50)
        .map(|i: usize| {
            (0..10)
                .map(|j: usize| format!("client {i} message {j}\n").len())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(out.expect("bytes"), expected.to_string());
    assert_eq!(out.expect("server_versions"), "['TLSv1.3']");
}

/// A guest blocked in a TLS read suspends only itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_blocked_in_a_tls_read_does_not_stop_another() {
    let silent = echo_server(&["--then", "silent"]);
    let echo = echo_server(&[]);
    let blocked = tokio::spawn(run(tls_guest(
        "tls_blocked.py",
        &[silent.port.to_string(), pki().arg("ca.pem")],
    )));
    let busy = run(tls_guest(
        "tls_pingpong.py",
        &[echo.port.to_string(), pki().arg("ca.pem"), "300".into()],
    ))
    .await;
    busy.assert_ok();
    assert_eq!(busy.expect("done"), "300");
    assert!(
        !blocked.is_finished(),
        "the blocked guest should still be waiting in its TLS read"
    );
    drop(silent); // the peer goes away: the read ends
    let blocked = blocked.await.unwrap();
    blocked.assert_ok();
    assert_eq!(blocked.expect("handshake"), "done");
    let got = blocked.expect("got");
    assert!(got == "b''" || got.contains("Error"), "{got}");
}

/// `import websockets.asyncio.client` works, and so does a wss:// round
/// trip between its client and server (websockets 15, pure Python, from
/// PyPI into `build/pylibs` by `make test`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websockets_client_and_server_over_wss() {
    let pylibs = repo_root().join("build/pylibs");
    assert!(
        pylibs.join("websockets").is_dir(),
        "{} is missing: run `make test` (it installs websockets there)",
        pylibs.display()
    );
    let p = pki();
    let g = tls_guest(
        "tls_websockets.py",
        &[
            pylibs.to_string_lossy().into_owned(),
            p.arg("server.pem"),
            p.arg("server.key"),
            p.arg("ca.pem"),
        ],
    );
    let g = PythonGuest {
        config: g.config.dir(&pylibs, pylibs.to_string_lossy(), false),
        ..g
    };
    let out = run(g).await;
    out.assert_ok();
    assert_eq!(out.expect("imported"), "websockets 15.0.1");
    assert_eq!(out.expect("reply"), "HELLO OVER WSS");
    assert_eq!(out.expect("tls"), "TLSv1.3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_python_exception_and_the_guest_goes_on() {
    let peer = echo_server(&["--count", "2"]);
    let junk = pki().path("junk.pem");
    std::fs::write(
        &junk,
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let out = run(tls_guest(
        "tls_bad_args.py",
        &[
            peer.port.to_string(),
            pki().arg("ca.pem"),
            junk.to_string_lossy().into_owned(),
        ],
    ))
    .await;
    out.assert_ok();
    assert_eq!(
        out.expect("results"),
        "read_unknown_fd:OSError,handshake_plain_socket:OSError,write_not_bytes:TypeError,\
         write_unknown_fd:OSError,decode_junk:SSLError,tlsv1_context:ValueError,\
         cert_chain_junk:SSLError,udp_wrap:NotImplementedError,\
         sni_callback:NotImplementedError,attach_twice:OSError,bio_not_bytes:TypeError,\
         bio_junk:SSLError,context_limit:OSError"
    );
    // Contexts count against the socket limit (1024 by default); the
    // guest holds one more of its own.
    let held: usize = out.expect("contexts_held").parse().unwrap();
    assert!((1000..1024).contains(&held), "{held}");
    assert_eq!(out.expect("afterwards"), "ok TLSv1.3");
}

/// `http.server` behind TLS in a guest, fetched by a native client
/// (CPython + OpenSSL) that verifies the guest's certificate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_server_behind_tls_in_a_guest() {
    let p = pki();
    let shared = std::env::temp_dir().join(format!("pysocket-tls-http-{}", std::process::id()));
    std::fs::create_dir_all(&shared).unwrap();
    let client = python_client(&[
        "--port-file",
        &shared.join("port").to_string_lossy(),
        "--ca",
        &p.arg("ca.pem"),
        "--send",
        "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n",
    ]);
    let g = tls_guest(
        "tls_http_server.py",
        &["/shared".into(), p.arg("server.pem"), p.arg("server.key")],
    );
    let g = PythonGuest {
        config: g.config.dir(&shared, "/shared", true),
        ..g
    };
    let out = run(g).await;
    let client_out = finish_client(client).await;
    let _ = std::fs::remove_dir_all(&shared);
    out.assert_ok();
    assert_eq!(out.expect("served"), "1");
    assert_eq!(
        value_of(&client_out, "version").as_deref(),
        Some("TLSv1.3"),
        "{client_out}"
    );
    assert!(
        client_out.contains("HTTP/1.0 200 OK")
            && client_out.ends_with("hello from a wasm guest over TLSv1.3\n"),
        "{client_out}"
    );
}
