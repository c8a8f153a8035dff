//! Which socket options a guest may use, and how.
//!
//! Every option here goes straight to `setsockopt(2)`/`getsockopt(2)`, so
//! it takes real effect; none is recorded and ignored. Options that could
//! let a guest leave its sandbox or affect the rest of the host are refused
//! with EACCES; options pysocket doesn't know are refused with ENOPROTOOPT.
//! Numbers are Linux's (the host is Linux-only).

use super::error::{NetError, NetResult};

/// What a guest may do with an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Set and get.
    ReadWrite,
    /// Get only (SO_TYPE, SO_ERROR, TCP_INFO, ...).
    ReadOnly,
    /// Refused, with the reason shown to the guest.
    Refused(&'static str),
}

const SOL_SOCKET: i32 = 1;
const IPPROTO_IP: i32 = 0;
const IPPROTO_TCP: i32 = 6;
const IPPROTO_UDP: i32 = 17;
const IPPROTO_IPV6: i32 = 41;

const ESCAPE: &str = "could let the guest leave its network sandbox";
const PRIVILEGED: &str = "needs host privileges";
const USE_SETTIMEOUT: &str = "conflicts with pysocket's timeouts; use settimeout()";

/// `(level, name, option name, access)` for every option pysocket knows.
const OPTIONS: &[(i32, i32, &str, Access)] = {
    use Access::*;
    &[
        (SOL_SOCKET, 2, "SO_REUSEADDR", ReadWrite),
        (SOL_SOCKET, 3, "SO_TYPE", ReadOnly),
        (SOL_SOCKET, 4, "SO_ERROR", ReadOnly),
        (SOL_SOCKET, 5, "SO_DONTROUTE", ReadWrite),
        (SOL_SOCKET, 6, "SO_BROADCAST", ReadWrite),
        (SOL_SOCKET, 7, "SO_SNDBUF", ReadWrite),
        (SOL_SOCKET, 8, "SO_RCVBUF", ReadWrite),
        (SOL_SOCKET, 9, "SO_KEEPALIVE", ReadWrite),
        (SOL_SOCKET, 10, "SO_OOBINLINE", ReadWrite),
        (SOL_SOCKET, 12, "SO_PRIORITY", ReadWrite),
        (SOL_SOCKET, 13, "SO_LINGER", ReadWrite),
        (SOL_SOCKET, 15, "SO_REUSEPORT", ReadWrite),
        (SOL_SOCKET, 16, "SO_PASSCRED", ReadWrite),
        (SOL_SOCKET, 17, "SO_PEERCRED", ReadOnly),
        (SOL_SOCKET, 18, "SO_RCVLOWAT", ReadWrite),
        (SOL_SOCKET, 19, "SO_SNDLOWAT", ReadOnly),
        (SOL_SOCKET, 20, "SO_RCVTIMEO", Refused(USE_SETTIMEOUT)),
        (SOL_SOCKET, 21, "SO_SNDTIMEO", Refused(USE_SETTIMEOUT)),
        (SOL_SOCKET, 25, "SO_BINDTODEVICE", Refused(ESCAPE)),
        (SOL_SOCKET, 26, "SO_ATTACH_FILTER", Refused(ESCAPE)),
        (SOL_SOCKET, 29, "SO_TIMESTAMP", ReadWrite),
        (SOL_SOCKET, 30, "SO_ACCEPTCONN", ReadOnly),
        (SOL_SOCKET, 32, "SO_SNDBUFFORCE", Refused(PRIVILEGED)),
        (SOL_SOCKET, 33, "SO_RCVBUFFORCE", Refused(PRIVILEGED)),
        (SOL_SOCKET, 35, "SO_TIMESTAMPNS", ReadWrite),
        (SOL_SOCKET, 36, "SO_MARK", Refused(ESCAPE)),
        (SOL_SOCKET, 38, "SO_PROTOCOL", ReadOnly),
        (SOL_SOCKET, 39, "SO_DOMAIN", ReadOnly),
        (SOL_SOCKET, 40, "SO_RXQ_OVFL", ReadWrite),
        (SOL_SOCKET, 62, "SO_BINDTOIFINDEX", Refused(ESCAPE)),
        (IPPROTO_TCP, 1, "TCP_NODELAY", ReadWrite),
        (IPPROTO_TCP, 2, "TCP_MAXSEG", ReadWrite),
        (IPPROTO_TCP, 3, "TCP_CORK", ReadWrite),
        (IPPROTO_TCP, 4, "TCP_KEEPIDLE", ReadWrite),
        (IPPROTO_TCP, 5, "TCP_KEEPINTVL", ReadWrite),
        (IPPROTO_TCP, 6, "TCP_KEEPCNT", ReadWrite),
        (IPPROTO_TCP, 7, "TCP_SYNCNT", ReadWrite),
        (IPPROTO_TCP, 8, "TCP_LINGER2", ReadWrite),
        (IPPROTO_TCP, 9, "TCP_DEFER_ACCEPT", ReadWrite),
        (IPPROTO_TCP, 10, "TCP_WINDOW_CLAMP", ReadWrite),
        (IPPROTO_TCP, 11, "TCP_INFO", ReadOnly),
        (IPPROTO_TCP, 12, "TCP_QUICKACK", ReadWrite),
        (IPPROTO_TCP, 13, "TCP_CONGESTION", ReadWrite),
        (IPPROTO_TCP, 18, "TCP_USER_TIMEOUT", ReadWrite),
        (IPPROTO_TCP, 19, "TCP_REPAIR", Refused(PRIVILEGED)),
        (IPPROTO_TCP, 23, "TCP_FASTOPEN", ReadWrite),
        (IPPROTO_TCP, 25, "TCP_NOTSENT_LOWAT", ReadWrite),
        (IPPROTO_TCP, 30, "TCP_FASTOPEN_CONNECT", ReadWrite),
        (IPPROTO_UDP, 1, "UDP_CORK", ReadWrite),
        (IPPROTO_IP, 1, "IP_TOS", ReadWrite),
        (IPPROTO_IP, 2, "IP_TTL", ReadWrite),
        (IPPROTO_IP, 3, "IP_HDRINCL", Refused(PRIVILEGED)),
        (IPPROTO_IP, 4, "IP_OPTIONS", ReadWrite),
        (IPPROTO_IP, 6, "IP_RECVOPTS", ReadWrite),
        (IPPROTO_IP, 7, "IP_RETOPTS", ReadWrite),
        (IPPROTO_IP, 8, "IP_PKTINFO", ReadWrite),
        (IPPROTO_IP, 10, "IP_MTU_DISCOVER", ReadWrite),
        (IPPROTO_IP, 11, "IP_RECVERR", ReadWrite),
        (IPPROTO_IP, 12, "IP_RECVTTL", ReadWrite),
        (IPPROTO_IP, 13, "IP_RECVTOS", ReadWrite),
        (IPPROTO_IP, 14, "IP_MTU", ReadOnly),
        (IPPROTO_IP, 15, "IP_FREEBIND", ReadWrite),
        (IPPROTO_IP, 19, "IP_TRANSPARENT", Refused(ESCAPE)),
        (IPPROTO_IP, 20, "IP_RECVORIGDSTADDR", ReadWrite),
        (IPPROTO_IP, 24, "IP_BIND_ADDRESS_NO_PORT", ReadWrite),
        (IPPROTO_IP, 32, "IP_MULTICAST_IF", ReadWrite),
        (IPPROTO_IP, 33, "IP_MULTICAST_TTL", ReadWrite),
        (IPPROTO_IP, 34, "IP_MULTICAST_LOOP", ReadWrite),
        (IPPROTO_IP, 35, "IP_ADD_MEMBERSHIP", ReadWrite),
        (IPPROTO_IP, 36, "IP_DROP_MEMBERSHIP", ReadWrite),
        (IPPROTO_IP, 37, "IP_UNBLOCK_SOURCE", ReadWrite),
        (IPPROTO_IP, 38, "IP_BLOCK_SOURCE", ReadWrite),
        (IPPROTO_IP, 39, "IP_ADD_SOURCE_MEMBERSHIP", ReadWrite),
        (IPPROTO_IP, 40, "IP_DROP_SOURCE_MEMBERSHIP", ReadWrite),
        (IPPROTO_IPV6, 16, "IPV6_UNICAST_HOPS", ReadWrite),
        (IPPROTO_IPV6, 17, "IPV6_MULTICAST_IF", ReadWrite),
        (IPPROTO_IPV6, 18, "IPV6_MULTICAST_HOPS", ReadWrite),
        (IPPROTO_IPV6, 19, "IPV6_MULTICAST_LOOP", ReadWrite),
        (IPPROTO_IPV6, 20, "IPV6_JOIN_GROUP", ReadWrite),
        (IPPROTO_IPV6, 21, "IPV6_LEAVE_GROUP", ReadWrite),
        (IPPROTO_IPV6, 23, "IPV6_MTU_DISCOVER", ReadWrite),
        (IPPROTO_IPV6, 24, "IPV6_MTU", ReadOnly),
        (IPPROTO_IPV6, 25, "IPV6_RECVERR", ReadWrite),
        (IPPROTO_IPV6, 26, "IPV6_V6ONLY", ReadWrite),
        (IPPROTO_IPV6, 49, "IPV6_RECVPKTINFO", ReadWrite),
        (IPPROTO_IPV6, 51, "IPV6_RECVHOPLIMIT", ReadWrite),
        (IPPROTO_IPV6, 60, "IPV6_RECVPATHMTU", ReadWrite),
        (IPPROTO_IPV6, 62, "IPV6_DONTFRAG", ReadWrite),
        (IPPROTO_IPV6, 66, "IPV6_RECVTCLASS", ReadWrite),
        (IPPROTO_IPV6, 67, "IPV6_TCLASS", ReadWrite),
        (IPPROTO_IPV6, 75, "IPV6_TRANSPARENT", Refused(ESCAPE)),
        (IPPROTO_IPV6, 78, "IPV6_FREEBIND", ReadWrite),
    ]
};

fn lookup(level: i32, name: i32) -> Option<(&'static str, Access)> {
    OPTIONS
        .iter()
        .find(|(l, n, _, _)| *l == level && *n == name)
        .map(|(_, _, label, access)| (*label, *access))
}

fn check(level: i32, name: i32, setting: bool) -> NetResult<()> {
    match lookup(level, name) {
        None => Err(NetError::refused(
            libc::ENOPROTOOPT,
            format!("Protocol not available (option {name} at level {level} is not supported by pysocket)"),
        )),
        Some((label, Access::Refused(why))) => Err(NetError::refused(libc::EACCES, format!("{label} is refused by pysocket: it {why}"))),
        Some((label, Access::ReadOnly)) if setting => Err(NetError::refused(libc::ENOPROTOOPT, format!("Protocol not available ({label} can only be read)"))),
        Some(_) => Ok(()),
    }
}

/// May the guest set this option?
pub fn check_set(level: i32, name: i32) -> NetResult<()> {
    check(level, name, true)
}

/// May the guest read this option?
pub fn check_get(level: i32, name: i32) -> NetResult<()> {
    check(level, name, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_options_pass_and_escapes_are_refused() {
        assert!(check_set(SOL_SOCKET, 2).is_ok());
        assert!(check_set(IPPROTO_TCP, 1).is_ok());
        assert!(check_get(SOL_SOCKET, 3).is_ok());
        assert_eq!(
            check_set(SOL_SOCKET, 3).unwrap_err().raw_errno(),
            Some(libc::ENOPROTOOPT)
        );
        assert_eq!(
            check_set(SOL_SOCKET, 25).unwrap_err().raw_errno(),
            Some(libc::EACCES)
        );
        assert_eq!(
            check_set(IPPROTO_IP, 19).unwrap_err().raw_errno(),
            Some(libc::EACCES)
        );
        assert_eq!(
            check_get(99, 99).unwrap_err().raw_errno(),
            Some(libc::ENOPROTOOPT)
        );
    }

    #[test]
    fn table_has_no_duplicates() {
        for (i, a) in OPTIONS.iter().enumerate() {
            for b in &OPTIONS[i + 1..] {
                assert!(!(a.0 == b.0 && a.1 == b.1), "{} and {}", a.2, b.2);
            }
        }
    }
}
