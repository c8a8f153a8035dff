//! Errors: `wasi:sockets` error codes to the errno names of our WIT, with
//! Linux's `strerror` texts, and the "not supported on a plain WASI host"
//! errors for what `wasi:sockets` cannot express.

use crate::exports::pysocket::socket::types::{Errno, LookupError, OsError};
use crate::Error;
use wasi::sockets::network::ErrorCode;

/// The errnos the adapter produces: name, Linux number, Linux `strerror`.
const TABLE: &[(Errno, i32, &str)] = &[
    (Errno::Eperm, 1, "Operation not permitted"),
    (Errno::Eintr, 4, "Interrupted system call"),
    (Errno::Eio, 5, "Input/output error"),
    (Errno::Ebadf, 9, "Bad file descriptor"),
    (Errno::Eagain, 11, "Resource temporarily unavailable"),
    (Errno::Enomem, 12, "Cannot allocate memory"),
    (Errno::Eacces, 13, "Permission denied"),
    (Errno::Einval, 22, "Invalid argument"),
    (Errno::Emfile, 24, "Too many open files"),
    (Errno::Epipe, 32, "Broken pipe"),
    (Errno::Enotsock, 88, "Socket operation on non-socket"),
    (Errno::Edestaddrreq, 89, "Destination address required"),
    (Errno::Emsgsize, 90, "Message too long"),
    (Errno::Eprototype, 91, "Protocol wrong type for socket"),
    (Errno::Enoprotoopt, 92, "Protocol not available"),
    (Errno::Eprotonosupport, 93, "Protocol not supported"),
    (Errno::Esocktnosupport, 94, "Socket type not supported"),
    (Errno::Eopnotsupp, 95, "Operation not supported"),
    (
        Errno::Eafnosupport,
        97,
        "Address family not supported by protocol",
    ),
    (Errno::Eaddrinuse, 98, "Address already in use"),
    (Errno::Eaddrnotavail, 99, "Cannot assign requested address"),
    (Errno::Enetdown, 100, "Network is down"),
    (Errno::Enetunreach, 101, "Network is unreachable"),
    (Errno::Enetreset, 102, "Network dropped connection on reset"),
    (Errno::Econnaborted, 103, "Software caused connection abort"),
    (Errno::Econnreset, 104, "Connection reset by peer"),
    (Errno::Enobufs, 105, "No buffer space available"),
    (
        Errno::Eisconn,
        106,
        "Transport endpoint is already connected",
    ),
    (Errno::Enotconn, 107, "Transport endpoint is not connected"),
    (
        Errno::Eshutdown,
        108,
        "Cannot send after transport endpoint shutdown",
    ),
    (Errno::Etimedout, 110, "Connection timed out"),
    (Errno::Econnrefused, 111, "Connection refused"),
    (Errno::Ehostdown, 112, "Host is down"),
    (Errno::Ehostunreach, 113, "No route to host"),
    (Errno::Ealready, 114, "Operation already in progress"),
    (Errno::Einprogress, 115, "Operation now in progress"),
];

/// `OSError(code, strerror)` with Linux's text.
pub fn os(code: Errno) -> Error {
    let text = TABLE
        .iter()
        .find(|(e, _, _)| *e == code)
        .map_or("Unknown error", |(_, _, t)| t);
    os_msg(code, text)
}

/// `OSError(code, message)`.
pub fn os_msg(code: Errno, message: &str) -> Error {
    Error::Os(OsError {
        code,
        message: message.to_string(),
    })
}

/// Something a plain WASI 0.2 host cannot do: `code` with a message naming
/// it, e.g. `unsupported(Errno::Eafnosupport, "AF_UNIX sockets")`.
pub fn unsupported(code: Errno, what: &str) -> Error {
    os_msg(
        code,
        &format!(
            "{what}: not supported on a plain WASI 0.2 host (pysocket adapter over wasi:sockets)"
        ),
    )
}

/// `ValueError(message)`.
pub fn invalid(message: &str) -> Error {
    Error::Invalid(message.to_string())
}

/// `socket.gaierror(code, message)` with glibc's text.
pub fn gai(code: i32) -> Error {
    let message = match code {
        -1 => "Bad value for ai_flags",
        -2 => "Name or service not known",
        -3 => "Temporary failure in name resolution",
        -4 => "Non-recoverable failure in name resolution",
        -6 => "ai_family not supported",
        -7 => "ai_socktype not supported",
        -8 => "Servname not supported for ai_socktype",
        -9 => "Address family for hostname not supported",
        _ => "Unknown error",
    };
    Error::Gai(LookupError {
        code,
        message: message.to_string(),
    })
}

/// The Linux number of an errno name (what `SO_ERROR` returns); 0 for none.
pub fn number(code: Errno) -> i32 {
    TABLE
        .iter()
        .find(|(e, _, _)| *e == code)
        .map_or(0, |(_, n, _)| *n)
}

/// The errno name of a Linux number, if the table has it.
fn from_number(n: i32) -> Option<Errno> {
    TABLE.iter().find(|(_, m, _)| *m == n).map(|(e, _, _)| *e)
}

/// The errno name `wasi:sockets` means by `code` (the POSIX equivalents
/// its WIT documents), for the operations that are not name lookups.
pub fn errno_of(code: ErrorCode) -> Errno {
    match code {
        ErrorCode::Unknown => Errno::Eio,
        ErrorCode::AccessDenied => Errno::Eacces,
        ErrorCode::NotSupported => Errno::Eopnotsupp,
        ErrorCode::InvalidArgument => Errno::Einval,
        ErrorCode::OutOfMemory => Errno::Enomem,
        ErrorCode::Timeout => Errno::Etimedout,
        ErrorCode::ConcurrencyConflict => Errno::Ealready,
        ErrorCode::NotInProgress => Errno::Einval,
        ErrorCode::WouldBlock => Errno::Eagain,
        ErrorCode::InvalidState => Errno::Einval,
        ErrorCode::NewSocketLimit => Errno::Emfile,
        ErrorCode::AddressNotBindable => Errno::Eaddrnotavail,
        ErrorCode::AddressInUse => Errno::Eaddrinuse,
        ErrorCode::RemoteUnreachable => Errno::Ehostunreach,
        ErrorCode::ConnectionRefused => Errno::Econnrefused,
        ErrorCode::ConnectionReset => Errno::Econnreset,
        ErrorCode::ConnectionAborted => Errno::Econnaborted,
        ErrorCode::DatagramTooLarge => Errno::Emsgsize,
        ErrorCode::NameUnresolvable
        | ErrorCode::TemporaryResolverFailure
        | ErrorCode::PermanentResolverFailure => Errno::Eio,
    }
}

/// A `wasi:sockets` error as the exception CPython raises. Access denials
/// say who denied them.
pub fn from_wasi(code: ErrorCode) -> Error {
    match code {
        ErrorCode::NameUnresolvable => gai(-2),
        ErrorCode::TemporaryResolverFailure => gai(-3),
        ErrorCode::PermanentResolverFailure => gai(-4),
        ErrorCode::AccessDenied => os_msg(
            Errno::Eacces,
            "Permission denied (by the WASI host's network permissions)",
        ),
        other => os(errno_of(other)),
    }
}

/// A failed stream operation (`wasi:io/error`): wasmtime's text ends with
/// "(os error N)", N being the host's errno; on other hosts, or without a
/// number, `fallback`.
pub fn from_stream(err: &wasi::io::error::Error, fallback: Errno) -> Error {
    let text = err.to_debug_string();
    let number = text
        .rsplit_once("(os error ")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .and_then(|n| n.parse::<i32>().ok());
    match number.and_then(from_number) {
        Some(code) => os(code),
        None => os(fallback),
    }
}
