//! PEM and DER input from guests: certificates (`load_verify_locations`,
//! `load_cert_chain`) and private keys, including encrypted PKCS#8 keys
//! (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, PBES2 with PBKDF2 or scrypt and
//! AES-CBC, what `openssl pkcs8 -topk8` and Python's `cryptography` write),
//! decrypted with the `pkcs8` crate.
//!
//! Not supported: OpenSSL's legacy PEM encryption (`Proc-Type: 4,ENCRYPTED`
//! headers inside `RSA PRIVATE KEY`/`EC PRIVATE KEY`), which `openssl genrsa
//! -aes256` writes; such a key is reported as unsupported, with a hint to
//! convert it with `openssl pkcs8 -topk8`.

use super::error::{TlsError, TlsResult};
use rustls::pki_types::pem::{PemObject, SectionKind};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Every certificate in PEM text, in order. Other sections are skipped.
pub fn certificates(text: &[u8]) -> TlsResult<Vec<CertificateDer<'static>>> {
    let mut out = Vec::new();
    for item in CertificateDer::pem_slice_iter(text) {
        out.push(item.map_err(|e| {
            TlsError::lib(
                "PEM",
                "BAD_BASE64_DECODE",
                format!("bad PEM certificate: {e}"),
            )
        })?);
    }
    Ok(out)
}

/// Concatenated DER certificates (`cadata` as bytes).
pub fn der_certificates(mut der: &[u8]) -> TlsResult<Vec<CertificateDer<'static>>> {
    let mut out = Vec::new();
    while !der.is_empty() {
        let len = der_length(der).ok_or_else(|| {
            TlsError::lib(
                "X509",
                "NOT_ENOUGH_DATA",
                "not enough data (bad DER certificate)",
            )
        })?;
        out.push(CertificateDer::from(der[..len].to_vec()));
        der = &der[len..];
    }
    Ok(out)
}

/// The total length of the DER element at the start of `der` (a SEQUENCE).
fn der_length(der: &[u8]) -> Option<usize> {
    if der.len() < 2 || der[0] != 0x30 {
        return None;
    }
    let first = der[1] as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 || der.len() < 2 + n {
            return None;
        }
        let len = der[2..2 + n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, 2 + n)
    };
    let total = header.checked_add(len)?;
    (total <= der.len()).then_some(total)
}

const ENCRYPTED_BEGIN: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
const ENCRYPTED_END: &str = "-----END ENCRYPTED PRIVATE KEY-----";

/// The first private key in PEM text. An encrypted PKCS#8 key needs
/// `password`; a password given for a plain key is ignored (as OpenSSL does).
pub fn private_key(text: &[u8], password: Option<&[u8]>) -> TlsResult<PrivateKeyDer<'static>> {
    let as_text = String::from_utf8_lossy(text);
    if let Some(start) = as_text.find(ENCRYPTED_BEGIN) {
        let end = as_text[start..]
            .find(ENCRYPTED_END)
            .map(|e| start + e + ENCRYPTED_END.len())
            .ok_or_else(no_key)?;
        return decrypt_pkcs8(&as_text[start..end], password);
    }
    if as_text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(TlsError::Unsupported(
            "private keys with legacy PEM encryption (Proc-Type: 4,ENCRYPTED) are not \
             supported by pysocket's TLS; convert the key to encrypted PKCS#8 with \
             `openssl pkcs8 -topk8 -in KEY -out KEY.p8`"
                .into(),
        ));
    }
    for section in rustls::pki_types::pem::PemObject::pem_slice_iter(text) {
        let (kind, der): (SectionKind, Vec<u8>) = section
            .map_err(|e| TlsError::lib("PEM", "BAD_BASE64_DECODE", format!("bad PEM key: {e}")))?;
        match kind {
            SectionKind::PrivateKey => {
                return Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)))
            }
            SectionKind::RsaPrivateKey => return Ok(PrivateKeyDer::Pkcs1(der.into())),
            SectionKind::EcPrivateKey => return Ok(PrivateKeyDer::Sec1(der.into())),
            _ => continue,
        }
    }
    Err(no_key())
}

fn no_key() -> TlsError {
    TlsError::lib(
        "PEM",
        "NO_START_LINE",
        "no start line (no private key found)",
    )
}

fn decrypt_pkcs8(pem: &str, password: Option<&[u8]>) -> TlsResult<PrivateKeyDer<'static>> {
    use pkcs8::der::Decode;
    let Some(password) = password else {
        return Err(TlsError::lib(
            "PEM",
            "BAD_PASSWORD_READ",
            "bad password read (the private key is encrypted and no password was given)",
        ));
    };
    let (label, doc) = pkcs8::der::Document::from_pem(pem)
        .map_err(|e| TlsError::lib("PEM", "BAD_BASE64_DECODE", format!("bad PEM key: {e}")))?;
    if label != "ENCRYPTED PRIVATE KEY" {
        return Err(no_key());
    }
    let info = pkcs8::EncryptedPrivateKeyInfo::from_der(doc.as_bytes()).map_err(|e| {
        TlsError::lib(
            "ASN1",
            "NESTED_ASN1_ERROR",
            format!("bad encrypted key: {e}"),
        )
    })?;
    let plain = info.decrypt(password).map_err(|e| match e {
        pkcs8::Error::EncryptedPrivateKey(
            pkcs8::pkcs5::Error::UnsupportedAlgorithm { .. }
            | pkcs8::pkcs5::Error::NoPbes1CryptSupport
            | pkcs8::pkcs5::Error::AlgorithmParametersInvalid { .. },
        ) => TlsError::Unsupported(format!(
            "this private key's encryption is not supported by pysocket's TLS ({e}); \
                 PBES2 with PBKDF2 or scrypt and AES-CBC is"
        )),
        _ => TlsError::lib("EVP", "BAD_DECRYPT", "bad decrypt"),
    })?;
    Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        plain.as_bytes().to_vec(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths() {
        assert_eq!(der_length(&[0x30, 0x03, 1, 2, 3]), Some(5));
        assert_eq!(der_length(&[0x30, 0x81, 0x01, 9]), Some(4));
        assert_eq!(der_length(&[0x30, 0x05, 1]), None);
        assert_eq!(der_length(&[0x04, 0x00]), None);
        assert_eq!(
            der_certificates(&[0x30, 0x00, 0x30, 0x01, 7])
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn no_key_and_legacy_encryption_are_reported() {
        assert!(matches!(
            private_key(b"nothing here", None),
            Err(TlsError::Ssl { .. })
        ));
        let legacy = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            private_key(legacy, Some(b"pw")),
            Err(TlsError::Unsupported(_))
        ));
    }
}
