//! AF_UNIX confinement: directories where a guest may bind and connect
//! AF_UNIX sockets (`--allow-unix HOST_DIR[::GUEST_DIR]`).

use super::RuleError;
use std::path::{Component, Path, PathBuf};

/// A directory where a guest may bind and connect AF_UNIX sockets: guest
/// paths under `guest` are host paths under `host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixDir {
    pub host: PathBuf,
    pub guest: PathBuf,
}

impl UnixDir {
    /// Parses `HOST_DIR[::GUEST_DIR]` (the same path in both when no
    /// GUEST_DIR is given). Both must be absolute.
    pub fn parse(spec: &str) -> Result<UnixDir, RuleError> {
        let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
        let host = std::path::absolute(host)
            .map_err(|e| RuleError(format!("bad AF_UNIX directory {spec:?}: {e}")))?;
        let guest = PathBuf::from(guest);
        if !guest.is_absolute() {
            return Err(RuleError(format!(
                "bad AF_UNIX directory {spec:?}: the guest path must be absolute"
            )));
        }
        Ok(UnixDir { host, guest })
    }
}

/// Splits an absolute path into normal components; `None` for relative
/// paths or paths with `..`.
fn plain_components(path: &Path) -> Option<Vec<&std::ffi::OsStr>> {
    if !path.is_absolute() {
        return None;
    }
    let mut out = Vec::new();
    for c in path.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(n) => out.push(n),
            Component::ParentDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// `path` relative to `base`, if it lies strictly below it.
pub(crate) fn below<'a>(path: &'a Path, base: &Path) -> Option<Vec<&'a std::ffi::OsStr>> {
    let p = plain_components(path)?;
    let b = plain_components(base)?;
    (p.len() > b.len() && p[..b.len()] == b[..]).then(|| p[b.len()..].to_vec())
}
