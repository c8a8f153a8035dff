//! [`SocketError`]: the error of every host function, and the one table that
//! turns an OS errno into the WIT `errno` name.

use crate::bindings::types::{Errno, Error as WitError, LookupError, OsError};
use crate::net::error::{strerror, NetError};
use wasmtime::component::ResourceTableError;

/// What a host function returns on failure: either an error for the guest
/// (a Python exception) or a trap (a host bug).
#[derive(Debug)]
pub enum SocketError {
    /// Reported to the guest as `result::err`.
    Guest(WitError),
    /// Traps the calling guest only.
    Trap(wasmtime::Error),
}

impl SocketError {
    /// An `OSError` with pysocket's own message.
    pub fn os(errno: i32, message: impl Into<String>) -> Self {
        NetError::refused(errno, message).into()
    }

    /// Converts into what the generated bindings need: the WIT error or a trap.
    pub fn into_wit(self) -> wasmtime::Result<WitError> {
        match self {
            SocketError::Guest(e) => Ok(e),
            SocketError::Trap(e) => Err(e),
        }
    }
}

impl From<NetError> for SocketError {
    fn from(e: NetError) -> Self {
        SocketError::Guest(net_error_to_wit(e))
    }
}

impl From<std::io::Error> for SocketError {
    fn from(e: std::io::Error) -> Self {
        NetError::from(e).into()
    }
}

impl From<ResourceTableError> for SocketError {
    fn from(e: ResourceTableError) -> Self {
        SocketError::Trap(wasmtime::Error::new(e))
    }
}

impl std::fmt::Display for SocketError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SocketError::Guest(e) => write!(f, "{e:?}"),
            SocketError::Trap(e) => write!(f, "trap: {e}"),
        }
    }
}

impl std::error::Error for SocketError {}

/// Maps a socket-core error to the WIT error the guest turns into an exception.
pub fn net_error_to_wit(e: NetError) -> WitError {
    match e {
        NetError::Io(io) => match io.raw_os_error() {
            Some(n) => os_error(n, strerror(n)),
            None => WitError::Os(OsError {
                code: Errno::Unknown,
                message: io.to_string(),
            }),
        },
        NetError::Refused { errno, message } => os_error(errno, message),
        NetError::Timeout => WitError::Timeout,
        NetError::Gai { code, message } => WitError::Gai(LookupError { code, message }),
        NetError::Herror { code, message } => WitError::Host(LookupError { code, message }),
        NetError::Invalid(m) => WitError::Invalid(m),
        NetError::Overflow(m) => WitError::Overflow(m),
    }
}

fn os_error(errno: i32, message: String) -> WitError {
    let code = errno_name(errno);
    let message = if code == Errno::Unknown {
        format!("{message} (host errno {errno})")
    } else {
        message
    };
    WitError::Os(OsError { code, message })
}

/// The WIT name of a host errno (Linux numbering via `libc`).
pub fn errno_name(errno: i32) -> Errno {
    use libc::*;
    match errno {
        EPERM => Errno::Eperm,
        ENOENT => Errno::Enoent,
        ESRCH => Errno::Esrch,
        EINTR => Errno::Eintr,
        EIO => Errno::Eio,
        ENXIO => Errno::Enxio,
        E2BIG => Errno::E2big,
        ENOEXEC => Errno::Enoexec,
        EBADF => Errno::Ebadf,
        ECHILD => Errno::Echild,
        EAGAIN => Errno::Eagain,
        ENOMEM => Errno::Enomem,
        EACCES => Errno::Eacces,
        EFAULT => Errno::Efault,
        EBUSY => Errno::Ebusy,
        EEXIST => Errno::Eexist,
        EXDEV => Errno::Exdev,
        ENODEV => Errno::Enodev,
        ENOTDIR => Errno::Enotdir,
        EISDIR => Errno::Eisdir,
        EINVAL => Errno::Einval,
        ENFILE => Errno::Enfile,
        EMFILE => Errno::Emfile,
        ENOTTY => Errno::Enotty,
        EFBIG => Errno::Efbig,
        ENOSPC => Errno::Enospc,
        ESPIPE => Errno::Espipe,
        EROFS => Errno::Erofs,
        EMLINK => Errno::Emlink,
        EPIPE => Errno::Epipe,
        EDOM => Errno::Edom,
        ERANGE => Errno::Erange,
        EDEADLK => Errno::Edeadlk,
        ENAMETOOLONG => Errno::Enametoolong,
        ENOLCK => Errno::Enolck,
        ENOSYS => Errno::Enosys,
        ENOTEMPTY => Errno::Enotempty,
        ELOOP => Errno::Eloop,
        ENOMSG => Errno::Enomsg,
        EIDRM => Errno::Eidrm,
        ENOSTR => Errno::Enostr,
        ENODATA => Errno::Enodata,
        ETIME => Errno::Etime,
        ENOSR => Errno::Enosr,
        ENOLINK => Errno::Enolink,
        EPROTO => Errno::Eproto,
        EBADMSG => Errno::Ebadmsg,
        EOVERFLOW => Errno::Eoverflow,
        EILSEQ => Errno::Eilseq,
        ENOTSOCK => Errno::Enotsock,
        EDESTADDRREQ => Errno::Edestaddrreq,
        EMSGSIZE => Errno::Emsgsize,
        EPROTOTYPE => Errno::Eprototype,
        ENOPROTOOPT => Errno::Enoprotoopt,
        EPROTONOSUPPORT => Errno::Eprotonosupport,
        ESOCKTNOSUPPORT => Errno::Esocktnosupport,
        EOPNOTSUPP => Errno::Eopnotsupp,
        EPFNOSUPPORT => Errno::Epfnosupport,
        EAFNOSUPPORT => Errno::Eafnosupport,
        EADDRINUSE => Errno::Eaddrinuse,
        EADDRNOTAVAIL => Errno::Eaddrnotavail,
        ENETDOWN => Errno::Enetdown,
        ENETUNREACH => Errno::Enetunreach,
        ENETRESET => Errno::Enetreset,
        ECONNABORTED => Errno::Econnaborted,
        ECONNRESET => Errno::Econnreset,
        ENOBUFS => Errno::Enobufs,
        EISCONN => Errno::Eisconn,
        ENOTCONN => Errno::Enotconn,
        ESHUTDOWN => Errno::Eshutdown,
        ETOOMANYREFS => Errno::Etoomanyrefs,
        ETIMEDOUT => Errno::Etimedout,
        ECONNREFUSED => Errno::Econnrefused,
        EHOSTDOWN => Errno::Ehostdown,
        EHOSTUNREACH => Errno::Ehostunreach,
        EALREADY => Errno::Ealready,
        EINPROGRESS => Errno::Einprogress,
        ESTALE => Errno::Estale,
        EDQUOT => Errno::Edquot,
        ECANCELED => Errno::Ecanceled,
        EOWNERDEAD => Errno::Eownerdead,
        ENOTRECOVERABLE => Errno::Enotrecoverable,
        _ => Errno::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_keep_their_name_and_text() {
        let e = net_error_to_wit(NetError::errno(libc::ECONNREFUSED));
        match e {
            WitError::Os(OsError { code, message }) => {
                assert_eq!(code, Errno::Econnrefused);
                assert_eq!(message, "Connection refused");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_errno_says_its_number() {
        match net_error_to_wit(NetError::errno(4095)) {
            WitError::Os(OsError { code, message }) => {
                assert_eq!(code, Errno::Unknown);
                assert!(message.contains("4095"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn timeout_and_lookup_errors_have_their_own_cases() {
        assert!(matches!(
            net_error_to_wit(NetError::Timeout),
            WitError::Timeout
        ));
        let gai = NetError::Gai {
            code: -2,
            message: "Name or service not known".into(),
        };
        assert!(matches!(
            net_error_to_wit(gai),
            WitError::Gai(LookupError { code: -2, .. })
        ));
    }
}
