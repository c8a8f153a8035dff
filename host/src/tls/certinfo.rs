//! X.509 certificates decoded the way CPython's `_ssl` presents them in
//! `getpeercert()` (its `_decode_certificate`), with `x509-parser`:
//! attribute names are OpenSSL's long names, dates OpenSSL's
//! `ASN1_TIME_print` format, the serial number upper-case hex, IPv6
//! addresses in subjectAltName the uncompressed upper-case form CPython
//! writes.

use super::error::{TlsError, TlsResult};
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::*;

/// A distinguished name: RDNs of `(long name, value)` attributes.
pub type Name = Vec<Vec<(String, String)>>;

/// A decoded certificate (see the WIT record `certificate`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: Name,
    pub issuer: Name,
    pub version: u32,
    pub serial_number: String,
    pub not_before: String,
    pub not_after: String,
    pub subject_alt_names: Vec<(String, String)>,
    pub ocsp: Vec<String>,
    pub ca_issuers: Vec<String>,
    pub crl_distribution_points: Vec<String>,
}

/// Decodes a DER certificate.
pub fn decode(der: &[u8]) -> TlsResult<CertInfo> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| {
        TlsError::lib(
            "X509",
            "CERTIFICATE_PARSE_ERROR",
            format!("not a certificate: {e}"),
        )
    })?;
    let mut info = CertInfo {
        subject: name(cert.subject()),
        issuer: name(cert.issuer()),
        version: cert.version().0 + 1,
        serial_number: serial(cert.raw_serial()),
        not_before: asn1_time(cert.validity().not_before.timestamp()),
        not_after: asn1_time(cert.validity().not_after.timestamp()),
        ..CertInfo::default()
    };
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                info.subject_alt_names
                    .extend(san.general_names.iter().map(general_name));
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for desc in &aia.accessdescs {
                    let GeneralName::URI(uri) = desc.access_location else {
                        continue;
                    };
                    match desc.access_method.to_id_string().as_str() {
                        "1.3.6.1.5.5.7.48.1" => info.ocsp.push(uri.to_string()),
                        "1.3.6.1.5.5.7.48.2" => info.ca_issuers.push(uri.to_string()),
                        _ => {}
                    }
                }
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in &points.points {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        for n in names {
                            if let GeneralName::URI(uri) = n {
                                info.crl_distribution_points.push(uri.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(info)
}

fn name(n: &X509Name<'_>) -> Name {
    n.iter()
        .map(|rdn| {
            rdn.iter()
                .map(|attr| {
                    let oid = attr.attr_type().to_id_string();
                    let value = match attr.as_str() {
                        Ok(s) => s.to_string(),
                        Err(_) => String::from_utf8_lossy(attr.attr_value().data).into_owned(),
                    };
                    (long_name(&oid).map_or(oid, str::to_owned), value)
                })
                .collect()
        })
        .collect()
}

/// OpenSSL's long names of the attribute types certificates use.
fn long_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "commonName",
        "2.5.4.4" => "surname",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "countryName",
        "2.5.4.7" => "localityName",
        "2.5.4.8" => "stateOrProvinceName",
        "2.5.4.9" => "streetAddress",
        "2.5.4.10" => "organizationName",
        "2.5.4.11" => "organizationalUnitName",
        "2.5.4.12" => "title",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.42" => "givenName",
        "2.5.4.43" => "initials",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.1" => "userId",
        "0.9.2342.19200300.100.1.25" => "domainComponent",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionCountryName",
        _ => return None,
    })
}

fn general_name(n: &GeneralName<'_>) -> (String, String) {
    let (kind, value) = match n {
        GeneralName::DNSName(s) => ("DNS", s.to_string()),
        GeneralName::RFC822Name(s) => ("email", s.to_string()),
        GeneralName::URI(s) => ("URI", s.to_string()),
        GeneralName::IPAddress(ip) => ("IP Address", ip_text(ip)),
        GeneralName::RegisteredID(oid) => ("Registered ID", oid.to_id_string()),
        GeneralName::DirectoryName(dn) => ("DirName", dn.to_string()),
        _ => ("othername", "<unsupported>".to_string()),
    };
    (kind.to_string(), value)
}

fn ip_text(ip: &[u8]) -> String {
    match ip.len() {
        4 => format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]),
        16 => ip
            .chunks(2)
            .map(|p| format!("{:X}", u16::from_be_bytes([p[0], p[1]])))
            .collect::<Vec<_>>()
            .join(":"),
        _ => "<invalid>".to_string(),
    }
}

/// OpenSSL's `i2a_ASN1_INTEGER`: the magnitude's bytes in upper-case hex.
fn serial(raw: &[u8]) -> String {
    let start = raw
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(raw.len().saturating_sub(1));
    let digits: String = raw[start..].iter().map(|b| format!("{b:02X}")).collect();
    if digits.is_empty() {
        "00".to_string()
    } else {
        digits
    }
}

/// OpenSSL's `ASN1_TIME_print`: `"Jan  5 09:34:43 2026 GMT"`.
fn asn1_time(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{} {:>2} {:02}:{:02}:{:02} {} GMT",
        MONTHS[(month - 1) as usize],
        day,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        year
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_formats() {
        assert_eq!(asn1_time(0), "Jan  1 00:00:00 1970 GMT");
        assert_eq!(asn1_time(1_767_605_683), "Jan  5 09:34:43 2026 GMT");
        assert_eq!(asn1_time(951_782_400), "Feb 29 00:00:00 2000 GMT");
        assert_eq!(serial(&[0x00, 0x8f, 0x01]), "8F01");
        assert_eq!(serial(&[0x00]), "00");
        assert_eq!(ip_text(&[127, 0, 0, 1]), "127.0.0.1");
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_text(&v6), "0:0:0:0:0:0:0:1");
    }
}
