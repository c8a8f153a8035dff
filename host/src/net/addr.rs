//! Socket addresses in Python's shapes, converted to and from the OS's.

use super::error::{NetError, NetResult};
use socket2::SockAddr;
use std::net::{SocketAddr, SocketAddrV4, SocketAddrV6};

/// A concrete socket address (host names already resolved).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// AF_INET `(host, port)`.
    Inet(SocketAddrV4),
    /// AF_INET6 `(host, port, flowinfo, scope_id)`.
    Inet6(SocketAddrV6),
    /// AF_UNIX: a host path, an abstract name (leading NUL) or empty (unnamed).
    Unix(Vec<u8>),
}

impl Address {
    /// The address family number (Linux numbering).
    pub fn family(&self) -> i32 {
        match self {
            Address::Inet(_) => libc::AF_INET,
            Address::Inet6(_) => libc::AF_INET6,
            Address::Unix(_) => libc::AF_UNIX,
        }
    }

    /// The IP socket address, if this is an IP address.
    pub fn ip(&self) -> Option<SocketAddr> {
        match self {
            Address::Inet(a) => Some(SocketAddr::V4(*a)),
            Address::Inet6(a) => Some(SocketAddr::V6(*a)),
            Address::Unix(_) => None,
        }
    }

    /// The OS form of this address.
    pub fn to_sockaddr(&self) -> NetResult<SockAddr> {
        match self {
            Address::Inet(a) => Ok(SockAddr::from(*a)),
            Address::Inet6(a) => Ok(SockAddr::from(*a)),
            Address::Unix(path) => unix_sockaddr(path),
        }
    }

    /// Reads an OS address; `None` for an address of no family Python
    /// shows (AF_UNSPEC, as an unconnected datagram peer gives).
    pub fn from_sockaddr(addr: &SockAddr) -> Option<Address> {
        if let Some(a) = addr.as_socket_ipv4() {
            return Some(Address::Inet(a));
        }
        if let Some(a) = addr.as_socket_ipv6() {
            return Some(Address::Inet6(a));
        }
        if addr.family() == libc::AF_UNIX as libc::sa_family_t {
            return Some(Address::Unix(unix_path_bytes(addr)));
        }
        None
    }
}

impl From<SocketAddr> for Address {
    fn from(a: SocketAddr) -> Self {
        match a {
            SocketAddr::V4(a) => Address::Inet(a),
            SocketAddr::V6(a) => Address::Inet6(a),
        }
    }
}

const SUN_PATH_OFFSET: usize = std::mem::offset_of!(libc::sockaddr_un, sun_path);

/// Builds a `sockaddr_un` from raw path bytes (abstract names keep their
/// leading NUL), as CPython does: no implicit trailing NUL for abstract names.
fn unix_sockaddr(path: &[u8]) -> NetResult<SockAddr> {
    // SAFETY: sockaddr_un is plain old data; all-zero is a valid value.
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    if path.len() > sun.sun_path.len() {
        return Err(NetError::refused(libc::EINVAL, "AF_UNIX path too long"));
    }
    sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (dst, src) in sun.sun_path.iter_mut().zip(path) {
        *dst = *src as libc::c_char;
    }
    let abstract_name = path.first() == Some(&0);
    let nul = !abstract_name && !path.is_empty() && path.len() < sun.sun_path.len();
    let len = SUN_PATH_OFFSET + path.len() + usize::from(nul);
    // SAFETY: `storage` is zeroed and large enough for a sockaddr_un; we copy
    // exactly the bytes of `sun` and report the length the kernel expects.
    let ((), addr) = unsafe {
        SockAddr::try_init(|storage, len_out| {
            std::ptr::copy_nonoverlapping(
                &sun as *const libc::sockaddr_un as *const u8,
                storage as *mut u8,
                std::mem::size_of::<libc::sockaddr_un>(),
            );
            *len_out = len as libc::socklen_t;
            Ok(())
        })
    }
    .map_err(NetError::Io)?;
    Ok(addr)
}

/// The path bytes of an AF_UNIX address: empty when unnamed, the whole name
/// with its leading NUL when abstract, up to the first NUL otherwise.
fn unix_path_bytes(addr: &SockAddr) -> Vec<u8> {
    let len = addr.len() as usize;
    if len <= SUN_PATH_OFFSET {
        return Vec::new();
    }
    // SAFETY: the family is AF_UNIX, so the storage holds a sockaddr_un.
    let sun = unsafe { &*(addr.as_ptr() as *const libc::sockaddr_un) };
    let raw: Vec<u8> = sun.sun_path[..(len - SUN_PATH_OFFSET).min(sun.sun_path.len())]
        .iter()
        .map(|c| *c as u8)
        .collect();
    if raw.first() == Some(&0) {
        raw
    } else {
        raw.split(|b| *b == 0).next().unwrap_or_default().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_paths_round_trip() {
        for path in [&b"/tmp/x.sock"[..], b"\0abstract", b""] {
            let sa = Address::Unix(path.to_vec()).to_sockaddr().unwrap();
            assert_eq!(
                Address::from_sockaddr(&sa),
                Some(Address::Unix(path.to_vec()))
            );
        }
    }

    #[test]
    fn too_long_unix_path_is_an_error() {
        assert!(Address::Unix(vec![b'a'; 200]).to_sockaddr().is_err());
    }

    #[test]
    fn inet_round_trips() {
        let a: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let sa = Address::from(a).to_sockaddr().unwrap();
        assert_eq!(Address::from_sockaddr(&sa).unwrap().ip(), Some(a));
    }
}
