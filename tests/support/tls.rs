//! TLS test support: a throw-away PKI made with `rcgen` at test time (one
//! per test process, in a temporary directory), and native TLS peers:
//! `openssl s_server`/`s_client` (Debian's `openssl`) and host CPython with
//! OpenSSL running `tests/tls_peers/peer.py`. Loopback only.

use crate::{repo_root, BOUND};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

/// Certificates and keys for the TLS tests, as PEM files in [`Pki::dir`].
///
/// | file | what |
/// |---|---|
/// | `ca.pem` | the test CA |
/// | `server.pem`/`.key` | `localhost` + `127.0.0.1`, signed by the CA |
/// | `wrong-name.pem`/`.key` | `other.example`, signed by the CA |
/// | `expired.pem`/`.key` | `localhost`, signed by the CA, expired in 2021 |
/// | `self-signed.pem`/`.key` | `localhost`, self-signed |
/// | `other-ca.pem` | a CA that signed none of these |
/// | `client.pem`/`.key` | a client certificate signed by the CA |
/// | `server-encrypted.key` | `server.key` as encrypted PKCS#8, password `secret` |
#[derive(Debug)]
pub struct Pki {
    pub dir: PathBuf,
}

impl Pki {
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// The path as a string (for arguments).
    pub fn arg(&self, file: &str) -> String {
        self.path(file).to_string_lossy().into_owned()
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    (params.self_signed(&key).unwrap(), key)
}

fn leaf_params(names: &[&str], cn: &str) -> CertificateParams {
    let mut params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "pysocket tests");
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params
}

/// The PKI of this test process (made on first use).
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pysocket-pki-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (ca_cert, ca_key) = ca("pysocket test CA");
        write(&dir, "ca.pem", &ca_cert.pem());
        let (other_ca, _) = ca("unrelated CA");
        write(&dir, "other-ca.pem", &other_ca.pem());

        let signed = |file: &str, params: CertificateParams| {
            let key = KeyPair::generate().unwrap();
            let cert = params.signed_by(&key, &ca_cert, &ca_key).unwrap();
            write(&dir, &format!("{file}.pem"), &cert.pem());
            write(&dir, &format!("{file}.key"), &key.serialize_pem());
        };
        signed(
            "server",
            leaf_params(&["localhost", "127.0.0.1"], "localhost"),
        );
        signed(
            "wrong-name",
            leaf_params(&["other.example"], "other.example"),
        );
        signed("client", leaf_params(&["client.example"], "test client"));
        let mut expired = leaf_params(&["localhost", "127.0.0.1"], "localhost");
        expired.not_before = rcgen::date_time_ymd(2020, 1, 1);
        expired.not_after = rcgen::date_time_ymd(2021, 1, 1);
        signed("expired", expired);

        let key = KeyPair::generate().unwrap();
        let cert = leaf_params(&["localhost", "127.0.0.1"], "localhost")
            .self_signed(&key)
            .unwrap();
        write(&dir, "self-signed.pem", &cert.pem());
        write(&dir, "self-signed.key", &key.serialize_pem());

        let status = Command::new("openssl")
            .args([
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-passout",
                "pass:secret",
            ])
            .arg("-in")
            .arg(dir.join("server.key"))
            .arg("-out")
            .arg(dir.join("server-encrypted.key"))
            .status()
            .expect("running openssl (Debian package `openssl`)");
        assert!(status.success(), "openssl pkcs8 failed");
        Pki { dir }
    })
}

/// A native peer process; killed when dropped.
pub struct NativePeer {
    child: Child,
    out: BufReader<ChildStdout>,
    pub port: u16,
}

impl NativePeer {
    fn start(mut cmd: Command, port_prefix: &str) -> NativePeer {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting a native TLS peer");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut port = None;
        let mut line = String::new();
        while port.is_none() {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("native peer exited before saying its port");
            }
            if let Some(rest) = line.trim().strip_prefix(port_prefix) {
                port = rest.rsplit(':').next().and_then(|p| p.trim().parse().ok());
            }
        }
        NativePeer {
            child,
            out,
            port: port.unwrap(),
        }
    }

    /// `tests/tls_peers/peer.py ARGS` under the host's python3 (OpenSSL).
    pub fn python(args: &[&str]) -> NativePeer {
        let mut cmd = Command::new("python3");
        cmd.arg(repo_root().join("tests/tls_peers/peer.py"))
            .args(args)
            .args(["--deadline", &BOUND.as_secs().to_string()]);
        NativePeer::start(cmd, "PORT ")
    }

    /// `openssl s_server` on an ephemeral loopback port with `cert`/`key`
    /// and extra arguments.
    pub fn s_server(cert: &Path, key: &Path, extra: &[&str]) -> NativePeer {
        let mut cmd = Command::new("openssl");
        cmd.args(["s_server", "-accept", "127.0.0.1:0", "-cert"])
            .arg(cert)
            .arg("-key")
            .arg(key)
            .args(extra);
        NativePeer::start(cmd, "ACCEPT ")
    }

    /// Reads the peer's output to its end (the peer exits by itself:
    /// `peer.py` within its deadline, `s_server` after `-naccept`) and
    /// returns what it printed after its port line.
    pub fn finish(mut self) -> String {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut self.out, &mut rest);
        let _ = self.child.wait();
        rest
    }
}

impl Drop for NativePeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `tests/tls_peers/peer.py client ARGS` (a native TLS client);
/// `finish_client` collects its output.
pub fn python_client(args: &[&str]) -> Child {
    Command::new("python3")
        .arg(repo_root().join("tests/tls_peers/peer.py"))
        .arg("client")
        .args(args)
        .args(["--deadline", &BOUND.as_secs().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the native TLS client")
}

/// The output of a [`python_client`] once it has exited (it exits within
/// its deadline).
pub async fn finish_client(child: Child) -> String {
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The value of the last `KEY=value` line of `text`.
pub fn value_of(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}=");
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
}
