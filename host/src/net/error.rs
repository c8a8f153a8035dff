//! The socket core's error type: what went wrong, in CPython's terms.

use std::fmt;
use std::io;

/// A failure of a socket operation, one case per kind of Python exception.
#[derive(Debug)]
pub enum NetError {
    /// An OS error, with the OS's own errno and text.
    Io(io::Error),
    /// An errno pysocket raises itself (policy denial, unsupported feature),
    /// with a message that says why.
    Refused { errno: i32, message: String },
    /// The socket's timeout expired (`TimeoutError('timed out')`).
    Timeout,
    /// A `getaddrinfo`-style failure: `EAI_*` code and `gai_strerror` text.
    Gai { code: i32, message: String },
    /// A `gethostby*`-style failure: `h_errno` and its text.
    Herror { code: i32, message: String },
    /// A malformed argument (`ValueError`).
    Invalid(String),
    /// A number out of range (`OverflowError`).
    Overflow(String),
}

/// Result of socket-core operations.
pub type NetResult<T> = Result<T, NetError>;

impl NetError {
    /// An errno with a message of pysocket's own.
    pub fn refused(errno: i32, message: impl Into<String>) -> Self {
        NetError::Refused {
            errno,
            message: message.into(),
        }
    }

    /// An OS errno with the OS's standard text.
    pub fn errno(errno: i32) -> Self {
        NetError::Io(io::Error::from_raw_os_error(errno))
    }

    /// `EAGAIN`, what a non-blocking call that would block reports.
    pub fn would_block() -> Self {
        Self::errno(libc::EAGAIN)
    }

    /// `EBADF`, for a closed or unknown descriptor.
    pub fn bad_fd() -> Self {
        Self::errno(libc::EBADF)
    }

    /// A feature pysocket does not support (yet).
    pub fn unsupported(errno: i32, what: &str) -> Self {
        Self::refused(errno, format!("{what} is not supported by pysocket yet"))
    }

    /// The errno of this error, if it is an OS-style error.
    pub fn raw_errno(&self) -> Option<i32> {
        match self {
            NetError::Io(e) => e.raw_os_error(),
            NetError::Refused { errno, .. } => Some(*errno),
            _ => None,
        }
    }
}

impl From<io::Error> for NetError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::TimedOut && e.raw_os_error().is_none() {
            return NetError::Timeout;
        }
        NetError::Io(e)
    }
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Io(e) => write!(f, "{e}"),
            NetError::Refused { errno, message } => write!(f, "[Errno {errno}] {message}"),
            NetError::Timeout => f.write_str("timed out"),
            NetError::Gai { code, message } => write!(f, "[Errno {code}] {message}"),
            NetError::Herror { code, message } => write!(f, "[Errno {code}] {message}"),
            NetError::Invalid(m) | NetError::Overflow(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for NetError {}

/// The OS's text for an errno, without Rust's " (os error N)" suffix: the
/// `strerror` string CPython puts in `OSError.strerror`.
pub fn strerror(errno: i32) -> String {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: the buffer is valid for its length; the XSI/GNU variants both
    // NUL-terminate within it. `libc` binds the XSI `__xpg_strerror_r`.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: NUL-terminated by strerror_r on success.
    let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    text.to_string_lossy().into_owned()
}
