//! The cipher suites the host offers (rustls with the `ring` provider),
//! under the names OpenSSL gives them, and OpenSSL-style cipher lists
//! (`SSLContext.set_ciphers`) over them.

use super::error::{TlsError, TlsResult};
use rustls::{CipherSuite, SupportedCipherSuite};

/// One suite as OpenSSL describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuiteInfo {
    pub suite: CipherSuite,
    pub openssl_name: &'static str,
    /// `TLSv1.2` or `TLSv1.3`.
    pub protocol: &'static str,
    pub bits: u32,
    pub kea: &'static str,
    pub auth: &'static str,
    pub symmetric: &'static str,
    /// The MAC's digest for `get_ciphers()`; AEAD suites name their PRF hash.
    pub digest: &'static str,
    /// Keywords an OpenSSL cipher list may select it by.
    keywords: &'static [&'static str],
}

macro_rules! suite {
    ($suite:ident, $name:literal, $proto:literal, $bits:literal, $kea:literal, $auth:literal, $sym:literal, $digest:literal, [$($kw:literal),*]) => {
        SuiteInfo {
            suite: CipherSuite::$suite,
            openssl_name: $name,
            protocol: $proto,
            bits: $bits,
            kea: $kea,
            auth: $auth,
            symmetric: $sym,
            digest: $digest,
            keywords: &[$($kw),*],
        }
    };
}

/// Every suite of the ring provider, in rustls's order of preference.
pub const SUITES: &[SuiteInfo] = &[
    suite!(
        TLS13_AES_256_GCM_SHA384,
        "TLS_AES_256_GCM_SHA384",
        "TLSv1.3",
        256,
        "kx-any",
        "auth-any",
        "aes-256-gcm",
        "sha384",
        []
    ),
    suite!(
        TLS13_AES_128_GCM_SHA256,
        "TLS_AES_128_GCM_SHA256",
        "TLSv1.3",
        128,
        "kx-any",
        "auth-any",
        "aes-128-gcm",
        "sha256",
        []
    ),
    suite!(
        TLS13_CHACHA20_POLY1305_SHA256,
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLSv1.3",
        256,
        "kx-any",
        "auth-any",
        "chacha20-poly1305",
        "sha256",
        []
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLSv1.2",
        256,
        "kx-ecdhe",
        "auth-ecdsa",
        "aes-256-gcm",
        "sha384",
        [
            "ECDHE", "EECDH", "KECDHE", "ECDSA", "AECDSA", "AES", "AES256", "AESGCM", "SHA384",
            "AEAD"
        ]
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLSv1.2",
        128,
        "kx-ecdhe",
        "auth-ecdsa",
        "aes-128-gcm",
        "sha256",
        [
            "ECDHE", "EECDH", "KECDHE", "ECDSA", "AECDSA", "AES", "AES128", "AESGCM", "SHA256",
            "AEAD"
        ]
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "TLSv1.2",
        256,
        "kx-ecdhe",
        "auth-ecdsa",
        "chacha20-poly1305",
        "sha256",
        ["ECDHE", "EECDH", "KECDHE", "ECDSA", "AECDSA", "CHACHA20", "SHA256", "AEAD"]
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        "ECDHE-RSA-AES256-GCM-SHA384",
        "TLSv1.2",
        256,
        "kx-ecdhe",
        "auth-rsa",
        "aes-256-gcm",
        "sha384",
        ["ECDHE", "EECDH", "KECDHE", "RSA", "ARSA", "AES", "AES256", "AESGCM", "SHA384", "AEAD"]
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        "ECDHE-RSA-AES128-GCM-SHA256",
        "TLSv1.2",
        128,
        "kx-ecdhe",
        "auth-rsa",
        "aes-128-gcm",
        "sha256",
        ["ECDHE", "EECDH", "KECDHE", "RSA", "ARSA", "AES", "AES128", "AESGCM", "SHA256", "AEAD"]
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        "ECDHE-RSA-CHACHA20-POLY1305",
        "TLSv1.2",
        256,
        "kx-ecdhe",
        "auth-rsa",
        "chacha20-poly1305",
        "sha256",
        ["ECDHE", "EECDH", "KECDHE", "RSA", "ARSA", "CHACHA20", "SHA256", "AEAD"]
    ),
];

/// Keywords every suite answers to (all of them are strong, forward-secret
/// AEAD suites).
const EVERY_SUITE: &[&str] = &[
    "ALL",
    "DEFAULT",
    "HIGH",
    "FIPS",
    "TLSV1.2",
    "COMPLEMENTOFDEFAULT",
];

/// What OpenSSL knows about `suite`.
pub fn info(suite: CipherSuite) -> Option<&'static SuiteInfo> {
    SUITES.iter().find(|s| s.suite == suite)
}

impl SuiteInfo {
    fn is_tls13(&self) -> bool {
        self.protocol == "TLSv1.3"
    }

    fn matches(&self, word: &str) -> bool {
        let word = word.to_ascii_uppercase();
        self.openssl_name == word
            || format!("{:?}", self.suite) == word
            || self.keywords.contains(&word.as_str())
            || EVERY_SUITE.contains(&word.as_str())
    }
}

/// Applies an OpenSSL cipher list to the TLS 1.2 suites (TLS 1.3 suites
/// always stay, as with OpenSSL's `SSL_CTX_set_cipher_list`). Returns the
/// chosen suites in the provider's order of preference.
pub fn select(spec: &str) -> TlsResult<Vec<CipherSuite>> {
    let mut chosen: Vec<CipherSuite> = Vec::new();
    let mut banned: Vec<CipherSuite> = Vec::new();
    for token in spec.split([':', ',', ' ']).filter(|t| !t.is_empty()) {
        if token.starts_with('@') {
            continue; // @SECLEVEL=n, @STRENGTH: every suite here is strong.
        }
        let (op, body) = match token.as_bytes()[0] {
            b'!' | b'-' | b'+' => (token.as_bytes()[0], &token[1..]),
            _ => (b' ', token),
        };
        let parts: Vec<&str> = body.split('+').filter(|p| !p.is_empty()).collect();
        let hits = SUITES
            .iter()
            .filter(|s| !s.is_tls13() && parts.iter().all(|p| s.matches(p)))
            .map(|s| s.suite);
        match op {
            b'!' => banned.extend(hits),
            b'-' => {
                let hits: Vec<_> = hits.collect();
                chosen.retain(|s| !hits.contains(s));
            }
            // `+X` moves suites to the end; order is the provider's here.
            b'+' => {}
            _ => {
                for s in hits {
                    if !chosen.contains(&s) {
                        chosen.push(s);
                    }
                }
            }
        }
    }
    chosen.retain(|s| !banned.contains(s));
    if chosen.is_empty() {
        return Err(TlsError::ssl(
            "NO_CIPHER_MATCH",
            "No cipher can be selected.",
        ));
    }
    Ok(SUITES
        .iter()
        .map(|s| s.suite)
        .filter(|s| chosen.contains(s) || info(*s).is_some_and(SuiteInfo::is_tls13))
        .collect())
}

/// The provider's suites restricted to `allowed` (all when `None`).
pub fn filter(
    all: &[SupportedCipherSuite],
    allowed: Option<&[CipherSuite]>,
) -> Vec<SupportedCipherSuite> {
    all.iter()
        .filter(|s| allowed.is_none_or(|a| a.contains(&s.suite())))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_suite_has_an_openssl_name() {
        for s in rustls::crypto::ring::default_provider().cipher_suites {
            assert!(info(s.suite()).is_some(), "{:?}", s.suite());
        }
    }

    #[test]
    fn cipher_lists() {
        let tls12 = |v: Vec<CipherSuite>| {
            v.into_iter()
                .filter(|s| !info(*s).unwrap().is_tls13())
                .count()
        };
        assert_eq!(tls12(select("DEFAULT").unwrap()), 6);
        assert_eq!(tls12(select("ECDHE+AESGCM:!ECDSA").unwrap()), 2);
        assert_eq!(tls12(select("ECDHE-RSA-AES128-GCM-SHA256").unwrap()), 1);
        assert_eq!(tls12(select("HIGH:!CHACHA20:@SECLEVEL=2").unwrap()), 4);
        assert!(matches!(select("RC4-SHA"), Err(TlsError::Ssl { .. })));
        assert!(matches!(select("ALL:!ALL"), Err(TlsError::Ssl { .. })));
    }
}
